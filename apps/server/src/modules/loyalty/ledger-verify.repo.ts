// The ledger checked against itself, one workspace at a time. Each query is one pass over a
// table (grouped sums, hash joins), never a query per member or per entry.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';

/** Samples of each kind of drift are capped; the counts are not. */
export const DRIFT_SAMPLE = 100;

export interface BalanceDrift {
  customerId: string;
  cached: { available: number; pending: number; qualifying: number };
  posted: { available: number; pending: number; qualifying: number };
  inLots: { available: number; pending: number };
}

/**
 * Members whose cached balances differ from the sums of their accounts' postings, or from what
 * their open lots hold (pending lots for pending, the others for available).
 */
export async function balanceDrift(db: Executor, tenantId: string): Promise<{ count: number; sample: BalanceDrift[] }> {
  const { rows } = await db.execute<{
    customer_id: string; drifted: number; available: number; pending: number; qualifying: number;
    posted_available: number; posted_pending: number; posted_qualifying: number; lots_available: number; lots_pending: number;
  }>(sql`
    WITH per_account AS (
      SELECT account_id, sum(amount) AS balance FROM loyalty_postings WHERE tenant_id = ${tenantId} GROUP BY account_id
    ), posted AS (
      SELECT a.customer_id,
        coalesce(sum(p.balance) FILTER (WHERE a.kind = 'available'), 0) AS available,
        coalesce(sum(p.balance) FILTER (WHERE a.kind = 'pending'), 0) AS pending,
        coalesce(sum(p.balance) FILTER (WHERE a.kind = 'qualifying'), 0) AS qualifying
      FROM loyalty_accounts a JOIN per_account p ON p.account_id = a.id
      WHERE a.tenant_id = ${tenantId} AND a.customer_id IS NOT NULL GROUP BY a.customer_id
    ), in_lots AS (
      SELECT customer_id,
        coalesce(sum(remaining) FILTER (WHERE pending_until IS NULL OR unlocked_at IS NOT NULL), 0) AS available,
        coalesce(sum(remaining) FILTER (WHERE pending_until IS NOT NULL AND unlocked_at IS NULL), 0) AS pending
      FROM loyalty_lots WHERE tenant_id = ${tenantId} AND remaining > 0 GROUP BY customer_id
    ), compared AS (
      SELECT m.customer_id, m.available, m.pending, m.qualifying,
        coalesce(p.available, 0) AS posted_available, coalesce(p.pending, 0) AS posted_pending, coalesce(p.qualifying, 0) AS posted_qualifying,
        coalesce(l.available, 0) AS lots_available, coalesce(l.pending, 0) AS lots_pending
      FROM loyalty_members m LEFT JOIN posted p USING (customer_id) LEFT JOIN in_lots l USING (customer_id)
      WHERE m.tenant_id = ${tenantId}
    )
    SELECT *, count(*) OVER () AS drifted FROM compared
    WHERE available <> posted_available OR pending <> posted_pending OR qualifying <> posted_qualifying
       OR available <> lots_available OR pending <> lots_pending
    ORDER BY customer_id LIMIT ${DRIFT_SAMPLE}`);
  const n = (v: unknown) => Number(v ?? 0);
  return {
    count: n(rows[0]?.drifted),
    sample: rows.map((r) => ({
      customerId: r.customer_id,
      cached: { available: n(r.available), pending: n(r.pending), qualifying: n(r.qualifying) },
      posted: { available: n(r.posted_available), pending: n(r.posted_pending), qualifying: n(r.posted_qualifying) },
      inLots: { available: n(r.lots_available), pending: n(r.lots_pending) },
    })),
  };
}

/** The workspace accounts' balances (sums of their postings) and how much the ledger holds. */
export async function ledgerTotals(db: Executor, tenantId: string): Promise<{ systemBalances: Record<string, number>; members: number; entries: number; postings: number; lots: number }> {
  const { rows } = await db.execute<{ kind: string; balance: number }>(sql`
    SELECT a.kind, coalesce(sum(p.amount), 0) AS balance
    FROM loyalty_accounts a LEFT JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
    WHERE a.tenant_id = ${tenantId} AND a.customer_id IS NULL
    GROUP BY a.kind ORDER BY a.kind`);
  const { rows: [counts] } = await db.execute<{ members: number; entries: number; postings: number; lots: number }>(sql`
    SELECT (SELECT count(*) FROM loyalty_members WHERE tenant_id = ${tenantId}) AS members,
           (SELECT count(*) FROM loyalty_entries WHERE tenant_id = ${tenantId}) AS entries,
           (SELECT count(*) FROM loyalty_postings WHERE tenant_id = ${tenantId}) AS postings,
           (SELECT count(*) FROM loyalty_lots WHERE tenant_id = ${tenantId}) AS lots`);
  return {
    systemBalances: Object.fromEntries(rows.map((r) => [r.kind, Number(r.balance)])),
    members: Number(counts?.members ?? 0), entries: Number(counts?.entries ?? 0), postings: Number(counts?.postings ?? 0), lots: Number(counts?.lots ?? 0),
  };
}

