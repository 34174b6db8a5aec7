import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestSession, type TestWorkspace } from './harness.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

// "No secret at rest in plain text": make every kind of secret through the API, the way a
// user would (with Idempotency-Keys, so the idempotency records are searched too), then dump
// the whole database and look for each value.

const execFileAsync = promisify(execFile);
const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'smtp-Pa55-word-at-rest-8d1f';
const SMS_API_KEY = 'kavenegar-api-key-at-rest-77c2e9';

let t: TestApp;
let sink: SmtpSink;
let ws: TestWorkspace;

beforeAll(async () => {
  sink = await startSmtpSink({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
  t = await startTestApp({ role: 'all', env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_PUBLIC_URL: 'https://cx.example.test' } });
  ws = await t.createWorkspace();
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

let keyNumber = 0;
async function create(method: 'POST' | 'PUT', url: string, payload: object | undefined, headers: Record<string, string>) {
  const res = await t.app.inject({ method, url, headers: { ...headers, 'idempotency-key': `at-rest-${++keyNumber}` }, ...(payload ? { payload } : {}) });
  expect(res.statusCode, `${method} ${url} → ${res.body}`).toBeLessThan(300);
  return res.statusCode === 204 ? null : res.json();
}

/**
 * The database as text: `pg_dump` when one of the server's major version or newer is on this
 * machine (the PostgreSQL server runs), else every row of every table in every schema as
 * text, which is what a plain-format pg_dump holds (the embedded server ships no pg_dump).
 */
async function dumpDatabase(): Promise<{ text: string; how: string }> {
  const { rows: [{ server_version_num: serverVersion }] } = await t.database.pool.query('SHOW server_version_num');
  const serverMajor = Math.floor(Number(serverVersion) / 10000);
  try {
    const version = (await execFileAsync('pg_dump', ['--version'])).stdout;
    const dumpMajor = Number(/\)\s*(\d+)/.exec(version)?.[1] ?? 0);
    if (dumpMajor >= serverMajor && !t.databaseUrl.includes('host=%2F') && !t.databaseUrl.includes('?host=')) {
      const { stdout } = await execFileAsync('pg_dump', ['--format=plain', '--no-owner', `--dbname=${t.databaseUrl}`], { maxBuffer: 512 * 1024 * 1024 });
      return { text: stdout, how: `pg_dump ${dumpMajor}` };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { rows: tables } = await t.database.pool.query<{ schema: string; name: string }>(`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
  const parts: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await t.database.pool.query(`SELECT x::text AS row FROM "${schema}"."${name}" x`);
    parts.push(`-- ${schema}.${name}`, ...rows.map((r) => r.row as string));
  }
  return { text: parts.join('\n'), how: `rows of ${tables.length} tables` };
}

describe('secrets at rest', () => {
  it('keeps no API key, webhook secret, invitation or reset token, TOTP secret, recovery code, session or channel credential in plain text', async () => {
    const owner = t.auth(ws.keys.owner);
    const secrets: Record<string, string> = {};

    secrets.apiKey = (await create('POST', '/api/api-keys', { name: 'POS', role: 'agent' }, owner)).secret;
    secrets.webhookSecret = (await create('POST', '/api/webhooks', { name: 'ERP', url: 'http://127.0.0.1:9/hook' }, owner)).secret;
    const invitation = await create('POST', '/api/invitations', { email: 'new.hire@example.test', role: 'agent' }, owner);
    secrets.invitationToken = invitation.token;
    await create('PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, user: SMTP_USER, password: SMTP_PASSWORD, fromAddress: 'no-reply@example.test' }, owner);
    secrets.smtpPassword = SMTP_PASSWORD;
    await create('PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', sender: '10004346', apiKey: SMS_API_KEY }, owner);
    secrets.smsApiKey = SMS_API_KEY;

    // A password reset: the token is in the mail the real SMTP server received.
    const resetFor = ws.users.agent.email;
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: resetFor } })).statusCode).toBe(202);
    const [mail] = await sink.waitFor(1, 120_000);
    expect(mail!.user).toBe(SMTP_USER);
    secrets.resetToken = /reset-password#([\w-]+)/.exec(mail!.text ?? '')![1]!;

    // A TOTP enrolment by a signed-in person: the secret, then ten recovery codes.
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ws.users.manager.email, password: ws.users.manager.password } });
    const sessionToken = String(login.headers['set-cookie']).split(';')[0]!;
    const person: TestSession = { ...ws.users.manager, cookie: sessionToken, csrfToken: login.json().csrfToken };
    secrets.sessionToken = sessionToken.split('=')[1]!;
    const headers = t.session(person);
    const enrolment = await create('POST', '/api/account/two-factor/enrolment', undefined, headers);
    secrets.totpSecret = enrolment.secret;
    const confirmed = await create('POST', '/api/account/two-factor/confirm', { code: await generate({ secret: enrolment.secret }) }, headers);
    expect(confirmed.recoveryCodes).toHaveLength(10);
    confirmed.recoveryCodes.forEach((code: string, i: number) => {
      secrets[`recoveryCode${i}`] = code;
      secrets[`recoveryCode${i}Typed`] = code.replace(/-/g, '');
    });

    for (const [name, value] of Object.entries(secrets)) expect(value, name).toMatch(/^.{12,}$/);

    const { text, how } = await dumpDatabase();
    // The dump holds the data (so finding nothing means something): the non-secret parts are there.
    for (const visible of [ws.slug, 'new.hire@example.test', 'http://127.0.0.1:9/hook', SMTP_USER, resetFor, 'password_reset']) {
      expect(text, `${how} should contain ${visible}`).toContain(visible);
    }
    const found = Object.entries(secrets).filter(([, value]) => text.includes(value)).map(([name]) => name);
    expect(found, `found in ${how}`).toEqual([]);
  });
});
