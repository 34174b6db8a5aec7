// Tracking codes of complaint cases: what a complainant reads off an SMS, says over the phone and
// types into the public tracking page. Pure: no database; the caller stores the code and reports
// whether the unique index took it.
//
// Alphabet: the ten digits, nothing else. Digits are the one set every complainant reads, says and
// types natively in Persian, Arabic and English: a Persian keyboard and every phone's numeric pad
// type them without switching layout, whereas Latin letters read aloud in Persian or Arabic are a
// spelling exercise (b/p/v, m/n, e/i) and letters typed on a Persian layout come out as other
// letters. With no letters there is no 0/O or 1/I/L pair to confuse, and the parser still folds
// an O or an I/l someone typed by mistake. What stays confusable is caught by the check digit
// (any single wrong digit is refused): spoken هفت/هشت (7/8) in Persian and سبعة/تسعة (7/9) in
// Arabic over a poor line, the Arabic-Indic five ٥ that looks like a Latin 0, the Persian zero ۰
// that is only a dot.
//
// Length: 15 random digits and one check digit, shown in four groups of four (4827-9153-0612-3456),
// a shape everyone here already reads aloud (bank cards). The check digit is public, so it adds
// nothing against guessing: the space is 10^15, less the ~10 % of codes skipped because they pass
// the Luhn check (below), about 9 × 10^14. Against 10^7 live cases in one lookup space, a guess
// hits some case with p ≈ 1.1 × 10^-8. One address at 10 guesses/min (5.26 × 10^6 a year, non-stop)
// expects 0.058 hits a year (P(any) ≈ 5.7 %); at 10^6 cases, 0.006. Shorter codes fail this: 10
// digits (9 random) give 144 hits a day per address, 12 digits 1.4 a day. A botnet of 1,000
// addresses would still expect ~58 hits a year, so the tracking page must also ask for the
// verification (link token or last phone digits) and answer an unknown code and a wrong
// verification alike, making a hit on the code alone unobservable.
//
// Check digit: Damm's algorithm (a totally anti-symmetric quasigroup of order 10) catches every
// single-digit substitution and every transposition of two adjacent digits, which Luhn does not
// (09 ↔ 90). Codes that happen to pass Luhn are never issued: card-number scanners (mail
// gateways, chat redaction, DLP) match 16 Luhn-valid digits and would mask or block the code.
import { randomInt } from 'node:crypto';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import type { Locale } from '@vafa/contracts';

/** A code in canonical form: 16 ASCII digits whose last is the Damm check digit of the others. */
export type TrackingCode = string & { readonly __trackingCode: true };

export const TRACKING_CODE_RANDOM_DIGITS = 15;
export const TRACKING_CODE_LENGTH = TRACKING_CODE_RANDOM_DIGITS + 1;
const GROUP = 4;
/** A pasted code with generous spacing is well under this; anything longer is not worth normalising. */
export const TRACKING_CODE_MAX_INPUT = 256;

/** Damm's quasigroup (weakly totally anti-symmetric, zero diagonal; Damm 2004). */
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

function dammInterim(digits: string): number {
  let interim = 0;
  for (let i = 0; i < digits.length; i++) interim = DAMM[interim]![digits.charCodeAt(i) - 48]!;
  return interim;
}

/** The check digit of a string of ASCII digits. */
export function dammCheckDigit(digits: string): string {
  if (!/^[0-9]*$/.test(digits)) throw new TypeError('dammCheckDigit takes ASCII digits only');
  return String(dammInterim(digits));
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether a string is a tracking code in canonical form (what is stored and looked up). */
export function isTrackingCode(value: unknown): value is TrackingCode {
  return typeof value === 'string' && value.length === TRACKING_CODE_LENGTH && /^[0-9]+$/.test(value) && dammInterim(value) === 0;
}

/** A fresh code from the operating system's CSPRNG, never one a card-number scanner would match. */
export function newTrackingCode(): TrackingCode {
  for (;;) {
    let digits = '';
    for (let i = 0; i < TRACKING_CODE_RANDOM_DIGITS; i++) digits += String(randomInt(10));
    const code = digits + dammCheckDigit(digits);
    if (!passesLuhn(code)) return code as TrackingCode;
  }
}

export class TrackingCodeExhaustedError extends Error {
  readonly code = 'tracking_code_exhausted';
  constructor(attempts: number) {
    super(
      `no free tracking code after ${attempts} attempts; at the design load one collision is a 1-in-10^8 event, ` +
        'so the store callback is likely reporting other conflicts as taken',
    );
  }
}

export interface IssueTrackingCodeOptions {
  /** Default 5: at 10^7 cases, five collisions in a row has odds of about 10^-40. */
  maxAttempts?: number;
  /** Tests only: the source of candidate codes. */
  generate?: () => TrackingCode;
}

/**
 * Gives a case a code that the unique index accepts. `store` tries to write the code and returns
 * what it wrote, or undefined when the code is taken. Write it as
 * `INSERT … ON CONFLICT (tenant_id, tracking_code) DO NOTHING RETURNING …` (drizzle:
 * `onConflictDoNothing({ target: [...] }).returning()`): a failed plain INSERT would abort the
 * surrounding transaction, and a conflict target left open would report any other unique key
 * (an idempotency key, say) as a taken code and loop. Other errors propagate untouched.
 */
export async function issueTrackingCode<T>(
  store: (code: TrackingCode) => Promise<T | undefined>,
  options: IssueTrackingCodeOptions = {},
): Promise<{ code: TrackingCode; stored: T; attempts: number }> {
  const maxAttempts = options.maxAttempts ?? 5;
  const generate = options.generate ?? newTrackingCode;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const code = generate();
    const stored = await store(code);
    if (stored !== undefined) return { code, stored, attempts: attempt };
  }
  throw new TrackingCodeExhaustedError(maxAttempts);
}

