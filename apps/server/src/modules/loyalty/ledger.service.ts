import { randomUUID } from 'node:crypto';
import type {
  EarnPoints, LoyaltyEntryDetailView, LoyaltyEntryView, LoyaltyExpiryRunView, LoyaltyHistoryEntry, LoyaltyHistoryPage, LoyaltyHistoryQuery, RedeemPoints,
  ReverseEntry,
} from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import type { Actor } from '../../platform/http/access.ts';
import * as repo from './ledger.repo.ts';
import * as partners from './partners.repo.ts';
import { unitOf } from './ledger.schema.ts';
import { drawSoonestExpiring, spendingOrder } from './lot-draws.ts';
import { repayOwed, repayOwedAfterUnlock, repayOwedFromAvailable } from './negative-balance.ts';

/** Who is writing, in which workspace, at what instant (the clock is the caller's: routes pass now, tests their own). */
export interface LedgerContext {
  tenantId: string;
  /** `user:<id>`, `api_key:<id>`, `system:<job>` */
  source: string;
  now: Date;
  /** who asked, when a person or a key did (an order's referral code is attached in their name) */
  actor?: Actor;
}

export const LOYALTY_EVENTS = {
  earned: 'loyalty.points_earned',
  redeemed: 'loyalty.points_redeemed',
  expired: 'loyalty.points_expired',
  unlocked: 'loyalty.points_unlocked',
  reversed: 'loyalty.entry_reversed',
} as const;

