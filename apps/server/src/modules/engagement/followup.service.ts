import { randomUUID } from 'node:crypto';
import type {
  FollowupAttemptView, FollowupDetailView, FollowupOutcome, FollowupPage, FollowupQuery, FollowupView, RecordFollowupAttempt, UpdateFollowup,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvent, publishEvents } from '../../platform/events/outbox.ts';
import { roleAllows, type Actor, type Role } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { addBusinessMinutes, type BusinessCalendar } from '../../platform/time/business-hours.ts';
import { registerEraseHook, registerMergeHook } from '../customers/index.ts';
import { recordTouchpoints, updateTouchpointData } from '../interactions/index.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import * as repo from './followup.repo.ts';

export interface FollowupToOpen {
  customerId: string;
  /** why: 'after_interaction', 'negative_experience', or a rule's own text */
  reason: string;
  ruleId?: string | null;
  /** the triggering event: { topic, eventId, touchpointId, orderId } */
  source: Record<string, unknown>;
  /** due this many business hours from now (workspace hours, weekend and holidays) */
  dueInBusinessHours: number;
  priority?: 'normal' | 'urgent';
  /** null: assigned round-robin to the workspace's agents */
  assigneeId?: string | null;
  /** true: leave it in the shared queue instead of assigning it round-robin */
  leaveUnassigned?: boolean;
}

/** The workspace's opening hours, weekend and holidays (cached with the workspace settings). */
export async function businessCalendarOf(db: Executor, tenantId: string): Promise<BusinessCalendar> {
  return (await workspaceSettings(db, tenantId)).businessCalendar;
}

const timelineId = (followupId: string) => `followup:${followupId}`;

/** Someone who can work follow-ups, or a 422 naming the field. */
async function requireAssignee(db: Executor, tenantId: string, accountId: string): Promise<string> {
  const role = await repo.memberRole(db, tenantId, accountId);
  if (!role || !roleAllows(role as Role, 'followups:work')) throw invalidField('assigneeId', 'invalid_assignee');
  return accountId;
}

/** The pool follow-ups go round-robin to: the active agents; with none, the managers; with none, nobody. */
async function roundRobinPool(tx: Executor, tenantId: string): Promise<string[]> {
  const agents = await repo.activeMembers(tx, tenantId, ['agent']);
  return agents.length > 0 ? agents : repo.activeMembers(tx, tenantId, ['manager']);
}

/**
 * Opens a follow-up task in the caller's transaction: due after the given business hours of the
 * workspace, assigned (given, or round-robin), on the customer's timeline, `followup.opened` published.
 */
export async function openFollowup(tx: Executor, tenantId: string, input: FollowupToOpen, now = new Date()): Promise<{ id: string; dueAt: Date }> {
  return (await openFollowups(tx, tenantId, [{ ...input, id: randomUUID() }], now))[0]!;
}

/**
 * `openFollowup` for many at once (the automation engine's batch of events), set-based: one read
 * of the customers, of the round-robin pool and position, one insert, one timeline call and one
 * event insert, whatever their number; round-robin positions are taken in the given order. The
 * first refusal (an unknown, merged or erased customer, an assignee who cannot work follow-ups)
 * is thrown and nothing is written.
 */
