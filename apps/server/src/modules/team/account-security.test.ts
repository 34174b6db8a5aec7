import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, startTestApp, type TestApp, type TestSession, type TestWorkspace } from '../../../test/harness.ts';
import { THROTTLE, pruneLoginFailures } from './login-throttle.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const cookieOf = (setCookie: string | string[] | undefined) => String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!;

async function signIn(email: string, password = TEST_PASSWORD, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { email, password } });
}

/** A signed-in browser session from a real login, with its cookie and CSRF token. */
async function sessionFor(email: string, password = TEST_PASSWORD): Promise<TestSession> {
  const res = await signIn(email, password);
  expect(res.statusCode, res.body).toBe(200);
  return { accountId: res.json().account.id, email, password, cookie: cookieOf(res.headers['set-cookie']), csrfToken: res.json().csrfToken };
}

async function audit(ws: TestWorkspace, action: string) {
  return (await t.database.pool.query(`SELECT actor_type, target_id, details FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY id`, [ws.tenantId, action])).rows;
}

/** A code of the step `offsetSteps` from now, as the user's authenticator app would show it. */
const codeAt = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

async function enrol(user: TestSession): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await t.app.inject({ method: 'POST', url: '/api/account/two-factor/enrolment', headers: t.session(user) });
  expect(started.statusCode, started.body).toBe(200);
  const { secret } = started.json();
  const confirmed = await t.app.inject({ method: 'POST', url: '/api/account/two-factor/confirm', headers: t.session(user), payload: { code: await codeAt(secret) } });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { secret, recoveryCodes: confirmed.json().recoveryCodes };
}