export interface UnbalancedEntry {
  entryId: number;
  /** points | qualifying; `unknown account` for a posting to no account; `no postings` */
  unit: string;
  sum: number;
}

/** Entries whose postings do not sum to zero in each unit, that post to no known account, or that have no postings. */
export async function unbalancedEntries(db: Executor, tenantId: string): Promise<{ count: number; sample: UnbalancedEntry[] }> {
  const { rows } = await db.execute<{ entry_id: number; unit: string; total: number; found: number }>(sql`
    SELECT *, count(*) OVER () AS found FROM (
    SELECT p.entry_id, coalesce(a.unit, 'unknown account') AS unit, sum(p.amount) AS total
    FROM loyalty_postings p LEFT JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = ${tenantId}
    GROUP BY p.entry_id, a.unit
    HAVING sum(p.amount) <> 0 OR a.unit IS NULL
    UNION ALL
    SELECT e.id, 'no postings', 0 FROM loyalty_entries e
    WHERE e.tenant_id = ${tenantId} AND NOT EXISTS (SELECT 1 FROM loyalty_postings p WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id)
    ) problems
    ORDER BY entry_id LIMIT ${DRIFT_SAMPLE}`);
  return { count: Number(rows[0]?.found ?? 0), sample: rows.map((r) => ({ entryId: Number(r.entry_id), unit: r.unit, sum: Number(r.total) })) };
}

export interface LotDrift {
  lotId: number;
  customerId: string;
  remaining: number;
  expected: number;
}

/** Lots whose `remaining` is not their amount less their draws. */
export async function lotDrift(db: Executor, tenantId: string): Promise<{ count: number; sample: LotDrift[] }> {
  const { rows } = await db.execute<{ id: number; customer_id: string; remaining: number; expected: number; found: number }>(sql`
    SELECT l.id, l.customer_id, l.remaining, l.amount - coalesce(d.drawn, 0) AS expected, count(*) OVER () AS found
    FROM loyalty_lots l
    LEFT JOIN (SELECT lot_id, sum(amount) AS drawn FROM loyalty_draws WHERE tenant_id = ${tenantId} GROUP BY lot_id) d ON d.lot_id = l.id
    WHERE l.tenant_id = ${tenantId} AND l.remaining <> l.amount - coalesce(d.drawn, 0)
    ORDER BY l.id LIMIT ${DRIFT_SAMPLE}`);
  return {
    count: Number(rows[0]?.found ?? 0),
    sample: rows.map((r) => ({ lotId: Number(r.id), customerId: r.customer_id, remaining: Number(r.remaining), expected: Number(r.expected) })),
  };
}

export interface EntryLotMismatch {
  entryId: number;
  /** the entry's postings to member pending and available accounts */
  posted: number;
  /** the lots it credited less what it drew */
  lots: number;
}

/**
 * Entries whose spendable postings are not matched by lots: every point credited to a member's
 * pending or available account is in a lot it created, every point taken was drawn from lots.
 * (A spend "deducted from nothing" shows here.)
 */
export async function entryLotMismatch(db: Executor, tenantId: string): Promise<{ count: number; sample: EntryLotMismatch[] }> {
  // One aggregate over the three sources (a posting, a lot credited, a draw taken) rather than
  // three aggregates and two full joins of 10,000,000-row sides.
  const { rows } = await db.execute<{ entry_id: number; posted: number; lots: number; found: number }>(sql`
    SELECT entry_id, posted, lots, count(*) OVER () AS found FROM (
      SELECT entry_id, sum(posted) AS posted, sum(lots) AS lots FROM (
        SELECT p.entry_id, p.amount AS posted, 0 AS lots
        FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE p.tenant_id = ${tenantId} AND a.kind IN ('available', 'pending')
        UNION ALL
        SELECT entry_id, 0, amount FROM loyalty_lots WHERE tenant_id = ${tenantId}
        UNION ALL
        SELECT entry_id, 0, -amount FROM loyalty_draws WHERE tenant_id = ${tenantId}
      ) moved
      GROUP BY entry_id
    ) per_entry
    WHERE posted <> lots
    ORDER BY entry_id LIMIT ${DRIFT_SAMPLE}`);
  return { count: Number(rows[0]?.found ?? 0), sample: rows.map((r) => ({ entryId: Number(r.entry_id), posted: Number(r.posted), lots: Number(r.lots) })) };
}
