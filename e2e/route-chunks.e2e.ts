// Each screen's code loads on demand: the first screen fetches fewer scripts than the app has, a
// second screen's chunk arrives only when someone goes there (client-side, no page load, opening
// at its top), and a signed-out visit fetches no private screen's code and no words beyond the
// first screens'.
// Run: node --import tsx --test e2e/route-chunks.e2e.ts
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { launchChromium, type RunningVafa, startVafa, WEB_DIR } from './harness.ts';

let vafa: RunningVafa;
let browser: Browser;

/** The file names of the scripts a page fetches from now on. */
function scriptsOf(page: Page): string[] {
  const scripts: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(path.basename(new URL(request.url()).pathname));
  });
  return scripts;
}

/** A chunk of the build is named after its first module: `AuditPage-3f2a….js`. */
const chunk = (name: string) => (file: string) => file.startsWith(`${name}-`);

describe('route chunks', { timeout: 300_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('the first screen loads part of the app; a second screen loads its chunk when opened', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    assert.equal((await page.request.patch('/api/me', { headers: { 'x-csrf-token': (await login.json() as { csrfToken: string }).csrfToken }, data: { language: 'fa' } })).status(), 200);
    const scripts = scriptsOf(page);

    await page.goto('/customers');
    await page.getByRole('heading', { level: 1, name: MESSAGES.fa['customers.title'] }).waitFor();
    await page.getByRole('table').waitFor();
    await page.waitForLoadState('networkidle');
    const appScripts = readdirSync(path.join(WEB_DIR, 'dist/assets')).filter((file) => file.endsWith('.js'));
    const firstScreen = [...scripts];
    assert.ok(firstScreen.some(chunk('CustomersPage')), `the customers list is a chunk of its own: ${firstScreen.join(' ')}`);
    assert.ok(firstScreen.length < appScripts.length / 2, `the first screen fetches ${firstScreen.length} of the app's ${appScripts.length} scripts`);
    for (const later of ['AuditPage', 'SettingsPage', 'CustomerPage', 'FollowupsPage', 'rest']) {
      assert.ok(appScripts.some(chunk(later)), `the build has a ${later} chunk`);
      assert.ok(!firstScreen.some(chunk(later)), `${later} is not fetched for the first screen`);
    }

    // Client-side navigation from the foot of the list (the menu is sticky): the document stays (a
    // mark set now survives), the audit log's code arrives, and the new screen opens at its top.
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
      window.scrollTo(0, document.documentElement.scrollHeight);
    });
    assert.ok(await page.evaluate(() => window.scrollY) > 100, 'the list is scrolled down');
    await page.getByRole('navigation', { name: MESSAGES.fa['nav.menu'] }).getByRole('link', { name: MESSAGES.fa['nav.audit'] }).click();
    await page.getByRole('heading', { level: 1, name: MESSAGES.fa['audit.title'] }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'no page load');
    await page.waitForFunction(() => window.scrollY === 0, undefined, { timeout: 10_000 });
    const fetchedLater = scripts.slice(firstScreen.length);
    assert.ok(fetchedLater.some(chunk('AuditPage')), `the audit log's chunk is fetched on the way there: ${fetchedLater.join(' ')}`);
    assert.ok(fetchedLater.some(chunk('rest')), 'with the words beyond the first screens');
    assert.ok(!fetchedLater.some(chunk('CustomersPage')), 'the customers list is not fetched again');
    await context.close();
  });

  test('a signed-out visit to a private address fetches only the sign-in screen', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR' });
    const page = await context.newPage();
    const scripts = scriptsOf(page);
    await page.goto('/settings/audit-log');
    await page.getByRole('button', { name: MESSAGES.fa['auth.signIn'] }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.ok(scripts.some(chunk('SignInPage')), scripts.join(' '));
    for (const later of ['AuditPage', 'CustomersPage', 'rest']) assert.ok(!scripts.some(chunk(later)), `${later} is not fetched: ${scripts.join(' ')}`);
    assert.match(page.url(), /\/settings\/audit-log$/, 'the address stays, so signing in lands there');
    await context.close();
  });
});
