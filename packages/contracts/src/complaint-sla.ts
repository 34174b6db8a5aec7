import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { ComplaintAction, ComplaintChannel, ComplaintDetailView, ComplaintSearchText, ComplaintSeverity, ComplaintState, ComplaintView, OpenComplaint } from './complaints.ts';

// The complaint SLA engine's settings (policies, the work week, holidays, teams), the agent queue
// ordered by SLA urgency, the per-target clocks of a case and the intake of a historical case.
// The server's sla-clock.ts owns the rules; these are their names on the wire.

const label = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'no control characters');
const custom = (code: string) => ({ message: code, params: { code } });

export const SlaTargetName = z.enum(['acknowledge', 'firstResponse', 'resolve']);
export type SlaTargetName = z.infer<typeof SlaTargetName>;

/** Business minutes: a whole number above 0 (at most a year of minutes). */
const TargetMinutes = z.number().int().max(525_600).refine((m) => m > 0, custom('sla_target_not_positive'));

/** At least one target; a target left out is not measured. */
export const SlaTargets = z
  .strictObject({ acknowledge: TargetMinutes.optional(), firstResponse: TargetMinutes.optional(), resolve: TargetMinutes.optional() })
  .refine((t) => t.acknowledge !== undefined || t.firstResponse !== undefined || t.resolve !== undefined, custom('sla_target_required'));
export type SlaTargets = z.infer<typeof SlaTargets>;

/** A state that pauses the clock: one of the case states, except closed (a closed case's clocks have stopped anyway). */
const PausingState = z.string().refine((s) => (ComplaintState.options as string[]).includes(s) && s !== 'closed', custom('unknown_complaint_state'));
const PausingStates = z.array(PausingState).max(10).refine((list) => new Set(list).size === list.length, custom('duplicate_value'));

const policyFields = {
  name: label(100),
  /** null: any category */
  category: label(100).nullable(),
  /** null: any severity */
  severity: ComplaintSeverity.nullable(),
  targets: SlaTargets,
  /** states in which no clock runs (waiting for the customer by default) */
  pausingStates: PausingStates,
  /** share of a target after which a case is at risk and `complaint.sla_warning` is published; 1: no warning */
  warningShare: z.number().refine((s) => s > 0 && s <= 1, custom('invalid_warning_share')),
  /** what a reopened case does to the resolve clock: resume (time spent still counts) or restart */
  onReopen: z.enum(['resume', 'restart']),
  /** escalate the case (as the system, in its log) when a target is breached */
  escalateOnBreach: z.boolean(),
  /** a deactivated policy measures nothing: no due dates, no warnings, no breaches, no escalation */
  active: z.boolean(),
};

/**
 * An SLA policy for a category and/or a severity. The most specific active policy wins:
 * category + severity, then category, then severity, then the default (neither). One policy per
 * (category, severity) pair.
 */
export const CreateSlaPolicy = z.strictObject({
  name: policyFields.name,
  category: policyFields.category.default(null),
  severity: policyFields.severity.default(null),
  targets: policyFields.targets,
  pausingStates: policyFields.pausingStates.default(['waiting_for_customer']),
  warningShare: policyFields.warningShare.default(0.8),
  onReopen: policyFields.onReopen.default('resume'),
  escalateOnBreach: policyFields.escalateOnBreach.default(true),
  active: policyFields.active.default(true),
}).meta({ id: 'CreateSlaPolicy' });
export type CreateSlaPolicy = z.infer<typeof CreateSlaPolicy>;

