// The satisfaction question after closure, for a complainant without a customer record, in the
// browser: a complaint filed on the public form in Persian with an e-mail only, closed by staff
// through the API; the question arrives at a real SMTP server started here; its link opens the
// case on a phone (390×844) without typing anything, and the token leaves the address; the
// question is answered with the keyboard in Persian (the scale runs right to left), a bad score
// comes back with the case reopened, and the answer is stored as a response of the CSAT survey.
// A second case is answered well in English and stays closed. Screenshots of the question and of
// the answered states in fa, ar and en at 1366 and 390 px.
// Run: node --import tsx --test e2e/complaint-satisfaction.e2e.ts
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../apps/server/test/smtp-sink.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, freePort, launchChromium, ROOT, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
type Language = 'fa' | 'ar' | 'en';
const LOCALE: Record<Language, string> = { fa: 'fa-IR', ar: 'ar-SA', en: 'en-GB' };
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const toLatin = (text: string) => text.replace(/[۰-۹]/g, (d) => String(PERSIAN.indexOf(d))).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));

let vafa: RunningVafa;
let sink: SmtpSink;
let browser: Browser;
let staff: (method: string, url: string, body?: unknown) => Promise<unknown>;
let slug = '';
/** The first case (answered badly in Persian) and the second (its question left open for the screenshots). */
const first = { email: 'sara.complainant@example.test', id: '', code: '', link: '' };
const second = { email: 'omid.complainant@example.test', id: '', code: '', link: '' };

