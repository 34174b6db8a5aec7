// The rule editor's working copy: every number is kept as typed (a string, maybe in Persian
// digits) until the rule is sent, so a half-typed value never jumps or disappears.
import type { Automation, AutomationInput } from './automations-api.ts';
import { toLatinDigits } from '../../lib/format.ts';

export type ConditionOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains';
export const CONDITION_OPS: ConditionOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'];
export type DelayUnit = 'none' | 'minutes' | 'hours' | 'days' | 'businessHours';
export const DELAY_UNITS: DelayUnit[] = ['none', 'minutes', 'hours', 'days', 'businessHours'];
export type TriggerType = 'event' | 'date' | 'inactivity';
export type ConditionType = 'segment' | 'attribute' | 'event' | 'tag';
export const CONDITION_TYPES: ConditionType[] = ['segment', 'attribute', 'event', 'tag'];
export type ActionType = 'send_message' | 'create_followup' | 'add_tag' | 'remove_tag' | 'call_webhook';
export const ACTION_TYPES: ActionType[] = ['send_message', 'create_followup', 'add_tag', 'remove_tag', 'call_webhook'];
export type MessageChannelChoice = 'preferred' | 'email' | 'sms';

export interface TriggerDraft { type: TriggerType; topic: string; at: string; days: string }

export type ConditionDraft =
  | { type: 'segment'; segmentId: string; member: boolean }
  | { type: 'attribute'; key: string; op: ConditionOp; value: string }
  | { type: 'event'; field: string; op: ConditionOp; value: string }
  | { type: 'tag'; tag: string; present: boolean };

export type ActionDraft =
  | { type: 'send_message'; templateId: string; channel: MessageChannelChoice }
  | { type: 'create_followup'; dueInBusinessHours: string; priority: 'normal' | 'urgent'; assigneeId: string }
  | { type: 'add_tag' | 'remove_tag'; tag: string }
  | { type: 'call_webhook'; endpointId: string };

export interface RuleDraft {
  name: string;
  enabled: boolean;
  trigger: TriggerDraft;
  conditions: ConditionDraft[];
  delay: { unit: DelayUnit; amount: string };
  actions: ActionDraft[];
}

export function blankCondition(type: ConditionType): ConditionDraft {
  if (type === 'segment') return { type, segmentId: '', member: true };
  if (type === 'tag') return { type, tag: '', present: true };
  if (type === 'attribute') return { type, key: '', op: 'eq', value: '' };
  return { type, field: '', op: 'eq', value: '' };
}

export function blankAction(type: ActionType): ActionDraft {
  if (type === 'send_message') return { type, templateId: '', channel: 'preferred' };
  if (type === 'create_followup') return { type, dueInBusinessHours: '4', priority: 'normal', assigneeId: '' };
  if (type === 'call_webhook') return { type, endpointId: '' };
  return { type, tag: '' };
}

export function blankRule(): RuleDraft {
  return {
    name: '',
    enabled: false,
    trigger: { type: 'event', topic: 'order.delivered', at: '09:00', days: '90' },
    conditions: [],
    delay: { unit: 'none', amount: '' },
    actions: [blankAction('send_message')],
  };
}

/** A number typed in any digits; NaN stays NaN so the server names the field that is wrong. */
const toNumber = (value: string) => Number(toLatinDigits(value.trim()) || Number.NaN);

/**
 * A condition value as typed: a list for `in` (comma separated, Persian or Latin commas), a
 * number when the field is numeric or it reads as one, true/false for booleans, else text.
 */