/** The written entry, and whether this call wrote it (false: the same key had already written it; this is that answer again). */
export interface EntryOutcome {
  created: boolean;
  entry: LoyaltyEntryDetailView;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function presentEntry(row: repo.EntryRow): LoyaltyEntryView {
  return {
    id: row.id,
    kind: row.kind,
    customerId: row.customerId,
    reason: row.reason,
    externalId: row.externalId,
    source: row.source,
    points: row.delta,
    reversesEntryId: row.reversesEntryId,
    reversedByEntryId: row.reversedByEntryId,
    createdAt: row.createdAt.toISOString(),
  };
}

async function entryDetail(db: Executor, tenantId: string, row: repo.EntryRow): Promise<LoyaltyEntryDetailView> {
  const [postings, draws, lot] = [await repo.postingsOf(db, tenantId, row.id), await repo.drawsOf(db, tenantId, row.id), await repo.lotOfEntry(db, tenantId, row.id)];
  return {
    ...presentEntry(row),
    postings: postings.map((p) => ({ account: p.account, customerId: p.customerId, unit: p.unit, amount: p.amount })),
    draws: draws.map((d) => ({ lotId: d.lotId, points: d.amount, expiresAt: iso(d.expiresAt) })),
    lot: lot ? { id: lot.id, points: lot.amount, remaining: lot.remaining, expiresAt: iso(lot.expiresAt), pendingUntil: iso(lot.pendingUntil) } : null,
  };
}

export async function getEntry(db: Executor, tenantId: string, id: number): Promise<LoyaltyEntryDetailView> {
  const row = await repo.findEntry(db, tenantId, id);
  if (!row) throw notFound();
  return entryDetail(db, tenantId, row);
}

interface Booked {
  id: number;
  kind: repo.EntryRow['kind'];
  customerId: string;
  reason: string | null;
  externalId: string | null;
  reversesEntryId?: number;
  postings: repo.Posting[];
  draws?: (repo.Draw & { expiresAt: Date | null })[];
  lot?: { id: number; amount: number; expiresAt: Date | null; pendingUntil: Date | null };
}

/**
 * The view of an entry just booked, from what was written (as getEntry would read it back, in
 * the same order), so a write answers without reading its own rows again.
 */
function bookedView(ctx: LedgerContext, booked: Booked): LoyaltyEntryDetailView {
  const member = (kind: string) => booked.postings.filter((p) => p.customerId === booked.customerId && p.account === kind).reduce((sum, p) => sum + p.amount, 0);
  const postings = booked.postings
    .map((p) => ({ account: p.account, customerId: p.customerId, unit: unitOf(p.account), amount: p.amount }))
    .sort((a, b) => (a.unit === b.unit ? a.amount - b.amount : a.unit < b.unit ? -1 : 1));
  const draws = [...(booked.draws ?? [])].sort((a, b) => spendingOrder({ id: a.lotId, remaining: 0, expiresAt: a.expiresAt }, { id: b.lotId, remaining: 0, expiresAt: b.expiresAt }));
  return {
    id: booked.id,
    kind: booked.kind,
    customerId: booked.customerId,
    reason: booked.reason,
    externalId: booked.externalId,
    source: ctx.source,
    points: { available: member('available'), pending: member('pending'), qualifying: member('qualifying') },
    reversesEntryId: booked.reversesEntryId ?? null,
    reversedByEntryId: null,
    createdAt: ctx.now.toISOString(),
    postings,
    draws: draws.map((d) => ({ lotId: d.lotId, points: d.amount, expiresAt: iso(d.expiresAt) })),
    lot: booked.lot ? { id: booked.lot.id, points: booked.lot.amount, remaining: booked.lot.amount, expiresAt: iso(booked.lot.expiresAt), pendingUntil: iso(booked.lot.pendingUntil) } : null,
  };
}

/**
 * The entry's idempotency key: the external transaction id when there is one (so a checkout's
 * retry, or the same purchase event delivered twice, earns once whoever sends it), else the
 * caller's Idempotency-Key. Scoped by kind: an order may earn and redeem under one id.
 */
function entryKey(kind: 'earn' | 'redeem', externalId: string | undefined, requestKey: string | undefined): string {
  if (externalId !== undefined) return `${kind}:ext:${externalId}`;
  if (requestKey !== undefined) return `${kind}:req:${requestKey}`;
  throw new Problem(400, 'idempotency_key_required');
}

/** The first answer to a key used again: the same operation replays, a different one is refused. */
async function replay(tx: Executor, tenantId: string, key: string, same: (row: repo.EntryRow) => boolean): Promise<EntryOutcome> {
  const first = await repo.findEntryByKey(tx, tenantId, key);
  if (!first) throw new Error(`entry key ${key} was taken but its entry is not visible`);
  if (!same(first)) throw new Problem(409, 'external_id_conflict');
  return { created: false, entry: await entryDetail(tx, tenantId, first) };
}

/**
 * A refusal, unless the key already answered: the same purchase sent again after its expiry has
 * passed, or the same checkout after its points were spent, still answers the first entry.
 */
async function refuseUnlessReplay(tx: Executor, tenantId: string, key: string, same: (row: repo.EntryRow) => boolean, refusal: Problem): Promise<EntryOutcome> {
  if (await repo.findEntryByKey(tx, tenantId, key)) return replay(tx, tenantId, key, same);
  throw refusal;
}

/** The member to write to: locked, with its due work (unlocks, expiries) done first; opened on first earn. */
export async function memberForWrite(tx: Executor, ctx: LedgerContext, customerId: string, open: boolean): Promise<repo.LockedMember | undefined> {
  let member = await repo.lockMember(tx, ctx.tenantId, customerId, ctx.now);
  if (!member) {
    const standing = await repo.customerStanding(tx, ctx.tenantId, customerId);
    if (!standing || standing.erasedAt) throw notFound();
    if (standing.mergedInto) throw new Problem(409, 'customer_merged');
    if (!open) return undefined;
    await repo.openMember(tx, ctx.tenantId, customerId);
    member = (await repo.lockMember(tx, ctx.tenantId, customerId, ctx.now))!;
  }
  if (member.erasedAt) throw notFound();
  if (member.mergedInto) throw new Problem(409, 'customer_merged');
  // Booked as the system's due work, which it is; the spend only brings it forward.
  if (member.dueUnlock || member.dueExpiry) await settleMembers(tx, { ...ctx, source: 'system:due-work' }, [member.customerId]);
  // A spend (the writes that never open a member) counts only the balance net of what is owed:
  // points that became available while the member owed repay the debt first (negative-balance.ts).
  if (!open && member.available > 0) await repayOwedFromAvailable(tx, ctx, member.customerId, { kind: 'spend', entryId: null });
  return member;
}

/**
 * Credits points to a member: issuance → member pending (with `pendingUntil`) or available, and
 * the qualifying points apart (qualifying issuance → member qualifying). The credit is a lot with
 * its own expiry.
 */
export async function earnPoints(tx: Executor, ctx: LedgerContext, customerId: string, input: EarnPoints, requestKey?: string): Promise<EntryOutcome> {
  const key = entryKey('earn', input.externalId, requestKey);
  const same = (first: repo.EntryRow) => first.kind === 'earn' && first.customerId === customerId && first.delta.available + first.delta.pending === input.points;
  await memberForWrite(tx, ctx, customerId, true);
  const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
  const pendingUntil = input.pendingUntil === undefined ? null : new Date(input.pendingUntil);
  // A refusal rolls back the whole transaction, a member opened for it included.
  if (expiresAt && expiresAt <= ctx.now) return refuseUnlessReplay(tx, ctx.tenantId, key, same, invalidField('expiresAt', 'expiry_in_past'));
  if (pendingUntil && pendingUntil <= ctx.now) return refuseUnlessReplay(tx, ctx.tenantId, key, same, invalidField('pendingUntil', 'pending_until_in_past'));
  if (expiresAt && pendingUntil && expiresAt <= pendingUntil) throw invalidField('expiresAt', 'expiry_before_unlock');
  const qualifying = input.qualifyingPoints ?? input.points;
  const pending = pendingUntil !== null;
  const postings: repo.Posting[] = [
    { account: 'issuance', customerId: null, amount: -input.points },
    { account: pending ? 'pending' : 'available', customerId, amount: input.points },
  ];
  if (qualifying > 0) {
    postings.push({ account: 'qualifying_issuance', customerId: null, amount: -qualifying }, { account: 'qualifying', customerId, amount: qualifying });
  }
  const { entryId, lotId } = await repo.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'earn', idempotencyKey: key, customerId, externalId: input.externalId ?? null, reason: input.reason, source: ctx.source, at: ctx.now },
    customerId, postings,
    lot: { amount: input.points, expiresAt, pendingUntil },
    delta: { available: pending ? 0 : input.points, pending: pending ? input.points : 0, qualifying },
  });
  if (entryId === undefined) return replay(tx, ctx.tenantId, key, same);
  // A negative balance is repaid first from what is earned (negative-balance.ts).
  await repayOwed(tx, ctx, customerId, { entryId, lotId: lotId!, points: input.points, pending });
  await publishEvents(tx, ctx.tenantId, [{
    topic: LOYALTY_EVENTS.earned,
    payload: { customerId, entryId, points: input.points, qualifyingPoints: qualifying, expiresAt: iso(expiresAt), pendingUntil: iso(pendingUntil), reason: input.reason, externalId: input.externalId ?? null },
  }]);
  const lot = { id: lotId!, amount: input.points, expiresAt, pendingUntil };
  return { created: true, entry: bookedView(ctx, { id: entryId, kind: 'earn', customerId, reason: input.reason, externalId: input.externalId ?? null, postings, lot }) };
}

