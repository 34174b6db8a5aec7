// The program editor's action rules as typed (points for a review, or for an action the workspace
// names and its shop reports through POST /api/loyalty/events): numbers in any digits, an optional
// condition on one of the event's attributes, caps per day and per period. Pure: program-draft.ts
// folds them into the draft and the settings.
import type { LoyaltyActionRule } from '@vafa/contracts';
import type { MessageKey } from '../../i18n/en.ts';
import type { DisplayPrefs } from '../../lib/format.ts';
import { parseLocalisedNumber } from '../../lib/money.ts';
import { digitsText, parseWhole } from '../complaints/settings-parts.tsx';

export const ACTION_TYPES = ['review', 'custom'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
/** `none`: no condition. */
export const CONDITION_OPS = ['none', 'gte', 'lte', 'eq', 'present'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface ActionDraft {
  /** the row's key in the form */
  row: string;
  type: ActionType;
  /** a custom action's key, as the shop sends it */
  key: string;
  name: string;
  points: string;
  op: ConditionOp;
  attribute: string;
  value: string;
  perDay: string;
  periodCount: string;
  periodDays: string;
  qualifying: boolean;
}

type Prefs = Pick<DisplayPrefs, 'digits'>;

let serial = 0;
const rowKey = () => `action-${++serial}`;

/** A new rule of the type: a review's defaults are the usual "4 stars or more, once a day". */
export function newActionDraft(type: ActionType, prefs: Prefs): ActionDraft {
  const n = (v: number) => digitsText(v, prefs as DisplayPrefs);
  return type === 'review'
    ? { row: rowKey(), type, key: '', name: '', points: '', op: 'gte', attribute: 'rating', value: n(4), perDay: n(1), periodCount: '', periodDays: '', qualifying: true }
    : { row: rowKey(), type, key: '', name: '', points: '', op: 'none', attribute: '', value: '', perDay: '', periodCount: '', periodDays: '', qualifying: true };
}

export function actionDraftsOf(rules: readonly LoyaltyActionRule[] | undefined, prefs: Prefs): ActionDraft[] {
  const n = (v: number | undefined) => digitsText(v ?? null, prefs as DisplayPrefs);
  return (rules ?? []).map((r) => ({
    row: rowKey(), type: r.type, key: r.key ?? '', name: r.name ?? '', points: n(r.points),
    op: r.condition?.op ?? 'none', attribute: r.condition?.attribute ?? '',
    value: r.condition?.value === undefined ? '' : typeof r.condition.value === 'number' ? n(r.condition.value) : r.condition.value,
    perDay: n(r.perDay), periodCount: n(r.perPeriod?.count), periodDays: n(r.perPeriod?.days), qualifying: r.qualifying !== false,
  }));
}

const KEY = /^[a-z][a-z0-9_]{1,39}$/;
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** The rules as the API takes them, and what cannot be read, by `actions.<i>.<field>`. */
export function actionRulesOf(drafts: readonly ActionDraft[]): { rules: LoyaltyActionRule[]; errors: Record<string, MessageKey> } {
  const errors: Record<string, MessageKey> = {};
  const rules: LoyaltyActionRule[] = [];
  const seen = new Set<string>();
  drafts.forEach((d, i) => {
    const at = (field: string) => `actions.${i}.${field}`;
    const whole = (text: string, min: number, max: number, field: string, optional: boolean): number | undefined | 'bad' => {
      if (optional && text.trim() === '') return undefined;
      const v = parseWhole(text);
      if (v === null || v < min || v > max) {
        errors[at(field)] = 'loyalty.editor.error.wholeNumber';
        return 'bad';
      }
      return v;
    };
    const points = whole(d.points, 1, 1_000_000, 'points', false);
    const key = d.key.trim();
    if (d.type === 'custom') {
      if (!KEY.test(key)) errors[at('key')] = 'loyalty.actions.error.key';
      else if (key === 'review') errors[at('key')] = 'loyalty.actions.error.keyReserved';
    }
    const id = d.type === 'review' ? 'review' : errors[at('key')] ? null : key;
    if (id !== null && seen.has(id)) errors[at(d.type === 'review' ? 'type' : 'key')] = 'loyalty.actions.error.repeated';
    if (id !== null) seen.add(id);
    let condition: LoyaltyActionRule['condition'];
    if (d.op !== 'none') {
      const attribute = d.attribute.trim();
      if (!ATTRIBUTE.test(attribute)) errors[at('attribute')] = 'loyalty.actions.error.attribute';
      let value: number | string | undefined;
      if (d.op === 'gte' || d.op === 'lte') {
        const v = parseLocalisedNumber(d.value);
        if (v === null) errors[at('value')] = 'loyalty.actions.error.number';
        else value = v;
      } else if (d.op === 'eq') {
        const text = d.value.trim();
        const v = parseLocalisedNumber(text);
        if (text === '') errors[at('value')] = 'loyalty.actions.error.value';
        else value = v ?? text;
      }
      condition = { attribute, op: d.op, ...(value === undefined ? {} : { value }) };
    }
    const perDay = whole(d.perDay, 1, 1_000, 'perDay', true);
    const periodCount = whole(d.periodCount, 1, 10_000, 'periodCount', true);
    const periodDays = whole(d.periodDays, 1, 3_660, 'periodDays', true);
    if ((periodCount === undefined) !== (periodDays === undefined)) errors[at(periodCount === undefined ? 'periodCount' : 'periodDays')] = 'loyalty.actions.error.periodPair';
    const name = d.name.trim();
    if (points === 'bad' || points === undefined) return;
    rules.push({
      type: d.type,
      ...(d.type === 'custom' ? { key, ...(name ? { name } : {}) } : {}),
      points,
      ...(condition ? { condition } : {}),
      ...(typeof perDay === 'number' ? { perDay } : {}),
      ...(typeof periodCount === 'number' && typeof periodDays === 'number' ? { perPeriod: { count: periodCount, days: periodDays } } : {}),
      ...(d.qualifying ? {} : { qualifying: false }),
    });
  });
  return { rules, errors };
}
