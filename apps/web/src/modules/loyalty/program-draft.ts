// The program editor's draft: the settings as a person types them (any digits, money in major
// units of the workspace's currency) and their conversion to the API's settings (integers, minor
// units) with the reason a field cannot be read. Pure functions: the form and the simulator both
// use toSettings, so what is simulated is exactly what would be saved.
import type { LoyaltyEventTopic, LoyaltyProgramSettings, LoyaltyRounding } from '@vafa/contracts';
import type { MessageKey } from '../../i18n/en.ts';
import type { CalendarId, DisplayPrefs } from '../../lib/format.ts';
import { formatMajorForInput, parseLocalisedNumber, parseMoney, type IrrDisplay } from '../../lib/money.ts';
import { digitsText, parseWhole } from '../complaints/settings-parts.tsx';
import { actionDraftsOf, actionRulesOf, type ActionDraft } from './action-draft.ts';

export const EVENT_TOPICS: readonly LoyaltyEventTopic[] = ['response.submitted', 'complaint.goodwill', 'customer.birthday', 'referral.qualified'];
export const EXPIRY_KINDS = ['never', 'rolling', 'fixed', 'inactivity'] as const;
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];

export interface MultiplierRow { key: string; code: string; percent: string }
/** `surveyIds`: the surveys a survey rule is limited to, set through the API; this form has no picker for them, so it keeps them as they are. */
export interface EventDraft { on: boolean; points: string; surveyIds?: string[] }

export interface ProgramDraft {
  name: string;
  spendOn: boolean;
  spendPoints: string;
  spendPer: string;
  rounding: LoyaltyRounding;
  categories: MultiplierRow[];
  skus: MultiplierRow[];
  capOrder: string;
  capDay: string;
  pendingDays: string;
  expiryKind: ExpiryKind;
  expiryDays: string;
  fixedCalendar: CalendarId;
  fixedMonth: number;
  fixedDay: string;
  events: Record<LoyaltyEventTopic, EventDraft>;
  noticeDays: string;
  /** the referral rules, edited on the loyalty page's referrals section (referrals-settings.tsx): carried through unchanged */
  referral?: LoyaltyProgramSettings['referral'];
  /** a return of points already spent may take the balance negative (else it is written off) */
  allowNegativeBalance: boolean;
  /** points for a review and for the workspace's own actions its shop reports (action-draft.ts) */
  actions: ActionDraft[];
}

export interface Money { currency: string; irrDisplay: IrrDisplay }
type Prefs = Pick<DisplayPrefs, 'language' | 'calendar' | 'digits' | 'timeZone'>;

let rowSerial = 0;
export const newRowKey = () => `row-${++rowSerial}`;

const rows = (record: Record<string, number>, prefs: Prefs): MultiplierRow[] =>
  Object.entries(record).map(([code, percent]) => ({ key: newRowKey(), code, percent: digitsText(percent, prefs as DisplayPrefs) }));

export function draftOf(name: string, s: LoyaltyProgramSettings | null, prefs: Prefs, money: Money): ProgramDraft {
  const n = (v: number | null | undefined) => digitsText(v ?? null, prefs as DisplayPrefs);
  const expiry = s?.expiry ?? { kind: 'never' as const };
  const events = Object.fromEntries(EVENT_TOPICS.map((topic) => {
    const rule = s?.events.find((e) => e.topic === topic);
    return [topic, { on: Boolean(rule), points: n(rule?.points), ...(rule?.surveyIds ? { surveyIds: rule.surveyIds } : {}) }];
  })) as Record<LoyaltyEventTopic, EventDraft>;
  return {
    name,
    spendOn: s ? s.spend !== null : true,
    spendPoints: n(s ? s.spend?.points : 1),
    spendPer: s?.spend ? formatMajorForInput(s.spend.per, money.currency, money.irrDisplay, prefs) : '',
    rounding: s?.spend?.rounding ?? 'floor',
    categories: rows(s?.categoryMultipliers ?? {}, prefs),
    skus: rows(s?.skuMultipliers ?? {}, prefs),
    capOrder: n(s?.caps.perOrder),
    capDay: n(s?.caps.perDay),
    pendingDays: n(s?.pendingDays ?? 0),
    expiryKind: expiry.kind,
    expiryDays: expiry.kind === 'rolling' || expiry.kind === 'inactivity' ? n(expiry.days) : '',
    fixedCalendar: expiry.kind === 'fixed' ? expiry.calendar : prefs.calendar,
    fixedMonth: expiry.kind === 'fixed' ? expiry.month : 12,
    fixedDay: expiry.kind === 'fixed' ? n(expiry.day) : '',
    events,
    noticeDays: n(s?.expiryNotice?.daysBefore),
    ...(s?.referral ? { referral: s.referral } : {}),
    allowNegativeBalance: s?.allowNegativeBalance === true,
    actions: actionDraftsOf(s?.actions, prefs),
  };
}

/** Field paths as the API names them (`spend.per`, `categoryMultipliers.2`…) → what to say. */
export type DraftErrors = Record<string, MessageKey>;

const whole = (text: string, min: number, max: number): number | 'bad' => {
  const v = parseWhole(text);
  return v === null || v < min || v > max ? 'bad' : v;
};
const optionalWhole = (text: string, min: number, max: number): number | null | 'bad' => (text.trim() === '' ? null : whole(text, min, max));

