import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import type { JobContext } from '../../platform/jobs/registry.ts';
import { DEFAULT_RECOURSE } from './complaint-settings.ts';
import { TRACK_TRIES_PER_CODE_PER_HOUR } from './tracking-limits.ts';
import { caseFeedbackSubscriber, caseLoopSubscriber } from './complaint.subscribers.ts';

// The customer's side of a case and the closed loop, on real parts: a role-'all' app (event relay,
// subscribers, the notice and invitation workers, the message dispatcher), a real SMTP server, the
// public routes over HTTP, the CSAT answered through the survey response API.

let t: TestApp;
let sink: SmtpSink;
const PUBLIC_URL = 'https://vafa.example.test';

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ role: 'all', env: { VAFA_PUBLIC_URL: PUBLIC_URL, VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

type Headers = Record<string, string>;
let addressSerial = 0;
/** Each public exchange from an address of its own, so per-address limits of one check do not meet another's. */
const freshAddress = () => `10.88.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers, payload?: unknown, remoteAddress = freshAddress()) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), remoteAddress });
  return { status: res.statusCode, body: res.json(), raw: res.body };
}
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'owner'): Headers => t.auth(ws.keys[role]);

async function ok(ws: TestWorkspace, method: 'POST' | 'PUT', url: string, payload: unknown, role: keyof TestWorkspace['keys'] = 'owner') {
  const res = await call(method, url, key(ws, role), payload);
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${res.raw}`);
  return res.body;
}

/** A workspace that mails the sink, with no quiet hours. */
async function workspace(country: 'IR' | 'SA' = 'IR'): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country });
  await ok(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: `care@${ws.slug}.example.test`, fromName: 'Vafa' });
  await ok(ws, 'PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 20, periodHours: 24 }, ratePerMinute: 6000 });
  return ws;
}

async function settings(ws: TestWorkspace, patch: Record<string, unknown>) {
  const current = (await call('GET', '/api/complaint-settings', key(ws))).body;
  const { defaultRecourse: _d, noticeTemplates: _n, ...editable } = current;
  return ok(ws, 'PUT', '/api/complaint-settings', { ...editable, ...patch });
}

async function step(ws: TestWorkspace, id: string, body: Record<string, unknown>) {
  const res = await call('POST', `/api/complaints/${id}/actions`, key(ws, 'agent'), body);
  expect(res.status, `${String(body.action)}: ${res.raw}`).toBe(200);
  return res.body;
}

const customerCall = (path: string, body: Record<string, unknown>, language = 'en') =>
  call('POST', `/api/public/complaints/case${path}`, { 'accept-language': language }, body);

const mailsTo = (address: string) => sink.messages.filter((m) => m.to.includes(address));

async function caseRow(ws: TestWorkspace, id: string) {
  const { rows: [row] } = await t.database.pool.query('SELECT * FROM complaint_cases WHERE tenant_id = $1 AND id = $2', [ws.tenantId, id]);
  const { rows: log } = await t.database.pool.query('SELECT * FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY id', [ws.tenantId, id]);
  return { row, log };
}

