import { and, asc, eq, gt, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { localDaySeries } from '../../platform/time/day-series.ts';
import { customers } from '../customers/index.ts';
import { followupAttempts, followups } from './engagement.schema.ts';

export type FollowupRow = typeof followups.$inferSelect;
export type NewFollowup = typeof followups.$inferInsert;
export type FollowupAttemptRow = typeof followupAttempts.$inferSelect;

export interface FollowupCustomer {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  language: string | null;
}
export type FollowupWithCustomer = FollowupRow & { customer: FollowupCustomer };

const withCustomer = {
  followup: followups,
  customer: { id: customers.id, name: customers.name, phone: customers.phone, email: customers.email, language: customers.language },
};
const customerJoin = and(eq(customers.tenantId, followups.tenantId), eq(customers.id, followups.customerId));
const flatten = (r: { followup: FollowupRow; customer: FollowupCustomer }): FollowupWithCustomer => ({ ...r.followup, customer: r.customer });

/** The customer's state, or undefined when no such customer is in this workspace. */
export async function customerState(db: Executor, tenantId: string, customerId: string): Promise<{ mergedInto: string | null; erasedAt: Date | null } | undefined> {
  const [row] = await db
    .select({ mergedInto: customers.mergedInto, erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  return row;
}

/** `customerState` for many customers in one query, by id; unknown ones are left out. */
export async function customersState(db: Executor, tenantId: string, customerIds: string[]): Promise<Map<string, { mergedInto: string | null; erasedAt: Date | null }>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .select({ id: customers.id, mergedInto: customers.mergedInto, erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), sql`${customers.id} = ANY(${sql.param(customerIds)}::uuid[])`));
  return new Map(rows.map((r) => [r.id, { mergedInto: r.mergedInto, erasedAt: r.erasedAt }]));
}

/** Active members with one of these roles, in a stable order (joined first). */
export async function activeMembers(db: Executor, tenantId: string, roles: string[]): Promise<string[]> {
  const { rows } = await db.execute<{ account_id: string }>(sql`
    SELECT account_id FROM members
    WHERE tenant_id = ${tenantId} AND disabled_at IS NULL AND role = ANY(${sql.param(roles)}::text[])
    ORDER BY created_at, account_id`);
  return rows.map((r) => r.account_id);
}

export async function memberRole(db: Executor, tenantId: string, accountId: string): Promise<string | undefined> {
  const { rows } = await db.execute<{ role: string }>(sql`
    SELECT role FROM members WHERE tenant_id = ${tenantId} AND account_id = ${accountId} AND disabled_at IS NULL`);
  return rows[0]?.role;
}

/**
 * Advances the workspace's round-robin position by `count` and returns the first of the positions
 * taken. The upsert takes the row lock, so concurrent openings in one workspace take consecutive
 * positions until they commit.
 */
export async function nextAssignmentPositions(tx: Executor, tenantId: string, count: number): Promise<number> {
  const { rows } = await tx.execute<{ last_index: number }>(sql`
    INSERT INTO followup_assignment (tenant_id, last_index) VALUES (${tenantId}, ${count - 1})
    ON CONFLICT (tenant_id) DO UPDATE SET last_index = followup_assignment.last_index + ${count}
    RETURNING last_index`);
  return rows[0]!.last_index - count + 1;
}

/**
 * The active manager with the fewest open follow-ups (ties: longest a member), or null. Fewest
 * open rather than a rotation: escalations are rare and uneven, and load is what matters.
 */
export async function leastLoadedManager(tx: Executor, tenantId: string): Promise<string | null> {
  const { rows } = await tx.execute<{ account_id: string }>(sql`
    SELECT m.account_id
    FROM members m
    LEFT JOIN followups f ON f.tenant_id = m.tenant_id AND f.assignee_id = m.account_id AND f.status = 'open'
    WHERE m.tenant_id = ${tenantId} AND m.disabled_at IS NULL AND m.role = 'manager'
    GROUP BY m.account_id, m.created_at
    ORDER BY count(f.id), m.created_at, m.account_id
    LIMIT 1`);
  return rows[0]?.account_id ?? null;
}

export async function insertFollowups(tx: Executor, rows: NewFollowup[]): Promise<void> {
  if (rows.length > 0) await tx.insert(followups).values(rows);
}

export async function findFollowup(db: Executor, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<FollowupWithCustomer | undefined> {
  const query = db
    .select(withCustomer)
    .from(followups)
    .innerJoin(customers, customerJoin)
    .where(and(eq(followups.tenantId, tenantId), eq(followups.id, id)));
  const [row] = options.lock ? await query.for('update', { of: followups }) : await query;
  return row ? flatten(row) : undefined;
}

export interface FollowupFilter {
  /** an account id, or null for unassigned; undefined for everyone's */
  assigneeId?: string | null;
  /** with assigneeId: that person's and the unassigned ones */
  orUnassigned?: boolean;
  status?: 'open' | 'done';
  overdue?: boolean;
  customerId?: string;
  after?: { dueAt: Date; id: string };
  limit: number;
  now: Date;
}

/** A queue page, soonest due first; keyset on (due_at, id). */
export async function listFollowups(db: Executor, tenantId: string, filter: FollowupFilter): Promise<FollowupWithCustomer[]> {
  // Merged customers' follow-ups moved to the survivor; erased customers are not to be called.
  const conditions: (SQL | undefined)[] = [eq(followups.tenantId, tenantId), isNull(customers.mergedInto), isNull(customers.erasedAt)];
  if (filter.assigneeId === null) conditions.push(isNull(followups.assigneeId));
  else if (filter.assigneeId !== undefined && filter.orUnassigned) conditions.push(or(eq(followups.assigneeId, filter.assigneeId), isNull(followups.assigneeId)));
  else if (filter.assigneeId !== undefined) conditions.push(eq(followups.assigneeId, filter.assigneeId));
  if (filter.status) conditions.push(eq(followups.status, filter.status));
  if (filter.overdue === true) conditions.push(eq(followups.status, 'open'), lt(followups.dueAt, filter.now));
  if (filter.overdue === false) conditions.push(or(eq(followups.status, 'done'), sql`${followups.dueAt} >= ${filter.now.toISOString()}`));
  if (filter.customerId) conditions.push(eq(followups.customerId, filter.customerId));
  if (filter.after) {
    const { dueAt, id } = filter.after;
    conditions.push(or(gt(followups.dueAt, dueAt), and(eq(followups.dueAt, dueAt), gt(followups.id, id))));
  }
  const rows = await db
    .select(withCustomer)
    .from(followups)
    .innerJoin(customers, customerJoin)
    .where(and(...conditions))
    .orderBy(asc(followups.dueAt), asc(followups.id))
    .limit(filter.limit);
  return rows.map(flatten);
}

export async function updateFollowupRow(tx: Executor, tenantId: string, id: string, patch: Partial<NewFollowup>): Promise<void> {
  await tx.update(followups).set({ ...patch, updatedAt: new Date() }).where(and(eq(followups.tenantId, tenantId), eq(followups.id, id)));
}

export async function insertAttempt(tx: Executor, row: typeof followupAttempts.$inferInsert): Promise<FollowupAttemptRow> {
  const [created] = await tx.insert(followupAttempts).values(row).returning();
  return created!;
}

export async function attemptsOf(db: Executor, tenantId: string, followupId: string): Promise<FollowupAttemptRow[]> {
  return db
    .select()
    .from(followupAttempts)
    .where(and(eq(followupAttempts.tenantId, tenantId), eq(followupAttempts.followupId, followupId)))
    .orderBy(asc(followupAttempts.id));
}

export interface EscalatedRow {
  tenantId: string;
  id: string;
  customerId: string;
  assigneeId: string | null;
  reason: string;
  dueAt: string;
}

/**
 * Marks up to `limit` open follow-ups past their due time escalated and urgent, across workspaces,
 * in one statement. The batch is picked once (MATERIALIZED): as a subquery of the UPDATE the
 * planner may rescan it per row, each rescan skipping the rows just locked and taking more.
 */
export async function escalateOverdue(tx: Executor, now: Date, limit: number): Promise<EscalatedRow[]> {
  const { rows } = await tx.execute<{ tenant_id: string; id: string; customer_id: string; assignee_id: string | null; reason: string; due_at: string }>(sql`
    WITH due AS MATERIALIZED (
      SELECT tenant_id, id FROM followups
      WHERE status = 'open' AND escalated_at IS NULL AND due_at < ${now.toISOString()}
      ORDER BY due_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE followups f SET escalated_at = ${now.toISOString()}, priority = 'urgent', updated_at = ${now.toISOString()}
    FROM due
    WHERE f.tenant_id = due.tenant_id AND f.id = due.id
    RETURNING f.tenant_id, f.id, f.customer_id, f.assignee_id, f.reason, to_char(f.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS due_at`);
  return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, customerId: r.customer_id, assigneeId: r.assignee_id, reason: r.reason, dueAt: r.due_at }));
}

