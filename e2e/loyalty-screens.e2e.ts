// The loyalty screens in the browser. On a phone-size page in Persian, a manager opens a customer,
// sees the points credited through the API with every expiry date listed (not only the soonest),
// gives points by hand with a reason (typed with Persian digits) and sees the balance and the
// history change, spends more than the balance and is stopped on the field, then reverses the
// credit. On /loyalty the program, reward and charity made through the API are listed and the
// ledger check finds no drift. Each screen passes axe in fa, ar and en at phone and desktop size,
// and a Persian or Arabic screen shows no Latin word.
// Run: node --import tsx --test e2e/loyalty-screens.e2e.ts
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, SHOTS, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
const persian = (n: number | string) => String(n).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const grouped = (n: number) => new Intl.NumberFormat('fa-IR-u-nu-arabext').format(n);
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
let customerId = '';

async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrf, ...headers }, data: body });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

/** Words in Latin letters in the loyalty card or page (people's own text, in <bdi>, aside). */
async function latinWords(): Promise<string[]> {
  return page.evaluate(() => {
    const words: string[] = [];
    for (const root of document.querySelectorAll('section.loyalty-card, .loyalty-page, [role="dialog"]')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if ((node.parentElement?.closest('bdi, code, script, style'))) continue;
      words.push(...(node.textContent ?? '').match(/[A-Za-z]{2,}/g) ?? []);
    }
    }
    return words;
  });
}

