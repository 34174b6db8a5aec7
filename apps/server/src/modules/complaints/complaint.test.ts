import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import * as repo from './complaint.repo.ts';
import { TRACK_TRIES_PER_ADDRESS_PER_MINUTE, TRACK_TRIES_PER_CODE_PER_HOUR } from './tracking-limits.ts';
import { dammCheckDigit, newTrackingCode } from './tracking-code.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

type Headers = Record<string, string>;
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'owner'): Headers => t.auth(ws.keys[role]);

let addressSerial = 0;
/** Each public exchange from an address of its own, so the per-address limits of one test do not meet another's. */
const freshAddress = () => `10.77.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;

async function call(method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown, remoteAddress?: string) {
  const res = await t.app.inject({
    method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), ...(remoteAddress ? { remoteAddress } : {}),
  });
  return { status: res.statusCode, body: res.json(), type: String(res.headers['content-type']), headers: res.headers };
}

async function open(ws: TestWorkspace, body: Record<string, unknown> = {}, role: keyof TestWorkspace['keys'] = 'agent') {
  const res = await call('POST', '/api/complaints', key(ws, role), { channel: 'phone', description: 'The parcel arrived broken.', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function act(ws: TestWorkspace, id: string, body: Record<string, unknown>, role: keyof TestWorkspace['keys'] = 'agent', language = 'en') {
  return call('POST', `/api/complaints/${id}/actions`, { ...key(ws, role), 'accept-language': language }, body);
}

async function step(ws: TestWorkspace, id: string, body: Record<string, unknown>, role: keyof TestWorkspace['keys'] = 'agent') {
  const res = await act(ws, id, body, role);
  expect(res.status, `${String(body.action)}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** What the database holds for a case: the row, its log and the events published for it. */
async function stored(ws: TestWorkspace, id: string) {
  const { rows: [row] } = await t.database.pool.query('SELECT * FROM complaint_cases WHERE tenant_id = $1 AND id = $2', [ws.tenantId, id]);
  const { rows: log } = await t.database.pool.query('SELECT * FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY id', [ws.tenantId, id]);
  const { rows: events } = await t.database.pool.query(
    "SELECT topic, payload FROM outbox_events WHERE tenant_id = $1 AND topic LIKE 'complaint.%' AND payload->>'caseId' = $2 ORDER BY id", [ws.tenantId, id]);
  return { row, log, events: events as { topic: string; payload: Record<string, unknown> }[] };
}

