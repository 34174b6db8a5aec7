// The staff case page's customer context and the customer's rejection on the tracking page, in the
// browser. A customer with a phone complains by phone; the workspace gives 120 goodwill points on
// filing through a programme that pays them and has tiers; the case names the NPS answer the
// customer gave on the survey's public link. Staff propose and communicate a resolution; the
// customer, on a phone (390×844) in Persian, opens the tracking page with the code typed in
// Persian digits and the phone's last four, rejects the resolution with a reason, and the page
// says the case reopened and shows their next recourse; the staff case page then shows it
// reopened, the rejection in its log, the loyalty card (150 points, Silver, the 120 goodwill
// points credited) and the link to the survey answer, which opens that answer. Screenshots of the
// case page in fa, ar and en at 1366 and 390 px: no Latin word on fa/ar, no sideways scroll, axe.
// Run: node --import tsx --test e2e/complaint-case-context.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { solveChallenge } from '../apps/server/src/modules/surveys/response-abuse.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, latinWordsOnScreen, launchChromium, noSidewaysScroll, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

const fa = MESSAGES.fa;
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const toPersian = (digits: string) => digits.replace(/[0-9]/g, (d) => PERSIAN[Number(d)]!);
const PHONE = '+989121234567';
const REASON = 'کالای جایگزین هم آسیب دیده بود؛ پول را برگردانید.';

let vafa: RunningVafa;
let browser: Browser;
let staff: BrowserContext;
let csrf = '';
let slug = '';
const theCase = { id: '', code: '', surveyId: '', responseId: '', customerId: '' };

async function api<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await staff.request.fetch(url, { method, headers: { 'x-csrf-token': csrf, ...headers }, ...(body === undefined ? {} : { data: body }) });
  assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** One answer on the survey's public link, solving the proof of work if the server asks for it. */
