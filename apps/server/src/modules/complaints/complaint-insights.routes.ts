import {
  ComplaintReportQuery, CreatePreventiveAction, CreateRootCause, HandlingTimeReport, IdParams, PreventiveActionPage, PreventiveActionQuery,
  PreventiveActionView, RecurrenceAlertPage, RecurrenceAlertQuery, RecurrenceAlertView, RecurrenceSettings, ReopenReport, RootCauseList,
  RootCauseParams, RootCauseQuery, RootCauseReport, RootCauseReportQuery, RootCauseView, SatisfactionReport, SlaReport, UpdatePreventiveAction,
  UpdateRecurrenceAlert, UpdateRootCause, VolumeReport, NoContent,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { handlingTimeReport, reopenReport, rootCauseReport, satisfactionReport, slaReport, volumeReport } from './complaint-report.service.ts';
import { createPreventiveAction, deletePreventiveAction, getPreventiveAction, listPreventiveActions, updatePreventiveAction } from './preventive-action.service.ts';
import { listRecurrenceAlerts, recurrenceSettings, saveRecurrenceSettings, updateRecurrenceAlert } from './recurrence.ts';
import { createRootCause, listRootCauses, updateRootCause } from './root-cause.ts';

const PERIOD_HELP = '`from` and `to` are whole days (inclusive) in the workspace time zone; `granularity` day, week or month (weeks start on `weekStart`, by default the workspace calendar\'s); filters `team`, `category`, `channel`. At most 732 days (422 `report_period_too_long`).';

export function registerComplaintInsightRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  // Root-cause taxonomy
  app.get('/api/complaints/root-causes', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'The workspace\'s root-cause taxonomy',
      description: 'Causes and sub-causes with their SERVQUAL dimension and fa/ar/en labels. A workspace that never changed it sees the built-in defaults (`builtIn: true`). `includeArchived=true` lists archived causes too.',
      querystring: RootCauseQuery, response: { 200: RootCauseList },
    },
  }, async (req) => listRootCauses(db, req.tenantId, req.query.includeArchived ?? false));

  app.post('/api/complaints/root-causes', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Add a root cause or a sub-cause',
      description: 'A sub-cause names a top-level `parentCode` and takes its dimension unless given. 409 `root_cause_exists` for a code in use (archived ones included). Audited.',
      problems: [409, 422], body: CreateRootCause, response: { 201: RootCauseView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createRootCause(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/complaints/root-causes/:code', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Rename, re-map, reorder, archive or restore a root cause', operationId: 'updateRootCause',
      description: 'Archived causes stay on the cases closed with them and in reports; closing a case with one is refused (422 `root_cause_archived`). Codes never change. Audited.',
      problems: [422], params: RootCauseParams, body: UpdateRootCause, response: { 200: RootCauseView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateRootCause(tx, req.tenantId, req.actor!, req.params.code, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  // Preventive actions
  app.get('/api/complaints/preventive-actions', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Preventive actions, earliest due first',
      description: 'Filters: `status`, `owner` (`me` or an account id), `overdue` (open or in progress and past its due day in the workspace time zone), `rootCause`. Pass `nextCursor` back as `cursor`.',
      querystring: PreventiveActionQuery, response: { 200: PreventiveActionPage },
    },
  }, async (req) => listPreventiveActions(db, req.tenantId, req.actor!, req.query));

  app.get('/api/complaints/preventive-actions/:id', {
    config: { access: 'complaints:read' },
    schema: { tags: ['complaints'], summary: 'One preventive action', params: IdParams, response: { 200: PreventiveActionView } },
  }, async (req) => getPreventiveAction(db, req.tenantId, req.params.id));

  app.post('/api/complaints/preventive-actions', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Plan a preventive action',
      description: 'An owner (an active member), a due day and what it answers: a root cause, a category and product, cases, or a recurring-problem alert (`alertId` links the alert). Audited.',
      problems: [422], body: CreatePreventiveAction, response: { 201: PreventiveActionView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createPreventiveAction(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/complaints/preventive-actions/:id', {
    config: { access: 'complaints:work' },
    schema: {
      tags: ['complaints'], summary: 'Change a preventive action or move it along', operationId: 'updatePreventiveAction',
      description: 'Managers change anything; its owner (an agent) only its `status` (403 `preventive_action_not_owner` otherwise). `caseIds` replaces the linked cases. Audited.',
      problems: [422], params: IdParams, body: UpdatePreventiveAction, response: { 200: PreventiveActionView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updatePreventiveAction(tx, req.tenantId, req.actor!, req.params.id, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/complaints/preventive-actions/:id', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Delete a preventive action', operationId: 'deletePreventiveAction',
      description: 'Its case links go with it; alerts it answered are unlinked. Audited. Prefer `status: cancelled` to keep the record.', params: IdParams,
      response: { 204: NoContent.describe('Deleted') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await deletePreventiveAction(tx, req.tenantId, req.actor!, req.params.id, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  // Recurring-problem detection
  app.get('/api/complaints/recurrence-settings', {
    config: { access: 'complaints:read' },
    schema: { tags: ['complaints'], summary: 'When a recurring problem raises an alert', response: { 200: RecurrenceSettings } },
  }, async (req) => recurrenceSettings(db, req.tenantId));

  app.put('/api/complaints/recurrence-settings', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Set the recurring-problem threshold and window', operationId: 'saveRecurrenceSettings',
      description: 'At least `threshold` cases of one category and product received within `windowDays` raise one alert per window. Audited.',
      body: RecurrenceSettings, response: { 200: RecurrenceSettings },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await saveRecurrenceSettings(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.get('/api/complaints/recurrence-alerts', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Recurring-problem alerts, newest first',
      description: 'Raised by the `complaints.detect-recurrences` job (every 15 minutes), which also publishes `complaint.recurrence_detected`. Filter by `status`.',
      querystring: RecurrenceAlertQuery, response: { 200: RecurrenceAlertPage },
    },
  }, async (req) => listRecurrenceAlerts(db, req.tenantId, req.query));

  app.patch('/api/complaints/recurrence-alerts/:id', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Acknowledge or dismiss an alert, or link it to a preventive action', operationId: 'updateRecurrenceAlert',
      problems: [422], params: IdParams, body: UpdateRecurrenceAlert, response: { 200: RecurrenceAlertView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateRecurrenceAlert(tx, req.tenantId, req.actor!, req.params.id, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  // Reports (ISO 10002 clause 8)
  app.get('/api/complaints/reports/volume', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Complaints received and closed per period', operationId: 'complaintVolumeReport',
      description: `Received by the day received; closed by the day first closed. ${PERIOD_HELP}`,
      problems: [422], querystring: ComplaintReportQuery, response: { 200: VolumeReport },
    },
  }, async (req) => volumeReport(db, req.tenantId, req.query));

  app.get('/api/complaints/reports/reopen-rate', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Reopen rate per period', operationId: 'complaintReopenReport',
      description: `Of the cases first closed in each bucket, how many were reopened at least once (a rejected resolution or a reopening after closure). ${PERIOD_HELP}`,
      problems: [422], querystring: ComplaintReportQuery, response: { 200: ReopenReport },
    },
  }, async (req) => reopenReport(db, req.tenantId, req.query));

  app.get('/api/complaints/reports/handling-times', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Time to acknowledge and to resolve (median, p90)', operationId: 'complaintHandlingTimeReport',
      description: `Wall-clock minutes from receipt to the first acknowledgement (by its day) and to the first closure (by its day). Counts are exact; the median and 90th percentile are estimated from a log-scale histogram, within 2.2 % of the exact value (under a second counts as 0). ${PERIOD_HELP}`,
      problems: [422], querystring: ComplaintReportQuery, response: { 200: HandlingTimeReport },
    },
  }, async (req) => handlingTimeReport(db, req.tenantId, req.query));

  app.get('/api/complaints/reports/sla', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'SLA compliance per target', operationId: 'complaintSlaReport',
      description: `Cases first closed in the period that an SLA policy measured; per target, the share met. ${PERIOD_HELP}`,
      problems: [422], querystring: ComplaintReportQuery, response: { 200: SlaReport },
    },
  }, async (req) => slaReport(db, req.tenantId, req.query));

  app.get('/api/complaints/reports/satisfaction', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Complainant satisfaction after closure', operationId: 'complaintSatisfactionReport',
      description: `Post-closure CSAT answers given in the period: count, average score and the share not negative. ${PERIOD_HELP}`,
      problems: [422], querystring: ComplaintReportQuery, response: { 200: SatisfactionReport },
    },
  }, async (req) => satisfactionReport(db, req.tenantId, req.query));

  app.get('/api/complaints/reports/root-causes', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Pareto of root causes', operationId: 'complaintRootCauseReport',
      description: `Cases first closed in the period by the root cause of their last closure, largest first, with share, cumulative share and SERVQUAL dimension; level=sub_cause keeps sub-causes apart. ${PERIOD_HELP}`,
      problems: [422], querystring: RootCauseReportQuery, response: { 200: RootCauseReport },
    },
  }, async (req) => rootCauseReport(db, req.tenantId, req.query));
}
