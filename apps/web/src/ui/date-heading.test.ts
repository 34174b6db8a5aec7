import { CalendarDate, GregorianCalendar, IslamicUmalquraCalendar, PersianCalendar } from '@internationalized/date';
import { describe, expect, it } from 'vitest';
import { monthHeading, monthOptions, yearOptions } from './date-heading.ts';

describe('calendar heading and jump lists', () => {
  it('puts the month before the year in Persian (ICU would write «۱۴۰۵ آذر»)', () => {
    const azar = new CalendarDate(new PersianCalendar(), 1405, 9, 12);
    expect(monthHeading(azar, 'fa-IR-u-ca-persian-nu-arabext')).toBe('آذر ۱۴۰۵');
  });

  it('says Umm al-Qura and Gregorian months the same way round', () => {
    const ramadan = new CalendarDate(new IslamicUmalquraCalendar(), 1446, 9, 1);
    expect(monthHeading(ramadan, 'ar-SA-u-ca-islamic-umalqura-nu-arab')).toMatch(/^رمضان ١٤٤٦/);
    expect(monthHeading(new CalendarDate(new GregorianCalendar(), 2026, 12, 3), 'en-GB-u-ca-gregory-nu-latn')).toBe('December 2026');
  });

  it('lists the twelve Solar Hijri months by name, Farvardin first', () => {
    const months = monthOptions(new CalendarDate(new PersianCalendar(), 1370, 5, 1), 'fa-IR-u-ca-persian-nu-arabext');
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ value: 1, label: 'فروردین' });
    expect(months[11]).toEqual({ value: 12, label: 'اسفند' });
  });

  it('lists years latest first in the user digits, always including the shown one', () => {
    const years = yearOptions(new CalendarDate(new PersianCalendar(), 1405, 1, 1), 'fa-IR-u-ca-persian-nu-arabext', 1285, 1405);
    expect(years[0]).toEqual({ value: 1405, label: '۱۴۰۵' });
    expect(years.at(-1)!.value).toBe(1285);
    expect(years.find((y) => y.value === 1370)?.label).toBe('۱۳۷۰');
    const outside = yearOptions(new CalendarDate(new PersianCalendar(), 1250, 1, 1), 'fa-IR-u-ca-persian-nu-arabext', 1285, 1405);
    expect(outside.at(-1)!.value).toBe(1250);
  });
});
