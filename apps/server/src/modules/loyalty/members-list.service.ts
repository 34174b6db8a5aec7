import type { LoyaltyMemberList, LoyaltyMemberListQuery } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { parseCustomerSearch } from '../customers/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { decodeCursor, encodeCursor, isInstantKey, UUID_RE } from './keyset-cursor.ts';
import { listMembers } from './members-list.repo.ts';

const DAY_MS = 86_400_000;

/**
 * A page of members: balance and pending as they stand at `now` (members-list.repo.ts: as the
 * member's own page reads them, before the hourly run books expiries and unlocks), what expires
 * within `expiringDays`, the program's tier, last activity. The cursor keeps the booked balance,
 * the order's key.
 */
export async function memberList(db: Executor, tenantId: string, query: LoyaltyMemberListQuery, now: Date): Promise<LoyaltyMemberList> {
  const byActivity = query.sort.endsWith('lastActivity');
  const after = query.cursor === undefined ? undefined : decodeCursor<[string | number, string]>(query.cursor, (k): k is [string | number, string] =>
    typeof k[1] === 'string' && UUID_RE.test(k[1]) && (byActivity ? isInstantKey(k[0]) : typeof k[0] === 'number' && Number.isSafeInteger(k[0])));
  // The customers list's reading of a query: Persian and Arabic letters folded, any digits, a phone in any form.
  const search = query.q === undefined ? undefined : parseCustomerSearch(query.q, (await workspaceSettings(db, tenantId)).defaultCountry);
  const rows = await listMembers(db, tenantId, {
    now, programId: query.programId, tierId: query.tierId, search, sort: query.sort,
    expiringBefore: new Date(now.getTime() + query.expiringDays * DAY_MS), after, limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      customerId: r.customer_id, name: r.name, phone: r.phone, available: Number(r.available_now), pending: Number(r.pending_now),
      expiringSoon: Number(r.expiring), nextExpiry: r.next_expiry === null ? null : new Date(r.next_expiry).toISOString(),
      tier: r.tier_id !== null && r.tier_name !== null ? { id: r.tier_id, name: r.tier_name } : null,
      lastActivityAt: r.activity_key.replace(/(\.\d{3})\d{3}Z$/, '$1Z'),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([byActivity ? last.activity_key : Number(last.available), last.customer_id]) : null,
  };
}
