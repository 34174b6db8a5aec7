// Referrals in the browser. Staff: /loyalty's referrals section lists who referred whom with the
// state (paid, not paid with the reason, waiting) and a manager changes a program's referral rules
// from it. A member on a phone signs in to the portal with the SMS code, taps for their invite link
// and sees the code and link with copy. Axe and screenshots in fa, ar and en at 1366 and 390 px;
// no Latin word on a fa/ar screen outside codes and addresses.
// Run: node --import tsx --test e2e/referrals.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { smsProviderServer, type SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, forEachPortalScreen, forEachStaffScreen, latinWords, signInToPortal, staffApi, toPersian, until } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const KAVENEGAR_KEY = 'kv-e2e-referral-key';
const PHONE = '09357654321';
const E164 = '+989357654321';

let vafa: RunningVafa;
let browser: Browser;
let sms: SmsProviderServer;
let slug = '';
let programId = '';
let referrerCode = '';
const PHONE2 = '09357650000';
const E164_2 = '+989357650000';
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

describe('referrals', { timeout: 900_000 }, () => {
  before(async () => {
    sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } });
    [vafa, browser] = await Promise.all([startVafa({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    slug = (await api('GET', '/api/workspace')).slug;
    await api('PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    const program = await api('POST', '/api/loyalty/programs', {
      name: 'باشگاه مشتریان',
      settings: { spend: { points: 1, per: 10_000 }, pendingDays: 0, referral: { reward: 'both', referrerPoints: 200, friendPoints: 50, minOrderAmount: 500_000, maxPerReferrerPer30Days: 1 } },
    });
    programId = program.id;
    const referrer = await api('POST', '/api/customers', { name: 'سارا رضایی', phone: PHONE });
    const friends = [
      await api('POST', '/api/customers', { name: 'علی محمدی', phone: '09121110001' }),
      await api('POST', '/api/customers', { name: 'مریم احمدی', phone: '09121110002' }),
      await api('POST', '/api/customers', { name: 'رضا کریمی', phone: '09121110003' }),
    ];
    await api('POST', '/api/customers', { name: 'نگار صادقی', phone: PHONE2 });
    const code = (await api('POST', `/api/loyalty/members/${referrer.id}/referral-code`)).code;
    referrerCode = code;
    for (const f of friends) await api('POST', '/api/loyalty/referrals', { friendId: f.id, code });
    await api('POST', '/api/loyalty/orders', { externalId: 'ref-e2e-1', customerId: friends[0]!.id, lines: [{ id: '1', amount: 600_000 }] });
    await until('the first referral paid', async () => (await api('GET', `/api/loyalty/referrals?state=qualified`)).items.length === 1);
    await api('POST', '/api/loyalty/orders', { externalId: 'ref-e2e-2', customerId: friends[1]!.id, lines: [{ id: '1', amount: 700_000 }] });
    await until('the second referral refused', async () => (await api('GET', `/api/loyalty/referrals?state=refused`)).items.length === 1);
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sms?.close();
  });

  test('staff see who referred whom and what became of it, and a manager changes the rules', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size) => {
      const m = MESSAGES[language];
      await page.goto('/loyalty');
      const section = page.locator('section.referrals');
      await section.getByText(m['loyalty.referrals.stateName.refused']).first().waitFor({ timeout: 60_000 });
      await section.getByText(m['loyalty.referrals.reason.velocity_limit']).waitFor();
      await section.getByText(m['loyalty.referrals.stateName.qualified']).first().waitFor();
      await section.getByText(m['loyalty.referrals.stateName.attached']).first().waitFor();
      await checkScreen(page, { language, width: size.width, within: 'section.referrals', name: 'referrals-staff', part: section });
    });

    // A manager, in Persian on a phone, pays the friend 75 instead of 50.
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.goto('/loyalty');
    const section = page.locator('section.referrals');
    await section.getByRole('button', { name: fa['loyalty.referrals.edit'] }).click();
    const friendPoints = section.getByRole('textbox', { name: fa['loyalty.referrals.friendPoints'] });
    await friendPoints.fill(toPersian('75'));
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'referrals-staff-form-fa-390', { fullPage: true });
    await expectAccessible(page, 'referrals form fa 390');
    await section.getByRole('button', { name: fa['common.save'] }).click();
    await section.getByText(fa['loyalty.referrals.pays.both'].replace('{referrer}', toPersian('200')).replace('{friend}', toPersian('75'))).waitFor();
    const saved = await api('GET', `/api/loyalty/programs/${programId}`);
    assert.deepEqual(saved.settings.referral, { reward: 'both', referrerPoints: 200, friendPoints: 75, minOrderAmount: 500_000, maxPerReferrerPer30Days: 1 });
    assert.equal(saved.version, 2);
    await context.close();
  });

  test('a member signs in on a phone, taps for their invite link and sees the code and link', async () => {
    // A friend opens the referrer's invite link, signs in, and is attached to the referrer; then makes their own link with one tap.
    {
      const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`/c/${slug}/points?lang=fa&ref=${referrerCode.replace('-', '')}`);
      await signInToPortal(page, sms, PHONE2, E164_2);
      const card = page.getByTestId('member-referral');
      await page.getByTestId('member-referral-joined').getByText(fa['memberPortal.referralJoined']).waitFor({ timeout: 60_000 });
      assert.ok(!page.url().includes('ref='), `the code leaves the address: ${page.url()}`);
      const staffPage = await (await browser.newContext({ baseURL: vafa.baseUrl })).newPage();
      const attached = (await (await staff(staffPage))('GET', '/api/loyalty/referrals?state=attached')).items as { friend: { name: string }; code: string }[];
      assert.ok(attached.some((r) => r.friend.name === 'نگار صادقی' && r.code === referrerCode), JSON.stringify(attached));
      await staffPage.context().close();
      await screenshot(page, 'referrals-portal-joined-fa-390');
      await card.getByText(fa['memberPortal.referralWhen']).waitFor({ timeout: 60_000 });
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'referrals-portal-before-fa-390');
      await card.getByRole('button', { name: fa['memberPortal.referralMake'] }).click();
      const made = page.getByTestId('member-referral-code');
      await made.waitFor();
      assert.match((await made.textContent())!, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
      assert.notEqual(await made.textContent(), referrerCode);
      await screenshot(page, 'referrals-portal-made-fa-390');
      await context.close();
    }

    // The referrer, paid for a friend, in each language at phone and desktop size: the same code the staff gave.
    // One sign-in per screen size (a phone gets 3 codes in 15 minutes); the languages by ?lang= on the same session.
    await forEachPortalScreen(browser, vafa, `/c/${slug}/points`, (page) => signInToPortal(page, sms, PHONE, E164), async (page, language, size) => {
      const m = MESSAGES[language];
      const card = page.getByTestId('member-referral');
      await card.waitFor({ timeout: 60_000 });
      await page.getByTestId('member-referral-code').waitFor();
      const shown = (await page.getByTestId('member-referral-code').textContent())!;
      assert.equal(shown, referrerCode, 'the code the staff gave');
      // the friend's referral in the history, in the member's words (no program topic)
      await page.getByTestId('member-history').getByText(m['memberPortal.cause.referral']).waitFor();
      if (language !== 'en') assert.deepEqual(await latinWords(page, 'main'), [], `${language} ${size.width} main`);
      const link = (await page.getByTestId('member-referral-link').textContent())!;
      assert.equal(link, `${vafa.baseUrl}/c/${slug}/points?ref=${shown.replace('-', '')}`);
      await card.getByRole('button', { name: m['common.copy'] }).click();
      await card.getByRole('button', { name: m['common.copied'] }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
      await card.scrollIntoViewIfNeeded();
      await checkScreen(page, { language, width: size.width, within: '[data-testid="member-referral"]', name: 'referrals-portal' });
    }, { permissions: ['clipboard-read', 'clipboard-write'] });
  });
});
