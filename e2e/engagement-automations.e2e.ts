// Browser tests of message templates and automation rules (issue 4) on Debian's Chromium
// against a freshly started Vafa, as the owner of the demo workspace.
// Run: node --import tsx --test --test-concurrency=1 e2e/engagement-automations.e2e.ts
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, SHOTS, startVafa } from './harness.ts';


let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';

const checkA11y = (name: string) => expectAccessible(page, name);
const shoot = (name: string) => screenshot(page, name, { fullPage: true });

/** The account's language is what the app opens in; set it through the API and reload. */
async function useLanguage(language: 'fa' | 'ar' | 'en') {
  const response = await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(response.status(), 200);
  await page.reload();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
}

/** Types into the customer search box and picks the option naming the customer. */
async function pickCustomer(scope: ReturnType<Page['getByTestId']>, label: string, query: string, optionText: RegExp) {
  await scope.getByRole('combobox', { name: label }).fill(query);
  await page.getByRole('option', { name: optionText }).first().click();
}

const CUSTOMER = 'آناهیتا رستگار';
const PRODUCT = 'Galaxy S24';
let customerId = '';
let templateId = '';
let ruleId = '';

describe('engagement: templates and automations', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 20 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('signs in as the owner and opens automations in Persian', async () => {
    await page.goto('/');
    await page.getByRole('textbox', { name: 'ایمیل' }).fill(vafa.email);
    await page.getByRole('textbox', { name: 'گذرواژه' }).fill(vafa.password);
    await page.getByRole('button', { name: 'ورود' }).click();
    await page.getByRole('heading', { level: 1, name: 'مشتریان' }).waitFor();
    csrf = (await (await page.request.get('/api/auth/session')).json()).csrfToken;
    await useLanguage('fa');

    // A customer who reads Persian, prefers SMS and has consented to it.
    const created = await page.request.post('/api/customers', {
      headers: { 'X-CSRF-Token': csrf },
      data: {
        name: CUSTOMER, phone: '+989121234567', email: 'anahita@example.com', language: 'fa', preferredChannel: 'sms',
        consent: { sms: { granted: true, source: 'e2e' }, email: { granted: true, source: 'e2e' } },
      },
    });
    assert.equal(created.status(), 201, await created.text());
    customerId = (await created.json()).id;

    await page.goto('/engagement/automations');
    await page.getByRole('heading', { level: 1, name: 'خودکارسازی‌ها' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    // The built-in rules are listed with their switch; "after every interaction" with its kinds.
    await page.getByRole('link', { name: 'پیگیری پس از هر تعامل' }).waitFor();
    await page.getByRole('checkbox', { name: 'تماس' }).waitFor();
    await page.getByRole('heading', { name: 'قاعده‌های شما' }).waitFor();
    await shoot('fa-automations-list');
    await checkA11y('fa automations list');
  });

  test('writes a template in Persian with an English product name and previews it for the customer', async () => {
    await page.goto('/engagement/templates/new');
    await page.getByRole('textbox', { name: 'نام قالب' }).fill('سپاس برای گلکسی');
    await page.getByRole('textbox', { name: 'موضوع ایمیل' }).fill('از خرید شما ممنونیم');
    const text = page.getByRole('textbox', { name: 'متن ایمیل' });
    await text.fill(' عزیز، سفارش شما تحویل شد.');
    // The cheat-sheet inserts a variable at the cursor: at the start of the text.
    await text.focus();
    await text.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 0));
    await page.getByRole('button', { name: /نام کوچک/ }).click();
    assert.equal(await text.inputValue(), '{firstName} عزیز، سفارش شما تحویل شد.');
    await text.fill(`{firstName} عزیز، سفارش {orderNumber} شما (${PRODUCT}) تحویل شد. از خریدتان ممنونیم!`);
    await page.getByRole('textbox', { name: 'متن پیامک' }).fill(`{firstName} عزیز، ${PRODUCT} شما تحویل شد. ممنونیم!`);
    // The SMS counter knows Persian goes as UCS-2: 70 characters per part.
    assert.match(await page.getByTestId('sms-count').textContent() ?? '', /هر پیامک ۷۰ نویسه/);
    await page.getByRole('tab', { name: /English/ }).click();
    await page.getByRole('textbox', { name: 'متن ایمیل' }).fill(`Dear {firstName}, your ${PRODUCT} (order {orderNumber}) has been delivered. Thank you!`);
    await page.getByRole('button', { name: 'ذخیرهٔ قالب' }).click();
    await page.waitForURL(/\/engagement\/templates\/[0-9a-f-]{36}$/);
    templateId = page.url().split('/').pop()!;
    const saved = await (await page.request.get(`/api/templates/${templateId}`)).json();
    assert.match(saved.content.fa.text, /^\{firstName\} عزیز/);
    assert.match(saved.content.en.text, /^Dear \{firstName\}/);

    const preview = page.getByTestId('template-preview');
    await pickCustomer(preview, 'مشتری', 'آناهیتا', /آناهیتا رستگار/);
    await preview.getByRole('button', { name: 'نمایش' }).click();
    const sms = preview.getByTestId('preview-sms');
    await sms.waitFor();
    const smsText = (await sms.textContent()) ?? '';
    assert.match(smsText, /آناهیتا/);
    assert.ok(smsText.includes(PRODUCT), smsText);
    assert.equal(await sms.getAttribute('dir'), 'rtl');
    assert.match(await preview.getByTestId('sms-count').textContent() ?? '', /یونی‌کد/);
    const html = (await preview.getByTestId('preview-html').getAttribute('srcdoc')) ?? '';
    assert.ok(html.includes(PRODUCT) && html.includes('آناهیتا'), 'the e-mail HTML carries the name and the product');
    assert.equal(await preview.getByTestId('preview-html').getAttribute('sandbox'), '');
    // The frame really renders the e-mail (a sandboxed srcdoc document, no scripts).
    // The frame attaches a moment after its srcdoc is set; wait for it on a busy machine.
    let frame = page.frames().find((f) => f.url() === 'about:srcdoc');
    for (const deadline = Date.now() + 60_000; !frame && Date.now() < deadline; frame = page.frames().find((f) => f.url() === 'about:srcdoc')) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(frame, 'the e-mail frame is loaded');
    assert.equal(await frame.locator('body').getAttribute('dir'), 'rtl');
    assert.ok(((await frame.locator('body').textContent()) ?? '').includes(PRODUCT));
    mkdirSync(SHOTS, { recursive: true });
    await preview.screenshot({ path: path.join(SHOTS, 'fa-template-preview-card.png') });
    await shoot('fa-template-preview');
    await checkA11y('fa template editor');
  });

  test('creates "2 days after an order is delivered, send a thank-you by the preferred channel" and dry-runs it', async () => {
    await page.goto('/engagement/automations/new');
    await page.getByRole('textbox', { name: 'نام قاعده' }).fill('سپاس دو روز پس از تحویل گلکسی');
    // The trigger defaults to "an order is delivered"; the fields of that event are listed.
    await page.getByText('زمان تحویل', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: /تأخیر/ }).click();
    await page.getByRole('option', { name: 'روز', exact: true }).click();
    await page.getByRole('textbox', { name: 'چه مدت' }).fill('۲');
    await page.getByRole('button', { name: /قالب پیام/ }).click();
    await page.getByRole('option', { name: 'سپاس برای گلکسی' }).click();
    await page.locator('.automation-editor label.switch').click();
    await page.getByRole('button', { name: 'ذخیرهٔ قاعده' }).click();
    await page.waitForURL(/\/engagement\/automations\/[0-9a-f-]{36}$/);
    ruleId = page.url().split('/').pop()!;
    const rule = await (await page.request.get(`/api/automations/${ruleId}`)).json();
    assert.deepEqual(rule.trigger, { type: 'event', topic: 'order.delivered' });
    assert.deepEqual(rule.delay, { days: 2 });
    assert.deepEqual(rule.actions, [{ type: 'send_message', templateId, channel: 'preferred' }]);
    assert.equal(rule.enabled, true);

    const dry = page.getByTestId('dry-run');
    await pickCustomer(dry, 'مشتری', 'آناهیتا', /آناهیتا رستگار/);
    await dry.getByRole('button', { name: 'اجرا', exact: true }).click();
    const outcome = dry.getByTestId('dry-run-outcome');
    await outcome.waitFor();
    assert.match((await outcome.textContent()) ?? '', /اجرا می‌شد/);
    // By SMS, the customer's preferred channel, rendered in Persian with the product name intact.
    await dry.getByText('با پیامک').waitFor();
    const sms = (await dry.getByTestId('preview-sms').textContent()) ?? '';
    assert.ok(sms.includes(PRODUCT) && sms.includes('آناهیتا'), sms);
    await shoot('fa-automation-dry-run');
    await checkA11y('fa automation editor');

    await page.getByRole('tab', { name: 'اجراها' }).click();
    await page.getByRole('heading', { name: 'هنوز اجرایی نیست' }).waitFor();
  });

  test('builds "a big order is delivered" in Persian with an amount in tomans and a status, and tests it with a sample order from the form', async () => {
    // The workspace shows IRR in tomans: what is typed is tomans, what is stored is rials.
    const settings = await page.request.patch('/api/workspace', { data: { irrDisplay: 'toman' }, headers: { 'X-CSRF-Token': csrf } });
    assert.equal(settings.status(), 200, await settings.text());
    assert.equal((await settings.json()).currency, 'IRR');
    await page.goto('/engagement/automations/new');
    await page.getByRole('textbox', { name: 'نام قاعده' }).fill('سفارش بزرگ تحویل شد');

    // Condition 1: the amount, at least 250,000 tomans, typed in Persian digits with separators.
    await page.getByRole('button', { name: 'افزودن شرط' }).click();
    const amount = page.getByTestId('condition-0');
    await amount.getByRole('button', { name: /فیلد/ }).click();
    await page.getByRole('option', { name: 'مبلغ', exact: true }).click();
    assert.match((await amount.getByRole('button', { name: /مقایسه/ }).textContent()) ?? '', /دست‌کم/);
    await amount.getByRole('textbox', { name: 'مقدار' }).fill('۲۵۰۰۰۰');
    await amount.getByText('تومان', { exact: true }).waitFor();
    await amount.getByRole('textbox', { name: 'مقدار' }).blur();
    // Regrouped in Persian digits once the field is left.
    await page.waitForFunction(() => (document.querySelector('[data-testid="condition-0"] input') as HTMLInputElement | null)?.value === '۲۵۰٬۰۰۰');

    // Condition 2: the order status is one of delivered, returned, picked by name.
    await page.getByRole('button', { name: 'افزودن شرط' }).click();
    const status = page.getByTestId('condition-1');
    await status.getByRole('button', { name: /فیلد/ }).click();
    await page.getByRole('option', { name: 'وضعیت', exact: true }).click();
    await status.getByRole('button', { name: /مقایسه/ }).click();
    await page.getByRole('option', { name: 'یکی از این‌هاست' }).click();
    await status.getByRole('button', { name: /مقدار/ }).click();
    await page.getByRole('option', { name: 'تحویل‌شده' }).click();
    await page.getByRole('option', { name: 'مرجوع‌شده' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    assert.match((await status.getByRole('button', { name: /مقدار/ }).textContent()) ?? '', /تحویل‌شده.*مرجوع‌شده/);

    await page.getByRole('button', { name: /قالب پیام/ }).click();
    await page.getByRole('option', { name: 'سپاس برای گلکسی' }).click();

    // Nothing on the editor or the test-run form is code, JSON or English: labels, choices,
    // the values in the fields and the names of the event's fields.
    const layout = page.locator('.automation-layout');
    // Form plumbing (a switch's "on", a date picker's ISO value) sits in inputs nobody sees.
    const typedValues = await layout.locator('input').evaluateAll((inputs) => (inputs as HTMLInputElement[])
      .filter((i) => ['text', 'search', ''].includes(i.getAttribute('type') ?? '') && i.getBoundingClientRect().width > 2)
      .map((i) => i.value));
    const shown = `${await layout.innerText()}\n${typedValues.join('\n')}`;
    assert.doesNotMatch(shown, /[A-Za-z{}[\]"]/, shown);
    await shoot('fa-automation-conditions');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth), 'the editor fits a phone');
    await shoot('fa-automation-conditions-phone');
    await page.setViewportSize({ width: 1360, height: 900 });

    await page.getByRole('button', { name: 'ذخیرهٔ قاعده' }).click();
    await page.waitForURL(/\/engagement\/automations\/[0-9a-f-]{36}$/);
    const bigOrderId = page.url().split('/').pop()!;
    const saved = await (await page.request.get(`/api/automations/${bigOrderId}`)).json();
    assert.deepEqual(saved.conditions, [
      { type: 'event', field: 'amountMinor', op: 'gte', value: 2_500_000 },
      { type: 'event', field: 'status', op: 'in', value: ['delivered', 'returned'] },
    ]);
    // Read back as typed: 250,000 tomans, not 2,500,000.
    await page.waitForFunction(() => (document.querySelector('[data-testid="condition-0"] input') as HTMLInputElement | null)?.value === '۲۵۰٬۰۰۰');

    // A test run with a sample order of 300,000 tomans, filled in through the form.
    const dry = page.getByTestId('dry-run');
    await pickCustomer(dry, 'مشتری', 'آناهیتا', /آناهیتا رستگار/);
    const sample = dry.getByTestId('sample-event');
    assert.match((await sample.getByRole('button', { name: /وضعیت/ }).textContent()) ?? '', /تحویل‌شده/);
    await sample.getByRole('textbox', { name: 'مبلغ' }).fill('۳۰۰٬۰۰۰');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/automations/dry-run') && r.method() === 'POST');
    await dry.getByRole('button', { name: 'اجرا', exact: true }).click();
    const body = (await sent).postDataJSON();
    assert.equal(body.event.amountMinor, 3_000_000);
    assert.equal(body.event.currency, 'IRR');
    assert.equal(body.event.status, 'delivered');
    assert.deepEqual(body.rule.conditions, saved.conditions);
    await page.waitForFunction(() => /اجرا می‌شد/.test(document.querySelector('[data-testid="dry-run-outcome"]')?.textContent ?? ''));

    // 100,000 tomans is too little: the first condition fails, both amounts read in tomans.
    await sample.getByRole('textbox', { name: 'مبلغ' }).fill('۱۰۰٬۰۰۰');
    await dry.getByRole('button', { name: 'اجرا', exact: true }).click();
    await page.waitForFunction(() => /اجرا نمی‌شد/.test(document.querySelector('[data-testid="dry-run-outcome"]')?.textContent ?? ''));
    const checks = (await dry.locator('.check-list').first().innerText());
    assert.match(checks, /مبلغ دست‌کم ۲۵۰٬۰۰۰ تومان/);
    assert.match(checks, /۱۰۰٬۰۰۰ تومان/);
    assert.match(checks, /تحویل‌شده یا مرجوع‌شده/);
    assert.doesNotMatch(checks, /[A-Za-z{}"]/, checks);

    // A value that is not an amount is caught in the form, in Persian, before anything is sent.
    await sample.getByRole('textbox', { name: 'مبلغ' }).fill('صد هزار');
    await dry.getByRole('button', { name: 'اجرا', exact: true }).click();
    await sample.getByText(/عددی وارد کنید/).waitFor();
    await shoot('fa-automation-sample-event');
    await checkA11y('fa automation conditions and sample event');
  });

  test('a rule triggered by its own message is refused as a loop, shown on the trigger', async () => {
    await page.goto('/engagement/automations/new');
    await page.getByRole('textbox', { name: 'نام قاعده' }).fill('پیام پس از هر پیام');
    await page.getByRole('button', { name: /سفارشی تحویل شود/ }).click();
    await page.getByRole('option', { name: 'پیامی فرستاده شود' }).click();
    await page.getByRole('button', { name: /قالب پیام/ }).click();
    await page.getByRole('option', { name: 'سپاس برای گلکسی' }).click();
    await page.locator('.automation-editor label.switch').click();
    await page.getByRole('button', { name: 'ذخیرهٔ قاعده' }).click();
    const banner = page.getByTestId('rule-error');
    await banner.waitFor();
    const bannerText = (await banner.textContent()) ?? '';
    assert.match(bannerText, /خودش را بارها/);
    assert.match(bannerText, /پیام پس از هر پیام → پیام پس از هر پیام/);
    const triggerError = await page.locator('.field[data-invalid] .field-error').first().textContent();
    assert.match(triggerError ?? '', /پیام پس از هر پیام → پیام پس از هر پیام/);
    assert.match(page.url(), /\/engagement\/automations\/new$/, 'nothing was saved');
    const rules = await (await page.request.get('/api/automations')).json();
    assert.equal(rules.items.filter((r: { name: string }) => r.name === 'پیام پس از هر پیام').length, 0);
    await shoot('fa-automation-loop');
  });

  test('an analyst sees rules and templates read-only', async () => {
    const invited = await page.request.post('/api/invitations', { headers: { 'X-CSRF-Token': csrf }, data: { email: 'analyst@example.com', role: 'analyst' } });
    assert.equal(invited.status(), 201, await invited.text());
    const analystContext = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1360, height: 900 } });
    try {
      const analyst = await analystContext.newPage();
      const accepted = await analyst.request.post('/api/invitations/accept', { data: { token: (await invited.json()).token, displayName: 'تحلیلگر', password: 'a-long-password-1' } });
      assert.equal(accepted.status(), 200, await accepted.text());
      await analyst.goto('/engagement/automations');
      await analyst.getByRole('heading', { level: 1, name: 'خودکارسازی‌ها' }).waitFor();
      await analyst.getByText('نقش شما اجازهٔ تغییرشان را نمی‌دهد').first().waitFor();
      assert.equal(await analyst.getByRole('button', { name: 'قاعدهٔ تازه' }).count(), 0);
      assert.ok(await analyst.getByRole('switch').first().isDisabled());
      await analyst.goto(`/engagement/automations/${ruleId}`);
      await analyst.getByRole('heading', { name: 'اجرای آزمایشی' }).waitFor();
      assert.equal(await analyst.getByRole('button', { name: 'ذخیرهٔ قاعده' }).count(), 0);
      assert.equal(await analyst.getByRole('textbox', { name: 'نام قاعده' }).getAttribute('readonly'), '');
      await analyst.goto(`/engagement/templates/${templateId}`);
      await analyst.getByTestId('template-preview').waitFor();
      assert.equal(await analyst.getByRole('button', { name: 'ذخیرهٔ قالب' }).count(), 0);
    } finally {
      await analystContext.close();
    }
  });

  test('the same screens in Arabic and English', async () => {
    for (const [language, listTitle, dryTitle] of [['ar', 'الأتمتة', 'تشغيل تجريبي'], ['en', 'Automations', 'Dry run']] as const) {
      await page.goto('/engagement/automations');
      await useLanguage(language);
      await page.getByRole('heading', { level: 1, name: listTitle }).waitFor();
      await page.getByTestId('automation-item').first().waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dir), language === 'en' ? 'ltr' : 'rtl');
      await shoot(`${language}-automations-list`);
      await checkA11y(`${language} automations list`);
      await page.goto(`/engagement/automations/${ruleId}`);
      await page.getByRole('heading', { name: dryTitle }).waitFor();
      await shoot(`${language}-automation-editor`);
      await checkA11y(`${language} automation editor`);
      // The rule with an amount and a status condition, on a desktop and on a phone.
      const bigOrder = (await (await page.request.get('/api/automations')).json()).items.find((r: { name: string }) => r.name === 'سفارش بزرگ تحویل شد');
      await page.goto(`/engagement/automations/${bigOrder.id}`);
      await page.getByTestId('sample-event').waitFor();
      await page.getByTestId('condition-1').waitFor();
      if (language === 'ar') {
        const shown = await page.locator('.automation-layout').innerText();
        assert.doesNotMatch(shown, /[A-Za-z{}[\]"]/, shown);
      }
      await shoot(`${language}-automation-conditions`);
      await page.setViewportSize({ width: 390, height: 844 });
      assert.ok(await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth), `${language}: the editor fits a phone`);
      await shoot(`${language}-automation-conditions-phone`);
      await page.setViewportSize({ width: 1360, height: 900 });
      await page.goto(`/engagement/templates/${templateId}`);
      await page.getByTestId('template-preview').waitFor();
      await shoot(`${language}-template-editor`);
      await checkA11y(`${language} template editor`);
    }
    assert.ok(customerId);
  });
});
