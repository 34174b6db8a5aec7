import { randomUUID } from 'node:crypto';
import type { CreateReward, LoyaltyLocalName, RewardView, UpdateReward } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { checkChangedWindow, insideWindow, windowInstant as date } from './offer-window.ts';
import * as repo from './rewards.repo.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentReward(row: repo.RewardRow): RewardView {
  return {
    id: row.id,
    kind: row.kind as RewardView['kind'],
    name: row.name as LoyaltyLocalName,
    pointsCost: row.pointsCost,
    stock: row.stockTotal,
    stockLeft: row.stockLeft,
    perMemberLimit: row.perMemberLimit,
    validFrom: iso(row.validFrom),
    validUntil: iso(row.validUntil),
    active: row.active,
    archived: row.archivedAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Only the languages given, so a name stored is the name read. */
const cleanName = (name: LoyaltyLocalName) => Object.fromEntries(Object.entries(name).filter(([, v]) => v !== undefined));

/**
 * Kinds a reward can no longer be created as, and where each belongs instead: a reward of these
 * kinds was treated as a gift (its redemption went to `redemptions`, billing no partner, paying no
 * charity, with no receipt). Partner offers are the partners' catalogue (partners.*), donations the
 * charities' route (charity.*). Rewards already of these kinds stay readable and redeemable as before.
 */
const RETIRED_KINDS: Partial<Record<CreateReward['kind'], string>> = {
  partner_offer: 'reward_kind_use_partner_offers',
  donation: 'reward_kind_use_charities',
};

export async function createReward(tx: Executor, tenantId: string, actor: Actor | null, input: CreateReward, now: Date): Promise<RewardView> {
  const retired = RETIRED_KINDS[input.kind];
  if (retired) throw invalidField('kind', retired);
  // A discount coupon's stock is its pool of codes (coupons.service.ts): none until codes are added.
  const stock = input.kind === 'discount_coupon' ? 0 : input.stock ?? null;
  const row = await repo.insertReward(tx, {
    tenantId, id: randomUUID(), kind: input.kind, name: cleanName(input.name), pointsCost: input.pointsCost,
    stockTotal: stock, stockLeft: stock, perMemberLimit: input.perMemberLimit ?? null,
    validFrom: date(input.validFrom) ?? null, validUntil: date(input.validUntil) ?? null, active: input.active ?? true, createdAt: now, updatedAt: now,
  });
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.reward.created', targetType: 'loyalty_reward', targetId: row.id, details: { pointsCost: row.pointsCost, stock } });
  return presentReward(row);
}

export async function getReward(db: Executor, tenantId: string, id: string): Promise<RewardView> {
  const row = await repo.findReward(db, tenantId, id);
  if (!row) throw notFound();
  return presentReward(row);
}

/** On offer now: active, not archived, inside its window, stock left (or unlimited). */
export const onOffer = (row: repo.RewardRow, now: Date) =>
  row.active && !row.archivedAt && insideWindow(row, now) && (row.stockLeft === null || row.stockLeft > 0);

export async function listRewards(db: Executor, tenantId: string, all: boolean, now: Date): Promise<RewardView[]> {
  const rows = await repo.listRewards(db, tenantId);
  return rows.filter((r) => all || onOffer(r, now)).map(presentReward);
}

/**
 * Changes a reward. A new `stock` total moves the stock left by the same difference, under the
 * reward's row lock, so it never falls below what holds and redemptions already took.
 */
export async function updateReward(tx: Executor, tenantId: string, actor: Actor | null, id: string, input: UpdateReward, now: Date): Promise<RewardView> {
  const row = await repo.lockReward(tx, tenantId, id);
  if (!row) throw notFound();
  if (row.archivedAt) throw new Problem(409, 'reward_archived');
  const patch: Partial<repo.NewReward> = { updatedAt: now };
  if (input.name !== undefined) patch.name = cleanName(input.name);
  if (input.pointsCost !== undefined) patch.pointsCost = input.pointsCost;
  if (input.perMemberLimit !== undefined) patch.perMemberLimit = input.perMemberLimit;
  if (input.validFrom !== undefined) patch.validFrom = date(input.validFrom);
  if (input.validUntil !== undefined) patch.validUntil = date(input.validUntil);
  if (input.active !== undefined) patch.active = input.active;
  checkChangedWindow(row, patch);
  if (input.stock !== undefined && row.kind === 'discount_coupon') throw invalidField('stock', 'coupon_stock_is_pool');
  if (input.stock !== undefined) {
    const taken = row.stockTotal === null ? await repo.heldOrRedeemed(tx, tenantId, id) : row.stockTotal - row.stockLeft!;
    if (input.stock !== null && input.stock < taken) throw invalidField('stock', 'stock_below_taken', { taken });
    patch.stockTotal = input.stock;
    patch.stockLeft = input.stock === null ? null : input.stock - taken;
  }
  const updated = await repo.updateReward(tx, tenantId, id, patch);
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.reward.updated', targetType: 'loyalty_reward', targetId: id, details: { fields: Object.keys(input) } });
  return presentReward(updated);
}

/** Takes a reward off the catalogue for good; holds already made can still be captured or released. */
export async function archiveReward(tx: Executor, tenantId: string, actor: Actor | null, id: string, now: Date): Promise<void> {
  const row = await repo.lockReward(tx, tenantId, id);
  if (!row) throw notFound();
  if (row.archivedAt) return;
  await repo.updateReward(tx, tenantId, id, { archivedAt: now, active: false, updatedAt: now });
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.reward.archived', targetType: 'loyalty_reward', targetId: id });
}
