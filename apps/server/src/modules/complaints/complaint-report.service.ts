// Complaint analysis per period (ISO 10002 clause 8): volume, reopen rate, handling times, SLA
// compliance, complainant satisfaction and the Pareto of root causes, bucketed by day, week or
// month in the workspace's time zone. Folded days come from the rollups (one row per day for any
// mix of filters, complaint-report-rollup.ts); the current day, days changed since their fold and
// anything not folded yet are computed from complaint_case_facts; all in one snapshot. Handling-time
// percentiles come from log-scale histograms (complaint-report.histogram.ts): within 2.2 %.
// complaint-report.raw.ts answers the same row by row; tests hold the two together.
import type {
  ComplaintReportQuery, HandlingTimeReport, ReopenReport, RootCauseReport, RootCauseReportQuery, SatisfactionReport, SlaReport, VolumeReport,
} from '@vafa/contracts';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { isTopTwo } from '../surveys/index.ts';
import { addHistogram, percentileOf, type Histogram } from './complaint-report.histogram.ts';
import {
  SLA_TARGETS, dirtyDaysBetween, emptyDay, foldedDays, liveDays, rollupState, type DayFigures, type FigureNeeds,
} from './complaint-report.repo.ts';
import {
  addDays, bucketStartOf, bucketsOf, dayOf, paretoOf, periodOf, periodView, rate, round, spansOfDays, within, type DaySpan, type Period,
} from './complaint-report.shared.ts';

