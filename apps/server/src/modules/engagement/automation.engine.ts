import { randomUUID } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { AutomationAction, AutomationCondition, AutomationDelay, AutomationTrigger, TemplateContent } from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import type { DomainEvent } from '../../platform/events/outbox.ts';
import { queueMessages, type NewMessage } from '../../platform/messaging/outbox.ts';
import { addBusinessMinutes } from '../../platform/time/business-hours.ts';
import { segmentPredicate } from '../customers/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { applyTagChanges, performActions, planAction, type ActionContext, type ActionSink, type PlannedAction, type TagChanges } from './automation.actions.ts';
import { openFollowups } from './followup.service.ts';
import { BUILTIN_RULES, RETIRED_BUILTINS } from './automation.builtin.ts';
import * as repo from './automation.repo.ts';
import { compareValue, describeCondition } from './automation.rules.ts';

/** A stored rule as the engine uses it. */
export interface EngineRule {
  id: string;
  name: string;
  enabled: boolean;
  builtin: string | null;
  trigger: AutomationTrigger;
  conditions: AutomationCondition[];
  delay: AutomationDelay | null;
  actions: AutomationAction[];
}

export const toEngineRule = (row: repo.RuleRow): EngineRule => ({
  id: row.id,
  name: row.name,
  enabled: row.enabled,
  builtin: row.builtin,
  trigger: row.trigger as AutomationTrigger,
  conditions: row.conditions as AutomationCondition[],
  delay: (row.delay ?? null) as AutomationDelay | null,
  actions: row.actions as AutomationAction[],
});

/** Everything evaluating a tenant's events needs, loaded once and cached for a few seconds. */
export interface RuleSet {
  tenantId: string;
  byTopic: Map<string, EngineRule[]>;
  templates: ActionContext['templates'];
  workspace: ActionContext['workspace'];
  businessCalendar: Awaited<ReturnType<typeof workspaceSettings>>['businessCalendar'];
  segments: Map<string, SQL | null>;
  until: number;
}

const RULE_CACHE_MS = 5_000;
const ruleSets = new Map<string, Promise<RuleSet>>();
const builtinsEnsured = new Set<string>();

/** Drops a tenant's cached rules; the services call it on every rule or template change. */
export function invalidateRules(tenantId: string): void {
  ruleSets.delete(tenantId);
}

/** Creates the built-in rules a workspace does not have yet (once per process per tenant). */
export async function ensureBuiltins(db: Executor, tenantId: string): Promise<void> {
  if (builtinsEnsured.has(tenantId)) return;
  const now = new Date();
  await repo.deleteRetiredBuiltins(db, tenantId, RETIRED_BUILTINS);
  await repo.insertMissingBuiltins(db, BUILTIN_RULES.map((b) => ({
    tenantId, id: randomUUID(), name: b.name, enabled: b.enabled, builtin: b.key, trigger: b.trigger,
    conditions: b.conditions, delay: null, actions: b.actions, createdBy: 'system', createdAt: now, updatedAt: now,
  })));
  builtinsEnsured.add(tenantId);
}

async function loadRuleSet(db: Executor, tenantId: string): Promise<RuleSet> {
  await ensureBuiltins(db, tenantId);
  const rows = await repo.listRules(db, tenantId);
  const byTopic = new Map<string, EngineRule[]>();
  for (const row of rows) {
    const rule = toEngineRule(row);
    if (!rule.enabled || rule.trigger.type !== 'event') continue;
    const list = byTopic.get(rule.trigger.topic) ?? [];
    list.push(rule);
    byTopic.set(rule.trigger.topic, list);
  }
  const templates = new Map((await repo.listTemplates(db, tenantId)).map((t) => [t.id, { id: t.id, content: t.content as TemplateContent }]));
  const settings = await workspaceSettings(db, tenantId);
  return {
    tenantId,
    byTopic,
    templates,
    workspace: { name: settings.name, irrDisplay: settings.irrDisplay, timeZone: settings.timeZone, calendar: settings.calendar, defaultLanguage: settings.defaultLanguage },
    businessCalendar: settings.businessCalendar,
    segments: new Map(),
    until: Date.now() + RULE_CACHE_MS,
  };
}

