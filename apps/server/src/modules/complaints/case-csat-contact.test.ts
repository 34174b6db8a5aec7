// The post-closure satisfaction question for complainants without a customer record, on real
// parts: a role-'all' app (relay, subscribers, the notice worker, the dispatcher), a real SMTP
// server, the public routes over HTTP. Asked through the case's contact in its channel, answered
// on the tracking page; a bad answer reopens the case as a customer's answer does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';

let t: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ role: 'all', env: { VAFA_PUBLIC_URL: 'https://vafa.example.test', VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

type Headers = Record<string, string>;
let addressSerial = 0;
const freshAddress = () => `10.86.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), remoteAddress: freshAddress() });
  return { status: res.statusCode, body: res.json(), raw: res.body };
}
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'manager'): Headers => t.auth(ws.keys[role]);
async function ok(ws: TestWorkspace, method: 'POST' | 'PUT', url: string, payload: unknown, role: keyof TestWorkspace['keys'] = 'manager') {
  const res = await call(method, url, key(ws, role), payload);
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${res.raw}`);
  return res.body;
}

/** A workspace that mails the sink, with no quiet hours. */
async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  await ok(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: `care@${ws.slug}.example.test`, fromName: 'Vafa' }, 'owner');
  await ok(ws, 'PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 20, periodHours: 24 }, ratePerMinute: 6000 }, 'owner');
  return ws;
}

