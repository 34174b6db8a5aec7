import { randomUUID } from 'node:crypto';
import { HOLD_TTL_DEFAULT_SECONDS, type CreateHold, type HoldView, type SettleHold } from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import * as ledger from './ledger.repo.ts';
import { getEntry, memberForWrite, settleMembers, type LedgerContext } from './ledger.service.ts';
import { drawSoonestExpiring } from './lot-draws.ts';
import { repayOwedFromAvailable } from './negative-balance.ts';
import { forwardToSurvivor } from './member-merge.service.ts';
import * as repo from './redemption-holds.repo.ts';
import { insideWindow } from './offer-window.ts';
import * as rewards from './rewards.repo.ts';
import { assertTierAllows } from './reward-tiers.service.ts';

// A checkout's points: hold (available → held, lots drawn soonest-expiring first and recorded),
// then capture (held → redemptions) or release (held → available, the same lots given back).
// Every step first locks the member's row, so a member's holds, captures, releases, spends and
// the expiry job take turns; the hold's row says where it stands and changes only with its entry.

export const HOLD_EVENTS = {
  held: 'loyalty.points_held',
  captured: 'loyalty.points_redeemed',
  released: 'loyalty.hold_released',
  refunded: 'loyalty.entry_reversed',
} as const;

export interface HoldOutcome {
  /** false: this key (or this hold's state) had already answered; this is that answer again */
  changed: boolean;
  hold: HoldView;
}

async function presentHold(db: Executor, row: repo.HoldRow): Promise<HoldView> {
  return {
    id: row.id,
    customerId: row.customerId,
    rewardId: row.rewardId,
    points: row.points,
    externalId: row.externalId,
    status: row.status as HoldView['status'],
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    settledAt: row.settledAt ? row.settledAt.toISOString() : null,
    holdEntry: row.holdEntryId === null ? null : await getEntry(db, row.tenantId, row.holdEntryId),
    settleEntry: row.settleEntryId === null ? null : await getEntry(db, row.tenantId, row.settleEntryId),
    refundEntry: row.refundEntryId === null ? null : await getEntry(db, row.tenantId, row.refundEntryId),
  };
}

export async function getHold(db: Executor, tenantId: string, id: string): Promise<HoldView> {
  const row = await repo.findHold(db, tenantId, id);
  if (!row) throw notFound();
  return presentHold(db, row);
}

/** A member's holds, newest first, with the points still held. */
export async function listMemberHolds(db: Executor, tenantId: string, customerId: string, query: { status?: HoldView['status'] | undefined; limit: number }): Promise<{ held: number; items: HoldView[] }> {
  if (!(await ledger.customerStanding(db, tenantId, customerId))) throw notFound();
  const { held, rows } = await repo.memberHolds(db, tenantId, customerId, query.status, query.limit);
  const items: HoldView[] = [];
  for (const row of rows) items.push(await presentHold(db, row));
  return { held, items };
}

/** The hold's idempotency key: the checkout's external transaction id, else the caller's Idempotency-Key. */
function holdKey(externalId: string | undefined, requestKey: string | undefined): string {
  if (externalId !== undefined) return `hold:ext:${externalId}`;
  if (requestKey !== undefined) return `hold:req:${requestKey}`;
  throw new Problem(400, 'idempotency_key_required');
}

/** The first answer to a key used again: the same hold replays, a different one is refused. */
async function replayHold(db: Executor, first: repo.HoldRow, customerId: string, input: CreateHold): Promise<HoldOutcome> {
  const same = first.customerId === customerId && (input.rewardId !== undefined ? first.rewardId === input.rewardId : first.rewardId === null && first.points === input.points);
  if (!same) throw new Problem(409, 'external_id_conflict');
  return { changed: false, hold: await presentHold(db, first) };
}

/**
 * Sets points aside for a checkout: `points`, or a reward's cost and one of its stock. Refused,
 * with nothing written, when the member's spendable lots do not cover it (409
 * `insufficient_points`), the reward is not on offer (409 `reward_unavailable`), has no stock
 * left (409 `reward_out_of_stock`) or the member reached its limit (409 `reward_limit_reached`).
 */
