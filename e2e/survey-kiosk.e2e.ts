// A shop kiosk in Chromium: a visitor answers while the network is down, the answer waits on the
// device, and once the network is back it reaches the server exactly once, even when the same
// queued batch is sent again. The page runs under its own strict CSP with no violation.
// Run: node --import tsx --test --test-concurrency=1 e2e/survey-kiosk.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot, startVafa, type RunningVafa, waitUntil } from './harness.ts';

type Api = (method: string, url: string, body?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let vafa: RunningVafa;
let browser: Browser;
let owner: Api;

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

async function kioskSurvey(first: Record<string, unknown>): Promise<{ id: string }> {
  const created = await owner('POST', '/api/surveys', {
    definition: {
      name: `Kiosk ${Date.now()}`,
      settings: { languages: ['fa', 'ar', 'en'], defaultLanguage: 'fa' },
      questions: [
        first,
        { id: 'why', type: 'text', title: t3('دوست دارید چیزی به ما بگویید؟', 'هل تود أن تخبرنا بشيء؟', 'Anything you would like to tell us?') },
      ],
    },
  });
  await owner('POST', `/api/surveys/${created.id}/publish`);
  return { id: created.id };
}

const FACES = { id: 'csat', type: 'csat', points: 5, style: 'faces', required: true, title: t3('از خدمات امروز ما چقدر راضی بودید؟', 'ما مدى رضاك عن خدمتنا اليوم؟', 'How satisfied were you with our service today?') };
const NPS = { id: 'nps', type: 'nps', required: true, title: t3('چقدر احتمال دارد این شعبه را به دوستانتان پیشنهاد کنید؟', 'ما مدى احتمال أن توصي بهذا الفرع لأصدقائك؟', 'How likely are you to recommend this branch to a friend?') };

async function kiosksOf(surveyId: string): Promise<{ id: string; responseCount: number }[]> {
  return (await owner('GET', `/api/surveys/${surveyId}/kiosks`)).items;
}

interface Tablet {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

async function openKiosk(url: string, width: number, height: number): Promise<Tablet> {
  const context = await browser.newContext({ viewport: { width, height }, hasTouch: width < 500 });
  const page = await context.newPage();
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (message) => {
    // Requests refused while the tablet is offline are what this test is about.
    // (and the browser's own favicon request is not the page's doing).
    if (message.type() !== 'error' || /ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(message.text()) || message.location().url.endsWith('/favicon.ico')) return;
    problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(url);
  return { context, page, problems };
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);

describe('survey kiosk', { timeout: 600_000 }, () => {
  before(async () => {
    vafa = await startVafa();
    browser = await launchChromium();
    owner = await signIn(vafa.email, vafa.password);
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('an answer given offline is kept on the device and synced exactly once when the network returns', async () => {
    const survey = await kioskSurvey(FACES);
    const registered = await owner('POST', `/api/surveys/${survey.id}/kiosks`, { location: 'شعبه‌ی ونک' });
    const { page, context, problems } = await openKiosk(`${vafa.baseUrl}/k/${registered.token}`, 1366, 1024);
    await page.getByRole('heading', { name: FACES.title.fa }).waitFor();

    await context.setOffline(true);
    await page.locator('button[data-score="5"]').click();
    await page.getByRole('heading', { name: 'دوست دارید چیزی به ما بگویید؟' }).waitFor();
    await page.getByRole('button', { name: 'رد شدن' }).click();
    await page.getByText('سپاس').waitFor();
    await page.locator('#kiosk-status').filter({ hasText: 'بدون اتصال' }).waitFor();
    await screenshot(page, 'survey-kiosk-offline-fa-1366');
    const queued = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '[]'), `vafa.kiosk.${registered.kiosk.id}`);
    assert.equal(queued.length, 1);
    assert.deepEqual(queued[0].answers, { csat: { score: 5 }, why: { skipped: true } });
    assert.equal((await kiosksOf(survey.id))[0]!.responseCount, 0, 'nothing reached the server while offline');

    // The thank-you resets to the first question for the next visitor, still offline.
    await page.getByRole('heading', { name: FACES.title.fa }).waitFor({ timeout: 20_000 });

    await context.setOffline(false);
    await waitUntil('the queued answer on the server', async () => (await kiosksOf(survey.id))[0]!.responseCount === 1);
    await waitUntil('the queue emptied', async () => (await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '[]').length, `vafa.kiosk.${registered.kiosk.id}`)) === 0);
    await page.locator('#kiosk-status').waitFor({ state: 'hidden' });

    // The same queued batch sent twice more (a reply lost on the way back, a second tab): still one response.
    for (let i = 0; i < 2; i++) {
      const resend = await fetch(`${vafa.apiUrl}/api/public/kiosk/${registered.token}/answers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answers: queued }) });
      assert.equal(resend.status, 200);
      assert.deepEqual((await resend.json()).results.map((r: { outcome: string }) => r.outcome), ['duplicate']);
    }
    assert.equal((await kiosksOf(survey.id))[0]!.responseCount, 1);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('screenshots of faces and of 0–10 in fa, ar and en at phone and tablet width', async () => {
    for (const [name, first] of [['faces', FACES], ['nps', NPS]] as const) {
      const survey = await kioskSurvey(first);
      const { token } = await owner('POST', `/api/surveys/${survey.id}/kiosks`, { location: 'Vanak branch' });
      for (const lang of ['fa', 'ar', 'en'] as const) {
        for (const [width, height] of [[390, 844], [1366, 1024]] as const) {
          const { page, context, problems } = await openKiosk(`${vafa.baseUrl}/k/${token}?lang=${lang}`, width, height);
          await page.getByRole('heading', { name: first.title[lang] }).waitFor();
          const low = (await page.locator(`button[data-score="${name === 'nps' ? 0 : 1}"]`).boundingBox())!;
          const high = (await page.locator(`button[data-score="${name === 'nps' ? 10 : 5}"]`).boundingBox())!;
          if (width > 500 || name === 'faces') assert.equal(low.x > high.x, lang !== 'en', `${name} ${lang} ${width}: lowest at the reading start`);
          else assert.ok(lang === 'en' ? low.x <= high.x || low.y < high.y : low.y < high.y || low.x > high.x, `${name} ${lang} ${width}: 0 first`);
          assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} ${lang} ${width}: no sideways scroll`);
          await screenshot(page, `survey-kiosk-${name}-${lang}-${width}`);
          if (name === 'nps' && width === 390) {
            await page.locator('button[data-score="3"]').click();
            await page.getByRole('heading', { name: { fa: 'دوست دارید چیزی به ما بگویید؟', ar: 'هل تود أن تخبرنا بشيء؟', en: 'Anything you would like to tell us?' }[lang] }).waitFor();
            await screenshot(page, `survey-kiosk-second-${lang}-390`);
          }
          assert.deepEqual(await violations(page), [], `${name} ${lang} ${width}`);
          assert.deepEqual(problems, [], `${name} ${lang} ${width}`);
          await context.close();
        }
      }
    }
  });
});
