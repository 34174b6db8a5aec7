import { describe, expect, it } from 'vitest';
import { charityState, donationWorth, parseRate, shareChoices } from './charity-form.ts';

describe('a charity\'s conversion rate as typed', () => {
  it('takes points and money in Persian, Arabic or Latin digits, money in the workspace\'s unit', () => {
    expect(parseRate('۱۰۰', '۵٬۰۰۰', 'IRR', 'toman')).toEqual({ ratePoints: 100, rateMinor: 50_000, errors: {} });
    expect(parseRate('١٠', '٢٫٥', 'SAR', 'rial')).toEqual({ ratePoints: 10, rateMinor: 250, errors: {} });
    expect(parseRate('1,000', '12.5', 'IRR', 'toman')).toEqual({ ratePoints: 1000, rateMinor: 125, errors: {} });
  });

  it('says on each field what is wrong before sending; zero points are left to the server\'s rule', () => {
    expect(parseRate('', '', 'IRR', 'rial').errors).toEqual({ ratePoints: 'required', rateMinor: 'required' });
    expect(parseRate('۱۲x', '۰', 'IRR', 'rial').errors).toEqual({ ratePoints: 'not_whole', rateMinor: 'not_positive' });
    expect(parseRate('۱.۵', 'abc', 'IRR', 'rial').errors).toEqual({ ratePoints: 'not_whole', rateMinor: 'not_an_amount' });
    expect(parseRate('10', '-5', 'USD', 'rial').errors).toEqual({ rateMinor: 'not_positive' });
    expect(parseRate('10', '1.234', 'USD', 'rial').errors).toEqual({ rateMinor: 'too_many_decimals' });
    expect(parseRate('۰', '۱۰', 'IRR', 'rial')).toEqual({ ratePoints: 0, rateMinor: 10, errors: {} });
  });
});

describe('what points give at a rate', () => {
  it('rounds down as the server does, and says nothing without a usable rate', () => {
    expect(donationWorth(205, 10, 1_000)).toBe(20_500);
    expect(donationWorth(7, 3, 2)).toBe(4);
    expect(donationWorth(1, 3, 2)).toBe(0);
    expect(donationWorth(100, 0, 5)).toBeNull();
    expect(donationWorth(100, null, 5)).toBeNull();
    expect(donationWorth(1_000_000_000, 1, 1_000_000_000)).toBeNull();
  });
});

describe('a charity\'s state and the share\'s choices', () => {
  const open = { id: 'a', archived: false, active: true };
  const paused = { id: 'b', archived: false, active: false };
  const archived = { id: 'c', archived: true, active: false };
  it('archived before paused before active', () => {
    expect([open, paused, archived].map(charityState)).toEqual(['active', 'paused', 'archived']);
  });
  it('offers the charities taking donations, and keeps the one already chosen', () => {
    expect(shareChoices([open, paused, archived], null).map((c) => c.id)).toEqual(['a']);
    expect(shareChoices([open, paused, archived], 'c').map((c) => c.id)).toEqual(['a', 'c']);
  });
});