export async function placeHold(tx: Executor, ctx: LedgerContext, input: CreateHold, requestKey?: string): Promise<HoldOutcome> {
  const key = holdKey(input.externalId, requestKey);
  const { customerId } = input;
  const member = await memberForWrite(tx, ctx, customerId, false);
  // Under the member's lock a retry of this member's own hold sees the first one committed.
  const earlier = await repo.findHoldByKey(tx, ctx.tenantId, key);
  if (earlier) return replayHold(tx, earlier, customerId, input);

  let points = input.points ?? 0;
  let reward: rewards.RewardRow | undefined;
  if (input.rewardId !== undefined) {
    reward = await rewards.rewardForHold(tx, ctx.tenantId, input.rewardId);
    if (!reward) throw invalidField('rewardId', 'reward_not_found');
    // A discount coupon hands out a code with its points: coupons.service.ts, not a hold.
    if (reward.kind === 'discount_coupon') throw new Problem(409, 'coupon_needs_redemption');
    await assertTierAllows(tx, ctx.tenantId, reward.id, customerId);
    if (!reward.active || reward.archivedAt || !insideWindow(reward, ctx.now)) {
      throw new Problem(409, 'reward_unavailable');
    }
    points = reward.pointsCost;
    if (reward.perMemberLimit !== null && member && (await repo.memberRewardCount(tx, ctx.tenantId, customerId, reward.id)) >= reward.perMemberLimit) {
      throw new Problem(409, 'reward_limit_reached', { limit: reward.perMemberLimit });
    }
  }

  const lots = member ? await ledger.spendableLots(tx, ctx.tenantId, customerId, ctx.now) : [];
  const draws = drawSoonestExpiring(lots, points);
  if (!draws) throw new Problem(409, 'insufficient_points', { available: lots.reduce((sum, lot) => sum + lot.remaining, 0), points });

  const id = randomUUID();
  const ttl = input.ttlSeconds ?? HOLD_TTL_DEFAULT_SECONDS;
  const claimed = await repo.claimHold(tx, {
    tenantId: ctx.tenantId, id, customerId, rewardId: reward?.id ?? null, points, idempotencyKey: key, externalId: input.externalId ?? null,
    status: 'held', expiresAt: new Date(ctx.now.getTime() + ttl * 1000), source: ctx.source, createdAt: ctx.now,
  });
  if (!claimed) {
    // The same key claimed for another member meanwhile (this member's own retries waited on its lock above).
    return replayHold(tx, (await repo.findHoldByKey(tx, ctx.tenantId, key))!, customerId, input);
  }
  if (reward && reward.stockLeft !== null && !(await rewards.takeStock(tx, ctx.tenantId, reward.id))) throw new Problem(409, 'reward_out_of_stock');

  await repo.openHeldAccount(tx, ctx.tenantId, customerId);
  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'hold', idempotencyKey: `hold:${id}`, customerId, externalId: input.externalId ?? null, reason: input.reason ?? null, source: ctx.source, at: ctx.now },
    customerId,
    postings: [{ account: 'available', customerId, amount: -points }, { account: 'held', customerId, amount: points }],
    draws,
    delta: { available: -points, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined) throw new Error(`hold ${id}: its entry key was taken`);
  await repo.setHoldEntry(tx, ctx.tenantId, id, entryId);
  await publishEvents(tx, ctx.tenantId, [{
    topic: HOLD_EVENTS.held, payload: { customerId, holdId: id, entryId, points, rewardId: reward?.id ?? null, externalId: input.externalId ?? null, expiresAt: claimed.expiresAt.toISOString() },
  }]);
  return { changed: true, hold: await presentHold(tx, { ...claimed, holdEntryId: entryId }) };
}

/** The hold with its member locked (the lock every step of a hold takes first), as it stands after the lock. */
async function lockedHold(tx: Executor, ctx: LedgerContext, id: string): Promise<repo.HoldRow> {
  const found = await repo.findHold(tx, ctx.tenantId, id);
  if (!found) throw notFound();
  if (!(await ledger.lockMember(tx, ctx.tenantId, found.customerId, ctx.now))) throw new Error(`hold ${id} has a member that does not exist`);
  return (await repo.findHold(tx, ctx.tenantId, id))!;
}

