import { z } from 'zod';
import { IsoInstant, Uuid } from './common.ts';

// The customer context of a staff case page beside the timeline, orders and follow-ups the page
// already reads: the complainant's loyalty standing with the goodwill this case gave them, and the
// survey response that opened the case (a `feedback.negative` case).

const TierName = z.object({ fa: z.string(), ar: z.string(), en: z.string() });

/** What one goodwill occasion of the case gave the member: the gesture decided, and what loyalty booked for it. */
export const CaseGoodwillGiven = z.object({
  /** filing | resolution */
  occasion: z.enum(['filing', 'resolution']),
  /** points | coupon: the gesture the workspace's settings decided */
  kind: z.enum(['points', 'coupon']),
  /** the gesture's amount: points, or a coupon's value in minor units of `currency` */
  amount: z.number().int(),
  currency: z.string().nullable(),
  decidedAt: IsoInstant,
  /** points credited for it, over every program whose rule paid it (0 until the event is handled, or when no program pays goodwill) */
  pointsCredited: z.number().int(),
  /** a coupon gesture's coupon: given (active), cancelled since, or not given (yet) */
  coupon: z.enum(['given', 'cancelled', 'none']),
}).meta({ id: 'ComplaintCaseGoodwillGiven' });
export type CaseGoodwillGiven = z.infer<typeof CaseGoodwillGiven>;

/**
 * The complainant's loyalty standing as it is when read (the member-balance read of the loyalty
 * module: points past their expiry are not available) and their tier in each active program.
 * `member` is null for a case without a customer record, or a customer erased since.
 */
export const CaseLoyaltyView = z.object({
  caseId: Uuid,
  customerId: Uuid.nullable(),
  member: z.object({
    available: z.number().int(),
    pending: z.number().int(),
    qualifying: z.number().int(),
    /** the soonest expiry of available points, if any */
    nextExpiry: z.object({ expiresAt: IsoInstant, points: z.number().int() }).nullable(),
    tiers: z.array(z.object({
      programId: Uuid,
      programName: z.string(),
      /** null: no tier yet in a program that has tiers */
      tier: z.object({ id: Uuid, name: TierName, rank: z.number().int() }).nullable(),
      since: IsoInstant.nullable(),
    })),
  }).nullable(),
  /** every goodwill occasion of this case, filing first */
  goodwill: z.array(CaseGoodwillGiven),
}).meta({ id: 'ComplaintCaseLoyalty' });
export type CaseLoyaltyView = z.infer<typeof CaseLoyaltyView>;

/**
 * The survey response that opened a case (`relatedResponseId`): the survey and when the answer was
 * given, so staff can open it. `response` is null when the case names none, or it was deleted since.
 */
export const CaseSurveyOriginView = z.object({
  caseId: Uuid,
  responseId: Uuid.nullable(),
  response: z.object({
    surveyId: Uuid,
    surveyName: z.string(),
    channel: z.string(),
    submittedAt: IsoInstant.nullable(),
  }).nullable(),
}).meta({ id: 'ComplaintCaseSurveyOrigin' });
export type CaseSurveyOriginView = z.infer<typeof CaseSurveyOriginView>;
