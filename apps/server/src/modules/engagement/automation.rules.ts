import type { AutomationAction, AutomationCondition, AutomationRuleInput, ConditionOp } from '@vafa/contracts';
import { CONDITION_OPS, TEMPLATE_VARIABLES } from '@vafa/contracts';
import { Problem, type FieldError } from '../../platform/http/problem.ts';

// What a rule may say: the topics it can react to (with their payload fields), what each action
// emits (for loop detection), and how conditions compare. Pure: no I/O.

type FieldType = 'string' | 'number' | 'instant' | 'id' | 'list';
interface TopicSpec {
  fields: Record<string, FieldType>;
  /** false for topics that modules still to come will publish */
  available: boolean;
}

const ORDER_FIELDS: Record<string, FieldType> = {
  orderId: 'id', orderExternalId: 'string', customerId: 'id', touchpointId: 'id', occurredAt: 'instant', status: 'string',
  amountMinor: 'number', currency: 'string', placedAt: 'instant', promisedDeliveryAt: 'instant', deliveredAt: 'instant', returnedAt: 'instant',
};
const MESSAGE_FIELDS: Record<string, FieldType> = { messageId: 'id', customerId: 'id', channel: 'string', status: 'string', reason: 'string' };
const FOLLOWUP_FIELDS: Record<string, FieldType> = { followupId: 'id', customerId: 'id', priority: 'string', outcome: 'string', reason: 'string' };

const SLA_FIELDS: Record<string, FieldType> = {
  caseId: 'id', customerId: 'id', assigneeId: 'id', team: 'string', target: 'string', policyId: 'id', dueAt: 'instant', warningAt: 'instant', occurredAt: 'instant',
};

/** Domain event topics a rule can be triggered by, with the payload fields event conditions may name. */
export const TOPIC_CATALOGUE: Record<string, TopicSpec> = {
  'customer.created': { available: true, fields: { customerId: 'id' } },
  'customer.updated': { available: true, fields: { customerId: 'id', fields: 'list' } },
  'touchpoint.recorded': {
    available: true,
    fields: {
      touchpointId: 'id', customerId: 'id', kind: 'string', channel: 'string', stage: 'string', occurredAt: 'instant',
      externalId: 'string', orderId: 'id', source: 'string',
    },
  },
  'order.placed': { available: true, fields: ORDER_FIELDS },
  'order.delivered': { available: true, fields: ORDER_FIELDS },
  'order.returned': { available: true, fields: ORDER_FIELDS },
  // Published by surveys when a response completes (the first score of each kind) and when it is a negative experience.
  'response.submitted': {
    available: true,
    fields: {
      customerId: 'id', surveyId: 'id', responseId: 'id', channel: 'string', occurredAt: 'instant', 'scores.nps': 'number', 'scores.csat': 'number',
      'scores.csatPoints': 'number', 'scores.ces': 'number', 'scores.enps': 'number', incentivePoints: 'number',
      'context.followupId': 'id', 'context.caseId': 'id', 'context.orderId': 'string',
    },
  },
  'feedback.negative': {
    available: true,
    fields: { customerId: 'id', surveyId: 'id', responseId: 'id', reason: 'string', score: 'number', channel: 'string', occurredAt: 'instant', 'context.followupId': 'id', 'context.caseId': 'id' },
  },
  // Never published: kept so rules written against it before still load and show (they never ran).
  'survey.responded': { available: false, fields: { customerId: 'id', surveyId: 'id', responseId: 'id', score: 'number', scale: 'string' } },
  // Published by complaints for every new case, whatever the channel (caseId, not complaintId).
  'complaint.received': {
    available: true,
    fields: { customerId: 'id', caseId: 'id', channel: 'string', severity: 'string', assigneeId: 'id', relatedResponseId: 'id', occurredAt: 'instant' },
  },
  // Published by the complaints SLA scan once per case and target (acknowledge, firstResponse,
  // resolve): before the due time (the policy's warning share of it) and at the breach.
  // Published by complaints when a case closes; a survey sent on it is tied to the case and its opening answer (issue 10).
  'complaint.closed': { available: true, fields: { customerId: 'id', caseId: 'id', rootCause: 'string', relatedResponseId: 'id', occurredAt: 'instant' } },
  'complaint.sla_warning': { available: true, fields: SLA_FIELDS },
  'complaint.sla_breached': { available: true, fields: SLA_FIELDS },
  'complaint.opened': { available: false, fields: { customerId: 'id', complaintId: 'id', category: 'string', severity: 'string' } },
  'points.awarded': { available: false, fields: { customerId: 'id', points: 'number', reason: 'string', balance: 'number' } },
  'message.sent': { available: true, fields: MESSAGE_FIELDS },
  'message.delivered': { available: true, fields: MESSAGE_FIELDS },
  'message.failed': { available: true, fields: MESSAGE_FIELDS },
  'message.suppressed': { available: true, fields: MESSAGE_FIELDS },
  'followup.opened': { available: true, fields: FOLLOWUP_FIELDS },
  'followup.completed': { available: true, fields: FOLLOWUP_FIELDS },
  'followup.escalated': { available: true, fields: FOLLOWUP_FIELDS },
};

