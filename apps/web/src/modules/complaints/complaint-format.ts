// Display helpers for complaint screens: tracking codes in the reader's digits, what a person
// types as a code, and the live SLA countdown. Pure functions (complaint-format.test.ts).
import { localeTag, localiseDigits, toLatinDigits, type Digits, type DisplayPrefs } from '../../lib/format.ts';

/** A tracking code's 12 digits in groups of four (4-4-4; 4-4-4-4 for a 16-digit code of before), in the reader's digits. */
export function formatTrackingCode(code: string, digits: Digits): string {
  const plain = toLatinDigits(code).replace(/\D/g, '');
  const groups = plain.match(/.{1,4}/g) ?? [];
  // Arabic-Indic digits are not made left-to-right by a left-to-right context (Persian and Latin
  // ones are), so a plain space between groups would let the bidi algorithm reverse their order:
  // left-to-right marks around it hold the groups in reading order.
  return localiseDigits(groups.join(digits === 'arab' ? '\u200E \u200E' : ' '), digits);
}

/**
 * What a person typed as a code, as ASCII digits: Persian, Arabic-Indic and full-width digits
 * folded, separators ("-", spaces, "#") and invisible marks dropped. The server checks the check
 * digit; this only says whether there are 12 digits (or 16, a code issued before) to send.
 */
export function typedTrackingCode(text: string): { digits: string; complete: boolean } {
  const folded = toLatinDigits(text).replace(/[\uFF10-\uFF19]/g, (d) => String(d.charCodeAt(0) - 0xff10));
  const digits = folded.replace(/\D/g, '');
  return { digits, complete: digits.length === 12 || digits.length === 16 };
}

/**
 * What the queue's search box sends as `q`, or undefined while it is too short to search (the
 * server refuses below 4 digits of a code, or without a word of 3 letters; it would scan).
 */
export function queueSearch(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const { digits } = typedTrackingCode(trimmed);
  if (/^[\d\s\p{Pd}\u06F0-\u06F9\u0660-\u0669\uFF10-\uFF19]+$/u.test(trimmed)) return digits.length >= 4 ? trimmed : undefined;
  return trimmed.split(/\s+/).some((word) => [...word].length >= 3) ? trimmed : undefined;
}

/**
 * Business minutes left on a clock, counted down in the browser from the server's figure: while
 * the clock ticks (business hours open, a clock running), a minute of wall time is a minute of
 * business time until the next change the server named (nextChangeAt) or the due instant.
 * Past those the figure is stale and the queue refetches.
 */
export function remainingNow(remainingMinutes: number, evaluatedAt: string, ticking: boolean, now: number): number {
  if (!ticking) return remainingMinutes;
  const elapsed = (now - Date.parse(evaluatedAt)) / 60_000;
  return remainingMinutes - Math.max(0, elapsed);
}

/** A length of business time, "2h 5m", "3d 4h", in the reader's digits (the sign is the caller's words: "over by"). */
export function formatBusinessMinutes(minutes: number, prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>): string {
  const tag = localeTag(prefs);
  const total = Math.floor(Math.abs(minutes));
  // Narrow units are Latin letters in Persian ("۱h"); short ones are words in every language.
  const display = prefs.language === 'en' ? 'narrow' : 'short';
  const unit = (value: number, name: 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(tag, { style: 'unit', unit: name, unitDisplay: display }).format(value);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  const parts = days > 0 ? [unit(days, 'day'), hours > 0 ? unit(hours, 'hour') : null]
    : hours > 0 ? [unit(hours, 'hour'), mins > 0 ? unit(mins, 'minute') : null]
    : [unit(mins, 'minute')];
  return parts.filter(Boolean).join(' ');
}

/** A phone number typed with any digits, as ASCII digits and the + and spaces people type. */
export function phoneFromInput(text: string): string {
  return toLatinDigits(text).replace(/[\uFF10-\uFF19]/g, (d) => String(d.charCodeAt(0) - 0xff10));
}
