import { describe, expect, it } from 'vitest';
import { eventFieldSpec, offeredEventField, OPS_BY_KIND } from './automation-fields.ts';
import { blankRule, buildRule, conditionOn, fromView, withOp, type RuleContext, type RuleDraft } from './automation-model.ts';
import { apiValue, dayBoundary, dayOfInstant, draftValue, middayOf, sampleValue, typingError, type ValueContext } from './automation-values.ts';
import type { Automation } from './automations-api.ts';

const fa: ValueContext = {
  money: { currency: 'IRR', irrDisplay: 'toman' },
  timeZone: 'Asia/Tehran',
  prefs: { language: 'fa', calendar: 'persian', digits: 'arabext' },
};
const rule: RuleContext = { ...fa, topicFields: { amountMinor: 'number', status: 'string', orderId: 'id', placedAt: 'instant' }, attributes: {} };
const amount = eventFieldSpec('order.delivered', 'amountMinor', 'number');

describe('what an event field holds', () => {
  it('knows money, codes from a known set and times', () => {
    expect(amount.kind).toBe('money');
    expect(eventFieldSpec('order.placed', 'status', 'string')).toMatchObject({ kind: 'choice', vocabulary: { codes: ['placed', 'delivered', 'returned'] } });
    expect(eventFieldSpec('message.failed', 'status', 'string').vocabulary?.codes).toContain('suppressed');
    expect(eventFieldSpec('message.sent', 'channel', 'string').vocabulary?.codes).toEqual(['email', 'sms', 'webhook']);
    expect(eventFieldSpec('touchpoint.recorded', 'channel', 'string').vocabulary?.codes).toContain('instagram');
    expect(eventFieldSpec('touchpoint.recorded', 'kind', 'string').vocabulary?.codes).toContain('call');
    expect(eventFieldSpec('survey.responded', 'score', 'number').kind).toBe('number');
    expect(eventFieldSpec('order.delivered', 'deliveredAt', 'instant').kind).toBe('instant');
    expect(eventFieldSpec('customer.updated', 'fields', 'list')).toMatchObject({ kind: 'list' });
  });
  it('does not offer internal ids or the recording source', () => {
    expect(offeredEventField('order.delivered', 'orderId', 'id')).toBe(false);
    expect(offeredEventField('touchpoint.recorded', 'source', 'string')).toBe(false);
    expect(offeredEventField('order.delivered', 'orderExternalId', 'string')).toBe(true);
  });
  it('offers comparisons that the server accepts for the kind', () => {
    expect(OPS_BY_KIND.money).not.toContain('contains');
    expect(OPS_BY_KIND.choice).toEqual(['eq', 'neq', 'in']);
    expect(OPS_BY_KIND.list).toEqual(['contains']);
  });
});

describe('condition values', () => {
  it('sends an amount typed in tomans as rials (minor units)', () => {
    expect(apiValue(amount, 'gte', '۲۵۰٬۰۰۰', [], fa)).toEqual({ value: 2_500_000 });
    expect(apiValue(amount, 'gte', '250,000', [], { ...fa, money: { currency: 'IRR', irrDisplay: 'rial' } })).toEqual({ value: 250_000 });
    expect(apiValue(amount, 'gte', '١٢٣٫٤٥', [], { ...fa, money: { currency: 'SAR', irrDisplay: 'rial' } })).toEqual({ value: 12_345 });
  });
  it('says what is wrong with an amount', () => {
    expect(apiValue(amount, 'gte', '', [], fa)).toEqual({ error: 'required' });
    expect(apiValue(amount, 'gte', 'دویست', [], fa)).toEqual({ error: 'not_a_number' });
    expect(typingError(amount, 'gte', 'دویست', fa)).toBe('not_a_number');
    expect(typingError(amount, 'gte', '', fa)).toBeUndefined();
    expect(typingError(amount, 'gte', '۲۵۰٬۰۰۰', fa)).toBeUndefined();
  });
  it('shows a stored amount in tomans, grouped, in Persian digits', () => {
    expect(draftValue(amount, 'gte', 2_500_000, fa)).toEqual({ value: '۲۵۰٬۰۰۰', values: [] });
  });
  it('keeps codes as codes: one, or a set for "is one of"', () => {
    const kind = eventFieldSpec('touchpoint.recorded', 'kind', 'string');
    expect(apiValue(kind, 'eq', 'call', [], fa)).toEqual({ value: 'call' });
    expect(apiValue(kind, 'in', '', ['call', 'visit'], fa)).toEqual({ value: ['call', 'visit'] });
    expect(apiValue(kind, 'in', '', [], fa)).toEqual({ error: 'chooseSome' });
    expect(draftValue(kind, 'in', ['call', 'visit'], fa).values).toEqual(['call', 'visit']);
  });
  it('reads numbers in any digits', () => {
    const score = eventFieldSpec('survey.responded', 'score', 'number');
    expect(apiValue(score, 'lte', '۶', [], fa)).toEqual({ value: 6 });
    expect(apiValue(score, 'lte', '٦', [], fa)).toEqual({ value: 6 });
  });
  it('splits a typed "is one of" list on Latin and Arabic commas', () => {
    const text = eventFieldSpec('order.delivered', 'orderExternalId', 'string');
    expect(apiValue(text, 'in', 'A-1, B-2،C-3', [], fa)).toEqual({ value: ['A-1', 'B-2', 'C-3'] });
  });
});

