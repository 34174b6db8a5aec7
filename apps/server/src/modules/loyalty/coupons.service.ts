import { randomUUID } from 'node:crypto';
import type {
  CancelCouponRedemption, CouponCodesAdded, CouponPoolView, CouponRedemptionView, CouponRedemptionWithEntry, GenerateCouponCodes, LoyaltyLocalName, MemberCouponsView,
  RedeemCoupon,
} from '@vafa/contracts';
import { COUPON_LINE_PROBLEMS } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { codeKey, generateCodes, isValidCode, type CodeLine } from './coupon-codes.ts';
import * as repo from './coupons.repo.ts';
import * as ledger from './ledger.repo.ts';
import { LOYALTY_EVENTS, getEntry, memberForWrite, settleMembers, type LedgerContext } from './ledger.service.ts';
import { drawSoonestExpiring } from './lot-draws.ts';
import { owedOf, repayOwedFromAvailable } from './negative-balance.ts';
import { forwardToSurvivor } from './member-merge.service.ts';
import { assertTierAllows, tierAccess } from './reward-tiers.service.ts';
import * as rewards from './rewards.repo.ts';
import { insideWindow } from './offer-window.ts';
import { onOffer } from './rewards.service.ts';

// Discount coupons: a reward whose stock is a pool of codes. Redemption spends the points (one
// `redeem` entry, available → redemptions) and hands out one free code in the same transaction;
// the reward's stock_left is the pool's free codes and is taken first by a conditional update,
// so concurrent redemptions queue on the reward's row and an empty pool refuses with nothing
// spent. Cancellation gives the points back to the very lots they came from and the code back
// to the pool, unless the shop had used it: a used code is void for good (handing it to another
// member would give two people one code). A code seen but not used goes back: the member who saw
// it lost it with the cancellation, and the shop marks a code used when it applies it.

export const COUPON_KIND = 'discount_coupon';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentRedemption(row: repo.RedemptionWithCode): CouponRedemptionView {
  return {
    id: row.id, rewardId: row.rewardId, rewardName: row.rewardName as LoyaltyLocalName, customerId: row.customerId, code: row.code, points: row.points,
    externalId: row.externalId, status: row.status as CouponRedemptionView['status'], usedAt: iso(row.usedAt), codeReturned: row.codeReturned,
    entryId: row.entryId, cancelEntryId: row.cancelEntryId, createdAt: row.createdAt.toISOString(), cancelledAt: iso(row.cancelledAt),
  };
}

async function withEntry(db: Executor, tenantId: string, row: repo.RedemptionWithCode): Promise<CouponRedemptionWithEntry> {
  return { ...presentRedemption(row), entry: row.entryId === null ? null : await getEntry(db, tenantId, row.entryId) };
}

/** The reward locked for a change of its pool, which must be a discount coupon's. */
async function couponReward(tx: Executor, tenantId: string, rewardId: string): Promise<rewards.RewardRow> {
  const reward = await rewards.lockReward(tx, tenantId, rewardId);
  if (!reward) throw notFound();
  if (reward.kind !== COUPON_KIND) throw new Problem(409, 'reward_not_coupon');
  if (reward.archivedAt) throw new Problem(409, 'reward_archived');
  return reward;
}

export async function couponPool(db: Executor, tenantId: string, rewardId: string): Promise<CouponPoolView> {
  const reward = await rewards.findReward(db, tenantId, rewardId);
  if (!reward) throw notFound();
  if (reward.kind !== COUPON_KIND) throw new Problem(409, 'reward_not_coupon');
  const counts = await repo.poolCounts(db, tenantId, rewardId);
  return { rewardId, ...counts, total: counts.available + counts.assigned + counts.void };
}

/** `count` new codes, unique in the workspace: a generated code that collides with one there is drawn again. */
export async function generateCouponCodes(tx: Executor, tenantId: string, actor: Actor | null, rewardId: string, input: GenerateCouponCodes, now: Date): Promise<CouponCodesAdded> {
  await couponReward(tx, tenantId, rewardId);
  let added = 0;
  for (let round = 0; added < input.count; round++) {
    // Ten rounds of collisions in a space of 25^6 or more is a prefix-and-length the workspace has used up.
    if (round === 10) throw new Problem(409, 'coupon_codes_exhausted');
    const codes = generateCodes(input.count - added, input.length ?? 10, input.prefix ?? '');
    added += (await repo.insertCodes(tx, tenantId, rewardId, codes.map((code) => ({ code, key: codeKey(code) })), 'generated', now)).size;
  }
  await repo.addStock(tx, tenantId, rewardId, added);
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.coupon_codes.generated', targetType: 'loyalty_reward', targetId: rewardId, details: { count: added } });
  return { added, rejected: [], rejectedCount: 0, pool: await couponPool(tx, tenantId, rewardId) };
}

