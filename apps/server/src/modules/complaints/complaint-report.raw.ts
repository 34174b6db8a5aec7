// The complaint reports row by row: every figure a range scan of complaint_case_facts (kept by a
// trigger on the case log, migration 0016) over the period, percentiles exact. This is what the
// reports answered before the rollups (complaint-report.service.ts), and the reference the tests
// hold the rollups to: the two must agree on any data, the percentiles within the histogram's error.
import type { ComplaintReportQuery, HandlingTimeReport, ReopenReport, RootCauseReport, RootCauseReportQuery, SlaReport, VolumeReport } from '@vafa/contracts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { bucketSql, bucketsOf, num, paretoOf, periodOf, periodView, rate, round, within, type Period } from './complaint-report.shared.ts';

async function countsBy(db: Executor, tenantId: string, column: SQL, p: Period, extra: SQL = sql``): Promise<Map<string, Record<string, number>>> {
  const { rows } = await db.execute<Record<string, unknown> & { b: string }>(sql`
    SELECT ${bucketSql(column, p)} AS b, count(*)::int AS n ${extra}
    FROM complaint_case_facts f WHERE f.tenant_id = ${tenantId} AND ${within(column, p)}
    GROUP BY 1`);
  return new Map(rows.map((r) => [r.b, Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'b').map(([k, v]) => [k, Number(v)]))]));
}

export async function volumeReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<VolumeReport> {
  const p = await periodOf(db, tenantId, query);
  const received = await countsBy(db, tenantId, sql`f.received_at`, p);
  const closed = await countsBy(db, tenantId, sql`f.first_closed_at`, p);
  const buckets = bucketsOf(p).map((start) => ({ start, received: received.get(start)?.n ?? 0, closed: closed.get(start)?.n ?? 0 }));
  return {
    period: periodView(p),
    totals: { received: buckets.reduce((s, b) => s + b.received, 0), closed: buckets.reduce((s, b) => s + b.closed, 0) },
    buckets,
  };
}

/** Cases first closed in the period, and how many of them have been reopened at least once (before or after that closure). */
export async function reopenReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<ReopenReport> {
  const p = await periodOf(db, tenantId, query);
  const counts = await countsBy(db, tenantId, sql`f.first_closed_at`, p, sql`, count(f.reopened_at)::int AS reopened`);
  const buckets = bucketsOf(p).map((start) => {
    const c = counts.get(start);
    const closed = c?.n ?? 0;
    const reopened = c?.reopened ?? 0;
    return { start, closed, reopened, rate: rate(reopened, closed) };
  });
  const closed = buckets.reduce((s, b) => s + b.closed, 0);
  const reopened = buckets.reduce((s, b) => s + b.reopened, 0);
  return { period: periodView(p), totals: { closed, reopened, rate: rate(reopened, closed) }, buckets };
}

type Durations = { count: number; medianMinutes: number | null; p90Minutes: number | null };
const NO_DURATIONS: Durations = { count: 0, medianMinutes: null, p90Minutes: null };

/** Median and 90th percentile (continuous) of `end - received_at` in minutes, per bucket and overall. */
async function durations(db: Executor, tenantId: string, end: SQL, p: Period): Promise<{ total: Durations; byBucket: Map<string, Durations> }> {
  // The bucket is computed once in the inner query: a parameterised expression repeated in GROUP BY would not match.
  const { rows } = await db.execute<{ b: string | null; total: number; n: number; p50: unknown; p90: unknown }>(sql`
    SELECT b, GROUPING(b)::int AS total, count(*)::int AS n,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) AS p90
    FROM (
      SELECT ${bucketSql(end, p)} AS b, extract(epoch FROM ${end} - f.received_at) / 60.0 AS minutes
      FROM complaint_case_facts f WHERE f.tenant_id = ${tenantId} AND ${within(end, p)}
    ) x
    GROUP BY GROUPING SETS ((b), ())`);
  const figures = (r: (typeof rows)[number]): Durations => ({ count: Number(r.n), medianMinutes: round(num(r.p50)), p90Minutes: round(num(r.p90)) });
  const totalRow = rows.find((r) => Number(r.total) === 1);
  return {
    total: totalRow ? figures(totalRow) : NO_DURATIONS,
    byBucket: new Map(rows.filter((r) => Number(r.total) === 0).map((r) => [r.b!, figures(r)])),
  };
}