export async function ruleSetFor(db: Executor, tenantId: string): Promise<RuleSet> {
  const cached = ruleSets.get(tenantId);
  if (cached) {
    const set = await cached.catch(() => undefined);
    if (set && set.until > Date.now()) return set;
  }
  const loading = loadRuleSet(db, tenantId);
  ruleSets.set(tenantId, loading);
  loading.catch(() => ruleSets.delete(tenantId));
  return loading;
}

export interface ConditionResult {
  index: number;
  type: string;
  passed: boolean;
  reason: string;
}

async function predicateOf(db: Executor, set: RuleSet, segmentId: string): Promise<SQL | null> {
  let predicate = set.segments.get(segmentId);
  if (predicate === undefined) {
    // A deleted segment (404) or one whose rules no longer compile fails the condition.
    predicate = await segmentPredicate(db, set.tenantId, segmentId).catch(() => null);
    set.segments.set(segmentId, predicate);
  }
  return predicate;
}

/** Is the customer in the segment? null when the segment is gone. */
/** A payload field by name; `scores.nps` reads into a nested object (surveys' events nest their scores). */
function eventField(event: Record<string, unknown> | null, field: string): unknown {
  if (!event) return undefined;
  if (field in event) return event[field];
  let value: unknown = event;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export type SegmentMembership = (segmentId: string, customerId: string) => Promise<boolean | null>;

const singleMembership = (db: Executor, set: RuleSet): SegmentMembership => async (segmentId, customerId) => {
  const predicate = await predicateOf(db, set, segmentId);
  return predicate === null ? null : repo.customerInSegment(db, set.tenantId, predicate, customerId);
};

/** Membership for a batch's customers: the first check of a segment asks about all of them in one query. */
function batchMembership(db: Executor, set: RuleSet, customerIds: string[]): SegmentMembership {
  const members = new Map<string, Promise<Set<string> | null>>();
  return async (segmentId, customerId) => {
    let found = members.get(segmentId);
    if (!found) {
      found = predicateOf(db, set, segmentId).then((p) => (p === null ? null : repo.customersInSegment(db, set.tenantId, p, customerIds)));
      members.set(segmentId, found);
    }
    const ids = await found;
    return ids === null ? null : ids.has(customerId);
  };
}

/** Evaluates conditions in order; with `all` false it stops at the first that fails. */
export async function evaluateConditions(
  db: Executor,
  set: RuleSet,
  conditions: AutomationCondition[],
  customer: repo.EngineCustomer,
  event: Record<string, unknown> | null,
  options: { all?: boolean; membership?: SegmentMembership } = {},
): Promise<ConditionResult[]> {
  const results: ConditionResult[] = [];
  const membership = options.membership ?? singleMembership(db, set);
  for (const [index, condition] of conditions.entries()) {
    let passed: boolean;
    let reason = describeCondition(condition);
    switch (condition.type) {
      case 'segment': {
        const member = await membership(condition.segmentId, customer.id);
        if (member === null) reason = `segment ${condition.segmentId} no longer exists`;
        passed = member !== null && member === condition.member;
        break;
      }
      case 'attribute':
        passed = compareValue(customer.attributes[condition.key], condition.op, condition.value);
        reason += ` (is ${JSON.stringify(customer.attributes[condition.key] ?? null)})`;
        break;
      case 'event':
        passed = compareValue(eventField(event, condition.field), condition.op, condition.value);
        reason += ` (is ${JSON.stringify(eventField(event, condition.field) ?? null)})`;
        break;
      case 'tag':
        passed = customer.tags.includes(condition.tag) === condition.present;
        break;
    }
    results.push({ index, type: condition.type, passed, reason });
    if (!passed && !options.all) break;
  }
  return results;
}

export const conditionFailure = (failed: ConditionResult) => `condition_failed:${failed.index + 1}:${failed.type}`;

/** When a rule's actions run: now, after wall-clock time, or after business hours of the workspace. */
export function dueAfterDelay(delay: AutomationDelay | null, now: Date, set: Pick<RuleSet, 'businessCalendar'>): Date | null {
  if (!delay) return null;
  if ('minutes' in delay) return new Date(now.getTime() + delay.minutes * 60_000);
  if ('hours' in delay) return new Date(now.getTime() + delay.hours * 3_600_000);
  if ('days' in delay) return new Date(now.getTime() + delay.days * 86_400_000);
  return addBusinessMinutes(now, delay.businessHours * 60, set.businessCalendar);
}

export function customerUnavailable(customer: repo.EngineCustomer): string | null {
  if (customer.erasedAt) return 'customer_erased';
  if (customer.mergedInto) return 'customer_merged';
  return null;
}

function actionContext(set: RuleSet, rule: EngineRule, trigger: ActionContext['trigger'], now: Date): ActionContext {
  return { tenantId: set.tenantId, workspace: set.workspace, templates: set.templates, rule: { id: rule.id, name: rule.name, builtin: rule.builtin }, trigger, now };
}

export async function planActions(db: Executor, set: RuleSet, rule: EngineRule, customer: repo.EngineCustomer, trigger: ActionContext['trigger'], now: Date): Promise<PlannedAction[]> {
  const ctx = actionContext(set, rule, trigger, now);
  const plans: PlannedAction[] = [];
  for (const action of rule.actions) plans.push(await planAction(db, ctx, customer, action));
  return plans;
}

/** One triggering occurrence for one customer: an event, a birthday, a spell of inactivity. */
export interface Occurrence {
  customer: repo.EngineCustomer;
  rules: EngineRule[];
  triggerKey: string;
  trigger: ActionContext['trigger'];
}

interface Decision {
  occurrence: Occurrence;
  rule: EngineRule;
  run: repo.NewRun;
}

/**
 * Runs rules for occurrences of distinct customers in the caller's transaction: records a run
 * per rule and occurrence (skipped with its reason, waiting for its delay, or done) in one
 * insert, and performs the actions of the runs that are done now, writing the tag changes once
 * per customer, the messages in one insert and the follow-ups together (openFollowups). A run
 * that already exists for the same trigger key is left alone, so a redelivered event or a rerun
 * job does nothing twice.
 */
async function runRules(tx: Executor, set: RuleSet, occurrences: Occurrence[], now: Date): Promise<void> {
  const membership = occurrences.length === 1 ? singleMembership(tx, set) : batchMembership(tx, set, occurrences.map((o) => o.customer.id));
  const decisions: Decision[] = [];
  for (const occurrence of occurrences) {
    const { customer, trigger, triggerKey } = occurrence;
    const unavailable = customerUnavailable(customer);
    // Skipped runs keep only what identifies the trigger: most runs are skips, and repeating the
    // event's payload on each was most of the write volume (bench/rules.bench.ts).
    const { payload: _payload, ...identity } = trigger;
    for (const rule of occurrence.rules) {
      const base = { ruleId: rule.id, customerId: customer.id, triggerKey, trigger, dueAt: null };
      if (unavailable) {
        decisions.push({ occurrence, rule, run: { ...base, trigger: identity, status: 'skipped', reason: unavailable } });
        continue;
      }
      const results = await evaluateConditions(tx, set, rule.conditions, customer, trigger.payload ?? null, { membership });
      const failed = results.find((r) => !r.passed);
      if (failed) {
        decisions.push({ occurrence, rule, run: { ...base, trigger: identity, status: 'skipped', reason: conditionFailure(failed) } });
        continue;
      }
      const dueAt = dueAfterDelay(rule.delay, now, set);
      decisions.push({ occurrence, rule, run: dueAt ? { ...base, status: 'waiting', reason: null, dueAt } : { ...base, status: 'done', reason: null } });
    }
  }
  const inserted = await repo.insertRuns(tx, set.tenantId, decisions.map((d) => d.run), now);
  const outcomes: repo.RunOutcome[] = [];
  const tags = new Map<string, TagChanges>();
  const messages: NewMessage[] = [];
  const followups: ActionSink['followups'] = [];
  for (const { occurrence, rule, run } of decisions) {
    const runId = inserted.get(repo.runKey(run));
    if (runId === undefined || run.status !== 'done') continue;
    const { customer, trigger } = occurrence;
    const changes = tags.get(customer.id) ?? { add: new Set<string>(), remove: new Set<string>() };
    tags.set(customer.id, changes);
    const plans = await planActions(tx, set, rule, customer, trigger, now);
    const actions = await performActions(tx, actionContext(set, rule, trigger, now), customer, runId, plans, { tags: changes, messages, followups });
    outcomes.push({ id: runId, status: 'done', reason: null, actions });
  }
  // The batch's follow-ups together: a burst of detractors opened one by one cost six statements each.
  await openFollowups(tx, set.tenantId, followups, now);
  // One tag update per customer (one customer.updated event), whatever number of runs tagged it;
  // in id order, so two batches tagging the same customers lock them in the same order.
  for (const customerId of [...tags.keys()].sort()) await applyTagChanges(tx, set.tenantId, customerId, tags.get(customerId)!);
  await queueMessages(tx, set.tenantId, messages);
  await repo.completeRuns(tx, set.tenantId, outcomes, now);
}

/** Runs rules for one customer and occurrence in the caller's transaction (see runRules). */
export async function runRulesForCustomer(
  tx: Executor,
  set: RuleSet,
  rules: EngineRule[],
  customer: repo.EngineCustomer,
  triggerKey: string,
  trigger: ActionContext['trigger'],
  now: Date,
): Promise<void> {
  await runRules(tx, set, [{ customer, rules, triggerKey, trigger }], now);
}

/**
 * Events whose payload `occurredAt` is more than this before they were published are history
 * being loaded, not news: the demo seeding and integrations back-filling months of touchpoints
 * and orders publish them, and greeting or following up on a visit from last spring would be
 * wrong. Three days still lets a shop that syncs late, or an agent entering the week's calls,
 * trigger rules.
 */
export const STALE_EVENT_MS = 3 * 86_400_000;

/** True for an event about something that happened more than STALE_EVENT_MS before it was published. */
export function isStaleEvent(event: Pick<DomainEvent, 'occurredAt' | 'payload'>): boolean {
  const happened = typeof event.payload.occurredAt === 'string' ? Date.parse(event.payload.occurredAt) : Number.NaN;
  const published = Date.parse(event.occurredAt);
  return Number.isFinite(happened) && Number.isFinite(published) && published - happened > STALE_EVENT_MS;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Events evaluated per transaction: larger batches gained little in bench/rules.bench.ts and hold locks longer. */
export const EVENT_BATCH = 200;

/**
 * Evaluates domain events against each tenant's enabled event rules for their topics, up to
 * EVENT_BATCH events per transaction. Events without a customer, for a topic no rule listens
 * to, or stale (isStaleEvent) are not evaluated and leave no run. Within a transaction events
 * are taken in order, in rounds in which each customer appears once, so a later event of a
 * customer sees the tags an earlier one's actions set, exactly as one event per transaction.
 * A transaction that fails is rolled back whole and the error thrown: the caller runs the
 * events again one by one (JobQueue does), which the runs' unique key keeps from doubling
 * anything an earlier, committed transaction of the call did.
 */
export async function handleEvents(database: Database, events: DomainEvent[], now = new Date()): Promise<void> {
  const byTenant = new Map<string, DomainEvent[]>();
  for (const event of events) {
    const list = byTenant.get(event.tenantId) ?? [];
    list.push(event);
    byTenant.set(event.tenantId, list);
  }
  for (const [tenantId, list] of byTenant) {
    const set = await ruleSetFor(database.db, tenantId);
    const seen = new Set<number>();
    const evaluated = list.filter((event) => {
      const customerId = event.payload.customerId;
      if (seen.has(event.id) || !set.byTopic.get(event.topic)?.length) return false;
      if (typeof customerId !== 'string' || !UUID.test(customerId) || isStaleEvent(event)) return false;
      seen.add(event.id);
      return true;
    });
    for (let i = 0; i < evaluated.length; i += EVENT_BATCH) {
      const chunk = evaluated.slice(i, i + EVENT_BATCH);
      await database.db.transaction((tx) => evaluateEvents(tx, set, chunk, now));
    }
  }
}

/** Evaluates one domain event in its own transaction (see handleEvents). */
export async function handleEvent(database: Database, event: DomainEvent, now = new Date()): Promise<void> {
  await handleEvents(database, [event], now);
}

async function evaluateEvents(tx: Executor, set: RuleSet, events: DomainEvent[], now: Date): Promise<void> {
  let round: DomainEvent[] = [];
  const flush = async () => {
    const customers = await repo.loadCustomers(tx, set.tenantId, round.map((e) => e.payload.customerId as string));
    const occurrences: Occurrence[] = [];
    for (const event of round) {
      const customer = customers.get(event.payload.customerId as string);
      if (!customer) continue;
      occurrences.push({ customer, rules: set.byTopic.get(event.topic)!, triggerKey: `event:${event.id}`, trigger: { topic: event.topic, eventId: event.id, payload: event.payload } });
    }
    await runRules(tx, set, occurrences, now);
    round = [];
  };
  for (const event of events) {
    // A customer's second event starts a new round: customers are reloaded after the first's tag changes.
    if (round.some((e) => e.payload.customerId === event.payload.customerId)) await flush();
    round.push(event);
  }
  if (round.length > 0) await flush();
}

/**
 * Performs waiting runs whose delay has passed. Each batch is claimed with SKIP LOCKED in its
 * own transaction, so several workers share the work and a crash redoes the batch whole.
 * The customer is looked up again: one erased or merged meanwhile is skipped.
 */
export async function executeDueRuns(database: Database, now = new Date(), limit = 100): Promise<number> {
  return database.db.transaction(async (tx) => {
    const due = await repo.claimDueRuns(tx, now, limit);
    const outcomes = new Map<string, repo.RunOutcome[]>();
    for (const run of due) {
      const set = await ruleSetFor(tx, run.tenantId);
      const list = outcomes.get(run.tenantId) ?? [];
      outcomes.set(run.tenantId, list);
      const row = await repo.findRule(tx, run.tenantId, run.ruleId);
      const customer = await repo.loadCustomer(tx, run.tenantId, run.customerId);
      if (!row || !row.enabled) {
        list.push({ id: run.id, status: 'skipped', reason: 'rule_disabled', actions: [] });
        continue;
      }
      const unavailable = customer ? customerUnavailable(customer) : 'customer_erased';
      if (!customer || unavailable) {
        list.push({ id: run.id, status: 'skipped', reason: unavailable, actions: [] });
        continue;
      }
      const rule = toEngineRule(row);
      const trigger = run.trigger as ActionContext['trigger'];
      const plans = await planActions(tx, set, rule, customer, trigger, now);
      const actions = await performActions(tx, actionContext(set, rule, trigger, now), customer, run.id, plans);
      list.push({ id: run.id, status: 'done', reason: null, actions });
    }
    for (const [tenantId, list] of outcomes) await repo.completeRuns(tx, tenantId, list, now);
    return due.length;
  });
}
