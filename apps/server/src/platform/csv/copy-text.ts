import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One value in PostgreSQL's COPY text format: `\N` for null, backslash escapes for the
 * characters that separate fields and rows. Callers keep NUL out (text columns cannot hold it).
 */
export function copyValue(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

/** A text[] value for COPY text format: an array literal with every element quoted. */
export function copyTextArray(values: readonly string[] | null | undefined): string {
  if (values === null || values === undefined) return '\\N';
  const literal = `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
  return copyValue(literal);
}

/**
 * Runs `COPY … FROM STDIN` on `client` with `payload` (rows in COPY text format, each ending
 * in a newline). Resolves once PostgreSQL has taken every row.
 */
export async function copyRows(client: pg.PoolClient, statement: string, payload: string): Promise<void> {
  const stream = client.query(copyFrom(statement));
  stream.end(payload);
  await finished(stream);
}
