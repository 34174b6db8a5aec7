// The SLA clock of a complaint, computed from its append-only log at read time. Pure: no database,
// no clock of its own (the caller passes `now`), so a policy or calendar change applies to every
// open case the next time it is read, and a report computes exactly what the queue shows.
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from '../../platform/time/business-hours.ts';

/** ISO 10002 case states, plus the pause while the case waits on the complainant. */
export const COMPLAINT_STATES = [
  'received', 'acknowledged', 'assessed', 'under_investigation', 'resolution_proposed',
  'resolution_communicated', 'closed', 'reopened', 'escalated', 'waiting_for_customer',
] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

/**
 * One line of a case's log. A `response` is any reply to the complainant: the clock itself
 * decides that the earliest is the first response and later ones are updates, so an update can
 * never stand in for, or override, the first response.
 */
export type CaseLogEntry =
  | { kind: 'transition'; to: ComplaintState; at: Date }
  | { kind: 'response'; at: Date };

export const SLA_TARGETS = ['acknowledge', 'firstResponse', 'resolve'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

export interface SlaPolicy {
  /** A deactivated policy measures nothing: no due dates, no warnings, no breaches. */
  active: boolean;
  /** Business minutes per target, > 0; a missing target is not measured. */
  targets: Partial<Record<SlaTarget, number>>;
  /** States in which no clock runs. Default: waiting_for_customer. */
  pausingStates?: readonly ComplaintState[];
  /** Share of a target after which a case is at risk, in (0, 1]. Default 0.8; 1 means no warning. */
  warningShare?: number;
  /**
   * What a reopened case does to the resolve clock. Default 'resume': time already spent still
   * counts (a rejected resolution is the same complaint, not a fresh one). 'restart': a new full
   * target from the reopening.
   */
  onReopen?: 'resume' | 'restart';
}

export const DEFAULT_PAUSING_STATES: readonly ComplaintState[] = ['waiting_for_customer'];
export const DEFAULT_WARNING_SHARE = 0.8;

/**
 * - running: the clock counts (it may be outside business hours and not advancing right now)
 * - paused: in a pausing state, not yet over the target
 * - met / met_late: the clock stopped within / after the target
 * - breached: over the target and not stopped
 * - none: no such target, the policy is deactivated, or the log is empty
 */
export type SlaTargetState = 'running' | 'paused' | 'met' | 'breached' | 'met_late' | 'none';

export interface SlaTargetClock {
  state: SlaTargetState;
  targetMinutes: number | null;
  /** Business minutes the clock has counted (fractional: instants are to the millisecond). */
  usedMinutes: number;
  /** Target less used; negative when over; null without a target. */
  remainingMinutes: number | null;
  /** When the target was or will be reached; null when it never was (met in time, or paused short of it). */
  dueAt: Date | null;
  /** When the warning share was or will be reached, on the same terms. */
  warningAt: Date | null;
  /** The clock is not stopped and has used at least the warning share. */
  warning: boolean;
  /** When the clock stopped, for met and met_late. */
  stoppedAt: Date | null;
}

export interface SlaChange {
  at: Date;
  target: SlaTarget;
  change: 'warning' | 'breach';
}

export interface SlaEvaluation {
  at: Date;
  targets: Record<SlaTarget, SlaTargetClock>;
  /** The earliest future instant a target warns or breaches if the log does not change; null when none can. */
  nextChange: SlaChange | null;
}

const MINUTE_MS = 60_000;
/** Moving into any of these acknowledges the complaint, even when the 'acknowledged' step was not logged. */
const ACKNOWLEDGING = new Set<ComplaintState>(['acknowledged', 'assessed', 'under_investigation', 'resolution_proposed', 'resolution_communicated', 'closed']);
/** Communicating the decision answers the complainant, and a closed case has nothing left to answer. */
const ANSWERING = new Set<ComplaintState>(['resolution_communicated', 'closed']);
/** The organisation has done its part: waiting for acceptance is not resolution time. */
const RESOLVED = new Set<ComplaintState>(['resolution_communicated', 'closed']);

/** A stretch in which a target's clock ran; `end` null: still running at the evaluation instant. */
interface ClockRun {
  start: number;
  end: number | null;
}

interface TargetTimeline {
  runs: ClockRun[];
  stoppedAt: number | null;
  paused: boolean;
}

/** The log as it stood at `now`, in time order (a stable sort keeps same-instant entries as logged). */
function logAsOf(log: readonly CaseLogEntry[], now: number): CaseLogEntry[] {
  return log.filter((e) => e.at.getTime() <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Whether this entry stops a one-shot target for good. */
function stopsForGood(target: SlaTarget, entry: CaseLogEntry): boolean {
  if (target === 'acknowledge') return entry.kind === 'transition' && ACKNOWLEDGING.has(entry.to);
  if (target === 'firstResponse') return entry.kind === 'response' || ANSWERING.has(entry.to);
  return false;
}

/** Walks the log once for one target: when its clock ran, whether it is stopped or paused now. */
function timelineOf(target: SlaTarget, log: readonly CaseLogEntry[], policy: SlaPolicy): TargetTimeline {
  const pausing = new Set(policy.pausingStates ?? DEFAULT_PAUSING_STATES);
  const restartOnReopen = target === 'resolve' && policy.onReopen === 'restart';
  let state: ComplaintState = 'received';
  let started = false;
  let stoppedForGood = false;
  let stoppedAt: number | null = null;
  let runs: ClockRun[] = [];
  let runStart: number | null = null;
  const stopped = () => stoppedForGood || (target === 'resolve' && RESOLVED.has(state));
  const ticking = () => started && !stopped() && !pausing.has(state);

  for (const entry of log) {
    const t = entry.at.getTime();
    const wasStopped = stopped();
    if (restartOnReopen && entry.kind === 'transition' && entry.to === 'reopened') {
      runs = [];
      if (runStart !== null) runStart = t;
    }
    started = true;
    if (entry.kind === 'transition') state = entry.to;
    if (!stoppedForGood && stopsForGood(target, entry)) stoppedForGood = true;
    if (stopped() && !wasStopped) stoppedAt = t;
    if (runStart !== null && !ticking()) {
      runs.push({ start: runStart, end: t });
      runStart = null;
    } else if (runStart === null && ticking()) {
      runStart = t;
    }
  }
  if (runStart !== null) runs.push({ start: runStart, end: null });
  const isStopped = started && stopped();
  return { runs, stoppedAt: isStopped ? stoppedAt : null, paused: started && !isStopped && pausing.has(state) };
}

/** Business milliseconds of each run, the open one up to `now`. */
function runLengths(runs: readonly ClockRun[], now: number, cal: BusinessCalendar): number[] {
  return runs.map((run) => Math.round(businessMinutesBetween(new Date(run.start), new Date(run.end ?? now), cal) * MINUTE_MS));
}

/**
 * The instant the clock's count reaches `thresholdMs`: inside a past run, or projected forward
 * from the start of a run still open. Paused time is never in a run, so it can never count.
 */
function reachedAt(thresholdMs: number, runs: readonly ClockRun[], lengths: readonly number[], cal: BusinessCalendar): number | null {
  let before = 0;
  for (const [i, run] of runs.entries()) {
    const length = run.end === null ? Infinity : lengths[i]!;
    if (before + length >= thresholdMs) return addBusinessMinutes(new Date(run.start), (thresholdMs - before) / MINUTE_MS, cal).getTime();
    before += length;
  }
  return null;
}

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

function stateOf(timeline: TargetTimeline, usedMs: number, targetMs: number): SlaTargetState {
  if (timeline.stoppedAt !== null) return usedMs <= targetMs ? 'met' : 'met_late';
  if (usedMs >= targetMs) return 'breached';
  return timeline.paused ? 'paused' : 'running';
}

function clockOf(target: SlaTarget, log: readonly CaseLogEntry[], policy: SlaPolicy, cal: BusinessCalendar, now: number): SlaTargetClock {
  const timeline = timelineOf(target, log, policy);
  const lengths = runLengths(timeline.runs, now, cal);
  const usedMs = lengths.reduce((sum, ms) => sum + ms, 0);
  const targetMinutes = policy.targets[target];
  const measured = { usedMinutes: usedMs / MINUTE_MS, stoppedAt: dateOrNull(timeline.stoppedAt) };
  // No log, no case: nothing to measure (a case's log always starts with its receipt).
  if (!policy.active || targetMinutes === undefined || log.length === 0) {
    return { state: 'none', targetMinutes: null, remainingMinutes: null, dueAt: null, warningAt: null, warning: false, ...measured };
  }
  const targetMs = Math.round(targetMinutes * MINUTE_MS);
  const warningMs = Math.round(targetMinutes * (policy.warningShare ?? DEFAULT_WARNING_SHARE) * MINUTE_MS);
  const hasWarning = warningMs < targetMs;
  return {
    state: stateOf(timeline, usedMs, targetMs),
    targetMinutes,
    remainingMinutes: (targetMs - usedMs) / MINUTE_MS,
    dueAt: dateOrNull(reachedAt(targetMs, timeline.runs, lengths, cal)),
    warningAt: hasWarning ? dateOrNull(reachedAt(warningMs, timeline.runs, lengths, cal)) : null,
    warning: hasWarning && timeline.stoppedAt === null && usedMs >= warningMs,
    ...measured,
  };
}

function validatePolicy(policy: SlaPolicy): void {
  for (const minutes of Object.values(policy.targets)) {
    if (minutes !== undefined && !(Number.isFinite(minutes) && minutes > 0)) throw new RangeError(`an SLA target must be a positive number of minutes, not ${minutes}`);
  }
  const share = policy.warningShare ?? DEFAULT_WARNING_SHARE;
  if (!(share > 0 && share <= 1)) throw new RangeError(`warningShare must be in (0, 1], not ${share}`);
}

/** Only a running clock changes by itself: at its warning, then at its breach. */
function nextChangeOf(target: SlaTarget, clock: SlaTargetClock, now: number): SlaChange | null {
  if (clock.state !== 'running' || !clock.dueAt) return null;
  if (clock.warningAt && clock.warningAt.getTime() > now) return { at: clock.warningAt, target, change: 'warning' };
  return { at: clock.dueAt, target, change: 'breach' };
}

/**
 * Every target's clock for a case at `now`. Pass the case's current policy and its team's
 * calendar; build each calendar object once and reuse it across cases, since business-hours.ts
 * caches its prepared days per calendar object.
 */
export function evaluateSla(log: readonly CaseLogEntry[], policy: SlaPolicy, calendar: BusinessCalendar, now: Date): SlaEvaluation {
  validatePolicy(policy);
  const at = now.getTime();
  const entries = logAsOf(log, at);
  const targets = Object.fromEntries(SLA_TARGETS.map((target) => [target, clockOf(target, entries, policy, calendar, at)])) as Record<SlaTarget, SlaTargetClock>;
  const nextChange = SLA_TARGETS
    .map((target) => nextChangeOf(target, targets[target], at))
    .reduce<SlaChange | null>((first, change) => (change && (!first || change.at < first.at) ? change : first), null);
  return { at: now, targets, nextChange };
}

/**
 * The next instant the case's SLA state changes by the passage of time alone (a warning, then a
 * breach), for a job to index and wake on; null when nothing will change until the log,
 * the policy or the calendar does (then recompute it).
 */
export function nextSlaChange(log: readonly CaseLogEntry[], policy: SlaPolicy, calendar: BusinessCalendar, now: Date): SlaChange | null {
  return evaluateSla(log, policy, calendar, now).nextChange;
}
