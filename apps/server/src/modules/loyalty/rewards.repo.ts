// SQL of the rewards catalogue. Stock moves only by conditional updates (never read, then written),
// so concurrent holds cannot take more than there is.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { loyaltyRewards } from './rewards.schema.ts';

export type RewardRow = typeof loyaltyRewards.$inferSelect;
export type NewReward = typeof loyaltyRewards.$inferInsert;

export async function insertReward(tx: Executor, row: NewReward): Promise<RewardRow> {
  const [created] = await tx.insert(loyaltyRewards).values(row).returning();
  return created!;
}

export async function findReward(db: Executor, tenantId: string, id: string): Promise<RewardRow | undefined> {
  const [row] = await db.select().from(loyaltyRewards).where(and(eq(loyaltyRewards.tenantId, tenantId), eq(loyaltyRewards.id, id)));
  return row;
}

/**
 * The reward's row locked for a change of its definition: FOR UPDATE waits for the holds in flight
 * (each holds a KEY SHARE lock on it, see rewardForHold), so what they took is counted, and holds
 * that come later read the changed reward.
 */
export async function lockReward(tx: Executor, tenantId: string, id: string): Promise<RewardRow | undefined> {
  const [row] = await tx.select().from(loyaltyRewards).where(and(eq(loyaltyRewards.tenantId, tenantId), eq(loyaltyRewards.id, id))).for('update');
  return row;
}

/**
 * The reward as a hold reads it, with a KEY SHARE lock until commit: holds do not wait on each
 * other for it (nor on takeStock's update), only on a change of the reward's definition.
 */
export async function rewardForHold(tx: Executor, tenantId: string, id: string): Promise<RewardRow | undefined> {
  const [row] = await tx.select().from(loyaltyRewards).where(and(eq(loyaltyRewards.tenantId, tenantId), eq(loyaltyRewards.id, id))).for('key share');
  return row;
}

export async function listRewards(db: Executor, tenantId: string): Promise<RewardRow[]> {
  return db.select().from(loyaltyRewards).where(eq(loyaltyRewards.tenantId, tenantId)).orderBy(asc(loyaltyRewards.createdAt), asc(loyaltyRewards.id));
}

export async function updateReward(tx: Executor, tenantId: string, id: string, patch: Partial<NewReward>): Promise<RewardRow> {
  const [row] = await tx.update(loyaltyRewards).set(patch).where(and(eq(loyaltyRewards.tenantId, tenantId), eq(loyaltyRewards.id, id))).returning();
  return row!;
}

/**
 * Takes one of the reward's stock if any is left (a reward without stock always has one). One
 * conditional statement: concurrent takers queue on the row and each sees what the one before
 * left, so exactly `stock_left` of them succeed.
 */
export async function takeStock(tx: Executor, tenantId: string, id: string): Promise<boolean> {
  const { rows } = await tx.execute(sql`
    UPDATE loyalty_rewards SET stock_left = stock_left - 1
    WHERE tenant_id = ${tenantId} AND id = ${id} AND stock_left IS NOT NULL AND stock_left > 0
    RETURNING 1`);
  return rows.length === 1;
}

/** Gives back the stock a released hold took (never above the total, which the check refuses). */
export async function returnStock(tx: Executor, tenantId: string, id: string): Promise<void> {
  await tx.execute(sql`
    UPDATE loyalty_rewards SET stock_left = stock_left + 1
    WHERE tenant_id = ${tenantId} AND id = ${id} AND stock_left IS NOT NULL`);
}

/** How many of the reward holds and redemptions took (an unlimited reward given a stock counts them against it). */
export async function heldOrRedeemed(tx: Executor, tenantId: string, rewardId: string): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM loyalty_redemption_holds WHERE tenant_id = ${tenantId} AND reward_id = ${rewardId} AND status IN ('held', 'captured')`);
  return Number(rows[0]?.n ?? 0);
}
