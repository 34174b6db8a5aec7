// SQL of the points ledger. Entries, postings, draws and accounts are only ever inserted (the
// database refuses anything else); a lot's `remaining` and a member's cached balances change only
// with the postings and draws that explain them, in the same statement.
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { drawsOnLots, postingsByHolder } from './entry-sql.ts';
import { customers } from '../customers/index.ts';
import { MEMBER_ACCOUNT_KINDS, SYSTEM_ACCOUNT_KINDS, type AccountKind, type EntryKind } from './ledger.schema.ts';

export interface Balances {
  available: number;
  pending: number;
  qualifying: number;
}

export interface CustomerStanding {
  mergedInto: string | null;
  erasedAt: Date | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
// Raw statements hand back timestamptz as text (drizzle leaves them unparsed), whatever the row type says.
const instant = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export interface LockedMember extends Balances, CustomerStanding {
  customerId: string;
  /** pending lots past their pending period, not yet unlocked */
  dueUnlock: boolean;
  /** open lots past their expiry, not yet expired */
  dueExpiry: boolean;
}

/**
 * Locks the member's row (the lock every change to its balances and lots takes first) and says
 * where its customer stands and whether any of its lots are due to unlock or expire, in one
 * round trip. Undefined: not a member yet. (The due flags may be a moment stale after waiting
 * for the lock; they only bring the due work forward, and a spend never draws on a lot past its
 * expiry whatever they say.)
 */
export async function lockMember(tx: Executor, tenantId: string, customerId: string, now: Date): Promise<LockedMember | undefined> {
  const { rows } = await tx.execute<{
    customer_id: string; available: number; pending: number; qualifying: number; due_unlock: boolean; due_expiry: boolean;
    merged_into: string | null; erased_at: string | null;
  }>(sql`
    SELECT m.customer_id, m.available, m.pending, m.qualifying,
      -- The member row's own marks first: after waiting for a merge's or an erasure's lock this row is
      -- read as they left it, the customer's row as it was when the statement began.
      coalesce(m.merged_into, c.merged_into) AS merged_into, coalesce(m.erased_at, c.erased_at) AS erased_at,
      EXISTS (SELECT 1 FROM loyalty_lots l WHERE l.tenant_id = m.tenant_id AND l.customer_id = m.customer_id AND l.remaining > 0
              AND l.pending_until <= ${now.toISOString()}::timestamptz AND l.unlocked_at IS NULL) AS due_unlock,
      EXISTS (SELECT 1 FROM loyalty_lots l WHERE l.tenant_id = m.tenant_id AND l.customer_id = m.customer_id AND l.remaining > 0
              AND l.expires_at <= ${now.toISOString()}::timestamptz) AS due_expiry
    FROM loyalty_members m JOIN ${customers} c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id
    WHERE m.tenant_id = ${tenantId} AND m.customer_id = ${customerId}
    FOR NO KEY UPDATE OF m`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    customerId: row.customer_id, available: Number(row.available), pending: Number(row.pending), qualifying: Number(row.qualifying),
    dueUnlock: row.due_unlock, dueExpiry: row.due_expiry, mergedInto: row.merged_into, erasedAt: instant(row.erased_at),
  };
}

/** Locks members in one order (customer id), so two runs over overlapping members cannot deadlock. */
export async function lockMembers(tx: Executor, tenantId: string, customerIds: string[]): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const { rows } = await tx.execute<{ customer_id: string }>(sql`
    SELECT customer_id FROM loyalty_members
    WHERE tenant_id = ${tenantId} AND customer_id = ANY(${sql.param(customerIds)}::uuid[])
    ORDER BY customer_id FOR NO KEY UPDATE`);
  return rows.map((r) => r.customer_id);
}

