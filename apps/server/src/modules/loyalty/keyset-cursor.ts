import { Problem } from '../../platform/http/problem.ts';

// Keyset cursors of the members list and the ledger explorer: the last row's sort value and id,
// as base64url JSON. A cursor that does not read back is a 400, never a 500.

export function encodeCursor(key: [string | number, string | number]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends [string | number, string | number]>(cursor: string, valid: (key: unknown[]) => key is T): T {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== 2 || !valid(key)) throw new Problem(400, 'validation_failed', {}, [{ field: 'cursor', code: 'invalid_cursor', message: 'not a cursor of this list' }]);
  return key;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT_KEY_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** An instant as the lists' keys write it (UTC to the microsecond) that PostgreSQL reads back: no 30 February, no year 0. */
export function isInstantKey(key: unknown): key is string {
  if (typeof key !== 'string' || !INSTANT_KEY_RE.test(key)) return false;
  const at = Date.parse(`${key.slice(0, 19)}Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 19) === key.slice(0, 19) && at >= Date.UTC(1900, 0, 1) && at < Date.UTC(2200, 0, 1);
}
