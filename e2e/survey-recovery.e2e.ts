// The closed loop's outcome in the browser (issue 10): three detractors (3, 5, 6) of a survey answer
// through their personal links, the built-in rule opens their follow-ups, staff close them, an
// automation mails the survey again (to a real SMTP server started here) and they answer 9, 7
// and 4 from the mail's link. The results screen's recovery card in Persian says NPS −100 → 0, two
// of three no longer detractors (۶۷٪), NPS change +100 with its interval, in Persian digits, right
// to left; a response's dialog and the follow-up page link the earlier and later answers. No
// Latin words on fa/ar, no sideways scroll on a phone, axe clean. Screenshots survey-recovery-*
// in fa, ar and en at 1366 and 390.
// Run: node --import tsx --test e2e/survey-recovery.e2e.ts
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../apps/server/test/smtp-sink.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, freePort, latinWordsOnScreen, launchChromium, noSidewaysScroll, type RunningVafa, screenshot, startVafa } from './harness.ts';

type Language = 'fa' | 'ar' | 'en';

let vafa: RunningVafa;
let sink: SmtpSink;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let staff: (method: string, url: string, body?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let surveyId = '';
const loops: { followupId: string; before: string; after: string }[] = [];

const NPS_TITLE = { fa: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟', ar: 'ما مدى احتمال أن توصي بنا لأصدقائك؟', en: 'How likely are you to recommend us to a friend?' };

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

async function answer(token: string, score: number): Promise<string> {
  const device = randomUUID();
  let body: Record<string, unknown> = { answers: { nps: { score } }, complete: true };
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await fetch(`${vafa.apiUrl}/api/public/surveys/${token}/responses`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-vafa-device': device }, body: JSON.stringify(body),
    });
    if (res.status === 201) return (await res.json() as { responseId: string }).responseId;
    const problem = await res.json() as { code: string; challenge?: string; bits?: number };
    if (problem.code !== 'challenge_required') throw new Error(`answer refused: ${res.status} ${JSON.stringify(problem)}`);
    body = { ...body, proof: solve(problem.challenge!, problem.bits!) };
  }
  throw new Error('answer not taken after solving the challenge');
}

async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Opens a page and waits for `testId`, loading it again if it does not come: other work in the same
 * checkout may rebuild apps/web/dist meanwhile, and a page loaded before that asks for route chunks
 * that are gone.
 */
