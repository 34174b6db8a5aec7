// SQL of a batch of purchase events: what the single order route does one order and one round
// trip at a time, here one statement for all the batch's orders (locks, reads, then the writes).
// Same tables, same keys, same invariants as ledger.repo.ts's bookEntry. Lookups by the batch's
// ids go one index probe per id (unnest + LATERAL): with `= ANY` over 50 ids the planner read
// thousands of index entries of the workspace (EXPLAIN ANALYZE on the bench's data).
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { eventsInsert } from '../../platform/events/outbox.ts';
import { customers } from '../customers/index.ts';

const instant = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface BatchCustomer {
  customerId: string;
  /** not a member yet: opened by the batch */
  missing: boolean;
  mergedInto: string | null;
  erasedAt: Date | null;
}

/**
 * Where these customers stand and whether they are members yet, read without a lock: ids that are
 * no customer of this workspace do not come back. The batch opens the missing members before it
 * locks any (see lockBatchMembers).
 */
export async function batchCustomers(tx: Executor, tenantId: string, customerIds: string[]): Promise<BatchCustomer[]> {
  if (customerIds.length === 0) return [];
  const { rows } = await tx.execute<{ customer_id: string; member: boolean; merged_into: string | null; erased_at: string | null }>(sql`
    SELECT c.id AS customer_id, m.customer_id IS NOT NULL AS member, c.merged_into, c.erased_at
    FROM unnest(${sql.param(customerIds)}::uuid[]) AS x(id)
    CROSS JOIN LATERAL (SELECT id, tenant_id, merged_into, erased_at FROM ${customers} WHERE tenant_id = ${tenantId} AND id = x.id OFFSET 0) c
    LEFT JOIN loyalty_members m ON m.tenant_id = c.tenant_id AND m.customer_id = c.id`);
  return rows.map((r) => ({ customerId: r.customer_id, missing: !r.member, mergedInto: r.merged_into, erasedAt: instant(r.erased_at) }));
}

/**
 * Locks the members (all opened by now) in one order, customer id, as lockMembers does, and says
 * where their customers stand now (read under the lock, as lockMember reads it) and which have
 * due work (pending lots to unlock, lots to expire). Opening first and locking after is what keeps
 * two batches from deadlocking: a batch never waits on a member's opening while it holds another
 * member's lock.
 */
export async function lockBatchMembers(
  tx: Executor, tenantId: string, customerIds: string[], now: Date, locked: 'wait' | 'skip' = 'wait',
): Promise<(BatchCustomer & { due: boolean })[]> {
  if (customerIds.length === 0) return [];
  const at = now.toISOString();
  const { rows } = await tx.execute<{ customer_id: string; merged_into: string | null; erased_at: string | null; due: boolean }>(sql`
    WITH locked AS MATERIALIZED (
      SELECT m.tenant_id, m.customer_id, m.merged_into, m.erased_at FROM unnest(${sql.param([...customerIds].sort())}::uuid[]) WITH ORDINALITY AS x(id, n)
      CROSS JOIN LATERAL (
        SELECT tenant_id, customer_id, merged_into, erased_at FROM loyalty_members WHERE tenant_id = ${tenantId} AND customer_id = x.id
        FOR NO KEY UPDATE ${locked === 'skip' ? sql`SKIP LOCKED` : sql``}
      ) m
      ORDER BY x.n
    )
    -- The member row's marks (a merge or erasure that held the lock) first, as lockMember reads them.
    SELECT l.customer_id, coalesce(l.merged_into, c.merged_into) AS merged_into, coalesce(l.erased_at, c.erased_at) AS erased_at, EXISTS (
        SELECT 1 FROM loyalty_lots lot WHERE lot.tenant_id = l.tenant_id AND lot.customer_id = l.customer_id AND lot.remaining > 0
          AND ((lot.pending_until <= ${at}::timestamptz AND lot.unlocked_at IS NULL) OR lot.expires_at <= ${at}::timestamptz)) AS due
    FROM locked l JOIN ${customers} c ON c.tenant_id = l.tenant_id AND c.id = l.customer_id`);
  return rows.map((r) => ({ customerId: r.customer_id, missing: false, mergedInto: r.merged_into, erasedAt: instant(r.erased_at), due: r.due }));
}

/** Waits until no one holds the member's lock, taking it (the caller rolls it back at once: see waitForMember in the service). */
export async function waitForMember(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`SELECT 1 FROM loyalty_members WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} FOR NO KEY UPDATE`);
}