/**
 * Spends a member's available points: member available → redemptions, drawn from the lots that
 * expire soonest. The member's row is locked first, so concurrent spends of one member take turns
 * and none can spend what another already took; nothing is written when the lots do not cover it.
 */
export async function redeemPoints(tx: Executor, ctx: LedgerContext, customerId: string, input: RedeemPoints, requestKey?: string): Promise<EntryOutcome> {
  const key = entryKey('redeem', input.externalId, requestKey);
  const same = (first: repo.EntryRow) => first.kind === 'redeem' && first.customerId === customerId && first.delta.available === -input.points;
  const member = await memberForWrite(tx, ctx, customerId, false);
  const lots = member ? await repo.spendableLots(tx, ctx.tenantId, customerId, ctx.now) : [];
  const draws = drawSoonestExpiring(lots, input.points);
  if (!draws) {
    const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
    return refuseUnlessReplay(tx, ctx.tenantId, key, same, new Problem(409, 'insufficient_points', { available, points: input.points }));
  }
  const postings: repo.Posting[] = [{ account: 'available', customerId, amount: -input.points }, { account: 'redemptions', customerId: null, amount: input.points }];
  const { entryId } = await repo.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'redeem', idempotencyKey: key, customerId, externalId: input.externalId ?? null, reason: input.reason ?? null, source: ctx.source, at: ctx.now },
    customerId, draws, postings, delta: { available: -input.points, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined) return replay(tx, ctx.tenantId, key, same);
  await publishEvents(tx, ctx.tenantId, [{
    topic: LOYALTY_EVENTS.redeemed, payload: { customerId, entryId, points: input.points, reason: input.reason ?? null, externalId: input.externalId ?? null },
  }]);
  const expiry = new Map(lots.map((lot) => [lot.id, lot.expiresAt]));
  return {
    created: true,
    entry: bookedView(ctx, {
      id: entryId, kind: 'redeem', customerId, reason: input.reason ?? null, externalId: input.externalId ?? null, postings,
      draws: draws.map((d) => ({ ...d, expiresAt: expiry.get(d.lotId) ?? null })),
    }),
  };
}

