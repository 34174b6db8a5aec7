import { describe, expect, it } from 'vitest';
import { formatDay, formatMoney, localeTag, localiseDigits, toLatinDigits } from './format.ts';

const fa = { language: 'fa', calendar: 'persian', digits: 'arabext' } as const;
const ar = { language: 'ar', calendar: 'islamic-umalqura', digits: 'arab' } as const;
const en = { language: 'en', calendar: 'gregory', digits: 'latn' } as const;

describe('digits', () => {
  it('folds Persian and Arabic-Indic digits to ASCII', () => {
    expect(toLatinDigits('۰۹۱۲ ١٢٣ 45')).toBe('0912 123 45');
  });
  it('shows ASCII digits in the chosen system', () => {
    expect(localiseDigits('+989121234567', 'arabext')).toBe('+۹۸۹۱۲۱۲۳۴۵۶۷');
    expect(localiseDigits('+966501234567', 'arab')).toBe('+٩٦٦٥٠١٢٣٤٥٦٧');
    expect(localiseDigits('+۹۸۹۱۲', 'latn')).toBe('+98912');
  });
});

describe('calendar days', () => {
  it('puts calendar and digits in the locale tag', () => {
    expect(localeTag(fa)).toBe('fa-IR-u-ca-persian-nu-arabext');
    expect(new Intl.DateTimeFormat(localeTag(ar)).resolvedOptions().calendar).toBe('islamic-umalqura');
  });
  it('shows 2025-03-21 as 1 Farvardin 1404 and 21 Ramadan 1446 (REFERENCE.md §8)', () => {
    expect(formatDay('2025-03-21', fa)).toBe('۱ فروردین ۱۴۰۴');
    expect(formatDay('2025-03-21', ar)).toContain('رمضان');
    expect(formatDay('2025-03-21', ar)).toContain('٢١');
    expect(formatDay('2025-03-21', ar)).toContain('١٤٤٦');
    expect(formatDay('2025-03-21', en)).toBe('21 March 2025');
  });
  it('does not shift a day across time zones', () => {
    expect(formatDay('1991-03-20', en)).toBe('20 March 1991');
  });
});

describe('money', () => {
  it('shows IRR in rials or tomans with the unit named', () => {
    expect(formatMoney(1_250_000, 'IRR', fa, 'rial')).toBe('۱٬۲۵۰٬۰۰۰ ریال');
    expect(formatMoney(1_250_000, 'IRR', fa, 'toman')).toBe('۱۲۵٬۰۰۰ تومان');
    expect(formatMoney(1_250_000, 'IRR', en, 'toman')).toBe('125,000 tomans');
  });
  it('uses the currency minor unit', () => {
    expect(formatMoney(12345, 'SAR', en)).toContain('123.45');
    expect(formatMoney(12345, 'AED', en)).toContain('123.45');
    expect(formatMoney(12345, 'SAR', ar)).toContain('١٢٣٫٤٥');
  });
});