/** What the batch needs to know before it earns: per program, whether it has tiers; per member, what it owes and earned today. */
export interface BatchFacts {
  programsWithTiers: Set<string>;
  /** customers owing points (their earnings repay the debt first: negative-balance.ts) */
  owing: Set<string>;
  /** `${programId}:${customerId}` → spend points earned on `day` */
  earnedOnDay: Map<string, number>;
  /** `${programId}:${externalId}` → the order already stored */
  existing: Map<string, { customerId: string }>;
}

export async function batchFacts(
  tx: Executor, tenantId: string, programIds: string[], orderKeys: { programId: string; externalId: string; customerId: string }[], day: string,
): Promise<BatchFacts> {
  const customerIds = [...new Set(orderKeys.map((k) => k.customerId))];
  const pairs = [...new Map(orderKeys.map((k) => [`${k.programId}:${k.customerId}`, k])).values()];
  // Each arm probes its index once per member or order (LATERAL; OFFSET 0 keeps it from being
  // flattened): with `= ANY` over the batch's members the planner read every award of the program
  // (16,000 rows for 50 members in the bench) and every owed account of the workspace.
  const { rows } = await tx.execute<{ kind: string; program_id: string | null; customer_id: string | null; external_id: string | null; n: string | number | null }>(sql`
    SELECT 'tiers' AS kind, t.program_id, NULL::uuid AS customer_id, NULL::text AS external_id, NULL::bigint AS n
    FROM (SELECT DISTINCT program_id FROM loyalty_tiers WHERE tenant_id = ${tenantId} AND program_id = ANY(${sql.param(programIds)}::uuid[])) t
    UNION ALL
    SELECT 'owed', NULL, c.id, NULL, -sum(p.amount)
    FROM unnest(${sql.param(customerIds)}::uuid[]) AS c(id)
    CROSS JOIN LATERAL (SELECT id FROM loyalty_accounts WHERE tenant_id = ${tenantId} AND customer_id = c.id AND kind = 'owed' OFFSET 0) a
    JOIN loyalty_postings p ON p.tenant_id = ${tenantId} AND p.account_id = a.id
    GROUP BY c.id HAVING sum(p.amount) < 0
    UNION ALL
    SELECT 'day', x.program_id, x.customer_id, NULL, w.total
    FROM unnest(${sql.param(pairs.map((k) => k.programId))}::uuid[], ${sql.param(pairs.map((k) => k.customerId))}::uuid[]) AS x(program_id, customer_id)
    CROSS JOIN LATERAL (
      SELECT sum(spend_points) AS total FROM loyalty_awards
      WHERE tenant_id = ${tenantId} AND program_id = x.program_id AND customer_id = x.customer_id AND day = ${day}::date
    ) w
    WHERE w.total IS NOT NULL
    UNION ALL
    SELECT 'order', o.program_id, o.customer_id, o.external_id, NULL
    FROM unnest(${sql.param(orderKeys.map((k) => k.programId))}::uuid[], ${sql.param(orderKeys.map((k) => k.externalId))}::text[]) AS k(program_id, external_id)
    CROSS JOIN LATERAL (
      SELECT program_id, customer_id, external_id FROM loyalty_orders
      WHERE tenant_id = ${tenantId} AND program_id = k.program_id AND external_id = k.external_id
    ) o`);
  const facts: BatchFacts = { programsWithTiers: new Set(), owing: new Set(), earnedOnDay: new Map(), existing: new Map() };
  for (const r of rows) {
    if (r.kind === 'tiers') facts.programsWithTiers.add(r.program_id!);
    else if (r.kind === 'owed') facts.owing.add(r.customer_id!);
    else if (r.kind === 'day') facts.earnedOnDay.set(`${r.program_id}:${r.customer_id}`, Number(r.n));
    else facts.existing.set(`${r.program_id}:${r.external_id}`, { customerId: r.customer_id! });
  }
  return facts;
}

export interface NewOrder {
  programId: string;
  externalId: string;
  customerId: string;
  programVersion: number;
  lines: unknown[];
  points: number;
  capped: string | null;
  pendingUntil: Date | null;
  expiresAt: Date | null;
}

/**
 * Claims the orders (multi-row insert; a claim someone else made first is skipped). Returns the
 * keys claimed, `${programId}:${externalId}`.
 */
