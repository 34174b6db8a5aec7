import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { toOrderRow, type OrderRow } from './order.repo.ts';
import { instantOf, requiredInstant } from './pg-instant.ts';

export type TouchpointDataValue = string | number | boolean;

export interface TouchpointRow {
  id: string;
  customerId: string;
  kind: string;
  channel: string;
  stage: string;
  occurredAt: Date;
  externalId: string | null;
  orderId: string | null;
  source: string | null;
  data: Record<string, TouchpointDataValue>;
  createdAt: Date;
}

export interface NewTouchpoint {
  id: string;
  customerId: string;
  kind: string;
  channel: string;
  stage: string;
  occurredAt: Date;
  /** the instant as given, which may carry microseconds a Date cannot */
  occurredAtExact: string;
  externalId: string | null;
  source: string;
  data: Record<string, TouchpointDataValue>;
}

/** The customer columns ingest needs: identity keys, merge/erase state and current activity. */
export interface CustomerMatch {
  id: string;
  externalId: string | null;
  phone: string | null;
  email: string | null;
  mergedInto: string | null;
  erasedAt: Date | null;
  orderCount: number;
  totalSpentMinor: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  lastSeenAt: Date | null;
}

type RawCustomerMatch = {
  id: string;
  external_id: string | null;
  phone: string | null;
  email: string | null;
  merged_into: string | null;
  erased_at: string | null;
  order_count: number;
  total_spent_minor: number;
  first_order_at: string | null;
  last_order_at: string | null;
  last_seen_at: string | null;
};

const toCustomerMatch = (r: RawCustomerMatch): CustomerMatch => ({
  id: r.id,
  externalId: r.external_id,
  phone: r.phone,
  email: r.email,
  mergedInto: r.merged_into,
  erasedAt: instantOf(r.erased_at),
  orderCount: Number(r.order_count),
  totalSpentMinor: Number(r.total_spent_minor),
  firstOrderAt: instantOf(r.first_order_at),
  lastOrderAt: instantOf(r.last_order_at),
  lastSeenAt: instantOf(r.last_seen_at),
});

const CUSTOMER_MATCH_COLUMNS = sql.raw(
  'id, external_id, phone, email, merged_into, erased_at, order_count, total_spent_minor, first_order_at, last_order_at, last_seen_at',
);

/**
 * Finds the customers a batch names (by id, external id, E.164 phone or e-mail; merged records
 * still answer to their old keys) in one query, and locks them in id order: their activity aggregates are recomputed
 * later in this transaction, and two writers recomputing one customer at once would lose an
 * update. FOR NO KEY UPDATE leaves foreign-key checks from other writers unblocked.
 */
export async function lockCustomersByIdentity(
  tx: Executor,
  tenantId: string,
  keys: { ids: string[]; externalIds: string[]; phones: string[]; emails: string[] },
): Promise<CustomerMatch[]> {
  const { rows } = await tx.execute<RawCustomerMatch>(sql`
    SELECT ${CUSTOMER_MATCH_COLUMNS}
    FROM customers
    WHERE tenant_id = ${tenantId}
      AND (id = ANY(${sql.param(keys.ids)}::uuid[])
           OR external_id = ANY(${sql.param(keys.externalIds)}::text[])
           OR phone = ANY(${sql.param(keys.phones)}::text[])
           OR email = ANY(${sql.param(keys.emails)}::text[]))
    ORDER BY id
    FOR NO KEY UPDATE`);
  return rows.map(toCustomerMatch);
}

export interface NewCustomer {
  id: string;
  externalId: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  language: string | null;
  searchText: string;
}

/**
 * Creates the customers a batch names but nobody matched, in one statement. A row whose phone,
 * e-mail or external id a concurrent writer has just taken is skipped; the caller resolves those
 * one by one.
 */
