import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../../test/smtp-sink.ts';

// The whole path on real parts: the request queues a mail in the outbox, the dispatcher of a
// role-'all' process sends it through the workspace's SMTP channel to a real SMTP server, and
// the link in the received mail sets the new password.

const PUBLIC_URL = 'https://cx.example.test';
let t: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ role: 'all', env: { VAFA_PUBLIC_URL: PUBLIC_URL, VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

async function workspaceWithMail(language?: 'fa' | 'ar' | 'en'): Promise<TestWorkspace> {
  const ws = await t.createWorkspace(language ? { language } : {});
  const res = await t.app.inject({ method: 'PUT', url: '/api/messaging/channels/email', headers: t.auth(ws.keys.owner), payload: { host: sink.host, port: sink.port, fromAddress: `no-reply@${ws.slug}.example.test` } });
  expect(res.statusCode, res.body).toBe(200);
  return ws;
}

const requestReset = (email: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/password-reset', headers, payload: { email } });

async function mailTo(address: string, after = 0): Promise<ReceivedMail> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const mail = sink.messages.filter((m) => m.to.includes(address))[after];
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no reset mail to ${address}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tokenIn = (mail: ReceivedMail) => /\/reset-password#([\w-]+)/.exec(mail.text ?? '')![1]!;

describe('password reset by e-mail', () => {
  it('mails a single-use link built from the public URL, in the account’s language; the link sets a new password and ends every session', async () => {
    const ws = await workspaceWithMail();
    const user = ws.users.agent;
    await t.app.inject({ method: 'PATCH', url: '/api/me', headers: t.session(user), payload: { language: 'ar' } });

    // A forged Host header must not end up in the link.
    const res = await requestReset(user.email.toUpperCase(), { host: 'evil.example', 'accept-language': 'en' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: true });
    const mail = await mailTo(user.email);
    expect(mail.subject).toBe('إعادة تعيين كلمة مرور وفا');
    expect(mail.text).toContain(`${PUBLIC_URL}/reset-password#`);
    expect(mail.raw).not.toContain('evil.example');
    expect(mail.html).toContain('dir="rtl"');
    const token = tokenIn(mail);

    // The outbox keeps the mail for the delivery log, but not the link.
    const { rows } = await t.database.pool.query(`SELECT body_text, body_html, payload::text AS payload FROM messages WHERE recipient = $1`, [user.email]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const stored = await t.database.pool.query(`SELECT token_hash FROM password_resets WHERE account_id = $1`, [user.accountId]);
    expect(stored.rows[0].token_hash).not.toBe(token);

    const tooShort = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset/complete', payload: { token, newPassword: 'short' } });
    expect(tooShort.statusCode).toBe(400);
    const done = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset/complete', payload: { token, newPassword: 'reset to something long' } });
    expect(done.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: user.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: TEST_PASSWORD } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'reset to something long' } })).statusCode).toBe(200);

    const twice = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset/complete', headers: { 'accept-language': 'fa' }, payload: { token, newPassword: 'and once more please' } });
    expect(twice.statusCode).toBe(410);
    expect(twice.json()).toMatchObject({ code: 'reset_link_invalid', detail: 'این پیوند بازنشانی قبلاً استفاده شده یا منقضی شده است. پیوند تازه‌ای بخواهید.' });

    const audit = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 AND action LIKE 'password.%' ORDER BY id`, [ws.tenantId, user.accountId]);
    expect(audit.rows.map((r) => r.action)).toEqual(['password.reset_requested', 'password.reset']);
  });

  it('writes in the language the reset was asked in when the account has none', async () => {
    const ws = await workspaceWithMail();
    await requestReset(ws.users.analyst.email, { 'accept-language': 'fa-IR' });
    expect((await mailTo(ws.users.analyst.email)).subject).toBe('بازنشانی رمز عبور وفا');
  });

  it('refuses an expired link', async () => {
    const ws = await workspaceWithMail();
    await requestReset(ws.users.manager.email);
    const token = tokenIn(await mailTo(ws.users.manager.email));
    await t.database.pool.query(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE account_id = $1`, [ws.users.manager.accountId]);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset/complete', payload: { token, newPassword: 'too late for this one' } });
    expect(res.statusCode).toBe(410);
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const before = sink.received;
    const known = await workspaceWithMail();
    const unknown = await requestReset(`nobody-${Date.now()}@example.test`);
    const knownRes = await requestReset(known.users.admin.email);
    expect(unknown.statusCode).toBe(knownRes.statusCode);
    expect(unknown.body).toBe(knownRes.body);
    await mailTo(known.users.admin.email);
    expect(sink.received).toBe(before + 1);
  });

  it('sends at most three links per account in a quarter of an hour', async () => {
    const ws = await workspaceWithMail();
    const email = ws.users.owner.email;
    // All at once, as a script would send them; the work runs after each answer.
    const answers = await Promise.all(Array.from({ length: 5 }, () => requestReset(email)));
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const throttled = async () => (await t.database.pool.query(`SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = 'password.reset_throttled'`, [ws.tenantId])).rowCount;
    await expect.poll(throttled, { timeout: 120_000 }).toBe(2);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM messages WHERE recipient = $1`, [email]);
    expect(rows[0].n).toBe(3);
  });

  it('is rate limited per IP like every public route', async () => {
    const limited = await startTestApp({ env: { VAFA_ANON_RATE_LIMIT: '3' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: `x${i}@example.test` } })).statusCode);
      expect(codes).toEqual([202, 202, 202, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
