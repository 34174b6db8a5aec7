import { sql } from 'drizzle-orm';
import { bigint, boolean, check, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const REWARD_KINDS = ['gift', 'coupon', 'partner_offer', 'donation', 'discount_coupon'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

/**
 * The rewards catalogue: what members can spend points on. `stock_left` is the stock not yet held
 * or redeemed; a hold takes one with a conditional update (so concurrent holds never oversell),
 * a release gives it back. Null stock: unlimited. A reward is archived, never deleted (holds and
 * redemptions point at it).
 */
export const loyaltyRewards = pgTable(
  'loyalty_rewards',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    /** { fa?, ar?, en? }, at least one */
    name: jsonb('name').notNull(),
    pointsCost: bigint('points_cost', { mode: 'number' }).notNull(),
    stockTotal: integer('stock_total'),
    stockLeft: integer('stock_left'),
    /** held or redeemed by one member at most this many times; null: no limit */
    perMemberLimit: integer('per_member_limit'),
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    active: boolean('active').notNull().default(true),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('loyalty_rewards_kind', sql.raw(`kind IN (${REWARD_KINDS.map((k) => `'${k}'`).join(', ')})`)),
    check('loyalty_rewards_cost', sql`${t.pointsCost} > 0`),
    check('loyalty_rewards_stock', sql`(${t.stockTotal} IS NULL) = (${t.stockLeft} IS NULL) AND ${t.stockLeft} >= 0 AND ${t.stockLeft} <= ${t.stockTotal}`),
    check('loyalty_rewards_limit', sql`${t.perMemberLimit} IS NULL OR ${t.perMemberLimit} > 0`),
    check('loyalty_rewards_window', sql`${t.validFrom} IS NULL OR ${t.validUntil} IS NULL OR ${t.validUntil} > ${t.validFrom}`),
  ],
);
