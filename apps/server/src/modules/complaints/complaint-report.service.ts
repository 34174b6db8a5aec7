// Complaint analysis per period (ISO 10002 clause 8): volume, reopen rate, handling times, SLA
// compliance, complainant satisfaction and the Pareto of root causes. Every figure is one index
// range scan of complaint_case_facts (kept by a trigger on the case log, migration 0016) over the
// period, bucketed by day, week or month in the workspace's time zone.
import {
  REPORT_MAX_DAYS, type ComplaintReportQuery, type HandlingTimeReport, type ReopenReport, type RootCauseReport, type RootCauseReportQuery,
  type SatisfactionReport, type ServqualDimension, type SlaReport, type VolumeReport, type WeekStart,
} from '@vafa/contracts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { rootCauseTaxonomy } from './root-cause.ts';

const DAY_MS = 86_400_000;
const WEEK_START_DOW: Record<WeekStart, number> = { sunday: 0, monday: 1, saturday: 6 };

interface Period {
  from: string;
  to: string;
  granularity: ComplaintReportQuery['granularity'];
  weekStart: WeekStart;
  timeZone: string;
  filters: Pick<ComplaintReportQuery, 'team' | 'category' | 'channel'>;
}

const dayOf = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? d : null;
};

async function periodOf(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<Period> {
  const from = dayOf(query.from);
  const to = dayOf(query.to);
  if (!from) throw invalidField('from', 'validation_failed');
  if (!to) throw invalidField('to', 'validation_failed');
  if (to < from) throw invalidField('to', 'period_reversed');
  if ((to.getTime() - from.getTime()) / DAY_MS + 1 > REPORT_MAX_DAYS) throw new Problem(422, 'report_period_too_long', { max: REPORT_MAX_DAYS }, [{ field: 'to', code: 'report_period_too_long', message: 'report_period_too_long' }]);
  const settings = await workspaceSettings(db, tenantId);
  const weekStart = query.weekStart ?? (settings.calendar === 'persian' ? 'saturday' : settings.calendar === 'islamic-umalqura' ? 'sunday' : 'monday');
  return {
    from: query.from, to: query.to, granularity: query.granularity, weekStart, timeZone: settings.timeZone,
    filters: { team: query.team, category: query.category, channel: query.channel },
  };
}

const periodView = (p: Period) => ({ from: p.from, to: p.to, granularity: p.granularity, weekStart: p.weekStart, timeZone: p.timeZone });

/** The first day of the bucket a calendar day falls in. */
function bucketStartOf(day: Date, p: Period): string {
  if (p.granularity === 'month') return day.toISOString().slice(0, 8) + '01';
  if (p.granularity === 'week') {
    const back = (day.getUTCDay() - WEEK_START_DOW[p.weekStart] + 7) % 7;
    return new Date(day.getTime() - back * DAY_MS).toISOString().slice(0, 10);
  }
  return day.toISOString().slice(0, 10);
}

/** Every bucket of the period in order, so a quiet one shows as zero. */
function bucketsOf(p: Period): string[] {
  const out: string[] = [];
  for (let t = dayOf(p.from)!.getTime(); t <= dayOf(p.to)!.getTime(); t += DAY_MS) {
    const start = bucketStartOf(new Date(t), p);
    if (out[out.length - 1] !== start) out.push(start);
  }
  return out;
}

/** SQL: the bucket (first day, as text) of an instant, in the workspace's time zone. */
function bucketSql(column: SQL, p: Period): SQL {
  const local = sql`(${column} AT TIME ZONE ${p.timeZone})::date`;
  if (p.granularity === 'day') return sql`${local}::text`;
  if (p.granularity === 'month') return sql`date_trunc('month', ${local})::date::text`;
  return sql`(${local} - ((extract(dow FROM ${local})::int - ${WEEK_START_DOW[p.weekStart]} + 7) % 7))::text`;
}

/** The period's instants in the workspace's time zone, and the filters, on complaint_case_facts `f`. */
function within(column: SQL, p: Period): SQL {
  const parts: SQL[] = [
    sql`${column} >= (${p.from}::date)::timestamp AT TIME ZONE ${p.timeZone}`,
    sql`${column} < (${p.to}::date + 1)::timestamp AT TIME ZONE ${p.timeZone}`,
  ];
  if (p.filters.team !== undefined) parts.push(sql`f.team = ${p.filters.team}`);
  if (p.filters.category !== undefined) parts.push(sql`f.category = ${p.filters.category}`);
  if (p.filters.channel !== undefined) parts.push(sql`f.channel = ${p.filters.channel}`);
  return sql.join(parts, sql` AND `);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null, digits = 1) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

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

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

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

/**
 * Complainant satisfaction after closure, from complaint_case_satisfaction (the post-closure CSAT
 * the customer-side loop records): answers in the period, the average CSAT score of those on the
 * CSAT scale, and the share not negative.
 */
export async function satisfactionReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<SatisfactionReport> {
  const p = await periodOf(db, tenantId, query);
  const { rows: [row] } = await db.execute<{ n: number; average: unknown; satisfied: number }>(sql`
    SELECT count(*)::int AS n, avg(s.score)::float8 AS average, count(*) FILTER (WHERE NOT s.negative)::int AS satisfied
    FROM complaint_case_satisfaction s
    JOIN complaint_case_facts f ON f.tenant_id = s.tenant_id AND f.case_id = s.case_id
    WHERE s.tenant_id = ${tenantId} AND ${within(sql`s.answered_at`, p)}`);
  const n = Number(row?.n ?? 0);
  return {
    period: periodView(p),
    available: true,
    source: 'complaint_case_satisfaction',
    totals: { responses: n, average: round(num(row?.average), 2), satisfiedShare: rate(Number(row?.satisfied ?? 0), n) },
  };
}

/**
 * Cases first closed in the period by the root cause of their last closure, largest first (ties
 * by code), with share and cumulative share; sub-causes under their parent unless `level` is
 * sub_cause. Codes no longer in the taxonomy are listed as they are, without labels.
 */
export async function rootCauseReport(db: Executor, tenantId: string, query: RootCauseReportQuery): Promise<RootCauseReport> {
  const p = await periodOf(db, tenantId, query);
  const { rows } = await db.execute<{ code: string | null; n: number }>(sql`
    SELECT f.root_cause AS code, count(*)::int AS n FROM complaint_case_facts f
    WHERE f.tenant_id = ${tenantId} AND ${within(sql`f.first_closed_at`, p)}
    GROUP BY f.root_cause`);
  const taxonomy = new Map((await rootCauseTaxonomy(db, tenantId)).map((c) => [c.code, c]));
  const counts = new Map<string, number>();
  for (const r of rows) {
    let code = r.code ?? 'unclassified';
    const cause = taxonomy.get(code);
    if (query.level === 'cause' && cause?.parentCode) code = cause.parentCode;
    counts.set(code, (counts.get(code) ?? 0) + Number(r.n));
  }
  const total = [...counts.values()].reduce((s, n) => s + n, 0);
  let running = 0;
  const items = [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, count]) => {
      running += count;
      const cause = taxonomy.get(code);
      return {
        code, parentCode: cause?.parentCode ?? null, labels: cause?.labels ?? null, dimension: cause?.dimension ?? null, archived: cause?.archived ?? false,
        count, share: count / total, cumulativeShare: running / total,
      };
    });
  const byDimension = new Map<ServqualDimension | null, number>();
  for (const item of items) byDimension.set(item.dimension, (byDimension.get(item.dimension) ?? 0) + item.count);
  const dimensions = [...byDimension.entries()].sort(([, x], [, y]) => y - x).map(([dimension, count]) => ({ dimension, count, share: count / total }));
  return { period: periodView(p), total, items, dimensions };
}
