import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/scratch-database.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { freePort } from '../../../test/process.ts';
import { smsProviderServer, type SmsProviderServer } from '../../../test/sms-provider.ts';
import { saveChannelSettings } from './channel-settings.ts';
import { allowAllGuard, type StatusChange } from './dispatch.types.ts';
import { MessageDispatcher } from './dispatcher.ts';
import { queueMessages, type NewMessage } from './outbox.ts';
import { smsStatusCallbackUrl } from './sms-providers.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const KAVENEGAR_KEY = '4F6A2B7C-kavenegar-test-key';
const TWILIO = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-auth-token-0123456789' };

let t: TestApp;
// A database of its own: no other file's dispatcher takes these messages (see scratch-database.ts).
let scratch: ScratchDatabase;
let publicUrl: string;
let provider: SmsProviderServer;
let kavenegarWs: TestWorkspace;
let twilioWs: TestWorkspace;
const changes: StatusChange[] = [];
let dispatcher: MessageDispatcher;

async function queue(ws: TestWorkspace, messages: Partial<NewMessage>[]): Promise<string[]> {
  return t.database.db.transaction((tx) =>
    queueMessages(tx, ws.tenantId, messages.map((m) => ({ customerId: null, channel: 'sms', recipient: '+989121234567', locale: 'fa', bodyText: 'سلام', origin: {}, ...m }))),
  );
}

interface Row {
  status: string;
  attempts: number;
  reason: string | null;
  provider: string | null;
  provider_message_id: string | null;
  delivered_at: Date | null;
  [key: string]: unknown;
}

