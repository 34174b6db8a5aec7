// Complaints in the browser: an agent records a phone complaint (Persian), finds it in the queue,
// opens it and takes it from received to closed with a root cause; a customer files on the public
// form in Persian on a phone and tracks the case with the code typed in Persian digits.
// With VAFA_SHOTS=1 it also screenshots the screens in fa, ar and en at 1366 and 390 px.
// Run: node --import tsx --test e2e/complaints.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const toPersian = (digits: string) => digits.replace(/[0-9]/g, (d) => PERSIAN[Number(d)]!);
const toLatin = (text: string) => text.replace(/[۰-۹]/g, (d) => String(PERSIAN.indexOf(d))).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));

let vafa: RunningVafa;
let browser: Browser;
let agent: BrowserContext;
let slug = '';
let caseId = '';
let publicCode = '';

async function choose(page: Page, label: string, option: string) {
  await page.getByRole('button', { name: new RegExp(label) }).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('complaints screens', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
    agent = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1366, height: 900 } });
    const login = await agent.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    const { csrfToken } = await login.json() as { csrfToken: string };
    assert.equal((await agent.request.patch('/api/me', { headers: { 'x-csrf-token': csrfToken }, data: { language: 'fa' } })).status(), 200);
    slug = (await (await agent.request.get('/api/workspace')).json() as { slug: string }).slug;
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('an agent records a phone complaint, finds it in the queue and closes it with a root cause', async () => {
    const page = await agent.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/complaints');
    await page.getByRole('heading', { level: 1, name: fa['complaints.title'] }).waitFor();
    await page.getByRole('link', { name: fa['complaints.new'] }).click();
    await page.getByRole('heading', { level: 1, name: fa['complaints.newTitle'] }).waitFor();

    await choose(page, fa['complaints.intake.complainant'], fa['complaints.intake.anonymousContact']);
    await page.getByRole('textbox', { name: fa['customer.name'] }).fill('مریم شاکی');
    // Persian digits typed into the phone field reach the server as a number it accepts.
    await page.getByRole('textbox', { name: fa['customer.phone'] }).fill('۰۹۱۲۳۴۵۶۷۸۹');
    await page.getByRole('textbox', { name: fa['complaints.description'] }).fill('کالا شکسته رسید و کسی پاسخ تلفن را نداد.');
    await page.getByRole('textbox', { name: fa['complaints.remedySought'] }).fill('تعویض کالا');
    await choose(page, fa['complaints.col.severity'], fa['complaints.severity.high']);
    await page.getByRole('button', { name: fa['complaints.record'] }).click();
    const receipt = page.getByTestId('complaint-created');
    await receipt.waitFor();
    const shown = (await receipt.locator('.tracking-code').textContent())!;
    assert.match(shown, /^[۰-۹]{4}( [۰-۹]{4}){2,3}$/, `the code in Persian digits, in groups: ${shown}`);
    const code = toLatin(shown).replace(/\s/g, '');

    // The queue lists it; a search typed in Persian digits finds it.
    await page.getByRole('link', { name: fa['complaints.back'] }).click();
    await page.getByRole('searchbox', { name: fa['complaints.searchCode'] }).fill(toPersian(code.slice(4, 10)));
    const row = page.getByTestId('complaint-row').filter({ hasText: toPersian(code.slice(0, 4)) });
    await row.waitFor();
    assert.equal(await page.getByTestId('complaint-row').count(), 1);
    assert.equal(await row.getAttribute('data-state'), 'received');
    await row.getByRole('link').click();
    await page.getByTestId('case-log').waitFor();
    caseId = page.url().split('/').pop()!;

    const step = async (action: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>, state?: string) => {
      await page.getByRole('button', { name: fa[`complaints.action.${action}` as keyof typeof fa], exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await fill?.(dialog);
      await dialog.getByRole('button', { name: fa[`complaints.action.${action}` as keyof typeof fa], exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      if (state) await page.getByTestId('complaint-state').getByText(fa[`complaints.state.${state}` as keyof typeof fa], { exact: true }).waitFor();
    };
    await step('acknowledge', undefined, 'acknowledged');
    await step('assess', undefined, 'assessed');
    await step('investigate', async (d) => { await d.getByRole('textbox', { name: fa['complaints.note'] }).fill('با انبار تماس گرفتم.'); }, 'under_investigation');
    await step('propose_resolution', async (d) => {
      await d.getByRole('textbox', { name: fa['complaints.resolutionSummary'] }).fill('کالای سالم فرستاده می‌شود.');
    }, 'resolution_proposed');
    // Closing without a root cause is refused, and the form says so under the field.
    await page.getByRole('button', { name: fa['complaints.action.close'], exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: fa['complaints.action.close'], exact: true }).click();
    await dialog.locator('.field-error').first().waitFor();
    // The workspace's taxonomy names the causes (its defaults until someone changes it).
    const causes = await (await page.request.get('/api/complaints/root-causes')).json() as { items: { code: string; labels: { fa: string } }[] };
    const delivery = causes.items.find((c) => c.code === 'delivery')?.labels.fa ?? fa['complaints.rootCause.delivery'];
    await choose(page, fa['complaints.rootCauseLabel'], delivery);
    await dialog.getByRole('button', { name: fa['complaints.action.close'], exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('complaint-state').getByText(fa['complaints.state.closed'], { exact: true }).waitFor();
    const log = await page.getByTestId('case-log').textContent();
    for (const event of ['receive', 'acknowledge', 'assess', 'investigate', 'propose_resolution', 'close'] as const) {
      assert.ok(log?.includes(fa[`complaints.event.${event}`]), `the log shows ${event}`);
    }
    assert.ok(log?.includes(delivery), 'the log names the root cause');
    const stored = await (await page.request.get(`/api/complaints/${caseId}`)).json() as { state: string; rootCause: string };
    assert.deepEqual([stored.state, stored.rootCause], ['closed', 'delivery']);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a customer files on the public form in Persian on a phone and tracks it by the code in Persian digits', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`/c/${slug}/complaint?lang=fa`);
    await page.getByRole('heading', { level: 1, name: fa['complaintPublic.title'] }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByRole('textbox', { name: fa['complaintPublic.name'] }).fill('رضا مشتری');
    await page.getByRole('textbox', { name: fa['complaintPublic.phone'] }).fill('۰۹۱۲۷۶۵۴۳۲۱');
    await page.getByRole('textbox', { name: fa['complaintPublic.description'] }).fill('سفارشم دو هفته است نرسیده.');
    await page.getByRole('button', { name: fa['complaintPublic.send'] }).click();
    const big = page.getByTestId('tracking-code');
    await big.waitFor();
    const shown = (await big.locator('bdi').textContent())!;
    assert.match(shown, /^[۰-۹]{4}( [۰-۹]{4}){2,3}$/);
    publicCode = toLatin(shown).replace(/\s/g, '');
    const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
    assert.ok(width.scroll <= width.view, 'no sideways scrolling on a phone');
    await expectAccessible(page, 'public receipt fa phone');

    // A fresh visit to the tracking page: the code typed in Persian digits with dashes, the phone's last 4.
    await page.goto(`/c/${slug}/track`);
    await page.getByRole('textbox', { name: fa['complaintPublic.code'] }).fill(toPersian(`${publicCode.slice(0, 8)}-${publicCode.slice(8)}`));
    await page.getByRole('textbox', { name: fa['complaintPublic.verification'] }).fill('۴۳۲۱');
    await page.getByRole('button', { name: fa['complaintPublic.show'] }).click();
    await page.getByTestId('tracking-result').waitFor();
    const title = await page.getByTestId('status-title').textContent();
    assert.ok(title && title.trim().length > 0 && !/[A-Za-z]/.test(title), `the status in plain Persian words: ${title}`);
    await expectAccessible(page, 'public tracking fa phone');
    // A wrong verification says nothing about the case.
    await page.getByRole('button', { name: fa['complaintPublic.anotherCode'] }).click();
    await page.getByRole('textbox', { name: fa['complaintPublic.verification'] }).fill('۰۰۰۰');
    await page.getByRole('button', { name: fa['complaintPublic.show'] }).click();
    await page.getByText(fa['complaintPublic.notFound']).waitFor();
    await context.close();
  });

  test('screens in fa, ar and en at 1366 and 390 px', { skip: process.env.VAFA_SHOTS !== '1' }, async () => {
    const page = await agent.newPage();
    const publicPage = await (await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR' })).newPage();
    for (const language of ['fa', 'ar', 'en'] as const) {
      await page.evaluate(async (lang) => {
        const session = await (await fetch('/api/auth/session')).json() as { csrfToken: string };
        await fetch('/api/me', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify({ language: lang }) });
      }, language).catch(async () => { await page.goto('/customers'); });
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        for (const [name, path] of [['queue', '/complaints'], ['case', `/complaints/${caseId}`], ['new', '/complaints/new']] as const) {
          await page.goto(path);
          await page.locator('h1').first().waitFor();
          await page.waitForLoadState('networkidle');
          await screenshot(page, `complaints/${language}-${width}-${name}`, { fullPage: true });
        }
        await publicPage.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await publicPage.goto(`/c/${slug}/complaint?lang=${language}`);
        await publicPage.locator('h1').waitFor();
        await screenshot(publicPage, `complaints/${language}-${width}-public-form`, { fullPage: true });
        await publicPage.goto(`/c/${slug}/track?code=${publicCode}`);
        await publicPage.getByRole('textbox').nth(1).fill('4321');
        await publicPage.getByRole('button', { name: MESSAGES[language]['complaintPublic.show'] }).click();
        await publicPage.getByTestId('tracking-result').waitFor();
        await screenshot(publicPage, `complaints/${language}-${width}-public-track`, { fullPage: true });
      }
    }
  });
});
