import { v7 as uuidv7 } from 'uuid';
import type {
  AutomationRuleInput, AutomationRunView, AutomationView, DryRunResult, TemplateContent, UpdateAutomation,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound, type FieldError } from '../../platform/http/problem.ts';
import { attributeDefinitionsOf } from '../customers/index.ts';
import { recordAudit } from '../workspace/index.ts';
import {
  conditionFailure, customerUnavailable, dueAfterDelay, ensureBuiltins, evaluateConditions, invalidateRules, planActions, ruleSetFor, toEngineRule,
  type EngineRule,
} from './automation.engine.ts';
import * as repo from './automation.repo.ts';
import { findLoop, loopProblem, staticRuleErrors } from './automation.rules.ts';
import { surveyActionHandler } from './survey-action.ts';
import { unknownCustomer } from './template.service.ts';

export function presentRule(row: repo.RuleRow): AutomationView {
  const rule = toEngineRule(row);
  return {
    id: rule.id, name: rule.name, enabled: rule.enabled, builtin: rule.builtin, trigger: rule.trigger, conditions: rule.conditions,
    delay: rule.delay, actions: rule.actions, createdBy: row.createdBy, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentRun(row: repo.RunRow): AutomationRunView {
  return {
    id: String(row.id), ruleId: row.ruleId, customerId: row.customerId, triggerKey: row.triggerKey, status: row.status as AutomationRunView['status'],
    reason: row.reason, trigger: row.trigger as Record<string, unknown>, actions: row.actions as AutomationRunView['actions'],
    dueAt: row.dueAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString(), completedAt: row.completedAt?.toISOString() ?? null,
  };
}

/**
 * Everything a rule refers to must exist in the workspace, and its event conditions must name
 * fields of its trigger's topic: 422 invalid_automation with a field error for each.
 */
async function assertValidRule(db: Executor, tenantId: string, rule: AutomationRuleInput): Promise<void> {
  const errors: FieldError[] = staticRuleErrors(rule);
  const segmentIds = rule.conditions.flatMap((c) => (c.type === 'segment' ? [c.segmentId] : []));
  const templateIds = rule.actions.flatMap((a) => (a.type === 'send_message' ? [a.templateId] : []));
  const endpointIds = rule.actions.flatMap((a) => (a.type === 'call_webhook' ? [a.endpointId] : []));
  const assigneeIds = rule.actions.flatMap((a) => (a.type === 'create_followup' && a.assigneeId ? [a.assigneeId] : []));
  const surveyIds = rule.actions.flatMap((a) => (a.type === 'send_survey' ? [a.surveyId] : []));
  const [segments, templates, endpoints, members, attributes, surveys] = await Promise.all([
    repo.existingIds(db, tenantId, 'segments', segmentIds),
    repo.existingIds(db, tenantId, 'message_templates', templateIds),
    repo.existingIds(db, tenantId, 'webhook_endpoints', endpointIds),
    repo.existingMembers(db, tenantId, assigneeIds),
    rule.conditions.some((c) => c.type === 'attribute') ? attributeDefinitionsOf(db, tenantId) : Promise.resolve(new Map()),
    surveyIds.length > 0 ? (surveyActionHandler()?.existingSurveys(db, tenantId, surveyIds) ?? Promise.resolve(new Set<string>())) : Promise.resolve(new Set<string>()),
  ]);
  rule.conditions.forEach((c, i) => {
    if (c.type === 'segment' && !segments.has(c.segmentId)) errors.push({ field: `conditions.${i}.segmentId`, code: 'unknown_segment', message: `no segment ${c.segmentId}` });
    if (c.type === 'attribute' && !attributes.has(c.key)) errors.push({ field: `conditions.${i}.key`, code: 'unknown_attribute', message: `no attribute ${c.key}` });
  });
  rule.actions.forEach((a, i) => {
    if (a.type === 'send_message' && !templates.has(a.templateId)) errors.push({ field: `actions.${i}.templateId`, code: 'unknown_template', message: `no template ${a.templateId}` });
    if (a.type === 'call_webhook' && !endpoints.has(a.endpointId)) errors.push({ field: `actions.${i}.endpointId`, code: 'unknown_webhook_endpoint', message: `no webhook endpoint ${a.endpointId}` });
    if (a.type === 'create_followup' && a.assigneeId && !members.has(a.assigneeId)) errors.push({ field: `actions.${i}.assigneeId`, code: 'unknown_assignee', message: `no team member ${a.assigneeId}` });
    if (a.type === 'send_survey' && !surveys.has(a.surveyId)) errors.push({ field: `actions.${i}.surveyId`, code: 'unknown_survey', message: `no survey ${a.surveyId}` });
  });
  if (errors.length > 0) throw new Problem(422, 'invalid_automation', { detail: errors[0]!.message }, errors);
}

/** An enabled rule may not feed itself or close a cycle with the workspace's other enabled rules. */
async function assertNoLoop(db: Executor, tenantId: string, candidate: EngineRule): Promise<void> {
  if (!candidate.enabled) return;
  const enabled = (await repo.listRules(db, tenantId)).map(toEngineRule).filter((r) => r.enabled);
  const loop = findLoop(candidate, enabled);
  if (loop) throw loopProblem(loop);
}

export async function listRules(db: Executor, tenantId: string): Promise<repo.RuleRow[]> {
  await ensureBuiltins(db, tenantId);
  return repo.listRules(db, tenantId);
}

export async function getRule(db: Executor, tenantId: string, id: string): Promise<repo.RuleRow> {
  const row = await repo.findRule(db, tenantId, id);
  if (!row) throw notFound();
  return row;
}

export async function createRule(tx: Executor, tenantId: string, actor: Actor | null, input: AutomationRuleInput): Promise<repo.RuleRow> {
  await assertValidRule(tx, tenantId, input);
  const id = uuidv7();
  await assertNoLoop(tx, tenantId, { id, builtin: null, delay: input.delay ?? null, ...input });
  const now = new Date();
  const row = await repo.insertRule(tx, {
    tenantId, id, name: input.name, enabled: input.enabled, trigger: input.trigger, conditions: input.conditions, delay: input.delay ?? null,
    actions: input.actions, createdBy: actor ? `${actor.kind}:${actor.id}` : null, createdAt: now, updatedAt: now,
  });
  await recordAudit(tx, tenantId, actor, { action: 'automation.created', targetType: 'automation_rule', targetId: id, details: { name: input.name, enabled: input.enabled } });
  invalidateRules(tenantId);
  return row;
}

export async function updateRule(tx: Executor, tenantId: string, actor: Actor | null, id: string, input: UpdateAutomation): Promise<repo.RuleRow> {
  const current = await repo.findRule(tx, tenantId, id, { lock: true });
  if (!current) throw notFound();
  const rule = toEngineRule(current);
  const merged: AutomationRuleInput = {
    name: input.name ?? rule.name,
    enabled: input.enabled ?? rule.enabled,
    trigger: input.trigger ?? rule.trigger,
    conditions: input.conditions ?? rule.conditions,
    delay: input.delay !== undefined ? input.delay : rule.delay,
    actions: input.actions ?? rule.actions,
  };
  await assertValidRule(tx, tenantId, merged);
  await assertNoLoop(tx, tenantId, { id, builtin: rule.builtin, ...merged, delay: merged.delay ?? null });
  const row = await repo.updateRuleRow(tx, tenantId, id, {
    name: merged.name, enabled: merged.enabled, trigger: merged.trigger, conditions: merged.conditions, delay: merged.delay ?? null,
    actions: merged.actions, updatedAt: new Date(),
  });
  await recordAudit(tx, tenantId, actor, { action: 'automation.updated', targetType: 'automation_rule', targetId: id, details: { fields: Object.keys(input) } });
  invalidateRules(tenantId);
  return row!;
}

export async function setRuleEnabled(tx: Executor, tenantId: string, actor: Actor | null, id: string, enabled: boolean): Promise<repo.RuleRow> {
  return updateRule(tx, tenantId, actor, id, { enabled });
}

export async function deleteRule(tx: Executor, tenantId: string, actor: Actor | null, id: string): Promise<void> {
  const current = await getRule(tx, tenantId, id);
  if (current.builtin) throw new Problem(409, 'builtin_rule');
  await repo.deleteRuleRow(tx, tenantId, id);
  await recordAudit(tx, tenantId, actor, { action: 'automation.deleted', targetType: 'automation_rule', targetId: id, details: { name: current.name } });
  invalidateRules(tenantId);
}

const RUN_CURSOR = /^[0-9]{1,18}$/;

/** Keyset cursors over run ids (newest first): base64url of the last id seen. */
export function decodeRunCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const decoded = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!RUN_CURSOR.test(decoded)) throw new Problem(400, 'invalid_cursor', {}, [{ field: 'querystring.cursor', code: 'invalid_cursor', message: 'invalid_cursor' }]);
  return Number(decoded);
}

