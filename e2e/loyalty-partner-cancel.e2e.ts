// Cancelling a partner redemption billed to the workspace, in the browser. A member redeemed a
// cinema ticket (the cinema bills us at redemption, one of two tickets in stock); on a phone in
// Persian the owner reverses it from the member's history on the customer page: the points come
// back, the line says it was reversed, the ticket is back in stock, and the month's settlement on
// the partners screen says one redemption was cancelled and takes it off what we owe. The
// redemption and its reversal name the ticket and the cinema in the reader's language. The member's
// history and the settlement in fa, ar and en at 1366 and 390 px pass axe (screenshots in
// test-output/screenshots/partner-cancel-*), scroll nowhere sideways, and the cancellation line
// has no Latin word in fa/ar.
// Run: node --import tsx --test e2e/loyalty-partner-cancel.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

const CINEMA = { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' };
const TICKET = { fa: 'بلیت رایگان', ar: 'تذكرة مجانية', en: 'Free ticket' };

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let customerId = '';
let ticketId = '';

async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrf, ...headers }, data: body });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

async function noSidewaysScroll(): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
}

describe('cancelling a partner redemption billed to the workspace', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 2 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 }, bypassCSP: true });
    page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
    customerId = (await api<{ items: { id: string }[] }>('GET', '/api/customers?limit=1')).items[0]!.id;
    const cinema = await api<{ id: string }>('POST', '/api/loyalty/partners', {
      name: CINEMA, billingModel: 'at_redemption', pricePerPointMinor: '2000',
    }, { 'idempotency-key': 'e2e-cancel-partner' });
    ticketId = (await api<{ id: string }>('POST', `/api/loyalty/partners/${cinema.id}/offers`, {
      name: TICKET, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 365, stock: 2,
    }, { 'idempotency-key': 'e2e-cancel-offer' })).id;
    await api('POST', `/api/loyalty/members/${customerId}/earnings`, { points: 100, reason: 'هدیه', externalId: 'e2e-cancel-gift' });
    await api('POST', `/api/loyalty/partner-offers/${ticketId}/redemptions`, { customerId, externalId: 'e2e-cancel-box-office' });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('the owner reverses the ticket from the member history on a phone in Persian', async () => {
    const fa = MESSAGES.fa;
    await page.goto(`/customers/${customerId}`);
    const history = page.getByTestId('loyalty-history');
    const redemption = history.locator('li', { hasText: fa['loyalty.kind.redeem'] }).first();
    await redemption.waitFor();
    await redemption.getByRole('button', { name: fa['loyalty.member.reverse'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: fa['loyalty.member.reason'] }).fill('مشتری بلیت را پس داد');
    await dialog.getByRole('button', { name: fa['loyalty.member.reverse'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await redemption.getByText(fa['loyalty.member.reversed']).waitFor();
    assert.equal(await redemption.getByRole('button', { name: fa['loyalty.member.reverse'] }).count(), 0, 'no second cancel offered');
    await waitUntil('the 40 points back', async () => (await api<{ available: number }>('GET', `/api/loyalty/members/${customerId}`)).available === 100, 60_000);
    assert.equal((await api<{ stockLeft: number }>('GET', `/api/loyalty/partner-offers/${ticketId}`)).stockLeft, 2);
  });

  for (const lang of ['fa', 'ar', 'en'] as const) {
    test(`the member history and the settlement after the cancellation in ${lang}, at 1366 and 390 px`, async () => {
      const m = MESSAGES[lang];
      await api('PATCH', '/api/me', { language: lang });
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await page.goto(`/customers/${customerId}`);
        const reversed = page.getByTestId('loyalty-history').locator('li', { hasText: m['loyalty.member.reversed'] }).first();
        await reversed.waitFor();
        // The redemption, and the reversal above it, name the ticket and the cinema in the reader's language.
        const named = m['loyalty.member.partnerOffer'].replace('{offer}', TICKET[lang]).replace('{partner}', CINEMA[lang]);
        const lines = await page.getByTestId('loyalty-entry-partner').allInnerTexts();
        assert.deepEqual(lines.map((l) => l.replace(/[\u2068\u2069]/g, '')), [named, named]);
        if (lang !== 'en') {
          const words = (await page.getByTestId('loyalty-history').innerText()).match(/[A-Za-z]{2,}/g) ?? [];
          assert.deepEqual(words, [], 'no Latin word in the member history');
        }
        await reversed.scrollIntoViewIfNeeded();
        await noSidewaysScroll();
        await expectAccessible(page, `member history after a partner cancellation (${lang}, ${width})`);
        await screenshot(page, `partner-cancel-member-${lang}-${width}`);

        await page.goto('/loyalty/partners');
        const cancelled = page.getByTestId('settlement-cancellations').first();
        await cancelled.waitFor();
        const text = (await cancelled.textContent()) ?? '';
        if (lang !== 'en') assert.deepEqual(text.match(/[A-Za-z]{2,}/g) ?? [], [], `no Latin word in "${text}"`);
        await cancelled.scrollIntoViewIfNeeded();
        await noSidewaysScroll();
        await expectAccessible(page, `settlement with a cancellation (${lang}, ${width})`);
        await screenshot(page, `partner-cancel-settlement-${lang}-${width}`);
      }
    });
  }
});
