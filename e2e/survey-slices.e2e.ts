// "What people wrote, by segment, channel, stage and period" in Chromium, as an analyst on a
// Persian phone: two customers answer the demo NPS survey through their personal links, one of
// them in the segment «مشتریان ویژه» when answering (and taken out of it afterwards: the answer
// keeps the segment, as the results count it). The responses screen filtered by the segment
// lists that answer alone, and "export table" downloads exactly it (the file follows the screen's
// filters); the results screen's themes follow the same segment. Then the filtered list, the
// export dialog and the results' themes in fa, ar and en at 1366 and 390 wide: axe clean, no
// Latin words on fa/ar, no sideways scroll; screenshots test-output/screenshots/survey-slices-*.
// Run: node --import tsx --test e2e/survey-slices.e2e.ts
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { APIRequestContext, APIResponse, Browser, BrowserContext, Page } from 'playwright-core';
import type { SurveyView } from '@vafa/contracts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, latinWordsOnScreen, launchChromium, noSidewaysScroll, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

type Language = 'fa' | 'ar' | 'en';

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let surveyId = '';
let segmentId = '';
let vipResponse = '';
let vip2Response = '';
let plainResponse = '';
const SEGMENT = 'مشتریان ویژه';

async function useLanguage(language: Language) {
  const response = await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(response.status(), 200, await response.text());
}

async function created<T>(request: APIRequestContext, url: string, data: unknown, token: string, method: 'post' | 'patch' = 'post'): Promise<T> {
  const res = await request[method](url, { data, headers: { 'X-CSRF-Token': token } });
  assert.ok(res.status() < 300, `${url}: ${res.status()} ${await res.text()}`);
  return await res.json() as T;
}

/** Answers a personal link through the public API (as the page would), returns the response id. */
async function answerLink(request: APIRequestContext, link: string, answers: unknown): Promise<string> {
  const token = new URL(link).pathname.split('/').pop()!;
  const res = await request.post(`/api/public/surveys/${token}/responses`, { data: { answers, complete: true, locale: 'fa' } });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json() as { responseId: string }).responseId;
}

