import { and, eq } from 'drizzle-orm';
import {
  SERVQUAL_DIMENSIONS, SurveyDefinition, SMALL_SAMPLE,
  type BreakdownQuery, type CalendarId, type Question, type QuestionResult, type ResultsFilter, type SurveyBreakdownView, type SurveyResultsView,
  type SurveyTrendView, type TrendQuery,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { invalidField, notFound } from '../../platform/http/problem.ts';
import { workspaceSettings } from '../workspace/index.ts';
import {
  addServqualSums, ces, csat, csatDifference, meanEstimate, npsDifference, npsFromCounts, proportion, responseRate, scaleMeanDifference, servqualFromSums,
  type Difference, type Estimate, type ServqualSums,
} from './metrics/index.ts';
import { OTHER_BUCKET } from './rollup.deltas.ts';
import { buckets, bucketStart, checkPeriod, defaultFrom, todayIn, weekStartOf } from './results.period.ts';
import { firstAnswerDay, invitationCounts, sumRollups, type Sums } from './results.repo.ts';
import { liveSurvey } from './survey-version.ts';
import { surveys } from './survey.schema.ts';

/** The questions results are read with: the live version's, or the draft's before the first publish. */
export async function resultsQuestions(db: Executor, tenantId: string, surveyId: string): Promise<Question[]> {
  const [row] = await db.select({ liveVersion: surveys.liveVersion, draft: surveys.draft }).from(surveys).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId)));
  if (!row) throw notFound();
  if (row.liveVersion !== null) {
    const live = await liveSurvey(db, tenantId, surveyId);
    if (live) return live.definition.questions;
  }
  const draft = SurveyDefinition.safeParse(row.draft);
  return draft.success ? draft.data.questions : [];
}

const zero = (): Sums => ({
  answered: 0, skipped: 0, sum: 0, sum_sq: 0, promoters: 0, passives: 0, detractors: 0, top_two: 0, bottom_two: 0, agree: 0,
  desired_sum: 0, adequate_sum: 0, perceived_sum: 0, below_zone: 0, within_zone: 0, above_zone: 0,
});
const minus = (a: Sums, b: Sums): Sums => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof Sums] - b[k as keyof Sums]])) as unknown as Sums;

const npsCounts = (s: Sums) => ({ promoters: s.promoters, passives: s.passives, detractors: s.detractors, skipped: s.skipped });
const meanStats = (s: Sums) => ({ n: s.answered, sum: s.sum, sumSq: s.sum_sq });
const servqualSumsOf = (s: Sums): ServqualSums => ({
  n: s.answered, skipped: s.skipped, desiredSum: s.desired_sum, adequateSum: s.adequate_sum, perceivedSum: s.perceived_sum,
  below: s.below_zone, within: s.within_zone, above: s.above_zone,
});
const plain = (e: Estimate | null) => (e ? { value: e.value, centre: e.centre, margin: e.margin, low: e.low, high: e.high } : null);

/** The figure a trend or breakdown follows for a scored question, and how two of them are compared. */
function trendMetric(q: Question): { metric: SurveyTrendView['metric']; value(s: Sums): Estimate | null; change(a: Sums, b: Sums): Difference | null } {
  switch (q.type) {
    case 'nps':
    case 'enps':
      return { metric: 'nps', value: (s) => npsFromCounts(npsCounts(s)).score, change: (a, b) => npsDifference(npsCounts(a), npsCounts(b)) };
    case 'csat':
      return {
        metric: 'csat',
        value: (s) => proportion(s.top_two, s.answered),
        change: (a, b) => csatDifference({ ...meanStats(a), top: a.top_two }, { ...meanStats(b), top: b.top_two }),
      };
    case 'ces':
      return { metric: 'ces', value: (s) => meanEstimate(meanStats(s), 1, 7), change: (a, b) => scaleMeanDifference(meanStats(a), meanStats(b)) };
    case 'rating':
      return { metric: 'mean', value: (s) => meanEstimate(meanStats(s), q.min, q.max), change: (a, b) => scaleMeanDifference(meanStats(a), meanStats(b)) };
    default:
      throw invalidField('querystring.question', 'question_not_scored', { question: q.id });
  }
}