/**
 * Turns a hold into a redemption: held → redemptions, once. Capturing a captured hold answers
 * it again; a released or expired one is refused (409 `hold_released`, `hold_expired`), and so
 * is a hold past its expiry not yet released by the job.
 */
export async function captureHold(tx: Executor, ctx: LedgerContext, id: string, input: SettleHold): Promise<HoldOutcome> {
  const hold = await lockedHold(tx, ctx, id);
  if (hold.status === 'captured' || hold.status === 'refunded') return { changed: false, hold: await presentHold(tx, hold) };
  if (hold.status === 'released') throw new Problem(409, 'hold_released');
  if (hold.status === 'expired' || hold.expiresAt <= ctx.now) throw new Problem(409, 'hold_expired');
  const { customerId, points } = hold;
  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'capture', idempotencyKey: `capture:${id}`, customerId, externalId: hold.externalId, reason: input.reason ?? null, source: ctx.source, at: ctx.now },
    customerId,
    postings: [{ account: 'held', customerId, amount: -points }, { account: 'redemptions', customerId: null, amount: points }],
    delta: { available: 0, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined || !(await repo.settleHoldRow(tx, ctx.tenantId, id, 'captured', entryId, ctx.now))) throw new Error(`hold ${id} was settled behind its member's lock`);
  await publishEvents(tx, ctx.tenantId, [{
    topic: HOLD_EVENTS.captured, payload: { customerId, entryId, holdId: id, points, rewardId: hold.rewardId, reason: input.reason ?? null, externalId: hold.externalId },
  }]);
  return { changed: true, hold: await presentHold(tx, { ...hold, status: 'captured', settleEntryId: entryId, settledAt: ctx.now }) };
}

/**
 * Gives a hold's points back: held → available, to exactly the lots it drew on (with their own
 * expiries: a lot that expired meanwhile is expired at once, to breakage), and the reward's stock;
 * what the member owes meanwhile is repaid from them first (negative-balance.ts).
 * Releasing a released hold answers it again; a captured one is refused (409 `hold_captured`).
 * `expired`: the expiry job's release of a hold past its TTL.
 */
export async function releaseHold(tx: Executor, ctx: LedgerContext, id: string, input: SettleHold, as: 'released' | 'expired' = 'released'): Promise<HoldOutcome> {
  const hold = await lockedHold(tx, ctx, id);
  if (hold.status === 'released' || hold.status === 'expired') return { changed: false, hold: await presentHold(tx, hold) };
  if (hold.status === 'captured' || hold.status === 'refunded') throw new Problem(409, 'hold_captured');
  const { customerId, points } = hold;
  const drawn = await ledger.drawsOf(tx, ctx.tenantId, hold.holdEntryId!);
  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'release', idempotencyKey: `release:${id}`, customerId, externalId: hold.externalId, reason: input.reason ?? null, source: ctx.source, at: ctx.now },
    customerId,
    postings: [{ account: 'held', customerId, amount: -points }, { account: 'available', customerId, amount: points }],
    draws: drawn.map((d) => ({ lotId: d.lotId, amount: -d.amount })),
    delta: { available: points, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined || !(await repo.settleHoldRow(tx, ctx.tenantId, id, as, entryId, ctx.now))) throw new Error(`hold ${id} was settled behind its member's lock`);
  if (hold.rewardId) await rewards.returnStock(tx, ctx.tenantId, hold.rewardId);
  if (drawn.some((d) => d.expiresAt && d.expiresAt <= ctx.now)) await settleMembers(tx, { ...ctx, source: 'system:due-work' }, [customerId]);
  // Points given back while the member owes (a return after the hold) repay the debt first.
  await repayOwedFromAvailable(tx, ctx, customerId, { kind: 'release', entryId });
  await publishEvents(tx, ctx.tenantId, [{
    topic: HOLD_EVENTS.released, payload: { customerId, entryId, holdId: id, points, rewardId: hold.rewardId, expired: as === 'expired', externalId: hold.externalId },
  }]);
  return { changed: true, hold: await presentHold(tx, { ...hold, status: as, settleEntryId: entryId, settledAt: ctx.now }) };
}

