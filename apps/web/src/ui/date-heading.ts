// What the calendar popup's heading and jump lists say. Pure, unit tested in date-heading.test.ts.
import type { CalendarDate } from '@internationalized/date';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    formatters.set(key, found);
  }
  return found;
}

/** `locale` carries the date's calendar (`fa-IR-u-ca-persian-…`), so Intl names its months. */
const instant = (date: CalendarDate) => date.toDate('UTC');

export function monthName(date: CalendarDate, locale: string): string {
  return formatter(locale, { month: 'long' }).format(instant(date));
}

export function yearLabel(date: CalendarDate, locale: string): string {
  return formatter(locale, { year: 'numeric' }).format(instant(date));
}

/**
 * "آذر ۱۴۰۵", "جمادى الآخرة ١٤٤٨ هـ", "December 2026": month, then year. ICU's own year-month
 * pattern for Persian puts the year first ("۱۴۰۵ آذر"), which is not how people say it.
 */
export function monthHeading(date: CalendarDate, locale: string): string {
  return `${monthName(date, locale)} ${yearLabel(date, locale)}`;
}

export interface JumpOption {
  value: number;
  label: string;
}

/** The months of the date's year, by name (12 in the supported calendars, 13 where a calendar has them). */
export function monthOptions(date: CalendarDate, locale: string): JumpOption[] {
  const count = date.calendar.getMonthsInYear(date);
  return Array.from({ length: count }, (_, i) => ({ value: i + 1, label: monthName(date.set({ month: i + 1, day: 1 }), locale) }));
}

/** Years from `maxYear` down to `minYear` (the latest first: birthdays are looked up backwards), always including the date's own. */
export function yearOptions(date: CalendarDate, locale: string, minYear: number, maxYear: number): JumpOption[] {
  const low = Math.min(minYear, date.year);
  const high = Math.max(maxYear, date.year);
  return Array.from({ length: high - low + 1 }, (_, i) => {
    const year = high - i;
    return { value: year, label: yearLabel(date.set({ year, month: 1, day: 1 }), locale) };
  });
}
