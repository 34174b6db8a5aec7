// Complaints in the browser: an agent records a phone complaint (Persian), finds it in the queue,
// opens it and takes it from received to closed with a root cause; a customer files on the public
// form in Persian on a phone and tracks the case with the code typed in Persian digits; an agent
// writes an internal note and a reply on that case, and the customer's tracking page shows the
// reply and not the note.
// It also screenshots the screens in fa, ar and en at 1366 and 390 px, checking each fits and reads right.
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
let publicCaseId = '';
/** A draft in each language, left in the composer for the screenshots. */
const DRAFT = {
  fa: 'بستهٔ تازهٔ شما امروز فرستاده شد.\nاگر تا فردا نرسید همین‌جا بنویسید.',
  ar: 'أُرسل طردك الجديد اليوم.\nإن لم يصل غدًا فاكتب إلينا هنا.',
  en: 'Your new parcel left today.\nWrite here if it has not arrived by tomorrow.',
} as const;
const NOTE = 'یادداشت درونی: انبار گفت بسته آسیب دیده بود.';
// Two lines and something that looks like markup: the customer must see the text as written.
const REPLY = 'سلام رضا، سفارش شما امروز دوباره فرستاده شد.\nاگر تا فردا نرسید <b>همین‌جا</b> بنویسید.';

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

    // The queue lists it; a search typed in Persian digits with a space (the start of the code, as a customer reads it out) finds it on the server.
    await page.getByRole('link', { name: fa['complaints.back'] }).click();
    await page.getByTestId('complaint-row').first().waitFor();
    const searched = page.waitForResponse((res) => /\/api\/complaints(\/queue)?\?/.test(res.url()) && new URL(res.url()).searchParams.has('q'));
    await page.getByRole('searchbox', { name: fa['complaints.searchCode'] }).fill(toPersian(`${code.slice(0, 4)} ${code.slice(4, 8)}`));
    assert.equal((await searched).status(), 200);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="complaint-row"]').length === 1);
    const row = page.getByTestId('complaint-row').filter({ hasText: toPersian(code.slice(0, 4)) });
    await row.waitFor();
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
    // Sent empty: the required fields ask to be filled in, not that they are «too short».
    await page.getByRole('button', { name: fa['complaintPublic.send'] }).click();
    await page.getByText(fa['fieldError.required']).first().waitFor();
    assert.equal(await page.getByText(fa['fieldError.required']).count(), 2, 'name and description ask to be filled in');
    assert.equal(await page.getByText(fa['fieldError.too_small']).count(), 0);
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

  test('an agent writes an internal note and a reply; the customer sees the reply and not the note', async () => {
    const cases = await (await agent.request.get('/api/complaints?state=open&limit=200')).json() as { items: { id: string; trackingCode: string }[] };
    publicCaseId = cases.items.find((c) => c.trackingCode === publicCode)?.id ?? '';
    assert.ok(publicCaseId, 'the publicly filed case is in the open cases');
    // The agent's session in a context that lets axe's inline script run (the app's CSP forbids inline scripts).
    const staff = await browser.newContext({
      baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1366, height: 900 }, bypassCSP: true, storageState: await agent.storageState(),
    });
    const page = await staff.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`/complaints/${publicCaseId}`);
    const composer = page.getByTestId('case-composer');
    await composer.waitFor();
    const result = composer.getByTestId('composer-result');
    const log = page.getByTestId('case-log');

    // An open case starts on the reply; sending nothing is refused in words, before any request.
    assert.equal(await composer.getByRole('tab', { name: fa['complaints.composer.reply'] }).getAttribute('aria-selected'), 'true');
    await composer.getByRole('button', { name: fa['complaints.composer.sendReply'] }).click();
    await composer.getByText(fa['complaints.composer.empty']).waitFor();

    // The internal note, through its own tab.
    await composer.getByRole('tab', { name: fa['complaints.composer.note'] }).click();
    await composer.getByRole('textbox', { name: fa['complaints.composer.noteLabel'] }).fill(NOTE);
    await composer.getByRole('button', { name: fa['complaints.composer.saveNote'] }).click();
    await result.getByText(fa['complaints.composer.noteSaved']).waitFor();
    const note = log.locator('[data-event="note"]').filter({ hasText: NOTE });
    await note.waitFor();
    assert.ok((await note.textContent())?.includes(fa['complaints.internalOnly']), 'the note is marked internal on the timeline');
    assert.equal(await composer.getByRole('textbox', { name: fa['complaints.composer.noteLabel'] }).inputValue(), '', 'the note box is emptied');

    // The reply, through the reply tab.
    await composer.getByRole('tab', { name: fa['complaints.composer.reply'] }).click();
    await composer.getByRole('textbox', { name: fa['complaints.composer.replyLabel'] }).fill(REPLY);
    await composer.getByRole('button', { name: fa['complaints.composer.sendReply'] }).click();
    await result.getByText(fa['complaints.composer.replySent']).waitFor();
    const reply = log.locator('[data-event="reply"]');
    await reply.filter({ hasText: 'سفارش شما امروز دوباره فرستاده شد.' }).waitFor();
    assert.equal(await reply.count(), 1, 'one reply, sent once');
    assert.ok((await reply.textContent())?.includes(fa['complaints.sentToCustomer']), 'the reply is marked as sent on the timeline');
    assert.ok(!(await reply.textContent())?.includes(fa['complaints.internalOnly']));
    assert.equal(await reply.locator('b').count(), 0, 'the reply text is not markup');
    await expectAccessible(page, 'case composer fa');

    const stored = await (await page.request.get(`/api/complaints/${publicCaseId}`)).json() as { events: { kind: string; action: string | null; note: string | null }[] };
    assert.deepEqual(stored.events.filter((e) => e.action === 'note' || e.action === 'reply').map((e) => [e.kind, e.action, e.note]), [['note', 'note', NOTE], ['response', 'reply', REPLY]]);

    // A closed case takes notes only: the reply tab says why.
    await page.goto(`/complaints/${caseId}`);
    await composer.waitFor();
    assert.equal(await composer.getByRole('tab', { name: fa['complaints.composer.note'] }).getAttribute('aria-selected'), 'true');
    await composer.getByRole('tab', { name: fa['complaints.composer.reply'] }).click();
    await composer.getByTestId('reply-closed').waitFor();
    assert.equal(await composer.getByRole('button', { name: fa['complaints.composer.sendReply'] }).count(), 0);
    assert.deepEqual(errors, []);
    await staff.close();

    // The customer, on a phone, with the code and the phone's last 4.
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', viewport: { width: 390, height: 844 }, bypassCSP: true });
    const customer = await context.newPage();
    await customer.goto(`/c/${slug}/track?lang=fa`);
    await customer.getByRole('textbox', { name: fa['complaintPublic.code'] }).fill(toPersian(publicCode));
    await customer.getByRole('textbox', { name: fa['complaintPublic.verification'] }).fill('۴۳۲۱');
    await customer.getByRole('button', { name: fa['complaintPublic.show'] }).click();
    await customer.getByTestId('tracking-result').waitFor();
    const ours = customer.locator('.public-history [data-kind="our_reply"]');
    await ours.waitFor();
    assert.equal(await ours.count(), 1);
    const shown = await ours.locator('.history-text').innerText();
    assert.equal(shown, REPLY, 'the reply as written, its line break kept and its markup as text');
    assert.ok((await ours.innerText()).includes(fa['complaintPublic.weWrote']), 'said to be the company\'s words');
    assert.equal(await ours.evaluate((el) => getComputedStyle(el).direction), 'rtl');
    const whole = await customer.locator('body').innerText();
    assert.ok(!whole.includes('انبار گفت'), 'the internal note is nowhere on the customer\'s page');
    const width = await customer.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
    assert.ok(width.scroll <= width.view, 'no sideways scrolling on a phone');
    await expectAccessible(customer, 'public tracking with a reply fa phone');
    await context.close();
  });

  test('screens in fa, ar and en at 1366 and 390 px: no sideways scroll, no Latin word in the fa and ar composer, the reply right to left', async () => {
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
        // The case with a reply and a note: the composer on each tab, and the timeline below it.
        const m = MESSAGES[language];
        await page.goto(`/complaints/${publicCaseId}`);
        const composer = page.getByTestId('case-composer');
        await composer.waitFor();
        await page.getByTestId('case-log').locator('[data-event="reply"]').waitFor();
        await composer.getByRole('textbox', { name: m['complaints.composer.replyLabel'] }).fill(DRAFT[language]);
        await composer.scrollIntoViewIfNeeded();
        await screenshot(page, `complaints/${language}-${width}-composer-reply`);
        await composer.getByRole('tab', { name: m['complaints.composer.note'] }).click();
        await composer.getByRole('textbox', { name: m['complaints.composer.noteLabel'] }).waitFor();
        await composer.scrollIntoViewIfNeeded();
        await screenshot(page, `complaints/${language}-${width}-composer-note`);
        await screenshot(page, `complaints/${language}-${width}-case-reply`, { fullPage: true });
        const scroll = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
        assert.ok(scroll.scroll <= scroll.view, `no sideways scrolling on the case page (${language} ${width})`);
        if (language !== 'en') {
          const words = await composer.innerText();
          assert.ok(!/[A-Za-z]/.test(words), `no Latin word in the ${language} composer: ${words}`);
        }
        await publicPage.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await publicPage.goto(`/c/${slug}/complaint?lang=${language}`);
        await publicPage.locator('h1').waitFor();
        await screenshot(publicPage, `complaints/${language}-${width}-public-form`, { fullPage: true });
        await publicPage.goto(`/c/${slug}/track?code=${publicCode}`);
        await publicPage.getByRole('textbox').nth(1).fill('4321');
        await publicPage.getByRole('button', { name: MESSAGES[language]['complaintPublic.show'] }).click();
        await publicPage.getByTestId('tracking-result').waitFor();
        await publicPage.locator('[data-kind="our_reply"]').waitFor();
        // The reply is Persian: right to left on every page, the English one included.
        assert.equal(await publicPage.locator('[data-kind="our_reply"] .history-text').evaluate((el) => getComputedStyle(el).direction), 'rtl');
        await screenshot(publicPage, `complaints/${language}-${width}-public-track`, { fullPage: true });
        const publicScroll = await publicPage.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
        assert.ok(publicScroll.scroll <= publicScroll.view, `no sideways scrolling on the tracking page (${language} ${width})`);
      }
    }
  });
});
