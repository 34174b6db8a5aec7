// Display helpers for engagement screens: relative due times and durations in the user's
// language and digits. Pure functions.
import { localeTag, type DisplayPrefs } from '../../lib/format.ts';

type Prefs = Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]];

/** "in 3 hours", "2 days ago" — the largest unit that fits, rounded. */
export function formatRelative(iso: string, prefs: Prefs, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const format = new Intl.RelativeTimeFormat(localeTag(prefs), { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'minute') return format.format(Math.round(diff / ms), unit);
  }
  return format.format(0, 'minute');
}

/** Minutes as "45 min", "3.5 hr" or "2.1 days", in the user's digits. */
export function formatDuration(minutes: number, prefs: Prefs): string {
  const tag = localeTag(prefs);
  const unit = (value: number, name: 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(tag, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
  if (minutes < 90) return unit(Math.round(minutes), 'minute');
  if (minutes < 48 * 60) return unit(minutes / 60, 'hour');
  return unit(minutes / 1440, 'day');
}

export function formatPercent(rate: number, prefs: Prefs): string {
  return new Intl.NumberFormat(localeTag(prefs), { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}
