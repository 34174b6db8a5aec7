import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { mergeMemberCredit } from './credit.service.ts';
import * as ledger from './ledger.repo.ts';
import { settleMembers, type LedgerContext } from './ledger.service.ts';
import { inactivityExpiries } from './inactivity-expiry.ts';
import * as repo from './member-lifecycle.repo.ts';
import { releaseHold } from './redemption-holds.service.ts';
import { upgradeAfterEarn } from './tiers.service.ts';

// Customer B merged into customer A (the customers module's merge hook, in the merge's transaction,
// so it happens whole or not at all). B's loyalty becomes A's without rewriting anything:
//
// - Points: `merge` entries (about A, external id B) move B's available, pending and qualifying
//   points to A, and what B owed to A's owed: B's accounts → A's, summing to zero per unit. Every
//   lot of B with points left is drawn whole, and A gets a lot per expiry (and per unlock instant
//   for pending points) with that expiry: a merge never lengthens a point's life nor shortens it.
//   A lot that expires after inactivity (no expiry of its own, its program's rule) gets B's
//   deadline as it stood, a fixed instant: A's later activity does not extend B's points. One
//   entry holds one lot per expiry (the lots' unique key), so pending lots sharing an expiry with
//   another lot go in a further entry, `merge:<B>:<n>`. B's due work (unlocks, expiries) is done
//   first, so points already past their expiry go to breakage as B's, not to A.
// - Open checkouts of B (holds still `held`) are released to B first, then move with the rest: a
//   checkout under the merged-away record cannot be captured any more (409 `hold_released`); the
//   shop starts it again as A. Captured holds, redemptions, coupons, donations, transfers stay B's
//   history (the entries are B's and insert-only); the data export lists them under B's record.
// - Prepaid credit (credit.service.ts mergeMemberCredit), member or not: per currency, `merge`
//   entries of the credit ledger (about A, external id B) move B's paid credit to A's paid and
//   B's open bonus lots to A as lots with the same expiry (B's lots drawn whole, one entry per
//   expiry, keyed `merge:<B>:<currency>[:<n>]`); bonus already past its expiry is expired as B's
//   first. Both balance rows locked in id order; a spend or purchase of B that waited on B's
//   balance lock finds B merged (409 `customer_merged`). Credit has no checkouts to release. A
//   refund of a purchase B made is then A's: from A's credit, as A holds it (refundCreditPurchase).
// - Returns: a return of an order B earned (by its external id) after the merge takes the points
//   back from the survivor (`survivorOf`, following `merged_into` however many hops): from its
//   pending lots with the order's unlock instant first, then available, then owed or written off
//   by the order's program version, as any return (earning.service.ts returnOrder). The order
//   row stays B's.
// - Tiers: per program A keeps the higher of the two tiers (B's row, its since and pending
//   downgrade, when B's is higher); B's tier rows go. A's qualification then counts B's program
//   history too (tiers.service.ts measure reads the member and the records merged into it), and A
//   is upgraded at once if the two together reach a higher tier.
// - Referrals: B as a friend moves to A when A has no referrer (and B's referrer is not A); B's
//   code and the friends it brought stay B's. Badges B won that A lacks move; a charity share moves
//   when A has none. B's portal sessions end (the person signs in as A).
// - Safety: both members locked in customer-id order (as transfers), after opening A. B's member
//   row is marked `merged_into` under its lock, so an earn that waited on that lock is refused (409
//   `customer_merged`) instead of crediting B after its points left; a second run finds B marked
//   and does nothing (the entries' keys would refuse it too); the credit part finds B's credit
//   balance at zero and books nothing.

export const MERGE_REASON = 'customer_merged';
const MAX_MERGE_HOPS = 32;
const SOURCE = 'system:customer-merge';

interface Group {
  expiresAt: Date | null;
  pendingUntil: Date | null;
  amount: number;
  lots: { lotId: number; amount: number }[];
}

const instantKey = (d: Date | null) => (d === null ? 'never' : String(d.getTime()));