export async function claimOrders(tx: Executor, tenantId: string, orders: NewOrder[], now: Date): Promise<Set<string>> {
  if (orders.length === 0) return new Set();
  const { rows } = await tx.execute<{ program_id: string; external_id: string }>(sql`
    INSERT INTO loyalty_orders (tenant_id, program_id, external_id, customer_id, program_version, lines, points, capped, pending_until, expires_at, created_at)
    SELECT ${tenantId}::uuid, x.program_id, x.external_id, x.customer_id, x.program_version, x.lines, x.points, x.capped, x.pending_until, x.expires_at, ${now.toISOString()}::timestamptz
    FROM unnest(${sql.param(orders.map((o) => o.programId))}::uuid[], ${sql.param(orders.map((o) => o.externalId))}::text[],
                ${sql.param(orders.map((o) => o.customerId))}::uuid[], ${sql.param(orders.map((o) => o.programVersion))}::int[],
                ${sql.param(orders.map((o) => JSON.stringify(o.lines)))}::jsonb[], ${sql.param(orders.map((o) => o.points))}::bigint[],
                ${sql.param(orders.map((o) => o.capped))}::text[], ${sql.param(orders.map((o) => iso(o.pendingUntil)))}::timestamptz[],
                ${sql.param(orders.map((o) => iso(o.expiresAt)))}::timestamptz[])
         WITH ORDINALITY AS x(program_id, external_id, customer_id, program_version, lines, points, capped, pending_until, expires_at, n)
    ORDER BY x.n
    ON CONFLICT DO NOTHING RETURNING program_id, external_id`);
  return new Set(rows.map((r) => `${r.program_id}:${r.external_id}`));
}

export interface NewCredit {
  key: string;
  customerId: string;
  externalId: string;
  reason: string;
  points: number;
  pendingUntil: Date | null;
  expiresAt: Date | null;
}

/**
 * Books many earn credits in one statement, each as bookCredit books one: an `earn` entry per
 * credit, issuance → member pending or available and qualifying issuance → qualifying, a lot per
 * credit with its own expiry and unlock instant, and the members' cached balances by what their
 * credits add. Returns each credit's entry id by its key; a key already taken books nothing.
 */
