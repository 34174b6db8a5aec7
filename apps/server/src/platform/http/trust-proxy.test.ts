import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { loadConfig, parseTrustProxy } from '../config.ts';

// Behind a TLS-terminating proxy every connection comes from the proxy. With VAFA_TRUST_PROXY
// naming it, X-Forwarded-For/-Proto give each client its own rate-limit bucket and make
// session cookies Secure; from any other peer those headers change nothing.

const PROXY = '127.0.0.1';
const STRANGER = '198.51.100.7';
let behindProxy: TestApp;
let direct: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  [behindProxy, direct] = await Promise.all([
    startTestApp({ env: { VAFA_TRUST_PROXY: PROXY, VAFA_ANON_RATE_LIMIT: '3' } }),
    startTestApp({ env: { VAFA_ANON_RATE_LIMIT: '3' } }),
  ]);
  ws = await behindProxy.createWorkspace();
});

afterAll(async () => {
  await Promise.all([behindProxy?.close(), direct?.close()]);
});

const health = (t: TestApp, remoteAddress: string, forwardedFor: string) =>
  t.app.inject({ method: 'GET', url: '/health', remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });

/** How many of `n` requests pass before the per-client limit answers 429. */
async function passing(t: TestApp, n: number, request: (i: number) => ReturnType<typeof health>): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i += 1) if ((await request(i)).statusCode === 200) ok += 1;
  return ok;
}

describe('client address', () => {
  it('gives each forwarded client its own bucket when the proxy is trusted', async () => {
    expect(await passing(behindProxy, 5, () => health(behindProxy, PROXY, '203.0.113.1'))).toBe(3);
    // Another client behind the same proxy is not held by the first one's limit.
    expect(await passing(behindProxy, 3, () => health(behindProxy, PROXY, '203.0.113.2'))).toBe(3);
  });

  it('ignores X-Forwarded-For from a peer that is not the proxy: rotating it does not escape the limit', async () => {
    expect(await passing(behindProxy, 6, (i) => health(behindProxy, STRANGER, `203.0.113.${100 + i}`))).toBe(3);
  });

  it('ignores X-Forwarded-For entirely when no proxy is configured (the default)', async () => {
    expect(await passing(direct, 6, (i) => health(direct, PROXY, `203.0.113.${200 + i}`))).toBe(3);
  });
});

describe('session cookie', () => {
  const login = (t: TestApp, remoteAddress: string, proto: string, forwardedFor: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress,
      headers: { 'x-forwarded-proto': proto, 'x-forwarded-for': forwardedFor },
      payload: { email: ws.users.owner.email, password: TEST_PASSWORD },
    });
  const sessionCookie = (res: Awaited<ReturnType<typeof login>>) => [res.headers['set-cookie']].flat().find((c) => c?.startsWith('vafa_session='));

  it('is Secure when the trusted proxy says the client came over https', async () => {
    const res = await login(behindProxy, PROXY, 'https', '203.0.113.50');
    expect(res.statusCode, res.body).toBe(200);
    expect(sessionCookie(res)).toMatch(/;\s*Secure/i);
  });

  it('is not Secure when X-Forwarded-Proto comes from anyone else', async () => {
    const res = await login(behindProxy, STRANGER, 'https', '203.0.113.51');
    expect(res.statusCode, res.body).toBe(200);
    expect(sessionCookie(res)).toBeDefined();
    expect(sessionCookie(res)).not.toMatch(/;\s*Secure/i);
  });
});

describe('VAFA_TRUST_PROXY', () => {
  it('takes off, a hop count or addresses and networks; refuses "trust everyone" and garbage', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('off')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,loopback')).toEqual(['127.0.0.1', '10.0.0.0/8', 'loopback']);
    for (const bad of ['true', '*', 'proxy.internal', '10.0.0.0/99', '99']) {
      expect(() => loadConfig({ VAFA_TRUST_PROXY: bad, VAFA_SECRET_KEY: Buffer.alloc(32).toString('base64') }), bad).toThrow(/VAFA_TRUST_PROXY/);
    }
  });
});
