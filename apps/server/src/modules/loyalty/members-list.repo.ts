import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { containsPattern, type CustomerSearch } from '../customers/index.ts';

// The members list: loyalty_members with the customer's name and phone, the program's tier and
// what expires soon. Keyset-paged on (sort value, customer id) through
// loyalty_members_available_idx / loyalty_members_activity_idx (migration 0031), so a page costs
// the same on page 1 and page 2,000 of 100k members. The balances shown are as they stand at `now`
// (as member-balance.repo.ts lotStatesAt reads them, over each member's open lots): points past
// their expiry are not available, points past their pending period are, before the hourly due work
// books it. The order is the booked balance's (the index's), which differs from the shown one only
// for members with due work not yet booked, for at most the hour until the run.

export type MemberSort = '-available' | 'available' | '-lastActivity' | 'lastActivity';

export interface MemberListCriteria {
  /** the instant the balances are read at */
  now: Date;
  programId?: string;
  tierId?: string;
  search?: CustomerSearch;
  sort: MemberSort;
  expiringBefore: Date;
  /** the last row of the previous page: its sort value (a number or a UTC instant to the microsecond) and customer id */
  after?: [string | number, string];
  limit: number;
}

export type MemberListRow = {
  customer_id: string;
  name: string | null;
  phone: string | null;
  /** the booked balance: the sort key */
  available: string;
  /** the balances as they stand at `now` */
  available_now: string;
  pending_now: string;
  expiring: string;
  next_expiry: string | null;
  tier_id: string | null;
  tier_name: { fa: string; ar: string; en: string } | null;
  activity_key: string;
};

const ACTIVITY_KEY = sql.raw(`to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

export async function listMembers(db: Executor, tenantId: string, c: MemberListCriteria): Promise<MemberListRow[]> {
  const { rows } = await db.execute<MemberListRow>(memberListQuery(tenantId, c));
  return rows;
}

/** The page's query (exported for the plan check in the test). */
export function memberListQuery(tenantId: string, c: MemberListCriteria): SQL {
  const byActivity = c.sort.endsWith('lastActivity');
  const descending = c.sort.startsWith('-');
  const column = byActivity ? sql.raw('m.updated_at') : sql.raw('m.available');
  const direction = sql.raw(descending ? 'DESC' : 'ASC');
  const conditions: SQL[] = [sql`m.tenant_id = ${tenantId}`];
  if (c.after) {
    const value = byActivity ? sql`${String(c.after[0])}::timestamptz` : sql`${Number(c.after[0])}::bigint`;
    conditions.push(descending ? sql`(${column}, m.customer_id) < (${value}, ${c.after[1]}::uuid)` : sql`(${column}, m.customer_id) > (${value}, ${c.after[1]}::uuid)`);
  }
  // A phone is unique among customers not merged away (customers_phone_key is partial): found through that index.
  if (c.search?.phone !== undefined) conditions.push(sql`c.phone = ${c.search.phone} AND c.merged_into IS NULL`);
  for (const needle of c.search?.needles ?? []) conditions.push(sql`c.search_text LIKE ${containsPattern(needle)}`);
  if (c.tierId !== undefined) conditions.push(sql`mt.tier_id = ${c.tierId}::uuid`);
  const program = c.programId === undefined ? sql`NULL::uuid` : sql`${c.programId}::uuid`;
  const now = sql`${c.now.toISOString()}::timestamptz`;
  // Each open lot's state at `now`, as lotStatesAt places it: still pending, past its expiry, or available.
  return sql`
    SELECT m.customer_id, c.name, c.phone, m.available::text AS available,
           (m.available + lots.unlock_due - lots.expired_due)::text AS available_now, (m.pending - lots.unlock_due)::text AS pending_now,
           lots.expiring::text AS expiring, lots.next_expiry, mt.tier_id, t.name AS tier_name, ${ACTIVITY_KEY} AS activity_key
    FROM loyalty_members m
    JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id
    LEFT JOIN loyalty_member_tiers mt ON mt.tenant_id = m.tenant_id AND mt.program_id = ${program} AND mt.customer_id = m.customer_id
    LEFT JOIN loyalty_tiers t ON t.tenant_id = mt.tenant_id AND t.id = mt.tier_id
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(remaining) FILTER (WHERE booked_pending AND state <> 'pending'), 0) AS unlock_due,
             coalesce(sum(remaining) FILTER (WHERE state = 'expired'), 0) AS expired_due,
             coalesce(sum(remaining) FILTER (WHERE state = 'available' AND expires_at < ${c.expiringBefore.toISOString()}::timestamptz), 0) AS expiring,
             min(expires_at) FILTER (WHERE state = 'available' AND expires_at < ${c.expiringBefore.toISOString()}::timestamptz) AS next_expiry
      FROM (
        SELECT l.remaining, l.expires_at, l.pending_until IS NOT NULL AND l.unlocked_at IS NULL AS booked_pending,
          CASE WHEN l.pending_until IS NOT NULL AND l.unlocked_at IS NULL AND l.pending_until > ${now} THEN 'pending'
               WHEN l.expires_at <= ${now} THEN 'expired'
               ELSE 'available' END AS state
        FROM loyalty_lots l
        WHERE l.tenant_id = m.tenant_id AND l.customer_id = m.customer_id AND l.remaining > 0
      ) lot
    ) lots
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY ${column} ${direction}, m.customer_id ${direction}
    LIMIT ${c.limit}`;
}
