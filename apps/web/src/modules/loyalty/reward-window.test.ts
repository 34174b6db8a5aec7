import { CalendarDate, PersianCalendar } from '@internationalized/date';
import { describe, expect, test } from 'vitest';
import { rewardOfferState } from './reward-state.tsx';
import { windowBackwards, windowDays, windowInstants } from './reward-window.ts';

describe('a reward on offer between two days', () => {
  test('the first and last Nowruz days in Tehran become midnight there to the midnight after the last day', () => {
    // 1 to 13 Farvardin 1405 = 21 March to 2 April 2026; Tehran is UTC+3:30 all year since 2022.
    const firstDay = new CalendarDate(new PersianCalendar(), 1405, 1, 1);
    const lastDay = new CalendarDate(new PersianCalendar(), 1405, 1, 13);
    expect(windowInstants({ firstDay, lastDay }, 'Asia/Tehran')).toEqual({
      validFrom: '2026-03-20T20:30:00.000Z',
      validUntil: '2026-04-02T20:30:00.000Z',
    });
  });

  test('a stored window reads back as the same days in the reader\'s calendar', () => {
    const stored = { validFrom: '2026-03-20T20:30:00.000Z', validUntil: '2026-04-02T20:30:00.000Z' };
    const days = windowDays(stored, 'Asia/Tehran', 'persian');
    expect(days.firstDay?.toString()).toBe(new CalendarDate(new PersianCalendar(), 1405, 1, 1).toString());
    expect([days.lastDay?.year, days.lastDay?.month, days.lastDay?.day]).toEqual([1405, 1, 13]);
    expect(days.lastDay?.calendar.identifier).toBe('persian');
    // In Dubai (UTC+4) the same instants fall on other days: the workspace's zone decides.
    const dubai = windowDays(stored, 'Asia/Dubai', 'gregory');
    expect([dubai.firstDay?.toString(), dubai.lastDay?.toString()]).toEqual(['2026-03-21', '2026-04-03']);
    expect(windowInstants(windowDays(stored, 'Asia/Tehran', 'islamic-umalqura'), 'Asia/Tehran')).toEqual(stored);
  });

  test('empty ends stay empty, and one day is a window; a last day before the first is not', () => {
    expect(windowInstants({ firstDay: null, lastDay: null }, 'Asia/Tehran')).toEqual({ validFrom: null, validUntil: null });
    expect(windowDays({ validFrom: null, validUntil: null }, 'Asia/Tehran', 'persian')).toEqual({ firstDay: null, lastDay: null });
    const day = new CalendarDate(2026, 5, 1);
    expect(windowBackwards({ firstDay: day, lastDay: day })).toBe(false);
    expect(windowBackwards({ firstDay: day, lastDay: day.subtract({ days: 1 }) })).toBe(true);
    expect(windowBackwards({ firstDay: null, lastDay: day })).toBe(false);
  });
});

describe('what a reward is now', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const reward = { archived: false, active: true, validFrom: null, validUntil: null };
  test('archived and paused come before the window', () => {
    expect(rewardOfferState({ ...reward, archived: true, validUntil: '2020-01-01T00:00:00Z' }, now)).toBe('archived');
    expect(rewardOfferState({ ...reward, active: false, validFrom: '2030-01-01T00:00:00Z' }, now)).toBe('paused');
  });
  test('before its first day it is scheduled, from its end it has ended, between it is on offer', () => {
    expect(rewardOfferState({ ...reward, validFrom: '2026-06-02T00:00:00Z' }, now)).toBe('scheduled');
    expect(rewardOfferState({ ...reward, validUntil: '2026-06-01T12:00:00Z' }, now)).toBe('ended');
    expect(rewardOfferState({ ...reward, validFrom: '2026-06-01T12:00:00Z', validUntil: '2026-06-01T12:00:01Z' }, now)).toBe('active');
    expect(rewardOfferState(reward, now)).toBe('active');
  });
});
