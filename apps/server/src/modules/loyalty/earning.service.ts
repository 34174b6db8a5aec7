import { and, eq, sql } from 'drizzle-orm';
import type { LoyaltyOrder, LoyaltyOrderReturn, LoyaltyOrderReturnView, LoyaltyOrderView, LoyaltyProgramSettings } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { applyCaps, exactSpendPoints, expiryFor, localIsoDay, priceLines, spendPoints, type PricedLine } from './earn-rules.ts';
import * as ledger from './ledger.repo.ts';
import { LOYALTY_EVENTS, memberForWrite, type LedgerContext } from './ledger.service.ts';
import { loyaltyAwards, loyaltyOrderReturns, loyaltyOrders } from './program.schema.ts';
import { programForEarning, programVersionSettings, type Program } from './program.service.ts';
import { tierPercentOf, withTierMultiplier } from './tier-multiplier.ts';
import { tierMultiplierOf, upgradeAfterEarn } from './tiers.service.ts';
import { repayOwed, shortfallOfEntry, shortfallPostings } from './negative-balance.ts';
import { spendingOrder } from './lot-draws.ts';
import { survivorOf } from './member-merge.service.ts';
import { attachAtCheckout } from './referrals.service.ts';

// Earning by a program's rules: an order from a checkout or point of sale, and the custom events
// other modules publish. Each award is made once per source (the order's external id, the
// event's own key), under the member's lock, so the same purchase sent twice or twenty times at
// once earns once. An order's points stay pending for the program's return window; the ledger's
// due work unlocks them. A return takes back what the returned lines earned: pending first, then
// available, never below zero.

const DAY_MS = 86_400_000;

export interface StoredLine extends PricedLine {
  returned: number;
  /** the member's tier multiplier the order earned under, when not 100 */
  tierPercent?: number;
}

export type OrderRow = typeof loyaltyOrders.$inferSelect;

export function presentOrder(row: OrderRow): LoyaltyOrderView {
  return {
    externalId: row.externalId, programId: row.programId, programVersion: row.programVersion, customerId: row.customerId, points: row.points,
    returnedPoints: row.returnedPoints, entryId: row.entryId, pendingUntil: row.pendingUntil?.toISOString() ?? null, expiresAt: row.expiresAt?.toISOString() ?? null,
    capped: (row.capped as LoyaltyOrderView['capped']) ?? null, lines: row.lines as StoredLine[], createdAt: row.createdAt.toISOString(),
  };
}

interface Credit {
  program: Program;
  customerId: string;
  points: number;
  entryKey: string;
  externalId: string | null;
  reason: string;
  pendingUntil: Date | null;
  expiresAt: Date | null;
  /** false: spendable points only, none for tiers (an action rule that does not qualify); absent: both */
  qualifying?: boolean;
  /** the entry's source when not the caller's (an action's award names its action) */
  source?: string;
}

/**
 * Books the credit on the ledger: issuance → member pending (with its unlock instant) or
 * available, qualifying points alike, as one lot with its own expiry. Undefined when the key had
 * already booked it. The member is locked by the caller.
 */
export async function bookCredit(tx: Executor, ctx: LedgerContext, credit: Credit): Promise<number | undefined> {
  const { customerId, points, pendingUntil, expiresAt } = credit;
  const pending = pendingUntil !== null;
  const qualifying = credit.qualifying === false ? 0 : points;
  const postings: ledger.Posting[] = [
    { account: 'issuance', customerId: null, amount: -points },
    { account: pending ? 'pending' : 'available', customerId, amount: points },
    ...(qualifying > 0 ? [
      { account: 'qualifying_issuance', customerId: null, amount: -qualifying },
      { account: 'qualifying', customerId, amount: qualifying },
    ] satisfies ledger.Posting[] : []),
  ];
  const { entryId, lotId } = await ledger.bookEntry(tx, {
    entry: {
      tenantId: ctx.tenantId, kind: 'earn', idempotencyKey: credit.entryKey, customerId, externalId: credit.externalId, reason: credit.reason, source: credit.source ?? ctx.source,
      at: ctx.now,
    },
    customerId, postings, lot: { amount: points, expiresAt, pendingUntil },
    delta: { available: pending ? 0 : points, pending: pending ? points : 0, qualifying },
  });
  if (entryId === undefined) return undefined;
  // A negative balance is repaid first from what is earned (negative-balance.ts).
  await repayOwed(tx, ctx, customerId, { entryId, lotId: lotId!, points, pending });
  await publishEvents(tx, ctx.tenantId, [{
    topic: LOYALTY_EVENTS.earned,
    payload: {
      customerId, entryId, points, qualifyingPoints: qualifying, expiresAt: expiresAt?.toISOString() ?? null, pendingUntil: pendingUntil?.toISOString() ?? null,
      reason: credit.reason, externalId: credit.externalId, programId: credit.program.id,
    },
  }]);
  return entryId;
}

