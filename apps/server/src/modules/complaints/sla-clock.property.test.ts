// Properties the SLA clock relies on, over random instants in calendars with lunch breaks, half
// days, weekends, holidays and a DST zone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from '../../platform/time/business-hours.ts';
import { IRAN_HOLIDAYS, SAUDI_HOLIDAYS, holidayDates } from './holiday-calendars.ts';
import { evaluateSla, type CaseLogEntry } from './sla-clock.ts';

const week = (hours: { from: string; to: string }[], days: number[]) => Object.fromEntries(days.map((d) => [String(d), hours]));
const calendars: BusinessCalendar[] = [
  {
    timeZone: 'Asia/Tehran',
    businessHours: { ...week([{ from: '08:00', to: '12:30' }, { from: '13:30', to: '17:00' }], [6, 0, 1, 2, 3]), '4': [{ from: '08:00', to: '13:00' }] },
    weekendDays: [5],
    holidays: holidayDates(IRAN_HOLIDAYS, { from: 2026, to: 2027 }),
  },
  { timeZone: 'Asia/Riyadh', businessHours: week([{ from: '09:00', to: '17:00' }], [0, 1, 2, 3, 4]), weekendDays: [5, 6], holidays: holidayDates(SAUDI_HOLIDAYS, { from: 2026, to: 2027 }) },
  { timeZone: 'Asia/Dubai', businessHours: { ...week([{ from: '07:30', to: '15:30' }], [1, 2, 3, 4]), '5': [{ from: '07:30', to: '12:00' }] }, weekendDays: [6, 0], holidays: [] },
  { timeZone: 'Europe/London', businessHours: week([{ from: '09:00', to: '17:00' }], [1, 2, 3, 4, 5]), weekendDays: [6, 0], holidays: ['2026-12-25'] },
];

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Business time as whole milliseconds: the functions count milliseconds and report minutes. */
const businessMs = (a: number, b: number, cal: BusinessCalendar) => Math.round(businessMinutesBetween(new Date(a), new Date(b), cal) * MINUTE_MS);

const calendar = fc.constantFrom(...calendars);
/** Any millisecond of 2026, DST changes in London included. */
const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') });
const three = fc.tuple(instant, instant, instant).map((xs) => xs.sort((a, b) => a - b) as [number, number, number]);

describe('business time', () => {
  it('is additive: [a, c) counts what [a, b) and [b, c) count together', () => {
    fc.assert(fc.property(calendar, three, (cal, [a, b, c]) => {
      expect(businessMs(a, c, cal)).toBe(businessMs(a, b, cal) + businessMs(b, c, cal));
    }));
  });

  it('never exceeds the wall time between two instants, nor goes below zero', () => {
    fc.assert(fc.property(calendar, instant, instant, (cal, x, y) => {
      const [a, b] = x <= y ? [x, y] : [y, x];
      const counted = businessMs(a, b, cal);
      expect(counted).toBeGreaterThanOrEqual(0);
      expect(counted).toBeLessThanOrEqual(b - a);
    }));
  });

  it('gives back exactly N business minutes from a due instant computed for N, to the millisecond', () => {
    const amount = fc.integer({ min: 0, max: 30 * 480 * MINUTE_MS });
    fc.assert(fc.property(calendar, instant, amount, (cal, start, ms) => {
      const due = addBusinessMinutes(new Date(start), ms / MINUTE_MS, cal).getTime();
      expect(due).toBeGreaterThanOrEqual(start);
      expect(businessMs(start, due, cal)).toBe(ms);
    }));
  });
});

/** A received case whose clock toggles between waiting for the customer and investigation. */
const pausingCase = fc.record({
  received: instant,
  toggles: fc.array(fc.integer({ min: 1, max: 10 * DAY_MS }), { maxLength: 6 }),
  nowAfter: fc.integer({ min: 0, max: 15 * DAY_MS }),
}).map(({ received, toggles, nowAfter }) => {
  const offsets = [...new Set(toggles)].sort((a, b) => a - b);
  const log: CaseLogEntry[] = [{ kind: 'transition', to: 'received', at: new Date(received) }];
  offsets.forEach((offset, i) => log.push({ kind: 'transition', to: i % 2 === 0 ? 'waiting_for_customer' : 'under_investigation', at: new Date(received + offset) }));
  return { log, received, pauses: offsets.map((o) => received + o), now: received + nowAfter };
});

/** Business time outside the waiting stretches, measured independently of the clock. */
function runningBusinessMs(received: number, toggles: number[], now: number, cal: BusinessCalendar): number {
  let total = 0;
  let runStart: number | null = received;
  for (const at of [...toggles.filter((t) => t <= now), now]) {
    if (runStart !== null) total += businessMs(runStart, at, cal);
    runStart = runStart === null ? at : null;
  }
  return total;
}

describe('the SLA clock', () => {
  const policy = { active: true, targets: { resolve: 960 } };

  it('counts the business time outside pauses and nothing else', () => {
    fc.assert(fc.property(calendar, pausingCase, (cal, { log, received, pauses, now }) => {
      const clock = evaluateSla(log, policy, cal, new Date(now)).targets.resolve;
      expect(Math.round(clock.usedMinutes * MINUTE_MS)).toBe(runningBusinessMs(received, pauses, now, cal));
    }));
  });

  it('breaches exactly at its due instant and not a millisecond before', () => {
    fc.assert(fc.property(calendar, pausingCase, (cal, { log: wholeLog, now }) => {
      // the log as known at `now`: the due instant is a projection that assumes nothing else happens
      const log = wholeLog.filter((e) => e.at.getTime() <= now);
      const { dueAt, state } = evaluateSla(log, policy, cal, new Date(now)).targets.resolve;
      fc.pre(state === 'running' && dueAt !== null);
      const atDue = evaluateSla(log, policy, cal, dueAt!).targets.resolve;
      expect(atDue).toMatchObject({ state: 'breached', usedMinutes: 960, remainingMinutes: 0 });
      expect(evaluateSla(log, policy, cal, new Date(dueAt!.getTime() - 1)).targets.resolve.state).toBe('running');
    }));
  });
});