type Rejection = CouponCodesAdded['rejected'][number];
const MAX_LISTED_REJECTIONS = 1_000;

/**
 * An uploaded file's codes, read to its end before anything is written (coupon-codes.ts refuses a
 * file cut short). Each row is added or reported with its line: empty, not a code, a repeat of an
 * earlier line, or already in the workspace's pools.
 */
export async function uploadCouponCodes(tx: Executor, tenantId: string, actor: Actor | null, rewardId: string, lines: CodeLine[], fileName: string, now: Date): Promise<CouponCodesAdded> {
  await couponReward(tx, tenantId, rewardId);
  const rejected: Rejection[] = [];
  const firstLine = new Map<string, number>();
  const candidates: (CodeLine & { key: string })[] = [];
  for (const { line, code } of lines) {
    if (code === '') rejected.push({ line, problem: 'empty', code });
    else if (!isValidCode(code)) rejected.push({ line, problem: 'invalid', code });
    else {
      const key = codeKey(code);
      const first = firstLine.get(key);
      if (first !== undefined) rejected.push({ line, problem: 'duplicate_in_file', code, firstLine: first });
      else {
        firstLine.set(key, line);
        candidates.push({ line, code, key });
      }
    }
  }
  const taken = await repo.existingKeys(tx, tenantId, candidates.map((c) => c.key));
  const fresh = candidates.filter((c) => !taken.has(c.key));
  for (const c of candidates) if (taken.has(c.key)) rejected.push({ line: c.line, problem: 'already_in_pool', code: c.code });
  const inserted = await repo.insertCodes(tx, tenantId, rewardId, fresh.map((c) => ({ code: c.code, key: c.key })), 'uploaded', now);
  // Taken by a concurrent upload between the look-up and the insert.
  for (const c of fresh) if (!inserted.has(c.key)) rejected.push({ line: c.line, problem: 'already_in_pool', code: c.code });
  await repo.addStock(tx, tenantId, rewardId, inserted.size);
  rejected.sort((a, b) => a.line - b.line || COUPON_LINE_PROBLEMS.indexOf(a.problem) - COUPON_LINE_PROBLEMS.indexOf(b.problem));
  await recordAudit(tx, tenantId, actor, {
    action: 'loyalty.coupon_codes.uploaded', targetType: 'loyalty_reward', targetId: rewardId, details: { fileName, added: inserted.size, rejected: rejected.length },
  });
  return { added: inserted.size, rejected: rejected.slice(0, MAX_LISTED_REJECTIONS), rejectedCount: rejected.length, pool: await couponPool(tx, tenantId, rewardId) };
}

/** The redemption's key: the checkout's external id, else the caller's Idempotency-Key. */
export function redemptionKey(externalId: string | undefined, requestKey: string | undefined): string {
  if (externalId !== undefined) return `coupon:ext:${externalId}`;
  if (requestKey !== undefined) return `coupon:req:${requestKey}`;
  throw new Problem(400, 'idempotency_key_required');
}

/**
 * Spends the reward's cost of the member's points and gives the member one free code, at once or
 * not at all. Refused with nothing written: not a discount coupon (409 `reward_not_coupon`), not
 * on offer (409 `reward_unavailable`), the member's tier may not (403 `reward_tier_required`),
 * the member's limit (409 `coupon_limit_reached`), not enough points (409 `insufficient_points`),
 * no code left (409 `coupon_pool_empty`). The same key again answers the first redemption.
 */
