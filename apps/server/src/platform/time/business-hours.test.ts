import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, isBusinessTime, type BusinessCalendar } from './business-hours.ts';

const split = [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '17:00' }];
/** Tehran (+03:30, no DST): Friday weekend, a lunch break, Thursday mornings only. */
const tehran: BusinessCalendar = {
  timeZone: 'Asia/Tehran',
  businessHours: { '0': split, '1': split, '2': split, '3': split, '4': [{ from: '08:00', to: '12:00' }], '5': [], '6': split },
  weekendDays: [5],
  holidays: [],
};
const nineToFive = [{ from: '09:00', to: '17:00' }];
/** Riyadh (+03:00): Friday and Saturday weekend. */
const riyadh: BusinessCalendar = {
  timeZone: 'Asia/Riyadh',
  businessHours: { '0': nineToFive, '1': nineToFive, '2': nineToFive, '3': nineToFive, '4': nineToFive, '5': nineToFive, '6': nineToFive },
  weekendDays: [5, 6],
  holidays: [],
};
/** London (GMT/BST): Saturday and Sunday weekend. */
const london: BusinessCalendar = {
  timeZone: 'Europe/London',
  businessHours: { '1': nineToFive, '2': nineToFive, '3': nineToFive, '4': nineToFive, '5': nineToFive },
  weekendDays: [6, 0],
  holidays: [],
};

const at = (iso: string) => new Date(iso);

describe('addBusinessMinutes', () => {
  it('carries Tehran time past the Friday weekend (Thursday 11:00 + 4 h = Saturday 11:00)', () => {
    // Thursday 2026-11-26 11:00 Tehran; 60 min left on Thursday, Friday closed, 180 on Saturday.
    expect(addBusinessMinutes(at('2026-11-26T11:00:00+03:30'), 240, tehran).toISOString()).toBe(at('2026-11-28T11:00:00+03:30').toISOString());
  });

  it('skips a holiday as if it were a weekend day', () => {
    const withHoliday = { ...tehran, holidays: ['2026-11-28'] };
    expect(addBusinessMinutes(at('2026-11-26T11:00:00+03:30'), 240, withHoliday).toISOString()).toBe(at('2026-11-29T11:00:00+03:30').toISOString());
  });

  it('skips the lunch break between two intervals of one day', () => {
    expect(addBusinessMinutes(at('2026-11-25T11:30:00+03:30'), 60, tehran).toISOString()).toBe(at('2026-11-25T13:30:00+03:30').toISOString());
    // starting inside the break counts from 13:00
    expect(addBusinessMinutes(at('2026-11-25T12:30:00+03:30'), 30, tehran).toISOString()).toBe(at('2026-11-25T13:30:00+03:30').toISOString());
  });

  it('starts outside hours at the next opening', () => {
    expect(addBusinessMinutes(at('2026-11-25T06:00:00+03:30'), 30, tehran).toISOString()).toBe(at('2026-11-25T08:30:00+03:30').toISOString());
    expect(addBusinessMinutes(at('2026-11-25T22:00:00+03:30'), 30, tehran).toISOString()).toBe(at('2026-11-26T08:30:00+03:30').toISOString());
    // Friday (weekend) evening → Saturday morning
    expect(addBusinessMinutes(at('2026-11-27T20:00:00+03:30'), 0, tehran).toISOString()).toBe(at('2026-11-28T08:00:00+03:30').toISOString());
  });

  it('treats the edges as half-open: opening time is open, closing time is closed', () => {
    expect(addBusinessMinutes(at('2026-11-25T08:00:00+03:30'), 0, tehran).toISOString()).toBe(at('2026-11-25T08:00:00+03:30').toISOString());
    expect(addBusinessMinutes(at('2026-11-25T17:00:00+03:30'), 0, tehran).toISOString()).toBe(at('2026-11-26T08:00:00+03:30').toISOString());
    expect(addBusinessMinutes(at('2026-11-25T17:00:00+03:30'), 1, tehran).toISOString()).toBe(at('2026-11-26T08:01:00+03:30').toISOString());
    // ending exactly at closing time is due at closing time, not the next morning
    expect(addBusinessMinutes(at('2026-11-25T16:00:00+03:30'), 60, tehran).toISOString()).toBe(at('2026-11-25T17:00:00+03:30').toISOString());
  });

  it('gives the start itself for 0 minutes inside hours', () => {
    expect(addBusinessMinutes(at('2026-11-25T10:17:00+03:30'), 0, tehran).toISOString()).toBe(at('2026-11-25T10:17:00+03:30').toISOString());
  });

  it('carries Riyadh time past the Friday–Saturday weekend', () => {
    // Thursday 2026-11-26 15:00 Riyadh + 3 h: 2 h on Thursday, then Sunday 09:00 + 1 h.
    expect(addBusinessMinutes(at('2026-11-26T15:00:00+03:00'), 180, riyadh).toISOString()).toBe(at('2026-11-29T10:00:00+03:00').toISOString());
    // Saturday is weekend even though it has hours configured
    expect(isBusinessTime(at('2026-11-28T10:00:00+03:00'), riyadh)).toBe(false);
  });

  it('keeps local opening hours across a DST change (Europe/London, autumn)', () => {
    // Friday 2026-10-23 16:00 BST (15:00Z); clocks go back on Sunday 25th; Monday opens 09:00 GMT (09:00Z).
    expect(addBusinessMinutes(at('2026-10-23T15:00:00Z'), 120, london).toISOString()).toBe('2026-10-26T10:00:00.000Z');
  });

  it('keeps local opening hours across a DST change (Europe/London, spring)', () => {
    // Friday 2026-03-27 16:00 GMT; clocks go forward on Sunday 29th; Monday opens 09:00 BST (08:00Z).
    expect(addBusinessMinutes(at('2026-03-27T16:00:00Z'), 120, london).toISOString()).toBe('2026-03-30T09:00:00.000Z');
  });

  it('counts wall time when the calendar has no opening hours at all', () => {
    const closed: BusinessCalendar = { timeZone: 'UTC', businessHours: {}, weekendDays: [], holidays: [] };
    expect(addBusinessMinutes(at('2026-11-25T00:00:00Z'), 90, closed).toISOString()).toBe('2026-11-25T01:30:00.000Z');
  });
});

