import { describe, expect, it } from 'vitest';
import type { AutomationAction } from '@vafa/contracts';
import { compareValue, findLoop, staticRuleErrors, type RuleForLoops } from './automation.rules.ts';

const rule = (id: string, topic: string, actions: AutomationAction['type'][]): RuleForLoops => ({
  id,
  name: id,
  trigger: { type: 'event', topic },
  actions: actions.map((type) => ({ type, tag: 'x' }) as AutomationAction),
});

describe('loop detection', () => {
  it('finds a rule triggered by its own action', () => {
    expect(findLoop(rule('tagger', 'customer.updated', ['add_tag']), [])).toEqual(['tagger', 'tagger']);
  });

  it('finds a cycle across rules and names them', () => {
    const a = rule('on-sent', 'message.sent', ['add_tag']);
    const b = rule('on-updated', 'customer.updated', ['send_message']);
    expect(findLoop(b, [a])).toEqual(['on-updated', 'on-sent', 'on-updated']);
  });

  it('lets a chain without a cycle through', () => {
    const a = rule('on-delivered', 'order.delivered', ['send_message']);
    const b = rule('on-sent', 'message.sent', ['add_tag']);
    expect(findLoop(b, [a])).toBeNull();
    expect(findLoop(a, [b])).toBeNull();
  });
});

describe('conditions', () => {
  it('compares with every operator; missing values never match except neq', () => {
    expect(compareValue(6, 'lte', 6)).toBe(true);
    expect(compareValue(7, 'lte', 6)).toBe(false);
    expect(compareValue('call', 'in', ['call', 'visit'])).toBe(true);
    expect(compareValue(undefined, 'eq', 'x')).toBe(false);
    expect(compareValue(undefined, 'neq', 'x')).toBe(true);
    expect(compareValue(['tags'], 'contains', 'tags')).toBe(true);
    expect(compareValue('Blue Shirt', 'contains', 'shirt')).toBe(true);
    expect(compareValue('2026-11-20T10:00:00Z', 'gt', '2026-11-01T00:00:00Z')).toBe(true);
    expect(compareValue(500, 'gte', 1000)).toBe(false);
  });

  it("refuses event fields the trigger's topic does not have", () => {
    const errors = staticRuleErrors({
      name: 'x', enabled: true, trigger: { type: 'event', topic: 'order.delivered' },
      conditions: [{ type: 'event', field: 'colour', op: 'eq', value: 'red' }, { type: 'event', field: 'amountMinor', op: 'gt', value: 'lots' }],
      actions: [{ type: 'add_tag', tag: 'x' }],
    });
    expect(errors.map((e) => [e.field, e.code])).toEqual([['conditions.0.field', 'unknown_event_field'], ['conditions.1.value', 'invalid_condition']]);
  });
});
