// The goodwill coupon in the complaint settings, in the browser: a manager in Persian picks
// "coupon" for a new complaint, is told on the field to choose which discount coupon when saving
// without one, chooses it and saves; then the same settings are read in Persian, Arabic and
// English at 1366 and 390 px: the chosen coupon shown by its name in the reader's language, no
// Latin letters in the goodwill box on fa/ar screens, no sideways scroll, accessible. A complaint
// then gives its customer the coupon: the customer page lists the code, and cancelling it says no
// points go back (it was a gift), in each language and width.
// With VAFA_SHOTS=1 it also screenshots each screen.
// Run: node --import tsx --test e2e/complaint-goodwill.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

const SHOTS = process.env.VAFA_SHOTS === '1';
const REWARD_NAME = { fa: 'کد تخفیف دلجویی', ar: 'قسيمة اعتذار', en: 'Apology discount' };

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';

async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrf, ...headers }, data: body });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

describe('the goodwill coupon in the complaint settings', { timeout: 900_000 }, () => {
  let rewardId = '';
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1366, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
    rewardId = (await api<{ id: string }>('POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: REWARD_NAME, pointsCost: 500 })).id;
    await api('POST', `/api/loyalty/rewards/${rewardId}/codes/generate`, { count: 5 }, { 'idempotency-key': 'e2e-goodwill-codes' });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a coupon without a chosen discount coupon is refused on its field; with one it is saved', async () => {
    const fa = MESSAGES.fa;
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/complaints/settings?section=loop');
    await page.getByRole('heading', { level: 2, name: fa['complaints.settings.loop.title'] }).waitFor();
    const filing = page.getByRole('group', { name: fa['complaints.settings.loop.onFiling'], exact: true });
    await filing.getByRole('button', { name: new RegExp(fa['complaints.settings.loop.onFiling']) }).first().click();
    await page.getByRole('option', { name: fa['complaints.settings.loop.gesture.coupon'], exact: true }).click();
    await page.getByRole('button', { name: fa['common.save'], exact: true }).first().click();
    await filing.getByText(fa['complaints.settings.code.goodwill_coupon_reward_required']).waitFor();
    if (SHOTS) await screenshot(page, 'complaint-goodwill/fa-1366-refused', { fullPage: true });
    await filing.getByRole('button', { name: new RegExp(fa['complaints.settings.loop.couponReward']) }).click();
    await page.getByRole('option', { name: REWARD_NAME.fa, exact: true }).click();
    await page.getByRole('button', { name: fa['common.save'], exact: true }).first().click();
    await page.getByText(fa['complaints.settings.loop.saved']).first().waitFor();
    const saved = await api<{ goodwill: { onFiling: { kind: string; rewardId?: string } | null } }>('GET', '/api/complaint-settings');
    assert.deepEqual([saved.goodwill.onFiling?.kind, saved.goodwill.onFiling?.rewardId], ['coupon', rewardId]);
    assert.deepEqual(errors, []);
  });

  for (const language of ['fa', 'ar', 'en'] as const) {
    test(`the chosen coupon read in ${language} at 1366 and 390 px`, async () => {
      const m = MESSAGES[language];
      await api('PATCH', '/api/me', { language });
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto('/complaints/settings?section=loop');
        await page.getByRole('heading', { level: 2, name: m['complaints.settings.loop.title'] }).waitFor();
        const filing = page.getByRole('group', { name: m['complaints.settings.loop.onFiling'], exact: true });
        const reward = filing.getByRole('button', { name: new RegExp(m['complaints.settings.loop.couponReward']) });
        await reward.getByText(REWARD_NAME[language]).waitFor();
        await filing.getByText(m['complaints.settings.loop.couponRewardHint']).waitFor();
        const goodwill = page.locator('fieldset', { has: page.getByText(m['complaints.settings.loop.goodwillHint']) });
        if (language !== 'en') assert.doesNotMatch(await goodwill.innerText(), /[A-Za-z]/, `Latin letters in the ${language} goodwill box`);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(sideways <= 0, `${language} at ${width} px scrolls sideways by ${sideways} px`);
        if (SHOTS) await screenshot(page, `complaint-goodwill/${language}-${width}`, { fullPage: true });
      }
      await expectAccessible(page, `${language} complaint goodwill`);
    });
  }

  test('a complaint gives its customer the coupon: listed on the customer page, and its cancellation says no points go back', async () => {
    const customer = await api<{ id: string }>('POST', '/api/customers', { name: 'مریم رضایی', phone: '09123334455' });
    await api('POST', '/api/complaints', { channel: 'phone', customerId: customer.id, description: 'بسته شکسته رسید.' });
    const [gift] = await waitUntil('the goodwill coupon', async () => {
      const { items } = await api<{ items: { code: string; points: number }[] }>('GET', `/api/loyalty/members/${customer.id}/coupons`);
      return items.length === 1 && items;
    });
    assert.equal(gift!.points, 0);
    for (const language of ['fa', 'ar', 'en'] as const) {
      const m = MESSAGES[language];
      await api('PATCH', '/api/me', { language });
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`/customers/${customer.id}`);
        const coupons = page.getByTestId('customer-coupons');
        await coupons.getByText(gift!.code).waitFor();
        await coupons.getByRole('button', { name: m['loyalty.coupons.cancel'], exact: true }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByText(m['loyalty.coupons.cancelGiftUnused']).waitFor();
        if (language !== 'en') assert.doesNotMatch(await dialog.innerText(), /[A-Za-z]/, `Latin letters in the ${language} dialog`);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(sideways <= 0, `${language} at ${width} px scrolls sideways by ${sideways} px`);
        if (SHOTS) await screenshot(page, `complaint-goodwill/gift-cancel-${language}-${width}`);
        if (width === 390) await expectAccessible(page, `${language} gift coupon cancellation`);
        await dialog.getByRole('button', { name: m['loyalty.coupons.keep'], exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
      }
    }
  });
});