async function answerPublicly(token: string, body: Record<string, unknown>): Promise<string> {
  let proof: string | undefined;
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${vafa.apiUrl}/api/public/surveys/${token}/responses`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, ...(proof ? { proof } : {}) }),
    });
    const json = await res.json() as { responseId?: string; code?: string; challenge?: string; bits?: number };
    if (res.status === 201) return json.responseId!;
    assert.equal(json.code, 'challenge_required', `public answer: ${res.status} ${JSON.stringify(json)}`);
    proof = solveChallenge(json.challenge!, json.bits!);
  }
  throw new Error('the public answer was never taken');
}

describe('the case page\'s customer context and a rejected resolution', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
    staff = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1366, height: 900 }, bypassCSP: true });
    const login = await staff.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
    slug = (await api<{ slug: string }>('GET', '/api/workspace')).slug;

    // A programme that pays goodwill and has tiers; 120 points on filing.
    const program = await api<{ id: string }>('POST', '/api/loyalty/programs', { name: 'باشگاه مشتریان', settings: { events: [{ topic: 'complaint.goodwill' }] } });
    await api('POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'برنزی', ar: 'برونزي', en: 'Bronze' }, threshold: 0 });
    await api('POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 100 });
    const { defaultRecourse: _d, noticeTemplates: _n, ...settings } = await api<Record<string, unknown>>('GET', '/api/complaint-settings');
    await api('PUT', '/api/complaint-settings', { ...settings, goodwill: { onFiling: { kind: 'points', amount: 120 }, onResolution: null } });

    const customer = await api<{ id: string }>('POST', '/api/customers', { name: 'سارا احمدی', phone: PHONE, language: 'fa' });
    theCase.customerId = customer.id;
    await api('POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 30, reason: 'خرید حضوری' }, { 'idempotency-key': 'e2e-case-context-30' });

    // The NPS answer the customer gave on the survey's public link (a detractor).
    const survey = await api<{ id: string }>('POST', '/api/surveys', { template: 'nps', languages: ['fa', 'ar', 'en'] });
    const published = await api<{ publicToken: string }>('POST', `/api/surveys/${survey.id}/publish`);
    theCase.surveyId = survey.id;
    theCase.responseId = await answerPublicly(published.publicToken, { answers: { nps: { score: 3 }, went_wrong: { text: 'دو بار کالای شکسته رسید.' } }, complete: true });

    const opened = await api<{ id: string; trackingCode: string }>('POST', '/api/complaints', {
      channel: 'phone', customerId: customer.id, description: 'کالا شکسته رسید و کالای جایگزین هم آسیب دیده بود.', relatedResponseId: theCase.responseId,
    });
    Object.assign(theCase, { id: opened.id, code: opened.trackingCode });
    for (const step of [
      { action: 'acknowledge' }, { action: 'assess' }, { action: 'propose_resolution', resolutionSummary: 'کالای سالم دوباره فرستاده می‌شود.' },
      { action: 'communicate_resolution', rootCause: 'delivery' },
    ]) await api('POST', `/api/complaints/${opened.id}/actions`, step);
    // The goodwill points booked before anyone looks.
    await waitUntil('the goodwill points', async () => (await api<{ goodwill: { pointsCredited: number }[] }>('GET', `/api/complaints/${opened.id}/loyalty`)).goodwill[0]?.pointsCredited === 120);
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('the customer rejects the resolution in Persian on a phone; the case reopens with their recourse, and staff see it reopened', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 }, bypassCSP: true });
    const customer = await context.newPage();
    const errors: string[] = [];
    customer.on('pageerror', (err) => errors.push(err.message));
    await customer.goto(`/c/${slug}/track?lang=fa`);
    await customer.getByRole('textbox', { name: fa['complaintPublic.code'] }).fill(toPersian(theCase.code));
    await customer.getByRole('textbox', { name: fa['complaintPublic.verification'] }).fill(toPersian(PHONE.slice(-4)));
    await customer.getByRole('button', { name: fa['complaintPublic.show'] }).click();
    await customer.getByTestId('tracking-result').waitFor();
    // Before answering: the resolution awaits them, with the recourse they have if they are not satisfied.
    await customer.getByText('کالای سالم دوباره فرستاده می‌شود.').waitFor();
    await customer.getByTestId('recourse').waitFor();
    await screenshot(customer, 'complaint-case-context/fa-390-track-before-reject', { fullPage: true });

    await customer.getByRole('button', { name: fa['complaintPublic.reject'], exact: true }).click();
    await customer.getByRole('textbox', { name: fa['complaintPublic.rejectWhy'] }).fill(REASON);
    const rejected = customer.waitForResponse((res) => res.url().endsWith('/api/public/complaints/case/reject'));
    await customer.getByRole('button', { name: fa['complaintPublic.reject'], exact: true }).click();
    assert.equal((await rejected).status(), 200);
    // The page says where the case is now, in plain Persian, and the next recourse.
    const status = await customer.getByTestId('status-title').innerText();
    await waitUntil('the reopened status', async () => (await customer.getByTestId('status-title').innerText()) !== status || status);
    const view = await (await customer.request.post('/api/public/complaints/case', { data: { workspace: slug, code: theCase.code, verification: PHONE.slice(-4), language: 'fa' } })).json() as { status: { state: string; title: string }; recourse: string | null; actions: string[] };
    assert.equal(view.status.state, 'reopened');
    assert.ok(view.recourse, 'the answer names the recourse');
    await customer.getByTestId('status-title').getByText(view.status.title, { exact: true }).waitFor();
    const recourse = customer.getByTestId('recourse');
    await recourse.waitFor();
    assert.equal((await recourse.locator('p').innerText()).trim(), view.recourse.trim(), 'the recourse shown is the server\'s');
    assert.equal(await customer.getByRole('button', { name: fa['complaintPublic.reject'], exact: true }).count(), 0, 'nothing left to reject');
    assert.equal(await recourse.evaluate((el) => getComputedStyle(el).direction), 'rtl');
    assert.deepEqual(await latinWordsOnScreen(customer), []);
    await noSidewaysScroll(customer, 'tracking page after the rejection, fa 390');
    await expectAccessible(customer, 'tracking page after the rejection fa phone');
    await screenshot(customer, 'complaint-case-context/fa-390-track-rejected', { fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();

    // Staff: the case page shows it reopened, the customer's rejection in the log with their reason.
    const page = await staff.newPage();
    await page.goto(`/complaints/${theCase.id}`);
    await page.getByTestId('complaint-state').getByText(fa['complaints.state.reopened'], { exact: true }).waitFor();
    const rejection = page.getByTestId('case-log').locator('[data-event="customer_rejects"]');
    await rejection.waitFor();
    assert.ok((await rejection.innerText()).includes(REASON), 'the reason is on the log');
    assert.ok((await rejection.innerText()).includes(fa['complaints.actor.customer']), 'as the customer\'s own step');
    await page.close();
  });

  test('the case page shows the complainant\'s points, tier and this case\'s goodwill, and links to the survey answer that opened it', async () => {
    const page = await staff.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`/complaints/${theCase.id}`);
    const card = page.getByTestId('case-loyalty');
    await card.getByTestId('case-loyalty-available').getByText('۱۵۰', { exact: true }).waitFor();
    await card.getByRole('heading', { name: fa['complaints.context.loyaltyTitle'] }).waitFor();
    assert.ok((await card.getByTestId('case-loyalty-tiers').innerText()).includes('نقره‌ای'), 'the Silver tier by its Persian name');
    const filing = card.getByTestId('case-goodwill').locator('[data-occasion="filing"]');
    assert.ok((await filing.innerText()).includes(fa['complaints.context.pointsCredited'].replace('{points}', '۱۲۰')), 'the 120 goodwill points credited');
    const origin = page.getByTestId('case-survey-origin');
    await origin.getByRole('heading', { name: fa['complaints.context.originTitle'] }).waitFor();
    const link = origin.getByTestId('case-survey-origin-link');
    assert.equal(await link.getAttribute('href'), `/feedback/surveys/${theCase.surveyId}/responses?response=${theCase.responseId}`);
    await link.click();
    await page.waitForURL((url) => url.pathname === `/feedback/surveys/${theCase.surveyId}/responses` && url.searchParams.get('response') === theCase.responseId);
    await page.getByRole('dialog').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the case page with its customer context in fa, ar and en at 1366 and 390 px', async () => {
    const page = await staff.newPage();
    for (const language of ['fa', 'ar', 'en'] as const) {
      await api('PATCH', '/api/me', { language });
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await page.goto(`/complaints/${theCase.id}`);
        await page.getByTestId('case-loyalty-available').waitFor();
        await page.getByTestId('case-survey-origin-link').waitFor();
        await page.getByTestId('case-goodwill').waitFor();
        const m = MESSAGES[language];
        await page.getByRole('heading', { name: m['complaints.context.loyaltyTitle'] }).waitFor();
        await noSidewaysScroll(page, `case page ${language} ${width}`);
        if (language !== 'en') {
          assert.deepEqual(await latinWordsOnScreen(page), [], `no Latin words on the ${language} case page`);
          assert.equal(await page.getByTestId('case-loyalty').evaluate((el) => getComputedStyle(el).direction), 'rtl');
          const digits = await page.getByTestId('case-loyalty-available').innerText();
          assert.match(digits, language === 'fa' ? /^[۰-۹]+$/ : /^[٠-٩]+$/, `${language} digits: ${digits}`);
        }
        await expectAccessible(page, `case page ${language} ${width}`);
        await screenshot(page, `complaint-case-context/${language}-${width}-case`, { fullPage: true });
        // The context cards themselves, for a close look.
        await page.getByTestId('case-loyalty').screenshot({ path: `${process.cwd()}/test-output/screenshots/complaint-case-context/${language}-${width}-loyalty-card.png` });
      }
    }
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.close();
  });
});
