import { z } from 'zod';
import { IsoInstant, Locale, SecretWithheld, ShownOnce, Uuid } from './common.ts';
import { AnswerValue, ScaleStyle, ShowIf, WidgetTrigger } from './surveys.ts';

/**
 * The embeddable widget and shop kiosks. The widget bundle (apps/widget) imports these types
 * only (never zod), so it stays small; the server validates with the schemas.
 */

/** The public token of a survey (22 base64url characters); anything else is answered 404 alike. */
export const PublicSurveyToken = z.string().min(1).max(64);
export const WidgetTokenParams = z.strictObject({ token: PublicSurveyToken });

/** A question as the widget or kiosk draws it: text already in the visitor's language. */
export const WidgetQuestion = z.object({
  id: z.string(),
  type: z.enum(['nps', 'enps', 'csat', 'ces', 'rating', 'single_choice', 'multiple_choice', 'text']),
  title: z.string(),
  description: z.string().optional(),
  required: z.boolean(),
  /** scored questions: the bounds and how the points are drawn */
  min: z.number().int().optional(),
  max: z.number().int().optional(),
  style: ScaleStyle.optional(),
  /** one label per point, lowest first */
  labels: z.array(z.string()).optional(),
  lowLabel: z.string().optional(),
  highLabel: z.string().optional(),
  options: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  allowOther: z.boolean().optional(),
  maxChoices: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  showIf: ShowIf.optional(),
});
export type WidgetQuestion = z.infer<typeof WidgetQuestion>;

/** The words around the questions, in the visitor's language. */
export const WidgetTexts = z.object({
  dialogLabel: z.string(),
  close: z.string(),
  submit: z.string(),
  next: z.string(),
  thanks: z.string(),
  otherPlaceholder: z.string(),
  /** "{n} of {total}", shown to screen readers with each scale point */
  pointOf: z.string(),
  error: z.string(),
});
export type WidgetTexts = z.infer<typeof WidgetTexts>;

export const WidgetConfigQuery = z.strictObject({
  lang: z.string().max(35).optional(),
  /** the visitor's external customer id (data-customer), for the server's recontact check */
  customer: z.string().min(1).max(200).optional(),
});

export const WidgetConfigView = z
  .object({
    version: z.number().int(),
    locale: Locale,
    dir: z.enum(['rtl', 'ltr']),
    questions: z.array(WidgetQuestion).min(1).max(2),
    triggers: z.array(WidgetTrigger),
    samplingPercent: z.number().int().min(1).max(100),
    /** days to wait before asking the same visitor again (the workspace's recontact limit) */
    recontactDays: z.number().int().min(0),
    /** false when the identified customer was asked anything within the recontact limit */
    eligible: z.boolean(),
    texts: WidgetTexts,
  })
  .meta({ id: 'WidgetConfig' });
export type WidgetConfigView = z.infer<typeof WidgetConfigView>;

/** The widget's answers to its one or two questions, sent once when the visitor is done. */
export const WidgetAnswerBody = z.strictObject({
  locale: Locale,
  answers: z.record(z.string().max(60), AnswerValue).refine((a) => Object.keys(a).length >= 1 && Object.keys(a).length <= 2, { message: 'one or two answers' }),
  customer: z.string().min(1).max(200).optional(),
  /** `<challenge>:<n>` answering a 429 challenge_required (see the response API's proof of work) */
  proof: z.string().max(200).optional(),
});
export type WidgetAnswerBody = z.infer<typeof WidgetAnswerBody>;

export const WidgetAnswerResult = z
  .object({
    status: z.enum(['partial', 'complete']),
    /** this browser's device id: keep it and send it back as X-Vafa-Device (a third-party page cannot keep our cookie) */
    device: z.string(),
  })
  .meta({ id: 'WidgetAnswerResult' });

/** A kiosk as its admins see it; the token is shown once, at registration. */
export const KioskView = z
  .object({
    id: Uuid,
    surveyId: Uuid,
    location: z.string(),
    createdAt: IsoInstant,
    lastSeenAt: IsoInstant.nullable(),
    revokedAt: IsoInstant.nullable(),
    responseCount: z.number().int(),
  })
  .meta({ id: 'Kiosk' });
export type KioskView = z.infer<typeof KioskView>;

export const RegisterKiosk = z.strictObject({ location: z.string().trim().min(1).max(200) });
export type RegisterKiosk = z.infer<typeof RegisterKiosk>;

export const RegisteredKiosk = z
  .object({
    kiosk: KioskView,
    /** the kiosk's own token, shown once */
    token: ShownOnce,
    /** the address to open on the tablet (holds the token), shown once */
    url: ShownOnce,
    secretWithheld: SecretWithheld,
  })
  .meta({ id: 'RegisteredKiosk' });
export type RegisteredKiosk = z.infer<typeof RegisteredKiosk>;

export const KioskList = z.object({ items: z.array(KioskView) });
export const SurveyKioskParams = z.strictObject({ id: Uuid, kioskId: Uuid });

/** One answer taken on a kiosk, possibly offline; `clientRef` makes a resend count once. */
export const KioskAnswer = z.strictObject({
  clientRef: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  locale: Locale,
  answers: z.record(z.string().max(60), AnswerValue).refine((a) => Object.keys(a).length >= 1 && Object.keys(a).length <= 2, { message: 'one or two answers' }),
  /** when the visitor answered (kept when sent later); not in the future, not older than 30 days */
  answeredAt: IsoInstant,
});
export type KioskAnswer = z.infer<typeof KioskAnswer>;

export const KioskSyncBody = z.strictObject({ answers: z.array(KioskAnswer).min(1).max(50) });
export type KioskSyncBody = z.infer<typeof KioskSyncBody>;

export const KioskSyncResult = z
  .object({
    results: z.array(
      z.object({
        clientRef: z.string(),
        /** saved now, already saved by an earlier send, or refused (drop it: resending cannot help) */
        outcome: z.enum(['saved', 'duplicate', 'refused']),
        code: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'KioskSyncResult' });
export type KioskSyncResult = z.infer<typeof KioskSyncResult>;

/** The words of the kiosk page, in one language. */
export interface KioskTexts {
  thanks: string;
  next: string;
  submit: string;
  skip: string;
  /** "waiting to be sent: {n}" (said without a plural form) */
  pending: string;
  offline: string;
  pointOf: string;
  otherPlaceholder: string;
  language: string;
}

/** What the kiosk page is given (a JSON data block in the page, not fetched: it must start offline-ready). */
export interface KioskPageConfig {
  kioskId: string;
  location: string;
  /** where answers go: /api/public/kiosk/<token>/answers */
  syncUrl: string;
  /** seconds the thank-you stays before the next visitor's screen */
  resetSeconds: number;
  /** seconds without a touch on the second question before the first answer is kept and the screen resets */
  idleSeconds: number;
  defaultLocale: 'fa' | 'ar' | 'en';
  languages: { locale: 'fa' | 'ar' | 'en'; dir: 'rtl' | 'ltr'; name: string; questions: WidgetQuestion[]; texts: KioskTexts }[];
}
