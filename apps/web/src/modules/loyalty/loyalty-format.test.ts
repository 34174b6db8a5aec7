import { describe, expect, it } from 'vitest';
import { partnerLineNames } from './loyalty-format.ts';

describe("a partner's history line", () => {
  const ticket = { partnerName: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' }, offerName: { fa: 'بلیت رایگان', en: 'Free ticket' } };

  it("names the offer and partner in the reader's language, each isolated for bidi", () => {
    expect(partnerLineNames(ticket, 'ar')).toEqual({ partner: '\u2068سينما آزادي\u2069', offer: '\u2068بلیت رایگان\u2069' });
    expect(partnerLineNames(ticket, 'en')).toEqual({ partner: '\u2068Azadi Cinema\u2069', offer: '\u2068Free ticket\u2069' });
  });

  it('falls back to the first name given, and says no offer for an earn at the partner', () => {
    expect(partnerLineNames({ partnerName: { en: 'City Books' }, offerName: null }, 'fa')).toEqual({ partner: '\u2068City Books\u2069', offer: null });
  });
});
