import { asc, desc, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { CustomerSort } from '@vafa/contracts';
import { Problem } from '../../platform/http/problem.ts';
import { customers } from './customer.schema.ts';

type KeyType = 'text' | 'int' | 'bigint' | 'timestamptz';

interface SortKey {
  column: PgColumn;
  type: KeyType;
  /** customers without a value come after all that have one, in either direction */
  nullable: boolean;
}

export interface SortOrder {
  sort: CustomerSort;
  descending: boolean;
  /** the column walked before the id; none for creation order (the id alone) */
  key?: SortKey;
}

const KEYS: Record<string, SortKey | undefined> = {
  createdAt: undefined,
  name: { column: customers.nameKey, type: 'text', nullable: true },
  lastOrderAt: { column: customers.lastOrderAt, type: 'timestamptz', nullable: true },
  orderCount: { column: customers.orderCount, type: 'int', nullable: false },
  totalSpent: { column: customers.totalSpentMinor, type: 'bigint', nullable: false },
};

export function sortOrder(sort: CustomerSort): SortOrder {
  const descending = sort.startsWith('-');
  const key = KEYS[descending ? sort.slice(1) : sort];
  return { sort, descending, ...(key ? { key } : {}) };
}

/** Where the previous page ended: the last row's id and sort value, and whether that value was empty. */
export interface SortPosition {
  id: string;
  key: string | null;
  /** the previous page ended among the customers without a value */
  amongEmpty: boolean;
}

/** The sort value as exact text, for the cursor (a timestamp keeps its microseconds). */
export function cursorKeySql(order: SortOrder): SQL<string | null> {
  const key = order.key;
  if (!key) return sql<null>`NULL::text`;
  switch (key.type) {
    case 'timestamptz':
      return sql<string | null>`to_char(${key.column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'text':
      return sql<string | null>`${key.column}`;
    default:
      return sql<string | null>`${key.column}::text`;
  }
}

function bound(key: SortKey, value: string): SQL {
  switch (key.type) {
    case 'text':
      return sql`${value}::text COLLATE "C"`;
    case 'int':
      return sql`${value}::int`;
    case 'bigint':
      return sql`${value}::bigint`;
    case 'timestamptz':
      return sql`${value}::timestamptz`;
  }
}

/**
 * One stretch of the order that one index walks: the customers with a sort value, or those
 * without one (by id). A page reads the first, then the second if it is not yet full.
 */
export interface SortStretch {
  /** the rows of this stretch after the position */
  range: SQL;
  orderBy: SQL[];
  /** the same order in a form no index provides, so the planner finds matches first and sorts them */
  orderByUnindexed: SQL[];
}

export function stretchesAfter(order: SortOrder, after: SortPosition | undefined): SortStretch[] {
  const direction = order.descending ? desc : asc;
  const dir = sql.raw(order.descending ? 'DESC' : 'ASC');
  const beyond = sql.raw(order.descending ? '<' : '>');
  const byId: SQL[] = [direction(customers.id)];
  const byIdUnindexed = [sql`${customers.id}::text COLLATE "C" ${dir}`];
  const key = order.key;
  if (!key) {
    return [{ range: after ? sql`${customers.id} ${beyond} ${after.id}` : sql`TRUE`, orderBy: byId, orderByUnindexed: byIdUnindexed }];
  }
  const stretches: SortStretch[] = [];
  if (!after?.amongEmpty) {
    const start = after && after.key !== null ? sql` AND (${key.column}, ${customers.id}) ${beyond} (${bound(key, after.key)}, ${after.id}::uuid)` : sql``;
    const unindexed = key.type === 'text' ? sql`(${key.column} || '')` : key.type === 'timestamptz' ? sql`(${key.column} + interval '0')` : sql`(${key.column} + 0)`;
    stretches.push({
      range: sql`${key.column} IS NOT NULL${start}`,
      orderBy: [direction(key.column), ...byId],
      orderByUnindexed: [sql`${unindexed} ${dir}`, ...byIdUnindexed],
    });
  }
  if (key.nullable) {
    const start = after?.amongEmpty ? sql` AND ${customers.id} ${beyond} ${after.id}` : sql``;
    stretches.push({ range: sql`${key.column} IS NULL${start}`, orderBy: byId, orderByUnindexed: byIdUnindexed });
  }
  return stretches;
}

// ---- cursors: base64url JSON { s: sort, id, k: sort value, e: 1 among the empty values }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const INT_RANGE = { int: [-(2n ** 31n), 2n ** 31n - 1n], bigint: [-(2n ** 63n), 2n ** 63n - 1n] } as const;

const invalidCursor = () => new Problem(400, 'invalid_cursor', {}, [{ field: 'querystring.cursor', code: 'invalid_cursor', message: 'invalid_cursor' }]);

export function encodeSortCursor(order: SortOrder, last: { id: string; cursorKey: string | null }): string {
  // The default order keeps the cursor shape it has always had, so older cursors still work.
  const body = order.sort === '-createdAt' ? { id: last.id } : { s: order.sort, id: last.id, ...(last.cursorKey === null ? { e: 1 } : { k: last.cursorKey }) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function validKey(type: KeyType, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  switch (type) {
    case 'text':
      return value.length > 0 && value.length <= 1000 && !value.includes('\u0000');
    case 'timestamptz':
      return INSTANT.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().slice(0, 23) === value.slice(0, 23);
    case 'int':
    case 'bigint': {
      if (!/^-?\d{1,19}$/.test(value)) return false;
      const [min, max] = INT_RANGE[type];
      const n = BigInt(value);
      return n >= min && n <= max;
    }
  }
}

/**
 * Where to continue, or 400: `invalid_cursor` for anything not handed out by this list,
 * `cursor_sort_mismatch` for a cursor of another sort (the client changed the sort and kept it).
 */
export function decodeSortCursor(order: SortOrder, cursor: string | undefined): SortPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let decoded: Record<string, unknown>;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidCursor();
    decoded = parsed as Record<string, unknown>;
  } catch {
    throw invalidCursor();
  }
  const { s, id, k, e } = decoded;
  if (typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
  const sort = s === undefined ? '-createdAt' : s;
  if (typeof sort !== 'string') throw invalidCursor();
  if (sort !== order.sort) {
    throw new Problem(400, 'cursor_sort_mismatch', {}, [{ field: 'querystring.cursor', code: 'cursor_sort_mismatch', message: 'cursor_sort_mismatch' }]);
  }
  const key = order.key;
  if (!key) return { id, key: null, amongEmpty: false };
  if (e === 1 && key.nullable && k === undefined) return { id, key: null, amongEmpty: true };
  if (e !== undefined || !validKey(key.type, k)) throw invalidCursor();
  return { id, key: k, amongEmpty: false };
}
