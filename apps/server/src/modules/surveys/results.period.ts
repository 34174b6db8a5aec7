import { CalendarDate, GregorianCalendar, IslamicUmalquraCalendar, PersianCalendar, toCalendar, type Calendar } from '@internationalized/date';
import type { CalendarId, TrendInterval } from '@vafa/contracts';
import { Problem } from '../../platform/http/problem.ts';

/** A trend is at most this many buckets; a results period at most this many days. */
export const MAX_BUCKETS = 400;
export const MAX_PERIOD_DAYS = 3660;

const DAY_MS = 86_400_000;

function calendarOf(id: CalendarId): Calendar {
  return id === 'persian' ? new PersianCalendar() : id === 'islamic-umalqura' ? new IslamicUmalquraCalendar() : new GregorianCalendar();
}

const toIso = (d: CalendarDate) => {
  const g = toCalendar(d, new GregorianCalendar());
  return `${String(g.year).padStart(4, '0')}-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}`;
};
const fromIso = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new CalendarDate(y, m, d);
};
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
export const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Today's date in a time zone, ISO. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * The first day of the week: the day after the workspace's weekend (Saturday after an Iranian
 * Friday, Sunday after a Saudi Friday–Saturday, Monday after a Saturday–Sunday). 0 = Sunday.
 */
export function weekStartOf(weekendDays: readonly number[]): number {
  for (let d = 0; d < 7; d++) if (weekendDays.includes((d + 6) % 7) && !weekendDays.includes(d)) return d;
  return 1;
}

/** The first day of the bucket holding `iso`: itself, its week's first day, or the 1st of its month in the calendar. */
export function bucketStart(iso: string, interval: TrendInterval, calendar: CalendarId, weekStart: number): string {
  if (interval === 'day') return iso;
  if (interval === 'week') {
    const dow = new Date(`${iso}T00:00:00Z`).getUTCDay();
    return addDays(iso, -((dow - weekStart + 7) % 7));
  }
  const local = toCalendar(fromIso(iso), calendarOf(calendar));
  return toIso(local.set({ day: 1 }));
}

function nextStart(start: string, interval: TrendInterval, calendar: CalendarId): string {
  if (interval === 'day') return addDays(start, 1);
  if (interval === 'week') return addDays(start, 7);
  return toIso(toCalendar(fromIso(start), calendarOf(calendar)).add({ months: 1 }));
}

/** The buckets from the one holding `from` to the one holding `to`: [start, end] days, inclusive. */
export function buckets(from: string, to: string, interval: TrendInterval, calendar: CalendarId, weekStart: number): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  for (let start = bucketStart(from, interval, calendar, weekStart); start <= to; ) {
    const next = nextStart(start, interval, calendar);
    out.push({ start, end: addDays(next, -1) });
    if (out.length > MAX_BUCKETS) throw new Problem(400, 'too_many_buckets', { max: MAX_BUCKETS }, [{ field: 'querystring.interval', code: 'too_many_buckets', message: 'too_many_buckets' }]);
    start = next;
  }
  return out;
}

/** A trend's default period: the last 30 days, 12 weeks or 12 months up to today. */
export function defaultFrom(to: string, interval: TrendInterval, calendar: CalendarId, weekStart: number): string {
  if (interval === 'day') return addDays(to, -29);
  if (interval === 'week') return addDays(bucketStart(to, 'week', calendar, weekStart), -77);
  const month = toCalendar(fromIso(bucketStart(to, 'month', calendar, weekStart)), calendarOf(calendar));
  return toIso(month.subtract({ months: 11 }));
}

/** A real calendar day: the pattern alone lets 2026-02-31 through. */
const realDay = (iso: string) => {
  const ms = Date.parse(`${iso}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === iso && iso >= '1900-01-01' && iso <= '2199-12-31';
};

/** Refuses a day that does not exist, and a reversed or over-long period (a 400 naming the field). */
export function checkPeriod(from: string | undefined, to: string | undefined): void {
  for (const [field, day] of [['from', from], ['to', to]] as const) {
    if (day !== undefined && !realDay(day)) throw new Problem(400, 'invalid_period', { days: MAX_PERIOD_DAYS }, [{ field: `querystring.${field}`, code: 'invalid_period', message: 'invalid_period' }]);
  }
  if (from && to && (from > to || dayNumber(to) - dayNumber(from) > MAX_PERIOD_DAYS)) {
    throw new Problem(400, 'invalid_period', { days: MAX_PERIOD_DAYS }, [{ field: 'querystring.from', code: 'invalid_period', message: 'invalid_period' }]);
  }
}
