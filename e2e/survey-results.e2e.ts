// The survey results screen in Chromium: the demo NPS survey (answers over 90 days) shows its
// score with the 95 % interval, the trend drawn with its band, breakdowns and themes; a SERVQUAL
// survey answered through the public API shows the zone of tolerance. Persian digits and
// right-to-left layout in fa, no sideways scroll on a phone, axe clean. Screenshots of both
// screens in fa, ar and en at 1366 and 390 wide in test-output/screenshots/survey-results-*.
// Run: node --import tsx --test e2e/survey-results.e2e.ts
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SurveyView } from '@vafa/contracts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, latinWordsOnScreen, launchChromium, noSidewaysScroll, type RunningVafa, screenshot, startVafa } from './harness.ts';

type Language = 'fa' | 'ar' | 'en';

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let npsSurvey = '';
let servqualSurvey = '';

async function useLanguage(language: Language) {
  const response = await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(response.status(), 200);
}

/** A proof of work for the public answer endpoint's challenge: SHA-256 starting with `bits` zero bits. */
function solve(challenge: string, bits: number): string {
  for (let n = 0; ; n++) {
    const digest = createHash('sha256').update(`${challenge}:${n}`).digest();
    let zero = 0;
    for (const byte of digest) {
      if (byte === 0) zero += 8;
      else {
        zero += Math.clz32(byte) - 24;
        break;
      }
      if (zero >= bits) break;
    }
    if (zero >= bits) return `${challenge}:${n}`;
  }
}

async function answer(token: string, answers: Record<string, unknown>) {
  const device = randomUUID();
  let body: Record<string, unknown> = { answers, complete: true };
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await fetch(`${vafa.apiUrl}/api/public/surveys/${token}/responses`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-vafa-device': device }, body: JSON.stringify(body),
    });
    if (res.status === 201) return;
    const problem = await res.json() as { code: string; challenge?: string; bits?: number };
    if (problem.code !== 'challenge_required') throw new Error(`answer refused: ${res.status} ${JSON.stringify(problem)}`);
    body = { ...body, proof: solve(problem.challenge!, problem.bits!) };
  }
  throw new Error('answer not taken after solving the challenge');
}

describe('survey results', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 120 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    const list = await (await page.request.get('/api/surveys')).json() as { items: SurveyView[] };
    const nps = list.items.find((s) => s.questions.some((q) => q.type === 'nps') && s.responseCount > 0);
    assert.ok(nps, 'the demo workspace has an answered NPS survey');
    npsSurvey = nps.id;

    // A SERVQUAL survey from its template, published and answered through the public API.
    const created = await page.request.post('/api/surveys', { data: { template: 'servqual', languages: ['fa', 'ar', 'en'] }, headers: { 'X-CSRF-Token': csrf } });
    assert.equal(created.status(), 201, await created.text());
    const survey = await created.json() as SurveyView;
    servqualSurvey = survey.id;
    const published = await page.request.post(`/api/surveys/${survey.id}/publish`, { headers: { 'X-CSRF-Token': csrf } });
    assert.equal(published.status(), 200, await published.text());
    const items = survey.questions.filter((q) => q.type === 'servqual');
    for (let r = 0; r < 24; r++) {
      const answers: Record<string, unknown> = {};
      items.forEach((q, i) => {
        const desired = 7 + ((r + i) % 3);
        const adequate = 4 + ((r * 3 + i) % 3);
        // reliability falls short, tangibles exceed, the rest mostly within
        const perceived = q.type === 'servqual' && q.dimension === 'reliability' ? 3 + ((r + i) % 4) : q.type === 'servqual' && q.dimension === 'tangibles' ? 9 : 5 + ((r + 2 * i) % 3);
        answers[q.id] = { desired, adequate, perceived: Math.min(9, perceived) };
      });
      for (const q of survey.questions) if (q.type !== 'servqual' && q.required) answers[q.id] = q.type === 'nps' ? { score: 8 } : { skipped: true };
      await answer(survey.publicToken, answers);
    }
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('shows NPS with its interval, the trend and the breakdown in Persian, right to left', async () => {
    await useLanguage('fa');
    await page.goto(`/feedback/surveys/${npsSurvey}/results`);
    const tile = page.locator('[data-testid^="score-"]').first();
    await tile.waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    const text = await tile.innerText();
    assert.match(text, /±/);
    assert.match(text, /[۰-۹]/, 'Persian digits');
    assert.doesNotMatch(text, /[0-9]/, 'no Latin digits');
    // The interval's bounds keep their sign on the left of the number, as the headline does («+۲۲», not «۲۲+»).
    const signs = await tile.locator('.score-interval').evaluate((el) => {
      const node = el.firstChild!;
      const text = node.textContent ?? '';
      const placed: boolean[] = [];
      const range = document.createRange();
      for (let i = 0; i < text.length; i++) {
        if (!'+-−'.includes(text[i]!)) continue;
        let j = i + 1;
        while (j < text.length && /[\u2066-\u2069]/.test(text[j]!)) j++;
        if (!/[۰-۹]/.test(text[j] ?? '')) continue;
        range.setStart(node, i); range.setEnd(node, i + 1);
        const sign = range.getBoundingClientRect().left;
        range.setStart(node, j); range.setEnd(node, j + 1);
        placed.push(sign < range.getBoundingClientRect().left);
      }
      return placed;
    });
    assert.ok(signs.every(Boolean), `a sign right of its number in the interval: ${await tile.locator('.score-interval').innerText()}`);
    await page.locator('[data-testid="results-trend"][data-state="drawn"]').waitFor();
    await page.getByRole('heading', { name: MESSAGES.fa['surveys.results.breakdown.title'] }).waitFor();
    // what people wrote: computed on demand, with example answers under each theme
    await page.getByRole('button', { name: MESSAGES.fa['surveys.results.themes.refresh'] }).click();
    await page.locator('.themes-list li').first().waitFor();
    await page.locator('.themes-list summary').first().click();
    await page.locator('.theme-examples blockquote').first().waitFor();
    await expectAccessible(page, 'results fa');
  });

  for (const language of ['fa', 'ar', 'en'] as const) {
    for (const width of [1366, 390]) {
      test(`screens in ${language} at ${width}`, async () => {
        await useLanguage(language);
        await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
        for (const [name, id] of [['nps', npsSurvey], ['servqual', servqualSurvey]] as const) {
          await page.goto(`/feedback/surveys/${id}/results`);
          if (name === 'nps') await page.locator('[data-testid="results-trend"][data-state="drawn"]').waitFor();
          else {
            await page.locator('.zone-row').first().waitFor();
            assert.ok(await page.locator('.zone-row[data-zone="below"]').count() > 0, 'reliability below the zone');
          }
          await noSidewaysScroll(page, `${name} ${language} ${width}`);
          if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `${name} ${language}: Latin words`);
          await screenshot(page, `survey-results-${name}-${language}-${width}`, { fullPage: true });
        }
      });
    }
  }
});
