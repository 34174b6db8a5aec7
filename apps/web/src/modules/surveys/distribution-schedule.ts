// Schedules as the form keeps them and as the list says them. A one-off day is picked in the
// user's calendar and sent as the instant that day and time are in the workspace's time zone;
// recurring days are the workspace calendar's (the server counts months in it).
import { CalendarDate, CalendarDateTime, GregorianCalendar, toCalendar, toZoned } from '@internationalized/date';

/** The instant `day` (any calendar) at `time` (HH:MM) is in `timeZone`. */
export function instantOf(day: CalendarDate, time: string, timeZone: string): string {
  const g = toCalendar(day, new GregorianCalendar());
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return toZoned(new CalendarDateTime(g.year, g.month, g.day, hour, minute), timeZone).toDate().toISOString();
}

/** Weekday names by number, 0 = Sunday, in `locale`. */
export function weekdayNames(locale: string): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  // 7 January 2024 was a Sunday.
  return Array.from({ length: 7 }, (_, i) => format.format(new Date(Date.UTC(2024, 0, 7 + i))));
}

/** The weekdays in the order a week is read where the user lives: Saturday first in Iran and the Gulf, Monday first in English. */
export function weekOrder(language: string): number[] {
  return language === 'en' ? [1, 2, 3, 4, 5, 6, 0] : [6, 0, 1, 2, 3, 4, 5];
}
