import { createCalendar, parseDate, toCalendar } from '@internationalized/date';
import { describe, expect, test } from 'vitest';
import { presetPeriod } from './report-period.ts';
import { parseWhole } from './settings-parts.tsx';

const day = parseDate('2026-12-04'); // 13 Azar 1405; 24 Jumada II 1448

describe('report periods in the reader calendar', () => {
  test('Solar Hijri months: Azar 1405 and Aban 1405, the year from Nowruz', () => {
    expect(presetPeriod('thisMonth', 'persian', 'Asia/Tehran', day)).toEqual({ from: '2026-11-22', to: '2026-12-04', granularity: 'day' });
    expect(presetPeriod('lastMonth', 'persian', 'Asia/Tehran', day)).toEqual({ from: '2026-10-23', to: '2026-11-21', granularity: 'day' });
    expect(presetPeriod('last3Months', 'persian', 'Asia/Tehran', day).from).toBe('2026-09-23');
    expect(presetPeriod('thisYear', 'persian', 'Asia/Tehran', day).from).toBe('2026-03-21');
  });

  test('Umm al-Qura months start on the 1st of their own month', () => {
    const islamic = createCalendar('islamic-umalqura');
    const { from, to } = presetPeriod('lastMonth', 'islamic-umalqura', 'Asia/Riyadh', day);
    const first = toCalendar(parseDate(from), islamic);
    const last = toCalendar(parseDate(to), islamic);
    expect([first.year, first.month, first.day]).toEqual([1448, 5, 1]);
    expect([last.year, last.month]).toEqual([1448, 5]);
    expect(toCalendar(parseDate(to).add({ days: 1 }), islamic).day).toBe(1);
  });

  test('Gregorian', () => {
    expect(presetPeriod('thisMonth', 'gregory', 'UTC', day)).toEqual({ from: '2026-12-01', to: '2026-12-04', granularity: 'day' });
    expect(presetPeriod('thisYear', 'gregory', 'UTC', day)).toEqual({ from: '2026-01-01', to: '2026-12-04', granularity: 'month' });
  });
});

test('whole numbers typed in any digits', () => {
  expect(parseWhole('۴۰')).toBe(40);
  expect(parseWhole('٨')).toBe(8);
  expect(parseWhole(' 12 ')).toBe(12);
  expect(parseWhole('1.5')).toBeNull();
  expect(parseWhole('')).toBeNull();
});
