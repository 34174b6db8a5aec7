// The ledger checked against itself, one workspace at a time, in two passes: one grouped by
// entry (postings, lots, draws and entries read once together), one grouped by account and then
// by member (postings, accounts, lots, draws, members). Every posting is read twice, never once per
// check (at 23,000,000 postings four checks reading them each took 162 s; bench/RESULTS.md).
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';

/** A bigint or numeric column as read (a string, or null for none) as a number. */
const n = (v: unknown) => Number(v ?? 0);

/** Samples of each kind of drift are capped; the counts are not. */
export const DRIFT_SAMPLE = 100;

export interface BalanceDrift {
  customerId: string;
  cached: { available: number; pending: number; qualifying: number };
  posted: { available: number; pending: number; qualifying: number };
  inLots: { available: number; pending: number };
}

/**
 * The pass by account, then by member, over one snapshot: each account's balance (the sum of its
 * postings) rolled up per member and compared with the member's cached balances and with what
 * its open lots hold (pending lots for pending, the others for available); each lot's `remaining`
 * against its amount less its draws; the workspace accounts' balances; and the counts.
 */
export async function accountPass(db: Executor, tenantId: string): Promise<{
  systemBalances: Record<string, number>; members: number; postings: number; lots: number;
  balances: { count: number; sample: BalanceDrift[] }; lotDrift: { count: number; sample: LotDrift[] };
}> {
  const { rows } = await db.execute<{
    what: 'system' | 'counts' | 'balance' | 'lot'; key: string | null; a: number | null; b: number | null; c: number | null;
    d: number | null; e: number | null; f: number | null; g: number | null; h: number | null; found: number | null;
  }>(sql`
    WITH per_account AS (
      SELECT account_id, sum(amount) AS balance, count(*) AS postings FROM loyalty_postings WHERE tenant_id = ${tenantId} GROUP BY account_id
    ), accounts AS MATERIALIZED (
      -- the accounts with postings, and every workspace account (a balance of 0 when none); a posting
      -- to no known account counts here and is reported by the pass by entry
      SELECT a.customer_id, a.kind, coalesce(p.balance, 0) AS balance, coalesce(p.postings, 0) AS postings
      FROM per_account p FULL JOIN (SELECT id, customer_id, kind FROM loyalty_accounts WHERE tenant_id = ${tenantId}) a ON a.id = p.account_id
      WHERE p.account_id IS NOT NULL OR a.customer_id IS NULL
    ), posted AS (
      SELECT customer_id,
        coalesce(sum(balance) FILTER (WHERE kind = 'available'), 0) AS available,
        coalesce(sum(balance) FILTER (WHERE kind = 'pending'), 0) AS pending,
        coalesce(sum(balance) FILTER (WHERE kind = 'qualifying'), 0) AS qualifying
      FROM accounts WHERE customer_id IS NOT NULL GROUP BY customer_id
    ), drawn AS (
      SELECT lot_id, sum(amount) AS drawn FROM loyalty_draws WHERE tenant_id = ${tenantId} GROUP BY lot_id
    ), lots AS MATERIALIZED (
      -- one row per lot that is open or drifted: the lots read once for the two checks
      SELECT l.id, l.customer_id, l.remaining, l.amount - coalesce(d.drawn, 0) AS expected,
        l.pending_until IS NOT NULL AND l.unlocked_at IS NULL AS pending
      FROM loyalty_lots l LEFT JOIN drawn d ON d.lot_id = l.id
      WHERE l.tenant_id = ${tenantId} AND (l.remaining > 0 OR l.remaining <> l.amount - coalesce(d.drawn, 0))
    ), in_lots AS (
      SELECT customer_id,
        coalesce(sum(remaining) FILTER (WHERE NOT pending), 0) AS available,
        coalesce(sum(remaining) FILTER (WHERE pending), 0) AS pending
      FROM lots WHERE remaining > 0 GROUP BY customer_id
    ), compared AS (
      SELECT m.customer_id, m.available, m.pending, m.qualifying,
        coalesce(p.available, 0) AS posted_available, coalesce(p.pending, 0) AS posted_pending, coalesce(p.qualifying, 0) AS posted_qualifying,
        coalesce(l.available, 0) AS lots_available, coalesce(l.pending, 0) AS lots_pending
      FROM loyalty_members m LEFT JOIN posted p USING (customer_id) LEFT JOIN in_lots l USING (customer_id)
      WHERE m.tenant_id = ${tenantId}
    ), drifted AS (
      SELECT *, count(*) OVER () AS found FROM compared
      WHERE available <> posted_available OR pending <> posted_pending OR qualifying <> posted_qualifying
         OR available <> lots_available OR pending <> lots_pending
      ORDER BY customer_id LIMIT ${DRIFT_SAMPLE}
    ), lot_drift AS (
      SELECT *, count(*) OVER () AS found FROM lots WHERE remaining <> expected ORDER BY id LIMIT ${DRIFT_SAMPLE}
    )
    SELECT 'system' AS what, kind AS key, sum(balance) AS a, NULL::bigint AS b, NULL::bigint AS c, NULL::bigint AS d, NULL::bigint AS e,
           NULL::bigint AS f, NULL::bigint AS g, NULL::bigint AS h, NULL::bigint AS found
      FROM accounts WHERE customer_id IS NULL AND kind IS NOT NULL GROUP BY kind
    UNION ALL
    SELECT 'counts', NULL, (SELECT count(*) FROM loyalty_members WHERE tenant_id = ${tenantId}), (SELECT sum(postings) FROM accounts),
           (SELECT count(*) FROM loyalty_lots WHERE tenant_id = ${tenantId}), NULL, NULL, NULL, NULL, NULL, NULL
    UNION ALL
    SELECT 'balance', customer_id::text, available, pending, qualifying, posted_available, posted_pending, posted_qualifying, lots_available, lots_pending, found FROM drifted
    UNION ALL
    SELECT 'lot', customer_id::text, id, remaining, expected, NULL, NULL, NULL, NULL, NULL, found FROM lot_drift`);
  const of = (what: string) => rows.filter((r) => r.what === what);
  const counts = of('counts')[0];
  const balanceRows = of('balance').sort((x, y) => (x.key! < y.key! ? -1 : x.key! > y.key! ? 1 : 0));
  const lotRows = of('lot').sort((x, y) => n(x.a) - n(y.a));
  return {
    systemBalances: Object.fromEntries(of('system').sort((x, y) => (x.key! < y.key! ? -1 : 1)).map((r) => [r.key!, n(r.a)])),
    members: n(counts?.a), postings: n(counts?.b), lots: n(counts?.c),
    balances: {
      count: n(balanceRows[0]?.found),
      sample: balanceRows.map((r) => ({
        customerId: r.key!,
        cached: { available: n(r.a), pending: n(r.b), qualifying: n(r.c) },
        posted: { available: n(r.d), pending: n(r.e), qualifying: n(r.f) },
        inLots: { available: n(r.g), pending: n(r.h) },
      })),
    },
    lotDrift: { count: n(lotRows[0]?.found), sample: lotRows.map((r) => ({ lotId: n(r.a), customerId: r.key!, remaining: n(r.b), expected: n(r.c) })) },
  };
}

