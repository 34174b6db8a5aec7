import { and, arrayContains, eq, getTableColumns, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import type { CustomerRow } from './customer.present.ts';
import { isLive } from './customer.repo.ts';
import { customers } from './customer.schema.ts';
import { containsPattern, type CustomerSearch } from './customer.search-text.ts';
import { cursorKeySql, sortOrder, stretchesAfter, type SortOrder, type SortPosition, type SortStretch } from './customer.sort.ts';

export type CustomerState = 'live' | 'merged' | 'erased' | 'all';

export interface CustomerCriteria {
  search?: CustomerSearch;
  tag?: string;
  language?: string;
  /** channel with consent granted */
  consent?: string;
  state?: CustomerState;
  /** a compiled segment (rules or listed members) */
  predicate?: SQL;
}

function stateCondition(state: CustomerState): SQL | undefined {
  switch (state) {
    case 'live':
      return isLive;
    case 'merged':
      return isNotNull(customers.mergedInto);
    case 'erased':
      return isNotNull(customers.erasedAt);
    case 'all':
      return undefined;
  }
}

/** Conditions that narrow the list beyond its state. */
function narrowingConditions(criteria: CustomerCriteria): SQL[] {
  const conditions: (SQL | undefined)[] = [
    criteria.search?.phone !== undefined ? eq(customers.phone, criteria.search.phone) : undefined,
    ...(criteria.search?.needles ?? []).map((needle) => sql`${customers.searchText} LIKE ${containsPattern(needle)}`),
    criteria.tag !== undefined ? arrayContains(customers.tags, [criteria.tag]) : undefined,
    criteria.language !== undefined ? eq(customers.language, criteria.language) : undefined,
    criteria.consent !== undefined ? sql`(${customers.consent} -> ${criteria.consent}::text ->> 'granted') = 'true'` : undefined,
    criteria.predicate,
  ];
  return conditions.filter((c): c is SQL => c !== undefined);
}

/** Every condition of the criteria, tenant included, as one WHERE fragment over `customers`. */
export function criteriaCondition(tenantId: string, criteria: CustomerCriteria): SQL {
  const state = stateCondition(criteria.state ?? 'live');
  return and(eq(customers.tenantId, tenantId), state, ...narrowingConditions(criteria))!;
}

/** How many of the first customers in the list's order a filtered page first looks through. */
const RECENT_WINDOW = 10_000;

export type ListedCustomerRow = CustomerRow & { cursorKey: string | null };

export interface ListPage {
  sort?: SortOrder;
  after?: SortPosition;
  limit: number;
  recentWindow?: number;
}

/**
 * A page of customers in the requested order (newest first by default), continuing after
 * `after`. Each stretch of the order (customers with a sort value, then those without) is read
 * in up to two steps, because PostgreSQL cannot know how common a filter is: first among the
 * next RECENT_WINDOW customers in order (a common filter fills the page there within
 * milliseconds, and that page is exact: everything outside the window comes later); only if
 * that falls short, over the whole workspace, where search terms go through the trigram GIN
 * index on (tenant_id, search_text) and the few matches are sorted.
 */
export async function listCustomers(db: Executor, tenantId: string, criteria: CustomerCriteria, page: ListPage): Promise<ListedCustomerRow[]> {
  const order = page.sort ?? sortOrder('-createdAt');
  const rows: ListedCustomerRow[] = [];
  for (const stretch of stretchesAfter(order, page.after)) {
    rows.push(...(await listStretch(db, tenantId, criteria, order, stretch, page.limit - rows.length, page.recentWindow ?? RECENT_WINDOW)));
    if (rows.length >= page.limit) break;
  }
  return rows;
}

async function listStretch(
  db: Executor,
  tenantId: string,
  criteria: CustomerCriteria,
  order: SortOrder,
  stretch: SortStretch,
  limit: number,
  recentWindow: number,
): Promise<ListedCustomerRow[]> {
  const state = criteria.state ?? 'live';
  const narrowing = narrowingConditions(criteria);
  const conditions = [stateCondition(state), ...narrowing].filter((c): c is SQL => c !== undefined);
  const scope = and(eq(customers.tenantId, tenantId), stretch.range)!;
  const fields = { ...getTableColumns(customers), cursorKey: cursorKeySql(order).as('cursor_key') };
  // Most customers are live: walking the order's index fills a page at once.
  if (narrowing.length === 0 && (state === 'live' || state === 'all')) {
    return db.select(fields).from(customers).where(and(scope, ...conditions)).orderBy(...stretch.orderBy).limit(limit);
  }

  // A whole phone number matches one live customer at most: straight to its index.
  if (criteria.search?.phone === undefined) {
    // The window is a subquery aliased as `customers`, so the same conditions and order apply to
    // it; its LIMIT keeps PostgreSQL walking the order's index, and it stops once the page is full.
    const window = db.select(fields).from(customers).where(scope).orderBy(...stretch.orderBy).limit(recentWindow).as('customers');
    const recent = await db.select().from(window).where(and(...conditions)).orderBy(...stretch.orderBy).limit(limit);
    if (recent.length === limit) return recent;
  }

  const searching = criteria.search !== undefined && (criteria.search.phone !== undefined || criteria.search.needles.length > 0);
  return db.select(fields).from(customers)
    .where(and(scope, ...conditions))
    // An order no index gives keeps the planner from walking an index through a whole large
    // workspace looking for a rare term; it takes the search indexes and sorts the few matches.
    .orderBy(...(searching ? stretch.orderByUnindexed : stretch.orderBy))
    .limit(limit);
}

export async function countLiveCustomers(db: Executor, tenantId: string, predicate: SQL): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(customers)
    .where(and(eq(customers.tenantId, tenantId), isLive, predicate));
  return row?.count ?? 0;
}

/** The exact number of matches, but reading no more than `cap + 1` of them. */
export async function countMatchesUpTo(db: Executor, condition: SQL, cap: number): Promise<number> {
  const result = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM customers WHERE ${condition} LIMIT ${cap + 1}) AS matches`);
  return Number(result.rows[0]?.n ?? 0);
}

/** What the planner expects the count to be, from the table's statistics (no rows are read). */
export async function plannedMatches(db: Executor, condition: SQL): Promise<number> {
  const result = await db.execute<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(sql`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM customers WHERE ${condition}`);
  const plan = result.rows[0]?.['QUERY PLAN'];
  const parsed = typeof plan === 'string' ? (JSON.parse(plan) as [{ Plan: { 'Plan Rows': number } }]) : plan;
  return Math.round(parsed?.[0]?.Plan['Plan Rows'] ?? 0);
}
