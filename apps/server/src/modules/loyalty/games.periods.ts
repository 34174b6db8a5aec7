import { fromIsoDate, toIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import { localIsoDay, startOfLocalDay } from './earn-rules.ts';

// The periods games count in: calendar weeks and months in the workspace's time zone (a month of
// its calendar: Farvardin, Muharram, January), and days for rolling windows. Each period has a
// key and an index; consecutive periods' indexes differ by one, which is what a streak counts.

const DAY_MS = 86_400_000;

export interface Period {
  key: string;
  index: number;
  start: Date;
  end: Date;
}

export interface PeriodFrame {
  timeZone: string;
  calendar: CalendarId;
  /** ISO weekdays (1 Monday … 7 Sunday) of the weekend; the week begins the day after its last */
  weekendDays: number[];
}

const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 1 Monday … 7 Sunday; day 0 (1970-01-01) was a Thursday. */
const isoWeekday = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;

/** The first day of the week: Saturday where the weekend ends on Friday (Iran), Sunday after a Fri–Sat weekend, Monday after Sat–Sun. */
export function weekStartDay(weekendDays: number[]): number {
  if (weekendDays.length === 0) return 1;
  const sorted = [...weekendDays].sort((a, b) => a - b);
  // the weekend's last day: the one whose next day is not a weekend day (Sat–Sun wraps to Monday)
  const last = sorted.find((d) => !sorted.includes((d % 7) + 1)) ?? sorted[sorted.length - 1]!;
  return (last % 7) + 1;
}

export function periodOf(at: Date, period: 'week' | 'month' | 'day', frame: PeriodFrame): Period {
  const localDay = localIsoDay(at, frame.timeZone);
  if (period === 'day') {
    const day = dayNumber(localDay);
    return { key: `d:${localDay}`, index: day, start: startOfLocalDay(localDay, frame.timeZone), end: startOfLocalDay(isoOf(day + 1), frame.timeZone) };
  }
  if (period === 'week') {
    const day = dayNumber(localDay);
    const first = day - ((isoWeekday(day) - weekStartDay(frame.weekendDays) + 7) % 7);
    return {
      key: `w:${isoOf(first)}`, index: Math.floor(first / 7),
      start: startOfLocalDay(isoOf(first), frame.timeZone), end: startOfLocalDay(isoOf(first + 7), frame.timeZone),
    };
  }
  const { year, month } = fromIsoDate(localDay, frame.calendar);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const startIso = toIsoDate({ calendar: frame.calendar, year, month, day: 1 });
  const endIso = toIsoDate({ calendar: frame.calendar, year: next.year, month: next.month, day: 1 });
  if (!startIso || !endIso) throw new Error(`no month ${year}-${month} in ${frame.calendar}`);
  return {
    key: `m:${year}-${String(month).padStart(2, '0')}`, index: year * 12 + month - 1,
    start: startOfLocalDay(startIso, frame.timeZone), end: startOfLocalDay(endIso, frame.timeZone),
  };
}

/** Runs of consecutive indexes: [first, length] of each, in order. */
export function runsOf(indexes: number[]): { first: number; last: number; length: number }[] {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const runs: { first: number; last: number; length: number }[] = [];
  for (const i of sorted) {
    const run = runs[runs.length - 1];
    if (run && run.last === i - 1) {
      run.last = i;
      run.length += 1;
    } else runs.push({ first: i, last: i, length: 1 });
  }
  return runs;
}
