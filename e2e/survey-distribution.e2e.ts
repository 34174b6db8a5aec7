// The distribution screen in Chromium, in Persian on a phone (390×844): the public link, a
// personal link for one demo customer, a monthly SMS pulse with its cost preview (Persian text is
// UCS-2), the distribution listed with its schedule in the user's digits, the recontact limit
// saved. Screenshots of the screen in fa, ar and en at 390 and 1366 px.
// Run: node --import tsx --test e2e/survey-distribution.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SurveyView } from '@vafa/contracts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let survey: SurveyView;

async function useLanguage(language: 'fa' | 'ar' | 'en') {
  const response = await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(response.status(), 200);
}

async function noSidewaysScroll(name: string) {
  const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
  assert.ok(width.scroll <= width.view, `${name}: ${width.scroll - width.view}px wider than the screen`);
}

const distributeUrl = () => `/feedback/surveys/${survey.id}/distribute`;

describe('survey distribution', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 20 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width: 390, height: 844 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await useLanguage('fa');
    const live = await (await page.request.get('/api/surveys?status=live')).json() as { items: SurveyView[] };
    assert.ok(live.items.length > 0, 'the demo workspace has a live survey');
    survey = live.items[0]!;
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('shows the public link and makes a personal link for a customer', async () => {
    await page.goto(distributeUrl());
    await page.getByRole('heading', { level: 2, name: fa['surveys.distribution.publicLink.title'] }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    const publicLink = await page.locator('.link-text').first().innerText();
    assert.equal(publicLink, `${vafa.baseUrl}/s/${survey.publicToken}`);

    const customers = await (await page.request.get('/api/customers?limit=1')).json() as { items: { name: string }[] };
    const name = customers.items[0]!.name;
    await page.getByRole('combobox', { name: fa['surveys.distribution.personal.customer'] }).fill(name.split(' ')[0]!);
    await page.getByRole('option', { name: new RegExp(name) }).first().click();
    await page.getByRole('button', { name: fa['surveys.distribution.personal.create'] }).click();
    await page.getByText(fa['surveys.distribution.personal.once']).waitFor();
    const personal = await page.locator('.personal-link-made .link-text').innerText();
    assert.match(personal, /^http:\/\/[^/]+\/s\/[A-Za-z0-9_-]{22}$/);
    assert.notEqual(personal, publicLink);
    // The link opens the survey page.
    const opened = await page.request.get(personal);
    assert.equal(opened.status(), 200);
  });

  test('schedules a monthly SMS pulse with its cost shown, and lists it', async () => {
    await page.goto(distributeUrl());
    await page.getByRole('heading', { level: 2, name: fa['surveys.distribution.send.title'] }).waitFor();
    await page.getByRole('textbox', { name: fa['surveys.distribution.name'] }).fill('نبض ماهانه');
    await page.getByRole('button', { name: new RegExp(fa['surveys.distribution.channel']) }).click();
    await page.getByRole('option', { name: fa['surveys.distribution.channel.sms'], exact: true }).click();
    const preview = page.getByTestId('distribution-preview');
    await preview.getByText(fa['surveys.distribution.preview.smsTitle']).waitFor();
    assert.match(await preview.innerText(), /حروف فارسی یا عربی/);

    await page.locator('.distribution-fieldset').first().getByRole('button').click();
    await page.getByRole('option', { name: fa['surveys.distribution.when.recurring'], exact: true }).click();
    await page.getByText(fa['surveys.distribution.calendarNote'].split('(')[0]!.trim()).waitFor();
    await expectAccessible(page, 'distribution form');
    await noSidewaysScroll('distribution form');
    await page.getByRole('button', { name: fa['surveys.distribution.scheduleButton'] }).click();

    const row = page.locator('.distribution-list').getByText('نبض ماهانه');
    await row.first().waitFor();
    await page.locator('.distribution-list').getByText(/روز ۱ هر ماه، ساعت ۱۰:۰۰، به تقویم /).first().waitFor();
    const listed = await (await page.request.get(`/api/surveys/${survey.id}/distributions`)).json() as { items: { name: string; channel: string; schedule: unknown; nextRunAt: string }[] };
    const saved = listed.items.find((d) => d.name === 'نبض ماهانه')!;
    assert.equal(saved.channel, 'sms');
    assert.deepEqual(saved.schedule, { type: 'recurring', every: 'month', day: 1, time: '10:00' });
    // The 1st of a Solar Hijri month, 10:00 in Tehran.
    const day = new Intl.DateTimeFormat('en-u-ca-persian', { timeZone: 'Asia/Tehran', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(saved.nextRunAt));
    assert.match(day, /^1,? 10:00$/);
  });

  test('saves the recontact limit', async () => {
    await page.goto(distributeUrl());
    const field = page.getByRole('textbox', { name: fa['surveys.distribution.policy.days'] });
    await field.waitFor();
    await field.fill('۱۴');
    await page.locator('.policy-form').getByRole('button', { name: fa['common.save'] }).click();
    await page.getByText(fa['common.saved']).first().waitFor();
    const policy = await (await page.request.get('/api/survey-policy')).json() as { recontactDays: number };
    assert.equal(policy.recontactDays, 14);
    await expectAccessible(page, 'distribution page');
  });

  test('the automation editor sends a survey after a completed follow-up', async () => {
    await page.goto('/engagement/automations/new');
    await page.getByRole('textbox', { name: fa['automations.name'] }).fill('نظرسنجی پس از پیگیری');
    await page.locator('.field', { has: page.getByText(fa['automations.topic'], { exact: true }) }).getByRole('button').click();
    await page.getByRole('option', { name: fa['automations.topic.followup.completed'], exact: true }).click();
    const action = page.getByTestId('action-0');
    await action.getByRole('button', { name: new RegExp(fa['automations.actionType']) }).click();
    await page.getByRole('option', { name: fa['automations.action.send_survey'], exact: true }).click();
    await action.locator('.field', { has: page.getByText(fa['automations.survey'], { exact: true }) }).getByRole('button').click();
    await page.getByRole('option', { name: survey.name, exact: true }).click();
    await action.scrollIntoViewIfNeeded();
    await screenshot(page, 'survey-distribution-automation-fa-390');
    await expectAccessible(page, 'automation editor with send_survey');
    await page.getByRole('button', { name: fa['automations.save'] }).click();
    await page.waitForURL(/\/engagement\/automations\/[0-9a-f-]{36}$/);
    const rule = await (await page.request.get(`/api/automations/${page.url().split('/').pop()}`)).json() as { trigger: unknown; actions: unknown[] };
    assert.deepEqual(rule.trigger, { type: 'event', topic: 'followup.completed' });
    assert.deepEqual(rule.actions, [{ type: 'send_survey', surveyId: survey.id, channel: 'preferred' }]);
  });

  test('screenshots in fa, ar and en at 390 and 1366 px', async () => {
    for (const language of ['fa', 'ar', 'en'] as const) {
      await useLanguage(language);
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.goto(distributeUrl());
        await page.getByRole('heading', { level: 2, name: MESSAGES[language]['surveys.distribution.publicLink.title'] }).waitFor();
        await page.getByRole('button', { name: new RegExp(MESSAGES[language]['surveys.distribution.channel']) }).click();
        await page.getByRole('option', { name: MESSAGES[language]['surveys.distribution.channel.sms'], exact: true }).click();
        await page.getByTestId('distribution-preview').getByText(MESSAGES[language]['surveys.distribution.preview.smsTitle']).waitFor();
        // The preview of the SMS channel alone (no e-mail line) once the typing pause has passed.
        await page.getByTestId('distribution-preview').getByText(MESSAGES[language]['surveys.distribution.preview.email'], { exact: true }).waitFor({ state: 'detached' });
        await noSidewaysScroll(`${language} ${width}`);
        await screenshot(page, `survey-distribution-${language}-${width}`, { fullPage: true });
      }
    }
  });
});
