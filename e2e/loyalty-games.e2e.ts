// Games and prepaid credit in the browser. Staff: /loyalty's challenges-and-badges section (the
// program's badges, each challenge's rule in a sentence, pause/resume) and the credit packages
// list; a manager on a phone adds a challenge and a package through the forms. A member on a phone
// signs in to the portal and sees the credit (paid and bonus), the badge, a challenge's progress and
// the streak. Bonus expiry: the packages list says how long each bonus lasts, the manager sets it in
// Persian digits (a bad value refused in the reader's digits) and changes it, and the customer page
// lists the member's bonus about to expire with its date in the reader's calendar.
// Axe and screenshots in fa, ar and en at 1366 and 390 px; no Latin word on fa/ar.
// Run: node --import tsx --test e2e/loyalty-games.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { smsProviderServer, type SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, forEachPortalScreen, forEachStaffScreen, signInToPortal, staffApi, toPersian, until } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const KAVENEGAR_KEY = 'kv-e2e-games-key';
const PHONE = '09357651111';
const E164 = '+989357651111';

let vafa: RunningVafa;
let browser: Browser;
let sms: SmsProviderServer;
let slug = '';
let memberId = '';
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

const signIn = (page: Page): Promise<void> => signInToPortal(page, sms, PHONE, E164);

