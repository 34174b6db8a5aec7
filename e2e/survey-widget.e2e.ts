// The survey widget in Chromium on a page under a strict Content-Security-Policy (scripts only by
// nonce with 'strict-dynamic', no inline style of any kind, Trusted Types), loaded from another
// origin than the page's as on a customer's site: it shows, runs right to left in fa/ar, answers
// by mouse and by keyboard, records the answer (read back through the API), closes with Escape,
// does not come back within the recontact window, and no CSP violation or console error occurs.
// Run: node --import tsx --test --test-concurrency=1 e2e/survey-widget.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, freePort, launchChromium, screenshot, startVafa, type RunningVafa, waitUntil } from './harness.ts';

type Api = (method: string, url: string, body?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let vafa: RunningVafa;
let browser: Browser;
let owner: Api;
let port: number;
/** the page's origin: another host name than the one the widget is served from */
let pageOrigin: string;

async function signIn(email: string, password: string): Promise<Api> {
  const login = await fetch(`${vafa.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
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

const t3 = (fa: string, ar: string, en: string) => ({ fa, ar, en });

async function widgetSurvey(triggers: unknown[]): Promise<{ id: string; token: string }> {
  const created = await owner('POST', '/api/surveys', {
    definition: {
      name: `Widget ${Date.now()}`,
      settings: {
        languages: ['fa', 'ar', 'en'],
        defaultLanguage: 'fa',
        widget: { enabled: true, triggers, samplingPercent: 100, origins: [pageOrigin] },
      },
      questions: [
        { id: 'nps', type: 'nps', required: true, title: t3('چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟', 'ما مدى احتمال أن توصي بنا لأصدقائك؟', 'How likely are you to recommend us to a friend?') },
        { id: 'why_low', type: 'text', required: true, showIf: { question: 'nps', op: 'lte', value: 6 }, title: t3('چه چیزی خوب پیش نرفت؟', 'ما الذي لم يسر على ما يرام؟', 'What went wrong?') },
      ],
    },
  });
  await owner('POST', `/api/surveys/${created.id}/publish`);
  return { id: created.id, token: created.publicToken };
}

interface Watched {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/** A fresh visitor (own storage) on the demo page, with every CSP violation and console error collected. */
async function visit(token: string, lang: 'fa' | 'ar' | 'en', width: number, extra = ''): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 800 : 900 }, locale: lang === 'fa' ? 'fa-IR' : lang === 'ar' ? 'ar-SA' : 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  // Injected by the browser's debugging protocol, not by the page: the policy does not apply to it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (message) => {
    // The browser's own favicon request is not the page's doing.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${pageOrigin}/widget/demo?survey=${token}&lang=${lang}${extra}`);
  return { context, page, problems };
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);
}

async function responseCount(surveyId: string): Promise<number> {
  return (await owner('GET', `/api/surveys/${surveyId}`)).responseCount as number;
}

