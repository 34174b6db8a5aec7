import type { LoyaltyProgramSettings } from '@vafa/contracts';
import { describe, expect, test } from 'vitest';
import { actionRulesOf, newActionDraft } from './action-draft.ts';
import { draftOf, toSettings } from './program-draft.ts';

const prefs = { language: 'fa', calendar: 'persian', digits: 'arabext', timeZone: 'Asia/Tehran' } as const;
const money = { currency: 'IRR', irrDisplay: 'toman' } as const;

const saved: LoyaltyProgramSettings = {
  spend: null,
  categoryMultipliers: {},
  skuMultipliers: {},
  caps: { perOrder: null, perDay: null },
  pendingDays: 0,
  expiry: { kind: 'never' },
  events: [],
  expiryNotice: null,
  actions: [
    { type: 'review', points: 20, condition: { attribute: 'rating', op: 'gte', value: 4 }, perDay: 1 },
    { type: 'custom', key: 'app_installed', name: 'نصب اپ', points: 50, perPeriod: { count: 1, days: 365 }, qualifying: false },
    { type: 'custom', key: 'photo_review', points: 5, condition: { attribute: 'has_photo', op: 'present' } },
  ],
};

describe('the program form\'s action rules', () => {
  test('give back the rules they were loaded with, numbers shown in Persian digits', () => {
    const draft = draftOf('باشگاه', saved, prefs, money);
    expect(draft.actions.map((a) => [a.type, a.points, a.value, a.perDay, a.periodDays])).toEqual([
      ['review', '۲۰', '۴', '۱', ''], ['custom', '۵۰', '', '', '۳۶۵'], ['custom', '۵', '', '', ''],
    ]);
    const { settings, errors } = toSettings(draft, money);
    expect(errors).toEqual({});
    expect(settings).toEqual(saved);
  });

  test('a new review rule typed in Persian digits: rating at least ۴, once a day, counting for tiers', () => {
    const draft = { ...draftOf('باشگاه', null, prefs, money), spendOn: false };
    const review = { ...newActionDraft('review', prefs), points: '۳۰' };
    expect(review).toMatchObject({ op: 'gte', attribute: 'rating', value: '۴', perDay: '۱', qualifying: true });
    const { settings, errors } = toSettings({ ...draft, actions: [review] }, money);
    expect(errors).toEqual({});
    expect(settings.actions).toEqual([{ type: 'review', points: 30, condition: { attribute: 'rating', op: 'gte', value: 4 }, perDay: 1 }]);
  });

  test('no rules: no `actions` in the settings (a program without them stays as it was)', () => {
    const { settings } = toSettings(draftOf('باشگاه', null, prefs, money), money);
    expect(settings).not.toHaveProperty('actions');
  });

  test('says what cannot be read, by field', () => {
    const base = newActionDraft('custom', prefs);
    const { rules, errors } = actionRulesOf([
      { ...base, key: 'App Installed', points: '' },
      { ...base, key: 'review', points: '۵' },
      { ...base, key: 'visit', points: '۵', op: 'gte', attribute: 'stars', value: 'many' },
      { ...base, key: 'visit', points: '۵', periodCount: '۲' },
      { ...newActionDraft('review', prefs), points: '۱' },
      { ...newActionDraft('review', prefs), points: '۱' },
      { ...base, key: 'shared', points: '۵', op: 'eq', attribute: '2x', value: '' },
    ]);
    expect(errors).toEqual({
      'actions.0.key': 'loyalty.actions.error.key',
      'actions.0.points': 'loyalty.editor.error.wholeNumber',
      'actions.1.key': 'loyalty.actions.error.keyReserved',
      'actions.2.value': 'loyalty.actions.error.number',
      'actions.3.key': 'loyalty.actions.error.repeated',
      'actions.3.periodDays': 'loyalty.actions.error.periodPair',
      'actions.5.type': 'loyalty.actions.error.repeated',
      'actions.6.attribute': 'loyalty.actions.error.attribute',
      'actions.6.value': 'loyalty.actions.error.value',
    });
    expect(rules.length).toBeGreaterThan(0);
  });

  test('an "equals" condition keeps text as text and reads digits as a number', () => {
    const base = { ...newActionDraft('custom', prefs), key: 'visit', points: '۵', op: 'eq' as const, attribute: 'channel' };
    expect(actionRulesOf([{ ...base, value: 'store' }]).rules[0]!.condition).toEqual({ attribute: 'channel', op: 'eq', value: 'store' });
    expect(actionRulesOf([{ ...base, value: '۳' }]).rules[0]!.condition).toEqual({ attribute: 'channel', op: 'eq', value: 3 });
  });
});
