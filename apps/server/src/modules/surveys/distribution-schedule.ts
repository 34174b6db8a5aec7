import {
  CalendarDate, CalendarDateTime, GregorianCalendar, IslamicUmalquraCalendar, PersianCalendar, fromDate, toCalendar, toZoned, type Calendar,
} from '@internationalized/date';
import type { DistributionSchedule } from '@vafa/contracts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';

// When a recurring distribution runs next, in the workspace's calendar and time zone. Pure.

type Recurring = Extract<DistributionSchedule, { type: 'recurring' }>;

function calendarOf(id: string): Calendar {
  if (id === 'persian') return new PersianCalendar();
  if (id === 'islamic-umalqura') return new IslamicUmalquraCalendar();
  return new GregorianCalendar();
}

const hoursOf = (time: string) => time.split(':').map(Number) as [number, number];

/**
 * The first run strictly after `after`: weekly on weekday `day` (0 = Sunday); monthly on day
 * `day` of each month of the workspace calendar (the month's last day when it is shorter: the
 * 31st in a 30-day Mehr runs on the 30th); quarterly the same in the first month of each
 * quarter of that calendar (in the Solar Hijri calendar, the first month of each season). At
 * `time` in the workspace's time zone.
 */
export function nextRecurringRun(schedule: Recurring, after: Date, timeZone: string, calendar: CalendarId | string): Date {
  const [hour, minute] = hoursOf(schedule.time);
  if (schedule.every === 'week') {
    const local = fromDate(after, timeZone);
    for (let offset = 0; offset <= 7; offset++) {
      const day = new CalendarDate(local.year, local.month, local.day).add({ days: offset });
      const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
      if (weekday !== schedule.day) continue;
      const at = toZoned(new CalendarDateTime(day.year, day.month, day.day, hour, minute), timeZone).toDate();
      if (at > after) return at;
    }
    throw new Error('no weekday within a week');
  }
  const cal = calendarOf(calendar);
  const local = toCalendar(fromDate(after, timeZone), cal);
  const firstOfMonth = new CalendarDate(cal, local.year, local.month, 1);
  for (let months = 0; months <= 12; months++) {
    const month = firstOfMonth.add({ months });
    if (schedule.every === 'quarter' && (month.month - 1) % 3 !== 0) continue;
    const day = Math.min(schedule.day, cal.getDaysInMonth(month));
    const at = toZoned(new CalendarDateTime(cal, month.year, month.month, day, hour, minute), timeZone).toDate();
    if (at > after) return at;
  }
  throw new Error('no run within a year');
}

/** The first run of a new distribution: a one-off's time (now when absent), a recurring one's next occurrence. */
export function firstRun(schedule: DistributionSchedule, now: Date, timeZone: string, calendar: string): Date {
  if (schedule.type === 'once') return schedule.at ? new Date(schedule.at) : now;
  return nextRecurringRun(schedule, now, timeZone, calendar);
}