describe('loyalty games and prepaid credit', { timeout: 900_000 }, () => {
  before(async () => {
    sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } });
    [vafa, browser] = await Promise.all([startVafa({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    slug = (await api('GET', '/api/workspace')).slug;
    await api('PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    const program = await api('POST', '/api/loyalty/programs', { name: 'باشگاه قهوه', settings: { spend: { points: 1, per: 10_000 }, pendingDays: 0 } });
    const badge = await api('POST', `/api/loyalty/programs/${program.id}/badges`, { name: { fa: 'قهوه‌دوست', ar: 'محب القهوة', en: 'Coffee lover' }, icon: 'trophy' });
    await api('POST', `/api/loyalty/programs/${program.id}/challenges`, {
      kind: 'count', name: { fa: 'دو قهوه در ماه', ar: 'قهوتان في الشهر', en: 'Two coffees a month' }, topic: 'purchase',
      filter: { minAmountMinor: 100_000, category: 'قهوه' }, target: 2, window: { kind: 'calendar', period: 'month' }, rewardPoints: 50, badgeId: badge.id,
    });
    await api('POST', `/api/loyalty/programs/${program.id}/challenges`, {
      kind: 'count', name: { fa: 'پنج خرید در ۳۰ روز', ar: 'خمس مشتريات في ٣٠ يومًا', en: 'Five purchases in 30 days' }, topic: 'purchase',
      target: 5, window: { kind: 'rolling', days: 30 }, rewardPoints: 100,
    });
    await api('POST', `/api/loyalty/programs/${program.id}/challenges`, {
      kind: 'streak', name: { fa: 'هر هفته یک خرید', ar: 'شراء كل أسبوع', en: 'A purchase every week' }, topic: 'purchase',
      target: 4, window: { kind: 'calendar', period: 'week' }, rewardPoints: 80,
    });
    const pkg = await api('POST', `/api/loyalty/programs/${program.id}/credit-packages`, {
      name: { fa: 'بسته‌ی یک میلیونی', ar: 'باقة المليون', en: 'One million' }, priceMinor: 1_000_000, creditMinor: 1_100_000, bonusExpiryDays: 90,
    });
    await api('POST', `/api/loyalty/programs/${program.id}/credit-packages`, {
      name: { fa: 'بسته‌ی پنج میلیونی', ar: 'باقة الخمسة ملايين', en: 'Five million' }, priceMinor: 5_000_000, creditMinor: 6_000_000,
    });
    const member = await api('POST', '/api/customers', { name: 'سارا رضایی', phone: PHONE });
    memberId = String(member.id);
    await api('POST', '/api/loyalty/orders', { externalId: 'games-e2e-1', customerId: member.id, lines: [{ id: '1', category: 'قهوه', amount: 150_000 }] });
    await api('POST', '/api/loyalty/orders', { externalId: 'games-e2e-2', customerId: member.id, lines: [{ id: '1', category: 'قهوه', amount: 250_000 }] });
    await api('POST', `/api/loyalty/members/${member.id}/credit/purchases`, { packageId: pkg.id, externalId: 'pay-e2e-1' });
    await api('POST', `/api/loyalty/members/${member.id}/credit/spends`, { amountMinor: 300_000, externalId: 'chk-e2e-1' });
    await until('the badge', async () => (await api('GET', `/api/loyalty/members/${member.id}/games`)).badges.length === 1);
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sms?.close();
  });

  test('staff see the program\'s badges, challenges and credit packages, and a manager adds a challenge and a package on a phone', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size) => {
      await page.goto('/loyalty');
      const games = page.locator('section[aria-labelledby="loyalty-games"]');
      await games.getByText(language === 'en' ? 'Two coffees a month' : language === 'ar' ? 'قهوتان في الشهر' : 'دو قهوه در ماه').first().waitFor({ timeout: 60_000 });
      const credit = page.locator('section[aria-labelledby="loyalty-credit"]');
      await credit.getByText(MESSAGES[language]['loyalty.credit.onSale']).first().waitFor();
      await checkScreen(page, { language, width: size.width, within: 'section[aria-labelledby="loyalty-games"]', name: 'games-staff', part: games });
      await checkScreen(page, { language, width: size.width, within: 'section[aria-labelledby="loyalty-credit"]', name: 'credit-staff', part: credit });
      // The package form with its bonus expiry field, and the dialog that changes a package's.
      const m = MESSAGES[language];
      await credit.getByRole('button', { name: m['loyalty.credit.new'] }).click();
      await credit.getByRole('textbox', { name: m['loyalty.credit.expiryLabel'] }).waitFor();
      await checkScreen(page, { language, width: size.width, within: 'section[aria-labelledby="loyalty-credit"]', name: 'credit-package-form', part: credit.locator('form') });
      await credit.getByRole('button', { name: m['common.cancel'] }).click();
      await credit.getByRole('button', { name: m['loyalty.credit.changeExpiry'] }).first().click();
      const dialog = page.getByRole('dialog');
      assert.equal(await dialog.getByRole('textbox', { name: m['loyalty.credit.expiryLabel'] }).inputValue(), language === 'fa' ? '۹۰' : language === 'ar' ? '٩٠' : '90');
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'credit-expiry-dialog', part: dialog });
      await dialog.getByRole('button', { name: m['common.cancel'] }).click();
      await dialog.waitFor({ state: 'detached' });
    });

    // A manager in Persian on a phone: a weekly challenge of three orders worth at least 200,000 rials, rewarded 30 points.
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.goto('/loyalty');
    const games = page.locator('section[aria-labelledby="loyalty-games"]');
    await games.getByRole('button', { name: fa['loyalty.games.newChallenge'] }).click();
    await games.getByRole('textbox', { name: fa['loyalty.games.nameFa'] }).fill('سه سفارش در هفته');
    await games.getByRole('textbox', { name: fa['loyalty.games.nameAr'] }).fill('ثلاثة طلبات في الأسبوع');
    await games.getByRole('textbox', { name: fa['loyalty.games.nameEn'] }).fill('Three orders a week');
    await games.getByRole('textbox', { name: fa['loyalty.games.target'] }).fill(toPersian('3'));
    await games.getByRole('button', { name: new RegExp(`${fa['loyalty.games.window.title']}$`) }).click();
    await page.getByRole('option', { name: fa['loyalty.games.window.week'] }).click();
    await games.getByRole('textbox', { name: new RegExp(fa['loyalty.games.minAmount'].replace(' ({unit})', '')) }).fill(toPersian('20000'));
    await games.getByRole('textbox', { name: fa['loyalty.games.rewardPoints'] }).fill(toPersian('30'));
    await games.locator('.games-preview').waitFor();
    await screenshot(page, 'games-staff-form-fa-390', { fullPage: true });
    await expectAccessible(page, 'games form fa 390');
    await games.getByRole('button', { name: fa['common.save'] }).click();
    await games.getByText('سه سفارش در هفته').first().waitFor();
    const programs = (await api('GET', '/api/loyalty/programs')).items as { id: string }[];
    const challenges = (await api('GET', `/api/loyalty/programs/${programs[0]!.id}/challenges`)).items as Record<string, unknown>[];
    const made = challenges.find((c) => (c.name as { fa: string }).fa === 'سه سفارش در هفته');
    assert.ok(made, 'the challenge saved');
    assert.deepEqual({ target: made.target, window: made.window, rewardPoints: made.rewardPoints, topic: made.topic, filter: made.filter },
      { target: 3, window: { kind: 'calendar', period: 'week' }, rewardPoints: 30, topic: 'purchase', filter: { minAmountMinor: 200_000 } });

    const credit = page.locator('section[aria-labelledby="loyalty-credit"]');
    await credit.getByRole('button', { name: fa['loyalty.credit.new'] }).click();
    await credit.getByRole('textbox', { name: fa['loyalty.games.nameFa'] }).fill('بسته‌ی دو میلیونی');
    await credit.getByRole('textbox', { name: fa['loyalty.games.nameAr'] }).fill('باقة المليونين');
    await credit.getByRole('textbox', { name: fa['loyalty.games.nameEn'] }).fill('Two million');
    await credit.getByRole('textbox', { name: new RegExp(fa['loyalty.credit.priceLabel'].replace(' ({unit})', '')) }).fill(toPersian('200000'));
    await credit.getByRole('textbox', { name: new RegExp(fa['loyalty.credit.creditLabel'].replace(' ({unit})', '')) }).fill(toPersian('230000'));
    await credit.locator('.games-preview').waitFor();
    // The bonus expiry: zero days is refused with the bounds in Persian digits, then sixty days is taken.
    const expiry = credit.getByRole('textbox', { name: fa['loyalty.credit.expiryLabel'] });
    await expiry.fill('۰');
    await credit.getByRole('button', { name: fa['common.save'] }).click();
    await credit.getByText(fa['loyalty.credit.error.expiry'].replace('{min}', '۱').replace('{max}', '۳٬۶۵۰')).waitFor();
    await screenshot(page, 'credit-expiry-form-refused-fa-390', { fullPage: true });
    await expectAccessible(page, 'credit package form fa 390');
    await expiry.fill(toPersian('60'));
    await credit.getByRole('button', { name: fa['common.save'] }).click();
    await credit.getByText('بسته‌ی دو میلیونی').first().waitFor();
    type Pkg = { id: string; name: { fa: string }; priceMinor: number; creditMinor: number; bonusExpiryDays: number | null };
    const packages = async () => (await api('GET', '/api/loyalty/credit-packages')).items as Pkg[];
    const two = (await packages()).find((p) => p.name.fa === 'بسته‌ی دو میلیونی');
    assert.deepEqual(two && { price: two.priceMinor, credit: two.creditMinor, days: two.bonusExpiryDays }, { price: 2_000_000, credit: 2_300_000, days: 60 });
    await credit.getByText('۶۰ روز پس از خرید').first().waitFor();
    // Changed to never: the field emptied in the dialog.
    const row = credit.getByRole('row').filter({ hasText: 'بسته‌ی دو میلیونی' });
    await row.getByRole('button', { name: fa['loyalty.credit.changeExpiry'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: fa['loyalty.credit.expiryLabel'] }).fill('');
    await screenshot(page, 'credit-expiry-dialog-fa-390');
    await expectAccessible(page, 'bonus expiry dialog fa 390');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await until('the expiry changed to never', async () => (await packages()).find((p) => p.name.fa === 'بسته‌ی دو میلیونی')?.bonusExpiryDays === null);
    await context.close();
  });

  test('the customer page lists the bonus about to expire, with its date, in each language on a phone and a desktop', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size) => {
      await page.goto(`/customers/${memberId}`);
      const expiring = page.getByTestId('credit-expiring-bonus');
      await expiring.waitFor({ timeout: 60_000 });
      const text = await expiring.innerText();
      // 100,000 rials of bonus is 10,000 tomans, in the reader's digits; the date is in the reader's calendar (no Latin digits on fa/ar).
      assert.match(text, language === 'fa' ? /۱۰٬۰۰۰/ : language === 'ar' ? /١٠٬٠٠٠/ : /10,000/, `${language}: ${text}`);
      if (language !== 'en') assert.doesNotMatch(text, /[A-Za-z0-9]/, `${language}: no Latin in the expiring bonus`);
      const credit = page.getByTestId('customer-credit');
      await checkScreen(page, { language, width: size.width, within: '[data-testid="customer-credit"]', name: 'credit-expiring-bonus', part: credit });
    });
  });

  test('a member sees the credit, the badge, a challenge\'s progress and the streak on a phone and a desktop', async () => {
    await forEachPortalScreen(browser, vafa, `/c/${slug}/points`, signIn, async (page, language, size) => {
      const m = MESSAGES[language];
      const games = page.getByTestId('member-games');
      await games.waitFor({ timeout: 60_000 });
      await page.getByTestId('member-credit').getByText(m['memberPortal.creditBonus']).waitFor();
      await games.getByText(m['memberPortal.challengeDone']).waitFor();
      await page.getByTestId('member-credit').scrollIntoViewIfNeeded();
      await checkScreen(page, { language, width: size.width, within: 'main', name: 'games-portal-credit' });
      await games.scrollIntoViewIfNeeded();
      await games.screenshot({ path: `test-output/screenshots/games-portal-${language}-${size.width}.png` });
    });
  });
});
