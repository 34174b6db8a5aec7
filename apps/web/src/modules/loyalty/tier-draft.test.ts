import type { LoyaltyTierView } from '@vafa/contracts';
import { describe, expect, test } from 'vitest';
import { settingsDraftOf, tierChanges, tierDraftOf, toTierBody, toTierSettings, wholeIn } from './tier-draft.ts';

const fa = { language: 'fa', calendar: 'persian', digits: 'arabext' } as const;
const ar = { language: 'ar', calendar: 'islamic-umalqura', digits: 'arab' } as const;
const toman = { currency: 'IRR', irrDisplay: 'toman' } as const;

const gold: LoyaltyTierView = {
  id: '00000000-0000-4000-8000-000000000001', programId: '00000000-0000-4000-8000-000000000002', rank: 2,
  name: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, threshold: 5_000, multiplierPercent: 150, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('tier settings draft', () => {
  test('unset settings show the server\'s defaults, in the reader\'s digits, a calendar year starting as the reader\'s calendar', () => {
    expect(settingsDraftOf(null, fa)).toEqual({ basis: 'qualifying_points', windowKind: 'rolling', days: '۳۶۵', calendar: 'persian', downgrade: 'one_step', graceDays: '۰' });
    expect(settingsDraftOf(null, ar).calendar).toBe('islamic-umalqura');
  });

  test('a calendar year and days typed in Persian or Arabic digits become the API\'s settings', () => {
    const draft = { ...settingsDraftOf(null, fa), basis: 'spend' as const, windowKind: 'calendar_year' as const, calendar: 'persian' as const, downgrade: 'recalculate' as const, graceDays: '۳۰' };
    expect(toTierSettings(draft)).toEqual({ settings: { basis: 'spend', window: { kind: 'calendar_year', calendar: 'persian' }, downgrade: 'recalculate', graceDays: 30 }, errors: {} });
    const rolling = { ...draft, windowKind: 'rolling' as const, days: '١٨٠', graceDays: '' };
    expect(toTierSettings(rolling).settings).toEqual({ basis: 'spend', window: { kind: 'rolling', days: 180 }, downgrade: 'recalculate', graceDays: 0 });
  });

  test('days out of range or not numbers are refused on their fields', () => {
    const draft = { ...settingsDraftOf(null, fa), days: '۰', graceDays: '۳۶۶' };
    expect(toTierSettings(draft)).toEqual({ settings: null, errors: { 'window.days': 'loyalty.tiers.error.windowDays', graceDays: 'loyalty.tiers.error.graceDays' } });
    expect(toTierSettings({ ...draft, days: '۳۶۵ روز', graceDays: '۱' }).errors).toEqual({ 'window.days': 'loyalty.tiers.error.windowDays' });
    // A calendar year has no days to check.
    expect(toTierSettings({ ...draft, windowKind: 'calendar_year', graceDays: '۱' }).errors).toEqual({});
  });
});

describe('tier draft', () => {
  test('a stored tier is shown as typed: spend in tomans grouped, points plain, all in the reader\'s digits', () => {
    expect(tierDraftOf(gold, 'qualifying_points', toman, fa)).toEqual({ fa: 'طلایی', ar: 'ذهبي', en: 'Gold', threshold: '۵۰۰۰', multiplier: '۱۵۰' });
    expect(tierDraftOf({ ...gold, threshold: 50_000_000 }, 'spend', toman, fa).threshold).toBe('۵٬۰۰۰٬۰۰۰');
  });

  test('Persian, Arabic and Latin digits with separators are read; spend is sent in minor units; an empty multiplier is 100', () => {
    const draft = { fa: ' نقره‌ای ', ar: 'فضي', en: 'Silver', threshold: '۱٬۰۰۰', multiplier: '' };
    expect(toTierBody(draft, 'qualifying_points', toman)).toEqual({ body: { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 1_000, multiplierPercent: 100 }, errors: {} });
    expect(toTierBody({ ...draft, threshold: '٢٥٠٠٠٠', multiplier: '١٢٥' }, 'spend', toman).body).toMatchObject({ threshold: 2_500_000, multiplierPercent: 125 });
    expect(toTierBody({ ...draft, threshold: '0' }, 'orders', toman).body?.threshold).toBe(0);
  });

  test('what cannot be read is refused on its field, named by the API\'s path', () => {
    const draft = { fa: 'نقره‌ای', ar: '', en: '  ', threshold: '-۵', multiplier: '۱۰۰۰۱' };
    expect(toTierBody(draft, 'qualifying_points', toman)).toEqual({
      body: null,
      errors: { 'name.ar': 'loyalty.tiers.error.name', 'name.en': 'loyalty.tiers.error.name', threshold: 'loyalty.tiers.error.points', multiplierPercent: 'loyalty.editor.error.percent' },
    });
    expect(toTierBody({ ...draft, threshold: '۲٫۵' }, 'orders', toman).errors.threshold).toBe('loyalty.tiers.error.orders');
    expect(toTierBody({ ...draft, threshold: '۲٫۵۵' }, 'spend', toman).errors.threshold).toBe('loyalty.editor.error.decimals');
    expect(toTierBody({ ...draft, threshold: 'x' }, 'spend', toman).errors.threshold).toBe('loyalty.tiers.error.amount');
  });

  test('an edit sends only what changed', () => {
    expect(tierChanges(gold, { name: gold.name, threshold: 6_000, multiplierPercent: 150 })).toEqual({ threshold: 6_000 });
    expect(tierChanges(gold, { name: { ...gold.name, en: 'Golden' }, threshold: 5_000, multiplierPercent: 200 })).toEqual({ name: { ...gold.name, en: 'Golden' }, multiplierPercent: 200 });
  });

  test('wholeIn refuses fractions, out-of-range and unsafe integers', () => {
    expect(wholeIn('۱۲', 0, 20)).toBe(12);
    expect(wholeIn('1.5', 0, 20)).toBeNull();
    expect(wholeIn('21', 0, 20)).toBeNull();
    expect(wholeIn('99999999999999999999', 0, Number.MAX_SAFE_INTEGER)).toBeNull();
  });
});
