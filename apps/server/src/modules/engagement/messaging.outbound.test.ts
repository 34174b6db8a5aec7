import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveChannelSettings } from '../../platform/messaging/channel-settings.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { smsProviderServer, type SmsProviderServer } from '../../../test/sms-provider.ts';

// Channel settings name hosts the server will connect to. Internal ones are refused when saved
// and again when used; the operator's allow-list (VAFA_OUTBOUND_ALLOW) lets named ones through.
// A failed test send says how it failed in the user's language, never what the remote end said.

let strict: TestApp;
let allowing: TestApp;
let sms: SmsProviderServer;
let sshLike: net.Server;
let sshPort: number;
let sshConnections = 0;
const BANNER = 'SSH-2.0-OpenSSH_9.6p1 internal-bastion-7f3a';

async function call(t: TestApp, ws: TestWorkspace, method: string, url: string, payload?: unknown, language = 'en') {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...t.auth(ws.keys.owner), 'accept-language': language },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  [strict, allowing, sms] = await Promise.all([
    startTestApp(),
    startTestApp({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }),
    smsProviderServer({ kavenegar: { apiKey: 'kv-outbound-test' } }),
  ]);
  // Speaks first with an SSH banner, as sshd does: what an SMTP "test" against port 22 meets.
  sshLike = net.createServer((socket) => {
    sshConnections += 1;
    socket.on('error', () => undefined);
    socket.write(`${BANNER}\r\n`);
    setTimeout(() => socket.end(), 200);
  });
  await new Promise<void>((resolve) => sshLike.listen(0, '127.0.0.1', resolve));
  sshPort = (sshLike.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => sshLike.close(resolve));
  await sms.close();
  await Promise.all([strict.close(), allowing.close()]);
});

