import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../platform/config.ts';
import { startOidcProvider, type TestOidcProvider } from '../../../test/oidc-provider.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { safeReturnPath, SingleSignOn } from './sso.service.ts';

// Single sign-on against a real OpenID Connect provider, driven over real HTTP the way a
// browser would: a cookie jar, redirects followed by hand, the provider's own forms submitted.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface StoredCookie { name: string; value: string; path: string; httpOnly: boolean; sameSite: string | undefined }

/** Enough of a browser's cookie jar for one host: path scoping, deletion by Max-Age/Expires. */
class CookieJar {
  readonly cookies = new Map<string, StoredCookie>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((p) => p.trim());
      const at = pair!.indexOf('=');
      const cookie: StoredCookie = { name: pair!.slice(0, at), value: pair!.slice(at + 1), path: '/', httpOnly: false, sameSite: undefined };
      let expired = false;
      for (const attribute of attributes) {
        const [key, value = ''] = attribute.split('=');
        const name = key!.toLowerCase();
        if (name === 'path') cookie.path = value;
        if (name === 'httponly') cookie.httpOnly = true;
        if (name === 'samesite') cookie.sameSite = value.toLowerCase();
        if (name === 'max-age' && Number(value) <= 0) expired = true;
        if (name === 'expires' && Date.parse(value) <= Date.now()) expired = true;
      }
      const key = `${cookie.name};${cookie.path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, cookie);
    }
  }

  get(name: string): StoredCookie | undefined {
    return [...this.cookies.values()].find((c) => c.name === name);
  }

  header(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.header(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(response);
    return response;
  }
}

const location = (response: Response, base: string) => new URL(response.headers.get('location')!, base);

let provider: TestOidcProvider;
let t: TestApp;
let vafaUrl: string;
let ws: TestWorkspace;

beforeAll(async () => {
  const port = await freePort();
  vafaUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ redirectUri: `${vafaUrl}/api/auth/sso/callback`, identities: {} });
  t = await startTestApp({
    env: {
      PORT: String(port),
      VAFA_PUBLIC_URL: vafaUrl,
      VAFA_OIDC_ISSUER: provider.issuer,
      VAFA_OIDC_CLIENT_ID: provider.clientId,
      VAFA_OIDC_CLIENT_SECRET: provider.clientSecret,
      VAFA_OIDC_NAME: 'Test IdP',
      VAFA_OUTBOUND_ALLOW: '127.0.0.1',
      VAFA_ANON_RATE_LIMIT: '10000',
    },
  });
  await t.vafa.listen();
  ws = await t.createWorkspace();
  // Upper case at the provider: the app matches e-mail case-insensitively, as password login does.
  provider.identities.set('verified', { email: ws.users.agent.email.toUpperCase(), emailVerified: true });
  provider.identities.set('unverified', { email: ws.users.manager.email, emailVerified: false });
  provider.identities.set('stranger', { email: 'nobody-here@example.test', emailVerified: true });
});

afterAll(async () => {
  await t?.close();
  await provider?.close();
});

/**
 * Start at Vafa, sign in at the provider as `login`, consent, and stop at the redirect back to
 * Vafa's callback (not followed, so tests can tamper with it). Returns the callback URL.
 */
async function throughProvider(jar: CookieJar, login: string, returnTo = '/customers'): Promise<URL> {
  const start = await jar.fetch(`${vafaUrl}/api/auth/sso/start?returnTo=${encodeURIComponent(returnTo)}&lang=fa`);
  expect(start.status).toBe(302);
  let next = location(start, vafaUrl);
  expect(next.origin).toBe(provider.issuer);
  expect(next.searchParams.get('code_challenge_method')).toBe('S256');
  expect(next.searchParams.get('redirect_uri')).toBe(`${vafaUrl}/api/auth/sso/callback`);
  expect(next.searchParams.get('state')).toBeTruthy();
  expect(next.searchParams.get('nonce')).toBeTruthy();

  const submitted = new Set<string>();
  for (let step = 0; step < 20; step += 1) {
    if (next.href.startsWith(`${vafaUrl}/api/auth/sso/callback`)) return next;
    const response = await jar.fetch(next);
    if (response.status >= 300 && response.status < 400) {
      next = location(response, next.href);
      continue;
    }
    expect(response.status, `provider page ${next.href}`).toBe(200);
    // The provider's development pages: a login form, then a consent form.
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    expect(action && prompt, `a form on ${next.href}`).toBeTruthy();
    expect(submitted.has(`${prompt}`), `the provider asked for ${prompt} twice`).toBe(false);
    submitted.add(prompt!);
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt: prompt! });
    const posted = await jar.fetch(new URL(action!.replace(/&amp;/g, '&'), next), {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(posted.status).toBeGreaterThanOrEqual(300);
    next = location(posted, next.href);
  }
  throw new Error('the provider never sent the browser back to Vafa');
}

async function auditActions(accountId: string): Promise<string[]> {
  const result = await t.database.pool.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2', [ws.tenantId, accountId],
  );
  return result.rows.map((r) => r.action);
}

describe('single sign-on with OpenID Connect', () => {
  it('lists the configured provider for the sign-in page', async () => {
    const response = await fetch(`${vafaUrl}/api/auth/sso`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [{ id: 'oidc', name: 'Test IdP', startUrl: '/api/auth/sso/start' }] });
  });

  it('signs an invited member in: start, provider login and consent, callback, and the session works', async () => {
    const jar = new CookieJar();
    const callback = await throughProvider(jar, 'verified');
    const transaction = jar.get('vafa_sso')!;
    expect(transaction.httpOnly).toBe(true);
    expect(transaction.sameSite).toBe('lax');
    expect(transaction.path).toBe('/api/auth/sso');
    // The PKCE verifier and nonce are sealed, not readable in the cookie.
    expect(transaction.value).not.toContain('verifier');

    const landed = await jar.fetch(callback);
    expect(landed.status).toBe(302);
    expect(landed.headers.get('cache-control')).toBe('no-store');
    expect(landed.headers.get('location')).toBe('/customers');
    expect(jar.get('vafa_sso')).toBeUndefined();
    expect(jar.get('vafa_session')?.httpOnly).toBe(true);

    const session = await jar.fetch(`${vafaUrl}/api/auth/session`);
    expect(session.status).toBe(200);
    const view = await session.json();
    expect(view.account.email).toBe(ws.users.agent.email);
    expect(view.workspace.id).toBe(ws.tenantId);
    expect(view.role).toBe('agent');
    expect(await auditActions(ws.users.agent.accountId)).toContain('login.sso');
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    const jar = new CookieJar();
    const callback = await throughProvider(jar, 'verified');
    callback.searchParams.set('state', 'not-the-state-we-sent');
    const refused = await jar.fetch(callback);
    expect(refused.status).toBe(302);
    expect(refused.headers.get('location')).toBe('/sign-in?sso_error=failed');
    expect(jar.get('vafa_session')).toBeUndefined();
  });

  it('refuses an e-mail the provider has not verified, and creates nothing', async () => {
    const jar = new CookieJar();
    const before = await t.database.pool.query('SELECT count(*)::int AS n FROM sessions WHERE account_id = $1', [ws.users.manager.accountId]);
    const refused = await jar.fetch(await throughProvider(jar, 'unverified'));
    expect(refused.headers.get('location')).toBe('/sign-in?sso_error=email_unverified');
    expect(jar.get('vafa_session')).toBeUndefined();
    const after = await t.database.pool.query('SELECT count(*)::int AS n FROM sessions WHERE account_id = $1', [ws.users.manager.accountId]);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect(await auditActions(ws.users.manager.accountId)).toContain('login.failed');
  });

  it('refuses an e-mail with no account here: SSO signs in invited people, it does not create accounts', async () => {
    const jar = new CookieJar();
    const refused = await jar.fetch(await throughProvider(jar, 'stranger'));
    expect(refused.headers.get('location')).toBe('/sign-in?sso_error=unknown_account');
    expect(jar.get('vafa_session')).toBeUndefined();
    const accounts = await t.database.pool.query('SELECT count(*)::int AS n FROM accounts WHERE lower(email) = $1', ['nobody-here@example.test']);
    expect(accounts.rows[0].n).toBe(0);
  });

  it('refuses a replayed callback, with or without the transaction cookie', async () => {
    const jar = new CookieJar();
    const callback = await throughProvider(jar, 'verified');
    const sealed = jar.get('vafa_sso')!.value;
    expect((await jar.fetch(callback)).headers.get('location')).toBe('/customers');

    // The same browser again: the transaction was used up.
    const again = new CookieJar();
    const replay = await again.fetch(callback);
    expect(replay.headers.get('location')).toBe('/sign-in?sso_error=expired');
    expect(again.get('vafa_session')).toBeUndefined();

    // Someone who kept the transaction cookie: the provider's code is single-use.
    const thief = new CookieJar();
    const stolen = await thief.fetch(callback, { headers: { cookie: `vafa_sso=${sealed}` } });
    expect(stolen.headers.get('location')).toBe('/sign-in?sso_error=failed');
    expect(thief.get('vafa_session')).toBeUndefined();
  });

  it('refuses a callback with a transaction cookie it did not seal', async () => {
    const jar = new CookieJar();
    const callback = await throughProvider(jar, 'verified');
    const forged = await new CookieJar().fetch(callback, { headers: { cookie: 'vafa_sso=AAAA.BBBB.CCCC' } });
    expect(forged.headers.get('location')).toBe('/sign-in?sso_error=expired');
  });

  it('lands only on paths of this site', async () => {
    const jar = new CookieJar();
    const landed = await jar.fetch(await throughProvider(jar, 'verified', '//evil.example/steal'));
    expect(landed.headers.get('location')).toBe('/');
    expect(safeReturnPath('/customers?q=1')).toBe('/customers?q=1');
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', '/api/auth/logout', 'customers', '/x\ny']) {
      expect(safeReturnPath(bad), bad).toBe('/');
    }
  });

  it('tells the user when the person cancels at the provider', async () => {
    const jar = new CookieJar();
    const state = location(await jar.fetch(`${vafaUrl}/api/auth/sso/start`), vafaUrl).searchParams.get('state')!;
    // What the provider sends back when the person presses "cancel" on its page.
    const cancelled = await jar.fetch(`${vafaUrl}/api/auth/sso/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`);
    expect(cancelled.headers.get('location')).toBe('/sign-in?sso_error=cancelled');
  });
});

describe('the provider connection', () => {
  const log = pino({ level: 'silent' });
  const configFor = (env: Record<string, string>) => loadConfig({ ...env, VAFA_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), VAFA_DATA_DIR: '/tmp' });

  it('goes through the outbound guard: a provider on an internal address needs VAFA_OUTBOUND_ALLOW', async () => {
    const config = configFor({ VAFA_OIDC_ISSUER: provider.issuer, VAFA_OIDC_CLIENT_ID: provider.clientId });
    const sso = new SingleSignOn(config.oidc!, config, log);
    await expect(sso.begin('/', undefined)).rejects.toMatchObject({ name: 'SsoRefused', reason: 'unavailable' });
    const allowed = configFor({ VAFA_OIDC_ISSUER: provider.issuer, VAFA_OIDC_CLIENT_ID: provider.clientId, VAFA_OUTBOUND_ALLOW: '127.0.0.1' });
    const { authorizationUrl } = await new SingleSignOn(allowed.oidc!, allowed, log).begin('/', 'en');
    expect(authorizationUrl.origin).toBe(provider.issuer);
    expect(authorizationUrl.searchParams.get('ui_locales')).toBe('en');
  });

  it('says the provider is unavailable when nothing answers, and tries again next time', async () => {
    const port = await freePort();
    const config = configFor({ VAFA_OIDC_ISSUER: `http://127.0.0.1:${port}`, VAFA_OIDC_CLIENT_ID: 'x', VAFA_OUTBOUND_ALLOW: '127.0.0.1' });
    const sso = new SingleSignOn(config.oidc!, config, log);
    await expect(sso.begin('/', undefined)).rejects.toMatchObject({ name: 'SsoRefused', reason: 'unavailable' });
    await expect(sso.begin('/', undefined)).rejects.toMatchObject({ name: 'SsoRefused', reason: 'unavailable' });
  });

  it('refuses half a configuration and plain http to other machines at start', () => {
    expect(() => configFor({ VAFA_OIDC_ISSUER: 'https://id.example.com' })).toThrow(ConfigError);
    expect(() => configFor({ VAFA_OIDC_CLIENT_ID: 'vafa' })).toThrow(ConfigError);
    expect(() => configFor({ VAFA_OIDC_ISSUER: 'http://id.example.com', VAFA_OIDC_CLIENT_ID: 'vafa' })).toThrow(/https/);
    expect(configFor({}).oidc).toBeUndefined();
  });
});
