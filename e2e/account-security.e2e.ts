// Browser tests of sign-in security: change the password, reset it with the link from a real
// SMTP server started here, set up an authenticator app (codes computed with otplib, as the
// phone would) and sign in with it, in Persian and in English; screenshots in fa, ar and en.
// Run: node --import tsx --test e2e/account-security.e2e.ts
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../apps/server/test/smtp-sink.ts';
import { expectAccessible, launchChromium, ROOT, type RunningVafa, screenshot, startVafa } from './harness.ts';

let vafa: RunningVafa;
let sink: SmtpSink;
let browser: Browser;
const INVITEE = 'agent.en@example.test';

type Language = 'fa' | 'ar' | 'en';
const LOCALE: Record<Language, string> = { fa: 'fa-IR', ar: 'ar-SA', en: 'en-GB' };

/** Words the tests click and read, per language (the app's own strings). */
const UI = {
  fa: {
    email: 'ایمیل', password: 'گذرواژه', signIn: 'ورود', forgot: 'گذرواژه را فراموش کرده‌اید؟', sendLink: 'ارسال پیوند', newPassword: 'گذرواژهٔ تازه',
    saveNew: 'ذخیرهٔ گذرواژهٔ تازه', current: 'گذرواژهٔ فعلی', change: 'تغییر گذرواژه', setUp: 'راه‌اندازی', code: 'کد', turnOn: 'روشن کردن', saved: 'ذخیره‌شان کردم',
    verify: 'تأیید', security: 'ورود و امنیت', customers: 'مشتریان', signOut: 'خروج', turnOff: 'خاموش کردن', resetDone: 'گذرواژه‌تان عوض شد',
    forgotTitle: 'بازنشانی گذرواژه',
  },
  en: {
    email: 'E-mail', password: 'Password', signIn: 'Sign in', forgot: 'Forgot your password?', sendLink: 'Send the link', newPassword: 'New password',
    saveNew: 'Save the new password', current: 'Current password', change: 'Change password', setUp: 'Set up', code: 'Code', turnOn: 'Turn on', saved: 'I have saved them',
    verify: 'Verify', security: 'Sign-in and security', customers: 'Customers', signOut: 'Sign out', turnOff: 'Turn off', resetDone: 'Your password is changed',
    forgotTitle: 'Reset your password',
  },
} as const;

/** A code of the step `offsetSteps` from now, as the authenticator app shows it. */
const totp = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

