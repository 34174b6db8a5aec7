import { describe, expect, it } from 'vitest';
import { formatMoneyParam } from './money.ts';

describe('money in a refusal', () => {
  it('says rials or tomans with the unit, in the reader digits, every digit of a bigint kept', () => {
    const irr = (money: bigint, irrDisplay: 'rial' | 'toman') => ({ money, currency: 'IRR', irrDisplay });
    expect(formatMoneyParam(irr(5_000_000n, 'toman'), 'fa')).toBe('۵۰۰٬۰۰۰ تومان');
    expect(formatMoneyParam(irr(5_000_005n, 'toman'), 'ar')).toBe('٥٠٠٬٠٠٠٫٥ تومان');
    expect(formatMoneyParam(irr(5_000_000n, 'rial'), 'en')).toBe('5,000,000 rials');
    expect(formatMoneyParam(irr(123_456_789_012_345_678_901n, 'rial'), 'en')).toBe('123,456,789,012,345,678,901 rials');
  });

  it('says other currencies in their minor digits, negative amounts too', () => {
    expect(formatMoneyParam({ money: 12_345n, currency: 'USD', irrDisplay: 'toman' }, 'en')).toBe('$123.45');
    expect(formatMoneyParam({ money: -5n, currency: 'USD', irrDisplay: 'toman' }, 'en')).toBe('-$0.05');
    expect(formatMoneyParam({ money: 9_007_199_254_740_993_01n, currency: 'SAR', irrDisplay: 'toman' }, 'ar')).toContain('٩٬٠٠٧٬١٩٩٬٢٥٤٬٧٤٠٬٩٩٣٫٠١');
  });
});
