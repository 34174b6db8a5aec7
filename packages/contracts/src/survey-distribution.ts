import { z } from 'zod';
import { IsoInstant, Locale, ShownOnce, SecretWithheld, Uuid } from './common.ts';

/**
 * Getting surveys to customers: personal invitations, distributions (a send to an audience,
 * once or on a schedule, each run a wave), reminders, the recontact policy and the SMS cost
 * preview. Messages go through the engagement outbox, so consent, quiet hours, frequency caps
 * and the customer's preferred channel apply to every one.
 */

export const DistributionChannel = z.enum(['email', 'sms', 'preferred']);
export type DistributionChannel = z.infer<typeof DistributionChannel>;

/** Who gets it: every live customer, a saved segment's members, or the customers listed. */
export const DistributionAudience = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ segmentId: Uuid }),
  z.strictObject({ customerIds: z.array(Uuid).min(1).max(10_000) }),
]).meta({ id: 'DistributionAudience' });
export type DistributionAudience = z.infer<typeof DistributionAudience>;

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/**
 * When it runs. `once`: at `at` (now when absent). `recurring`: every week on weekday `day`
 * (0 = Sunday … 6 = Saturday), or every month / quarter on day `day` (1–31, the month's last
 * day when it is shorter) of the WORKSPACE calendar, at `time` in the workspace time zone: a
 * Persian workspace's "monthly on the 1st" runs on the 1st of each Solar Hijri month, its
 * quarters are the seasons (Farvardin, Tir, Mehr, Dey).
 */
export const DistributionSchedule = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('once'), at: IsoInstant.optional() }),
  z.strictObject({
    type: z.literal('recurring'),
    every: z.enum(['week', 'month', 'quarter']),
    day: z.number().int().min(0).max(31),
    time: LocalTime.default('10:00'),
  }).refine((s) => (s.every === 'week' ? s.day <= 6 : s.day >= 1), { message: 'day: 0–6 (a weekday) for weekly, 1–31 for monthly and quarterly', path: ['day'] }),
]).meta({ id: 'DistributionSchedule' });
export type DistributionSchedule = z.infer<typeof DistributionSchedule>;

/** Reminders to those who have not answered: `afterHours` after the invitation (and after each reminder), at most `max`. */
export const DistributionReminder = z.strictObject({
  afterHours: z.number().int().min(1).max(720),
  max: z.number().int().min(1).max(5),
});
export type DistributionReminder = z.infer<typeof DistributionReminder>;

export const CreateDistribution = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  channel: DistributionChannel,
  audience: DistributionAudience,
  /** invite this share of the eligible audience, chosen at random per wave */
  samplingPercent: z.number().int().min(1).max(100).default(100),
  schedule: DistributionSchedule,
  reminder: DistributionReminder.nullable().optional(),
}).meta({ id: 'CreateDistribution' });
export type CreateDistribution = z.infer<typeof CreateDistribution>;

export const DistributionStatus = z.enum(['scheduled', 'running', 'done', 'paused', 'cancelled']);
export type DistributionStatus = z.infer<typeof DistributionStatus>;

/** One wave's invitations: decided, sent (a message queued), answered. */
export const DistributionWave = z.object({
  wave: z.number().int(),
  invited: z.number().int(),
  sent: z.number().int(),
  responded: z.number().int(),
  startedAt: IsoInstant,
});
export type DistributionWave = z.infer<typeof DistributionWave>;

export const DistributionView = z.object({
  id: Uuid,
  surveyId: Uuid,
  name: z.string(),
  channel: DistributionChannel,
  audience: DistributionAudience,
  samplingPercent: z.number().int(),
  schedule: DistributionSchedule,
  reminder: DistributionReminder.nullable(),
  status: DistributionStatus,
  waves: z.number().int(),
  nextRunAt: IsoInstant.nullable(),
  lastRunAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  /** the latest waves, newest first (at most 12) */
  waveStats: z.array(DistributionWave),
}).meta({ id: 'SurveyDistribution' });
export type DistributionView = z.infer<typeof DistributionView>;

export const DistributionList = z.object({ items: z.array(DistributionView) });
export const DistributionParams = z.strictObject({ id: Uuid, distributionId: Uuid });

/** What a distribution would reach now: recipients per channel and, for SMS, the parts of the text per language. */
export const DistributionPreviewInput = z.strictObject({
  channel: DistributionChannel,
  audience: DistributionAudience,
  samplingPercent: z.number().int().min(1).max(100).default(100),
});
export type DistributionPreviewInput = z.infer<typeof DistributionPreviewInput>;

export const SmsTextCost = z.object({
  language: Locale,
  /** the SMS as it will read (the link shown with a sample token of the real length) */
  text: z.string(),
  encoding: z.enum(['gsm', 'ucs2']),
  /** characters as the network counts them */
  units: z.number().int(),
  parts: z.number().int(),
  recipients: z.number().int(),
});

export const DistributionPreview = z.object({
  /** live customers in the audience */
  audience: z.number().int(),
  /** left out: asked by another survey within the recontact limit */
  recentlyContacted: z.number().int(),
  /** left out: no consent or no address for the channel */
  unreachable: z.number().int(),
  /** who would be invited now, after sampling, by the channel each one gets */
  recipients: z.object({ email: z.number().int(), sms: z.number().int() }),
  sms: z.array(SmsTextCost),
  /** SMS parts to be sent in all: parts × recipients, summed over languages */
  smsParts: z.number().int(),
}).meta({ id: 'SurveyDistributionPreview' });
export type DistributionPreview = z.infer<typeof DistributionPreview>;

/** A personal invitation for one customer. `link`: the answer carries the link (once); e-mail or SMS send it. */
export const CreateSurveyInvitation = z.strictObject({
  customerId: Uuid,
  channel: z.enum(['link', 'email', 'sms', 'preferred']),
  /** values of the survey's hidden fields (order id, store, agent) */
  hidden: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), z.string().max(200)).optional(),
  /** what it is sent after, so an answer can be tied to it */
  context: z.strictObject({ followupId: Uuid.optional(), caseId: Uuid.optional(), orderId: Uuid.optional() }).optional(),
}).meta({ id: 'CreateSurveyInvitation' });
export type CreateSurveyInvitation = z.infer<typeof CreateSurveyInvitation>;

export const SurveyInvitationView = z.object({
  id: Uuid,
  surveyId: Uuid,
  customerId: Uuid,
  channel: z.enum(['link', 'email', 'sms']),
  createdAt: IsoInstant,
  /** the personal link (channel `link` only), shown in this answer only */
  link: ShownOnce,
  secretWithheld: SecretWithheld,
}).meta({ id: 'SurveyInvitation' });
export type SurveyInvitationView = z.infer<typeof SurveyInvitationView>;

/** Workspace-wide: days between any two surveys to one customer (0 = no limit), and whether SMS invitations ask for a reply. */
export const SurveyPolicy = z.strictObject({
  recontactDays: z.number().int().min(0).max(365),
  /** SMS invitations say "reply with a number"; set the inbound URL (GET /api/survey-policy/sms-inbound) in the provider's panel first */
  smsReplies: z.boolean(),
}).meta({ id: 'SurveyPolicy' });
export type SurveyPolicy = z.infer<typeof SurveyPolicy>;

export const SmsInboundView = z.object({
  provider: z.enum(['kavenegar', 'twilio']).nullable(),
  /** where the provider should post replies; it names and authenticates the workspace */
  url: z.string().nullable(),
}).meta({ id: 'SurveySmsInbound' });
export type SmsInboundView = z.infer<typeof SmsInboundView>;
