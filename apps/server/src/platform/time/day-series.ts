import { sql, type SQL } from 'drizzle-orm';

/**
 * A query of every calendar day (`day`, a date) that [from, to) touches in a time zone, oldest
 * first: the frame that per-day counts are joined onto so that quiet days show as zero.
 */
export function localDaySeries(from: Date, to: Date, timeZone: string): SQL {
  return sql`
    SELECT d::date AS day
    FROM generate_series((${from.toISOString()}::timestamptz AT TIME ZONE ${timeZone})::date,
                         ((${to.toISOString()}::timestamptz - interval '1 microsecond') AT TIME ZONE ${timeZone})::date,
                         interval '1 day') AS d`;
}
