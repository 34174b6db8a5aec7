// SQL of the SLA engine: settings rows, the per-case SLA index row, the scan's claim and the queue.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { caseSearchCondition, type CaseSearch } from './case-search.ts';
import { complaintCaseSla, complaintSlaCalendars, complaintSlaPolicies, complaintTeams } from './complaint-sla.schema.ts';
import { complaintCaseEvents, complaintCases } from './complaints.schema.ts';

export type CalendarRow = typeof complaintSlaCalendars.$inferSelect;
export type PolicyRow = typeof complaintSlaPolicies.$inferSelect;
export type NewPolicy = typeof complaintSlaPolicies.$inferInsert;
export type TeamRow = typeof complaintTeams.$inferSelect;
export type NewTeam = typeof complaintTeams.$inferInsert;
export type CaseRow = typeof complaintCases.$inferSelect;
export type CaseEventRow = typeof complaintCaseEvents.$inferSelect;

/**
 * The stamp of the workspace's SLA settings tables as one scalar expression: it changes whenever a
 * calendar, policy or team row does (written, or deleted). A statement can compare it in passing.
 */
export function settingsStampExpression(tenantId: string): SQL {
  return sql`concat_ws('|',
      (SELECT extract(epoch FROM updated_at)::text FROM complaint_sla_calendars WHERE tenant_id = ${tenantId}),
      (SELECT count(*)::text || ':' || coalesce(extract(epoch FROM max(updated_at))::text, '') FROM complaint_sla_policies WHERE tenant_id = ${tenantId}),
      (SELECT count(*)::text || ':' || coalesce(extract(epoch FROM max(updated_at))::text, '') FROM complaint_teams WHERE tenant_id = ${tenantId}))`;
}

/** Changes whenever a setting of the workspace does: the cache key of its compiled SLA configuration; with how many policies it has. */
export async function settingsStamp(db: Executor, tenantId: string): Promise<{ stamp: string; policies: number }> {
  const { rows } = await db.execute<{ stamp: string; policies: number }>(sql`
    SELECT ${settingsStampExpression(tenantId)} AS stamp,
           (SELECT count(*)::int FROM complaint_sla_policies WHERE tenant_id = ${tenantId}) AS policies`);
  return rows[0]!;
}

export async function findCalendar(db: Executor, tenantId: string): Promise<CalendarRow | undefined> {
  const [row] = await db.select().from(complaintSlaCalendars).where(eq(complaintSlaCalendars.tenantId, tenantId));
  return row;
}

export async function saveCalendar(tx: Executor, row: typeof complaintSlaCalendars.$inferInsert): Promise<CalendarRow> {
  const { tenantId: _tenant, ...rest } = row;
  const [saved] = await tx.insert(complaintSlaCalendars).values(row)
    .onConflictDoUpdate({ target: complaintSlaCalendars.tenantId, set: rest })
    .returning();
  return saved!;
}

export async function listPolicies(db: Executor, tenantId: string): Promise<PolicyRow[]> {
  return db.select().from(complaintSlaPolicies).where(eq(complaintSlaPolicies.tenantId, tenantId))
    .orderBy(sql`${complaintSlaPolicies.category} NULLS FIRST`, sql`${complaintSlaPolicies.severity} NULLS FIRST`, asc(complaintSlaPolicies.createdAt));
}

