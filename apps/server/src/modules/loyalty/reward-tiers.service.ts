import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { LoyaltyLocalName, RewardTiersView, SetRewardTiers } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { loyaltyRewardRestrictions, loyaltyRewardTiers } from './coupons.schema.ts';
import { loyaltyPrograms } from './program.schema.ts';
import * as rewards from './rewards.repo.ts';
import { loyaltyTiers } from './tiers.schema.ts';

// Rewards restricted to tiers: a reward may name the tiers of one program whose members may
// redeem it (holds and coupon redemptions check it; the portal shows it locked with the lowest
// tier that may). Unrestricted unless a restriction row exists; a restriction whose tiers were
// all deleted admits nobody.

export async function getRewardTiers(db: Executor, tenantId: string, rewardId: string): Promise<RewardTiersView> {
  if (!(await rewards.findReward(db, tenantId, rewardId))) throw notFound();
  const [restriction] = await db.select().from(loyaltyRewardRestrictions)
    .where(and(eq(loyaltyRewardRestrictions.tenantId, tenantId), eq(loyaltyRewardRestrictions.rewardId, rewardId)));
  if (!restriction) return { rewardId, programId: null, tiers: [] };
  const tiers = await db.select({ id: loyaltyTiers.id, name: loyaltyTiers.name, threshold: loyaltyTiers.threshold })
    .from(loyaltyRewardTiers)
    .innerJoin(loyaltyTiers, and(eq(loyaltyTiers.tenantId, loyaltyRewardTiers.tenantId), eq(loyaltyTiers.id, loyaltyRewardTiers.tierId)))
    .where(and(eq(loyaltyRewardTiers.tenantId, tenantId), eq(loyaltyRewardTiers.rewardId, rewardId)))
    .orderBy(asc(loyaltyTiers.threshold));
  return { rewardId, programId: restriction.programId, tiers: tiers.map((t) => ({ ...t, name: t.name as LoyaltyLocalName })) };
}

/** Restricts the reward to these tiers of the program (replacing any earlier restriction). */
export async function setRewardTiers(tx: Executor, tenantId: string, actor: Actor | null, rewardId: string, input: SetRewardTiers, now: Date): Promise<RewardTiersView> {
  const reward = await rewards.lockReward(tx, tenantId, rewardId);
  if (!reward) throw notFound();
  if (reward.archivedAt) throw new Problem(409, 'reward_archived');
  const [program] = await tx.select({ id: loyaltyPrograms.id }).from(loyaltyPrograms)
    .where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, input.programId)));
  if (!program) throw invalidField('programId', 'program_not_found');
  const tierIds = [...new Set(input.tierIds)];
  const found = await tx.select({ id: loyaltyTiers.id }).from(loyaltyTiers)
    .where(and(eq(loyaltyTiers.tenantId, tenantId), eq(loyaltyTiers.programId, input.programId), inArray(loyaltyTiers.id, tierIds)));
  const known = new Set(found.map((t) => t.id));
  const missing = input.tierIds.findIndex((id) => !known.has(id));
  if (missing >= 0) throw invalidField(`tierIds.${missing}`, 'tier_not_in_program');
  await tx.insert(loyaltyRewardRestrictions).values({ tenantId, rewardId, programId: input.programId, updatedAt: now })
    .onConflictDoUpdate({ target: [loyaltyRewardRestrictions.tenantId, loyaltyRewardRestrictions.rewardId], set: { programId: input.programId, updatedAt: now } });
  await tx.delete(loyaltyRewardTiers).where(and(eq(loyaltyRewardTiers.tenantId, tenantId), eq(loyaltyRewardTiers.rewardId, rewardId)));
  await tx.insert(loyaltyRewardTiers).values(tierIds.map((tierId) => ({ tenantId, rewardId, tierId })));
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.reward.tiers_set', targetType: 'loyalty_reward', targetId: rewardId, details: { programId: input.programId, tierIds } });
  return getRewardTiers(tx, tenantId, rewardId);
}

/** Opens the reward to every member again. */
export async function clearRewardTiers(tx: Executor, tenantId: string, actor: Actor | null, rewardId: string): Promise<void> {
  const reward = await rewards.lockReward(tx, tenantId, rewardId);
  if (!reward) throw notFound();
  await tx.delete(loyaltyRewardTiers).where(and(eq(loyaltyRewardTiers.tenantId, tenantId), eq(loyaltyRewardTiers.rewardId, rewardId)));
  const removed = await tx.delete(loyaltyRewardRestrictions)
    .where(and(eq(loyaltyRewardRestrictions.tenantId, tenantId), eq(loyaltyRewardRestrictions.rewardId, rewardId))).returning();
  if (removed.length > 0) await recordAudit(tx, tenantId, actor, { action: 'loyalty.reward.tiers_cleared', targetType: 'loyalty_reward', targetId: rewardId });
}

export interface TierAccess {
  allowed: boolean;
  /** the lowest listed tier (the one to reach), null when none is left */
  needed: { id: string; name: LoyaltyLocalName } | null;
}

/**
 * Whether the member may redeem these rewards: every reward without a restriction, or one
 * listing the member's current tier in the restriction's program. One query for many rewards.
 */
export async function tierAccess(db: Executor, tenantId: string, rewardIds: string[], customerId: string): Promise<Map<string, TierAccess>> {
  const result = new Map<string, TierAccess>(rewardIds.map((id) => [id, { allowed: true, needed: null }]));
  if (rewardIds.length === 0) return result;
  const { rows } = await db.execute<{ reward_id: string; member_tier: string | null; tier_id: string | null; name: LoyaltyLocalName | null }>(sql`
    SELECT r.reward_id,
      (SELECT mt.tier_id FROM loyalty_member_tiers mt WHERE mt.tenant_id = r.tenant_id AND mt.program_id = r.program_id AND mt.customer_id = ${customerId}) AS member_tier,
      t.id AS tier_id, t.name
    FROM loyalty_reward_restrictions r
    LEFT JOIN loyalty_reward_tiers rt ON rt.tenant_id = r.tenant_id AND rt.reward_id = r.reward_id
    LEFT JOIN loyalty_tiers t ON t.tenant_id = rt.tenant_id AND t.id = rt.tier_id
    WHERE r.tenant_id = ${tenantId} AND r.reward_id = ANY(${sql.param(rewardIds)}::uuid[])
    ORDER BY r.reward_id, t.threshold ASC NULLS LAST`);
  for (const row of rows) {
    let access = result.get(row.reward_id)!;
    if (access.allowed && access.needed === null) {
      // The first row of a restricted reward: its lowest tier.
      access = { allowed: false, needed: row.tier_id ? { id: row.tier_id, name: row.name! } : null };
      result.set(row.reward_id, access);
    }
    if (row.tier_id !== null && row.tier_id === row.member_tier) access.allowed = true;
  }
  return result;
}

/** 403 `reward_tier_required` when the member's tier may not redeem the reward. */
export async function assertTierAllows(db: Executor, tenantId: string, rewardId: string, customerId: string): Promise<void> {
  const access = (await tierAccess(db, tenantId, [rewardId], customerId)).get(rewardId)!;
  if (!access.allowed) throw new Problem(403, 'reward_tier_required');
}