describe('loyalty screens', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 5 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 }, bypassCSP: true });
    page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
    const customers = await api<{ items: { id: string }[] }>('GET', '/api/customers?limit=1');
    customerId = customers.items[0]!.id;
    await api('POST', '/api/loyalty/programs', { name: 'باشگاه مشتریان', settings: { spend: { points: 1, per: 10_000 }, pendingDays: 7, expiry: { kind: 'rolling', days: 365 } } });
    await api('POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'لیوان سفالی', ar: 'كوب فخاري', en: 'Clay mug' }, pointsCost: 300, stock: 20 });
    await api('POST', '/api/loyalty/charities', { name: { fa: 'خیریهٔ کودکان', ar: 'جمعية الأطفال', en: 'Children\'s charity' }, ratePoints: 10, rateMinor: 1_000 });
    // Two lots with their own expiries: the card lists both dates.
    const soon = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const later = new Date(Date.now() + 200 * 86_400_000).toISOString();
    await api('POST', `/api/loyalty/members/${customerId}/earnings`, { points: 120, reason: 'خرید فروردین', expiresAt: soon }, { 'idempotency-key': 'e2e-lot-1' });
    await api('POST', `/api/loyalty/members/${customerId}/earnings`, { points: 80, reason: 'خرید اردیبهشت', expiresAt: later }, { 'idempotency-key': 'e2e-lot-2' });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a manager sees, gives, is refused an overdraft and reverses points on the customer page, in Persian on a phone', async () => {
    await page.goto(`/customers/${customerId}`);
    const card = page.locator('section.loyalty-card');
    const balances = card.getByTestId('loyalty-balances');
    await balances.waitFor();
    assert.match(await balances.innerText(), new RegExp(persian(200)));
    const expiring = card.getByTestId('loyalty-expiring').locator('li');
    assert.equal(await expiring.count(), 2, 'both expiry dates are listed');
    assert.match(await expiring.nth(0).innerText(), new RegExp(persian(120)));
    assert.match(await expiring.nth(1).innerText(), new RegExp(persian(80)));
    await expectAccessible(page, 'customer loyalty card fa 390');
    await screenshot(page, 'loyalty/customer-card-fa-390', { fullPage: true });
    await card.screenshot({ path: path.join(SHOTS, 'loyalty/card-only-fa-390.png') });

    // Give 50 points, typed with Persian digits, with a reason.
    await card.getByRole('button', { name: fa['loyalty.member.earn'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(fa['loyalty.member.points']).fill('۵۰');
    await dialog.getByLabel(fa['loyalty.member.reason']).fill('جبران تأخیر ارسال');
    await dialog.getByRole('button', { name: fa['loyalty.member.earn'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((text) => document.querySelector('[data-testid="loyalty-balances"]')?.textContent?.includes(text), persian(250));
    const history = card.getByTestId('loyalty-history');
    await history.getByText('جبران تأخیر ارسال').waitFor();
    const stored = await api<{ available: number }>('GET', `/api/loyalty/members/${customerId}`);
    assert.equal(stored.available, 250);

    // Spending more than the balance is stopped on the field, before any request.
    await card.getByRole('button', { name: fa['loyalty.member.redeem'] }).click();
    await dialog.getByLabel(fa['loyalty.member.points']).fill('۱۰۰۰');
    await dialog.getByText(fill(fa['loyalty.member.pointsOver'], { available: grouped(250) })).waitFor();
    assert.equal(await dialog.getByRole('button', { name: fa['loyalty.member.redeem'] }).isDisabled(), true);
    await dialog.getByRole('button', { name: fa['common.cancel'] }).click();
    await dialog.waitFor({ state: 'detached' });

    // Reverse the hand-given credit: the balance goes back, the entry stays marked.
    const given = history.locator('li', { hasText: 'جبران تأخیر ارسال' });
    await given.getByRole('button', { name: fa['loyalty.member.reverse'] }).click();
    await dialog.getByLabel(fa['loyalty.member.reason']).fill('ثبت اشتباه');
    await dialog.getByRole('button', { name: fa['loyalty.member.reverse'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((text) => document.querySelector('[data-testid="loyalty-balances"]')?.textContent?.includes(text), persian(200));
    await given.getByText(fa['loyalty.member.reversed']).waitFor();
    assert.equal((await api<{ available: number }>('GET', `/api/loyalty/members/${customerId}`)).available, 200);
    assert.deepEqual(await latinWords(), []);
  });

  test('/loyalty lists the program, the reward and the charity, and the ledger check finds no drift', async () => {
    await page.goto('/loyalty');
    await page.getByRole('heading', { name: fa['loyalty.title'], level: 1 }).waitFor();
    await page.getByRole('link', { name: 'باشگاه مشتریان' }).waitFor();
    await page.getByText('لیوان سفالی').waitFor();
    await page.getByText('خیریهٔ کودکان').waitFor();
    // The loyalty screens' links, on a page loaded afresh here (no other loyalty screen's styles
    // loaded yet): apart from each other, not run together as one line of text.
    const boxes = await page.locator('nav.loyalty-screens-nav a').evaluateAll((links) => links.map((a) => {
      const r = a.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }));
    assert.ok(boxes.length >= 3, `the screens' links: ${boxes.length}`);
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes[i - 1]!, boxes[i]!];
      const sameRow = a.top < b.bottom && b.top < a.bottom;
      if (sameRow) assert.ok(Math.max(b.left - a.right, a.left - b.right) >= 8, `links ${i - 1} and ${i} touch: ${JSON.stringify([a, b])}`);
    }
    await page.getByRole('button', { name: fa['loyalty.verify.run'] }).click();
    const result = page.getByTestId('loyalty-verify-result');
    await result.getByText(fa['loyalty.verify.ok']).waitFor();
    assert.deepEqual(await latinWords(), []);
    await expectAccessible(page, 'loyalty fa 390');
    await screenshot(page, 'loyalty/overview-fa-390', { fullPage: true });
  });

  test('both screens in ar and en, at phone and desktop size, pass axe; Arabic shows no Latin word', async () => {
    for (const language of ['ar', 'en'] as const) {
      await api('PATCH', '/api/me', { language });
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.goto(`/customers/${customerId}`);
        await page.getByTestId('loyalty-balances').waitFor();
        await page.getByTestId('loyalty-history').waitFor();
        await expectAccessible(page, `customer loyalty card ${language} ${width}`);
        if (language === 'ar') assert.deepEqual(await latinWords(), []);
        await screenshot(page, `loyalty/customer-card-${language}-${width}`, { fullPage: true });
        await page.locator('section.loyalty-card').screenshot({ path: path.join(SHOTS, `loyalty/card-only-${language}-${width}.png`) });
        await page.goto('/loyalty');
        await page.getByText(language === 'ar' ? 'كوب فخاري' : 'Clay mug').waitFor();
        await expectAccessible(page, `loyalty ${language} ${width}`);
        if (language === 'ar') assert.deepEqual(await latinWords(), []);
        await screenshot(page, `loyalty/overview-${language}-${width}`, { fullPage: true });
      }
    }
  });
});
