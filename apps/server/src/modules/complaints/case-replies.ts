import type { AddComplaintNote, ComplaintDetailView, ReplyToComplaint } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { complaintNotices } from './complaint-customer.schema.ts';
import { refreshCaseSla } from './complaint-sla.service.ts';
import * as repo from './complaint.repo.ts';
import { getComplaint, staffActor } from './complaint.service.ts';

// What staff write on a case besides its steps: a reply to the complainant, and an internal note.
// A reply is the case's response in the log (the first one meets the first-response target) and
// goes to the customer in their channel through the notice worker, with the text in the e-mail
// and the tracking page, where the SMS links. A note stays inside: never sent, never shown to
// the customer, and no response for the SLA.

async function lockedCase(tx: Executor, tenantId: string, id: string): Promise<repo.CaseRow> {
  const row = await repo.findCase(tx, tenantId, id, { lock: true });
  if (!row) throw notFound();
  return row;
}

export async function replyToComplaint(tx: Executor, tenantId: string, actor: Actor, id: string, input: ReplyToComplaint, now = new Date()): Promise<ComplaintDetailView> {
  const by = staffActor(actor);
  const row = await lockedCase(tx, tenantId, id);
  // A closed case is reopened first (a step with its own reason); a reply to it would be an answer nobody tracks.
  if (row.state === 'closed') throw new Problem(409, 'closed_case', { action: 'reply', state: 'closed' });
  const logId = await repo.appendEvent(tx, {
    tenantId, caseId: row.id, at: now, kind: 'response', action: 'reply', fromState: null, toState: null, note: input.text,
    actorType: by.type, actorId: by.id, details: {},
  });
  await tx.insert(complaintNotices).values({ tenantId, caseId: row.id, sourceEventId: logId, kind: 'reply' });
  await publishEvents(tx, tenantId, [{ topic: 'complaint.replied', payload: { caseId: row.id, customerId: row.customerId, actorType: by.type, occurredAt: now.toISOString() } }]);
  await repo.updateCase(tx, tenantId, row.id, {}, now);
  await refreshCaseSla(tx, tenantId, row.id, now);
  return getComplaint(tx, tenantId, actor, row.id);
}

export async function addComplaintNote(tx: Executor, tenantId: string, actor: Actor, id: string, input: AddComplaintNote, now = new Date()): Promise<ComplaintDetailView> {
  const by = staffActor(actor);
  // Notes are allowed on a closed case: what was learnt later belongs on its record too.
  const row = await lockedCase(tx, tenantId, id);
  await repo.appendEvent(tx, {
    tenantId, caseId: row.id, at: now, kind: 'note', action: 'note', fromState: null, toState: null, note: input.text,
    actorType: by.type, actorId: by.id, details: {},
  });
  await repo.updateCase(tx, tenantId, row.id, {}, now);
  return getComplaint(tx, tenantId, actor, row.id);
}
