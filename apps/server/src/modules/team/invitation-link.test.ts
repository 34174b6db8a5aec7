import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

// An invitation link is handed to someone else: if the caller's Host header (or a forwarded
// host) could choose where it points, a crafted request would send the invitee's token to the
// attacker's site. Links come from VAFA_PUBLIC_URL or the configured port, nothing else.

const HOSTILE = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
let configured: TestApp;
let unset: TestApp;

beforeAll(async () => {
  [configured, unset] = await Promise.all([
    startTestApp({ env: { VAFA_PUBLIC_URL: 'https://cx.shop.example/' } }),
    // A trusted proxy does not make its forwarded host a link base either.
    startTestApp({ env: { PORT: '3456', VAFA_TRUST_PROXY: '127.0.0.1' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([configured?.close(), unset?.close()]);
});

async function invite(t: TestApp) {
  const ws = await t.createWorkspace();
  const res = await t.app.inject({ method: 'POST', url: '/api/invitations', headers: { ...t.auth(ws.keys.admin), ...HOSTILE }, payload: { email: 'invitee@example.test', role: 'agent' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { acceptUrl: string; token: string };
}

describe('invitation links', () => {
  it('use VAFA_PUBLIC_URL whatever Host the request carried', async () => {
    const created = await invite(configured);
    expect(created.acceptUrl).toBe(`https://cx.shop.example/invitations/accept#${created.token}`);
  });

  it('with VAFA_PUBLIC_URL unset, use the configured port on localhost, never the Host header', async () => {
    const created = await invite(unset);
    expect(created.acceptUrl).toBe(`http://localhost:3456/invitations/accept#${created.token}`);
    expect(created.acceptUrl).not.toContain('evil');
  });
});
