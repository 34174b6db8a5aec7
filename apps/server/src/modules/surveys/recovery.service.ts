import type { LoopResponseRef, Question, RecoveryMetric, SurveyLoopQuery, SurveyLoopView, SurveyRecoveryView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import {
  ces, cesAgrees, cesDisagrees, csat, isBottomTwo, isTopTwo, meanEstimate, npsCategory, npsFromCounts, proportion, type Estimate,
} from './metrics/index.ts';
import { scoresOf } from './response.effects.ts';
import { laterResponses, loopPairs, namedResponse, scoredAnswers, type LoopResponseRow } from './recovery.repo.ts';
import { resultsQuestions } from './results.service.ts';
import { liveSurvey } from './survey-version.ts';

// "Did fixing it change the score?" (issue 10). A customer's earlier answer that opened a
// follow-up or a case, and their later answer to a survey sent after it, compared per scored kind
// with the metrics library's definitions: NPS, CSAT top-two and CES on each side, the share that
// recovered, and the mean change with a paired interval (the same customers on both sides, so the
// change is estimated from each customer's own difference, not from two independent samples).

type Scores = ReturnType<typeof scoresOf>;

/** The questions each (survey, version) was answered against, read once each. */
async function questionsOf(db: Executor, tenantId: string, versions: { surveyId: string; version: number }[]): Promise<Map<string, Question[]>> {
  const out = new Map<string, Question[]>();
  for (const { surveyId, version } of versions) {
    const key = `${surveyId}:${version}`;
    if (out.has(key)) continue;
    out.set(key, (await liveSurvey(db, tenantId, surveyId, version))?.definition.questions ?? []);
  }
  return out;
}

async function scoresOfResponses(db: Executor, tenantId: string, responses: { id: string; surveyId: string; version: number }[]): Promise<Map<string, Scores>> {
  const questions = await questionsOf(db, tenantId, responses);
  const answers = await scoredAnswers(db, tenantId, responses.map((r) => r.id));
  return new Map(responses.map((r) => [r.id, scoresOf(questions.get(`${r.surveyId}:${r.version}`) ?? [], answers.get(r.id) ?? {})]));
}

const plain = (e: Estimate | null) => (e ? { value: e.value, centre: e.centre, margin: e.margin, low: e.low, high: e.high } : null);

interface Pair {
  before: number;
  after: number;
}

/** Sums of each customer's later − earlier value, for meanEstimate (the paired mean and its interval). */
function pairedChange(pairs: Pair[], value: (score: number) => number, range: number) {
  let sum = 0;
  let sumSq = 0;
  for (const p of pairs) {
    const d = value(p.after) - value(p.before);
    sum += d;
    sumSq += d * d;
  }
  return plain(meanEstimate({ n: pairs.length, sum, sumSq }, -range, range));
}

const npsValue = (score: number) => ({ promoter: 1, passive: 0, detractor: -1 })[npsCategory(score)];

function npsMetric(pairs: Pair[]): RecoveryMetric {
  const counts = (side: 'before' | 'after') => {
    const c = { promoters: 0, passives: 0, detractors: 0 };
    for (const p of pairs) c[`${npsCategory(p[side])}s` as keyof typeof c]++;
    return c;
  };
  const negative = pairs.filter((p) => npsCategory(p.before) === 'detractor');
  return {
    type: 'nps', points: null, n: pairs.length, negativeBefore: negative.length,
    before: plain(npsFromCounts(counts('before')).score),
    after: plain(npsFromCounts(counts('after')).score),
    recovered: proportion(negative.filter((p) => npsCategory(p.after) !== 'detractor').length, negative.length),
    improved: proportion(negative.filter((p) => npsCategory(p.after) === 'promoter').length, negative.length),
    meanChange: pairedChange(pairs, (s) => s, 10),
    scoreChange: pairedChange(pairs, (s) => 100 * npsValue(s), 200),
  };
}

/** One side's sums as the CSAT and CES functions take them, `top` counted by the kind's own rule. */
function sideStats(pairs: Pair[], side: 'before' | 'after', isTop: (score: number) => boolean): { n: number; sum: number; sumSq: number; top: number } {
  const s = { n: 0, sum: 0, sumSq: 0, top: 0 };
  for (const p of pairs) {
    s.n++;
    s.sum += p[side];
    s.sumSq += p[side] * p[side];
    if (isTop(p[side])) s.top++;
  }
  return s;
}

function csatMetric(pairs: Pair[], points: number): RecoveryMetric {
  const stats = (side: 'before' | 'after') => sideStats(pairs, side, (score) => isTopTwo(score, 1, points));
  const negative = pairs.filter((p) => isBottomTwo(p.before, 1, points));
  return {
    type: 'csat', points, n: pairs.length, negativeBefore: negative.length,
    before: plain(csat(stats('before'), points).score),
    after: plain(csat(stats('after'), points).score),
    recovered: proportion(negative.filter((p) => !isBottomTwo(p.after, 1, points)).length, negative.length),
    improved: proportion(negative.filter((p) => isTopTwo(p.after, 1, points)).length, negative.length),
    meanChange: pairedChange(pairs, (s) => s, points - 1),
    scoreChange: null,
  };
}

function cesMetric(pairs: Pair[]): RecoveryMetric {
  const stats = (side: 'before' | 'after') => sideStats(pairs, side, cesAgrees);
  const negative = pairs.filter((p) => cesDisagrees(p.before));
  return {
    type: 'ces', points: null, n: pairs.length, negativeBefore: negative.length,
    before: plain(ces(stats('before')).score),
    after: plain(ces(stats('after')).score),
    recovered: proportion(negative.filter((p) => !cesDisagrees(p.after)).length, negative.length),
    improved: proportion(negative.filter((p) => cesAgrees(p.after)).length, negative.length),
    meanChange: pairedChange(pairs, (s) => s, 6),
    scoreChange: null,
  };
}

/**
 * The recovery figures of a survey's loops: pairs whose earlier or later answer is to this
 * survey. Per kind, each earlier answer is paired with the customer's first later answer of that
 * kind (CSAT: on the same scale); a later answer with no answer of the earlier one's kind counts
 * in `loops` but in no metric.
 */
export async function surveyRecovery(db: Executor, tenantId: string, surveyId: string): Promise<SurveyRecoveryView> {
  await resultsQuestions(db, tenantId, surveyId);
  const rows = await loopPairs(db, tenantId, surveyId);
  const responses = new Map<string, { id: string; surveyId: string; version: number }>();
  for (const r of rows) {
    responses.set(r.afterId, { id: r.afterId, surveyId: r.afterSurveyId, version: r.afterVersion });
    responses.set(r.beforeId, { id: r.beforeId, surveyId: r.beforeSurveyId, version: r.beforeVersion });
  }
  const scores = await scoresOfResponses(db, tenantId, [...responses.values()]);

  const nps: Pair[] = [];
  const ces_: Pair[] = [];
  const csatByPoints = new Map<number, Pair[]>();
  const taken = new Set<string>();
  // Rows come in the order the later answers were given: the first per earlier answer and kind wins.
  const take = (key: string) => (taken.has(key) ? false : (taken.add(key), true));
  for (const r of rows) {
    const before = scores.get(r.beforeId)!;
    const after = scores.get(r.afterId)!;
    if (before.nps !== undefined && after.nps !== undefined && take(`${r.beforeId}:nps`)) nps.push({ before: before.nps, after: after.nps });
    if (before.ces !== undefined && after.ces !== undefined && take(`${r.beforeId}:ces`)) ces_.push({ before: before.ces, after: after.ces });
    if (before.csat !== undefined && after.csat !== undefined && before.csatPoints !== undefined && before.csatPoints === after.csatPoints && take(`${r.beforeId}:csat`)) {
      const list = csatByPoints.get(before.csatPoints) ?? [];
      list.push({ before: before.csat, after: after.csat });
      csatByPoints.set(before.csatPoints, list);
    }
  }
  const metrics: RecoveryMetric[] = [];
  if (nps.length > 0) metrics.push(npsMetric(nps));
  for (const [points, pairs] of [...csatByPoints].sort(([a], [b]) => a - b)) metrics.push(csatMetric(pairs, points));
  if (ces_.length > 0) metrics.push(cesMetric(ces_));
  return {
    surveyId,
    loops: {
      followup: rows.filter((r) => r.followupId !== null).length,
      case: rows.filter((r) => r.followupId === null && r.caseId !== null).length,
      paired: rows.length,
    },
    metrics,
  };
}

async function refs(db: Executor, tenantId: string, rows: LoopResponseRow[]): Promise<LoopResponseRef[]> {
  const scores = await scoresOfResponses(db, tenantId, rows);
  return rows.map((r) => ({
    surveyId: r.surveyId, surveyName: r.surveyName, responseId: r.id, submittedAt: r.submittedAt.toISOString(), scores: scores.get(r.id) ?? {},
  }));
}

/**
 * The loop of a response (the follow-up or case it was sent after, or that it opened), of a
 * follow-up or of a case: the earlier answer and the later ones. With several ids given, the loop
 * is their union (a follow-up page names its follow-up and the answer that opened it).
 */
export async function surveyLoop(db: Executor, tenantId: string, query: SurveyLoopQuery): Promise<SurveyLoopView> {
  if (!query.responseId && !query.followupId && !query.caseId) throw new Problem(400, 'loop_target_required');
  const self = query.responseId ? await namedResponse(db, tenantId, query.responseId) : undefined;
  if (self && (self.followupId !== null || self.caseId !== null)) {
    // A later answer names its loop and the earlier answer.
    const later = (await laterResponses(db, tenantId, { followupId: self.followupId, caseId: self.caseId })).filter((r) => r.id !== self.id);
    const earlier = self.priorResponseId ? await namedResponse(db, tenantId, self.priorResponseId) : undefined;
    return { followupId: self.followupId, caseId: self.caseId, earlier: earlier ? (await refs(db, tenantId, [earlier]))[0]! : null, later: await refs(db, tenantId, later) };
  }
  // An earlier answer (or a follow-up or case) is found through the later answers that name it.
  const later = await laterResponses(db, tenantId, { followupId: query.followupId, caseId: query.caseId, priorResponseId: self?.id });
  const named = !!(query.followupId || query.caseId);
  const earlierId = named ? (self?.id ?? later.find((r) => r.priorResponseId)?.priorResponseId) : undefined;
  const earlier = earlierId ? (earlierId === self?.id ? self : await namedResponse(db, tenantId, earlierId)) : undefined;
  return {
    followupId: query.followupId ?? later[0]?.followupId ?? null,
    caseId: query.caseId ?? later[0]?.caseId ?? null,
    earlier: earlier ? (await refs(db, tenantId, [earlier]))[0]! : null,
    later: await refs(db, tenantId, later),
  };
}
