import { sql, type SQL } from 'drizzle-orm';
import type { ResultsFilter } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { ROLLUP_COUNTERS, type Counters } from './rollup.deltas.ts';
import { ALL_SEGMENTS } from './rollup.repo.ts';

export type Sums = Required<Counters>;

export interface SumRow {
  questionId: string;
  bucket: string;
  /** the channel, stage ('' = none) or segment id when grouped */
  group: string | null;
  /** the first day of the trend bucket when bucketed */
  period: string | null;
  sums: Sums;
}

export interface SumOptions {
  questionIds?: string[];
  /** only the statistics rows (bucket ''), not histograms and choice counts */
  statsOnly?: boolean;
  groupBy?: 'channel' | 'stage' | 'segment';
  /** sorted first days of trend buckets; each row falls in the last start at or before its day */
  periodStarts?: string[];
}

const sums = sql.raw(ROLLUP_COUNTERS.map((k) => `sum(r.${k})::bigint AS ${k}`).join(', '));

/**
 * The one query every result reads: rollup counters of a survey summed under a filter, by
 * question and bucket, optionally by channel/stage/segment and by trend bucket. It scans the
 * survey's rollup rows through the primary key (tenant, survey, question, day, …), never answers.
 */
export async function sumRollups(db: Executor, tenantId: string, surveyId: string, filter: ResultsFilter, options: SumOptions = {}): Promise<SumRow[]> {
  const where: SQL[] = [sql`r.tenant_id = ${tenantId}`, sql`r.survey_id = ${surveyId}`];
  if (options.questionIds) where.push(sql`r.question_id = ANY(${sql.param(options.questionIds)}::text[])`);
  if (options.statsOnly) where.push(sql`r.bucket = ''`);
  if (filter.from) where.push(sql`r.day >= ${filter.from}::date`);
  if (filter.to) where.push(sql`r.day <= ${filter.to}::date`);
  if (filter.channel) where.push(sql`r.channel = ${filter.channel}`);
  if (filter.stage) where.push(sql`r.stage = ${filter.stage === 'none' ? '' : filter.stage}`);
  if (options.groupBy === 'segment') where.push(sql`r.segment_id <> ${ALL_SEGMENTS}::uuid`);
  else where.push(sql`r.segment_id = ${filter.segmentId ?? ALL_SEGMENTS}::uuid`);

  const group = options.groupBy === 'channel' ? sql`r.channel` : options.groupBy === 'stage' ? sql`r.stage` : options.groupBy === 'segment' ? sql`r.segment_id::text` : sql`NULL::text`;
  const periods = options.periodStarts;
  const join = periods
    ? sql`JOIN (SELECT s AS start, lead(s) OVER (ORDER BY s) AS next FROM unnest(${sql.param(periods)}::date[]) AS s) p
            ON r.day >= p.start AND (p.next IS NULL OR r.day < p.next)`
    : sql``;
  const period = periods ? sql`p.start::text` : sql`NULL::text`;
  const res = await db.execute(sql`
    SELECT r.question_id, r.bucket, ${group} AS grp, ${period} AS period, ${sums}
    FROM survey_rollups r ${join}
    WHERE ${sql.join(where, sql` AND `)}
    GROUP BY 1, 2, 3, 4`);
  return res.rows.map((row) => ({
    questionId: String(row.question_id),
    bucket: String(row.bucket),
    group: row.grp === null ? null : String(row.grp),
    period: row.period === null ? null : String(row.period),
    sums: Object.fromEntries(ROLLUP_COUNTERS.map((k) => [k, Number(row[k])])) as Sums,
  }));
}

export interface InvitationCounts {
  channel: string | null;
  wave: number | null;
  sent: number;
  responded: number;
}

/**
 * Invitations sent in the period (days of the workspace time zone) and how many were answered,
 * per channel, per wave and in total, in one pass over the survey's invitations (survey index).
 */
export async function invitationCounts(db: Executor, tenantId: string, surveyId: string, timeZone: string, filter: ResultsFilter): Promise<InvitationCounts[]> {
  const where: SQL[] = [sql`tenant_id = ${tenantId}`, sql`survey_id = ${surveyId}`, sql`sent_at IS NOT NULL`];
  if (filter.from) where.push(sql`(sent_at AT TIME ZONE ${timeZone})::date >= ${filter.from}::date`);
  if (filter.to) where.push(sql`(sent_at AT TIME ZONE ${timeZone})::date <= ${filter.to}::date`);
  if (filter.channel) where.push(sql`channel = ${filter.channel}`);
  const res = await db.execute(sql`
    SELECT channel, wave, count(*)::int AS sent, count(*) FILTER (WHERE responded_at IS NOT NULL)::int AS responded,
           GROUPING(channel)::int AS no_channel, GROUPING(wave)::int AS no_wave
    FROM survey_invitations
    WHERE ${sql.join(where, sql` AND `)}
    GROUP BY GROUPING SETS ((channel), (wave), ())`);
  return res.rows.map((r) => ({
    channel: Number(r.no_channel) ? null : String(r.channel),
    wave: Number(r.no_wave) ? null : Number(r.wave),
    sent: Number(r.sent),
    responded: Number(r.responded),
  }));
}

/** The first day with a complete response (workspace time zone), for a trend asked without `from`. */
export async function firstAnswerDay(db: Executor, tenantId: string, surveyId: string): Promise<string | null> {
  const res = await db.execute(sql`
    SELECT min(day)::text AS day FROM survey_rollups
    WHERE tenant_id = ${tenantId} AND survey_id = ${surveyId} AND question_id = '' AND segment_id = ${ALL_SEGMENTS}::uuid AND answered > 0`);
  return (res.rows[0]?.day as string | null | undefined) ?? null;
}
