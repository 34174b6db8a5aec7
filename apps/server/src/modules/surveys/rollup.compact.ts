import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connect.ts';
import { ROLLUP_COUNTERS } from './rollup.deltas.ts';

export interface CompactResult {
  surveys: number;
  /** shard rows folded into shard 0 */
  folded: number;
  /** rows removed because every counter netted to 0 */
  emptied: number;
}

const KEY = 'tenant_id, survey_id, question_id, day, channel, stage, segment_id, bucket';
const key = sql.raw(KEY);
const keyOf = (alias: string) => sql.raw(KEY.split(', ').map((c) => `${alias}.${c}`).join(', '));
const columns = sql.raw(ROLLUP_COUNTERS.join(', '));
const summed = sql.raw(ROLLUP_COUNTERS.map((k) => `sum(${k})`).join(', '));
const added = sql.raw(ROLLUP_COUNTERS.map((k) => `${k} = survey_rollups.${k} + EXCLUDED.${k}`).join(', '));
const allZero = sql.raw(ROLLUP_COUNTERS.map((k) => `${k} = 0`).join(' AND '));

/**
 * The last day that is left sharded: shards only spread the concurrent writes of the days still
 * being answered, so days before yesterday (UTC, hence before yesterday in every time zone that
 * matters) are folded into one row per key.
 */
function cutoff(before: Date) {
  return sql`((${before.toISOString()}::timestamptz AT TIME ZONE 'UTC')::date - 1)`;
}

/**
 * Folds one survey's shard 1..7 rows of old days into shard 0 and drops rows that netted to 0,
 * in the caller's transaction. The DELETE … RETURNING and the INSERT are one statement, so the
 * sums never count a row twice or lose it; a write racing it either is seen by the DELETE (it
 * re-reads the updated row) or lands after it as a new shard row (ON CONFLICT inserts afresh),
 * and the sum over shards stays right. Rows are locked in the writer's order (segment, question,
 * bucket) so a late edit of an old response cannot deadlock with it.
 */
export async function compactSurveyRollups(tx: Executor, tenantId: string, surveyId: string, before: Date): Promise<Omit<CompactResult, 'surveys'>> {
  const old = sql`tenant_id = ${tenantId} AND survey_id = ${surveyId} AND day < ${cutoff(before)}`;
  const fold = await tx.execute(sql`
    WITH locked AS (
      SELECT ${key}, shard FROM survey_rollups WHERE ${old} AND shard > 0
      ORDER BY segment_id, question_id, bucket, day, channel, stage, shard FOR UPDATE
    ),
    moved AS (
      DELETE FROM survey_rollups r USING locked l
      WHERE (${keyOf('r')}, r.shard) = (${keyOf('l')}, l.shard)
      RETURNING r.*
    ),
    folded AS (
      INSERT INTO survey_rollups (${key}, shard, ${columns})
      SELECT ${key}, 0, ${summed} FROM moved GROUP BY ${key}
      ORDER BY segment_id, question_id, bucket, day, channel, stage
      ON CONFLICT (${key}, shard) DO UPDATE SET ${added}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved)::int AS folded, (SELECT count(*) FROM folded)::int AS written`);
  const emptied = await tx.execute(sql`DELETE FROM survey_rollups WHERE ${old} AND ${allZero}`);
  return { folded: Number((fold.rows[0] as { folded: number }).folded), emptied: emptied.rowCount ?? 0 };
}

/**
 * Compacts the rollups of every survey with something to compact, one transaction per survey.
 * Safe to run twice or alongside writes: a second run finds nothing to fold.
 */
export async function compactRollups(db: Db, options: { before?: Date } = {}): Promise<CompactResult> {
  const before = options.before ?? new Date();
  const due = await db.execute(sql`
    SELECT s.tenant_id, s.id FROM surveys s
    WHERE EXISTS (SELECT 1 FROM survey_rollups r
                  WHERE r.tenant_id = s.tenant_id AND r.survey_id = s.id AND r.day < ${cutoff(before)}
                    AND (r.shard > 0 OR (${sql.raw(ROLLUP_COUNTERS.map((k) => `r.${k} = 0`).join(' AND '))})))`);
  const total: CompactResult = { surveys: 0, folded: 0, emptied: 0 };
  for (const row of due.rows as { tenant_id: string; id: string }[]) {
    const r = await db.transaction((tx) => compactSurveyRollups(tx, row.tenant_id, row.id, before));
    total.surveys++;
    total.folded += r.folded;
    total.emptied += r.emptied;
  }
  return total;
}