export async function insertCustomers(tx: Executor, tenantId: string, rows: NewCustomer[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: inserted } = await tx.execute<{ id: string }>(sql`
    INSERT INTO customers (tenant_id, id, external_id, name, phone, email, language, search_text)
    SELECT ${tenantId}::uuid, r.* FROM unnest(
      ${sql.param(rows.map((r) => r.id))}::uuid[],
      ${sql.param(rows.map((r) => r.externalId))}::text[],
      ${sql.param(rows.map((r) => r.name))}::text[],
      ${sql.param(rows.map((r) => r.phone))}::text[],
      ${sql.param(rows.map((r) => r.email))}::text[],
      ${sql.param(rows.map((r) => r.language))}::text[],
      ${sql.param(rows.map((r) => r.searchText))}::text[]) AS r
    ON CONFLICT DO NOTHING
    RETURNING id`);
  return new Set(inserted.map((r) => r.id));
}

export async function lockCustomersById(tx: Executor, tenantId: string, ids: string[]): Promise<CustomerMatch[]> {
  const { rows } = await tx.execute<RawCustomerMatch>(sql`
    SELECT ${CUSTOMER_MATCH_COLUMNS}
    FROM customers
    WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::uuid[])
    ORDER BY id
    FOR NO KEY UPDATE`);
  return rows.map(toCustomerMatch);
}

function touchpointColumns(rows: NewTouchpoint[]) {
  return sql`unnest(
      ${sql.param(rows.map((r) => r.id))}::uuid[],
      ${sql.param(rows.map((r) => r.customerId))}::uuid[],
      ${sql.param(rows.map((r) => r.kind))}::text[],
      ${sql.param(rows.map((r) => r.channel))}::text[],
      ${sql.param(rows.map((r) => r.stage))}::text[],
      ${sql.param(rows.map((r) => r.occurredAtExact))}::timestamptz[],
      ${sql.param(rows.map((r) => r.externalId))}::text[],
      ${sql.param(rows.map((r) => r.source))}::text[],
      ${sql.param(rows.map((r) => JSON.stringify(r.data)))}::jsonb[])
    AS r(id, customer_id, kind, channel, stage, occurred_at, external_id, source, data)`;
}

/**
 * For touchpoints that name their customer by id: locks those customers (as
 * lockCustomersByIdentity does) and inserts the touchpoints whose customer is live, in one
 * statement. Returns every customer found, so the caller can place the rest (merged, erased).
 */
export async function lockCustomersAndInsertTouchpoints(
  tx: Executor,
  tenantId: string,
  rows: NewTouchpoint[],
): Promise<{ customers: CustomerMatch[]; inserted: { id: string; createdAt: Date }[] }> {
  const customerIds = [...new Set(rows.map((r) => r.customerId))];
  const { rows: [result] } = await tx.execute<{ customers: RawCustomerMatch[] | null; inserted: { id: string; created_at: string }[] | null }>(sql`
    WITH locked AS (
      SELECT ${CUSTOMER_MATCH_COLUMNS} FROM customers
      WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(customerIds)}::uuid[])
      ORDER BY id
      FOR NO KEY UPDATE
    ), inserted AS (
      INSERT INTO touchpoints (tenant_id, id, customer_id, kind, channel, stage, occurred_at, external_id, source, data)
      SELECT ${tenantId}::uuid, r.* FROM ${touchpointColumns(rows)}
      WHERE EXISTS (SELECT 1 FROM locked l WHERE l.id = r.customer_id AND l.merged_into IS NULL AND l.erased_at IS NULL)
      ON CONFLICT DO NOTHING
      RETURNING id, created_at
    )
    SELECT (SELECT json_agg(locked) FROM locked) AS customers, (SELECT json_agg(inserted) FROM inserted) AS inserted`);
  return {
    customers: (result?.customers ?? []).map(toCustomerMatch),
    inserted: (result?.inserted ?? []).map((r) => ({ id: r.id, createdAt: requiredInstant(r.created_at) })),
  };
}

/** One multi-row insert; rows whose external id is already recorded are skipped, not errors. */
export async function insertTouchpoints(tx: Executor, tenantId: string, rows: NewTouchpoint[]): Promise<{ id: string; createdAt: Date }[]> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await tx.execute<{ id: string; created_at: string }>(sql`
    INSERT INTO touchpoints (tenant_id, id, customer_id, kind, channel, stage, occurred_at, external_id, source, data)
    SELECT ${tenantId}::uuid, r.* FROM ${touchpointColumns(rows)}
    ON CONFLICT DO NOTHING
    RETURNING id, created_at`);
  return inserted.map((r) => ({ id: r.id, createdAt: requiredInstant(r.created_at) }));
}

