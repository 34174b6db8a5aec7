import type { LoyaltyProgramSettings } from '@vafa/contracts';
import { describe, expect, test } from 'vitest';
import { draftOf, toSettings } from './program-draft.ts';

const prefs = { language: 'fa', calendar: 'persian', digits: 'arabext', timeZone: 'Asia/Tehran' } as const;
const money = { currency: 'IRR', irrDisplay: 'toman' } as const;

const saved: LoyaltyProgramSettings = {
  spend: { points: 3, per: 100_000, rounding: 'round' },
  categoryMultipliers: { kitchen: 150 },
  skuMultipliers: { 'MUG-1': 200 },
  caps: { perOrder: 500, perDay: null },
  pendingDays: 14,
  expiry: { kind: 'fixed', calendar: 'persian', month: 12 },
  events: [
    { topic: 'response.submitted', points: 20, surveyIds: ['7f1c1c1e-2f1a-4c4b-9a61-0d1e2f3a4b5c'] },
    { topic: 'complaint.goodwill' },
  ],
  expiryNotice: { daysBefore: 7 },
};

describe('the program form', () => {
  test('gives back the settings it was loaded with, survey limits included (the form has no picker for them)', () => {
    const { settings, errors } = toSettings(draftOf('باشگاه', saved, prefs, money), money);
    expect(errors).toEqual({});
    expect(settings).toEqual(saved);
  });

  test('a survey rule switched off and on again keeps its surveys; switched off it is gone', () => {
    const draft = draftOf('باشگاه', saved, prefs, money);
    const off = { ...draft, events: { ...draft.events, 'response.submitted': { ...draft.events['response.submitted'], on: false } } };
    expect(toSettings(off, money).settings.events.map((e) => e.topic)).toEqual(['complaint.goodwill']);
    const on = { ...off, events: { ...off.events, 'response.submitted': { ...off.events['response.submitted'], on: true } } };
    expect(toSettings(on, money).settings.events[0]).toEqual(saved.events[0]);
  });
});
