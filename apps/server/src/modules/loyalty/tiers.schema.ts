import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';
import { loyaltyPrograms } from './program.schema.ts';

// A program's tiers (REFERENCE.md section 5, "Tiers"): how members qualify, the tiers ordered by
// their thresholds, each member's tier, and every change of it. Upgrades happen at once on the
// earning path; downgrades at the re-evaluation after each qualification period (tiers.service.ts).

/** How a program's members qualify for its tiers, and how they lose them. One per program. */
export const loyaltyTierSettings = pgTable(
  'loyalty_tier_settings',
  {
    tenantId: uuid('tenant_id').notNull(),
    programId: uuid('program_id').notNull(),
    /** qualifying_points | spend (minor units) | orders */
    basis: text('basis').notNull(),
    /** { kind: 'rolling', days } | { kind: 'calendar_year', calendar } */
    window: jsonb('window').notNull(),
    /** none | one_step | recalculate */
    downgrade: text('downgrade').notNull(),
    graceDays: integer('grace_days').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.programId] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    check('loyalty_tier_settings_basis', sql`${t.basis} IN ('qualifying_points', 'spend', 'orders')`),
    check('loyalty_tier_settings_downgrade', sql`${t.downgrade} IN ('none', 'one_step', 'recalculate')`),
    check('loyalty_tier_settings_grace', sql`${t.graceDays} >= 0`),
  ],
);

/** A tier of a program; tiers are ordered by their thresholds (unique in the program). */
export const loyaltyTiers = pgTable(
  'loyalty_tiers',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    programId: uuid('program_id').notNull(),
    /** { fa, ar, en } */
    name: jsonb('name').notNull(),
    threshold: bigint('threshold', { mode: 'number' }).notNull(),
    /** the earn multiplier of the tier's members on spend points, in percent */
    multiplierPercent: integer('multiplier_percent').notNull().default(100),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_tiers_threshold_key').on(t.tenantId, t.programId, t.threshold),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    check('loyalty_tiers_threshold', sql`${t.threshold} >= 0`),
    check('loyalty_tiers_multiplier', sql`${t.multiplierPercent} >= 0 AND ${t.multiplierPercent} <= 10000`),
  ],
);

/**
 * A member's tier in a program (null: none yet), the last period boundary it was re-evaluated
 * at, and a downgrade waiting out its grace period. Changed only under the member's lock.
 */
export const loyaltyMemberTiers = pgTable(
  'loyalty_member_tiers',
  {
    tenantId: uuid('tenant_id').notNull(),
    programId: uuid('program_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    tierId: uuid('tier_id'),
    since: timestamp('since', { withTimezone: true }).notNull(),
    /** the start of the period in which the member was last judged (upgraded or re-evaluated) */
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
    downgradeToTierId: uuid('downgrade_to_tier_id'),
    /** when the pending downgrade takes effect (end of period + grace); null: none pending */
    downgradeAt: timestamp('downgrade_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.programId, t.customerId] }),
    index('loyalty_member_tiers_evaluated_idx').on(t.tenantId, t.programId, t.evaluatedAt).where(sql`tier_id IS NOT NULL`),
    index('loyalty_member_tiers_downgrade_idx').on(t.tenantId, t.programId, t.downgradeAt).where(sql`downgrade_at IS NOT NULL`),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.tierId], foreignColumns: [loyaltyTiers.tenantId, loyaltyTiers.id] }),
    foreignKey({ columns: [t.tenantId, t.downgradeToTierId], foreignColumns: [loyaltyTiers.tenantId, loyaltyTiers.id] }),
  ],
);

/**
 * Every change of a member's tier: from, to, why, when. `idempotency_key` says what it is the one
 * answer to (an upgrade by an earn, the downgrade of a period), so a job run twice changes once.
 * Insert only (a trigger in the migration refuses UPDATE and DELETE).
 */
export const loyaltyTierChanges = pgTable(
  'loyalty_tier_changes',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    programId: uuid('program_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    fromTierId: uuid('from_tier_id'),
    toTierId: uuid('to_tier_id'),
    /** upgrade | downgrade_one_step | downgrade_recalculated */
    reason: text('reason').notNull(),
    /** what the member had in the window judged (points, minor units or orders) */
    value: bigint('value', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** the ledger entry whose earn crossed the threshold, for an upgrade */
    entryId: bigint('entry_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_tier_changes_idempotency_key').on(t.tenantId, t.idempotencyKey),
    index('loyalty_tier_changes_member_idx').on(t.tenantId, t.programId, t.customerId, t.id),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_tier_changes_reason', sql`${t.reason} IN ('upgrade', 'downgrade_one_step', 'downgrade_recalculated')`),
  ],
);
