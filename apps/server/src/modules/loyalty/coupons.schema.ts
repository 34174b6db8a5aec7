import { sql } from 'drizzle-orm';
import { bigint, boolean, check, foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { loyaltyEntries, loyaltyMembers } from './ledger.schema.ts';
import { loyaltyPrograms } from './program.schema.ts';
import { loyaltyRewards } from './rewards.schema.ts';
import { loyaltyTiers } from './tiers.schema.ts';

// Discount-coupon rewards: a pool of codes per reward (generated or uploaded), each given to at
// most one redemption; and rewards restricted to some tiers of a program.

export const COUPON_CODE_STATUSES = ['available', 'assigned', 'void'] as const;
export type CouponCodeStatus = (typeof COUPON_CODE_STATUSES)[number];

/**
 * One code of a reward's pool. `code_key` is the code folded for comparison (ASCII digits, upper
 * case, no spaces or dashes) and is unique in the workspace, so two rewards never hand out the
 * same code. `available` codes are the reward's stock (stock_left mirrors their count);
 * `assigned` ones belong to a redemption; `void` ones were given out, used, and their redemption
 * was cancelled: they never return to the pool.
 */
export const loyaltyCouponCodes = pgTable(
  'loyalty_coupon_codes',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    rewardId: uuid('reward_id').notNull(),
    code: text('code').notNull(),
    codeKey: text('code_key').notNull(),
    status: text('status').notNull().default('available'),
    /** generated | uploaded */
    source: text('source').notNull(),
    /** the redemption holding it (kept after a cancellation that voided it) */
    redemptionId: uuid('redemption_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    /** the shop applied it: a cancelled redemption's code goes back to the pool only while this is null */
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_coupon_codes_key').on(t.tenantId, t.codeKey),
    // The next free code of a reward, and the pool's counts.
    index('loyalty_coupon_codes_pool_idx').on(t.tenantId, t.rewardId, t.status, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.rewardId], foreignColumns: [loyaltyRewards.tenantId, loyaltyRewards.id] }),
    check('loyalty_coupon_codes_status', sql.raw(`status IN (${COUPON_CODE_STATUSES.map((s) => `'${s}'`).join(', ')})`)),
    check('loyalty_coupon_codes_source', sql`${t.source} IN ('generated', 'uploaded')`),
    check('loyalty_coupon_codes_assigned', sql`(${t.status} = 'available') = (${t.redemptionId} IS NULL)`),
    check('loyalty_coupon_codes_length', sql`length(${t.code}) BETWEEN 1 AND 64 AND length(${t.codeKey}) BETWEEN 1 AND 64`),
  ],
);

/**
 * A member's redemption of a discount coupon: points spent (a `redeem` entry, available →
 * redemptions, drawn soonest-expiring first) and one code of the pool, in one transaction.
 * Cancelled: the redemption's reversal gave the points back to the same lots.
 * A gift (a complaint's goodwill coupon) spends nothing: 0 points and no entry, so its
 * cancellation has no reversal either.
 */
export const loyaltyCouponRedemptions = pgTable(
  'loyalty_coupon_redemptions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    rewardId: uuid('reward_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    codeId: uuid('code_id').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    /** `coupon:ext:<external id>` or `coupon:req:<actor>:<Idempotency-Key>` or `coupon:portal:<customer>:<key>` or `coupon:goodwill:<gesture key>` */
    idempotencyKey: text('idempotency_key').notNull(),
    externalId: text('external_id'),
    /** null: a gift (0 points) */
    entryId: bigint('entry_id', { mode: 'number' }),
    status: text('status').notNull().default('active'),
    cancelEntryId: bigint('cancel_entry_id', { mode: 'number' }),
    /** on cancellation: whether the code went back to the pool (false: it had been used, and is void) */
    codeReturned: boolean('code_returned'),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_coupon_redemptions_key').on(t.tenantId, t.idempotencyKey),
    index('loyalty_coupon_redemptions_member_idx').on(t.tenantId, t.customerId, t.createdAt),
    index('loyalty_coupon_redemptions_reward_idx').on(t.tenantId, t.rewardId, t.customerId),
    foreignKey({ columns: [t.tenantId, t.rewardId], foreignColumns: [loyaltyRewards.tenantId, loyaltyRewards.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [loyaltyMembers.tenantId, loyaltyMembers.customerId] }),
    foreignKey({ columns: [t.tenantId, t.codeId], foreignColumns: [loyaltyCouponCodes.tenantId, loyaltyCouponCodes.id] }),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    foreignKey({ columns: [t.tenantId, t.cancelEntryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    check('loyalty_coupon_redemptions_status', sql`${t.status} IN ('active', 'cancelled')`),
    // A redemption's cancellation has its reversal entry; a gift's has none.
    check('loyalty_coupon_redemptions_cancel', sql`(${t.status} = 'cancelled') = (${t.cancelledAt} IS NOT NULL) AND (CASE WHEN ${t.entryId} IS NULL THEN ${t.cancelEntryId} IS NULL ELSE (${t.status} = 'cancelled') = (${t.cancelEntryId} IS NOT NULL) END)`),
    check('loyalty_coupon_redemptions_points', sql`${t.points} >= 0 AND (${t.points} = 0) = (${t.entryId} IS NULL)`),
  ],
);

/**
 * A reward restricted to tiers of one program: only members holding one of the listed tiers
 * (loyalty_reward_tiers) may redeem it. A listed tier that is deleted leaves the reward
 * restricted (to the tiers left, or to nobody), never open to all.
 */
export const loyaltyRewardRestrictions = pgTable(
  'loyalty_reward_restrictions',
  {
    tenantId: uuid('tenant_id').notNull(),
    rewardId: uuid('reward_id').notNull(),
    programId: uuid('program_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.rewardId] }),
    foreignKey({ columns: [t.tenantId, t.rewardId], foreignColumns: [loyaltyRewards.tenantId, loyaltyRewards.id] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
  ],
);

export const loyaltyRewardTiers = pgTable(
  'loyalty_reward_tiers',
  {
    tenantId: uuid('tenant_id').notNull(),
    rewardId: uuid('reward_id').notNull(),
    tierId: uuid('tier_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.rewardId, t.tierId] }),
    foreignKey({ columns: [t.tenantId, t.rewardId], foreignColumns: [loyaltyRewardRestrictions.tenantId, loyaltyRewardRestrictions.rewardId] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.tierId], foreignColumns: [loyaltyTiers.tenantId, loyaltyTiers.id] }).onDelete('cascade'),
  ],
);
