// SQL of discount-coupon pools and redemptions. A code moves from the pool by one conditional
// UPDATE over a row locked with SKIP LOCKED, so two redemptions never get the same code.
import { randomUUID } from 'node:crypto';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { loyaltyCouponCodes, loyaltyCouponRedemptions } from './coupons.schema.ts';
import { loyaltyRewards } from './rewards.schema.ts';

export type CouponCodeRow = typeof loyaltyCouponCodes.$inferSelect;
export type CouponRedemptionRow = typeof loyaltyCouponRedemptions.$inferSelect;
export type RedemptionWithCode = CouponRedemptionRow & { code: string; usedAt: Date | null; rewardName: unknown };

/**
 * Adds codes to the reward's pool; a code whose key is already in the workspace (this reward's
 * or another's) is skipped. Returns the keys added. The caller holds the reward's row lock.
 */
export async function insertCodes(tx: Executor, tenantId: string, rewardId: string, codes: { code: string; key: string }[], source: 'generated' | 'uploaded', now: Date): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const added = new Set<string>();
  // Bounded statements: a 100,000-code file is many parameters.
  for (let i = 0; i < codes.length; i += 5_000) {
    const batch = codes.slice(i, i + 5_000);
    const { rows } = await tx.execute<{ code_key: string }>(sql`
      INSERT INTO loyalty_coupon_codes (tenant_id, id, reward_id, code, code_key, status, source, created_at)
      SELECT ${tenantId}::uuid, x.id, ${rewardId}::uuid, x.code, x.key, 'available', ${source}, ${now.toISOString()}::timestamptz
      FROM unnest(${sql.param(batch.map(() => randomUUID()))}::uuid[], ${sql.param(batch.map((c) => c.code))}::text[], ${sql.param(batch.map((c) => c.key))}::text[])
        WITH ORDINALITY AS x(id, code, key, n)
      ORDER BY x.n
      ON CONFLICT DO NOTHING
      RETURNING code_key`);
    for (const row of rows) added.add(row.code_key);
  }
  return added;
}

/** Which of these keys the workspace already has. */
export async function existingKeys(db: Executor, tenantId: string, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 5_000) {
    const { rows } = await db.execute<{ code_key: string }>(sql`
      SELECT code_key FROM loyalty_coupon_codes WHERE tenant_id = ${tenantId} AND code_key = ANY(${sql.param(keys.slice(i, i + 5_000))}::text[])`);
    for (const row of rows) found.add(row.code_key);
  }
  return found;
}

/** The reward's stock grows with its pool (a discount coupon's stock is its codes left). */
export async function addStock(tx: Executor, tenantId: string, rewardId: string, n: number): Promise<void> {
  if (n === 0) return;
  await tx.update(loyaltyRewards).set({
    stockTotal: sql`coalesce(${loyaltyRewards.stockTotal}, 0) + ${n}`, stockLeft: sql`coalesce(${loyaltyRewards.stockLeft}, 0) + ${n}`,
  }).where(and(eq(loyaltyRewards.tenantId, tenantId), eq(loyaltyRewards.id, rewardId)));
}

export async function poolCounts(db: Executor, tenantId: string, rewardId: string): Promise<{ available: number; assigned: number; void: number }> {
  const { rows } = await db.execute<{ status: string; n: number }>(sql`
    SELECT status, count(*)::int AS n FROM loyalty_coupon_codes WHERE tenant_id = ${tenantId} AND reward_id = ${rewardId} GROUP BY status`);
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { available: count('available'), assigned: count('assigned'), void: count('void') };
}

/**
 * Gives the redemption the reward's oldest free code. SKIP LOCKED: a code another transaction is
 * taking is passed over, never waited for and never taken twice. Undefined: the pool is empty.
 *
 * The free code is picked in a MATERIALIZED CTE, run once. As `UPDATE ... FROM (SELECT ... LIMIT 1
 * FOR UPDATE SKIP LOCKED)` the planner may put the subquery on the inner side of a nested loop
 * over the workspace's codes (it does when its statistics predate the pool, as autovacuum may leave
 * them), and each rescan skips the row this very statement just updated and hands out the next
 * free code: one redemption took every code of the pool while the stock fell by one.
 */
export async function claimCode(tx: Executor, tenantId: string, rewardId: string, redemptionId: string, now: Date): Promise<{ id: string; code: string } | undefined> {
  const { rows } = await tx.execute<{ id: string; code: string }>(sql`
    WITH free AS MATERIALIZED (
      SELECT id FROM loyalty_coupon_codes
      WHERE tenant_id = ${tenantId} AND reward_id = ${rewardId} AND status = 'available'
      ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    UPDATE loyalty_coupon_codes c SET status = 'assigned', redemption_id = ${redemptionId}, assigned_at = ${now.toISOString()}::timestamptz
    FROM free
    WHERE c.tenant_id = ${tenantId} AND c.id = free.id
    RETURNING c.id, c.code`);
  // One code a redemption, or the transaction rolls back rather than commit a pool out of step with the stock.
  if (rows.length > 1) throw new Error(`coupon redemption ${redemptionId}: ${rows.length} codes claimed at once`);
  return rows[0];
}

