import { Problem } from '../../platform/http/problem.ts';
import { encodeSortCursor, type SortOrder } from './customer.sort.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Keyset cursors are opaque to clients: base64url of the last id they saw. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ id: lastId }), 'utf8').toString('base64url');
}

/** The id to continue after, or 400 invalid_cursor for anything we did not hand out. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const id = (decoded as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && UUID.test(id)) return id;
  } catch {
    // falls through to the problem below
  }
  throw new Problem(400, 'invalid_cursor', {}, [{ field: 'querystring.cursor', code: 'invalid_cursor', message: 'invalid_cursor' }]);
}

/** One page from `limit + 1` rows: the extra row only says that another page exists. */
export function pageFrom<T extends { id: string; cursorKey: string | null }, V>(
  rows: T[],
  limit: number,
  order: SortOrder,
  present: (row: T) => V,
): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(present), nextCursor: rows.length > limit && last ? encodeSortCursor(order, last) : null };
}
