import type { LoyaltyTransferView, TransferPoints } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import * as ledger from './ledger.repo.ts';
import { recordAudit } from '../workspace/index.ts';
import { memberForWrite, type LedgerContext } from './ledger.service.ts';
import { drawSoonestExpiring } from './lot-draws.ts';
import { repayOwedFromAvailable } from './negative-balance.ts';
import * as repo from './transfers.repo.ts';

// A member gives points to another member of the same workspace (issue 12: a gift). One balanced
// entry, kind `transfer`: the sender's available → the receiver's available, drawn from the
// sender's lots soonest-expiring first, each draw recorded. The receiver gets one lot per expiry
// drawn, with that expiry (points that never expire stay so): giving points never lengthens
// their life, nor shortens it. Only spendable points move: qualifying (tier) points stay with
// whoever earned them, and the entry publishes its own topic, `loyalty.points_transferred`, not
// `points_redeemed` or `points_earned`, so tiers do not count it as spend, challenges and
// charity shares not as earning, and referrals not as a first purchase.

export const POINTS_TRANSFERRED = 'loyalty.points_transferred';

export interface TransferOutcome {
  created: boolean;
  transfer: LoyaltyTransferView;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The entry's key: keyed like a redemption (`transfer:ext:<id>`, else the caller's Idempotency-Key). */
function transferKey(externalId: string | undefined, requestKey: string | undefined): string {
  if (externalId !== undefined) return `transfer:ext:${externalId}`;
  if (requestKey !== undefined) return `transfer:req:${requestKey}`;
  throw new Problem(400, 'idempotency_key_required');
}

async function answerOf(tx: Executor, tenantId: string, row: repo.TransferRow): Promise<LoyaltyTransferView> {
  const [draws, lots] = [await ledger.drawsOf(tx, tenantId, row.entryId), await repo.lotsOfEntry(tx, tenantId, row.entryId)];
  return {
    entryId: row.entryId, fromCustomerId: row.fromCustomerId, toCustomerId: row.toCustomerId!, points: row.points, reason: row.reason, externalId: row.externalId,
    createdAt: row.createdAt.toISOString(),
    draws: draws.map((d) => ({ lotId: d.lotId, points: d.amount, expiresAt: iso(d.expiresAt) })),
    lots: lots.map((l) => ({ id: l.id, points: l.amount, expiresAt: iso(l.expiresAt) })),
  };
}

/** The first answer to a key used again: the same transfer replays (200), anything else is refused. */
async function replay(tx: Executor, tenantId: string, key: string, fromCustomerId: string, input: TransferPoints): Promise<TransferOutcome | undefined> {
  const first = await repo.findTransferByKey(tx, tenantId, key);
  if (!first) return undefined;
  if (first.kind !== 'transfer' || first.fromCustomerId !== fromCustomerId || first.toCustomerId !== input.toCustomerId || first.points !== input.points) {
    throw new Problem(409, 'external_id_conflict');
  }
  return { created: false, transfer: await answerOf(tx, tenantId, first) };
}

/**
 * Gives `input.points` of the sender's available points to `input.toCustomerId`. Both members are
 * locked in customer-id order (so two transfers in opposite directions take turns instead of
 * deadlocking), each with its due work done first; the sender's balance counts net of what it
 * owes (its debt repaid first, as for any spend), and what the receiver owes is repaid from what
 * it receives. More than the sender has: 409 `insufficient_points` with nothing written.
 */