export type TrackingCodeRefusal = 'not_text' | 'empty' | 'too_long' | 'invalid_character' | 'wrong_length' | 'check_failed';

export type ParsedTrackingCode = { ok: true; code: TrackingCode } | { ok: false; reason: TrackingCodeRefusal };

// Invisible characters that ride along in pasted text: Unicode format characters (zero-width
// space, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, LRM/RLM/ALM, bidi embeddings and the isolates
// formatTrackingCode itself adds), variation selectors and the keycap mark of emoji digits (4️⃣).
const INVISIBLE = /[\p{Cf}\uFE00-\uFE0F\u20E3]/gu;
/** What people put between groups: any space, any dash or minus, a dot, an underscore. */
const SEPARATOR = /[\s\p{Pd}\u2212._]/gu;
/** Latin letters typed for the digits they look like; the alphabet has no letters, so no code is lost. */
const LOOKALIKE: Record<string, string> = { O: '0', o: '0', I: '1', i: '1', l: '1', L: '1' };

/**
 * Reads a code the way people type or paste it: Persian (۰–۹), Arabic-Indic (٠–٩), full-width and
 * other compatibility digits, spaces and dashes anywhere, a leading '#', invisible characters,
 * O for 0 and I/l for 1. A mistyped code is refused by its check digit, without a lookup.
 */
export function parseTrackingCode(input: unknown): ParsedTrackingCode {
  if (typeof input !== 'string') return { ok: false, reason: 'not_text' };
  if (input.length > TRACKING_CODE_MAX_INPUT) return { ok: false, reason: 'too_long' };
  const text = toAsciiDigits(input.normalize('NFKC').replace(INVISIBLE, ''))
    .trim()
    .replace(/^#+/, '')
    .replace(SEPARATOR, '')
    .replace(/[OoIilL]/g, (c) => LOOKALIKE[c]!);
  if (text === '') return { ok: false, reason: 'empty' };
  if (!/^[0-9]+$/.test(text)) return { ok: false, reason: 'invalid_character' };
  if (text.length !== TRACKING_CODE_LENGTH) return { ok: false, reason: 'wrong_length' };
  if (dammInterim(text) !== 0) return { ok: false, reason: 'check_failed' };
  return { ok: true, code: text as TrackingCode };
}

/** Intl numbering-system ids: Latin, Persian (extended Arabic-Indic), Arabic-Indic. */
export type DigitSystem = 'latn' | 'arabext' | 'arab';

/** The same digits the rest of Vafa shows each language in (engagement's templates, surveys). */
export const LOCALE_DIGITS: Record<Locale, DigitSystem> = { fa: 'arabext', ar: 'arab', en: 'latn' };

const ZERO: Record<DigitSystem, number> = { latn: 0x30, arabext: 0x06f0, arab: 0x0660 };
const LRI = '\u2066';
const PDI = '\u2069';
const LRM = '\u200E';

export interface FormatTrackingCodeOptions {
  digits?: DigitSystem;
  /**
   * 'isolate' (default): safe inside right-to-left text. Without it the Unicode bidi algorithm
   * shows the groups in reverse order in a Persian or Arabic sentence (digits after Arabic letters
   * count as Arabic numbers, and a hyphen joins no Arabic numbers), so the code is wrapped in a
   * left-to-right isolate with a left-to-right mark after each hyphen, which Arabic-Indic digits
   * need even inside the isolate. The marks are invisible and parseTrackingCode drops them.
   * 'none': plain characters, for English SMS (keeps it GSM-7) and CSV.
   */
  bidi?: 'isolate' | 'none';
}

/** The code in groups of four, e.g. 4827-9153-0612-3456 or ۴۸۲۷-۹۱۵۳-۰۶۱۲-۳۴۵۶. */
export function formatTrackingCode(code: TrackingCode, options: FormatTrackingCodeOptions = {}): string {
  if (!isTrackingCode(code)) throw new TypeError('formatTrackingCode takes a canonical tracking code; parse input first');
  const zero = ZERO[options.digits ?? 'latn'];
  const shown = zero === 0x30 ? code : code.replace(/[0-9]/g, (d) => String.fromCharCode(zero + d.charCodeAt(0) - 48));
  const groups = shown.match(new RegExp(`.{1,${GROUP}}`, 'gu'))!;
  if ((options.bidi ?? 'isolate') === 'none') return groups.join('-');
  return LRI + groups.join(`-${LRM}`) + PDI;
}

/** The code as shown to a reader of `locale`: that language's digits, isolated in fa and ar text. */
export function formatTrackingCodeFor(code: TrackingCode, locale: Locale): string {
  return formatTrackingCode(code, { digits: LOCALE_DIGITS[locale], bidi: locale === 'en' ? 'none' : 'isolate' });
}
