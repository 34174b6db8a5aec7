import { describe, expect, it } from 'vitest';
import {
  formatMajorForInput, majorFractionDigits, minorPerMajor, moneyUnitName, parseLocalisedNumber, parseMoney, regroupNumber, toMajorUnits, toMinorUnits,
} from './money.ts';

const fa = { language: 'fa', calendar: 'persian', digits: 'arabext' } as const;
const ar = { language: 'ar', calendar: 'islamic-umalqura', digits: 'arab' } as const;
const en = { language: 'en', calendar: 'gregory', digits: 'latn' } as const;

describe('parsing typed numbers', () => {
  it('reads Persian, Arabic-Indic and Latin digits', () => {
    expect(parseLocalisedNumber('۲۵۰۰۰۰')).toBe(250_000);
    expect(parseLocalisedNumber('٢٥٠٠٠٠')).toBe(250_000);
    expect(parseLocalisedNumber('250000')).toBe(250_000);
  });
  it('ignores thousands separators and spaces people type or paste', () => {
    expect(parseLocalisedNumber('۲۵۰٬۰۰۰')).toBe(250_000);
    expect(parseLocalisedNumber('٢٥٠،٠٠٠')).toBe(250_000);
    expect(parseLocalisedNumber('250,000')).toBe(250_000);
    expect(parseLocalisedNumber(' ۱ ۲۵۰ ۰۰۰ ')).toBe(1_250_000);
    expect(parseLocalisedNumber('1\u202F250\u00A0000')).toBe(1_250_000);
    expect(parseLocalisedNumber('\u2066۲۵۰٬۰۰۰\u2069')).toBe(250_000);
  });
  it('reads the Arabic decimal separator, the point and the Persian slash as decimals', () => {
    expect(parseLocalisedNumber('۱۲٫۵')).toBe(12.5);
    expect(parseLocalisedNumber('١٢٫٥')).toBe(12.5);
    expect(parseLocalisedNumber('۲/۵')).toBe(2.5);
    expect(parseLocalisedNumber('12.50')).toBe(12.5);
    expect(parseLocalisedNumber('۱۲۳٬۴۵۶٫۷۸')).toBe(123_456.78);
  });
  it('keeps a minus sign', () => {
    expect(parseLocalisedNumber('-۵')).toBe(-5);
    expect(parseLocalisedNumber('\u2212۵')).toBe(-5);
  });
  it('refuses what is not one number', () => {
    expect(parseLocalisedNumber('')).toBeNull();
    expect(parseLocalisedNumber('   ')).toBeNull();
    expect(parseLocalisedNumber('abc')).toBeNull();
    expect(parseLocalisedNumber('۱۲ تومان')).toBeNull();
    expect(parseLocalisedNumber('1.2.3')).toBeNull();
    expect(parseLocalisedNumber('5-')).toBeNull();
    expect(parseLocalisedNumber('1e6')).toBeNull();
  });
});

describe('major and minor units', () => {
  it('stores IRR in rials: a toman is ten', () => {
    expect(minorPerMajor('IRR', 'rial')).toBe(1);
    expect(minorPerMajor('IRR', 'toman')).toBe(10);
    expect(toMinorUnits(250_000, 'IRR', 'toman')).toBe(2_500_000);
    expect(toMinorUnits(250_000, 'IRR', 'rial')).toBe(250_000);
    expect(toMajorUnits(2_500_000, 'IRR', 'toman')).toBe(250_000);
  });
  it('uses the currency minor unit elsewhere', () => {
    expect(minorPerMajor('SAR')).toBe(100);
    expect(minorPerMajor('KWD')).toBe(1000);
    expect(minorPerMajor('JPY')).toBe(1);
    expect(toMinorUnits(123.45, 'SAR')).toBe(12_345);
    expect(toMinorUnits(0.1 + 0.2, 'AED')).toBe(30);
    expect(toMajorUnits(12_345, 'SAR')).toBe(123.45);
  });
  it('allows the decimals the shown unit has', () => {
    expect(majorFractionDigits('IRR', 'rial')).toBe(0);
    expect(majorFractionDigits('IRR', 'toman')).toBe(1);
    expect(majorFractionDigits('SAR')).toBe(2);
    expect(majorFractionDigits('KWD')).toBe(3);
  });
  it('parses a typed amount to minor units, or says why not', () => {
    expect(parseMoney('۲۵۰٬۰۰۰', 'IRR', 'toman')).toEqual({ minor: 2_500_000 });
    expect(parseMoney('۱۲٫۵', 'IRR', 'toman')).toEqual({ minor: 125 });
    expect(parseMoney('١٢٣٫٤٥', 'SAR')).toEqual({ minor: 12_345 });
    expect(parseMoney('12.50', 'SAR')).toEqual({ minor: 1250 });
    expect(parseMoney('۱۲٫۵', 'IRR', 'rial')).toEqual({ error: 'too_many_decimals' });
    expect(parseMoney('1.234', 'SAR')).toEqual({ error: 'too_many_decimals' });
    expect(parseMoney('-5', 'SAR')).toEqual({ error: 'negative' });
    expect(parseMoney('پنج', 'SAR')).toEqual({ error: 'not_a_number' });
  });
  it('shows minor units as a grouped major amount in the reader’s digits', () => {
    expect(formatMajorForInput(2_500_000, 'IRR', 'toman', fa)).toBe('۲۵۰٬۰۰۰');
    expect(formatMajorForInput(2_500_005, 'IRR', 'toman', fa)).toBe('۲۵۰٬۰۰۰٫۵');
    expect(formatMajorForInput(12_345, 'SAR', 'rial', ar)).toBe('١٢٣٫٤٥');
    expect(formatMajorForInput(2_500_000, 'IRR', 'rial', en)).toBe('2,500,000');
  });
  it('round-trips what it shows', () => {
    for (const minor of [0, 5, 125, 2_500_000, 987_654_321]) {
      const shown = formatMajorForInput(minor, 'IRR', 'toman', fa);
      expect(parseMoney(shown, 'IRR', 'toman')).toEqual({ minor });
    }
    expect(parseMoney(formatMajorForInput(12_345, 'SAR', 'rial', ar), 'SAR')).toEqual({ minor: 12_345 });
  });
  it('regroups a typed number without changing it', () => {
    expect(regroupNumber('250000', fa)).toBe('۲۵۰٬۰۰۰');
    expect(regroupNumber('۲۵۰۰۰۰', en)).toBe('250,000');
    expect(regroupNumber('not yet', fa)).toBe('not yet');
  });
  it('names the unit in the reader’s language', () => {
    expect(moneyUnitName('IRR', 'toman', 'fa')).toBe('تومان');
    expect(moneyUnitName('IRR', 'rial', 'ar')).toBe('ريال');
    expect(moneyUnitName('IRR', 'rial', 'en')).toBe('rials');
    expect(moneyUnitName('SAR', 'rial', 'ar')).toBe('ريال سعودي');
    expect(moneyUnitName('USD', 'rial', 'en')).toBe('US Dollar');
  });
});
