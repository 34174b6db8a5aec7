// A historical case recorded with its own timestamps (from another system, from paper): the log
// holds what happened when it happened, so the SLA clock measures it like any other case. Nothing
// is sent to the complainant and nothing is warned about or escalated for a case imported closed.
import { randomUUID } from 'node:crypto';
import type { ComplaintDetailWithSla, ImportComplaint } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { roleAllows, type Actor, type Role } from '../../platform/http/access.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import { normalisePhone } from '../customers/index.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { casePositionFromLog, caseActorForRole, nextState, type CaseActor } from './case-lifecycle.ts';
import * as caseRepo from './complaint.repo.ts';
import { getComplaint } from './complaint.service.ts';
import { caseSla, clockLog, refreshCaseSla } from './complaint-sla.service.ts';
import { checkRootCauseForStep } from './root-cause.ts';
import type { ComplaintState } from './sla-clock.ts';
import { issueTrackingCode } from './tracking-code.ts';

/** Steps only the complainant takes are logged as theirs; the rest as the importer's. */
const CUSTOMER_ACTIONS = new Set(['customer_accepts', 'customer_rejects', 'customer_replied']);

const stepError = (i: number, code: string, params: Record<string, string> = {}) => new Problem(422, code, params, [{ field: `history.${i}`, code, message: code }]);

export async function importComplaint(tx: Executor, tenantId: string, actor: Actor, input: ImportComplaint, ip: string, now = new Date()): Promise<ComplaintDetailWithSla> {
  const importer = caseActorForRole(actor.role);
  if (!importer) throw new Problem(403, 'forbidden');
  const staff: { type: CaseActor; id: string } = { type: importer, id: `${actor.kind}:${actor.id}` };
  const receivedAt = new Date(input.receivedAt);
  if (receivedAt > now) throw invalidField('receivedAt', 'import_in_future');
  if (input.customerId) {
    const customer = await caseRepo.customerState(tx, tenantId, input.customerId);
    if (!customer || customer.mergedInto || customer.erasedAt) throw invalidField('customerId', 'unknown_customer');
  }
  if (input.assigneeId) {
    const role = await caseRepo.memberRole(tx, tenantId, input.assigneeId);
    if (!role || !roleAllows(role as Role, 'complaints:work')) throw invalidField('assigneeId', 'invalid_complaint_assignee');
  }

  // Walk the history through the lifecycle as it happened, refusing what it would have refused.
  let state: ComplaintState = 'received';
  let rootCause: string | null = null;
  let resolutionSummary: string | null = null;
  let closedAt: Date | null = null;
  let previous = receivedAt;
  const log: { kind: 'transition' | 'response'; to?: ComplaintState; at: Date }[] = [{ kind: 'transition', to: 'received', at: receivedAt }];
  const rows: caseRepo.NewCaseEvent[] = [];
  const caseId = randomUUID();
  for (const [i, step] of input.history.entries()) {
    const at = new Date(step.at);
    if (at < previous) throw stepError(i, 'import_history_out_of_order');
    if (at > now) throw stepError(i, 'import_in_future');
    previous = at;
    if (step.kind === 'response') {
      log.push({ kind: 'response', at });
      rows.push({ tenantId, caseId, at, kind: 'response', action: null, fromState: null, toState: null, note: step.note ?? null, actorType: staff.type, actorId: staff.id, details: { imported: true } });
      continue;
    }
    const by = CUSTOMER_ACTIONS.has(step.action) ? { type: 'customer' as const, id: null } : staff;
    if (step.rootCause) rootCause = step.rootCause;
    if (step.resolutionSummary) resolutionSummary = step.resolutionSummary;
    const position = casePositionFromLog(clockLog(log.map((e) => ({ kind: e.kind, toState: e.to ?? null, at: e.at }) as caseRepo.CaseEventRow)));
    const outcome = nextState(state, step.action, { ...position, actor: by.type === 'customer' ? 'customer' : 'supervisor', rootCause, resolutionSummary });
    if (!outcome.ok) throw stepError(i, outcome.code === 'root_cause_required' || outcome.code === 'resolution_summary_required' ? outcome.code : 'import_step_refused', { action: step.action, state });
    await checkRootCauseForStep(tx, tenantId, { given: step.rootCause, effective: rootCause, closingByStaff: outcome.to === 'closed' && by.type !== 'customer' });
    if (outcome.to === 'reopened') [rootCause, resolutionSummary] = [null, null];
    closedAt = outcome.to === 'closed' ? at : outcome.from === 'closed' ? null : closedAt;
    log.push({ kind: 'transition', to: outcome.to, at });
    rows.push({
      tenantId, caseId, at, kind: 'transition', action: step.action, fromState: outcome.from, toState: outcome.to, note: step.note ?? null,
      actorType: by.type, actorId: by.id,
      details: { imported: true, ...(step.rootCause ? { rootCause: step.rootCause } : {}), ...(step.resolutionSummary ? { resolutionSummary: step.resolutionSummary } : {}) },
    });
    state = outcome.to;
  }

  const settings = await workspaceSettings(tx, tenantId);
  const contactPhone = input.contactPhone ? normalisePhone(input.contactPhone, settings.defaultCountry, 'contactPhone') : null;
  await issueTrackingCode((trackingCode) => caseRepo.insertCaseUnlessCodeTaken(tx, {
    tenantId, id: caseId, trackingCode, customerId: input.customerId ?? null,
    contactName: input.contactName ?? null, contactPhone, contactEmail: input.contactEmail ?? null, language: input.language ?? null,
    channel: input.channel, category: input.category ?? null, product: input.product ?? null, severity: input.severity ?? 'medium',
    impact: input.impact ?? null, remedySought: input.remedySought ?? null, description: input.description,
    assigneeId: input.assigneeId ?? null, team: input.team ?? null, state, rootCause, resolutionSummary, relatedResponseId: input.relatedResponseId ?? null,
    createdBy: staff.id, receivedAt, closedAt, createdAt: now, updatedAt: now,
  }));
  await caseRepo.appendEvents(tx, [
    { tenantId, caseId, at: receivedAt, kind: 'transition', action: 'receive', fromState: null, toState: 'received', note: null, actorType: staff.type, actorId: staff.id, details: { channel: input.channel, imported: true } },
    ...rows,
  ]);
  // Not complaint.received: that would tell the complainant about a case that may be long closed.
  await publishEvents(tx, tenantId, [{ topic: 'complaint.imported', payload: { caseId, customerId: input.customerId ?? null, state, receivedAt: receivedAt.toISOString(), occurredAt: now.toISOString() } }]);
  await recordAudit(tx, tenantId, actor, { action: 'complaint.imported', targetType: 'complaint_case', targetId: caseId, ip, details: { state, steps: input.history.length } });
  await refreshCaseSla(tx, tenantId, caseId, now);
  return { ...await getComplaint(tx, tenantId, actor, caseId), sla: await caseSla(tx, tenantId, caseId, now) };
}