export async function openFollowups(tx: Executor, tenantId: string, inputs: (FollowupToOpen & { id: string })[], now = new Date()): Promise<{ id: string; dueAt: Date }[]> {
  if (inputs.length === 0) return [];
  const states = await repo.customersState(tx, tenantId, [...new Set(inputs.map((i) => i.customerId))]);
  for (const input of inputs) {
    const customer = states.get(input.customerId);
    if (!customer) throw invalidField('customerId', 'unknown_customer');
    if (customer.mergedInto) throw new Problem(422, 'customer_merged', {}, [{ field: 'customerId', code: 'customer_merged', message: 'customer_merged' }]);
    if (customer.erasedAt) throw new Problem(422, 'customer_erased', {}, [{ field: 'customerId', code: 'customer_erased', message: 'customer_erased' }]);
  }
  const calendar = await businessCalendarOf(tx, tenantId);
  for (const assigneeId of new Set(inputs.flatMap((i) => (i.assigneeId ? [i.assigneeId] : [])))) await requireAssignee(tx, tenantId, assigneeId);
  const roundRobin = inputs.filter((i) => !i.assigneeId && !i.leaveUnassigned);
  const pool = roundRobin.length > 0 ? await roundRobinPool(tx, tenantId) : [];
  let position = pool.length > 0 ? await repo.nextAssignmentPositions(tx, tenantId, roundRobin.length) : 0;

  const rows = inputs.map((input) => {
    const dueAt = addBusinessMinutes(now, Math.round(input.dueInBusinessHours * 60), calendar);
    const assigneeId = input.assigneeId ? input.assigneeId : input.leaveUnassigned || pool.length === 0 ? null : pool[position++ % pool.length]!;
    return {
      tenantId, id: input.id, customerId: input.customerId, ruleId: input.ruleId ?? null, reason: input.reason, source: input.source,
      priority: input.priority ?? 'normal', assigneeId, dueAt, createdAt: now, updatedAt: now,
    };
  });
  await repo.insertFollowups(tx, rows);
  // What the business does is not the customer's activity: last_seen_at stays, no touchpoint event.
  const outcomes = await recordTouchpoints(tx, tenantId, rows.map((row) => ({
    customer: { id: row.customerId }, kind: 'followup.opened', channel: 'other', stage: 'after-sale', occurredAt: now,
    externalId: timelineId(row.id),
    data: { followupId: row.id, reason: row.reason, priority: row.priority, status: 'open', dueAt: row.dueAt.toISOString(), ...(row.assigneeId ? { assigneeId: row.assigneeId } : {}) },
  })), { source: 'engagement', activity: false, publishEvents: false });
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.problem;
  await publishEvents(tx, tenantId, rows.map((row) => ({
    topic: 'followup.opened',
    payload: { followupId: row.id, customerId: row.customerId, reason: row.reason, priority: row.priority, assigneeId: row.assigneeId, dueAt: row.dueAt.toISOString() },
  })));
  return rows.map((row) => ({ id: row.id, dueAt: row.dueAt }));
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentFollowup(row: repo.FollowupWithCustomer, now: Date): FollowupView {
  return {
    id: row.id,
    customer: { ...row.customer, language: row.customer.language as FollowupView['customer']['language'] },
    reason: row.reason,
    ruleId: row.ruleId,
    source: row.source as Record<string, unknown>,
    priority: row.priority as FollowupView['priority'],
    assigneeId: row.assigneeId,
    status: row.status as FollowupView['status'],
    outcome: row.outcome as FollowupView['outcome'],
    dueAt: row.dueAt.toISOString(),
    overdue: row.status === 'open' && row.dueAt.getTime() < now.getTime(),
    firstResponseAt: iso(row.firstResponseAt),
    completedAt: iso(row.completedAt),
    escalatedAt: iso(row.escalatedAt),
    repurchasedAt: iso(row.repurchasedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const presentAttempt = (a: repo.FollowupAttemptRow): FollowupAttemptView => ({
  id: a.id, outcome: a.outcome as FollowupOutcome, note: a.note, actorId: a.actorId, at: a.at.toISOString(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encodeCursor = (row: { dueAt: Date; id: string }) => Buffer.from(`${row.dueAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): { dueAt: Date; id: string } {
  const [at, id, extra] = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  const dueAt = new Date(at ?? '');
  if (extra !== undefined || !id || !UUID.test(id) || Number.isNaN(dueAt.getTime()) || dueAt.toISOString() !== at) throw new Problem(400, 'invalid_cursor');
  return { dueAt, id };
}

/** A page of the queue. The filter's customer, when given, limits it to that customer. */
export async function listFollowups(
  db: Executor, tenantId: string, actor: Actor, query: Omit<Partial<FollowupQuery>, 'assignee'> & { assignee?: FollowupQuery['assignee'] | 'all'; limit: number }, now = new Date(),
): Promise<FollowupPage> {
  const requested = query.assignee ?? (actor.role === 'agent' ? 'me_or_unassigned' : 'all');
  const assignee = requested === 'all' ? undefined : requested;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await repo.listFollowups(db, tenantId, {
    assigneeId: assignee === 'unassigned' ? null : assignee === 'me' || assignee === 'me_or_unassigned' ? actor.id : assignee,
    orUnassigned: assignee === 'me_or_unassigned',
    status: query.status, overdue: query.overdue, customerId: query.customerId, after, limit: query.limit + 1, now,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => presentFollowup(r, now)),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

export async function getFollowup(db: Executor, tenantId: string, id: string, now = new Date()): Promise<FollowupDetailView> {
  const row = await repo.findFollowup(db, tenantId, id);
  if (!row) throw notFound();
  return { ...presentFollowup(row, now), attempts: (await repo.attemptsOf(db, tenantId, id)).map(presentAttempt) };
}

/** Agents work their own follow-ups and the unassigned ones; managers and admins any. */
function requireMayWork(actor: Actor, row: repo.FollowupRow): void {
  if (roleAllows(actor.role, 'followups:manage')) return;
  if (row.assigneeId !== null && row.assigneeId !== actor.id) throw new Problem(403, 'followup_not_yours');
}

/**
 * Records a call or message. The first attempt is the first response; reached and resolved
 * close the follow-up, no answer keeps it open, escalated hands it to a manager as urgent.
 */
export async function recordAttempt(tx: Executor, tenantId: string, actor: Actor, id: string, input: RecordFollowupAttempt, now = new Date()): Promise<FollowupDetailView> {
  const row = await repo.findFollowup(tx, tenantId, id, { lock: true });
  if (!row) throw notFound();
  requireMayWork(actor, row);
  if (row.status === 'done') throw new Problem(409, 'followup_closed');

  const attempt = await repo.insertAttempt(tx, { tenantId, followupId: id, outcome: input.outcome, note: input.note ?? null, actorId: `${actor.kind}:${actor.id}`, at: now });
  const closes = input.outcome === 'reached' || input.outcome === 'resolved';
  const patch: Partial<repo.NewFollowup> = { outcome: input.outcome, firstResponseAt: row.firstResponseAt ?? now };
  if (closes) Object.assign(patch, { status: 'done', completedAt: now });
  if (input.outcome === 'escalated') {
    Object.assign(patch, { assigneeId: await repo.leastLoadedManager(tx, tenantId), priority: 'urgent', escalatedAt: row.escalatedAt ?? now });
  }
  await repo.updateFollowupRow(tx, tenantId, id, patch);
  const status = closes ? 'done' : 'open';
  await updateTouchpointData(tx, tenantId, [{
    externalId: timelineId(id),
    patch: { status, outcome: input.outcome, priority: patch.priority ?? row.priority, assigneeId: patch.assigneeId === undefined ? row.assigneeId : patch.assigneeId },
  }]);
  await publishEvent(tx, tenantId, 'followup.attempted', {
    followupId: id, customerId: row.customerId, attemptId: attempt.id, outcome: input.outcome, actorId: attempt.actorId,
    assigneeId: patch.assigneeId === undefined ? row.assigneeId : patch.assigneeId,
  });
  // The topics automations offer (TOPIC_CATALOGUE): a rule on "completed" or "escalated" must see these.
  const outcome = { followupId: id, customerId: row.customerId, outcome: input.outcome, reason: row.reason, priority: patch.priority ?? row.priority };
  // The answer that opened it rides along, so a survey sent after it links back to that answer.
  const sourceResponseId = (row.source as Record<string, unknown> | null)?.responseId;
  if (closes) {
    await publishEvent(tx, tenantId, 'followup.completed', {
      ...outcome, completedAt: now.toISOString(), ...(typeof sourceResponseId === 'string' ? { sourceResponseId } : {}),
    });
  }
  if (input.outcome === 'escalated') await publishEvent(tx, tenantId, 'followup.escalated', { ...outcome, assigneeId: patch.assigneeId ?? null });
  return getFollowup(tx, tenantId, id, now);
}

/** Reassign, reprioritise or move the due time of an open follow-up; reassignment is audited. */
export async function updateFollowup(tx: Executor, tenantId: string, actor: Actor, id: string, input: UpdateFollowup, ip: string, now = new Date()): Promise<FollowupDetailView> {
  const row = await repo.findFollowup(tx, tenantId, id, { lock: true });
  if (!row) throw notFound();
  if (row.status === 'done') throw new Problem(409, 'followup_closed');
  const patch: Partial<repo.NewFollowup> = {};
  if (input.assigneeId !== undefined) patch.assigneeId = input.assigneeId === null ? null : await requireAssignee(tx, tenantId, input.assigneeId);
  if (input.priority !== undefined) patch.priority = input.priority;
  if (input.dueAt !== undefined) patch.dueAt = new Date(input.dueAt);
  await repo.updateFollowupRow(tx, tenantId, id, patch);
  if (patch.assigneeId !== undefined && patch.assigneeId !== row.assigneeId) {
    await recordAudit(tx, tenantId, actor, { action: 'followup.reassigned', targetType: 'followup', targetId: id, ip, details: { from: row.assigneeId, to: patch.assigneeId } });
  }
  await updateTouchpointData(tx, tenantId, [{
    externalId: timelineId(id),
    patch: {
      priority: patch.priority ?? row.priority,
      assigneeId: patch.assigneeId === undefined ? row.assigneeId : patch.assigneeId,
      dueAt: (patch.dueAt ?? row.dueAt).toISOString(),
    },
  }]);
  return getFollowup(tx, tenantId, id, now);
}

/** An order credits the customer's follow-ups of the 90 days before it (churn saved). */
export async function creditRepurchase(tx: Executor, tenantId: string, customerId: string, placedAt: Date): Promise<number> {
  return repo.markRepurchased(tx, tenantId, customerId, placedAt);
}

/** Follow-ups follow a customer through a merge; erasure drops agents' notes and closes open ones. */
export function registerFollowupCustomerHooks(): void {
  registerMergeHook(repo.reassignFollowups);
  registerEraseHook(repo.stripFollowupNotes);
  registerEraseHook(repo.closeFollowupsOfErasedCustomer);
}
