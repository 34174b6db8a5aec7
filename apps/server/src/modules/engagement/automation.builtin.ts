import type { AutomationAction, AutomationCondition, AutomationTrigger } from '@vafa/contracts';

/**
 * Rules every workspace has, created on first use (listing rules, or the engine loading them)
 * and switched on and off like any rule. A rule has one trigger, so "a negative experience"
 * is one rule per signal (a return, a low score per survey scale, a complaint); the editor
 * shows them as ordinary rules that can be edited.
 *
 * - after_interaction: off by default (it makes a task for every call or visit; a workspace
 *   opts in and picks the kinds in its condition).
 * - negative_experience.*: on by default: an unhappy customer should reach a person quickly,
 *   and until surveys and complaints publish their events only returns fire.
 */
export interface BuiltinRule {
  key: string;
  name: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  conditions: AutomationCondition[];
  actions: AutomationAction[];
}

const urgentFollowup: AutomationAction = { type: 'create_followup', dueInBusinessHours: 4, priority: 'urgent' };

export const BUILTIN_RULES: BuiltinRule[] = [
  {
    key: 'after_interaction',
    name: 'Follow up after every interaction',
    enabled: false,
    trigger: { type: 'event', topic: 'touchpoint.recorded' },
    conditions: [{ type: 'event', field: 'kind', op: 'in', value: ['call', 'visit', 'chat'] }],
    actions: [{ type: 'create_followup', dueInBusinessHours: 24, priority: 'normal' }],
  },
  {
    key: 'negative_experience.return',
    name: 'Follow up at once after a return',
    enabled: true,
    trigger: { type: 'event', topic: 'order.returned' },
    conditions: [],
    actions: [urgentFollowup],
  },
  {
    key: 'negative_experience.nps',
    name: 'Follow up at once after a low NPS score (0–6)',
    enabled: true,
    trigger: { type: 'event', topic: 'survey.responded' },
    conditions: [{ type: 'event', field: 'scale', op: 'eq', value: 'nps' }, { type: 'event', field: 'score', op: 'lte', value: 6 }],
    actions: [urgentFollowup],
  },
  {
    key: 'negative_experience.csat',
    name: 'Follow up at once after a low CSAT score (1–2 of 5)',
    enabled: true,
    trigger: { type: 'event', topic: 'survey.responded' },
    conditions: [{ type: 'event', field: 'scale', op: 'eq', value: 'csat' }, { type: 'event', field: 'score', op: 'lte', value: 2 }],
    actions: [urgentFollowup],
  },
  {
    key: 'negative_experience.ces',
    name: 'Follow up at once after a high effort score (5–7 of 7)',
    enabled: true,
    trigger: { type: 'event', topic: 'survey.responded' },
    conditions: [{ type: 'event', field: 'scale', op: 'eq', value: 'ces' }, { type: 'event', field: 'score', op: 'gte', value: 5 }],
    actions: [urgentFollowup],
  },
  {
    key: 'negative_experience.complaint',
    name: 'Follow up at once when a complaint is opened',
    enabled: true,
    trigger: { type: 'event', topic: 'complaint.opened' },
    conditions: [],
    actions: [urgentFollowup],
  },
];