async function waitForStatus(ws: TestWorkspace, id: string, status: string): Promise<Row> {
  const started = Date.now();
  for (;;) {
    const { rows } = await t.database.db.execute<Row>(sql`
      SELECT status, attempts, reason, provider, provider_message_id, delivered_at FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ${id}`);
    if (rows[0]!.status === status) return rows[0]!;
    if (Date.now() - started > 20_000) throw new Error(`message ${id} is ${rows[0]!.status} (${rows[0]!.reason}), not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  // The app listens for real: providers call back over HTTP to the public URL.
  scratch = await createScratchDatabase('vafa_sms');
  t = await startTestApp({ env: { DATABASE_URL: scratch.url, PORT: String(port), VAFA_PUBLIC_URL: publicUrl, VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  await t.vafa.listen();
  provider = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY }, twilio: TWILIO });
  kavenegarWs = await t.createWorkspace({ country: 'IR' });
  twilioWs = await t.createWorkspace({ country: 'AE' });
  await saveChannelSettings(t.database.db, t.vafa.config, kavenegarWs.tenantId, {
    channel: 'sms',
    provider: 'kavenegar',
    settings: { baseUrl: provider.url, sender: '10004346' },
    secret: KAVENEGAR_KEY,
  });
  await saveChannelSettings(t.database.db, t.vafa.config, twilioWs.tenantId, {
    channel: 'sms',
    provider: 'twilio',
    settings: { baseUrl: provider.url, accountSid: TWILIO.accountSid, from: '+15005550006' },
    secret: TWILIO.authToken,
  });
  dispatcher = new MessageDispatcher({
    database: t.database,
    log,
    guard: allowAllGuard,
    onStatus: async (_tx, _tenantId, batch) => void changes.push(...batch),
    secrets: t.vafa.config,
    publicUrl,
    outboundAllow: t.vafa.config.outboundAllow,
    tenants: [kavenegarWs.tenantId, twilioWs.tenantId],
    pollMs: 20,
    retryBaseMs: 40,
    retryMaxMs: 200,
  });
  await dispatcher.start();
});

afterEach(() => {
  changes.length = 0;
});

afterAll(async () => {
  await dispatcher.stop();
  await provider.close();
  await t.close();
  await scratch.drop();
});

describe('Kavenegar', () => {
  it('sends with the API key in the path and the message id as localid, then records the delivery report', async () => {
    const body = 'سلام مریم، سفارش ⁨Galaxy S24⁩ شما ارسال شد.';
    const [id] = await queue(kavenegarWs, [{ bodyText: body }]);
    const sent = await waitForStatus(kavenegarWs, id!, 'sent');
    const request = provider.sends.find((s) => s.params.localid === id)!;
    expect(request.provider).toBe('kavenegar');
    expect(request.params).toMatchObject({ receptor: '+989121234567', message: body, sender: '10004346', localid: id });
    expect(sent).toMatchObject({ provider: 'kavenegar', provider_message_id: request.providerMessageId, attempts: 1 });

    const callback = smsStatusCallbackUrl(publicUrl, t.vafa.config, kavenegarWs.tenantId, 'kavenegar');
    expect(await provider.kavenegarReport(callback, request.providerMessageId, 10)).toBe(200);
    const delivered = await waitForStatus(kavenegarWs, id!, 'delivered');
    expect(delivered.delivered_at).not.toBeNull();
    // A repeated report changes nothing; a report for another workspace's token finds nothing.
    expect(await provider.kavenegarReport(callback, request.providerMessageId, 11)).toBe(200);
    expect((await waitForStatus(kavenegarWs, id!, 'delivered')).reason).toBeNull();
    const otherCallback = smsStatusCallbackUrl(publicUrl, t.vafa.config, twilioWs.tenantId, 'kavenegar');
    expect(await provider.kavenegarReport(otherCallback, request.providerMessageId, 11)).toBe(404);
    expect(await provider.kavenegarReport(`${publicUrl}/hooks/sms/kavenegar/forged.token`, request.providerMessageId, 11)).toBe(404);
  });

  it('an undeliverable report marks the message failed with the reason, and it is not resent', async () => {
    const [id] = await queue(kavenegarWs, [{ recipient: '+989350000000' }]);
    await waitForStatus(kavenegarWs, id!, 'sent');
    const request = provider.sends.find((s) => s.params.localid === id)!;
    const callback = smsStatusCallbackUrl(publicUrl, t.vafa.config, kavenegarWs.tenantId, 'kavenegar');
    expect(await provider.kavenegarReport(callback, request.providerMessageId, 11)).toBe(200);
    expect((await waitForStatus(kavenegarWs, id!, 'failed')).reason).toBe('sms_undeliverable');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.sends.filter((s) => s.params.localid === id)).toHaveLength(1);
  });

  it('no credit (418) is permanent; server busy (409) is retried', async () => {
    provider.failNext('kavenegar', 1, 418);
    const [poor] = await queue(kavenegarWs, [{ bodyText: 'no credit' }]);
    expect((await waitForStatus(kavenegarWs, poor!, 'dead')).reason).toBe('sms_418');
    provider.failNext('kavenegar', 2, 409);
    const [busy] = await queue(kavenegarWs, [{ bodyText: 'busy' }]);
    expect((await waitForStatus(kavenegarWs, busy!, 'sent')).attempts).toBe(3);
  });

  it('a wrong API key is refused by the provider and the message goes dead', async () => {
    const ws = await t.createWorkspace();
    await saveChannelSettings(t.database.db, t.vafa.config, ws.tenantId, { channel: 'sms', provider: 'kavenegar', settings: { baseUrl: provider.url }, secret: 'not-the-key' });
    const d = new MessageDispatcher({ database: t.database, log, guard: allowAllGuard, onStatus: async () => {}, secrets: t.vafa.config, publicUrl, outboundAllow: t.vafa.config.outboundAllow, tenants: [ws.tenantId], pollMs: 20 });
    await d.start();
    const refusedBefore = provider.refused;
    const [id] = await queue(ws, [{}]);
    expect((await waitForStatus(ws, id!, 'dead')).reason).toBe('sms_403');
    await d.stop();
    expect(provider.refused).toBe(refusedBefore + 1);
  });
});

describe('Twilio', () => {
  it('sends with Basic auth and a status callback, and a signed delivery report marks it delivered', async () => {
    const [id] = await queue(twilioWs, [{ recipient: '+971501234567', bodyText: 'مرحبا سارة، تم شحن طلبك ⁨AirPods⁩.' }]);
    const sent = await waitForStatus(twilioWs, id!, 'sent');
    const request = provider.sends.find((s) => s.providerMessageId === sent.provider_message_id)!;
    expect(request.provider).toBe('twilio');
    expect(request.params).toMatchObject({ To: '+971501234567', From: '+15005550006', Body: 'مرحبا سارة، تم شحن طلبك ⁨AirPods⁩.' });
    expect(request.params.StatusCallback).toBe(smsStatusCallbackUrl(publicUrl, t.vafa.config, twilioWs.tenantId, 'twilio'));
    expect(sent.provider).toBe('twilio');

    // Signed with another token: refused, nothing recorded.
    expect(await provider.twilioReport(request.providerMessageId, 'delivered', { signWith: 'someone-else' })).toBe(403);
    expect((await waitForStatus(twilioWs, id!, 'sent')).delivered_at).toBeNull();
    // An interim status is accepted and changes nothing.
    expect(await provider.twilioReport(request.providerMessageId, 'sent')).toBe(200);
    expect(await provider.twilioReport(request.providerMessageId, 'delivered')).toBe(200);
    expect((await waitForStatus(twilioWs, id!, 'delivered')).delivered_at).not.toBeNull();
  });

  it('an undelivered report records the error code', async () => {
    const [id] = await queue(twilioWs, [{ recipient: '+971500000001' }]);
    const sent = await waitForStatus(twilioWs, id!, 'sent');
    expect(await provider.twilioReport(sent.provider_message_id!, 'undelivered', { errorCode: '30003' })).toBe(200);
    expect((await waitForStatus(twilioWs, id!, 'failed')).reason).toBe('sms_30003');
  });

  it('an invalid number (400, 21211) is permanent; 429 is retried', async () => {
    provider.failNext('twilio', 1, 400);
    const [invalid] = await queue(twilioWs, [{ recipient: '+971' }]);
    expect((await waitForStatus(twilioWs, invalid!, 'dead')).reason).toBe('sms_21211');
    provider.failNext('twilio', 1, 429);
    const [limited] = await queue(twilioWs, [{ recipient: '+971501111111' }]);
    const row = await waitForStatus(twilioWs, limited!, 'sent');
    expect(row.attempts).toBe(2);
    expect(changes.filter((c) => c.id === limited).map((c) => [c.status, c.reason])).toEqual([
      ['failed', 'sms_20429'],
      ['sent', null],
    ]);
  });
});
