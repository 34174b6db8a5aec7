// The report screen's periods: presets as whole months (or the year) of the reader's calendar,
// sent as Gregorian days. Pure (report-period.test.ts).
import { createCalendar, GregorianCalendar, toCalendar, today, type CalendarDate, type CalendarIdentifier } from '@internationalized/date';
import type { Granularity } from './complaint-insights-api.ts';

const GREGORIAN = new GregorianCalendar();
export const PRESETS = ['thisMonth', 'lastMonth', 'last3Months', 'thisYear', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

/** A day of any calendar as the Gregorian ISO date the API takes. */
export const iso = (d: CalendarDate) => toCalendar(d, GREGORIAN).toString();

/** A preset period as whole months (or the year) of the reader's calendar, up to today. */
export function presetPeriod(preset: Exclude<Preset, 'custom'>, calendar: CalendarIdentifier, timeZone: string, at?: CalendarDate): { from: string; to: string; granularity: Granularity } {
  const now = toCalendar(at ?? today(timeZone), createCalendar(calendar));
  const monthStart = now.set({ day: 1 });
  switch (preset) {
    case 'thisMonth':
      return { from: iso(monthStart), to: iso(now), granularity: 'day' };
    case 'lastMonth': {
      const start = monthStart.subtract({ months: 1 });
      return { from: iso(start), to: iso(monthStart.subtract({ days: 1 })), granularity: 'day' };
    }
    case 'last3Months':
      return { from: iso(monthStart.subtract({ months: 2 })), to: iso(now), granularity: 'week' };
    case 'thisYear':
      return { from: iso(now.set({ month: 1, day: 1 })), to: iso(now), granularity: 'month' };
  }
}