export interface UnbalancedEntry {
  entryId: number;
  /** points | qualifying; `unknown account` for a posting to no account; `no postings` */
  unit: string;
  sum: number;
}

export interface LotDrift {
  lotId: number;
  customerId: string;
  remaining: number;
  expected: number;
}

export interface EntryLotMismatch {
  entryId: number;
  /** the entry's postings to member pending and available accounts */
  posted: number;
  /** the lots it credited less what it drew */
  lots: number;
}

/**
 * The pass by entry, over one snapshot: each entry's postings, the lots it credited and what it
 * drew, read once together (one aggregate over the three, never a join of 10,000,000-row sides).
 * Reports entries whose postings do not sum to zero in each unit, that post to no known account,
 * or that have no postings; and entries whose spendable postings are not matched by lots: every
 * point credited to a member's pending or available account is in a lot it created, every point
 * taken was drawn from lots (a spend "deducted from nothing" shows here).
 *
 * The sums are taken in float8 (a by-value state: the aggregate over 10,000,000 entries fits in
 * memory, where int8 sums' numeric states did not), exact while every partial sum stays below
 * 2^53 points, as a ledger's entries do; the samples are read again in int8. Entries without
 * postings are counted first (entries against entries with postings) and listed only when there are some.
 */
export async function entryPass(db: Executor, tenantId: string): Promise<{
  entries: number; unbalanced: { count: number; sample: UnbalancedEntry[] }; entryLots: { count: number; sample: EntryLotMismatch[] };
}> {
  const { rows: found } = await db.execute<{ entry_id: number | null; unbalanced: boolean; mismatched: boolean; unbalanced_found: number; mismatched_found: number; with_postings: number }>(sql`
    WITH per_entry AS (
      SELECT entry_id,
        sum(amount) FILTER (WHERE src = 1) AS total,
        sum(amount) FILTER (WHERE src = 1 AND unit = 'qualifying') AS qualifying,
        count(*) FILTER (WHERE src = 1 AND unit IS NULL) AS unknown,
        count(*) FILTER (WHERE src = 1) AS postings,
        sum(amount) FILTER (WHERE src > 1 OR spendable) AS moved
      FROM (
        SELECT p.entry_id, 1 AS src, a.unit, a.kind IN ('available', 'pending') AS spendable, p.amount::float8 AS amount
        FROM loyalty_postings p LEFT JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE p.tenant_id = ${tenantId}
        UNION ALL
        SELECT entry_id, 2, NULL, false, -amount::float8 FROM loyalty_lots WHERE tenant_id = ${tenantId}
        UNION ALL
        SELECT entry_id, 3, NULL, false, amount::float8 FROM loyalty_draws WHERE tenant_id = ${tenantId}
      ) moved
      GROUP BY entry_id
    ), problems AS (
      SELECT entry_id, (total <> 0 OR qualifying <> 0 OR unknown > 0 OR postings = 0) AS unbalanced, moved <> 0 AS mismatched
      FROM per_entry WHERE total <> 0 OR qualifying <> 0 OR unknown > 0 OR postings = 0 OR moved <> 0
    ), ranked AS (
      SELECT *,
        count(*) FILTER (WHERE unbalanced) OVER () AS unbalanced_found, count(*) FILTER (WHERE mismatched) OVER () AS mismatched_found,
        row_number() OVER (PARTITION BY unbalanced ORDER BY entry_id) AS unbalanced_n,
        row_number() OVER (PARTITION BY mismatched ORDER BY entry_id) AS mismatched_n
      FROM problems
    )
    SELECT entry_id, unbalanced, mismatched, unbalanced_found, mismatched_found, NULL::bigint AS with_postings
    FROM ranked WHERE (unbalanced AND unbalanced_n <= ${DRIFT_SAMPLE}) OR (mismatched AND mismatched_n <= ${DRIFT_SAMPLE})
    UNION ALL
    SELECT NULL, false, false, 0, 0, (SELECT count(*) FROM per_entry WHERE postings > 0)`);
  const problems = found.filter((r) => r.entry_id !== null);
  const withPostings = n(found.find((r) => r.entry_id === null)?.with_postings);
  const { rows: [counted] } = await db.execute<{ entries: number }>(sql`SELECT count(*) AS entries FROM loyalty_entries WHERE tenant_id = ${tenantId}`);
  const entries = n(counted?.entries);
  // Entries with no postings at all: not in the pass (it is grouped from postings, lots and draws).
  const { rows: bare } = entries === withPostings ? { rows: [] as { id: number; found: number }[] } : await db.execute<{ id: number; found: number }>(sql`
    SELECT e.id, count(*) OVER () AS found FROM loyalty_entries e
    WHERE e.tenant_id = ${tenantId} AND NOT EXISTS (SELECT 1 FROM loyalty_postings p WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id)
    ORDER BY e.id LIMIT ${DRIFT_SAMPLE}`);
  // The problems found, read again exactly (a few entries by key).
  const ids = [...new Set([...problems.map((r) => n(r.entry_id)), ...bare.map((r) => n(r.id))])];
  const { rows: detail } = ids.length === 0 ? { rows: [] } : await db.execute<{ entry_id: number; points: number | null; qualifying: number | null; unknown: number | null; posted: number; lots: number }>(sql`
    SELECT e.id AS entry_id,
      (SELECT sum(p.amount) FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND a.unit = 'points') AS points,
      (SELECT sum(p.amount) FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND a.unit = 'qualifying') AS qualifying,
      (SELECT sum(p.amount) FROM loyalty_postings p WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id
        AND NOT EXISTS (SELECT 1 FROM loyalty_accounts a WHERE a.tenant_id = p.tenant_id AND a.id = p.account_id)) AS unknown,
      (SELECT coalesce(sum(p.amount), 0) FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND a.kind IN ('available', 'pending')) AS posted,
      (SELECT coalesce(sum(amount), 0) FROM loyalty_lots l WHERE l.tenant_id = e.tenant_id AND l.entry_id = e.id)
        - (SELECT coalesce(sum(amount), 0) FROM loyalty_draws d WHERE d.tenant_id = e.tenant_id AND d.entry_id = e.id) AS lots
    FROM unnest(${sql.param(ids)}::bigint[]) AS x(id) JOIN loyalty_entries e ON e.tenant_id = ${tenantId} AND e.id = x.id`);
  const byId = new Map(detail.map((d) => [n(d.entry_id), d]));
  const unbalancedIds = new Set([...problems.filter((r) => r.unbalanced).map((r) => n(r.entry_id)), ...bare.map((r) => n(r.id))]);
  const unbalanced: UnbalancedEntry[] = [];
  for (const entryId of [...unbalancedIds].sort((x, y) => x - y)) {
    const d = byId.get(entryId);
    if (!d) continue;
    if (n(d.points) !== 0) unbalanced.push({ entryId, unit: 'points', sum: n(d.points) });
    if (n(d.qualifying) !== 0) unbalanced.push({ entryId, unit: 'qualifying', sum: n(d.qualifying) });
    if (d.unknown !== null) unbalanced.push({ entryId, unit: 'unknown account', sum: n(d.unknown) });
    if (d.points === null && d.qualifying === null && d.unknown === null) unbalanced.push({ entryId, unit: 'no postings', sum: 0 });
  }
  const bareCount = n(bare[0]?.found);
  // As many problems as the entry has units out of balance; counted exactly for the sampled
  // entries, and one each for the rest (there are more than a sample's worth).
  const sampledEntries = new Set(unbalanced.map((u) => u.entryId)).size;
  const unbalancedEntries = n(problems.find((r) => r.unbalanced)?.unbalanced_found) + bareCount;
  return {
    entries,
    unbalanced: { count: unbalanced.length + Math.max(0, unbalancedEntries - sampledEntries), sample: unbalanced.slice(0, DRIFT_SAMPLE) },
    entryLots: {
      count: n(problems.find((r) => r.mismatched)?.mismatched_found),
      sample: problems.filter((r) => r.mismatched).map((r) => byId.get(n(r.entry_id))!).map((d) => ({ entryId: n(d.entry_id), posted: n(d.posted), lots: n(d.lots) })),
    },
  };
}

