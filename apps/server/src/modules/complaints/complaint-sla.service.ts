// The SLA engine around the pure clock (sla-clock.ts): the workspace's policies and calendars
// compiled once per change, each case's SLA computed from its log with the settings in force now,
// the index row the queue and the scan read (kept in the transaction of every case change), the
// scan that publishes warnings and breaches once and escalates, and round-robin assignment.
import { randomUUID } from 'node:crypto';
import type { ComplaintQueuePage, ComplaintQueueQuery, ComplaintSlaView, SlaCalendarSettings, SlaTargetClockView, WeekHours } from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { roleAllows, type Actor, type Role } from '../../platform/http/access.ts';
import { Problem } from '../../platform/http/problem.ts';
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from '../../platform/time/business-hours.ts';
import { workspaceSettings } from '../workspace/index.ts';
import * as repo from './complaint-sla.repo.ts';
import * as caseRepo from './complaint.repo.ts';
import { parseCaseSearch } from './case-search.ts';
import { escalateForBreaches, presentCase } from './complaint.service.ts';
import { ESCALATABLE_STATES } from './case-lifecycle.ts';
import { HOLIDAY_TABLES, holidayDates, type HolidayRule } from './holiday-calendars.ts';
import { evaluateSla, SLA_TARGETS, type CaseLogEntry, type ComplaintState, type SlaEvaluation, type SlaPolicy, type SlaTarget } from './sla-clock.ts';

export type CalendarSettings = Omit<SlaCalendarSettings, never>;

const lunchSplit = [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '17:00' }];
const allWeek = (periods: { from: string; to: string }[]): WeekHours => Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, periods])) as WeekHours;

/**
 * The work week a workspace starts with, by its country: Iran rests on Friday and works half of
 * Thursday; Saudi Arabia rests Friday and Saturday; the UAE (since 2022) Saturday and Sunday with
 * Friday's afternoon off; elsewhere Saturday and Sunday. Hours 08:00–17:00 with a lunch hour.
 */
export function presetCalendar(country: string): CalendarSettings {
  const common = { timeZone: null, defaultHours: allWeek(lunchSplit), holidayOverrides: [], extraClosures: [], removedHolidays: [] };
  switch (country) {
    case 'IR': return { ...common, weekendDays: [5], halfDays: [{ day: 4, endsAt: '12:00' }], holidayCalendar: 'IR' };
    case 'SA': return { ...common, weekendDays: [5, 6], halfDays: [], holidayCalendar: 'SA' };
    case 'AE': return { ...common, weekendDays: [0, 6], halfDays: [{ day: 5, endsAt: '12:00' }], holidayCalendar: 'AE' };
    default: return { ...common, weekendDays: [0, 6], halfDays: [], holidayCalendar: 'none' };
  }
}

/** A fresh workspace's default policy: acknowledge within an hour, answer within a working day, resolve within five. */
export const DEFAULT_POLICY_TARGETS = { acknowledge: 60, firstResponse: 480, resolve: 2400 } as const;

export function calendarSettingsOf(row: repo.CalendarRow): CalendarSettings {
  return {
    timeZone: row.timeZone,
    weekendDays: row.weekendDays,
    halfDays: row.halfDays as CalendarSettings['halfDays'],
    defaultHours: row.defaultHours as WeekHours,
    holidayCalendar: row.holidayCalendar as CalendarSettings['holidayCalendar'],
    holidayOverrides: row.holidayOverrides as CalendarSettings['holidayOverrides'],
    extraClosures: row.extraClosures as CalendarSettings['extraClosures'],
    removedHolidays: row.removedHolidays as string[],
  };
}

