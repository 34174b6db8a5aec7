import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { loyaltyEntries, loyaltyMembers } from './ledger.schema.ts';
import { loyaltyRewards } from './rewards.schema.ts';

export const HOLD_STATUSES = ['held', 'captured', 'released', 'expired', 'refunded'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/**
 * A checkout's points set aside: the `hold` entry moved them from the member's available account
 * to its `held` account, drawing lots soonest-expiring first; a `capture` entry moves them on to
 * redemptions, a `release` entry back to available and to the very lots they were drawn from.
 * A captured hold may be refunded (the checkout cancelled): the capture's reversal gives the
 * points back to the same lots. The ledger is the record of the points; this row is the hold's state (it changes, the entries
 * never do). The held account of each member equals the points of its holds still `held`
 * (checked by `verify`).
 */
export const loyaltyRedemptionHolds = pgTable(
  'loyalty_redemption_holds',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    customerId: uuid('customer_id').notNull(),
    rewardId: uuid('reward_id'),
    points: bigint('points', { mode: 'number' }).notNull(),
    /** `hold:ext:<external id>` or `hold:req:<actor>:<Idempotency-Key>`: the same key is the same hold */
    idempotencyKey: text('idempotency_key').notNull(),
    externalId: text('external_id'),
    status: text('status').notNull().default('held'),
    /** a hold still `held` at this instant is released by the expiry job */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    holdEntryId: bigint('hold_entry_id', { mode: 'number' }),
    /** the capture or release entry */
    settleEntryId: bigint('settle_entry_id', { mode: 'number' }),
    /** a captured hold cancelled: the reversal of its capture, which gave the points back */
    refundEntryId: bigint('refund_entry_id', { mode: 'number' }),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_redemption_holds_key').on(t.tenantId, t.idempotencyKey),
    // The expiry job finds open holds past their TTL without scanning.
    index('loyalty_redemption_holds_open_idx').on(t.tenantId, t.expiresAt).where(sql`status = 'held'`),
    // A member's holds of a reward (the per-member limit).
    index('loyalty_redemption_holds_reward_idx').on(t.tenantId, t.rewardId, t.customerId).where(sql`reward_id IS NOT NULL AND status IN ('held', 'captured')`),
    index('loyalty_redemption_holds_member_idx').on(t.tenantId, t.customerId, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [loyaltyMembers.tenantId, loyaltyMembers.customerId] }),
    foreignKey({ columns: [t.tenantId, t.rewardId], foreignColumns: [loyaltyRewards.tenantId, loyaltyRewards.id] }),
    foreignKey({ columns: [t.tenantId, t.holdEntryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    foreignKey({ columns: [t.tenantId, t.settleEntryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    foreignKey({ columns: [t.tenantId, t.refundEntryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    check('loyalty_redemption_holds_refund', sql`(${t.status} = 'refunded') = (${t.refundEntryId} IS NOT NULL)`),
    check('loyalty_redemption_holds_status', sql.raw(`status IN (${HOLD_STATUSES.map((k) => `'${k}'`).join(', ')})`)),
    check('loyalty_redemption_holds_points', sql`${t.points} > 0`),
    check('loyalty_redemption_holds_settled', sql`(${t.status} = 'held') = (${t.settleEntryId} IS NULL) AND (${t.status} = 'held') = (${t.settledAt} IS NULL)`),
  ],
);