/**
 * Undoes an earn or a redemption in full with a reversing entry (the original stays as it was).
 * An earn is reversed from wherever its lot is now (pending or available) and only while the lot
 * is whole: points already spent or expired are refused (`earned_points_spent`), since taking them
 * back would put the member below zero. A redemption gives its points back to the lots it drew
 * on, with their own expiries. An entry is reversed at most once.
 */
export async function reverseEntry(tx: Executor, ctx: LedgerContext, entryId: number, input: ReverseEntry): Promise<LoyaltyEntryDetailView> {
  const original = await repo.findEntry(tx, ctx.tenantId, entryId);
  if (!original) throw notFound();
  if (original.kind !== 'earn' && original.kind !== 'redeem') throw new Problem(409, 'entry_not_reversible', { kind: original.kind });
  // A partner's earn billed to the partner (partners.service.ts) is refused: reversing its points
  // here would leave that bill standing. An offer's redemption billed to the workspace is cancelled
  // whole: its points back and its bill (partner_payable) reversed in the same entry, while its
  // settlement month is open (entry-reversal.service.ts reverseEntryRepayingOwed checks that first).
  // A redemption's partner entry, if any, says whether it was billed and which offer's stock it took.
  const partnerEntry = original.kind === 'redeem' ? await partners.findPartnerEntry(tx, ctx.tenantId, entryId) : undefined;
  let billedRedemption = false;
  if ((await entryDetail(tx, ctx.tenantId, original)).postings.some((p) => p.account === 'partner_payable')) {
    if (!partnerEntry || partnerEntry.direction !== 'redeem' || !partnerEntry.billed) throw new Problem(409, 'entry_partner_billed');
    billedRedemption = true;
  }
  const customerId = original.customerId!;
  // The member's lock first: a reversal and a spend of the same lot take turns, and so do two reversals.
  if (!(await repo.lockMember(tx, ctx.tenantId, customerId, ctx.now))) throw new Error(`entry ${entryId} has a member that does not exist`);
  const key = `reversal:${entryId}`;
  if (await repo.findEntryByKey(tx, ctx.tenantId, key)) throw new Problem(409, 'entry_already_reversed');
  const entry: repo.NewEntry = {
    tenantId: ctx.tenantId, kind: 'reversal', idempotencyKey: key, customerId, externalId: null, reason: input.reason, source: ctx.source, reversesEntryId: entryId, at: ctx.now,
  };

  let booked: { entryId: number | undefined };
  if (original.kind === 'earn') {
    const lot = await repo.lotOfEntry(tx, ctx.tenantId, entryId);
    if (!lot) throw new Error(`earn ${entryId} has no lot`);
    if (lot.remaining !== lot.amount) throw new Problem(409, 'earned_points_spent', { spent: lot.amount - lot.remaining, points: lot.amount });
    const pending = lot.pendingUntil !== null && lot.unlockedAt === null;
    const qualifying = original.delta.qualifying;
    const postings: repo.Posting[] = [
      { account: pending ? 'pending' : 'available', customerId, amount: -lot.amount },
      { account: 'issuance', customerId: null, amount: lot.amount },
    ];
    if (qualifying > 0) postings.push({ account: 'qualifying', customerId, amount: -qualifying }, { account: 'qualifying_issuance', customerId: null, amount: qualifying });
    booked = await repo.bookEntry(tx, {
      entry, customerId, postings, draws: [{ lotId: lot.id, amount: lot.amount }],
      delta: { available: pending ? 0 : -lot.amount, pending: pending ? -lot.amount : 0, qualifying: -qualifying },
    });
  } else {
    const drawn = await repo.drawsOf(tx, ctx.tenantId, entryId);
    const points = -original.delta.available;
    booked = await repo.bookEntry(tx, {
      entry, customerId,
      postings: [{ account: 'available', customerId, amount: points }, { account: billedRedemption ? 'partner_payable' : 'redemptions', customerId: null, amount: -points }],
      draws: drawn.map((d) => ({ lotId: d.lotId, amount: -d.amount })),
      delta: { available: points, pending: 0, qualifying: 0 },
    });
  }
  if (booked.entryId === undefined) throw new Problem(409, 'entry_already_reversed');
  // A partner offer's redemption reversed gives its stock back.
  if (partnerEntry?.offerId) await partners.returnOfferStock(tx, ctx.tenantId, partnerEntry.offerId);
  const detail = await getEntry(tx, ctx.tenantId, booked.entryId);
  await publishEvents(tx, ctx.tenantId, [{
    topic: LOYALTY_EVENTS.reversed, payload: { customerId, entryId: booked.entryId, reversesEntryId: entryId, reversedKind: original.kind, points: detail.points, reason: input.reason },
  }]);
  return detail;
}