describe('the customer closes the loop from the tracking page', () => {
  it('follows a case from acknowledgement through a rejected resolution, an accepted one and a bad CSAT that reopens it', async () => {
    const ws = await workspace('IR');
    // a coupon gesture names the discount coupon whose code loyalty gives
    const coupon = await ok(ws, 'POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: 'کد تخفیف دلجویی' }, pointsCost: 500 });
    await settings(ws, { goodwill: { onFiling: { kind: 'points', amount: 100 }, onResolution: { kind: 'coupon', amount: 500_000, currency: 'IRR', rewardId: coupon.id } } });
    const email = `maryam-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { name: 'مریم رضایی', email, language: 'fa', preferredChannel: 'email', consent: { email: { granted: true } } });
    const opened = await ok(ws, 'POST', '/api/complaints', { channel: 'phone', customerId: customer.id, description: 'The parcel arrived broken.' }, 'agent');
    const id = opened.id as string;
    await step(ws, id, { action: 'acknowledge' });

    // The acknowledgement reaches the customer by e-mail, in Persian, with the code and a link that needs no typing.
    const [ack] = await eventually(async () => mailsTo(email).length >= 1 && mailsTo(email), 'the acknowledgement');
    expect(ack!.subject).toContain('شکایت شما دریافت شد');
    expect(ack!.html).toContain('dir="rtl"');
    expect(ack!.text).toMatch(/[۰-۹]{4}/);
    const link = /https:\/\/vafa\.example\.test\/c\/([a-z0-9-]+)\/track\?code=(\d+)&lang=fa#token=([A-Za-z0-9_-]+)/.exec(ack!.text!)!;
    expect(link[1]).toBe(ws.slug);
    expect(link[2]).toBe(opened.trackingCode);
    const token = link[3]!;
    // The outbox keeps the message without the token (sealed in its payload).
    const { rows: logged } = await t.database.pool.query(`SELECT body_text, payload::text AS payload, locale, channel, customer_id FROM messages WHERE tenant_id = $1 AND origin->>'caseId' = $2`, [ws.tenantId, id]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ locale: 'fa', channel: 'email', customer_id: customer.id });
    expect(logged[0].body_text).not.toContain(token);
    expect(logged[0].payload).not.toContain(token);

    // Engagement's built-in rule follows up a new complaint at once (it listens to complaint.received, which complaints publish).
    await eventually(async () => {
      const { rows } = await t.database.pool.query(`SELECT 1 FROM followups WHERE tenant_id = $1 AND customer_id = $2 AND source->>'topic' = 'complaint.received'`, [ws.tenantId, customer.id]);
      return rows.length === 1;
    }, 'the follow-up of the new complaint');

    const access = { workspace: ws.slug, code: opened.trackingCode, token };
    const viewed = await customerCall('', { ...access, language: 'fa' });
    expect(viewed.status, viewed.raw).toBe(200);
    expect(viewed.body).toMatchObject({ status: { state: 'acknowledged' }, actions: ['add_information'], resolutionSummary: null, recourse: null });

    // Asked for more, the customer adds it (proving with the e-mail this time): the case resumes where it was.
    await step(ws, id, { action: 'assess' });
    await step(ws, id, { action: 'wait_for_customer', note: 'Which order was it?' });
    const added = await customerCall('/messages', { workspace: ws.slug, code: opened.trackingCode, verification: email.toUpperCase(), message: 'Order 1042, delivered on Monday.' });
    expect(added.status, added.raw).toBe(200);
    expect(added.body.status.state).toBe('assessed');
    expect(added.body.history.at(-2)).toMatchObject({ kind: 'your_message', text: 'Order 1042, delivered on Monday.' });
    let log = (await caseRow(ws, id)).log;
    expect(log.at(-2)).toMatchObject({ kind: 'customer_message', actor_type: 'customer', note: 'Order 1042, delivered on Monday.' });
    expect(log.at(-1)).toMatchObject({ kind: 'transition', action: 'customer_replied', from_state: 'waiting_for_customer', to_state: 'assessed', actor_type: 'customer' });

    // Nothing to accept yet.
    expect((await customerCall('/accept', access)).status).toBe(409);

    await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'We will send a new one tomorrow.' });
    await step(ws, id, { action: 'communicate_resolution', rootCause: 'delivery' });
    const decision = await eventually(async () => mailsTo(email).find((m) => m.text?.includes('We will send a new one tomorrow.')), 'the decision notice');
    expect(decision.subject).toContain('پاسخ ما');
    const awaiting = await customerCall('', access, 'fa');
    expect(awaiting.body).toMatchObject({
      status: { state: 'resolution_communicated' }, resolutionSummary: 'We will send a new one tomorrow.',
      actions: ['add_information', 'accept_resolution', 'reject_resolution'], recourse: DEFAULT_RECOURSE.fa,
    });

    // Rejected: the case reopens, the reason is logged as the customer's, and the answer names the recourse.
    const rejected = await customerCall('/reject', { ...access, reason: 'A new one is not enough; I want a refund.' }, 'fa');
    expect(rejected.status, rejected.raw).toBe(200);
    expect(rejected.body).toMatchObject({ status: { state: 'reopened' }, recourse: DEFAULT_RECOURSE.fa, resolutionSummary: null });
    log = (await caseRow(ws, id)).log;
    expect(log.at(-1)).toMatchObject({ action: 'customer_rejects', to_state: 'reopened', actor_type: 'customer', note: 'A new one is not enough; I want a refund.' });

    await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'Full refund to your card.' });
    await step(ws, id, { action: 'communicate_resolution', rootCause: 'delivery' });
    const accepted = await customerCall('/accept', { ...access, note: 'Thank you.' });
    expect(accepted.status, accepted.raw).toBe(200);
    expect(accepted.body).toMatchObject({ status: { state: 'closed' }, actions: [], resolutionSummary: 'Full refund to your card.' });
    log = (await caseRow(ws, id)).log;
    expect(log.at(-1)).toMatchObject({ action: 'customer_accepts', from_state: 'resolution_communicated', to_state: 'closed', actor_type: 'customer', note: 'Thank you.' });

    // Closure notice, then the one-question CSAT (the default survey, made now) by e-mail.
    await eventually(async () => mailsTo(email).find((m) => m.subject.includes('بسته شد')), 'the closure notice');
    const invitation = await eventually(async () => mailsTo(email).find((m) => /\/s\/[A-Za-z0-9_-]{22}/.test(m.html ?? '')), 'the CSAT invitation');
    const surveyToken = /\/s\/([A-Za-z0-9_-]{22})/.exec(invitation.html!)![1]!;
    const { rows: [stored] } = await t.database.pool.query('SELECT default_csat_survey_id FROM complaint_settings WHERE tenant_id = $1', [ws.tenantId]);
    expect(stored.default_csat_survey_id).toEqual(expect.any(String));

    // Goodwill once per occasion: points on filing, a coupon on resolution.
    const { rows: goodwill } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.goodwill' ORDER BY id`, [ws.tenantId]);
    expect(goodwill.map((g) => g.payload)).toEqual([
      expect.objectContaining({ caseId: id, customerId: customer.id, occasion: 'filing', kind: 'points', amount: 100, idempotencyKey: `complaint-goodwill:${id}:filing` }),
      expect.objectContaining({ caseId: id, customerId: customer.id, occasion: 'resolution', kind: 'coupon', amount: 500_000, currency: 'IRR', rewardId: coupon.id }),
    ]);

    // A bad answer through the real response API reopens the case (the system's step, logged) and is kept for reports.
    const answered = await call('POST', `/api/public/surveys/${surveyToken}/responses`, {}, { answers: { csat: { score: 2 } }, complete: true });
    expect(answered.status, answered.raw).toBe(201);
    const reopened = await eventually(async () => {
      const { row, log: now } = await caseRow(ws, id);
      return row.state === 'reopened' && now;
    }, 'the reopening');
    expect(reopened.at(-1)).toMatchObject({ action: 'reopen', from_state: 'closed', to_state: 'reopened', actor_type: 'system' });
    expect(reopened.at(-1).note).toContain('CSAT 2');
    // response.submitted (which carries the scale's points) and feedback.negative (which reopens)
    // are handled in either order, so the row is read once both have been.
    const satisfaction = await eventually(async () => {
      const { rows } = await t.database.pool.query('SELECT score, points, negative, reopened, response_id FROM complaint_case_satisfaction WHERE tenant_id = $1 AND case_id = $2', [ws.tenantId, id]);
      return rows.length > 0 && rows.every((r) => r.points !== null) && rows;
    }, 'both events of the answer');
    expect(satisfaction).toEqual([{ score: 2, points: 5, negative: true, reopened: true, response_id: answered.body.responseId }]);
  }, 180_000);

  it('acknowledges an anonymous public filing on the channel it gave, in its language', async () => {
    const ws = await workspace('SA');
    const email = `anon-${ws.slug}@example.test`;
    const filed = await call('POST', '/api/public/complaints', {}, { workspace: ws.slug, name: 'سالم', email, description: 'تأخر الطلب أسبوعين.', language: 'ar' });
    expect(filed.status, filed.raw).toBe(201);
    const mail = await eventually(async () => mailsTo(email)[0], 'the Arabic acknowledgement');
    expect(mail.subject).toContain('استلمنا شكواك');
    expect(mail.html).toContain('lang="ar"');
    const { rows } = await t.database.pool.query(`SELECT channel, locale, customer_id, recipient FROM messages WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows).toEqual([{ channel: 'email', locale: 'ar', customer_id: null, recipient: email }]);

    // Only a phone: the notice is an SMS to it.
    const byPhone = await call('POST', '/api/public/complaints', {}, { workspace: ws.slug, name: 'نورة', phone: '0501234567', description: 'الفاتورة خاطئة.', language: 'en' });
    expect(byPhone.status).toBe(201);
    const sms = await eventually(async () => {
      const { rows: found } = await t.database.pool.query(`SELECT channel, locale, recipient, body_text FROM messages WHERE tenant_id = $1 AND channel = 'sms'`, [ws.tenantId]);
      return found[0];
    }, 'the SMS acknowledgement');
    expect(sms).toMatchObject({ channel: 'sms', locale: 'en', recipient: '+966501234567' });
    expect(sms.body_text).toContain('we have received your complaint');
  }, 120_000);
});

describe('notices', () => {
  it('tell of an escalation, wait out quiet hours after the acknowledgement, follow the switches and come once per transition', async () => {
    const ws = await workspace('IR');
    // Quiet from an hour ago to two hours from now, in the workspace's time zone (Tehran).
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Tehran' }).format(new Date()));
    const at = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    await ok(ws, 'PUT', '/api/messaging/policy', { quietHours: { from: at(hour - 1), to: at(hour + 2) }, frequencyCap: { count: 20, periodHours: 24 }, ratePerMinute: 6000 });
    const email = `quiet-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { name: 'Reza', email, language: 'en', preferredChannel: 'email', consent: { email: { granted: true } } });
    const opened = await ok(ws, 'POST', '/api/complaints', { channel: 'chat', customerId: customer.id, description: 'Charged twice.' }, 'agent');
    await step(ws, opened.id, { action: 'acknowledge' });
    const res = await call('POST', `/api/complaints/${opened.id}/actions`, key(ws, 'manager'), { action: 'escalate', note: 'VIP' });
    expect(res.status, res.raw).toBe(200);
    const notices = async () => (await t.database.pool.query(
      `SELECT n.kind, n.status, m.next_attempt_at, m.purpose, m.subject FROM complaint_notices n LEFT JOIN messages m ON m.tenant_id = n.tenant_id AND m.id = n.message_id
       WHERE n.tenant_id = $1 AND n.case_id = $2 ORDER BY n.created_at`, [ws.tenantId, opened.id])).rows;
    const both = await eventually(async () => {
      const rows = await notices();
      return rows.length === 2 && rows.every((r) => r.status === 'queued') && rows;
    }, 'both notices');
    const ack = both.find((r) => r.kind === 'acknowledged')!;
    const escalated = both.find((r) => r.kind === 'escalated')!;
    expect(ack.purpose).toBe('transactional');
    expect(escalated.subject).toContain('senior colleague');
    // The acknowledgement goes at once; the escalation waits for the end of quiet hours.
    expect(new Date(escalated.next_attempt_at).getTime() - Date.now()).toBeGreaterThan(30 * 60_000);
    await eventually(async () => mailsTo(email).length === 1, 'the acknowledgement, sent in quiet hours');

    // Redelivered, the transition's event decides nothing twice.
    const { rows: [event] } = await t.database.pool.query(
      `SELECT id, payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.state_changed' AND payload->>'to' = 'escalated'`, [ws.tenantId]);
    const context = { database: t.database, log: pino({ level: 'silent' }), queue: t.vafa.queue, clock: { now: () => new Date() } };
    await caseLoopSubscriber.job.run({ tenantId: ws.tenantId, id: Number(event.id), topic: 'complaint.state_changed', payload: event.payload, occurredAt: new Date().toISOString() }, context);
    expect(await notices()).toHaveLength(2);

    // Switched off, a kind is not sent.
    await settings(ws, { notices: { acknowledged: false, resolution_communicated: true, escalated: true, closed: true } });
    const second = await ok(ws, 'POST', '/api/complaints', { channel: 'chat', customerId: customer.id, description: 'Charged twice again.' }, 'agent');
    await step(ws, second.id, { action: 'acknowledge' });
    await step(ws, second.id, { action: 'assess' });
    // Run the acknowledgement's event here, so the check below cannot pass before the subscriber has seen it.
    const { rows: [ackEvent] } = await t.database.pool.query(
      `SELECT id, payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.state_changed' AND payload->>'caseId' = $2 AND payload->>'to' = 'acknowledged'`, [ws.tenantId, second.id]);
    await caseLoopSubscriber.job.run({ tenantId: ws.tenantId, id: Number(ackEvent.id), topic: 'complaint.state_changed', payload: ackEvent.payload, occurredAt: new Date().toISOString() }, context);
    const { rows: none } = await t.database.pool.query(`SELECT 1 FROM complaint_notices WHERE tenant_id = $1 AND case_id = $2`, [ws.tenantId, second.id]);
    expect(none).toHaveLength(0);
  }, 120_000);
});