/** The expiry B's lot carries to A: its own, or for a lot of an inactivity program B's deadline in it, never before its unlock. */
function carriedExpiry(lot: repo.OpenLotRow, deadlines: Map<string, Date>): Date | null {
  if (lot.expiresAt !== null || lot.inactivityProgramId === null) return lot.expiresAt;
  const deadline = deadlines.get(lot.inactivityProgramId);
  if (!deadline) return null;
  // A pending lot's expiry must come after its unlock (the lots' check): it goes at its unlock instead.
  if (lot.pending && lot.pendingUntil && deadline <= lot.pendingUntil) return new Date(lot.pendingUntil.getTime() + 1);
  return deadline;
}

/**
 * Moves B's (`sourceId`) loyalty to A (`targetId`); see the notes above. Idempotent: a source
 * already merged is left as it is.
 */
export async function mergeMemberLoyalty(tx: Executor, tenantId: string, sourceId: string, targetId: string, now = new Date()): Promise<void> {
  const ctx: LedgerContext = { tenantId, source: SOURCE, now };
  const marks = await repo.memberMarks(tx, tenantId, sourceId);
  if (!marks?.mergedInto) {
    if (marks) {
      await ledger.openMember(tx, tenantId, targetId);
      await ledger.lockMembers(tx, tenantId, [sourceId, targetId]);
      await moveLedger(tx, ctx, sourceId, targetId, `merge:${sourceId}`);
      await repo.markMerged(tx, tenantId, sourceId, targetId, now);
    }
    await moveStanding(tx, ctx, sourceId, targetId, marks !== undefined);
  }
  // Prepaid credit is the customer's, member or not: its own keyed entries (a second run finds B's balance at zero).
  await mergeMemberCredit(tx, ctx, sourceId, targetId);
}

/** The record a merged-away customer's loyalty went to: follows `merged_into` (several hops), the customer itself when it was not merged. */
export async function survivorOf(tx: Executor, tenantId: string, customerId: string): Promise<string> {
  let current = customerId;
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const next = (await repo.memberMarks(tx, tenantId, current))?.mergedInto;
    if (!next) return current;
    current = next;
  }
  throw new Error(`merged_into of ${customerId} goes on past ${MAX_MERGE_HOPS} records`);
}

/**
 * Points that reach a merged record after its merge (a redemption of B reversed, a coupon of B
 * cancelled, a checkout of B refunded: their entries are B's and give back to B's lots) go on to
 * its survivor at once, in a `merge` entry keyed by the entry that gave them back. The caller
 * holds B's lock; the survivor's is taken after it (the one place the id order is not kept: B is
 * merged, so nothing else locks B to reach the survivor but these give-backs).
 */
export async function forwardToSurvivor(tx: Executor, ctx: LedgerContext, customerId: string, causeEntryId: number): Promise<void> {
  const marks = await repo.memberMarks(tx, ctx.tenantId, customerId);
  if (!marks?.mergedInto) return;
  await ledger.lockMembers(tx, ctx.tenantId, [marks.mergedInto]);
  await moveLedger(tx, { ...ctx, source: SOURCE }, customerId, marks.mergedInto, `merge:${customerId}:after:${causeEntryId}`);
}