export interface PartnerPayableDrift {
  entryId: number;
  /** the partner the entry bills or corrects (through its partner row, or the row of the entry it reverses); null when none */
  partnerId: string | null;
  /** the entry's postings to the workspace's partner_payable account */
  posted: number;
  /** what its partner rows say it moves there: a billed redemption +points, a billed earning −points, a reversal the opposite of its original, a correction its signed points (negated when the partner owes) */
  expected: number;
}

/**
 * The workspace's partner_payable account against the partner entries, their cancellations and
 * finance's corrections, entry by entry, in one grouped pass: the account's postings (by its index,
 * tenant, account, entry), each partner entry's bill, the reversal of each partner entry (by the
 * reversals' own unique index), and each correction, grouped by entry. An entry drifts when what it
 * posted differs from what its rows say, including a posting to partner_payable with no partner row
 * behind it, or a billed partner row whose entry never posted. No per-row subqueries.
 */
export async function partnerPayableDrift(db: Executor, tenantId: string): Promise<{ count: number; sample: PartnerPayableDrift[] }> {
  const { rows } = await db.execute<{ entry_id: number; partner_id: string | null; posted: number; expected: number; found: number }>(sql`
    WITH bills AS (
      SELECT entry_id, partner_id, CASE WHEN NOT billed THEN 0 WHEN direction = 'redeem' THEN points ELSE -points END AS bill
      FROM loyalty_partner_entries WHERE tenant_id = ${tenantId}
    ), moved AS (
      SELECT p.entry_id, NULL::uuid AS partner_id, p.amount AS posted, 0::bigint AS expected
      FROM loyalty_postings p
      WHERE p.tenant_id = ${tenantId}
        AND p.account_id IN (SELECT id FROM loyalty_accounts WHERE tenant_id = ${tenantId} AND customer_id IS NULL AND kind = 'partner_payable')
      UNION ALL
      SELECT entry_id, partner_id, 0, bill FROM bills
      UNION ALL
      SELECT r.id, b.partner_id, 0, -b.bill
      FROM loyalty_entries r JOIN bills b ON b.entry_id = r.reverses_entry_id
      WHERE r.tenant_id = ${tenantId} AND r.reverses_entry_id IS NOT NULL
      UNION ALL
      SELECT entry_id, partner_id, 0, CASE side WHEN 'workspace_owes' THEN points ELSE -points END
      FROM loyalty_partner_corrections WHERE tenant_id = ${tenantId}
    ), per_entry AS (
      SELECT entry_id, (array_agg(partner_id) FILTER (WHERE partner_id IS NOT NULL))[1] AS partner_id, sum(posted) AS posted, sum(expected) AS expected
      FROM moved GROUP BY entry_id HAVING sum(posted) <> sum(expected)
    )
    SELECT entry_id, partner_id, posted, expected, count(*) OVER () AS found FROM per_entry ORDER BY entry_id LIMIT ${DRIFT_SAMPLE}`);
  return {
    count: n(rows[0]?.found),
    sample: rows.map((r) => ({ entryId: n(r.entry_id), partnerId: r.partner_id, posted: n(r.posted), expected: n(r.expected) })),
  };
}