describe('verification', () => {
  it('shows and changes nothing without proof, answers every miss with the same 404, and counts guesses with tracking', async () => {
    const ws = await workspace('IR');
    const other = await workspace('IR');
    const filed = await call('POST', '/api/public/complaints', {}, { workspace: ws.slug, name: 'Sara', phone: '09121112233', description: 'Rude staff.', language: 'en' });
    const code = filed.body.trackingCode as string;
    const good = { workspace: ws.slug, code, verification: '2233' };
    expect((await customerCall('', good)).status).toBe(200);

    const misses = [
      { ...good, verification: '9999' },
      { ...good, verification: 'sara@example.test' },
      { ...good, verification: undefined, token: 'A'.repeat(24) },
      // Another workspace's slug with this case's code and proof: workspaces never see each other's cases.
      { ...good, workspace: other.slug },
    ];
    const bodies = [];
    for (const miss of misses) {
      const res = await customerCall('', miss);
      expect(res.status).toBe(404);
      bodies.push(res.body);
    }
    expect(new Set(bodies.map((b) => JSON.stringify({ ...b, instance: undefined }))).size).toBe(1);
    expect(bodies[0].code).toBe('complaint_not_found');
    // Writes refused the same way, and nothing written.
    expect((await customerCall('/messages', { ...good, verification: '0000', message: 'hello' })).status).toBe(404);
    expect((await customerCall('/reject', { ...good, verification: '0000', reason: 'no' })).status).toBe(404);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM complaint_case_events WHERE tenant_id = $1 AND kind = 'customer_message'`, [ws.tenantId]);
    expect(rows[0].n).toBe(0);
    // No proof at all: a 4xx naming it; a mistyped code: the check digit says so.
    const none = await customerCall('', { workspace: ws.slug, code });
    expect(none.status).toBe(400);
    expect(none.raw).toContain('verification_required');
    expect((await customerCall('', { ...good, code: `${code.slice(0, -1)}${(Number(code.at(-1)) + 1) % 10}` })).status).toBe(422);

    // Guesses at one code from many addresses stop at tracking's hourly limit for that code.
    let limited = 0;
    for (let i = 0; i < TRACK_TRIES_PER_CODE_PER_HOUR + 2; i++) if ((await customerCall('', { ...good, verification: String(1000 + i) })).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
    expect((await customerCall('', good)).status).toBe(429);
  }, 120_000);
});

describe('merged cases', () => {
  it('lead the customer to the case that carries on, without telling them the duplicate closed', async () => {
    const ws = await workspace('IR');
    const file = async (description: string) => (await call('POST', '/api/public/complaints', {}, { workspace: ws.slug, name: 'Sara', phone: '09125556677', description, language: 'en' })).body;
    const duplicate = await file('The courier was rude.');
    const kept = await file('The courier was rude to me yesterday.');
    const ids = async (code: string) => (await t.database.pool.query('SELECT id FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [ws.tenantId, code])).rows[0].id as string;
    const [duplicateId, keptId] = [await ids(duplicate.trackingCode), await ids(kept.trackingCode)];
    await ok(ws, 'POST', `/api/complaints/${duplicateId}/merge`, { into: keptId }, 'manager');
    const viewed = await customerCall('', { workspace: ws.slug, code: duplicate.trackingCode, verification: '6677' });
    expect(viewed.status, viewed.raw).toBe(200);
    expect(viewed.body).toMatchObject({ trackingCode: kept.trackingCode, status: { state: 'acknowledged' }, actions: ['add_information'] });
    const added = await customerCall('/messages', { workspace: ws.slug, code: duplicate.trackingCode, verification: '6677', message: 'It was at 5 pm.' });
    expect(added.status, added.raw).toBe(200);
    const { rows: messages } = await t.database.pool.query(`SELECT case_id FROM complaint_case_events WHERE tenant_id = $1 AND kind = 'customer_message'`, [ws.tenantId]);
    expect(messages).toEqual([{ case_id: keptId }]);
    const { rows: [merge] } = await t.database.pool.query(
      `SELECT id, payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.state_changed' AND payload->>'caseId' = $2 AND payload->>'to' = 'closed'`, [ws.tenantId, duplicateId]);
    const context = { database: t.database, log: pino({ level: 'silent' }), queue: t.vafa.queue, clock: { now: () => new Date() } };
    await caseLoopSubscriber.job.run({ tenantId: ws.tenantId, id: Number(merge.id), topic: 'complaint.state_changed', payload: merge.payload, occurredAt: new Date().toISOString() }, context);
    const { rows: closureNotices } = await t.database.pool.query(`SELECT 1 FROM complaint_notices WHERE tenant_id = $1 AND case_id = $2 AND kind = 'closed'`, [ws.tenantId, duplicateId]);
    expect(closureNotices).toHaveLength(0);
  }, 60_000);
});

