// The members list, the ledger explorer and the finance report in the browser. On a 390 px phone in
// Persian, the owner finds a member by a name typed with Arabic letters, sees balances as cards in
// Persian digits, opens the ledger, narrows it to redemptions and follows an entry to the customer;
// on the finance report sets the point value and sees this month's liability, flows and rates agree
// with the API's figures, and the CSV link carries the period and language. Each screen passes axe
// in fa, ar and en at 390 and 1366 px, never scrolls sideways, and fa/ar screens show no Latin word.
// Run: node --import tsx --test e2e/loyalty-reports.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
const persian = (n: number | string) => String(n).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const grouped = (n: number) => new Intl.NumberFormat('fa-IR-u-nu-arabext').format(n);

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';
const ids: string[] = [];

async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrf, ...headers }, data: body });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

/** Latin words a person sees on the page (codes and people's own text in <bdi> or dir=ltr aside). */
async function latinWords(): Promise<string[]> {
  return page.evaluate(() => {
    const words: string[] = [];
    const walker = document.createTreeWalker(document.querySelector('main') ?? document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('bdi, code, script, style, [dir="ltr"], [translate="no"], [data-allow-latin]')) continue;
      words.push(...((node.textContent ?? '').match(/\p{Script=Latin}{2,}/gu) ?? []).filter((w) => w !== 'API'));
    }
    return words;
  });
}

async function noSidewaysScroll(name: string): Promise<void> {
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollWidth <= innerWidth, `${name}: the page is ${scrollWidth}px wide on a ${innerWidth}px screen`);
}

