import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';

// The ledger explorer: journal entries newest first with their postings, filtered by member,
// account kind, entry kind and instants; keyset-paged on (created_at, id) through
// loyalty_entries_created_idx (migration 0031), or the member index for one member's entries.

export interface LedgerCriteria {
  customerId?: string;
  account?: string;
  kind?: string;
  from?: Date;
  to?: Date;
  /** the last entry of the previous page: its instant (to the microsecond, UTC) and id */
  after?: [string, number];
  limit: number;
}

export type LedgerEntryRow = {
  id: string;
  kind: string;
  created_at: string;
  created_key: string;
  customer_id: string | null;
  customer_name: string | null;
  reason: string | null;
  external_id: string | null;
  idempotency_key: string;
  source: string;
  reverses_entry_id: string | null;
};

export async function listEntries(db: Executor, tenantId: string, c: LedgerCriteria): Promise<LedgerEntryRow[]> {
  const { rows } = await db.execute<LedgerEntryRow>(ledgerQuery(tenantId, c));
  return rows;
}

/** The page's query (exported for the plan check in the test). */
export function ledgerQuery(tenantId: string, c: LedgerCriteria): SQL {
  const conditions: SQL[] = [sql`e.tenant_id = ${tenantId}`];
  if (c.customerId !== undefined) conditions.push(sql`e.customer_id = ${c.customerId}::uuid`);
  if (c.kind !== undefined) conditions.push(sql`e.kind = ${c.kind}`);
  if (c.from !== undefined) conditions.push(sql`e.created_at >= ${c.from.toISOString()}::timestamptz`);
  if (c.to !== undefined) conditions.push(sql`e.created_at < ${c.to.toISOString()}::timestamptz`);
  if (c.account !== undefined) {
    // With a member: that member's account of the kind (or the workspace's, for a workspace kind); without: any account of the kind.
    const holder = c.customerId !== undefined ? sql`AND (a.customer_id IS NULL OR a.customer_id = ${c.customerId}::uuid)` : sql``;
    conditions.push(sql`EXISTS (SELECT 1 FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
                                WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND a.kind = ${c.account} ${holder})`);
  }
  if (c.after) conditions.push(sql`(e.created_at, e.id) < (${c.after[0]}::timestamptz, ${c.after[1]}::bigint)`);
  return sql`
    SELECT e.id::text AS id, e.kind, e.created_at, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
           e.customer_id, c.name AS customer_name, e.reason, e.external_id, e.idempotency_key, e.source, e.reverses_entry_id::text AS reverses_entry_id
    FROM loyalty_entries e
    LEFT JOIN customers c ON c.tenant_id = e.tenant_id AND c.id = e.customer_id
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY e.created_at DESC, e.id DESC
    LIMIT ${c.limit}`;
}

export type LedgerPostingRow = {
  entry_id: string;
  kind: string;
  customer_id: string | null;
  unit: string;
  amount: string;
};

export async function postingsOfEntries(db: Executor, tenantId: string, entryIds: number[]): Promise<LedgerPostingRow[]> {
  if (entryIds.length === 0) return [];
  const { rows } = await db.execute<LedgerPostingRow>(sql`
    SELECT p.entry_id::text AS entry_id, a.kind, a.customer_id, a.unit, p.amount::text AS amount
    FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = ${tenantId} AND p.entry_id = ANY(${`{${entryIds.join(',')}}`}::bigint[])
    ORDER BY p.entry_id, a.unit, p.amount`);
  return rows;
}

/** Display names of the workspace's people and API keys behind entry sources (`user:<id>`, `api_key:<id>`). */
export async function actorNames(db: Executor, tenantId: string, userIds: string[], keyIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (userIds.length > 0) {
    const { rows } = await db.execute<{ id: string; name: string }>(sql`
      SELECT a.id, a.display_name AS name FROM members mb JOIN accounts a ON a.id = mb.account_id
      WHERE mb.tenant_id = ${tenantId} AND mb.account_id = ANY(${`{${userIds.join(',')}}`}::uuid[])`);
    for (const r of rows) names.set(`user:${r.id}`, r.name);
  }
  if (keyIds.length > 0) {
    const { rows } = await db.execute<{ id: string; name: string }>(sql`
      SELECT id, name FROM api_keys WHERE tenant_id = ${tenantId} AND id = ANY(${`{${keyIds.join(',')}}`}::uuid[])`);
    for (const r of rows) names.set(`api_key:${r.id}`, r.name);
  }
  return names;
}
