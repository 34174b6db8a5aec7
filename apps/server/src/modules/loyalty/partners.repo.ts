// SQL of coalition partners. A partner's row is read with a KEY SHARE lock by earnings and
// redemptions (they never wait on each other for it, only on a change of the partner's terms,
// which takes FOR UPDATE), and a capped partner's room for the month is held in stripes (below).
import { randomInt } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { loyaltyPartnerCorrections, loyaltyPartnerEntries, loyaltyPartnerOffers, loyaltyPartners } from './partners.schema.ts';

export type PartnerRow = typeof loyaltyPartners.$inferSelect;
export type NewPartner = typeof loyaltyPartners.$inferInsert;
export type OfferRow = typeof loyaltyPartnerOffers.$inferSelect;
export type NewOffer = typeof loyaltyPartnerOffers.$inferInsert;
export type PartnerEntryRow = typeof loyaltyPartnerEntries.$inferSelect;
export type NewPartnerEntry = typeof loyaltyPartnerEntries.$inferInsert;
export type PartnerCorrectionRow = typeof loyaltyPartnerCorrections.$inferSelect & { source: string };

export async function insertPartner(tx: Executor, row: NewPartner): Promise<PartnerRow> {
  const [created] = await tx.insert(loyaltyPartners).values(row).returning();
  return created!;
}

/** `update`: for a change of terms (waits for earnings and redemptions in flight); `share`: as an earning or redemption reads it. */
export async function findPartner(db: Executor, tenantId: string, id: string, lock?: 'update' | 'share'): Promise<PartnerRow | undefined> {
  const query = db.select().from(loyaltyPartners).where(and(eq(loyaltyPartners.tenantId, tenantId), eq(loyaltyPartners.id, id)));
  const [row] = lock === 'update' ? await query.for('update') : lock === 'share' ? await query.for('key share') : await query;
  return row;
}

export async function listPartners(db: Executor, tenantId: string): Promise<PartnerRow[]> {
  return db.select().from(loyaltyPartners).where(eq(loyaltyPartners.tenantId, tenantId)).orderBy(asc(loyaltyPartners.createdAt), asc(loyaltyPartners.id));
}

export async function updatePartner(tx: Executor, tenantId: string, id: string, patch: Partial<NewPartner>): Promise<PartnerRow> {
  const [row] = await tx.update(loyaltyPartners).set(patch).where(and(eq(loyaltyPartners.tenantId, tenantId), eq(loyaltyPartners.id, id))).returning();
  return row!;
}

export async function insertOffer(tx: Executor, row: NewOffer): Promise<OfferRow> {
  const [created] = await tx.insert(loyaltyPartnerOffers).values(row).returning();
  return created!;
}

export async function findOffer(db: Executor, tenantId: string, id: string, lock?: 'update' | 'share'): Promise<OfferRow | undefined> {
  const query = db.select().from(loyaltyPartnerOffers).where(and(eq(loyaltyPartnerOffers.tenantId, tenantId), eq(loyaltyPartnerOffers.id, id)));
  const [row] = lock === 'update' ? await query.for('update') : lock === 'share' ? await query.for('key share') : await query;
  return row;
}

export async function listOffers(db: Executor, tenantId: string, partnerId?: string): Promise<OfferRow[]> {
  return db.select().from(loyaltyPartnerOffers)
    .where(and(eq(loyaltyPartnerOffers.tenantId, tenantId), partnerId === undefined ? undefined : eq(loyaltyPartnerOffers.partnerId, partnerId)))
    .orderBy(asc(loyaltyPartnerOffers.createdAt), asc(loyaltyPartnerOffers.id));
}

export async function updateOffer(tx: Executor, tenantId: string, id: string, patch: Partial<NewOffer>): Promise<OfferRow> {
  const [row] = await tx.update(loyaltyPartnerOffers).set(patch).where(and(eq(loyaltyPartnerOffers.tenantId, tenantId), eq(loyaltyPartnerOffers.id, id))).returning();
  return row!;
}

/**
 * Takes one of a stocked offer's stock if any is left. One conditional statement: concurrent
 * redemptions queue on the offer's row and each sees what the one before it left, so exactly
 * `stock_left` of them succeed. The row stays locked until commit: run it last.
 */
