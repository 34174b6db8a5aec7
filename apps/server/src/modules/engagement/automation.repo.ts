import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { automationRules, automationRuns, messageTemplates } from './engagement.schema.ts';

export type TemplateRow = typeof messageTemplates.$inferSelect;
export type RuleRow = typeof automationRules.$inferSelect;
export type RunRow = typeof automationRuns.$inferSelect;

// ---- templates

export async function listTemplates(db: Executor, tenantId: string): Promise<TemplateRow[]> {
  return db.select().from(messageTemplates).where(eq(messageTemplates.tenantId, tenantId)).orderBy(messageTemplates.name, messageTemplates.id);
}

export async function findTemplate(db: Executor, tenantId: string, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(messageTemplates).where(and(eq(messageTemplates.tenantId, tenantId), eq(messageTemplates.id, id)));
  return row;
}

export async function insertTemplate(tx: Executor, row: typeof messageTemplates.$inferInsert): Promise<TemplateRow> {
  const [inserted] = await tx.insert(messageTemplates).values(row).returning();
  return inserted!;
}

export async function updateTemplateRow(tx: Executor, tenantId: string, id: string, patch: Partial<typeof messageTemplates.$inferInsert>): Promise<TemplateRow | undefined> {
  const [row] = await tx.update(messageTemplates).set(patch).where(and(eq(messageTemplates.tenantId, tenantId), eq(messageTemplates.id, id))).returning();
  return row;
}

export async function deleteTemplateRow(tx: Executor, tenantId: string, id: string): Promise<boolean> {
  const rows = await tx.delete(messageTemplates).where(and(eq(messageTemplates.tenantId, tenantId), eq(messageTemplates.id, id))).returning({ id: messageTemplates.id });
  return rows.length > 0;
}

/** Names of the rules whose send_message actions use a template. */
export async function rulesUsingTemplate(db: Executor, tenantId: string, templateId: string): Promise<string[]> {
  const rows = await db.select({ name: automationRules.name }).from(automationRules).where(and(
    eq(automationRules.tenantId, tenantId),
    sql`${automationRules.actions} @> ${JSON.stringify([{ templateId }])}::jsonb`,
  ));
  return rows.map((r) => r.name);
}

// ---- rules

export async function listRules(db: Executor, tenantId: string): Promise<RuleRow[]> {
  return db.select().from(automationRules).where(eq(automationRules.tenantId, tenantId)).orderBy(automationRules.createdAt, automationRules.id);
}

export async function findRule(db: Executor, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<RuleRow | undefined> {
  const query = db.select().from(automationRules).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

export async function insertRule(tx: Executor, row: typeof automationRules.$inferInsert): Promise<RuleRow> {
  const [inserted] = await tx.insert(automationRules).values(row).returning();
  return inserted!;
}

/** Inserts the built-in rules a workspace lacks (the unique (tenant, builtin) index keeps it once). */
export async function insertMissingBuiltins(tx: Executor, rows: (typeof automationRules.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(automationRules).values(rows).onConflictDoNothing();
}

/** Removes built-in rules whose keys were retired (see RETIRED_BUILTINS). */
export async function deleteRetiredBuiltins(tx: Executor, tenantId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.delete(automationRules).where(and(eq(automationRules.tenantId, tenantId), sql`${automationRules.builtin} = ANY(${sql.param(keys)}::text[])`));
}

export async function updateRuleRow(tx: Executor, tenantId: string, id: string, patch: Partial<typeof automationRules.$inferInsert>): Promise<RuleRow | undefined> {
  const [row] = await tx.update(automationRules).set(patch).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id))).returning();
  return row;
}

export async function deleteRuleRow(tx: Executor, tenantId: string, id: string): Promise<boolean> {
  const rows = await tx.delete(automationRules).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id))).returning({ id: automationRules.id });
  return rows.length > 0;
}

/** Tenants with enabled rules of a trigger type (date, inactivity), for the scheduled jobs. */
export async function enabledRulesByTriggerType(db: Executor, type: 'date' | 'inactivity'): Promise<RuleRow[]> {
  return db.select().from(automationRules).where(and(eq(automationRules.enabled, true), sql`${automationRules.trigger}->>'type' = ${type}`));
}

// ---- lookups for validation (other modules' tables, read only)

export async function existingIds(db: Executor, tenantId: string, table: 'segments' | 'webhook_endpoints' | 'message_templates', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const result = await db.execute<{ id: string }>(sql`SELECT id FROM ${sql.identifier(table)} WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::uuid[])`);
  return new Set(result.rows.map((r) => r.id));
}

export async function existingMembers(db: Executor, tenantId: string, accountIds: string[]): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const result = await db.execute<{ id: string }>(sql`SELECT account_id AS id FROM members WHERE tenant_id = ${tenantId} AND account_id = ANY(${sql.param(accountIds)}::uuid[])`);
  return new Set(result.rows.map((r) => r.id));
}

