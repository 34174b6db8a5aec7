import { z } from 'zod';
import { IsoInstant, Locale, PageQuery, pageOf, ProblemView, Uuid } from './common.ts';
import { ResultsStage } from './survey-results.ts';
import { AnswerValue, IsoDate, Question, SurveyChannel, SurveyResponseView, SurveyStatus, LocalText } from './surveys.ts';

/**
 * Answering a survey through the public JSON API (the page's twin, for the widget and apps),
 * and reading a survey's responses (the responses screen).
 */

/** A public link's or personal invitation's token (22 base64url characters). */
export const SurveyTokenParams = z.strictObject({ token: z.string().min(1).max(64) });

/** `response`: a response this client started (kept from an earlier answer), to resume it. */
export const PublicSurveyQuery = z.strictObject({ lang: Locale.optional(), response: Uuid.optional() });

/** What a respondent's client needs to show the survey in one language. */
export const PublicSurveyView = z
  .object({
    id: Uuid,
    name: z.string(),
    status: SurveyStatus,
    /** the language picked for this respondent, and the ones the survey has */
    language: Locale,
    languages: z.array(Locale),
    anonymous: z.boolean(),
    hiddenFields: z.array(z.string()),
    thankYou: LocalText.nullable(),
    questions: z.array(Question),
    /** a response this respondent (device or invitation) has started or finished */
    response: z.object({ id: Uuid, status: z.enum(['partial', 'complete']), answers: z.record(z.string(), AnswerValue), step: z.number().int() }).nullable(),
    /** a proof-of-work challenge to solve before submitting (only when traffic looks automated) */
    challenge: z.object({ value: z.string(), bits: z.number().int() }).nullable(),
    /** the device token to keep and send back as `X-Vafa-Device` when cookies do not travel (a widget on another site) */
    device: z.string(),
  })
  .meta({ id: 'PublicSurvey' });
export type PublicSurveyView = z.infer<typeof PublicSurveyView>;

export const PublicAnswerSubmission = z
  .strictObject({
    answers: z.record(z.string().max(60), AnswerValue).refine((a) => Object.keys(a).length <= 60, { message: 'at most 60 answers' }),
    /** true on the last step: required questions are checked and the response counts */
    complete: z.boolean(),
    /** continue (or edit) the response this device or invitation started */
    responseId: Uuid.optional(),
    locale: Locale.optional(),
    /** values carried in the link, kept for the names the survey declares */
    hidden: z.record(z.string().max(40), z.string().max(200)).refine((h) => Object.keys(h).length <= 20, { message: 'at most 20 hidden fields' }).optional(),
    step: z.number().int().min(0).max(100).optional(),
    /** `<challenge>:<n>` when a challenge was handed out */
    proof: z.string().max(200).optional(),
  })
  .meta({ id: 'PublicAnswerSubmission' });
export type PublicAnswerSubmission = z.infer<typeof PublicAnswerSubmission>;

/** 429 from the public answer API: `too_many_answers`, or `challenge_required` with the challenge to solve. */
export const AnswerRateProblem = ProblemView.extend({ challenge: z.string().optional(), bits: z.number().int().optional() }).meta({ id: 'AnswerRateProblem' });

export const PublicAnswerResult = z
  .object({ responseId: Uuid, status: z.enum(['partial', 'complete']), device: z.string() })
  .meta({ id: 'PublicAnswerResult' });

/**
 * The filters the responses screen and its export share. `segmentId`, `stage` and `from`/`to`
 * mean what they mean in the results (ResultsFilter): the customer's segments when the response
 * completed, the survey's journey stage (`none` = not about one), days of the workspace's time
 * zone (inclusive).
 */
export const ResponseFilterFields = {
  channel: SurveyChannel.optional(),
  /** the score of `question` (default: the survey's first scored question) within [scoreMin, scoreMax] */
  question: z.string().max(40).optional(),
  scoreMin: z.coerce.number().int().min(-1000).max(1000).optional(),
  scoreMax: z.coerce.number().int().min(-1000).max(1000).optional(),
  /** only responses with some free text (a text answer or an "other") */
  hasText: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** only responses an analyst gave this tag (exact, as stored: NFC, trimmed, inner spaces as one) */
  tag: z.string().trim().min(1).max(60).optional(),
  segmentId: Uuid.optional(),
  stage: ResultsStage.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
};

export const ResponseListQuery = PageQuery.extend({
  status: z.enum(['complete', 'partial']).default('complete'),
  ...ResponseFilterFields,
});
export type ResponseListQuery = z.infer<typeof ResponseListQuery>;

/**
 * The responses the responses screen lists under the same filters, labels in `lang` (default:
 * the reader's language). `from`/`to` are days of the workspace (inclusive), as on the screen;
 * an instant is also taken (submitted in [from, to)).
 */
export const SurveyExportQuery = z.strictObject({
  lang: Locale.optional(),
  ...ResponseFilterFields,
  from: z.union([IsoDate, IsoInstant]).optional(),
  to: z.union([IsoDate, IsoInstant]).optional(),
});
export type SurveyExportQuery = z.infer<typeof SurveyExportQuery>;

export const SurveyResponseListItem = SurveyResponseView.extend({
  /** the customer's name as it is now (null for anonymous surveys and erased customers) */
  customerName: z.string().nullable(),
});
export const SurveyResponsePage = pageOf(SurveyResponseListItem).meta({ id: 'SurveyResponsePage' });
export type SurveyResponsePage = z.infer<typeof SurveyResponsePage>;

/** One response with the questions of the version it was given against, to label its answers. */
export const SurveyResponseDetail = z
  .object({ response: SurveyResponseListItem, questions: z.array(Question), defaultLanguage: Locale, updatedAt: IsoInstant })
  .meta({ id: 'SurveyResponseDetail' });
export type SurveyResponseDetail = z.infer<typeof SurveyResponseDetail>;

export const SurveyResponseParams = z.strictObject({ id: Uuid, responseId: Uuid });
export const SurveyPreviewQuery = z.strictObject({ lang: Locale.optional() });