export async function transferPoints(tx: Executor, ctx: LedgerContext, fromCustomerId: string, input: TransferPoints, requestKey?: string): Promise<TransferOutcome> {
  const key = transferKey(input.externalId, requestKey);
  if (input.toCustomerId === fromCustomerId) throw invalidField('toCustomerId', 'transfer_to_self');
  // The same key answered already: its answer, before anything is locked or opened.
  const answered = await replay(tx, ctx.tenantId, key, fromCustomerId, input);
  if (answered) return answered;

  const [first, second] = [fromCustomerId, input.toCustomerId].sort();
  const locked = new Map<string, ledger.LockedMember | undefined>();
  for (const customerId of [first!, second!]) {
    const receiving = customerId === input.toCustomerId;
    try {
      locked.set(customerId, await memberForWrite(tx, ctx, customerId, receiving));
    } catch (error) {
      // A receiver unknown here (another workspace's included) or erased: 404 naming the receiver, not the sender. Merged: 409 `customer_merged` as elsewhere.
      if (receiving && error instanceof Problem && error.status === 404) throw new Problem(404, 'transfer_receiver_not_found');
      throw error;
    }
  }

  const lots = locked.get(fromCustomerId) ? await ledger.spendableLots(tx, ctx.tenantId, fromCustomerId, ctx.now) : [];
  const draws = drawSoonestExpiring(lots, input.points);
  if (!draws) {
    // A key that answered while we waited for the locks still answers.
    const late = await replay(tx, ctx.tenantId, key, fromCustomerId, input);
    if (late) return late;
    throw new Problem(409, 'insufficient_points', { available: lots.reduce((sum, lot) => sum + lot.remaining, 0), points: input.points });
  }
  const expiry = new Map(lots.map((lot) => [lot.id, lot.expiresAt]));
  // One receiver lot per expiry drawn (keyed by its instant; null: never).
  const perExpiry = new Map<number | null, { amount: number; expiresAt: Date | null }>();
  for (const draw of draws) {
    const expiresAt = expiry.get(draw.lotId) ?? null;
    const at = expiresAt?.getTime() ?? null;
    const lot = perExpiry.get(at) ?? { amount: 0, expiresAt };
    lot.amount += draw.amount;
    perExpiry.set(at, lot);
  }
  const booked = await repo.bookTransfer(tx, {
    tenantId: ctx.tenantId, idempotencyKey: key, fromCustomerId, toCustomerId: input.toCustomerId, points: input.points, externalId: input.externalId ?? null,
    reason: input.reason ?? null, source: ctx.source, at: ctx.now, draws, lots: [...perExpiry.values()],
  });
  if (booked.entryId === undefined) {
    const late = await replay(tx, ctx.tenantId, key, fromCustomerId, input);
    if (late) return late;
    throw new Error(`transfer key ${key} was taken but its entry is not visible`);
  }
  const entryId = booked.entryId;
  // What the receiver owes is repaid first from what it received (as from an earning).
  await repayOwedFromAvailable(tx, ctx, input.toCustomerId, { kind: 'transfer', entryId });
  const receivedLots = booked.lots.map((l) => ({ points: l.amount, expiresAt: iso(l.expiresAt) }));
  await publishEvents(tx, ctx.tenantId, [{
    topic: POINTS_TRANSFERRED,
    payload: { customerId: fromCustomerId, toCustomerId: input.toCustomerId, entryId, points: input.points, reason: input.reason ?? null, externalId: input.externalId ?? null, lots: receivedLots },
  }]);
  // Staff moving one member's points to another is audited; a member giving their own is their history.
  if (ctx.actor) {
    await recordAudit(tx, ctx.tenantId, ctx.actor, {
      action: 'loyalty.points.transferred', targetType: 'customer', targetId: fromCustomerId, details: { toCustomerId: input.toCustomerId, points: input.points, entryId },
    });
  }
  return {
    created: true,
    transfer: {
      entryId, fromCustomerId, toCustomerId: input.toCustomerId, points: input.points, reason: input.reason ?? null, externalId: input.externalId ?? null,
      createdAt: ctx.now.toISOString(),
      draws: draws.map((d) => ({ lotId: d.lotId, points: d.amount, expiresAt: iso(expiry.get(d.lotId) ?? null) })),
      lots: booked.lots.map((l) => ({ id: l.id, points: l.amount, expiresAt: iso(l.expiresAt) })),
    },
  };
}
