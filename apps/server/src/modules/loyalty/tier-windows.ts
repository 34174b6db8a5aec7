import type { LoyaltyTierWindow } from '@vafa/contracts';
import { fromIsoDate, toIsoDate } from '../../platform/i18n/calendar.ts';
import { localIsoDay, startOfLocalDay } from './earn-rules.ts';

// Qualification periods in the workspace's time zone. A calendar year begins on the first day of
// its first month in that calendar (1 Farvardin, Nowruz, for the Solar Hijri year; 1 Muharram
// for Umm al-Qura; 1 January), at local midnight. A rolling window is the last N days; it is
// re-evaluated at each local midnight.

const DAY_MS = 86_400_000;

export interface Span {
  from: Date;
  to: Date;
}

/** The instant a year of the calendar begins in the time zone. */
export function yearStart(calendar: 'persian' | 'islamic-umalqura' | 'gregory', year: number, timeZone: string): Date {
  const iso = toIsoDate({ calendar, year, month: 1, day: 1 });
  if (!iso) throw new Error(`no first day of ${calendar} year ${year}`);
  return startOfLocalDay(iso, timeZone);
}

/** The window the member's standing is measured over now; `to` is the end of a calendar year, or now for a rolling window. */
export function currentWindow(window: LoyaltyTierWindow, now: Date, timeZone: string): Span {
  if (window.kind === 'rolling') return { from: new Date(now.getTime() - window.days * DAY_MS), to: now };
  const { year } = fromIsoDate(localIsoDay(now, timeZone), window.calendar);
  return { from: yearStart(window.calendar, year, timeZone), to: yearStart(window.calendar, year + 1, timeZone) };
}

/** The last period boundary at or before now: the start of this calendar year, or of today for a rolling window. */
export function lastBoundary(window: LoyaltyTierWindow, now: Date, timeZone: string): Date {
  if (window.kind === 'rolling') return startOfLocalDay(localIsoDay(now, timeZone), timeZone);
  return currentWindow(window, now, timeZone).from;
}

/** The period that ended at `boundary`: the calendar year before it, or the N days before it. */
export function periodEndingAt(window: LoyaltyTierWindow, boundary: Date, timeZone: string): Span {
  if (window.kind === 'rolling') return { from: new Date(boundary.getTime() - window.days * DAY_MS), to: boundary };
  const { year } = fromIsoDate(localIsoDay(boundary, timeZone), window.calendar);
  return { from: yearStart(window.calendar, year - 1, timeZone), to: boundary };
}

export const addDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);