/** Topic patterns each action causes; a rule triggered by one of them would feed itself. */
export const ACTION_EMITS: Record<AutomationAction['type'], string[]> = {
  send_message: ['message.*'],
  create_followup: ['followup.*'],
  add_tag: ['customer.updated'],
  remove_tag: ['customer.updated'],
  call_webhook: ['message.*'],
  send_survey: ['message.*'],
};

export function catalogue() {
  return {
    topics: Object.entries(TOPIC_CATALOGUE).map(([topic, spec]) => ({
      topic,
      available: spec.available,
      fields: Object.entries(spec.fields).map(([name, type]) => ({ name, type })),
    })),
    triggers: ['event', 'date', 'inactivity'],
    conditions: ['segment', 'attribute', 'event', 'tag'],
    conditionOps: [...CONDITION_OPS],
    actions: Object.entries(ACTION_EMITS).map(([type, emits]) => ({ type, emits })),
    templateVariables: [...TEMPLATE_VARIABLES],
  };
}

const topicMatches = (topic: string, pattern: string) => pattern === topic || (pattern.endsWith('.*') && topic.startsWith(pattern.slice(0, -1)));

export interface RuleForLoops {
  id: string;
  name: string;
  trigger: AutomationRuleInput['trigger'];
  actions: AutomationAction[];
}

function feeds(from: RuleForLoops, to: RuleForLoops): boolean {
  if (to.trigger.type !== 'event') return false;
  const topic = to.trigger.topic;
  return from.actions.some((a) => ACTION_EMITS[a.type].some((pattern) => topicMatches(topic, pattern)));
}

/**
 * A cycle through `candidate` among the workspace's enabled rules (the candidate included),
 * as the rule names along it, or null. A rule whose own actions emit its trigger is a cycle
 * of one. Conditions are not considered: a loop that a condition happens to break today is
 * one edit away from running forever.
 */
export function findLoop(candidate: RuleForLoops, enabled: RuleForLoops[]): string[] | null {
  const rules = [candidate, ...enabled.filter((r) => r.id !== candidate.id)];
  const path: RuleForLoops[] = [];
  const visited = new Set<string>();
  const walk = (rule: RuleForLoops): string[] | null => {
    path.push(rule);
    for (const next of rules) {
      if (!feeds(rule, next)) continue;
      if (next.id === candidate.id) return [...path, next].map((r) => r.name);
      if (visited.has(next.id)) continue;
      visited.add(next.id);
      const found = walk(next);
      if (found) return found;
    }
    path.pop();
    return null;
  };
  return walk(candidate);
}

export function loopProblem(names: string[]): Problem {
  const chain = names.join(' → ');
  return new Problem(422, 'automation_loop', { rules: chain }, [{ field: 'trigger', code: 'automation_loop', message: chain }]);
}