/**
 * Cancels a captured hold (the order was cancelled after checkout): a reversal of its capture
 * moves the points from redemptions back to available, to exactly the lots the hold drew on (a
 * lot past its expiry by then expires at once), and gives the reward its stock back. Once: a
 * refunded hold answers again; a hold not captured is refused (409 `hold_not_captured`: release it).
 */
export async function refundHold(tx: Executor, ctx: LedgerContext, id: string, input: SettleHold): Promise<HoldOutcome> {
  const hold = await lockedHold(tx, ctx, id);
  if (hold.status === 'refunded') return { changed: false, hold: await presentHold(tx, hold) };
  if (hold.status !== 'captured') throw new Problem(409, 'hold_not_captured');
  const { customerId, points } = hold;
  const drawn = await ledger.drawsOf(tx, ctx.tenantId, hold.holdEntryId!);
  const { entryId } = await ledger.bookEntry(tx, {
    // The same key a reversal of the capture entry would take, so it is reversed once whichever way.
    entry: {
      tenantId: ctx.tenantId, kind: 'reversal', idempotencyKey: `reversal:${hold.settleEntryId}`, customerId, externalId: hold.externalId, reason: input.reason ?? null,
      source: ctx.source, reversesEntryId: hold.settleEntryId, at: ctx.now,
    },
    customerId,
    postings: [{ account: 'redemptions', customerId: null, amount: -points }, { account: 'available', customerId, amount: points }],
    draws: drawn.map((d) => ({ lotId: d.lotId, amount: -d.amount })),
    delta: { available: points, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined || !(await repo.refundHoldRow(tx, ctx.tenantId, id, entryId))) throw new Error(`hold ${id} was refunded behind its member's lock`);
  if (hold.rewardId) await rewards.returnStock(tx, ctx.tenantId, hold.rewardId);
  if (drawn.some((d) => d.expiresAt && d.expiresAt <= ctx.now)) await settleMembers(tx, { ...ctx, source: 'system:due-work' }, [customerId]);
  await repayOwedFromAvailable(tx, ctx, customerId, { kind: 'refund', entryId });
  // A merged record's points given back go on to its survivor (member-merge.service.ts).
  await forwardToSurvivor(tx, ctx, customerId, entryId);
  await publishEvents(tx, ctx.tenantId, [{
    topic: HOLD_EVENTS.refunded,
    payload: { customerId, entryId, reversesEntryId: hold.settleEntryId, reversedKind: 'capture', holdId: id, points: { available: points, pending: 0, qualifying: 0 }, reason: input.reason ?? null },
  }]);
  return { changed: true, hold: await presentHold(tx, { ...hold, status: 'refunded', refundEntryId: entryId }) };
}

export const HOLD_EXPIRY_BATCH = 200;

/**
 * Releases the workspace's holds past their expiry, one short transaction each. Safe to run
 * twice or beside a capture: each release re-reads its hold under the member's lock and a hold
 * no longer held is left as it is.
 */
export async function releaseExpiredHolds(database: Database, tenantId: string, now: Date): Promise<{ released: number; points: number }> {
  let released = 0;
  let points = 0;
  for (;;) {
    const due = await repo.expiredHolds(database.db, tenantId, now, HOLD_EXPIRY_BATCH);
    let changed = 0;
    for (const hold of due) {
      const outcome = await database.db.transaction((tx) => releaseHold(tx, { tenantId, source: 'system:hold-expiry', now }, hold.id, {}, 'expired'));
      if (outcome.changed) {
        changed += 1;
        points += outcome.hold.points;
      }
    }
    released += changed;
    if (due.length < HOLD_EXPIRY_BATCH || changed === 0) return { released, points };
  }
}

/** The job: every workspace with a hold past its expiry. */
export async function releaseExpiredHoldsEverywhere(database: Database, now: Date): Promise<{ workspaces: number; released: number; points: number }> {
  const workspaces = await repo.workspacesWithExpiredHolds(database.db, now);
  let released = 0;
  let points = 0;
  for (const tenantId of workspaces) {
    const run = await releaseExpiredHolds(database, tenantId, now);
    released += run.released;
    points += run.points;
  }
  return { workspaces: workspaces.length, released, points };
}