async function apiSession(email: string, password: string) {
  const login = await fetch(`${vafa.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await login.json() as { csrfToken: string };
  return async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${vafa.apiUrl}${url}`, {
      method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const pages: Page[] = [];
async function newPage(language: Language, width = 1366): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: LOCALE[language], timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width, height: width < 500 ? 844 : 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  pages.push(page);
  return { context, page };
}

/** Where each page of the last test ended, for when it failed (test-output/account-security-last-N.png). */
afterEach(async () => {
  for (const [i, page] of pages.entries()) {
    if (!page.isClosed()) await page.screenshot({ path: path.join(ROOT, 'test-output', `account-security-last-${i}.png`) }).catch(() => undefined);
  }
  pages.length = 0;
});

async function resetLinkFor(email: string, after: number): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const mail = sink.messages.filter((m) => m.to.includes(email))[after];
    if (mail) return /(http\S+\/reset-password#[\w-]+)/.exec(mail.text ?? '')![1]!;
    if (Date.now() > deadline) throw new Error(`no reset mail for ${email}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function signInWithPassword(page: Page, language: 'fa' | 'en', email: string, password: string) {
  const ui = UI[language];
  await page.goto('/');
  await page.getByRole('textbox', { name: ui.email }).fill(email);
  await page.getByRole('textbox', { name: ui.password, exact: true }).fill(password);
  await page.getByRole('button', { name: ui.signIn, exact: true }).click();
}

/**
 * Waits for the forgot-password screen after its link on the sign-in screen was clicked. Its code
 * loads on demand, and until it is here the sign-in screen stays, with an e-mail field of the same
 * name: an address typed then goes into the sign-in form and the reset form comes up empty (seen
 * with the machine busy, beside the route walk: the link request went out with no address, a 400).
 */
async function forgotPasswordPage(page: Page, language: 'fa' | 'en') {
  await page.getByRole('heading', { level: 1, name: UI[language].forgotTitle }).waitFor();
}

/** The same screen 390 px wide, then in Arabic (wide and narrow), then back to Persian. */
async function shootNarrowAndArabic(page: Page, name: string, faHeading: string) {
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `fa-390-${name}`, { fullPage: true });
  await page.evaluate(() => localStorage.setItem('vafa.language', 'ar'));
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'تسجيل الدخول والأمان' }).waitFor();
  await screenshot(page, `ar-390-${name}`, { fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await screenshot(page, `ar-${name}`, { fullPage: true });
  await page.evaluate(() => localStorage.setItem('vafa.language', 'fa'));
  await page.reload();
  await page.getByRole('heading', { level: 1, name: faHeading }).waitFor();
}

/** The key shown as text beside the QR code, as someone would type it into their app. */
async function enrolInBrowser(page: Page, language: 'fa' | 'en', shotName: string): Promise<string> {
  const ui = UI[language];
  await page.getByRole('button', { name: ui.setUp }).click();
  const shown = await page.getByTestId('totp-secret').textContent();
  const secret = shown!.replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await page.getByRole('img').first().waitFor();
  await screenshot(page, `${shotName}-enrol`, { fullPage: true });
  await page.getByRole('textbox', { name: ui.code }).fill(await totp(secret));
  await page.getByRole('button', { name: ui.turnOn }).click();
  const codes = page.getByTestId('recovery-codes').locator('li');
  await codes.first().waitFor();
  assert.equal(await codes.count(), 10);
  await screenshot(page, `${shotName}-recovery-codes`, { fullPage: true });
  await page.getByRole('button', { name: ui.saved }).click();
  return secret;
}

describe('sign-in security in the browser', { timeout: 900_000 }, () => {
  before(async () => {
    sink = await startSmtpSink();
    [vafa, browser] = await Promise.all([startVafa({ customers: 5, env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium()]);
    // The demo workspace sends its mail through the SMTP server of this test.
    const owner = await apiSession(vafa.email, vafa.password);
    await owner('PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: 'no-reply@demo.example.test' });
    // A member for the English walk, invited before the owner's password and second factor change.
    const { token } = await owner('POST', '/api/invitations', { email: INVITEE, role: 'agent' });
    const accepted = await fetch(`${vafa.apiUrl}/api/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, displayName: 'Sam Agent', password: 'first password 123' }) });
    assert.equal(accepted.status, 200);
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sink?.close();
  });

  test('Persian: change the password, reset it by e-mail, set up two-step sign-in and sign in with it', async () => {
    const ui = UI.fa;
    const { context, page } = await newPage('fa');
    await signInWithPassword(page, 'fa', vafa.email, vafa.password);
    await page.getByRole('heading', { level: 1, name: ui.customers }).waitFor();

    await page.getByRole('link', { name: ui.security }).click();
    await page.getByRole('heading', { level: 1, name: ui.security }).waitFor();
    await expectAccessible(page, 'fa account security');
    await screenshot(page, 'fa-account-security', { fullPage: true });
    await shootNarrowAndArabic(page, 'account-security', ui.security);
    await page.getByRole('textbox', { name: ui.current }).fill(vafa.password);
    await page.getByRole('textbox', { name: ui.newPassword }).fill('گذرواژهٔ تازهٔ من ۱۴۰۳');
    await page.getByRole('button', { name: ui.change }).click();
    await page.getByText('گذرواژه عوض شد').first().waitFor();

    // Signed out, the new password is forgotten: the link comes by e-mail.
    await page.getByRole('button', { name: ui.signOut, exact: true }).click();
    await page.getByRole('link', { name: ui.forgot }).click();
    await forgotPasswordPage(page, 'fa');
    await page.getByRole('textbox', { name: ui.email }).fill(vafa.email);
    await page.getByRole('button', { name: ui.sendLink }).click();
    await page.locator('p[role="status"]').waitFor(); // the notifications region is a status too
    await screenshot(page, 'fa-forgot-password-sent');
    const link = await resetLinkFor(vafa.email, 0);
    assert.ok(link.startsWith('http://localhost:'), link);
    await page.goto(link.replace(/^http:\/\/localhost:\d+/, ''));
    await page.getByRole('textbox', { name: ui.newPassword }).fill('پس از بازنشانی ۲۰۲۵');
    await screenshot(page, 'fa-reset-password');
    await page.getByRole('button', { name: ui.saveNew }).click();
    await page.getByText(ui.resetDone).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the spent token leaves the address bar');

    await signInWithPassword(page, 'fa', vafa.email, 'پس از بازنشانی ۲۰۲۵');
    await page.getByRole('heading', { level: 1, name: ui.customers }).waitFor();
    await page.goto('/account/security');
    const secret = await enrolInBrowser(page, 'fa', 'fa-two-factor');

    await page.getByRole('button', { name: ui.signOut, exact: true }).click();
    await signInWithPassword(page, 'fa', vafa.email, 'پس از بازنشانی ۲۰۲۵');
    const code = page.getByRole('textbox', { name: ui.code });
    await code.waitFor();
    await expectAccessible(page, 'fa two-factor step');
    await screenshot(page, 'fa-sign-in-two-factor');
    // The code as a Persian keyboard types it.
    await code.fill((await totp(secret, 1)).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!));
    await page.getByRole('button', { name: ui.verify }).click();
    await page.getByRole('heading', { level: 1, name: ui.customers }).waitFor();

    // The owner requires two-step sign-in of every member (the English test meets it).
    await page.goto('/settings');
    const require = page.getByRole('switch', { name: 'ورود دومرحله‌ای برای همهٔ اعضای این فضای کار الزامی باشد' });
    await page.getByText('ورود دومرحله‌ای برای همهٔ اعضای این فضای کار الزامی باشد').click();
    await page.getByText('ذخیره شد.').first().waitFor();
    assert.equal(await require.isChecked(), true);
    await screenshot(page, 'fa-settings-require-two-factor');
    await context.close().catch(() => undefined);
  });

  test('English: an invited member sets up two-step sign-in, changes the password and resets it', async () => {
    const ui = UI.en;
    const { context, page } = await newPage('en');
    const email = INVITEE;
    await signInWithPassword(page, 'en', email, 'first password 123');
    // The workspace requires a second factor: nothing else until it is set up.
    await page.getByRole('heading', { level: 1, name: 'This workspace requires two-step sign-in' }).waitFor();
    await expectAccessible(page, 'en enrolment gate');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'en-390-enrolment-gate');
    const secret = await enrolInBrowser(page, 'en', 'en-390-two-factor');
    await page.getByRole('heading', { level: 1, name: ui.customers }).waitFor();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('link', { name: ui.security }).click();
    await page.getByRole('heading', { level: 1, name: ui.security }).waitFor();
    await screenshot(page, 'en-account-security', { fullPage: true });

    await page.getByRole('textbox', { name: ui.current }).fill('first password 123');
    await page.getByRole('textbox', { name: ui.newPassword }).fill('second password 456');
    await page.getByRole('button', { name: ui.change }).click();
    await page.getByText('Password changed').first().waitFor();

    await page.getByRole('button', { name: ui.signOut, exact: true }).click();
    await page.getByRole('link', { name: ui.forgot }).click();
    await forgotPasswordPage(page, 'en');
    await screenshot(page, 'en-forgot-password');
    await page.getByRole('textbox', { name: ui.email }).fill(email);
    await page.getByRole('button', { name: ui.sendLink }).click();
    await page.locator('p[role="status"]').waitFor(); // the notifications region is a status too
    const link = await resetLinkFor(email, 0);
    await page.goto(link.replace(/^http:\/\/localhost:\d+/, ''));
    await page.getByRole('textbox', { name: ui.newPassword }).fill('third password 789');
    await page.getByRole('button', { name: ui.saveNew }).click();
    await page.getByText(ui.resetDone).waitFor();
    // The link works once (opened afresh, as from the mail again).
    await page.goto('about:blank');
    await page.goto(link.replace(/^http:\/\/localhost:\d+/, ''));
    await page.getByRole('textbox', { name: ui.newPassword }).fill('fourth password 000');
    await page.getByRole('button', { name: ui.saveNew }).click();
    await page.getByRole('alert').getByText('already used or has expired').waitFor();
    await screenshot(page, 'en-reset-link-spent');

    await signInWithPassword(page, 'en', email, 'third password 789');
    await page.getByRole('textbox', { name: ui.code }).fill(await totp(secret, 1));
    await screenshot(page, 'en-sign-in-two-factor');
    await page.getByRole('button', { name: ui.verify }).click();
    await page.getByRole('heading', { level: 1, name: ui.customers }).waitFor();
    await context.close().catch(() => undefined);
  });

  test('screens in Arabic and on a 390 px phone', async () => {
    for (const language of ['ar', 'fa', 'en'] as const) {
      const { context, page } = await newPage(language, 390);
      await page.goto('/');
      await page.locator('a[href="/forgot-password"]').waitFor();
      await screenshot(page, `${language}-390-sign-in`);
      await page.goto('/forgot-password');
      await page.locator('input[type=email]').waitFor();
      await screenshot(page, `${language}-390-forgot-password`);
      await page.goto('/reset-password#not-a-real-token-but-long-enough');
      await page.locator('input[type=password]').waitFor();
      await screenshot(page, `${language}-390-reset-password`);
      await context.close();
    }
    const { context, page } = await newPage('ar');
    await page.goto('/forgot-password');
    await page.locator('input[type=email]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await expectAccessible(page, 'ar forgot password');
    await screenshot(page, 'ar-forgot-password');
    await context.close().catch(() => undefined);
  });
});

