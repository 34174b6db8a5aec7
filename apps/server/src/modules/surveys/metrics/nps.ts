import { difference, estimate, Z95, type Difference, type Estimate } from './interval.ts';

/**
 * Net Promoter Score (REFERENCE.md §1), the one definition used by the rollups, the results API,
 * the trend, exports and eNPS. Promoters 9–10, passives 7–8, detractors 0–6; NPS = %promoters −
 * %detractors over the answered responses only (a skip is counted apart, never in n).
 */
export type NpsCategory = 'promoter' | 'passive' | 'detractor';

/** Refuses anything but an integer 0–10: a 7.5 or an 11 belongs to no bucket. */
export function npsCategory(score: number): NpsCategory {
  if (!Number.isInteger(score) || score < 0 || score > 10) throw new RangeError(`an NPS answer is an integer 0–10, not ${score}`);
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
  /** shown the question and chose not to answer; reported, never part of n */
  skipped?: number;
}

export interface NpsResult {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  skipped: number;
  /** −100…100; null when nobody answered */
  score: Estimate | null;
}

/** Adjusted-Wald pieces (Rocks 2016): n′ = n + 3, p′ = (count + ¾)/n′. Shares, not percent. */
function adjusted(c: NpsCounts) {
  const n = c.promoters + c.passives + c.detractors;
  const nAdj = n + 3;
  const pP = (c.promoters + 0.75) / nAdj;
  const pD = (c.detractors + 0.75) / nAdj;
  const centre = pP - pD;
  // variance of one answer scored +1/0/−1, then of the mean over n′
  const variance = (pP + pD - centre * centre) / nAdj;
  return { n, centre, variance };
}

function checkCounts(c: NpsCounts): void {
  for (const v of [c.promoters, c.passives, c.detractors, c.skipped ?? 0]) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError('NPS counts are non-negative integers');
  }
}

/** NPS with its adjusted-Wald 95 % interval from bucket counts (what the rollups store). */
export function npsFromCounts(c: NpsCounts): NpsResult {
  checkCounts(c);
  const { n, centre, variance } = adjusted(c);
  const base = { n, promoters: c.promoters, passives: c.passives, detractors: c.detractors, skipped: c.skipped ?? 0 };
  if (n === 0) return { ...base, score: null };
  const value = (100 * (c.promoters - c.detractors)) / n;
  return { ...base, score: estimate(value, 100 * centre, 100 * Z95 * Math.sqrt(variance), -100, 100) };
}

/** NPS of individual answers; `'skipped'` marks an answer the respondent skipped. */
export function npsFromScores(answers: Iterable<number | 'skipped'>): NpsResult {
  const c = { promoters: 0, passives: 0, detractors: 0, skipped: 0 };
  for (const a of answers) {
    if (a === 'skipped') c.skipped++;
    else c[`${npsCategory(a)}s` as 'promoters' | 'passives' | 'detractors']++;
  }
  return npsFromCounts(c);
}

/**
 * Has NPS changed from a (earlier period, or the other segment) to b? Method: the two samples are
 * independent, so the variance of the difference of their adjusted-Wald estimates is the sum of
 * the two estimates' variances (each Var′/n′ as above); the 95 % interval is the difference of the
 * adjusted centres ± z·√(Var′a/n′a + Var′b/n′b). Significant when that interval excludes 0.
 * Null when either side has no answers.
 */
export function npsDifference(a: NpsCounts, b: NpsCounts): Difference | null {
  checkCounts(a);
  checkCounts(b);
  const ja = adjusted(a);
  const jb = adjusted(b);
  if (ja.n === 0 || jb.n === 0) return null;
  const value = (100 * (b.promoters - b.detractors)) / jb.n - (100 * (a.promoters - a.detractors)) / ja.n;
  return difference(value, 100 * (jb.centre - ja.centre), 10_000 * (ja.variance + jb.variance));
}
