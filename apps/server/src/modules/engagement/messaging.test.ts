import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMessages, type NewMessage } from '../../platform/messaging/outbox.ts';
import { twilioSignature } from '../../platform/messaging/sms-providers.ts';
import { callbackToken } from '../../platform/messaging/tokens.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { smsProviderServer, type SmsProviderServer } from '../../../test/sms-provider.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';

// The whole path on real parts: messages queued in the outbox, the dispatcher of a role-'all'
// process applying the guard, a real SMTP server and a local HTTP server speaking Kavenegar's
// and Twilio's APIs, public unsubscribe and delivery-report routes over real HTTP.

let t: TestApp;
let baseUrl: string;
let sink: SmtpSink;
let sms: SmsProviderServer;
const KAVENEGAR_KEY = 'kv-4f6b1c2d-secret-api-key';
const TWILIO_SID = `AC${'ab12'.repeat(8)}`;
const TWILIO_TOKEN = 'tw-auth-token-very-secret-7781';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function call(ws: TestWorkspace, method: string, url: string, payload?: unknown, role: keyof TestWorkspace['keys'] = 'owner') {
  return t.app.inject({ method: method as 'GET', url, headers: t.auth(ws.keys[role]), ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function ok(ws: TestWorkspace, method: string, url: string, payload?: unknown) {
  const res = await call(ws, method, url, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function messageIn(ws: TestWorkspace, id: string, statuses: string[]) {
  return until(`message ${id} in ${statuses.join('/')}`, async () => {
    const m = await ok(ws, 'GET', `/api/messages/${id}`);
    return statuses.includes(m.status) ? m : null;
  });
}

async function queue(ws: TestWorkspace, messages: Omit<NewMessage, 'origin'>[]): Promise<string[]> {
  return queueMessages(t.database.db, ws.tenantId, messages.map((m) => ({ origin: { ruleId: '5b0c9b7e-0000-4000-8000-000000000001' }, ...m })));
}

/** A workspace with SMTP pointing at the sink and no quiet hours (the tests below control time by zone). */
async function workspace(policy: Record<string, unknown> = {}): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  await ok(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: `shop@${ws.slug}.example.test`, fromName: 'فروشگاه وفا' });
  await ok(ws, 'PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 10, periodHours: 24 }, ratePerMinute: 6000, ...policy });
  return ws;
}

const mailsTo = (address: string) => sink.messages.filter((m) => m.to.includes(address));

beforeAll(async () => {
  sink = await startSmtpSink();
  sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY }, twilio: { accountSid: TWILIO_SID, authToken: TWILIO_TOKEN } });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  t = await startTestApp({ role: 'all', env: { PORT: String(port), VAFA_PUBLIC_URL: baseUrl, VAFA_ANON_RATE_LIMIT: '1000', VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  await t.vafa.listen();
}, 60_000);

afterAll(async () => {
  await t?.close();
  await sink?.close();
  await sms?.close();
});

describe('consent at dispatch', () => {
  it('suppresses a message to a customer without consent; nothing reaches SMTP; the timeline says so', async () => {
    const ws = await workspace();
    const email = `no-consent-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email });
    const withConsent = await createCustomer(t, ws, { email: `yes-${ws.slug}@example.test`, consent: { email: { granted: true } } });
    const [id, sentId] = await queue(ws, [
      { customerId: customer.id, channel: 'email', recipient: email, locale: 'fa', subject: 'سلام', bodyText: 'متن' },
      { customerId: withConsent.id, channel: 'email', recipient: `yes-${ws.slug}@example.test`, locale: 'fa', subject: 'سلام', bodyText: 'متن' },
    ]);
    const message = await messageIn(ws, id!, ['suppressed']);
    expect(message.reason).toBe('no_consent');
    await messageIn(ws, sentId!, ['sent']);
    expect(mailsTo(email)).toHaveLength(0);
    expect(mailsTo(`yes-${ws.slug}@example.test`)).toHaveLength(1);

    const timeline = await ok(ws, 'GET', `/api/customers/${customer.id}/timeline`);
    const entry = timeline.items.find((i: { kind: string }) => i.kind === 'message.email');
    expect(entry).toMatchObject({ channel: 'email', stage: 'non-sale', externalId: `message:${id}`, data: { messageId: id, status: 'suppressed', reason: 'no_consent' } });
    // Sending a message is not the customer's activity.
    expect((await ok(ws, 'GET', `/api/customers/${customer.id}`)).lastSeenAt ?? null).toBeNull();
  });
});

describe('quiet hours', () => {
  it("defers an automated message to the end of quiet hours in the customer's time zone and does not send it", async () => {
    const ws = await workspace({ quietHours: { from: '21:00', to: '09:00' } });
    // A fixed-offset zone where it is 02:xx now: quiet, and the window ends at 09:00 the same local day.
    const now = new Date();
    let offset = (2 - now.getUTCHours() + 24) % 24;
    if (offset > 14) offset -= 24;
    const zone = offset === 0 ? 'UTC' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
    const local = new Date(now.getTime() + offset * 3_600_000);
    const expected = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 9, 0) - offset * 3_600_000);

    const email = `night-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email, timeZone: zone, consent: { email: { granted: true } } });
    const [id, receipt] = await queue(ws, [
      { customerId: customer.id, channel: 'email', recipient: email, locale: 'en', subject: 'Good night', bodyText: 'zzz' },
      { customerId: customer.id, channel: 'email', recipient: email, locale: 'en', subject: 'Your receipt', bodyText: 'paid', purpose: 'transactional' },
    ]);
    const deferred = await until('deferral', async () => {
      const m = await ok(ws, 'GET', `/api/messages/${id}`);
      return m.status === 'queued' && m.reason === 'quiet_hours' ? m : null;
    });
    expect(deferred.nextAttemptAt).toBe(expected.toISOString());
    // Transactional mail is an answer to the customer's own act: it goes now.
    await messageIn(ws, receipt!, ['sent']);
    const mails = mailsTo(email);
    expect(mails.map((m) => m.subject)).toEqual(['Your receipt']);
    // A receipt carries no unsubscribe link.
    expect(mails[0]!.headers.has('list-unsubscribe')).toBe(false);
  });
});

describe('frequency cap', () => {
  it('lets through as many automated messages as the cap allows, in one batch, and suppresses the rest', async () => {
    const ws = await workspace({ frequencyCap: { count: 2, periodHours: 24 } });
    const email = `cap-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email, consent: { email: { granted: true } } });
    const ids = await queue(ws, Array.from({ length: 5 }, (_, i) => ({
      customerId: customer.id, channel: 'email' as const, recipient: email, locale: 'fa', subject: `پیام ${i}`, bodyText: `متن ${i}`,
    })));
    const final = await Promise.all(ids.map((id) => messageIn(ws, id, ['sent', 'suppressed'])));
    expect(final.filter((m) => m.status === 'sent')).toHaveLength(2);
    const suppressed = final.filter((m) => m.status === 'suppressed');
    expect(suppressed).toHaveLength(3);
    for (const m of suppressed) expect(m.reason).toBe('frequency_cap');
    expect(mailsTo(email)).toHaveLength(2);

    // The cap also holds across batches: a sixth one later is suppressed too.
    const [later] = await queue(ws, [{ customerId: customer.id, channel: 'email', recipient: email, locale: 'fa', subject: 'بعدی', bodyText: 'x' }]);
    expect((await messageIn(ws, later!, ['sent', 'suppressed'])).reason).toBe('frequency_cap');
    expect(mailsTo(email)).toHaveLength(2);

    const page = await ok(ws, 'GET', `/api/customers/${customer.id}/messages?status=suppressed&limit=2`);
    expect(page.items).toHaveLength(2);
    const rest = await ok(ws, 'GET', `/api/customers/${customer.id}/messages?status=suppressed&limit=2&cursor=${page.nextCursor}`);
    expect(rest.items).toHaveLength(2);
    expect(rest.nextCursor).toBeNull();
    expect(new Set([...page.items, ...rest.items].map((m: { id: string }) => m.id)).size).toBe(4);
  });
});

describe('one-click unsubscribe', () => {
  it('revokes consent from the List-Unsubscribe header of a received mail; later mail is suppressed', async () => {
    const ws = await workspace();
    const email = `unsub-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email, consent: { email: { granted: true } } });
    const [id] = await queue(ws, [{ customerId: customer.id, channel: 'email', recipient: email, locale: 'fa', subject: 'خبرنامه', bodyText: 'سلام' }]);
    await messageIn(ws, id!, ['sent']);
    const [mail] = mailsTo(email);
    expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    // Another role-'all' test process may have sent it (dispatchers share the database): its link has that process's origin.
    const link = `${baseUrl}${new URL(/<([^>]+)>/.exec(mail!.headers.get('list-unsubscribe')!)![1]!).pathname}`;
    expect(link).toMatch(/\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    // A GET (a mail scanner following the link) only asks.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('dir="rtl"');
    expect(html).toContain('لغو اشتراک');
    expect((await ok(ws, 'GET', `/api/customers/${customer.id}`)).consent.email.granted).toBe(true);

    const post = () => fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const first = await post();
    expect(first.status).toBe(200);
    await first.text();
    const after = await ok(ws, 'GET', `/api/customers/${customer.id}`);
    expect(after.consent.email).toMatchObject({ granted: false, source: 'unsubscribe' });
    // Idempotent: a second click answers 200 and records nothing more.
    expect((await post()).status).toBe(200);
    const { rows } = await t.database.pool.query(`SELECT status, source FROM consent_events WHERE tenant_id = $1 AND customer_id = $2 AND channel = 'email' ORDER BY id`, [ws.tenantId, customer.id]);
    expect(rows).toEqual([{ status: 'granted', source: 'api' }, { status: 'withdrawn', source: 'unsubscribe' }]);

    const [later] = await queue(ws, [{ customerId: customer.id, channel: 'email', recipient: email, locale: 'fa', subject: 'دوباره', bodyText: 'x' }]);
    expect((await messageIn(ws, later!, ['sent', 'suppressed'])).reason).toBe('unsubscribed');
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('answers 404 problem for a forged or altered link and changes nothing', async () => {
    const ws = await workspace();
    const email = `forge-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email, consent: { email: { granted: true } } });
    const [id] = await queue(ws, [{ customerId: customer.id, channel: 'email', recipient: email, locale: 'en', subject: 'Hi', bodyText: 'x' }]);
    await messageIn(ws, id!, ['sent']);
    const link = `${baseUrl}${new URL(/<([^>]+)>/.exec(mailsTo(email)[0]!.headers.get('list-unsubscribe')!)![1]!).pathname}`;
    const token = link.split('/u/')[1]!;
    const [body, mac] = token.split('.');
    const altered = `${body!.slice(0, -2)}${body!.endsWith('AA') ? 'AB' : 'AA'}.${mac}`;
    for (const bad of [`${body}.${'x'.repeat(mac!.length)}`, altered, 'not-a-token-at-all']) {
      const res = await fetch(`${baseUrl}/u/${bad}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).code).toBe('not_found');
    }
    const english = await (await fetch(link)).text();
    expect(english).toContain('dir="ltr"');
    expect((await ok(ws, 'GET', `/api/customers/${customer.id}`)).consent.email.granted).toBe(true);
  });
});

