import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, startTestApp, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

function cookieFrom(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  return first.split(';')[0]!;
}

describe('sign-in and sessions', () => {
  it('signs in with e-mail and password, and the session works with its CSRF token', async () => {
    const ws = await t.createWorkspace();
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ws.users.manager.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const body = login.json();
    expect(body.role).toBe('manager');
    expect(body.workspace.slug).toBe(ws.slug);
    const setCookie = login.headers['set-cookie'];
    expect(String(setCookie)).toMatch(/HttpOnly/i);
    expect(String(setCookie)).toMatch(/SameSite=Lax/i);
    const cookie = cookieFrom(setCookie);

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect(me.json().account.email).toBe(ws.users.manager.email);

    const withoutCsrf = await t.app.inject({ method: 'PATCH', url: '/api/me', headers: { cookie }, payload: { language: 'ar' } });
    expect(withoutCsrf.statusCode).toBe(403);
    expect(withoutCsrf.json().code).toBe('csrf_failed');
    const withCsrf = await t.app.inject({ method: 'PATCH', url: '/api/me', headers: { cookie, 'x-csrf-token': body.csrfToken }, payload: { language: 'ar' } });
    expect(withCsrf.statusCode).toBe(200);
    expect(withCsrf.json().account.language).toBe('ar');

    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    expect(logout.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);

    const audit = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action = 'login'`, [ws.tenantId]);
    expect(audit.rowCount).toBe(1);
  });

  it('refuses a wrong password with a localised problem and audits the attempt', async () => {
    const ws = await t.createWorkspace();
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'fa-IR,fa;q=0.9' }, payload: { email: ws.users.owner.email, password: 'wrong password!' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'invalid_credentials', status: 401, detail: 'ایمیل یا رمز عبور نادرست است.' });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'ar' }, payload: { email: 'nobody@example.test', password: 'whatever123' } });
    expect(unknown.json().detail).toBe('البريد الإلكتروني أو كلمة المرور غير صحيحة.');
    const audit = await t.database.pool.query(`SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = 'login.failed'`, [ws.tenantId]);
    expect(audit.rowCount).toBe(1);
  });

  it('stores passwords as argon2id hashes', async () => {
    const ws = await t.createWorkspace();
    const { rows } = await t.database.pool.query(`SELECT password_hash FROM accounts WHERE email = $1`, [ws.users.owner.email]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain(TEST_PASSWORD);
  });
});

describe('members and invitations', () => {
  it('invites a member who accepts and signs in with the invited role', async () => {
    const ws = await t.createWorkspace();
    const invite = await t.app.inject({ method: 'POST', url: '/api/invitations', headers: t.auth(ws.keys.admin), payload: { email: 'new.agent@example.test', role: 'agent' } });
    expect(invite.statusCode).toBe(201);
    const { token } = invite.json();
    const accept = await t.app.inject({ method: 'POST', url: '/api/invitations/accept', payload: { token, displayName: 'مریم', password: 'a long enough password' } });
    expect(accept.statusCode).toBe(200);
    expect(accept.json().role).toBe('agent');
    const again = await t.app.inject({ method: 'POST', url: '/api/invitations/accept', payload: { token, displayName: 'x', password: 'a long enough password' } });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('invitation_invalid');
    const members = await t.app.inject({ method: 'GET', url: '/api/members', headers: t.auth(ws.keys.analyst) });
    expect(members.json().items.map((m: { email: string }) => m.email)).toContain('new.agent@example.test');
  });

  it('lets only owners make owners, and never removes the last owner', async () => {
    const ws = await t.createWorkspace();
    const byAdmin = await t.app.inject({ method: 'PATCH', url: `/api/members/${ws.users.agent.accountId}`, headers: t.auth(ws.keys.admin), payload: { role: 'owner' } });
    expect(byAdmin.statusCode).toBe(403);
    const lastOwner = await t.app.inject({ method: 'PATCH', url: `/api/members/${ws.users.owner.accountId}`, headers: t.auth(ws.keys.owner), payload: { role: 'admin' } });
    expect(lastOwner.statusCode).toBe(409);
    expect(lastOwner.json().code).toBe('last_owner');
    const promote = await t.app.inject({ method: 'PATCH', url: `/api/members/${ws.users.agent.accountId}`, headers: t.auth(ws.keys.owner), payload: { role: 'manager' } });
    expect(promote.statusCode).toBe(200);
    expect(promote.json().role).toBe('manager');
    const audit = await t.database.pool.query(`SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'member.role_changed'`, [ws.tenantId]);
    expect(audit.rows[0].details).toMatchObject({ from: 'agent', role: 'manager' });
  });

  it('signs a disabled member out everywhere', async () => {
    const ws = await t.createWorkspace();
    const before = await t.app.inject({ method: 'GET', url: '/api/customers', headers: { cookie: ws.users.agent.cookie } });
    expect(before.statusCode).not.toBe(401);
    await t.app.inject({ method: 'PATCH', url: `/api/members/${ws.users.agent.accountId}`, headers: t.auth(ws.keys.owner), payload: { disabled: true } });
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: ws.users.agent.cookie } });
    expect(after.statusCode).toBe(401);
  });
});

describe('API keys', () => {
  it('shows a secret once, stores only its hash, and stops working when revoked', async () => {
    const ws = await t.createWorkspace();
    const created = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: t.auth(ws.keys.owner), payload: { name: 'POS', role: 'agent' } });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toMatch(/^vafa_/);
    const list = await t.app.inject({ method: 'GET', url: '/api/api-keys', headers: t.auth(ws.keys.owner) });
    expect(JSON.stringify(list.json())).not.toContain(secret);
    const { rows } = await t.database.pool.query(`SELECT secret_hash FROM api_keys WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, id]);
    expect(secret).not.toContain(rows[0].secret_hash);
    expect((await t.app.inject({ method: 'GET', url: '/api/workspace', headers: t.auth(secret) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: t.auth(ws.keys.owner) })).statusCode).toBe(200);
    const audit = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY id`, [ws.tenantId, id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it('refuses a key whose secret was tampered with', async () => {
    const ws = await t.createWorkspace();
    const tampered = ws.keys.owner.slice(0, -4) + 'AAAA';
    const res = await t.app.inject({ method: 'GET', url: '/api/workspace', headers: t.auth(tampered) });
    expect(res.statusCode).toBe(401);
  });
});