describe('the lifecycle over HTTP', () => {
  it('takes a case from receipt to closure through a rejected resolution and a reopening, logging every step', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const customer = await createCustomer(t, ws, { name: 'مریم رضایی', phone: '09121234567' });
    const created = await open(ws, { customerId: customer.id, severity: 'high', category: 'delivery', remedySought: 'A replacement' });
    expect(created).toMatchObject({ state: 'received', channel: 'phone', severity: 'high', customerId: customer.id, closedAt: null });
    expect(created.trackingCode).toMatch(/^[0-9]{12}$/);
    expect(created.events).toHaveLength(1);
    expect(created.events[0]).toMatchObject({ kind: 'transition', action: 'receive', fromState: null, toState: 'received', actorType: 'agent' });
    expect(created.allowedActions).toContain('acknowledge');
    const id = created.id as string;

    // Each step's log must keep every earlier line exactly as it was: the log only grows.
    let previous = (await stored(ws, id)).log;
    const expectGrown = async (by: number) => {
      const { log } = await stored(ws, id);
      expect(log.length).toBe(previous.length + by);
      expect(log.slice(0, previous.length)).toEqual(previous);
      previous = log;
    };

    await step(ws, id, { action: 'acknowledge', note: 'Called the customer back' });
    await expectGrown(1);
    await step(ws, id, { action: 'assess' });
    await step(ws, id, { action: 'investigate' });
    await expectGrown(2);
    const proposed = await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'Send a replacement by courier' });
    expect(proposed).toMatchObject({ state: 'resolution_proposed', resolutionSummary: 'Send a replacement by courier' });
    const communicated = await step(ws, id, { action: 'communicate_resolution', rootCause: 'delivery' });
    expect(communicated).toMatchObject({ state: 'resolution_communicated', rootCause: 'delivery' });
    await expectGrown(2);

    // The customer rejects: the case reopens and the rejected answer no longer stands.
    const rejected = await step(ws, id, { action: 'customer_rejects', note: 'Wants a refund instead' });
    expect(rejected).toMatchObject({ state: 'reopened', rootCause: null, resolutionSummary: null });
    await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'Full refund' });
    // Communicating needs a root cause again: the earlier one went with the rejected resolution.
    const refused = await act(ws, id, { action: 'communicate_resolution' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('root_cause_required');
    await expectGrown(2);
    await step(ws, id, { action: 'communicate_resolution', rootCause: 'process_policy' });
    const closed = await step(ws, id, { action: 'customer_accepts' });
    expect(closed.state).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    expect(closed.allowedActions).toEqual(['reopen']);
    await expectGrown(2);

    const detail = await call('GET', `/api/complaints/${id}`, key(ws, 'analyst'));
    expect(detail.status).toBe(200);
    expect(detail.body.allowedActions).toEqual([]);
    expect(detail.body.events.map((e: { toState: string }) => e.toState)).toEqual([
      'received', 'acknowledged', 'assessed', 'under_investigation', 'resolution_proposed', 'resolution_communicated',
      'reopened', 'resolution_proposed', 'resolution_communicated', 'closed',
    ]);
    expect(detail.body.events[1]).toMatchObject({ action: 'acknowledge', fromState: 'received', note: 'Called the customer back', actorType: 'agent', actorId: expect.stringMatching(/^api_key:/) });
    expect(detail.body.events[6]).toMatchObject({ action: 'customer_rejects', note: 'Wants a refund instead' });
    expect(detail.body.events[8].details).toEqual({ rootCause: 'process_policy' });

    // A supervisor may reopen a closed case; the reopening is logged and published.
    const reopened = await step(ws, id, { action: 'reopen', note: 'Refund never arrived' }, 'manager');
    expect(reopened).toMatchObject({ state: 'reopened', closedAt: null });
    expect(reopened.events.at(-1)).toMatchObject({ actorType: 'supervisor', fromState: 'closed', toState: 'reopened' });

    const { events, row } = await stored(ws, id);
    expect(row.state).toBe('reopened');
    expect(events.map((e) => e.topic)).toEqual([
      'complaint.received', ...Array(9).fill('complaint.state_changed'), 'complaint.closed', 'complaint.state_changed',
    ]);
    expect(events[0]!.payload).toMatchObject({ caseId: id, customerId: customer.id, channel: 'phone', severity: 'high' });
    expect(events.find((e) => e.topic === 'complaint.closed')!.payload).toMatchObject({ caseId: id, rootCause: 'process_policy' });
    // Ids and codes only: no names, phones or words of the complaint travel in events.
    const published = JSON.stringify(events);
    for (const personal of ['مریم', '9121234567', 'broken', 'refund', 'Refund', 'replacement']) expect(published).not.toContain(personal);

    // The customer's timeline shows the complaint, after-sale, with its current state.
    const timeline = await call('GET', `/api/customers/${customer.id}/timeline`, key(ws));
    expect(timeline.status).toBe(200);
    const entry = timeline.body.items.find((i: { kind: string }) => i.kind === 'complaint.received');
    expect(entry).toMatchObject({ stage: 'after-sale', channel: 'phone', data: { caseId: id, state: 'reopened' } });
  });

  it('refuses an illegal step with the lifecycle code in fa, ar and en, and writes nothing', async () => {
    const ws = await t.createWorkspace();
    const { id } = await open(ws);
    const before = await stored(ws, id);
    const details = new Set<string>();
    for (const language of ['fa', 'ar', 'en']) {
      const res = await act(ws, id, { action: 'propose_resolution', resolutionSummary: 'x' }, 'agent', language);
      expect(res.status).toBe(409);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.code).toBe('illegal_transition');
      details.add(res.body.detail);
    }
    expect(details.size).toBe(3);
    expect([...details].filter((d) => /[\u0600-\u06FF]/.test(d))).toHaveLength(2);
    expect(await stored(ws, id)).toEqual(before);

    // Closing early is a supervisor's decision: an agent is refused, and so is a supervisor without a root cause.
    await step(ws, id, { action: 'acknowledge' });
    const agentClose = await act(ws, id, { action: 'close', rootCause: 'delivery', resolutionSummary: 'Duplicate' });
    expect(agentClose.status).toBe(403);
    expect(agentClose.body.code).toBe('role_not_permitted');
    const middle = await stored(ws, id);
    const noCause = await act(ws, id, { action: 'close', resolutionSummary: 'Duplicate of another case' }, 'manager', 'fa');
    expect(noCause.status).toBe(422);
    expect(noCause.body.code).toBe('root_cause_required');
    expect(noCause.body.errors).toEqual([expect.objectContaining({ field: 'rootCause', code: 'root_cause_required' })]);
    expect(noCause.body.detail).toMatch(/[\u0600-\u06FF]/);
    const nothing = await act(ws, id, { action: 'close' }, 'manager');
    expect(nothing.body.errors.map((e: { field: string }) => e.field)).toEqual(['rootCause', 'resolutionSummary']);
    expect(await stored(ws, id)).toEqual(middle);

    const closed = await step(ws, id, { action: 'close', rootCause: 'communication', resolutionSummary: 'Duplicate of another case' }, 'manager');
    expect(closed.state).toBe('closed');
    const afterClose = await stored(ws, id);
    const late = await act(ws, id, { action: 'assess' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('closed_case');
    // A root cause outside the workspace's taxonomy is refused before anything is written (root-cause.ts).
    const unknownCause = await act(ws, id, { action: 'reopen', rootCause: 'bad_luck' }, 'manager');
    expect(unknownCause.status).toBe(422);
    expect(unknownCause.body.code).toBe('unknown_root_cause');
    expect(await stored(ws, id)).toEqual(afterClose);
  });

  it('returns to the state a case waited in, and lets a supervisor take over an escalated case', async () => {
    const ws = await t.createWorkspace();
    const { id } = await open(ws);
    await step(ws, id, { action: 'acknowledge' });
    await step(ws, id, { action: 'assess' });
    expect((await step(ws, id, { action: 'wait_for_customer', note: 'Asked for the invoice' })).state).toBe('waiting_for_customer');
    expect((await step(ws, id, { action: 'customer_replied' })).state).toBe('assessed');
    expect((await step(ws, id, { action: 'escalate' })).state).toBe('escalated');
    const refused = await act(ws, id, { action: 'propose_resolution', resolutionSummary: 'Refund' });
    expect(refused.status).toBe(403);
    const takenOver = await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'Refund' }, 'manager');
    expect(takenOver.state).toBe('resolution_proposed');
  });
});