export async function touchpointIdsByExternalId(tx: Executor, tenantId: string, externalIds: string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const { rows } = await tx.execute<{ id: string; external_id: string }>(sql`
    SELECT id, external_id FROM touchpoints
    WHERE tenant_id = ${tenantId} AND external_id = ANY(${sql.param(externalIds)}::text[])`);
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

export interface ActivityRow {
  customerId: string;
  orderCount: number;
  totalSpentMinor: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  lastSeenAt: Date | null;
}

/**
 * Recomputes customers' activity from their orders and touchpoints. Count and spend cover
 * orders not returned and in `currency` (amounts in other currencies cannot be added up);
 * first/last order time cover every order not returned; last seen is the latest touchpoint that
 * is not a note (a note is the business writing, not the customer doing).
 */
export async function computeActivity(tx: Executor, tenantId: string, customerIds: string[], currency: string): Promise<ActivityRow[]> {
  if (customerIds.length === 0) return [];
  const { rows } = await tx.execute<{
    customer_id: string; order_count: number; total_spent_minor: number; first_order_at: string | null; last_order_at: string | null; last_seen_at: string | null;
  }>(sql`
    SELECT c.id AS customer_id, o.order_count, o.total_spent_minor, o.first_order_at, o.last_order_at, s.last_seen_at
    FROM unnest(${sql.param(customerIds)}::uuid[]) AS c(id)
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE status <> 'returned' AND currency = ${currency})::int AS order_count,
             coalesce(sum(amount_minor) FILTER (WHERE status <> 'returned' AND currency = ${currency}), 0)::bigint AS total_spent_minor,
             min(placed_at) FILTER (WHERE status <> 'returned') AS first_order_at,
             max(placed_at) FILTER (WHERE status <> 'returned') AS last_order_at
      FROM orders WHERE tenant_id = ${tenantId} AND customer_id = c.id) o
    CROSS JOIN LATERAL (
      SELECT max(occurred_at) AS last_seen_at FROM touchpoints WHERE tenant_id = ${tenantId} AND customer_id = c.id AND kind <> 'note') s`);
  return rows.map((r) => ({
    customerId: r.customer_id,
    orderCount: Number(r.order_count),
    totalSpentMinor: Number(r.total_spent_minor),
    firstOrderAt: instantOf(r.first_order_at),
    lastOrderAt: instantOf(r.last_order_at),
    lastSeenAt: instantOf(r.last_seen_at),
  }));
}

/**
 * Appends domain events in one statement. The platform's publishEvent writes one event and
 * wakes the relay; a batch writes all but its last event here and the last through it.
 */
type RawTimelineRow = {
  id: string;
  customer_id: string;
  kind: string;
  channel: string;
  stage: string;
  occurred_at: string;
  external_id: string | null;
  order_id: string | null;
  source: string | null;
  data: Record<string, TouchpointDataValue>;
  created_at: string;
  cursor_at: string;
  order: Record<string, unknown> | null;
};

export interface TimelineRow extends TouchpointRow {
  cursorAt: string;
  order: OrderRow | null;
}

function toTimelineRow(r: RawTimelineRow): TimelineRow {
  return {
    id: r.id,
    customerId: r.customer_id,
    kind: r.kind,
    channel: r.channel,
    stage: r.stage,
    occurredAt: requiredInstant(r.occurred_at),
    externalId: r.external_id,
    orderId: r.order_id,
    source: r.source,
    data: r.data,
    createdAt: requiredInstant(r.created_at),
    cursorAt: r.cursor_at,
    order: r.order ? orderFromJson(r.order) : null,
  };
}

/** An order row embedded as JSON (timestamps arrive as text there). */
function orderFromJson(o: Record<string, unknown>): OrderRow {
  return toOrderRow({
    id: o.id as string,
    customer_id: o.customer_id as string,
    external_id: o.external_id as string,
    status: o.status as string,
    amount_minor: Number(o.amount_minor),
    currency: o.currency as string,
    items: o.items as unknown[],
    channel: (o.channel as string | null) ?? null,
    placed_at: o.placed_at as string,
    promised_delivery_at: (o.promised_delivery_at as string | null) ?? null,
    delivered_at: (o.delivered_at as string | null) ?? null,
    returned_at: (o.returned_at as string | null) ?? null,
    created_at: o.created_at as string,
    updated_at: o.updated_at as string,
  });
}

const TIMELINE_SELECT = sql`
  SELECT t.id, t.customer_id, t.kind, t.channel, t.stage, t.occurred_at, t.external_id, t.order_id, t.source, t.data, t.created_at,
         to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
         CASE WHEN o.id IS NULL THEN NULL ELSE to_jsonb(o) END AS "order"
  FROM touchpoints t
  LEFT JOIN orders o ON o.tenant_id = t.tenant_id AND o.id = t.order_id`;

/** Newest first, keyset on (occurred_at, id), which the timeline index serves directly. */
export async function timelineOf(
  db: Executor,
  tenantId: string,
  customerId: string,
  page: { limit: number; kinds?: string[] | undefined; before?: { at: string; id: string } | undefined },
): Promise<TimelineRow[]> {
  const kinds = page.kinds ? sql`AND t.kind = ANY(${sql.param(page.kinds)}::text[])` : sql``;
  const after = page.before ? sql`AND (t.occurred_at, t.id) < (${page.before.at}::timestamptz, ${page.before.id}::uuid)` : sql``;
  const { rows } = await db.execute<RawTimelineRow>(sql`
    ${TIMELINE_SELECT}
    WHERE t.tenant_id = ${tenantId} AND t.customer_id = ${customerId} ${kinds} ${after}
    ORDER BY t.occurred_at DESC, t.id DESC
    LIMIT ${page.limit}`);
  return rows.map(toTimelineRow);
}

export async function findTouchpoint(db: Executor, tenantId: string, id: string): Promise<TimelineRow | undefined> {
  const { rows } = await db.execute<RawTimelineRow>(sql`${TIMELINE_SELECT} WHERE t.tenant_id = ${tenantId} AND t.id = ${id}`);
  return rows[0] ? toTimelineRow(rows[0]) : undefined;
}

/** Every touchpoint of a customer, oldest first, for their data export. */
export async function allTouchpointsOfCustomer(db: Executor, tenantId: string, customerId: string): Promise<TimelineRow[]> {
  const { rows } = await db.execute<RawTimelineRow>(sql`
    ${TIMELINE_SELECT} WHERE t.tenant_id = ${tenantId} AND t.customer_id = ${customerId} ORDER BY t.occurred_at, t.id`);
  return rows.map(toTimelineRow);
}

export async function reassignTouchpoints(tx: Executor, tenantId: string, sourceId: string, targetId: string): Promise<void> {
  await tx.execute(sql`UPDATE touchpoints SET customer_id = ${targetId} WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId}`);
}

/** Erasure: drops the free-text values of a customer's touchpoints, keeping numbers and flags. */
export async function stripTouchpointText(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE touchpoints
    SET data = (SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(data) WHERE jsonb_typeof(value) <> 'string')
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}
      AND EXISTS (SELECT 1 FROM jsonb_each(data) WHERE jsonb_typeof(value) = 'string')`);
}

export async function customerExists(db: Executor, tenantId: string, customerId: string): Promise<boolean> {
  const { rows } = await db.execute(sql`SELECT 1 FROM customers WHERE tenant_id = ${tenantId} AND id = ${customerId}`);
  return rows.length > 0;
}

/** One statement for any number of patches; null values remove the key. */
export async function updateTouchpointDataByExternalId(
  tx: Executor, tenantId: string, patches: { externalId: string; patch: Record<string, TouchpointDataValue | null> }[],
): Promise<void> {
  if (patches.length === 0) return;
  await tx.execute(sql`
    UPDATE touchpoints t SET data = jsonb_strip_nulls(t.data || p.patch)
    FROM unnest(${sql.param(patches.map((p) => p.externalId))}::text[], ${sql.param(patches.map((p) => JSON.stringify(p.patch)))}::jsonb[]) AS p(external_id, patch)
    WHERE t.tenant_id = ${tenantId} AND t.external_id = p.external_id`);
}
