import { z } from 'zod';
import { IsoInstant, NO_CONTROL_BUT_LINE_BREAKS, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { ComplaintChannel } from './complaints.ts';
import { IsoDate, ServqualDimension } from './surveys.ts';

// Root causes, preventive actions, recurring-problem alerts and the ISO 10002 clause 8 analysis
// of complaints. The server's modules/complaints (root-cause.*, preventive-action.*,
// recurrence.*, complaint-report.*) owns the rules; these are their shapes on the wire.

/** A short label: one line, no control characters. */
const label = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'no control characters');
/** A person's text: lines and tabs kept, other control characters refused. */
const personText = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_BUT_LINE_BREAKS, 'no control characters');

// ---------------------------------------------------------------------------------------------
// Root-cause taxonomy

/** A root-cause code: lower-case ASCII letters, digits and underscores, starting with a letter. */
export const RootCauseCode = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'lower-case letters, digits and _');
export type RootCauseCode = z.infer<typeof RootCauseCode>;

/** Every cause is named in the three languages: reports and the closing form show them. */
export const RootCauseLabels = z.strictObject({ fa: label(120), ar: label(120), en: label(120) }).meta({ id: 'RootCauseLabels' });
export type RootCauseLabels = z.infer<typeof RootCauseLabels>;

export const RootCauseView = z.object({
  code: RootCauseCode,
  /** the cause this one refines; null for a top-level cause */
  parentCode: RootCauseCode.nullable(),
  /** the SERVQUAL dimension the cause shows up in (a sub-cause's own, which defaults to its parent's) */
  dimension: ServqualDimension,
  labels: RootCauseLabels,
  position: z.number().int(),
  /** archived causes are kept for the closed cases that carry them, and refused for new closures */
  archived: z.boolean(),
  archivedAt: IsoInstant.nullable(),
  /** a workspace that never changed its taxonomy sees the defaults, not yet stored */
  builtIn: z.boolean(),
}).meta({ id: 'RootCause' });
export type RootCauseView = z.infer<typeof RootCauseView>;

export const RootCauseList = z.object({ items: z.array(RootCauseView) }).meta({ id: 'RootCauseList' });
export type RootCauseList = z.infer<typeof RootCauseList>;

export const RootCauseQuery = z.strictObject({
  includeArchived: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export type RootCauseQuery = z.infer<typeof RootCauseQuery>;

/** A new cause, or a sub-cause under `parentCode` (one level deep). A sub-cause without `dimension` takes its parent's. */
export const CreateRootCause = z.strictObject({
  code: RootCauseCode,
  parentCode: RootCauseCode.optional(),
  dimension: ServqualDimension.optional(),
  labels: RootCauseLabels,
  position: z.number().int().min(0).max(10_000).optional(),
}).meta({ id: 'CreateRootCause' });
export type CreateRootCause = z.infer<typeof CreateRootCause>;

/** `archived: true` archives (cases keep it; new closures refuse it), `false` restores. Codes never change. */
export const UpdateRootCause = z
  .strictObject({
    labels: RootCauseLabels.optional(),
    dimension: ServqualDimension.optional(),
    position: z.number().int().min(0).max(10_000).optional(),
    archived: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), 'nothing to change')
  .meta({ id: 'UpdateRootCause' });
export type UpdateRootCause = z.infer<typeof UpdateRootCause>;

export const RootCauseParams = z.strictObject({ code: RootCauseCode });

// ---------------------------------------------------------------------------------------------
// Preventive actions (ISO 10002: continual improvement)

export const PreventiveActionStatus = z.enum(['open', 'in_progress', 'done', 'cancelled']);
export type PreventiveActionStatus = z.infer<typeof PreventiveActionStatus>;

export const PREVENTIVE_ACTION_CASES_MAX = 100;

export const PreventiveActionView = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string().nullable(),
  /** the member who owns the action */
  ownerId: Uuid,
  /** the day it is due, in the workspace's time zone */
  dueDate: IsoDate,
  status: PreventiveActionStatus,
  /** open or in progress and its due day has passed in the workspace's time zone */
  overdue: z.boolean(),
  rootCause: RootCauseCode.nullable(),
  category: z.string().nullable(),
  product: z.string().nullable(),
  caseIds: z.array(Uuid),
  /** recurring-problem alerts this action answers */
  alertIds: z.array(Uuid),
  createdBy: z.string().nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
  /** when it was marked done (or cancelled) */
  completedAt: IsoInstant.nullable(),
}).meta({ id: 'PreventiveAction' });
export type PreventiveActionView = z.infer<typeof PreventiveActionView>;

