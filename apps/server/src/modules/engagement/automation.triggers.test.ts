import { describe, expect, it } from 'vitest';
import { toIsoDate } from '../../platform/i18n/calendar.ts';
import { birthdayCandidates, calendarYear, isBirthdayOn, localDayAndMinutes } from './automation.triggers.ts';

describe('whose birthday is today', () => {
  it('keeps a Jalali birthday on its Jalali day, across the Gregorian new year', () => {
    const born = toIsoDate({ calendar: 'persian', year: 1370, month: 10, day: 11 })!; // 1992-01-01
    expect(isBirthdayOn('persian', born, '2027-01-01')).toBe(true); // 11 Dey 1405
    expect(isBirthdayOn('persian', born, '2026-12-31')).toBe(false);
    expect(calendarYear('persian', '2027-01-01')).toBe(1405);
  });

  it('celebrates 30 Esfand on 29 Esfand in a common year, and on 30 Esfand in a leap year', () => {
    const born = toIsoDate({ calendar: 'persian', year: 1375, month: 12, day: 30 })!;
    const esfand29 = toIsoDate({ calendar: 'persian', year: 1404, month: 12, day: 29 })!; // 1404 is common
    expect(isBirthdayOn('persian', born, esfand29)).toBe(true);
    const leap29 = toIsoDate({ calendar: 'persian', year: 1403, month: 12, day: 29 })!;
    const leap30 = toIsoDate({ calendar: 'persian', year: 1403, month: 12, day: 30 })!;
    expect(isBirthdayOn('persian', born, leap29)).toBe(false);
    expect(isBirthdayOn('persian', born, leap30)).toBe(true);
  });

  it('moves an Umm al-Qura birthday about 11 days earlier each Gregorian year', () => {
    const born = toIsoDate({ calendar: 'islamic-umalqura', year: 1410, month: 7, day: 23 })!;
    const thisYear = toIsoDate({ calendar: 'islamic-umalqura', year: 1447, month: 7, day: 23 })!;
    const nextYear = toIsoDate({ calendar: 'islamic-umalqura', year: 1448, month: 7, day: 23 })!;
    expect(nextYear).toBe('2027-01-01');
    expect(isBirthdayOn('islamic-umalqura', born, thisYear)).toBe(true);
    expect(isBirthdayOn('islamic-umalqura', born, nextYear)).toBe(true);
    expect(isBirthdayOn('islamic-umalqura', born, '2026-12-31')).toBe(false);
    const gap = (Date.parse(`${nextYear}T00:00Z`) - Date.parse(`${thisYear}T00:00Z`)) / 86_400_000;
    expect(gap).toBeGreaterThanOrEqual(353);
    expect(gap).toBeLessThanOrEqual(355);
    // the same Gregorian day is not the birthday in the calendar the customer gave it in
    expect(isBirthdayOn('gregory', born, nextYear)).toBe(false);
  });

  it('celebrates Hijri day 30 on day 29 of a 29-day month', () => {
    const born = toIsoDate({ calendar: 'islamic-umalqura', year: 1410, month: 1, day: 30 })!;
    expect(toIsoDate({ calendar: 'islamic-umalqura', year: 1448, month: 1, day: 30 })).toBeNull();
    const day29 = toIsoDate({ calendar: 'islamic-umalqura', year: 1448, month: 1, day: 29 })!;
    const day28 = toIsoDate({ calendar: 'islamic-umalqura', year: 1448, month: 1, day: 28 })!;
    expect(isBirthdayOn('islamic-umalqura', born, day29)).toBe(true);
    expect(isBirthdayOn('islamic-umalqura', born, day28)).toBe(false);
  });

  it('celebrates 29 February on 28 February in common years', () => {
    expect(isBirthdayOn('gregory', '2000-02-29', '2027-02-28')).toBe(true);
    expect(isBirthdayOn('gregory', '2000-02-29', '2028-02-28')).toBe(false);
    expect(isBirthdayOn('gregory', '2000-02-29', '2028-02-29')).toBe(true);
  });

  it('lists the Gregorian days that fall on today in a calendar, for the indexed lookup', () => {
    const esfand29 = toIsoDate({ calendar: 'persian', year: 1404, month: 12, day: 29 })!;
    const dates = birthdayCandidates('persian', esfand29);
    expect(dates).toContain(toIsoDate({ calendar: 'persian', year: 1375, month: 12, day: 30 }));
    expect(dates).toContain(toIsoDate({ calendar: 'persian', year: 1370, month: 12, day: 29 }));
    expect(dates.every((d) => isBirthdayOn('persian', d, esfand29))).toBe(true);
    expect(dates.length).toBeGreaterThan(100);
  });

  it("reads today in the customer's time zone", () => {
    const instant = new Date('2026-12-31T21:30:00Z');
    expect(localDayAndMinutes(instant, 'Asia/Riyadh')).toEqual({ day: '2027-01-01', minutes: 30 });
    expect(localDayAndMinutes(instant, 'America/New_York').day).toBe('2026-12-31');
  });
});