export async function redeemCoupon(
  tx: Executor, ctx: LedgerContext, rewardId: string, input: RedeemCoupon, key: string,
): Promise<{ created: boolean; redemption: CouponRedemptionWithEntry }> {
  const { tenantId } = ctx;
  const { customerId } = input;
  await repo.lockRedemptionKey(tx, tenantId, key);
  const earlier = await repo.findRedemptionByKey(tx, tenantId, key);
  if (earlier) {
    if (earlier.customerId !== customerId || earlier.rewardId !== rewardId) throw new Problem(409, 'external_id_conflict');
    return { created: false, redemption: await withEntry(tx, tenantId, earlier) };
  }
  const member = await memberForWrite(tx, ctx, customerId, false);
  const reward = await rewards.rewardForHold(tx, tenantId, rewardId);
  if (!reward) throw notFound();
  if (reward.kind !== COUPON_KIND) throw new Problem(409, 'reward_not_coupon');
  if (!reward.active || reward.archivedAt || !insideWindow(reward, ctx.now)) {
    throw new Problem(409, 'reward_unavailable');
  }
  await assertTierAllows(tx, tenantId, rewardId, customerId);
  if (reward.perMemberLimit !== null && member && (await repo.activeRedemptionCount(tx, tenantId, rewardId, customerId)) >= reward.perMemberLimit) {
    throw new Problem(409, 'coupon_limit_reached', { limit: reward.perMemberLimit });
  }
  const points = reward.pointsCost;
  const lots = member ? await ledger.spendableLots(tx, tenantId, customerId, ctx.now) : [];
  const draws = drawSoonestExpiring(lots, points);
  if (!draws) throw new Problem(409, 'insufficient_points', { available: lots.reduce((sum, lot) => sum + lot.remaining, 0), points });

  if (!(await rewards.takeStock(tx, tenantId, rewardId))) throw new Problem(409, 'coupon_pool_empty');
  const id = randomUUID();
  const code = await repo.claimCode(tx, tenantId, rewardId, id, ctx.now);
  // The stock said a code was free but none is: the transaction rolls back, the stock with it.
  if (!code) throw new Problem(409, 'coupon_pool_empty');

  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId, kind: 'redeem', idempotencyKey: `redeem:coupon:${id}`, customerId, externalId: input.externalId ?? null, reason: input.reason ?? null, source: ctx.source, at: ctx.now },
    customerId, draws,
    postings: [{ account: 'available', customerId, amount: -points }, { account: 'redemptions', customerId: null, amount: points }],
    delta: { available: -points, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined) throw new Error(`coupon redemption ${id}: its entry key was taken`);
  await repo.insertRedemption(tx, {
    tenantId, id, rewardId, customerId, codeId: code.id, points, idempotencyKey: key, externalId: input.externalId ?? null, entryId, status: 'active', source: ctx.source,
    createdAt: ctx.now,
  });
  await publishEvents(tx, tenantId, [{
    topic: LOYALTY_EVENTS.redeemed, payload: { customerId, entryId, points, rewardId, couponRedemptionId: id, reason: input.reason ?? null, externalId: input.externalId ?? null },
  }]);
  return { created: true, redemption: await withEntry(tx, tenantId, (await repo.findRedemption(tx, tenantId, id))!) };
}

/** Whether the reward can be given as a gift coupon: a discount coupon of the workspace, not archived. */
export async function isGiftableCoupon(db: Executor, tenantId: string, rewardId: string): Promise<boolean> {
  const reward = await rewards.findReward(db, tenantId, rewardId);
  return !!reward && reward.kind === COUPON_KIND && !reward.archivedAt;
}

/**
 * Gives the member one free code of a discount-coupon reward without spending points (a
 * complaint's goodwill coupon): a redemption of 0 points and no ledger entry, which the member
 * sees with their other codes. Once per key: the same key again answers the first gift. The
 * reward need not be on offer (a goodwill coupon is often kept out of the catalogue), only a
 * discount coupon not archived (409 `reward_not_coupon`) with a free code (409 `coupon_pool_empty`);
 * tier limits and the per-member limit are for what members buy, not for what they are given.
 */
