// The member portal in the browser: a member on a phone (390×844, Persian) types their number in
// Persian digits, gets the sign-in code by SMS — sent by Vafa's dispatcher through the outbound
// guard to a local server speaking Kavenegar's API, where the test reads it — types it, and sees
// their balance, every expiry by day in the Solar Hijri calendar and their history; then gives
// points to a charity in two taps. Screenshots in fa, ar and en at 1366 and 390 px.
// Run: node --import tsx --test e2e/member-portal.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { smsProviderServer, type SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';
import { signInToPortal } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const toLatin = (text: string) => text.replace(/[۰-۹]/g, (d) => String(PERSIAN.indexOf(d))).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));
const KAVENEGAR_KEY = 'kv-e2e-portal-key';
const PHONE = '09351234567';
const E164 = '+989351234567';
// A second member whose points expire during the test, before any hourly run books it.
const LAPSING_PHONE = '09351112233';
const LAPSING_E164 = '+989351112233';
let lapsingId = '';
let creditPackageId = '';

let vafa: RunningVafa;
let browser: Browser;
let sms: SmsProviderServer;
let slug = '';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function staffApi(request: APIRequestContext) {
  const login = await request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
  assert.equal(login.status(), 200, await login.text());
  const { csrfToken } = await login.json() as { csrfToken: string };
  return async (method: 'POST' | 'PUT' | 'PATCH', url: string, data: unknown, key?: string) => {
    const res = await request.fetch(url, { method, data, headers: { 'x-csrf-token': csrfToken, ...(key ? { 'idempotency-key': key } : {}) } });
    assert.ok(res.status() < 300, `${method} ${url} → ${res.status()} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
}

/** The member's sign-in on the portal page already open, in Persian digits, the code read from the SMS. */
async function signIn(page: Page, atCodeStep?: () => Promise<void>): Promise<void> {
  await page.getByRole('heading', { level: 1, name: fa['memberPortal.title'] }).waitFor();
  await signInToPortal(page, sms, PHONE, E164, atCodeStep);
}

describe('member portal', { timeout: 600_000 }, () => {
  before(async () => {
    sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } });
    [vafa, browser] = await Promise.all([startVafa({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staffApi(context.request);
    slug = (await (await context.request.get('/api/workspace')).json() as { slug: string }).slug;
    await api('PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    const customer = await api('POST', '/api/customers', { name: 'سارا رضایی', phone: PHONE });
    const earn = (body: Record<string, unknown>) => api('POST', `/api/loyalty/members/${String(customer.id)}/earnings`, body, `e2e-${Math.random()}`);
    await earn({ points: 800, reason: 'خرید از شعبهٔ ونک', externalId: '1001', expiresAt: inDays(12) });
    await earn({ points: 250, reason: 'پاسخ به نظرسنجی', expiresAt: inDays(40) });
    await earn({ points: 180, reason: 'هدیهٔ عضویت' });
    await earn({ points: 120, reason: 'خرید اینترنتی', externalId: '1002', pendingUntil: inDays(5), expiresAt: inDays(60) });
    // A program with tiers: 300 points from an order make the member Silver, 200 short of Gold.
    const program = await api('POST', '/api/loyalty/programs', { name: 'باشگاه مشتریان', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' } } });
    await api('PUT', `/api/loyalty/programs/${String(program.id)}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'one_step' });
    await api('POST', `/api/loyalty/programs/${String(program.id)}/tiers`, { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 100 });
    await api('POST', `/api/loyalty/programs/${String(program.id)}/tiers`, { name: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, threshold: 500 });
    await api('POST', '/api/loyalty/orders', { externalId: '1003', programId: program.id, customerId: customer.id, lines: [{ id: '1', amount: 300_000 }] });
    await api('POST', '/api/loyalty/charities', { name: { fa: 'بنیاد کودک', ar: 'مؤسسة الطفل', en: 'Child Foundation' }, ratePoints: 1, rateMinor: 1000 });
    await api('POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'لیوان سفالی', ar: 'كوب فخاري', en: 'Ceramic mug' }, pointsCost: 500 });
    const lapsing = await api('POST', '/api/customers', { name: 'نیما کاظمی', phone: LAPSING_PHONE });
    lapsingId = String(lapsing.id);
    await api('POST', `/api/loyalty/members/${lapsingId}/earnings`, { points: 70, reason: 'خرید', externalId: '2001', expiresAt: new Date(Date.now() + 5_000).toISOString() }, 'e2e-lapse-1');
    await api('POST', `/api/loyalty/members/${lapsingId}/earnings`, { points: 30, reason: 'هدیه', externalId: '2002' }, 'e2e-lapse-2');
    // A prepaid credit package bought at the till: the portal shows it and the packages on sale; staff refund it.
    const creditProgram = await api('POST', '/api/loyalty/programs', { name: 'اعتبار', settings: { spend: { points: 1, per: 10_000 } } });
    const pkg = await api('POST', `/api/loyalty/programs/${String(creditProgram.id)}/credit-packages`, {
      name: { fa: 'بسته‌ی یک میلیونی', ar: 'باقة المليون', en: 'One million' }, priceMinor: 1_000_000, creditMinor: 1_100_000,
    });
    creditPackageId = String(pkg.id);
    await api('POST', `/api/loyalty/members/${lapsingId}/credit/purchases`, { packageId: pkg.id }, 'e2e-credit-1');
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sms?.close();
  });

  test('a member signs in on a phone in Persian with the code sent by SMS and sees their points', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    const refused: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('response', (response) => { if (response.status() === 401) refused.push(response.url()); });
    await page.goto(`/c/${slug}/points?lang=fa`);
    await expectAccessible(page, 'member sign-in fa phone');
    await signIn(page);

    // 800 + 250 + 180 + 300 available; 120 on their way.
    const available = (await page.getByTestId('member-available').textContent())!;
    assert.match(available, /^[۰-۹٬]+$/, `the balance in Persian digits: ${available}`);
    assert.equal(toLatin(available).replace(/٬/g, ''), '1530');
    const tier = (await page.getByTestId('member-tier').innerText());
    assert.match(tier, /نقره‌ای/);
    assert.match(tier, /۲۰۰ امتیاز دیگر تا سطح طلایی|۲۰۰ دیگر تا سطح طلایی/);
    assert.equal(toLatin((await page.getByTestId('member-pending').textContent())!), '120');
    // Every expiry day, not only the soonest, in the Solar Hijri calendar.
    const days = page.getByTestId('member-expiring').locator('li');
    assert.equal(await days.count(), 2);
    const first = (await days.first().textContent())!;
    assert.match(first, /(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند)/, `a Persian month: ${first}`);
    assert.match(first, /۸۰۰ امتیاز/);
    // History with the reason for each change.
    const history = page.getByTestId('member-history');
    await history.getByText(fa['memberPortal.cause.order']).first().waitFor();
    await history.getByText('پاسخ به نظرسنجی').waitFor();
    const bodyText = await page.locator('main').innerText();
    assert.doesNotMatch(bodyText, /[A-Za-z]/, 'no Latin letters on the Persian screen');
    await expectAccessible(page, 'member portal fa phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scroll at 390 px (${width})`);

    // Two taps give 100 points to the charity; the balance follows.
    await page.getByRole('button', { name: fa['memberPortal.give'].replace('{points}', '۱۰۰ امتیاز') }).click();
    await page.getByRole('button', { name: fa['memberPortal.giveYes'] }).click();
    const thanks = page.getByRole('status').filter({ hasText: 'D-' }).or(page.getByRole('status').filter({ hasText: 'رسید' }));
    await thanks.first().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="member-available"]')?.textContent?.replace(/[٬,]/g, '') === '۱۴۳۰');
    // Back later on the same phone: straight to the points, no code needed while the session lasts.
    await page.reload();
    await page.getByTestId('member-available').waitFor();
    assert.deepEqual(refused, [], 'a first visit asks nothing that needs a member session');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('screenshots in fa, ar and en at 1366 and 390 px', async () => {
    for (const width of [1366, 390]) {
      const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width, height: width > 500 ? 900 : 844 } });
      const page = await context.newPage();
      await page.goto(`/c/${slug}/points?lang=fa`);
      await page.getByRole('heading', { level: 1, name: fa['memberPortal.title'] }).waitFor();
      for (const language of ['fa', 'ar', 'en'] as const) {
        await page.getByRole('button', { name: MESSAGES.fa[`lang.${language}`] }).click();
        await page.getByRole('heading', { level: 1, name: MESSAGES[language]['memberPortal.title'] }).waitFor();
        await screenshot(page, `member-portal/${language}-${width}-sign-in`, { fullPage: true });
      }
      await page.getByRole('button', { name: MESSAGES.fa['lang.fa'] }).click();
      await signIn(page, async () => {
        for (const language of ['ar', 'en', 'fa'] as const) {
          await page.getByRole('button', { name: MESSAGES.fa[`lang.${language}`] }).click();
          await page.getByRole('heading', { level: 1, name: MESSAGES[language]['memberPortal.codeTitle'] }).waitFor();
          await screenshot(page, `member-portal/${language}-${width}-code`, { fullPage: true });
        }
      });
      for (const language of ['fa', 'ar', 'en'] as const) {
        await page.getByRole('button', { name: MESSAGES.fa[`lang.${language}`] }).click();
        await page.getByRole('heading', { level: 2, name: MESSAGES[language]['memberPortal.historyTitle'] }).waitFor();
        await page.getByTestId('member-history').waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${language} ${width}: no sideways scroll (${overflow})`);
        if (language !== 'en') assert.doesNotMatch(await page.locator('main').innerText(), /[A-Za-z]/, `${language} ${width}: no Latin letters`);
        await screenshot(page, `member-portal/${language}-${width}-points`, { fullPage: true });
      }
      await context.close();
    }
  });

  test('points past their expiry show as expired, not available, before the hourly run books them (portal, staff page and members list)', async () => {
    for (const width of [390, 1366]) {
      const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width, height: width > 500 ? 900 : 844 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`/c/${slug}/points?lang=fa`);
      await page.getByRole('heading', { level: 1, name: fa['memberPortal.title'] }).waitFor();
      await signInToPortal(page, sms, LAPSING_PHONE, LAPSING_E164);
      // The 70 points' expiry passes a few seconds after they were earned; each reload reads the ledger as it stands.
      const expired = page.getByTestId('member-expired');
      await waitUntil('the 70 points to show as expired', async () => {
        await page.reload();
        await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
        return (await expired.count()) > 0;
      });
      for (const language of ['fa', 'ar', 'en'] as const) {
        if (language !== 'fa') {
          await page.goto(`/c/${slug}/points?lang=${language}`);
          await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
        }
        const digits = (n: string) => (language === 'en' ? n : language === 'fa' ? n.replace(/[0-9]/g, (d) => PERSIAN[Number(d)]!) : n.replace(/[0-9]/g, (d) => String.fromCharCode(0x660 + Number(d))));
        assert.equal((await page.getByTestId('member-available').innerText()).trim(), digits('30'), `${language} ${width}`);
        await page.getByRole('heading', { level: 3, name: MESSAGES[language]['memberPortal.expiredTitle'] }).waitFor();
        assert.match(await expired.innerText(), new RegExp(digits('70')), `${language} ${width}`);
        assert.equal(await page.getByTestId('member-expiring').count(), 0, 'nothing left expiring');
        if (language !== 'en') assert.doesNotMatch(await page.locator('main').innerText(), /[A-Za-z0-9]/, `${language} ${width}: no Latin letters or digits`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${language} ${width}: no sideways scroll (${overflow})`);
        const credit = page.getByTestId('member-credit-packages');
        await credit.getByText(MESSAGES[language]['memberPortal.credit.how']).waitFor();
        assert.equal(await credit.getByTestId('member-credit-package').count(), 1);
        assert.equal(await credit.getByRole('button').count(), 0, 'the portal sells nothing: no buy button');
        await expectAccessible(page, `member-portal expired ${language} ${width}`);
        await screenshot(page, `member-portal/${language}-${width}-expired`, { fullPage: true });
      }
      await context.close();
    }

    // The staff customer page reads the same: 30 available, 70 expired, for staff in each language.
    const staff = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 1366, height: 900 }, bypassCSP: true });
    const staffPage = await staff.newPage();
    const api = await staffApi(staff.request);
    for (const language of ['fa', 'ar', 'en'] as const) {
      await api('PATCH', '/api/me', { language });
      await staffPage.goto(`/customers/${lapsingId}`);
      const card = staffPage.getByTestId('loyalty-balances');
      await card.waitFor({ timeout: 60_000 });
      const list = staffPage.getByTestId('loyalty-expired');
      await list.waitFor();
      const latin = toLatin(await list.innerText());
      assert.match(latin, /70/, latin);
      assert.match(toLatin(await card.innerText()), /30/);
      if (language !== 'en') assert.doesNotMatch(await list.innerText(), /[A-Za-z0-9]/, `${language}: no Latin in the expired line`);
      await list.scrollIntoViewIfNeeded();
      await screenshot(staffPage, `member-portal/staff-expired-${language}-1366`);
      const credit = staffPage.getByTestId('customer-credit');
      await credit.waitFor();
      if (language !== 'en') assert.doesNotMatch(await credit.innerText(), /[A-Za-z0-9]/, `${language}: no Latin in the credit section`);
      if (language === 'fa') {
        // The owner refunds part of the package (20,000 tomans typed in Persian digits: 200,000 rials
        // and its 20,000 of bonus), then the rest with a reason; each refund shows, then the button goes.
        await credit.getByRole('button', { name: fa['loyalty.credit.refund'] }).click();
        const dialog = staffPage.getByRole('dialog');
        await dialog.getByLabel(fa['loyalty.member.reason']).fill('نیمی از بسته پس داده شد');
        await dialog.getByLabel(fa['loyalty.credit.refundAmount'].replace('{unit}', 'تومان')).fill('۲۰۰۰۰۰');
        const tooMuch = staffPage.waitForResponse((r) => r.url().endsWith('/refund') && r.request().method() === 'POST');
        await dialog.getByRole('button', { name: fa['loyalty.credit.refund'] }).click();
        assert.equal((await tooMuch).status(), 409);
        await dialog.getByText(fa['loyalty.credit.refundTooMuch']).waitFor();
        assert.doesNotMatch(await dialog.innerText(), /[A-Za-z0-9]/, 'fa: no Latin in the refund dialog');
        await screenshot(staffPage, 'member-portal/staff-credit-refund-too-much-fa-1366');
        await dialog.getByLabel(fa['loyalty.credit.refundAmount'].replace('{unit}', 'تومان')).fill('۲۰٬۰۰۰');
        const partly = staffPage.waitForResponse((r) => r.url().endsWith('/refund') && r.request().method() === 'POST');
        await dialog.getByRole('button', { name: fa['loyalty.credit.refund'] }).click();
        const part = await partly;
        assert.equal(part.status(), 201);
        assert.deepEqual(await part.json().then((b: { entry: { paidMinor: number; bonusMinor: number } }) => [b.entry.paidMinor, b.entry.bonusMinor]), [-200_000, -20_000]);
        await dialog.waitFor({ state: 'detached' });
        // The purchase and its first refund; what is left of it can still be refunded.
        await waitUntil('the part refund listed', async () => (await credit.locator('li').count()) === 2);
        await credit.getByRole('button', { name: fa['loyalty.credit.refund'] }).click();
        await dialog.getByLabel(fa['loyalty.member.reason']).fill('مشتری پشیمان شد');
        await screenshot(staffPage, 'member-portal/staff-credit-refund-fa-1366');
        const refunded = staffPage.waitForResponse((r) => r.url().endsWith('/refund') && r.request().method() === 'POST');
        await dialog.getByRole('button', { name: fa['loyalty.credit.refund'] }).click();
        assert.equal((await refunded).status(), 201);
        await dialog.waitFor({ state: 'detached' });
        await waitUntil('both refunds listed', async () => (await credit.locator('li').count()) === 3);
        assert.equal(await credit.getByText(fa['loyalty.credit.kind.refund']).count(), 2);
        assert.equal(await credit.getByRole('button', { name: fa['loyalty.credit.refund'] }).count(), 0);
      }
      if (language !== 'fa') {
        // Bought again: the refund dialog with its amount field, at desktop and phone width.
        await api('POST', `/api/loyalty/members/${lapsingId}/credit/purchases`, { packageId: creditPackageId }, `e2e-credit-${language}`);
        for (const width of [1366, 390]) {
          await staffPage.setViewportSize({ width, height: width > 500 ? 900 : 844 });
          await staffPage.goto(`/customers/${lapsingId}`);
          await credit.getByRole('button', { name: MESSAGES[language]['loyalty.credit.refund'] }).first().click();
          const dialog = staffPage.getByRole('dialog');
          await dialog.getByText(MESSAGES[language]['loyalty.credit.refundTitle']).waitFor();
          if (language !== 'en') assert.doesNotMatch(await dialog.innerText(), /[A-Za-z0-9]/, `${language} ${width}: no Latin in the refund dialog`);
          await expectAccessible(staffPage, `credit refund ${language} ${width}`);
          await screenshot(staffPage, `member-portal/staff-credit-refund-${language}-${width}`);
          await dialog.getByRole('button', { name: MESSAGES[language]['common.cancel'] }).click();
          await dialog.waitFor({ state: 'detached' });
        }
        await staffPage.setViewportSize({ width: 1366, height: 900 });
      }
      await credit.scrollIntoViewIfNeeded();
      await screenshot(staffPage, `member-portal/staff-credit-${language}-1366`);

      // The staff members list reads the balance the same way: 30 available, not the 100 booked
      // until the hourly run books the expiry, and nothing left expiring.
      for (const width of [1366, 390]) {
        await staffPage.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await staffPage.goto('/loyalty/members');
        const row = staffPage.locator('tr, li, [role="row"], .data-table-card').filter({ hasText: 'نیما کاظمی' }).first();
        await row.waitFor({ timeout: 60_000 });
        const nums = row.locator('.num');
        assert.deepEqual([toLatin(await nums.nth(0).innerText()).trim(), toLatin(await nums.nth(1).innerText()).trim()], ['30', '0'], `${language} ${width}: available, pending`);
        assert.doesNotMatch(toLatin(await row.innerText()), /(^|[^0-9])70([^0-9]|$)/, `${language} ${width}: the expired 70 are not expiring`);
        if (language !== 'en') assert.doesNotMatch(await nums.nth(0).innerText(), /[0-9]/, `${language} ${width}: the reader's digits`);
        const overflow = await staffPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${language} ${width}: no sideways scroll (${overflow})`);
        await expectAccessible(staffPage, `members list ${language} ${width}`);
        await screenshot(staffPage, `member-portal/staff-members-${language}-${width}`, { fullPage: true });
      }
      await staffPage.setViewportSize({ width: 1366, height: 900 });
    }
    await staff.close();
  });
});
