// When a reward is on offer, as the manager thinks of it: a first day and a last day in the
// reader's calendar, whole days in the workspace's time zone. The API keeps two instants,
// `validFrom` (inclusive) and `validUntil` (exclusive), so the last day's end is the next day's
// midnight there. Either may be empty: on offer from now on, or with no end.
import { createCalendar, parseAbsolute, toCalendar, toCalendarDate, toZoned, type CalendarDate, type CalendarIdentifier } from '@internationalized/date';
import type { CalendarId } from '../../lib/format.ts';

export interface OfferWindowDays {
  firstDay: CalendarDate | null;
  lastDay: CalendarDate | null;
}

export interface OfferWindowInstants {
  validFrom: string | null;
  validUntil: string | null;
}

/** The days a stored window covers, in the reader's calendar. */
export function windowDays(window: OfferWindowInstants, timeZone: string, calendar: CalendarId): OfferWindowDays {
  const inCalendar = (day: CalendarDate) => toCalendar(day, createCalendar(calendar as CalendarIdentifier));
  // The instant that ends the window belongs to the day after the last one on offer.
  const last = window.validUntil ? parseAbsolute(new Date(Date.parse(window.validUntil) - 1).toISOString(), timeZone) : null;
  return {
    firstDay: window.validFrom ? inCalendar(toCalendarDate(parseAbsolute(window.validFrom, timeZone))) : null,
    lastDay: last ? inCalendar(toCalendarDate(last)) : null,
  };
}

/** The instants the API stores for a first and last day, both inclusive, in the workspace's time zone. */
export function windowInstants(days: OfferWindowDays, timeZone: string): OfferWindowInstants {
  return {
    validFrom: days.firstDay ? toZoned(days.firstDay, timeZone).toDate().toISOString() : null,
    validUntil: days.lastDay ? toZoned(days.lastDay.add({ days: 1 }), timeZone).toDate().toISOString() : null,
  };
}

/** A last day before the first cannot be saved; the same day is one day on offer. */
export function windowBackwards(days: OfferWindowDays): boolean {
  return Boolean(days.firstDay && days.lastDay && days.lastDay.compare(days.firstDay) < 0);
}