export async function listRuns(db: Executor, tenantId: string, by: { ruleId?: string; customerId?: string }, query: { cursor?: string; limit: number }) {
  const rows = await repo.listRuns(db, tenantId, by, decodeRunCursor(query.cursor), query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page.map(presentRun), nextCursor: rows.length > query.limit && last ? Buffer.from(String(last.id)).toString('base64url') : null };
}

/**
 * What a rule would do for a customer now, given a sample event: each condition with its
 * verdict, the delay, and each action with the channel and rendered message. Writes nothing.
 */
export async function dryRun(db: Executor, tenantId: string, rule: EngineRule, customerId: string, event: Record<string, unknown> | undefined): Promise<DryRunResult> {
  const customer = await repo.loadCustomer(db, tenantId, customerId);
  if (!customer) throw unknownCustomer();
  const set = await ruleSetFor(db, tenantId);
  // A template saved since the cache was filled must be previewable at once.
  const templates = new Map(set.templates);
  for (const action of rule.actions) {
    if (action.type === 'send_message' && !templates.has(action.templateId)) {
      const row = await repo.findTemplate(db, tenantId, action.templateId);
      if (row) templates.set(row.id, { id: row.id, content: row.content as TemplateContent });
    }
  }
  const fresh = { ...set, templates };
  const now = new Date();
  const payload = { ...(event ?? {}), customerId };
  const conditions = await evaluateConditions(db, fresh, rule.conditions, customer, payload, { all: true });
  const failed = conditions.find((c) => !c.passed);
  const unavailable = customerUnavailable(customer);
  const reason = unavailable ?? (failed ? conditionFailure(failed) : null);
  const runsAt = dueAfterDelay(rule.delay, now, set) ?? now;
  const trigger = rule.trigger.type === 'event' ? { topic: rule.trigger.topic, payload } : { type: rule.trigger.type, payload };
  const plans = await planActions(db, fresh, rule, customer, trigger, now);
  return {
    matched: reason === null,
    reason,
    conditions,
    runsAt: runsAt.toISOString(),
    actions: plans.map((p) => ({
      type: p.action.type,
      wouldRun: reason === null && p.wouldRun,
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.channel ? { channel: p.channel } : {}),
      ...(p.recipient ? { recipient: p.recipient } : {}),
      ...(p.message ? { message: p.message } : {}),
      ...(p.detail ? { detail: p.detail } : {}),
    })),
  };
}

export async function dryRunSaved(db: Executor, tenantId: string, id: string, customerId: string, event?: Record<string, unknown>): Promise<DryRunResult> {
  return dryRun(db, tenantId, toEngineRule(await getRule(db, tenantId, id)), customerId, event);
}

export async function dryRunUnsaved(db: Executor, tenantId: string, input: AutomationRuleInput, customerId: string, event?: Record<string, unknown>): Promise<DryRunResult> {
  await assertValidRule(db, tenantId, input);
  return dryRun(db, tenantId, { id: '00000000-0000-0000-0000-000000000000', builtin: null, ...input, delay: input.delay ?? null }, customerId, event);
}