describe('changing the password', () => {
  it('needs the current password, ends the other sessions, keeps this one and is audited', async () => {
    const ws = await t.createWorkspace();
    const here = await sessionFor(ws.users.manager.email);
    const elsewhere = ws.users.manager; // the harness's session: "another device"

    const wrong = await t.app.inject({ method: 'POST', url: '/api/account/password', headers: { ...t.session(here), 'accept-language': 'fa' }, payload: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'current_password_wrong', detail: 'رمز عبور فعلی شما درست نیست.' });
    const short = await t.app.inject({ method: 'POST', url: '/api/account/password', headers: t.session(here), payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(short.statusCode).toBe(400);

    const changed = await t.app.inject({ method: 'POST', url: '/api/account/password', headers: t.session(here), payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(changed.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: here.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: elsewhere.cookie } })).statusCode).toBe(401);
    expect((await signIn(ws.users.manager.email)).statusCode).toBe(401);
    expect((await signIn(ws.users.manager.email, 'a brand new passphrase')).statusCode).toBe(200);
    expect(await audit(ws, 'password.changed')).toMatchObject([{ actor_type: 'user', target_id: ws.users.manager.accountId, details: { otherSessionsEnded: 1 } }]);
  });

  it('is for people, not API keys', async () => {
    const ws = await t.createWorkspace();
    const res = await t.app.inject({ method: 'POST', url: '/api/account/password', headers: t.auth(ws.keys.owner), payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('per-account sign-in throttling', () => {
  it('locks an address after repeated failures, even for the right password, with a growing back-off', async () => {
    const ws = await t.createWorkspace();
    const email = ws.users.agent.email;
    for (let i = 0; i < THROTTLE.freeFailures; i++) expect((await signIn(email, `wrong password ${i}`)).statusCode).toBe(401);
    const locked = await signIn(email, TEST_PASSWORD, { 'accept-language': 'en' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('login_throttled');
    expect((await audit(ws, 'login.locked')).map((r) => r.details.seconds)).toEqual([THROTTLE.baseLockSeconds]);
    const firstWait = Number(locked.headers['retry-after']);
    expect(firstWait).toBeGreaterThan(0);
    expect(firstWait).toBeLessThanOrEqual(THROTTLE.baseLockSeconds);

    // The lock is in the database: another app process on the same database enforces it too.
    const other = await startTestApp({ database: t.databaseUrl });
    try {
      const there = await other.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } });
      expect(there.statusCode).toBe(429);
    } finally {
      await other.close();
    }

    // Let the lock lapse, fail once more: the next lock is twice as long.
    await t.database.pool.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE email = $1`, [email]);
    expect((await signIn(email, 'still wrong')).statusCode).toBe(401);
    const again = await signIn(email, TEST_PASSWORD);
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(THROTTLE.baseLockSeconds);

    await t.database.pool.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE email = $1`, [email]);
    expect((await signIn(email)).statusCode).toBe(200);
    const { rowCount } = await t.database.pool.query(`SELECT 1 FROM login_throttle WHERE email = $1`, [email]);
    expect(rowCount).toBe(0);
  });

  it('forgets day-old failures unless a lock still runs', async () => {
    const stale = `stale-${Date.now()}@example.test`;
    const locked = `locked-${Date.now()}@example.test`;
    await t.database.pool.query(`INSERT INTO login_throttle (email, failures, last_failure_at, locked_until) VALUES
      ($1, 3, now() - interval '2 days', NULL), ($2, 30, now() - interval '2 days', now() + interval '1 minute')`, [stale, locked]);
    await pruneLoginFailures(t.database.db);
    const { rows } = await t.database.pool.query(`SELECT email FROM login_throttle WHERE email = ANY($1)`, [[stale, locked]]);
    expect(rows.map((r) => r.email)).toEqual([locked]);
  });

  it('throttles unknown addresses the same way, so a lock reveals nothing', async () => {
    const email = `nobody-${Date.now()}@example.test`;
    for (let i = 0; i < THROTTLE.freeFailures; i++) expect((await signIn(email, 'whatever 123')).statusCode).toBe(401);
    expect((await signIn(email, 'whatever 123')).statusCode).toBe(429);
  });
});

describe('two-factor sign-in (TOTP)', () => {
  it('enrols with a QR code and a first code, then signs in in two steps, refusing a replayed code', async () => {
    const ws = await t.createWorkspace();
    const user = await sessionFor(ws.users.analyst.email);
    const started = await t.app.inject({ method: 'POST', url: '/api/account/two-factor/enrolment', headers: t.session(user) });
    const { secret, otpauthUri, qrCode } = started.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(otpauthUri).toContain(encodeURIComponent(ws.users.analyst.email));
    expect(Buffer.from(qrCode.replace('data:image/svg+xml;base64,', ''), 'base64').toString()).toContain('<svg');

    const bad = await t.app.inject({ method: 'POST', url: '/api/account/two-factor/confirm', headers: t.session(user), payload: { code: '000000' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('two_factor_code_invalid');
    const confirmCode = await codeAt(secret);
    const confirmed = await t.app.inject({ method: 'POST', url: '/api/account/two-factor/confirm', headers: t.session(user), payload: { code: confirmCode } });
    expect(confirmed.statusCode).toBe(200);
    const codes: string[] = confirmed.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await t.app.inject({ method: 'GET', url: '/api/account/two-factor', headers: t.session(user) })).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    // The secret is sealed at rest, the recovery codes are hashes.
    const { rows: [stored] } = await t.database.pool.query(`SELECT totp_secret_sealed, totp_pending_sealed FROM accounts WHERE id = $1`, [user.accountId]);
    expect(stored.totp_secret_sealed).toMatch(/^v1\./);
    expect(stored.totp_secret_sealed).not.toContain(secret);
    expect(stored.totp_pending_sealed).toBeNull();
    const { rows: hashes } = await t.database.pool.query(`SELECT code_hash FROM recovery_codes WHERE account_id = $1`, [user.accountId]);
    expect(hashes).toHaveLength(10);
    for (const code of codes) expect(JSON.stringify(hashes)).not.toContain(code);

    // Password alone no longer opens a session.
    const first = await signIn(ws.users.analyst.email);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ twoFactorRequired: true });
    expect(first.headers['set-cookie']).toBeUndefined();
    const challenge = first.json().challenge;

    // The code that confirmed the enrolment was used: replaying it is refused.
    const replay = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge, code: confirmCode } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('two_factor_code_invalid');

    // The next step's code, typed in Persian digits, works once.
    const next = await codeAt(secret, 1);
    const persian = next.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    const second = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge, code: persian } });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().account.twoFactorEnabled).toBe(true);
    expect(String(second.headers['set-cookie'])).toMatch(/HttpOnly/);
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge, code: next } });
    expect(again.statusCode).toBe(401);

    const tampered = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge: `${challenge.slice(0, -3)}AAA`, code: await codeAt(secret, 2) } });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().code).toBe('two_factor_challenge_invalid');

    expect((await audit(ws, 'two_factor.enabled'))).toHaveLength(1);
    expect((await audit(ws, 'login')).at(-1)!.details).toEqual({ secondFactor: 'totp' });
  });

  it('takes each recovery code once, and turns off only with the password', async () => {
    const ws = await t.createWorkspace();
    const user = await sessionFor(ws.users.agent.email);
    const { recoveryCodes } = await enrol(user);
    const challenge = (await signIn(ws.users.agent.email)).json().challenge;
    const upper = recoveryCodes[3]!.toUpperCase().replace(/-/g, ' ');
    const used = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge, code: upper } });
    expect(used.statusCode, used.body).toBe(200);
    const twice = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge, code: recoveryCodes[3] } });
    expect(twice.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/account/two-factor', headers: t.session(user) })).json().recoveryCodesLeft).toBe(9);
    expect(await audit(ws, 'two_factor.recovery_code_used')).toHaveLength(1);

    const noPassword = await t.app.inject({ method: 'POST', url: '/api/account/two-factor/disable', headers: t.session(user), payload: { password: 'not my password' } });
    expect(noPassword.statusCode).toBe(422);
    const off = await t.app.inject({ method: 'POST', url: '/api/account/two-factor/disable', headers: t.session(user), payload: { password: TEST_PASSWORD } });
    expect(off.statusCode).toBe(204);
    expect((await signIn(ws.users.agent.email)).json().account.twoFactorEnabled).toBe(false);
    expect(await audit(ws, 'two_factor.disabled')).toHaveLength(1);
  });

  it('counts wrong codes toward the account throttle', async () => {
    const ws = await t.createWorkspace();
    const user = await sessionFor(ws.users.manager.email);
    await enrol(user);
    const challenge = (await signIn(ws.users.manager.email)).json().challenge;
    for (let i = 0; i < THROTTLE.freeFailures; i++) {
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge, code: String(100000 + i) } })).statusCode).toBe(401);
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge, code: '123456' } });
    expect(locked.statusCode).toBe(429);
  });
});