// ---- the prepaid-credit ledger (credit.schema.ts) --------------------------------------------------

export interface CreditBalanceDrift {
  ledger: 'credit';
  customerId: string;
  currency: string;
  cached: { paid: number; bonus: number };
  posted: { paid: number; bonus: number };
  inLots: { bonus: number };
}

export interface CreditUnbalancedEntry {
  ledger: 'credit';
  entryId: number;
  /** the currency whose postings do not sum to zero; `unknown account` for a posting to no account; `no postings` */
  unit: string;
  sum: number;
}

export interface CreditLotDrift {
  ledger: 'credit';
  lotId: number;
  customerId: string;
  remaining: number;
  expected: number;
}

/**
 * The credit ledger by account, then by member and currency, over the same snapshot: each member
 * account's balance (the sum of its postings) rolled up per member and currency and compared with
 * the cached paid and bonus on the member's balance row, and the cached bonus with what the
 * member's open bonus lots hold; each bonus lot's `remaining` against its amount less its draws;
 * the workspace accounts' balances by currency (nothing caches them: their postings are their
 * balance); and the counts. One grouped read of postings, lots and draws each, as the points pass.
 */
export async function creditAccountPass(db: Executor, tenantId: string): Promise<{
  systemBalances: Record<string, Record<string, number>>; balances: number; postings: number; lots: number;
  balanceDrift: { count: number; sample: CreditBalanceDrift[] }; lotDrift: { count: number; sample: CreditLotDrift[] };
}> {
  const { rows } = await db.execute<{
    what: 'system' | 'counts' | 'balance' | 'lot'; key: string | null; currency: string | null; kind: string | null;
    a: number | null; b: number | null; c: number | null; d: number | null; e: number | null; found: number | null;
  }>(sql`
    WITH per_account AS (
      SELECT account_id, sum(amount) AS balance, count(*) AS postings FROM loyalty_credit_postings WHERE tenant_id = ${tenantId} GROUP BY account_id
    ), accounts AS MATERIALIZED (
      -- every account of the workspace with its balance; a posting to no known account is the entry pass's to report
      SELECT a.customer_id, a.kind, a.currency, coalesce(p.balance, 0) AS balance, coalesce(p.postings, 0) AS postings
      FROM loyalty_credit_accounts a LEFT JOIN per_account p ON p.account_id = a.id
      WHERE a.tenant_id = ${tenantId}
    ), posted AS (
      SELECT customer_id, currency,
        coalesce(sum(balance) FILTER (WHERE kind = 'paid'), 0) AS paid, coalesce(sum(balance) FILTER (WHERE kind = 'bonus'), 0) AS bonus
      FROM accounts WHERE customer_id IS NOT NULL GROUP BY customer_id, currency
    ), drawn AS (
      SELECT lot_id, sum(amount) AS drawn FROM loyalty_credit_bonus_draws WHERE tenant_id = ${tenantId} GROUP BY lot_id
    ), lots AS MATERIALIZED (
      -- one row per lot that is open or drifted
      SELECT l.id, l.customer_id, l.currency, l.remaining, l.amount - coalesce(d.drawn, 0) AS expected
      FROM loyalty_credit_bonus_lots l LEFT JOIN drawn d ON d.lot_id = l.id
      WHERE l.tenant_id = ${tenantId} AND (l.remaining > 0 OR l.remaining <> l.amount - coalesce(d.drawn, 0))
    ), in_lots AS (
      SELECT customer_id, currency, sum(remaining) AS bonus FROM lots WHERE remaining > 0 GROUP BY customer_id, currency
    ), compared AS (
      -- accounts and lots belong to a balance row (their foreign keys), so every one is reached from it
      SELECT b.customer_id, b.currency, b.paid, b.bonus,
        coalesce(p.paid, 0) AS posted_paid, coalesce(p.bonus, 0) AS posted_bonus, coalesce(l.bonus, 0) AS lots_bonus
      FROM loyalty_credit_balances b
        LEFT JOIN posted p ON p.customer_id = b.customer_id AND p.currency = b.currency
        LEFT JOIN in_lots l ON l.customer_id = b.customer_id AND l.currency = b.currency
      WHERE b.tenant_id = ${tenantId}
    ), drifted AS (
      SELECT *, count(*) OVER () AS found FROM compared
      WHERE paid <> posted_paid OR bonus <> posted_bonus OR bonus <> lots_bonus
      ORDER BY customer_id, currency LIMIT ${DRIFT_SAMPLE}
    ), lot_drift AS (
      SELECT *, count(*) OVER () AS found FROM lots WHERE remaining <> expected ORDER BY id LIMIT ${DRIFT_SAMPLE}
    )
    SELECT 'system' AS what, NULL AS key, currency, kind, sum(balance) AS a, NULL::bigint AS b, NULL::bigint AS c, NULL::bigint AS d, NULL::bigint AS e, NULL::bigint AS found
      FROM accounts WHERE customer_id IS NULL GROUP BY currency, kind
    UNION ALL
    SELECT 'counts', NULL, NULL, NULL, (SELECT count(*) FROM loyalty_credit_balances WHERE tenant_id = ${tenantId}), (SELECT sum(postings) FROM accounts),
           (SELECT count(*) FROM loyalty_credit_bonus_lots WHERE tenant_id = ${tenantId}), NULL, NULL, NULL
    UNION ALL
    SELECT 'balance', customer_id::text, currency, NULL, paid, bonus, posted_paid, posted_bonus, lots_bonus, found FROM drifted
    UNION ALL
    SELECT 'lot', customer_id::text, currency, NULL, id, remaining, expected, NULL, NULL, found FROM lot_drift`);
  const of = (what: string) => rows.filter((r) => r.what === what);
  const counts = of('counts')[0];
  const systemBalances: Record<string, Record<string, number>> = {};
  for (const r of of('system').sort((x, y) => `${x.currency}/${x.kind}` < `${y.currency}/${y.kind}` ? -1 : 1)) {
    (systemBalances[r.currency!] ??= {})[r.kind!] = n(r.a);
  }
  const balanceRows = of('balance').sort((x, y) => `${x.key}/${x.currency}` < `${y.key}/${y.currency}` ? -1 : 1);
  const lotRows = of('lot').sort((x, y) => n(x.a) - n(y.a));
  return {
    systemBalances, balances: n(counts?.a), postings: n(counts?.b), lots: n(counts?.c),
    balanceDrift: {
      count: n(balanceRows[0]?.found),
      sample: balanceRows.map((r) => ({
        ledger: 'credit' as const, customerId: r.key!, currency: r.currency!,
        cached: { paid: n(r.a), bonus: n(r.b) }, posted: { paid: n(r.c), bonus: n(r.d) }, inLots: { bonus: n(r.e) },
      })),
    },
    lotDrift: {
      count: n(lotRows[0]?.found),
      sample: lotRows.map((r) => ({ ledger: 'credit' as const, lotId: n(r.a), customerId: r.key!, remaining: n(r.b), expected: n(r.c) })),
    },
  };
}

