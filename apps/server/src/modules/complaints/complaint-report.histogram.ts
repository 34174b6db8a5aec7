// Handling times in the rollups: a fixed log-scale histogram of minutes, so days add up and a
// period's median and 90th percentile come out of the sum, approximately. Bucket 0 holds everything
// under BASE_MINUTES (a second or less, and any negative duration); bucket k ≥ 1 holds
// [BASE·2^((k−1)/16), BASE·2^(k/16)) minutes, so 16 buckets per doubling, each 4.4 % wide.
import { sql, type SQL } from 'drizzle-orm';

const PER_DOUBLING = 16;
const BASE_MINUTES = 1 / 64;
/** The most an estimate is off, relative to the exact value, at or above BASE_MINUTES: half a bucket on the log scale (2^(1/32) − 1 ≈ 2.2 %). */
export const HISTOGRAM_RELATIVE_ERROR = 2 ** (1 / (2 * PER_DOUBLING)) - 1;
/** The most an estimate is off for a duration under BASE_MINUTES (read as 0). */
export const HISTOGRAM_ABSOLUTE_ERROR_MINUTES = BASE_MINUTES;

/** Cases per bucket, indexed by bucket (stored as jsonb with the bucket numbers as keys). */
export type Histogram = number[];

/** SQL: the bucket of a duration given as an interval expression. */
export function histogramBucketSql(duration: SQL): SQL {
  const minutes = sql`(extract(epoch FROM ${duration})::float8 / 60)`;
  return sql`(CASE WHEN ${minutes} < ${sql.raw(String(BASE_MINUTES))} THEN 0 ELSE floor(${sql.raw(String(PER_DOUBLING))} * ln(${minutes} / ${sql.raw(String(BASE_MINUTES))}) / ln(2))::int + 1 END)`;
}

/** Adds a histogram as stored (`{ "<bucket>": cases }`) into `into`: a year's days are ~10^5 entries, so a plain loop. */
export function addStoredHistogram(into: Histogram, stored: Record<string, number> | null | undefined): void {
  if (!stored) return;
  for (const key in stored) {
    const bucket = Number(key);
    into[bucket] = (into[bucket] ?? 0) + Number(stored[key]);
  }
}

/** Adds `more` into `into`. */
export function addHistogram(into: Histogram, more: Histogram): void {
  more.forEach((n, bucket) => {
    into[bucket] = (into[bucket] ?? 0) + n;
  });
}

/** The value a bucket stands for: its geometric middle, within half a bucket of anything in it. */
const middleOf = (bucket: number) => (bucket === 0 ? 0 : BASE_MINUTES * 2 ** ((bucket - 0.5) / PER_DOUBLING));

/**
 * The `p` quantile as PostgreSQL's percentile_cont computes it (interpolating between the two
 * order statistics around (n − 1)·p), each order statistic read as its bucket's middle. Both
 * order statistics are within HISTOGRAM_RELATIVE_ERROR of their own value, so their
 * interpolation is too. Null with nothing counted.
 */
export function percentileOf(histogram: Histogram, p: number): number | null {
  let count = 0;
  histogram.forEach((n) => (count += n));
  if (count === 0) return null;
  const at = (rank: number) => {
    let seen = 0;
    let last = 0;
    for (let bucket = 0; bucket < histogram.length; bucket++) {
      const n = histogram[bucket] ?? 0;
      if (n === 0) continue;
      seen += n;
      last = bucket;
      if (rank < seen) return middleOf(bucket);
    }
    return middleOf(last);
  };
  const h = (count - 1) * p;
  const lower = at(Math.floor(h));
  return lower + (h - Math.floor(h)) * (at(Math.ceil(h)) - lower);
}
