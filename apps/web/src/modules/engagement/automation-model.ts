// The rule editor's working copy: numbers and amounts are kept as typed (a string, maybe in
// Persian digits and with separators) until the rule is sent, so a half-typed value never jumps
// or disappears; codes are kept as codes and shown by their names.
import type { Automation, AutomationInput } from './automations-api.ts';
import { toLatinDigits } from '../../lib/format.ts';
import { attributeSpec, defaultOp, eventFieldSpec, opFits, type AttributeDefinitionLike, type FieldSpec } from './automation-fields.ts';
import { apiValue, draftValue, type ValueContext, type ValueError } from './automation-values.ts';

export type ConditionOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains';
export type DelayUnit = 'none' | 'minutes' | 'hours' | 'days' | 'businessHours';
export const DELAY_UNITS: DelayUnit[] = ['none', 'minutes', 'hours', 'days', 'businessHours'];
export type TriggerType = 'event' | 'date' | 'inactivity';
export type ActionType = 'send_message' | 'send_survey' | 'create_followup' | 'add_tag' | 'remove_tag' | 'call_webhook';
export const ACTION_TYPES: ActionType[] = ['send_message', 'send_survey', 'create_followup', 'add_tag', 'remove_tag', 'call_webhook'];
export type MessageChannelChoice = 'preferred' | 'email' | 'sms';

export interface TriggerDraft { type: TriggerType; topic: string; at: string; days: string }

/** An event field or attribute condition holds `value` (typed text, a code, a day) or, for "is one of" a set of codes, `values`. */
export type ConditionDraft =
  | { type: 'segment'; segmentId: string; member: boolean }
  | { type: 'attribute'; key: string; op: ConditionOp; value: string; values: string[] }
  | { type: 'event'; field: string; op: ConditionOp; value: string; values: string[] }
  | { type: 'tag'; tag: string; present: boolean };

export type ActionDraft =
  | { type: 'send_message'; templateId: string; channel: MessageChannelChoice }
  | { type: 'create_followup'; dueInBusinessHours: string; priority: 'normal' | 'urgent'; assigneeId: string }
  | { type: 'add_tag' | 'remove_tag'; tag: string }
  | { type: 'call_webhook'; endpointId: string }
  | { type: 'send_survey'; surveyId: string; channel: MessageChannelChoice };

export interface RuleDraft {
  name: string;
  enabled: boolean;
  trigger: TriggerDraft;
  conditions: ConditionDraft[];
  delay: { unit: DelayUnit; amount: string };
  actions: ActionDraft[];
}

/** What the rule's fields mean: the trigger topic's field types (catalogue) and the attribute definitions. */
export interface RuleContext extends ValueContext {
  topicFields: Record<string, string>;
  attributes: Record<string, AttributeDefinitionLike>;
}

/**
 * The one "field" picker of a condition names what it is about: `event:amountMinor`,
 * `attribute:vip`, `tag` or `segment`.
 */
export type ConditionSubject = string;

export function subjectOf(c: ConditionDraft): ConditionSubject {
  if (c.type === 'segment' || c.type === 'tag') return c.type;
  if (c.type === 'attribute') return c.key ? `attribute:${c.key}` : '';
  return c.field ? `event:${c.field}` : '';
}

export function specOf(c: ConditionDraft, topic: string, ctx: Pick<RuleContext, 'topicFields' | 'attributes'>): FieldSpec | undefined {
  if (c.type === 'event') return eventFieldSpec(topic, c.field, ctx.topicFields[c.field]);
  if (c.type === 'attribute') return attributeSpec(ctx.attributes[c.key]);
  return undefined;
}

/** A condition on a newly picked subject: the first comparison that fits it, value emptied. */
export function conditionOn(subject: ConditionSubject, topic: string, ctx: Pick<RuleContext, 'topicFields' | 'attributes'>): ConditionDraft {
  if (subject === 'segment') return { type: 'segment', segmentId: '', member: true };
  if (subject === 'tag') return { type: 'tag', tag: '', present: true };
  if (subject.startsWith('attribute:')) {
    const key = subject.slice('attribute:'.length);
    return { type: 'attribute', key, op: defaultOp(attributeSpec(ctx.attributes[key]).kind), value: '', values: [] };
  }
  const field = subject.slice('event:'.length);
  return { type: 'event', field, op: defaultOp(eventFieldSpec(topic, field, ctx.topicFields[field]).kind), value: '', values: [] };
}

/** A new condition with nothing picked yet. */
export const blankCondition = (): ConditionDraft => ({ type: 'event', field: '', op: 'eq', value: '', values: [] });

/** An event field or attribute condition: the kinds that compare a value. */
export type ComparingCondition = Extract<ConditionDraft, { op: ConditionOp }>;

