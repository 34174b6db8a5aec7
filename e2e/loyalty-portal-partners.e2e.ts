// Partner offers in the member portal. A member on a phone, in Persian, signed in by SMS code,
// sees the coalition's offers: the partner, the offer's title in their language, the cost in their
// digits, which one is theirs to use now, which needs more points, and which opens after more
// spend; takes the open one in a confirmed tap (the points leave the balance and the redemption
// tops the history, without a reload; a reference in Persian digits to show at the partner); an offer taken off by staff disappears. Axe and screenshots in
// fa, ar and en at 1366 and 390 px; no Latin word on fa/ar; no sideways scroll.
// Run: node --import tsx --test e2e/loyalty-portal-partners.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { smsProviderServer, type SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';
import { type Api, checkScreen, forEachPortalScreen, latinWords, noSidewaysScroll, signInToPortal, staffApi, toPersian } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const KAVENEGAR_KEY = 'kv-e2e-portal-partners-key';
const PHONE = '09357653333';
const E164 = '+989357653333';
const CINEMA = { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' };
const TICKET = { fa: 'بلیت رایگان', ar: 'تذكرة مجانية', en: 'Free ticket' };
const POPCORN = { fa: 'ذرت بوداده بزرگ', ar: 'فشار كبير', en: 'Large popcorn' };
const PREMIERE = { fa: 'اکران ویژه', ar: 'عرض خاص', en: 'Premiere night' };

let vafa: RunningVafa;
let browser: Browser;
let sms: SmsProviderServer;
let slug = '';
let premiereId = '';

describe('partner offers in the member portal', { timeout: 900_000 }, () => {
  before(async () => {
    sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } });
    [vafa, browser] = await Promise.all([startVafa({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staffApi(await context.newPage(), vafa);
    slug = (await api('GET', '/api/workspace')).slug;
    await api('PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    const cinema = await api('POST', '/api/loyalty/partners', {
      name: CINEMA, contact: { person: 'Maryam Ahmadi', email: 'sales@azadi.example' }, billingModel: 'at_redemption', pricePerPointMinor: '2000',
    });
    await api('POST', `/api/loyalty/partners/${cinema.id}/offers`, {
      // On offer until the end of Esfand 1405 (midnight in Tehran before 1 Farvardin 1406 = 21 March 2027).
      name: TICKET, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 365, validUntil: '2027-03-20T20:30:00.000Z',
    });
    await api('POST', `/api/loyalty/partners/${cinema.id}/offers`, { name: POPCORN, pointsCost: 5_000, minSpendMinor: '0', spendWindowDays: 365 });
    premiereId = (await api('POST', `/api/loyalty/partners/${cinema.id}/offers`, {
      name: PREMIERE, pointsCost: 60, minSpendMinor: '50000000', spendWindowDays: 30,
    })).id;
    const member = await api('POST', '/api/customers', { name: 'مریم احمدی', phone: PHONE });
    await api('POST', `/api/loyalty/members/${member.id}/earnings`, { points: 100, reason: 'خوش‌آمد', externalId: '7001' });
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sms?.close();
  });

  test('a member on a phone, in Persian, sees the partner offers open to them and how to use them', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`/c/${slug}/points?lang=fa`);
    await signInToPortal(page, sms, PHONE, E164);
    const card = page.getByTestId('member-partner-offers');
    await card.waitFor({ timeout: 60_000 });
    await card.getByRole('heading', { name: fa['memberPortal.partners.title'] }).waitFor();
    const offers = card.getByTestId('member-partner-offer');
    assert.equal(await offers.count(), 3);
    // The open ones first: the ticket the member can take now, with where to show the page.
    const ticket = offers.filter({ hasText: TICKET.fa });
    await ticket.getByText(CINEMA.fa, { exact: true }).waitFor();
    await ticket.getByText(`${toPersian('40')} امتیاز`).waitFor();
    await ticket.getByText(fa['memberPortal.partners.ready']).waitFor();
    await ticket.getByText(fa['memberPortal.partners.howRedeem'].replace('{partner}', CINEMA.fa)).waitFor();
    // Its last day, in the Solar Hijri calendar and Persian digits.
    assert.match(await ticket.locator('.member-partner-until').innerText(), /^تا پایان ۲۹ اسفند ۱۴۰۵$/);
    // The popcorn: 4,900 points short, in Persian digits.
    await offers.filter({ hasText: POPCORN.fa }).getByText(toPersian('4,900').replace(',', '٬')).waitFor();
    // The premiere: opens after spending 50,000,000 rials (shown in the workspace's rials or tomans) in 30 days.
    const premiere = offers.filter({ hasText: PREMIERE.fa });
    const premiereText = (await premiere.textContent()) ?? '';
    assert.match(premiereText, new RegExp(`${toPersian('30')} روز`), premiereText);
    assert.match(premiereText, /تومان|ریال/, premiereText);
    assert.ok(!/[0-9]/.test((await card.textContent()) ?? ''), 'no Latin digits on the Persian card');
    assert.deepEqual(await latinWords(page, 'main'), []);
    assert.equal(await card.evaluate((el) => getComputedStyle(el).direction), 'rtl');
    await noSidewaysScroll(page, 390);

    // The member takes the ticket: asked once, then the points leave the balance and a reference shows.
    await ticket.getByRole('button', { name: fa['memberPortal.partners.redeem'] }).click();
    await ticket.getByText(fa['memberPortal.partners.confirm'].replace('{points}', `${toPersian('40')} امتیاز`)).waitFor();
    await screenshot(page, 'portal-partner-redeem-confirm-fa-390');
    await ticket.getByRole('button', { name: fa['memberPortal.partners.confirmYes'] }).click();
    const done = ticket.getByTestId('member-partner-redeemed');
    await done.waitFor({ timeout: 60_000 });
    const doneText = (await done.innerText()).trim();
    assert.match(doneText, /شماره پیگیری [۰-۹]+/, doneText);
    assert.ok(!/[0-9]/.test(doneText), doneText);
    await waitUntil('the balance to drop to 60', async () => (await page.getByTestId('member-available').innerText()).trim() === toPersian('60'));
    // The history shows the redemption on top, with its reason and reference, without a reload.
    const newest = page.getByTestId('member-history').locator('li').first();
    await waitUntil('the redemption on top of the history', async () => (await newest.getAttribute('data-cause')) === 'redeemed');
    const newestText = await newest.innerText();
    assert.match(newestText, new RegExp(`−${toPersian('40')}`), newestText);
    assert.ok(newestText.includes(fa['memberPortal.cause.redeemed']), newestText);
    // It names the offer and the partner, in Persian.
    assert.equal((await newest.getByTestId('member-history-partner').innerText()).replace(/[\u2068\u2069]/g, ''), `${TICKET.fa} در ${CINEMA.fa}`);
    assert.equal(await page.getByTestId('member-history').locator('li').count(), 2, 'the welcome earn and the redemption');
    await screenshot(page, 'portal-partner-redeemed-fa-390');
    assert.deepEqual(await latinWords(page, 'main'), []);
    const staffCheck = await browser.newContext({ baseURL: vafa.baseUrl });
    const staff: Api = await staffApi(await staffCheck.newPage(), vafa);
    const reference = doneText.match(/[۰-۹]+/g)!.pop()!.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)));
    const entry = await staff('GET', `/api/loyalty/entries/${reference}`);
    assert.equal(entry.kind, 'redeem');
    assert.ok(entry.postings.some((p: { account: string; amount: number }) => p.account === 'partner_payable' && p.amount === 40), JSON.stringify(entry.postings));
    await staffCheck.close();

    // Staff take the premiere off: after a reload it is gone.
    const staffContext = await browser.newContext({ baseURL: vafa.baseUrl });
    const api: Api = await staffApi(await staffContext.newPage(), vafa);
    await api('PATCH', `/api/loyalty/partner-offers/${premiereId}`, { active: false });
    await waitUntil('the premiere to leave the portal', async () => {
      await page.reload();
      await card.waitFor({ timeout: 60_000 });
      return (await offers.count()) === 2;
    });
    await api('PATCH', `/api/loyalty/partner-offers/${premiereId}`, { active: true });
    await staffContext.close();
    await context.close();
  });

  test('screenshots in fa, ar and en at 1366 and 390', async () => {
    await forEachPortalScreen(browser, vafa, `/c/${slug}/points`, (page) => signInToPortal(page, sms, PHONE, E164), async (page, language, size) => {
      const card = page.getByTestId('member-partner-offers');
      await card.waitFor({ timeout: 60_000 });
      await card.getByRole('heading', { name: MESSAGES[language]['memberPortal.partners.title'] }).waitFor();
      await card.getByText(TICKET[language]).waitFor();
      await card.getByText(PREMIERE[language]).waitFor();
      await checkScreen(page, { language, width: size.width, within: 'main', name: 'portal-partners', part: card });
      if (size.width === 390) await screenshot(page, `portal-partners-page-${language}-${size.width}`, { fullPage: true });
      // The history's redemption names the ticket and the cinema in the reader's language.
      const named = page.getByTestId('member-history-partner').first();
      await named.waitFor();
      const at = { fa: 'در', ar: 'لدى', en: 'at' }[language];
      assert.equal((await named.innerText()).replace(/[\u2068\u2069]/g, ''), `${TICKET[language]} ${at} ${CINEMA[language]}`);
      const history = page.locator('section', { has: page.getByTestId('member-history') });
      await checkScreen(page, { language, width: size.width, within: 'main', name: 'portal-partner-history', part: history });
    });
  });
});
