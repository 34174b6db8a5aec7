import { sql, type SQL } from 'drizzle-orm';
import type { ResultsFilter } from '@vafa/contracts';
import { addDays, checkPeriod } from './results.period.ts';

/**
 * Which responses a screen reads, in SQL over `survey_responses r`: the filters of the responses
 * list, its export and the themes of a slice. Segment, stage and period mean what the rollups
 * (and so the results) mean by them:
 * - segment: the customer's segments when the response completed (`segment_ids`, written once
 *   with the rollup rows), so a customer who joins a segment later does not move old answers;
 * - stage: the survey's journey stage stored on the response ('' or null = `none`);
 * - period: days of the workspace's time zone, inclusive — the rollups' `day` is
 *   `(submitted_at AT TIME ZONE tz)::date`; here the same days as an instant range on the
 *   ordering column, so the (tenant, survey, submitted_at) index still walks it.
 */
export interface ResponseFilter {
  channel?: string | undefined;
  segmentId?: string | undefined;
  stage?: ResultsFilter['stage'] | undefined;
  /** days of the workspace (ISO, inclusive) */
  from?: string | undefined;
  to?: string | undefined;
  /** instants, for an export asked with them ([fromInstant, toInstant)) */
  fromInstant?: Date | undefined;
  toInstant?: Date | undefined;
  /** the score of this question within [scoreMin, scoreMax] */
  scoreQuestion?: string | undefined;
  scoreMin?: number | undefined;
  scoreMax?: number | undefined;
  hasText?: boolean | undefined;
  /** a tag as stored (normalised by the caller) */
  tag?: string | undefined;
}

/** An ISO day (yyyy-mm-dd) rather than an instant. */
export const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** Refuses a day that does not exist and a reversed or over-long period, as the results do (400 invalid_period). */
export function checkFilterPeriod(filter: Pick<ResponseFilter, 'from' | 'to'>): void {
  checkPeriod(filter.from, filter.to);
}

/**
 * The conditions of a filter on `r` (tenant and survey are the caller's). `at` is the column the
 * period applies to: `r.submitted_at` for complete responses, `r.started_at` for partial ones.
 */
export function responseFilterConditions(filter: ResponseFilter, timeZone: string, at: SQL = sql`r.submitted_at`): SQL[] {
  const conditions: SQL[] = [];
  if (filter.channel) conditions.push(sql`r.channel = ${filter.channel}`);
  if (filter.stage) conditions.push(sql`coalesce(r.stage, '') = ${filter.stage === 'none' ? '' : filter.stage}`);
  if (filter.segmentId) conditions.push(sql`r.segment_ids @> ARRAY[${filter.segmentId}::uuid]`);
  if (filter.from) conditions.push(sql`${at} >= (${filter.from}::date::timestamp AT TIME ZONE ${timeZone})`);
  if (filter.to) conditions.push(sql`${at} < (${addDays(filter.to, 1)}::date::timestamp AT TIME ZONE ${timeZone})`);
  if (filter.fromInstant) conditions.push(sql`${at} >= ${filter.fromInstant.toISOString()}::timestamptz`);
  if (filter.toInstant) conditions.push(sql`${at} < ${filter.toInstant.toISOString()}::timestamptz`);
  if (filter.scoreQuestion && (filter.scoreMin !== undefined || filter.scoreMax !== undefined)) {
    conditions.push(sql`EXISTS (SELECT 1 FROM survey_answers a WHERE a.tenant_id = r.tenant_id AND a.response_id = r.id AND a.question_id = ${filter.scoreQuestion}
      AND a.score >= ${filter.scoreMin ?? -32768} AND a.score <= ${filter.scoreMax ?? 32767})`);
  }
  if (filter.hasText !== undefined) {
    const text = sql`EXISTS (SELECT 1 FROM survey_answers a WHERE a.tenant_id = r.tenant_id AND a.response_id = r.id AND (a.text_value IS NOT NULL OR a.other_text IS NOT NULL))`;
    conditions.push(filter.hasText ? text : sql`NOT ${text}`);
  }
  // One probe of the tags' primary key (tenant, response, tag) per response the walk meets.
  if (filter.tag !== undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM survey_response_tags t WHERE t.tenant_id = r.tenant_id AND t.response_id = r.id AND t.tag = ${filter.tag})`);
  }
  return conditions;
}

/** Whether a filter narrows to a slice (any of the results' filters). */
export const isSlice = (filter: Pick<ResultsFilter, 'channel' | 'segmentId' | 'stage' | 'from' | 'to'>) =>
  Boolean(filter.channel || filter.segmentId || filter.stage || filter.from || filter.to);