export async function bookCredits(tx: Executor, tenantId: string, source: string, credits: NewCredit[], now: Date): Promise<{ entries: Map<string, number>; posted: number; lots: number }> {
  if (credits.length === 0) return { entries: new Map(), posted: 0, lots: 0 };
  const at = now.toISOString();
  const customerIds = [...new Set(credits.map((c) => c.customerId))];
  const { rows } = await tx.execute<{ key: string | null; entry_id: number | null; posted: number; lots: number }>(sql`
    WITH input AS (
      SELECT * FROM unnest(${sql.param(credits.map((c) => c.key))}::text[], ${sql.param(credits.map((c) => c.customerId))}::uuid[],
                           ${sql.param(credits.map((c) => c.externalId))}::text[], ${sql.param(credits.map((c) => c.reason))}::text[],
                           ${sql.param(credits.map((c) => c.points))}::bigint[], ${sql.param(credits.map((c) => iso(c.pendingUntil)))}::timestamptz[],
                           ${sql.param(credits.map((c) => iso(c.expiresAt)))}::timestamptz[])
        WITH ORDINALITY AS x(key, customer_id, external_id, reason, points, pending_until, expires_at, n)
    ), entries AS (
      INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, external_id, reason, source, created_at)
      SELECT ${tenantId}::uuid, 'earn', x.key, x.customer_id, x.external_id, x.reason, ${source}, ${at}::timestamptz FROM input x ORDER BY x.n
      ON CONFLICT DO NOTHING RETURNING id, idempotency_key
    ), booked AS (
      SELECT e.id, x.* FROM entries e JOIN input x ON x.key = e.idempotency_key
    ), accounts AS MATERIALIZED (
      SELECT id, kind, customer_id FROM loyalty_accounts
      WHERE tenant_id = ${tenantId} AND customer_id IS NULL AND kind IN ('issuance', 'qualifying_issuance')
      UNION ALL
      -- one probe of the member's accounts per member (with = ANY the planner read the workspace's accounts)
      SELECT a.id, a.kind, a.customer_id FROM unnest(${sql.param(customerIds)}::uuid[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT id, kind, customer_id FROM loyalty_accounts
        WHERE tenant_id = ${tenantId} AND customer_id = c.id AND kind IN ('pending', 'available', 'qualifying') OFFSET 0
      ) a
    ), postings AS (
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT ${tenantId}::uuid, b.id, a.id, p.amount
      FROM booked b
      CROSS JOIN LATERAL (VALUES
        ('issuance', NULL::uuid, -b.points),
        (CASE WHEN b.pending_until IS NULL THEN 'available' ELSE 'pending' END, b.customer_id, b.points),
        ('qualifying_issuance', NULL::uuid, -b.points),
        ('qualifying', b.customer_id, b.points)) AS p(kind, holder, amount)
      JOIN accounts a ON a.kind = p.kind AND (a.customer_id = p.holder OR (a.customer_id IS NULL AND p.holder IS NULL))
      RETURNING 1
    ), lots AS (
      INSERT INTO loyalty_lots (tenant_id, customer_id, entry_id, amount, remaining, expires_at, pending_until, created_at)
      SELECT ${tenantId}::uuid, b.customer_id, b.id, b.points, b.points, b.expires_at, b.pending_until, ${at}::timestamptz FROM booked b
      RETURNING 1
    ), per_member AS (
      SELECT customer_id, sum(points) FILTER (WHERE pending_until IS NULL) AS available, sum(points) FILTER (WHERE pending_until IS NOT NULL) AS pending,
             sum(points) AS qualifying
      FROM booked GROUP BY customer_id
    ), balances AS (
      UPDATE loyalty_members m SET available = m.available + coalesce(d.available, 0), pending = m.pending + coalesce(d.pending, 0),
        qualifying = m.qualifying + d.qualifying, updated_at = ${at}::timestamptz
      FROM per_member d WHERE m.tenant_id = ${tenantId} AND m.customer_id = d.customer_id
    )
    SELECT b.key, b.id AS entry_id, (SELECT count(*) FROM postings) AS posted, (SELECT count(*) FROM lots) AS lots FROM booked b
    UNION ALL
    SELECT NULL, NULL, (SELECT count(*) FROM postings), (SELECT count(*) FROM lots) WHERE NOT EXISTS (SELECT 1 FROM booked)`);
  const entries = new Map<string, number>();
  for (const r of rows) if (r.key !== null) entries.set(r.key, Number(r.entry_id));
  return { entries, posted: Number(rows[0]?.posted ?? 0), lots: Number(rows[0]?.lots ?? 0) };
}

export interface NewAward {
  programId: string;
  externalId: string;
  customerId: string;
  programVersion: number;
  entryId: number | null;
  points: number;
  day: string;
}

/**
 * The rest of each earned order, in one statement: its entry on the order row, its award (what the
 * daily cap counts), and the outbox events of the batch.
 */
export async function finishOrders(tx: Executor, tenantId: string, awards: NewAward[], events: { topic: string; payload: Record<string, unknown> }[], now: Date): Promise<void> {
  if (awards.length === 0) return;
  await tx.execute(sql`
    WITH input AS (
      SELECT * FROM unnest(${sql.param(awards.map((a) => a.programId))}::uuid[], ${sql.param(awards.map((a) => a.externalId))}::text[],
                           ${sql.param(awards.map((a) => a.customerId))}::uuid[], ${sql.param(awards.map((a) => a.programVersion))}::int[],
                           ${sql.param(awards.map((a) => a.entryId))}::bigint[], ${sql.param(awards.map((a) => a.points))}::bigint[],
                           ${sql.param(awards.map((a) => a.day))}::date[])
        WITH ORDINALITY AS x(program_id, external_id, customer_id, program_version, entry_id, points, day, n)
    ), orders AS (
      UPDATE loyalty_orders o SET entry_id = x.entry_id FROM input x
      WHERE o.tenant_id = ${tenantId} AND o.program_id = x.program_id AND o.external_id = x.external_id AND x.entry_id IS NOT NULL
    ), awards AS (
      INSERT INTO loyalty_awards (tenant_id, program_id, source_key, customer_id, program_version, entry_id, points, spend_points, day, created_at)
      SELECT ${tenantId}::uuid, x.program_id, 'order:' || x.external_id, x.customer_id, x.program_version, x.entry_id, x.points, x.points, x.day, ${now.toISOString()}::timestamptz
      FROM input x ORDER BY x.n
    )${events.length > 0 ? sql`, events AS (${eventsInsert(tenantId, events)})` : sql``}
    SELECT 1`);
}
