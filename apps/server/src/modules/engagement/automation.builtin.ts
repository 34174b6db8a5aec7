import type { AutomationAction, AutomationCondition, AutomationTrigger } from '@vafa/contracts';

/**
 * Rules every workspace has, created on first use (listing rules, or the engine loading them)
 * and switched on and off like any rule. A rule has one trigger, so "a negative experience"
 * is one rule per signal (a return, a low score per survey scale, a complaint); the editor
 * shows them as ordinary rules that can be edited.
 *
 * - after_interaction: off by default (it makes a task for every call or visit; a workspace
 *   opts in and picks the kinds in its condition).
 * - negative_experience.*: on by default: an unhappy customer should reach a person quickly.
 *   Surveys publish one `feedback.negative` per unhappy response, whatever the scale.
 */
export interface BuiltinRule {
  key: string;
  name: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  conditions: AutomationCondition[];
  actions: AutomationAction[];
}

/**
 * Keys of built-in rules no longer made: one rule per survey scale on `survey.responded`, a
 * topic nothing ever published (replaced by negative_experience.survey). Workspaces created
 * before have them; they are removed, since they never ran and cannot be deleted by hand.
 */
export const RETIRED_BUILTINS = ['negative_experience.nps', 'negative_experience.csat', 'negative_experience.ces'];

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
    key: 'negative_experience.survey',
    name: 'Follow up at once after negative feedback (NPS 0–6, CSAT in its bottom two, CES 1–3)',
    enabled: true,
    // The surveys module decides what is negative (metrics/negative.ts), one event per response.
    trigger: { type: 'event', topic: 'feedback.negative' },
    conditions: [],
    actions: [urgentFollowup],
  },
  {
    key: 'negative_experience.complaint',
    name: 'Follow up at once when a complaint is opened',
    enabled: true,
    // The complaints module publishes complaint.received for every new case (migration 0014 moved stored rules off complaint.opened).
    trigger: { type: 'event', topic: 'complaint.received' },
    conditions: [],
    actions: [urgentFollowup],
  },
];
