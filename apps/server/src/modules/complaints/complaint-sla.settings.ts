// The SLA settings of a workspace: calendar, policies and teams. Every write is audited and
// publishes `complaint.sla_settings_changed` in its transaction; the recompute subscriber then
// brings every open case's SLA index row in line (the clock itself always reads the settings in force).
import { randomUUID } from 'node:crypto';
import type {
  ComplaintTeamList, ComplaintTeamView, CreateComplaintTeam, CreateSlaPolicy, SlaCalendarSettings, SlaCalendarView, SlaHolidayList, SlaPolicyList,
  SlaPolicyView, UpdateComplaintTeam, UpdateSlaPolicy, WeekHours,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { roleAllows, type Actor, type Role } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import * as repo from './complaint-sla.repo.ts';
import { holidayRulesOf, slaConfig } from './complaint-sla.service.ts';
import { holidayDates, holidayOccurrences } from './holiday-calendars.ts';

export const SLA_SETTINGS_CHANGED = 'complaint.sla_settings_changed';

async function settingsChanged(tx: Executor, tenantId: string, actor: Actor, ip: string, entry: { action: string; targetType: string; targetId: string; details?: Record<string, unknown> }, now: Date): Promise<void> {
  await recordAudit(tx, tenantId, actor, { ...entry, ip });
  await publishEvents(tx, tenantId, [{ topic: SLA_SETTINGS_CHANGED, payload: { what: entry.targetType, id: entry.targetId, occurredAt: now.toISOString() } }]);
}

// Calendar

export async function getSlaCalendar(db: Executor, tenantId: string): Promise<SlaCalendarView> {
  const config = await slaConfig(db, tenantId);
  return { ...config.settings, effectiveTimeZone: config.timeZone, saved: config.saved, updatedAt: config.calendarUpdatedAt?.toISOString() ?? null };
}

/** Overrides must name a holiday of the chosen table: a typo would otherwise silently keep the estimate. */
function checkOverrides(input: SlaCalendarSettings): void {
  const known = new Set(holidayRulesOf(input.holidayCalendar).map((r) => r.id));
  const errors = input.holidayOverrides.flatMap((o, i) => (known.has(o.holiday) ? [] : [{ field: `holidayOverrides.${i}.holiday`, code: 'unknown_holiday', message: 'unknown_holiday' }]));
  if (errors.length > 0) throw new Problem(422, 'unknown_holiday', {}, errors);
}

export async function saveSlaCalendar(tx: Executor, tenantId: string, actor: Actor, input: SlaCalendarSettings, ip: string, now = new Date()): Promise<SlaCalendarView> {
  checkOverrides(input);
  await repo.saveCalendar(tx, {
    tenantId, timeZone: input.timeZone, weekendDays: [...input.weekendDays].sort(), halfDays: input.halfDays, defaultHours: input.defaultHours,
    holidayCalendar: input.holidayCalendar, holidayOverrides: input.holidayOverrides, extraClosures: input.extraClosures,
    removedHolidays: input.removedHolidays, updatedAt: now,
  });
  await settingsChanged(tx, tenantId, actor, ip, { action: 'complaint_sla.calendar_saved', targetType: 'complaint_sla_calendar', targetId: tenantId, details: { holidayCalendar: input.holidayCalendar } }, now);
  return getSlaCalendar(tx, tenantId);
}

export async function slaHolidays(db: Executor, tenantId: string, year: number): Promise<SlaHolidayList> {
  const { settings } = await slaConfig(db, tenantId);
  const rules = holidayRulesOf(settings.holidayCalendar);
  const years = { from: year, to: year };
  const overridden = new Set(settings.holidayOverrides.map((o) => `${o.holiday}/${o.year}`));
  const overrides = { occurrences: settings.holidayOverrides, added: settings.extraClosures.map((c) => c.date), removed: settings.removedHolidays };
  return {
    year,
    occurrences: holidayOccurrences(rules, years, overrides).map((o) => ({ ...o, overridden: overridden.has(`${o.holiday}/${o.year}`) })),
    extraClosures: settings.extraClosures.filter((c) => c.date.startsWith(`${year}-`)),
    daysOff: holidayDates(rules, years, overrides),
  };
}

// Policies

function presentPolicy(row: repo.PolicyRow): SlaPolicyView {
  return {
    id: row.id, name: row.name, category: row.category, severity: row.severity as SlaPolicyView['severity'],
    targets: {
      ...(row.acknowledgeMinutes !== null ? { acknowledge: row.acknowledgeMinutes } : {}),
      ...(row.firstResponseMinutes !== null ? { firstResponse: row.firstResponseMinutes } : {}),
      ...(row.resolveMinutes !== null ? { resolve: row.resolveMinutes } : {}),
    },
    pausingStates: row.pausingStates as SlaPolicyView['pausingStates'],
    warningShare: Math.round(row.warningShare * 1e6) / 1e6,
    onReopen: row.onReopen as SlaPolicyView['onReopen'],
    escalateOnBreach: row.escalateOnBreach, active: row.active,
    isDefault: row.category === null && row.severity === null,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listSlaPolicies(db: Executor, tenantId: string): Promise<SlaPolicyList> {
  await slaConfig(db, tenantId);
  return { items: (await repo.listPolicies(db, tenantId)).map(presentPolicy) };
}

const policyConflict = () => new Problem(409, 'sla_policy_conflict', {}, [{ field: 'category', code: 'sla_policy_conflict', message: 'sla_policy_conflict' }]);

export async function createSlaPolicy(tx: Executor, tenantId: string, actor: Actor, input: CreateSlaPolicy, ip: string, now = new Date()): Promise<SlaPolicyView> {
  await slaConfig(tx, tenantId, now);
  const row = await repo.insertPolicy(tx, {
    tenantId, id: randomUUID(), name: input.name, category: input.category, severity: input.severity,
    acknowledgeMinutes: input.targets.acknowledge ?? null, firstResponseMinutes: input.targets.firstResponse ?? null, resolveMinutes: input.targets.resolve ?? null,
    pausingStates: input.pausingStates, warningShare: input.warningShare, onReopen: input.onReopen, escalateOnBreach: input.escalateOnBreach, active: input.active,
    createdAt: now, updatedAt: now,
  });
  if (!row) throw policyConflict();
  await settingsChanged(tx, tenantId, actor, ip, { action: 'complaint_sla.policy_created', targetType: 'complaint_sla_policy', targetId: row.id, details: { name: row.name, category: row.category, severity: row.severity } }, now);
  return presentPolicy(row);
}

export async function updateSlaPolicy(tx: Executor, tenantId: string, actor: Actor, id: string, input: UpdateSlaPolicy, ip: string, now = new Date()): Promise<SlaPolicyView> {
  const current = await repo.findPolicy(tx, tenantId, id, { lock: true });
  if (!current) throw notFound();
  const category = input.category !== undefined ? input.category : current.category;
  const severity = input.severity !== undefined ? input.severity : current.severity;
  if ((category !== current.category || severity !== current.severity) && await repo.policyPairTaken(tx, tenantId, category, severity, id)) throw policyConflict();
  const patch: Partial<repo.NewPolicy> = { updatedAt: now, category, severity };
  if (input.name !== undefined) patch.name = input.name;
  if (input.targets !== undefined) {
    patch.acknowledgeMinutes = input.targets.acknowledge ?? null;
    patch.firstResponseMinutes = input.targets.firstResponse ?? null;
    patch.resolveMinutes = input.targets.resolve ?? null;
  }
  if (input.pausingStates !== undefined) patch.pausingStates = input.pausingStates;
  if (input.warningShare !== undefined) patch.warningShare = input.warningShare;
  if (input.onReopen !== undefined) patch.onReopen = input.onReopen;
  if (input.escalateOnBreach !== undefined) patch.escalateOnBreach = input.escalateOnBreach;
  if (input.active !== undefined) patch.active = input.active;
  const row = await repo.updatePolicy(tx, tenantId, id, patch);
  await settingsChanged(tx, tenantId, actor, ip, { action: 'complaint_sla.policy_updated', targetType: 'complaint_sla_policy', targetId: id, details: { changed: Object.keys(input) } }, now);
  return presentPolicy(row);
}

/** The default policy stays (deactivate it instead): without it a case of a new category would silently go unmeasured. */
export async function deleteSlaPolicy(tx: Executor, tenantId: string, actor: Actor, id: string, ip: string, now = new Date()): Promise<void> {
  const current = await repo.findPolicy(tx, tenantId, id, { lock: true });
  if (!current) throw notFound();
  if (current.category === null && current.severity === null) throw new Problem(409, 'default_sla_policy_required');
  await repo.deletePolicy(tx, tenantId, id);
  await settingsChanged(tx, tenantId, actor, ip, { action: 'complaint_sla.policy_deleted', targetType: 'complaint_sla_policy', targetId: id, details: { name: current.name } }, now);
}

// Teams

function presentTeam(row: repo.TeamRow): ComplaintTeamView {
  return { id: row.id, key: row.key, name: row.name, members: row.members, hours: (row.hours as WeekHours | null) ?? null, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export async function listComplaintTeams(db: Executor, tenantId: string): Promise<ComplaintTeamList> {
  return { items: (await repo.listTeams(db, tenantId)).map(presentTeam) };
}

/** Members are active members of the workspace who work complaints. */
async function checkMembers(db: Executor, tenantId: string, members: readonly string[]): Promise<void> {
  const roles = await repo.activeMemberRoles(db, tenantId, [...members]);
  const errors = members.flatMap((id, i) => (roles.has(id) && roleAllows(roles.get(id) as Role, 'complaints:work') ? [] : [{ field: `members.${i}`, code: 'invalid_team_member', message: 'invalid_team_member' }]));
  if (errors.length > 0) throw new Problem(422, 'invalid_team_member', {}, errors);
}

export async function createComplaintTeam(tx: Executor, tenantId: string, actor: Actor, input: CreateComplaintTeam, ip: string, now = new Date()): Promise<ComplaintTeamView> {
  await checkMembers(tx, tenantId, input.members);
  const row = await repo.insertTeam(tx, { tenantId, id: randomUUID(), key: input.key, name: input.name, members: input.members, hours: input.hours, createdAt: now, updatedAt: now });
  if (!row) throw new Problem(409, 'complaint_team_conflict', {}, [{ field: 'key', code: 'complaint_team_conflict', message: 'complaint_team_conflict' }]);
  await settingsChanged(tx, tenantId, actor, ip, { action: 'complaint_sla.team_created', targetType: 'complaint_team', targetId: row.id, details: { key: row.key, members: row.members.length } }, now);
  return presentTeam(row);
}

export async function updateComplaintTeam(tx: Executor, tenantId: string, actor: Actor, id: string, input: UpdateComplaintTeam, ip: string, now = new Date()): Promise<ComplaintTeamView> {
  const current = await repo.findTeam(tx, tenantId, id, { lock: true });
  if (!current) throw notFound();
  if (input.members) await checkMembers(tx, tenantId, input.members);
  const patch: Partial<repo.NewTeam> = { updatedAt: now };
  if (input.name !== undefined) patch.name = input.name;
  if (input.members !== undefined) patch.members = input.members;
  if (input.hours !== undefined) patch.hours = input.hours;
  const row = await repo.updateTeam(tx, tenantId, id, patch);
  await settingsChanged(tx, tenantId, actor, ip, { action: 'complaint_sla.team_updated', targetType: 'complaint_team', targetId: id, details: { changed: Object.keys(input) } }, now);
  return presentTeam(row);
}

export async function deleteComplaintTeam(tx: Executor, tenantId: string, actor: Actor, id: string, ip: string, now = new Date()): Promise<void> {
  const current = await repo.findTeam(tx, tenantId, id, { lock: true });
  if (!current) throw notFound();
  await repo.deleteTeam(tx, tenantId, id);
  await settingsChanged(tx, tenantId, actor, ip, { action: 'complaint_sla.team_deleted', targetType: 'complaint_team', targetId: id, details: { key: current.key } }, now);
}
