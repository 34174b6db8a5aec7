import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { requiredInstant } from './pg-instant.ts';
import type { TouchpointDataValue, TouchpointRow } from './touchpoint.repo.ts';

/** What an edit of a hand-written entry needs of its touchpoint. */
export type EntryRow = Pick<TouchpointRow, 'id' | 'customerId' | 'kind' | 'channel' | 'stage' | 'occurredAt' | 'source' | 'data'>;

/** One touchpoint of this customer, locked until the transaction ends so two edits cannot interleave. */
export async function lockEntry(tx: Executor, tenantId: string, customerId: string, id: string): Promise<EntryRow | undefined> {
  const { rows } = await tx.execute<{
    id: string; customer_id: string; kind: string; channel: string; stage: string; occurred_at: string; source: string | null; data: Record<string, TouchpointDataValue>;
  }>(sql`
    SELECT id, customer_id, kind, channel, stage, occurred_at, source, data FROM touchpoints
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND id = ${id}
    FOR UPDATE`);
  const r = rows[0];
  return r && {
    id: r.id, customerId: r.customer_id, kind: r.kind, channel: r.channel, stage: r.stage,
    occurredAt: requiredInstant(r.occurred_at), source: r.source, data: r.data,
  };
}

export async function updateEntry(
  tx: Executor,
  tenantId: string,
  id: string,
  entry: { kind: string; channel: string; stage: string; occurredAt: string; data: Record<string, TouchpointDataValue> },
): Promise<void> {
  await tx.execute(sql`
    UPDATE touchpoints
    SET kind = ${entry.kind}, channel = ${entry.channel}, stage = ${entry.stage}, occurred_at = ${entry.occurredAt}::timestamptz,
        data = ${JSON.stringify(entry.data)}::jsonb
    WHERE tenant_id = ${tenantId} AND id = ${id}`);
}

export async function deleteEntry(tx: Executor, tenantId: string, id: string): Promise<void> {
  await tx.execute(sql`DELETE FROM touchpoints WHERE tenant_id = ${tenantId} AND id = ${id}`);
}
