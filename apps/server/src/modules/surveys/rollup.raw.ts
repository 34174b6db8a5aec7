import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { ALL_SEGMENTS } from './rollup.repo.ts';
import { OTHER_BUCKET, ROLLUP_COUNTERS, type Counters } from './rollup.deltas.ts';

/** One rollup key with its counters summed over shards. */
export interface RollupRow {
  questionId: string;
  day: string;
  channel: string;
  stage: string;
  segmentId: string;
  bucket: string;
  counters: Required<Counters>;
}

const counterList = sql.raw(ROLLUP_COUNTERS.map((k) => `sum(${k})::bigint AS ${k}`).join(', '));

function toRows(rows: Record<string, unknown>[]): RollupRow[] {
  return rows
    .map((r) => ({
      questionId: String(r.question_id), day: String(r.day), channel: String(r.channel), stage: String(r.stage), segmentId: String(r.segment_id), bucket: String(r.bucket),
      counters: Object.fromEntries(ROLLUP_COUNTERS.map((k) => [k, Number(r[k])])) as Required<Counters>,
    }))
    .filter((r) => ROLLUP_COUNTERS.some((k) => r.counters[k] !== 0))
    .sort((a, b) => (a.questionId + a.day + a.channel + a.stage + a.segmentId + a.bucket).localeCompare(b.questionId + b.day + b.channel + b.stage + b.segmentId + b.bucket));
}

/** The rollups of a survey, shards summed, rows that netted to zero left out. */
export async function storedRollups(db: Executor, tenantId: string, surveyId: string): Promise<RollupRow[]> {
  const res = await db.execute(sql`
    SELECT question_id, day::text AS day, channel, stage, segment_id, bucket, ${counterList}
    FROM survey_rollups WHERE tenant_id = ${tenantId} AND survey_id = ${surveyId}
    GROUP BY question_id, day, channel, stage, segment_id, bucket`);
  return toRows(res.rows);
}

/**
 * The same figures computed from the raw answers (complete responses, each question read from
 * the version it was answered against) — the check the rollups are held to in tests, and the
 * baseline the results bench compares against. Independent SQL on purpose: it shares no code
 * with the rollup writer but the bucket names.
 */
export async function rawRollups(db: Executor, tenantId: string, surveyId: string): Promise<RollupRow[]> {
  const res = await db.execute(sql`
    WITH resp AS (
      SELECT r.id, r.version, r.channel, coalesce(r.stage, '') AS stage, (r.submitted_at AT TIME ZONE w.time_zone)::date AS day,
             array_prepend(${ALL_SEGMENTS}::uuid, r.segment_ids) AS segs
      FROM survey_responses r JOIN workspaces w ON w.id = r.tenant_id
      WHERE r.tenant_id = ${tenantId} AND r.survey_id = ${surveyId} AND r.status = 'complete' AND r.submitted_at IS NOT NULL
    ),
    qdef AS (
      SELECT v.version, q->>'id' AS qid, q->>'type' AS type,
             CASE q->>'type' WHEN 'nps' THEN 0 WHEN 'enps' THEN 0 WHEN 'rating' THEN coalesce((q->>'min')::int, 1) ELSE 1 END AS lo,
             CASE q->>'type' WHEN 'nps' THEN 10 WHEN 'enps' THEN 10 WHEN 'ces' THEN 7 WHEN 'csat' THEN coalesce((q->>'points')::int, 5)
                             WHEN 'rating' THEN coalesce((q->>'max')::int, 5) ELSE NULL END AS hi
      FROM survey_versions v CROSS JOIN jsonb_array_elements(v.definition->'questions') AS q
      WHERE v.tenant_id = ${tenantId} AND v.survey_id = ${surveyId}
    ),
    ans AS (
      SELECT resp.*, d.qid, d.type, d.lo, d.hi, a.skipped, a.score, a.choices, a.other_text, a.text_value, a.date_value, a.desired, a.adequate, a.perceived,
             (NOT a.skipped AND (a.score IS NOT NULL OR a.choices IS NOT NULL OR a.date_value IS NOT NULL OR a.perceived IS NOT NULL
                                 OR (a.text_value IS NOT NULL AND btrim(a.text_value) <> ''))) AS is_answer
      FROM resp
      JOIN survey_answers a ON a.tenant_id = ${tenantId} AND a.response_id = resp.id
      JOIN qdef d ON d.version = resp.version AND d.qid = a.question_id
    ),
    facts AS (
      SELECT '' AS question_id, day, channel, stage, segs, '' AS bucket,
             1 AS answered, 0 AS skipped, 0 AS sum, 0 AS sum_sq, 0 AS promoters, 0 AS passives, 0 AS detractors, 0 AS top_two, 0 AS bottom_two, 0 AS agree,
             0 AS desired_sum, 0 AS adequate_sum, 0 AS perceived_sum, 0 AS below_zone, 0 AS within_zone, 0 AS above_zone
      FROM resp
      UNION ALL
      SELECT qid, day, channel, stage, segs, '',
             is_answer::int, skipped::int, coalesce(score, 0), coalesce(score * score, 0),
             (type IN ('nps', 'enps') AND score >= 9)::int, (type IN ('nps', 'enps') AND score BETWEEN 7 AND 8)::int, (type IN ('nps', 'enps') AND score <= 6)::int,
             (type IN ('csat', 'rating') AND CASE WHEN hi - lo + 1 <= 2 THEN score = hi ELSE score >= hi - 1 END)::int,
             (type IN ('csat', 'rating') AND CASE WHEN hi - lo + 1 <= 2 THEN score = lo ELSE score <= lo + 1 END)::int,
             (type = 'ces' AND score >= 5)::int,
             coalesce(desired, 0), coalesce(adequate, 0), coalesce(perceived, 0),
             (perceived < adequate)::int, (perceived >= adequate AND perceived <= desired)::int, (perceived >= adequate AND perceived > desired)::int
      FROM ans WHERE is_answer OR skipped
      UNION ALL
      SELECT qid, day, channel, stage, segs, 'v:' || score, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM ans WHERE is_answer AND score IS NOT NULL
      UNION ALL
      SELECT qid, day, channel, stage, segs, 'o:' || o.opt, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM ans CROSS JOIN LATERAL (SELECT DISTINCT unnest(ans.choices) AS opt) o WHERE is_answer AND choices IS NOT NULL
      UNION ALL
      SELECT qid, day, channel, stage, segs, ${OTHER_BUCKET}, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM ans WHERE is_answer AND choices IS NOT NULL AND btrim(coalesce(other_text, '')) <> ''
    )
    SELECT question_id, day::text AS day, channel, stage, seg AS segment_id, bucket, ${counterList}
    FROM facts CROSS JOIN unnest(segs) AS seg
    GROUP BY question_id, day, channel, stage, seg, bucket`);
  return toRows(res.rows);
}