export async function takeOfferStock(tx: Executor, tenantId: string, offerId: string): Promise<boolean> {
  const { rows } = await tx.execute(sql`
    UPDATE loyalty_partner_offers SET stock_left = stock_left - 1
    WHERE tenant_id = ${tenantId} AND id = ${offerId} AND stock_left IS NOT NULL AND stock_left > 0
    RETURNING 1`);
  return rows.length === 1;
}

/** Gives back the stock a reversed redemption took (an unlimited offer has none to give; never above the total). */
export async function returnOfferStock(tx: Executor, tenantId: string, offerId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE loyalty_partner_offers SET stock_left = stock_left + 1
    WHERE tenant_id = ${tenantId} AND id = ${offerId} AND stock_left IS NOT NULL AND stock_left < stock_total`);
}

/** The offer's redemptions not reversed (an unlimited offer given a stock counts them against it). */
export async function offerRedeemedNotReversed(tx: Executor, tenantId: string, offerId: string): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM loyalty_partner_entries pe
    WHERE pe.tenant_id = ${tenantId} AND pe.offer_id = ${offerId}
      AND NOT EXISTS (SELECT 1 FROM loyalty_entries r WHERE r.tenant_id = pe.tenant_id AND r.reverses_entry_id = pe.entry_id)`);
  return Number(rows[0]?.n ?? 0);
}

export async function insertPartnerEntry(tx: Executor, row: NewPartnerEntry): Promise<void> {
  await tx.insert(loyaltyPartnerEntries).values(row);
}

export async function findPartnerEntry(db: Executor, tenantId: string, entryId: number): Promise<PartnerEntryRow | undefined> {
  const [row] = await db.select().from(loyaltyPartnerEntries).where(and(eq(loyaltyPartnerEntries.tenantId, tenantId), eq(loyaltyPartnerEntries.entryId, entryId)));
  return row;
}

export interface PartnerLink {
  partnerId: string;
  partnerName: Record<string, string>;
  offerId: string | null;
  offerName: Record<string, string> | null;
}

/**
 * The partner and offer of each of these entries that has one: its own partner entry, or for a
 * reversal the reversed entry's. Read when a history is read, so entries written before this
 * was shown need nothing rewritten, and names are as the partner and offer are named now.
 */
export async function partnerLinks(db: Executor, tenantId: string, entryIds: number[]): Promise<Map<number, PartnerLink>> {
  if (entryIds.length === 0) return new Map();
  const { rows } = await db.execute<{ entry_id: string; partner_id: string; partner_name: Record<string, string>; offer_id: string | null; offer_name: Record<string, string> | null }>(sql`
    SELECT e.id AS entry_id, pe.partner_id, p.name AS partner_name, pe.offer_id, o.name AS offer_name
    FROM loyalty_entries e
    JOIN loyalty_partner_entries pe ON pe.tenant_id = e.tenant_id AND pe.entry_id = coalesce(e.reverses_entry_id, e.id)
    JOIN loyalty_partners p ON p.tenant_id = pe.tenant_id AND p.id = pe.partner_id
    LEFT JOIN loyalty_partner_offers o ON o.tenant_id = pe.tenant_id AND o.id = pe.offer_id
    WHERE e.tenant_id = ${tenantId} AND e.id = ANY(${`{${entryIds.join(',')}}`}::bigint[])`);
  return new Map(rows.map((r) => [Number(r.entry_id), { partnerId: r.partner_id, partnerName: r.partner_name, offerId: r.offer_id, offerName: r.offer_name }]));
}

/**
 * The member's spend over [from, now): orders placed in the window in the workspace currency,
 * returned ones left out, in minor units (a decimal string: rial sums outgrow a double).
 */
export async function memberSpend(db: Executor, tenantId: string, customerId: string, currency: string, from: Date): Promise<bigint> {
  const { rows } = await db.execute<{ total: string }>(sql`
    SELECT coalesce(sum(amount_minor), 0)::text AS total FROM orders
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND placed_at >= ${from.toISOString()}::timestamptz
      AND returned_at IS NULL AND currency = ${currency}`);
  return BigInt(rows[0]?.total ?? '0');
}