export function parseConditionValue(raw: string, op: ConditionOp, fieldType?: string): string | number | boolean | (string | number)[] {
  const one = (text: string): string | number => {
    const latin = toLatinDigits(text.trim());
    if (fieldType === 'number' || (fieldType === undefined && /^-?\d+(\.\d+)?$/.test(latin))) {
      const n = Number(latin);
      return Number.isFinite(n) && latin !== '' ? n : text.trim();
    }
    return text.trim();
  };
  if (op === 'in') return raw.split(/[,،]/).map((part) => part.trim()).filter(Boolean).map(one);
  const trimmed = raw.trim();
  if (fieldType === undefined && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return one(raw);
}

export function toInput(draft: RuleDraft, fieldTypes: Record<string, string> = {}): AutomationInput {
  const t = draft.trigger;
  const trigger: AutomationInput['trigger'] =
    t.type === 'event' ? { type: 'event', topic: t.topic }
      : t.type === 'date' ? { type: 'date', field: 'birthday', at: toLatinDigits(t.at) }
        : { type: 'inactivity', days: toNumber(t.days) };
  const conditions = draft.conditions.map((c): NonNullable<AutomationInput['conditions']>[number] => {
    if (c.type === 'segment') return { type: 'segment', segmentId: c.segmentId, member: c.member };
    if (c.type === 'tag') return { type: 'tag', tag: c.tag, present: c.present };
    if (c.type === 'attribute') return { type: 'attribute', key: c.key, op: c.op, value: parseConditionValue(c.value, c.op) };
    return { type: 'event', field: c.field, op: c.op, value: parseConditionValue(c.value, c.op, fieldTypes[c.field]) };
  });
  const amount = toNumber(draft.delay.amount);
  const delay: AutomationInput['delay'] = draft.delay.unit === 'none' ? null : ({ [draft.delay.unit]: amount } as NonNullable<AutomationInput['delay']>);
  const actions = draft.actions.map((a): AutomationInput['actions'][number] => {
    if (a.type === 'send_message') return { type: 'send_message', templateId: a.templateId, channel: a.channel };
    if (a.type === 'create_followup') {
      return {
        type: 'create_followup',
        dueInBusinessHours: toNumber(a.dueInBusinessHours),
        priority: a.priority,
        ...(a.assigneeId ? { assigneeId: a.assigneeId } : {}),
      };
    }
    if (a.type === 'call_webhook') return { type: 'call_webhook', endpointId: a.endpointId };
    return { type: a.type, tag: a.tag };
  });
  return { name: draft.name, enabled: draft.enabled, trigger, conditions, delay, actions };
}

const valueText = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? '' : String(value));

export function fromView(rule: Automation): RuleDraft {
  const base = blankRule();
  const t = rule.trigger;
  const trigger: TriggerDraft = {
    ...base.trigger,
    type: t.type,
    ...(t.type === 'event' ? { topic: t.topic } : t.type === 'date' ? { at: t.at } : { days: String(t.days) }),
  };
  const conditions = rule.conditions.map((c): ConditionDraft => {
    if (c.type === 'segment') return { type: 'segment', segmentId: c.segmentId, member: c.member };
    if (c.type === 'tag') return { type: 'tag', tag: c.tag, present: c.present };
    if (c.type === 'attribute') return { type: 'attribute', key: c.key, op: c.op, value: valueText(c.value) };
    return { type: 'event', field: c.field, op: c.op, value: valueText(c.value) };
  });
  const delayEntry = rule.delay ? Object.entries(rule.delay)[0] : undefined;
  const delay = delayEntry ? { unit: delayEntry[0] as DelayUnit, amount: String(delayEntry[1]) } : base.delay;
  const actions = rule.actions.map((a): ActionDraft => {
    if (a.type === 'send_message') return { type: 'send_message', templateId: a.templateId, channel: a.channel };
    if (a.type === 'create_followup') return { type: 'create_followup', dueInBusinessHours: String(a.dueInBusinessHours), priority: a.priority ?? 'normal', assigneeId: a.assigneeId ?? '' };
    if (a.type === 'call_webhook') return { type: 'call_webhook', endpointId: a.endpointId };
    return { type: a.type, tag: a.tag };
  });
  return { name: rule.name, enabled: rule.enabled, trigger, conditions, delay, actions };
}