/** A cancelled redemption's code: back to the pool when never used, else void for good. */
export async function releaseCode(tx: Executor, tenantId: string, codeId: string): Promise<boolean> {
  const { rows } = await tx.execute<{ status: string }>(sql`
    UPDATE loyalty_coupon_codes SET
      status = CASE WHEN used_at IS NULL THEN 'available' ELSE 'void' END,
      redemption_id = CASE WHEN used_at IS NULL THEN NULL ELSE redemption_id END,
      assigned_at = CASE WHEN used_at IS NULL THEN NULL ELSE assigned_at END
    WHERE tenant_id = ${tenantId} AND id = ${codeId} AND status = 'assigned'
    RETURNING status`);
  return rows[0]?.status === 'available';
}

export async function markCodeUsed(tx: Executor, tenantId: string, codeId: string, now: Date): Promise<void> {
  await tx.update(loyaltyCouponCodes).set({ usedAt: now })
    .where(and(eq(loyaltyCouponCodes.tenantId, tenantId), eq(loyaltyCouponCodes.id, codeId), sql`${loyaltyCouponCodes.usedAt} IS NULL`));
}

export async function insertRedemption(tx: Executor, row: typeof loyaltyCouponRedemptions.$inferInsert): Promise<void> {
  await tx.insert(loyaltyCouponRedemptions).values(row);
}

const withCode = (tenantId: string) => sql`
  SELECT r.*, c.code, c.used_at AS code_used_at, w.name AS reward_name
  FROM loyalty_coupon_redemptions r
  JOIN loyalty_coupon_codes c ON c.tenant_id = r.tenant_id AND c.id = r.code_id
  JOIN loyalty_rewards w ON w.tenant_id = r.tenant_id AND w.id = r.reward_id
  WHERE r.tenant_id = ${tenantId}`;

type RawRedemption = {
  tenant_id: string; id: string; reward_id: string; customer_id: string; code_id: string; points: string | number; idempotency_key: string; external_id: string | null;
  entry_id: string | number | null; status: string; cancel_entry_id: string | number | null; code_returned: boolean | null; source: string; created_at: string | Date;
  cancelled_at: string | Date | null; code: string; code_used_at: string | Date | null; reward_name: unknown;
};
const at = (v: string | Date | null) => (v === null ? null : new Date(v));
const fromRaw = (r: RawRedemption): RedemptionWithCode => ({
  tenantId: r.tenant_id, id: r.id, rewardId: r.reward_id, customerId: r.customer_id, codeId: r.code_id, points: Number(r.points), idempotencyKey: r.idempotency_key,
  externalId: r.external_id, entryId: r.entry_id === null ? null : Number(r.entry_id), status: r.status, cancelEntryId: r.cancel_entry_id === null ? null : Number(r.cancel_entry_id),
  codeReturned: r.code_returned, source: r.source, createdAt: at(r.created_at)!, cancelledAt: at(r.cancelled_at), code: r.code, usedAt: at(r.code_used_at),
  rewardName: r.reward_name,
});

export async function findRedemption(db: Executor, tenantId: string, id: string): Promise<RedemptionWithCode | undefined> {
  const { rows } = await db.execute<RawRedemption>(sql`${withCode(tenantId)} AND r.id = ${id}`);
  return rows[0] ? fromRaw(rows[0]) : undefined;
}

export async function findRedemptionByKey(db: Executor, tenantId: string, key: string): Promise<RedemptionWithCode | undefined> {
  const { rows } = await db.execute<RawRedemption>(sql`${withCode(tenantId)} AND r.idempotency_key = ${key}`);
  return rows[0] ? fromRaw(rows[0]) : undefined;
}

/** The member's redemptions, newest first. */
export async function memberRedemptions(db: Executor, tenantId: string, customerId: string, limit: number): Promise<RedemptionWithCode[]> {
  const { rows } = await db.execute<RawRedemption>(sql`${withCode(tenantId)} AND r.customer_id = ${customerId} ORDER BY r.created_at DESC, r.id LIMIT ${limit}`);
  return rows.map(fromRaw);
}

/** Redemptions of the reward by the member not cancelled (the per-member limit; gifts do not count). */
export async function activeRedemptionCount(tx: Executor, tenantId: string, rewardId: string, customerId: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(loyaltyCouponRedemptions).where(and(
    eq(loyaltyCouponRedemptions.tenantId, tenantId), eq(loyaltyCouponRedemptions.rewardId, rewardId), eq(loyaltyCouponRedemptions.customerId, customerId),
    eq(loyaltyCouponRedemptions.status, 'active'), isNotNull(loyaltyCouponRedemptions.entryId),
  ));
  return Number(row?.n ?? 0);
}

export async function markCancelled(tx: Executor, tenantId: string, id: string, cancelEntryId: number | null, codeReturned: boolean, now: Date): Promise<void> {
  await tx.update(loyaltyCouponRedemptions).set({ status: 'cancelled', cancelEntryId, codeReturned, cancelledAt: now })
    .where(and(eq(loyaltyCouponRedemptions.tenantId, tenantId), eq(loyaltyCouponRedemptions.id, id)));
}

/** Same-key redemptions take turns until commit, whoever the member (the key is unique in the workspace). */
export async function lockRedemptionKey(tx: Executor, tenantId: string, key: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`loyalty.coupon:${tenantId}:${key}`}, 0))`);
}
