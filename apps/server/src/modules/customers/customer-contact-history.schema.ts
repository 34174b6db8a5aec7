import { bigserial, foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from './customer.schema.ts';

/**
 * The phones and e-mails a customer held before their current ones, each with the moment they
 * stopped holding it (customer-contact-history.ts). Written by a trigger on `customers` whenever a
 * phone or e-mail changes or a record is merged away (so imports and every other writer are
 * covered); a merge moves the merged record's rows to the survivor; an erasure deletes them.
 * Rows that name a person by address alone (an anonymous complaint's contact) are theirs only if
 * filed while the address was theirs.
 */
export const customerContactHistory = pgTable(
  'customer_contact_history',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    customerId: uuid('customer_id').notNull(),
    /** phone | email */
    kind: text('kind').notNull(),
    /** E.164, or the e-mail lower-cased */
    value: text('value').notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    index('customer_contact_history_customer_idx').on(t.tenantId, t.customerId),
    index('customer_contact_history_value_idx').on(t.tenantId, t.kind, t.value, t.releasedAt),
  ],
);