describe('businessMinutesBetween', () => {
  it('counts only open time, skipping breaks, weekends and holidays', () => {
    expect(businessMinutesBetween(at('2026-11-26T11:00:00+03:30'), at('2026-11-28T11:00:00+03:30'), tehran)).toBe(240);
    expect(businessMinutesBetween(at('2026-11-25T07:00:00+03:30'), at('2026-11-25T20:00:00+03:30'), tehran)).toBe(480);
    expect(businessMinutesBetween(at('2026-11-26T11:00:00+03:30'), at('2026-11-29T11:00:00+03:30'), { ...tehran, holidays: ['2026-11-28'] })).toBe(240);
    expect(businessMinutesBetween(at('2026-11-28T11:00:00+03:30'), at('2026-11-26T11:00:00+03:30'), tehran)).toBe(-240);
  });

  it('counts a 23-hour day as 23 hours when open round the clock (spring forward)', () => {
    const allDay = [{ from: '00:00', to: '00:00' }];
    const always: BusinessCalendar = { timeZone: 'Europe/London', businessHours: { '0': allDay }, weekendDays: [], holidays: [] };
    expect(businessMinutesBetween(at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'), always)).toBe(23 * 60);
  });

  it('is the inverse of addBusinessMinutes', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const base = Date.parse('2026-03-01T00:00:00Z');
    for (const cal of [tehran, riyadh, london, { ...tehran, holidays: ['2026-03-21', '2026-03-22', '2026-04-01'] }]) {
      for (let i = 0; i < 200; i++) {
        const start = new Date(base + Math.floor(random() * 60 * 24 * 60) * 60_000);
        const minutes = Math.floor(random() * 5000);
        const due = addBusinessMinutes(start, minutes, cal);
        expect(businessMinutesBetween(start, due, cal)).toBe(minutes);
        expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
      }
    }
  });
});

describe('isBusinessTime', () => {
  it('is open inside an interval and closed in breaks, weekends and holidays', () => {
    expect(isBusinessTime(at('2026-11-25T09:00:00+03:30'), tehran)).toBe(true);
    expect(isBusinessTime(at('2026-11-25T12:30:00+03:30'), tehran)).toBe(false);
    expect(isBusinessTime(at('2026-11-27T09:00:00+03:30'), tehran)).toBe(false);
    expect(isBusinessTime(at('2026-11-25T09:00:00+03:30'), { ...tehran, holidays: ['2026-11-25'] })).toBe(false);
  });
});
