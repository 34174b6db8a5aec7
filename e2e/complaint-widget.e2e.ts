// The widget's complaint form in Chromium on the demo page under a strict Content-Security-Policy
// (scripts only by nonce with 'strict-dynamic', no inline style of any kind, Trusted Types), loaded
// from another origin than the page's as on a customer's site: a manager switches it on in the
// intake settings (the screen shows the tag to paste); a visitor presses the complaint button, the
// form is imported as its own module from the Vafa server, is filled in Persian by keyboard (empty
// fields refused on their fields first), and the tracking code comes back in Persian digits with a
// link to the tracking page; the case is in the queue on channel widget; no CSP violation or console
// error. Screenshots of the form and the settings in fa/ar/en at 1366 and 390.
// Run: node --import tsx --test --test-concurrency=1 e2e/complaint-widget.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, freePort, latinWordsOnScreen, launchChromium, noSidewaysScroll, screenshot, startVafa, type RunningVafa, waitUntil } from './harness.ts';

type Api = (method: string, url: string, body?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let vafa: RunningVafa;
let browser: Browser;
let owner: Api;
let port: number;
let pageOrigin: string;
let slug: string;
let session: { cookie: string; csrfToken: string };

const LANGS = ['fa', 'ar', 'en'] as const;
const OPEN = { fa: 'ثبت شکایت', ar: 'تقديم شكوى', en: 'Make a complaint' } as const;

async function signIn(email: string, password: string): Promise<Api> {
  const login = await fetch(`${vafa.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  session = { cookie, csrfToken };
  return async (method, url, body) => {
    const response = await fetch(`${vafa.apiUrl}${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

interface Watched {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/** A fresh visitor on the demo page, with every CSP violation and console error collected. */
async function visit(lang: 'fa' | 'ar' | 'en', width: number): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 800 : 900 }, locale: lang === 'fa' ? 'fa-IR' : lang === 'ar' ? 'ar-SA' : 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${pageOrigin}/widget/demo?complaints=${slug}&lang=${lang}`);
  return { context, page, problems };
}

/** Each test stands alone: the first switches the widget on through the screen, the others through the API. */
const enableWidget = () => owner('PATCH', '/api/complaint-intake/settings', { widgetEnabled: true });

const violations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);

/** Latin words in the widget's shadow roots (the harness's check walks the page's own document only). */
const latinInWidget = (page: Page): Promise<string[]> => page.evaluate(() => {
  const found: string[] = [];
  for (const host of document.querySelectorAll('[data-vafa-complaint], [data-vafa-complaint-launcher]')) {
    const root = host.shadowRoot!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement!;
      if (parent.closest('[dir="ltr"]') || !parent.checkVisibility()) continue;
      for (const word of (node.textContent ?? '').match(/\p{Script=Latin}{2,}/gu) ?? []) found.push(word);
    }
    for (const el of root.querySelectorAll('[aria-label]')) for (const word of (el.getAttribute('aria-label') ?? '').match(/\p{Script=Latin}{2,}/gu) ?? []) found.push(word);
  }
  return found;
});

describe('complaint widget', { timeout: 900_000 }, () => {
  before(async () => {
    port = await freePort();
    // The widget is served from 127.0.0.1; the page is opened as localhost: two origins.
    vafa = await startVafa({ env: { PORT: String(port), VAFA_PUBLIC_URL: `http://127.0.0.1:${port}` } });
    pageOrigin = `http://localhost:${port}`;
    browser = await launchChromium();
    owner = await signIn(vafa.email, vafa.password);
    slug = /complaints=([^&]+)/.exec((await owner('GET', '/api/complaint-intake/settings')).widgetDemoUrl)![1]!;
    await owner('POST', '/api/complaints/settings/sla-policies', { name: 'ارسال', category: 'ارسال کالا', targets: { acknowledge: 60, resolve: 2880 } });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a manager switches the complaint entry on in the intake settings and sees the tag to paste (fa/ar/en, 1366 and 390)', async () => {
    const before = await owner('GET', '/api/complaint-intake/settings');
    assert.equal(before.widgetEnabled, false);
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 1366, height: 900 }, bypassCSP: true });
    await context.addCookies(session.cookie.split('; ').map((pair) => {
      const [name, ...value] = pair.split('=');
      return { name: name!, value: value.join('='), url: vafa.baseUrl };
    }));
    const page = await context.newPage();
    await owner('PATCH', '/api/me', { language: 'fa' });
    await page.goto('/complaints/settings?section=loop');
    const fa = MESSAGES.fa;
    const toggle = page.getByRole('switch', { name: fa['complaints.settings.intake.widget'] });
    await toggle.waitFor();
    await page.getByText(fa['complaints.settings.intake.widgetHint']).waitFor();
    await page.getByText(fa['complaints.settings.intake.widget'], { exact: true }).click();
    assert.equal(await toggle.isChecked(), true);
    await page.getByRole('heading', { name: fa['complaints.settings.intake.title'] }).locator('xpath=ancestor::form').getByRole('button', { name: fa['common.save'] }).click();
    const tag = page.getByTestId('complaint-widget-tag');
    await tag.waitFor();
    const settings = await owner('GET', '/api/complaint-intake/settings');
    assert.equal(settings.widgetEnabled, true);
    assert.equal(await tag.textContent(), `<script src="http://127.0.0.1:${port}/widget/v1.js" data-complaints="${slug}" async></script>`);
    for (const lang of LANGS) {
      await owner('PATCH', '/api/me', { language: lang });
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto('/complaints/settings?section=loop');
        await page.getByTestId('complaint-widget-tag').waitFor();
        await page.getByTestId('complaint-widget-tag').scrollIntoViewIfNeeded();
        if (lang !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `${lang} ${width}`);
        await noSidewaysScroll(page, `settings ${lang} ${width}`);
        await screenshot(page, `complaint-widget/settings-${lang}-${width}`);
      }
    }
    await expectAccessible(page, 'intake settings en');
    await owner('PATCH', '/api/me', { language: 'fa' });
    await context.close();
  });

  test('a visitor on a strict-CSP page files a complaint in Persian by keyboard and reads the tracking code in Persian digits', async () => {
    await enableWidget();
    const { context, page, problems } = await visit('fa', 390);
    assert.match(String((await page.request.get(page.url())).headers()['content-security-policy']), /'strict-dynamic'/);
    const launcher = page.getByRole('button', { name: OPEN.fa });
    await launcher.waitFor();
    // The form is not loaded until asked for.
    assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => /\/widget\/v1\/complaint\./.test(e.name))), false);
    await launcher.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'ثبت شکایت' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => /\/widget\/v1\/complaint\.[0-9a-f]{12}\.js$/.test(e.name))), true);

    // Right to left: the form's right edge is the dialog's start; the launcher sits at the right.
    const box = (await page.locator('[data-vafa-complaint]').boundingBox())!;
    assert.ok(box.x + box.width > 390 - 40 && box.x >= 0, 'the form sits at the reading start (right) and fits the phone');

    // Empty: refused on its fields, focus on the first.
    await dialog.getByRole('button', { name: 'ثبت شکایت' }).click();
    const description = dialog.getByRole('textbox', { name: 'شرح شکایت' });
    await waitUntil('the description refused', async () => (await description.getAttribute('aria-invalid')) === 'true');
    assert.equal(await description.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), true);
    await dialog.getByText('تلفن یا ایمیل لازم است.').waitFor();
    await screenshot(page, 'complaint-widget/form-fa-390-refused');

    // Keyboard only: the category, the description, a phone in Persian digits; send.
    await dialog.getByRole('combobox', { name: 'موضوع' }).selectOption('ارسال کالا');
    await description.focus();
    await page.keyboard.type('سفارش دیر رسید و جعبه شکسته بود.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('۰۹۱۲۱۲۳۴۵۶۷');
    await dialog.getByRole('button', { name: 'ثبت شکایت' }).press('Enter');
    const status = dialog.getByRole('status');
    await status.waitFor();
    const code = dialog.locator('[data-tracking-code]');
    const shown = (await code.textContent())!.replace(/[\u2066\u2069\u200e]/g, '');
    assert.match(shown, /^[۰-۹]{4}-[۰-۹]{4}-[۰-۹]{4}$/);
    const trackingCode = (await code.getAttribute('data-tracking-code'))!;
    assert.equal(shown.replace(/-/g, '').replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))), trackingCode);
    const link = dialog.getByRole('link', { name: 'پیگیری شکایت' });
    assert.equal(await link.getAttribute('href'), `http://127.0.0.1:${port}/c/${slug}/track?code=${trackingCode}`);
    assert.deepEqual(await latinInWidget(page), []);
    await screenshot(page, 'complaint-widget/thanks-fa-390');

    // The case is in the queue, on channel widget, with what was typed.
    const found = await waitUntil('the case in the queue', async () => {
      const list = await owner('GET', '/api/complaints?channel=widget');
      return list.items.find((c: { trackingCode: string }) => c.trackingCode === trackingCode);
    });
    assert.equal(found.channel, 'widget');
    const detail = await owner('GET', `/api/complaints/${found.id}`);
    assert.equal(detail.category, 'ارسال کالا');
    assert.equal(detail.state, 'acknowledged');

    // The tracking page takes the code (and the phone's last digits).
    const track = await fetch(`${vafa.apiUrl}/api/public/complaints/track`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspace: slug, code: trackingCode, verification: '4567', language: 'fa' }),
    });
    assert.equal(track.status, 200, await track.clone().text());

    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('closes with Escape and gives focus back to its button; loads when a tag manager adds the tag', async () => {
    await enableWidget();
    const { context, page, problems } = await visit('en', 1366);
    const launcher = page.getByRole('button', { name: OPEN.en });
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Make a complaint' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-vafa-complaint-launcher')), true);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    await context.close();

    const injected = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const second = await injected.newPage();
    const errors: string[] = [];
    second.on('pageerror', (e) => errors.push(e.message));
    await second.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(e.violatedDirective);
    }));
    await second.goto(`${pageOrigin}/widget/demo?complaints=${slug}&lang=ar&inject=1`);
    assert.equal(await second.locator('script[data-complaints]').getAttribute('nonce'), null);
    await second.getByRole('button', { name: OPEN.ar }).click();
    await second.getByRole('dialog', { name: 'تقديم شكوى' }).waitFor();
    assert.deepEqual(await violations(second), []);
    assert.deepEqual(errors, []);
    await injected.close();
  });

  test('passes axe with the form open, in fa and en', async () => {
    await enableWidget();
    for (const lang of ['fa', 'en'] as const) {
      // axe is added as an inline script, which this page's policy rightly refuses: this check alone bypasses it.
      const context = await browser.newContext({ viewport: { width: 390, height: 800 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${pageOrigin}/widget/demo?complaints=${slug}&lang=${lang}`);
      await page.getByRole('button', { name: OPEN[lang] }).click();
      await page.getByRole('dialog').waitFor();
      await expectAccessible(page, `complaint widget ${lang}`);
      await context.close();
    }
  });

  test('screenshots of the form in fa, ar and en at phone and desktop width', async () => {
    await enableWidget();
    for (const lang of LANGS) {
      for (const width of [390, 1366]) {
        const { context, page, problems } = await visit(lang, width);
        await page.getByRole('button', { name: OPEN[lang] }).click();
        await page.getByRole('dialog').waitFor();
        const box = (await page.locator('[data-vafa-complaint]').boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= width, `${lang} ${width}: the form fits`);
        // At the reading start, 16 px from the edge: right in fa/ar, left in en.
        const gap = lang === 'en' ? box.x : width - (box.x + box.width);
        assert.ok(Math.abs(gap - 16) < 2, `${lang} ${width}: the form sits at the reading start (${gap}px from its edge)`);
        await noSidewaysScroll(page, `form ${lang} ${width}`);
        if (lang !== 'en') assert.deepEqual(await latinInWidget(page), [], `${lang} ${width}`);
        await screenshot(page, `complaint-widget/form-${lang}-${width}`);
        assert.deepEqual(await violations(page), [], `${lang} ${width}`);
        assert.deepEqual(problems, [], `${lang} ${width}`);
        await context.close();
      }
    }
  });
});