describe('days and instants', () => {
  it('compares whole days in the workspace time zone', () => {
    expect(dayBoundary('2025-03-21', 'gte', 'Asia/Tehran')).toBe('2025-03-20T20:30:00.000Z');
    expect(dayBoundary('2025-03-21', 'lt', 'Asia/Tehran')).toBe('2025-03-20T20:30:00.000Z');
    expect(dayBoundary('2025-03-21', 'gt', 'Asia/Tehran')).toBe('2025-03-21T20:29:59.999Z');
    expect(dayBoundary('2025-03-21', 'lte', 'Asia/Tehran')).toBe('2025-03-21T20:29:59.999Z');
  });
  it('reads a stored instant back as the day it falls on there', () => {
    expect(dayOfInstant('2025-03-20T20:30:00.000Z', 'Asia/Tehran')).toBe('2025-03-21');
    expect(dayOfInstant('2025-03-21T20:29:59.999Z', 'Asia/Tehran')).toBe('2025-03-21');
    expect(dayOfInstant('2025-03-20T20:30:00.000Z', 'UTC')).toBe('2025-03-20');
  });
  it('puts a sample event’s time at noon of the picked day', () => {
    expect(middayOf('2025-03-21', 'Asia/Tehran')).toBe('2025-03-21T08:30:00.000Z');
    expect(sampleValue(eventFieldSpec('order.delivered', 'deliveredAt', 'instant'), '2025-03-21', [], fa)).toEqual({ value: '2025-03-21T08:30:00.000Z' });
  });
});

describe('samples', () => {
  it('leaves out empty fields and converts the rest like conditions', () => {
    expect(sampleValue(amount, '', [], fa)).toBeUndefined();
    expect(sampleValue(amount, '۱۲۵٬۰۰۰', [], fa)).toEqual({ value: 1_250_000 });
    expect(sampleValue(eventFieldSpec('customer.updated', 'fields', 'list'), '', ['tags'], fa)).toEqual({ value: ['tags'] });
  });
});

describe('a rule through the editor', () => {
  const draft = (): RuleDraft => {
    const base = blankRule();
    const money = withOp(conditionOn('event:amountMinor', 'order.delivered', rule) as never, 'gte');
    const status = withOp(conditionOn('event:status', 'order.delivered', rule) as never, 'in');
    return {
      ...base,
      name: 'سفارش‌های بزرگ',
      conditions: [
        { ...money, value: '۲۵۰٬۰۰۰' } as never,
        { ...status, values: ['delivered', 'returned'] } as never,
        { type: 'tag', tag: 'وفادار', present: true },
        { type: 'attribute', key: 'vip', op: 'eq', value: 'true', values: [] },
      ],
      actions: [{ type: 'add_tag', tag: 'خرید بزرگ' }],
    };
  };
  const withVip: RuleContext = { ...rule, attributes: { vip: { key: 'vip', type: 'boolean' } } };

  it('picks the first comparison that fits a newly picked field', () => {
    expect(conditionOn('event:amountMinor', 'order.delivered', rule)).toMatchObject({ type: 'event', field: 'amountMinor', op: 'gte', value: '' });
    expect(conditionOn('event:status', 'order.delivered', rule)).toMatchObject({ op: 'eq' });
    expect(conditionOn('tag', 'order.delivered', rule)).toEqual({ type: 'tag', tag: '', present: true });
  });
  it('sends minor units and codes', () => {
    const built = buildRule(draft(), withVip);
    expect(built.errors).toEqual({});
    expect(built.input.conditions).toEqual([
      { type: 'event', field: 'amountMinor', op: 'gte', value: 2_500_000 },
      { type: 'event', field: 'status', op: 'in', value: ['delivered', 'returned'] },
      { type: 'tag', tag: 'وفادار', present: true },
      { type: 'attribute', key: 'vip', op: 'eq', value: true },
    ]);
  });
  it('reports values that are not values by their API path instead of sending them', () => {
    const bad = draft();
    bad.conditions[0] = { ...bad.conditions[0], value: 'خیلی' } as never;
    expect(buildRule(bad, withVip).errors).toEqual({ 'conditions.0.value': 'not_a_number' });
  });
  it('reads a saved rule back as it was typed', () => {
    const built = buildRule(draft(), withVip).input;
    const view = { ...built, id: 'r', builtin: null, delay: null, conditions: built.conditions ?? [], createdBy: null, createdAt: '', updatedAt: '' } as unknown as Automation;
    const back = fromView(view, withVip);
    expect(back.conditions[0]).toMatchObject({ value: '۲۵۰٬۰۰۰' });
    expect(back.conditions[1]).toMatchObject({ op: 'in', values: ['delivered', 'returned'] });
    expect(buildRule(back, withVip).input.conditions).toEqual(built.conditions);
  });
  it('moves a code into and out of an "is one of" set when the comparison changes', () => {
    const one = { type: 'event' as const, field: 'status', op: 'eq' as const, value: 'delivered', values: [] };
    expect(withOp(one, 'in')).toMatchObject({ op: 'in', values: ['delivered'] });
    expect(withOp({ ...one, op: 'in', value: '', values: ['returned'] }, 'neq')).toMatchObject({ op: 'neq', value: 'returned' });
  });
});
