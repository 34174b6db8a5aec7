// A friend joining through an invite link, in the browser. A signed-out visitor who is not yet a
// customer opens the referrer's link on a phone in Persian, sees who invited them (first name
// only), types their number and the SMS code in Persian digits, and lands in the portal as a new
// customer with the consent they ticked, attached to the referrer. A member signs in with a code
// by e-mail (a real SMTP server). An invite past its join codes for the day (429 to every address,
// a member's too) says so in Persian and leaves the plain sign-in on the same screen: a member who
// came by it signs in with their phone and still names their inviter; an unknown invite says so and
// leaves the address. The join and e-mail screens in fa, ar and en at 1366 and 390 px: no Latin word
// on fa/ar screens, no sideways scroll, axe.
// Run: node --import tsx --test e2e/referral-join.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { smsProviderServer, type SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { startSmtpSink, type SmtpSink } from '../apps/server/test/smtp-sink.ts';
import { JOIN_LIMITS } from '../apps/server/src/modules/loyalty/member-otp.service.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { launchChromium, latinWordsOnScreen, noSidewaysScroll, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, LANGS, SIZES, staffApi, toPersian, until } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const KAVENEGAR_KEY = 'kv-e2e-join-key';
const FRIEND = '09357771234';
const FRIEND_E164 = '+989357771234';
const MEMBER_EMAIL = 'neda.member@example.test';

let vafa: RunningVafa;
let browser: Browser;
let sms: SmsProviderServer;
let sink: SmtpSink;
let slug = '';
let code = '';
let referrerId = '';
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

