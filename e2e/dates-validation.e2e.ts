// Dates people pick and type, and a customer form that says everything wrong at once (issue
// web-finish). Chromium against a freshly started Vafa; run:
//   node --import tsx --test e2e/dates-validation.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';

const FA = 'fa-IR-u-ca-persian-nu-arabext';
const fa = (n: number) => new Intl.NumberFormat('fa-IR', { useGrouping: false }).format(n);

/** The Gregorian ISO date of a Solar Hijri day, found with Intl alone (independent of the app's date library). */
function gregorianOfPersian(year: number, month: number, day: number): string {
  const parts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' });
  let t = Date.UTC(year + 621, 0, 1, 12);
  for (let i = 0; i < 800; i++, t += 86_400_000) {
    const p = Object.fromEntries(parts.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    if (Number(p.year?.replace(/\D/g, '')) === year && Number(p.month) === month && Number(p.day) === day) return new Date(t).toISOString().slice(0, 10);
  }
  throw new Error('date not found');
}

/** "آذر ۱۴۰۵": what the calendar's heading must say for a Gregorian instant, month first. */
function persianMonthHeading(date: Date): string {
  const month = new Intl.DateTimeFormat(FA, { month: 'long', timeZone: 'UTC' }).format(date);
  const year = new Intl.DateTimeFormat(FA, { year: 'numeric', timeZone: 'UTC' }).format(date);
  return `${month} ${year}`;
}

async function signIn(language: 'fa' | 'ar' | 'en') {
  if (!csrf) {
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json()).csrfToken;
  }
  const me = await page.request.patch('/api/me', { headers: { 'x-csrf-token': csrf }, data: { language } });
  assert.equal(me.status(), 200, await me.text());
}

async function openNewCustomer(title: string) {
  await page.goto('/customers/new');
  await page.getByRole('heading', { level: 1, name: title }).waitFor({ timeout: 120_000 }).catch(async (err) => {
    await screenshot(page, 'dates-failed-open');
    throw err;
  });
}

const fieldError = (field: Locator) => field.evaluate((el) => el.closest('.field')?.querySelector('.field-error')?.textContent ?? '');
const heading = () => page.locator('.calendar-title').textContent();

async function typeDate(group: Locator, year: string, month: string, day: string) {
  await group.locator('[data-type="year"]').click();
  await page.keyboard.type(year);
  await group.locator('[data-type="month"]').click();
  await page.keyboard.type(month);
  await group.locator('[data-type="day"]').click();
  await page.keyboard.type(day);
}