/** A comparison change keeps what still makes sense: a code moves into or out of an "is one of" set. */
export function withOp(c: ComparingCondition, op: ConditionOp): ComparingCondition {
  if (op === 'in' && c.op !== 'in') return { ...c, op, values: c.value ? [c.value] : c.values };
  if (op !== 'in' && c.op === 'in') return { ...c, op, value: c.values[0] ?? c.value };
  return { ...c, op };
}

export function blankAction(type: ActionType): ActionDraft {
  if (type === 'send_message') return { type, templateId: '', channel: 'preferred' };
  if (type === 'create_followup') return { type, dueInBusinessHours: '4', priority: 'normal', assigneeId: '' };
  if (type === 'call_webhook') return { type, endpointId: '' };
  if (type === 'send_survey') return { type, surveyId: '', channel: 'preferred' };
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

export interface BuiltRule {
  input: AutomationInput;
  /** values that cannot be sent, by the API path they would have had (`conditions.0.value`) */
  errors: Record<string, ValueError>;
}

/** The rule for the API. Values that are not values yet are reported by path, not sent. */
export function buildRule(draft: RuleDraft, ctx: RuleContext): BuiltRule {
  const errors: Record<string, ValueError> = {};
  const t = draft.trigger;
  const trigger: AutomationInput['trigger'] =
    t.type === 'event' ? { type: 'event', topic: t.topic }
      : t.type === 'date' ? { type: 'date', field: 'birthday', at: toLatinDigits(t.at) }
        : { type: 'inactivity', days: toNumber(t.days) };
  const topic = t.type === 'event' ? t.topic : '';
  const conditions = draft.conditions.map((c, i): NonNullable<AutomationInput['conditions']>[number] => {
    if (c.type === 'segment') return { type: 'segment', segmentId: c.segmentId, member: c.member };
    if (c.type === 'tag') return { type: 'tag', tag: c.tag, present: c.present };
    const spec = specOf(c, topic, ctx)!;
    const result = apiValue(spec, c.op, c.value, c.values, ctx);
    if ('error' in result) errors[`conditions.${i}.value`] = result.error;
    const value = 'value' in result ? result.value : c.value;
    return c.type === 'attribute' ? { type: 'attribute', key: c.key, op: c.op, value } : { type: 'event', field: c.field, op: c.op, value };
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
    if (a.type === 'send_survey') return { type: 'send_survey', surveyId: a.surveyId, channel: a.channel };
    return { type: a.type, tag: a.tag };
  });
  return { input: { name: draft.name, enabled: draft.enabled, trigger, conditions, delay, actions }, errors };
}

export function fromView(rule: Automation, ctx: RuleContext): RuleDraft {
  const base = blankRule();
  const t = rule.trigger;
  const trigger: TriggerDraft = {
    ...base.trigger,
    type: t.type,
    ...(t.type === 'event' ? { topic: t.topic } : t.type === 'date' ? { at: t.at } : { days: String(t.days) }),
  };
  const topic = t.type === 'event' ? t.topic : '';
  const conditions = rule.conditions.map((c): ConditionDraft => {
    if (c.type === 'segment') return { type: 'segment', segmentId: c.segmentId, member: c.member };
    if (c.type === 'tag') return { type: 'tag', tag: c.tag, present: c.present };
    const draft: ConditionDraft = c.type === 'attribute'
      ? { type: 'attribute', key: c.key, op: c.op, value: '', values: [] }
      : { type: 'event', field: c.field, op: c.op, value: '', values: [] };
    return { ...draft, ...draftValue(specOf(draft, topic, ctx)!, c.op, c.value, ctx) };
  });
  const delayEntry = rule.delay ? Object.entries(rule.delay)[0] : undefined;
  const delay = delayEntry ? { unit: delayEntry[0] as DelayUnit, amount: String(delayEntry[1]) } : base.delay;
  const actions = rule.actions.map((a): ActionDraft => {
    if (a.type === 'send_message') return { type: 'send_message', templateId: a.templateId, channel: a.channel };
    if (a.type === 'create_followup') return { type: 'create_followup', dueInBusinessHours: String(a.dueInBusinessHours), priority: a.priority ?? 'normal', assigneeId: a.assigneeId ?? '' };
    if (a.type === 'call_webhook') return { type: 'call_webhook', endpointId: a.endpointId };
    if (a.type === 'send_survey') return { type: 'send_survey', surveyId: a.surveyId, channel: a.channel };
    return { type: a.type, tag: a.tag };
  });
  return { name: rule.name, enabled: rule.enabled, trigger, conditions, delay, actions };
}

/** Whether a condition's comparison still fits its field (after the trigger changed, say). */
export function conditionFits(c: ConditionDraft, topic: string, ctx: Pick<RuleContext, 'topicFields' | 'attributes'>): boolean {
  if (c.type === 'segment' || c.type === 'tag') return true;
  return opFits(specOf(c, topic, ctx)!.kind, c.op);
}