describe('SMS delivery reports', () => {
  it('moves a Kavenegar SMS to delivered from its report, and the timeline entry shows it', async () => {
    const ws = await workspace();
    const put = await ok(ws, 'PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    expect(JSON.stringify(put)).not.toContain(KAVENEGAR_KEY);
    const customer = await createCustomer(t, ws, { phone: '09125550101', consent: { sms: { granted: true } } });
    const [id] = await queue(ws, [{ customerId: customer.id, channel: 'sms', recipient: '+989125550101', locale: 'fa', bodyText: 'سفارش شما رسید' }]);
    await messageIn(ws, id!, ['sent']);
    const send = sms.sends.find((s) => s.params.localid === id)!;
    expect(send.params.receptor).toBe('+989125550101');

    const callback = `${baseUrl}/hooks/sms/kavenegar/${callbackToken(t.vafa.config, ws.tenantId)}`;
    expect(await sms.kavenegarReport(callback, send.providerMessageId, 10)).toBe(200);
    const delivered = await messageIn(ws, id!, ['delivered']);
    expect(delivered.deliveredAt).not.toBeNull();
    const timeline = await ok(ws, 'GET', `/api/customers/${customer.id}/timeline?kinds=message.sms`);
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0].data).toMatchObject({ messageId: id, status: 'delivered' });
    // The same report again changes nothing; one for another workspace's token is refused.
    expect(await sms.kavenegarReport(callback, send.providerMessageId, 10)).toBe(200);
    const other = await workspace();
    expect(await sms.kavenegarReport(`${baseUrl}/hooks/sms/kavenegar/${callbackToken(t.vafa.config, other.tenantId)}`, send.providerMessageId, 6)).toBe(404);
    expect(await sms.kavenegarReport(`${baseUrl}/hooks/sms/kavenegar/forged.token-value`, send.providerMessageId, 6)).toBe(404);
    expect((await ok(ws, 'GET', `/api/messages/${id}`)).status).toBe('delivered');
  });

  it("records a signed Twilio status callback and refuses a forged signature", async () => {
    const ws = await workspace();
    await ok(ws, 'PUT', '/api/messaging/channels/sms', { provider: 'twilio', baseUrl: sms.url, sender: '+15005550006', accountSid: TWILIO_SID, authToken: TWILIO_TOKEN });
    const customer = await createCustomer(t, ws, { phone: '09125550102', consent: { sms: { granted: true } } });
    const [id] = await queue(ws, [{ customerId: customer.id, channel: 'sms', recipient: '+989125550102', locale: 'fa', bodyText: 'سلام' }]);
    const sent = await messageIn(ws, id!, ['sent']);
    const sid = (await ok(ws, 'GET', `/api/messages/${id}`)).providerMessageId as string;
    expect(sid).toMatch(/^SM/);
    expect(sent.provider).toBe('twilio');

    const send = sms.sends.find((s) => s.providerMessageId === sid)!;
    const path = `/hooks/sms/twilio/${callbackToken(t.vafa.config, ws.tenantId)}`;
    expect(new URL(send.params.StatusCallback!).pathname).toBe(path);
    // Signed over this process's URL as Twilio signs the StatusCallback it was given (another
    // role-'all' test process sharing the database may have made the send, with its own origin).
    const report = async (signWith: string) => {
      const params = { AccountSid: TWILIO_SID, ApiVersion: '2010-04-01', From: '+15005550006', To: '+989125550102', MessageSid: sid, SmsSid: sid, MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: '30003' };
      const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'x-twilio-signature': twilioSignature(signWith, `${baseUrl}${path}`, params) }, body: new URLSearchParams(params) });
      await res.body?.cancel();
      return res.status;
    };
    expect(await report('wrong-token')).toBe(403);
    expect((await ok(ws, 'GET', `/api/messages/${id}`)).status).toBe('sent');
    expect(await report(TWILIO_TOKEN)).toBe(200);
    const failed = await messageIn(ws, id!, ['failed']);
    expect(failed.reason).toBe('sms_30003');
    const timeline = await ok(ws, 'GET', `/api/customers/${customer.id}/timeline?kinds=message.sms`);
    expect(timeline.items[0].data).toMatchObject({ status: 'failed', reason: 'sms_30003' });
  });
});