/** Absent fields stay as they are. */
export const UpdateSlaPolicy = z
  .strictObject({
    name: policyFields.name.optional(),
    category: policyFields.category.optional(),
    severity: policyFields.severity.optional(),
    targets: policyFields.targets.optional(),
    pausingStates: policyFields.pausingStates.optional(),
    warningShare: policyFields.warningShare.optional(),
    onReopen: policyFields.onReopen.optional(),
    escalateOnBreach: policyFields.escalateOnBreach.optional(),
    active: policyFields.active.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, custom('nothing_to_change'))
  .meta({ id: 'UpdateSlaPolicy' });
export type UpdateSlaPolicy = z.infer<typeof UpdateSlaPolicy>;

export const SlaPolicyView = z.object({
  id: Uuid,
  name: z.string(),
  category: z.string().nullable(),
  severity: ComplaintSeverity.nullable(),
  targets: z.object({ acknowledge: z.number().int().optional(), firstResponse: z.number().int().optional(), resolve: z.number().int().optional() }),
  pausingStates: z.array(ComplaintState),
  warningShare: z.number(),
  onReopen: z.enum(['resume', 'restart']),
  escalateOnBreach: z.boolean(),
  active: z.boolean(),
  /** neither category nor severity: applies when no other policy matches */
  isDefault: z.boolean(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'SlaPolicy' });
export type SlaPolicyView = z.infer<typeof SlaPolicyView>;

export const SlaPolicyList = z.object({ items: z.array(SlaPolicyView) }).meta({ id: 'SlaPolicyList' });
export type SlaPolicyList = z.infer<typeof SlaPolicyList>;

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
/** A local time at which a period ends: HH:MM, or 24:00 for midnight at the end of the day. */
const EndOfPeriod = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:MM');
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** One stretch of work in a day, local time; `to` after `from` (no overnight periods: split them at midnight). */
export const WorkPeriod = z.strictObject({ from: TimeOfDay, to: EndOfPeriod });
export type WorkPeriod = z.infer<typeof WorkPeriod>;

/** A day's periods (a lunch break is two periods, a split shift two or three), in order, none overlapping or backwards. */
export const DayPeriods = z.array(WorkPeriod).max(6).superRefine((periods, ctx) => {
  for (const [i, p] of periods.entries()) {
    if (toMinutes(p.to) <= toMinutes(p.from)) ctx.addIssue({ code: 'custom', path: [i, 'to'], ...custom('backward_period') });
    const previous = periods[i - 1];
    if (previous && toMinutes(p.from) < toMinutes(previous.to)) ctx.addIssue({ code: 'custom', path: [i, 'from'], ...custom('overlapping_periods') });
  }
}, { when: (payload) => Array.isArray(payload.value) });

/** Working periods per weekday (0 = Sunday … 6 = Saturday); a day left out or empty is closed. */
export const WeekHours = z.partialRecord(z.enum(['0', '1', '2', '3', '4', '5', '6']), DayPeriods);
export type WeekHours = z.infer<typeof WeekHours>;

export const HolidayCalendarChoice = z.enum(['IR', 'SA', 'AE', 'none']);
export type HolidayCalendarChoice = z.infer<typeof HolidayCalendarChoice>;

const IsoDate = z.iso.date();
const Weekday = z.number().int().min(0).max(6);

/** A moon sighting or an announcement replacing the estimated date of one occurrence of a built-in holiday. */
export const HolidayOccurrenceOverride = z.strictObject({
  /** the holiday's id in the built-in table (e.g. `eid_al_fitr`) */
  holiday: label(64),
  /** the occurrence's year in the holiday's own calendar (e.g. 1447 for a Hijri holiday) */
  year: z.number().int().min(1300).max(1600),
  /** the first day off, Gregorian ISO date */
  from: IsoDate,
  /** length in days (default: the rule's); 0 cancels the occurrence */
  days: z.number().int().min(0).max(15).optional(),
});
export type HolidayOccurrenceOverride = z.infer<typeof HolidayOccurrenceOverride>;

/** A day off of the workspace's own: a bridge day, a day in lieu, a closure. */
export const ExtraClosure = z.strictObject({ date: IsoDate, name: label(200).optional() });
export type ExtraClosure = z.infer<typeof ExtraClosure>;

/** A weekday on which work ends early (Iran: Thursday; the UAE: Friday); periods after `endsAt` are cut. */
export const HalfDay = z.strictObject({ day: Weekday, endsAt: TimeOfDay });
export type HalfDay = z.infer<typeof HalfDay>;

const uniqueBy = <T>(key: (item: T) => unknown) => (list: T[]) => new Set(list.map(key)).size === list.length;

const TimeZoneName = z.string().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, custom('unknown_time_zone'));

const calendarFields = {
  /** null: the workspace's time zone */
  timeZone: TimeZoneName.nullable(),
  weekendDays: z.array(Weekday).max(6).refine(uniqueBy((d: number) => d), custom('duplicate_value')),
  halfDays: z.array(HalfDay).max(7).refine(uniqueBy((h: HalfDay) => h.day), custom('duplicate_value')),
  /** the hours of every team without hours of its own */
  defaultHours: WeekHours,
  holidayCalendar: HolidayCalendarChoice,
  holidayOverrides: z.array(HolidayOccurrenceOverride).max(500).refine(uniqueBy((o: HolidayOccurrenceOverride) => `${o.holiday}/${o.year}`), custom('duplicate_value')),
  extraClosures: z.array(ExtraClosure).max(1000).refine(uniqueBy((c: ExtraClosure) => c.date), custom('duplicate_value')),
  /** days the holiday table marks off that are working days after all */
  removedHolidays: z.array(IsoDate).max(1000).refine(uniqueBy((d: string) => d), custom('duplicate_value')),
};

/**
 * The workspace's SLA calendar. Until it is saved, it is a preset for the workspace's country
 * (Iran: Friday off, Thursday a half-day, Iran's holidays; Saudi Arabia: Friday–Saturday; the
 * UAE: Saturday–Sunday, Friday a half-day; elsewhere Saturday–Sunday and no holiday table).
 */
export const SlaCalendarSettings = z
  .strictObject(calendarFields)
  .refine((c) => c.halfDays.every((h) => !c.weekendDays.includes(h.day)), { ...custom('half_day_on_weekend'), path: ['halfDays'] })
  .meta({ id: 'SlaCalendarSettings' });
export type SlaCalendarSettings = z.infer<typeof SlaCalendarSettings>;

export const SlaCalendarView = z.object({
  timeZone: z.string().nullable(),
  weekendDays: z.array(Weekday),
  halfDays: z.array(HalfDay),
  defaultHours: WeekHours,
  holidayCalendar: HolidayCalendarChoice,
  holidayOverrides: z.array(HolidayOccurrenceOverride),
  extraClosures: z.array(ExtraClosure),
  removedHolidays: z.array(IsoDate),
  /** the time zone in force (the workspace's when `timeZone` is null) */
  effectiveTimeZone: z.string(),
  /** false: nobody saved it yet, these are the country's presets */
  saved: z.boolean(),
  updatedAt: IsoInstant.nullable(),
}).meta({ id: 'SlaCalendar' });
export type SlaCalendarView = z.infer<typeof SlaCalendarView>;

/** The holidays a year brings under the workspace's calendar, for the settings screen. */
export const SlaHolidayQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });
export const SlaHolidayOccurrence = z.object({
  holiday: z.string(),
  name: z.string(),
  /** the occurrence's year in the holiday's own calendar */
  year: z.number().int(),
  dates: z.array(IsoDate),
  /** an Umm al-Qura date nobody confirmed: show it as expected */
  estimated: z.boolean(),
  /** replaced by a workspace override */
  overridden: z.boolean(),
});
export const SlaHolidayList = z.object({
  year: z.number().int(),
  occurrences: z.array(SlaHolidayOccurrence),
  extraClosures: z.array(ExtraClosure),
  /** every day off in the year, sorted: table holidays, overrides and closures less the removed days */
  daysOff: z.array(IsoDate),
}).meta({ id: 'SlaHolidayList' });
export type SlaHolidayList = z.infer<typeof SlaHolidayList>;

