import { describe, expect, it } from 'vitest';
import { firstRun, nextRecurringRun } from './distribution-schedule.ts';

const monthly = (day: number, time = '10:00') => ({ type: 'recurring' as const, every: 'month' as const, day, time });

describe('recurring distributions in the workspace calendar', () => {
  it('runs "monthly on the 1st" on the 1st of each Solar Hijri month, in Tehran time', () => {
    // 5 Farvardin 1404 → 1 Ordibehesht 1404 (21 April 2025), 10:00 in Tehran = 06:30 UTC.
    expect(nextRecurringRun(monthly(1), new Date('2025-03-25T12:00:00Z'), 'Asia/Tehran', 'persian').toISOString()).toBe('2025-04-21T06:30:00.000Z');
    // From that run, the next is 1 Khordad (22 May).
    expect(nextRecurringRun(monthly(1), new Date('2025-04-21T06:30:00Z'), 'Asia/Tehran', 'persian').toISOString()).toBe('2025-05-22T06:30:00.000Z');
  });

  it('runs on the last day of a shorter month: the 31st in 30-day Mehr is 30 Mehr', () => {
    expect(nextRecurringRun(monthly(31, '09:00'), new Date('2025-09-25T00:00:00Z'), 'Asia/Tehran', 'persian').toISOString()).toBe('2025-10-22T05:30:00.000Z');
  });

  it('quarters are the seasons of the Solar Hijri year', () => {
    const quarterly = { type: 'recurring' as const, every: 'quarter' as const, day: 1, time: '10:00' };
    // After 5 Farvardin the next season starts on 1 Tir (22 June 2025).
    expect(nextRecurringRun(quarterly, new Date('2025-03-25T12:00:00Z'), 'Asia/Tehran', 'persian').toISOString()).toBe('2025-06-22T06:30:00.000Z');
  });

  it('follows Umm al-Qura months in an Arabic workspace and Gregorian months elsewhere', () => {
    // 1 Shawwal 1446 = 30 March 2025, 09:00 in Riyadh = 06:00 UTC.
    expect(nextRecurringRun(monthly(1, '09:00'), new Date('2025-03-25T12:00:00Z'), 'Asia/Riyadh', 'islamic-umalqura').toISOString()).toBe('2025-03-30T06:00:00.000Z');
    expect(nextRecurringRun(monthly(1, '09:00'), new Date('2025-03-25T12:00:00Z'), 'UTC', 'gregory').toISOString()).toBe('2025-04-01T09:00:00.000Z');
  });

  it('weekly runs on the weekday, later the same day when the time has not passed', () => {
    const saturday = { type: 'recurring' as const, every: 'week' as const, day: 6, time: '09:00' };
    expect(nextRecurringRun(saturday, new Date('2025-03-25T12:00:00Z'), 'Asia/Tehran', 'persian').toISOString()).toBe('2025-03-29T05:30:00.000Z');
    expect(nextRecurringRun(saturday, new Date('2025-03-29T05:00:00Z'), 'Asia/Tehran', 'persian').toISOString()).toBe('2025-03-29T05:30:00.000Z');
    expect(nextRecurringRun(saturday, new Date('2025-03-29T05:30:00Z'), 'Asia/Tehran', 'persian').toISOString()).toBe('2025-04-05T05:30:00.000Z');
  });

  it('a one-off runs at its time, or now', () => {
    const now = new Date('2025-03-25T12:00:00Z');
    expect(firstRun({ type: 'once' }, now, 'UTC', 'gregory')).toEqual(now);
    expect(firstRun({ type: 'once', at: '2025-04-01T08:00:00Z' }, now, 'UTC', 'gregory').toISOString()).toBe('2025-04-01T08:00:00.000Z');
  });
});
