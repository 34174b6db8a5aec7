// Merging a duplicate complaint into the case that carries on. The duplicate is closed as merged
// (a supervisor's decision, like every early closure): no root cause of its own, the survivor's
// answers for both. Its messages and attachments stay where they are and are read through the
// survivor; its tracking code and its mail threads lead to the survivor.
import type { ComplaintDetailView, ComplaintThreadView, MergeComplaint } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { updateTouchpointData } from '../interactions/index.ts';
import { recordAudit } from '../workspace/index.ts';
import { presentAttachment } from './attachments.service.ts';
import { caseActorForRole } from './case-lifecycle.ts';
import { getComplaint } from './complaint.service.ts';
import * as repo from './complaint.repo.ts';
import * as intake from './complaint-intake.repo.ts';
import { refreshCaseSla } from './complaint-sla.service.ts';

export async function mergeComplaint(
  tx: Executor, tenantId: string, actor: Actor, sourceId: string, input: MergeComplaint, ip: string, now = new Date(),
): Promise<ComplaintDetailView> {
  if (caseActorForRole(actor.role) !== 'supervisor') throw new Problem(403, 'role_not_permitted', { action: 'merge', state: '' });
  if (sourceId === input.into) throw invalidField('into', 'merge_into_itself');
  // Both rows locked, in id order, so two merges crossing each other wait instead of deadlocking.
  const locked = new Map<string, repo.CaseRow>();
  for (const id of [sourceId, input.into].sort()) {
    const row = await repo.findCase(tx, tenantId, id, { lock: true });
    if (row) locked.set(id, row);
  }
  const source = locked.get(sourceId);
  const target = locked.get(input.into);
  if (!source) throw notFound();
  // Another workspace's case is not there at all, as any unknown id.
  if (!target) throw invalidField('into', 'unknown_complaint');
  if (await intake.mergeOf(tx, tenantId, source.id)) throw new Problem(409, 'complaint_already_merged');
  if (await intake.mergeOf(tx, tenantId, target.id)) throw invalidField('into', 'complaint_already_merged');
  if (source.state === 'closed') throw new Problem(409, 'closed_case', { action: 'merge', state: 'closed' });
  if (target.state === 'closed') throw new Problem(409, 'merge_target_closed');

  const by = { actorType: 'supervisor', actorId: `${actor.kind}:${actor.id}` };
  await intake.insertMerge(tx, { tenantId, caseId: source.id, intoCaseId: target.id, mergedAt: now, mergedBy: by.actorId });
  await repo.updateCase(tx, tenantId, source.id, { state: 'closed', closedAt: now }, now);
  await repo.updateCase(tx, tenantId, target.id, {}, now);
  await repo.appendEvents(tx, [
    {
      tenantId, caseId: source.id, at: now, kind: 'transition', action: 'close', fromState: source.state, toState: 'closed', note: input.note ?? null, ...by,
      details: { mergedInto: target.id, mergedIntoCode: target.trackingCode },
    },
    {
      tenantId, caseId: target.id, at: now, kind: 'note', action: 'merge', fromState: null, toState: null, note: input.note ?? null, ...by,
      details: { mergedFrom: source.id, mergedFromCode: source.trackingCode },
    },
  ]);
  await publishEvents(tx, tenantId, [
    { topic: 'complaint.merged', payload: { caseId: source.id, intoCaseId: target.id, customerId: source.customerId, occurredAt: now.toISOString() } },
    {
      topic: 'complaint.state_changed',
      payload: { caseId: source.id, customerId: source.customerId, action: 'merge', from: source.state, to: 'closed', actorType: 'supervisor', occurredAt: now.toISOString() },
    },
  ]);
  if (source.customerId) await updateTouchpointData(tx, tenantId, [{ externalId: `complaint:${source.id}`, patch: { state: 'closed', mergedInto: target.id } }]);
  // The duplicate's clock stops with it (the SLA index the scans read is kept by the same transaction).
  await refreshCaseSla(tx, tenantId, source.id, now);
  await recordAudit(tx, tenantId, actor, { action: 'complaints.merged', targetType: 'complaint', targetId: source.id, ip, details: { into: target.id } });
  return getComplaint(tx, tenantId, actor, target.id);
}

/** The case's e-mail and SMS messages and attachments, with those of every case merged into it. */
export async function complaintThread(db: Executor, tenantId: string, caseId: string): Promise<ComplaintThreadView> {
  const row = await repo.findCase(db, tenantId, caseId);
  if (!row) throw notFound();
  const merged = await intake.mergedInto(db, tenantId, caseId);
  const ids = [caseId, ...merged.map((m) => m.id)];
  const [messages, attachments, into] = await Promise.all([
    intake.messagesOf(db, tenantId, ids), intake.attachmentsOf(db, tenantId, ids), intake.mergeOf(db, tenantId, caseId),
  ]);
  return {
    caseId,
    merged: merged.map((m) => ({ id: m.id, trackingCode: m.trackingCode, mergedAt: m.mergedAt.toISOString() })),
    mergedInto: into?.intoCaseId ?? null,
    messages: messages.map((m) => ({
      id: m.id, caseId: m.caseId, channel: m.channel as 'email' | 'sms', direction: m.direction as 'inbound' | 'outbound', from: m.fromAddress, to: m.toAddress,
      subject: m.subject, text: m.bodyText, at: m.at.toISOString(), eventId: m.eventId,
    })),
    attachments: attachments.map(presentAttachment),
  };
}

/** The ids whose attachments a case shows: its own and its merged cases'. */
export async function visibleCaseIds(db: Executor, tenantId: string, caseId: string): Promise<string[]> {
  return [caseId, ...(await intake.mergedInto(db, tenantId, caseId)).map((m) => m.id)];
}
