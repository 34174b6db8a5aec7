import {
  ComplaintDetailWithSla, ComplaintQueuePage, ComplaintQueueQuery, ComplaintSlaQuery, ComplaintSlaView, ComplaintTeamList, ComplaintTeamView,
  CreateComplaintTeam, CreateSlaPolicy, IdParams, ImportComplaint, SlaCalendarSettings, SlaCalendarView, SlaHolidayList, SlaHolidayQuery,
  SlaPolicyList, SlaPolicyView, UpdateComplaintTeam, UpdateSlaPolicy, NoContent,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { importComplaint } from './complaint-import.service.ts';
import { caseSla, complaintQueue } from './complaint-sla.service.ts';
import * as settings from './complaint-sla.settings.ts';

const TAGS = ['complaints'];
const SETTINGS_TAGS = ['complaints'];

export function registerComplaintSlaRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/complaints/queue', {
    config: { access: 'complaints:read' },
    schema: {
      tags: TAGS,
      summary: 'The agent queue, most urgent SLA first',
      operationId: 'complaintQueue',
      description: 'Open cases ordered breached first, then at risk, running, paused and unmeasured, each soonest due first. Filters: `team`, `assignee` (`me`, `unassigned` or an account id), `sla` (overall SLA state), `state` (a case state, default `open`), `channel`, and `q` (a tracking code as typed, 4 or more digits matching codes that start with them, or words of the contact\'s name, e-mail or phone; 400 `search_too_short` below 4 digits or a 3-character word). Each item carries its SLA evaluated now (per-target clocks, due instants, remaining business minutes, whether a timer is ticking). Pass `nextCursor` back as `cursor`.',
      querystring: ComplaintQueueQuery,
      response: { 200: ComplaintQueuePage },
    },
  }, async (req) => complaintQueue(db, req.tenantId, req.actor!, req.query));

  app.get('/api/complaints/:id/sla', {
    config: { access: 'complaints:read' },
    schema: {
      tags: TAGS,
      summary: "A case's SLA clocks",
      operationId: 'complaintSla',
      description: 'Computed from the case log with the policy and calendar in force now. `at` evaluates at another instant (what the clocks said then, or will say if nothing changes).',
      params: IdParams,
      querystring: ComplaintSlaQuery,
      response: { 200: ComplaintSlaView },
    },
  }, async (req) => caseSla(db, req.tenantId, req.params.id, req.query.at ? new Date(req.query.at) : new Date()));

  app.post('/api/complaints/import', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: TAGS,
      summary: 'Record a historical complaint with its own timestamps',
      operationId: 'importComplaint',
      description: 'A case from another system or from paper: received at `receivedAt`, then each step of `history` (lifecycle actions and replies to the complainant) at its own time, in order and not in the future, checked against the lifecycle (422 `import_step_refused`, `import_history_out_of_order`, `import_in_future`). Nothing is sent to the complainant (publishes `complaint.imported`, not `complaint.received`); a case imported closed is measured but never warned about or escalated. Audited.',
      problems: [422],
      body: ImportComplaint,
      response: { 201: ComplaintDetailWithSla },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await importComplaint(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.get('/api/complaints/settings/calendar', {
    config: { access: 'complaints:read' },
    schema: {
      tags: SETTINGS_TAGS,
      summary: 'The SLA calendar: work week, half-days, default hours, holiday table and its corrections',
      operationId: 'getComplaintSlaCalendar',
      description: 'Until saved (`saved: false`), the presets of the workspace\'s country.',
      response: { 200: SlaCalendarView },
    },
  }, async (req) => settings.getSlaCalendar(db, req.tenantId));

  app.put('/api/complaints/settings/calendar', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: SETTINGS_TAGS,
      summary: 'Save the SLA calendar',
      operationId: 'saveComplaintSlaCalendar',
      description: 'Periods in order, none overlapping (`overlapping_periods`) or backwards (`backward_period`); a known time zone (`unknown_time_zone`); overrides naming a holiday of the chosen table (422 `unknown_holiday`); no half-day on a weekend day. Applies to open cases at once (their clocks are recomputed). Audited.',
      problems: [422],
      body: SlaCalendarSettings,
      response: { 200: SlaCalendarView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await settings.saveSlaCalendar(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.get('/api/complaints/settings/holidays', {
    config: { access: 'complaints:read' },
    schema: {
      tags: SETTINGS_TAGS,
      summary: 'The holidays of a year under the SLA calendar',
      operationId: 'listComplaintSlaHolidays',
      description: 'Each occurrence of the chosen table with its dates, whether it is an Umm al-Qura estimate and whether an override replaced it; the extra closures; and every day off.',
      querystring: SlaHolidayQuery,
      response: { 200: SlaHolidayList },
    },
  }, async (req) => settings.slaHolidays(db, req.tenantId, req.query.year));

  app.get('/api/complaints/settings/sla-policies', {
    config: { access: 'complaints:read' },
    schema: { tags: SETTINGS_TAGS, summary: 'SLA policies', operationId: 'listComplaintSlaPolicies', description: 'The default first, then by category and severity. A fresh workspace has one default policy.', response: { 200: SlaPolicyList } },
  }, async (req) => settings.listSlaPolicies(db, req.tenantId));

  app.post('/api/complaints/settings/sla-policies', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: SETTINGS_TAGS,
      summary: 'Add an SLA policy for a category and/or severity',
      operationId: 'createComplaintSlaPolicy',
      description: 'Targets in business minutes, above 0. One policy per (category, severity): 409 `sla_policy_conflict`. Audited; open cases are recomputed.',
      problems: [409, 422],
      body: CreateSlaPolicy,
      response: { 201: SlaPolicyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await settings.createSlaPolicy(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/complaints/settings/sla-policies/:id', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: SETTINGS_TAGS,
      summary: 'Change or deactivate an SLA policy',
      operationId: 'updateComplaintSlaPolicy',
      description: 'Applies to open cases at once: their clocks are computed from their logs with the policy as it now stands. A deactivated policy measures nothing (no due dates, warnings, breaches or escalations). Audited.',
      problems: [409, 422],
      params: IdParams,
      body: UpdateSlaPolicy,
      response: { 200: SlaPolicyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await settings.updateSlaPolicy(tx, req.tenantId, req.actor!, req.params.id, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/complaints/settings/sla-policies/:id', {
    config: { access: 'complaints:manage' },
    schema: { tags: SETTINGS_TAGS, summary: 'Delete an SLA policy', operationId: 'deleteComplaintSlaPolicy', description: 'The default policy cannot be deleted (409 `default_sla_policy_required`); deactivate it instead. Audited.', problems: [409], params: IdParams, response: { 204: NoContent.describe('Deleted') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await settings.deleteSlaPolicy(tx, req.tenantId, req.actor!, req.params.id, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/complaints/settings/teams', {
    config: { access: 'complaints:read' },
    schema: { tags: SETTINGS_TAGS, summary: 'Complaint teams', operationId: 'listComplaintTeams', description: 'Each with its members (round-robin order) and its own hours, if any.', response: { 200: ComplaintTeamList } },
  }, async (req) => settings.listComplaintTeams(db, req.tenantId));

  app.post('/api/complaints/settings/teams', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: SETTINGS_TAGS,
      summary: 'Add a complaint team',
      operationId: 'createComplaintTeam',
      description: '`key` is what cases carry in `team` (409 `complaint_team_conflict` when taken). Members must be active members who work complaints (422 `invalid_team_member`); a new case of the team without an assignee goes to them in turn. Audited.',
      problems: [409, 422],
      body: CreateComplaintTeam,
      response: { 201: ComplaintTeamView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await settings.createComplaintTeam(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/complaints/settings/teams/:id', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: SETTINGS_TAGS,
      summary: "Change a team's name, members or hours",
      operationId: 'updateComplaintTeam',
      description: '`hours: null` returns the team to the workspace\'s default hours. Audited; open cases are recomputed.',
      problems: [422],
      params: IdParams,
      body: UpdateComplaintTeam,
      response: { 200: ComplaintTeamView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await settings.updateComplaintTeam(tx, req.tenantId, req.actor!, req.params.id, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/complaints/settings/teams/:id', {
    config: { access: 'complaints:manage' },
    schema: { tags: SETTINGS_TAGS, summary: 'Delete a complaint team', operationId: 'deleteComplaintTeam', description: 'Cases keep their team label; they fall back to the default hours. Audited.', params: IdParams, response: { 204: NoContent.describe('Deleted') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await settings.deleteComplaintTeam(tx, req.tenantId, req.actor!, req.params.id, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });
}