/** The customer's follow-ups opened within the 90 days before this order and not yet credited with one. */
export async function markRepurchased(tx: Executor, tenantId: string, customerId: string, placedAt: Date): Promise<number> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    UPDATE followups SET repurchased_at = ${placedAt.toISOString()}, updated_at = now()
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND repurchased_at IS NULL
      AND created_at <= ${placedAt.toISOString()} AND created_at > ${placedAt.toISOString()}::timestamptz - interval '90 days'
    RETURNING id`);
  return rows.length;
}

/** A merge moves the source customer's follow-ups to the survivor. */
export async function reassignFollowups(tx: Executor, tenantId: string, sourceId: string, targetId: string): Promise<void> {
  await tx.update(followups).set({ customerId: targetId, updatedAt: new Date() }).where(and(eq(followups.tenantId, tenantId), eq(followups.customerId, sourceId)));
}

/** Erasure drops what agents wrote about the customer and keeps outcomes and times. */
export async function stripFollowupNotes(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE followup_attempts a SET note = NULL
    FROM followups f
    WHERE a.tenant_id = ${tenantId} AND f.tenant_id = a.tenant_id AND f.id = a.followup_id AND f.customer_id = ${customerId} AND a.note IS NOT NULL`);
}

/** An erased customer can no longer be called: their open follow-ups are closed (keeping the last attempt's outcome) and leave every queue. */
export async function closeFollowupsOfErasedCustomer(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE followups SET status = 'done', completed_at = now(), updated_at = now()
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND status = 'open'`);
}

/** The raw timings of follow-ups opened in [from, to), for the metrics (epoch milliseconds). */
export interface FollowupTiming {
  assigneeId: string | null;
  status: string;
  outcome: string | null;
  createdAt: number;
  dueAt: number;
  firstResponseAt: number | null;
  completedAt: number | null;
  repurchasedAt: number | null;
}

export async function followupTimings(db: Executor, tenantId: string, from: Date, to: Date): Promise<FollowupTiming[]> {
  const { rows } = await db.execute<{
    assignee_id: string | null; status: string; outcome: string | null; created_at: number; due_at: number;
    first_response_at: number | null; completed_at: number | null; repurchased_at: number | null;
  }>(sql`
    SELECT assignee_id, status, outcome,
           (extract(epoch FROM created_at) * 1000)::float8 AS created_at,
           (extract(epoch FROM due_at) * 1000)::float8 AS due_at,
           (extract(epoch FROM first_response_at) * 1000)::float8 AS first_response_at,
           (extract(epoch FROM completed_at) * 1000)::float8 AS completed_at,
           (extract(epoch FROM repurchased_at) * 1000)::float8 AS repurchased_at
    FROM followups
    WHERE tenant_id = ${tenantId} AND created_at >= ${from.toISOString()} AND created_at < ${to.toISOString()}`);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    assigneeId: r.assignee_id, status: r.status, outcome: r.outcome, createdAt: Number(r.created_at), dueAt: Number(r.due_at),
    firstResponseAt: num(r.first_response_at), completedAt: num(r.completed_at), repurchasedAt: num(r.repurchased_at),
  }));
}

/** Mean, p50 and p90 (percentile_cont: linear interpolation) of each list of minutes, in one query. */
export async function durationStats(db: Executor, lists: number[][]): Promise<{ count: number; mean: number | null; p50: number | null; p90: number | null }[]> {
  if (lists.length === 0) return [];
  const { rows } = await db.execute<{ n: number; count: number; mean: number | null; p50: number | null; p90: number | null }>(sql`
    SELECT l.n, count(v.x)::int AS count, avg(v.x)::float8 AS mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY v.x) AS p50,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY v.x) AS p90
    FROM unnest(${sql.param(lists.map((l) => JSON.stringify(l)))}::jsonb[]) WITH ORDINALITY AS l(values, n)
    LEFT JOIN LATERAL (SELECT value::float8 AS x FROM jsonb_array_elements_text(l.values)) v ON true
    GROUP BY l.n ORDER BY l.n`);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({ count: Number(r.count), mean: num(r.mean), p50: num(r.p50), p90: num(r.p90) }));
}

/**
 * Follow-ups opened and closed as done on each day of [from, to), days taken in the given time
 * zone, every day present (zero when nothing happened).
 */
export async function followupsPerDay(db: Executor, tenantId: string, from: Date, to: Date, timeZone: string): Promise<{ day: string; opened: number; done: number }[]> {
  const [start, end] = [from.toISOString(), to.toISOString()];
  const { rows } = await db.execute<{ day: string; opened: number; done: number }>(sql`
    WITH days AS (${localDaySeries(from, to, timeZone)}), opened AS (
      SELECT (created_at AT TIME ZONE ${timeZone})::date AS day, count(*)::int AS n
      FROM followups
      WHERE tenant_id = ${tenantId} AND created_at >= ${start} AND created_at < ${end}
      GROUP BY 1
    ), done AS (
      SELECT (completed_at AT TIME ZONE ${timeZone})::date AS day, count(*)::int AS n
      FROM followups
      WHERE tenant_id = ${tenantId} AND status = 'done' AND completed_at >= ${start} AND completed_at < ${end}
      GROUP BY 1
    )
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day, coalesce(opened.n, 0) AS opened, coalesce(done.n, 0) AS done
    FROM days LEFT JOIN opened USING (day) LEFT JOIN done USING (day)
    ORDER BY days.day`);
  return rows.map((r) => ({ day: r.day, opened: Number(r.opened), done: Number(r.done) }));
}
