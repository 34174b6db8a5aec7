import { checkScore } from './scales.ts';

/**
 * SERVQUAL zone of tolerance (REFERENCE.md §3): each item is answered for desired (D), adequate
 * (A) and perceived (P) service on 1–9. MSA = P − A (adequacy), MSS = P − D (superiority).
 * MSA < 0 → below the zone; else MSS > 0 → above it; else within.
 */
export type Zone = 'below' | 'within' | 'above';

export interface ServqualAnswer {
  desired: number;
  adequate: number;
  perceived: number;
}

export function zoneOf(msa: number, mss: number): Zone {
  return msa < 0 ? 'below' : mss > 0 ? 'above' : 'within';
}

/** One respondent's zone for one item; refuses scores outside 1–9. */
export function answerZone(a: ServqualAnswer): Zone {
  for (const v of [a.desired, a.adequate, a.perceived]) checkScore(v, 1, 9);
  return zoneOf(a.perceived - a.adequate, a.perceived - a.desired);
}

/** What the rollups keep per item (and, summed, per dimension). */
export interface ServqualSums {
  n: number;
  desiredSum: number;
  adequateSum: number;
  perceivedSum: number;
  below: number;
  within: number;
  above: number;
  skipped?: number;
}

export interface ServqualResult {
  n: number;
  skipped: number;
  desired: number | null;
  adequate: number | null;
  perceived: number | null;
  /** mean P − mean A */
  msa: number | null;
  /** mean P − mean D */
  mss: number | null;
  /** where the mean perceived level falls */
  zone: Zone | null;
  /** shares (0–100) of respondents below, within and above their own zone */
  shares: { below: number; within: number; above: number } | null;
}

export function servqualFromSums(s: ServqualSums): ServqualResult {
  if (s.n <= 0) return { n: 0, skipped: s.skipped ?? 0, desired: null, adequate: null, perceived: null, msa: null, mss: null, zone: null, shares: null };
  const d = s.desiredSum / s.n;
  const a = s.adequateSum / s.n;
  const p = s.perceivedSum / s.n;
  return {
    n: s.n, skipped: s.skipped ?? 0, desired: d, adequate: a, perceived: p, msa: p - a, mss: p - d, zone: zoneOf(p - a, p - d),
    shares: { below: (100 * s.below) / s.n, within: (100 * s.within) / s.n, above: (100 * s.above) / s.n },
  };
}

export function servqualSums(answers: Iterable<ServqualAnswer | 'skipped'>): ServqualSums {
  const s = { n: 0, desiredSum: 0, adequateSum: 0, perceivedSum: 0, below: 0, within: 0, above: 0, skipped: 0 };
  for (const a of answers) {
    if (a === 'skipped') {
      s.skipped++;
      continue;
    }
    s[answerZone(a)]++;
    s.n++;
    s.desiredSum += a.desired;
    s.adequateSum += a.adequate;
    s.perceivedSum += a.perceived;
  }
  return s;
}

/**
 * A dimension pools its items' answers (answer-weighted): an item fewer people answered weighs
 * less, and the shares are of all item answers in the dimension.
 */
export function addServqualSums(parts: ServqualSums[]): ServqualSums {
  const t = { n: 0, desiredSum: 0, adequateSum: 0, perceivedSum: 0, below: 0, within: 0, above: 0, skipped: 0 };
  for (const p of parts) {
    t.n += p.n;
    t.desiredSum += p.desiredSum;
    t.adequateSum += p.adequateSum;
    t.perceivedSum += p.perceivedSum;
    t.below += p.below;
    t.within += p.within;
    t.above += p.above;
    t.skipped += p.skipped ?? 0;
  }
  return t;
}