function questionResult(q: Question, stats: Sums, histogram: Map<string, number>): QuestionResult {
  const base = { questionId: q.id, title: q.title, n: stats.answered, skipped: stats.skipped };
  const distribution = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => ({ value: min + i, count: histogram.get(`v:${min + i}`) ?? 0 }));
  switch (q.type) {
    case 'nps':
    case 'enps': {
      const r = npsFromCounts(npsCounts(stats));
      return { ...base, type: q.type, promoters: r.promoters, passives: r.passives, detractors: r.detractors, score: plain(r.score), distribution: distribution(0, 10) };
    }
    case 'csat': {
      const r = csat({ ...meanStats(stats), top: stats.top_two, skipped: stats.skipped }, q.points);
      return { ...base, type: 'csat', points: q.points, score: plain(r.score), mean: plain(r.mean), distribution: distribution(1, q.points) };
    }
    case 'ces': {
      const r = ces({ ...meanStats(stats), top: stats.agree, skipped: stats.skipped });
      return { ...base, type: 'ces', score: plain(r.score), agree: plain(r.agree), distribution: distribution(1, 7) };
    }
    case 'rating':
      return {
        ...base, type: 'rating', min: q.min, max: q.max, mean: plain(meanEstimate(meanStats(stats), q.min, q.max)),
        topTwo: plain(proportion(stats.top_two, stats.answered)), distribution: distribution(q.min, q.max),
      };
    case 'single_choice':
    case 'multiple_choice':
      return { ...base, type: q.type, options: q.options.map((o) => ({ id: o.id, label: o.label, count: histogram.get(`o:${o.id}`) ?? 0 })), other: histogram.get(OTHER_BUCKET) ?? 0 };
    case 'text':
    case 'date':
      return { ...base, type: q.type };
    case 'servqual':
      return { ...base, type: 'servqual', dimension: q.dimension, figures: servqualFromSums(servqualSumsOf(stats)) };
  }
}

/** Results of a survey under a filter: per question the metric with its interval, counts and response rates. */
export async function surveyResults(db: Executor, tenantId: string, surveyId: string, filter: ResultsFilter): Promise<SurveyResultsView> {
  checkPeriod(filter.from, filter.to);
  const questions = await resultsQuestions(db, tenantId, surveyId);
  const settings = await workspaceSettings(db, tenantId);
  const [rows, byChannel, invitations] = await Promise.all([
    sumRollups(db, tenantId, surveyId, filter),
    sumRollups(db, tenantId, surveyId, filter, { questionIds: [''], groupBy: 'channel' }),
    invitationCounts(db, tenantId, surveyId, settings.timeZone, filter),
  ]);
  const stats = new Map<string, Sums>();
  const histograms = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.bucket === '') stats.set(r.questionId, r.sums);
    else {
      const h = histograms.get(r.questionId) ?? new Map<string, number>();
      h.set(r.bucket, r.sums.answered);
      histograms.set(r.questionId, h);
    }
  }
  const results = questions.map((q) => questionResult(q, stats.get(q.id) ?? zero(), histograms.get(q.id) ?? new Map()));

  const servqualDimensions = SERVQUAL_DIMENSIONS.flatMap((dimension) => {
    const items = questions.filter((q) => q.type === 'servqual' && q.dimension === dimension);
    if (items.length === 0) return [];
    return [{ dimension, items: items.length, ...servqualFromSums(addServqualSums(items.map((q) => servqualSumsOf(stats.get(q.id) ?? zero())))) }];
  });

  const rate = (c: { sent: number; responded: number }) => responseRate(c.sent, c.responded);
  const total = invitations.find((c) => c.channel === null && c.wave === null) ?? { sent: 0, responded: 0 };
  return {
    surveyId,
    filter,
    timeZone: settings.timeZone,
    calendar: settings.calendar as CalendarId,
    responses: {
      total: stats.get('')?.answered ?? 0,
      byChannel: byChannel
        .filter((r) => r.sums.answered !== 0)
        .map((r) => ({ channel: r.group as SurveyResultsView['responses']['byChannel'][number]['channel'], count: r.sums.answered }))
        .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel)),
    },
    responseRates: {
      total: rate(total),
      byChannel: invitations.filter((c) => c.channel !== null).map((c) => ({ channel: c.channel!, ...rate(c) })).sort((a, b) => b.sent - a.sent || a.channel.localeCompare(b.channel)),
      byWave: invitations.filter((c) => c.wave !== null).map((c) => ({ wave: c.wave!, ...rate(c) })).sort((a, b) => a.wave - b.wave),
    },
    questions: results,
    servqualDimensions,
    smallSample: SMALL_SAMPLE,
  };
}

