// Browser tests of the web app (issue 3) on Debian's Chromium against a freshly started Vafa.
// Run: node --import tsx --test --test-concurrency=1 e2e/*.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';


let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** The Gregorian ISO date of a day in another calendar, found with Intl alone (independent of the app's date library). */
function gregorianFor(calendar: 'persian' | 'islamic-umalqura', year: number, month: number, day: number): string {
  const parts = new Intl.DateTimeFormat(`en-u-ca-${calendar}-nu-latn`, { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' });
  const read = (t: number) => Object.fromEntries(parts.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  // Start near the right Gregorian year and walk day by day.
  let t = Date.UTC(calendar === 'persian' ? year + 621 : Math.round(year * 0.97 + 622), 0, 1, 12);
  for (let i = 0; i < 800; i++, t += 86_400_000) {
    const p = read(t);
    if (Number(p.year?.replace(/\D/g, '')) === year && Number(p.month) === month && Number(p.day) === day) return new Date(t).toISOString().slice(0, 10);
  }
  throw new Error('date not found');
}

function dayIn(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T12:00:00Z`));
}

const checkA11y = (name: string) => expectAccessible(page, name);
const shoot = (name: string) => screenshot(page, name);

async function setPrefs(language: string, languageLabel: string, calendar: string, prefsTitle: string, calendarLabel: string) {
  await page.getByRole('button', { name: new RegExp(prefsTitle) }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: new RegExp(languageLabel) }).click();
  await page.getByRole('option', { name: language, exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: new RegExp(calendarLabel) }).click();
  await page.getByRole('option', { name: calendar, exact: true }).click();
  // Escape closes the dialog, unless the option's list is still closing and takes it: press
  // again until the dialog is gone (a busy machine can be slow to close the list).
  const deadline = Date.now() + 60_000;
  while ((await page.getByRole('dialog').count()) > 0) {
    if (Date.now() > deadline) throw new Error('the preferences dialog did not close');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
  }
}

const NAME = 'پریچهر کیهانی‌نژاد';
let customerId = '';
let birthdayIso = '';

describe('web app', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
    // axe is injected as an inline script, which the app's CSP rightly forbids.
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true, viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('signs in (Persian, right-to-left)', async () => {
    await page.goto('/');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await shoot('fa-sign-in');
    await checkA11y('fa sign-in');
    await page.getByRole('textbox', { name: 'ایمیل' }).fill(vafa.email);
    await page.getByRole('textbox', { name: 'گذرواژه' }).fill(vafa.password);
    await page.getByRole('button', { name: 'ورود' }).click();
    await page.getByRole('heading', { level: 1, name: 'مشتریان' }).waitFor();
    await page.getByRole('table').first().waitFor();
  });

  test('creates a customer with a Persian-digit phone and a Jalali birthday typed in Persian digits', async () => {
    await page.getByRole('link', { name: 'مشتری تازه' }).click();
    await page.getByRole('heading', { level: 1, name: 'مشتری تازه' }).waitFor();
    await page.getByRole('textbox', { name: 'نام', exact: true }).fill(NAME);
    // A phone the server rejects: its localised message lands on the phone field.
    const phone = page.getByRole('textbox', { name: 'تلفن', exact: true });
    await phone.fill('۱۲۳');
    await page.getByRole('button', { name: 'ایجاد' }).click();
    await page.waitForFunction(() => document.querySelector('input[type="tel"]')?.getAttribute('aria-invalid') === 'true');
    const phoneError = await phone.evaluate((input) => input.closest('.field')?.querySelector('.field-error')?.textContent ?? '');
    assert.ok(phoneError.length > 0 && !/[a-z]{3}/i.test(phoneError), `a Persian message on the phone field, got «${phoneError}»`);
    await phone.fill('۰۹۱۲ ۳۴۵ ۶۷۸۹');
    await page.getByRole('textbox', { name: 'ایمیل' }).fill('parichehr@example.com');
    const birthday = page.getByRole('group', { name: 'تاریخ تولد' });
    await birthday.locator('[data-type="year"]').click();
    await page.keyboard.type('۱۳۶۸');
    await birthday.locator('[data-type="month"]').click();
    await page.keyboard.type('۰۵');
    await birthday.locator('[data-type="day"]').click();
    await page.keyboard.type('۱۷');
    await shoot('fa-customer-new');
    await checkA11y('fa customer form');
    await page.getByRole('button', { name: 'ایجاد' }).click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    customerId = page.url().split('/').pop()!;

    const response = await page.request.get(`/api/customers/${customerId}`);
    assert.equal(response.status(), 200);
    const customer = await response.json();
    assert.equal(customer.phone, '+989123456789');
    birthdayIso = gregorianFor('persian', 1368, 5, 17);
    assert.equal(birthdayIso, '1989-08-08');
    assert.deepEqual(customer.birthday, { calendar: 'persian', year: 1368, month: 5, day: 17, iso: birthdayIso });
    await page.getByTestId('birthday-yours').waitFor();
    assert.equal(await page.getByTestId('birthday-yours').textContent(), dayIn('fa-IR-u-ca-persian-nu-arabext', birthdayIso));
    await shoot('fa-customer');
    await checkA11y('fa customer page');
  });

  test('finds the customer with Arabic ي and ك, in a right-to-left list', async () => {
    await page.getByRole('link', { name: 'مشتریان', exact: true }).first().click();
    await page.getByRole('searchbox', { name: 'جست‌وجوی مشتریان' }).fill('پريچهر كيهاني');
    const row = page.getByRole('row', { name: new RegExp(NAME.split(' ')[0]!) });
    await row.first().waitFor();
    // The list narrows once the debounced search answers: the header row and exactly one customer.
    await page.waitForFunction(() => document.querySelectorAll('table.dt-table [role="row"]').length === 2, undefined, { timeout: 60_000 });
    const grid = page.getByRole('table').first();
    assert.equal(await grid.evaluate((el) => getComputedStyle(el).direction), 'rtl');
    const headers = page.getByRole('columnheader');
    const [first, second, gridBox] = await Promise.all([headers.nth(0).boundingBox(), headers.nth(1).boundingBox(), grid.boundingBox()]);
    assert.ok(first && second && gridBox);
    assert.ok(first.x > second.x, 'the first column is to the right of the second');
    assert.ok(Math.abs(first.x + first.width - (gridBox.x + gridBox.width)) < 4, 'the first column starts at the right edge');
    await shoot('fa-customers-search');
  });

  test('shows the same birthday in Umm al-Qura (Arabic) and Gregorian (English) without reloading', async () => {
    await page.goto(`/customers/${customerId}`);
    await page.getByTestId('birthday-yours').waitFor();
    await page.evaluate(() => { (window as unknown as { noReload: boolean }).noReload = true; });

    await setPrefs('العربية', 'زبان', 'الهجري (أم القرى)', 'تنظیمات نمایش', 'التقويم');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    await page.getByRole('heading', { name: 'الخط الزمني' }).waitFor();
    assert.equal(await page.getByTestId('birthday-yours').textContent(), dayIn('ar-SA-u-ca-islamic-umalqura-nu-arab', birthdayIso));
    assert.equal(await page.getByTestId('birthday-own').textContent(), dayIn('ar-SA-u-ca-persian-nu-arab', birthdayIso));
    await shoot('ar-customer');

    await setPrefs('English', 'اللغة', 'Gregorian', 'تفضيلات العرض', 'Calendar');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    assert.equal(await page.getByTestId('birthday-yours').textContent(), dayIn('en-GB-u-ca-gregory-nu-latn', birthdayIso));
    assert.equal(await page.getByTestId('birthday-yours').textContent(), '8 August 1989');
    assert.equal(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload), true, 'the page was not reloaded');
    await shoot('en-customer');
    await checkA11y('en customer page');
  });

  test('imports a CSV with bad rows: progress, good rows land, error report lists the bad ones', async () => {
    await page.goto('/import');
    await page.getByRole('heading', { level: 1, name: 'Import and export' }).waitFor();
    const csv = [
      'name,phone,email',
      'Import Good One,+989121110001,good1@example.com',
      'ایمپورت خوب دو,۰۹۱۲۱۱۱۰۰۰۲,good2@example.com',
      'Import Bad Phone,12,bad-phone@example.com',
      'Import Good Three,+966501110003,good3@example.com',
      'Import Bad Email,+989121110005,not-an-email',
    ].join('\n');
    await page.locator('#import-file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByTestId('import-progress').waitFor();
    await page.getByRole('progressbar').waitFor();
    await page.getByText('Finished').waitFor({ timeout: 60_000 });
    await page.getByText('2 rows rejected').waitFor();
    await shoot('en-import');

    for (const q of ['Import Good One', 'good2@example.com', 'Import Good Three']) {
      const list = await (await page.request.get(`/api/customers?q=${encodeURIComponent(q)}`)).json();
      assert.equal(list.items.length, 1, `${q} was imported`);
    }
    const report = page.getByRole('link', { name: 'Download the report of problems' });
    const href = await report.getAttribute('href');
    const errors = await (await page.request.get(href!)).text();
    assert.match(errors, /bad-phone@example\.com|Import Bad Phone/);
    assert.match(errors, /not-an-email|Import Bad Email/);
    assert.doesNotMatch(errors, /good1@example\.com/);
  });

  test('accepts an invitation from the link shown once', async () => {
    const csrf = await page.evaluate(async () => (await (await fetch('/api/auth/session')).json()).csrfToken as string);
    const invited = await (await page.request.post('/api/invitations', { data: { email: 'agent.e2e@example.com', role: 'agent' }, headers: { 'X-CSRF-Token': csrf } })).json();
    const guest = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'en-GB', bypassCSP: true });
    const guestPage = await guest.newPage();
    await guestPage.goto(`/invitations/accept#${invited.token}`);
    await guestPage.evaluate(() => localStorage.setItem('vafa.language', 'en'));
    await guestPage.reload();
    await guestPage.getByRole('textbox', { name: 'Your name' }).fill('Agent E2E');
    await guestPage.getByRole('textbox', { name: 'Password' }).fill('a long enough password');
    await guestPage.getByRole('button', { name: 'Accept and sign in' }).click();
    await guestPage.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    const session = await (await guestPage.request.get('/api/auth/session')).json();
    assert.equal(session.role, 'agent');
    await guest.close();
  });

  test('main screens: no serious accessibility violations in fa and en; screenshots in fa, ar and en', async () => {
    const screens: [string, string, RegExp][] = [
      ['customers', '/customers', /./],
      ['segments', '/segments/new', /./],
      ['import', '/import', /./],
      ['settings', '/settings', /./],
      ['members', '/settings/members', /./],
      ['api-keys', '/settings/api-keys', /./],
      ['audit-log', '/settings/audit-log', /./],
    ];
    for (const [language, label] of [['en', 'English'], ['fa', 'فارسی'], ['ar', 'العربية']] as const) {
      await page.evaluate((l) => localStorage.setItem('vafa.language', l), language);
      await page.request.patch('/api/me', { data: { language }, headers: { 'X-CSRF-Token': await page.evaluate(async () => (await (await fetch('/api/auth/session')).json()).csrfToken) } });
      for (const [name, url] of screens) {
        await page.goto(url);
        await page.locator('h1').first().waitFor();
        await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
        assert.equal(await page.evaluate(() => document.documentElement.lang), language, `${label} ${name}`);
        await shoot(`${language}-${name}`);
        if (language !== 'ar') await checkA11y(`${language} ${name}`);
      }
      await page.goto(`/customers/${customerId}`);
      await page.getByTestId('birthday-yours').waitFor();
      await shoot(`${language}-customer`);
      // A demo customer with orders, to see the timeline.
      const demo = (await (await page.request.get('/api/customers?limit=100')).json()).items.find((c: { orderCount: number }) => c.orderCount >= 2);
      if (demo) {
        await page.goto(`/customers/${demo.id}`);
        await page.locator('.timeline').waitFor();
        await shoot(`${language}-customer-timeline`);
        if (language !== 'ar') await checkA11y(`${language} customer timeline`);
      }
    }
  });
});
