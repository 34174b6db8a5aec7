import { scoreRange, type AnswerValue, type Question } from '@vafa/contracts';
import { npsCategory } from './metrics/nps.ts';
import { cesAgrees, checkScore, isBottomTwo, isTopTwo } from './metrics/scales.ts';
import { answerZone } from './metrics/servqual.ts';

/** The counters of one survey_rollups row, in the table's column order. */
export const ROLLUP_COUNTERS = [
  'answered', 'skipped', 'sum', 'sum_sq', 'promoters', 'passives', 'detractors', 'top_two', 'bottom_two', 'agree',
  'desired_sum', 'adequate_sum', 'perceived_sum', 'below_zone', 'within_zone', 'above_zone',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
export type Counters = Partial<Record<RollupCounter, number>>;

/** One row's worth of change: question ('' = the response), bucket ('' statistics, v:<score>, o:<option>, x:other). */
export interface RollupDelta {
  questionId: string;
  bucket: string;
  counters: Counters;
}

/** The chosen-"other" bucket; option ids are [a-z0-9_], so the x: prefix never meets one. */
export const OTHER_BUCKET = 'x:other';

/**
 * What one complete response adds to the rollups (its statistics rows, score histograms and
 * choice counts). The classification is the metrics library's, so the stored counts and the
 * in-memory functions agree by construction. A skip counts in `skipped` only; an answer of the
 * wrong shape or out of range throws (the response service validates before this).
 */
export function rollupDeltas(questions: readonly Question[], answers: Readonly<Record<string, AnswerValue>>): RollupDelta[] {
  const deltas: RollupDelta[] = [{ questionId: '', bucket: '', counters: { answered: 1 } }];
  for (const q of questions) {
    const a = answers[q.id];
    if (!a) continue;
    if ('skipped' in a) {
      deltas.push({ questionId: q.id, bucket: '', counters: { skipped: 1 } });
      continue;
    }
    const c: Counters = { answered: 1 };
    const range = scoreRange(q);
    if (range) {
      if (!('score' in a)) throw new RangeError(`question ${q.id} takes a score`);
      const s = checkScore(a.score, range.min, range.max);
      c.sum = s;
      c.sum_sq = s * s;
      if (q.type === 'nps' || q.type === 'enps') c[`${npsCategory(s)}s` as 'promoters' | 'passives' | 'detractors'] = 1;
      else if (q.type === 'ces') c.agree = cesAgrees(s) ? 1 : 0;
      else {
        c.top_two = isTopTwo(s, range.min, range.max) ? 1 : 0;
        c.bottom_two = isBottomTwo(s, range.min, range.max) ? 1 : 0;
      }
      deltas.push({ questionId: q.id, bucket: '', counters: c }, { questionId: q.id, bucket: `v:${s}`, counters: { answered: 1 } });
      continue;
    }
    switch (q.type) {
      case 'single_choice':
      case 'multiple_choice': {
        if (!('choices' in a)) throw new RangeError(`question ${q.id} takes choices`);
        deltas.push({ questionId: q.id, bucket: '', counters: c });
        for (const option of new Set(a.choices)) deltas.push({ questionId: q.id, bucket: `o:${option}`, counters: { answered: 1 } });
        if (a.other?.trim()) deltas.push({ questionId: q.id, bucket: OTHER_BUCKET, counters: { answered: 1 } });
        break;
      }
      case 'text':
        if (!('text' in a)) throw new RangeError(`question ${q.id} takes text`);
        // blank text says nothing: it is neither an answer nor a deliberate skip
        if (a.text.trim()) deltas.push({ questionId: q.id, bucket: '', counters: c });
        break;
      case 'date':
        if (!('date' in a)) throw new RangeError(`question ${q.id} takes a date`);
        deltas.push({ questionId: q.id, bucket: '', counters: c });
        break;
      case 'servqual': {
        if (!('perceived' in a)) throw new RangeError(`question ${q.id} takes desired, adequate and perceived`);
        const zone = answerZone(a);
        c.desired_sum = a.desired;
        c.adequate_sum = a.adequate;
        c.perceived_sum = a.perceived;
        c[`${zone}_zone`] = 1;
        deltas.push({ questionId: q.id, bucket: '', counters: c });
        break;
      }
      default:
        break;
    }
  }
  return deltas;
}