/**
 * The credit ledger by entry (double entry): each entry's postings grouped by the currency of their
 * accounts must sum to zero, name known accounts, and exist at all. One grouped read of the
 * postings and one of the entries (an anti-join against the grouped postings, no per-entry
 * subquery). `count` counts problems (an entry can have several), as the points pass does.
 */
export async function creditEntryPass(db: Executor, tenantId: string): Promise<{ entries: number; unbalanced: { count: number; sample: CreditUnbalancedEntry[] } }> {
  const { rows } = await db.execute<{ entry_id: number | null; unit: string | null; total: number | null; found: number | null }>(sql`
    WITH per_unit AS MATERIALIZED (
      SELECT p.entry_id, a.currency, sum(p.amount) AS total
      FROM loyalty_credit_postings p LEFT JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
      WHERE p.tenant_id = ${tenantId}
      GROUP BY p.entry_id, a.currency
    ), problems AS (
      SELECT entry_id, coalesce(currency, 'unknown account') AS unit, total FROM per_unit WHERE total <> 0 OR currency IS NULL
      UNION ALL
      SELECT e.id, 'no postings', 0 FROM loyalty_credit_entries e
      WHERE e.tenant_id = ${tenantId} AND NOT EXISTS (SELECT 1 FROM per_unit u WHERE u.entry_id = e.id)
    ), sampled AS (
      SELECT *, count(*) OVER () AS found FROM problems ORDER BY entry_id, unit LIMIT ${DRIFT_SAMPLE}
    )
    SELECT entry_id, unit, total, found FROM sampled
    UNION ALL
    SELECT NULL, NULL, (SELECT count(*) FROM loyalty_credit_entries WHERE tenant_id = ${tenantId}), NULL`);
  const problems = rows.filter((r) => r.entry_id !== null).sort((x, y) => n(x.entry_id) - n(y.entry_id) || (x.unit! < y.unit! ? -1 : 1));
  return {
    entries: n(rows.find((r) => r.entry_id === null)?.total),
    unbalanced: {
      count: n(problems[0]?.found),
      sample: problems.map((r) => ({ ledger: 'credit' as const, entryId: n(r.entry_id), unit: r.unit!, sum: n(r.total) })),
    },
  };
}