/** A multiplier typed as a percent: whole, 0 to 10,000. */
const percentOf = (text: string): number | 'bad' => {
  const v = parseLocalisedNumber(text);
  return v === null || !Number.isInteger(v) || v < 0 || v > 10_000 ? 'bad' : v;
};

export function toSettings(d: ProgramDraft, money: Money): { settings: LoyaltyProgramSettings; errors: DraftErrors } {
  const errors: DraftErrors = {};
  let spend: LoyaltyProgramSettings['spend'] = null;
  if (d.spendOn) {
    const points = whole(d.spendPoints, 1, 1_000_000);
    if (points === 'bad') errors['spend.points'] = 'loyalty.editor.error.wholeNumber';
    const per = parseMoney(d.spendPer, money.currency, money.irrDisplay);
    if ('error' in per || per.minor < 1 || per.minor > 1_000_000_000_000) errors['spend.per'] = 'error' in per && per.error === 'too_many_decimals' ? 'loyalty.editor.error.decimals' : 'loyalty.editor.error.amount';
    if (points !== 'bad' && 'minor' in per) spend = { points, per: per.minor, rounding: d.rounding };
  }
  const multipliers = (list: MultiplierRow[], field: string): Record<string, number> => {
    const out: Record<string, number> = {};
    list.forEach((row, i) => {
      const code = row.code.trim();
      if (code === '') errors[`${field}.${i}.code`] = 'loyalty.editor.error.codeRequired';
      else if (Object.hasOwn(out, code)) errors[`${field}.${i}.code`] = 'loyalty.editor.error.codeRepeated';
      const percent = percentOf(row.percent);
      if (percent === 'bad') errors[`${field}.${i}.percent`] = 'loyalty.editor.error.percent';
      else if (code !== '') out[code] = percent;
    });
    return out;
  };
  const categoryMultipliers = multipliers(d.categories, 'categoryMultipliers');
  const skuMultipliers = multipliers(d.skus, 'skuMultipliers');
  const perOrder = optionalWhole(d.capOrder, 1, 1_000_000_000);
  if (perOrder === 'bad') errors['caps.perOrder'] = 'loyalty.editor.error.wholeNumber';
  const perDay = optionalWhole(d.capDay, 1, 1_000_000_000);
  if (perDay === 'bad') errors['caps.perDay'] = 'loyalty.editor.error.wholeNumber';
  const pendingDays = d.pendingDays.trim() === '' ? 0 : whole(d.pendingDays, 0, 365);
  if (pendingDays === 'bad') errors.pendingDays = 'loyalty.editor.error.pendingDays';

  let expiry: LoyaltyProgramSettings['expiry'] = { kind: 'never' };
  if (d.expiryKind === 'rolling' || d.expiryKind === 'inactivity') {
    const days = whole(d.expiryDays, 1, 36_500);
    if (days === 'bad') errors['expiry.days'] = 'loyalty.editor.error.days';
    else expiry = { kind: d.expiryKind, days };
    if (d.expiryKind === 'rolling' && days !== 'bad' && pendingDays !== 'bad' && days <= pendingDays) errors['expiry.days'] = 'loyalty.editor.error.expiryWithinPending';
  } else if (d.expiryKind === 'fixed') {
    const day = optionalWhole(d.fixedDay, 1, 31);
    if (day === 'bad') errors['expiry.day'] = 'loyalty.editor.error.dayOfMonth';
    else expiry = { kind: 'fixed', calendar: d.fixedCalendar, month: d.fixedMonth, ...(day === null ? {} : { day }) };
  }

  const events: LoyaltyProgramSettings['events'] = [];
  for (const topic of EVENT_TOPICS) {
    const e = d.events[topic];
    if (!e.on) continue;
    const points = topic === 'complaint.goodwill' ? optionalWhole(e.points, 1, 1_000_000) : whole(e.points, 1, 1_000_000);
    if (points === 'bad') errors[`events.${topic}`] = 'loyalty.editor.error.eventPoints';
    else events.push({ topic, ...(points === null ? {} : { points }), ...(e.surveyIds ? { surveyIds: e.surveyIds } : {}) });
  }
  const notice = optionalWhole(d.noticeDays, 1, 90);
  if (notice === 'bad') errors['expiryNotice.daysBefore'] = 'loyalty.editor.error.noticeDays';

  const actions = actionRulesOf(d.actions);
  Object.assign(errors, actions.errors);

  const settings: LoyaltyProgramSettings = {
    spend, categoryMultipliers, skuMultipliers,
    caps: { perOrder: perOrder === 'bad' ? null : perOrder, perDay: perDay === 'bad' ? null : perDay },
    pendingDays: pendingDays === 'bad' ? 0 : pendingDays,
    expiry, events,
    expiryNotice: notice === 'bad' || notice === null ? null : { daysBefore: notice },
    ...(d.referral ? { referral: d.referral } : {}),
    ...(d.allowNegativeBalance ? { allowNegativeBalance: true } : {}),
    ...(actions.rules.length > 0 ? { actions: actions.rules } : {}),
  };
  return { settings, errors };
}

/** An exact fraction (decimal strings) as a decimal with up to `places` digits, cut not rounded. */
export function fractionDecimal(numerator: string, denominator: string, places = 4): number {
  const num = BigInt(numerator);
  const den = BigInt(denominator);
  if (den === 0n) return 0;
  const scale = 10n ** BigInt(places);
  return Number((num * scale) / den) / Number(scale);
}