async function open(url: string, testId: string, within?: () => ReturnType<Page['getByRole']>) {
  for (let attempt = 1; ; attempt++) {
    await page.goto(url);
    const target = (within ? within() : page).getByTestId(testId).first();
    try {
      await target.waitFor({ timeout: 30_000 });
      return target;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function useLanguage(language: Language) {
  const response = await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(response.status(), 200);
}

describe('recovery after follow-ups', { timeout: 900_000 }, () => {
  before(async () => {
    const port = await freePort();
    sink = await startSmtpSink();
    [vafa, browser] = await Promise.all([
      startVafa({ customers: 5, env: { PORT: String(port), VAFA_PUBLIC_URL: `http://127.0.0.1:${port}`, VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }),
      launchChromium(),
    ]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    staff = async (method, url, body) => {
      const res = await page.request.fetch(url, { method, headers: { 'X-CSRF-Token': csrf }, ...(body === undefined ? {} : { data: body }) });
      const text = await res.text();
      assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    await staff('PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: 'care@demo.example.test', fromName: 'Vafa' });
    await staff('PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 });
    await staff('PUT', '/api/survey-policy', { recontactDays: 0, smsReplies: false });

    const survey = await staff('POST', '/api/surveys', {
      definition: {
        name: 'نظرسنجی پس از خرید', settings: { languages: ['fa', 'ar', 'en'], defaultLanguage: 'fa' },
        questions: [{ id: 'nps', type: 'nps', required: true, title: NPS_TITLE }],
      },
    });
    surveyId = survey.id;
    await staff('POST', `/api/surveys/${surveyId}/publish`);
    await staff('POST', '/api/automations', {
      name: 'پرسش دوباره پس از پیگیری', enabled: true, trigger: { type: 'event', topic: 'followup.completed' },
      actions: [{ type: 'send_survey', surveyId, channel: 'preferred' }],
    });

    for (const [i, journey] of [{ before: 3, after: 9 }, { before: 5, after: 7 }, { before: 6, after: 4 }].entries()) {
      const address = `recovery-${i}@example.test`;
      const customer = await staff('POST', '/api/customers', { name: ['مریم رضایی', 'علی کریمی', 'سارا احمدی'][i], email: address, language: 'fa', consent: { email: { granted: true, source: 'web' } } });
      const invitation = await staff('POST', `/api/surveys/${surveyId}/invitations`, { customerId: customer.id, channel: 'link' });
      const before = await answer(/\/s\/([A-Za-z0-9_-]{22})/.exec(invitation.link)![1]!, journey.before);
      const followup = await until(async () => (await staff('GET', `/api/followups?customerId=${customer.id}`)).items[0], 'the follow-up of the detractor');
      await staff('POST', `/api/followups/${followup.id}/attempts`, { outcome: 'resolved', note: 'عذرخواهی شد و هزینه‌ی ارسال برگشت.' });
      const mail = await until(async () => sink.messages.find((m) => m.to.includes(address) && m.html?.includes('/s/')), `the survey mailed to ${address}`);
      const after = await answer(/\/s\/([A-Za-z0-9_-]{22})/.exec(mail.html!)![1]!, journey.after);
      loops.push({ followupId: followup.id, before, after });
    }
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sink?.close();
  });

  test('the recovery card in Persian: NPS −100 → 0, two of three recovered, the change with its interval', async () => {
    await useLanguage('fa');
    const card = await open(`/feedback/surveys/${surveyId}/results`, 'recovery-nps');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByRole('heading', { name: MESSAGES.fa['surveys.recovery.title'] }).waitFor();
    const shift = await page.getByTestId('recovery-nps-shift').innerText();
    assert.match(shift, /−۱۰۰|-۱۰۰/, `before −100: ${shift}`);
    assert.match(shift, /۰/, `after 0: ${shift}`);
    const recovered = await page.getByTestId('recovery-nps-recovered').innerText();
    assert.match(recovered, /۶۷٪/, recovered);
    assert.match(recovered, /۲ از ۳/, recovered);
    const change = await page.getByTestId('recovery-nps-change').innerText();
    assert.match(change, /\+۱۰۰/, change);
    assert.match(change, /± ۱۱۳٫۲/, change);
    assert.doesNotMatch(await card.innerText(), /[0-9]/, 'no Latin digits');
    await expectAccessible(page, 'recovery fa');
  });

  test('a response and its follow-up link the earlier and the later answer', async () => {
    await useLanguage('fa');
    const [loop] = loops;
    const inDialog = await open(`/feedback/surveys/${surveyId}/responses?response=${loop!.after}`, 'survey-loop', () => page.getByRole('dialog'));
    await inDialog.getByRole('link', { name: MESSAGES.fa['surveys.loop.followup'] }).waitFor();
    // The scores in words, not the acronym: «توصیه ۳».
    const score = (n: string) => MESSAGES.fa['surveys.loop.score.nps'].replace('{score}', n);
    assert.ok((await inDialog.innerText()).includes(score('۳')));
    const card = await open(`/engagement/followups/${loop!.followupId}`, 'survey-loop');
    assert.ok((await card.innerText()).includes(score('۳')));
    assert.ok((await card.innerText()).includes(score('۹')));
    await card.getByRole('link').last().click();
    await page.waitForURL(new RegExp(`response=${loop!.after}`));
    await page.getByRole('dialog').waitFor();
  });

  for (const language of ['fa', 'ar', 'en'] as const) {
    for (const width of [1366, 390]) {
      test(`screens in ${language} at ${width}`, async () => {
        await useLanguage(language);
        await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
        await open(`/feedback/surveys/${surveyId}/results`, 'recovery-nps');
        const section = page.getByTestId('results-recovery');
        await section.scrollIntoViewIfNeeded();
        await noSidewaysScroll(page, `results ${language} ${width}`);
        if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `results ${language}: Latin words`);
        await screenshot(page, `survey-recovery-card-${language}-${width}`);
        await open(`/engagement/followups/${loops[0]!.followupId}`, 'survey-loop');
        await page.getByTestId('survey-loop').scrollIntoViewIfNeeded();
        await noSidewaysScroll(page, `follow-up ${language} ${width}`);
        if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `follow-up ${language}: Latin words`);
        // The event that opened it in words, not its code (latinWordsOnScreen skips <bdi>, where the code used to sit).
        const source = await page.locator('section[aria-labelledby="fu-source"]').innerText();
        assert.ok(source.includes(MESSAGES[language]['followups.event.feedback.negative']), `follow-up ${language}: event named: ${source}`);
        assert.doesNotMatch(source, /feedback\.negative/, `follow-up ${language}: raw event code`);
        await screenshot(page, `survey-recovery-followup-${language}-${width}`);
        const dialogLoop = await open(`/feedback/surveys/${surveyId}/responses?response=${loops[0]!.after}`, 'survey-loop', () => page.getByRole('dialog'));
        await dialogLoop.scrollIntoViewIfNeeded();
        await noSidewaysScroll(page, `response ${language} ${width}`);
        if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], `response ${language}: Latin words`);
        await screenshot(page, `survey-recovery-response-${language}-${width}`);
      });
    }
  }
});