describe('survey widget', { timeout: 600_000 }, () => {
  before(async () => {
    port = await freePort();
    // The widget is served from 127.0.0.1; the page is opened as localhost: two origins.
    vafa = await startVafa({ env: { PORT: String(port), VAFA_PUBLIC_URL: `http://127.0.0.1:${port}` } });
    pageOrigin = `http://localhost:${port}`;
    browser = await launchChromium();
    owner = await signIn(vafa.email, vafa.password);
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('shows on a strict-CSP page from another origin, runs right to left in Persian, and records a click', async () => {
    const survey = await widgetSurvey([{ type: 'page_view' }]);
    const { context, page, problems } = await visit(survey.token, 'fa', 390);
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('aria-label'), 'نظرسنجی');
    // The strict policy is really in force on this page.
    assert.match(String((await page.request.get(page.url())).headers()['content-security-policy']), /'strict-dynamic'/);

    const zero = await dialog.locator('button[data-score="0"]').boundingBox();
    const ten = await dialog.locator('button[data-score="10"]').boundingBox();
    assert.ok(zero && ten && zero.x > ten.x, 'NPS 0 sits on the right in Persian');
    assert.equal((await dialog.locator('button[data-score="10"]').textContent())?.trim(), '۱۰');
    assert.equal(await dialog.locator('button[data-score="9"]').getAttribute('aria-label'), '۹ از ۱۰');
    await screenshot(page, 'survey-widget-fa-390');

    await dialog.locator('button[data-score="9"]').click();
    await dialog.getByRole('status').filter({ hasText: 'سپاس' }).waitFor();
    await waitUntil('the answer in the results', async () => (await responseCount(survey.id)) === 1);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);

    // Answered: the same visitor is not asked again on the next page.
    await page.reload();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByRole('dialog').count(), 0);
    await context.close();
  });

  test('opens on a custom event, works from the keyboard, closes with Escape and gives focus back', async () => {
    const survey = await widgetSurvey([{ type: 'event', name: 'demo' }]);
    const { context, page, problems } = await visit(survey.token, 'en', 1366);
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByRole('dialog').count(), 0, 'not before the event');
    const trigger = page.locator('#demo-event');
    await trigger.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Focus moved into the dialog; Tab reaches the close button and then the scale, lowest first (left in English).
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-vafa-widget')), true);
    const zero = await dialog.locator('button[data-score="0"]').boundingBox();
    const ten = await dialog.locator('button[data-score="10"]').boundingBox();
    assert.ok(zero && ten && zero.x < ten.x, 'NPS 0 sits on the left in English');
    await screenshot(page, 'survey-widget-en-1366');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'demo-event');
    await page.reload();
    await page.locator('#demo-event').click();
    await page.waitForTimeout(500);
    assert.equal(await page.getByRole('dialog').count(), 0, 'dismissed: not asked again within the recontact window');
    assert.equal(await responseCount(survey.id), 0);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    await context.close();

    // Keyboard only, a fresh visitor: Tab to a score, Enter; the follow-up for a detractor; type and send.
    const second = await visit(survey.token, 'en', 1366);
    await second.page.locator('#demo-event').click();
    const box = second.page.getByRole('dialog');
    await box.waitFor();
    await second.page.keyboard.press('Tab'); // close button
    await second.page.keyboard.press('Tab'); // 0
    await second.page.keyboard.press('Tab'); // 1
    await second.page.keyboard.press('Tab'); // 2
    await second.page.keyboard.press('Enter');
    await box.getByRole('heading', { name: 'What went wrong?' }).waitFor();
    await second.page.keyboard.type('The parcel came late');
    await box.getByRole('button', { name: 'Send' }).press('Enter');
    await box.getByRole('status').waitFor();
    await waitUntil('the keyboard answer', async () => (await responseCount(survey.id)) === 1);
    assert.deepEqual(await violations(second.page), []);
    assert.deepEqual(second.problems, []);
    await second.context.close();
  });

  test("loads when the page's own nonce-trusted script adds its tag, as a tag manager would ('strict-dynamic')", async () => {
    const survey = await widgetSurvey([{ type: 'page_view' }]);
    const { context, page, problems } = await visit(survey.token, 'ar', 390, '&inject=1');
    assert.equal(await page.locator('script[data-survey]').count(), 1);
    assert.equal(await page.locator('script[data-survey]').getAttribute('nonce'), null, 'the widget tag has no nonce of its own');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator('button[data-score="10"]').click();
    await dialog.getByRole('status').waitFor();
    await waitUntil('the answer', async () => (await responseCount(survey.id)) === 1);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('passes axe with the dialog open, in fa and en', async () => {
    const survey = await widgetSurvey([{ type: 'page_view' }]);
    for (const lang of ['fa', 'en'] as const) {
      // axe is added to the page as an inline script, which this page's policy rightly refuses: this check alone bypasses it.
      const context = await browser.newContext({ viewport: { width: 390, height: 800 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${pageOrigin}/widget/demo?survey=${survey.token}&lang=${lang}`);
      await page.getByRole('dialog').waitFor();
      await expectAccessible(page, `widget ${lang}`);
      await page.getByRole('dialog').locator('button[data-score="2"]').click();
      await page.getByRole('dialog').locator('textarea').waitFor();
      await expectAccessible(page, `widget follow-up ${lang}`);
      await context.close();
    }
  });

  test('screenshots in fa, ar and en at phone and desktop width', async () => {
    const survey = await widgetSurvey([{ type: 'page_view' }]);
    for (const lang of ['fa', 'ar', 'en'] as const) {
      for (const width of [390, 1366]) {
        const { context, page, problems } = await visit(survey.token, lang, width);
        const dialog = page.getByRole('dialog');
        await dialog.waitFor();
        const zero = (await dialog.locator('button[data-score="0"]').boundingBox())!;
        const ten = (await dialog.locator('button[data-score="10"]').boundingBox())!;
        assert.equal(zero.x > ten.x, lang !== 'en', `${lang}: the scale runs from the reading start`);
        // Inside the viewport, no sideways scroll.
        const card = (await page.locator('[data-vafa-widget]').boundingBox())!;
        assert.ok(card.x >= 0 && card.x + card.width <= width, `${lang} ${width}: the card fits`);
        await screenshot(page, `survey-widget-${lang}-${width}`);
        if (lang === 'ar' && width === 390) {
          await dialog.locator('button[data-score="3"]').click();
          await dialog.getByRole('heading', { name: 'ما الذي لم يسر على ما يرام؟' }).waitFor();
          await screenshot(page, 'survey-widget-ar-390-followup');
        }
        assert.deepEqual(await violations(page), [], `${lang} ${width}`);
        assert.deepEqual(problems, [], `${lang} ${width}`);
        await context.close();
      }
    }
  });
});