/** Shape checks that need no database: event fields against the trigger's topic, op/value fit. */
export function staticRuleErrors(rule: AutomationRuleInput): FieldError[] {
  const errors: FieldError[] = [];
  const topic = rule.trigger.type === 'event' ? TOPIC_CATALOGUE[rule.trigger.topic] : undefined;
  if (rule.trigger.type === 'event' && !topic) {
    errors.push({ field: 'trigger.topic', code: 'unknown_topic', message: `unknown topic ${rule.trigger.topic}` });
  }
  rule.conditions.forEach((condition, i) => {
    const field = `conditions.${i}`;
    if (condition.type === 'event') {
      if (rule.trigger.type !== 'event') {
        errors.push({ field, code: 'event_condition_without_event', message: 'event conditions need an event trigger' });
        return;
      }
      const type = topic?.fields[condition.field];
      if (topic && !type) {
        errors.push({ field: `${field}.field`, code: 'unknown_event_field', message: `${rule.trigger.topic} has no field ${condition.field}` });
        return;
      }
      const mismatch = opValueMismatch(condition.op, condition.value, type);
      if (mismatch) errors.push({ field: `${field}.value`, code: 'invalid_condition', message: mismatch });
    }
    if (condition.type === 'attribute') {
      const mismatch = opValueMismatch(condition.op, condition.value, undefined);
      if (mismatch) errors.push({ field: `${field}.value`, code: 'invalid_condition', message: mismatch });
    }
  });
  return errors;
}

function opValueMismatch(op: ConditionOp, value: unknown, type: FieldType | undefined): string | null {
  if (op === 'in') return Array.isArray(value) ? null : 'in needs a list of values';
  if (Array.isArray(value)) return `${op} needs a single value`;
  if (['gt', 'gte', 'lt', 'lte'].includes(op)) {
    if (type === 'instant') return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? null : `${op} needs an ISO instant`;
    if (typeof value !== 'number') return `${op} needs a number`;
    if (type && type !== 'number') return `${op} compares numbers; this field is ${type}`;
  }
  return null;
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function instant(value: unknown): number | null {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : null;
}

/** Compares an actual value (an event field or attribute) with a condition's value. Missing never matches, except neq. */
export function compareValue(actual: unknown, op: ConditionOp, expected: unknown): boolean {
  const equal = (a: unknown, b: unknown) => a === b || (asNumber(a) !== null && asNumber(a) === asNumber(b) && typeof b === 'number');
  switch (op) {
    case 'eq':
      return actual !== undefined && actual !== null && equal(actual, expected);
    case 'neq':
      return actual === undefined || actual === null || !equal(actual, expected);
    case 'in':
      return Array.isArray(expected) && actual !== undefined && actual !== null && expected.some((e) => equal(actual, e));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((a) => equal(a, expected));
      return typeof actual === 'string' && typeof expected === 'string' && actual.toLowerCase().includes(expected.toLowerCase());
    default: {
      const [a, b] = typeof expected === 'string' ? [instant(actual), instant(expected)] : [asNumber(actual), asNumber(expected)];
      if (a === null || b === null) return false;
      if (op === 'gt') return a > b;
      if (op === 'gte') return a >= b;
      if (op === 'lt') return a < b;
      return a <= b;
    }
  }
}

/** A one-line account of a condition, for run reasons and the dry run. */
export function describeCondition(condition: AutomationCondition): string {
  switch (condition.type) {
    case 'segment':
      return `customer is ${condition.member ? '' : 'not '}in segment ${condition.segmentId}`;
    case 'attribute':
      return `attribute ${condition.key} ${condition.op} ${JSON.stringify(condition.value)}`;
    case 'event':
      return `event ${condition.field} ${condition.op} ${JSON.stringify(condition.value)}`;
    case 'tag':
      return `tag ${condition.tag} ${condition.present ? 'present' : 'absent'}`;
  }
}