describe('invitations for an existing account', () => {
  it('do not open a session on the password alone when the account has a second factor', async () => {
    const home = await t.createWorkspace();
    const user = await sessionFor(home.users.analyst.email);
    const { secret } = await enrol(user);
    const other = await t.createWorkspace();
    const { token } = (await t.app.inject({ method: 'POST', url: '/api/invitations', headers: t.auth(other.keys.owner), payload: { email: home.users.analyst.email, role: 'agent' } })).json();
    const accepted = await t.app.inject({ method: 'POST', url: '/api/invitations/accept', payload: { token, displayName: 'x', password: TEST_PASSWORD } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ twoFactorRequired: true });
    expect(accepted.headers['set-cookie']).toBeUndefined();
    const signedIn = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { challenge: accepted.json().challenge, code: await codeAt(secret, 1) } });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().workspace.slug).toBe(other.slug);
  });

  it('count wrong passwords toward the account throttle', async () => {
    const home = await t.createWorkspace();
    const other = await t.createWorkspace();
    const email = home.users.agent.email;
    const { token } = (await t.app.inject({ method: 'POST', url: '/api/invitations', headers: t.auth(other.keys.owner), payload: { email, role: 'agent' } })).json();
    for (let i = 0; i < THROTTLE.freeFailures; i++) {
      const guess = await t.app.inject({ method: 'POST', url: '/api/invitations/accept', payload: { token, displayName: 'x', password: `guess number ${i}` } });
      expect(guess.statusCode).toBe(401);
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/invitations/accept', payload: { token, displayName: 'x', password: TEST_PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect((await signIn(email)).statusCode).toBe(429);
  });
});

describe('a workspace that requires two-factor sign-in', () => {
  it('is set by owners only, and sends members without a second factor to enrolment first', async () => {
    const ws = await t.createWorkspace();
    const byAdmin = await t.app.inject({ method: 'PATCH', url: '/api/workspace', headers: t.session(ws.users.admin), payload: { requireTwoFactor: true } });
    expect(byAdmin.statusCode).toBe(403);
    const byOwner = await t.app.inject({ method: 'PATCH', url: '/api/workspace', headers: t.session(ws.users.owner), payload: { requireTwoFactor: true } });
    expect(byOwner.statusCode).toBe(200);
    expect(byOwner.json().requireTwoFactor).toBe(true);

    const agent = ws.users.agent;
    const blocked = await t.app.inject({ method: 'GET', url: '/api/customers', headers: { cookie: agent.cookie, 'accept-language': 'ar' } });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('two_factor_enrolment_required');
    expect(blocked.json().detail).toBe('مساحة العمل هذه تشترط تسجيل الدخول بخطوتين. أعدّه أولًا.');
    const session = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: agent.cookie } });
    expect(session.json().mustEnrolTwoFactor).toBe(true);
    // API keys are not people: integrations keep working.
    expect((await t.app.inject({ method: 'GET', url: '/api/customers', headers: t.auth(ws.keys.agent) })).statusCode).toBe(200);

    await enrol(agent);
    expect((await t.app.inject({ method: 'GET', url: '/api/customers', headers: { cookie: agent.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: agent.cookie } })).json().mustEnrolTwoFactor).toBe(false);
    expect((await audit(ws, 'workspace.settings_changed')).at(-1)!.details).toEqual({ requireTwoFactor: true });
  });
});