/** How many times the member redeemed the offer (call with the member locked). */
export async function memberRedemptions(db: Executor, tenantId: string, customerId: string, offerId: string): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM loyalty_partner_entries WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND offer_id = ${offerId}`);
  return Number(rows[0]?.n ?? 0);
}

export interface Usage {
  earned: number;
  redeemed: number;
}

/**
 * A partner entry still standing: not reversed by a staff reversal (a cancelled redemption, an
 * earn taken back). Only those count against the monthly caps; `pe` is the partner entry's alias.
 */
const notReversed = sql.raw(`NOT EXISTS (SELECT 1 FROM loyalty_entries r WHERE r.tenant_id = pe.tenant_id AND r.reverses_entry_id = pe.entry_id)`);

/** Points earned and redeemed at each partner over [from, to), from their entries not reversed. */
export async function usageBetween(db: Executor, tenantId: string, from: Date, to: Date, partnerId?: string): Promise<Map<string, Usage>> {
  const { rows } = await db.execute<{ partner_id: string; earned: string; redeemed: string }>(sql`
    SELECT partner_id, coalesce(sum(points) FILTER (WHERE direction = 'earn'), 0) AS earned, coalesce(sum(points) FILTER (WHERE direction = 'redeem'), 0) AS redeemed
    FROM loyalty_partner_entries pe
    WHERE tenant_id = ${tenantId} AND created_at >= ${from.toISOString()}::timestamptz AND created_at < ${to.toISOString()}::timestamptz
      ${partnerId === undefined ? sql`` : sql`AND partner_id = ${partnerId}`} AND ${notReversed}
    GROUP BY partner_id`);
  return new Map(rows.map((r) => [r.partner_id, { earned: Number(r.earned), redeemed: Number(r.redeemed) }]));
}

// ---- monthly caps ----------------------------------------------------------------------------------
//
// A capped partner's room for the month, per cap (earn, redeem), is held in escrow as CAP_STRIPES
// rows of loyalty_partner_cap_stripes whose rooms add up to the cap less what the month's entries
// not reversed took. One row per month was the one place all of a capped partner's redemptions
// took turns (each held its lock to commit); now each takes its points from one stripe:
//   1. a stripe with room for all of it that no one holds (FOR UPDATE SKIP LOCKED, from a random
//      stripe on): no waiting while any other stripe can pay;
//   2. when every stripe that could pay is held, it waits for one of them (its holder has only
//      its commit left to do);
//   3. when no stripe alone can pay (each ran dry at its own time, or stripe 0 holds a shortfall),
//      it locks them all in stripe order, takes its points from their sum and spreads what is
//      left again, in whole takings of its size. Only when the sum cannot pay is it refused.
// No stripe goes below zero by a taking, so the month never passes the cap, under any
// concurrency. A refusal is exact: the stripes' committed rooms add up to less than it asks
// (takings in flight only take more; a reversal counts once committed), read plainly, or under
// every stripe's lock when that read said enough. Failed tries are rolled back to a savepoint, so
// no row lock is kept from them: a transaction waits for a stripe holding none (step 2, a
// reversal) or only stripes below it (step 3), and no two wait for each other. A reversal gives
// its points back to the emptiest stripe it can lock without waiting (a shortfall on stripe 0
// first). A change of caps, under the partner's FOR UPDATE (which waits for every earn,
// redemption and reversal in flight, as they hold KEY SHARE), recounts the month from its entries
// and spreads the room anew.
// How much a partner earned and redeemed this month is always read from its entries, exactly.

/** How many rows hold a capped partner's room for a month, per cap: up to this many takings pass each other. */
export const CAP_STRIPES = 8;

export interface CapMonth {
  tenantId: string;
  partnerId: string;
  /** the month's first instant */
  from: Date;
  direction: 'earn' | 'redeem';
}

export interface CapTake extends CapMonth {
  /** the next month's first instant */
  to: Date;
  cap: number;
  points: number;
  /** this transaction's own entry, already written: the month's first count must not count it */
  entryId: number;
}

/**
 * `room` spread over the stripes in whole `unit`s (each stripe then pays whole takings of that
 * size), what is left over on stripe 0; a shortfall (room below zero) all on stripe 0.
 */
export function spreadRoom(room: number, unit: number): number[] {
  const rooms = Array<number>(CAP_STRIPES).fill(0);
  const units = room > 0 ? Math.floor(room / unit) : 0;
  const used = Math.min(CAP_STRIPES, units);
  for (let i = 0; i < used; i++) rooms[i] = (Math.floor(units / used) + (i < units % used ? 1 : 0)) * unit;
  rooms[0]! += room - units * unit;
  return rooms;
}

const ofMonth = (c: CapMonth, alias = 's') => {
  const a = sql.raw(alias);
  return sql`${a}.tenant_id = ${c.tenantId} AND ${a}.partner_id = ${c.partnerId} AND ${a}.period_start = ${c.from.toISOString()}::timestamptz AND ${a}.direction = ${c.direction}`;
};

async function stripeRooms(tx: Executor, c: CapMonth, lock = false): Promise<Array<{ stripe: number; room: number }>> {
  const { rows } = await tx.execute<{ stripe: number; room: string }>(sql`
    SELECT s.stripe, s.room FROM loyalty_partner_cap_stripes s WHERE ${ofMonth(c)} ORDER BY s.stripe ${lock ? sql`FOR UPDATE` : sql``}`);
  return rows.map((r) => ({ stripe: Number(r.stripe), room: Number(r.room) }));
}

async function writeRooms(tx: Executor, c: CapMonth, rooms: number[], onConflict: 'replace' | 'keep'): Promise<void> {
  await tx.execute(sql`
    INSERT INTO loyalty_partner_cap_stripes AS s (tenant_id, partner_id, period_start, direction, stripe, room)
    SELECT ${c.tenantId}, ${c.partnerId}, ${c.from.toISOString()}::timestamptz, ${c.direction}, r.stripe - 1, r.room
    FROM unnest(${`{${rooms.join(',')}}`}::bigint[]) WITH ORDINALITY AS r(room, stripe)
    ON CONFLICT (tenant_id, partner_id, period_start, direction, stripe) DO ${onConflict === 'replace' ? sql`UPDATE SET room = excluded.room` : sql`NOTHING`}`);
}

/** The points of the partner's entries of this direction in [from, to) not reversed, but for `exceptEntry`. */
async function monthTaken(tx: Executor, c: CapMonth & { to: Date }, exceptEntry = 0): Promise<number> {
  const { rows } = await tx.execute<{ taken: string }>(sql`
    SELECT coalesce(sum(points), 0) AS taken FROM loyalty_partner_entries pe
    WHERE tenant_id = ${c.tenantId} AND partner_id = ${c.partnerId} AND direction = ${c.direction} AND entry_id <> ${exceptEntry}
      AND created_at >= ${c.from.toISOString()}::timestamptz AND created_at < ${c.to.toISOString()}::timestamptz AND ${notReversed}`);
  return Number(rows[0]?.taken ?? 0);
}

/**
 * Takes `points` of the month's room under the cap, or refuses (false) when the stripes together
 * have less. Run it last in the transaction (in one): the stripe taken stays locked until commit.
 */
export async function takeCapRoom(tx: Executor, c: CapTake): Promise<boolean> {
  const start = randomInt(CAP_STRIPES);
  await tx.execute(sql`SAVEPOINT partner_cap_room`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const { rows: free } = await tx.execute(sql`
      WITH pick AS (
        SELECT p.stripe FROM loyalty_partner_cap_stripes p
        WHERE ${ofMonth(c, 'p')} AND p.room >= ${c.points}
          AND NOT EXISTS (SELECT 1 FROM loyalty_partner_cap_stripes z WHERE ${ofMonth(c, 'z')} AND z.stripe = 0 AND z.room < 0)
        ORDER BY (p.stripe + ${CAP_STRIPES - start}) % ${CAP_STRIPES}
        LIMIT 1 FOR UPDATE SKIP LOCKED
      )
      UPDATE loyalty_partner_cap_stripes s SET room = s.room - ${c.points} FROM pick WHERE ${ofMonth(c)} AND s.stripe = pick.stripe RETURNING 1`);
    if (free.length === 1) return true;
    // A row whose room was taken while this statement waited to recheck it stays locked: let it go.
    await tx.execute(sql`ROLLBACK TO SAVEPOINT partner_cap_room`);
    const rooms = await stripeRooms(tx, c);
    if (rooms.length === 0) {
      // The month's first taking: its room is the cap less what the month's entries took. Another
      // transaction's first taking writes the same rows: this one waits for it and keeps its rows.
      await writeRooms(tx, c, spreadRoom(c.cap - (await monthTaken(tx, c, c.entryId)), c.points), 'keep');
      await tx.execute(sql`RELEASE SAVEPOINT partner_cap_room`);
      await tx.execute(sql`SAVEPOINT partner_cap_room`);
      continue;
    }
    // Less room committed than asked: refused without a lock (what takings in flight hold is less still).
    if (rooms.reduce((total, r) => total + r.room, 0) < c.points) return false;
    const payers = rooms[0]!.room < 0 ? [] : rooms.filter((r) => r.room >= c.points);
    if (payers.length === 0) break;
    const { rows: waited } = await tx.execute(sql`
      UPDATE loyalty_partner_cap_stripes s SET room = s.room - ${c.points}
      WHERE ${ofMonth(c)} AND s.stripe = ${payers[randomInt(payers.length)]!.stripe} AND s.room >= ${c.points} RETURNING 1`);
    if (waited.length === 1) return true;
    await tx.execute(sql`ROLLBACK TO SAVEPOINT partner_cap_room`);
  }
  const rooms = await stripeRooms(tx, c, true);
  const total = rooms.length === CAP_STRIPES ? rooms.reduce((sum, r) => sum + r.room, 0) : c.cap - (await monthTaken(tx, c, c.entryId));
  if (total < c.points) return false;
  await writeRooms(tx, c, spreadRoom(total - c.points, c.points), 'replace');
  return true;
}

/**
 * Gives a reversed entry's points back to its own month's room (`from` the month of the entry: a
 * reversal of an earlier month's entry leaves this month's alone): a shortfall on stripe 0 first,
 * else the emptiest stripe no one holds, else the emptiest one. A month with no stripes (the
 * partner uncapped then) has nothing to give back to; its first taking counts from the entries.
 * Run it last in the transaction, after the partner's KEY SHARE.
 */
export async function releaseCapRoom(tx: Executor, c: CapMonth, points: number): Promise<void> {
  const rooms = await stripeRooms(tx, c);
  if (rooms.length === 0) return;
  if (rooms[0]!.room < 0) {
    await tx.execute(sql`SAVEPOINT partner_cap_release`);
    const { rows } = await tx.execute(sql`
      UPDATE loyalty_partner_cap_stripes s SET room = s.room + ${points} WHERE ${ofMonth(c)} AND s.stripe = 0 AND s.room < 0 RETURNING 1`);
    if (rows.length === 1) return;
    await tx.execute(sql`ROLLBACK TO SAVEPOINT partner_cap_release`);
  }
  const { rows: free } = await tx.execute(sql`
    WITH pick AS (SELECT p.stripe FROM loyalty_partner_cap_stripes p WHERE ${ofMonth(c, 'p')} ORDER BY p.room, p.stripe LIMIT 1 FOR UPDATE SKIP LOCKED)
    UPDATE loyalty_partner_cap_stripes s SET room = s.room + ${points} FROM pick WHERE ${ofMonth(c)} AND s.stripe = pick.stripe RETURNING 1`);
  if (free.length === 1) return;
  const emptiest = rooms.reduce((a, b) => (b.room < a.room ? b : a));
  await tx.execute(sql`UPDATE loyalty_partner_cap_stripes s SET room = s.room + ${points} WHERE ${ofMonth(c)} AND s.stripe = ${emptiest.stripe}`);
}

/**
 * Sets the month's room under each cap to the cap less what the partner's entries not reversed
 * took (a cap set or changed: earlier uncapped entries count too; lowered under what was taken,
 * the shortfall waits on stripe 0), spread evenly; a cap removed drops its rows. Call with the
 * partner locked FOR UPDATE: no earning, redemption or reversal of the partner is in flight.
 */
export async function recountCapRoom(tx: Executor, tenantId: string, partnerId: string, from: Date, to: Date, caps: { earn: number | null; redeem: number | null }): Promise<void> {
  for (const direction of ['earn', 'redeem'] as const) {
    const c = { tenantId, partnerId, from, to, direction };
    const cap = caps[direction];
    if (cap === null) await tx.execute(sql`DELETE FROM loyalty_partner_cap_stripes s WHERE ${ofMonth(c)}`);
    else await writeRooms(tx, c, spreadRoom(cap - (await monthTaken(tx, c)), 1), 'replace');
  }
}

export interface SettlementRow {
  partnerId: string;
  earnedPoints: number;
  redeemedPoints: number;
  partnerOwesPoints: number;
  partnerOwesMinor: bigint;
  workspaceOwesPoints: number;
  workspaceOwesMinor: bigint;
  ledgerPoints: number;
  /** staff corrections in the period (already counted in the figures above) */
  corrections: { count: number; partnerOwesPoints: number; partnerOwesMinor: bigint; workspaceOwesPoints: number; workspaceOwesMinor: bigint };
  /** billed redemptions cancelled in the period (already taken off what the workspace owes) */
  cancellations: { count: number; points: number; minor: bigint };
}

/**
 * The sum of an entry's postings to the workspace's partner_payable account, as `pp.amount`: the
 * entry whose id is the column `entryColumn` of the row aliased `alias` (a partner entry's or a
 * correction's `entry_id`, a reversal's own `id`).
 */
const payablePostingsOf = (alias: 'pe' | 'c' | 'r', entryColumn: 'entry_id' | 'id' = 'entry_id') => sql.raw(`LEFT JOIN LATERAL (
      SELECT sum(p.amount) AS amount FROM loyalty_postings p
      JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id AND a.kind = 'partner_payable' AND a.customer_id IS NULL
      WHERE p.tenant_id = ${alias}.tenant_id AND p.entry_id = ${alias}.${entryColumn}
    ) pp ON true`);

/**
 * Per partner over [from, to): points earned and redeemed there, what was billed each way (points
 * and money, from the entries), and the sum of the partner's postings to partner_payable, which
 * is read from the ledger itself.
 */
export async function settlement(db: Executor, tenantId: string, from: Date, to: Date): Promise<Map<string, SettlementRow>> {
  const { rows } = await db.execute<Record<string, string>>(sql`
    SELECT pe.partner_id,
      coalesce(sum(pe.points) FILTER (WHERE pe.direction = 'earn'), 0) AS earned_points,
      coalesce(sum(pe.points) FILTER (WHERE pe.direction = 'redeem'), 0) AS redeemed_points,
      coalesce(sum(pe.points) FILTER (WHERE pe.direction = 'earn' AND pe.billed), 0) AS partner_owes_points,
      coalesce(sum(pe.amount_minor) FILTER (WHERE pe.direction = 'earn'), 0)::text AS partner_owes_minor,
      coalesce(sum(pe.points) FILTER (WHERE pe.direction = 'redeem' AND pe.billed), 0) AS workspace_owes_points,
      coalesce(sum(pe.amount_minor) FILTER (WHERE pe.direction = 'redeem'), 0)::text AS workspace_owes_minor,
      coalesce(sum(pp.amount), 0) AS ledger_points
    FROM loyalty_partner_entries pe
    ${payablePostingsOf('pe')}
    WHERE pe.tenant_id = ${tenantId} AND pe.created_at >= ${from.toISOString()}::timestamptz AND pe.created_at < ${to.toISOString()}::timestamptz
    GROUP BY pe.partner_id`);
  const lines = new Map(rows.map((r) => [r.partner_id!, {
    partnerId: r.partner_id!,
    earnedPoints: Number(r.earned_points), redeemedPoints: Number(r.redeemed_points),
    partnerOwesPoints: Number(r.partner_owes_points), partnerOwesMinor: BigInt(r.partner_owes_minor!),
    workspaceOwesPoints: Number(r.workspace_owes_points), workspaceOwesMinor: BigInt(r.workspace_owes_minor!),
    ledgerPoints: Number(r.ledger_points),
    corrections: { count: 0, partnerOwesPoints: 0, partnerOwesMinor: 0n, workspaceOwesPoints: 0, workspaceOwesMinor: 0n },
    cancellations: { count: 0, points: 0, minor: 0n },
  }]));
  // Staff corrections in the period count in what each side owes, and their postings in the ledger's sum.
  const { rows: corrected } = await db.execute<Record<string, string>>(sql`
    SELECT c.partner_id, count(*) AS count,
      coalesce(sum(c.points) FILTER (WHERE c.side = 'partner_owes'), 0) AS partner_owes_points,
      coalesce(sum(c.amount_minor) FILTER (WHERE c.side = 'partner_owes'), 0)::text AS partner_owes_minor,
      coalesce(sum(c.points) FILTER (WHERE c.side = 'workspace_owes'), 0) AS workspace_owes_points,
      coalesce(sum(c.amount_minor) FILTER (WHERE c.side = 'workspace_owes'), 0)::text AS workspace_owes_minor,
      coalesce(sum(pp.amount), 0) AS ledger_points
    FROM loyalty_partner_corrections c
    ${payablePostingsOf('c')}
    WHERE c.tenant_id = ${tenantId} AND c.created_at >= ${from.toISOString()}::timestamptz AND c.created_at < ${to.toISOString()}::timestamptz
    GROUP BY c.partner_id`);
  for (const r of corrected) {
    const line = lines.get(r.partner_id!) ?? {
      partnerId: r.partner_id!, earnedPoints: 0, redeemedPoints: 0, partnerOwesPoints: 0, partnerOwesMinor: 0n, workspaceOwesPoints: 0, workspaceOwesMinor: 0n,
      ledgerPoints: 0, corrections: { count: 0, partnerOwesPoints: 0, partnerOwesMinor: 0n, workspaceOwesPoints: 0, workspaceOwesMinor: 0n },
      cancellations: { count: 0, points: 0, minor: 0n },
    };
    line.corrections = {
      count: Number(r.count), partnerOwesPoints: Number(r.partner_owes_points), partnerOwesMinor: BigInt(r.partner_owes_minor!),
      workspaceOwesPoints: Number(r.workspace_owes_points), workspaceOwesMinor: BigInt(r.workspace_owes_minor!),
    };
    line.partnerOwesPoints += line.corrections.partnerOwesPoints;
    line.partnerOwesMinor += line.corrections.partnerOwesMinor;
    line.workspaceOwesPoints += line.corrections.workspaceOwesPoints;
    line.workspaceOwesMinor += line.corrections.workspaceOwesMinor;
    line.ledgerPoints += Number(r.ledger_points);
    lines.set(line.partnerId, line);
  }
  // Billed redemptions cancelled in the period (their reversal entries, which give back the bill at
  // the redemption's own price): a line of their own, taken off what the workspace owes, and the
  // reversals' postings in the ledger's sum. A cancellation is refused once its redemption's month
  // has ended, so both fall in the same period; read from the period's partner entries (indexed).
  const { rows: cancelled } = await db.execute<Record<string, string>>(sql`
    SELECT pe.partner_id, count(*) AS count, coalesce(sum(pe.points), 0) AS points, coalesce(sum(pe.amount_minor), 0)::text AS minor,
      coalesce(sum(pp.amount), 0) AS ledger_points
    FROM loyalty_partner_entries pe
    JOIN loyalty_entries r ON r.tenant_id = pe.tenant_id AND r.reverses_entry_id = pe.entry_id
    ${payablePostingsOf('r', 'id')}
    WHERE pe.tenant_id = ${tenantId} AND pe.created_at >= ${from.toISOString()}::timestamptz AND pe.created_at < ${to.toISOString()}::timestamptz
      AND pe.direction = 'redeem' AND pe.billed
      AND r.created_at >= ${from.toISOString()}::timestamptz AND r.created_at < ${to.toISOString()}::timestamptz
    GROUP BY pe.partner_id`);
  for (const r of cancelled) {
    const line = lines.get(r.partner_id!);
    // A cancellation is booked in its redemption's month (a later one is refused), so the line exists.
    if (!line) continue;
    line.cancellations = { count: Number(r.count), points: Number(r.points), minor: BigInt(r.minor!) };
    line.workspaceOwesPoints -= line.cancellations.points;
    line.workspaceOwesMinor -= line.cancellations.minor;
    line.ledgerPoints += Number(r.ledger_points);
  }
  return lines;
}

/** What each side owes for a partner over all time, in points: billed entries and corrections. */
export async function owedAllTime(db: Executor, tenantId: string, partnerId: string): Promise<{ partnerOwes: number; workspaceOwes: number }> {
  const { rows } = await db.execute<{ partner_owes: string; workspace_owes: string }>(sql`
    SELECT
      (SELECT coalesce(sum(points) FILTER (WHERE direction = 'earn' AND billed), 0) FROM loyalty_partner_entries WHERE tenant_id = ${tenantId} AND partner_id = ${partnerId})
      + (SELECT coalesce(sum(points) FILTER (WHERE side = 'partner_owes'), 0) FROM loyalty_partner_corrections WHERE tenant_id = ${tenantId} AND partner_id = ${partnerId}) AS partner_owes,
      (SELECT coalesce(sum(points) FILTER (WHERE direction = 'redeem' AND billed), 0) FROM loyalty_partner_entries WHERE tenant_id = ${tenantId} AND partner_id = ${partnerId})
      + (SELECT coalesce(sum(points) FILTER (WHERE side = 'workspace_owes'), 0) FROM loyalty_partner_corrections WHERE tenant_id = ${tenantId} AND partner_id = ${partnerId})
      - (SELECT coalesce(sum(pe.points), 0) FROM loyalty_partner_entries pe
         WHERE pe.tenant_id = ${tenantId} AND pe.partner_id = ${partnerId} AND pe.direction = 'redeem' AND pe.billed
           AND EXISTS (SELECT 1 FROM loyalty_entries r WHERE r.tenant_id = pe.tenant_id AND r.reverses_entry_id = pe.entry_id)) AS workspace_owes`);
  return { partnerOwes: Number(rows[0]!.partner_owes), workspaceOwes: Number(rows[0]!.workspace_owes) };
}

/**
 * Books a correction: a system `adjust` entry (no member) moving partner_payable against its
 * counter account, and the correction's row, in one statement. Nothing when the key is taken.
 */
export async function bookCorrection(tx: Executor, c: {
  tenantId: string; idempotencyKey: string; partnerId: string; side: 'partner_owes' | 'workspace_owes'; points: number; payable: number;
  counter: 'issuance' | 'redemptions'; pricePerPointMinor: string; amountMinor: string; currency: string; reason: string; source: string; at: Date;
}): Promise<number | undefined> {
  const at = c.at.toISOString();
  // The workspace's system accounts exist from its first member on; a correction may come first.
  await tx.execute(sql`INSERT INTO loyalty_accounts (tenant_id, kind, customer_id) VALUES (${c.tenantId}, 'partner_payable', NULL), (${c.tenantId}, ${c.counter}, NULL) ON CONFLICT DO NOTHING`);
  const { rows } = await tx.execute<{ entry_id: string | null; posted: string }>(sql`
    WITH entry AS (
      INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, external_id, reason, source, created_at)
      VALUES (${c.tenantId}, 'adjust', ${c.idempotencyKey}, NULL, NULL, ${c.reason}, ${c.source}, ${at}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING id
    ), postings AS (
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT ${c.tenantId}::uuid, entry.id, a.id, CASE a.kind WHEN 'partner_payable' THEN ${c.payable}::bigint ELSE -${c.payable}::bigint END
      FROM entry JOIN loyalty_accounts a ON a.tenant_id = ${c.tenantId} AND a.customer_id IS NULL AND a.kind IN ('partner_payable', ${c.counter})
      RETURNING 1
    ), correction AS (
      INSERT INTO loyalty_partner_corrections (tenant_id, entry_id, partner_id, side, points, price_per_point_minor, amount_minor, currency, reason, created_at)
      SELECT ${c.tenantId}::uuid, entry.id, ${c.partnerId}::uuid, ${c.side}, ${c.points}::bigint, ${c.pricePerPointMinor}::numeric, ${c.amountMinor}::numeric,
             ${c.currency}, ${c.reason}, ${at}::timestamptz FROM entry
    )
    SELECT (SELECT id FROM entry) AS entry_id, (SELECT count(*) FROM postings) AS posted`);
  const row = rows[0]!;
  if (row.entry_id === null) return undefined;
  if (Number(row.posted) !== 2) throw new Error(`partner correction ${row.entry_id}: 2 postings, ${row.posted} accounts found`);
  return Number(row.entry_id);
}

/** A partner's corrections, newest first (with who wrote each). */
export async function listCorrections(db: Executor, tenantId: string, partnerId: string, entryId?: number): Promise<PartnerCorrectionRow[]> {
  const { rows } = await db.execute<Record<string, string>>(sql`
    SELECT c.entry_id, c.partner_id, c.side, c.points, c.price_per_point_minor, c.amount_minor, c.currency, c.reason, c.created_at, e.source
    FROM loyalty_partner_corrections c JOIN loyalty_entries e ON e.tenant_id = c.tenant_id AND e.id = c.entry_id
    WHERE c.tenant_id = ${tenantId} AND c.partner_id = ${partnerId} ${entryId === undefined ? sql`` : sql`AND c.entry_id = ${entryId}`}
    ORDER BY c.entry_id DESC LIMIT 200`);
  return rows.map((r) => ({
    tenantId, entryId: Number(r.entry_id), partnerId: r.partner_id!, side: r.side!, points: Number(r.points), pricePerPointMinor: String(r.price_per_point_minor),
    amountMinor: String(r.amount_minor), currency: String(r.currency).trim(), reason: r.reason!, createdAt: new Date(r.created_at!), source: r.source!,
  }));
}