export function holidayRulesOf(choice: CalendarSettings['holidayCalendar']): readonly HolidayRule[] {
  return choice === 'none' ? [] : HOLIDAY_TABLES[choice];
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** One week of hours as business-hours.ts takes them: weekends dropped, half-days cut at their end, 24:00 as 00:00. */
function weekOf(settings: CalendarSettings, hours: WeekHours): BusinessCalendar['businessHours'] {
  const week: Record<string, { from: string; to: string }[]> = {};
  for (let day = 0; day < 7; day++) {
    if (settings.weekendDays.includes(day)) continue;
    const half = settings.halfDays.find((h) => h.day === day);
    const periods = (hours[String(day) as keyof WeekHours] ?? []).flatMap((p) => {
      if (!half) return [p];
      const end = toMinutes(half.endsAt);
      if (toMinutes(p.from) >= end) return [];
      return [{ from: p.from, to: toMinutes(p.to) > end ? half.endsAt : p.to }];
    });
    week[String(day)] = periods.map((p) => ({ from: p.from, to: p.to === '24:00' ? '00:00' : p.to }));
  }
  return week;
}

/** A workspace's SLA settings compiled for evaluation; calendar objects are reused so business-hours.ts caches their days. */
export interface SlaConfig {
  stamp: string;
  /** the part of the stamp that the settings tables make (settingsStampExpression) */
  tablesStamp: string;
  /** when the stamp was last compared (Date.now()) */
  checkedAt: number;
  timeZone: string;
  settings: CalendarSettings;
  saved: boolean;
  calendarUpdatedAt: Date | null;
  policies: repo.PolicyRow[];
  teams: repo.TeamRow[];
  defaultCalendar: BusinessCalendar;
  teamCalendars: Map<string, BusinessCalendar>;
}

/** Years of holidays compiled: old enough for imported cases, far enough for due dates. */
const HOLIDAY_YEARS_BACK = 5;
const HOLIDAY_YEARS_AHEAD = 3;

function compile(stamp: string, tablesStamp: string, workspaceZone: string, row: repo.CalendarRow | undefined, country: string, policies: repo.PolicyRow[], teams: repo.TeamRow[]): SlaConfig {
  const settings = row ? calendarSettingsOf(row) : presetCalendar(country);
  const timeZone = settings.timeZone ?? workspaceZone;
  const year = new Date().getUTCFullYear();
  const holidays = holidayDates(holidayRulesOf(settings.holidayCalendar), { from: year - HOLIDAY_YEARS_BACK, to: year + HOLIDAY_YEARS_AHEAD }, {
    occurrences: settings.holidayOverrides,
    added: settings.extraClosures.map((c) => c.date),
    removed: settings.removedHolidays,
  });
  const calendarFor = (hours: WeekHours): BusinessCalendar => ({ timeZone, businessHours: weekOf(settings, hours), weekendDays: settings.weekendDays, holidays });
  const defaultCalendar = calendarFor(settings.defaultHours);
  const teamCalendars = new Map<string, BusinessCalendar>();
  for (const team of teams) if (team.hours) teamCalendars.set(team.key, calendarFor(team.hours as WeekHours));
  return { stamp, tablesStamp, checkedAt: Date.now(), timeZone, settings, saved: row !== undefined, calendarUpdatedAt: row?.updatedAt ?? null, policies, teams, defaultCalendar, teamCalendars };
}

const configCache = new Map<string, SlaConfig>();

/**
 * A fresh workspace gets its default policy the first time its SLA is read. Racing first reads
 * (a burst of first filings) insert it once: a concurrent transaction's uncommitted seed holds
 * the (category, severity) key, so this insert waits for it and then does nothing, and the
 * caller's next statement sees the committed policy. Nothing remembers "seeded" in the process:
 * a flag set before the seeding transaction committed let its neighbours measure with no policy.
 */
async function seedDefaultPolicy(db: Executor, tenantId: string, now: Date): Promise<void> {
  await repo.insertPolicyUnlessAny(db, {
    tenantId, id: randomUUID(), name: 'Default', category: null, severity: null,
    acknowledgeMinutes: DEFAULT_POLICY_TARGETS.acknowledge, firstResponseMinutes: DEFAULT_POLICY_TARGETS.firstResponse, resolveMinutes: DEFAULT_POLICY_TARGETS.resolve,
    pausingStates: ['waiting_for_customer'], warningShare: 0.8, onReopen: 'resume', escalateOnBreach: true, active: true, createdAt: now, updatedAt: now,
  });
}

/** How long a read (the queue) may use compiled settings without asking whether they changed. */
const READ_CACHE_MS = 5_000;

/**
 * The workspace's SLA settings as they stand in the database now (the stamp query decides whether
 * the cache is still right). `forRead`: a screen may use settings checked in the last few seconds.
 */
export async function slaConfig(db: Executor, tenantId: string, now = new Date(), options: { forRead?: boolean } = {}): Promise<SlaConfig> {
  const hit = configCache.get(tenantId);
  if (options.forRead && hit && hit.checkedAt > Date.now() - READ_CACHE_MS) return hit;
  const workspace = await workspaceSettings(db, tenantId);
  let stored = await repo.settingsStamp(db, tenantId);
  if (stored.policies === 0) {
    await seedDefaultPolicy(db, tenantId, now);
    stored = await repo.settingsStamp(db, tenantId);
  }
  const stamp = workspaceStamp(workspace, stored.stamp);
  if (hit && hit.stamp === stamp) {
    hit.checkedAt = Date.now();
    return hit;
  }
  const [row, policies, teams] = [await repo.findCalendar(db, tenantId), await repo.listPolicies(db, tenantId), await repo.listTeams(db, tenantId)];
  const config = compile(stamp, stored.stamp, workspace.timeZone, row, workspace.defaultCountry, policies, teams);
  if (configCache.size > 10_000) configCache.clear();
  configCache.set(tenantId, config);
  return config;
}

const workspaceStamp = (workspace: { timeZone: string; defaultCountry: string }, tablesStamp: string) => `${workspace.timeZone}|${workspace.defaultCountry}|${tablesStamp}`;

/**
 * The workspace's compiled settings as last read in this process, for a writer that checks them in
 * passing: its statement compares `tablesStamp` with settingsStampExpression and writes nothing
 * when they differ (then it asks slaConfig). Undefined when never read here, or when the
 * workspace's zone or country (read through workspaceSettings) changed since.
 */
export function slaConfigToCheckInPassing(tenantId: string, workspace: { timeZone: string; defaultCountry: string }): SlaConfig | undefined {
  const hit = configCache.get(tenantId);
  return hit && hit.stamp === workspaceStamp(workspace, hit.tablesStamp) ? hit : undefined;
}

/** Forget a workspace's compiled settings (tests that delete rows behind the stamp's back). */
export function forgetSlaConfig(tenantId: string): void {
  configCache.delete(tenantId);
}

/**
 * The most specific policy: category + severity, then category, then severity, then the default.
 * A deactivated policy still holds its cases and measures nothing, so deactivating "the SLA of
 * category X" stops measuring X's cases rather than handing them to the default; deleting the
 * policy is how its cases go to the less specific one.
 */
export function policyFor(policies: readonly repo.PolicyRow[], category: string | null, severity: string): repo.PolicyRow | null {
  let best: repo.PolicyRow | null = null;
  let bestScore = -1;
  for (const p of policies) {
    if (p.category !== null && p.category !== category) continue;
    if (p.severity !== null && p.severity !== severity) continue;
    const score = (p.category !== null ? 2 : 0) + (p.severity !== null ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [p, score];
  }
  return best;
}

export function clockPolicy(row: repo.PolicyRow): SlaPolicy {
  const targets: SlaPolicy['targets'] = {};
  if (row.acknowledgeMinutes !== null) targets.acknowledge = row.acknowledgeMinutes;
  if (row.firstResponseMinutes !== null) targets.firstResponse = row.firstResponseMinutes;
  if (row.resolveMinutes !== null) targets.resolve = row.resolveMinutes;
  return {
    active: row.active, targets, pausingStates: row.pausingStates as ComplaintState[],
    // real is single precision: 0.8 comes back as 0.800000011920929
    warningShare: Math.round(row.warningShare * 1e6) / 1e6,
    onReopen: row.onReopen as 'resume' | 'restart',
  };
}

const NO_POLICY: SlaPolicy = { active: false, targets: {} };

/** The log as the clock reads it. */
export function clockLog(events: readonly repo.CaseEventRow[]): CaseLogEntry[] {
  return events.flatMap((e): CaseLogEntry[] => {
    if (e.kind === 'transition' && e.toState) return [{ kind: 'transition', to: e.toState as ComplaintState, at: e.at }];
    if (e.kind === 'response') return [{ kind: 'response', at: e.at }];
    return [];
  });
}

export type SlaOverall = ComplaintSlaView['state'];
export const URGENCY: Record<SlaOverall, number> = { breached: 0, at_risk: 1, ok: 2, paused: 3, none: 4, met: 5 };

export interface CaseSla {
  policy: repo.PolicyRow | null;
  calendar: BusinessCalendar;
  evaluation: SlaEvaluation;
  overall: SlaOverall;
  dueAt: Date | null;
  nextChangeAt: Date | null;
  ticking: boolean;
}

function overallOf(ev: SlaEvaluation): { overall: SlaOverall; dueAt: Date | null } {
  const clocks = SLA_TARGETS.map((t) => ev.targets[t]).filter((c) => c.state !== 'none');
  const soonest = (list: typeof clocks) => list.map((c) => c.dueAt).filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  if (clocks.length === 0) return { overall: 'none', dueAt: null };
  const breached = clocks.filter((c) => c.state === 'breached');
  if (breached.length > 0) return { overall: 'breached', dueAt: soonest(breached) };
  const running = clocks.filter((c) => c.state === 'running');
  if (clocks.some((c) => c.warning)) return { overall: 'at_risk', dueAt: soonest(running) };
  if (running.length > 0) return { overall: 'ok', dueAt: soonest(running) };
  if (clocks.some((c) => c.state === 'paused')) return { overall: 'paused', dueAt: null };
  return { overall: 'met', dueAt: null };
}

/** The team's calendar, or the workspace's default hours. */
export function calendarOf(config: SlaConfig, team: string | null): BusinessCalendar {
  return (team !== null ? config.teamCalendars.get(team) : undefined) ?? config.defaultCalendar;
}

/**
 * Clocks computed at `computedAt` brought forward to `now`, for a case whose log and settings have
 * not changed since (every change recomputes them): running clocks gain the business time in
 * between, and cross their warning and due instants as they pass. One business-time span per
 * case instead of the whole log: what keeps the queue's page cheap.
 */
export function bringForward(sla: ComplaintSlaView, computedAt: Date, calendar: BusinessCalendar, now: Date): ComplaintSlaView {
  if (now.getTime() <= computedAt.getTime()) return sla;
  const counting = (c: SlaTargetClockView) => c.state === 'running' || c.state === 'breached';
  const targets = { ...sla.targets };
  const anyCounting = SLA_TARGETS.some((t) => counting(targets[t]));
  const delta = anyCounting ? businessMinutesBetween(computedAt, now, calendar) : 0;
  for (const t of SLA_TARGETS) {
    const c = targets[t];
    if (!counting(c)) continue;
    const usedMinutes = round3(c.usedMinutes + delta)!;
    const remainingMinutes = round3(c.remainingMinutes === null ? null : c.remainingMinutes - delta);
    const state = remainingMinutes !== null && remainingMinutes <= 0 ? 'breached' : c.state;
    const warning = c.warning || (c.warningAt !== null && new Date(c.warningAt) <= now);
    targets[t] = { ...c, usedMinutes, remainingMinutes, state, warning };
  }
  const clocks = SLA_TARGETS.map((t) => targets[t]).filter((c) => c.state !== 'none');
  const soonest = (list: SlaTargetClockView[]) => list.map((c) => c.dueAt).filter((d): d is string => d !== null).sort()[0] ?? null;
  const breached = clocks.filter((c) => c.state === 'breached');
  const running = clocks.filter((c) => c.state === 'running');
  const state: SlaOverall = clocks.length === 0 ? 'none' : breached.length > 0 ? 'breached' : clocks.some((c) => c.warning) ? 'at_risk'
    : running.length > 0 ? 'ok' : clocks.some((c) => c.state === 'paused') ? 'paused' : 'met';
  const upcoming = running.flatMap((c) => [c.warningAt, c.dueAt]).filter((d): d is string => d !== null && new Date(d) > now).sort();
  return {
    ...sla, state, targets, evaluatedAt: now.toISOString(),
    dueAt: state === 'breached' ? soonest(breached) : soonest(running),
    nextChangeAt: upcoming[0] ?? null,
    ticking: running.length + breached.length > 0 && addBusinessMinutes(now, 0, calendar).getTime() === now.getTime(),
  };
}

/** A case's SLA now: its policy and its team's calendar in force at `now`, over its log. */
export function evaluateCase(config: SlaConfig, row: { category: string | null; severity: string; team: string | null }, events: readonly repo.CaseEventRow[], now: Date): CaseSla {
  const policy = policyFor(config.policies, row.category, row.severity);
  const calendar = calendarOf(config, row.team);
  const evaluation = evaluateSla(clockLog(events), policy ? clockPolicy(policy) : NO_POLICY, calendar, now);
  const { overall, dueAt } = overallOf(evaluation);
  const running = SLA_TARGETS.some((t) => evaluation.targets[t].state === 'running' || evaluation.targets[t].state === 'breached');
  const ticking = running && addBusinessMinutes(now, 0, calendar).getTime() === now.getTime();
  return { policy, calendar, evaluation, overall, dueAt, nextChangeAt: evaluation.nextChange?.at ?? null, ticking };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const round3 = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

export function presentSla(sla: CaseSla): ComplaintSlaView {
  const target = (t: SlaTarget): SlaTargetClockView => {
    const c = sla.evaluation.targets[t];
    return {
      state: c.state, targetMinutes: c.targetMinutes, usedMinutes: round3(c.usedMinutes)!, remainingMinutes: round3(c.remainingMinutes),
      dueAt: iso(c.dueAt), warningAt: iso(c.warningAt), warning: c.warning, stoppedAt: iso(c.stoppedAt),
    };
  };
  return {
    state: sla.overall,
    policyId: sla.policy?.id ?? null,
    policyName: sla.policy?.name ?? null,
    evaluatedAt: sla.evaluation.at.toISOString(),
    dueAt: iso(sla.dueAt),
    nextChangeAt: iso(sla.nextChangeAt),
    ticking: sla.ticking,
    targets: { acknowledge: target('acknowledge'), firstResponse: target('firstResponse'), resolve: target('resolve') },
  };
}

/** The SLA markers a case has reached: `warning:<target>` once past the warning share, `breach:<target>` once over. */
function reachedMarkers(sla: CaseSla, policy: SlaPolicy | null): { reached: Set<string>; live: Set<string> } {
  const reached = new Set<string>();
  const live = new Set<string>();
  for (const t of SLA_TARGETS) {
    const c = sla.evaluation.targets[t];
    if (c.state === 'none' || c.targetMinutes === null || !policy) continue;
    const share = policy.warningShare ?? 0.8;
    const overWarning = share < 1 && c.usedMinutes >= c.targetMinutes * share - 1e-9;
    const over = c.state === 'breached' || c.state === 'met_late';
    const stopped = c.state === 'met' || c.state === 'met_late';
    if (overWarning || over) {
      reached.add(`warning:${t}`);
      if (!stopped) live.add(`warning:${t}`);
    }
    if (over) {
      reached.add(`breach:${t}`);
      if (!stopped) live.add(`breach:${t}`);
    }
  }
  return { reached, live };
}

interface Reconciled {
  sla: CaseSla;
  /** markers reached and still running that nobody has published yet */
  toPublish: string[];
  /** markers still reached that were published before */
  published: string[];
}

/**
 * The case's SLA now and what it means for its markers. Markers no longer reached (a policy or a
 * calendar gave more time, a deactivated policy, a restarted clock) are forgotten, so a later
 * crossing is published afresh; reached markers of clocks still running not yet published are
 * to be published (by the scan).
 */
function reconcile(config: SlaConfig, row: repo.CaseRow, events: readonly repo.CaseEventRow[], now: Date, published: readonly string[]): Reconciled {
  const sla = evaluateCase(config, row, events, now);
  const { reached, live } = reachedMarkers(sla, sla.policy ? clockPolicy(sla.policy) : null);
  const kept = published.filter((m) => reached.has(m));
  const toPublish = row.state === 'closed' ? [] : [...live].filter((m) => !kept.includes(m));
  return { sla, toPublish, published: kept };
}

/** The index row of a case: `nextChangeAt` now when crossings wait to be published (the scan's cue). */
function indexRow(row: repo.CaseRow, sla: CaseSla, now: Date, pending: boolean): repo.SlaIndexRow {
  const closed = row.state === 'closed';
  const overall = closed ? 'met' : sla.overall;
  return {
    tenantId: row.tenantId, caseId: row.id, team: row.team, assigneeId: row.assigneeId, caseState: row.state,
    slaState: overall, urgency: URGENCY[overall], dueAt: closed ? null : sla.dueAt,
    nextChangeAt: closed ? null : pending ? now : sla.nextChangeAt,
    policyId: sla.policy?.id ?? null, computedAt: now, clocks: presentSla(sla),
  };
}

/** Transactions (of the scan) whose escalations leave the index row to the scan, which writes it once after. */
const scanning = new WeakSet<object>();

/**
 * Keeps the case's SLA index row true after a change of the case, in the change's transaction
 * (the case row is locked by the caller). Called by every intake, step and assignment.
 */
export async function refreshCaseSla(tx: Executor, tenantId: string, caseId: string, now: Date): Promise<void> {
  if (scanning.has(tx)) return;
  const row = await repo.findCase(tx, tenantId, caseId);
  if (!row) return;
  const config = await slaConfig(tx, tenantId, now);
  const events = (await repo.eventsOfCases(tx, tenantId, [caseId])).get(caseId)!;
  const result = reconcile(config, row, events, now, (await repo.publishedMarkers(tx, tenantId, caseId)) ?? []);
  await repo.upsertSlaIndexes(tx, [{ ...indexRow(row, result.sla, now, result.toPublish.length > 0), published: result.published }]);
}

/**
 * refreshCaseSla for a group of cases of one workspace written a moment ago in this transaction,
 * whose rows and log the caller holds (the public form's group, complaint.repo's filedCaseRows):
 * nothing to read back and nothing published yet, so one statement instead of four round trips.
 */
export async function refreshNewCasesSla(tx: Executor, tenantId: string, cases: { row: caseRepo.CaseRow; log: repo.CaseEventRow[] }[], now: Date): Promise<void> {
  if (scanning.has(tx) || cases.length === 0) return;
  await repo.upsertSlaIndexes(tx, newCasesSlaRows(await slaConfig(tx, tenantId, now), cases, now));
}

/** The SLA index rows of cases just written (as they were written, not read back), computed with `config`. */
export function newCasesSlaRows(config: SlaConfig, cases: { row: caseRepo.CaseRow; log: repo.CaseEventRow[] }[], now: Date): (repo.SlaIndexRow & { published: string[] })[] {
  return cases.map(({ row, log }) => {
    const result = reconcile(config, row, log, now, []);
    return { ...indexRow(row, result.sla, now, result.toPublish.length > 0), published: result.published };
  });
}

/** The SLA of one case now (or at `at`), for its detail page. */
export async function caseSla(db: Executor, tenantId: string, caseId: string, at = new Date()): Promise<ComplaintSlaView> {
  const row = await repo.findCase(db, tenantId, caseId);
  if (!row) throw new Problem(404, 'not_found');
  const config = await slaConfig(db, tenantId);
  const events = (await repo.eventsOfCases(db, tenantId, [caseId])).get(caseId)!;
  return presentSla(evaluateCase(config, row, events, at));
}

export interface ScanResult {
  cases: number;
  warnings: number;
  breaches: number;
  escalated: number;
}

const SCAN_BATCH = 500;

/**
 * One transaction's worth of claimed cases: each recomputed from its log; new crossings published
 * (each marker once: it is stored with the row in the same transaction) and, on a breach whose
 * policy says so, the case escalated as the system through the lifecycle (in its log); then every
 * index row written in one statement and every event in one insert per workspace.
 */
async function scanBatch(tx: Executor, cases: repo.CaseRow[], now: Date, total: ScanResult): Promise<void> {
  const byTenant = new Map<string, repo.CaseRow[]>();
  for (const c of cases) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
  scanning.add(tx);
  try {
    for (const [tenantId, rows] of byTenant) {
      const config = await slaConfig(tx, tenantId, now);
      const ids = rows.map((r) => r.id);
      const events = await repo.eventsOfCases(tx, tenantId, ids);
      const markers = await repo.publishedMarkersOf(tx, tenantId, ids);
      const outbox: { topic: string; payload: Record<string, unknown> }[] = [];
      const scanned: { row: repo.CaseRow; log: repo.CaseEventRow[]; sla: CaseSla; published: string[] }[] = [];
      const toEscalate: { row: repo.CaseRow; note: string }[] = [];
      for (const row of rows) {
        const log = events.get(row.id) ?? [];
        const result = reconcile(config, row, log, now, markers.get(row.id) ?? []);
        const sla = result.sla;
        for (const marker of result.toPublish) {
          const [kind, target] = marker.split(':') as ['warning' | 'breach', SlaTarget];
          const clock = sla.evaluation.targets[target];
          outbox.push({
            topic: kind === 'warning' ? 'complaint.sla_warning' : 'complaint.sla_breached',
            payload: {
              caseId: row.id, customerId: row.customerId, assigneeId: row.assigneeId, team: row.team, target, policyId: sla.policy?.id ?? null,
              dueAt: iso(clock.dueAt), warningAt: iso(clock.warningAt), occurredAt: now.toISOString(),
            },
          });
          if (kind === 'warning') total.warnings++;
          else total.breaches++;
        }
        const breaches = result.toPublish.filter((m) => m.startsWith('breach:'));
        if (breaches.length > 0 && sla.policy?.escalateOnBreach && (ESCALATABLE_STATES as readonly string[]).includes(row.state)) {
          toEscalate.push({ row, note: `SLA breached: ${breaches.map((m) => m.slice('breach:'.length)).join(', ')}` });
        }
        scanned.push({ row, log, sla, published: [...result.published, ...result.toPublish] });
      }
      // All of the batch's escalations at once (the cases are locked by the claim). Its breaches are
      // published whatever happens to them: in a savepoint, so a failed escalation does not hold up
      // the batch, nor every scan after it.
      const escalated = toEscalate.length === 0
        ? new Set<string>()
        : await tx.transaction((sp) => escalateForBreaches(sp, tenantId, toEscalate, now)).catch(() => new Set<string>());
      total.escalated += escalated.size;
      const writes = scanned.map(({ row, log, sla, published }) => {
        if (!escalated.has(row.id)) return { ...indexRow(row, sla, now, false), published };
        const moved = { ...row, state: 'escalated', updatedAt: now };
        const movedLog = [...log, { ...log[log.length - 1]!, kind: 'transition', toState: 'escalated', at: now }];
        return { ...indexRow(moved, evaluateCase(config, moved, movedLog, now), now, false), published };
      });
      total.cases += scanned.length;
      await publishEvents(tx, tenantId, outbox);
      await repo.upsertSlaIndexes(tx, writes);
    }
  } finally {
    scanning.delete(tx);
  }
}

/**
 * The SLA scan: every case whose SLA is due to change by now (the indexed next_change_at), in
 * batches, each batch in one transaction with its events. Concurrent scans skip each other's cases.
 */
export async function runSlaScan(database: Database, now: Date, batch = SCAN_BATCH): Promise<ScanResult> {
  const total: ScanResult = { cases: 0, warnings: 0, breaches: 0, escalated: 0 };
  for (;;) {
    const claimed = await database.db.transaction(async (tx) => {
      const cases = await repo.claimDueCases(tx, now, batch);
      await scanBatch(tx, cases, now, total);
      return cases.length;
    });
    if (claimed < batch) return total;
  }
}

/** After a settings change: recompute every open case of the workspace, batch by batch, publishing what the change crossed. */
export async function recomputeWorkspaceSla(database: Database, tenantId: string, now: Date, batch = SCAN_BATCH): Promise<ScanResult> {
  const total: ScanResult = { cases: 0, warnings: 0, breaches: 0, escalated: 0 };
  let after: string | null = null;
  for (;;) {
    const last: string | null = await database.db.transaction(async (tx) => {
      const cases = await repo.lockOpenCasesAfter(tx, tenantId, after, batch);
      await scanBatch(tx, cases, now, total);
      return cases.length === batch ? cases[cases.length - 1]!.id : null;
    });
    if (last === null) return total;
    after = last;
  }
}

/**
 * Round-robin within a team, for a new case with a team and no assignee: the team's next active
 * member who works complaints, in the team's order. The team row's lock gives racing intakes
 * distinct turns, so none is handed the same turn twice. Null when the team has nobody.
 */
export async function roundRobinAssignee(tx: Executor, tenantId: string, team: string | null | undefined): Promise<string | null> {
  if (!team) return null;
  const turn = await repo.takeRoundRobinTurn(tx, tenantId, team);
  if (!turn) return null;
  const roles = await repo.activeMemberRoles(tx, tenantId, turn.members);
  const eligible = turn.members.filter((id) => roles.has(id) && roleAllows(roles.get(id) as Role, 'complaints:work'));
  if (eligible.length === 0) return null;
  return eligible[turn.turn % eligible.length]!;
}

// The queue.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encodeCursor = (r: repo.QueueRow) => Buffer.from(`${r.urgency}|${r.dueAt ? r.dueAt.toISOString() : 'infinity'}|${r.case.id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): { urgency: number; dueAt: Date | null; id: string } {
  const [u, at, id, extra] = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  const urgency = Number(u);
  const dueAt = at === 'infinity' ? null : new Date(at ?? '');
  const bad = extra !== undefined || !id || !UUID.test(id) || !/^[0-5]$/.test(u ?? '') || (dueAt !== null && (Number.isNaN(dueAt.getTime()) || dueAt.toISOString() !== at));
  if (bad) throw new Problem(400, 'invalid_cursor');
  return { urgency, dueAt, id };
}

/**
 * The agent queue: open cases most urgent first (breached, at risk, running, paused, unmeasured,
 * each soonest due first), filtered by team, assignee, SLA state and case state, each with its
 * SLA evaluated now from its log (the order comes from the index rows the scan keeps).
 */
export async function complaintQueue(db: Executor, tenantId: string, actor: Actor, query: ComplaintQueueQuery, now = new Date()): Promise<ComplaintQueuePage> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await repo.queuePage(db, tenantId, {
    team: query.team,
    assigneeId: query.assignee === undefined ? undefined : query.assignee === 'unassigned' ? null : query.assignee === 'me' ? actor.id : query.assignee,
    urgency: query.sla === undefined ? undefined : URGENCY[query.sla],
    state: query.state === 'open' ? undefined : query.state,
    channel: query.channel, search: parseCaseSearch(query.q),
    after, limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const config = await slaConfig(db, tenantId, now, { forRead: true });
  // Cases whose clocks were never computed (written by a path that leaves them to the scan) are read from their logs.
  const unseen = page.filter((r) => !r.clocks).map((r) => r.case.id);
  const events = await repo.eventsOfCases(db, tenantId, unseen);
  const items = page.map((r) => {
    const calendar = calendarOf(config, r.case.team);
    const sla = r.clocks ? bringForward(r.clocks as ComplaintSlaView, r.computedAt, calendar, now) : presentSla(evaluateCase(config, r.case, events.get(r.case.id) ?? [], now));
    return { ...presentCase(r.case), sla };
  });
  return { items, nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null };
}