async function apiSession(email: string, password: string) {
  const login = await fetch(`${vafa.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await login.json() as { csrfToken: string };
  return async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${vafa.apiUrl}${url}`, {
      method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Staff take the case to closed (assessed, resolved, told, closed), as an agent would through the API. */
async function closeCase(code: string): Promise<string> {
  const list = await staff('GET', '/api/complaints?state=all&limit=200') as { items: { id: string; trackingCode: string }[] };
  const id = list.items.find((c) => c.trackingCode === code)?.id;
  assert.ok(id, `the case ${code} is listed`);
  for (const body of [{ action: 'assess' }, { action: 'propose_resolution', resolutionSummary: 'مبلغ سفارش امروز به حسابتان برگشت.' }, { action: 'communicate_resolution', rootCause: 'delivery' }, { action: 'close' }]) {
    await staff('POST', `/api/complaints/${id}/actions`, body);
  }
  return id;
}

/** The satisfaction question's mail to this address, and the tracking link in it. */
async function questionLink(address: string): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const mail = sink.messages.find((m) => m.to.includes(address) && m.subject.includes('راضی بودید'));
    if (mail) {
      // In the language the question was written in (both complainants filed in Persian).
      const link = /https?:\/\/[^\s"<>]+\/c\/[a-z0-9-]+\/track\?code=\d+&lang=fa#token=[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
      assert.ok(link, `a tracking link in the question: ${mail.text}`);
      return link;
    }
    assert.ok(Date.now() < deadline, `the satisfaction question reached ${address}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The link with another language asked for than the notice's (`&lang=`), the fragment kept at the end. */
const inLanguage = (link: string, language: Language) => link.replace(/&lang=[a-z]+#/, `&lang=${language}#`);

const pages: Page[] = [];
let visitors = 0;
/**
 * Each page is another person on another device: tracking allows a few tries a minute per address,
 * so each context comes through the loopback proxy the server trusts (VAFA_TRUST_PROXY) from its own address.
 */
async function newPage(language: Language, width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: LOCALE[language], timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width, height: width < 500 ? 844 : 900 },
    extraHTTPHeaders: { 'x-forwarded-for': `10.91.0.${++visitors}` },
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  pages.push(page);
  return { context, page };
}

afterEach(async () => {
  for (const [i, page] of pages.entries()) {
    if (page.isClosed()) continue;
    console.error(`page ${i} ended at ${page.url()}`);
    await page.screenshot({ path: path.join(ROOT, 'test-output', `complaint-satisfaction-last-${i}.png`) }).catch(() => undefined);
  }
  pages.length = 0;
});

describe('the satisfaction question on the tracking page', { timeout: 900_000 }, () => {
  before(async () => {
    const port = await freePort();
    sink = await startSmtpSink();
    [vafa, browser] = await Promise.all([
      startVafa({ customers: 5, env: { PORT: String(port), VAFA_PUBLIC_URL: `http://127.0.0.1:${port}`, VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_TRUST_PROXY: '127.0.0.1' } }),
      launchChromium(),
    ]);
    staff = await apiSession(vafa.email, vafa.password);
    await staff('PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: 'care@demo.example.test', fromName: 'Vafa' });
    await staff('PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 });
    slug = (await staff('GET', '/api/workspace') as { slug: string }).slug;
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sink?.close();
  });

  test('Persian on a phone: filed with an e-mail, closed by staff, the mailed link opens the case, a bad answer by keyboard reopens it', async () => {
    const { context, page } = await newPage('fa', 390);
    await page.goto(`${vafa.baseUrl}/c/${slug}/complaint?lang=fa`);
    await page.getByRole('heading', { level: 1, name: fa['complaintPublic.title'] }).waitFor();
    await page.getByRole('textbox', { name: fa['complaintPublic.name'] }).fill('سارا شاکی');
    await page.getByRole('textbox', { name: fa['complaintPublic.email'] }).fill(first.email);
    await page.getByRole('textbox', { name: fa['complaintPublic.description'] }).fill('پول سفارش لغوشده هنوز برنگشته است.');
    await page.getByRole('button', { name: fa['complaintPublic.send'] }).click();
    const big = page.getByTestId('tracking-code');
    await big.waitFor();
    first.code = toLatin((await big.locator('bdi').textContent())!).replace(/\s/g, '');
    first.id = await closeCase(first.code);
    first.link = await questionLink(first.email);
    assert.ok(first.link.includes(`code=${first.code}`));

    // The link from the mail, in a fresh visit: no typing, the case opens with the question.
    await page.goto(first.link);
    const question = page.getByTestId('csat-question');
    await question.waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    // The token served its purpose and is gone from the address (and so from history and screenshots).
    assert.deepEqual(await page.evaluate(() => [location.hash, new URLSearchParams(location.search).get('code')]), ['', first.code]);
    assert.ok(!page.url().includes('token'), page.url());
    assert.equal(await page.getByTestId('status-title').locator('..').getAttribute('data-state'), 'closed');

    // One radio group, labelled by the question; five points named in Persian digits, the ends in words.
    const group = question.getByRole('radiogroup', { name: fa['complaintPublic.csatQuestion'] });
    await group.waitFor();
    const radios = group.getByRole('radio');
    assert.equal(await radios.count(), 5);
    const names = await radios.evaluateAll((els) => els.map((el) => (el as HTMLInputElement).labels?.[0]?.innerText ?? ''));
    assert.ok(names.every((n) => !/[0-9A-Za-z]/.test(n)), `Persian words and digits only: ${names.join(' | ')}`);
    await group.getByRole('radio', { name: `۱ از ۵، ${fa['complaintPublic.csatLow']}` }).waitFor();
    await group.getByRole('radio', { name: `۵ از ۵، ${fa['complaintPublic.csatHigh']}` }).waitFor();
    // Low to high in reading order: ۱ at the right edge, ۵ at the left.
    const boxes = await question.locator('.csat-point').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().x));
    assert.ok(boxes.every((x, i) => i === 0 || x < boxes[i - 1]!), `right to left: ${boxes.join(', ')}`);
    const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
    assert.ok(width.scroll <= width.view, 'no sideways scrolling on a phone');
    await expectAccessible(page, 'satisfaction question fa phone');

    // Sending without a choice says so, and sends nothing.
    await question.getByRole('button', { name: fa['complaintPublic.csatSend'] }).click();
    await question.getByText(fa['complaintPublic.csatChoose']).waitFor();

    // The keyboard: on ۱, the left arrow moves on to ۲ (forward, in a right-to-left page), the right arrow back.
    await radios.nth(0).focus();
    await page.keyboard.press('Space');
    assert.equal(await radios.nth(0).isChecked(), true);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await radios.nth(1).isChecked(), true, 'ArrowLeft goes to ۲');
    await page.keyboard.press('ArrowRight');
    assert.equal(await radios.nth(0).isChecked(), true, 'ArrowRight goes back to ۱');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await radios.nth(1).isChecked(), true);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), fa['complaintPublic.csatSend']);
    const answered = page.waitForResponse((res) => res.url().endsWith('/api/public/complaints/case/satisfaction'));
    await page.keyboard.press('Enter');
    const response = await answered;
    assert.equal(response.status(), 200);
    const body = await response.json() as { status: { state: string }; satisfaction: { points: number; score: number | null } };
    assert.deepEqual([body.status.state, body.satisfaction], ['reopened', { points: 5, score: 2 }]);
    const sent = JSON.parse(response.request().postData()!) as Record<string, unknown>;
    assert.equal(sent.score, 2);
    assert.ok(typeof sent.token === 'string' && !('verification' in sent), 'the link\'s token is the proof');

    // Thanked, the answer shown, and told the case is open again — as the server answered.
    const done = page.getByTestId('csat-answered');
    await done.waitFor();
    await done.getByText(fa['complaintPublic.csatThanks']).waitFor();
    assert.equal(await done.getByTestId('csat-score').textContent(), 'پاسخ شما: ۲ از ۵');
    await done.getByTestId('csat-reopened').waitFor();
    assert.equal(await page.getByTestId('status-title').locator('..').getAttribute('data-state'), 'reopened');
    assert.equal(await question.count(), 0, 'the question is gone');
    // A reopened case takes more information again.
    await page.getByRole('textbox', { name: fa['complaintPublic.addInfoLabel'] }).waitFor();
    await expectAccessible(page, 'satisfaction answered fa phone');
    await screenshot(page, 'complaints/csat-fa-390-answered-flow', { fullPage: true });

    // Stored: the case reopened by the system, logged with the answer; a response of the CSAT survey about the case.
    const detail = await staff('GET', `/api/complaints/${first.id}`) as { state: string; events: { action: string | null; toState: string | null; actorType: string; note: string | null; details: Record<string, unknown> }[] };
    assert.equal(detail.state, 'reopened');
    const reopens = detail.events.filter((e) => e.toState === 'reopened');
    assert.equal(reopens.length, 1);
    assert.equal(reopens[0]!.actorType, 'system');
    assert.match(reopens[0]!.note ?? '', /CSAT 2 of 5/);
    const surveyId = detail.events.find((e) => e.action === 'csat_invited')?.details.surveyId as string;
    assert.ok(surveyId, 'the question named its survey on the log');
    const responses = await staff('GET', `/api/surveys/${surveyId}/responses`) as { items: { answers: Record<string, unknown>; channel: string; locale: string; customerId: string | null }[] };
    assert.equal(responses.items.length, 1);
    assert.deepEqual(Object.values(responses.items[0]!.answers), [{ score: 2 }]);
    assert.deepEqual([responses.items[0]!.channel, responses.items[0]!.locale, responses.items[0]!.customerId], ['email', 'fa', null]);

    // The same link again: the answer shown, nothing to answer twice.
    await page.goto(first.link);
    await page.getByTestId('csat-answered').waitFor();
    assert.equal(await page.getByTestId('csat-question').count(), 0);
    await context.close();
  });

  test('screens in fa, ar and en at 1366 and 390 px: the question and the answered states; a good answer in English leaves the case closed', async () => {
    const filed = await fetch(`${vafa.apiUrl}/api/public/complaints`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: slug, name: 'امید', email: second.email, description: 'بسته با یک هفته تأخیر رسید.', language: 'fa' }),
    });
    assert.equal(filed.status, 201);
    second.code = (await filed.json() as { trackingCode: string }).trackingCode;
    second.id = await closeCase(second.code);
    second.link = await questionLink(second.email);

    for (const language of ['fa', 'ar', 'en'] as const) {
      const m = MESSAGES[language];
      for (const width of [1366, 390]) {
        const { context, page } = await newPage(language, width);
        await page.goto(inLanguage(second.link, language));
        const question = page.getByTestId('csat-question');
        await question.waitFor();
        await question.getByRole('radiogroup', { name: m['complaintPublic.csatQuestion'] }).waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.dir), language === 'en' ? 'ltr' : 'rtl');
        const boxes = await question.locator('.csat-point').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().x));
        assert.ok(boxes.every((x, i) => i === 0 || (language === 'en' ? x > boxes[i - 1]! : x < boxes[i - 1]!)), `low to high in reading order (${language}): ${boxes.join(', ')}`);
        if (language !== 'en') {
          const words = await question.innerText();
          assert.ok(!/[A-Za-z0-9]/.test(words), `no Latin letter or digit in the ${language} question: ${words}`);
        }
        const scroll = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
        assert.ok(scroll.scroll <= scroll.view, `no sideways scrolling (${language} ${width})`);
        await question.scrollIntoViewIfNeeded();
        await screenshot(page, `complaints/csat-${language}-${width}-question`);
        await screenshot(page, `complaints/csat-${language}-${width}-question-page`, { fullPage: true });
        // The first case, answered badly: its answer and the reopening, in this language.
        await page.goto(inLanguage(first.link, language));
        const done = page.getByTestId('csat-answered');
        await done.waitFor();
        await done.getByText(m['complaintPublic.csatReopened']).waitFor();
        if (language !== 'en') assert.ok(!/[A-Za-z0-9]/.test(await done.innerText()), `no Latin in the ${language} answer`);
        await done.scrollIntoViewIfNeeded();
        await screenshot(page, `complaints/csat-${language}-${width}-answered-reopened`);
        await context.close();
      }
    }

    // A good answer, by mouse, in English on a desktop: thanked, the case stays closed, nothing said of reopening.
    const { context, page } = await newPage('en', 1366);
    const en = MESSAGES.en;
    await page.goto(inLanguage(second.link, 'en'));
    const question = page.getByTestId('csat-question');
    // A person clicks the box with the number (the radio itself is drawn by its label).
    const five = question.getByRole('radio', { name: `5 of 5, ${en['complaintPublic.csatHigh']}` });
    await question.locator('label.csat-point').filter({ has: page.getByRole('radio', { name: `5 of 5, ${en['complaintPublic.csatHigh']}` }) }).click();
    assert.equal(await five.isChecked(), true);
    await question.getByRole('button', { name: en['complaintPublic.csatSend'] }).click();
    const done = page.getByTestId('csat-answered');
    await done.getByText(en['complaintPublic.csatThanks']).waitFor();
    assert.equal(await done.getByTestId('csat-score').textContent(), 'Your answer: 5 of 5');
    assert.equal(await done.getByTestId('csat-reopened').count(), 0);
    assert.equal(await page.getByTestId('status-title').locator('..').getAttribute('data-state'), 'closed');
    await screenshot(page, 'complaints/csat-en-1366-answered-good');
    assert.equal((await staff('GET', `/api/complaints/${second.id}`) as { state: string }).state, 'closed');
    await context.close();
  });

  test('a link whose token does not prove the case opens nothing and leaves the form with the code filled in', async () => {
    const { context, page } = await newPage('fa', 390);
    await page.goto(first.link.replace(/#token=.*/, '#token=AAAAAAAAAAAAAAAAAAAAAAAA'));
    await page.getByTestId('link-failed').waitFor();
    assert.equal(await page.getByTestId('tracking-result').count(), 0);
    assert.equal(await page.evaluate(() => location.hash), '');
    assert.equal(toLatin(await page.getByRole('textbox', { name: fa['complaintPublic.code'] }).inputValue()), first.code);
    await context.close();
  });
});
