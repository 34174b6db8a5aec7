import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { instantOf, requiredInstant } from './pg-instant.ts';

/** What an order write sets; ids are chosen by the caller so new rows can be linked in the same statement. */
export interface OrderState {
  id: string;
  customerId: string;
  externalId: string;
  status: string;
  amountMinor: number;
  currency: string;
  items: unknown[];
  channel: string | null;
  placedAt: Date;
  promisedDeliveryAt: Date | null;
  deliveredAt: Date | null;
  returnedAt: Date | null;
}

/** An `orders` row as the repo returns it. */
export interface OrderRow extends OrderState {
  createdAt: Date;
  updatedAt: Date;
}

type RawOrder = {
  id: string;
  customer_id: string;
  external_id: string;
  status: string;
  amount_minor: number;
  currency: string;
  items: unknown[];
  channel: string | null;
  placed_at: string | Date;
  promised_delivery_at: string | Date | null;
  delivered_at: string | Date | null;
  returned_at: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
};

const ORDER_COLUMNS = sql.raw(
  'o.id, o.customer_id, o.external_id, o.status, o.amount_minor, o.currency, o.items, o.channel, o.placed_at, o.promised_delivery_at, o.delivered_at, o.returned_at, o.created_at, o.updated_at',
);

export function toOrderRow(raw: RawOrder): OrderRow {
  return {
    id: raw.id,
    customerId: raw.customer_id,
    externalId: raw.external_id,
    status: raw.status,
    amountMinor: Number(raw.amount_minor),
    currency: raw.currency,
    items: raw.items,
    channel: raw.channel,
    placedAt: requiredInstant(raw.placed_at),
    promisedDeliveryAt: instantOf(raw.promised_delivery_at),
    deliveredAt: instantOf(raw.delivered_at),
    returnedAt: instantOf(raw.returned_at),
    createdAt: requiredInstant(raw.created_at),
    updatedAt: requiredInstant(raw.updated_at),
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function stateColumns(states: OrderState[]) {
  return {
    ids: sql.param(states.map((s) => s.id)),
    customerIds: sql.param(states.map((s) => s.customerId)),
    externalIds: sql.param(states.map((s) => s.externalId)),
    statuses: sql.param(states.map((s) => s.status)),
    amounts: sql.param(states.map((s) => String(s.amountMinor))),
    currencies: sql.param(states.map((s) => s.currency)),
    items: sql.param(states.map((s) => JSON.stringify(s.items))),
    channels: sql.param(states.map((s) => s.channel)),
    placedAt: sql.param(states.map((s) => s.placedAt.toISOString())),
    promisedAt: sql.param(states.map((s) => iso(s.promisedDeliveryAt))),
    deliveredAt: sql.param(states.map((s) => iso(s.deliveredAt))),
    returnedAt: sql.param(states.map((s) => iso(s.returnedAt))),
  };
}

/**
 * Inserts the orders that do not exist yet and locks those that do (a no-op update takes the
 * row lock and returns the latest committed state, even one committed after our snapshot), then
 * links each touchpoint to its order. The caller merges its changes into the existing rows.
 */
export async function upsertOrdersAndLink(
  tx: Executor,
  tenantId: string,
  proposals: OrderState[],
  links: { touchpointId: string; orderExternalId: string }[],
): Promise<(OrderRow & { inserted: boolean })[]> {
  const c = stateColumns(proposals);
  const { rows } = await tx.execute<RawOrder & { inserted: boolean }>(sql`
    WITH upserted AS (
      INSERT INTO orders AS o (tenant_id, id, customer_id, external_id, status, amount_minor, currency, items, channel,
                               placed_at, promised_delivery_at, delivered_at, returned_at)
      SELECT ${tenantId}::uuid, p.* FROM unnest(
        ${c.ids}::uuid[], ${c.customerIds}::uuid[], ${c.externalIds}::text[], ${c.statuses}::text[], ${c.amounts}::bigint[],
        ${c.currencies}::text[], ${c.items}::jsonb[], ${c.channels}::text[], ${c.placedAt}::timestamptz[],
        ${c.promisedAt}::timestamptz[], ${c.deliveredAt}::timestamptz[], ${c.returnedAt}::timestamptz[]) AS p
      ON CONFLICT (tenant_id, external_id) DO UPDATE SET updated_at = now()
      RETURNING ${ORDER_COLUMNS}, (o.xmax = 0) AS inserted
    ), linked AS (
      UPDATE touchpoints t SET order_id = u.id
      FROM unnest(${sql.param(links.map((l) => l.touchpointId))}::uuid[], ${sql.param(links.map((l) => l.orderExternalId))}::text[])
             AS l(touchpoint_id, order_external_id)
      JOIN upserted u ON u.external_id = l.order_external_id
      WHERE t.tenant_id = ${tenantId} AND t.id = l.touchpoint_id
    )
    SELECT * FROM upserted`);
  return rows.map((raw) => ({ ...toOrderRow(raw), inserted: raw.inserted }));
}

/** Writes merged states over rows this transaction has locked. */
export async function updateOrders(tx: Executor, tenantId: string, states: OrderState[]): Promise<OrderRow[]> {
  if (states.length === 0) return [];
  const c = stateColumns(states);
  const { rows } = await tx.execute<RawOrder>(sql`
    UPDATE orders o SET status = s.status, amount_minor = s.amount_minor, currency = s.currency, items = s.items,
           channel = s.channel, placed_at = s.placed_at, promised_delivery_at = s.promised_delivery_at,
           delivered_at = s.delivered_at, returned_at = s.returned_at, updated_at = now()
    FROM unnest(${c.ids}::uuid[], ${c.statuses}::text[], ${c.amounts}::bigint[], ${c.currencies}::text[], ${c.items}::jsonb[],
                ${c.channels}::text[], ${c.placedAt}::timestamptz[], ${c.promisedAt}::timestamptz[], ${c.deliveredAt}::timestamptz[],
                ${c.returnedAt}::timestamptz[])
         AS s(id, status, amount_minor, currency, items, channel, placed_at, promised_delivery_at, delivered_at, returned_at)
    WHERE o.tenant_id = ${tenantId} AND o.id = s.id
    RETURNING ${ORDER_COLUMNS}`);
  return rows.map(toOrderRow);
}

export async function findOrder(db: Executor, tenantId: string, id: string): Promise<OrderRow | undefined> {
  const { rows } = await db.execute<RawOrder>(sql`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.tenant_id = ${tenantId} AND o.id = ${id}`);
  return rows[0] ? toOrderRow(rows[0]) : undefined;
}

export interface OrderPageRow extends OrderRow {
  cursorAt: string;
}

/** Newest first, keyset on (placed_at, id); `cursorAt` keeps the microseconds a JS Date would drop. */
export async function ordersOfCustomer(
  db: Executor,
  tenantId: string,
  customerId: string,
  page: { limit: number; before?: { at: string; id: string } | undefined },
): Promise<OrderPageRow[]> {
  const after = page.before ? sql`AND (o.placed_at, o.id) < (${page.before.at}::timestamptz, ${page.before.id}::uuid)` : sql``;
  const { rows } = await db.execute<RawOrder & { cursor_at: string }>(sql`
    SELECT ${ORDER_COLUMNS}, to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
    FROM orders o
    WHERE o.tenant_id = ${tenantId} AND o.customer_id = ${customerId} ${after}
    ORDER BY o.placed_at DESC, o.id DESC
    LIMIT ${page.limit}`);
  return rows.map((raw) => ({ ...toOrderRow(raw), cursorAt: raw.cursor_at }));
}

/** Every order of a customer, for their data export. */
export async function allOrdersOfCustomer(db: Executor, tenantId: string, customerId: string): Promise<OrderRow[]> {
  const { rows } = await db.execute<RawOrder>(sql`
    SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.tenant_id = ${tenantId} AND o.customer_id = ${customerId} ORDER BY o.placed_at, o.id`);
  return rows.map(toOrderRow);
}

export async function reassignOrders(tx: Executor, tenantId: string, sourceId: string, targetId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE orders SET customer_id = ${targetId}, updated_at = now() WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId}`);
}
