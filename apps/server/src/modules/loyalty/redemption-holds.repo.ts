// SQL of checkout holds. A hold's row changes state (held → captured, released or expired) only
// with the entry that explains it, in the same transaction, under its member's lock.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { DRIFT_SAMPLE } from './ledger-verify.repo.ts';
import { loyaltyRedemptionHolds, type HoldStatus } from './redemption-holds.schema.ts';

export type HoldRow = typeof loyaltyRedemptionHolds.$inferSelect;
export type NewHold = typeof loyaltyRedemptionHolds.$inferInsert;

/** Claims the hold's idempotency key with its row; undefined when the key is taken (waits for a concurrent claimer to finish first). */
export async function claimHold(tx: Executor, row: NewHold): Promise<HoldRow | undefined> {
  const [created] = await tx.insert(loyaltyRedemptionHolds).values(row).onConflictDoNothing().returning();
  return created;
}

export async function findHold(db: Executor, tenantId: string, id: string): Promise<HoldRow | undefined> {
  const [row] = await db.select().from(loyaltyRedemptionHolds).where(and(eq(loyaltyRedemptionHolds.tenantId, tenantId), eq(loyaltyRedemptionHolds.id, id)));
  return row;
}

export async function findHoldByKey(db: Executor, tenantId: string, key: string): Promise<HoldRow | undefined> {
  const [row] = await db.select().from(loyaltyRedemptionHolds).where(and(eq(loyaltyRedemptionHolds.tenantId, tenantId), eq(loyaltyRedemptionHolds.idempotencyKey, key)));
  return row;
}

export async function setHoldEntry(tx: Executor, tenantId: string, id: string, entryId: number): Promise<void> {
  await tx.update(loyaltyRedemptionHolds).set({ holdEntryId: entryId }).where(and(eq(loyaltyRedemptionHolds.tenantId, tenantId), eq(loyaltyRedemptionHolds.id, id)));
}

/** Moves a hold out of `held`; only a hold still held changes (false: it had already been settled). */
export async function settleHoldRow(tx: Executor, tenantId: string, id: string, status: Exclude<HoldStatus, 'held'>, entryId: number, at: Date): Promise<boolean> {
  const rows = await tx.update(loyaltyRedemptionHolds).set({ status, settleEntryId: entryId, settledAt: at })
    .where(and(eq(loyaltyRedemptionHolds.tenantId, tenantId), eq(loyaltyRedemptionHolds.id, id), eq(loyaltyRedemptionHolds.status, 'held')))
    .returning({ id: loyaltyRedemptionHolds.id });
  return rows.length === 1;
}

/** Marks a captured hold refunded; only a hold still captured changes. */
export async function refundHoldRow(tx: Executor, tenantId: string, id: string, entryId: number): Promise<boolean> {
  const rows = await tx.update(loyaltyRedemptionHolds).set({ status: 'refunded', refundEntryId: entryId })
    .where(and(eq(loyaltyRedemptionHolds.tenantId, tenantId), eq(loyaltyRedemptionHolds.id, id), eq(loyaltyRedemptionHolds.status, 'captured')))
    .returning({ id: loyaltyRedemptionHolds.id });
  return rows.length === 1;
}

/** How many times the member holds or redeemed the reward (for its per-member limit; call with the member locked). */
export async function memberRewardCount(tx: Executor, tenantId: string, customerId: string, rewardId: string): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM loyalty_redemption_holds
    WHERE tenant_id = ${tenantId} AND reward_id = ${rewardId} AND customer_id = ${customerId} AND status IN ('held', 'captured')`);
  return Number(rows[0]?.n ?? 0);
}

/** Opens the member's held account on its first hold (a no-op after that). */
export async function openHeldAccount(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO loyalty_accounts (tenant_id, kind, customer_id) VALUES (${tenantId}, 'held', ${customerId})
    ON CONFLICT DO NOTHING`);
}

/** A member's holds, newest first, and the points of those still held. */
export async function memberHolds(db: Executor, tenantId: string, customerId: string, status: HoldStatus | undefined, limit: number): Promise<{ held: number; rows: HoldRow[] }> {
  const rows = await db.select().from(loyaltyRedemptionHolds)
    .where(and(eq(loyaltyRedemptionHolds.tenantId, tenantId), eq(loyaltyRedemptionHolds.customerId, customerId), status === undefined ? undefined : eq(loyaltyRedemptionHolds.status, status)))
    .orderBy(desc(loyaltyRedemptionHolds.createdAt), desc(loyaltyRedemptionHolds.id))
    .limit(limit);
  const { rows: [sum] } = await db.execute<{ held: number }>(sql`
    SELECT coalesce(sum(points), 0) AS held FROM loyalty_redemption_holds WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND status = 'held'`);
  return { held: Number(sum?.held ?? 0), rows };
}

/** Holds still `held` past their expiry, oldest first, found through the partial index. */
export async function expiredHolds(db: Executor, tenantId: string, now: Date, limit: number): Promise<{ id: string; customerId: string }[]> {
  const { rows } = await db.execute<{ id: string; customer_id: string }>(sql`
    SELECT id, customer_id FROM loyalty_redemption_holds
    WHERE tenant_id = ${tenantId} AND status = 'held' AND expires_at <= ${now.toISOString()}::timestamptz
    ORDER BY expires_at LIMIT ${limit}`);
  return rows.map((r) => ({ id: r.id, customerId: r.customer_id }));
}

export async function workspacesWithExpiredHolds(db: Executor, now: Date): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT w.id FROM workspaces w
    WHERE EXISTS (SELECT 1 FROM loyalty_redemption_holds h WHERE h.tenant_id = w.id AND h.status = 'held' AND h.expires_at <= ${now.toISOString()}::timestamptz)`);
  return rows.map((r) => r.id);
}

export interface HeldDrift {
  customerId: string;
  /** the member's held account, from postings */
  posted: number;
  /** the points of its holds still held */
  inHolds: number;
}

/**
 * Members whose held account (sum of postings) differs from the points of their holds still
 * `held`, and holds whose state disagrees with their entries (held without a hold entry, settled
 * without a settling one).
 */
export async function heldDrift(db: Executor, tenantId: string): Promise<{ count: number; sample: HeldDrift[] }> {
  const { rows } = await db.execute<{ customer_id: string; posted: number; in_holds: number; found: number }>(sql`
    WITH posted AS (
      SELECT a.customer_id, sum(p.amount) AS posted
      FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
      WHERE a.tenant_id = ${tenantId} AND a.kind = 'held' GROUP BY a.customer_id
    ), holds AS (
      SELECT customer_id, sum(points) FILTER (WHERE status = 'held') AS in_holds,
             count(*) FILTER (WHERE hold_entry_id IS NULL) AS unbooked
      FROM loyalty_redemption_holds WHERE tenant_id = ${tenantId} GROUP BY customer_id
    )
    SELECT coalesce(p.customer_id, h.customer_id) AS customer_id, coalesce(p.posted, 0) AS posted, coalesce(h.in_holds, 0) AS in_holds,
           count(*) OVER () AS found
    FROM posted p FULL JOIN holds h ON h.customer_id = p.customer_id
    WHERE coalesce(p.posted, 0) <> coalesce(h.in_holds, 0) OR coalesce(h.unbooked, 0) > 0
    ORDER BY 1 LIMIT ${DRIFT_SAMPLE}`);
  return { count: Number(rows[0]?.found ?? 0), sample: rows.map((r) => ({ customerId: r.customer_id, posted: Number(r.posted), inHolds: Number(r.in_holds) })) };
}
