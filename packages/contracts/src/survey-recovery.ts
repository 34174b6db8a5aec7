import { z } from 'zod';
import { IsoInstant, Uuid } from './common.ts';
import { MetricEstimate } from './survey-results.ts';

/**
 * The closed loop's outcome (issue 10): a survey sent after a follow-up or a case carries the
 * follow-up or case in its invitation's and response's context, and, when the follow-up or case
 * was opened by a negative answer of the same customer, that earlier response
 * (`priorResponseId`). "Did fixing it change the score?" compares the two answers per customer.
 */

/** A response of a loop, with the first score of each scored kind (as `response.submitted` carries them). */
export const LoopResponseRef = z
  .object({
    surveyId: Uuid,
    surveyName: z.string(),
    responseId: Uuid,
    submittedAt: IsoInstant,
    scores: z.object({ nps: z.number().int().optional(), csat: z.number().int().optional(), csatPoints: z.number().int().optional(), ces: z.number().int().optional() }),
  })
  .meta({ id: 'LoopResponseRef' });
export type LoopResponseRef = z.infer<typeof LoopResponseRef>;

export const SurveyLoopQuery = z.strictObject({
  responseId: Uuid.optional(),
  followupId: Uuid.optional(),
  caseId: Uuid.optional(),
});
export type SurveyLoopQuery = z.infer<typeof SurveyLoopQuery>;

/**
 * The loop a response, follow-up or case belongs to: the follow-up or case, the earlier (negative)
 * response that opened it, and the responses given to surveys sent after it. Only named responses:
 * an anonymous survey's response keeps no context, so it is never part of a loop.
 */
export const SurveyLoopView = z
  .object({
    followupId: Uuid.nullable(),
    caseId: Uuid.nullable(),
    earlier: LoopResponseRef.nullable(),
    later: z.array(LoopResponseRef),
  })
  .meta({ id: 'SurveyLoop' });
export type SurveyLoopView = z.infer<typeof SurveyLoopView>;

/**
 * One scored kind's before/after comparison. `n` pairs: a customer's earlier answer and their first
 * later answer of that kind (CSAT: on the same scale). `before`/`after` are the metric of each side
 * (NPS −100…100, CSAT % top-two, CES mean 1–7); `recovered` is the share of those whose earlier
 * answer was negative (NPS 0–6, CSAT bottom two, CES 1–3) whose later one was not; `improved` the
 * share ending on top (promoter, top two, agreeing 5–7). `meanChange` is the mean of each
 * customer's later − earlier score with its 95 % interval (paired: the same customers on both
 * sides); for NPS `scoreChange` is the change of NPS itself, the mean of each customer's
 * +1/0/−1 category difference × 100, with its paired interval.
 */
export const RecoveryMetric = z
  .object({
    type: z.enum(['nps', 'csat', 'ces']),
    /** CSAT: the points of its scale */
    points: z.number().int().nullable(),
    n: z.number().int(),
    negativeBefore: z.number().int(),
    before: MetricEstimate.nullable(),
    after: MetricEstimate.nullable(),
    recovered: MetricEstimate.extend({ n: z.number().int(), count: z.number().int() }).nullable(),
    improved: MetricEstimate.extend({ n: z.number().int(), count: z.number().int() }).nullable(),
    meanChange: MetricEstimate.nullable(),
    scoreChange: MetricEstimate.nullable(),
  })
  .meta({ id: 'RecoveryMetric' });
export type RecoveryMetric = z.infer<typeof RecoveryMetric>;

export const SurveyRecoveryView = z
  .object({
    surveyId: Uuid,
    /** responses linked to a follow-up or case that took part (after the loop, or before it in this survey) */
    loops: z.object({ followup: z.number().int(), case: z.number().int(), paired: z.number().int() }),
    metrics: z.array(RecoveryMetric),
  })
  .meta({ id: 'SurveyRecovery' });
export type SurveyRecoveryView = z.infer<typeof SurveyRecoveryView>;
