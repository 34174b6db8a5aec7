// The parts of a ledger entry's one-statement booking that every kind of entry writes the same
// way (ledger.repo.ts bookEntry, transfers.repo.ts, member-lifecycle.repo.ts). Each is a run of
// CTEs to put after a CTE named `entry` that inserted the entry (`RETURNING id`, no row when its
// idempotency key was taken, so nothing below it writes either).
import { sql, type SQL } from 'drizzle-orm';
import type { Draw, Posting } from './ledger.repo.ts';

/**
 * `input` and `postings`: the entry's postings, each account found by kind and holder through the
 * accounts' unique keys (a member's account, or the workspace's own when the holder is null),
 * with no lock taken on any account. `postings` returns a row a posting.
 */
export function postingsByHolder(tenantId: string, postings: Posting[]): SQL {
  return sql`input AS (
      SELECT * FROM unnest(${sql.param(postings.map((p) => p.account))}::text[], ${sql.param(postings.map((p) => p.customerId))}::uuid[],
                           ${sql.param(postings.map((p) => p.amount))}::bigint[]) AS x(kind, holder, amount)
    ), postings AS (
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT ${tenantId}::uuid, entry.id, a.id, x.amount
      FROM entry CROSS JOIN input x
      CROSS JOIN LATERAL (
        SELECT id FROM loyalty_accounts WHERE tenant_id = ${tenantId} AND customer_id = x.holder AND kind = x.kind
        UNION ALL
        SELECT id FROM loyalty_accounts WHERE tenant_id = ${tenantId} AND customer_id IS NULL AND x.holder IS NULL AND kind = x.kind
      ) a
      RETURNING 1
    )`;
}

/**
 * `draw_input`, `draws` and `drawn`: the entry's draws recorded against the lots they take from,
 * and those lots' `remaining` lowered; only lots of `ownerId` are touched, so a lot id of another
 * member draws nothing and the caller's count check fails. `drawn` returns a row a lot updated.
 */
export function drawsOnLots(tenantId: string, ownerId: string, draws: Draw[]): SQL {
  return sql`draw_input AS (
      SELECT * FROM unnest(${sql.param(draws.map((d) => d.lotId))}::bigint[], ${sql.param(draws.map((d) => d.amount))}::bigint[]) AS d(lot_id, amount)
    ), draws AS (
      INSERT INTO loyalty_draws (tenant_id, entry_id, lot_id, amount)
      SELECT ${tenantId}::uuid, entry.id, d.lot_id, d.amount FROM entry CROSS JOIN draw_input d
    ), drawn AS (
      UPDATE loyalty_lots l SET remaining = l.remaining - d.amount
      FROM draw_input d WHERE l.tenant_id = ${tenantId} AND l.id = d.lot_id AND l.customer_id = ${ownerId} AND EXISTS (SELECT 1 FROM entry)
      RETURNING 1
    )`;
}
