import type {
  AcceptCaseResolution, AddCaseFiles, AddCaseInformation, CaseAccess, CustomerCaseAction, CustomerCaseView, Locale, RejectCaseResolution,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import type { Secrets } from '../../platform/messaging/sealed.ts';
import { findWorkspaceBySlug } from '../workspace/index.ts';
import { contactSatisfaction, type ContactSatisfaction } from './case-csat-contact.ts';
import { caseLinkTokenMatches } from './case-link.ts';
import { caseStatusWords } from './case-status.words.ts';
import { complaintSettingsOf, recourseText } from './complaint-settings.ts';
import { attachmentsOf, survivingCaseId } from './complaint-intake.repo.ts';
import { storeAttachments, type IncomingFile } from './attachments.service.ts';
import * as repo from './complaint.repo.ts';
import { applyStep, statusOf, verifies, type LogActor } from './complaint.service.ts';
import type { ComplaintState } from './sla-clock.ts';
import { formatTrackingCodeFor, parseTrackingCode, type TrackingCode } from './tracking-code.ts';

// The customer's side of a case on the public tracking page: see it, add to it, accept or reject
// the resolution. Every request proves the case is the customer's exactly as tracking does (the
// code and the phone's last digits or the e-mail), or with the notice link's signed token; a miss
// of any kind is the same 404 and nothing is shown or changed.

const CUSTOMER: LogActor = { type: 'customer', id: null };

export interface VerifiedCase {
  tenantId: string;
  row: repo.CaseRow;
}

const missing = () => new Problem(404, 'complaint_not_found');

/** The case the request proves it may see (locked for a write), or the one 404 for every miss. */
export async function verifyCustomerCase(db: Executor, secrets: Secrets, input: CaseAccess, options: { lock?: boolean } = {}): Promise<VerifiedCase> {
  const parsed = parseTrackingCode(input.code);
  if (!parsed.ok) throw invalidField('code', 'invalid_tracking_code');
  const workspace = await findWorkspaceBySlug(db, input.workspace);
  if (!workspace) throw missing();
  const found = await repo.findCaseByCode(db, workspace.id, parsed.code);
  if (!found) throw missing();
  let proven = false;
  if (input.token) proven = caseLinkTokenMatches(secrets, workspace.id, found.id, input.token);
  if (!proven && input.verification) {
    let contact = { phone: found.contactPhone, email: found.contactEmail };
    if (!contact.phone && !contact.email && found.customerId) contact = (await repo.customerContact(db, workspace.id, found.customerId)) ?? contact;
    proven = verifies(input.verification, contact, workspace.defaultCountry);
  }
  if (!proven) throw missing();
  // A case merged into another leads there (as tracking does): the customer acts on the case that carries on.
  const caseId = await survivingCaseId(db, workspace.id, found.id);
  const row = options.lock || caseId !== found.id ? await repo.findCase(db, workspace.id, caseId, { lock: options.lock ?? false }) : found;
  if (!row) throw missing();
  return { tenantId: workspace.id, row };
}

function customerActions(state: ComplaintState, satisfaction: ContactSatisfaction | null): CustomerCaseAction[] {
  if (state === 'closed') return satisfaction && satisfaction.score === null ? ['answer_satisfaction'] : [];
  return state === 'resolution_communicated' ? ['add_information', 'accept_resolution', 'reject_resolution'] : ['add_information'];
}

/** The case as its customer sees it: status and steps in plain words, their own messages, what they can do. */
export async function customerCaseView(db: Executor, tenantId: string, row: repo.CaseRow, language: Locale): Promise<CustomerCaseView> {
  const state = row.state as ComplaintState;
  const events = await repo.eventsOf(db, tenantId, row.id);
  // The names of the files the customer sent, by the message they came with (the content stays with staff).
  const filesByEvent = new Map<number, string[]>();
  for (const a of await attachmentsOf(db, tenantId, [row.id])) {
    if (a.source === 'customer' && a.eventId !== null) filesByEvent.set(a.eventId, [...(filesByEvent.get(a.eventId) ?? []), a.fileName]);
  }
  const history: CustomerCaseView['history'] = [];
  for (const e of events) {
    const files = filesByEvent.get(e.id);
    if (e.kind === 'transition' && e.toState) history.push({ at: e.at.toISOString(), kind: 'status', text: caseStatusWords(e.toState as ComplaintState, language).title });
    else if (e.kind === 'customer_message' && e.actorType === 'customer' && (e.note || files)) {
      history.push({ at: e.at.toISOString(), kind: 'your_message', text: e.note ?? '', ...(files ? { files } : {}) });
    }
    // Staff replies as written; internal notes and imported responses never reach the customer.
    else if (e.kind === 'response' && e.action === 'reply' && e.note) history.push({ at: e.at.toISOString(), kind: 'our_reply', text: e.note });
  }
  const lastTransition = [...events].reverse().find((e) => e.kind === 'transition');
  const rejected = state === 'reopened' && lastTransition?.action === 'customer_rejects';
  const { settings } = await complaintSettingsOf(db, tenantId);
  const satisfaction = await contactSatisfaction(db, tenantId, row);
  return {
    trackingCode: row.trackingCode,
    trackingCodeDisplay: formatTrackingCodeFor(row.trackingCode as TrackingCode, language),
    status: statusOf(state, language),
    receivedAt: row.receivedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    resolutionSummary: state === 'resolution_communicated' || state === 'closed' ? row.resolutionSummary : null,
    actions: customerActions(state, satisfaction),
    recourse: state === 'resolution_communicated' || rejected ? recourseText(settings, language) : null,
    history,
    satisfaction: satisfaction && { points: satisfaction.points, score: satisfaction.score },
  };
}

export async function viewCustomerCase(db: Executor, secrets: Secrets, input: CaseAccess, locale: Locale): Promise<CustomerCaseView> {
  const { tenantId, row } = await verifyCustomerCase(db, secrets, input);
  return customerCaseView(db, tenantId, row, input.language ?? locale);
}

/**
 * Records a message from the customer on a verified, locked case (`details` carries what came with
 * it, such as attachment ids); a case waiting for the customer resumes where it was. Publishes
 * `complaint.customer_message`. A closed case takes no more: 409 closed_case.
 */
export async function recordCustomerMessage(
  tx: Executor, verified: VerifiedCase, message: string | null, now: Date, details: Record<string, unknown> = {},
): Promise<repo.CaseRow & { messageEventId: number }> {
  const { tenantId, row } = verified;
  if (row.state === 'closed') throw new Problem(409, 'closed_case', { action: 'add_information', state: 'closed' });
  const messageEventId = await repo.appendEvent(tx, {
    tenantId, caseId: row.id, at: now, kind: 'customer_message', action: null, fromState: null, toState: null, note: message,
    actorType: 'customer', actorId: null, details: { via: 'tracking_page', ...details },
  });
  await publishEvents(tx, tenantId, [{ topic: 'complaint.customer_message', payload: { caseId: row.id, customerId: row.customerId, occurredAt: now.toISOString() } }]);
  if (row.state === 'waiting_for_customer') await applyStep(tx, tenantId, row, CUSTOMER, { action: 'customer_replied' }, now);
  else await repo.updateCase(tx, tenantId, row.id, {}, now);
  return { ...(await repo.findCase(tx, tenantId, row.id))!, messageEventId };
}

/**
 * The customer sends files (photos of a receipt, a PDF), with or without a message: one message
 * on the case carrying them, the files checked by content and stored in the same transaction, so a
 * refused file (or too many on the case) stores nothing, not even the message.
 */
export async function addCaseFiles(tx: Executor, secrets: Secrets, input: AddCaseFiles, files: IncomingFile[], locale: Locale, now = new Date()): Promise<CustomerCaseView> {
  const verified = await verifyCustomerCase(tx, secrets, input, { lock: true });
  const row = await recordCustomerMessage(tx, verified, input.message ?? null, now, { attachments: files.length });
  await storeAttachments(tx, verified.tenantId, row.id, files, { source: 'customer', eventId: row.messageEventId, createdBy: null });
  return customerCaseView(tx, verified.tenantId, row, input.language ?? locale);
}

export async function addCaseInformation(tx: Executor, secrets: Secrets, input: AddCaseInformation, locale: Locale, now = new Date()): Promise<CustomerCaseView> {
  const verified = await verifyCustomerCase(tx, secrets, input, { lock: true });
  const row = await recordCustomerMessage(tx, verified, input.message, now);
  return customerCaseView(tx, verified.tenantId, row, input.language ?? locale);
}

/** ISO 10002 "record acceptance": the customer's own transition closes the case. 409 unless a resolution awaits their answer. */
export async function acceptCaseResolution(tx: Executor, secrets: Secrets, input: AcceptCaseResolution, locale: Locale, now = new Date()): Promise<CustomerCaseView> {
  const { tenantId, row } = await verifyCustomerCase(tx, secrets, input, { lock: true });
  await applyStep(tx, tenantId, row, CUSTOMER, { action: 'customer_accepts', note: input.note ?? null }, now);
  return customerCaseView(tx, tenantId, (await repo.findCase(tx, tenantId, row.id))!, input.language ?? locale);
}

/** The customer rejects the resolution: the case reopens with their reason logged, and the answer names their recourse. */
export async function rejectCaseResolution(tx: Executor, secrets: Secrets, input: RejectCaseResolution, locale: Locale, now = new Date()): Promise<CustomerCaseView> {
  const { tenantId, row } = await verifyCustomerCase(tx, secrets, input, { lock: true });
  await applyStep(tx, tenantId, row, CUSTOMER, { action: 'customer_rejects', note: input.reason }, now);
  return customerCaseView(tx, tenantId, (await repo.findCase(tx, tenantId, row.id))!, input.language ?? locale);
}