export interface DueWorkResult {
  members: number;
  unlockedLots: number;
  unlockedPoints: number;
  expiredLots: number;
  expiredPoints: number;
}

const noDueWork = (): DueWorkResult => ({ members: 0, unlockedLots: 0, unlockedPoints: 0, expiredLots: 0, expiredPoints: 0 });

/** Unlocks, then expires, what is due for these locked members, and publishes what happened to each. */
export async function settleMembers(tx: Executor, ctx: LedgerContext, customerIds: string[]): Promise<DueWorkResult> {
  const run = randomUUID();
  const unlocked = await repo.unlockDueLots(tx, ctx.tenantId, customerIds, ctx.now, run, ctx.source);
  const expired = await repo.expireDueLots(tx, ctx.tenantId, customerIds, ctx.now, run, ctx.source);
  // Points that became spendable repay what their member owes first (negative-balance.ts).
  await repayOwedAfterUnlock(tx, ctx, unlocked);
  await publishEvents(tx, ctx.tenantId, [
    ...unlocked.map((u) => ({ topic: LOYALTY_EVENTS.unlocked, payload: { customerId: u.customerId, entryId: u.entryId, points: u.points, lots: u.lots } })),
    ...expired.map((e) => ({ topic: LOYALTY_EVENTS.expired, payload: { customerId: e.customerId, entryId: e.entryId, points: e.points, lots: e.lots } })),
  ]);
  return {
    members: new Set([...unlocked, ...expired].map((s) => s.customerId)).size,
    unlockedLots: unlocked.reduce((n, u) => n + u.lots, 0),
    unlockedPoints: unlocked.reduce((n, u) => n + u.points, 0),
    expiredLots: expired.reduce((n, e) => n + e.lots, 0),
    expiredPoints: expired.reduce((n, e) => n + e.points, 0),
  };
}

