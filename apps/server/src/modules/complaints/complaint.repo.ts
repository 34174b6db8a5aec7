// SQL of complaint cases. The case log has insert and select only: nothing here (or anywhere)
// updates or deletes a log row.
import { and, asc, eq, gt, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { customers } from '../customers/index.ts';
import { caseSearchCondition, type CaseSearch } from './case-search.ts';
import { SLA_INDEX_COLUMNS } from './complaint-sla.repo.ts';
import { complaintCaseEvents, complaintCases } from './complaints.schema.ts';

export type CaseRow = typeof complaintCases.$inferSelect;
export type NewCase = typeof complaintCases.$inferInsert;
export type CaseEventRow = typeof complaintCaseEvents.$inferSelect;
export type NewCaseEvent = typeof complaintCaseEvents.$inferInsert;

/** Writes the case unless its tracking code is taken in this workspace (then undefined: issueTrackingCode tries another). */
export async function insertCaseUnlessCodeTaken(tx: Executor, row: NewCase): Promise<CaseRow | undefined> {
  const [created] = await tx
    .insert(complaintCases)
    .values(row)
    .onConflictDoNothing({ target: [complaintCases.tenantId, complaintCases.trackingCode] })
    .returning();
  return created;
}

/** A complaint filed on the public form, ready to store: acknowledged at once, so its log has two lines. */
export interface FiledCase {
  id: string;
  trackingCode: string;
  /** null: the widget's form leaves the name optional */
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  language: string;
  category: string | null;
  description: string;
  at: Date;
  /** where it was filed: the public page (the default) or the embeddable widget */
  channel?: 'web' | 'widget';
}

/**
 * A stored public filing as its rows read back, without reading them: exactly what
 * insertFiledCases writes (keep the two together), for the SLA index of cases just filed.
 */
export function filedCaseRows(tenantId: string, f: FiledCase): { row: CaseRow; log: CaseEventRow[] } {
  const row: CaseRow = {
    tenantId, id: f.id, trackingCode: f.trackingCode, customerId: null, contactName: f.contactName, contactPhone: f.contactPhone, contactEmail: f.contactEmail,
    language: f.language, channel: f.channel ?? 'web', category: f.category, product: null, severity: 'medium', impact: null, remedySought: null, description: f.description,
    assigneeId: null, team: null, state: 'acknowledged', rootCause: null, resolutionSummary: null, relatedResponseId: null, createdBy: 'public',
    receivedAt: f.at, closedAt: null, createdAt: f.at, updatedAt: f.at,
  };
  const line = (id: number, action: string, fromState: string | null, toState: string, actorType: string, details: Record<string, unknown>): CaseEventRow => ({
    tenantId, id, caseId: f.id, at: f.at, kind: 'transition', action, fromState, toState, note: null, actorType, actorId: null, details,
  });
  // Log ids are the database's; the clock orders same-instant lines as logged, which these keep.
  return { row, log: [line(1, 'receive', null, 'received', 'customer', { channel: f.channel ?? 'web' }), line(2, 'acknowledge', 'received', 'acknowledged', 'system', {})] };
}

/** What else a group of public filings writes in its statement (public-filing.ts), all of it or none. */
export interface FiledCasesAlso {
  /** a condition the statement checks first: when false it writes nothing (the SLA settings still as compiled) */
  onlyIf: SQL;
  /** the cases' SLA index rows, a relation of complaint_case_sla's columns (complaint-sla.repo's slaIndexRowsSelect) */
  slaRows: SQL;
  /** the cases' events (outbox's eventsInsert); the caller rolls them back unless every case was stored */
  events: SQL;
}

/**
 * Stores public filings in one statement: each case in its acknowledged state with its two log
 * lines (received by the customer, acknowledged by the system), unless its tracking code is taken
 * in the workspace. Answers the ids stored; a filing left out had a taken code and is tried again
 * with another. Log ids follow the filings' order, receipt before acknowledgement. With `also`, the
 * same statement writes the SLA index rows and the events, when `onlyIf` holds.
 */
export async function insertFiledCases(tx: Executor, tenantId: string, filings: FiledCase[], also?: FiledCasesAlso): Promise<Set<string>> {
  if (filings.length === 0) return new Set();
  const input = filings.map((f, n) => ({
    n, id: f.id, code: f.trackingCode, name: f.contactName, phone: f.contactPhone, email: f.contactEmail, language: f.language,
    category: f.category, description: f.description, at: f.at.toISOString(), channel: f.channel ?? 'web',
  }));
  // The SLA rows go in before the case's insert trigger runs (after the statement), whose
  // placeholder row then finds them and writes nothing.
  const rest = also
    ? sql`, sla AS (
      INSERT INTO complaint_case_sla (${SLA_INDEX_COLUMNS}) SELECT r.* FROM (${also.slaRows}) AS r JOIN stored ON stored.id = r.case_id
    ), events AS (${also.events})`
    : sql``;
  const { rows } = await tx.execute<{ id: string }>(sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        AS x(n int, id uuid, code text, name text, phone text, email text, language text, category text, description text, at timestamptz, channel text)
      ${also ? sql`WHERE ${also.onlyIf}` : sql``}
    ), stored AS (
      INSERT INTO complaint_cases (tenant_id, id, tracking_code, contact_name, contact_phone, contact_email, language, channel, category,
                                   severity, description, state, created_by, received_at, created_at, updated_at)
      SELECT ${tenantId}::uuid, id, code, name, phone, email, language, channel, category, 'medium', description, 'acknowledged', 'public', at, at, at
      FROM input ORDER BY n
      ON CONFLICT (tenant_id, tracking_code) DO NOTHING
      RETURNING id
    ), logged AS (
      INSERT INTO complaint_case_events (tenant_id, case_id, at, kind, action, from_state, to_state, note, actor_type, actor_id, details)
      SELECT ${tenantId}::uuid, input.id, input.at, 'transition', line.action, line.from_state, line.to_state, NULL, line.actor_type, NULL,
             CASE WHEN line.k = 1 THEN jsonb_build_object('channel', input.channel) ELSE line.details END
      FROM input JOIN stored USING (id)
      CROSS JOIN (VALUES (1, 'receive', NULL, 'received', 'customer', '{}'::jsonb),
                         (2, 'acknowledge', 'received', 'acknowledged', 'system', '{}'::jsonb)) AS line(k, action, from_state, to_state, actor_type, details)
      ORDER BY input.n, line.k
    )${rest}
    SELECT id FROM stored`);
  return new Set(rows.map((r) => r.id));
}

export async function findCase(db: Executor, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<CaseRow | undefined> {
  const query = db.select().from(complaintCases).where(and(eq(complaintCases.tenantId, tenantId), eq(complaintCases.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** Cases of a workspace by id, in no particular order (those that exist). */
export async function findCases(db: Executor, tenantId: string, ids: string[]): Promise<CaseRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(complaintCases).where(and(eq(complaintCases.tenantId, tenantId), inArray(complaintCases.id, ids)));
}

export async function findCaseByCode(db: Executor, tenantId: string, trackingCode: string): Promise<CaseRow | undefined> {
  const [row] = await db
    .select()
    .from(complaintCases)
    .where(and(eq(complaintCases.tenantId, tenantId), eq(complaintCases.trackingCode, trackingCode)));
  return row;
}

export async function updateCase(tx: Executor, tenantId: string, id: string, patch: Partial<NewCase>, now: Date): Promise<void> {
  await tx.update(complaintCases).set({ ...patch, updatedAt: now }).where(and(eq(complaintCases.tenantId, tenantId), eq(complaintCases.id, id)));
}

/** Moves many cases of a workspace to their new states at one instant, in one statement. */
export async function setCaseStates(tx: Executor, tenantId: string, changes: { id: string; state: string }[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  await tx.execute(sql`
    UPDATE complaint_cases c SET state = x.state, updated_at = ${now.toISOString()}::timestamptz
    FROM unnest(${sql.param(changes.map((ch) => ch.id))}::uuid[], ${sql.param(changes.map((ch) => ch.state))}::text[]) AS x(id, state)
    WHERE c.tenant_id = ${tenantId} AND c.id = x.id`);
}

export async function appendEvents(tx: Executor, rows: NewCaseEvent[]): Promise<void> {
  if (rows.length > 0) await tx.insert(complaintCaseEvents).values(rows);
}

/** Writes one log line and answers its id (a reply's notice points at it). */
export async function appendEvent(tx: Executor, row: NewCaseEvent): Promise<number> {
  const [written] = await tx.insert(complaintCaseEvents).values(row).returning({ id: complaintCaseEvents.id });
  return written!.id;
}

/** The text of one log line of the case, or null. */
export async function caseEventNote(db: Executor, tenantId: string, caseId: string, eventId: number): Promise<string | null> {
  const [row] = await db.select({ note: complaintCaseEvents.note }).from(complaintCaseEvents)
    .where(and(eq(complaintCaseEvents.tenantId, tenantId), eq(complaintCaseEvents.caseId, caseId), eq(complaintCaseEvents.id, eventId)));
  return row?.note ?? null;
}

/** The case's log in the order it was written. */
export async function eventsOf(db: Executor, tenantId: string, caseId: string): Promise<CaseEventRow[]> {
  return db
    .select()
    .from(complaintCaseEvents)
    .where(and(eq(complaintCaseEvents.tenantId, tenantId), eq(complaintCaseEvents.caseId, caseId)))
    .orderBy(asc(complaintCaseEvents.id));
}

export interface CaseFilter {
  /** a state, 'open' (not closed) or undefined for all */
  state?: string;
  /** an account id, or null for unassigned; undefined for everyone's */
  assigneeId?: string | null;
  team?: string;
  severity?: string;
  category?: string;
  channel?: string;
  search?: CaseSearch;
  after?: { receivedAt: Date; id: string };
  limit: number;
}

/** A page of the queue, oldest received first; keyset on (received_at, id). */
export async function listCases(db: Executor, tenantId: string, filter: CaseFilter): Promise<CaseRow[]> {
  const conditions: (SQL | undefined)[] = [eq(complaintCases.tenantId, tenantId)];
  if (filter.state === 'open') conditions.push(ne(complaintCases.state, 'closed'));
  else if (filter.state !== undefined) conditions.push(eq(complaintCases.state, filter.state));
  if (filter.assigneeId === null) conditions.push(isNull(complaintCases.assigneeId));
  else if (filter.assigneeId !== undefined) conditions.push(eq(complaintCases.assigneeId, filter.assigneeId));
  if (filter.team !== undefined) conditions.push(eq(complaintCases.team, filter.team));
  if (filter.severity !== undefined) conditions.push(eq(complaintCases.severity, filter.severity));
  if (filter.category !== undefined) conditions.push(eq(complaintCases.category, filter.category));
  if (filter.channel !== undefined) conditions.push(eq(complaintCases.channel, filter.channel));
  if (filter.search) conditions.push(caseSearchCondition(filter.search));
  if (filter.after) {
    const { receivedAt, id } = filter.after;
    conditions.push(or(gt(complaintCases.receivedAt, receivedAt), and(eq(complaintCases.receivedAt, receivedAt), gt(complaintCases.id, id))));
  }
  return db
    .select()
    .from(complaintCases)
    .where(and(...conditions))
    .orderBy(asc(complaintCases.receivedAt), asc(complaintCases.id))
    .limit(filter.limit);
}

/** The customer's state, or undefined when no such customer is in this workspace. */
export async function customerState(db: Executor, tenantId: string, customerId: string): Promise<{ name: string | null; mergedInto: string | null; erasedAt: Date | null } | undefined> {
  const [row] = await db
    .select({ name: customers.name, mergedInto: customers.mergedInto, erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  return row;
}

/** The phone and e-mail of the case's customer, for tracking a case entered with a customer and no contact of its own. */
export async function customerContact(db: Executor, tenantId: string, customerId: string): Promise<{ phone: string | null; email: string | null } | undefined> {
  const [row] = await db
    .select({ phone: customers.phone, email: customers.email })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  return row;
}

export async function memberRole(db: Executor, tenantId: string, accountId: string): Promise<string | undefined> {
  const { rows } = await db.execute<{ role: string }>(sql`
    SELECT role FROM members WHERE tenant_id = ${tenantId} AND account_id = ${accountId} AND disabled_at IS NULL`);
  return rows[0]?.role;
}

/** A merge moves the source customer's cases to the survivor. */
export async function moveCasesToSurvivor(tx: Executor, tenantId: string, sourceId: string, targetId: string): Promise<void> {
  await tx.update(complaintCases).set({ customerId: targetId, updatedAt: new Date() }).where(and(eq(complaintCases.tenantId, tenantId), eq(complaintCases.customerId, sourceId)));
}