export async function giftCoupon(
  tx: Executor, ctx: LedgerContext, rewardId: string, gift: { customerId: string; key: string; reason: string | null },
): Promise<{ created: boolean; redemption: repo.RedemptionWithCode }> {
  const { tenantId } = ctx;
  const key = `coupon:goodwill:${gift.key}`;
  await repo.lockRedemptionKey(tx, tenantId, key);
  const earlier = await repo.findRedemptionByKey(tx, tenantId, key);
  if (earlier) return { created: false, redemption: earlier };
  await memberForWrite(tx, ctx, gift.customerId, true);
  const reward = await rewards.lockReward(tx, tenantId, rewardId);
  if (!reward || reward.kind !== COUPON_KIND || reward.archivedAt) throw new Problem(409, 'reward_not_coupon');
  if (!(await rewards.takeStock(tx, tenantId, rewardId))) throw new Problem(409, 'coupon_pool_empty');
  const id = randomUUID();
  const code = await repo.claimCode(tx, tenantId, rewardId, id, ctx.now);
  if (!code) throw new Problem(409, 'coupon_pool_empty');
  await repo.insertRedemption(tx, {
    tenantId, id, rewardId, customerId: gift.customerId, codeId: code.id, points: 0, idempotencyKey: key, externalId: null, entryId: null, status: 'active',
    source: ctx.source, createdAt: ctx.now,
  });
  await recordAudit(tx, tenantId, { kind: 'system' }, {
    action: 'loyalty.coupon.gifted', targetType: 'loyalty_coupon_redemption', targetId: id, details: { customerId: gift.customerId, rewardId, key: gift.key, reason: gift.reason },
  });
  return { created: true, redemption: (await repo.findRedemption(tx, tenantId, id))! };
}

/** The redemption with its member locked (every change to it takes that lock first), as it stands after the lock. */
async function lockedRedemption(tx: Executor, ctx: LedgerContext, id: string): Promise<repo.RedemptionWithCode> {
  const found = await repo.findRedemption(tx, ctx.tenantId, id);
  if (!found) throw notFound();
  if (!(await ledger.lockMember(tx, ctx.tenantId, found.customerId, ctx.now))) throw new Error(`coupon redemption ${id} has no member`);
  return (await repo.findRedemption(tx, ctx.tenantId, id))!;
}

/**
 * Cancels a redemption: its reversal gives the points back to the lots it drew on (a lot past its
 * expiry by then expires at once), and the code goes back to the pool unless it was used (then it
 * is void). Once: a cancelled redemption answers again. A redemption whose entry was already
 * reversed through the ledger API is cancelled with that reversal.
 */
export async function cancelCouponRedemption(
  tx: Executor, ctx: LedgerContext, actor: Actor | null, id: string, input: CancelCouponRedemption,
): Promise<{ changed: boolean; redemption: CouponRedemptionWithEntry }> {
  const row = await lockedRedemption(tx, ctx, id);
  if (row.status === 'cancelled') return { changed: false, redemption: await withEntry(tx, ctx.tenantId, row) };
  if (row.entryId === null) return cancelGift(tx, ctx, actor, row, input);
  const { customerId, points } = row;
  const redeemEntryId = row.entryId;
  const drawn = await ledger.drawsOf(tx, ctx.tenantId, redeemEntryId);
  const reversalKey = `reversal:${redeemEntryId}`;
  let { entryId } = await ledger.bookEntry(tx, {
    entry: {
      tenantId: ctx.tenantId, kind: 'reversal', idempotencyKey: reversalKey, customerId, externalId: row.externalId, reason: input.reason, source: ctx.source,
      reversesEntryId: redeemEntryId, at: ctx.now,
    },
    customerId,
    postings: [{ account: 'redemptions', customerId: null, amount: -points }, { account: 'available', customerId, amount: points }],
    draws: drawn.map((d) => ({ lotId: d.lotId, amount: -d.amount })),
    delta: { available: points, pending: 0, qualifying: 0 },
  });
  const booked = entryId !== undefined;
  entryId ??= (await ledger.findEntryByKey(tx, ctx.tenantId, reversalKey))!.id;
  const codeReturned = await repo.releaseCode(tx, ctx.tenantId, row.codeId);
  if (codeReturned) await rewards.returnStock(tx, ctx.tenantId, row.rewardId);
  await repo.markCancelled(tx, ctx.tenantId, id, entryId, codeReturned, ctx.now);
  if (booked && drawn.some((d) => d.expiresAt && d.expiresAt <= ctx.now)) await settleMembers(tx, { ...ctx, source: 'system:due-work' }, [customerId]);
  // The points given back repay what the member owes at once (negative-balance.ts), as an earn's would.
  if (booked) await repayOwedFromAvailable(tx, ctx, customerId, { kind: 'cancel', entryId });
  // A merged record's points given back go on to its survivor (member-merge.service.ts).
  if (booked) await forwardToSurvivor(tx, ctx, customerId, entryId);
  await recordAudit(tx, ctx.tenantId, actor, {
    action: 'loyalty.coupon_redemption.cancelled', targetType: 'loyalty_coupon_redemption', targetId: id, details: { customerId, points, codeReturned },
  });
  if (booked) {
    await publishEvents(tx, ctx.tenantId, [{
      topic: LOYALTY_EVENTS.reversed,
      payload: { customerId, entryId, reversesEntryId: redeemEntryId, reversedKind: 'redeem', couponRedemptionId: id, points: { available: points, pending: 0, qualifying: 0 }, reason: input.reason },
    }]);
  }
  return { changed: true, redemption: await withEntry(tx, ctx.tenantId, (await repo.findRedemption(tx, ctx.tenantId, id))!) };
}

