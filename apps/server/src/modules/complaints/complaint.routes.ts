import {
  AssignComplaint, ComplaintDetailView, ComplaintDetailWithSla, ComplaintPage, ComplaintQuery, ComplaintReceipt, ComplaintTrackingView, FileComplaint, FilingRateProblem, IdParams, OpenComplaint,
  AddComplaintNote, ReplyToComplaint, TakeComplaintAction, TrackComplaint,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { TRACK_TRIES_PER_ADDRESS_PER_MINUTE, limitTriesPerCode } from './tracking-limits.ts';
import { caseSla } from './complaint-sla.service.ts';
import { addComplaintNote, replyToComplaint } from './case-replies.ts';
import { assignComplaint, getComplaint, listComplaints, openComplaint, takeAction, trackComplaint } from './complaint.service.ts';
import { PublicFilingCoalescer } from './public-filing.ts';
import { decoyReceipt, filingGuardFor, isHoneypotFilled } from './public-filing-guard.ts';

export function registerComplaintRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  // Concurrent filings of a workspace share a transaction; each is answered once its own has committed.
  const filings = new PublicFilingCoalescer(deps.database);
  const filingGuard = filingGuardFor(deps);

  app.get('/api/complaints', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'],
      summary: 'The complaint queue, open cases oldest first',
      description: 'Filters: `state` (one state, `open` = all but closed (default), or `all`), `assignee` (`me`, `unassigned` or an account id), `team`, `severity`, `category`, `channel`, and `q`: a tracking code as typed (any digits, spaces, dashes; 4 or more digits find the codes starting with them, and phones containing them) or words that must all occur in the contact\'s name, e-mail or phone (any case, Persian and Arabic letter forms alike); fewer than 4 digits with no word of 3 characters is 400 `search_too_short`. Pass `nextCursor` back as `cursor`.',
      querystring: ComplaintQuery,
      response: { 200: ComplaintPage },
    },
  }, async (req) => listComplaints(db, req.tenantId, req.actor!, req.query));

  app.get('/api/complaints/:id', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'],
      summary: 'One complaint case with its log',
      description: 'The case, its append-only log (transitions with who, when, from and to; assignments), the actions the caller may take now and its SLA clocks (per target, computed from the log with the policy and calendar in force now).',
      params: IdParams,
      response: { 200: ComplaintDetailWithSla },
    },
  }, async (req) => ({ ...await getComplaint(db, req.tenantId, req.actor!, req.params.id), sla: await caseSla(db, req.tenantId, req.params.id) }));

  app.post('/api/complaints', {
    config: { access: 'complaints:work' },
    schema: {
      tags: ['complaints'],
      summary: 'Record a complaint received by phone, chat, social media, in person or through an integration',
      description: 'The case gets a tracking code and starts `received`; acknowledge it with the `acknowledge` action. `customerId` links it to a customer (and their timeline); otherwise give the contact details. Publishes `complaint.received`.',
      problems: [422],
      body: OpenComplaint,
      response: { 201: ComplaintDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await openComplaint(tx, req.tenantId, req.actor!, req.body) }));
    return sendWrite(reply, result);
  });

  app.post('/api/complaints/:id/actions', {
    config: { access: 'complaints:work' },
    schema: {
      tags: ['complaints'],
      summary: 'Take one step of the ISO 10002 lifecycle',
      operationId: 'takeComplaintAction',
      description: 'A step the case\'s state does not allow is refused with 409 `illegal_transition` (or `closed_case`); one reserved to supervisors with 403 `role_not_permitted`; closing or communicating a resolution without a root cause or summary with 422 `root_cause_required` / `resolution_summary_required`. Nothing is written when refused. Publishes `complaint.state_changed` (and `complaint.closed`).',
      problems: [409, 422],
      params: IdParams,
      body: TakeComplaintAction,
      response: { 200: ComplaintDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await takeAction(tx, req.tenantId, req.actor!, req.params.id, req.body) }));
    return sendWrite(reply, result);
  });

  app.post('/api/complaints/:id/replies', {
    config: { access: 'complaints:work' },
    schema: {
      tags: ['complaints'],
      summary: 'Reply to the complainant',
      operationId: 'replyToComplaint',
      description: 'Logged as the case\'s response (the first one meets the first-response target) and sent to the customer in their preferred channel through engagement: the text in an e-mail, a link to the tracking page (which shows it) in an SMS. 409 `closed_case` for a closed case (reopen it first). Publishes `complaint.replied`.',
      problems: [409, 422],
      params: IdParams,
      body: ReplyToComplaint,
      response: { 201: ComplaintDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await replyToComplaint(tx, req.tenantId, req.actor!, req.params.id, req.body) }));
    return sendWrite(reply, result);
  });

  app.post('/api/complaints/:id/notes', {
    config: { access: 'complaints:work' },
    schema: {
      tags: ['complaints'],
      summary: 'Add an internal note to the case',
      operationId: 'addComplaintNote',
      description: 'Seen by staff only: nothing is sent to the customer, the tracking page does not show it, and it does not count as a response. Allowed on a closed case.',
      problems: [422],
      params: IdParams,
      body: AddComplaintNote,
      response: { 201: ComplaintDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await addComplaintNote(tx, req.tenantId, req.actor!, req.params.id, req.body) }));
    return sendWrite(reply, result);
  });

  app.post('/api/complaints/:id/assignment', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'],
      summary: 'Assign the case to a member and/or a team',
      operationId: 'assignComplaint',
      description: '`assigneeId` must be an active member who works complaints; `null` unassigns. Logged on the case and in the audit log. 409 `closed_case` for a closed case.',
      problems: [409, 422],
      params: IdParams,
      body: AssignComplaint,
      response: { 200: ComplaintDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await assignComplaint(tx, req.tenantId, req.actor!, req.params.id, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.post('/api/public/complaints', {
    // No per-address cap (a shop's tablets and a carrier's NAT share one address): the device limits and the challenge of public-filing-guard.ts instead.
    config: { access: 'public', rateLimit: false },
    schema: {
      tags: ['complaints'],
      summary: 'A customer files a complaint',
      operationId: 'fileComplaint',
      description: 'For the workspace named by its slug (404 when there is none). A phone or an e-mail is required: tracking asks for it. Answers the tracking code and the status in the asked language (`language`, else Accept-Language); the case is acknowledged at once. With files: POST /api/public/complaints/with-attachments. Abuse defences: `website` must stay empty (a filing that fills it is answered and not stored); a device (the cookie, or `X-Vafa-Device` from a widget) filing often, or a burst of filings from new devices, gets 429 `filing_challenge_required` with `challenge` and `bits`: send again with `proof` = `<challenge>:<n>` where SHA-256 of it starts with `bits` zero bits; past a device\'s hourly cap, 429 `too_many_filings`.',
      problems: [404, 422],
      body: FileComplaint,
      response: { 201: ComplaintReceipt, 429: FilingRateProblem },
    },
  }, async (req, reply) => {
    if (isHoneypotFilled(req.body.website)) return reply.code(201).send(decoyReceipt(req.body.language ?? req.locale));
    const verdict = filingGuard.check(req, reply, req.body);
    if (!verdict.ok) return verdict.reply;
    // No Idempotency-Key here: an anonymous write has no actor to key it by (as req.write treats it).
    return reply.code(201).send(await filings.file(req.body, req.locale));
  });

  app.post('/api/public/complaints/track', {
    // Its own limits below replace the anonymous per-address one (only one limiter runs per request).
    config: { access: 'public', rateLimit: false },
    preHandler: [
      app.rateLimit({ max: TRACK_TRIES_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req) => `complaint-track:${req.ip}` }),
      limitTriesPerCode,
    ],
    schema: {
      tags: ['complaints'],
      summary: 'Where a complaint stands, in plain words',
      operationId: 'trackComplaint',
      description: 'The tracking code (any digits, spaces and dashes) and a verification: the last 4 digits of the phone (or the whole number, in any digits) or the e-mail given when filing. An unknown code and a wrong verification both answer 404 `complaint_not_found`; a code with a failing check digit 422 `invalid_tracking_code`. Held to a few tries a minute per address and an hour per code.',
      problems: [404, 422],
      body: TrackComplaint,
      response: { 200: ComplaintTrackingView },
    },
  }, async (req) => trackComplaint(db, req.body, req.locale));
}
