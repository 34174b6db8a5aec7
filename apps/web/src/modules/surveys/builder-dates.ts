// The closing day: chosen in the user's calendar, stored as the instant the day ends in the
// workspace's time zone (the survey takes answers all through the chosen day).
import { CalendarDate, GregorianCalendar, toCalendar, toCalendarDate, toZoned, fromAbsolute } from '@internationalized/date';

/** The instant the day `date` (any calendar) ends in `timeZone`: the start of the next day. */
export function closingInstant(date: CalendarDate, timeZone: string): string {
  const day = toCalendar(date, new GregorianCalendar()).add({ days: 1 });
  return toZoned(day, timeZone).toDate().toISOString();
}

/** The day a closing instant ends, in `timeZone` (Gregorian; the date field shows it in the user's calendar). */
export function closingDay(iso: string, timeZone: string): CalendarDate {
  const last = fromAbsolute(new Date(iso).getTime() - 1, timeZone);
  return toCalendarDate(last);
}
