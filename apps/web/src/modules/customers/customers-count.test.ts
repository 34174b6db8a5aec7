import { describe, expect, it } from 'vitest';
import { countLine, roundedNumber } from './customers-count.ts';

const fa = { language: 'fa', calendar: 'persian', digits: 'arabext' } as const;
const ar = { language: 'ar', calendar: 'islamic-umalqura', digits: 'arab' } as const;
const en = { language: 'en', calendar: 'gregory', digits: 'latn' } as const;

describe('the customer count line', () => {
  it('says an estimate rounded, in the reader\'s words and digits', () => {
    expect(roundedNumber(1_234_567, fa)).toBe('۱٫۲ میلیون');
    expect(roundedNumber(1_234_567, ar)).toBe('١٫٢ مليون');
    expect(roundedNumber(1_234_567, en)).toBe('1.2 million');
    expect(roundedNumber(150_400, en)).toBe('150 thousand');
    expect(countLine({ count: 1_234_567, estimated: true }, fa)).toEqual({ id: 'customers.countEstimated', values: { count: '۱٫۲ میلیون' } });
  });

  it('gives an exact count as a number for the plural message', () => {
    expect(countLine({ count: 1204, estimated: false }, fa)).toEqual({ id: 'customers.count', values: { count: 1204 } });
    expect(roundedNumber(1204, fa)).toBe('۱٬۲۰۴');
  });
});
