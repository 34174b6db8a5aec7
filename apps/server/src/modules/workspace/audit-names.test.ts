// The audit log reads as sentences: entries carry today's names of who acted and on what.
// And a browser with no session at all learns "nobody" from the session route without a 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../platform/http/server.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('audit log names', () => {
  it('names the acting member and the subject, and only what belongs to the workspace', async () => {
    const ws = await t.createWorkspace();
    const headers = { cookie: ws.users.owner.cookie, 'x-csrf-token': ws.users.owner.csrfToken };
    const created = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'کلید انبار', role: 'agent' } });
    expect(created.statusCode).toBe(201);
    const keyId = created.json<{ id: string }>().id;

    const log = await t.app.inject({ method: 'GET', url: '/api/audit-log', headers });
    expect(log.statusCode).toBe(200);
    const entry = log.json<{ items: { action: string; targetId: string; actorName: string | null; targetName: string | null }[] }>().items
      .find((e) => e.action === 'api_key.created' && e.targetId === keyId);
    expect(entry).toBeDefined();
    expect(entry!.targetName).toBe('کلید انبار');
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: ws.users.owner.cookie } });
    expect(entry!.actorName).toBe(me.json<{ account: { displayName: string } }>().account.displayName);

    // Another workspace's log never names this workspace's things.
    const other = await t.createWorkspace();
    const otherLog = await t.app.inject({ method: 'GET', url: '/api/audit-log', headers: { cookie: other.users.owner.cookie } });
    expect(JSON.stringify(otherLog.json())).not.toContain('کلید انبار');
  });
});

describe('session probe', () => {
  it('answers 204 when no credential was presented, 401 for a session that no longer works', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/auth/session' });
    expect(none.statusCode).toBe(204);
    expect(none.body).toBe('');
    const stale = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: `${SESSION_COOKIE}=not-a-session` } });
    expect(stale.statusCode).toBe(401);
    // Other routes still refuse an absent session.
    expect((await t.app.inject({ method: 'GET', url: '/api/customers' })).statusCode).toBe(401);
  });
});