describe('negative feedback opens a case', () => {
  const context = (): JobContext => ({ database: t.database, log: pino({ level: 'silent' }), queue: t.vafa.queue, clock: { now: () => new Date() } });
  const negative = (ws: TestWorkspace, responseId: string, extra: Record<string, unknown> = {}) => ({
    tenantId: ws.tenantId, id: Math.floor(Math.random() * 1e9), topic: 'feedback.negative', occurredAt: new Date().toISOString(),
    payload: { surveyId: randomUUID(), responseId, reason: 'nps', score: 3, channel: 'sms', occurredAt: new Date().toISOString(), ...extra },
  });
  const casesFor = async (ws: TestWorkspace, responseId: string) =>
    (await t.database.pool.query('SELECT * FROM complaint_cases WHERE tenant_id = $1 AND related_response_id = $2', [ws.tenantId, responseId])).rows;

  it('opens one case per response, however often the event arrives, only when the workspace chose so', async () => {
    const ws = await workspace('IR');
    const customer = await createCustomer(t, ws, { name: 'Ali' });
    const responseId = randomUUID();
    // Off by default.
    await caseFeedbackSubscriber.job.run(negative(ws, responseId, { customerId: customer.id }), context());
    expect(await casesFor(ws, responseId)).toHaveLength(0);

    await settings(ws, { negativeFeedbackOpensCase: true });
    const event = negative(ws, responseId, { customerId: customer.id });
    await Promise.all([caseFeedbackSubscriber.job.run(event, context()), caseFeedbackSubscriber.job.run(event, context())]);
    await caseFeedbackSubscriber.job.run({ ...event, id: event.id + 1 }, context());
    const cases = await casesFor(ws, responseId);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ customer_id: customer.id, channel: 'sms', state: 'received', category: 'survey_nps', created_by: 'feedback' });

    // Through the real relay too: the event published twice still makes the one case.
    const viaOutbox = randomUUID();
    for (let i = 0; i < 2; i++) {
      await t.database.pool.query(`INSERT INTO outbox_events (tenant_id, topic, payload) VALUES ($1, 'feedback.negative', $2)`, [ws.tenantId, JSON.stringify(negative(ws, viaOutbox).payload)]);
    }
    await eventually(async () => (await casesFor(ws, viaOutbox)).length === 1, 'the case from the relayed event');
    await eventually(async () => {
      const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND payload->>'responseId' = $2 AND outbox_event_pending(xid, id)`, [ws.tenantId, viaOutbox]);
      return rows[0].n === 0;
    }, 'both deliveries relayed');
    expect(await casesFor(ws, viaOutbox)).toHaveLength(1);

    // An answer about a case (the post-closure survey) never opens another one.
    const aboutCase = randomUUID();
    await caseFeedbackSubscriber.job.run(negative(ws, aboutCase, { context: { caseId: cases[0].id } }), context());
    expect(await casesFor(ws, aboutCase)).toHaveLength(0);
    // And another workspace's setting is its own.
    const other = await workspace('IR');
    const elsewhere = randomUUID();
    await caseFeedbackSubscriber.job.run(negative(other, elsewhere), context());
    expect(await casesFor(other, elsewhere)).toHaveLength(0);
  }, 120_000);
});

describe('settings', () => {
  it('are the workspace\'s own, managed by managers, and refuse a survey of another workspace', async () => {
    const ws = await workspace('IR');
    const other = await workspace('IR');
    const initial = (await call('GET', '/api/complaint-settings', key(ws, 'agent'))).body;
    expect(initial).toMatchObject({ negativeFeedbackOpensCase: false, csat: { enabled: true, surveyId: null }, defaultRecourse: DEFAULT_RECOURSE });
    const { defaultRecourse: _d, noticeTemplates: _n, ...editable } = initial;
    expect((await call('PUT', '/api/complaint-settings', key(ws, 'agent'), editable)).status).toBe(403);
    const foreignSurvey = (await ok(other, 'POST', '/api/surveys', { template: 'nps' })).id;
    const refused = await call('PUT', '/api/complaint-settings', key(ws), { ...editable, csat: { enabled: true, surveyId: foreignSurvey } });
    expect(refused.status).toBe(422);
    expect(refused.raw).toContain('unknown_survey');
    const saved = await ok(ws, 'PUT', '/api/complaint-settings', { ...editable, recourse: { en: 'Write to our ombudsman at ombudsman@example.test.' } });
    expect(saved.recourse).toEqual({ en: 'Write to our ombudsman at ombudsman@example.test.' });
    expect((await call('GET', '/api/complaint-settings', key(other))).body.recourse).toEqual({});
  }, 60_000);
});

describe('staff reply to the complainant and keep internal notes', () => {
  it('a reply is the first response, reaches the customer by e-mail and shows on the tracking page; a note stays inside', async () => {
    const ws = await workspace('IR');
    await ok(ws, 'POST', '/api/complaints/settings/sla-policies', { name: 'replies', category: 'billing', targets: { firstResponse: 240 } });
    const email = `reza-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { name: 'رضا کریمی', email, language: 'fa', preferredChannel: 'email', consent: { email: { granted: true } } });
    const opened = await ok(ws, 'POST', '/api/complaints', { channel: 'phone', customerId: customer.id, category: 'billing', description: 'I was charged twice.' }, 'agent');
    const id = opened.id as string;
    const sla = async () => (await call('GET', `/api/complaints/${id}/sla`, key(ws, 'agent'))).body;
    expect((await sla()).targets.firstResponse.state).toBe('running');

    const note = await call('POST', `/api/complaints/${id}/notes`, key(ws, 'agent'), { text: 'Checked the gateway log: two captures, one refund pending.' });
    expect(note.status, note.raw).toBe(201);
    expect(note.body.events.at(-1)).toMatchObject({ kind: 'note', action: 'note', note: 'Checked the gateway log: two captures, one refund pending.', actorType: 'agent' });
    // A note is no response: the clock runs on.
    expect((await sla()).targets.firstResponse.state).toBe('running');

    const replied = await call('POST', `/api/complaints/${id}/replies`, key(ws, 'agent'), { text: 'سلام، مبلغ اضافه تا سه روز کاری به کارت شما برمی‌گردد.' });
    expect(replied.status, replied.raw).toBe(201);
    expect(replied.body.events.at(-1)).toMatchObject({ kind: 'response', action: 'reply', note: 'سلام، مبلغ اضافه تا سه روز کاری به کارت شما برمی‌گردد.', actorType: 'agent' });
    expect((await sla()).targets.firstResponse.state).toBe('met');

    // The customer gets the reply's text by e-mail, in Persian, with the tracking link; the note never leaves.
    const mail = await eventually(async () => mailsTo(email).find((m) => m.text?.includes('مبلغ اضافه تا سه روز کاری')), 'the reply by e-mail');
    expect(mail.subject).toContain('پاسخ به شکایت شما');
    expect(mail.text).not.toContain('gateway log');
    const link = /\/c\/[a-z0-9-]+\/track\?code=(\d+)&lang=fa#token=([A-Za-z0-9_-]+)/.exec(mail.text!)!;
    const viewed = await customerCall('', { workspace: ws.slug, code: link[1], token: link[2] }, 'fa');
    expect(viewed.status, viewed.raw).toBe(200);
    expect(viewed.body.history.filter((e: { kind: string }) => e.kind === 'our_reply')).toEqual([expect.objectContaining({ text: 'سلام، مبلغ اضافه تا سه روز کاری به کارت شما برمی‌گردد.' })]);
    expect(JSON.stringify(viewed.body)).not.toContain('gateway log');

    // A closed case takes notes but no replies; garbage and other workspaces are refused, with nothing written.
    await step(ws, id, { action: 'acknowledge' });
    await step(ws, id, { action: 'assess' });
    await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'Refunded the second charge.' });
    await step(ws, id, { action: 'communicate_resolution', rootCause: 'price_billing' });
    await step(ws, id, { action: 'close' });
    const late = await call('POST', `/api/complaints/${id}/replies`, key(ws, 'agent'), { text: 'One more thing.' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('closed_case');
    expect((await call('POST', `/api/complaints/${id}/notes`, key(ws, 'agent'), { text: 'The bank confirmed the refund.' })).status).toBe(201);
    for (const body of [{}, { text: '' }, { text: '   ' }, { text: 'x'.repeat(4001) }, { text: 'bell\u0007' }, { text: 42 }, { text: 'ok', extra: 1 }]) {
      const res = await call('POST', `/api/complaints/${id}/notes`, key(ws, 'agent'), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const other = await workspace('IR');
    expect((await call('POST', `/api/complaints/${id}/notes`, key(other, 'agent'), { text: 'not mine' })).status).toBe(404);
    expect((await call('POST', `/api/complaints/${id}/replies`, key(ws, 'analyst'), { text: 'analysts only read' })).status).toBe(403);
    // Nothing refused was written: the two notes and the one reply are all the staff's text on the case.
    const written = (await caseRow(ws, id)).log.filter((e) => e.kind === 'note' && e.action === 'note' || e.kind === 'response');
    expect(written.map((e) => e.note)).toEqual([
      'Checked the gateway log: two captures, one refund pending.', 'سلام، مبلغ اضافه تا سه روز کاری به کارت شما برمی‌گردد.', 'The bank confirmed the refund.',
    ]);
  }, 120_000);
});