describe('intake, assignment and the queue', () => {
  it('replays an intake sent twice with one Idempotency-Key, and records anonymous contacts in E.164', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const body = { channel: 'chat', contactName: 'علی', contactPhone: '۰۹۱۲ ۳۴۵ ۶۷۸۹', description: 'رفتار نامناسب کارمند' };
    const first = await call('POST', '/api/complaints', { ...key(ws, 'agent'), 'idempotency-key': 'intake-1' }, body);
    const again = await call('POST', '/api/complaints', { ...key(ws, 'agent'), 'idempotency-key': 'intake-1' }, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(first.body.contact).toEqual({ name: 'علی', phone: '+989123456789', email: null });
    const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows[0].n).toBe(1);

    const badPhone = await call('POST', '/api/complaints', key(ws, 'agent'), { ...body, contactPhone: '12' });
    expect(badPhone.status).toBe(400);
    const unknownCustomer = await call('POST', '/api/complaints', key(ws, 'agent'), { ...body, customerId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownCustomer.status).toBe(422);
    expect(unknownCustomer.body.code).toBe('unknown_customer');
  });

  it('moves a case to the surviving customer when its customer is merged', async () => {
    const ws = await t.createWorkspace();
    const survivor = await createCustomer(t, ws);
    const source = await createCustomer(t, ws);
    const { id } = await open(ws, { customerId: source.id });
    const merged = await call('POST', `/api/customers/${survivor.id}/merge`, key(ws), { sourceId: source.id });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect((await call('GET', `/api/complaints/${id}`, key(ws))).body.customerId).toBe(survivor.id);
  });

  it('assigns to members who work complaints, logs and audits it, and filters the queue', async () => {
    const ws = await t.createWorkspace();
    const a = await open(ws, { severity: 'low', category: 'billing' });
    const b = await open(ws, { severity: 'critical', category: 'delivery' });
    const c = await open(ws, { severity: 'critical', category: 'delivery' });

    const agentTries = await call('POST', `/api/complaints/${a.id}/assignment`, key(ws, 'agent'), { assigneeId: ws.users.agent.accountId });
    expect(agentTries.status).toBe(403);
    const toAnalyst = await call('POST', `/api/complaints/${a.id}/assignment`, key(ws, 'manager'), { assigneeId: ws.users.analyst.accountId });
    expect(toAnalyst.status).toBe(422);
    expect(toAnalyst.body.code).toBe('invalid_complaint_assignee');
    const assigned = await call('POST', `/api/complaints/${b.id}/assignment`, key(ws, 'manager'), { assigneeId: ws.users.agent.accountId, team: 'logistics' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assigneeId: ws.users.agent.accountId, team: 'logistics' });
    expect(assigned.body.events.at(-1)).toMatchObject({ kind: 'note', action: 'assign', details: { assigneeFrom: null, assigneeTo: ws.users.agent.accountId, teamTo: 'logistics' } });
    const { rows: audit } = await t.database.pool.query("SELECT target_id FROM audit_log WHERE tenant_id = $1 AND action = 'complaint.assigned'", [ws.tenantId]);
    expect(audit.map((r) => r.target_id)).toEqual([b.id]);

    const ids = async (query: string, headers = key(ws)) => {
      const res = await call('GET', `/api/complaints${query}`, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((i: { id: string }) => i.id);
    };
    // Open cases, oldest first.
    expect(await ids('')).toEqual([a.id, b.id, c.id]);
    expect(await ids('?severity=critical')).toEqual([b.id, c.id]);
    expect(await ids('?category=billing')).toEqual([a.id]);
    expect(await ids('?team=logistics')).toEqual([b.id]);
    expect(await ids(`?assignee=${ws.users.agent.accountId}`)).toEqual([b.id]);
    expect(await ids('?assignee=unassigned')).toEqual([a.id, c.id]);
    expect(await ids('?assignee=me', t.session(ws.users.agent))).toEqual([b.id]);

    await step(ws, a.id, { action: 'close', rootCause: 'price_billing', resolutionSummary: 'Withdrawn by the customer' }, 'owner');
    expect(await ids('')).toEqual([b.id, c.id]);
    expect(await ids('?state=closed')).toEqual([a.id]);
    expect(await ids('?state=all')).toEqual([a.id, b.id, c.id]);

    // Keyset pages of the queue.
    const first = await call('GET', '/api/complaints?state=all&limit=2', key(ws));
    expect(first.body.items).toHaveLength(2);
    const second = await call('GET', `/api/complaints?state=all&limit=2&cursor=${first.body.nextCursor}`, key(ws));
    expect(second.body.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect(second.body.nextCursor).toBeNull();
    const badCursor = await call('GET', '/api/complaints?cursor=bm9wZQ', key(ws));
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('invalid_cursor');

    const onClosed = await call('POST', `/api/complaints/${a.id}/assignment`, key(ws, 'manager'), { team: 'x' });
    expect(onClosed.status).toBe(409);
  });
});

describe('access', () => {
  it('hides a case from another workspace: 404 on every route, absent from its queue, unchanged', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const { id } = await open(ws, { description: 'only-in-A مارکر' });
    const before = await stored(ws, id);
    expect((await call('GET', `/api/complaints/${id}`, key(other))).status).toBe(404);
    expect((await act(other, id, { action: 'acknowledge' }, 'owner')).status).toBe(404);
    expect((await call('POST', `/api/complaints/${id}/assignment`, key(other), { team: 'x' })).status).toBe(404);
    const list = await call('GET', '/api/complaints?state=all', key(other));
    expect(JSON.stringify(list.body)).not.toContain('only-in-A');
    expect(await stored(ws, id)).toEqual(before);
  });

  it('gives each role its permissions: analysts read, agents work, managers assign', async () => {
    const ws = await t.createWorkspace();
    const { id } = await open(ws);
    const analystOpens = await call('POST', '/api/complaints', key(ws, 'analyst'), { channel: 'phone', description: 'x' });
    expect(analystOpens.status).toBe(403);
    expect(analystOpens.body.code).toBe('forbidden');
    expect((await act(ws, id, { action: 'acknowledge' }, 'analyst')).status).toBe(403);
    expect((await call('GET', `/api/complaints/${id}`, key(ws, 'analyst'))).status).toBe(200);
    expect((await call('GET', '/api/complaints', key(ws, 'analyst'))).status).toBe(200);
    expect((await call('POST', `/api/complaints/${id}/assignment`, key(ws, 'agent'), { team: 'x' })).status).toBe(403);
    // A cookie session without its CSRF token is refused too.
    const noCsrf = await call('POST', `/api/complaints/${id}/actions`, { cookie: ws.users.agent.cookie }, { action: 'acknowledge' });
    expect(noCsrf.status).toBe(403);
    expect((await act(ws, id, { action: 'acknowledge' })).status).toBe(200);
  });
});

describe('the public form and tracking', () => {
  const file = (body: Record<string, unknown>, headers: Headers = {}) => call('POST', '/api/public/complaints', headers, body, freshAddress());
  const track = (body: Record<string, unknown>, headers: Headers = {}, address = freshAddress()) => call('POST', '/api/public/complaints/track', headers, body, address);

  it('files a complaint, acknowledges it at once, and shows its status only with the right verification', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const filed = await file({ workspace: ws.slug, name: 'سارا', phone: '09125550123', email: 'Sara@Example.test', category: 'delivery', description: 'سفارشم نرسید' }, { 'accept-language': 'fa' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const code = filed.body.trackingCode as string;
    expect(code).toMatch(/^[0-9]{12}$/);
    expect(filed.body.trackingCodeDisplay).toMatch(/[۰-۹]{4}/);
    expect(filed.body.status).toMatchObject({ state: 'acknowledged', title: 'در نوبت بررسی' });

    const { rows: [row] } = await t.database.pool.query('SELECT id, channel, contact_phone, contact_email, language, customer_id FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [ws.tenantId, code]);
    expect(row).toMatchObject({ channel: 'web', contact_phone: '+989125550123', contact_email: 'sara@example.test', language: 'fa', customer_id: null });
    const detail = await call('GET', `/api/complaints/${row.id}`, key(ws));
    expect(detail.body.events.map((e: { actorType: string; toState: string }) => `${e.actorType}:${e.toState}`)).toEqual(['customer:received', 'system:acknowledged']);

    // Persian digits and dashes in the code, the last four phone digits in Persian: the status in Arabic.
    const persianCode = code.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d))).replace(/(.{4})(?=.)/g, '$1-');
    const byPhone = await track({ workspace: ws.slug, code: persianCode, verification: '۰۱۲۳', language: 'ar' });
    expect(byPhone.status, JSON.stringify(byPhone.body)).toBe(200);
    expect(byPhone.body).toMatchObject({ trackingCode: code, status: { state: 'acknowledged', title: 'بانتظار المراجعة' } });
    const byEmail = await track({ workspace: ws.slug, code, verification: 'SARA@example.test' }, { 'accept-language': 'en' });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.status.title).toBe('Waiting to be reviewed');

    // A wrong verification, an unknown code and an unknown workspace look the same.
    const wrong = await track({ workspace: ws.slug, code, verification: '9999' });
    const unknown = await track({ workspace: ws.slug, code: newTrackingCode(), verification: '0123' });
    const elsewhere = await track({ workspace: 'no-such-workspace', code, verification: '0123' });
    const partialEmail = await track({ workspace: ws.slug, code, verification: 'sara@' });
    for (const res of [wrong, unknown, elsewhere, partialEmail]) {
      expect(res.status).toBe(404);
      expect(res.type).toContain('application/problem+json');
      expect(res.body).toEqual(wrong.body);
    }
    expect(wrong.body.code).toBe('complaint_not_found');
    // A mistyped code fails its check digit without a lookup.
    const typo = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    const mistyped = await track({ workspace: ws.slug, code: typo, verification: '0123' });
    expect(mistyped.status).toBe(422);
    expect(mistyped.body.code).toBe('invalid_tracking_code');

    // An agent's progress shows up in plain words.
    await step(ws, row.id, { action: 'assess' });
    await step(ws, row.id, { action: 'investigate' });
    const later = await track({ workspace: ws.slug, code, verification: '0123' }, { 'accept-language': 'en' });
    expect(later.body.status).toMatchObject({ state: 'under_investigation', title: 'Being investigated' });
  });

  it('answers garbage with 4xx problem+json and writes nothing', async () => {
    const ws = await t.createWorkspace();
    const count = async () => (await t.database.pool.query('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId])).rows[0].n as number;
    const good = { workspace: ws.slug, name: 'Ali', phone: '09120000000', description: 'Late delivery' };
    const bodies: unknown[] = [
      { ...good, description: 'x'.repeat(1024 * 1024) },
      { ...good, name: 123 },
      { ...good, phone: ['0912'] },
      { ...good, description: { $gt: '' } },
      { ...good, extra: 'field' },
      { ...good, phone: undefined },
      { ...good, name: 'bell\u0007' },
      { ...good, workspace: '../admin' },
      { ...good, language: 'xx' },
      { ...good, email: 'not-an-email' },
      [],
      'just a string',
      null,
    ];
    const payloads = [...bodies.map((body) => JSON.stringify(body)), `{"workspace":${'['.repeat(5000)}${']'.repeat(5000)}}`, '{"name":'];
    for (const payload of payloads) {
      const res = await t.app.inject({ method: 'POST', url: '/api/public/complaints', headers: { 'content-type': 'application/json' }, payload, remoteAddress: freshAddress() });
      const label = `${payload.slice(0, 60)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      expect(res.statusCode >= 400 && res.statusCode < 500, label).toBe(true);
      expect(String(res.headers['content-type']), label).toContain('application/problem+json');
    }
    const noContact = await file({ ...good, phone: undefined });
    expect(noContact.body.errors).toEqual([expect.objectContaining({ field: 'body.phone', code: 'phone_or_email_required' })]);
    const badPhone = await file({ ...good, phone: '123' });
    expect(badPhone.status).toBe(422);
    expect((await file({ ...good, workspace: 'no-such-workspace' })).status).toBe(404);
    expect(await count()).toBe(0);

    for (const body of [
      { workspace: ws.slug, code: 1234, verification: '0000' },
      { workspace: ws.slug, code: '1'.repeat(300), verification: '0000' },
      { workspace: ws.slug, code: 'abcd-efgh', verification: '0000' },
      { workspace: ws.slug, code: `${'1'.repeat(15)}${dammCheckDigit('1'.repeat(15))}`, verification: '' },
      { workspace: ws.slug, code: '', verification: '0000' },
      { workspace: ws.slug, code: '1234567890123456', verification: { $ne: '' } },
    ]) {
      const res = await track(body);
      expect(res.status >= 400 && res.status < 500, JSON.stringify(res.body)).toBe(true);
      expect(res.type).toContain('application/problem+json');
    }
    expect((await file(good)).status).toBe(201);
    expect(await count()).toBe(1);
  });

  it('holds tracking to a few tries a minute per address', async () => {
    const ws = await t.createWorkspace();
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < TRACK_TRIES_PER_ADDRESS_PER_MINUTE; i++) {
      statuses.push((await track({ workspace: ws.slug, code: newTrackingCode(), verification: '1234' }, {}, address)).status);
    }
    expect(statuses.every((s) => s === 404)).toBe(true);
    const limited = await track({ workspace: ws.slug, code: newTrackingCode(), verification: '1234' }, {}, address);
    expect(limited.status).toBe(429);
    expect(limited.type).toContain('application/problem+json');
    expect(limited.body.code).toBe('rate_limited');
    // Another address is not held up by it.
    expect((await track({ workspace: ws.slug, code: newTrackingCode(), verification: '1234' })).status).toBe(404);

    // Guessing one code's digits from many addresses is held too.
    const code = newTrackingCode();
    for (let i = 0; i < TRACK_TRIES_PER_CODE_PER_HOUR; i++) {
      expect((await track({ workspace: ws.slug, code, verification: String(1000 + i) })).status).toBe(404);
    }
    const guessed = await track({ workspace: ws.slug, code, verification: '5555' });
    expect(guessed.status).toBe(429);
    expect(guessed.body.code).toBe('rate_limited');
  });
});

describe('the case log is append-only', () => {
  it('offers no way to change or remove a log line: the repo only appends and reads, and no source updates or deletes one but erasure blanking text', () => {
    const logFunctions = Object.keys(repo).filter((name) => /event/i.test(name)).sort();
    expect(logFunctions).toEqual(['appendEvent', 'appendEvents', 'caseEventNote', 'eventsOf']);
    const dir = path.dirname(fileURLToPath(import.meta.url));
    const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/\.(update|delete)\(\s*complaintCaseEvents/);
      const writes = [...text.matchAll(/(UPDATE|DELETE\s+FROM)\s+complaint_case_events\b[\s\S]*?(?:WHERE|$)/gi)].map((m) => m[0].replace(/\s+/g, ' '));
      // The one exception (case-erasure.ts): a customer's erasure blanks the words of their cases' lines, nothing else.
      const allowed = file === 'case-erasure.ts' ? ['UPDATE complaint_case_events SET note = NULL, details = (details - ${keys}) || ${JSON.stringify(REDACTED)}::jsonb WHERE'] : [];
      expect(writes, file).toEqual(allowed);
    }
  });
});
