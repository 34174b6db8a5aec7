// The ISO 10002 lifecycle of a complaint case as data: which action moves a case from which state
// to which, and who may take it. Pure: the service reads the case and its log, asks nextState,
// and appends the transition it returns (or answers the refusal's stable code).
import type { Role } from '../../platform/http/access.ts';
import type { CaseLogEntry, ComplaintState } from './sla-clock.ts';

export const CASE_ACTIONS = [
  'acknowledge', 'assess', 'investigate', 'propose_resolution', 'communicate_resolution',
  'customer_accepts', 'customer_rejects', 'close', 'reopen', 'escalate', 'wait_for_customer',
  'customer_replied', 'resume',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * Who acts on a case: an agent; a supervisor (workspace managers, admins, owners); the customer
 * through the public tracking page; the system (intake, SLA jobs, the post-closure survey).
 */
export const CASE_ACTORS = ['agent', 'supervisor', 'customer', 'system'] as const;
export type CaseActor = (typeof CASE_ACTORS)[number];

/** Analysts read cases but take no action on them. */
export function caseActorForRole(role: Role): CaseActor | null {
  if (role === 'agent') return 'agent';
  if (role === 'manager' || role === 'admin' || role === 'owner') return 'supervisor';
  return null;
}

/** 'origin': back to the state the case was in before it began waiting or was escalated. */
type Target = ComplaintState | 'origin';

export interface TransitionRule {
  action: CaseAction;
  from: readonly ComplaintState[];
  to: Target;
  by: readonly CaseActor[];
}

const STAFF = ['agent', 'supervisor'] as const;

/**
 * Where an escalation may start. Not from waiting_for_customer (its clock is paused, nothing is
 * late; escalate once the customer replies) nor from resolution_communicated (the organisation's
 * part is done; the customer's acceptance or rejection is what is open).
 */
export const ESCALATABLE_STATES: readonly ComplaintState[] = [
  'received', 'acknowledged', 'assessed', 'under_investigation', 'resolution_proposed', 'reopened',
];
/** Where an agent may ask the customer for more: after acknowledging, before deciding. */
export const WAITABLE_STATES: readonly ComplaintState[] = ['acknowledged', 'assessed', 'under_investigation', 'reopened'];

export const TRANSITIONS: readonly TransitionRule[] = [
  // The system acknowledges at intake (ISO 10002: at once); staff do it for cases they enter.
  { action: 'acknowledge', from: ['received'], to: 'acknowledged', by: [...STAFF, 'system'] },
  // A reopened case may be assessed again: the rejection or the bad survey answer can change its severity.
  { action: 'assess', from: ['acknowledged', 'reopened'], to: 'assessed', by: STAFF },
  // From resolution_proposed: the proposal is withdrawn before the customer sees it.
  { action: 'investigate', from: ['assessed', 'reopened', 'resolution_proposed'], to: 'under_investigation', by: STAFF },
  // Straight from assessed: investigation is proportionate to the complaint, and a simple one needs none.
  { action: 'propose_resolution', from: ['assessed', 'under_investigation', 'reopened'], to: 'resolution_proposed', by: STAFF },
  { action: 'communicate_resolution', from: ['resolution_proposed'], to: 'resolution_communicated', by: STAFF },
  // Staff record an answer the customer gave by phone or in person.
  { action: 'customer_accepts', from: ['resolution_communicated'], to: 'closed', by: ['customer', ...STAFF] },
  { action: 'customer_rejects', from: ['resolution_communicated'], to: 'reopened', by: ['customer', ...STAFF] },
  // The system closes a case whose customer did not answer within the acceptance period.
  { action: 'close', from: ['resolution_communicated'], to: 'closed', by: [...STAFF, 'system'] },
  // A withdrawn, duplicate or abusive complaint ends early, by a supervisor's decision only.
  {
    action: 'close',
    from: ['received', 'acknowledged', 'assessed', 'under_investigation', 'resolution_proposed', 'reopened', 'escalated', 'waiting_for_customer'],
    to: 'closed',
    by: ['supervisor'],
  },
  // The system reopens on a bad answer to the post-closure satisfaction question.
  { action: 'reopen', from: ['closed'], to: 'reopened', by: [...STAFF, 'system'] },
  // The system escalates on an SLA breach.
  { action: 'escalate', from: ESCALATABLE_STATES, to: 'escalated', by: [...STAFF, 'system'] },
  { action: 'wait_for_customer', from: WAITABLE_STATES, to: 'waiting_for_customer', by: STAFF },
  // The system records a reply that arrived by e-mail or SMS.
  { action: 'customer_replied', from: ['waiting_for_customer'], to: 'origin', by: ['customer', ...STAFF, 'system'] },
  // Go on without the reply (the system: after the waiting period).
  { action: 'resume', from: ['waiting_for_customer'], to: 'origin', by: [...STAFF, 'system'] },
  // A supervisor hands an escalated case back as it was.
  { action: 'resume', from: ['escalated'], to: 'origin', by: ['supervisor'] },
];

/**
 * An escalated case is the supervisor's: besides `resume` and `close`, a supervisor may take it on
 * with any step its pre-escalation state allows (propose a resolution, say), rather than hand it
 * back first. Not `escalate` again, and not `wait_for_customer`: the case would then have two
 * states to return to.
 */
export const ESCALATED_TAKE_OVER = { by: ['supervisor'] as readonly CaseActor[], except: ['escalate', 'wait_for_customer'] as readonly CaseAction[] };

/** What a case returns to after its detour; derive it from the log with casePositionFromLog. */
export interface CaseOrigins {
  escalatedFrom?: ComplaintState | null;
  waitingFrom?: ComplaintState | null;
}

export interface LifecycleContext extends CaseOrigins {
  actor: CaseActor;
  /** A root-cause code from the workspace's taxonomy; the service checks it is one. */
  rootCause?: string | null;
  /** What was done (or is proposed) for the customer. */
  resolutionSummary?: string | null;
}

export type LifecycleRefusalCode = 'illegal_transition' | 'closed_case' | 'role_not_permitted' | 'root_cause_required' | 'resolution_summary_required';

export type LifecycleOutcome =
  | { ok: true; from: ComplaintState; action: CaseAction; to: ComplaintState }
  | { ok: false; code: 'illegal_transition'; from: ComplaintState; action: CaseAction; to: ComplaintState | null }
  | { ok: false; code: 'closed_case'; from: 'closed'; action: CaseAction }
  | { ok: false; code: 'role_not_permitted'; from: ComplaintState; action: CaseAction; actor: CaseActor }
  | {
      ok: false;
      code: 'root_cause_required' | 'resolution_summary_required';
      from: ComplaintState;
      action: CaseAction;
      to: ComplaintState;
      /** Everything missing, the first named by `code`. */
      missing: ('rootCause' | 'resolutionSummary')[];
    };

const present = (text: string | null | undefined) => typeof text === 'string' && text.trim() !== '';

function rulesFor(state: ComplaintState, action: CaseAction): TransitionRule[] {
  return TRANSITIONS.filter((rule) => rule.action === action && rule.from.includes(state));
}

/** The state an action leads to whatever it starts from, for the refusal; null when it depends. */
function nominalTarget(action: CaseAction): ComplaintState | null {
  const targets = new Set(TRANSITIONS.filter((rule) => rule.action === action).map((rule) => rule.to));
  const [only] = targets;
  return targets.size === 1 && only !== 'origin' && only !== undefined ? only : null;
}

function originOf(state: ComplaintState, origins: CaseOrigins): ComplaintState {
  const [origin, allowed, name] =
    state === 'escalated' ? [origins.escalatedFrom, ESCALATABLE_STATES, 'escalatedFrom'] : [origins.waitingFrom, WAITABLE_STATES, 'waitingFrom'];
  if (!origin || !allowed.includes(origin)) {
    throw new TypeError(`a case in ${state} needs context.${name}, one of ${allowed.join(', ')} (casePositionFromLog gives it); got ${String(origin)}`);
  }
  return origin;
}

/** Data every case needs before a transition into `to` by `action`. */
function missingData(action: CaseAction, to: ComplaintState, context: LifecycleContext): ('rootCause' | 'resolutionSummary')[] {
  const missing: ('rootCause' | 'resolutionSummary')[] = [];
  // Closing needs a root cause and what was done (issue 11). Communicating the decision needs them
  // too, because the customer's acceptance closes the case and must never be refused for want of them.
  const closing = to === 'closed' || action === 'communicate_resolution';
  if (closing && !present(context.rootCause)) missing.push('rootCause');
  if ((closing || action === 'propose_resolution') && !present(context.resolutionSummary)) missing.push('resolutionSummary');
  return missing;
}

/**
 * The state a case moves to when `context.actor` takes `action` in state `current`, or why not.
 * Refusals, checked in this order: closed_case (a closed case only reopens), illegal_transition
 * (no rule from this state), role_not_permitted (a rule, but not for this actor),
 * root_cause_required / resolution_summary_required.
 */
export function nextState(current: ComplaintState, action: CaseAction, context: LifecycleContext): LifecycleOutcome {
  if (current === 'closed' && action !== 'reopen') return { ok: false, code: 'closed_case', from: 'closed', action };
  let rules = rulesFor(current, action);
  let takingOver = false;
  if (rules.length === 0 && current === 'escalated' && !ESCALATED_TAKE_OVER.except.includes(action)) {
    rules = rulesFor(originOf(current, context), action);
    takingOver = rules.length > 0;
  }
  if (rules.length === 0) return { ok: false, code: 'illegal_transition', from: current, action, to: nominalTarget(action) };
  const rule = takingOver
    ? (ESCALATED_TAKE_OVER.by.includes(context.actor) ? rules[0] : undefined)
    : rules.find((r) => r.by.includes(context.actor));
  if (!rule) return { ok: false, code: 'role_not_permitted', from: current, action, actor: context.actor };
  const to = rule.to === 'origin' ? originOf(current, context) : rule.to;
  const missing = missingData(action, to, context);
  if (missing.length > 0) {
    const code = missing[0] === 'rootCause' ? 'root_cause_required' : 'resolution_summary_required';
    return { ok: false, code, from: current, action, to, missing };
  }
  return { ok: true, from: current, action, to };
}

/**
 * The actions `actor` may take in `state`, in CASE_ACTIONS order, for screens to offer only the
 * buttons that work. Data the action needs (a root cause to close) is not checked: the button
 * opens the form that asks for it.
 */
export function allowedActions(state: ComplaintState, actor: CaseActor, origins: CaseOrigins = {}): CaseAction[] {
  const context: LifecycleContext = { ...origins, actor, rootCause: 'any', resolutionSummary: 'any' };
  return CASE_ACTIONS.filter((action) => nextState(state, action, context).ok);
}

export interface CasePosition extends Required<CaseOrigins> {
  state: ComplaintState;
}

/**
 * Where a case stands after its log: its state and the states its current detours return to.
 * Entries are taken in time order, same-instant ones as logged (as the SLA clock reads them); a
 * log always starts with 'received', and an empty one is taken as that.
 */
export function casePositionFromLog(log: readonly CaseLogEntry[]): CasePosition {
  const transitions = log
    .filter((entry): entry is Extract<CaseLogEntry, { kind: 'transition' }> => entry.kind === 'transition')
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  let state: ComplaintState = 'received';
  let escalatedFrom: ComplaintState | null = null;
  let waitingFrom: ComplaintState | null = null;
  for (const { to } of transitions) {
    if (to === 'escalated' && state !== 'escalated') escalatedFrom = state;
    if (to === 'waiting_for_customer' && state !== 'waiting_for_customer') waitingFrom = state;
    state = to;
  }
  return {
    state,
    escalatedFrom: state === 'escalated' ? escalatedFrom : null,
    waitingFrom: state === 'waiting_for_customer' ? waitingFrom : null,
  };
}
