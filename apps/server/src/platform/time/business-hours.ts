import { CalendarDate, CalendarDateTime, fromDate, toCalendarDate, toZoned } from '@internationalized/date';

/**
 * A workspace's working calendar: opening hours per weekday (0 = Sunday, 'HH:MM' local times),
 * weekend days and holidays (ISO dates), all read in the workspace's time zone.
 */
export interface BusinessCalendar {
  timeZone: string;
  businessHours: Partial<Record<string, readonly { from: string; to: string }[]>>;
  weekendDays: readonly number[];
  holidays: readonly string[];
}

interface Span {
  start: number;
  end: number;
}

const MINUTE_MS = 60_000;
/** Farther than this the calendar has no opening at all; business time then counts as wall time. */
const HORIZON_DAYS = 3 * 366;

/** Minutes after midnight of a local time of day written `HH:MM`. */
export const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/**
 * One weekday's intervals in minutes after local midnight, sorted and merged. `to` of 00:00
 * means midnight at the end of the day; an interval that ends before it starts is ignored
 * (the contract cannot express overnight shifts, so there is nothing sensible to infer).
 */
function dayIntervals(intervals: readonly { from: string; to: string }[] | undefined): [number, number][] {
  const spans = (intervals ?? [])
    .map(({ from, to }) => [minutesOf(from), to === '00:00' ? 24 * 60 : minutesOf(to)] as [number, number])
    .filter(([from, to]) => to > from)
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/** Prepared once per calendar: the hot paths (metrics over thousands of rows) call it per row. */
class Prepared {
  readonly week: [number, number][][];
  readonly holidays: ReadonlySet<string>;
  readonly everOpen: boolean;
  /** zone conversions dominate the cost; a calendar object lives for a cache period, so remember days */
  private readonly days = new Map<string, Span[]>();

  constructor(readonly cal: BusinessCalendar) {
    this.week = Array.from({ length: 7 }, (_, day) => (cal.weekendDays.includes(day) ? [] : dayIntervals(cal.businessHours[String(day)])));
    this.holidays = new Set(cal.holidays);
    this.everOpen = this.week.some((d) => d.length > 0);
  }

  /** The day's opening spans as instants (ms); DST gaps resolve forward, repeats to the first. */
  spansOn(date: CalendarDate): Span[] {
    const key = date.toString();
    let spans = this.days.get(key);
    if (!spans) {
      const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
      spans = this.holidays.has(key) ? [] : this.week[weekday]!.map(([from, to]) => ({ start: this.instant(date, from), end: this.instant(date, to) }));
      if (this.days.size > 20_000) this.days.clear();
      this.days.set(key, spans);
    }
    return spans;
  }

  private instant(date: CalendarDate, minutes: number): number {
    const day = minutes >= 24 * 60 ? date.add({ days: 1 }) : date;
    const m = minutes % (24 * 60);
    const local = new CalendarDateTime(day.year, day.month, day.day, Math.floor(m / 60), m % 60);
    return toZoned(local, this.cal.timeZone, 'compatible').toDate().getTime();
  }

  localDate(at: number): CalendarDate {
    return toCalendarDate(fromDate(new Date(at), this.cal.timeZone));
  }
}

const cache = new WeakMap<BusinessCalendar, Prepared>();
function prepare(cal: BusinessCalendar): Prepared {
  let prepared = cache.get(cal);
  if (!prepared) {
    prepared = new Prepared(cal);
    cache.set(cal, prepared);
  }
  return prepared;
}

/**
 * `minutes` of business time after `start`. Time before the next opening does not count, so a
 * task started at night is due `minutes` after the next opening; 0 minutes gives that opening
 * (or `start` itself when it is inside hours). Hours are half-open: 17:00 is closed.
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  if (minutes < 0) throw new RangeError('minutes must not be negative');
  const p = prepare(cal);
  if (!p.everOpen) return new Date(start.getTime() + minutes * MINUTE_MS);
  let cursor = start.getTime();
  let remaining = minutes * MINUTE_MS;
  let date = p.localDate(cursor).subtract({ days: 1 });
  for (let i = 0; i < HORIZON_DAYS; i++, date = date.add({ days: 1 })) {
    for (const span of p.spansOn(date)) {
      if (cursor >= span.end) continue;
      const from = Math.max(cursor, span.start);
      if (remaining <= span.end - from) return new Date(from + remaining);
      remaining -= span.end - from;
      cursor = span.end;
    }
  }
  return new Date(cursor + remaining);
}

/** Business minutes from `a` to `b` (negative when `b` is earlier); inverse of addBusinessMinutes. */
export function businessMinutesBetween(a: Date, b: Date, cal: BusinessCalendar): number {
  if (b.getTime() < a.getTime()) return -businessMinutesBetween(b, a, cal);
  const p = prepare(cal);
  if (!p.everOpen) return (b.getTime() - a.getTime()) / MINUTE_MS;
  const from = a.getTime();
  const to = b.getTime();
  let total = 0;
  const last = p.localDate(to).add({ days: 1 });
  // From the day before (an interval may reach past midnight in the next day's local date).
  for (let date = p.localDate(from).subtract({ days: 1 }); date.compare(last) <= 0; date = date.add({ days: 1 })) {
    for (const span of p.spansOn(date)) {
      const overlap = Math.min(span.end, to) - Math.max(span.start, from);
      if (overlap > 0) total += overlap;
    }
  }
  return total / MINUTE_MS;
}

/** Whether the business is open at this instant. */
export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const p = prepare(cal);
  if (!p.everOpen) return true;
  const t = at.getTime();
  const date = p.localDate(t);
  return [date.subtract({ days: 1 }), date].some((d) => p.spansOn(d).some((s) => t >= s.start && t < s.end));
}
