import { z } from 'zod';
import { CalendarId, Uuid } from './common.ts';
import { JourneyStage } from './interactions.ts';
import { IsoDate, LocalText, ServqualDimension, SurveyChannel } from './surveys.ts';

/**
 * Survey results: every figure comes from the rollups through modules/surveys/metrics, so the
 * screen, exports and integrators read one definition of NPS, CSAT, CES and the SERVQUAL gaps.
 */

/** Below this many answers a score is flagged as a small sample (REFERENCE.md §1: a working threshold). */
export const SMALL_SAMPLE = 100;

/** A point estimate with its 95 % interval. `centre` is the interval's centre (adjusted-Wald for NPS and shares). */
export const MetricEstimate = z.object({ value: z.number(), centre: z.number(), margin: z.number(), low: z.number(), high: z.number() }).meta({ id: 'MetricEstimate' });
export type MetricEstimate = z.infer<typeof MetricEstimate>;

/** b − a of two independent estimates; significant when its 95 % interval excludes 0. */
export const MetricDifference = z
  .object({
    value: z.number(), centre: z.number(), margin: z.number(), low: z.number(), high: z.number(),
    significant: z.boolean(),
    direction: z.enum(['up', 'down', 'none']),
  })
  .meta({ id: 'MetricDifference' });
export type MetricDifference = z.infer<typeof MetricDifference>;

/** `none` = answers not about a journey stage. */
export const ResultsStage = z.union([JourneyStage, z.literal('none')]);

export const ResultsFilter = z.strictObject({
  /** first and last day (inclusive, workspace time zone, ISO); absent = since the first answer / up to today */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  channel: SurveyChannel.optional(),
  segmentId: Uuid.optional(),
  stage: ResultsStage.optional(),
});
export type ResultsFilter = z.infer<typeof ResultsFilter>;

const Distribution = z.array(z.object({ value: z.number().int(), count: z.number().int() }));
const base = { questionId: z.string(), title: LocalText, n: z.number().int(), skipped: z.number().int() };

export const ServqualFigures = z.object({
  n: z.number().int(),
  skipped: z.number().int(),
  desired: z.number().nullable(),
  adequate: z.number().nullable(),
  perceived: z.number().nullable(),
  msa: z.number().nullable(),
  mss: z.number().nullable(),
  zone: z.enum(['below', 'within', 'above']).nullable(),
  shares: z.object({ below: z.number(), within: z.number(), above: z.number() }).nullable(),
});

export const QuestionResult = z
  .discriminatedUnion('type', [
    z.object({
      ...base, type: z.enum(['nps', 'enps']), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int(),
      score: MetricEstimate.nullable(), distribution: Distribution,
    }),
    z.object({ ...base, type: z.literal('csat'), points: z.number().int(), score: MetricEstimate.nullable(), mean: MetricEstimate.nullable(), distribution: Distribution }),
    z.object({ ...base, type: z.literal('ces'), score: MetricEstimate.nullable(), agree: MetricEstimate.nullable(), distribution: Distribution }),
    z.object({ ...base, type: z.literal('rating'), min: z.number().int(), max: z.number().int(), mean: MetricEstimate.nullable(), topTwo: MetricEstimate.nullable(), distribution: Distribution }),
    z.object({
      ...base, type: z.enum(['single_choice', 'multiple_choice']),
      options: z.array(z.object({ id: z.string(), label: LocalText, count: z.number().int() })),
      other: z.number().int(),
    }),
    z.object({ ...base, type: z.enum(['text', 'date']) }),
    z.object({ ...base, type: z.literal('servqual'), dimension: ServqualDimension, figures: ServqualFigures }),
  ])
  .meta({ id: 'SurveyQuestionResult' });
export type QuestionResult = z.infer<typeof QuestionResult>;

export const ResponseRateRow = z.object({ sent: z.number().int(), responded: z.number().int(), rate: z.number().nullable() });