/** Filed on the public form (no customer record), then resolved and closed by staff. */
async function fileAndClose(ws: TestWorkspace, contact: Record<string, string>, language: string): Promise<{ id: string; code: string }> {
  const filed = await call('POST', '/api/public/complaints', {}, { workspace: ws.slug, name: 'Hamid', ...contact, description: 'The refund never came.', language });
  expect(filed.status, filed.raw).toBe(201);
  const code = filed.body.trackingCode as string;
  const { rows: [row] } = await t.database.pool.query('SELECT id, customer_id FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [ws.tenantId, code]);
  expect(row.customer_id).toBeNull();
  await close(ws, row.id);
  return { id: row.id, code };
}
async function close(ws: TestWorkspace, id: string) {
  for (const body of [{ action: 'assess' }, { action: 'propose_resolution', resolutionSummary: 'Refunded today.' }, { action: 'communicate_resolution', rootCause: 'price_billing' }, { action: 'close' }]) {
    await ok(ws, 'POST', `/api/complaints/${id}/actions`, body);
  }
}

const customerCall = (path: string, body: Record<string, unknown>) => call('POST', `/api/public/complaints/case${path}`, { 'accept-language': 'en' }, body);
const mailsTo = (address: string) => sink.messages.filter((m) => m.to.includes(address));
const csatNotice = async (ws: TestWorkspace, caseId: string) =>
  (await t.database.pool.query(`SELECT status, reason, channel, message_id FROM complaint_notices WHERE tenant_id = $1 AND case_id = $2 AND kind = 'csat'`, [ws.tenantId, caseId])).rows;
const caseLog = async (ws: TestWorkspace, caseId: string) =>
  (await t.database.pool.query('SELECT * FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY id', [ws.tenantId, caseId])).rows;
const caseState = async (ws: TestWorkspace, caseId: string) =>
  (await t.database.pool.query('SELECT state FROM complaint_cases WHERE tenant_id = $1 AND id = $2', [ws.tenantId, caseId])).rows[0].state as string;

describe('the satisfaction question for a complainant without a customer record', () => {
  it('goes to the e-mail they filed with, in their language; a bad answer on the tracking page reopens the case, once', async () => {
    const ws = await workspace();
    const email = `hamid-${ws.slug}@example.test`;
    const { id, code } = await fileAndClose(ws, { email }, 'fa');

    // After the closure notice, the question, in Persian, with the tracking link that proves the case.
    const question = await eventually(async () => mailsTo(email).find((m) => m.subject.includes('از رسیدگی به شکایتتان راضی بودید')), 'the satisfaction question by e-mail', 60_000);
    expect(question.html).toContain('dir="rtl"');
    const link = /\/c\/[a-z0-9-]+\/track\?code=(\d+)&lang=fa#token=([A-Za-z0-9_-]+)/.exec(question.text!)!;
    expect(link[1]).toBe(code);
    expect(await csatNotice(ws, id)).toEqual([expect.objectContaining({ status: 'queued', channel: 'email', message_id: expect.any(String) })]);
    expect((await caseLog(ws, id)).find((l) => l.action === 'csat_invited')!.details).toMatchObject({ via: 'contact', surveyId: expect.any(String) });

    const access = { workspace: ws.slug, code, token: link[2] };
    const viewed = await customerCall('', access);
    expect(viewed.status, viewed.raw).toBe(200);
    expect(viewed.body).toMatchObject({ status: { state: 'closed' }, actions: ['answer_satisfaction'], satisfaction: { points: 5, score: null } });

    // Off the scale: refused, nothing written.
    const offScale = await customerCall('/satisfaction', { ...access, score: 7 });
    expect(offScale.status, offScale.raw).toBe(422);
    expect((await customerCall('/satisfaction', { ...access, score: 0 })).status).toBe(400);
    expect((await customerCall('/satisfaction', { ...access, token: undefined, verification: 'someone@example.test', score: 1 })).status).toBe(404);
    expect(await caseState(ws, id)).toBe('closed');

    // A bottom-two answer: a response of the CSAT survey about the case, and the case reopened by the system, logged.
    const answered = await customerCall('/satisfaction', { ...access, score: 2 });
    expect(answered.status, answered.raw).toBe(200);
    expect(answered.body).toMatchObject({ status: { state: 'reopened' }, actions: ['add_information'], satisfaction: { points: 5, score: 2 } });
    const reopen = (await caseLog(ws, id)).filter((l) => l.to_state === 'reopened');
    expect(reopen).toEqual([expect.objectContaining({ action: 'reopen', from_state: 'closed', actor_type: 'system' })]);
    expect(reopen[0].note).toContain('CSAT 2 of 5');
    const { rows: responses } = await t.database.pool.query(
      `SELECT r.id, r.channel, r.status, r.context, (SELECT count(*)::int FROM survey_respondents p WHERE p.tenant_id = r.tenant_id AND p.response_id = r.id) AS respondents
       FROM survey_responses r WHERE r.tenant_id = $1`, [ws.tenantId]);
    expect(responses).toEqual([expect.objectContaining({ channel: 'email', status: 'complete', context: { caseId: id }, respondents: 0 })]);

    // The survey's events reach the feedback subscriber too: the answer is kept once, the case reopened once.
    await eventually(async () => {
      const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND topic IN ('response.submitted', 'feedback.negative') AND outbox_event_pending(xid, id)`, [ws.tenantId]);
      const { rows: sent } = await t.database.pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND topic IN ('response.submitted', 'feedback.negative')`, [ws.tenantId]);
      return rows[0].n === 0 && sent[0].n === 2;
    }, 'the answer\'s events relayed', 60_000);
    const { rows: kept } = await t.database.pool.query('SELECT score, points, negative, reopened, response_id FROM complaint_case_satisfaction WHERE tenant_id = $1 AND case_id = $2', [ws.tenantId, id]);
    expect(kept).toEqual([{ score: 2, points: 5, negative: true, reopened: true, response_id: responses[0].id }]);
    expect((await caseLog(ws, id)).filter((l) => l.to_state === 'reopened')).toHaveLength(1);

    // Once per closure.
    const again = await customerCall('/satisfaction', { ...access, score: 5 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('satisfaction_answered');

    // Closed again after a new resolution: asked again, and a good answer leaves it closed.
    await ok(ws, 'POST', `/api/complaints/${id}/actions`, { action: 'propose_resolution', resolutionSummary: 'Refunded with interest.' });
    await ok(ws, 'POST', `/api/complaints/${id}/actions`, { action: 'communicate_resolution', rootCause: 'price_billing' });
    await ok(ws, 'POST', `/api/complaints/${id}/actions`, { action: 'close' });
    await eventually(async () => (await csatNotice(ws, id)).filter((n) => n.status === 'queued').length === 2, 'the second question', 60_000);
    expect((await customerCall('', access)).body).toMatchObject({ actions: ['answer_satisfaction'], satisfaction: { score: null } });
    const happy = await customerCall('/satisfaction', { ...access, score: 5 });
    expect(happy.status, happy.raw).toBe(200);
    expect(happy.body).toMatchObject({ status: { state: 'closed' }, actions: [], satisfaction: { points: 5, score: 5 } });
  }, 180_000);

  it('goes by SMS to a complainant who gave only a phone, and answered well leaves the case closed', async () => {
    const ws = await workspace();
    const { id, code } = await fileAndClose(ws, { phone: '09127778899' }, 'en');
    const sms = await eventually(async () => {
      const { rows } = await t.database.pool.query(`SELECT channel, recipient, body_text, customer_id FROM messages WHERE tenant_id = $1 AND origin->>'caseId' = $2 AND origin->>'notice' = 'csat'`, [ws.tenantId, id]);
      return rows[0];
    }, 'the satisfaction question by SMS', 60_000);
    expect(sms).toMatchObject({ channel: 'sms', recipient: '+989127778899', customer_id: null });
    expect(sms.body_text).toContain('how satisfied are you');
    expect(await csatNotice(ws, id)).toEqual([expect.objectContaining({ status: 'queued', channel: 'sms' })]);

    // Proven with the phone's last digits, as on the tracking page.
    const answered = await customerCall('/satisfaction', { workspace: ws.slug, code, verification: '8899', score: 4 });
    expect(answered.status, answered.raw).toBe(200);
    expect(answered.body).toMatchObject({ status: { state: 'closed' }, satisfaction: { points: 5, score: 4 } });
    const { rows } = await t.database.pool.query('SELECT score, negative, reopened FROM complaint_case_satisfaction WHERE tenant_id = $1 AND case_id = $2', [ws.tenantId, id]);
    expect(rows).toEqual([{ score: 4, negative: false, reopened: false }]);
    const { rows: [response] } = await t.database.pool.query('SELECT channel FROM survey_responses WHERE tenant_id = $1', [ws.tenantId]);
    expect(response.channel).toBe('sms');
  }, 120_000);

  it('goes by e-mail to a web-form complainant who left both an e-mail and a phone, with a link that opens in their language', async () => {
    const ws = await workspace();
    const email = `layla-${ws.slug}@example.test`;
    const { id, code } = await fileAndClose(ws, { email, phone: '09127770011' }, 'ar');
    await eventually(async () => (await csatNotice(ws, id))[0]?.status === 'queued', 'the question queued', 60_000);
    expect(await csatNotice(ws, id)).toEqual([expect.objectContaining({ status: 'queued', channel: 'email' })]);
    // Every notice of the case came by mail, each with a link that opens the page in Arabic.
    const { rows: sent } = await t.database.pool.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND origin->>'caseId' = $2`, [ws.tenantId, id]);
    const mails = await eventually(async () => mailsTo(email).length >= sent[0].n && mailsTo(email), 'the notices in the sink', 60_000);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    for (const mail of mails) {
      const link = /\/c\/[a-z0-9-]+\/track\?code=(\d+)&lang=([a-z]+)#token=[A-Za-z0-9_-]+/.exec(mail.text!)!;
      expect(link?.[1], mail.text).toBe(code);
      expect(link[2]).toBe('ar');
    }
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND channel = 'sms' AND origin->>'caseId' = $2`, [ws.tenantId, id]);
    expect(rows[0].n).toBe(0);
  }, 120_000);

  it('is not asked of a case with no contact at all, and the case log says so', async () => {
    const ws = await workspace();
    const opened = await ok(ws, 'POST', '/api/complaints', { channel: 'in_person', description: 'A walk-in who left no name or number.' }, 'agent');
    await ok(ws, 'POST', `/api/complaints/${opened.id}/actions`, { action: 'acknowledge' });
    await close(ws, opened.id);
    const notice = await eventually(async () => (await csatNotice(ws, opened.id))[0], 'the decision about the question', 60_000);
    expect(notice).toMatchObject({ status: 'skipped', reason: 'no_contact', message_id: null });
    expect((await caseLog(ws, opened.id)).find((l) => l.action === 'csat_invited')!.details).toMatchObject({ skipped: 'no_contact' });
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND origin->>'notice' = 'csat'`, [ws.tenantId]);
    expect(rows[0].n).toBe(0);
  }, 120_000);
});
