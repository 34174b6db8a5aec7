import { CALENDARS, toIsoDate, type CalendarId } from '../i18n/calendar.ts';
import { toAsciiDigits, toAsciiNumber } from '../i18n/digits.ts';
import { foldForSearch } from '../i18n/fold.ts';

/**
 * Readers for the cell values spreadsheets hold, as people in Iran and the Gulf type them:
 * Persian or Arabic-Indic digits, Solar Hijri or Hijri dates, yes/no in three languages.
 * Each returns undefined for a value it cannot read; callers report that per row.
 */

const TRUE_WORDS = ['true', 'yes', 'y', '1', 'granted', 'optin', 'subscribed', 'بله', 'بلی', 'آری', 'اری', 'درست', 'نعم', 'صحيح'];
const FALSE_WORDS = ['false', 'no', 'n', '0', 'withdrawn', 'optout', 'unsubscribed', 'notsubscribed', 'خیر', 'نه', 'غلط', 'لا', 'خطأ'];
const BOOLEANS = new Map<string, boolean>([
  ...TRUE_WORDS.map((w) => [foldForSearch(w).replace(/[-_]/g, ''), true] as const),
  ...FALSE_WORDS.map((w) => [foldForSearch(w).replace(/[-_]/g, ''), false] as const),
]);

export function readBoolean(text: string): boolean | undefined {
  return BOOLEANS.get(foldForSearch(text).replace(/[-_]/g, ''));
}

const CALENDAR_NAMES = new Map<string, CalendarId>([
  ...CALENDARS.map((c) => [c, c] as const),
  ...(['jalali', 'shamsi', 'solar', 'solarhijri', 'شمسی', 'جلالی', 'خورشیدی', 'هجری شمسی', 'الهجري الشمسي'] as const).map((n) => [n, 'persian'] as const),
  ...(['hijri', 'islamic', 'umalqura', 'islamicumalqura', 'قمری', 'هجری قمری', 'هجري', 'الهجري', 'أم القرى', 'ام القری'] as const).map((n) => [n, 'islamic-umalqura'] as const),
  ...(['gregorian', 'miladi', 'میلادی', 'ميلادي', 'الميلادي'] as const).map((n) => [n, 'gregory'] as const),
].map(([name, id]) => [foldForSearch(name).replace(/[-_]/g, ''), id] as const));

export function readCalendar(text: string): CalendarId | undefined {
  return CALENDAR_NAMES.get(foldForSearch(text).replace(/[-_]/g, ''));
}

/** Years from here on are Gregorian; below, the date is in the local calendar (1370 = Solar Hijri). */
const FIRST_GREGORIAN_YEAR = 1700;
const DAY_PATTERN = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

export interface ReadDay {
  calendar: CalendarId;
  /** the Gregorian day, YYYY-MM-DD */
  iso: string;
}

function pickCalendar(year: number, given: CalendarId | undefined, localCalendar: CalendarId): CalendarId {
  if (given) return given;
  if (year >= FIRST_GREGORIAN_YEAR) return 'gregory';
  return localCalendar === 'gregory' ? 'persian' : localCalendar;
}

/**
 * A day written year first (1370/05/12, ۱۳۷۰/۰۵/۱۲, 1990-08-03, a trailing time is ignored).
 * The calendar is `given`, else Gregorian for years from 1700, else `localCalendar`.
 * Day-first dates are refused: 03/08/1990 means different days to different people.
 */
export function readDay(text: string, given: CalendarId | undefined, localCalendar: CalendarId): ReadDay | undefined {
  const match = DAY_PATTERN.exec(toAsciiDigits(text).trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  const calendar = pickCalendar(year, given, localCalendar);
  const iso = toIsoDate({ calendar, year, month: Number(match[2]), day: Number(match[3]) });
  return iso ? { calendar, iso } : undefined;
}

const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(utcMs / 1000) * 1000;
}

/**
 * An instant: ISO 8601 with an offset (2024-03-01T10:00:00+03:30), or a wall-clock date and
 * time (1403/01/15 14:30, 2024-04-03 14:30, a bare day meaning its midnight) read in the
 * workspace's calendar rules and time zone.
 */
export function readInstant(text: string, given: CalendarId | undefined, localCalendar: CalendarId, timeZone: string): Date | undefined {
  const ascii = toAsciiDigits(text).trim();
  if (OFFSET_INSTANT.test(ascii)) {
    const at = new Date(ascii);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  const match = DAY_PATTERN.exec(ascii);
  if (!match) return undefined;
  const day = readDay(`${match[1]}-${match[2]}-${match[3]}`, given ?? pickCalendar(Number(match[1]), undefined, localCalendar), localCalendar);
  if (!day) return undefined;
  const [y, m, d] = day.iso.split('-').map(Number) as [number, number, number];
  const hour = Number(match[4] ?? 0);
  const minute = Number(match[5] ?? 0);
  const second = Number(match[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(y, m - 1, d, hour, minute, second);
  // The offset at the wall time, checked once more across a DST change.
  let at = wall - zoneOffsetMs(wall, timeZone);
  at = wall - zoneOffsetMs(at, timeZone);
  return new Date(at);
}

/** A whole non-negative amount in minor units: Persian/Arabic digits and thousands separators allowed. */
export function readMinorUnits(text: string): number | undefined {
  const ascii = toAsciiNumber(text.trim()).replace(/[\u066C\u060C'_]/g, '');
  if (!/^\d{1,16}$/.test(ascii)) return undefined;
  const value = Number(ascii);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * A phone from a dialling-code cell and a number cell (some exports split them). A number
 * already written with its country (+…, 00…) stands alone; a code that is not digits (a
 * country's letters) is ignored; the number's trunk zeros go after a code. Null when both are empty.
 */
export function joinPhoneParts(cells: readonly string[]): string | null {
  const parts = cells.map((c) => toAsciiNumber(c.trim())).filter((p) => p.length > 0);
  if (parts.length < 2) return parts[0] ?? null;
  const [code, ...rest] = parts as [string, ...string[]];
  const number = rest.join('');
  if (/^(\+|00)/.test(number) || !/^\+?\d{1,4}$/.test(code)) return number;
  return `+${code.replace(/^\+/, '')}${number.replace(/^0+/, '')}`;
}