/** A team: the label cases carry in `team`, its members for round-robin assignment and its own hours. */
export const CreateComplaintTeam = z.strictObject({
  /** what cases carry in `team` */
  key: label(100),
  name: label(200),
  /** account ids of members who work complaints; new cases of the team without an assignee go round-robin */
  members: z.array(Uuid).max(500).refine(uniqueBy((m: string) => m), custom('duplicate_value')).default([]),
  /** null: the workspace's default hours */
  hours: WeekHours.nullable().default(null),
}).meta({ id: 'CreateComplaintTeam' });
export type CreateComplaintTeam = z.infer<typeof CreateComplaintTeam>;

export const UpdateComplaintTeam = z
  .strictObject({
    name: label(200).optional(),
    members: z.array(Uuid).max(500).refine(uniqueBy((m: string) => m), custom('duplicate_value')).optional(),
    hours: WeekHours.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, custom('nothing_to_change'))
  .meta({ id: 'UpdateComplaintTeam' });
export type UpdateComplaintTeam = z.infer<typeof UpdateComplaintTeam>;

export const ComplaintTeamView = z.object({
  id: Uuid,
  key: z.string(),
  name: z.string(),
  members: z.array(Uuid),
  hours: WeekHours.nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'ComplaintTeam' });
export type ComplaintTeamView = z.infer<typeof ComplaintTeamView>;
export const ComplaintTeamList = z.object({ items: z.array(ComplaintTeamView) }).meta({ id: 'ComplaintTeamList' });
export type ComplaintTeamList = z.infer<typeof ComplaintTeamList>;

/**
 * One target's clock. `usedMinutes` and `remainingMinutes` are business minutes at `evaluatedAt`
 * of the SLA it belongs to; `dueAt` and `warningAt` are instants (null: never reached, e.g. met in
 * time or paused short of it).
 */
export const SlaTargetClockView = z.object({
  state: z.enum(['running', 'paused', 'met', 'breached', 'met_late', 'none']),
  targetMinutes: z.number().nullable(),
  usedMinutes: z.number(),
  remainingMinutes: z.number().nullable(),
  dueAt: IsoInstant.nullable(),
  warningAt: IsoInstant.nullable(),
  warning: z.boolean(),
  stoppedAt: IsoInstant.nullable(),
});
export type SlaTargetClockView = z.infer<typeof SlaTargetClockView>;

/** breached: a target is over and still running; at_risk: past its warning share; ok: running; paused; met: nothing left to measure; none: no policy. */
export const SlaOverallState = z.enum(['breached', 'at_risk', 'ok', 'paused', 'met', 'none']);
export type SlaOverallState = z.infer<typeof SlaOverallState>;

/** A case's SLA, computed from its log with the policy and calendar in force now. */
export const ComplaintSlaView = z.object({
  state: SlaOverallState,
  policyId: Uuid.nullable(),
  policyName: z.string().nullable(),
  evaluatedAt: IsoInstant,
  /** the soonest due instant of a running target (for a breached case: when it breached) */
  dueAt: IsoInstant.nullable(),
  /** when the state changes by the passage of time alone (a warning, a breach); null: not until the case changes */
  nextChangeAt: IsoInstant.nullable(),
  /** a clock is running and business hours are open now: a live timer counts down; otherwise it stands still */
  ticking: z.boolean(),
  targets: z.object({ acknowledge: SlaTargetClockView, firstResponse: SlaTargetClockView, resolve: SlaTargetClockView }),
}).meta({ id: 'ComplaintSla' });
export type ComplaintSlaView = z.infer<typeof ComplaintSlaView>;

/** GET /api/complaints/:id/sla?at=: the same clocks at another instant (what it was, or will be if nothing changes). */
export const ComplaintSlaQuery = z.strictObject({ at: IsoInstant.optional() });

/** A case with its log and its SLA clocks. */
export const ComplaintDetailWithSla = ComplaintDetailView.extend({ sla: ComplaintSlaView }).meta({ id: 'ComplaintDetailWithSla' });
export type ComplaintDetailWithSla = z.infer<typeof ComplaintDetailWithSla>;

/**
 * The agent queue ordered by SLA urgency: breached first, then at risk, running, paused and
 * unmeasured, each soonest due first. `sla` filters by overall state; `state`: one case state or
 * `open` (the default); `channel`: how the cases came in; `q`: a tracking code or the contact's
 * words (ComplaintSearchText). Keyset pages: pass `nextCursor` back as `cursor`.
 */
export const ComplaintQueueQuery = z.strictObject({
  team: label(100).optional(),
  assignee: z.union([z.enum(['me', 'unassigned']), Uuid]).optional(),
  sla: z.enum(['breached', 'at_risk', 'ok', 'paused', 'none']).optional(),
  state: z.union([ComplaintState.exclude(['closed']), z.literal('open')]).default('open'),
  channel: ComplaintChannel.optional(),
  q: ComplaintSearchText.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ComplaintQueueQuery = z.infer<typeof ComplaintQueueQuery>;

export const ComplaintQueueItem = ComplaintView.extend({ sla: ComplaintSlaView }).meta({ id: 'ComplaintQueueItem' });
export type ComplaintQueueItem = z.infer<typeof ComplaintQueueItem>;
export const ComplaintQueuePage = z.object({ items: z.array(ComplaintQueueItem), nextCursor: z.string().nullable() }).meta({ id: 'ComplaintQueuePage' });
export type ComplaintQueuePage = z.infer<typeof ComplaintQueuePage>;

/** One line of an imported case's history: a lifecycle step or a reply to the complainant, with when it happened. */
export const ImportedCaseStep = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('action'),
    action: ComplaintAction,
    at: IsoInstant,
    note: z.string().trim().min(1).max(4000).optional(),
    /** a root-cause code of the workspace's taxonomy */
    rootCause: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'a root-cause code').optional(),
    resolutionSummary: z.string().trim().min(1).max(4000).optional(),
  }),
  z.strictObject({ kind: z.literal('response'), at: IsoInstant, note: z.string().trim().min(1).max(4000).optional() }),
]);
export type ImportedCaseStep = z.infer<typeof ImportedCaseStep>;

/**
 * A case from another system or from paper, with its own timestamps: received at `receivedAt`,
 * then each step of `history` in time order (checked against the lifecycle). Nothing is sent to
 * the complainant, and a case imported closed is never warned about or escalated.
 */
export const ImportComplaint = OpenComplaint.omit({ assigneeId: true }).extend({
  receivedAt: IsoInstant,
  history: z.array(ImportedCaseStep).max(200).default([]),
  assigneeId: Uuid.optional(),
}).meta({ id: 'ImportComplaint' });
export type ImportComplaint = z.infer<typeof ImportComplaint>;
