import { meanDifference, meanEstimate, proportion, proportionDifference, type Difference, type Estimate, type MeanStats } from './interval.ts';

/**
 * CSAT, CES 2.0 and plain rating scales (REFERENCE.md §2). Scores are integers within the
 * question's own scale; anything else is refused, as for NPS.
 */
export function checkScore(score: number, min: number, max: number): number {
  if (!Number.isInteger(score) || score < min || score > max) throw new RangeError(`a score on ${min}–${max} is an integer in that range, not ${score}`);
  return score;
}

/** The top two boxes of a 1..points scale (4–5 of 5, 6–7 of 7); of 2 points only the top one. */
export function isTopTwo(score: number, min: number, max: number): boolean {
  checkScore(score, min, max);
  return max - min + 1 <= 2 ? score === max : score >= max - 1;
}

/** The bottom two boxes (1–2 of any CSAT scale), the "negative" end. */
export function isBottomTwo(score: number, min: number, max: number): boolean {
  checkScore(score, min, max);
  return max - min + 1 <= 2 ? score === min : score <= min + 1;
}

/** CES 2.0 "agree": 5, 6 or 7 on the 1–7 agreement scale (it was easy). */
export function cesAgrees(score: number): boolean {
  return checkScore(score, 1, 7) >= 5;
}

/** CES 2.0 "disagree": 1, 2 or 3 (it was not easy), the end followed up at once. */
export function cesDisagrees(score: number): boolean {
  return checkScore(score, 1, 7) <= 3;
}

export interface ScaleStats extends MeanStats {
  /** answers in the top two boxes (CSAT) or agreeing (CES) */
  top: number;
  skipped?: number;
}

export interface CsatResult {
  n: number;
  skipped: number;
  /** CSAT % = top-2-box share of answered, 0–100, with its interval */
  score: (Estimate & { n: number; count: number }) | null;
  mean: (Estimate & { n: number }) | null;
}

/** CSAT % = (# top two boxes of the question's own scale) / answered × 100; the mean beside it. */
export function csat(s: ScaleStats, points: number): CsatResult {
  return { n: s.n, skipped: s.skipped ?? 0, score: proportion(s.top, s.n), mean: meanEstimate(s, 1, points) };
}

export interface CesResult {
  n: number;
  skipped: number;
  /** mean agreement 1–7, higher is easier */
  score: (Estimate & { n: number }) | null;
  /** % agree (5–7) */
  agree: (Estimate & { n: number; count: number }) | null;
}

export function ces(s: ScaleStats): CesResult {
  return { n: s.n, skipped: s.skipped ?? 0, score: meanEstimate(s, 1, 7), agree: proportion(s.top, s.n) };
}

/** Scores of individual answers → the sums the rollups keep (for tests and small in-memory sets). */
export function scaleStats(scores: Iterable<number | 'skipped'>, min: number, max: number, top: (score: number) => boolean): ScaleStats {
  const s = { n: 0, sum: 0, sumSq: 0, top: 0, skipped: 0 };
  for (const v of scores) {
    if (v === 'skipped') {
      s.skipped++;
      continue;
    }
    checkScore(v, min, max);
    s.n++;
    s.sum += v;
    s.sumSq += v * v;
    if (top(v)) s.top++;
  }
  return s;
}

/** b − a of CSAT % (top-2-box shares). */
export const csatDifference = (a: ScaleStats, b: ScaleStats): Difference | null => proportionDifference({ x: a.top, n: a.n }, { x: b.top, n: b.n });
/** b − a of a mean (CES mean, a rating's mean). */
export const scaleMeanDifference = (a: MeanStats, b: MeanStats): Difference | null => meanDifference(a, b);
