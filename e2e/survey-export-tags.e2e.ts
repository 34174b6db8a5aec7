// A survey's responses screen in Chromium, as an analyst: "export table" downloads the finished
// responses as CSV with a BOM, headed in the language picked in its dialog (not the screen's),
// one row per response; the analyst tags a response in its dialog (and takes a tag off again)
// and filters the list by that tag, on a phone in Persian. Then the screen, the response's tags
// and the export dialog in fa, ar and en at 1366 and 390 wide: axe clean, no Latin words on fa/ar,
// no sideways scroll; screenshots test-output/screenshots/survey-export-tags-*.
// Run: node --import tsx --test e2e/survey-export-tags.e2e.ts
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
const TAG = 'تأخیر ارسال';
const OTHER_TAG = 'قیمت';

async function useLanguage(language: Language) {
  const response = await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(response.status(), 200, await response.text());
}

/** Every finished response's id, through the API's pages (what the file must hold). */
async function finishedResponses(query = ''): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/surveys/${surveyId}/responses?status=complete&limit=200${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await page.request.get(url);
    assert.equal(res.status(), 200, await res.text());
    const body = await res.json() as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...body.items.map((r) => r.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

async function checkScreen(name: string, language: Language) {
  await expectAccessible(page, name);
  await noSidewaysScroll(page, name);
  if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `${name}: Latin words`);
  await screenshot(page, `survey-export-tags-${name}`);
}

const responseLinks = () => page.locator(`a[href*="/feedback/surveys/${surveyId}/responses?response="]`);

describe('survey responses: export and tags', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 40 }), launchChromium()]);
    const owner = await browser.newContext({ baseURL: vafa.baseUrl });
    const login = await owner.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    const ownerCsrf = (await login.json() as { csrfToken: string }).csrfToken;
    const list = await (await owner.request.get('/api/surveys')).json() as { items: SurveyView[] };
    const nps = list.items.find((s) => s.questions.some((q) => q.type === 'nps') && s.responseCount > 0);
    assert.ok(nps, 'the demo workspace has an answered NPS survey');
    surveyId = nps.id;
    const invited = await owner.request.post('/api/invitations', { headers: { 'X-CSRF-Token': ownerCsrf }, data: { email: 'analyst@example.com', role: 'analyst' } });
    assert.equal(invited.status(), 201, await invited.text());
    const { token } = await invited.json() as { token: string };
    await owner.close();

    // The analyst, on a phone, in Persian.
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

  test('exports the finished responses with Arabic headings from a Persian phone screen', async () => {
    const fa = MESSAGES.fa;
    await page.goto(`/feedback/surveys/${surveyId}/responses`);
    await responseLinks().first().waitFor();
    await page.getByRole('button', { name: fa['surveys.export.button'] }).click();
    const dialog = page.getByRole('dialog', { name: fa['surveys.export.title'] });
    await dialog.waitFor();
    // the file's language, not the screen's
    await dialog.getByRole('button', { name: new RegExp(fa['surveys.export.language']) }).click();
    await page.getByRole('option', { name: fa['language.ar'] }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: fa['surveys.export.download'] }).click()]);
    const bytes = await readFile((await download.path())!);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 BOM');
    const rows = csvRows(bytes.subarray(3).toString('utf8'));
    assert.deepEqual(rows[0]!.slice(0, 5), ['معرّف الرد', 'وقت الإرسال (UTC)', 'الإصدار', 'القناة', 'اللغة'], 'Arabic headings');
    const expected = await finishedResponses();
    assert.ok(expected.length > 0);
    const data = rows.slice(1);
    assert.equal(data.length, expected.length, 'one row per finished response');
    assert.deepEqual(new Set(data.map((r) => r[0])), new Set(expected));
    assert.match(download.suggestedFilename(), /\.csv$/);
  });

  test('an analyst tags a response on a Persian phone and filters the list by it', async () => {
    const fa = MESSAGES.fa;
    await page.goto(`/feedback/surveys/${surveyId}/responses`);
    const first = responseLinks().first();
    await first.waitFor();
    const href = (await first.getAttribute('href'))!;
    const responseId = new URL(href, vafa.baseUrl).searchParams.get('response')!;
    await first.click();
    const dialog = page.getByRole('dialog', { name: fa['surveys.responses.detailTitle'] });
    await dialog.waitFor();
    const field = dialog.getByRole('textbox', { name: fa['surveys.responses.tags.add'] });
    // typed with stray spaces; stored trimmed
    await field.fill(`  ${TAG}  `);
    await dialog.getByRole('button', { name: fa['surveys.responses.tags.addButton'] }).click();
    const tags = dialog.getByRole('grid', { name: fa['surveys.responses.tags'] });
    await tags.getByRole('row', { name: TAG }).waitFor();
    // the tag list is refreshed by the mutation's own handler, the field by the caller's, a tick later
    await waitUntil('the field empties once added', async () => (await field.inputValue()) === '');
    await field.fill(OTHER_TAG);
    await field.press('Enter');
    await tags.getByRole('row', { name: OTHER_TAG }).waitFor();
    await dialog.getByRole('button', { name: fa['surveys.responses.tags.remove'].replace('{tag}', OTHER_TAG) }).click();
    await waitUntil('the second tag removed', async () => (await tags.getByRole('row', { name: OTHER_TAG }).count()) === 0);
    const stored = await (await page.request.get(`/api/surveys/${surveyId}/responses/${responseId}`)).json() as { response: { tags: string[] } };
    assert.deepEqual(stored.response.tags, [TAG]);
    await dialog.getByRole('button', { name: fa['common.close'] }).click();
    await dialog.waitFor({ state: 'hidden' });

    const all = await responseLinks().count();
    assert.ok(all > 1, 'more than one response listed before the filter');
    const filter = page.getByRole('searchbox', { name: fa['surveys.responses.tagFilter'] });
    await filter.fill(TAG);
    await filter.press('Enter');
    await waitUntil('the list filtered by the tag', async () => (await responseLinks().count()) === 1);
    assert.equal(new URL((await responseLinks().first().getAttribute('href'))!, vafa.baseUrl).searchParams.get('response'), responseId);
    assert.deepEqual(await finishedResponses(`&tag=${encodeURIComponent(TAG)}`), [responseId]);
    await page.getByText(TAG, { exact: true }).first().waitFor();
    // clearing the filters lists them all again
    await page.getByRole('button', { name: fa['surveys.results.clearFilters'] }).click();
    await waitUntil('the list unfiltered', async () => (await responseLinks().count()) === all);
    assert.equal(await filter.inputValue(), '');
  });

  for (const language of ['fa', 'ar', 'en'] as const) {
    for (const width of [1366, 390]) {
      test(`screens in ${language} at ${width}`, async () => {
        const m = MESSAGES[language];
        await useLanguage(language);
        await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
        await page.goto(`/feedback/surveys/${surveyId}/responses`);
        await responseLinks().first().waitFor();
        const filter = page.getByRole('searchbox', { name: m['surveys.responses.tagFilter'] });
        await filter.fill(TAG);
        await filter.press('Enter');
        await waitUntil('the list filtered by the tag', async () => (await responseLinks().count()) === 1);
        await checkScreen(`list-${language}-${width}`, language);

        await responseLinks().first().click();
        const dialog = page.getByRole('dialog', { name: m['surveys.responses.detailTitle'] });
        await dialog.getByRole('grid', { name: m['surveys.responses.tags'] }).getByRole('row', { name: TAG }).waitFor();
        await dialog.getByRole('button', { name: m['surveys.responses.tags.addButton'] }).scrollIntoViewIfNeeded();
        await checkScreen(`tags-${language}-${width}`, language);
        await dialog.getByRole('button', { name: m['common.close'] }).click();
        await dialog.waitFor({ state: 'hidden' });

        await page.getByRole('button', { name: m['surveys.export.button'] }).click();
        const exportDialog = page.getByRole('dialog', { name: m['surveys.export.title'] });
        await exportDialog.getByText(m['surveys.export.followsFilters']).waitFor();
        await checkScreen(`export-${language}-${width}`, language);
        await exportDialog.getByRole('button', { name: m['common.close'] }).click();
      });
    }
  }
});