describe('joining through an invite link', { timeout: 900_000 }, () => {
  before(async () => {
    [sms, sink] = await Promise.all([smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } }), startSmtpSink()]);
    [vafa, browser] = await Promise.all([startVafa({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    slug = (await api('GET', '/api/workspace')).slug;
    await api('PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
    await api('PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: 'club@example.test' });
    await api('POST', '/api/loyalty/programs', {
      name: 'باشگاه مشتریان',
      settings: { spend: { points: 1, per: 10_000 }, pendingDays: 0, referral: { reward: 'both', referrerPoints: 200, friendPoints: 50, minOrderAmount: 500_000 } },
    });
    const referrer = await api('POST', '/api/customers', { name: 'سارا رضایی', phone: '09357770000' });
    referrerId = referrer.id;
    code = (await api('POST', `/api/loyalty/members/${referrer.id}/referral-code`)).code;
    await api('POST', '/api/customers', { name: 'ندا', email: MEMBER_EMAIL });
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
    await sms?.close();
    await sink?.close();
  });

  test('a friend who is not yet a customer joins on a phone in Persian', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`/c/${slug}/points?lang=fa&ref=${code.replace('-', '')}`);
    const card = page.getByTestId('member-join');
    await card.getByRole('heading', { level: 1, name: fa['memberPortal.join.title'].replace('{name}', 'سارا') }).waitFor({ timeout: 60_000 });
    assert.ok(!(await card.textContent())!.includes('رضایی'), 'the first name only');
    await card.getByText(toPersian('50')).first().waitFor();
    assert.deepEqual(await latinWordsOnScreen(page), []);
    await noSidewaysScroll(page, 'join fa 390');
    await card.getByRole('textbox', { name: fa['memberPortal.phone'] }).fill(toPersian(FRIEND));
    await card.getByRole('textbox', { name: fa['memberPortal.join.name'] }).fill('علی');
    await card.getByText(fa['memberPortal.join.consentSms']).click();
    await screenshot(page, 'referral-join-filled-fa-390', { fullPage: true });
    await card.getByRole('button', { name: fa['memberPortal.sendCode'] }).click();
    await page.getByRole('heading', { level: 1, name: fa['memberPortal.codeTitle'] }).waitFor();
    const send = await until('the SMS', async () => sms.sends.find((s) => s.params.receptor === FRIEND_E164));
    const otp = send.params.message!.match(/(?<![0-9])[0-9]{6}(?![0-9])/g)!.pop()!;
    await page.getByRole('textbox', { name: fa['memberPortal.code'] }).fill(toPersian(otp));
    await screenshot(page, 'referral-join-code-fa-390');
    await page.getByRole('button', { name: fa['memberPortal.signIn'] }).click();
    await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
    await page.getByTestId('member-referral-joined').getByText(fa['memberPortal.referralJoined']).waitFor({ timeout: 60_000 });
    assert.ok(!page.url().includes('ref='), `the code leaves the address: ${page.url()}`);
    assert.deepEqual(await latinWordsOnScreen(page), []);
    await noSidewaysScroll(page, 'joined fa 390');
    await screenshot(page, 'referral-join-joined-fa-390', { fullPage: true });

    const staffPage = await (await browser.newContext({ baseURL: vafa.baseUrl })).newPage();
    const api = await staff(staffPage);
    const found = (await api('GET', `/api/customers?q=${encodeURIComponent(FRIEND_E164)}`)).items as { id: string; name: string; phone: string }[];
    const friend = found.filter((c) => c.phone === FRIEND_E164);
    assert.equal(friend.length, 1, JSON.stringify(found));
    assert.equal(friend[0]!.name, 'علی');
    const full = await api('GET', `/api/customers/${friend[0]!.id}`);
    assert.equal(full.consent.sms.granted, true);
    assert.equal(full.consent.sms.source, 'referral_join');
    const referrals = (await api('GET', `/api/loyalty/referrals?customerId=${friend[0]!.id}`)).items as { referrer: { id: string }; state: string }[];
    assert.deepEqual(referrals.map((r) => [r.referrer.id, r.state]), [[referrerId, 'attached']]);
    await staffPage.context().close();
    await context.close();
  });

  test('a spent invite link says so in Persian and the member signs in with their phone instead', async () => {
    const MEMBER = '09357775555';
    const MEMBER_E164 = '+989357775555';
    const setup = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await setup.newPage());
    const inviter = await api('POST', '/api/customers', { name: 'مریم احمدی', phone: '09357776666' });
    const spent = (await api('POST', `/api/loyalty/members/${inviter.id}/referral-code`)).code as string;
    await api('POST', '/api/customers', { name: 'رضا', phone: MEMBER });
    // The invite's join codes for the day, each to a stranger's phone; the next request through it is refused.
    const ask = (phone: string) => setup.request.post(`/api/public/loyalty/${slug}/otp`, { data: { phone, referralCode: spent } });
    for (let i = 0; i < JOIN_LIMITS.perInvitePerDay; i++) {
      const sent = await ask(`0935888${String(i).padStart(4, '0')}`);
      assert.equal(sent.status(), 202, await sent.text());
    }
    const refused = await ask(MEMBER);
    assert.equal(refused.status(), 429, await refused.text());
    assert.equal((await refused.json() as { code: string }).code, 'member_join_too_many');
    await setup.close();

    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`/c/${slug}/points?lang=fa&ref=${spent}`);
    const card = page.getByTestId('member-join');
    await card.getByRole('heading', { level: 1, name: fa['memberPortal.join.title'].replace('{name}', 'مریم') }).waitFor({ timeout: 60_000 });
    await card.getByRole('textbox', { name: fa['memberPortal.phone'] }).fill(toPersian(MEMBER));
    await card.getByRole('button', { name: fa['memberPortal.sendCode'] }).click();
    // Not a dead end: the refusal in the member's words, and the plain sign-in with the number already typed.
    await page.getByTestId('member-notice').getByText(fa['memberPortal.join.spent']).waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { level: 1, name: fa['memberPortal.title'] }).waitFor();
    assert.equal(await page.getByTestId('member-join').count(), 0);
    assert.equal(await page.getByRole('alert').count(), 0, 'the refusal is the notice, not a form error');
    const phone = page.getByRole('textbox', { name: fa['memberPortal.phone'] });
    assert.equal(await phone.inputValue(), toPersian(MEMBER));
    assert.deepEqual(await latinWordsOnScreen(page), []);
    await noSidewaysScroll(page, 'spent invite fa 390');
    await screenshot(page, 'referral-join-spent-fa-390', { fullPage: true });
    const seen = sms.sends.filter((s) => s.params.receptor === MEMBER_E164).length;
    await page.getByRole('button', { name: fa['memberPortal.sendCode'] }).click();
    await page.getByRole('heading', { level: 1, name: fa['memberPortal.codeTitle'] }).waitFor({ timeout: 60_000 });
    const send = await until('the member\'s SMS', async () => sms.sends.filter((s) => s.params.receptor === MEMBER_E164)[seen]);
    const otp = send.params.message!.match(/(?<![0-9])[0-9]{6}(?![0-9])/g)!.pop()!;
    await page.getByRole('textbox', { name: fa['memberPortal.code'] }).fill(toPersian(otp));
    await page.getByRole('button', { name: fa['memberPortal.signIn'] }).click();
    await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
    // Signed in without the invite, the member (no order yet) still names who invited them.
    await page.getByTestId('member-referral-joined').getByText(fa['memberPortal.referralJoined']).waitFor({ timeout: 60_000 });
    await screenshot(page, 'referral-join-spent-signed-in-fa-390');

    // A code that is no one's: said at once, the plain sign-in, and the code out of the address.
    await context.clearCookies();
    await page.evaluate(() => localStorage.clear());
    await page.goto(`/c/${slug}/points?lang=fa&ref=ZZZZ-ZZZZ`);
    await page.getByTestId('member-notice').getByText(fa['memberPortal.join.unknown']).waitFor({ timeout: 60_000 });
    await page.getByRole('textbox', { name: fa['memberPortal.phone'] }).waitFor();
    assert.ok(!page.url().includes('ref='), `the dead code leaves the address: ${page.url()}`);
    await context.close();
  });

  test('a member signs in with a code by e-mail', async () => {
    const en = MESSAGES.en;
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 1366, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`/c/${slug}/points?lang=en`);
    await page.getByRole('button', { name: en['memberPortal.useEmail'] }).click();
    await page.getByRole('textbox', { name: en['memberPortal.email'] }).fill(MEMBER_EMAIL.toUpperCase());
    await page.getByRole('button', { name: en['memberPortal.sendEmailCode'] }).click();
    await page.getByRole('heading', { level: 1, name: en['memberPortal.codeTitle'] }).waitFor();
    await page.getByText(MEMBER_EMAIL).waitFor();
    const mail = await until('the mail', async () => sink.messages.find((m) => m.to.includes(MEMBER_EMAIL)));
    const otp = (mail.text ?? '').match(/(?<![0-9])[0-9]{6}(?![0-9])/g)!.pop()!;
    await page.getByRole('textbox', { name: en['memberPortal.codeEmail'] }).fill(otp);
    await page.getByRole('button', { name: en['memberPortal.signIn'] }).click();
    await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
    await context.close();
  });

  test('the join and e-mail screens in fa, ar and en at 1366 and 390', async () => {
    for (const size of SIZES) {
      const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: size, bypassCSP: true });
      const page = await context.newPage();
      for (const language of LANGS) {
        const m = MESSAGES[language];
        await page.goto(`/c/${slug}/points?lang=${language}&ref=${code}`);
        await page.getByTestId('member-join').getByRole('heading', { level: 1, name: m['memberPortal.join.title'].replace('{name}', 'سارا') }).waitFor({ timeout: 60_000 });
        await checkScreen(page, { language, width: size.width, within: 'main', name: 'referral-join', fullPage: true });
        await page.getByRole('button', { name: m['memberPortal.useEmail'] }).click();
        await page.getByRole('textbox', { name: m['memberPortal.email'] }).waitFor();
        await page.getByText(m['memberPortal.join.consentEmail']).waitFor();
        await checkScreen(page, { language, width: size.width, within: 'main', name: 'referral-join-email', fullPage: true });
        await page.goto(`/c/${slug}/points?lang=${language}`);
        await page.getByRole('heading', { level: 1, name: m['memberPortal.title'] }).waitFor({ timeout: 60_000 });
        await page.getByRole('button', { name: m['memberPortal.useEmail'] }).click();
        await page.getByRole('button', { name: m['memberPortal.sendEmailCode'] }).waitFor();
        await checkScreen(page, { language, width: size.width, within: 'main', name: 'member-portal-email', fullPage: true });
      }
      await context.close();
    }
  });
});
