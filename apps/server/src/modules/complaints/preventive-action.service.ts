// Preventive actions (ISO 10002 continual improvement): who does what by when so the same
// complaint does not come back, linked to a root cause, a category and product, cases, or alerts.
import { randomUUID } from 'node:crypto';
import type { CreatePreventiveAction, PreventiveActionPage, PreventiveActionQuery, PreventiveActionView, UpdatePreventiveAction } from '@vafa/contracts';
import { and, asc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { roleAllows, type Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { complaintPreventiveActionCases, complaintPreventiveActions, complaintRecurrenceAlerts } from './complaint-insights.schema.ts';
import { complaintCases } from './complaints.schema.ts';
import { memberRole } from './complaint.repo.ts';
import { ensureStoredTaxonomy, rootCauseOf } from './root-cause.ts';

type ActionRow = typeof complaintPreventiveActions.$inferSelect;
const PENDING = ['open', 'in_progress'];

/** Today's date (YYYY-MM-DD) in a time zone. */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const validDate = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
};

async function present(db: Executor, tenantId: string, rows: ActionRow[], today: string): Promise<PreventiveActionView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const cases = await db.select().from(complaintPreventiveActionCases)
    .where(and(eq(complaintPreventiveActionCases.tenantId, tenantId), inArray(complaintPreventiveActionCases.actionId, ids)));
  const alerts = await db.select({ id: complaintRecurrenceAlerts.id, actionId: complaintRecurrenceAlerts.preventiveActionId }).from(complaintRecurrenceAlerts)
    .where(and(eq(complaintRecurrenceAlerts.tenantId, tenantId), inArray(complaintRecurrenceAlerts.preventiveActionId, ids)));
  return rows.map((r) => ({
    id: r.id, title: r.title, description: r.description, ownerId: r.ownerId, dueDate: r.dueDate,
    status: r.status as PreventiveActionView['status'],
    overdue: PENDING.includes(r.status) && r.dueDate < today,
    rootCause: r.rootCause, category: r.category, product: r.product,
    caseIds: cases.filter((c) => c.actionId === r.id).map((c) => c.caseId).sort(),
    alertIds: alerts.filter((a) => a.actionId === r.id).map((a) => a.id).sort(),
    createdBy: r.createdBy, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
    completedAt: r.completedAt ? r.completedAt.toISOString() : null,
  }));
}

async function today(db: Executor, tenantId: string): Promise<string> {
  return localToday((await workspaceSettings(db, tenantId)).timeZone);
}

