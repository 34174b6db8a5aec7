import { z } from 'zod';
import { IsoInstant, Locale, Uuid } from './common.ts';
import { JourneyStage } from './interactions.ts';

/**
 * Surveys: questions, versions, responses. One definition here is read by the builder, the
 * server-rendered response page, the widget, the kiosk and the results, so a question means the
 * same thing everywhere. Scores are stored as given; metrics (NPS, CSAT top-2-box, CES, SERVQUAL
 * gaps) are computed by modules/surveys/metrics on the server only.
 */

/** Text in the survey's languages; at least one. The page picks the respondent's, then the survey's default. */
export const LocalText = z
  .strictObject({ fa: z.string().max(2000).optional(), ar: z.string().max(2000).optional(), en: z.string().max(2000).optional() })
  .refine((t) => Boolean(t.fa?.trim() || t.ar?.trim() || t.en?.trim()), { message: 'at least one language' });
export type LocalText = z.infer<typeof LocalText>;

/** Stable within a survey across versions: answers are keyed by it. */
export const QuestionId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _ (up to 40)');

export const SERVQUAL_DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;
export const ServqualDimension = z.enum(SERVQUAL_DIMENSIONS);
export type ServqualDimension = z.infer<typeof ServqualDimension>;

/** Show a question only when an earlier answer matches, e.g. NPS ≤ 6 → "what went wrong?". */
export const ShowIf = z.strictObject({
  question: QuestionId,
  op: z.enum(['lte', 'gte', 'eq', 'neq', 'in', 'answered']),
  /** a number for scales; option ids for `in`; absent for `answered` */
  value: z.union([z.number(), z.array(z.string().max(40)).max(50)]).optional(),
});
export type ShowIf = z.infer<typeof ShowIf>;

const questionBase = {
  id: QuestionId,
  title: LocalText,
  description: LocalText.optional(),
  required: z.boolean().default(false),
  showIf: ShowIf.optional(),
};

export const ChoiceOption = z.strictObject({ id: z.string().regex(/^[a-z0-9_]{1,40}$/), label: LocalText });
export type ChoiceOption = z.infer<typeof ChoiceOption>;

/** How a bounded scale is drawn: numbers, verbal labels per point, stars or faces. */
export const ScaleStyle = z.enum(['numbers', 'labels', 'stars', 'faces']);
export type ScaleStyle = z.infer<typeof ScaleStyle>;

export const Question = z.discriminatedUnion('type', [
  /** 0–10 likelihood to recommend; promoters 9–10, detractors 0–6 */
  z.strictObject({ ...questionBase, type: z.literal('nps') }),
  /** employee NPS: 0–10, the same buckets */
  z.strictObject({ ...questionBase, type: z.literal('enps') }),
  /** satisfaction on 1..points (2–10, 5 by default); CSAT % is the top two boxes */
  z.strictObject({
    ...questionBase,
    type: z.literal('csat'),
    points: z.number().int().min(2).max(10).default(5),
    style: ScaleStyle.default('faces'),
    /** one label per point, lowest first, when style is `labels` */
    labels: z.array(LocalText).max(10).optional(),
  }),
  /** CES 2.0: agreement 1 (strongly disagree) … 7 (strongly agree); higher is easier */
  z.strictObject({ ...questionBase, type: z.literal('ces') }),
  /** any numeric or verbal rating scale min..max (at most 11 points) */
  z.strictObject({
    ...questionBase,
    type: z.literal('rating'),
    min: z.number().int().min(0).max(10).default(1),
    max: z.number().int().min(1).max(11).default(5),
    style: ScaleStyle.default('numbers'),
    labels: z.array(LocalText).max(11).optional(),
    /** captions at the two ends, e.g. "not at all" … "completely" */
    lowLabel: LocalText.optional(),
    highLabel: LocalText.optional(),
  }),
  z.strictObject({ ...questionBase, type: z.literal('single_choice'), options: z.array(ChoiceOption).min(2).max(30), allowOther: z.boolean().default(false) }),
  z.strictObject({
    ...questionBase,
    type: z.literal('multiple_choice'),
    options: z.array(ChoiceOption).min(2).max(30),
    allowOther: z.boolean().default(false),
    maxChoices: z.number().int().min(1).max(30).optional(),
  }),
  z.strictObject({ ...questionBase, type: z.literal('text'), multiline: z.boolean().default(true), maxLength: z.number().int().min(1).max(5000).default(2000) }),
  /** a day, entered and shown in the respondent's calendar, stored as an ISO date */
  z.strictObject({ ...questionBase, type: z.literal('date') }),
  /** one SERVQUAL statement answered for desired, adequate and perceived service on 1–9 */
  z.strictObject({ ...questionBase, type: z.literal('servqual'), dimension: ServqualDimension }),
]);
export type Question = z.infer<typeof Question>;
export type QuestionType = Question['type'];
/** Types whose answer is one integer score. */
export const SCORED_TYPES = ['nps', 'enps', 'csat', 'ces', 'rating'] as const;

