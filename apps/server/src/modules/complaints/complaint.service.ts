import { randomUUID } from 'node:crypto';
import type {
  AssignComplaint, ComplaintDetailView, ComplaintEventView, ComplaintPage, ComplaintQuery, ComplaintReceipt, ComplaintTrackingView, ComplaintView,
  FileComplaint, Locale, OpenComplaint, TakeComplaintAction,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { roleAllows, type Actor, type Role } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import { normalisePhone } from '../customers/index.ts';
import { recordTouchpoint, updateTouchpointData } from '../interactions/index.ts';
import { findWorkspaceBySlug, recordAudit, workspaceSettings } from '../workspace/index.ts';
import { allowedActions, casePositionFromLog, caseActorForRole, nextState, type CaseAction, type CaseActor, type LifecycleOutcome } from './case-lifecycle.ts';
import { caseStatusWords } from './case-status.words.ts';
import * as repo from './complaint.repo.ts';
import { parseCaseSearch } from './case-search.ts';
import { refreshCaseSla, roundRobinAssignee } from './complaint-sla.service.ts';
import { survivingCaseId } from './complaint-intake.repo.ts';
import { checkRootCauseForStep } from './root-cause.ts';
import type { CaseLogEntry, ComplaintState } from './sla-clock.ts';
import { formatTrackingCodeFor, issueTrackingCode, parseTrackingCode, type TrackingCode } from './tracking-code.ts';
import { prepareFiling, recordFilings } from './public-filing.ts';

/** Who writes a log line: the lifecycle's actor and, for staff, `user:<id>` or `api_key:<id>`. */
export interface LogActor {
  type: CaseActor;
  id: string | null;
}

/** The lifecycle actor of a signed-in member or key; analysts (and any role without one) take no action. */
export function staffActor(actor: Actor): LogActor {
  const type = caseActorForRole(actor.role);
  if (!type) throw new Problem(403, 'forbidden');
  return { type, id: `${actor.kind}:${actor.id}` };
}

/** Where a complaint channel sits on the customer's timeline. */
const TIMELINE_CHANNEL: Record<OpenComplaint['channel'], string> = {
  web: 'web', widget: 'web', email: 'email', sms: 'sms', api: 'other', phone: 'phone', chat: 'live_chat', social: 'other', in_person: 'store',
};
const timelineId = (caseId: string) => `complaint:${caseId}`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentCase(row: repo.CaseRow): ComplaintView {
  return {
    id: row.id,
    trackingCode: row.trackingCode,
    customerId: row.customerId,
    contact: { name: row.contactName, phone: row.contactPhone, email: row.contactEmail },
    language: row.language as ComplaintView['language'],
    channel: row.channel as ComplaintView['channel'],
    category: row.category,
    product: row.product,
    severity: row.severity as ComplaintView['severity'],
    impact: row.impact,
    remedySought: row.remedySought,
    description: row.description,
    assigneeId: row.assigneeId,
    team: row.team,
    state: row.state as ComplaintState,
    rootCause: row.rootCause,
    resolutionSummary: row.resolutionSummary,
    relatedResponseId: row.relatedResponseId,
    receivedAt: row.receivedAt.toISOString(),
    closedAt: iso(row.closedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const presentEvent = (e: repo.CaseEventRow): ComplaintEventView => ({
  id: e.id,
  at: e.at.toISOString(),
  kind: e.kind as ComplaintEventView['kind'],
  action: e.action,
  fromState: e.fromState as ComplaintState | null,
  toState: e.toState as ComplaintState | null,
  note: e.note,
  actorType: e.actorType as ComplaintEventView['actorType'],
  actorId: e.actorId,
  details: e.details as Record<string, unknown>,
});

/** The log as the pure lifecycle and SLA clock read it. */
export function caseLog(events: repo.CaseEventRow[]): CaseLogEntry[] {
  return events.flatMap((e): CaseLogEntry[] => {
    if (e.kind === 'transition' && e.toState) return [{ kind: 'transition', to: e.toState as ComplaintState, at: e.at }];
    if (e.kind === 'response') return [{ kind: 'response', at: e.at }];
    return [];
  });
}

export async function getComplaint(db: Executor, tenantId: string, actor: Actor, id: string): Promise<ComplaintDetailView> {
  const row = await repo.findCase(db, tenantId, id);
  if (!row) throw notFound();
  const events = await repo.eventsOf(db, tenantId, id);
  const position = casePositionFromLog(caseLog(events));
  const lifecycleActor = caseActorForRole(actor.role);
  return {
    ...presentCase(row),
    events: events.map(presentEvent),
    allowedActions: lifecycleActor ? allowedActions(row.state as ComplaintState, lifecycleActor, position) : [],
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encodeCursor = (row: { receivedAt: Date; id: string }) => Buffer.from(`${row.receivedAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const [at, id, extra] = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  const receivedAt = new Date(at ?? '');
  if (extra !== undefined || !id || !UUID.test(id) || Number.isNaN(receivedAt.getTime()) || receivedAt.toISOString() !== at) throw new Problem(400, 'invalid_cursor');
  return { receivedAt, id };
}

/** A page of the queue: open cases oldest first unless the query says otherwise. */
export async function listComplaints(db: Executor, tenantId: string, actor: Actor, query: ComplaintQuery): Promise<ComplaintPage> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await repo.listCases(db, tenantId, {
    state: query.state === 'all' ? undefined : query.state,
    assigneeId: query.assignee === undefined ? undefined : query.assignee === 'unassigned' ? null : query.assignee === 'me' ? actor.id : query.assignee,
    team: query.team, severity: query.severity, category: query.category, channel: query.channel, search: parseCaseSearch(query.q),
    after, limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map(presentCase), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** Someone who can work complaints, or a 422 naming the field. */
async function requireAssignee(db: Executor, tenantId: string, accountId: string): Promise<string> {
  const role = await repo.memberRole(db, tenantId, accountId);
  if (!role || !roleAllows(role as Role, 'complaints:work')) throw invalidField('assigneeId', 'invalid_complaint_assignee');
  return accountId;
}

export interface CaseToOpen {
  channel: OpenComplaint['channel'];
  customerId?: string | undefined;
  contactName?: string | undefined;
  contactPhone?: string | undefined;
  contactEmail?: string | undefined;
  language?: Locale | undefined;
  category?: string | undefined;
  product?: string | undefined;
  severity?: OpenComplaint['severity'];
  impact?: string | undefined;
  remedySought?: string | undefined;
  description: string;
  assigneeId?: string | undefined;
  team?: string | undefined;
  relatedResponseId?: string | undefined;
}

/**
 * Records a received complaint in the caller's transaction: the case with a fresh tracking code,
 * its first log line, `complaint.received`, and the customer's timeline when it names one.
 */
export async function receiveComplaint(tx: Executor, tenantId: string, by: LogActor, createdBy: string, input: CaseToOpen, now: Date): Promise<repo.CaseRow> {
  let customerName: string | null = null;
  if (input.customerId) {
    const customer = await repo.customerState(tx, tenantId, input.customerId);
    if (!customer) throw invalidField('customerId', 'unknown_customer');
    if (customer.mergedInto) throw new Problem(422, 'customer_merged', {}, [{ field: 'customerId', code: 'customer_merged', message: 'customer_merged' }]);
    if (customer.erasedAt) throw new Problem(422, 'customer_erased', {}, [{ field: 'customerId', code: 'customer_erased', message: 'customer_erased' }]);
    customerName = customer.name;
  }
  const settings = await workspaceSettings(tx, tenantId);
  const contactPhone = input.contactPhone ? normalisePhone(input.contactPhone, settings.defaultCountry, 'contactPhone') : null;
  // A case of a team with nobody named goes to the team's next member in turn.
  const assigneeId = input.assigneeId ? await requireAssignee(tx, tenantId, input.assigneeId) : await roundRobinAssignee(tx, tenantId, input.team);
  const id = randomUUID();
  const { stored: row } = await issueTrackingCode((trackingCode) => repo.insertCaseUnlessCodeTaken(tx, {
    tenantId, id, trackingCode, customerId: input.customerId ?? null,
    // A customer's case is named as the customer was when it came in, so the queue shows and its search
    // finds who complained (case-erasure.ts blanks it with the customer's other data).
    contactName: input.contactName ?? customerName, contactPhone, contactEmail: input.contactEmail ?? null, language: input.language ?? null,
    channel: input.channel, category: input.category ?? null, product: input.product ?? null, severity: input.severity ?? 'medium',
    impact: input.impact ?? null, remedySought: input.remedySought ?? null, description: input.description,
    assigneeId, team: input.team ?? null, state: 'received', relatedResponseId: input.relatedResponseId ?? null, createdBy,
    receivedAt: now, createdAt: now, updatedAt: now,
  }));
  await repo.appendEvents(tx, [{
    tenantId, caseId: id, at: now, kind: 'transition', action: 'receive', fromState: null, toState: 'received', note: null,
    actorType: by.type, actorId: by.id, details: { channel: input.channel, ...(assigneeId ? { assigneeId } : {}), ...(input.team ? { team: input.team } : {}) },
  }]);
  // Ids and codes only: subscribers that need the words read the case.
  await publishEvents(tx, tenantId, [{
    topic: 'complaint.received',
    payload: { caseId: id, customerId: row.customerId, channel: row.channel, severity: row.severity, assigneeId, relatedResponseId: row.relatedResponseId, occurredAt: now.toISOString() },
  }]);
  if (row.customerId) {
    // Complaining is the customer's own doing, so it counts as their activity.
    await recordTouchpoint(tx, tenantId, {
      customer: { id: row.customerId }, kind: 'complaint.received', channel: TIMELINE_CHANNEL[input.channel], stage: 'after-sale', occurredAt: now,
      externalId: timelineId(id), data: { caseId: id, channel: row.channel, severity: row.severity, state: 'received' },
    }, { source: 'complaints', publishEvents: false });
  }
  await refreshCaseSla(tx, tenantId, id, now);
  return row;
}

/** An agent (or an integration) records a complaint; it stays `received` until someone acknowledges it. */
export async function openComplaint(tx: Executor, tenantId: string, actor: Actor, input: OpenComplaint, now = new Date()): Promise<ComplaintDetailView> {
  const by = staffActor(actor);
  const row = await receiveComplaint(tx, tenantId, by, by.id!, input, now);
  return getComplaint(tx, tenantId, actor, row.id);
}

function refusal(outcome: Exclude<LifecycleOutcome, { ok: true }>): Problem {
  const params = { action: outcome.action, state: outcome.from };
  switch (outcome.code) {
    case 'closed_case':
    case 'illegal_transition':
      return new Problem(409, outcome.code, params);
    case 'role_not_permitted':
      return new Problem(403, 'role_not_permitted', params);
    case 'root_cause_required':
    case 'resolution_summary_required':
      return new Problem(422, outcome.code, params, outcome.missing.map((field) => {
        const code = field === 'rootCause' ? 'root_cause_required' : 'resolution_summary_required';
        return { field, code, message: code };
      }));
  }
}

export interface Step {
  action: CaseAction;
  note?: string | null | undefined;
  rootCause?: string | null | undefined;
  resolutionSummary?: string | null | undefined;
}

/**
 * Moves a locked case one step: asks the lifecycle, then writes the log line, the case's new
 * state and its events in the caller's transaction, or throws the lifecycle's refusal having
 * written nothing.
 */
export async function applyStep(tx: Executor, tenantId: string, row: repo.CaseRow, by: LogActor, step: Step, now: Date): Promise<ComplaintState> {
  const events = await repo.eventsOf(tx, tenantId, row.id);
  const position = casePositionFromLog(caseLog(events));
  const rootCause = step.rootCause ?? row.rootCause;
  const resolutionSummary = step.resolutionSummary ?? row.resolutionSummary;
  const outcome = nextState(row.state as ComplaintState, step.action, { ...position, actor: by.type, rootCause, resolutionSummary });
  if (!outcome.ok) throw refusal(outcome);
  const { from, to } = outcome;

  // The cause must be an active one of the workspace's taxonomy (root-cause.ts); refused before anything is written.
  await checkRootCauseForStep(tx, tenantId, { given: step.rootCause, effective: rootCause, closingByStaff: to === 'closed' && (by.type === 'agent' || by.type === 'supervisor') });
  const patch: Partial<repo.NewCase> = { state: to };
  if (step.rootCause) patch.rootCause = step.rootCause;
  if (step.resolutionSummary) patch.resolutionSummary = step.resolutionSummary;
  // A rejected or reopened resolution is not the answer any more: a later closure gives its own.
  if (to === 'reopened') Object.assign(patch, { rootCause: null, resolutionSummary: null });
  if (to === 'closed') patch.closedAt = now;
  if (from === 'closed') patch.closedAt = null;
  await repo.updateCase(tx, tenantId, row.id, patch, now);
  await repo.appendEvents(tx, [{
    tenantId, caseId: row.id, at: now, kind: 'transition', action: step.action, fromState: from, toState: to, note: step.note ?? null,
    actorType: by.type, actorId: by.id,
    details: { ...(step.rootCause ? { rootCause: step.rootCause } : {}), ...(step.resolutionSummary ? { resolutionSummary: step.resolutionSummary } : {}) },
  }]);
  const ids = { caseId: row.id, customerId: row.customerId };
  await publishEvents(tx, tenantId, [
    { topic: 'complaint.state_changed', payload: { ...ids, action: step.action, from, to, actorType: by.type, occurredAt: now.toISOString() } },
    ...(to === 'closed' ? [{ topic: 'complaint.closed', payload: { ...ids, rootCause, relatedResponseId: row.relatedResponseId, occurredAt: now.toISOString() } }] : []),
  ]);
  if (row.customerId) await updateTouchpointData(tx, tenantId, [{ externalId: timelineId(row.id), patch: { state: to } }]);
  await refreshCaseSla(tx, tenantId, row.id, now);
  return to;
}

/**
 * The SLA scan's escalations, set-based: applyStep's writes for `escalate` by the system, for many
 * locked cases of one workspace in a fixed number of statements (a breach wave of a thousand cases
 * would otherwise take a thousand round trips of each). The lifecycle still decides each case;
 * one it refuses is left as it is. The caller recomputes the SLA (it holds the clocks). Answers
 * the ids escalated.
 */
export async function escalateForBreaches(tx: Executor, tenantId: string, cases: { row: repo.CaseRow; note: string }[], now: Date): Promise<Set<string>> {
  const system = { type: 'system' as const, id: null };
  const allowed = cases.flatMap(({ row, note }) => {
    const outcome = nextState(row.state as ComplaintState, 'escalate', { actor: system.type });
    return outcome.ok ? [{ row, note, from: outcome.from, to: outcome.to }] : [];
  });
  if (allowed.length === 0) return new Set();
  await repo.setCaseStates(tx, tenantId, allowed.map(({ row, to }) => ({ id: row.id, state: to })), now);
  await repo.appendEvents(tx, allowed.map(({ row, note, from, to }) => ({
    tenantId, caseId: row.id, at: now, kind: 'transition', action: 'escalate', fromState: from, toState: to, note, actorType: system.type, actorId: system.id, details: {},
  })));
  await publishEvents(tx, tenantId, allowed.map(({ row, from, to }) => ({
    topic: 'complaint.state_changed',
    payload: { caseId: row.id, customerId: row.customerId, action: 'escalate', from, to, actorType: system.type, occurredAt: now.toISOString() },
  })));
  await updateTouchpointData(tx, tenantId, allowed.filter(({ row }) => row.customerId).map(({ row, to }) => ({ externalId: timelineId(row.id), patch: { state: to } })));
  return new Set(allowed.map(({ row }) => row.id));
}

/** One lifecycle action by a member or key, on the case row locked for the transaction. */
export async function takeAction(tx: Executor, tenantId: string, actor: Actor, id: string, input: TakeComplaintAction, now = new Date()): Promise<ComplaintDetailView> {
  const row = await repo.findCase(tx, tenantId, id, { lock: true });
  if (!row) throw notFound();
  await applyStep(tx, tenantId, row, staffActor(actor), input, now);
  return getComplaint(tx, tenantId, actor, id);
}

/** Gives the case to someone and/or a team; the log and the audit log say who did. */
export async function assignComplaint(tx: Executor, tenantId: string, actor: Actor, id: string, input: AssignComplaint, ip: string, now = new Date()): Promise<ComplaintDetailView> {
  const row = await repo.findCase(tx, tenantId, id, { lock: true });
  if (!row) throw notFound();
  const by = staffActor(actor);
  if (row.state === 'closed') throw new Problem(409, 'closed_case', { action: 'assign', state: 'closed' });
  const patch: Partial<repo.NewCase> = {};
  if (input.assigneeId !== undefined) patch.assigneeId = input.assigneeId === null ? null : await requireAssignee(tx, tenantId, input.assigneeId);
  if (input.team !== undefined) patch.team = input.team;
  await repo.updateCase(tx, tenantId, id, patch, now);
  const details = {
    ...(patch.assigneeId !== undefined ? { assigneeFrom: row.assigneeId, assigneeTo: patch.assigneeId } : {}),
    ...(patch.team !== undefined ? { teamFrom: row.team, teamTo: patch.team } : {}),
  };
  await repo.appendEvents(tx, [{ tenantId, caseId: id, at: now, kind: 'note', action: 'assign', fromState: null, toState: null, note: null, actorType: by.type, actorId: by.id, details }]);
  await recordAudit(tx, tenantId, actor, { action: 'complaint.assigned', targetType: 'complaint_case', targetId: id, ip, details });
  await refreshCaseSla(tx, tenantId, id, now);
  return getComplaint(tx, tenantId, actor, id);
}

export const statusOf = (state: ComplaintState, locale: Locale) => ({ state, ...caseStatusWords(state, locale) });

/**
 * A customer files a complaint on the public form. ISO 10002 asks for acknowledgement at once:
 * the system acknowledges in the same transaction, and the tracking code in the answer is it.
 * The public route files through PublicFilingCoalescer (public-filing.ts), which groups concurrent
 * filings; this is the same write for one filing in the caller's transaction. Anything a filing
 * sets off goes in recordFilings, which both run.
 */
export async function fileComplaint(tx: Executor, input: FileComplaint, locale: Locale, now = new Date()): Promise<ComplaintReceipt> {
  const filing = await prepareFiling(tx, input, locale, now);
  const [receipt] = await recordFilings(tx, filing.tenantId, [filing]);
  return receipt!;
}

/**
 * The last four digits of the phone, or the whole e-mail (any case). People also type their whole
 * number (09…, +98…, in any digits): it is accepted when it is the phone given, which proves more
 * than its last four digits do.
 */
export function verifies(verification: string, contact: { phone: string | null; email: string | null }, defaultCountry: string): boolean {
  const text = verification.trim();
  if (text.includes('@')) return contact.email !== null && contact.email.toLowerCase() === text.toLowerCase();
  if (contact.phone === null) return false;
  const digits = toAsciiDigits(text).replace(/[\s\p{Pd}]/gu, '');
  if (/^[0-9]{4}$/.test(digits)) return contact.phone.endsWith(digits);
  return parsePhone(text, defaultCountry)?.e164 === contact.phone;
}

/**
 * The status of a case in plain words, for its code and a verification. An unknown workspace,
 * an unknown code and a wrong verification are the same 404, so a hit on the code alone is not
 * observable. A code whose check digit fails is a typing mistake, said as such without a lookup.
 */
export async function trackComplaint(db: Executor, input: { workspace: string; code: string; verification: string; language?: Locale | undefined }, locale: Locale): Promise<ComplaintTrackingView> {
  const parsed = parseTrackingCode(input.code);
  if (!parsed.ok) throw invalidField('code', 'invalid_tracking_code');
  const missing = () => new Problem(404, 'complaint_not_found');
  const workspace = await findWorkspaceBySlug(db, input.workspace);
  if (!workspace) throw missing();
  const row = await repo.findCaseByCode(db, workspace.id, parsed.code);
  if (!row) throw missing();
  let contact = { phone: row.contactPhone, email: row.contactEmail };
  if (!contact.phone && !contact.email && row.customerId) contact = (await repo.customerContact(db, workspace.id, row.customerId)) ?? contact;
  if (!verifies(input.verification, contact, workspace.defaultCountry)) throw missing();
  // A case merged into another leads there: the customer follows the case that carries on.
  const shown = (await repo.findCase(db, workspace.id, await survivingCaseId(db, workspace.id, row.id))) ?? row;
  const language = input.language ?? locale;
  return {
    trackingCode: shown.trackingCode,
    trackingCodeDisplay: formatTrackingCodeFor(shown.trackingCode as TrackingCode, language),
    status: statusOf(shown.state as ComplaintState, language),
    receivedAt: shown.receivedAt.toISOString(),
    updatedAt: shown.updatedAt.toISOString(),
  };
}