/** The period's days that have figures: folded ones from the rollups, the others from the facts. */
async function daysOf(db: Executor, tenantId: string, p: Period, needs: FigureNeeds): Promise<Map<string, DayFigures>> {
  return db.transaction(async (tx) => {
    const days = new Map<string, DayFigures>();
    const { state } = await rollupState(tx, tenantId);
    let live: DaySpan[] = [{ from: p.from, to: addDays(p.to, 1) }];
    // Folded days count only in the time zone the report is in (a rebuild follows a change).
    if (state && state.timeZone === p.timeZone && state.foldedUntil !== null && state.foldedUntil > p.from) {
      const lastFolded = state.foldedUntil <= p.to ? addDays(state.foldedUntil, -1) : p.to;
      const dirty = await dirtyDaysBetween(tx, tenantId, p.from, lastFolded);
      await foldedDays(tx, tenantId, p.from, lastFolded, p.filters, needs, new Set(dirty), days);
      live = spansOfDays([...dirty, ...(lastFolded < p.to ? [addDays(lastFolded, 1)] : [])]);
      if (lastFolded < p.to) live[live.length - 1]!.to = addDays(p.to, 1);
    }
    await liveDays(tx, tenantId, p.timeZone, live, p.filters, needs, days);
    return days;
  }, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

/** The figures of each bucket of the period (a quiet one empty), and of the whole period. */
function bucketed(p: Period, days: Map<string, DayFigures>, add: (into: DayFigures, day: DayFigures) => void): { total: DayFigures; buckets: [string, DayFigures][] } {
  const byBucket = new Map(bucketsOf(p).map((start) => [start, emptyDay()]));
  const total = emptyDay();
  for (const [day, figures] of days) {
    const bucket = byBucket.get(bucketStartOf(dayOf(day)!, p));
    if (!bucket) continue;
    add(bucket, figures);
    add(total, figures);
  }
  return { total, buckets: [...byBucket.entries()] };
}

export async function volumeReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<VolumeReport> {
  const p = await periodOf(db, tenantId, query);
  const { total, buckets } = bucketed(p, await daysOf(db, tenantId, p, { received: true, closed: true }), (into, d) => {
    into.received += d.received;
    into.closed += d.closed;
  });
  return {
    period: periodView(p),
    totals: { received: total.received, closed: total.closed },
    buckets: buckets.map(([start, b]) => ({ start, received: b.received, closed: b.closed })),
  };
}

/** Cases first closed in the period, and how many of them have been reopened at least once (before or after that closure). */
export async function reopenReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<ReopenReport> {
  const p = await periodOf(db, tenantId, query);
  const { total, buckets } = bucketed(p, await daysOf(db, tenantId, p, { closed: true }), (into, d) => {
    into.closed += d.closed;
    into.reopened += d.reopened;
  });
  const figures = (d: DayFigures) => ({ closed: d.closed, reopened: d.reopened, rate: rate(d.reopened, d.closed) });
  return { period: periodView(p), totals: figures(total), buckets: buckets.map(([start, b]) => ({ start, ...figures(b) })) };
}

const durations = (count: number, minutes: Histogram) => ({
  count, medianMinutes: round(percentileOf(minutes, 0.5)), p90Minutes: round(percentileOf(minutes, 0.9)),
});

/** Median and 90th percentile of minutes from receipt to first acknowledgement and to first closure, each by the day it happened. */
export async function handlingTimeReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<HandlingTimeReport> {
  const p = await periodOf(db, tenantId, query);
  const { total, buckets } = bucketed(p, await daysOf(db, tenantId, p, { acknowledged: true, closed: true, resolveMinutes: true }), (into, d) => {
    into.acknowledged += d.acknowledged;
    addHistogram(into.ackMinutes, d.ackMinutes);
    into.closed += d.closed;
    addHistogram(into.resolveMinutes, d.resolveMinutes);
  });
  const figures = (d: DayFigures) => ({ acknowledge: durations(d.acknowledged, d.ackMinutes), resolve: durations(d.closed, d.resolveMinutes) });
  return { period: periodView(p), totals: figures(total), buckets: buckets.map(([start, b]) => ({ start, ...figures(b) })) };
}

/**
 * Per target, for cases first closed in the period that the SLA engine measured
 * (complaint_case_sla with a policy having that target): breached when the engine recorded a
 * breach of the target (`breach:<target>` in its published list), met otherwise. The engine
 * records a breach when the clock passes the target whether or not the case is answered later,
 * so a late answer counts as breached and metLate stays 0 from this source.
 */
export async function slaReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<SlaReport> {
  const p = await periodOf(db, tenantId, query);
  const { total, buckets } = bucketed(p, await daysOf(db, tenantId, p, { sla: true }), (into, d) => {
    for (const { target } of SLA_TARGETS) {
      into.sla[target].measured += d.sla[target].measured;
      into.sla[target].breached += d.sla[target].breached;
    }
  });
  const figures = (d: DayFigures) => SLA_TARGETS.map(({ target }) => {
    const { measured, breached } = d.sla[target];
    return { target, measured, met: measured - breached, metLate: 0, breached, compliance: rate(measured - breached, measured) };
  });
  return { period: periodView(p), source: 'sla_table', totals: figures(total), buckets: buckets.map(([start, b]) => ({ start, targets: figures(b) })) };
}

/**
 * Complainant satisfaction after closure, from complaint_case_satisfaction (the post-closure CSAT
 * the customer-side loop records): answers in the period, the average CSAT score of those on the
 * CSAT scale, and the share satisfied by the one definition the survey results use (CSAT % = the
 * top two boxes of each answer's own scale, surveys/metrics); an answer negative on another scale
 * (NPS, CES) counts as not satisfied. Few rows per case, read grouped by score and scale.
 */
export async function satisfactionReport(db: Executor, tenantId: string, query: ComplaintReportQuery): Promise<SatisfactionReport> {
  const p = await periodOf(db, tenantId, query);
  const { rows } = await db.execute<{ score: number | null; points: number | null; n: number }>(sql`
    SELECT s.score, s.points, count(*)::int AS n
    FROM complaint_case_satisfaction s
    JOIN complaint_case_facts f ON f.tenant_id = s.tenant_id AND f.case_id = s.case_id
    WHERE s.tenant_id = ${tenantId} AND ${within(sql`s.answered_at`, p)}
    GROUP BY s.score, s.points`);
  let n = 0;
  let satisfied = 0;
  let scored = 0;
  let sum = 0;
  for (const row of rows) {
    n += row.n;
    if (row.score === null || row.points === null) continue;
    scored += row.n;
    sum += row.score * row.n;
    if (isTopTwo(row.score, 1, row.points)) satisfied += row.n;
  }
  return {
    period: periodView(p),
    available: true,
    source: 'complaint_case_satisfaction',
    totals: { responses: n, average: scored === 0 ? null : round(sum / scored, 2), satisfiedShare: rate(satisfied, n) },
  };
}

/** Cases first closed in the period by the root cause of their last closure: the Pareto (complaint-report.shared.ts). */
export async function rootCauseReport(db: Executor, tenantId: string, query: RootCauseReportQuery): Promise<RootCauseReport> {
  const p = await periodOf(db, tenantId, query);
  const { total } = bucketed(p, await daysOf(db, tenantId, p, { rootCauses: true }), (into, d) => {
    for (const [code, n] of Object.entries(d.rootCauses)) into.rootCauses[code] = (into.rootCauses[code] ?? 0) + n;
  });
  return paretoOf(db, tenantId, p, query.level, Object.entries(total.rootCauses).map(([code, n]) => [code === '' ? null : code, n]));
}