/** The ids the list API gives under a query, every page. */
async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: APIResponse = await page.request.get(`/api/surveys/${surveyId}/responses?limit=200&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status(), 200, await res.text());
    const body = await res.json() as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...body.items.map((r) => r.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

async function checkScreen(name: string, language: Language) {
  await expectAccessible(page, name);
  await noSidewaysScroll(page, name);
  if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `${name}: Latin words`);
  await screenshot(page, `survey-slices-${name}`);
}

const responseLinks = () => page.locator(`a[href*="/feedback/surveys/${surveyId}/responses?response="]`);
const linkedResponse = async (n: number) => new URL((await responseLinks().nth(n).getAttribute('href'))!, vafa.baseUrl).searchParams.get('response');

/** Picks the segment in the screen's segment select (labelled as on the results screen). */
async function pickSegment(language: Language, scope: Page | ReturnType<Page['locator']> = page) {
  const m = MESSAGES[language];
  await scope.getByRole('button', { name: new RegExp(m['surveys.results.by.segment']) }).first().click();
  await page.getByRole('option', { name: SEGMENT }).click();
}

describe('survey responses, export and themes by segment', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 20 }), launchChromium()]);
    const owner = await browser.newContext({ baseURL: vafa.baseUrl });
    const login = await owner.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    const ownerCsrf = (await login.json() as { csrfToken: string }).csrfToken;
    const list = await (await owner.request.get('/api/surveys')).json() as { items: SurveyView[] };
    const nps = list.items.find((s) => s.questions.some((q) => q.type === 'nps') && s.status === 'live');
    assert.ok(nps, 'the demo workspace has a live NPS survey');
    surveyId = nps.id;

    segmentId = (await created<{ id: string }>(owner.request, '/api/segments', { name: SEGMENT, rules: { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'ویژه' }] } }, ownerCsrf)).id;
    const vip = await created<{ id: string }>(owner.request, '/api/customers', { name: 'مریم ویژه', phone: '09120001001', tags: ['ویژه'] }, ownerCsrf);
    const vip2 = await created<{ id: string }>(owner.request, '/api/customers', { name: 'سارا ویژه', phone: '09120001003', tags: ['ویژه'] }, ownerCsrf);
    const plain = await created<{ id: string }>(owner.request, '/api/customers', { name: 'علی عادی', phone: '09120001002' }, ownerCsrf);
    const vipLink = (await created<{ link: string }>(owner.request, `/api/surveys/${surveyId}/invitations`, { customerId: vip.id, channel: 'link' }, ownerCsrf)).link;
    const vip2Link = (await created<{ link: string }>(owner.request, `/api/surveys/${surveyId}/invitations`, { customerId: vip2.id, channel: 'link' }, ownerCsrf)).link;
    const plainLink = (await created<{ link: string }>(owner.request, `/api/surveys/${surveyId}/invitations`, { customerId: plain.id, channel: 'link' }, ownerCsrf)).link;
    vipResponse = await answerLink(owner.request, vipLink, { nps: { score: 3 }, went_wrong: { text: 'ارسال سفارش دیر رسید' } });
    vip2Response = await answerLink(owner.request, vip2Link, { nps: { score: 2 }, went_wrong: { text: 'باز هم ارسال سفارش دیر رسید' } });
    plainResponse = await answerLink(owner.request, plainLink, { nps: { score: 10 }, liked: { text: 'قیمت مناسب' } });
    // Membership changes after the answer: the answer keeps the segment it was given in.
    await created(owner.request, `/api/customers/${vip.id}`, { tags: [] }, ownerCsrf, 'patch');

    const invited = await owner.request.post('/api/invitations', { headers: { 'X-CSRF-Token': ownerCsrf }, data: { email: 'analyst@example.com', role: 'analyst' } });
    assert.equal(invited.status(), 201, await invited.text());
    const { token } = await invited.json() as { token: string };
    await owner.close();

    context = await browser.newContext({
      baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', acceptDownloads: true, bypassCSP: true, viewport: { width: 390, height: 844 },
    });
    // the machine runs several browsers and servers at once: pages may take long to settle
    context.setDefaultTimeout(180_000);
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    const accepted = await page.request.post('/api/invitations/accept', { data: { token, displayName: 'تحلیلگر', password: 'a-long-password-1' } });
    assert.equal(accepted.status(), 200, await accepted.text());
    csrf = (await accepted.json() as { csrfToken: string }).csrfToken;
    await useLanguage('fa');
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('filters the responses by segment on a Persian phone and exports exactly them', async () => {
    const fa = MESSAGES.fa;
    assert.deepEqual(new Set(await listed(`segmentId=${segmentId}`)), new Set([vipResponse, vip2Response]), 'the API: the answers given in the segment, not the other');
    assert.ok((await listed('')).includes(plainResponse));
    await page.goto(`/feedback/surveys/${surveyId}/responses`);
    await responseLinks().first().waitFor();
    assert.ok(await responseLinks().count() > 1);
    await pickSegment('fa');
    await waitUntil('the list filtered by the segment', async () => (await responseLinks().count()) === 2
      && new Set([await linkedResponse(0), await linkedResponse(1)]).size === 2 && [vipResponse, vip2Response].includes((await linkedResponse(0))!) && [vipResponse, vip2Response].includes((await linkedResponse(1))!));

    await page.getByRole('button', { name: fa['surveys.export.button'] }).click();
    const dialog = page.getByRole('dialog', { name: fa['surveys.export.title'] });
    await dialog.getByText(fa['surveys.export.followsFilters']).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: fa['surveys.export.download'] }).click()]);
    const text = (await readFile((await download.path())!)).toString('utf8').replace(/^\uFEFF/, '');
    const rows = text.trim().split(/\r?\n/).filter((line) => /^[0-9a-f]{8}-/.test(line));
    assert.deepEqual(new Set(rows.map((line) => line.split(',')[0])), new Set([vipResponse, vip2Response]), 'the file holds the filtered responses alone');
    assert.equal(rows.length, 2);
    assert.match(text.split(/\r?\n/)[0]!, /شناسه‌ی پاسخ/, 'headed in Persian');
    await dialog.getByRole('button', { name: fa['common.close'] }).click();
    await dialog.waitFor({ state: 'hidden' });

    // clearing the filters lists the other answer again
    await page.getByRole('button', { name: fa['surveys.results.clearFilters'] }).click();
    await waitUntil('the list unfiltered', async () => (await responseLinks().count()) > 1);
  });

  test('the results screen\'s themes follow its segment filter', async () => {
    const fa = MESSAGES.fa;
    const themes = await (await page.request.get(`/api/surveys/${surveyId}/themes?segmentId=${segmentId}`)).json() as { questions: { themes: { term: string; count: number; examples: { responseId: string }[] }[] }[] };
    const all = themes.questions.flatMap((q) => q.themes);
    assert.ok(all.flatMap((t) => t.examples).every((e) => [vipResponse, vip2Response].includes(e.responseId)), 'examples from the slice only');
    const late = all.find((t) => t.term.includes('ارسال'));
    assert.equal(late?.count, 2, 'the two answers in the segment share a theme');
    await page.goto(`/feedback/surveys/${surveyId}/results`);
    await page.getByRole('heading', { name: fa['surveys.results.themes.title'] }).waitFor();
    await pickSegment('fa');
    await page.getByText(fa['surveys.results.themes.slice']).waitFor();
    await page.getByText(late!.term, { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: fa['surveys.results.themes.refresh'] }).count(), 0, 'no recompute under a filter');
  });

  for (const language of ['fa', 'ar', 'en'] as const) {
    for (const width of [1366, 390]) {
      test(`screens in ${language} at ${width}`, async () => {
        const m = MESSAGES[language];
        await useLanguage(language);
        await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
        await page.goto(`/feedback/surveys/${surveyId}/responses`);
        await responseLinks().first().waitFor();
        await pickSegment(language);
        await waitUntil('the list filtered by the segment', async () => (await responseLinks().count()) === 2);
        await checkScreen(`list-${language}-${width}`, language);

        await page.getByRole('button', { name: m['surveys.export.button'] }).click();
        const exportDialog = page.getByRole('dialog', { name: m['surveys.export.title'] });
        await exportDialog.getByText(m['surveys.export.followsFilters']).waitFor();
        await checkScreen(`export-${language}-${width}`, language);
        await exportDialog.getByRole('button', { name: m['common.close'] }).click();
        await exportDialog.waitFor({ state: 'hidden' });

        await page.goto(`/feedback/surveys/${surveyId}/results`);
        const heading = page.getByRole('heading', { name: m['surveys.results.themes.title'] });
        await heading.waitFor();
        await pickSegment(language);
        await page.getByText(m['surveys.results.themes.slice']).waitFor();
        // the shared theme open with its example answers
        await page.locator('.themes-list summary').first().click();
        await heading.scrollIntoViewIfNeeded();
        await checkScreen(`themes-${language}-${width}`, language);
      });
    }
  }
});
