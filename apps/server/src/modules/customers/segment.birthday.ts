// Months of a table-based calendar (Umm al-Qura) as Gregorian day ranges, for birthday rules.
import { CalendarDate, GregorianCalendar, IslamicUmalquraCalendar, toCalendar } from '@internationalized/date';

/** Umm al-Qura's table starts at 1300 AH (1882 CE); no living customer was born before it. */
const FIRST_YEAR = 1300;
const cache = new Map<string, string[]>();

/**
 * `[start,end)` Gregorian ranges (PostgreSQL daterange literals) of the given months in every
 * Umm al-Qura year from 1300 AH to next year. Cached: the table does not change.
 */
export function umalquraMonthRanges(months: number[], today: Date = new Date()): string[] {
  const calendar = new IslamicUmalquraCalendar();
  const gregorian = new GregorianCalendar();
  const lastYear = toCalendar(new CalendarDate(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate()), calendar).year + 1;
  const key = `${[...months].sort((a, b) => a - b).join(',')}|${lastYear}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const ranges: string[] = [];
  for (let year = FIRST_YEAR; year <= lastYear; year++) {
    for (const month of new Set(months)) {
      const first = new CalendarDate(calendar, year, month, 1);
      const start = toCalendar(first, gregorian);
      const end = toCalendar(first.add({ days: calendar.getDaysInMonth(first) }), gregorian);
      ranges.push(`[${start.toString()},${end.toString()})`);
    }
  }
  cache.set(key, ranges);
  return ranges;
}