describe('sessions', () => {
  it('lists where I am signed in and signs one or all others out', async () => {
    const ws = await t.createWorkspace();
    const phone = await sessionFor(ws.users.admin.email);
    const laptop = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'user-agent': 'Laptop Browser/1.0' }, payload: { email: ws.users.admin.email, password: TEST_PASSWORD } });
    const laptopSession = { ...phone, cookie: cookieOf(laptop.headers['set-cookie']), csrfToken: laptop.json().csrfToken };

    const list = await t.app.inject({ method: 'GET', url: '/api/account/sessions', headers: t.session(laptopSession) });
    const items = list.json().items as { id: string; current: boolean; userAgent: string | null; ip: string | null; workspace: { slug: string } }[];
    expect(items).toHaveLength(3); // the harness's, the phone's, the laptop's
    const current = items.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]!).toMatchObject({ userAgent: 'Laptop Browser/1.0', ip: '127.0.0.1', workspace: { slug: ws.slug } });
    expect(JSON.stringify(list.json())).not.toContain(laptopSession.cookie.split('=')[1]);

    // Someone else's session id is not found, not revoked.
    const stranger = await t.createWorkspace();
    const theirs = (await t.app.inject({ method: 'GET', url: '/api/account/sessions', headers: t.session(stranger.users.admin) })).json().items[0].id;
    expect((await t.app.inject({ method: 'DELETE', url: `/api/account/sessions/${theirs}`, headers: t.session(laptopSession) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: stranger.users.admin.cookie } })).statusCode).toBe(200);

    const phoneId = items.find((s) => !s.current && s.userAgent !== null && s.userAgent !== 'Laptop Browser/1.0')?.id ?? items.find((s) => !s.current)!.id;
    expect((await t.app.inject({ method: 'DELETE', url: `/api/account/sessions/${phoneId}`, headers: t.session(laptopSession) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/account/sessions', headers: t.session(laptopSession) })).json().items).toHaveLength(2);

    const others = await t.app.inject({ method: 'POST', url: '/api/account/sessions/revoke-others', headers: t.session(laptopSession) });
    expect(others.json()).toEqual({ ended: 1 });
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: phone.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: ws.users.admin.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: laptopSession.cookie } })).statusCode).toBe(200);
    expect(await audit(ws, 'session.revoked')).toHaveLength(1);
    expect(await audit(ws, 'session.revoked_others')).toHaveLength(1);
  });
});

describe('who may create a workspace', () => {
  const body = () => ({ name: 'Another shop', slug: `shop-${Math.random().toString(36).slice(2, 10)}` });

  it('is only the instance administrators by default; the first account of an instance is one', async () => {
    const fresh = await startTestApp({ database: 'scratch' });
    try {
      const first = await fresh.createWorkspace();
      const second = await fresh.createWorkspace();
      const firstView = await fresh.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: first.users.owner.cookie } });
      expect(firstView.json().account.instanceAdmin).toBe(true); // the owner is the first account created
      const refused = await fresh.app.inject({ method: 'POST', url: '/api/workspaces', headers: fresh.session(second.users.owner), payload: body() });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('workspace_creation_restricted');
      const allowed = await fresh.app.inject({ method: 'POST', url: '/api/workspaces', headers: fresh.session(first.users.owner), payload: body() });
      expect(allowed.statusCode, allowed.body).toBe(201);
    } finally {
      await fresh.close();
    }
  });

  it('is anyone signed in with VAFA_WORKSPACE_CREATION=anyone', async () => {
    const open = await startTestApp({ env: { VAFA_WORKSPACE_CREATION: 'anyone' } });
    try {
      const ws = await open.createWorkspace();
      const res = await open.app.inject({ method: 'POST', url: '/api/workspaces', headers: open.session(ws.users.agent), payload: body() });
      expect(res.statusCode, res.body).toBe(201);
    } finally {
      await open.close();
    }
  });
});
