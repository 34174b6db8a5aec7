// SQL of a member's life-cycle beyond the ledger's day-to-day: a customer merged into another (its
// points moved in `merge` entries that touch two members), a customer erased (personal data out of
// the loyalty tables, the amounts kept). Entries, postings, draws and lots are only inserted here,
// as everywhere; a lot's `remaining` and the members' cached balances change with the postings and
// draws that explain them, in the same statement.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { drawsOnLots, postingsByHolder } from './entry-sql.ts';
import type { Draw, Posting } from './ledger.repo.ts';

const instant = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/** The member row's own marks (set by a merge or an erasure), read as they are: undefined for no member. */
export async function memberMarks(db: Executor, tenantId: string, customerId: string): Promise<{ mergedInto: string | null; erasedAt: Date | null } | undefined> {
  const { rows } = await db.execute<{ merged_into: string | null; erased_at: string | null }>(sql`
    SELECT merged_into, erased_at FROM loyalty_members WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
  const r = rows[0];
  return r ? { mergedInto: r.merged_into, erasedAt: instant(r.erased_at) } : undefined;
}

export interface OpenLotRow {
  id: number;
  remaining: number;
  expiresAt: Date | null;
  pendingUntil: Date | null;
  /** pending: not yet unlocked */
  pending: boolean;
  /** the program whose award made this lot, when that program's points expire after inactivity (and the lot has no expiry of its own) */
  inactivityProgramId: string | null;
}

/** The member's lots with points left, pending ones included, soonest expiry first (call with the member locked). */
export async function openLots(tx: Executor, tenantId: string, customerId: string): Promise<OpenLotRow[]> {
  const { rows } = await tx.execute<{ id: number; remaining: number; expires_at: string | null; pending_until: string | null; pending: boolean; program_id: string | null }>(sql`
    SELECT l.id, l.remaining, l.expires_at, l.pending_until, l.pending_until IS NOT NULL AND l.unlocked_at IS NULL AS pending,
      (SELECT a.program_id FROM loyalty_awards a JOIN loyalty_programs p ON p.tenant_id = a.tenant_id AND p.id = a.program_id
        WHERE a.tenant_id = l.tenant_id AND a.entry_id = l.entry_id AND l.expires_at IS NULL AND p.settings->'expiry'->>'kind' = 'inactivity' LIMIT 1) AS program_id
    FROM loyalty_lots l
    WHERE l.tenant_id = ${tenantId} AND l.customer_id = ${customerId} AND l.remaining > 0
    ORDER BY l.expires_at ASC NULLS LAST, l.id`);
  return rows.map((r) => ({
    id: Number(r.id), remaining: Number(r.remaining), expiresAt: instant(r.expires_at), pendingUntil: instant(r.pending_until), pending: r.pending, inactivityProgramId: r.program_id,
  }));
}

/** The member's balance in one of its on-demand accounts (held, owed): the sum of its postings, 0 without the account. */
export async function accountBalance(db: Executor, tenantId: string, customerId: string, kind: 'held' | 'owed'): Promise<number> {
  const { rows } = await db.execute<{ balance: string | number }>(sql`
    SELECT coalesce(sum(p.amount), 0) AS balance
    FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
    WHERE a.tenant_id = ${tenantId} AND a.customer_id = ${customerId} AND a.kind = ${kind}`);
  return Number(rows[0]?.balance ?? 0);
}

/** Opens an on-demand account (a member's owed, the workspace's write_off) if it is not there yet. */
export async function openAccount(tx: Executor, tenantId: string, kind: 'owed' | 'write_off', customerId: string | null): Promise<void> {
  await tx.execute(sql`INSERT INTO loyalty_accounts (tenant_id, kind, customer_id) VALUES (${tenantId}, ${kind}, ${customerId}) ON CONFLICT DO NOTHING`);
}

export interface NewMergeLot {
  amount: number;
  expiresAt: Date | null;
  pendingUntil: Date | null;
}

export interface MergeBooking {
  tenantId: string;
  idempotencyKey: string;
  sourceId: string;
  targetId: string;
  source: string;
  reason: string;
  at: Date;
  postings: Posting[];
  /** the source's lots, each taken whole */
  draws: Draw[];
  /** the target's new lots: distinct expiries within one entry (the lots' unique key) */
  lots: NewMergeLot[];
  /** what the postings do to each member's cached balances */
  deltas: { customerId: string; available: number; pending: number; qualifying: number }[];
}

/**
 * Books one `merge` entry in one statement: the entry, about the target (nothing at all when its
 * key is taken: `entryId` undefined), its postings (accounts found by kind and holder), the draws
 * on the source's lots, the target's new lots and both members' cached balances. Both members
 * must be locked by the caller.
 */
export async function bookMerge(tx: Executor, b: MergeBooking): Promise<number | undefined> {
  const at = b.at.toISOString();
  const { rows } = await tx.execute<{ entry_id: number | null; posted: number; drawn: number; lots: number; members: number }>(sql`
    WITH entry AS (
      INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, external_id, reason, source, created_at)
      VALUES (${b.tenantId}, 'merge', ${b.idempotencyKey}, ${b.targetId}, ${b.sourceId}, ${b.reason}, ${b.source}, ${at}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING id
    ), ${postingsByHolder(b.tenantId, b.postings)}, ${drawsOnLots(b.tenantId, b.sourceId, b.draws)}, new_lots AS (
      INSERT INTO loyalty_lots (tenant_id, customer_id, entry_id, amount, remaining, expires_at, pending_until, created_at)
      SELECT ${b.tenantId}::uuid, ${b.targetId}::uuid, entry.id, n.amount, n.amount, n.expires_at, n.pending_until, ${at}::timestamptz
      FROM entry CROSS JOIN unnest(${sql.param(b.lots.map((l) => l.amount))}::bigint[], ${sql.param(b.lots.map((l) => l.expiresAt?.toISOString() ?? null))}::timestamptz[],
                                   ${sql.param(b.lots.map((l) => l.pendingUntil?.toISOString() ?? null))}::timestamptz[]) AS n(amount, expires_at, pending_until)
      RETURNING 1
    ), delta AS (
      SELECT * FROM unnest(${sql.param(b.deltas.map((d) => d.customerId))}::uuid[], ${sql.param(b.deltas.map((d) => d.available))}::bigint[],
                           ${sql.param(b.deltas.map((d) => d.pending))}::bigint[], ${sql.param(b.deltas.map((d) => d.qualifying))}::bigint[])
        AS d(customer_id, available, pending, qualifying)
    ), members AS (
      UPDATE loyalty_members m
      SET available = m.available + d.available, pending = m.pending + d.pending, qualifying = m.qualifying + d.qualifying, updated_at = ${at}::timestamptz
      FROM delta d WHERE m.tenant_id = ${b.tenantId} AND m.customer_id = d.customer_id AND EXISTS (SELECT 1 FROM entry)
      RETURNING 1
    )
    SELECT (SELECT id FROM entry) AS entry_id, (SELECT count(*) FROM postings) AS posted, (SELECT count(*) FROM drawn) AS drawn,
      (SELECT count(*) FROM new_lots) AS lots, (SELECT count(*) FROM members) AS members`);
  const row = rows[0]!;
  if (row.entry_id === null) return undefined;
  // An account or a lot not found, or a member not updated, is a bug here: fail loudly (the transaction rolls back).
  if (Number(row.posted) !== b.postings.length || Number(row.drawn) !== b.draws.length || Number(row.lots) !== b.lots.length || Number(row.members) !== b.deltas.length) {
    throw new Error(`merge ${row.entry_id}: ${row.posted}/${b.postings.length} postings, ${row.drawn}/${b.draws.length} draws, ${row.lots}/${b.lots.length} lots, ${row.members}/${b.deltas.length} members`);
  }
  return Number(row.entry_id);
}

/** Marks the source member merged into the target, and the records merged into the source before as the target's too (one level: the survivor). */
export async function markMerged(tx: Executor, tenantId: string, sourceId: string, targetId: string, at: Date): Promise<void> {
  await tx.execute(sql`
    UPDATE loyalty_members SET merged_into = ${targetId}, updated_at = ${at.toISOString()}::timestamptz
    WHERE tenant_id = ${tenantId} AND (customer_id = ${sourceId} OR merged_into = ${sourceId})`);
}

export async function markErased(tx: Executor, tenantId: string, customerId: string, at: Date): Promise<void> {
  await tx.execute(sql`
    UPDATE loyalty_members SET erased_at = ${at.toISOString()}::timestamptz, updated_at = ${at.toISOString()}::timestamptz
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND erased_at IS NULL`);
}

/** The member's checkouts still holding points. */
export async function openHoldIds(tx: Executor, tenantId: string, customerId: string): Promise<string[]> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    SELECT id FROM loyalty_redemption_holds WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND status = 'held' ORDER BY created_at, id`);
  return rows.map((r) => r.id);
}

/** Ends the customer's portal sessions still open. */
export async function endSessions(tx: Executor, tenantId: string, customerId: string, at: Date): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    WITH ended AS (
      UPDATE loyalty_member_sessions SET ended_at = ${at.toISOString()}::timestamptz
      WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND ended_at IS NULL RETURNING 1
    ) SELECT count(*) AS n FROM ended`);
  return Number(rows[0]?.n ?? 0);
}