/** The bounds of a scored question's answer. */
export function scoreRange(q: Question): { min: number; max: number } | undefined {
  switch (q.type) {
    case 'nps':
    case 'enps':
      return { min: 0, max: 10 };
    case 'csat':
      return { min: 1, max: q.points };
    case 'ces':
      return { min: 1, max: 7 };
    case 'rating':
      return { min: q.min, max: q.max };
    default:
      return undefined;
  }
}

export const SurveyKind = z.enum(['customer', 'employee']);
export const SurveyStatus = z.enum(['draft', 'live', 'closed']);
export type SurveyStatus = z.infer<typeof SurveyStatus>;
/** Where an answer came from; response rates and breakdowns are per channel. */
export const SurveyChannel = z.enum(['link', 'email', 'sms', 'widget', 'kiosk', 'api']);
export type SurveyChannel = z.infer<typeof SurveyChannel>;

/** Per-survey quotas: close the survey, or stop taking a segment's answers, once reached. */
export const SurveyQuota = z.strictObject({
  total: z.number().int().min(1).max(10_000_000).optional(),
  segments: z.array(z.strictObject({ segmentId: Uuid, limit: z.number().int().min(1).max(10_000_000) })).max(20).default([]),
});

/** What the widget shows and when. */
export const WidgetTrigger = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('page_view') }),
  z.strictObject({ type: z.literal('url_match'), pattern: z.string().min(1).max(300) }),
  z.strictObject({ type: z.literal('event'), name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/) }),
  z.strictObject({ type: z.literal('delay'), seconds: z.number().int().min(1).max(3600) }),
]);
export type WidgetTrigger = z.infer<typeof WidgetTrigger>;

export const SurveySettings = z.strictObject({
  /** no customer reference is stored for answers (structurally: no respondent row exists) */
  anonymous: z.boolean().default(false),
  languages: z.array(Locale).min(1).max(3).default(['fa']),
  defaultLanguage: Locale.default('fa'),
  /** names of values carried in the link (?order=…&store=…) and stored with the answer */
  hiddenFields: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/)).max(20).default([]),
  thankYou: LocalText.optional(),
  closesAt: IsoInstant.optional(),
  quota: SurveyQuota.optional(),
  /** journey stage the answers are about, for breakdowns */
  stage: JourneyStage.optional(),
  /** points for answering: published with response.submitted for loyalty to award */
  incentivePoints: z.number().int().min(0).max(1_000_000).optional(),
  widget: z
    .strictObject({
      enabled: z.boolean().default(false),
      triggers: z.array(WidgetTrigger).max(10).default([{ type: 'page_view' }]),
      /** show to this share of eligible visitors */
      samplingPercent: z.number().int().min(1).max(100).default(100),
      /** origins allowed to embed it, e.g. https://shop.example; empty = any */
      origins: z.array(z.string().max(200)).max(20).default([]),
    })
    .optional(),
});
export type SurveySettings = z.infer<typeof SurveySettings>;