export async function webhookEndpointEnabled(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await db.execute(sql`SELECT 1 FROM webhook_endpoints WHERE tenant_id = ${tenantId} AND id = ${id} AND enabled`);
  return result.rows.length > 0;
}

// ---- customers as the engine sees them

export interface EngineCustomer {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  language: string | null;
  preferredChannel: string | null;
  consent: Record<string, { granted?: boolean } | undefined>;
  tags: string[];
  attributes: Record<string, unknown>;
  birthday: string | null;
  birthdayCalendar: string | null;
  timeZone: string | null;
  lastSeenAt: Date | null;
  mergedInto: string | null;
  erasedAt: Date | null;
}

const CUSTOMER_COLUMNS = sql`id, name, email, phone, language, preferred_channel, consent, tags, attributes, birthday::text AS birthday,
  birthday_calendar, time_zone, last_seen_at, merged_into, erased_at`;

interface CustomerSqlRow extends Record<string, unknown> {
  id: string; name: string | null; email: string | null; phone: string | null; language: string | null; preferred_channel: string | null;
  consent: EngineCustomer['consent']; tags: string[]; attributes: Record<string, unknown>; birthday: string | null; birthday_calendar: string | null;
  time_zone: string | null; last_seen_at: Date | string | null; merged_into: string | null; erased_at: Date | string | null;
}

const asDate = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));

function toEngineCustomer(r: CustomerSqlRow): EngineCustomer {
  return {
    id: r.id, name: r.name, email: r.email, phone: r.phone, language: r.language, preferredChannel: r.preferred_channel,
    consent: r.consent ?? {}, tags: r.tags ?? [], attributes: r.attributes ?? {}, birthday: r.birthday, birthdayCalendar: r.birthday_calendar,
    timeZone: r.time_zone, lastSeenAt: asDate(r.last_seen_at), mergedInto: r.merged_into, erasedAt: asDate(r.erased_at),
  };
}

export async function loadCustomer(db: Executor, tenantId: string, id: string): Promise<EngineCustomer | undefined> {
  const result = await db.execute<CustomerSqlRow>(sql`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE tenant_id = ${tenantId} AND id = ${id}`);
  return result.rows[0] ? toEngineCustomer(result.rows[0]) : undefined;
}

/** Several customers at once (an event batch's), by id; ids not found are absent. */
export async function loadCustomers(db: Executor, tenantId: string, ids: string[]): Promise<Map<string, EngineCustomer>> {
  if (ids.length === 0) return new Map();
  const result = await db.execute<CustomerSqlRow>(sql`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::uuid[])`);
  return new Map(result.rows.map((r) => [r.id, toEngineCustomer(r)]));
}

/** Live customers whose Gregorian birthday is one of `dates` given in `calendar` (uses the birthday index). */
export async function customersBornOn(db: Executor, tenantId: string, calendar: string, dates: string[]): Promise<EngineCustomer[]> {
  if (dates.length === 0) return [];
  const result = await db.execute<CustomerSqlRow>(sql`
    SELECT ${CUSTOMER_COLUMNS} FROM customers
    WHERE tenant_id = ${tenantId} AND birthday = ANY(${sql.param(dates)}::date[]) AND merged_into IS NULL AND erased_at IS NULL
      AND coalesce(birthday_calendar, 'gregory') = ${calendar}`);
  return result.rows.map(toEngineCustomer);
}

/** Live customers inactive for `days` whose current spell has no run of this rule yet, oldest first. */
export async function inactiveCustomers(db: Executor, tenantId: string, ruleId: string, before: Date, limit: number): Promise<EngineCustomer[]> {
  const result = await db.execute<CustomerSqlRow>(sql`
    SELECT ${CUSTOMER_COLUMNS} FROM customers c
    WHERE c.tenant_id = ${tenantId} AND c.merged_into IS NULL AND c.erased_at IS NULL AND c.last_seen_at < ${before.toISOString()}::timestamptz
      AND NOT EXISTS (SELECT 1 FROM automation_runs r WHERE r.tenant_id = c.tenant_id AND r.rule_id = ${ruleId} AND r.customer_id = c.id
                      AND r.trigger_key = 'inactive:' || floor(extract(epoch FROM c.last_seen_at))::bigint)
    ORDER BY c.last_seen_at LIMIT ${limit}`);
  return result.rows.map(toEngineCustomer);
}

export async function customerInSegment(db: Executor, tenantId: string, predicate: ReturnType<typeof sql>, customerId: string): Promise<boolean> {
  // OFFSET 0 keeps the primary-key lookup first; otherwise the planner may scan the predicate's
  // (e.g. tags GIN) index for the whole workspace and filter by id afterwards.
  const result = await db.execute(sql`SELECT 1 FROM (SELECT * FROM customers WHERE tenant_id = ${tenantId} AND id = ${customerId} OFFSET 0) customers WHERE ${predicate}`);
  return result.rows.length > 0;
}

