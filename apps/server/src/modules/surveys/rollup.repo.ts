import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { AnswerValue, Question, SurveyChannel } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { ROLLUP_COUNTERS, rollupDeltas, type Counters, type RollupCounter } from './rollup.deltas.ts';

/** The segment id of rows that count every response, whatever its segments. */
export const ALL_SEGMENTS = '00000000-0000-0000-0000-000000000000';
/** Rows per key are spread over this many shards so concurrent completions do not queue on one row. */
export const ROLLUP_SHARDS = 8;

// The counters' parts of the statements, built once. A row's JSON carries only its counters that
// are not 0 (most are, for any one answer): the others read as NULL and are written as 0.
const COLUMNS = sql.raw(ROLLUP_COUNTERS.join(', '));
const SUMS = sql.raw(ROLLUP_COUNTERS.map((k) => `coalesce(sum(v.${k}), 0)`).join(', '));
const VALUES = sql.raw(ROLLUP_COUNTERS.map((k) => `coalesce(v.${k}, 0)`).join(', '));
const TYPED = sql.raw(ROLLUP_COUNTERS.map((k) => `${k} bigint`).join(', '));
const UPDATES = sql.raw(ROLLUP_COUNTERS.map((k) => `${k} = survey_rollups.${k} + EXCLUDED.${k}`).join(', '));

export interface RollupInput {
  surveyId: string;
  responseId: string;
  submittedAt: Date;
  channel: SurveyChannel;
  stage: string | null;
  segmentIds: string[];
  /** the questions of the version the response was given against */
  questions: Question[];
  answers: Record<string, AnswerValue>;
}

/** The counters that are not 0, times the sign. */
function signed(counters: Counters, sign: 1 | -1): Counters {
  const out: Counters = {};
  for (const k in counters) {
    const v = counters[k as RollupCounter];
    if (v) out[k as RollupCounter] = sign * v;
  }
  return out;
}

/** The shard of a response: stable per response, so its −1 lands on the row its +1 did. */
export function rollupShard(responseId: string): number {
  return Number.parseInt(responseId.replace(/-/g, '').slice(-4), 16) % ROLLUP_SHARDS;
}

/**
 * A new random response id whose rollup shard is `shard` (its last hex digit decides it, as 16
 * is a multiple of ROLLUP_SHARDS; 119 random bits remain). A group of answers written together
 * takes one shard, and the next group another, so two groups in flight do not wait on each
 * other's rollup rows: on random shards every group of a dozen touched them all.
 */
export function responseIdOnShard(shard: number): string {
  const id = randomUUID();
  const last = Number.parseInt(id.slice(-1), 16);
  return id.slice(0, -1) + ((last - (last % ROLLUP_SHARDS)) + (shard % ROLLUP_SHARDS)).toString(16);
}

/**
 * Adds (+1) or takes back (−1) one complete response in survey_rollups, in the caller's
 * transaction: +1 on completion, −1 then +1 on an edit, −1 on a delete. One set-based
 * INSERT … ON CONFLICT adds the signed deltas for every (question, bucket) × (all, each segment).
 * The day is the submission's date in the workspace's time zone (read in the same statement).
 * Rows are written in key order so two transactions never lock the same rows in opposite orders.
 */
export async function applyToRollups(tx: Executor, tenantId: string, input: RollupInput, sign: 1 | -1): Promise<void> {
  const deltas = rollupDeltas(input.questions, input.answers);
  const rows = deltas.map((d) => ({ q: d.questionId, b: d.bucket, ...signed(d.counters, sign) }));
  const segments = [...new Set([ALL_SEGMENTS, ...input.segmentIds])];
  await tx.execute(sql`
    INSERT INTO survey_rollups (tenant_id, survey_id, question_id, day, channel, stage, segment_id, bucket, shard, ${COLUMNS})
    SELECT ${tenantId}::uuid, ${input.surveyId}::uuid, v.q, (${input.submittedAt.toISOString()}::timestamptz AT TIME ZONE w.time_zone)::date,
           ${input.channel}, ${input.stage ?? ''}, s.id, v.b, ${rollupShard(input.responseId)}, ${VALUES}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(q text, b text, ${TYPED})
    CROSS JOIN unnest(${sql.param(segments)}::uuid[]) AS s(id)
    JOIN workspaces w ON w.id = ${tenantId}::uuid
    ORDER BY s.id, v.q, v.b
    ON CONFLICT (tenant_id, survey_id, question_id, day, channel, stage, segment_id, bucket, shard)
    DO UPDATE SET ${UPDATES}`);
}

/**
 * Adds (+1) many new complete responses in one statement, for a group of answers written
 * together: every response's deltas × its segments, summed per rollup key (each response on its
 * own shard), so the INSERT … ON CONFLICT touches each row once. Rows go in the key order
 * `applyToRollups` uses (its rows share survey, day, channel, stage and shard and go by segment,
 * question, bucket), so a group and a single answer lock shared rows in the same order.
 */
export async function applyManyToRollups(tx: Executor, tenantId: string, inputs: RollupInput[]): Promise<void> {
  const statement = manyRollupsUpsert(tenantId, inputs);
  if (statement) await tx.execute(statement);
}

/** The statement of `applyManyToRollups`, for a writer that folds it into a statement of its own; undefined when there is nothing to add. */
export function manyRollupsUpsert(tenantId: string, inputs: RollupInput[]): SQL | undefined {
  // Rows built field by field: spreading a shared base and the counters into each was most of
  // this function's time.
  const rows: Record<string, string | number>[] = [];
  for (const input of inputs) {
    const segments = [...new Set([ALL_SEGMENTS, ...input.segmentIds])];
    const at = input.submittedAt.toISOString();
    const shard = rollupShard(input.responseId);
    for (const d of rollupDeltas(input.questions, input.answers)) {
      for (const s of segments) {
        const row: Record<string, string | number> = { sv: input.surveyId, at, ch: input.channel, st: input.stage ?? '', sh: shard, s, q: d.questionId, b: d.bucket };
        for (const k in d.counters) {
          const v = d.counters[k as RollupCounter];
          if (v) row[k] = v;
        }
        rows.push(row);
      }
    }
  }
  if (rows.length === 0) return undefined;
  return sql`
    INSERT INTO survey_rollups (tenant_id, survey_id, question_id, day, channel, stage, segment_id, bucket, shard, ${COLUMNS})
    SELECT ${tenantId}::uuid, v.sv, v.q, (v.at AT TIME ZONE w.time_zone)::date AS day, v.ch, v.st, v.s, v.b, v.sh, ${SUMS}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(sv uuid, at timestamptz, ch text, st text, sh int, s uuid, q text, b text, ${TYPED})
    JOIN workspaces w ON w.id = ${tenantId}::uuid
    GROUP BY v.sv, day, v.ch, v.st, v.s, v.q, v.b, v.sh
    ORDER BY v.sv, day, v.ch, v.st, v.sh, v.s, v.q, v.b
    ON CONFLICT (tenant_id, survey_id, question_id, day, channel, stage, segment_id, bucket, shard)
    DO UPDATE SET ${UPDATES}`;
}
