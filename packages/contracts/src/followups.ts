import { z } from 'zod';
import { IsoInstant, Locale, Uuid } from './common.ts';

export const FollowupOutcome = z.enum(['reached', 'no_answer', 'resolved', 'escalated']);
export type FollowupOutcome = z.infer<typeof FollowupOutcome>;
export const FollowupPriority = z.enum(['normal', 'urgent']);
export type FollowupPriority = z.infer<typeof FollowupPriority>;
export const FollowupStatus = z.enum(['open', 'done']);
export type FollowupStatus = z.infer<typeof FollowupStatus>;

/** What an agent needs to call or write: who, and in which language. */
export const FollowupCustomerView = z.object({
  id: Uuid,
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  language: Locale.nullable(),
});

export const FollowupView = z.object({
  id: Uuid,
  customer: FollowupCustomerView,
  reason: z.string(),
  ruleId: Uuid.nullable(),
  /** the triggering event: { topic, eventId, touchpointId, orderId }, or { manual: true } */
  source: z.record(z.string(), z.unknown()),
  priority: FollowupPriority,
  assigneeId: Uuid.nullable(),
  status: FollowupStatus,
  outcome: FollowupOutcome.nullable(),
  dueAt: IsoInstant,
  /** open and past its due time */
  overdue: z.boolean(),
  firstResponseAt: IsoInstant.nullable(),
  completedAt: IsoInstant.nullable(),
  escalatedAt: IsoInstant.nullable(),
  /** the customer's first order within 90 days after the follow-up was opened */
  repurchasedAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'Followup' });
export type FollowupView = z.infer<typeof FollowupView>;

export const FollowupAttemptView = z.object({
  id: z.number().int(),
  outcome: FollowupOutcome,
  note: z.string().nullable(),
  /** `user:<accountId>` or `api_key:<keyId>` */
  actorId: z.string().nullable(),
  at: IsoInstant,
}).meta({ id: 'FollowupAttempt' });
export type FollowupAttemptView = z.infer<typeof FollowupAttemptView>;

export const FollowupDetailView = FollowupView.extend({ attempts: z.array(FollowupAttemptView) }).meta({ id: 'FollowupDetail' });
export type FollowupDetailView = z.infer<typeof FollowupDetailView>;

export const FollowupPage = z.object({ items: z.array(FollowupView), nextCursor: z.string().nullable() }).meta({ id: 'FollowupPage' });
export type FollowupPage = z.infer<typeof FollowupPage>;

/**
 * A queue, soonest due first. `assignee`: `me` (the signed-in user), `unassigned`,
 * `me_or_unassigned` (an agent's working queue), or an account id. Absent: an agent gets
 * `me_or_unassigned`, other roles everyone's.
 */
export const FollowupQuery = z.strictObject({
  assignee: z.union([z.enum(['me', 'unassigned', 'me_or_unassigned']), Uuid]).optional(),
  status: FollowupStatus.default('open'),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  customerId: Uuid.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type FollowupQuery = z.infer<typeof FollowupQuery>;

export const CustomerFollowupQuery = FollowupQuery.omit({ customerId: true, status: true }).extend({ status: FollowupStatus.optional() });
export type CustomerFollowupQuery = z.infer<typeof CustomerFollowupQuery>;

export const OpenFollowupInput = z.strictObject({
  customerId: Uuid,
  reason: z.string().trim().min(1).max(500),
  /** due this many business hours from now (workspace hours, weekend and holidays); up to a year */
  dueInBusinessHours: z.number().min(0).max(2000),
  priority: FollowupPriority.optional(),
  /** absent: round-robin among the workspace's agents */
  assigneeId: Uuid.nullable().optional(),
});
export type OpenFollowupInput = z.infer<typeof OpenFollowupInput>;

export const RecordFollowupAttempt = z.strictObject({
  outcome: FollowupOutcome,
  note: z.string().trim().max(4000).optional(),
});
export type RecordFollowupAttempt = z.infer<typeof RecordFollowupAttempt>;

export const UpdateFollowup = z
  .strictObject({
    /** null unassigns */
    assigneeId: Uuid.nullable().optional(),
    priority: FollowupPriority.optional(),
    dueAt: IsoInstant.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type UpdateFollowup = z.infer<typeof UpdateFollowup>;

/** Defaults: the last 30 days. */
export const FollowupMetricsQuery = z.strictObject({
  from: IsoInstant.optional(),
  to: IsoInstant.optional(),
});
export type FollowupMetricsQuery = z.infer<typeof FollowupMetricsQuery>;

/** mean, median and 90th percentile (linear interpolation); null when nothing was measured */
export const DurationStats = z.object({
  count: z.number().int(),
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
});
export type DurationStats = z.infer<typeof DurationStats>;

export const WaitMeasure = z.object({ wallMinutes: DurationStats, businessMinutes: DurationStats });

/**
 * One calendar day (Gregorian YYYY-MM-DD) in the workspace time zone: follow-ups opened and
 * closed as done that day within [from, to). The first and last day may be partial.
 */
export const FollowupDay = z.object({ day: z.iso.date(), opened: z.number().int(), done: z.number().int() });
export type FollowupDay = z.infer<typeof FollowupDay>;

export const FollowupAssigneeMetrics = z.object({
  assigneeId: Uuid.nullable(),
  opened: z.number().int(),
  done: z.number().int(),
  open: z.number().int(),
  overdue: z.number().int(),
  firstResponseMeanMinutes: z.number().nullable(),
  waitingMeanMinutes: z.number().nullable(),
});

/**
 * Follow-ups opened in [from, to): counts by state now, first-response time (opened → first
 * attempt) and waiting time (opened → closed, or → now while open), in wall and business
 * minutes. Churn save: of the follow-ups that are over 90 days old or already repurchased,
 * how many customers ordered again within 90 days.
 */
export const FollowupMetricsView = z.object({
  from: IsoInstant,
  to: IsoInstant,
  counts: z.object({ opened: z.number().int(), done: z.number().int(), open: z.number().int(), overdue: z.number().int() }),
  firstResponse: WaitMeasure,
  waiting: WaitMeasure,
  outcomes: z.object({ reached: z.number().int(), no_answer: z.number().int(), resolved: z.number().int(), escalated: z.number().int() }),
  byAssignee: z.array(FollowupAssigneeMetrics),
  churnSave: z.object({ eligible: z.number().int(), repurchased: z.number().int(), rate: z.number().nullable() }),
  /** every day of the period, oldest first, zero-filled */
  daily: z.array(FollowupDay),
}).meta({ id: 'FollowupMetrics' });
export type FollowupMetricsView = z.infer<typeof FollowupMetricsView>;