export async function handlingTimeReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<HandlingTimeReport> {
  const p = await periodOf(db, tenantId, query);
  const ack = await durations(db, tenantId, sql`f.acknowledged_at`, p);
  const resolve = await durations(db, tenantId, sql`f.first_closed_at`, p);
  return {
    period: periodView(p),
    totals: { acknowledge: ack.total, resolve: resolve.total },
    buckets: bucketsOf(p).map((start) => ({ start, acknowledge: ack.byBucket.get(start) ?? NO_DURATIONS, resolve: resolve.byBucket.get(start) ?? NO_DURATIONS })),
  };
}

const SLA_TARGETS = [
  { target: 'acknowledge', column: 'acknowledge_minutes' },
  { target: 'firstResponse', column: 'first_response_minutes' },
  { target: 'resolve', column: 'resolve_minutes' },
] as const;

/**
 * Per target, for cases first closed in the period that the SLA engine measured
 * (complaint_case_sla with a policy having that target): breached when the engine recorded a
 * breach of the target (`breach:<target>` in its published list), met otherwise. The engine
 * records a breach when the clock passes the target whether or not the case is answered later,
 * so a late answer counts as breached and metLate stays 0 from this source.
 */
export async function slaReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<SlaReport> {
  const p = await periodOf(db, tenantId, query);
  const aggregates = sql.join(SLA_TARGETS.map(({ target, column }) => sql`
    count(*) FILTER (WHERE ${sql.raw(column)} IS NOT NULL)::int AS ${sql.raw(`"${target}_measured"`)},
    count(*) FILTER (WHERE ${sql.raw(column)} IS NOT NULL AND ${`breach:${target}`} = ANY(published))::int AS ${sql.raw(`"${target}_breached"`)}`), sql`,`);
  const { rows } = await db.execute<Record<string, unknown> & { b: string | null; total: number }>(sql`
    SELECT b, GROUPING(b)::int AS total, ${aggregates}
    FROM (
      SELECT ${bucketSql(sql`f.first_closed_at`, p)} AS b, s.published, pol.acknowledge_minutes, pol.first_response_minutes, pol.resolve_minutes
      FROM complaint_case_facts f
      JOIN complaint_case_sla s ON s.tenant_id = f.tenant_id AND s.case_id = f.case_id
      JOIN complaint_sla_policies pol ON pol.tenant_id = s.tenant_id AND pol.id = s.policy_id
      WHERE f.tenant_id = ${tenantId} AND ${within(sql`f.first_closed_at`, p)}
    ) x
    GROUP BY GROUPING SETS ((b), ())`);
  const figures = (r: Record<string, unknown> | undefined) => SLA_TARGETS.map(({ target }) => {
    const measured = Number(r?.[`${target}_measured`] ?? 0);
    const breached = Number(r?.[`${target}_breached`] ?? 0);
    return { target, measured, met: measured - breached, metLate: 0, breached, compliance: rate(measured - breached, measured) };
  });
  const byBucket = new Map(rows.filter((r) => Number(r.total) === 0).map((r) => [r.b!, r]));
  return {
    period: periodView(p),
    source: 'sla_table',
    totals: figures(rows.find((r) => Number(r.total) === 1)),
    buckets: bucketsOf(p).map((start) => ({ start, targets: figures(byBucket.get(start)) })),
  };
}

/** Cases first closed in the period by the root cause of their last closure (complaint-report.shared.ts's Pareto). */
export async function rootCauseReport(db: Executor, tenantId: string, query: RootCauseReportQuery): Promise<RootCauseReport> {
  const p = await periodOf(db, tenantId, query);
  const { rows } = await db.execute<{ code: string | null; n: number }>(sql`
    SELECT f.root_cause AS code, count(*)::int AS n FROM complaint_case_facts f
    WHERE f.tenant_id = ${tenantId} AND ${within(sql`f.first_closed_at`, p)}
    GROUP BY f.root_cause`);
  return paretoOf(db, tenantId, p, query.level, rows.map((r) => [r.code, Number(r.n)]));
}
