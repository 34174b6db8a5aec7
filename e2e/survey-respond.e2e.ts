// A respondent answers a survey in Chromium on a phone-size page (390×844), in Persian: the NPS
// scale runs right to left (0 on the right, checked by bounding boxes), keyboard order follows
// the numbers, the branch opens on a low score, the answer is stored. Then screenshots of the
// page in fa, ar and en at 390 and 1366 px, and axe on each.
// Run: node --import tsx --test e2e/survey-respond.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

let vafa: RunningVafa;
let browser: Browser;
let admin: BrowserContext;
let csrf = '';
let surveyId = '';
let token = '';

const DEFINITION = {
  name: 'رضایت از خرید',
  settings: { languages: ['fa', 'ar', 'en'], defaultLanguage: 'fa', anonymous: false, hiddenFields: [], stage: 'after-sale' },
  questions: [
    {
      id: 'nps', type: 'nps', required: true,
      title: { fa: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟', ar: 'ما مدى احتمال أن توصي بنا لأصدقائك؟', en: 'How likely are you to recommend us to a friend?' },
    },
    {
      id: 'why_low', type: 'text', required: true, multiline: true, maxLength: 1000, showIf: { question: 'nps', op: 'lte', value: 6 },
      title: { fa: 'چه چیزی خوب پیش نرفت؟', ar: 'ما الذي لم يسر على ما يرام؟', en: 'What went wrong?' },
    },
    {
      id: 'channel', type: 'single_choice', required: false, allowOther: true,
      title: { fa: 'از کجا خرید کردید؟', ar: 'من أين اشتريت؟', en: 'Where did you buy?' },
      options: [
        { id: 'store', label: { fa: 'فروشگاه', ar: 'المتجر', en: 'In a store' } },
        { id: 'web', label: { fa: 'وب‌سایت', ar: 'الموقع', en: 'On the website' } },
        { id: 'app', label: { fa: 'اپلیکیشن', ar: 'التطبيق', en: 'In the app' } },
      ],
    },
    { id: 'visited', type: 'date', required: false, title: { fa: 'تاریخ خرید', ar: 'تاريخ الشراء', en: 'Day of purchase' } },
    { id: 'ease', type: 'csat', points: 5, style: 'faces', required: false, title: { fa: 'از خرید راضی بودید؟', ar: 'هل كنت راضيًا عن الشراء؟', en: 'Were you happy with the purchase?' } },
  ],
};

async function phone(locale: string, width = 390, height = 844): Promise<Page> {
  const context = await browser.newContext({ baseURL: vafa.baseUrl, locale, viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') console.error('console:', msg.text()); });
  return page;
}

async function noSidewaysScroll(page: Page, name: string) {
  const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
  assert.ok(width.scroll <= width.view, `${name}: ${width.scroll - width.view}px wider than the screen`);
}

/** axe needs its script injected, which the page's CSP forbids: a copy of the page without the CSP. */
async function accessible(page: Page, name: string) {
  const html = await page.content();
  const copy = await (await browser.newContext({ bypassCSP: true, baseURL: vafa.baseUrl })).newPage();
  await copy.route('**/__axe__', (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await copy.goto('/__axe__');
  await expectAccessible(copy, name);
  await copy.context().close();
}

describe('answering a survey', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 5 }), launchChromium()]);
    admin = await browser.newContext({ baseURL: vafa.baseUrl });
    const login = await admin.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    const created = await admin.request.post('/api/surveys', { data: { definition: DEFINITION }, headers: { 'X-CSRF-Token': csrf } });
    assert.equal(created.status(), 201, await created.text());
    const survey = await created.json() as { id: string; publicToken: string };
    surveyId = survey.id;
    token = survey.publicToken;
    const published = await admin.request.post(`/api/surveys/${surveyId}/publish`, { headers: { 'X-CSRF-Token': csrf } });
    assert.equal(published.status(), 200, await published.text());
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a respondent answers in Persian on a phone: the NPS scale reads 0 on the right', async () => {
    const page = await phone('fa-IR');
    await page.goto(`/s/${token}`);
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'fa');
    const box = async (n: number) => (await page.locator(`input[name="nps"][value="${n}"]`).locator('xpath=..').boundingBox())!;
    const [zero, five, ten] = [await box(0), await box(5), await box(10)];
    assert.ok(zero.x > five.x && five.x > ten.x, `0 (x=${zero.x}) should be right of 5 (x=${five.x}) and 10 (x=${ten.x})`);
    assert.ok(Math.abs(zero.y - ten.y) < 2, 'all eleven points on one row');
    assert.ok(zero.x + zero.width <= 390 && ten.x >= 0, 'the scale fits the phone');
    assert.equal(await page.locator('input[name="nps"][value="0"] + .face').textContent(), '۰');
    await noSidewaysScroll(page, 'fa step 1');
    // The keyboard walks the scale in reading order: 0, then 1 to its left.
    await page.locator('input[name="nps"][value="0"]').focus();
    await page.keyboard.press('Tab');
    await screenshot(page, 'survey-respond/fa-390-step1');

    await page.locator('input[name="nps"][value="3"]').locator('xpath=..').click();
    await page.getByRole('button', { name: 'بعدی' }).click();
    await page.waitForURL(/step=1/);
    // The low score opened the branch.
    assert.ok(await page.getByText('چه چیزی خوب پیش نرفت؟').isVisible());
    await page.locator('textarea[name="why_low"]').fill('ارسال دیر رسید و پشتیبانی جواب نداد.');
    await screenshot(page, 'survey-respond/fa-390-step2');
    await page.getByRole('button', { name: 'بعدی' }).click();
    await page.waitForURL(/step=2/);
    // Back and Next: in RTL, Back sits on the right (reading start), Next on the left.
    const next = (await page.getByRole('button', { name: 'بعدی' }).boundingBox())!;
    const back = (await page.getByRole('link', { name: 'قبلی' }).boundingBox())!;
    assert.ok(back.x > next.x, 'Back is to the right of Next in Persian');
    await page.getByText('وب‌سایت').click();
    await page.getByRole('button', { name: 'بعدی' }).click();
    await page.waitForURL(/step=3/);
    // The date in the Persian calendar: 1 Farvardin 1404 = 2025-03-21.
    await page.locator('select[name="visited__d"]').selectOption('1');
    await page.locator('select[name="visited__m"]').selectOption('1');
    await page.locator('select[name="visited__y"]').selectOption('1404');
    assert.match(await page.locator('select[name="visited__m"] option[value="1"]').textContent() ?? '', /فروردین/);
    await screenshot(page, 'survey-respond/fa-390-date');
    await page.getByRole('button', { name: 'بعدی' }).click();
    await page.waitForURL(/step=4/);
    await screenshot(page, 'survey-respond/fa-390-faces');
    await page.locator('input[name="ease"][value="2"]').locator('xpath=..').click();
    await page.getByRole('button', { name: 'ارسال' }).click();
    await page.waitForURL(/done=1/);
    assert.ok(await page.getByText('سپاس از پاسخ شما').isVisible());
    await screenshot(page, 'survey-respond/fa-390-thanks');

    const list = await admin.request.get(`/api/surveys/${surveyId}/responses`);
    assert.equal(list.status(), 200);
    const items = (await list.json() as { items: { status: string; locale: string; answers: Record<string, unknown> }[] }).items;
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]!.answers, {
      nps: { score: 3 }, why_low: { text: 'ارسال دیر رسید و پشتیبانی جواب نداد.' }, channel: { choices: ['web'] }, visited: { date: '2025-03-21' }, ease: { score: 2 },
    });
    assert.equal(items[0]!.locale, 'fa');
    await page.context().close();
  });

  test('the page in fa, ar and en at 390 and 1366 px: fits, accessible, no JavaScript needed', async () => {
    for (const [lang, locale] of [['fa', 'fa-IR'], ['ar', 'ar-SA'], ['en', 'en-US']] as const) {
      for (const width of [390, 1366]) {
        const page = await phone(locale, width, width === 390 ? 844 : 900);
        await page.goto(`/s/${token}?lang=${lang}`);
        await noSidewaysScroll(page, `${lang} ${width}`);
        await screenshot(page, `survey-respond/${lang}-${width}-nps`);
        if (width === 390) await accessible(page, `${lang} nps`);
        // The faces question of the same survey, reached through the form.
        await page.locator('input[name="nps"][value="9"]').locator('xpath=..').click();
        await page.locator('button[type=submit]').click();
        await page.waitForURL(/step=1/);
        await noSidewaysScroll(page, `${lang} ${width} step 2`);
        await screenshot(page, `survey-respond/${lang}-${width}-choice`);
        if (width === 390) await accessible(page, `${lang} choice`);
        await page.context().close();
      }
    }
    // Without JavaScript a one-question survey still goes through (a plain form post).
    const context = await browser.newContext({ baseURL: vafa.baseUrl, javaScriptEnabled: false, locale: 'ar-SA', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const one = await admin.request.post('/api/surveys', { data: { definition: { ...DEFINITION, name: 'NPS only', questions: [DEFINITION.questions[0]] } }, headers: { 'X-CSRF-Token': csrf } });
    const quick = await one.json() as { id: string; publicToken: string };
    assert.equal((await admin.request.post(`/api/surveys/${quick.id}/publish`, { headers: { 'X-CSRF-Token': csrf } })).status(), 200);
    await page.goto(`/s/${quick.publicToken}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    await page.locator('input[name="nps"][value="10"]').locator('xpath=..').click();
    await page.locator('button[type=submit]').click();
    await page.waitForURL(/done=1/);
    await screenshot(page, 'survey-respond/ar-390-thanks-nojs');
    const stored = await (await admin.request.get(`/api/surveys/${quick.id}/responses`)).json() as { items: { answers: unknown }[] };
    assert.deepEqual(stored.items.map((i) => i.answers), [{ nps: { score: 10 } }]);
    await context.close();
  });

  test('the responses screen and the answer on the customer\'s timeline, in fa, ar and en', async () => {
    // The demo workspace's NPS survey has answers from demo customers (seeded through saveResponse).
    const surveys = await (await admin.request.get('/api/surveys')).json() as { items: { id: string; responseCount: number; settings: { anonymous: boolean } }[] };
    // Both demo surveys are created in one transaction, so their order in the list is not fixed,
    // and a small demo can leave one of them with only visitors' answers: look through each.
    let found: { demo: { id: string }; answered: { id: string; customerId: string | null } } | undefined;
    for (const candidate of surveys.items.filter((s) => s.id !== surveyId && s.responseCount > 0 && !s.settings.anonymous)) {
      const listed = await (await admin.request.get(`/api/surveys/${candidate.id}/responses?limit=50`)).json() as { items: { id: string; customerId: string | null }[] };
      const withCustomer = listed.items.find((i) => i.customerId);
      if (withCustomer) { found = { demo: candidate, answered: withCustomer }; break; }
    }
    assert.ok(found, 'a demo survey with an answer from a known customer');
    const { demo, answered } = found;
    for (const language of ['fa', 'ar', 'en'] as const) {
      assert.equal((await admin.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } })).status(), 200);
      for (const width of [390, 1366]) {
        const page = await admin.newPage();
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.goto(`/feedback/surveys/${demo.id}/responses`);
        await page.locator('table[role="table"] tbody tr').first().waitFor();
        await noSidewaysScroll(page, `responses ${language} ${width}`);
        await screenshot(page, `survey-respond/responses-${language}-${width}`);
        await page.goto(`/feedback/surveys/${demo.id}/responses?response=${answered.id}`);
        await page.locator('.response-answers li').first().waitFor();
        await screenshot(page, `survey-respond/response-detail-${language}-${width}`);
        await page.goto(`/customers/${answered.customerId}`);
        const entry = page.getByTestId('timeline-survey').first();
        await entry.waitFor();
        await entry.scrollIntoViewIfNeeded();
        await screenshot(page, `survey-respond/timeline-${language}-${width}`);
        // The timeline links to the whole response.
        if (language === 'en' && width === 1366) {
          await entry.getByRole('link').click();
          await page.locator('.response-answers').waitFor();
        }
        await page.close();
      }
    }
  });

  test("the e-mail's one-click: a scanner's fetch saves nothing, the respondent's browser sends the score, and without script Send does", async () => {
    const created = await admin.request.post('/api/surveys', { data: { definition: { ...DEFINITION, name: 'یک‌کلیکی' } }, headers: { 'X-CSRF-Token': csrf } });
    const survey = await created.json() as { id: string; publicToken: string };
    assert.equal((await admin.request.post(`/api/surveys/${survey.id}/publish`, { headers: { 'X-CSRF-Token': csrf } })).status(), 200);
    const stored = async () => (await (await admin.request.get(`/api/surveys/${survey.id}/responses`)).json() as { items: { answers: Record<string, { score?: number }> }[] }).items;

    // A mail scanner fetches the link without running its script: nothing is saved, no detractor appears.
    const scanned = await admin.request.get(`/s/${survey.publicToken}?score=0&lang=fa`);
    assert.equal(scanned.status(), 200);
    assert.deepEqual(await stored(), []);

    // The respondent taps 9 in the mail: the page sends it and shows the next question.
    const page = await phone('fa-IR');
    await page.goto(`/s/${survey.publicToken}?score=9&lang=fa`);
    await page.waitForURL(/step=1/);
    await page.getByText(DEFINITION.questions[2]!.title.fa).waitFor();
    assert.deepEqual((await stored()).map((r) => r.answers.nps?.score), [9]);
    await screenshot(page, 'survey-respond/fa-390-one-click-next');
    await page.context().close();

    // Without script, the chosen score waits, checked, for Send.
    const context = await browser.newContext({ baseURL: vafa.baseUrl, javaScriptEnabled: false, locale: 'en-US', viewport: { width: 390, height: 844 } });
    const plain = await context.newPage();
    await plain.goto(`/s/${survey.publicToken}?score=10&lang=en`);
    assert.equal(await plain.locator('input[name="nps"][value="10"]').isChecked(), true);
    assert.equal((await stored()).length, 1);
    await plain.locator('button[type=submit]').click();
    await plain.waitForURL(/step=1/);
    assert.deepEqual((await stored()).map((r) => r.answers.nps?.score).sort((a, b) => a! - b!), [9, 10]);
    await context.close();
  });
});