async function findAction(db: Executor, tenantId: string, id: string, lock = false): Promise<ActionRow | undefined> {
  const query = db.select().from(complaintPreventiveActions).where(and(eq(complaintPreventiveActions.tenantId, tenantId), eq(complaintPreventiveActions.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function getPreventiveAction(db: Executor, tenantId: string, id: string): Promise<PreventiveActionView> {
  const row = await findAction(db, tenantId, id);
  if (!row) throw notFound();
  return (await present(db, tenantId, [row], await today(db, tenantId)))[0]!;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encodeCursor = (row: { dueDate: string; id: string }) => Buffer.from(`${row.dueDate}|${row.id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): { dueDate: string; id: string } {
  const [day, id, extra] = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  if (extra !== undefined || !id || !UUID.test(id) || !day || !/^\d{4}-\d{2}-\d{2}$/.test(day) || !validDate(day)) throw new Problem(400, 'invalid_cursor');
  return { dueDate: day, id };
}

/** The board: earliest due first, keyset on (due_date, id). */
export async function listPreventiveActions(db: Executor, tenantId: string, actor: Actor, query: PreventiveActionQuery): Promise<PreventiveActionPage> {
  const t = complaintPreventiveActions;
  const day = await today(db, tenantId);
  const conditions: (SQL | undefined)[] = [eq(t.tenantId, tenantId)];
  if (query.status) conditions.push(eq(t.status, query.status));
  if (query.owner) conditions.push(eq(t.ownerId, query.owner === 'me' ? actor.id : query.owner));
  if (query.rootCause) conditions.push(eq(t.rootCause, query.rootCause));
  if (query.overdue === true) conditions.push(sql`${t.status} IN ('open', 'in_progress')`, lt(t.dueDate, day));
  if (query.overdue === false) conditions.push(sql`NOT (${t.status} IN ('open', 'in_progress') AND ${t.dueDate} < ${day})`);
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    conditions.push(or(gt(t.dueDate, after.dueDate), and(eq(t.dueDate, after.dueDate), gt(t.id, after.id))));
  }
  const rows = await db.select().from(t).where(and(...conditions)).orderBy(asc(t.dueDate), asc(t.id)).limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { items: await present(db, tenantId, page, day), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null };
}

async function checkOwner(db: Executor, tenantId: string, ownerId: string): Promise<void> {
  if (!(await memberRole(db, tenantId, ownerId))) throw invalidField('ownerId', 'invalid_preventive_action_owner');
}

async function checkRootCause(tx: Executor, tenantId: string, code: string): Promise<void> {
  // Linking to an archived cause is allowed: an action may answer causes of the past.
  if (!(await rootCauseOf(tx, tenantId, code))) throw invalidField('rootCause', 'unknown_root_cause', { code });
  await ensureStoredTaxonomy(tx, tenantId);
}

async function linkCases(tx: Executor, tenantId: string, actionId: string, caseIds: string[]): Promise<void> {
  await tx.delete(complaintPreventiveActionCases).where(and(eq(complaintPreventiveActionCases.tenantId, tenantId), eq(complaintPreventiveActionCases.actionId, actionId)));
  const unique = [...new Set(caseIds)];
  if (unique.length === 0) return;
  const found = await tx.select({ id: complaintCases.id }).from(complaintCases).where(and(eq(complaintCases.tenantId, tenantId), inArray(complaintCases.id, unique)));
  if (found.length !== unique.length) throw invalidField('caseIds', 'unknown_complaint');
  await tx.insert(complaintPreventiveActionCases).values(unique.map((caseId) => ({ tenantId, actionId, caseId })));
}

const completedAtFor = (status: string, previous: Date | null, now: Date) => (status === 'done' || status === 'cancelled' ? (previous ?? now) : null);

export async function createPreventiveAction(tx: Executor, tenantId: string, actor: Actor, input: CreatePreventiveAction, ip: string, now = new Date()): Promise<PreventiveActionView> {
  if (!validDate(input.dueDate)) throw invalidField('dueDate', 'validation_failed');
  await checkOwner(tx, tenantId, input.ownerId);
  if (input.rootCause) await checkRootCause(tx, tenantId, input.rootCause);
  const id = randomUUID();
  const status = input.status ?? 'open';
  await tx.insert(complaintPreventiveActions).values({
    tenantId, id, title: input.title, description: input.description ?? null, ownerId: input.ownerId, dueDate: input.dueDate, status,
    rootCause: input.rootCause ?? null, category: input.category ?? null, product: input.product ?? null,
    createdBy: `${actor.kind}:${actor.id}`, createdAt: now, updatedAt: now, completedAt: completedAtFor(status, null, now),
  });
  if (input.caseIds) await linkCases(tx, tenantId, id, input.caseIds);
  if (input.alertId) {
    const linked = await tx.update(complaintRecurrenceAlerts).set({ preventiveActionId: id })
      .where(and(eq(complaintRecurrenceAlerts.tenantId, tenantId), eq(complaintRecurrenceAlerts.id, input.alertId))).returning({ id: complaintRecurrenceAlerts.id });
    if (linked.length === 0) throw invalidField('alertId', 'unknown_recurrence_alert');
  }
  await recordAudit(tx, tenantId, actor, { action: 'complaint.preventive_action.created', targetType: 'complaint_preventive_action', targetId: id, ip, details: { ...input } });
  return getPreventiveAction(tx, tenantId, id);
}

export async function updatePreventiveAction(tx: Executor, tenantId: string, actor: Actor, id: string, patch: UpdatePreventiveAction, ip: string, now = new Date()): Promise<PreventiveActionView> {
  const row = await findAction(tx, tenantId, id, true);
  if (!row) throw notFound();
  // An owner who only works complaints may move their own action along, nothing else.
  if (!roleAllows(actor.role, 'complaints:manage')) {
    const onlyStatus = Object.entries(patch).every(([k, v]) => k === 'status' || v === undefined);
    if (actor.kind !== 'user' || row.ownerId !== actor.id || !onlyStatus) throw new Problem(403, 'preventive_action_not_owner');
  }
  if (patch.dueDate !== undefined && !validDate(patch.dueDate)) throw invalidField('dueDate', 'validation_failed');
  if (patch.ownerId !== undefined) await checkOwner(tx, tenantId, patch.ownerId);
  if (patch.rootCause) await checkRootCause(tx, tenantId, patch.rootCause);
  const set: Partial<typeof complaintPreventiveActions.$inferInsert> = { updatedAt: now };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.ownerId !== undefined) set.ownerId = patch.ownerId;
  if (patch.dueDate !== undefined) set.dueDate = patch.dueDate;
  if (patch.rootCause !== undefined) set.rootCause = patch.rootCause;
  if (patch.category !== undefined) set.category = patch.category;
  if (patch.product !== undefined) set.product = patch.product;
  if (patch.status !== undefined) {
    set.status = patch.status;
    set.completedAt = completedAtFor(patch.status, patch.status === row.status ? row.completedAt : null, now);
  }
  await tx.update(complaintPreventiveActions).set(set).where(and(eq(complaintPreventiveActions.tenantId, tenantId), eq(complaintPreventiveActions.id, id)));
  if (patch.caseIds !== undefined) await linkCases(tx, tenantId, id, patch.caseIds);
  await recordAudit(tx, tenantId, actor, {
    action: 'complaint.preventive_action.updated', targetType: 'complaint_preventive_action', targetId: id, ip, details: { ...patch, ...(patch.status ? { statusFrom: row.status } : {}) },
  });
  return getPreventiveAction(tx, tenantId, id);
}

/** Deletes the action and its case links; alerts it answered are unlinked, not deleted. */
export async function deletePreventiveAction(tx: Executor, tenantId: string, actor: Actor, id: string, ip: string): Promise<void> {
  const row = await findAction(tx, tenantId, id, true);
  if (!row) throw notFound();
  await tx.update(complaintRecurrenceAlerts).set({ preventiveActionId: null })
    .where(and(eq(complaintRecurrenceAlerts.tenantId, tenantId), eq(complaintRecurrenceAlerts.preventiveActionId, id)));
  await tx.delete(complaintPreventiveActions).where(and(eq(complaintPreventiveActions.tenantId, tenantId), eq(complaintPreventiveActions.id, id)));
  await recordAudit(tx, tenantId, actor, { action: 'complaint.preventive_action.deleted', targetType: 'complaint_preventive_action', targetId: id, ip, details: { title: row.title } });
}