/**
 * A preventive action answers something: a root cause, a category (and product), some cases, or a
 * recurring-problem alert (`alertId` links the alert to the action).
 */
export const CreatePreventiveAction = z
  .strictObject({
    title: label(200),
    description: personText(4000).optional(),
    ownerId: Uuid,
    dueDate: IsoDate,
    status: PreventiveActionStatus.optional(),
    rootCause: RootCauseCode.optional(),
    category: label(100).optional(),
    product: label(200).optional(),
    caseIds: z.array(Uuid).max(PREVENTIVE_ACTION_CASES_MAX).optional(),
    alertId: Uuid.optional(),
  })
  .refine((a) => a.rootCause !== undefined || a.category !== undefined || a.product !== undefined || (a.caseIds?.length ?? 0) > 0 || a.alertId !== undefined, {
    message: 'preventive_action_link_required', path: ['rootCause'],
  })
  .meta({ id: 'CreatePreventiveAction' });
export type CreatePreventiveAction = z.infer<typeof CreatePreventiveAction>;

/** Absent leaves as is; null clears; `caseIds` replaces the linked cases. An owner who is not a manager may change `status` only. */
export const UpdatePreventiveAction = z
  .strictObject({
    title: label(200).optional(),
    description: personText(4000).nullable().optional(),
    ownerId: Uuid.optional(),
    dueDate: IsoDate.optional(),
    status: PreventiveActionStatus.optional(),
    rootCause: RootCauseCode.nullable().optional(),
    category: label(100).nullable().optional(),
    product: label(200).nullable().optional(),
    caseIds: z.array(Uuid).max(PREVENTIVE_ACTION_CASES_MAX).optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), 'nothing to change')
  .meta({ id: 'UpdatePreventiveAction' });
export type UpdatePreventiveAction = z.infer<typeof UpdatePreventiveAction>;

