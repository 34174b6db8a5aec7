// What the reports over the rollups (complaint-report.service.ts) and the same reports row by row
// (complaint-report.raw.ts) share: the period, whole local days of the workspace cut into day,
// week or month buckets, and the Pareto of root causes made from counts per code.
import {
  REPORT_MAX_DAYS, type ComplaintReportQuery, type RootCauseReport, type RootCauseReportQuery, type ServqualDimension, type WeekStart,
} from '@vafa/contracts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { rootCauseTaxonomy } from './root-cause.ts';

export const DAY_MS = 86_400_000;
const WEEK_START_DOW: Record<WeekStart, number> = { sunday: 0, monday: 1, saturday: 6 };

export interface ReportFilters {
  team?: string | undefined;
  category?: string | undefined;
  channel?: string | undefined;
}

export interface Period {
  from: string;
  to: string;
  granularity: ComplaintReportQuery['granularity'];
  weekStart: WeekStart;
  timeZone: string;
  filters: ReportFilters;
}

export const dayOf = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? d : null;
};

/** The ISO day `n` days after `iso`. */
export const addDays = (iso: string, n: number) => new Date(dayOf(iso)!.getTime() + n * DAY_MS).toISOString().slice(0, 10);

/** Local days [from, to) of the workspace, ISO dates. */
export interface DaySpan {
  from: string;
  to: string;
}

/** Days (in any order, repeated or not) as spans of consecutive days. */
export function spansOfDays(days: string[]): DaySpan[] {
  const spans: DaySpan[] = [];
  for (const day of [...new Set(days)].sort()) {
    const last = spans[spans.length - 1];
    if (last && last.to === day) last.to = addDays(day, 1);
    else spans.push({ from: day, to: addDays(day, 1) });
  }
  return spans;
}

export async function periodOf(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<Period> {
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

export const periodView = (p: Period) => ({ from: p.from, to: p.to, granularity: p.granularity, weekStart: p.weekStart, timeZone: p.timeZone });

/** The first day of the bucket a calendar day falls in. */
export function bucketStartOf(day: Date, p: Period): string {
  if (p.granularity === 'month') return day.toISOString().slice(0, 8) + '01';
  if (p.granularity === 'week') {
    const back = (day.getUTCDay() - WEEK_START_DOW[p.weekStart] + 7) % 7;
    return new Date(day.getTime() - back * DAY_MS).toISOString().slice(0, 10);
  }
  return day.toISOString().slice(0, 10);
}

/** Every bucket of the period in order, so a quiet one shows as zero. */
export function bucketsOf(p: Period): string[] {
  const out: string[] = [];
  for (let t = dayOf(p.from)!.getTime(); t <= dayOf(p.to)!.getTime(); t += DAY_MS) {
    const start = bucketStartOf(new Date(t), p);
    if (out[out.length - 1] !== start) out.push(start);
  }
  return out;
}

/** SQL: the bucket (first day, as text) of an instant, in the workspace's time zone. */
export function bucketSql(column: SQL, p: Period): SQL {
  const local = sql`(${column} AT TIME ZONE ${p.timeZone})::date`;
  if (p.granularity === 'day') return sql`${local}::text`;
  if (p.granularity === 'month') return sql`date_trunc('month', ${local})::date::text`;
  return sql`(${local} - ((extract(dow FROM ${local})::int - ${WEEK_START_DOW[p.weekStart]} + 7) % 7))::text`;
}

/** The period's instants in the workspace's time zone, and the filters, on complaint_case_facts `f`. */
export function within(column: SQL, p: Period): SQL {
  const parts: SQL[] = [
    sql`${column} >= (${p.from}::date)::timestamp AT TIME ZONE ${p.timeZone}`,
    sql`${column} < (${p.to}::date + 1)::timestamp AT TIME ZONE ${p.timeZone}`,
  ];
  if (p.filters.team !== undefined) parts.push(sql`f.team = ${p.filters.team}`);
  if (p.filters.category !== undefined) parts.push(sql`f.category = ${p.filters.category}`);
  if (p.filters.channel !== undefined) parts.push(sql`f.channel = ${p.filters.channel}`);
  return sql.join(parts, sql` AND `);
}

export const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
export const round = (v: number | null, digits = 1) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
export const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * Cases by the root cause of their last closure (null: none recorded), largest first (ties by
 * code), with share and cumulative share; sub-causes under their parent unless `level` is
 * sub_cause. Codes no longer in the taxonomy are listed as they are, without labels.
 */
export async function paretoOf(db: Executor, tenantId: string, p: Period, level: RootCauseReportQuery['level'], byCode: Iterable<[string | null, number]>): Promise<RootCauseReport> {
  const taxonomy = new Map((await rootCauseTaxonomy(db, tenantId)).map((c) => [c.code, c]));
  const counts = new Map<string, number>();
  for (const [recorded, n] of byCode) {
    let code = recorded ?? 'unclassified';
    const cause = taxonomy.get(code);
    if (level === 'cause' && cause?.parentCode) code = cause.parentCode;
    counts.set(code, (counts.get(code) ?? 0) + n);
  }
  const total = [...counts.values()].reduce((s, n) => s + n, 0);
  let running = 0;
  const items = [...counts.entries()]
    .filter(([, count]) => count > 0)
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