/** When points earned now become spendable and when they expire, by the program's settings. */
export function lotTimes(settings: LoyaltyProgramSettings, now: Date, timeZone: string): { pendingUntil: Date | null; expiresAt: Date | null } {
  const pendingUntil = settings.pendingDays > 0 ? new Date(now.getTime() + settings.pendingDays * DAY_MS) : null;
  return { pendingUntil, expiresAt: expiryFor(settings.expiry, now, pendingUntil ?? now, timeZone) };
}

async function findOrder(tx: Executor, tenantId: string, programId: string, externalId: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(loyaltyOrders)
    .where(and(eq(loyaltyOrders.tenantId, tenantId), eq(loyaltyOrders.programId, programId), eq(loyaltyOrders.externalId, externalId)));
  return row;
}

const sameLines = (stored: StoredLine[], sent: LoyaltyOrder['lines']) =>
  stored.length === sent.length && stored.every((l, i) => l.id === sent[i]!.id && l.sku === (sent[i]!.sku ?? null) && l.category === (sent[i]!.category ?? null) && l.amount === sent[i]!.amount);

/** The first answer to an order sent again; the same id with another customer or other lines is refused. */
export function replayOrder(row: OrderRow, input: LoyaltyOrder): { created: false; order: LoyaltyOrderView } {
  if (row.customerId !== input.customerId || !sameLines(row.lines as StoredLine[], input.lines)) throw new Problem(409, 'external_id_conflict');
  return { created: false, order: presentOrder(row) };
}

/** Spend points the member already earned in this program on this local day (what the daily cap counts). */
async function spendPointsOn(tx: Executor, tenantId: string, programId: string, customerId: string, day: string): Promise<number> {
  const [row] = await tx.select({ total: sql<string>`coalesce(sum(${loyaltyAwards.spendPoints}), 0)` }).from(loyaltyAwards).where(and(
    eq(loyaltyAwards.tenantId, tenantId), eq(loyaltyAwards.programId, programId), eq(loyaltyAwards.customerId, customerId), eq(loyaltyAwards.day, day),
  ));
  return Number(row?.total ?? 0);
}

export interface OrderQuote {
  lines: PricedLine[];
  /** the exact spend points, before rounding */
  exact: { num: bigint; den: bigint };
  pointsBeforeCaps: number;
  earnedToday: number;
  points: number;
  capped: 'order' | 'day' | null;
  pendingUntil: Date | null;
  expiresAt: Date | null;
  /** the workspace's local day the order counts on for the daily cap */
  day: string;
}

/**
 * What an order earns by these settings at `ctx.now`: the lines priced, the spend points rounded
 * once, the caps (the daily one counting what the customer already earned today in the program),
 * and when the points unlock and expire. Reads only: the real earning and the simulator both call
 * it, so a simulation gives the figure the order would get. A caller earning for real holds the
 * member's lock first.
 */
export async function quoteOrder(
  tx: Executor, ctx: Pick<LedgerContext, 'tenantId' | 'now'>, programId: string | null, settings: LoyaltyProgramSettings, customerId: string | null,
  input: LoyaltyOrder['lines'],
): Promise<OrderQuote> {
  const lines = priceLines(settings, input);
  const { timeZone } = await workspaceSettings(tx, ctx.tenantId);
  const day = localIsoDay(ctx.now, timeZone);
  const earnedToday = settings.caps.perDay === null || programId === null || customerId === null ? 0 : await spendPointsOn(tx, ctx.tenantId, programId, customerId, day);
  const pointsBeforeCaps = spendPoints(settings.spend, lines);
  const { points, capped } = applyCaps(pointsBeforeCaps, settings.caps, earnedToday);
  const times = points > 0 ? lotTimes(settings, ctx.now, timeZone) : { pendingUntil: null, expiresAt: null };
  const exact = settings.spend ? exactSpendPoints(settings.spend, lines) : { num: 0n, den: 1n };
  return { lines, exact, pointsBeforeCaps, earnedToday, points, capped, ...times, day };
}

/**
 * Earns an order's points by the program's rules. The member's lock comes first, so the daily cap
 * counts every earlier order of the day and the same order sent concurrently earns once; the order
 * row is the claim (a concurrent send of the same id for another customer waits on it and is then
 * refused).
 */