const add = (a: DueWorkResult, b: DueWorkResult): DueWorkResult => ({
  members: a.members + b.members, unlockedLots: a.unlockedLots + b.unlockedLots, unlockedPoints: a.unlockedPoints + b.unlockedPoints,
  expiredLots: a.expiredLots + b.expiredLots, expiredPoints: a.expiredPoints + b.expiredPoints,
});

export const DUE_WORK_BATCH = 1_000;

/**
 * One batch of the workspace's due work: members with lots due found through the due-instant
 * indexes, locked in customer-id order, then settled set-based. Runs of one workspace take turns
 * (an advisory lock for the transaction), and an expired lot has nothing left, so a second or
 * concurrent run expires nothing twice. `seen` 0: nothing was due.
 */
export async function settleDueBatch(tx: Executor, ctx: LedgerContext, batch = DUE_WORK_BATCH, lane?: repo.DueLane): Promise<{ seen: number; result: DueWorkResult }> {
  await repo.lockDueWork(tx, ctx.tenantId, lane);
  const candidates = await repo.membersWithDueLots(tx, ctx.tenantId, ctx.now, batch, lane);
  if (candidates.length === 0) return { seen: 0, result: noDueWork() };
  const locked = await repo.lockMembers(tx, ctx.tenantId, candidates);
  // A candidate whose lots a spend settled while we waited for its lock settles to nothing here.
  return { seen: locked.length, result: await settleMembers(tx, ctx, locked) };
}

/** All of the workspace's due work in the caller's transaction (the API's run). */
export async function settleDue(tx: Executor, ctx: LedgerContext): Promise<LoyaltyExpiryRunView> {
  let total = noDueWork();
  for (;;) {
    const { seen, result } = await settleDueBatch(tx, ctx);
    if (seen === 0) return total;
    total = add(total, result);
  }
}

/**
 * How many connections the hourly job settles one workspace's due work on: disjoint shares of its
 * members (lanes), each in its own transactions. Two, for the two cores this is sized for.
 */
export const DUE_WORK_LANES = 2;

/**
 * The hourly job: every workspace with something due, one transaction per batch so locks stay
 * short, its members in `lanes` disjoint shares worked at once (each lane to its end).
 */
export async function settleDueEverywhere(database: Database, now: Date, lanes = DUE_WORK_LANES): Promise<DueWorkResult & { workspaces: number }> {
  let total = noDueWork();
  const workspaces = await repo.workspacesWithDueLots(database.db, now);
  for (const tenantId of workspaces) {
    // Every lane runs to its end (or its failure) before the job goes on: no lane is left behind running.
    const settled = await Promise.allSettled(Array.from({ length: lanes }, async (_, index) => {
      let laneTotal = noDueWork();
      for (;;) {
        const { seen, result } = await database.db.transaction((tx) => settleDueBatch(tx, { tenantId, source: 'system:due-work', now }, DUE_WORK_BATCH, { index, of: lanes }));
        if (seen === 0) return laneTotal;
        laneTotal = add(laneTotal, result);
      }
    }));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    total = settled.map((s) => (s as PromiseFulfilledResult<DueWorkResult>).value).reduce(add, total);
  }
  return { ...total, workspaces: workspaces.length };
}

const CURSOR = /^[1-9][0-9]{0,14}$/;

/** The member's history, newest first, every entry with its reason. */
export async function memberHistory(db: Executor, tenantId: string, customerId: string, query: LoyaltyHistoryQuery): Promise<LoyaltyHistoryPage> {
  if (query.cursor !== undefined && !CURSOR.test(query.cursor)) throw new Problem(400, 'invalid_cursor');
  const standing = await repo.customerStanding(db, tenantId, customerId);
  if (!standing) throw notFound();
  const rows = await repo.memberEntries(db, tenantId, customerId, query.cursor === undefined ? undefined : Number(query.cursor), query.limit + 1);
  const page = rows.slice(0, query.limit);
  const links = await partners.partnerLinks(db, tenantId, page.map((r) => r.id));
  return {
    items: page.map((r) => ({ ...presentEntry(r), partner: (links.get(r.id) as LoyaltyHistoryEntry['partner'] | undefined) ?? null })),
    nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null,
  };
}
