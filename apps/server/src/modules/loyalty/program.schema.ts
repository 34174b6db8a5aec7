import { sql } from 'drizzle-orm';
import { bigint, check, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

// Loyalty programs and what they awarded. The ledger (ledger.schema.ts) holds the points; these
// tables say which program's rules gave them, for which order or event, so an award is made once
// per source and a return can take back what its order earned.

/** A program: its current name, status and settings; every change is also a row of loyalty_program_versions. */
export const loyaltyPrograms = pgTable(
  'loyalty_programs',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind').notNull().default('points'),
    status: text('status').notNull().default('active'),
    version: integer('version').notNull().default(1),
    settings: jsonb('settings').notNull(),
    /** the engagement template of its expiry notices, made from the default on first use (not a setting: not versioned) */
    noticeTemplateId: uuid('notice_template_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('loyalty_programs_kind', sql`${t.kind} IN ('points')`),
    check('loyalty_programs_status', sql`${t.status} IN ('active', 'archived')`),
  ],
);

/** Every version of a program's settings, as it was written and by whom. Insert only. */
export const loyaltyProgramVersions = pgTable(
  'loyalty_program_versions',
  {
    tenantId: uuid('tenant_id').notNull(),
    programId: uuid('program_id').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    settings: jsonb('settings').notNull(),
    /** `user:<id>` or `api_key:<id>` */
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.programId, t.version] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
  ],
);

/**
 * One award of a program: an order's spend points or an event's points, once per source
 * (`order:<external id>`, `event:<topic>:<event key>`). `day` is the workspace's local day, for
 * the daily cap; `spend_points` what counts against it.
 */
export const loyaltyAwards = pgTable(
  'loyalty_awards',
  {
    tenantId: uuid('tenant_id').notNull(),
    programId: uuid('program_id').notNull(),
    sourceKey: text('source_key').notNull(),
    customerId: uuid('customer_id').notNull(),
    programVersion: integer('program_version').notNull(),
    /** the ledger entry that credited the points; null when nothing was earned */
    entryId: bigint('entry_id', { mode: 'number' }),
    points: bigint('points', { mode: 'number' }).notNull(),
    spendPoints: bigint('spend_points', { mode: 'number' }).notNull().default(0),
    day: date('day').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.programId, t.sourceKey] }),
    index('loyalty_awards_member_day_idx').on(t.tenantId, t.programId, t.customerId, t.day),
    index('loyalty_awards_entry_idx').on(t.tenantId, t.entryId),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_awards_points', sql`${t.points} >= 0 AND ${t.spendPoints} >= 0 AND ${t.spendPoints} <= ${t.points}`),
  ],
);

/** An order earned on: its lines as sent (with what of each was returned), and its award. */
export const loyaltyOrders = pgTable(
  'loyalty_orders',
  {
    tenantId: uuid('tenant_id').notNull(),
    programId: uuid('program_id').notNull(),
    externalId: text('external_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    programVersion: integer('program_version').notNull(),
    /** [{ id, sku, category, amount, returned, multiplierPercent }] */
    lines: jsonb('lines').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    returnedPoints: bigint('returned_points', { mode: 'number' }).notNull().default(0),
    entryId: bigint('entry_id', { mode: 'number' }),
    capped: text('capped'),
    pendingUntil: timestamp('pending_until', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.programId, t.externalId] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_orders_points', sql`${t.points} >= 0 AND ${t.returnedPoints} >= 0 AND ${t.returnedPoints} <= ${t.points}`),
  ],
);

/** A return against an order, once per return id: what it took back, from where, and what it could not. */
export const loyaltyOrderReturns = pgTable(
  'loyalty_order_returns',
  {
    tenantId: uuid('tenant_id').notNull(),
    programId: uuid('program_id').notNull(),
    externalId: text('external_id').notNull(),
    returnId: text('return_id').notNull(),
    /** [{ id, amount }] as returned; null: the whole order */
    lines: jsonb('lines'),
    points: bigint('points', { mode: 'number' }).notNull(),
    fromPending: bigint('from_pending', { mode: 'number' }).notNull(),
    fromAvailable: bigint('from_available', { mode: 'number' }).notNull(),
    unrecovered: bigint('unrecovered', { mode: 'number' }).notNull(),
    entryId: bigint('entry_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.programId, t.externalId, t.returnId] }),
    foreignKey({ columns: [t.tenantId, t.programId, t.externalId], foreignColumns: [loyaltyOrders.tenantId, loyaltyOrders.programId, loyaltyOrders.externalId] }),
  ],
);

/**
 * An expiry notice: one per member, program and local day the points expire on, whatever becomes
 * of it (queued, or skipped with the reason: no consent, no address), so the notice job run twice
 * writes to nobody twice.
 */
export const loyaltyExpiryNotices = pgTable(
  'loyalty_expiry_notices',
  {
    tenantId: uuid('tenant_id').notNull(),
    programId: uuid('program_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    expiryDay: date('expiry_day').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    messageId: uuid('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.programId, t.customerId, t.expiryDay] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_expiry_notices_status', sql`${t.status} IN ('queued', 'skipped')`),
  ],
);
