import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

/**
 * A customer's action a shop reported (POST /api/loyalty/events): a review or one of the
 * workspace's own actions, once per type and the shop's external id. Programs earn on it through
 * the outbox (`loyalty.action_reported`); their awards are loyalty_awards rows keyed by it.
 */
export const loyaltyCustomerEvents = pgTable(
  'loyalty_customer_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    type: text('type').notNull(),
    externalId: text('external_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    attributes: jsonb('attributes').notNull().default({}),
    /** `user:<id>` or `api_key:<id>` */
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.type, t.externalId] }),
    index('loyalty_customer_events_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_customer_events_type', sql`${t.type} ~ '^[a-z][a-z0-9_]{1,39}$'`),
  ],
);