describe('dates and validation', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 5 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto('/');
    await signIn('fa');
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('the Solar Hijri picker: arrows, month-first heading, a jump to 1370, and the day is stored in Solar Hijri', async () => {
    await openNewCustomer('مشتری تازه');
    await page.getByRole('textbox', { name: 'نام', exact: true }).fill('ستاره‌ی ۱۳۷۰');
    await page.getByRole('button', { name: 'باز کردن تقویم' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();

    // The heading is month then year, and starts at this month.
    assert.equal(await heading(), persianMonthHeading(new Date()));
    const monthSelect = dialog.getByRole('combobox', { name: 'ماه' });
    const yearSelect = dialog.getByRole('combobox', { name: 'سال' });
    const [monthBox, yearBox] = [await monthSelect.boundingBox(), await yearSelect.boundingBox()];
    assert.ok(monthBox && yearBox && monthBox.x > yearBox.x, 'in right-to-left the month comes first: on the right of the year');
    await screenshot(page, 'dates-fa-1366-picker');

    // React Aria's own texts are Persian too (it ships none): today's cell and the segments.
    assert.match(await dialog.locator('.calendar-cell[data-today]').getAttribute('aria-label') ?? '', /^امروز، /);
    assert.match(await page.getByRole('group', { name: 'تاریخ تولد' }).locator('[data-type="year"]').getAttribute('aria-label') ?? '', /^سال/);

    // Next month is on the left in right-to-left, and it moves forward.
    const next = dialog.getByRole('button', { name: 'ماه بعد' });
    const previous = dialog.getByRole('button', { name: 'ماه قبل' });
    const [nextBox, previousBox] = [await next.boundingBox(), await previous.boundingBox()];
    assert.ok(nextBox && previousBox && nextBox.x < previousBox.x, 'the next-month arrow is on the left');
    const mirrored = async (button: Locator) => button.locator('svg').evaluate((svg) => getComputedStyle(svg).transform);
    assert.match(await mirrored(next), /^matrix\(-1, 0, 0, 1/, 'the next chevron (drawn pointing right) is mirrored to point left');
    const thisMonth = await heading();
    // The birthday picker stops at today, so the next month opens only in past months: go back first.
    await previous.click();
    assert.notEqual(await heading(), thisMonth);
    await next.click();
    assert.equal(await heading(), thisMonth);

    // Jump to Mordad 1370 with the year and month lists, not 420 clicks.
    await yearSelect.selectOption('1370');
    await monthSelect.selectOption('5');
    assert.equal(await heading(), `مرداد ${fa(1370)}`);
    await screenshot(page, 'dates-fa-1366-picker-1370');
    await dialog.locator('.calendar-cell:not([data-outside-month])', { hasText: new RegExp(`^${fa(17)}$`) }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'ایجاد' }).click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const customer = await (await page.request.get(`/api/customers/${id}`)).json();
    const iso = gregorianOfPersian(1370, 5, 17);
    assert.deepEqual(customer.birthday, { calendar: 'persian', year: 1370, month: 5, day: 17, iso });
    await page.getByTestId('birthday-yours').waitFor();
    assert.equal(await page.getByTestId('birthday-yours').textContent(), new Intl.DateTimeFormat(FA, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T12:00:00Z`)));
    // Given in the calendar the user reads: no "given in … (Gregorian)" note.
    assert.equal(await page.getByTestId('birthday-own').count(), 0);
  });

  test('an empty form shows every error at once, and each goes when its field is fixed', async () => {
    await openNewCustomer('مشتری تازه');
    let posts = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/customers')) posts++; });
    const name = page.getByRole('textbox', { name: 'نام', exact: true });
    const email = page.getByRole('textbox', { name: 'ایمیل' });
    const birthday = page.getByRole('group', { name: 'تاریخ تولد' });
    const summary = page.getByRole('alert').filter({ hasText: 'چند فیلد' });
    // Nothing to name or reach the customer by, and a birthday in 1410.
    await typeDate(birthday, '۱۴۱۰', '۰۱', '۰۱');
    await page.getByRole('button', { name: 'ایجاد' }).click();
    await summary.waitFor();
    assert.equal(await fieldError(name), 'نام، یا تلفن یا ایمیلی برای تماس وارد کنید.');
    assert.equal(await fieldError(birthday), 'تاریخ تولد نمی‌تواند در آینده باشد.');
    assert.equal(posts, 0, 'nothing was sent: the form checked with the server schema');
    await screenshot(page, 'dates-fa-1366-form-errors', { fullPage: true });

    // A malformed e-mail is its own error; as a way to reach them it answers the name's.
    await email.fill('not-an-email');
    assert.equal(await fieldError(name), '');
    assert.ok((await fieldError(email)).length > 0, 'the e-mail says what is wrong with it');
    assert.equal(await fieldError(birthday), 'تاریخ تولد نمی‌تواند در آینده باشد.', 'other errors stay until fixed');
    await email.fill('reza@example.com');
    assert.equal(await fieldError(email), '');
    await typeDate(birthday, '۱۳۶۸', '۰۵', '۱۷');
    assert.equal(await fieldError(birthday), '');
    assert.equal(await summary.count(), 0);
    assert.equal(posts, 0);
  });

  test('the server refuses a future birthday and a customer with no name and no contact', async () => {
    const future = await page.request.post('/api/customers', { headers: { 'x-csrf-token': csrf, 'accept-language': 'fa' }, data: { name: 'آینده', birthday: { calendar: 'persian', year: 1410, month: 1, day: 1 } } });
    assert.equal(future.status(), 400);
    assert.deepEqual((await future.json()).errors.map((e: { code: string }) => e.code), ['birthday_in_future']);
    const nobody = await page.request.post('/api/customers', { headers: { 'x-csrf-token': csrf }, data: { tags: ['x'] } });
    assert.equal(nobody.status(), 400);
    assert.deepEqual((await nobody.json()).errors.map((e: { code: string }) => e.code), ['name_or_contact_required']);
  });

  test('a duplicate phone links to the customer who has it; a date typed in Persian digits is kept in Solar Hijri', async () => {
    const first = await page.request.post('/api/customers', { headers: { 'x-csrf-token': csrf }, data: { name: 'نخستین', phone: '09120001122' } });
    assert.equal(first.status(), 201);
    const firstId = (await first.json()).id as string;

    await openNewCustomer('مشتری تازه');
    await page.getByRole('textbox', { name: 'نام', exact: true }).fill('دومین');
    const phone = page.getByRole('textbox', { name: 'تلفن', exact: true });
    await phone.fill('۰۹۱۲ ۰۰۰ ۱۱۲۲');
    await typeDate(page.getByRole('group', { name: 'تاریخ تولد' }), '۱۳۶۸', '۰۵', '۱۷');
    await page.getByRole('button', { name: 'ایجاد' }).click();
    const link = page.getByRole('link', { name: 'باز کردن آن مشتری' });
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `/customers/${firstId}`);
    assert.equal(await fieldError(phone), 'مشتری دیگری همین تلفن را دارد.');
    await screenshot(page, 'dates-fa-1366-duplicate');

    // Changing the phone clears the server's error and its link.
    await phone.fill('۰۹۱۲ ۰۰۰ ۳۳۴۴');
    assert.equal(await fieldError(phone), '');
    assert.equal(await link.count(), 0);
    await page.getByRole('button', { name: 'ایجاد' }).click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    const saved = await (await page.request.get(`/api/customers/${page.url().split('/').pop()}`)).json();
    assert.deepEqual(saved.birthday, { calendar: 'persian', year: 1368, month: 5, day: 17, iso: gregorianOfPersian(1368, 5, 17) });
  });

  test('screenshots: picker and form in fa, ar and en, 1366 and 390 px wide', async () => {
    const titles = { fa: 'مشتری تازه', ar: 'عميل جديد', en: 'New customer' } as const;
    const create = { fa: 'ایجاد', ar: 'إنشاء', en: 'Create' } as const;
    const open = { fa: 'باز کردن تقویم', ar: 'فتح التقويم', en: 'Open calendar' } as const;
    for (const language of ['fa', 'ar', 'en'] as const) {
      await signIn(language);
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await openNewCustomer(titles[language]);
        await page.getByRole('button', { name: create[language] }).click();
        await page.locator('.field-error').first().waitFor();
        await screenshot(page, `dates-${language}-${width}-form`, { fullPage: true });
        await page.getByRole('button', { name: open[language] }).click();
        await page.getByRole('dialog').waitFor();
        const box = await page.locator('.calendar').boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width, `the calendar fits ${width} px (${JSON.stringify(box)})`);
        await screenshot(page, `dates-${language}-${width}-picker`);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }
    }
  });
});
