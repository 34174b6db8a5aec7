// Discount coupons in the browser. Staff: a coupon reward's page (the pool's counts, generating
// codes, uploading a CSV with bad rows listed by line, the tier restriction picker) and the
// customer page's codes; a member on a phone: "my coupons" in the portal, getting a code for
// points, and a reward locked with the tier it needs. Axe and screenshots in fa, ar and en at 1366
// and 390 px; no Latin word on fa/ar outside codes; no sideways scroll.
// Run: node --import tsx --test e2e/loyalty-coupons.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { smsProviderServer, type SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, forEachPortalScreen, forEachStaffScreen, latinWords, signInToPortal, staffApi, toPersian, until } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const KAVENEGAR_KEY = 'kv-e2e-coupons-key';
const PHONE = '09357652222';
const E164 = '+989357652222';

let vafa: RunningVafa;
let browser: Browser;
let sms: SmsProviderServer;
let slug = '';
let couponId = '';
let memberId = '';
let firstCode = '';
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

const signIn = (page: Page): Promise<void> => signInToPortal(page, sms, PHONE, E164);

describe('discount coupons', { timeout: 900_000 }, () => {
  before(async () => {
    sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } });
    [vafa, browser] = await Promise.all([startVafa({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    slug = (await api('GET', '/api/workspace')).slug;
    await api('PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    const program = await api('POST', '/api/loyalty/programs', { name: 'باشگاه کتاب', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0 } });
    await api('PUT', `/api/loyalty/programs/${program.id}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'none' });
    await api('POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 100 });
    const gold = await api('POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, threshold: 5_000 });
    const coupon = await api('POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: '۲۰٪ تخفیف کتاب', ar: 'خصم ٢٠٪ على الكتب', en: '20% off books' }, pointsCost: 100 });
    couponId = coupon.id;
    await api('POST', `/api/loyalty/rewards/${couponId}/codes/generate`, { count: 20, prefix: 'BOOK-' });
    const vip = await api('POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: 'نیم‌بها برای طلایی‌ها', ar: 'نصف السعر للذهبيين', en: 'Half price for gold' }, pointsCost: 50 });
    await api('POST', `/api/loyalty/rewards/${vip.id}/codes/generate`, { count: 5 });
    await api('PUT', `/api/loyalty/rewards/${vip.id}/tiers`, { programId: program.id, tierIds: [gold.id] });
    const member = await api('POST', '/api/customers', { name: 'مریم احمدی', phone: PHONE });
    memberId = member.id;
    await api('POST', '/api/loyalty/orders', { externalId: 'coupon-e2e-1', customerId: memberId, lines: [{ id: '1', amount: 600_000 }] });
    firstCode = (await api('POST', `/api/loyalty/rewards/${couponId}/coupon-redemptions`, { customerId: memberId, externalId: 'coupon-e2e-r1' })).code;
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sms?.close();
  });

  test('staff see the pool and the restriction picker, generate and upload codes, and see the customer\'s codes', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size) => {
      await page.goto(`/loyalty/rewards/${couponId}`);
      await page.getByTestId('coupon-counts').waitFor({ timeout: 60_000 });
      await page.getByRole('heading', { name: MESSAGES[language]['loyalty.coupons.tiersTitle'] }).waitFor();
      await checkScreen(page, { language, width: size.width, within: 'main', name: 'coupons-reward', fullPage: true });

      await page.goto(`/customers/${memberId}`);
      const list = page.getByTestId('customer-coupons');
      await list.waitFor({ timeout: 60_000 });
      await list.getByText(firstCode).waitFor();
      await checkScreen(page, { language, width: size.width, within: '[data-testid="customer-coupons"]', name: 'coupons-customer', part: list });
    });

    // A manager on a phone, in Persian: generates codes typed in Persian digits, then uploads a file with bad rows.
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.goto(`/loyalty/rewards/${couponId}`);
    await page.getByTestId('coupon-counts').waitFor({ timeout: 60_000 });
    await page.getByRole('textbox', { name: fa['loyalty.coupons.count'] }).fill('۱۵');
    await page.getByRole('button', { name: fa['loyalty.coupons.generate'] }).click();
    await until('the pool to grow', async () => (await api('GET', `/api/loyalty/rewards/${couponId}/codes`)).available === 34);
    await page.getByTestId('coupon-counts').getByText(toPersian('34')).waitFor();
    await page.locator('input[type="file"]').setInputFiles({
      name: 'codes.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFFکد\nNEW-۱\nNEW-1\n\nNEW-2\n'),
    });
    await page.getByRole('button', { name: fa['loyalty.coupons.upload'] }).click();
    const rejected = page.getByTestId('coupon-rejected');
    await rejected.waitFor({ timeout: 60_000 });
    await rejected.getByText(fa['loyalty.coupons.problem.empty']).waitFor();
    assert.equal((await api('GET', `/api/loyalty/rewards/${couponId}/codes`)).available, 36);
    assert.deepEqual(await latinWords(page, 'main'), []);
    await expectAccessible(page, 'reward page after upload fa 390');
    await rejected.scrollIntoViewIfNeeded();
    await screenshot(page, 'coupons-upload-fa-390');
    await context.close();
  });

  test('a member sees their codes, gets another for points, and sees a reward locked with the tier it needs', async () => {
    await forEachPortalScreen(browser, vafa, `/c/${slug}/points`, signIn, async (page, language, size) => {
      const card = page.getByTestId('member-coupons');
      await card.waitFor({ timeout: 60_000 });
      await card.getByText(firstCode).waitFor();
      await card.getByText(MESSAGES[language]['memberPortal.coupons.needsTier'].replace('{tier}', language === 'fa' ? 'طلایی' : language === 'ar' ? 'ذهبي' : 'Gold')).waitFor();
      await checkScreen(page, { language, width: size.width, within: 'main', name: 'coupons-portal', part: card });
    });

    // On a phone, in Persian: one tap gets a code; the points go down by its cost.
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`/c/${slug}/points?lang=fa`);
    await signIn(page);
    const card = page.getByTestId('member-coupons');
    await card.waitFor({ timeout: 60_000 });
    const before = await page.getByTestId('member-available').textContent();
    await card.getByRole('button', { name: fa['memberPortal.coupons.get'] }).first().click();
    await card.getByRole('status').waitFor({ timeout: 60_000 });
    const got = (await card.getByRole('status').locator('bdi').textContent())!.trim();
    assert.match(got, /^BOOK-[34679ACDEFGHJKMNPQRTUVWXY]{10}$/);
    await until('the balance to drop', async () => (await page.getByTestId('member-available').textContent()) !== before);
    assert.equal(await page.getByTestId('member-available').textContent(), toPersian('400'));
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'coupons-portal-got-fa-390');
    await context.close();
  });
});