export async function findPolicy(db: Executor, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<PolicyRow | undefined> {
  const query = db.select().from(complaintSlaPolicies).where(and(eq(complaintSlaPolicies.tenantId, tenantId), eq(complaintSlaPolicies.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** undefined when another policy has the same (category, severity). */
export async function insertPolicy(tx: Executor, row: NewPolicy): Promise<PolicyRow | undefined> {
  const [created] = await tx.insert(complaintSlaPolicies).values(row).onConflictDoNothing().returning();
  return created;
}

/**
 * Inserts the policy unless the workspace has any (a fresh workspace's default). Against a
 * concurrent uncommitted insert of the same (category, severity) it waits for that transaction,
 * then does nothing (or inserts, had it rolled back).
 */
export async function insertPolicyUnlessAny(tx: Executor, row: NewPolicy): Promise<void> {
  await tx.execute(sql`
    INSERT INTO complaint_sla_policies (tenant_id, id, name, category, severity, acknowledge_minutes, first_response_minutes, resolve_minutes,
                                        pausing_states, warning_share, on_reopen, escalate_on_breach, active, created_at, updated_at)
    SELECT ${row.tenantId}::uuid, ${row.id}::uuid, ${row.name}, ${row.category ?? null}, ${row.severity ?? null}, ${row.acknowledgeMinutes ?? null}::int,
           ${row.firstResponseMinutes ?? null}::int, ${row.resolveMinutes ?? null}::int, ${sql.param(row.pausingStates)}::text[], ${row.warningShare}::real,
           ${row.onReopen}, ${row.escalateOnBreach}, ${row.active}, ${(row.createdAt ?? new Date()).toISOString()}::timestamptz, ${(row.updatedAt ?? new Date()).toISOString()}::timestamptz
    WHERE NOT EXISTS (SELECT 1 FROM complaint_sla_policies WHERE tenant_id = ${row.tenantId})
    ON CONFLICT DO NOTHING`);
}

export async function updatePolicy(tx: Executor, tenantId: string, id: string, patch: Partial<NewPolicy>): Promise<PolicyRow> {
  const [row] = await tx.update(complaintSlaPolicies).set(patch).where(and(eq(complaintSlaPolicies.tenantId, tenantId), eq(complaintSlaPolicies.id, id))).returning();
  return row!;
}

/** Whether another policy of the workspace holds this (category, severity). */
export async function policyPairTaken(db: Executor, tenantId: string, category: string | null, severity: string | null, exceptId: string): Promise<boolean> {
  const { rows } = await db.execute(sql`
    SELECT 1 FROM complaint_sla_policies
    WHERE tenant_id = ${tenantId} AND coalesce(category, '') = ${category ?? ''} AND coalesce(severity, '') = ${severity ?? ''} AND id <> ${exceptId}`);
  return rows.length > 0;
}

export async function deletePolicy(tx: Executor, tenantId: string, id: string): Promise<void> {
  await tx.delete(complaintSlaPolicies).where(and(eq(complaintSlaPolicies.tenantId, tenantId), eq(complaintSlaPolicies.id, id)));
}

export async function listTeams(db: Executor, tenantId: string): Promise<TeamRow[]> {
  return db.select().from(complaintTeams).where(eq(complaintTeams.tenantId, tenantId)).orderBy(asc(complaintTeams.key));
}

export async function findTeam(db: Executor, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<TeamRow | undefined> {
  const query = db.select().from(complaintTeams).where(and(eq(complaintTeams.tenantId, tenantId), eq(complaintTeams.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** undefined when the key is taken. */
export async function insertTeam(tx: Executor, row: NewTeam): Promise<TeamRow | undefined> {
  const [created] = await tx.insert(complaintTeams).values(row).onConflictDoNothing().returning();
  return created;
}

export async function updateTeam(tx: Executor, tenantId: string, id: string, patch: Partial<NewTeam>): Promise<TeamRow> {
  const [row] = await tx.update(complaintTeams).set(patch).where(and(eq(complaintTeams.tenantId, tenantId), eq(complaintTeams.id, id))).returning();
  return row!;
}

export async function deleteTeam(tx: Executor, tenantId: string, id: string): Promise<void> {
  await tx.delete(complaintTeams).where(and(eq(complaintTeams.tenantId, tenantId), eq(complaintTeams.id, id)));
}

/**
 * Takes the team's next round-robin turn: the row lock serialises intakes racing for the same
 * team, so each gets its own turn. Undefined when there is no such team.
 */
export async function takeRoundRobinTurn(tx: Executor, tenantId: string, key: string): Promise<{ members: string[]; turn: number } | undefined> {
  const { rows } = await tx.execute<{ members: string[]; turn: number }>(sql`
    UPDATE complaint_teams SET round_robin = round_robin + 1
    WHERE tenant_id = ${tenantId} AND key = ${key} AND cardinality(members) > 0
    RETURNING members, round_robin - 1 AS turn`);
  return rows[0];
}

/** Of these accounts, the active members of the workspace with their roles. */
export async function activeMemberRoles(db: Executor, tenantId: string, accountIds: string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const { rows } = await db.execute<{ account_id: string; role: string }>(sql`
    SELECT account_id, role FROM members
    WHERE tenant_id = ${tenantId} AND account_id = ANY(${`{${accountIds.join(',')}}`}::uuid[]) AND disabled_at IS NULL`);
  return new Map(rows.map((r) => [r.account_id, r.role]));
}

export async function findCase(db: Executor, tenantId: string, id: string): Promise<CaseRow | undefined> {
  const [row] = await db.select().from(complaintCases).where(and(eq(complaintCases.tenantId, tenantId), eq(complaintCases.id, id)));
  return row;
}

/** The logs of several cases of one workspace, each in the order it was written. */
export async function eventsOfCases(db: Executor, tenantId: string, caseIds: string[]): Promise<Map<string, CaseEventRow[]>> {
  const byCase = new Map<string, CaseEventRow[]>(caseIds.map((id) => [id, []]));
  if (caseIds.length === 0) return byCase;
  const rows = await db.select().from(complaintCaseEvents)
    .where(and(eq(complaintCaseEvents.tenantId, tenantId), sql`${complaintCaseEvents.caseId} = ANY(${`{${caseIds.join(',')}}`}::uuid[])`, sql`${complaintCaseEvents.kind} IN ('transition', 'response')`))
    .orderBy(asc(complaintCaseEvents.caseId), asc(complaintCaseEvents.id));
  for (const row of rows) byCase.get(row.caseId)?.push(row);
  return byCase;
}

export interface SlaIndexRow {
  tenantId: string;
  caseId: string;
  team: string | null;
  assigneeId: string | null;
  caseState: string;
  slaState: string;
  urgency: number;
  /** null: none ('infinity' in the table) */
  dueAt: Date | null;
  nextChangeAt: Date | null;
  policyId: string | null;
  computedAt: Date;
  /** the clocks as computed (ComplaintSlaView) */
  clocks: unknown;
}

export async function publishedMarkers(db: Executor, tenantId: string, caseId: string): Promise<string[] | undefined> {
  const [row] = await db.select({ published: complaintCaseSla.published }).from(complaintCaseSla)
    .where(and(eq(complaintCaseSla.tenantId, tenantId), eq(complaintCaseSla.caseId, caseId)));
  return row?.published;
}

export async function publishedMarkersOf(db: Executor, tenantId: string, caseIds: string[]): Promise<Map<string, string[]>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.select({ caseId: complaintCaseSla.caseId, published: complaintCaseSla.published }).from(complaintCaseSla)
    .where(and(eq(complaintCaseSla.tenantId, tenantId), sql`${complaintCaseSla.caseId} = ANY(${`{${caseIds.join(',')}}`}::uuid[])`));
  return new Map(rows.map((r) => [r.caseId, r.published]));
}

/** Writes cases' SLA index rows in one statement, markers included. */
export const SLA_INDEX_COLUMNS = sql.raw('tenant_id, case_id, team, assignee_id, case_state, sla_state, urgency, due_at, next_change_at, policy_id, published, computed_at, clocks');

/** SLA index rows as a relation (a SELECT of the table's columns), for an INSERT of this statement or of another. */
export function slaIndexRowsSelect(rows: (SlaIndexRow & { published: string[] })[]): SQL {
  const records = rows.map((r) => ({
    tenant_id: r.tenantId, case_id: r.caseId, team: r.team, assignee_id: r.assigneeId, case_state: r.caseState, sla_state: r.slaState,
    urgency: r.urgency, due_at: r.dueAt ? r.dueAt.toISOString() : 'infinity', next_change_at: r.nextChangeAt ? r.nextChangeAt.toISOString() : null,
    policy_id: r.policyId, published: r.published, computed_at: r.computedAt.toISOString(), clocks: r.clocks,
  }));
  return sql`
    SELECT ${SLA_INDEX_COLUMNS}
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(
      tenant_id uuid, case_id uuid, team text, assignee_id uuid, case_state text, sla_state text, urgency smallint, due_at timestamptz,
      next_change_at timestamptz, policy_id uuid, published text[], computed_at timestamptz, clocks jsonb)`;
}

export async function upsertSlaIndexes(tx: Executor, rows: (SlaIndexRow & { published: string[] })[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    INSERT INTO complaint_case_sla (${SLA_INDEX_COLUMNS})
    ${slaIndexRowsSelect(rows)}
    ON CONFLICT (tenant_id, case_id) DO UPDATE SET
      team = excluded.team, assignee_id = excluded.assignee_id, case_state = excluded.case_state, sla_state = excluded.sla_state,
      urgency = excluded.urgency, due_at = excluded.due_at, next_change_at = excluded.next_change_at, policy_id = excluded.policy_id,
      published = excluded.published, computed_at = excluded.computed_at, clocks = excluded.clocks`);
}

/**
 * Claims up to `limit` cases whose SLA is due to change, locking their case rows (the lock every
 * change of a case takes first, so the scan and a change never interleave and never deadlock);
 * rows another scanner or a change holds are skipped.
 */
export async function claimDueCases(tx: Executor, now: Date, limit: number): Promise<CaseRow[]> {
  const { rows } = await tx.execute<{ tenant_id: string; id: string }>(sql`
    SELECT c.tenant_id, c.id
    FROM complaint_case_sla s
    JOIN complaint_cases c ON c.tenant_id = s.tenant_id AND c.id = s.case_id
    WHERE s.next_change_at <= ${now.toISOString()}::timestamptz
    ORDER BY s.next_change_at
    LIMIT ${limit}
    FOR UPDATE OF c SKIP LOCKED`);
  if (rows.length === 0) return [];
  const byTenant = new Map<string, string[]>();
  for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
  const cases: CaseRow[] = [];
  for (const [tenantId, ids] of byTenant) {
    cases.push(...await tx.select().from(complaintCases).where(and(eq(complaintCases.tenantId, tenantId), sql`${complaintCases.id} = ANY(${`{${ids.join(',')}}`}::uuid[])`)));
  }
  return cases;
}

/** The next batch of a workspace's open cases after `afterId`, locked (skipping none: a recompute must see them all). */
export async function lockOpenCasesAfter(tx: Executor, tenantId: string, afterId: string | null, limit: number): Promise<CaseRow[]> {
  return tx.select().from(complaintCases)
    .where(and(
      eq(complaintCases.tenantId, tenantId),
      sql`${complaintCases.state} <> 'closed'`,
      afterId ? sql`${complaintCases.id} > ${afterId}` : undefined,
    ))
    .orderBy(asc(complaintCases.id))
    .limit(limit)
    .for('update');
}

export interface QueueFilter {
  team?: string | undefined;
  /** an account id, or null for unassigned */
  assigneeId?: string | null | undefined;
  urgency?: number | undefined;
  state?: string | undefined;
  channel?: string | undefined;
  search?: CaseSearch | undefined;
  after?: { urgency: number; dueAt: Date | null; id: string } | undefined;
  limit: number;
}

export interface QueueRow {
  urgency: number;
  dueAt: Date | null;
  computedAt: Date;
  clocks: unknown;
  case: CaseRow;
}

/** A page of the queue, most urgent first: (urgency, due, id) over the open cases' index rows, with the cases. */
export async function queuePage(db: Executor, tenantId: string, filter: QueueFilter): Promise<QueueRow[]> {
  const s = complaintCaseSla;
  const where = [eq(s.tenantId, tenantId), sql`${s.caseState} <> 'closed'`];
  if (filter.team !== undefined) where.push(eq(s.team, filter.team));
  if (filter.assigneeId === null) where.push(sql`${s.assigneeId} IS NULL`);
  else if (filter.assigneeId !== undefined) where.push(eq(s.assigneeId, filter.assigneeId));
  if (filter.urgency !== undefined) where.push(eq(s.urgency, filter.urgency));
  if (filter.state !== undefined) where.push(eq(s.caseState, filter.state));
  if (filter.channel !== undefined) where.push(eq(complaintCases.channel, filter.channel));
  if (filter.search) where.push(caseSearchCondition(filter.search));
  if (filter.after) {
    const due = filter.after.dueAt ? sql`${filter.after.dueAt.toISOString()}::timestamptz` : sql`'infinity'::timestamptz`;
    where.push(sql`(${s.urgency}, ${s.dueAt}, ${s.caseId}) > (${filter.after.urgency}::smallint, ${due}, ${filter.after.id}::uuid)`);
  }
  const rows = await db
    .select({
      urgency: s.urgency,
      dueAt: sql<string | null>`CASE WHEN ${s.dueAt} = 'infinity' THEN NULL ELSE to_json(${s.dueAt})#>>'{}' END`,
      computedAt: s.computedAt,
      clocks: s.clocks,
      case: complaintCases,
    })
    .from(s)
    .innerJoin(complaintCases, and(eq(complaintCases.tenantId, s.tenantId), eq(complaintCases.id, s.caseId)))
    .where(and(...where))
    .orderBy(asc(s.urgency), asc(s.dueAt), asc(s.caseId))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r, urgency: Number(r.urgency), dueAt: r.dueAt ? new Date(r.dueAt) : null }));
}