describe('loyalty members, ledger explorer and finance screens', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 3 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 }, bypassCSP: true });
    page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
    for (const [name, phone] of [['کیوان کاظمی', '09121230001'], ['یاسمن یزدی', '09121230002']]) {
      ids.push((await api<{ id: string }>('POST', '/api/customers', { name, phone }, { 'idempotency-key': `e2e-c-${phone}` })).id);
    }
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    await api('POST', `/api/loyalty/members/${ids[0]}/earnings`, { points: 1200, reason: 'خرید آبان', expiresAt: soon }, { 'idempotency-key': 'e2e-r-1' });
    await api('POST', `/api/loyalty/members/${ids[1]}/earnings`, { points: 300, reason: 'خرید آذر' }, { 'idempotency-key': 'e2e-r-2' });
    await api('POST', `/api/loyalty/members/${ids[0]}/redemptions`, { points: 200, reason: 'جایزه‌ی لیوان' }, { 'idempotency-key': 'e2e-r-3' });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('members: cards on a phone in Persian digits, found by a name typed with Arabic letters', async () => {
    await page.goto('/loyalty/members');
    await page.getByRole('heading', { name: fa['loyalty.members.title'], level: 1 }).waitFor();
    await page.getByText('کیوان کاظمی').waitFor();
    const shapes = await page.evaluate(() => [...document.querySelectorAll('.dt-layout-cards:has(thead)')].map((table) => ({
      head: getComputedStyle(table.querySelector('thead')!).display,
      row: getComputedStyle(table.querySelector('tbody tr')!).display,
    })));
    assert.deepEqual(shapes, [{ head: 'none', row: 'grid' }], 'the list is cards at 390 px');
    const first = page.locator('tbody tr').first();
    assert.match(await first.innerText(), new RegExp(grouped(1000)));
    assert.match(await first.innerText(), /کیوان کاظمی/);
    // The expiring points (1,000 left of the lot that expires in ten days) with their date.
    assert.match(await first.innerText(), new RegExp(grouped(1000)));
    // "كيوان" with Arabic ي finds "کیوان".
    await page.getByRole('searchbox', { name: fa['loyalty.members.search'] }).fill('كيوان');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1 && document.querySelector('tbody')!.textContent!.includes('کیوان'));
    await page.getByRole('searchbox', { name: fa['loyalty.members.search'] }).fill('۰۹۱۲۱۲۳۰۰۰۲');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1 && document.querySelector('tbody')!.textContent!.includes('یاسمن'));
    await noSidewaysScroll('members fa 390');
    assert.deepEqual(await latinWords(), []);
    await expectAccessible(page, 'members fa 390');
    await screenshot(page, 'loyalty-reports/members-fa-390', { fullPage: true });
  });

  test('ledger explorer: postings, key and actor; narrowed to redemptions; an entry leads to the customer', async () => {
    await page.goto('/loyalty/ledger');
    await page.getByRole('heading', { name: fa['loyalty.ledger.title'], level: 1 }).waitFor();
    await page.getByText('جایزه‌ی لیوان').waitFor();
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 3);
    const redeem = rows.filter({ hasText: 'جایزه‌ی لیوان' });
    const text = await redeem.innerText();
    assert.match(text, new RegExp(fa['loyalty.account.redemptions']));
    assert.match(text, new RegExp(`\\+${persian(200)}`));
    assert.match(text, /e2e-r-3/);
    await page.getByRole('button', { name: new RegExp(fa['loyalty.ledger.kind']) }).click();
    await page.getByRole('option', { name: fa['loyalty.kind.redeem'], exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await noSidewaysScroll('ledger fa 390');
    assert.deepEqual(await latinWords(), []);
    await expectAccessible(page, 'ledger fa 390');
    await screenshot(page, 'loyalty-reports/ledger-fa-390', { fullPage: true });
    await rows.first().getByRole('link', { name: 'کیوان کاظمی' }).click();
    await page.waitForURL(`**/customers/${ids[0]}`);
  });

  test('finance: the point value set on the page prices this month\'s liability; figures match the API', async () => {
    await page.goto('/loyalty/finance');
    await page.getByRole('heading', { name: fa['loyalty.finance.title'], level: 1 }).waitFor();
    await page.getByText(fa['loyalty.finance.noValue']).waitFor();
    await page.getByRole('textbox', { name: fa['loyalty.finance.valuePoints'], exact: true }).fill('۱۰');
    await page.getByRole('textbox', { name: fa['loyalty.finance.valueMinor'], exact: true }).fill('۵۰۰۰');
    await page.getByRole('button', { name: fa['loyalty.finance.saveValue'] }).click();
    await page.getByText(fa['loyalty.finance.noValue']).waitFor({ state: 'detached' });
    const settings = await api<{ pointValue: { points: number; minor: number } }>('GET', '/api/loyalty/finance/settings');
    assert.deepEqual(settings.pointValue, { points: 10, minor: 5000 });
    // This month in the workspace's Solar Hijri calendar, as the page chose it by default.
    const today = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'Asia/Tehran', year: 'numeric', month: 'numeric' }).formatToParts(new Date());
    const year = Number(today.find((p) => p.type === 'year')!.value);
    const month = Number(today.find((p) => p.type === 'month')!.value);
    const report = await api<{ liability: { points: number; minor: string }; flows: { issued: number; redeemed: number } }>('GET', `/api/loyalty/finance/report?period=month&year=${year}&index=${month}`);
    assert.equal(report.liability.points, 1300);
    assert.equal(report.flows.issued, 1500);
    const liability = page.locator('section[aria-labelledby="finance-liability"]');
    await liability.locator('.finance-big', { hasText: grouped(1300) }).waitFor();
    // 1,300 points at 10 = 5,000 rials: 650,000 rials, shown in tomans when the workspace says so.
    const { irrDisplay } = await api<{ irrDisplay: 'rial' | 'toman' }>('GET', '/api/workspace');
    assert.match(await liability.innerText(), new RegExp(`${grouped(irrDisplay === 'toman' ? 65_000 : 650_000)} ${irrDisplay === 'toman' ? 'تومان' : 'ریال'}`));
    const flows = await page.locator('section[aria-labelledby="finance-flows"]').innerText();
    assert.match(flows, new RegExp(grouped(1500)));
    assert.match(flows, new RegExp(grouped(200)));
    // 200 of 1,500 redeemed: 13.33 %.
    assert.match(flows, /۱۳٫۳۳/);
    const csv = await page.getByRole('link', { name: fa['loyalty.finance.csv'] }).getAttribute('href');
    assert.equal(csv, `/api/loyalty/finance/report.csv?period=month&year=${year}&index=${month}&lang=fa`);
    const download = await page.request.get(csv!);
    assert.equal(download.status(), 200);
    assert.ok((await download.text()).startsWith('\uFEFF'));
    await page.getByText(fa['loyalty.finance.help']).click();
    await page.getByText(fa['loyalty.finance.help.rates']).waitFor();
    await noSidewaysScroll('finance fa 390');
    assert.deepEqual(await latinWords(), []);
    await expectAccessible(page, 'finance fa 390');
    await screenshot(page, 'loyalty-reports/finance-fa-390', { fullPage: true });
  });

  test('the three screens in fa, ar and en at phone and desktop size pass axe, keep to the screen, and fa/ar show no Latin word', async () => {
    for (const language of ['fa', 'ar', 'en'] as const) {
      await api('PATCH', '/api/me', { language });
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        for (const [name, path, ready] of [
          ['members', '/loyalty/members', 'tbody tr'], ['ledger', '/loyalty/ledger', 'tbody tr'], ['finance', '/loyalty/finance', 'section[aria-labelledby="finance-flows"]'],
        ] as const) {
          await page.goto(path);
          await page.locator(ready).first().waitFor();
          await noSidewaysScroll(`${name} ${language} ${width}`);
          if (language !== 'en') assert.deepEqual(await latinWords(), [], `${name} ${language} ${width}`);
          await expectAccessible(page, `${name} ${language} ${width}`);
          await screenshot(page, `loyalty-reports/${name}-${language}-${width}`, { fullPage: true });
        }
      }
    }
  });
});
