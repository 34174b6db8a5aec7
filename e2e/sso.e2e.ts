// Single sign-on in Chromium: the sign-in page's provider button, a real OpenID Connect
// provider (started here, on 127.0.0.1) with its own login and consent pages, and back into
// Vafa signed in — in Persian and in English; a refusal shown in the reader's language.
// Run: node --import tsx --test e2e/sso.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startOidcProvider, type TestOidcProvider } from '../apps/server/test/oidc-provider.ts';
import { expectAccessible, freePort, launchChromium, screenshot, startVafa, type RunningVafa } from './harness.ts';

let vafa: RunningVafa;
let provider: TestOidcProvider;
let browser: Browser;

/** A fresh browser (no cookies at Vafa or at the provider) in one language. */
async function freshPage(locale: string, width = 1366): Promise<Page> {
  const context = await browser.newContext({ baseURL: vafa.baseUrl, locale, bypassCSP: true, viewport: { width, height: 860 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  return page;
}

/** At the provider's development pages: log in as `login` (any password), then consent. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('single sign-on in the browser', { timeout: 600_000 }, () => {
  before(async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({ redirectUri: `${baseUrl}/api/auth/sso/callback`, identities: {} });
    [vafa, browser] = await Promise.all([
      startVafa({
        env: {
          PORT: String(port),
          VAFA_PUBLIC_URL: baseUrl,
          VAFA_OIDC_ISSUER: provider.issuer,
          VAFA_OIDC_CLIENT_ID: provider.clientId,
          VAFA_OIDC_CLIENT_SECRET: provider.clientSecret,
          VAFA_OUTBOUND_ALLOW: '127.0.0.1',
        },
      }),
      launchChromium(),
    ]);
    provider.identities.set('owner', { email: vafa.email, emailVerified: true });
    provider.identities.set('stranger', { email: 'stranger@example.test', emailVerified: true });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await provider?.close();
  });

  test('Persian: the provider button signs the member in', async () => {
    const page = await freshPage('fa-IR');
    await page.goto('/');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    const button = page.getByRole('link', { name: 'ورود با حساب سازمانی' });
    await button.waitFor();
    await screenshot(page, 'fa-sign-in-sso');
    await expectAccessible(page, 'fa sign-in with SSO');
    await button.click();
    await signInAtProvider(page, 'owner');
    await page.getByRole('heading', { level: 1, name: 'مشتریان' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/customers');
    await page.context().close();
  });

  test('English: the provider button signs the member in', async () => {
    const page = await freshPage('en-US');
    await page.goto('/');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
    await page.getByRole('link', { name: "Sign in with your organisation's account" }).click();
    await signInAtProvider(page, 'owner');
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    await screenshot(page, 'en-signed-in-sso');
    await page.context().close();
  });

  test('an e-mail with no member here comes back refused, said in Persian and in Arabic', async () => {
    for (const [locale, message, width] of [
      ['fa-IR', 'هیچ عضوی با این ایمیل اینجا نیست', 390],
      ['ar-SA', 'لا يوجد عضو هنا بهذا البريد الإلكتروني', 1366],
    ] as const) {
      const page = await freshPage(locale, width);
      await page.goto('/');
      await page.getByRole('link', { name: locale === 'fa-IR' ? 'ورود با حساب سازمانی' : 'تسجيل الدخول بحساب المؤسسة' }).click();
      await signInAtProvider(page, 'stranger');
      await page.getByRole('alert').filter({ hasText: message }).waitFor();
      // Taken out of the address, so a reload does not say it again.
      assert.equal(new URL(page.url()).search, '');
      await screenshot(page, `${locale.slice(0, 2)}-${width}-sign-in-sso-refused`);
      await expectAccessible(page, `${locale} sign-in refused`);
      // Nobody was signed in: the session probe answers "nobody" (204), not a session.
      const session = await page.request.get('/api/auth/session');
      assert.equal(session.status(), 204);
      await page.context().close();
    }
  });
});
