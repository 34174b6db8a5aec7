import { z } from 'zod';
import { IsoInstant, Locale, NO_CONTROL_BUT_LINE_BREAKS, Uuid } from './common.ts';
import { ComplaintStatusWords } from './complaints.ts';

// The customer's side of a complaint case (the public tracking page's actions) and the workspace's
// settings for the closed loop between complaints, notices, the post-closure survey and goodwill.

const WorkspaceSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);
/** A person's text: lines and tabs kept, other control characters refused. */
const personText = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_BUT_LINE_BREAKS, 'no control characters');

/** The signed token of the tracking link sent in notices (base64url). */
export const CaseLinkToken = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/**
 * How the customer proves the case is theirs: the tracking code (as typed) and either a
 * `verification` (the last 4 digits of the phone or the e-mail given when filing) or the `token`
 * of the tracking link in a notice. A wrong code and a wrong proof answer the same 404.
 */
const caseAccess = {
  workspace: WorkspaceSlug,
  code: z.string().max(256),
  verification: z.string().trim().min(1).max(254).optional(),
  token: CaseLinkToken.optional(),
  /** the language of the answer's words; else Accept-Language */
  language: Locale.optional(),
};

function oneProof<T extends z.ZodType<{ verification?: string | undefined; token?: string | undefined }>>(schema: T): T {
  return schema.superRefine((input, ctx) => {
    if (!input.verification && !input.token) ctx.addIssue({ code: 'custom', message: 'verification_required', params: { code: 'verification_required' }, path: ['verification'] });
  }, { when: (payload) => typeof payload.value === 'object' && payload.value !== null }) as unknown as T;
}

export const CaseAccess = oneProof(z.strictObject(caseAccess)).meta({ id: 'ComplaintCaseAccess' });
export type CaseAccess = z.infer<typeof CaseAccess>;

/** The customer adds information; a case waiting for them resumes. */
export const AddCaseInformation = oneProof(z.strictObject({ ...caseAccess, message: personText(4000) })).meta({ id: 'AddComplaintInformation' });
export type AddCaseInformation = z.infer<typeof AddCaseInformation>;

/**
 * The customer sends files from the tracking page (multipart/form-data: these as fields, the files
 * as parts named `files`), with or without a message.
 */
export const AddCaseFiles = oneProof(z.strictObject({ ...caseAccess, message: personText(4000).optional() })).meta({ id: 'AddComplaintFiles' });
export type AddCaseFiles = z.infer<typeof AddCaseFiles>;

/** The customer accepts the resolution communicated to them (ISO 10002: acceptance recorded; the case closes). */
export const AcceptCaseResolution = oneProof(z.strictObject({ ...caseAccess, note: personText(2000).optional() })).meta({ id: 'AcceptComplaintResolution' });
export type AcceptCaseResolution = z.infer<typeof AcceptCaseResolution>;

/** The customer rejects it, saying why; the case reopens and the answer names their next recourse. */
export const RejectCaseResolution = oneProof(z.strictObject({ ...caseAccess, reason: personText(4000) })).meta({ id: 'RejectComplaintResolution' });
export type RejectCaseResolution = z.infer<typeof RejectCaseResolution>;

/**
 * The complainant without a customer record answers the post-closure satisfaction question on the
 * tracking page (the notice asking it links there): `score` on the view's `satisfaction.points` scale.
 */
export const AnswerCaseSatisfaction = oneProof(z.strictObject({ ...caseAccess, score: z.number().int().min(1).max(10) })).meta({ id: 'AnswerComplaintSatisfaction' });
export type AnswerCaseSatisfaction = z.infer<typeof AnswerCaseSatisfaction>;

/** What the customer may do on the tracking page now. */
export const CustomerCaseAction = z.enum(['add_information', 'accept_resolution', 'reject_resolution', 'answer_satisfaction']);
export type CustomerCaseAction = z.infer<typeof CustomerCaseAction>;

/** One line of the case's story as the customer sees it: their own messages and the steps in plain words. */
export const CustomerCaseEntry = z.object({
  at: IsoInstant,
  kind: z.enum(['status', 'your_message', 'our_reply']),
  /** the status words for a step, the customer's own text for their message, the staff's reply as written */
  text: z.string(),
  /** the names of the files the customer attached with this message (absent when none) */
  files: z.array(z.string()).optional(),
});