describe('channel settings', () => {
  it('never echoes secrets and keeps a stored secret when it is left out', async () => {
    const ws = await t.createWorkspace();
    const password = 'smtp-pässword-98765';
    const put = await call(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, user: 'mailer', password, fromAddress: 'a@example.test' });
    expect(put.statusCode).toBe(200);
    expect(put.body).not.toContain(password);
    expect(put.json()).toMatchObject({ configured: true, passwordSet: true, user: 'mailer', enabled: true });
    const again = await call(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, user: 'mailer', fromAddress: 'b@example.test' });
    expect(again.json()).toMatchObject({ passwordSet: true, fromAddress: 'b@example.test' });
    const get = await call(ws, 'GET', '/api/messaging/channels/email');
    expect(get.body).not.toContain(password);
    const { rows } = await t.database.pool.query(`SELECT settings::text AS s, secret_sealed FROM message_channels WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].s).not.toContain(password);
    expect(rows[0].secret_sealed).not.toContain(password);

    const smsPut = await call(ws, 'PUT', '/api/messaging/channels/sms', { provider: 'twilio', sender: '+15005550006', accountSid: TWILIO_SID, authToken: TWILIO_TOKEN });
    expect(smsPut.statusCode).toBe(200);
    expect(smsPut.body).not.toContain(TWILIO_TOKEN);
    expect(smsPut.json()).toMatchObject({ provider: 'twilio', secretSet: true, accountSid: TWILIO_SID, sender: '+15005550006' });
    expect((await call(ws, 'GET', '/api/messaging/channels/sms')).body).not.toContain(TWILIO_TOKEN);
    // Twilio's token is no Kavenegar key: switching provider needs a new secret.
    const switched = await call(ws, 'PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', sender: '10004346' });
    expect(switched.statusCode).toBe(422);
    expect(switched.json().code).toBe('channel_secret_required');

    const audit = await t.database.pool.query(`SELECT action, details::text AS d FROM audit_log WHERE tenant_id = $1 AND action LIKE 'messaging.%'`, [ws.tenantId]);
    expect(audit.rows.filter((r) => r.action === 'messaging.channel_changed')).toHaveLength(3);
    for (const r of audit.rows) expect(r.d).not.toContain(password);
  });

  it('sends a test message through the e-mail and SMS channels now', async () => {
    const ws = await workspace();
    const to = `test-${ws.slug}@example.test`;
    const res = await ok(ws, 'POST', '/api/messaging/channels/email/test', { to });
    expect(res).toMatchObject({ sent: true, reason: null });
    expect(mailsTo(to)).toHaveLength(1);
    expect(mailsTo(to)[0]!.subject).toBe('پیام آزمایشی وفا');

    const unset = await call(ws, 'POST', '/api/messaging/channels/sms/test', { to: '09125550103' });
    expect(unset.statusCode).toBe(409);
    expect(unset.json().code).toBe('channel_not_configured');
    await ok(ws, 'PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    expect(await ok(ws, 'POST', '/api/messaging/channels/sms/test', { to: '۰۹۱۲۵۵۵۰۱۰۳' })).toMatchObject({ sent: true, provider: 'kavenegar' });
    expect(sms.sends.some((s) => s.params.receptor === '+989125550103')).toBe(true);
    const bad = await call(ws, 'POST', '/api/messaging/channels/email/test', { to: 'not an address' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('invalid_email');
  });
});

describe('webhook endpoints', () => {
  it('shows the signing secret once, lists without it, deletes, and audits', async () => {
    const ws = await t.createWorkspace();
    const created = await call(ws, 'POST', '/api/webhooks', { name: 'CRM', url: 'https://crm.example.test/hooks/vafa' });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const list = await call(ws, 'GET', '/api/webhooks');
    expect(list.json().items).toEqual([expect.objectContaining({ id, name: 'CRM', url: 'https://crm.example.test/hooks/vafa' })]);
    expect(list.body).not.toContain(secret.slice(6));
    for (const url of ['javascript:alert(1)', 'ftp://example.test/x', 'not a url']) {
      const res = await call(ws, 'POST', '/api/webhooks', { name: 'bad', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await call(ws, 'DELETE', `/api/webhooks/${id}`)).statusCode).toBe(204);
    expect((await call(ws, 'DELETE', `/api/webhooks/${id}`)).statusCode).toBe(404);
    const { rows } = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'messaging.webhook%' ORDER BY id`, [ws.tenantId]);
    expect(rows.map((r) => r.action)).toEqual(['messaging.webhook_created', 'messaging.webhook_deleted']);
  });
});