export const SurveyDefinition = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: SurveyKind.default('customer'),
  settings: SurveySettings.default({ anonymous: false, languages: ['fa'], defaultLanguage: 'fa', hiddenFields: [] }),
  questions: z.array(Question).min(1).max(60),
});
export type SurveyDefinition = z.infer<typeof SurveyDefinition>;

/** A day as given in any calendar's form, stored as ISO (yyyy-mm-dd, Gregorian). */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One answer, as sent by the page, the widget, the kiosk or the API. */
export const AnswerValue = z.union([
  /** scored questions: an integer in the question's range */
  z.strictObject({ score: z.number() }),
  /** single or multiple choice; `other` is free text when the question allows it */
  z.strictObject({ choices: z.array(z.string().max(40)).max(30), other: z.string().max(500).optional() }),
  z.strictObject({ text: z.string().max(5000) }),
  z.strictObject({ date: IsoDate }),
  z.strictObject({ desired: z.number(), adequate: z.number(), perceived: z.number() }),
  /** the respondent saw the question and chose not to answer (an optional question) */
  z.strictObject({ skipped: z.literal(true) }),
]);
export type AnswerValue = z.infer<typeof AnswerValue>;

export const SurveyView = z
  .object({
    id: Uuid,
    name: z.string(),
    kind: SurveyKind,
    status: SurveyStatus,
    /** the published version respondents answer; 0 before the first publish */
    version: z.number().int(),
    /** the draft the builder edits (name, settings and questions above are the draft's) */
    draftChanged: z.boolean(),
    settings: SurveySettings,
    questions: z.array(Question),
    /** the public link's token (a published address, not a credential) */
    publicToken: z.string(),
    createdAt: IsoInstant,
    updatedAt: IsoInstant,
    publishedAt: IsoInstant.nullable(),
    closedAt: IsoInstant.nullable(),
    responseCount: z.number().int(),
  })
  .meta({ id: 'Survey' });
export type SurveyView = z.infer<typeof SurveyView>;

export const SurveyResponseView = z
  .object({
    id: Uuid,
    surveyId: Uuid,
    version: z.number().int(),
    status: z.enum(['partial', 'complete']),
    channel: SurveyChannel,
    locale: Locale,
    customerId: Uuid.nullable(),
    invitationId: Uuid.nullable(),
    hidden: z.record(z.string(), z.string()),
    answers: z.record(z.string(), AnswerValue),
    tags: z.array(z.string()),
    startedAt: IsoInstant,
    submittedAt: IsoInstant.nullable(),
  })
  .meta({ id: 'SurveyResponse' });
export type SurveyResponseView = z.infer<typeof SurveyResponseView>;

/** Events other modules consume (payloads of `response.submitted` and `feedback.negative`). */
export interface ResponseSubmittedPayload {
  surveyId: string;
  responseId: string;
  /** absent for anonymous surveys */
  customerId?: string;
  channel: SurveyChannel;
  /** when it was answered (ISO instant) */
  occurredAt: string;
  /** first answer of each scored kind, e.g. { nps: 9, csat: 4 } with csatPoints for its scale */
  scores: { nps?: number; enps?: number; csat?: number; csatPoints?: number; ces?: number };
  incentivePoints?: number;
  /** what the survey was sent after: a follow-up, a case, an order */
  context?: { followupId?: string; caseId?: string; orderId?: string };
}
export interface FeedbackNegativePayload {
  surveyId: string;
  responseId: string;
  customerId?: string;
  /** which signal: nps 0–6, csat in the bottom two of its scale, ces 1–3 */
  reason: 'nps' | 'csat' | 'ces';
  score: number;
  channel: SurveyChannel;
  occurredAt: string;
}