/** Which of `customerIds` are in a segment: one query for an event batch's customers. */
export async function customersInSegment(db: Executor, tenantId: string, predicate: ReturnType<typeof sql>, customerIds: string[]): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  // OFFSET 0 as above: primary-key lookups of the batch first, the predicate on those rows only.
  const result = await db.execute<{ id: string }>(sql`
    SELECT id FROM (SELECT * FROM customers WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(customerIds)}::uuid[]) OFFSET 0) customers
    WHERE ${predicate}`);
  return new Set(result.rows.map((r) => r.id));
}

// ---- runs

export interface NewRun {
  ruleId: string;
  customerId: string;
  triggerKey: string;
  status: 'waiting' | 'done' | 'skipped';
  reason: string | null;
  trigger: Record<string, unknown>;
  dueAt: Date | null;
}

export const runKey = (run: Pick<NewRun, 'ruleId' | 'customerId' | 'triggerKey'>) => `${run.ruleId}:${run.customerId}:${run.triggerKey}`;

/**
 * Inserts runs, skipping any (rule, customer, trigger) that already ran: that unique key is what
 * makes a redelivered event a no-op. Returns the ids of the rows inserted, by `runKey`.
 */
export async function insertRuns(tx: Executor, tenantId: string, runs: NewRun[], now: Date): Promise<Map<string, number>> {
  if (runs.length === 0) return new Map();
  const column = <T>(pick: (r: NewRun) => T) => sql.param(runs.map(pick));
  const result = await tx.execute<{ id: string; rule_id: string; customer_id: string; trigger_key: string }>(sql`
    INSERT INTO automation_runs (tenant_id, rule_id, customer_id, trigger_key, status, reason, trigger, due_at, created_at, completed_at)
    SELECT ${tenantId}::uuid, r.rule_id, r.customer_id, r.trigger_key, r.status, r.reason, r.trigger, r.due_at, ${now.toISOString()}::timestamptz,
           CASE WHEN r.status = 'waiting' THEN NULL ELSE ${now.toISOString()}::timestamptz END
    FROM unnest(${column((r) => r.ruleId)}::uuid[], ${column((r) => r.customerId)}::uuid[], ${column((r) => r.triggerKey)}::text[],
                ${column((r) => r.status)}::text[], ${column((r) => r.reason)}::text[], ${column((r) => JSON.stringify(r.trigger))}::jsonb[],
                ${column((r) => r.dueAt?.toISOString() ?? null)}::timestamptz[])
         AS r(rule_id, customer_id, trigger_key, status, reason, trigger, due_at)
    ON CONFLICT (tenant_id, rule_id, customer_id, trigger_key) DO NOTHING
    RETURNING id, rule_id, customer_id, trigger_key`);
  return new Map(result.rows.map((r) => [runKey({ ruleId: r.rule_id, customerId: r.customer_id, triggerKey: r.trigger_key }), Number(r.id)]));
}

export interface RunOutcome {
  id: number;
  status: 'done' | 'skipped' | 'failed';
  reason: string | null;
  actions: unknown[];
}

export async function completeRuns(tx: Executor, tenantId: string, outcomes: RunOutcome[], now: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const column = <T>(pick: (r: RunOutcome) => T) => sql.param(outcomes.map(pick));
  await tx.execute(sql`
    UPDATE automation_runs r SET status = o.status, reason = o.reason, actions = o.actions, completed_at = ${now.toISOString()}::timestamptz
    FROM unnest(${column((o) => o.id)}::bigint[], ${column((o) => o.status)}::text[], ${column((o) => o.reason)}::text[],
                ${column((o) => JSON.stringify(o.actions))}::jsonb[]) AS o(id, status, reason, actions)
    WHERE r.tenant_id = ${tenantId} AND r.id = o.id`);
}

/** Waiting runs that are due, locked for this transaction; other workers skip them. */
export async function claimDueRuns(tx: Executor, now: Date, limit: number): Promise<RunRow[]> {
  const result = await tx.execute<Record<string, unknown>>(sql`
    SELECT tenant_id, id, rule_id, customer_id, trigger_key, trigger, due_at FROM automation_runs
    WHERE status = 'waiting' AND due_at <= ${now.toISOString()}::timestamptz
    ORDER BY due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
  return result.rows.map((r) => ({
    tenantId: r.tenant_id as string, id: Number(r.id), ruleId: r.rule_id as string, customerId: r.customer_id as string,
    triggerKey: r.trigger_key as string, trigger: r.trigger, dueAt: asDate(r.due_at as string | null),
  })) as RunRow[];
}

export async function listRuns(db: Executor, tenantId: string, by: { ruleId?: string; customerId?: string }, afterId: number | undefined, limit: number): Promise<RunRow[]> {
  return db.select().from(automationRuns).where(and(
    eq(automationRuns.tenantId, tenantId),
    by.ruleId ? eq(automationRuns.ruleId, by.ruleId) : undefined,
    by.customerId ? eq(automationRuns.customerId, by.customerId) : undefined,
    afterId !== undefined ? lt(automationRuns.id, afterId) : undefined,
  )).orderBy(desc(automationRuns.id)).limit(limit);
}