export const SurveyResultsView = z
  .object({
    surveyId: Uuid,
    filter: ResultsFilter,
    timeZone: z.string(),
    calendar: CalendarId,
    responses: z.object({ total: z.number().int(), byChannel: z.array(z.object({ channel: SurveyChannel, count: z.number().int() })) }),
    /** personal invitations sent in the period and how many were answered, per channel and per wave (segment and stage filters do not apply) */
    responseRates: z.object({
      total: ResponseRateRow,
      byChannel: z.array(ResponseRateRow.extend({ channel: z.string() })),
      byWave: z.array(ResponseRateRow.extend({ wave: z.number().int() })),
    }),
    questions: z.array(QuestionResult),
    servqualDimensions: z.array(ServqualFigures.extend({ dimension: ServqualDimension, items: z.number().int() })),
    smallSample: z.number().int(),
  })
  .meta({ id: 'SurveyResults' });
export type SurveyResultsView = z.infer<typeof SurveyResultsView>;

export const TrendInterval = z.enum(['day', 'week', 'month']);
export type TrendInterval = z.infer<typeof TrendInterval>;

export const TrendQuery = ResultsFilter.extend({ question: z.string().max(40), interval: TrendInterval.default('month') });
export type TrendQuery = z.infer<typeof TrendQuery>;

/** Which figure a trend follows: NPS/eNPS, CSAT % (top-2-box), CES mean, a rating's mean. */
export const TrendMetric = z.enum(['nps', 'csat', 'ces', 'mean']);

export const SurveyTrendView = z
  .object({
    questionId: z.string(),
    metric: TrendMetric,
    interval: TrendInterval,
    calendar: CalendarId,
    points: z.array(z.object({
      /** first and last day of the bucket (ISO, inclusive); a month is a month of the workspace calendar */
      start: IsoDate,
      end: IsoDate,
      n: z.number().int(),
      value: MetricEstimate.nullable(),
      /** against the previous bucket that has answers */
      change: MetricDifference.nullable(),
    })),
  })
  .meta({ id: 'SurveyTrend' });
export type SurveyTrendView = z.infer<typeof SurveyTrendView>;

export const BreakdownQuery = ResultsFilter.extend({ question: z.string().max(40), by: z.enum(['channel', 'segment', 'stage']) });
export type BreakdownQuery = z.infer<typeof BreakdownQuery>;

export const SurveyBreakdownView = z
  .object({
    questionId: z.string(),
    metric: TrendMetric,
    by: z.enum(['channel', 'segment', 'stage']),
    /** every answer under the other filters, the row each group is compared with */
    overall: z.object({ n: z.number().int(), value: MetricEstimate.nullable() }),
    rows: z.array(z.object({
      /** a channel, a segment id, a stage or `none` */
      key: z.string(),
      n: z.number().int(),
      value: MetricEstimate.nullable(),
      /** this group against the rest of the answers */
      vsRest: MetricDifference.nullable(),
    })),
  })
  .meta({ id: 'SurveyBreakdown' });
export type SurveyBreakdownView = z.infer<typeof SurveyBreakdownView>;

/** Open text: frequent terms and 2–3-word phrases of one free-text question. */
export const SurveyThemesView = z
  .object({
    computedAt: z.string().nullable(),
    questions: z.array(z.object({
      questionId: z.string(),
      title: LocalText,
      themes: z.array(z.object({
        term: z.string(),
        words: z.number().int(),
        count: z.number().int(),
        examples: z.array(z.object({ responseId: Uuid, text: z.string() })),
      })),
    })),
  })
  .meta({ id: 'SurveyThemes' });
export type SurveyThemesView = z.infer<typeof SurveyThemesView>;

/**
 * Themes of a slice: the results' own filters (period in workspace days, channel, segment as the
 * customer's segments when the response completed, the survey's journey stage). With any of them
 * the themes and their example answers are computed from that slice's answers only.
 */
export const ThemesQuery = ResultsFilter.extend({ question: z.string().max(40).optional() });
export type ThemesQuery = z.infer<typeof ThemesQuery>;

export const ResponseTagParams = z.strictObject({ id: Uuid, responseId: Uuid });
export const ResponseTagInput = z.strictObject({ tag: z.string().trim().min(1).max(60) });
/** DELETE …/tags?tag=… */
export const ResponseTagQuery = ResponseTagInput;
export const ResponseTagsView = z.object({ responseId: Uuid, tags: z.array(z.string()) }).meta({ id: 'SurveyResponseTags' });
export type ResponseTagsView = z.infer<typeof ResponseTagsView>;