/** Earliest due first. `owner`: `me` or an account id; `overdue=true`: open or in progress and past due. */
export const PreventiveActionQuery = z.strictObject({
  status: PreventiveActionStatus.optional(),
  owner: z.union([z.literal('me'), Uuid]).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  rootCause: RootCauseCode.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PreventiveActionQuery = z.infer<typeof PreventiveActionQuery>;

export const PreventiveActionPage = z.object({ items: z.array(PreventiveActionView), nextCursor: z.string().nullable() }).meta({ id: 'PreventiveActionPage' });
export type PreventiveActionPage = z.infer<typeof PreventiveActionPage>;

// ---------------------------------------------------------------------------------------------
// Recurring-problem detection

/** At least `threshold` cases of one category and product received within `windowDays` raises an alert. */
export const RecurrenceSettings = z.strictObject({
  enabled: z.boolean(),
  threshold: z.number().int().min(2).max(100_000),
  windowDays: z.number().int().min(1).max(90),
}).meta({ id: 'RecurrenceSettings' });
export type RecurrenceSettings = z.infer<typeof RecurrenceSettings>;

export const RECURRENCE_DEFAULTS: RecurrenceSettings = { enabled: true, threshold: 5, windowDays: 7 };

export const RecurrenceAlertStatus = z.enum(['open', 'acknowledged', 'dismissed']);
export type RecurrenceAlertStatus = z.infer<typeof RecurrenceAlertStatus>;

export const RecurrenceAlertView = z.object({
  id: Uuid,
  category: z.string(),
  /** null: cases with no product */
  product: z.string().nullable(),
  /** cases of the pair received in [windowStart, windowEnd) when the alert was raised */
  caseCount: z.number().int(),
  threshold: z.number().int(),
  windowDays: z.number().int(),
  windowStart: IsoInstant,
  windowEnd: IsoInstant,
  status: RecurrenceAlertStatus,
  preventiveActionId: Uuid.nullable(),
  raisedAt: IsoInstant,
  /** who acknowledged or dismissed it, `user:<id>` or `api_key:<id>`, and when */
  decidedBy: z.string().nullable(),
  decidedAt: IsoInstant.nullable(),
}).meta({ id: 'RecurrenceAlert' });
export type RecurrenceAlertView = z.infer<typeof RecurrenceAlertView>;

/** Newest first. */
export const RecurrenceAlertQuery = z.strictObject({
  status: RecurrenceAlertStatus.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RecurrenceAlertQuery = z.infer<typeof RecurrenceAlertQuery>;

export const RecurrenceAlertPage = z.object({ items: z.array(RecurrenceAlertView), nextCursor: z.string().nullable() }).meta({ id: 'RecurrenceAlertPage' });
export type RecurrenceAlertPage = z.infer<typeof RecurrenceAlertPage>;

/** Acknowledge or dismiss (or reopen) an alert; link it to a preventive action (null unlinks). */
export const UpdateRecurrenceAlert = z
  .strictObject({
    status: RecurrenceAlertStatus.optional(),
    preventiveActionId: Uuid.nullable().optional(),
  })
  .refine((patch) => patch.status !== undefined || patch.preventiveActionId !== undefined, 'nothing to change')
  .meta({ id: 'UpdateRecurrenceAlert' });
export type UpdateRecurrenceAlert = z.infer<typeof UpdateRecurrenceAlert>;

// ---------------------------------------------------------------------------------------------
// Reports (ISO 10002 clause 8: analysis per period)

export const ReportGranularity = z.enum(['day', 'week', 'month']);
export type ReportGranularity = z.infer<typeof ReportGranularity>;
export const WeekStart = z.enum(['saturday', 'sunday', 'monday']);
export type WeekStart = z.infer<typeof WeekStart>;

/** The longest period one report covers. */
export const REPORT_MAX_DAYS = 732;

/**
 * A period of whole days in the workspace's time zone (`from` and `to` inclusive), cut into
 * buckets. `weekStart` defaults from the workspace calendar (Solar Hijri: Saturday, Umm al-Qura:
 * Sunday, otherwise Monday). Filters narrow to one team, category or channel.
 */
export const ComplaintReportQuery = z.strictObject({
  from: IsoDate,
  to: IsoDate,
  granularity: ReportGranularity.default('month'),
  weekStart: WeekStart.optional(),
  team: label(100).optional(),
  category: label(100).optional(),
  channel: ComplaintChannel.optional(),
});
export type ComplaintReportQuery = z.infer<typeof ComplaintReportQuery>;

export const ReportPeriod = z.object({
  from: IsoDate,
  to: IsoDate,
  granularity: ReportGranularity,
  weekStart: WeekStart,
  timeZone: z.string(),
}).meta({ id: 'ComplaintReportPeriod' });

/** Buckets are labelled by their first day (ISO, Gregorian; the screen shows it in the reader's calendar). The first may start before `from`. */
const BucketStart = IsoDate;

export const VolumeReport = z.object({
  period: ReportPeriod,
  totals: z.object({ received: z.number().int(), closed: z.number().int() }),
  buckets: z.array(z.object({ start: BucketStart, received: z.number().int(), closed: z.number().int() })),
}).meta({ id: 'ComplaintVolumeReport' });
export type VolumeReport = z.infer<typeof VolumeReport>;

/** Share of cases (by first closure in the period) that were reopened at least once; null with no closures. */
export const ReopenFigures = z.object({ closed: z.number().int(), reopened: z.number().int(), rate: z.number().nullable() });
export const ReopenReport = z.object({
  period: ReportPeriod,
  totals: ReopenFigures,
  buckets: z.array(ReopenFigures.extend({ start: BucketStart })),
}).meta({ id: 'ComplaintReopenReport' });
export type ReopenReport = z.infer<typeof ReopenReport>;

const APPROXIMATE = 'approximate: estimated from a log-scale histogram of the minutes (16 buckets per doubling), within 2.2 % of the exact value; a duration under a second counts as 0';
/** Wall-clock minutes; null when no case was measured. The count is exact, the median and 90th percentile approximate. */
export const DurationFigures = z.object({
  count: z.number().int(),
  medianMinutes: z.number().nullable().describe(`Median, ${APPROXIMATE}`),
  p90Minutes: z.number().nullable().describe(`90th percentile, ${APPROXIMATE}`),
});
export const HandlingTimeFigures = z.object({
  /** received → first acknowledgement, by the day of the acknowledgement */
  acknowledge: DurationFigures,
  /** received → first closure, by the day of the closure */
  resolve: DurationFigures,
});
export const HandlingTimeReport = z.object({
  period: ReportPeriod,
  totals: HandlingTimeFigures,
  buckets: z.array(HandlingTimeFigures.extend({ start: BucketStart })),
}).meta({ id: 'ComplaintHandlingTimeReport' });
export type HandlingTimeReport = z.infer<typeof HandlingTimeReport>;

export const SlaReportTarget = z.enum(['acknowledge', 'firstResponse', 'resolve']);
/** `compliance` = met / (met + metLate + breached); null when nothing was measured. */
export const SlaTargetFigures = z.object({
  target: SlaReportTarget,
  measured: z.number().int(),
  met: z.number().int(),
  metLate: z.number().int(),
  breached: z.number().int(),
  compliance: z.number().nullable(),
});
export const SlaReport = z.object({
  period: ReportPeriod,
  /** where the outcomes come from; `none` when no SLA outcome is recorded in this installation */
  source: z.enum(['sla_table', 'none']),
  totals: z.array(SlaTargetFigures),
  buckets: z.array(z.object({ start: BucketStart, targets: z.array(SlaTargetFigures) })),
}).meta({ id: 'ComplaintSlaReport' });
export type SlaReport = z.infer<typeof SlaReport>;

export const SatisfactionReport = z.object({
  period: ReportPeriod,
  /** false when complainant satisfaction is not recorded in this installation: the figures are then absent, not zero */
  available: z.boolean(),
  source: z.string().nullable(),
  totals: z.object({ responses: z.number().int(), average: z.number().nullable(), satisfiedShare: z.number().nullable() }).nullable(),
}).meta({ id: 'ComplaintSatisfactionReport' });
export type SatisfactionReport = z.infer<typeof SatisfactionReport>;

/** Cases closed in the period (last closure) by root cause, largest first: the Pareto of ISO 10002 analysis. */
export const RootCauseReportQuery = ComplaintReportQuery.extend({
  /** `cause`: sub-causes counted under their parent; `sub_cause`: each code as recorded */
  level: z.enum(['cause', 'sub_cause']).default('cause'),
});
export type RootCauseReportQuery = z.infer<typeof RootCauseReportQuery>;

export const ParetoItem = z.object({
  code: z.string(),
  parentCode: z.string().nullable(),
  /** null for a code no longer (or never) in the taxonomy */
  labels: RootCauseLabels.nullable(),
  dimension: ServqualDimension.nullable(),
  archived: z.boolean(),
  count: z.number().int(),
  /** count / total, 0..1 */
  share: z.number(),
  /** the running share down the list, 0..1; the last item's is 1 */
  cumulativeShare: z.number(),
});
export const RootCauseReport = z.object({
  period: ReportPeriod,
  total: z.number().int(),
  items: z.array(ParetoItem),
  dimensions: z.array(z.object({ dimension: ServqualDimension.nullable(), count: z.number().int(), share: z.number() })),
}).meta({ id: 'ComplaintRootCauseReport' });
export type RootCauseReport = z.infer<typeof RootCauseReport>;