async function scoredQuestion(db: Executor, tenantId: string, surveyId: string, questionId: string) {
  const questions = await resultsQuestions(db, tenantId, surveyId);
  const q = questions.find((x) => x.id === questionId);
  if (!q) throw invalidField('querystring.question', 'unknown_question', { question: questionId });
  return { q, metric: trendMetric(q) };
}

/**
 * A scored question's figure per day, week or month (weeks start after the workspace's weekend;
 * months are months of the workspace calendar, so a Persian workspace sees Farvardin, Ordibehesht…),
 * each with its interval and whether it moved significantly from the previous bucket with answers.
 */
export async function surveyTrend(db: Executor, tenantId: string, surveyId: string, query: TrendQuery): Promise<SurveyTrendView> {
  checkPeriod(query.from, query.to);
  const { q, metric } = await scoredQuestion(db, tenantId, surveyId, query.question);
  const settings = await workspaceSettings(db, tenantId);
  const calendar = settings.calendar as CalendarId;
  const weekStart = weekStartOf(settings.businessCalendar.weekendDays);
  const to = query.to ?? todayIn(settings.timeZone);
  // Without `from`: the default window, but not before the first answer (no run of empty buckets).
  const first = query.from ? null : await firstAnswerDay(db, tenantId, surveyId);
  const window = defaultFrom(to, query.interval, calendar, weekStart);
  const from = query.from ?? (first && first > window && first <= to ? bucketStart(first, query.interval, calendar, weekStart) : window);
  checkPeriod(from, to);
  const frame = buckets(from, to, query.interval, calendar, weekStart);
  const rows = await sumRollups(db, tenantId, surveyId, { ...query, from, to }, { questionIds: [q.id], statsOnly: true, periodStarts: frame.map((b) => b.start) });
  const byStart = new Map(rows.map((r) => [r.period!, r.sums]));
  let previous: Sums | undefined;
  const points = frame.map((b) => {
    const s = byStart.get(b.start) ?? zero();
    const change = previous && s.answered > 0 ? metric.change(previous, s) : null;
    if (s.answered > 0) previous = s;
    return { start: b.start, end: b.end, n: s.answered, value: plain(metric.value(s)), change };
  });
  return { questionId: q.id, metric: metric.metric, interval: query.interval, calendar, points };
}

/** A scored question's figure per channel, segment or stage, each group against the rest of the answers. */
export async function surveyBreakdown(db: Executor, tenantId: string, surveyId: string, query: BreakdownQuery): Promise<SurveyBreakdownView> {
  checkPeriod(query.from, query.to);
  const { q, metric } = await scoredQuestion(db, tenantId, surveyId, query.question);
  // Grouping by segment compares segments within the whole; a segment filter would leave one row.
  const filter: ResultsFilter = query.by === 'segment' ? { ...query, segmentId: undefined } : query;
  const [overallRows, groups] = await Promise.all([
    sumRollups(db, tenantId, surveyId, filter, { questionIds: [q.id], statsOnly: true }),
    sumRollups(db, tenantId, surveyId, filter, { questionIds: [q.id], statsOnly: true, groupBy: query.by }),
  ]);
  const overall = overallRows[0]?.sums ?? zero();
  const rows = groups
    .filter((g) => g.sums.answered > 0)
    .map((g) => {
      const rest = minus(overall, g.sums);
      return {
        key: query.by === 'stage' && g.group === '' ? 'none' : g.group!,
        n: g.sums.answered,
        value: plain(metric.value(g.sums)),
        vsRest: rest.answered > 0 ? metric.change(rest, g.sums) : null,
      };
    })
    .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
  return { questionId: q.id, metric: metric.metric, by: query.by, overall: { n: overall.answered, value: plain(metric.value(overall)) }, rows };
}

