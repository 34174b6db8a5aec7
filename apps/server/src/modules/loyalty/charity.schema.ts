import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';
import { loyaltyEntries, loyaltyMembers } from './ledger.schema.ts';

/**
 * A charity members may give points to (the values program). The conversion rate is
 * `rate_minor` money units (minor units of the workspace currency) per `rate_points` points.
 * Archived, never deleted: donations and receipts point at it.
 */
export const loyaltyCharities = pgTable(
  'loyalty_charities',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** { fa?, ar?, en? }, at least one */
    name: jsonb('name').notNull(),
    /** registration number or similar, printed on receipts */
    registration: text('registration'),
    ratePoints: bigint('rate_points', { mode: 'number' }).notNull(),
    rateMinor: bigint('rate_minor', { mode: 'number' }).notNull(),
    active: boolean('active').notNull().default(true),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('loyalty_charities_rate', sql`${t.ratePoints} > 0 AND ${t.rateMinor} > 0`),
  ],
);

/** The last receipt number given in a workspace: receipts are numbered without gaps, in order. */
export const loyaltyReceiptCounters = pgTable('loyalty_receipt_counters', {
  tenantId: uuid('tenant_id').notNull().primaryKey(),
  last: bigint('last', { mode: 'number' }).notNull(),
});

/**
 * A donation of points: the `donate` entry moved them from the member's available account to
 * the workspace's charity_payable, drawing lots soonest-expiring first; this row says to which
 * charity, what they are worth in money at the rate of the day, and the receipt. Insert only.
 */
export const loyaltyDonations = pgTable(
  'loyalty_donations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    charityId: uuid('charity_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    ratePoints: bigint('rate_points', { mode: 'number' }).notNull(),
    rateMinor: bigint('rate_minor', { mode: 'number' }).notNull(),
    receiptSeq: bigint('receipt_seq', { mode: 'number' }).notNull(),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_donations_entry_key').on(t.tenantId, t.entryId),
    uniqueIndex('loyalty_donations_receipt_key').on(t.tenantId, t.receiptSeq),
    index('loyalty_donations_charity_idx').on(t.tenantId, t.charityId, t.createdAt),
    index('loyalty_donations_member_idx').on(t.tenantId, t.customerId, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.charityId], foreignColumns: [loyaltyCharities.tenantId, loyaltyCharities.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [loyaltyMembers.tenantId, loyaltyMembers.customerId] }),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    check('loyalty_donations_amounts', sql`${t.points} > 0 AND ${t.amountMinor} > 0 AND ${t.ratePoints} > 0 AND ${t.rateMinor} > 0`),
  ],
);

/**
 * A member's standing choice to give a share of each purchase's points to a charity: when an
 * order's points become spendable (earned available, or unlocked after the pending period), the
 * share is donated (charity-share.ts). One choice per member.
 */
export const loyaltyCharityShares = pgTable(
  'loyalty_charity_shares',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    charityId: uuid('charity_id').notNull(),
    /** whole percent of the points, 1–100, rounded down per purchase */
    percent: integer('percent').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.customerId] }),
    foreignKey({ columns: [t.tenantId, t.charityId], foreignColumns: [loyaltyCharities.tenantId, loyaltyCharities.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_charity_shares_percent', sql`${t.percent} BETWEEN 1 AND 100`),
  ],
);