describe('retry', () => {
  it('puts a dead message back in the queue; other statuses answer 409; agents may not', async () => {
    const ws = await workspace();
    const email = `retry-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email, consent: { email: { granted: true } } });
    sink.failNext(1, 550, 'Mailbox unavailable');
    const [id] = await queue(ws, [{ customerId: customer.id, channel: 'email', recipient: email, locale: 'fa', subject: 'دوباره', bodyText: 'x' }]);
    const dead = await messageIn(ws, id!, ['dead']);
    expect(dead.reason).toBe('smtp_550');
    expect(mailsTo(email)).toHaveLength(0);

    const agent = await call(ws, 'POST', `/api/messages/${id}/retry`, undefined, 'agent');
    expect(agent.statusCode).toBe(403);
    const retried = await call(ws, 'POST', `/api/messages/${id}/retry`, undefined, 'manager');
    expect(retried.statusCode).toBe(200);
    expect(retried.json().attempts).toBe(0);
    await messageIn(ws, id!, ['sent']);
    expect(mailsTo(email)).toHaveLength(1);
    const timeline = await ok(ws, 'GET', `/api/customers/${customer.id}/timeline?kinds=message.email`);
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0].data).toMatchObject({ status: 'sent' });

    const again = await call(ws, 'POST', `/api/messages/${id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('message_not_retryable');
    expect((await call(ws, 'POST', '/api/messages/00000000-0000-4000-8000-000000000000/retry')).statusCode).toBe(404);
  });
});

describe('policy, roles and garbage', () => {
  it('reads and writes the policy; quiet hours null round-trips', async () => {
    const ws = await t.createWorkspace();
    expect(await ok(ws, 'GET', '/api/messaging/policy')).toEqual({ quietHours: { from: '21:00', to: '09:00' }, frequencyCap: { count: 3, periodHours: 24 }, ratePerMinute: 6000 });
    const policy = { quietHours: { from: '22:30', to: '08:00' }, frequencyCap: { count: 5, periodHours: 48 }, ratePerMinute: 120 };
    expect(await ok(ws, 'PUT', '/api/messaging/policy', policy)).toEqual(policy);
    expect(await ok(ws, 'PUT', '/api/messaging/policy', { ...policy, quietHours: null })).toMatchObject({ quietHours: null });
    expect((await call(ws, 'GET', '/api/messaging/policy', undefined, 'agent')).statusCode).toBe(200);
  });

  it('keeps channels and policy to admins', async () => {
    const ws = await t.createWorkspace();
    const email = { host: 'smtp.example.test', port: 587, fromAddress: 'x@example.test' };
    await ok(ws, 'POST', '/api/webhooks', { name: 'crm', url: 'https://example.test/crm' });
    for (const role of ['agent', 'manager', 'analyst'] as const) {
      for (const [method, url, body] of [
        ['PUT', '/api/messaging/channels/email', email], ['GET', '/api/messaging/channels/email', undefined], ['POST', '/api/webhooks', { name: 'x', url: 'https://example.test/x' }],
        ['PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 1, periodHours: 1 }, ratePerMinute: 1 }],
      ] as const) {
        const res = await call(ws, method, url, body, role);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
      }
      // whoever edits or reads rules may see which endpoints exist, never their secrets
      const endpoints = await call(ws, 'GET', '/api/webhooks', undefined, role);
      expect(endpoints.statusCode).toBe(200);
      expect(endpoints.json().items).toHaveLength(1);
      expect(endpoints.body).not.toContain('whsec_');
    }
    expect((await call(ws, 'PUT', '/api/messaging/channels/email', email, 'admin')).statusCode).toBe(200);
    expect((await call(ws, 'GET', '/api/messages', undefined, 'analyst')).statusCode).toBe(200);
  });

  it('answers garbage with 4xx problems', async () => {
    const ws = await t.createWorkspace();
    const cases: [string, string, unknown][] = [
      ['PUT', '/api/messaging/policy', { quietHours: { from: '09:00', to: '09:00' }, frequencyCap: { count: 1, periodHours: 1 }, ratePerMinute: 1 }],
      ['PUT', '/api/messaging/policy', { quietHours: { from: '25:00', to: '09:00' }, frequencyCap: { count: 1, periodHours: 1 }, ratePerMinute: 1 }],
      ['PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 0, periodHours: 1 }, ratePerMinute: 1 }],
      ['PUT', '/api/messaging/channels/email', { host: 'smtp.example.test', port: 70000, fromAddress: 'x@example.test' }],
      ['PUT', '/api/messaging/channels/email', { host: 'smtp.example.test', port: 25, fromAddress: 'not-an-address' }],
      ['PUT', '/api/messaging/channels/email', { host: 'evil host\r\nRCPT', port: 25, fromAddress: 'x@example.test' }],
      ['PUT', '/api/messaging/channels/sms', { provider: 'acme', sender: '1000', apiKey: 'k' }],
      ['PUT', '/api/messaging/channels/sms', { provider: 'twilio', sender: '+1500', accountSid: 'nope', authToken: 't' }],
      ['POST', '/api/messaging/channels/push/test', { to: 'x@example.test' }],
      ['GET', '/api/messages?status=lost', undefined],
      ['GET', '/api/messages?cursor=%E2%9C%93', undefined],
      ['GET', '/api/messages?cursor=bm90LWEtY3Vyc29y', undefined],
      ['GET', '/api/messages/not-a-uuid', undefined],
    ];
    for (const [method, url, body] of cases) {
      const res = await call(ws, method, url, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // Public routes: form bodies with NUL, unknown providers, junk tokens.
    const nul = await fetch(`${baseUrl}/u/${'a'.repeat(20)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One%00Click' });
    expect(nul.status).toBe(400);
    await nul.body?.cancel();
    const provider = await fetch(`${baseUrl}/hooks/sms/acme/${callbackToken(t.vafa.config, ws.tenantId)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect([400, 404]).toContain(provider.status);
    await provider.body?.cancel();
    // A workspace whose SMS channel is not set up takes no reports.
    const unset = await fetch(`${baseUrl}/hooks/sms/kavenegar/${callbackToken(t.vafa.config, ws.tenantId)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'messageid=1&status=10' });
    expect(unset.status).toBe(404);
    await unset.body?.cancel();
  });
});

describe('privacy', () => {
  it("drops an erased customer's addresses and contents from messages, and moves messages with a merge", async () => {
    const ws = await workspace();
    const email = `erase-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email, consent: { email: { granted: true } } });
    const [id] = await queue(ws, [{ customerId: customer.id, channel: 'email', recipient: email, locale: 'fa', subject: 'محرمانه', bodyText: 'متن خصوصی' }]);
    await messageIn(ws, id!, ['sent']);
    const exported = await ok(ws, 'GET', `/api/customers/${customer.id}/export`);
    expect(JSON.stringify(exported)).toContain('متن خصوصی');
    await ok(ws, 'POST', `/api/customers/${customer.id}/erase`);
    const erased = await ok(ws, 'GET', `/api/messages/${id}`);
    expect(erased).toMatchObject({ status: 'sent', recipient: 'erased', subject: null, bodyText: '' });

    const source = await createCustomer(t, ws, { email: `dup-${ws.slug}@example.test`, consent: { email: { granted: true } } });
    const target = await createCustomer(t, ws, { email: `main-${ws.slug}@example.test`, consent: { email: { granted: false } } });
    const [queued] = await queue(ws, [{ customerId: source.id, channel: 'email', recipient: `dup-${ws.slug}@example.test`, locale: 'fa', subject: 's', bodyText: 'x', notBefore: new Date(Date.now() + 3_600_000) }]);
    await ok(ws, 'POST', `/api/customers/${target.id}/merge`, { sourceId: source.id });
    await t.database.pool.query(`UPDATE messages SET next_attempt_at = now() WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, queued]);
    // Reviewed against the survivor's consent once due.
    const moved = await messageIn(ws, queued!, ['sent', 'suppressed']);
    expect(moved).toMatchObject({ customerId: target.id, status: 'suppressed', reason: 'no_consent' });
    expect((await ok(ws, 'GET', `/api/customers/${target.id}/messages`)).items.map((m: { id: string }) => m.id)).toEqual([queued]);
  });
});
