// The tiers section's drafts: a program's tier settings and one tier as a person types them (any
// digits, spend in major units of the workspace's currency) and their conversion to the API's
// bodies (integers, minor units) with the reason a field cannot be read, keyed by the API's field
// paths so a server refusal and a local one land on the same field. Pure functions.
import type { CreateLoyaltyTier, LoyaltyTierSettings, LoyaltyTierView } from '@vafa/contracts';
import type { MessageKey } from '../../i18n/en.ts';
import type { CalendarId, DisplayPrefs } from '../../lib/format.ts';
import { formatMajorForInput, parseLocalisedNumber, parseMoney } from '../../lib/money.ts';
import { digitsText } from '../complaints/settings-parts.tsx';
import type { Money } from './program-draft.ts';

export type TierBasis = LoyaltyTierSettings['basis'];
export type TierDowngrade = LoyaltyTierSettings['downgrade'];
export const TIER_BASES: readonly TierBasis[] = ['qualifying_points', 'spend', 'orders'];
export const TIER_DOWNGRADES: readonly TierDowngrade[] = ['none', 'one_step', 'recalculate'];
export const TIER_CALENDARS: readonly CalendarId[] = ['persian', 'islamic-umalqura', 'gregory'];

/** What the server applies while a program's tier settings were never written (tiers.service.ts). */
export const DEFAULT_TIER_SETTINGS: LoyaltyTierSettings = { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'one_step', graceDays: 0 };

type Prefs = Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>;
export type DraftErrors = Record<string, MessageKey>;

export interface TierSettingsDraft {
  basis: TierBasis;
  windowKind: 'rolling' | 'calendar_year';
  days: string;
  calendar: CalendarId;
  downgrade: TierDowngrade;
  graceDays: string;
}

export function settingsDraftOf(saved: LoyaltyTierSettings | null, prefs: Prefs): TierSettingsDraft {
  const s = saved ?? DEFAULT_TIER_SETTINGS;
  const p = prefs as DisplayPrefs;
  return {
    basis: s.basis,
    windowKind: s.window.kind,
    days: s.window.kind === 'rolling' ? digitsText(s.window.days, p) : digitsText(365, p),
    // A calendar year not chosen yet starts as the reader's own calendar.
    calendar: s.window.kind === 'calendar_year' ? s.window.calendar : prefs.calendar,
    downgrade: s.downgrade,
    graceDays: digitsText(s.graceDays, p),
  };
}

/** A whole number typed in any digits with any group separators, within [min, max]; null when not one. */
export function wholeIn(text: string, min: number, max: number): number | null {
  const v = parseLocalisedNumber(text);
  return v === null || !Number.isSafeInteger(v) || v < min || v > max ? null : v;
}

export function toTierSettings(d: TierSettingsDraft): { settings: LoyaltyTierSettings | null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  let window: LoyaltyTierSettings['window'] = { kind: 'calendar_year', calendar: d.calendar };
  if (d.windowKind === 'rolling') {
    const days = wholeIn(d.days, 1, 3_660);
    if (days === null) errors['window.days'] = 'loyalty.tiers.error.windowDays';
    else window = { kind: 'rolling', days };
  }
  const graceDays = d.graceDays.trim() === '' ? 0 : wholeIn(d.graceDays, 0, 365);
  if (graceDays === null) errors.graceDays = 'loyalty.tiers.error.graceDays';
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  return { settings: { basis: d.basis, window, downgrade: d.downgrade, graceDays: graceDays! }, errors };
}

export interface TierDraft { fa: string; ar: string; en: string; threshold: string; multiplier: string }

/** A stored threshold as one types it: money in major units for spend, else a plain whole number, in the reader's digits. */
export function thresholdInput(threshold: number, basis: TierBasis, money: Money, prefs: Prefs): string {
  return basis === 'spend' ? formatMajorForInput(threshold, money.currency, money.irrDisplay, prefs) : digitsText(threshold, prefs as DisplayPrefs);
}

export function tierDraftOf(tier: LoyaltyTierView | null, basis: TierBasis, money: Money, prefs: Prefs): TierDraft {
  if (!tier) return { fa: '', ar: '', en: '', threshold: '', multiplier: '' };
  return {
    fa: tier.name.fa, ar: tier.name.ar, en: tier.name.en,
    threshold: thresholdInput(tier.threshold, basis, money, prefs),
    multiplier: digitsText(tier.multiplierPercent, prefs as DisplayPrefs),
  };
}

const MAX_THRESHOLD = Number.MAX_SAFE_INTEGER;

/** The tier's body, or why a field cannot be read. Names are required in all three languages, as the API requires. */
export function toTierBody(d: TierDraft, basis: TierBasis, money: Money): { body: CreateLoyaltyTier | null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const name = { fa: d.fa.trim(), ar: d.ar.trim(), en: d.en.trim() };
  for (const lang of ['fa', 'ar', 'en'] as const) if (name[lang] === '') errors[`name.${lang}`] = 'loyalty.tiers.error.name';
  let threshold: number | null = null;
  if (basis === 'spend') {
    const parsed = parseMoney(d.threshold, money.currency, money.irrDisplay);
    if ('error' in parsed) errors.threshold = parsed.error === 'too_many_decimals' ? 'loyalty.editor.error.decimals' : 'loyalty.tiers.error.amount';
    else if (parsed.minor > MAX_THRESHOLD) errors.threshold = 'loyalty.tiers.error.amount';
    else threshold = parsed.minor;
  } else {
    threshold = wholeIn(d.threshold, 0, MAX_THRESHOLD);
    if (threshold === null) errors.threshold = basis === 'orders' ? 'loyalty.tiers.error.orders' : 'loyalty.tiers.error.points';
  }
  const multiplierPercent = d.multiplier.trim() === '' ? 100 : wholeIn(d.multiplier, 0, 10_000);
  if (multiplierPercent === null) errors.multiplierPercent = 'loyalty.editor.error.percent';
  if (Object.keys(errors).length > 0) return { body: null, errors };
  return { body: { name, threshold: threshold!, multiplierPercent: multiplierPercent! }, errors };
}

/** What changed in an edited tier: only those fields go in the PATCH. */
export function tierChanges(before: LoyaltyTierView, after: CreateLoyaltyTier): Partial<CreateLoyaltyTier> {
  const changes: Partial<CreateLoyaltyTier> = {};
  if (before.name.fa !== after.name.fa || before.name.ar !== after.name.ar || before.name.en !== after.name.en) changes.name = after.name;
  if (before.threshold !== after.threshold) changes.threshold = after.threshold;
  if (before.multiplierPercent !== after.multiplierPercent) changes.multiplierPercent = after.multiplierPercent;
  return changes;
}