export const CustomerCaseView = z.object({
  trackingCode: z.string(),
  trackingCodeDisplay: z.string(),
  status: ComplaintStatusWords,
  receivedAt: IsoInstant,
  updatedAt: IsoInstant,
  /** what was decided, once it has been communicated to the customer; null before */
  resolutionSummary: z.string().nullable(),
  actions: z.array(CustomerCaseAction),
  /**
   * Where the customer can turn next (a manager's review, an external ombudsman), in their
   * language: present after they rejected a resolution, and whenever a resolution awaits their answer.
   */
  recourse: z.string().nullable(),
  history: z.array(CustomerCaseEntry),
  /**
   * The post-closure satisfaction question when it was asked of this case's contact (a case filed
   * without a customer record; a customer answers theirs through the survey link they are sent):
   * the scale and, once answered, the score. Null when not asked.
   */
  satisfaction: z.object({ points: z.number().int(), score: z.number().int().nullable() }).nullable(),
}).meta({ id: 'CustomerComplaintCase' });
export type CustomerCaseView = z.infer<typeof CustomerCaseView>;

/**
 * A goodwill gesture: points, or a coupon worth `amount` minor units of `currency`: one code of
 * the discount-coupon reward `rewardId` (loyalty gives it; never points). Saving a coupon gesture
 * without a reward, or with one that is not a discount coupon, is refused; older settings may lack it.
 */
export const GoodwillGesture = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('points'), amount: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({
    kind: z.literal('coupon'), amount: z.number().int().min(1).max(1_000_000_000_000), currency: z.string().regex(/^[A-Z]{3}$/), rewardId: Uuid.optional(),
  }),
]);
export type GoodwillGesture = z.infer<typeof GoodwillGesture>;

export const COMPLAINT_NOTICE_KINDS = ['acknowledged', 'resolution_communicated', 'escalated', 'closed'] as const;
export const ComplaintNoticeKind = z.enum(COMPLAINT_NOTICE_KINDS);
export type ComplaintNoticeKind = z.infer<typeof ComplaintNoticeKind>;

const RecourseText = z.strictObject({
  fa: z.string().trim().min(1).max(1000).optional(),
  ar: z.string().trim().min(1).max(1000).optional(),
  en: z.string().trim().min(1).max(1000).optional(),
});

/**
 * The workspace's closed-loop settings. `negativeFeedbackOpensCase` is off by default: every
 * negative answer already gets an urgent follow-up (engagement's built-in rule), and not every
 * low score is a complaint; a workspace that wants a formal case for each opts in.
 */
export const ComplaintSettings = z.strictObject({
  /** a survey's `feedback.negative` opens a case linked to the response (one per response) */
  negativeFeedbackOpensCase: z.boolean(),
  /** which notices go to the complainant (through engagement's templates and channels) */
  notices: z.strictObject({
    acknowledged: z.boolean(),
    resolution_communicated: z.boolean(),
    escalated: z.boolean(),
    closed: z.boolean(),
  }),
  /** the one-question satisfaction survey after a resolved case closes; null: a default one is made on first use */
  csat: z.strictObject({ enabled: z.boolean(), surveyId: Uuid.nullable() }),
  /** the customer's next recourse after rejecting a resolution; a language left out uses the default wording */
  recourse: RecourseText,
  goodwill: z.strictObject({ onFiling: GoodwillGesture.nullable(), onResolution: GoodwillGesture.nullable() }),
}).meta({ id: 'ComplaintSettings' });
export type ComplaintSettings = z.infer<typeof ComplaintSettings>;

/** The settings as stored, with the default recourse wording and the notice templates in use. */
export const ComplaintSettingsView = ComplaintSettings.extend({
  defaultRecourse: z.object({ fa: z.string(), ar: z.string(), en: z.string() }),
  /** engagement message templates the notices use (made on first use; edit them like any template) */
  noticeTemplates: z.record(z.string(), Uuid),
}).meta({ id: 'ComplaintSettingsView' });
export type ComplaintSettingsView = z.infer<typeof ComplaintSettingsView>;

/** The payload of `complaint.goodwill`, for the loyalty module to turn into points or a coupon. */
export interface ComplaintGoodwillPayload {
  customerId: string;
  caseId: string;
  occasion: 'filing' | 'resolution';
  kind: 'points' | 'coupon';
  amount: number;
  currency?: string;
  /** a coupon's discount-coupon reward */
  rewardId?: string;
  /** the same for a redelivered event: award once per key */
  idempotencyKey: string;
  occurredAt: string;
}