describe('save time', () => {
  it.each([
    ['127.0.0.1', 'outbound_loopback'],
    ['localhost', 'outbound_loopback'],
    ['2130706433', 'outbound_loopback'],
    ['0x7f000001', 'outbound_loopback'],
    ['127.1', 'outbound_loopback'],
    ['0177.0.0.1', 'outbound_loopback'],
    ['10.0.0.5', 'outbound_private'],
    ['192.168.1.10', 'outbound_private'],
    ['100.64.3.3', 'outbound_carrier_grade_nat'],
    ['169.254.169.254', 'outbound_metadata'],
    ['metadata.google.internal', 'outbound_metadata'],
    ['172.16.0.25', 'outbound_private'],
    ['0.0.0.0', 'outbound_unspecified'],
    // (IPv6 literals are not valid SMTP hosts in the contract; the unit table in platform/net covers them)
  ])('refuses the SMTP host %s', async (host, code) => {
    const ws = await strict.createWorkspace();
    const res = await call(strict, ws, 'PUT', '/api/messaging/channels/email', { host, port: 25, fromAddress: 'shop@example.test' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'outbound_refused', errors: [{ field: 'host', code }] });
    expect((await call(strict, ws, 'GET', '/api/messaging/channels/email')).json().configured).toBe(false);
  });

  it('refuses internal SMS base URLs and webhook URLs, in the reader\'s language, storing nothing', async () => {
    const ws = await strict.createWorkspace();
    const sms = await call(strict, ws, 'PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: 'http://169.254.169.254/latest', sender: '1000', apiKey: 'k' }, 'fa');
    expect(sms.statusCode).toBe(422);
    expect(sms.json()).toMatchObject({ code: 'outbound_refused', errors: [{ field: 'baseUrl', code: 'outbound_metadata' }] });
    expect(sms.json().detail).toMatch(/وفا به این نشانی وصل نمی‌شود/);
    expect((await call(strict, ws, 'GET', '/api/messaging/channels/sms')).json().configured).toBe(false);

    for (const url of ['http://127.0.0.1:8080/hook', 'http://0x7f000001/hook', 'http://[::ffff:7f00:1]/hook', 'https://10.1.2.3/hook', 'http://0177.0.0.1/', 'http://localhost:3000/']) {
      const res = await call(strict, ws, 'POST', '/api/webhooks', { name: 'internal', url }, 'ar');
      expect(res.statusCode, url).toBe(422);
      expect(res.json().code, url).toBe('outbound_refused');
      expect(res.json().errors[0].field).toBe('url');
      expect(res.json().detail).toMatch(/لا يتصل وفا بهذا العنوان/);
    }
    expect((await call(strict, ws, 'GET', '/api/webhooks')).json().items).toEqual([]);
  });

  it('refuses addresses that carry a user name and password, which would rest in plain text in settings and the audit log', async () => {
    const ws = await strict.createWorkspace();
    const hook = await call(strict, ws, 'POST', '/api/webhooks', { name: 'creds', url: 'https://user:pass@example.com/hook' }, 'fa');
    expect(hook.statusCode).toBe(400);
    expect(hook.json().errors).toEqual([expect.objectContaining({ field: 'body.url', code: 'url_credentials' })]);
    expect(hook.json().errors[0].message).toMatch(/گذرواژه/);
    const sms = await call(strict, ws, 'PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: 'https://u:p@example.com/v1', sender: '1000', apiKey: 'k' });
    expect(sms.statusCode).toBe(400);
    expect(sms.json().errors[0]).toMatchObject({ field: 'body.baseUrl', code: 'url_credentials' });
    expect((await call(strict, ws, 'GET', '/api/webhooks')).json().items).toEqual([]);
    expect((await call(strict, ws, 'GET', '/api/messaging/channels/sms')).json().configured).toBe(false);
  });

  it('lets the operator allow 127.0.0.1, and nothing more than that', async () => {
    const ws = await allowing.createWorkspace();
    expect((await call(allowing, ws, 'PUT', '/api/messaging/channels/email', { host: '127.0.0.1', port: 25, fromAddress: 'shop@example.test' })).statusCode).toBe(200);
    expect((await call(allowing, ws, 'POST', '/api/webhooks', { name: 'local', url: 'http://127.0.0.1:9/hook' })).statusCode).toBe(201);
    const other = await call(allowing, ws, 'PUT', '/api/messaging/channels/email', { host: '127.0.0.2', port: 25, fromAddress: 'shop@example.test' });
    expect(other.statusCode).toBe(422);
    expect((await call(allowing, ws, 'PUT', '/api/messaging/channels/email', { host: '10.0.0.1', port: 25, fromAddress: 'shop@example.test' })).statusCode).toBe(422);
  });
});

describe('connect time', () => {
  it('refuses settings stored before the guard (or a host that now resolves inside), without connecting', async () => {
    const ws = await strict.createWorkspace();
    // Stored straight into the table, past the save-time check.
    await saveChannelSettings(strict.database.db, strict.vafa.config, ws.tenantId, {
      channel: 'email', provider: 'smtp', settings: { host: '127.0.0.1', port: sshPort, secure: false, fromAddress: 'shop@example.test' },
    });
    const before = sshConnections;
    const res = await call(strict, ws, 'POST', '/api/messaging/channels/email/test', { to: 'owner@example.test' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'outbound_refused', errors: [{ field: 'host', code: 'outbound_loopback' }] });
    expect(sshConnections).toBe(before);

    await saveChannelSettings(strict.database.db, strict.vafa.config, ws.tenantId, {
      channel: 'sms', provider: 'kavenegar', settings: { baseUrl: sms.url, sender: '1000' }, secret: 'kv-outbound-test',
    });
    const text = await call(strict, ws, 'POST', '/api/messaging/channels/sms/test', { to: '09125550111' });
    expect(text.statusCode).toBe(422);
    expect(text.json()).toMatchObject({ code: 'outbound_refused', errors: [{ field: 'baseUrl', code: 'outbound_loopback' }] });
    expect(sms.sends).toHaveLength(0);
  });

  it('a test send to an SSH port says "not a mail server" in the user\'s language, never the banner', async () => {
    const ws = await allowing.createWorkspace();
    expect((await call(allowing, ws, 'PUT', '/api/messaging/channels/email', { host: '127.0.0.1', port: sshPort, fromAddress: 'shop@example.test' })).statusCode).toBe(200);
    const before = sshConnections;
    for (const [language, words] of [['en', /not a mail \(SMTP\) server/], ['fa', /سرور ایمیل \(SMTP\) نیست/], ['ar', /ليس خادم بريد/]] as const) {
      const res = await call(allowing, ws, 'POST', '/api/messaging/channels/email/test', { to: 'owner@example.test' }, language);
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('smtp_protocol');
      expect(res.json().detail).toMatch(words);
      expect(res.body).not.toMatch(/SSH|OpenSSH|bastion/);
    }
    // It did connect (the operator allowed 127.0.0.1): the banner was there to leak, and did not.
    expect(sshConnections).toBeGreaterThan(before);
  });

  it('a test send to a closed port says the server could not be reached', async () => {
    const ws = await allowing.createWorkspace();
    const port = await closedPort();
    expect((await call(allowing, ws, 'PUT', '/api/messaging/channels/email', { host: '127.0.0.1', port, fromAddress: 'shop@example.test' })).statusCode).toBe(200);
    const res = await call(allowing, ws, 'POST', '/api/messaging/channels/email/test', { to: 'owner@example.test' }, 'fa');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'outbound_unreachable' });
    expect(res.json().detail).toMatch(/به سرور دسترسی نشد/);
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