/** A gift's cancellation: no points to give back, the code back to the pool unless it was used. */
async function cancelGift(
  tx: Executor, ctx: LedgerContext, actor: Actor | null, row: repo.RedemptionWithCode, input: CancelCouponRedemption,
): Promise<{ changed: boolean; redemption: CouponRedemptionWithEntry }> {
  const codeReturned = await repo.releaseCode(tx, ctx.tenantId, row.codeId);
  if (codeReturned) await rewards.returnStock(tx, ctx.tenantId, row.rewardId);
  await repo.markCancelled(tx, ctx.tenantId, row.id, null, codeReturned, ctx.now);
  await recordAudit(tx, ctx.tenantId, actor, {
    action: 'loyalty.coupon_redemption.cancelled', targetType: 'loyalty_coupon_redemption', targetId: row.id, details: { customerId: row.customerId, points: 0, codeReturned, reason: input.reason },
  });
  return { changed: true, redemption: await withEntry(tx, ctx.tenantId, (await repo.findRedemption(tx, ctx.tenantId, row.id))!) };
}

/** The shop applied the code (once; again answers the same). A cancelled redemption's code cannot be used (409 `coupon_redemption_cancelled`). */
export async function markCouponUsed(tx: Executor, ctx: LedgerContext, id: string): Promise<CouponRedemptionWithEntry> {
  const row = await lockedRedemption(tx, ctx, id);
  if (row.status === 'cancelled') throw new Problem(409, 'coupon_redemption_cancelled');
  await repo.markCodeUsed(tx, ctx.tenantId, row.codeId, ctx.now);
  return withEntry(tx, ctx.tenantId, (await repo.findRedemption(tx, ctx.tenantId, id))!);
}

export async function getCouponRedemption(db: Executor, tenantId: string, id: string): Promise<CouponRedemptionWithEntry> {
  const row = await repo.findRedemption(db, tenantId, id);
  if (!row) throw notFound();
  return withEntry(db, tenantId, row);
}

export async function listMemberCoupons(db: Executor, tenantId: string, customerId: string): Promise<CouponRedemptionView[]> {
  if (!(await ledger.customerStanding(db, tenantId, customerId))) throw notFound();
  return (await repo.memberRedemptions(db, tenantId, customerId, 200)).map(presentRedemption);
}

/** The portal's view: the member's live codes, and the rewards on offer their tier may not redeem. */
export async function memberCoupons(db: Executor, tenantId: string, customerId: string, now: Date): Promise<MemberCouponsView> {
  const rows = (await repo.memberRedemptions(db, tenantId, customerId, 100)).filter((r) => r.status === 'active');
  const offered = (await rewards.listRewards(db, tenantId)).filter((r) => onOffer(r, now)).map((r) => r.id);
  const access = await tierAccess(db, tenantId, offered, customerId);
  return {
    owed: await owedOf(db, tenantId, customerId),
    items: rows.map((r) => ({ id: r.id, rewardName: r.rewardName as LoyaltyLocalName, code: r.code, points: r.points, usedAt: iso(r.usedAt), createdAt: r.createdAt.toISOString() })),
    locked: [...access].filter(([, a]) => !a.allowed).map(([rewardId, a]) => ({ rewardId, tierNeeded: a.needed?.name ?? null })),
  };
}
