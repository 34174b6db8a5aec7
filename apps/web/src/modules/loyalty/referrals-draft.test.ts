import type { LoyaltyProgramSettings } from '@vafa/contracts';
import { describe, expect, test } from 'vitest';
import { draftOf, toSettings } from './program-draft.ts';

// The program editor has no referral fields (the loyalty page's referrals section edits them), so
// saving from the editor must give the referral rules back as they were loaded.
const prefs = { language: 'ar', calendar: 'islamic-umalqura', digits: 'arab', timeZone: 'Asia/Riyadh' } as const;
const money = { currency: 'SAR', irrDisplay: 'rial' } as const;

describe('the program form and the referral rules', () => {
  test('are carried through unchanged, and absent stay absent', () => {
    const base = toSettings(draftOf('نادي', null, prefs, money), money).settings;
    expect(base).not.toHaveProperty('referral');
    const saved: LoyaltyProgramSettings = {
      ...base, referral: { reward: 'both', referrerPoints: 200, friendPoints: 50, minOrderAmount: 10_000, maxPerReferrerPer30Days: 5 },
    };
    const { settings, errors } = toSettings(draftOf('نادي', saved, prefs, money), money);
    expect(errors).toEqual({});
    expect(settings).toEqual(saved);
  });
});
