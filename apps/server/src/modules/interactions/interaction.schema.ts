import { sql } from 'drizzle-orm';
import { bigint, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

/**
 * One touchpoint on a customer's timeline: an order event, a visit, a call, a message, a
 * live-chat or social contact. Later modules (surveys, complaints, loyalty) add their own
 * kinds through the interactions module. `external_id` makes re-sends harmless.
 */
export const touchpoints = pgTable(
  'touchpoints',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    customerId: uuid('customer_id').notNull(),
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    stage: text('stage').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    externalId: text('external_id'),
    orderId: uuid('order_id'),
    source: text('source'),
    data: jsonb('data').notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    uniqueIndex('touchpoints_external_id_key').on(t.tenantId, t.externalId).where(sql`external_id IS NOT NULL`),
    index('touchpoints_timeline_idx').on(t.tenantId, t.customerId, t.occurredAt.desc(), t.id.desc()),
  ],
);

/** An order's current state; each status change is also a touchpoint. */
export const orders = pgTable(
  'orders',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    customerId: uuid('customer_id').notNull(),
    externalId: text('external_id').notNull(),
    status: text('status').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    items: jsonb('items').notNull().default([]),
    channel: text('channel'),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
    promisedDeliveryAt: timestamp('promised_delivery_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    uniqueIndex('orders_external_id_key').on(t.tenantId, t.externalId),
    index('orders_customer_idx').on(t.tenantId, t.customerId, t.placedAt),
  ],
);