/** The customer in this workspace, merged or erased or neither; undefined when there is none. */
export async function customerStanding(db: Executor, tenantId: string, customerId: string): Promise<CustomerStanding | undefined> {
  const [row] = await db
    .select({ mergedInto: customers.mergedInto, erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  return row;
}

/**
 * Makes the customer a member: the balance row, its three accounts, and the workspace's system
 * accounts if this is the workspace's first member (all in the caller's transaction, so they
 * exist exactly when a committed entry can point at them). A concurrent opening of the same
 * member waits on the unique keys and then does nothing.
 */
export async function openMember(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await openMembers(tx, tenantId, [customerId]);
}

/** openMember for many (an order batch): the balance rows, their accounts and the workspace's system accounts, in one statement. */
export async function openMembers(tx: Executor, tenantId: string, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.execute(sql`
    WITH member AS (
      INSERT INTO loyalty_members (tenant_id, customer_id)
      SELECT ${tenantId}::uuid, id FROM unnest(${sql.param([...customerIds].sort())}::uuid[]) AS id
      ON CONFLICT DO NOTHING RETURNING customer_id
    )
    INSERT INTO loyalty_accounts (tenant_id, kind, customer_id)
    SELECT * FROM (
      SELECT ${tenantId}::uuid, kind, NULL::uuid FROM unnest(${sql.param([...SYSTEM_ACCOUNT_KINDS])}::text[]) AS kind
      UNION ALL
      SELECT ${tenantId}::uuid, kind, member.customer_id FROM member CROSS JOIN unnest(${sql.param([...MEMBER_ACCOUNT_KINDS])}::text[]) AS kind
    ) accounts
    ON CONFLICT DO NOTHING`);
}

export interface NewEntry {
  tenantId: string;
  kind: EntryKind;
  idempotencyKey: string;
  customerId: string | null;
  externalId: string | null;
  reason: string | null;
  source: string;
  reversesEntryId?: number | null;
  at: Date;
}

export interface Posting {
  account: AccountKind;
  /** the member, for member accounts */
  customerId: string | null;
  amount: number;
}

export interface Draw {
  lotId: number;
  /** taken from the lot; negative: given back */
  amount: number;
}

export interface NewLot {
  amount: number;
  expiresAt: Date | null;
  pendingUntil: Date | null;
}

export interface Booking {
  /** written with the booking unless its key is taken (then nothing is written) */
  entry: NewEntry;
  customerId: string;
  postings: Posting[];
  draws?: Draw[];
  lot?: NewLot;
  /** what the postings do to the member's cached balances */
  delta: Balances;
}

/**
 * Books an entry in one statement: the entry (unless its idempotency key is taken in the
 * workspace: then nothing at all is written and `entryId` is undefined), its postings (account
 * ids found by kind and member through the unique keys, no lock taken on any account), its draws
 * with the lots' `remaining`, the lot it credits, and the member's cached balances. The postings'
 * balance per unit is checked by the database at commit.
 */
export async function bookEntry(tx: Executor, booking: Booking): Promise<{ entryId: number | undefined; lotId: number | null }> {
  const { entry, customerId, postings, draws = [], lot, delta } = booking;
  const { tenantId } = entry;
  const at = entry.at.toISOString();
  const { rows } = await tx.execute<{ entry_id: number | null; posted: number; drawn: number; lot_id: number | null }>(sql`
    WITH entry AS (
      INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, external_id, reason, source, reverses_entry_id, created_at)
      VALUES (${tenantId}, ${entry.kind}, ${entry.idempotencyKey}, ${entry.customerId}, ${entry.externalId}, ${entry.reason}, ${entry.source},
              ${entry.reversesEntryId ?? null}::bigint, ${at}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING id
    ), ${postingsByHolder(tenantId, postings)}, ${drawsOnLots(tenantId, customerId, draws)}, new_lot AS (
      INSERT INTO loyalty_lots (tenant_id, customer_id, entry_id, amount, remaining, expires_at, pending_until, created_at)
      SELECT ${tenantId}::uuid, ${customerId}::uuid, entry.id, n.amount, n.amount, ${iso(lot?.expiresAt)}::timestamptz, ${iso(lot?.pendingUntil)}::timestamptz, ${at}::timestamptz
      FROM entry CROSS JOIN (SELECT ${lot?.amount ?? 0}::bigint AS amount) n WHERE n.amount > 0
      RETURNING id
    ), member AS (
      UPDATE loyalty_members SET available = available + ${delta.available}, pending = pending + ${delta.pending},
        qualifying = qualifying + ${delta.qualifying}, updated_at = ${at}::timestamptz
      WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND EXISTS (SELECT 1 FROM entry)
    )
    SELECT (SELECT id FROM entry) AS entry_id, (SELECT count(*) FROM postings) AS posted, (SELECT count(*) FROM drawn) AS drawn, (SELECT id FROM new_lot) AS lot_id`);
  const row = rows[0]!;
  if (row.entry_id === null) return { entryId: undefined, lotId: null };
  // A posting to an account that does not exist, or a draw on another member's lot, is a bug here: fail loudly.
  if (Number(row.posted) !== postings.length) throw new Error(`entry ${row.entry_id}: ${postings.length} postings, ${row.posted} accounts found`);
  if (Number(row.drawn) !== draws.length) throw new Error(`entry ${row.entry_id}: ${draws.length} draws, ${row.drawn} lots found`);
  return { entryId: Number(row.entry_id), lotId: row.lot_id === null ? null : Number(row.lot_id) };
}

export interface OpenLot {
  id: number;
  remaining: number;
  expiresAt: Date | null;
}

/** The member's spendable lots in spending order: soonest expiry first, never-expiring last, then oldest. Call with the member locked. */
export async function spendableLots(tx: Executor, tenantId: string, customerId: string, now: Date): Promise<OpenLot[]> {
  const { rows } = await tx.execute<{ id: number; remaining: number; expires_at: Date | null }>(sql`
    SELECT id, remaining, expires_at FROM loyalty_lots
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND remaining > 0
      AND (pending_until IS NULL OR unlocked_at IS NOT NULL)
      AND (expires_at IS NULL OR expires_at > ${now.toISOString()}::timestamptz)
    ORDER BY expires_at ASC NULLS LAST, id`);
  return rows.map((r) => ({ id: Number(r.id), remaining: Number(r.remaining), expiresAt: instant(r.expires_at) }));
}

export interface EntryRow {
  id: number;
  kind: EntryKind;
  customerId: string | null;
  externalId: string | null;
  reason: string | null;
  source: string;
  reversesEntryId: number | null;
  reversedByEntryId: number | null;
  createdAt: Date;
  /** what it did to its member's balances */
  delta: Balances;
}

type EntrySqlRow = {
  id: number;
  kind: EntryKind;
  customer_id: string | null;
  external_id: string | null;
  reason: string | null;
  source: string;
  reverses_entry_id: number | null;
  reversed_by: number | null;
  created_at: Date;
  available: number;
  pending: number;
  qualifying: number;
};

const entryRow = (r: EntrySqlRow): EntryRow => ({
  id: Number(r.id),
  kind: r.kind,
  customerId: r.customer_id,
  externalId: r.external_id,
  reason: r.reason,
  source: r.source,
  reversesEntryId: r.reverses_entry_id === null ? null : Number(r.reverses_entry_id),
  reversedByEntryId: r.reversed_by === null ? null : Number(r.reversed_by),
  createdAt: instant(r.created_at)!,
  delta: { available: Number(r.available), pending: Number(r.pending), qualifying: Number(r.qualifying) },
});

/**
 * Entries with their member deltas (the postings to the entry's member's own accounts, or to the
 * `viewer`'s: a transfer's receiver sees what it received) and their reversal, if any.
 */
const entrySelect = (tenantId: string, viewer?: string) => sql`
  SELECT e.id, e.kind, e.customer_id, e.external_id, e.reason, e.source, e.reverses_entry_id, e.created_at,
    (SELECT r.id FROM loyalty_entries r WHERE r.tenant_id = e.tenant_id AND r.reverses_entry_id = e.id) AS reversed_by,
    coalesce(d.available, 0) AS available, coalesce(d.pending, 0) AS pending, coalesce(d.qualifying, 0) AS qualifying
  FROM loyalty_entries e
  LEFT JOIN LATERAL (
    SELECT sum(p.amount) FILTER (WHERE a.kind = 'available') AS available, sum(p.amount) FILTER (WHERE a.kind = 'pending') AS pending,
           sum(p.amount) FILTER (WHERE a.kind = 'qualifying') AS qualifying
    FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND a.customer_id = ${viewer === undefined ? sql`e.customer_id` : sql`${viewer}::uuid`}
  ) d ON true
  WHERE e.tenant_id = ${tenantId}`;

export async function findEntry(db: Executor, tenantId: string, id: number): Promise<EntryRow | undefined> {
  const { rows } = await db.execute<EntrySqlRow>(sql`${entrySelect(tenantId)} AND e.id = ${id}`);
  return rows[0] ? entryRow(rows[0]) : undefined;
}

export async function findEntryByKey(db: Executor, tenantId: string, idempotencyKey: string): Promise<EntryRow | undefined> {
  const { rows } = await db.execute<EntrySqlRow>(sql`${entrySelect(tenantId)} AND e.idempotency_key = ${idempotencyKey}`);
  return rows[0] ? entryRow(rows[0]) : undefined;
}

/**
 * A page of the member's history, newest first; keyset on the entry id. The member's own entries,
 * and the transfers it received (another member's entries crediting its available account, found
 * through its postings), each page at most `limit` of each, merged.
 */
export async function memberEntries(db: Executor, tenantId: string, customerId: string, before: number | undefined, limit: number): Promise<EntryRow[]> {
  const { rows } = await db.execute<EntrySqlRow>(sql`
    ${entrySelect(tenantId, customerId)} AND e.id IN (
      (SELECT id FROM loyalty_entries WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} ${before === undefined ? sql`` : sql`AND id < ${before}`}
        ORDER BY id DESC LIMIT ${limit})
      UNION ALL
      (SELECT p.entry_id FROM loyalty_accounts a
        JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
        JOIN loyalty_entries r ON r.tenant_id = p.tenant_id AND r.id = p.entry_id
        WHERE a.tenant_id = ${tenantId} AND a.customer_id = ${customerId} AND a.kind = 'available' AND p.amount > 0
          AND r.kind = 'transfer' AND r.customer_id <> ${customerId} ${before === undefined ? sql`` : sql`AND p.entry_id < ${before}`}
        ORDER BY p.entry_id DESC LIMIT ${limit}))
    ORDER BY e.id DESC LIMIT ${limit}`);
  return rows.map(entryRow);
}

export interface PostingRow {
  account: AccountKind;
  customerId: string | null;
  unit: 'points' | 'qualifying';
  amount: number;
}

export async function postingsOf(db: Executor, tenantId: string, entryId: number): Promise<PostingRow[]> {
  const { rows } = await db.execute<{ kind: AccountKind; customer_id: string | null; unit: 'points' | 'qualifying'; amount: number }>(sql`
    SELECT a.kind, a.customer_id, a.unit, p.amount
    FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = ${tenantId} AND p.entry_id = ${entryId}
    ORDER BY a.unit, p.amount, a.kind`);
  return rows.map((r) => ({ account: r.kind, customerId: r.customer_id, unit: r.unit, amount: Number(r.amount) }));
}

export async function drawsOf(db: Executor, tenantId: string, entryId: number): Promise<(Draw & { expiresAt: Date | null })[]> {
  const { rows } = await db.execute<{ lot_id: number; amount: number; expires_at: Date | null }>(sql`
    SELECT d.lot_id, d.amount, l.expires_at
    FROM loyalty_draws d JOIN loyalty_lots l ON l.tenant_id = d.tenant_id AND l.id = d.lot_id
    WHERE d.tenant_id = ${tenantId} AND d.entry_id = ${entryId}
    ORDER BY l.expires_at ASC NULLS LAST, d.lot_id`);
  return rows.map((r) => ({ lotId: Number(r.lot_id), amount: Number(r.amount), expiresAt: instant(r.expires_at) }));
}

export interface LotRow {
  id: number;
  amount: number;
  remaining: number;
  expiresAt: Date | null;
  pendingUntil: Date | null;
  unlockedAt: Date | null;
}

/** The lot an entry credited (an earn), if any. */
export async function lotOfEntry(db: Executor, tenantId: string, entryId: number): Promise<LotRow | undefined> {
  const { rows } = await db.execute<{ id: number; amount: number; remaining: number; expires_at: Date | null; pending_until: Date | null; unlocked_at: Date | null }>(sql`
    SELECT id, amount, remaining, expires_at, pending_until, unlocked_at FROM loyalty_lots WHERE tenant_id = ${tenantId} AND entry_id = ${entryId}`);
  const r = rows[0];
  return r
    ? { id: Number(r.id), amount: Number(r.amount), remaining: Number(r.remaining), expiresAt: instant(r.expires_at), pendingUntil: instant(r.pending_until), unlockedAt: instant(r.unlocked_at) }
    : undefined;
}

export async function memberBalances(db: Executor, tenantId: string, customerId: string): Promise<Balances | undefined> {
  const { rows } = await db.execute<{ available: number; pending: number; qualifying: number }>(sql`
    SELECT available, pending, qualifying FROM loyalty_members WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
  const r = rows[0];
  return r ? { available: Number(r.available), pending: Number(r.pending), qualifying: Number(r.qualifying) } : undefined;
}

/** What the due work did to one member. */
export interface SettledMember {
  entryId: number;
  customerId: string;
  points: number;
  lots: number;
}

/**
 * Unlocks the pending lots of these (locked) members whose pending period is over: one `unlock`
 * entry per member moving the points from pending to available. Set-based: one statement.
 */
export async function unlockDueLots(tx: Executor, tenantId: string, customerIds: string[], now: Date, run: string, source: string): Promise<SettledMember[]> {
  if (customerIds.length === 0) return [];
  const at = now.toISOString();
  const { rows } = await tx.execute<{ entry_id: number; customer_id: string; points: number; lots: number }>(sql`
    WITH due AS (
      UPDATE loyalty_lots SET unlocked_at = ${at}::timestamptz
      WHERE tenant_id = ${tenantId} AND customer_id = ANY(${sql.param(customerIds)}::uuid[]) AND remaining > 0
        AND pending_until <= ${at}::timestamptz AND unlocked_at IS NULL
      RETURNING customer_id, remaining
    ), per_member AS (
      SELECT customer_id, sum(remaining) AS points, count(*) AS lots FROM due GROUP BY customer_id
    ), entries AS (
      INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, reason, source, created_at)
      SELECT ${tenantId}::uuid, 'unlock', 'unlock:' || ${run}::text || ':' || customer_id, customer_id, NULL, ${source}, ${at}::timestamptz FROM per_member
      RETURNING id, customer_id
    ), postings AS (
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT ${tenantId}::uuid, e.id, a.id, CASE a.kind WHEN 'pending' THEN -p.points ELSE p.points END
      FROM entries e JOIN per_member p USING (customer_id)
      JOIN loyalty_accounts a ON a.tenant_id = ${tenantId} AND a.customer_id = e.customer_id AND a.kind IN ('pending', 'available')
    ), balances AS (
      UPDATE loyalty_members m SET pending = m.pending - p.points, available = m.available + p.points, updated_at = ${at}::timestamptz
      FROM per_member p WHERE m.tenant_id = ${tenantId} AND m.customer_id = p.customer_id
    )
    SELECT e.id AS entry_id, e.customer_id, p.points, p.lots FROM entries e JOIN per_member p USING (customer_id)`);
  return rows.map((r) => ({ entryId: Number(r.entry_id), customerId: r.customer_id, points: Number(r.points), lots: Number(r.lots) }));
}

/**
 * Expires what is left of the (locked) members' lots past their expiry: one `expire` entry per
 * member moving the points from available to breakage, with a draw per lot. Two statements: the
 * due lots are read first, then written by their keys with everything else in one statement.
 * (In one statement the planner saw the lots only as a join: it scanned every lot of the
 * workspace while the table was small, and, told the keys, guessed one row and joined the
 * batch's entries and members by nested loops; the lots as parameters give it their count.)
 * The members are locked, so the lots read cannot change before they are written. A lot already
 * expired has nothing left, so a second run finds nothing to expire.
 */
export async function expireDueLots(tx: Executor, tenantId: string, customerIds: string[], now: Date, run: string, source: string): Promise<SettledMember[]> {
  if (customerIds.length === 0) return [];
  const at = now.toISOString();
  const { rows: due } = await tx.execute<{ id: number; customer_id: string; remaining: number }>(sql`
    SELECT id, customer_id, remaining FROM loyalty_lots
    WHERE tenant_id = ${tenantId} AND customer_id = ANY(${sql.param(customerIds)}::uuid[]) AND remaining > 0
      AND expires_at <= ${at}::timestamptz AND (pending_until IS NULL OR unlocked_at IS NOT NULL)`);
  if (due.length === 0) return [];
  const ids = due.map((d) => Number(d.id));
  const { rows } = await tx.execute<{ entry_id: number; customer_id: string; points: number; lots: number; taken: number }>(sql`
    WITH due AS (
      SELECT * FROM unnest(${sql.param(ids)}::bigint[], ${sql.param(due.map((d) => d.customer_id))}::uuid[], ${sql.param(due.map((d) => Number(d.remaining)))}::bigint[])
        AS d(lot_id, customer_id, taken)
    ), taken AS (
      UPDATE loyalty_lots SET remaining = 0
      WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::bigint[]) AND remaining > 0
      RETURNING id
    ), per_member AS (
      SELECT customer_id, sum(taken) AS points, count(*) AS lots FROM due GROUP BY customer_id
    ), entries AS (
      INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, reason, source, created_at)
      SELECT ${tenantId}::uuid, 'expire', 'expire:' || ${run}::text || ':' || customer_id, customer_id, NULL, ${source}, ${at}::timestamptz FROM per_member
      RETURNING id, customer_id
    ), postings AS (
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT ${tenantId}::uuid, e.id, x.account_id, x.amount
      FROM entries e JOIN per_member p USING (customer_id)
      CROSS JOIN LATERAL (
        SELECT id AS account_id, -p.points AS amount FROM loyalty_accounts WHERE tenant_id = ${tenantId} AND customer_id = e.customer_id AND kind = 'available'
        UNION ALL
        SELECT id, p.points FROM loyalty_accounts WHERE tenant_id = ${tenantId} AND customer_id IS NULL AND kind = 'breakage'
      ) x
    ), draws AS (
      INSERT INTO loyalty_draws (tenant_id, entry_id, lot_id, amount)
      SELECT ${tenantId}::uuid, e.id, d.lot_id, d.taken FROM due d JOIN entries e USING (customer_id)
    ), balances AS (
      UPDATE loyalty_members m SET available = m.available - p.points, updated_at = ${at}::timestamptz
      FROM per_member p WHERE m.tenant_id = ${tenantId} AND m.customer_id = p.customer_id
    )
    SELECT e.id AS entry_id, e.customer_id, p.points, p.lots, (SELECT count(*) FROM taken) AS taken FROM entries e JOIN per_member p USING (customer_id)`);
  // The lots were read under their members' locks: each must still have been there to take.
  if (Number(rows[0]?.taken ?? 0) !== ids.length) throw new Error(`expiry: ${ids.length} lots due, ${rows[0]?.taken ?? 0} taken`);
  return rows.map((r) => ({ entryId: Number(r.entry_id), customerId: r.customer_id, points: Number(r.points), lots: Number(r.lots) }));
}

/**
 * One of `of` disjoint shares of a workspace's members (by a hash of the customer id), so that
 * several connections can settle due work at once without meeting on a member.
 */
export interface DueLane {
  index: number;
  of: number;
}

const inLane = (lane: DueLane | undefined) =>
  lane === undefined || lane.of <= 1 ? sql`` : sql`AND (hashtext(customer_id::text) & 2147483647) % ${lane.of}::int = ${lane.index}::int`;

/**
 * Members with due work (pending lots to unlock, lots to expire), found through the partial
 * indexes on the due instants, at most `limit` lots of each kind deep; in one lane, only its members.
 */
export async function membersWithDueLots(db: Executor, tenantId: string, now: Date, limit: number, lane?: DueLane): Promise<string[]> {
  const at = now.toISOString();
  const { rows } = await db.execute<{ customer_id: string }>(sql`
    SELECT DISTINCT customer_id FROM (
      (SELECT customer_id FROM loyalty_lots WHERE tenant_id = ${tenantId} AND remaining > 0 AND expires_at IS NOT NULL
         AND expires_at <= ${at}::timestamptz ${inLane(lane)} ORDER BY expires_at LIMIT ${limit})
      UNION ALL
      (SELECT customer_id FROM loyalty_lots WHERE tenant_id = ${tenantId} AND remaining > 0 AND pending_until IS NOT NULL AND unlocked_at IS NULL
         AND pending_until <= ${at}::timestamptz ${inLane(lane)} ORDER BY pending_until LIMIT ${limit})
    ) due`);
  return rows.map((r) => r.customer_id);
}

/**
 * Runs of due work for one workspace take turns: the second waits, then finds nothing left to do.
 * A run in lanes holds the workspace's key shared and its lane's key alone, so the lanes of one
 * run go side by side while a whole-workspace run (the API's) still waits for them, and they for it.
 */
export async function lockDueWork(tx: Executor, tenantId: string, lane?: DueLane): Promise<void> {
  const key = `loyalty.due-work:${tenantId}`;
  if (lane === undefined || lane.of <= 1) {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    return;
  }
  await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(hashtextextended(${key}, 0)), pg_advisory_xact_lock(hashtextextended(${`${key}:${lane.index}/${lane.of}`}, 0))`);
}

/**
 * Workspaces with any lot due now (for the hourly job): each workspace's soonest due instant read
 * from the due-instant indexes (ORDER BY … LIMIT 1). A bare EXISTS let the planner scan the lots
 * table for a first match, which reads every lot when a workspace has none due (seen at
 * 10,000,000 lots, bench/loyalty-scale.bench.ts).
 */
export async function workspacesWithDueLots(db: Executor, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT w.id FROM workspaces w
    WHERE (SELECT l.expires_at FROM loyalty_lots l WHERE l.tenant_id = w.id AND l.remaining > 0 AND l.expires_at IS NOT NULL
             ORDER BY l.expires_at LIMIT 1) <= ${at}::timestamptz
       OR (SELECT l.pending_until FROM loyalty_lots l WHERE l.tenant_id = w.id AND l.remaining > 0 AND l.pending_until IS NOT NULL AND l.unlocked_at IS NULL
             ORDER BY l.pending_until LIMIT 1) <= ${at}::timestamptz`);
  return rows.map((r) => r.id);
}