async function moveLedger(tx: Executor, ctx: LedgerContext, sourceId: string, targetId: string, key: string): Promise<void> {
  const { tenantId, now } = ctx;
  // Due work first, each as its own: B's expired points are B's breakage, A's are A's.
  await settleMembers(tx, { ...ctx, source: 'system:due-work' }, [sourceId, targetId]);
  for (const holdId of await repo.openHoldIds(tx, tenantId, sourceId)) {
    await releaseHold(tx, ctx, holdId, { reason: MERGE_REASON });
  }
  const lots = await repo.openLots(tx, tenantId, sourceId);
  const deadlines = new Map((await inactivityExpiries(tx, tenantId, sourceId, now)).map((e) => [e.programId, e.expiresAt]));
  const balances = (await ledger.memberBalances(tx, tenantId, sourceId))!;
  const owed = -(await repo.accountBalance(tx, tenantId, sourceId, 'owed'));

  // Lots grouped by what they carry (expiry, and unlock instant while pending).
  const groups = new Map<string, Group>();
  for (const lot of lots) {
    const expiresAt = carriedExpiry(lot, deadlines);
    const pendingUntil = lot.pending ? lot.pendingUntil : null;
    const key = `${instantKey(expiresAt)}/${instantKey(pendingUntil)}`;
    const group = groups.get(key) ?? { expiresAt, pendingUntil, amount: 0, lots: [] };
    group.amount += lot.remaining;
    group.lots.push({ lotId: lot.id, amount: lot.remaining });
    groups.set(key, group);
  }
  // Entries of distinct expiries each: available groups first (one per expiry), pending ones where their expiry is free.
  const entries: Group[][] = [[]];
  for (const group of [...groups.values()].sort((a, b) => Number(a.pendingUntil !== null) - Number(b.pendingUntil !== null))) {
    let slot = entries.find((e) => !e.some((g) => instantKey(g.expiresAt) === instantKey(group.expiresAt)));
    if (!slot) {
      slot = [];
      entries.push(slot);
    }
    slot.push(group);
  }
  const movedLots = lots.reduce((n, l) => n + l.remaining, 0);
  if (movedLots !== balances.available + balances.pending) {
    throw new Error(`merge of ${sourceId}: its lots hold ${movedLots} points, its balances ${balances.available} + ${balances.pending}`);
  }
  if (owed > 0) await repo.openAccount(tx, tenantId, 'owed', targetId);

  const booked: { entryId: number; available: number; pending: number; qualifying: number; owed: number }[] = [];
  for (const [n, groupsOfEntry] of entries.entries()) {
    const available = groupsOfEntry.filter((g) => g.pendingUntil === null).reduce((s, g) => s + g.amount, 0);
    const pending = groupsOfEntry.filter((g) => g.pendingUntil !== null).reduce((s, g) => s + g.amount, 0);
    const qualifying = n === 0 ? balances.qualifying : 0;
    const owedMoved = n === 0 ? owed : 0;
    const postings: ledger.Posting[] = [];
    const move = (account: ledger.Posting['account'], amount: number) => {
      if (amount > 0) postings.push({ account, customerId: sourceId, amount: -amount }, { account, customerId: targetId, amount });
    };
    move('available', available);
    move('pending', pending);
    move('qualifying', qualifying);
    // A debt moves as a debt: B's owed account back to zero, A's owing as much more.
    if (owedMoved > 0) postings.push({ account: 'owed', customerId: sourceId, amount: owedMoved }, { account: 'owed', customerId: targetId, amount: -owedMoved });
    if (postings.length === 0) continue;
    const entryId = await repo.bookMerge(tx, {
      tenantId, idempotencyKey: n === 0 ? key : `${key}:${n}`, sourceId, targetId, source: SOURCE, reason: MERGE_REASON, at: now, postings,
      draws: groupsOfEntry.flatMap((g) => g.lots),
      lots: groupsOfEntry.map((g) => ({ amount: g.amount, expiresAt: g.expiresAt, pendingUntil: g.pendingUntil })),
      deltas: [
        { customerId: sourceId, available: -available, pending: -pending, qualifying: -qualifying },
        { customerId: targetId, available, pending, qualifying },
      ],
    });
    if (entryId === undefined) throw new Error(`merge of ${sourceId} into ${targetId}: entry ${n} was booked already`);
    booked.push({ entryId, available, pending, qualifying, owed: owedMoved });
  }
  // A lot carried with an inactivity deadline already past goes now, as A's due work would take it.
  await settleMembers(tx, { ...ctx, source: 'system:due-work' }, [targetId]);
  if (booked.length > 0) {
    await publishEvents(tx, tenantId, booked.map((b) => ({
      topic: 'loyalty.points_merged',
      payload: { customerId: targetId, fromCustomerId: sourceId, entryId: b.entryId, available: b.available, pending: b.pending, qualifying: b.qualifying, owed: b.owed },
    })));
  }
}

