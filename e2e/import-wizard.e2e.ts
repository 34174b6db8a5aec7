// The import wizard with a real Shopify customers export, in Persian, Arabic and English, on a
// desktop and a phone: recognised shop, proposed mapping in the reader's words, the name join,
// the automations choice, and the finished run.
// Run: node --import tsx --test e2e/import-wizard.e2e.ts
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOT, expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

let vafa: RunningVafa;
let browser: Browser;

const SHOPIFY = readFileSync(path.join(ROOT, 'apps/server/test/fixtures/shopify-customers.csv'));

const WORDS = {
  en: { title: 'Import and export', platform: 'Shopify customers export', name: 'Name', automationsOff: 'Off (recommended', automationsOn: 'On: each customer', start: 'Start import', finished: 'Finished', report: 'Download the report of problems', warned: '1 row imported with a warning' },
  fa: { title: 'ورود و خروج داده', platform: 'خروجی مشتریان شاپیفای', name: 'نام', automationsOff: 'خاموش', automationsOn: 'روشن', start: 'شروع ورود', finished: 'پایان یافت', report: 'دریافت گزارش مشکلات', warned: '۱ سطر با هشدار وارد شد' },
  ar: { title: 'الاستيراد والتصدير', platform: 'تصدير عملاء شوبيفاي', name: 'الاسم', automationsOff: 'معطّل', automationsOn: 'مفعّل', start: 'بدء الاستيراد', finished: 'اكتمل', report: 'تنزيل تقرير المشكلات', warned: 'استُورد صف واحد بتحذير' },
} as const;
type Language = keyof typeof WORDS;

async function openAs(language: Language, width: number): Promise<Page> {
  const context = await browser.newContext({
    baseURL: vafa.baseUrl, locale: language === 'en' ? 'en-GB' : language === 'ar' ? 'ar-SA' : 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true,
    viewport: { width, height: width < 500 ? 844 : 900 },
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
  assert.equal(login.status(), 200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  assert.equal((await page.request.patch('/api/me', { data: { language }, headers: { 'x-csrf-token': csrfToken } })).status(), 200);
  return page;
}

/** Chooses the Shopify file and waits for the server's proposal to show. */
async function chooseShopifyFile(page: Page, language: Language) {
  await page.goto('/import');
  await page.locator('#import-file').setInputFiles({ name: 'customers_export.csv', mimeType: 'text/csv', buffer: SHOPIFY });
  await page.getByTestId('import-platform').waitFor();
  assert.ok((await page.getByTestId('import-platform').textContent())!.includes(WORDS[language].platform));
}

describe('import wizard', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  for (const language of ['en', 'fa', 'ar'] as const) {
    for (const width of [1366, 390]) {
      test(`${language} at ${width}px: recognised shop, mapping in words, the name join and the automations choice`, async () => {
        const page = await openAs(language, width);
        await chooseShopifyFile(page, language);
        const w = WORDS[language];

        // The join reads "First Name + Last Name → Name" in the reader's language.
        const join = (await page.getByTestId('join-name').textContent())!.replace(/[\u2068\u2069]/g, '');
        assert.ok(join.includes('First Name + Last Name'), join);
        assert.ok(join.endsWith(w.name) || join.includes(`→ ${w.name}`) || join.includes(`← ${w.name}`), join);

        // Every chosen field is a word, never a key such as consent_email or external_id.
        const chosen = await page.locator('.mapping-table td .field button').allTextContents();
        assert.ok(chosen.length >= 15, `selects: ${chosen.length}`);
        for (const text of chosen) {
          assert.doesNotMatch(text, /_|^ignore$|^(phone|email|tags|name)$/, `a raw field key on screen: ${text}`);
          if (language !== 'en') assert.doesNotMatch(text, /[A-Za-z]/, `English on a ${language} screen: ${text}`);
        }
        const automations = page.getByRole('checkbox', { name: new RegExp(language === 'en' ? 'Run automations' : language === 'fa' ? 'خودکارسازی' : 'الأتمتة') });
        assert.equal(await automations.isChecked(), false, 'automations are off by default');
        assert.ok((await page.getByTestId('automations-explanation').textContent())!.startsWith(w.automationsOff));

        await screenshot(page, `${language}-import-wizard-${width}`, { fullPage: true });
        if (width === 1366) await expectAccessible(page, `${language} import wizard`);

        if (width === 390 || language === 'en') {
          if (language === 'en') {
            // The visible box and its words take the click; the input itself is visually hidden.
            const label = page.locator('.import-automations .checkbox');
            await label.click();
            assert.equal(await automations.isChecked(), true);
            assert.ok((await page.getByTestId('automations-explanation').textContent())!.startsWith(w.automationsOn));
            await label.click();
            assert.equal(await automations.isChecked(), false);
          }
          await page.getByRole('button', { name: w.start }).click();
          await page.getByTestId('import-progress').getByText(w.finished, { exact: true }).waitFor({ timeout: 60_000 });
          await page.getByText(w.warned).waitFor();
          await page.getByRole('link', { name: w.report }).waitFor();
          await screenshot(page, `${language}-import-done-${width}`, { fullPage: true });
          const run = await (await page.request.get('/api/imports?limit=1')).json();
          assert.equal(run.items[0].rowsFailed, 0);
          assert.equal(run.items[0].runAutomations, false);
          assert.deepEqual(run.items[0].joins, { name: ['First Name', 'Last Name'] });
          const found = await (await page.request.get(`/api/customers?q=${encodeURIComponent('sara.ahmadi@example.com')}`)).json();
          assert.equal(found.items[0].name, 'Sara Ahmadi');
          assert.deepEqual(found.items[0].tags, ['VIP', 'newsletter', 'تهران']);
        }
        await page.context().close();
      });
    }
  }
});
