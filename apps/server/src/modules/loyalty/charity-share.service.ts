import type { CharityShareView, SetCharityShare } from '@vafa/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { loyaltyCharityShares } from './charity.schema.ts';
import * as charities from './charity.repo.ts';
import { donatePoints } from './charity.service.ts';
import { customerStanding } from './ledger.repo.ts';

// The values program's automatic share: a member chooses a charity and a whole percent; each
// purchase's points, once spendable (earned available, or unlocked after the pending period for
// returns), give that share to the charity as an ordinary donation with its receipt. Points from
// events (surveys, goodwill) carry no external id and are not purchases.

type ShareRow = typeof loyaltyCharityShares.$inferSelect;
const present = (row: ShareRow | undefined): CharityShareView => ({
  share: row ? { customerId: row.customerId, charityId: row.charityId, percent: row.percent, updatedAt: row.updatedAt.toISOString() } : null,
});

async function findShare(db: Executor, tenantId: string, customerId: string): Promise<ShareRow | undefined> {
  const [row] = await db.select().from(loyaltyCharityShares).where(and(eq(loyaltyCharityShares.tenantId, tenantId), eq(loyaltyCharityShares.customerId, customerId)));
  return row;
}

export async function getCharityShare(db: Executor, tenantId: string, customerId: string): Promise<CharityShareView> {
  if (!(await customerStanding(db, tenantId, customerId))) throw notFound();
  return present(await findShare(db, tenantId, customerId));
}

export async function setCharityShare(tx: Executor, tenantId: string, actor: Actor | null, customerId: string, input: SetCharityShare, now: Date): Promise<CharityShareView> {
  const standing = await customerStanding(tx, tenantId, customerId);
  if (!standing || standing.erasedAt) throw notFound();
  const charity = await charities.findCharity(tx, tenantId, input.charityId);
  if (!charity) throw invalidField('charityId', 'charity_not_found');
  if (!charity.active || charity.archivedAt) throw new Problem(409, 'charity_unavailable');
  const [row] = await tx.insert(loyaltyCharityShares)
    .values({ tenantId, customerId, charityId: input.charityId, percent: input.percent, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [loyaltyCharityShares.tenantId, loyaltyCharityShares.customerId], set: { charityId: input.charityId, percent: input.percent, updatedAt: now } })
    .returning();
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.charity_share.set', targetType: 'customer', targetId: customerId, details: { charityId: input.charityId, percent: input.percent } });
  return present(row);
}

export async function removeCharityShare(tx: Executor, tenantId: string, actor: Actor | null, customerId: string): Promise<void> {
  if (!(await customerStanding(tx, tenantId, customerId))) throw notFound();
  const removed = await tx.delete(loyaltyCharityShares).where(and(eq(loyaltyCharityShares.tenantId, tenantId), eq(loyaltyCharityShares.customerId, customerId))).returning();
  if (removed.length > 0) await recordAudit(tx, tenantId, actor, { action: 'loyalty.charity_share.removed', targetType: 'customer', targetId: customerId });
}

export async function workspaceHasShares(db: Executor, tenantId: string): Promise<boolean> {
  const { rows } = await db.execute<{ found: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM loyalty_charity_shares WHERE tenant_id = ${tenantId}) AS found`);
  return Boolean(rows[0]?.found);
}

/** Points that just became spendable, as an event says them. */
export interface SpendablePoints {
  tenantId: string;
  customerId: string;
  /** the entry that made them spendable: the earn or the unlock; the donation's key */
  entryId: number;
  points: number;
}

/** Refusals that a retry cannot change: the points were spent meanwhile, the charity closed, the share is worth nothing. */
const FINAL = new Set(['insufficient_points', 'charity_unavailable', 'charity_not_found', 'donation_too_small', 'donation_too_large', 'not_found', 'customer_merged']);

/**
 * Gives the member's chosen share of points that just became spendable, once per entry (the
 * donation's key is the entry), in its own transaction. Undefined: nothing given (no choice, a
 * share under one point, or a refusal no retry would change).
 */
export async function giveCharityShare(database: Database, spendable: SpendablePoints, now: Date): Promise<{ donationId: string; points: number } | undefined> {
  const share = await findShare(database.db, spendable.tenantId, spendable.customerId);
  if (!share) return undefined;
  const points = Math.floor((spendable.points * share.percent) / 100);
  if (points < 1) return undefined;
  try {
    const outcome = await database.db.transaction((tx) => donatePoints(tx, { tenantId: spendable.tenantId, source: 'system:charity-share', now }, {
      customerId: spendable.customerId, charityId: share.charityId, points, externalId: `share:${spendable.entryId}`,
    }));
    return { donationId: outcome.donation.id, points };
  } catch (error) {
    if (error instanceof Problem && FINAL.has(error.code)) return undefined;
    throw error;
  }
}