/** Everything about B's standing that is not points: tiers, referral, badges, charity share, portal sessions. */
async function moveStanding(tx: Executor, ctx: LedgerContext, sourceId: string, targetId: string, targetLocked: boolean): Promise<void> {
  const { tenantId, now } = ctx;
  const at = now.toISOString();
  // Per program: B's row taken over where A has none or a lower tier; B's rows gone.
  const { rows: programs } = await tx.execute<{ program_id: string }>(sql`
    WITH b AS (
      SELECT mt.*, coalesce(t.threshold, -1) AS rank FROM loyalty_member_tiers mt LEFT JOIN loyalty_tiers t ON t.tenant_id = mt.tenant_id AND t.id = mt.tier_id
      WHERE mt.tenant_id = ${tenantId} AND mt.customer_id = ${sourceId}
    ), a AS (
      SELECT mt.program_id, coalesce(t.threshold, -1) AS rank FROM loyalty_member_tiers mt LEFT JOIN loyalty_tiers t ON t.tenant_id = mt.tenant_id AND t.id = mt.tier_id
      WHERE mt.tenant_id = ${tenantId} AND mt.customer_id = ${targetId}
    ), gone AS (
      DELETE FROM loyalty_member_tiers WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId}
    ), taken AS (
      INSERT INTO loyalty_member_tiers (tenant_id, program_id, customer_id, tier_id, since, evaluated_at, downgrade_to_tier_id, downgrade_at, updated_at)
      SELECT b.tenant_id, b.program_id, ${targetId}::uuid, b.tier_id, b.since, b.evaluated_at, b.downgrade_to_tier_id, b.downgrade_at, ${at}::timestamptz
      FROM b LEFT JOIN a USING (program_id) WHERE a.program_id IS NULL OR b.rank > a.rank
      ON CONFLICT (tenant_id, program_id, customer_id) DO UPDATE SET tier_id = excluded.tier_id, since = excluded.since, evaluated_at = excluded.evaluated_at,
        downgrade_to_tier_id = excluded.downgrade_to_tier_id, downgrade_at = excluded.downgrade_at, updated_at = excluded.updated_at
    )
    SELECT DISTINCT program_id FROM loyalty_tiers WHERE tenant_id = ${tenantId}`);
  // The two together may reach a higher tier: judged now, as an earn would (B's history counts through the merge mark).
  if (targetLocked) {
    for (const { program_id: programId } of programs) await upgradeAfterEarn(tx, ctx, programId, targetId, null);
  }
  await tx.execute(sql`
    UPDATE loyalty_referrals r SET friend_id = ${targetId}
    WHERE r.tenant_id = ${tenantId} AND r.friend_id = ${sourceId} AND r.referrer_id <> ${targetId}
      AND NOT EXISTS (SELECT 1 FROM loyalty_referrals x WHERE x.tenant_id = ${tenantId} AND x.friend_id = ${targetId})`);
  await tx.execute(sql`
    UPDATE loyalty_member_badges b SET customer_id = ${targetId}
    WHERE b.tenant_id = ${tenantId} AND b.customer_id = ${sourceId}
      AND NOT EXISTS (SELECT 1 FROM loyalty_member_badges x WHERE x.tenant_id = ${tenantId} AND x.badge_id = b.badge_id AND x.customer_id = ${targetId})`);
  await tx.execute(sql`
    UPDATE loyalty_charity_shares s SET customer_id = ${targetId}, updated_at = ${at}::timestamptz
    WHERE s.tenant_id = ${tenantId} AND s.customer_id = ${sourceId}
      AND NOT EXISTS (SELECT 1 FROM loyalty_charity_shares x WHERE x.tenant_id = ${tenantId} AND x.customer_id = ${targetId})`);
  await tx.execute(sql`DELETE FROM loyalty_charity_shares WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId}`);
  await repo.endSessions(tx, tenantId, sourceId, now);
}
