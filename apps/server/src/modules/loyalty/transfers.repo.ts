// SQL of a points transfer between two members: one entry, written in one statement like
// ledger.repo.ts bookEntry, but touching two members (the sender's lots drawn, the receiver's
// lots credited, both cached balances).
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { drawsOnLots } from './entry-sql.ts';
import type { Draw } from './ledger.repo.ts';

export interface TransferBooking {
  tenantId: string;
  idempotencyKey: string;
  fromCustomerId: string;
  toCustomerId: string;
  points: number;
  externalId: string | null;
  reason: string | null;
  source: string;
  at: Date;
  /** the sender's lots and how much of each */
  draws: Draw[];
  /** the receiver's new lots: one per expiry drawn (null: never expires) */
  lots: { amount: number; expiresAt: Date | null }[];
}

/**
 * Books a transfer: the entry (nothing at all when its key is taken: `entryId` undefined), the
 * postings sender available → receiver available, the draws on the sender's lots, the receiver's
 * lots and both members' cached balances. Both members must be locked by the caller.
 */
export async function bookTransfer(tx: Executor, b: TransferBooking): Promise<{ entryId: number | undefined; lots: { id: number; amount: number; expiresAt: Date | null }[] }> {
  const at = b.at.toISOString();
  const { rows } = await tx.execute<{ entry_id: number | null; posted: number; drawn: number; members: number; lot_id: number | null; lot_amount: number | null; lot_expires_at: string | null }>(sql`
    WITH entry AS (
      INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, external_id, reason, source, created_at)
      VALUES (${b.tenantId}, 'transfer', ${b.idempotencyKey}, ${b.fromCustomerId}, ${b.externalId}, ${b.reason}, ${b.source}, ${at}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING id
    ), postings AS (
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT ${b.tenantId}::uuid, entry.id, a.id, CASE WHEN a.customer_id = ${b.fromCustomerId}::uuid THEN -${b.points}::bigint ELSE ${b.points}::bigint END
      FROM entry CROSS JOIN loyalty_accounts a
      WHERE a.tenant_id = ${b.tenantId} AND a.kind = 'available' AND a.customer_id IN (${b.fromCustomerId}::uuid, ${b.toCustomerId}::uuid)
      RETURNING 1
    ), ${drawsOnLots(b.tenantId, b.fromCustomerId, b.draws)}, new_lots AS (
      INSERT INTO loyalty_lots (tenant_id, customer_id, entry_id, amount, remaining, expires_at, created_at)
      SELECT ${b.tenantId}::uuid, ${b.toCustomerId}::uuid, entry.id, n.amount, n.amount, n.expires_at, ${at}::timestamptz
      FROM entry CROSS JOIN unnest(${sql.param(b.lots.map((l) => l.amount))}::bigint[], ${sql.param(b.lots.map((l) => l.expiresAt?.toISOString() ?? null))}::timestamptz[])
        AS n(amount, expires_at)
      RETURNING id, amount, expires_at
    ), members AS (
      UPDATE loyalty_members m
      SET available = m.available + CASE WHEN m.customer_id = ${b.fromCustomerId}::uuid THEN -${b.points}::bigint ELSE ${b.points}::bigint END, updated_at = ${at}::timestamptz
      WHERE m.tenant_id = ${b.tenantId} AND m.customer_id IN (${b.fromCustomerId}::uuid, ${b.toCustomerId}::uuid) AND EXISTS (SELECT 1 FROM entry)
      RETURNING 1
    )
    SELECT (SELECT id FROM entry) AS entry_id, (SELECT count(*) FROM postings) AS posted, (SELECT count(*) FROM drawn) AS drawn,
      (SELECT count(*) FROM members) AS members, l.id AS lot_id, l.amount AS lot_amount, l.expires_at AS lot_expires_at
    FROM (SELECT 1) one LEFT JOIN new_lots l ON true
    ORDER BY l.expires_at ASC NULLS LAST`);
  const first = rows[0]!;
  if (first.entry_id === null) return { entryId: undefined, lots: [] };
  // An account or a lot not found, or a member not updated, is a bug here: fail loudly (the transaction rolls back).
  if (Number(first.posted) !== 2 || Number(first.drawn) !== b.draws.length || Number(first.members) !== 2) {
    throw new Error(`transfer ${first.entry_id}: ${first.posted} postings, ${first.drawn} of ${b.draws.length} draws, ${first.members} members`);
  }
  return {
    entryId: Number(first.entry_id),
    lots: rows.filter((r) => r.lot_id !== null).map((r) => ({ id: Number(r.lot_id), amount: Number(r.lot_amount), expiresAt: r.lot_expires_at === null ? null : new Date(r.lot_expires_at) })),
  };
}

export interface TransferRow {
  entryId: number;
  kind: string;
  fromCustomerId: string;
  toCustomerId: string | null;
  points: number;
  reason: string | null;
  externalId: string | null;
  createdAt: Date;
}

/** An entry by its key, read as a transfer: the receiver is the member whose available it credited. */
export async function findTransferByKey(db: Executor, tenantId: string, idempotencyKey: string): Promise<TransferRow | undefined> {
  const { rows } = await db.execute<{ id: number; kind: string; customer_id: string; to_customer_id: string | null; points: number | null; reason: string | null; external_id: string | null; created_at: string }>(sql`
    SELECT e.id, e.kind, e.customer_id, e.reason, e.external_id, e.created_at,
      (SELECT a.customer_id FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND a.kind = 'available' AND p.amount > 0 LIMIT 1) AS to_customer_id,
      (SELECT sum(p.amount) FROM loyalty_postings p WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND p.amount > 0) AS points
    FROM loyalty_entries e WHERE e.tenant_id = ${tenantId} AND e.idempotency_key = ${idempotencyKey}`);
  const r = rows[0];
  return r
    ? {
      entryId: Number(r.id), kind: r.kind, fromCustomerId: r.customer_id, toCustomerId: r.to_customer_id, points: Number(r.points ?? 0),
      reason: r.reason, externalId: r.external_id, createdAt: new Date(r.created_at),
    }
    : undefined;
}

/** The lots a transfer credited, soonest expiry first. */
export async function lotsOfEntry(db: Executor, tenantId: string, entryId: number): Promise<{ id: number; amount: number; expiresAt: Date | null }[]> {
  const { rows } = await db.execute<{ id: number; amount: number; expires_at: string | null }>(sql`
    SELECT id, amount, expires_at FROM loyalty_lots WHERE tenant_id = ${tenantId} AND entry_id = ${entryId} ORDER BY expires_at ASC NULLS LAST, id`);
  return rows.map((r) => ({ id: Number(r.id), amount: Number(r.amount), expiresAt: r.expires_at === null ? null : new Date(r.expires_at) }));
}
