import type { LoyaltyAccountKind, LoyaltyEntryKind, LoyaltyLedgerPage, LoyaltyLedgerQuery } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { decodeCursor, encodeCursor, isInstantKey, UUID_RE } from './keyset-cursor.ts';
import { actorNames, listEntries, postingsOfEntries } from './ledger-explorer.repo.ts';

/** A page of journal entries, newest first, each with its postings, its keys and who wrote it. */
export async function ledgerPage(db: Executor, tenantId: string, query: LoyaltyLedgerQuery): Promise<LoyaltyLedgerPage> {
  const after = query.cursor === undefined ? undefined : decodeCursor<[string, number]>(query.cursor, (k): k is [string, number] =>
    isInstantKey(k[0]) && typeof k[1] === 'number' && Number.isSafeInteger(k[1]) && k[1] > 0);
  const rows = await listEntries(db, tenantId, {
    customerId: query.customerId, account: query.account, kind: query.kind,
    from: query.from === undefined ? undefined : new Date(query.from), to: query.to === undefined ? undefined : new Date(query.to),
    after, limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const postings = await postingsOfEntries(db, tenantId, page.map((r) => Number(r.id)));
  const ids = (prefix: string) => [...new Set(page.map((r) => r.source).filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length)).filter((id) => UUID_RE.test(id)))];
  const names = await actorNames(db, tenantId, ids('user:'), ids('api_key:'));
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: Number(r.id), kind: r.kind as LoyaltyEntryKind, createdAt: new Date(r.created_at).toISOString(),
      customerId: r.customer_id, customerName: r.customer_name, reason: r.reason, externalId: r.external_id, idempotencyKey: r.idempotency_key,
      source: r.source, actorName: names.get(r.source) ?? null, reversesEntryId: r.reverses_entry_id === null ? null : Number(r.reverses_entry_id),
      postings: postings.filter((p) => p.entry_id === r.id).map((p) => ({
        account: p.kind as LoyaltyAccountKind, customerId: p.customer_id, unit: p.unit as 'points' | 'qualifying', amount: Number(p.amount),
      })),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.created_key, Number(last.id)]) : null,
  };
}
