const PG_TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2})(?::?(\d{2}))?(?::?\d{2})?$/;

/**
 * Raw `execute` results carry timestamptz as PostgreSQL's text ('2024-05-01 10:00:00.123456+00'):
 * drizzle turns off node-postgres's Date parsing so its query builder can map columns itself.
 */
export function instantOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  const match = PG_TIMESTAMPTZ.exec(text);
  const parsed = match ? new Date(`${match[1]}T${match[2]}${match[3] === 'Z' ? 'Z' : `${match[3]}:${match[4] ?? '00'}`}`) : new Date(text);
  if (Number.isNaN(parsed.getTime())) throw new Error(`unreadable timestamp from the database: ${text}`);
  return parsed;
}

/** For NOT NULL columns. */
export const requiredInstant = (value: unknown): Date => instantOf(value)!;