export async function earnOrder(tx: Executor, ctx: LedgerContext, input: LoyaltyOrder): Promise<{ created: boolean; order: LoyaltyOrderView }> {
  const program = await programForEarning(tx, ctx.tenantId, input.programId);
  const ids = input.lines.map((l) => l.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw invalidField('lines', 'order_line_repeated', { id: repeated });
  await memberForWrite(tx, ctx, input.customerId, true);
  const existing = await findOrder(tx, ctx.tenantId, program.id, input.externalId);
  if (existing) return replayOrder(existing, input);
  if (input.referralCode !== undefined) await attachAtCheckout(tx, ctx, input.customerId, input.referralCode);

  const tierPercent = await tierMultiplierOf(tx, ctx.tenantId, program.id, input.customerId);
  const { lines, day, points, capped, ...times } = await quoteOrder(tx, ctx, program.id, withTierMultiplier(program.settings, tierPercent), input.customerId, input.lines);

  const stored: StoredLine[] = lines.map((l) => ({ ...l, returned: 0, ...(tierPercent === 100 ? {} : { tierPercent }) }));
  const [claimed] = await tx.insert(loyaltyOrders).values({
    tenantId: ctx.tenantId, programId: program.id, externalId: input.externalId, customerId: input.customerId, programVersion: program.version, lines: stored,
    points, capped, pendingUntil: times.pendingUntil, expiresAt: times.expiresAt, createdAt: ctx.now,
  }).onConflictDoNothing().returning();
  if (!claimed) return replayOrder((await findOrder(tx, ctx.tenantId, program.id, input.externalId))!, input);

  let entryId: number | null = null;
  if (points > 0) {
    entryId = (await bookCredit(tx, ctx, {
      program, customerId: input.customerId, points, entryKey: `earn:program:${program.id}:order:${input.externalId}`, externalId: input.externalId,
      reason: program.name, pendingUntil: times.pendingUntil, expiresAt: times.expiresAt,
    })) ?? null;
    if (entryId === null) throw new Error(`order ${input.externalId} was claimed but its ledger key was taken`);
    await tx.update(loyaltyOrders).set({ entryId })
      .where(and(eq(loyaltyOrders.tenantId, ctx.tenantId), eq(loyaltyOrders.programId, program.id), eq(loyaltyOrders.externalId, input.externalId)));
  }
  await tx.insert(loyaltyAwards).values({
    tenantId: ctx.tenantId, programId: program.id, sourceKey: `order:${input.externalId}`, customerId: input.customerId, programVersion: program.version,
    entryId, points, spendPoints: points, day, createdAt: ctx.now,
  });
  // Tiers move up at once, in this transaction under the member's lock (tiers.service.ts).
  await upgradeAfterEarn(tx, ctx, program.id, input.customerId, entryId);
  return { created: true, order: presentOrder({ ...claimed, entryId }) };
}

/** The survivor's pending lots unlocking at `pendingUntil`, oldest first: where a merge put a merged-away member's pending points. */
async function mergedPendingLots(tx: Executor, tenantId: string, customerId: string, pendingUntil: Date): Promise<{ id: number; remaining: number }[]> {
  const { rows } = await tx.execute<{ id: string; remaining: string }>(sql`
    SELECT id, remaining FROM loyalty_lots
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND pending_until = ${pendingUntil.toISOString()}::timestamptz AND unlocked_at IS NULL AND remaining > 0
    ORDER BY id`);
  return rows.map((r) => ({ id: Number(r.id), remaining: Number(r.remaining) }));
}

/** The order (in the named program, else in the only program that has it). */
async function orderToReturn(tx: Executor, tenantId: string, externalId: string, programId: string | undefined): Promise<OrderRow> {
  const rows = await tx.select().from(loyaltyOrders).where(and(
    eq(loyaltyOrders.tenantId, tenantId), eq(loyaltyOrders.externalId, externalId), ...(programId === undefined ? [] : [eq(loyaltyOrders.programId, programId)]),
  )).limit(2);
  if (rows.length === 0) throw notFound();
  if (rows.length > 1) throw invalidField('programId', 'program_required');
  return rows[0]!;
}

function presentReturn(row: typeof loyaltyOrderReturns.$inferSelect, order: OrderRow, shortfall: { owed: number; writtenOff: number }): LoyaltyOrderReturnView {
  return {
    ...shortfall,
    returnId: row.returnId, externalId: row.externalId, points: row.points, fromPending: row.fromPending, fromAvailable: row.fromAvailable,
    unrecovered: row.unrecovered, entryId: row.entryId, order: presentOrder(order),
  };
}

/**
 * A return of some of an order's lines (or all of it): the order keeps what its remaining lines
 * would have earned under the rules it earned by, never more than it was awarded; the rest is
 * taken back, from the order's pending points first, then from available points (the order's own
 * lot first, then soonest-expiring). What the member already spent (`unrecovered`) is owed when
 * the order's program version allows a negative balance, else written off (negative-balance.ts).
 */
export async function returnOrder(tx: Executor, ctx: LedgerContext, externalId: string, input: LoyaltyOrderReturn): Promise<{ created: boolean; result: LoyaltyOrderReturnView }> {
  const found = await orderToReturn(tx, ctx.tenantId, externalId, input.programId);
  // The order's points are its member's, or, once that member was merged away, the survivor's (member-merge.service.ts).
  const holder = await survivorOf(tx, ctx.tenantId, found.customerId);
  const member = await memberForWrite(tx, ctx, holder, true);
  // Read again under the member's lock: an earlier return of the order may have committed meanwhile.
  const order = (await findOrder(tx, ctx.tenantId, found.programId, externalId))!;
  const where = and(eq(loyaltyOrderReturns.tenantId, ctx.tenantId), eq(loyaltyOrderReturns.programId, order.programId),
    eq(loyaltyOrderReturns.externalId, externalId), eq(loyaltyOrderReturns.returnId, input.returnId));
  const [earlier] = await tx.select().from(loyaltyOrderReturns).where(where);
  if (earlier) {
    if (JSON.stringify(earlier.lines) !== JSON.stringify(input.lines ?? null)) throw new Problem(409, 'return_id_conflict');
    return { created: false, result: presentReturn(earlier, order, await shortfallOfEntry(tx, ctx.tenantId, earlier.entryId)) };
  }

  const lines = (order.lines as StoredLine[]).map((l) => ({ ...l }));
  if (input.lines) {
    const seen = new Set<string>();
    for (const [i, ret] of input.lines.entries()) {
      const line = lines.find((l) => l.id === ret.id);
      if (!line) throw invalidField(`lines.${i}.id`, 'order_line_unknown', { id: ret.id });
      if (seen.has(ret.id)) throw invalidField(`lines.${i}.id`, 'order_line_repeated', { id: ret.id });
      seen.add(ret.id);
      const left = line.amount - line.returned;
      const amount = ret.amount ?? left;
      if (amount > left || left === 0) throw invalidField(`lines.${i}.amount`, 'return_exceeds_line', { id: ret.id, left });
      line.returned += amount;
    }
  } else {
    for (const line of lines) line.returned = line.amount;
  }
  if (lines.every((l, i) => l.returned === (order.lines as StoredLine[])[i]!.returned)) throw new Problem(409, 'nothing_to_return');

  const settings = await programVersionSettings(tx, ctx.tenantId, order.programId, order.programVersion);
  const kept = Math.min(order.points, spendPoints(withTierMultiplier(settings, tierPercentOf(lines)).spend, lines.map((l) => ({ amount: l.amount - l.returned, multiplierPercent: l.multiplierPercent }))));
  const toReverse = Math.max(0, order.points - order.returnedPoints - kept);

  let fromPending = 0;
  let fromAvailable = 0;
  let entryId: number | null = null;
  let shortfall: ledger.Posting[] = [];
  if (toReverse > 0) {
    const draws: ledger.Draw[] = [];
    const lot = order.entryId === null ? undefined : await ledger.lotOfEntry(tx, ctx.tenantId, order.entryId);
    // Still pending: the order's own lot, or once its member was merged away the survivor's lots
    // carrying the same unlock instant (a merge moves a pending lot whole, keeping its unlock).
    const pendingLots = lot && lot.pendingUntil !== null && lot.unlockedAt === null
      ? (holder === order.customerId ? (lot.remaining > 0 ? [lot] : []) : await mergedPendingLots(tx, ctx.tenantId, holder, lot.pendingUntil))
      : [];
    let left = toReverse;
    for (const pendingLot of pendingLots) {
      if (left === 0) break;
      const amount = Math.min(left, pendingLot.remaining);
      draws.push({ lotId: pendingLot.id, amount });
      fromPending += amount;
      left -= amount;
    }
    if (left > 0) {
      const spendable = (await ledger.spendableLots(tx, ctx.tenantId, holder, ctx.now))
        .sort((a, b) => (a.id === lot?.id ? -1 : b.id === lot?.id ? 1 : spendingOrder(a, b)));
      for (const open of spendable) {
        if (left === 0) break;
        const amount = Math.min(open.remaining, left);
        draws.push({ lotId: open.id, amount });
        fromAvailable += amount;
        left -= amount;
      }
    }
    const qualifying = Math.min(toReverse, member!.qualifying);
    const postings: ledger.Posting[] = [];
    if (fromPending > 0) postings.push({ account: 'pending', customerId: holder, amount: -fromPending });
    if (fromAvailable > 0) postings.push({ account: 'available', customerId: holder, amount: -fromAvailable });
    // What the member had already spent: owed (the program allows a negative balance) or written off; issuance is reversed in full.
    shortfall = await shortfallPostings(tx, ctx.tenantId, holder, toReverse - fromPending - fromAvailable, settings.allowNegativeBalance === true);
    postings.push(...shortfall, { account: 'issuance', customerId: null, amount: toReverse });
    if (qualifying > 0) postings.push({ account: 'qualifying', customerId: holder, amount: -qualifying }, { account: 'qualifying_issuance', customerId: null, amount: qualifying });
    if (postings.length > 0) {
      const booked = await ledger.bookEntry(tx, {
        entry: {
          tenantId: ctx.tenantId, kind: 'adjust', idempotencyKey: `return:program:${order.programId}:order:${externalId}:${input.returnId}`, customerId: holder,
          externalId, reason: `${input.returnId}`, source: ctx.source, at: ctx.now,
        },
        customerId: holder, postings, draws, delta: { available: -fromAvailable, pending: -fromPending, qualifying: -qualifying },
      });
      if (booked.entryId === undefined) throw new Error(`return ${input.returnId} of ${externalId} was not recorded but its ledger key was taken`);
      entryId = booked.entryId;
      await publishEvents(tx, ctx.tenantId, [{
        topic: 'loyalty.order_returned',
        payload: { customerId: holder, entryId, externalId, returnId: input.returnId, points: toReverse, fromPending, fromAvailable, programId: order.programId },
      }]);
    }
  }
  const unrecovered = toReverse - fromPending - fromAvailable;
  const [updated] = await tx.update(loyaltyOrders).set({ lines, returnedPoints: order.returnedPoints + toReverse })
    .where(and(eq(loyaltyOrders.tenantId, ctx.tenantId), eq(loyaltyOrders.programId, order.programId), eq(loyaltyOrders.externalId, externalId))).returning();
  const [row] = await tx.insert(loyaltyOrderReturns).values({
    tenantId: ctx.tenantId, programId: order.programId, externalId, returnId: input.returnId, lines: input.lines ?? null, points: toReverse, fromPending, fromAvailable,
    unrecovered, entryId, createdAt: ctx.now,
  }).returning();
  const owed = -shortfall.filter((p) => p.account === 'owed').reduce((n, p) => n + p.amount, 0);
  return { created: true, result: presentReturn(row!, updated!, { owed, writtenOff: -shortfall.filter((p) => p.account === 'write_off').reduce((n, p) => n + p.amount, 0) }) };
}

export async function getOrder(db: Executor, tenantId: string, externalId: string, programId: string | undefined): Promise<LoyaltyOrderView> {
  return presentOrder(await orderToReturn(db, tenantId, externalId, programId));
}

/** A custom event's points for one program: once per program and event key. False: nothing to award, or already awarded. */
export async function awardEvent(
  tx: Executor, ctx: LedgerContext, program: Program,
  event: { topic: string; key: string; customerId: string; points: number },
): Promise<boolean> {
  if (event.points <= 0) return false;
  await memberForWrite(tx, ctx, event.customerId, true);
  const sourceKey = `event:${event.topic}:${event.key}`;
  const { timeZone } = await workspaceSettings(tx, ctx.tenantId);
  const expiresAt = expiryFor(program.settings.expiry, ctx.now, ctx.now, timeZone);
  const entryId = await bookCredit(tx, ctx, {
    program, customerId: event.customerId, points: event.points, entryKey: `earn:program:${program.id}:${sourceKey}`, externalId: null,
    reason: `${program.name} · ${event.topic}`, pendingUntil: null, expiresAt,
  });
  if (entryId === undefined) return false;
  await tx.insert(loyaltyAwards).values({
    tenantId: ctx.tenantId, programId: program.id, sourceKey, customerId: event.customerId, programVersion: program.version, entryId, points: event.points,
    spendPoints: 0, day: localIsoDay(ctx.now, timeZone), createdAt: ctx.now,
  });
  await upgradeAfterEarn(tx, ctx, program.id, event.customerId, entryId);
  return true;
}
