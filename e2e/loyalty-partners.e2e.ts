// The partners screen in the browser. A manager on a phone in Persian adds a partner through the
// form (price typed in Persian digits), sees it listed with its terms, opens its offers and adds
// one with a stock, sets the stock of another (refused below what was redeemed), and reads the month's settlement of points earned and redeemed through the API, each way,
// with its CSV link. The screen passes axe in fa, ar and en at phone and desktop size (screenshots
// in test-output/screenshots/partners-*), scrolls nowhere sideways, and shows no Latin word in fa/ar
// beyond people's own text and the file type.
// Run: node --import tsx --test e2e/loyalty-partners.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;

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

/** Words in Latin letters on the page (people's own text in <bdi> aside). */
async function latinWords(): Promise<string[]> {
  return page.evaluate(() => {
    const words: string[] = [];
    for (const root of document.querySelectorAll('.partners-page, [role="dialog"]')) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement?.closest('bdi, code, script, style, input')) continue;
        words.push(...((node.textContent ?? '').match(/[A-Za-z]{2,}/g) ?? []));
      }
    }
    return words;
  });
}

async function noSidewaysScroll(): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
}

describe('loyalty partners screen', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 3 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 }, bypassCSP: true });
    page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
    const customerId = (await api<{ items: { id: string }[] }>('GET', '/api/customers?limit=1')).items[0]!.id;
    const shop = await api<{ id: string }>('POST', '/api/loyalty/partners', {
      name: { fa: 'کتاب‌فروشی شهر', ar: 'مكتبة المدينة', en: 'City Books' }, billingModel: 'at_earning', pricePerPointMinor: '1500', monthlyEarnCap: 10_000,
    }, { 'idempotency-key': 'e2e-partner-1' });
    const cinema = await api<{ id: string }>('POST', '/api/loyalty/partners', {
      name: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' }, billingModel: 'at_redemption', pricePerPointMinor: '2000',
    }, { 'idempotency-key': 'e2e-partner-2' });
    const ticket = await api<{ id: string }>('POST', `/api/loyalty/partners/${cinema.id}/offers`, {
      name: { fa: 'بلیت رایگان', ar: 'تذكرة مجانية', en: 'Free ticket' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 365,
    }, { 'idempotency-key': 'e2e-offer-1' });
    await api('POST', `/api/loyalty/partners/${shop.id}/earnings`, { customerId, points: 120, externalId: 'pos-1' });
    await api('POST', `/api/loyalty/partner-offers/${ticket.id}/redemptions`, { customerId, externalId: 'box-office-1' });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a manager adds a partner and an offer on a phone in Persian, and reads the settlement', async () => {
    await page.goto('/loyalty/partners');
    await page.getByRole('heading', { level: 1, name: fa['loyalty.partners.title'] }).waitFor();
    const list = page.locator('section[aria-labelledby="partners-list"]');
    await list.getByText('سینما آزادی').waitFor();
    await page.getByRole('button', { name: fa['loyalty.partners.new'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(fa['loyalty.partners.nameFa']).fill('نان‌وایی سنگک');
    await dialog.getByLabel(fa['loyalty.partners.priceIn'].replace('{unit}', 'ریال')).fill('۲۵۰۰');
    await dialog.getByText(fa['loyalty.partners.priceIs'].split('{amount}')[0]!.trim()).waitFor();
    await dialog.getByLabel(fa['loyalty.partners.redeemCap']).fill('۵۰۰');
    await screenshot(page, 'partners-editor-fa-390');
    await expectAccessible(page, 'partner editor fa 390');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/loyalty/partners') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    const answer = await saved;
    assert.equal(answer.status(), 201, await answer.text());
    await dialog.waitFor({ state: 'detached' });
    const row = list.getByText('نان‌وایی سنگک');
    await row.waitFor();
    const partners = await api<{ items: { id: string; name: { fa?: string }; pricePerPointMinor: string; monthlyRedeemCap: number | null }[] }>('GET', '/api/loyalty/partners');
    const bakery = partners.items.find((p) => p.name.fa === 'نان‌وایی سنگک');
    assert.deepEqual([bakery?.pricePerPointMinor, bakery?.monthlyRedeemCap], ['2500', 500]);

    // The cinema's offers, and a new one.
    const cinemaRow = list.locator('tr, li, [role="row"], .data-table-card').filter({ hasText: 'سینما آزادی' }).first();
    await cinemaRow.getByRole('button', { name: fa['loyalty.partners.offers'] }).click();
    const offers = page.getByRole('dialog');
    await offers.getByText('بلیت رایگان').waitFor();
    await offers.getByRole('button', { name: fa['loyalty.partners.newOffer'] }).click();
    await offers.getByLabel(fa['loyalty.partners.nameFa']).fill('پاپ‌کورن');
    await offers.getByLabel(fa['loyalty.partners.offerCost']).fill('۱۵');
    await offers.getByLabel(fa['loyalty.partners.minSpendIn'].replace('{unit}', 'ریال')).fill('۵۰۰۰۰۰۰');
    await offers.getByLabel(fa['loyalty.partners.stockField']).fill('۳');
    // On offer until the end of 13 Farvardin 1406, typed in the Solar Hijri calendar.
    const lastDay = offers.getByRole('group', { name: fa['loyalty.rewards.lastDay'], exact: true });
    for (const [part, digits] of [['year', '۱۴۰۶'], ['month', '۰۱'], ['day', '۱۳']] as const) {
      await lastDay.locator(`[data-type="${part}"]`).click();
      await page.keyboard.type(digits);
    }
    await offers.getByRole('button', { name: fa['common.save'] }).click();
    await offers.getByText('پاپ‌کورن').waitFor();
    await offers.getByText(/تا ۱۳ فروردین ۱۴۰۶/).waitFor();
    const cinemaId = partners.items.find((p) => p.name.fa === 'سینما آزادی')!.id;
    const popcorn = (await api<{ items: { name: { fa?: string }; validFrom: string | null; validUntil: string | null }[] }>('GET', `/api/loyalty/partners/${cinemaId}/offers`))
      .items.find((o) => o.name.fa === 'پاپ‌کورن');
    // The midnight in Tehran after 13 Farvardin 1406 (2 April 2027).
    assert.deepEqual([popcorn?.validFrom, popcorn?.validUntil], [null, '2027-04-02T20:30:00.000Z']);
    await offers.getByText('۳ از ۳ مانده').waitFor();
    // The ticket, unlimited with one redeemed, given a stock: not below the one redeemed, then 2 (1 left).
    await offers.getByText(fa['loyalty.partners.unlimited']).waitFor();
    await offers.getByRole('button', { name: fa['loyalty.partners.setStockOf'].replace('{name}', 'بلیت رایگان') }).click();
    const stockField = offers.getByLabel(fa['loyalty.partners.stockField']);
    await stockField.fill('۰');
    await offers.getByRole('button', { name: fa['common.save'] }).click();
    await offers.getByText(fa['loyalty.partners.stockBelowRedeemed']).waitFor();
    await screenshot(page, 'partners-offer-stock-fa-390');
    await expectAccessible(page, 'partner offer stock fa 390');
    assert.deepEqual(await latinWords(), []);
    await stockField.fill('۲');
    const stocked = page.waitForResponse((r) => r.url().includes('/api/loyalty/partner-offers/') && r.request().method() === 'PATCH');
    await offers.getByRole('button', { name: fa['common.save'] }).click();
    const stockAnswer = await stocked;
    assert.equal(stockAnswer.status(), 200, await stockAnswer.text());
    assert.ok(stockAnswer.request().headers()['idempotency-key'], 'setting the stock carries an Idempotency-Key');
    await offers.getByText('۱ از ۲ مانده').waitFor();
    await screenshot(page, 'partners-offers-fa-390');
    await expectAccessible(page, 'partner offers fa 390');
    assert.deepEqual(await latinWords(), []);
    await offers.getByRole('button', { name: fa['common.close'] }).click();
    await offers.waitFor({ state: 'detached' });

    // The month's settlement: the shop owes for 120 points at 1,500 rials; we owe the cinema 40 at 2,000 (the demo shows tomans).
    const settlement = page.locator('section[aria-labelledby="partners-settlement"]');
    await settlement.getByText('کتاب‌فروشی شهر').waitFor();
    const text = await settlement.innerText();
    assert.match(text, /۱۸٬۰۰۰ تومان برای ۱۲۰ امتیاز/);
    assert.match(text, /۸٬۰۰۰ تومان برای ۴۰ امتیاز/);
    const href = await settlement.getByRole('link', { name: fa['loyalty.partners.csv'] }).getAttribute('href');
    assert.match(href ?? '', /^\/api\/loyalty\/partner-settlements\.csv\?period=\d{4}-\d{2}&lang=fa$/);
    const csv = await page.request.get(href!);
    assert.equal(csv.status(), 200);
    const body = await csv.text();
    assert.match(body, /بدهی شریک/);
    await page.getByRole('button', { name: fa['loyalty.partners.previousMonth'] }).click();
    await settlement.getByText('کتاب‌فروشی شهر').waitFor();
    await page.getByRole('button', { name: fa['loyalty.partners.nextMonth'] }).click();
    await noSidewaysScroll();
  });

  test('finance corrects what we owe a partner from the settlement, on a phone in Persian', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/loyalty/partners');
    const settlement = page.locator('section[aria-labelledby="partners-settlement"]');
    const cinemaLine = settlement.locator('tr, li, [role="row"], .data-table-card').filter({ hasText: 'سینما آزادی' }).first();
    await cinemaLine.waitFor();
    await cinemaLine.getByRole('button', { name: fa['loyalty.partners.correct'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(fa['loyalty.partners.noCorrections']).waitFor();
    await dialog.getByLabel(fa['loyalty.partners.correctPoints']).fill('۱۰');
    await dialog.getByLabel(fa['loyalty.partners.correctReason']).fill('بلیت تکراری در صورتحساب سینما');
    await screenshot(page, 'partners-correction-fa-390');
    await expectAccessible(page, 'partner correction fa 390');
    assert.deepEqual(await latinWords(), []);
    const saved = page.waitForResponse((r) => r.url().endsWith('/corrections') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['loyalty.partners.correctSave'] }).click();
    const answer = await saved;
    assert.equal(answer.status(), 201, await answer.text());
    assert.ok(answer.request().headers()['idempotency-key'], 'the correction carries an Idempotency-Key');
    const correction = await answer.json() as { side: string; points: number; amountMinor: string };
    assert.deepEqual([correction.side, correction.points, correction.amountMinor], ['workspace_owes', -10, '-20000']);
    await dialog.waitFor({ state: 'detached' });
    // We owe the cinema 30 points now (40 − 10), at 2,000 rials: 6,000 tomans; the line counts one correction.
    await settlement.getByText(/۶٬۰۰۰ تومان برای ۳۰ امتیاز/).waitFor();
    await cinemaLine.getByTestId('settlement-corrections').getByText('۱ اصلاحیه').waitFor();
    await cinemaLine.getByRole('button', { name: fa['loyalty.partners.correct'] }).click();
    await dialog.getByTestId('partner-corrections').getByText('بلیت تکراری در صورتحساب سینما').waitFor();
    assert.match(await dialog.getByTestId('partner-corrections').innerText(), /۱۰ امتیاز کمتر/);
    await screenshot(page, 'partners-correction-list-fa-390');
    await dialog.getByRole('button', { name: fa['common.cancel'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await noSidewaysScroll();
  });

  for (const language of ['fa', 'ar', 'en'] as const) {
    for (const width of [390, 1366]) {
      test(`the partners screen in ${language} at ${width} px`, async () => {
        await api('PATCH', '/api/me', { language });
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.goto('/loyalty/partners');
        await page.getByRole('heading', { level: 1, name: MESSAGES[language]['loyalty.partners.title'] }).waitFor();
        await page.locator('section[aria-labelledby="partners-settlement"]').getByText(language === 'en' ? 'City Books' : language === 'ar' ? 'مكتبة المدينة' : 'کتاب‌فروشی شهر').waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.dir), language === 'en' ? 'ltr' : 'rtl');
        await noSidewaysScroll();
        await expectAccessible(page, `partners ${language} ${width}`);
        if (language !== 'en') assert.deepEqual(await latinWords(), []);
        await screenshot(page, `partners-${language}-${width}`, { fullPage: true });
        // The cinema's offers with their stock left.
        const list = page.locator('section[aria-labelledby="partners-list"]');
        const cinemaName = language === 'en' ? 'Azadi Cinema' : language === 'ar' ? 'سينما آزادي' : 'سینما آزادی';
        await list.locator('tr, li, [role="row"], .data-table-card').filter({ hasText: cinemaName }).first()
          .getByRole('button', { name: MESSAGES[language]['loyalty.partners.offers'] }).click();
        const offers = page.getByRole('dialog');
        const left = MESSAGES[language]['loyalty.partners.stockLeft'];
        await offers.getByText(new RegExp(left.replace('{remaining}', '[1۱١]').replace('{total}', '[2۲٢]'))).waitFor();
        await expectAccessible(page, `partner offers ${language} ${width}`);
        if (language !== 'en') assert.deepEqual(await latinWords(), []);
        await screenshot(page, `partners-offers-${language}-${width}`);
        await offers.getByRole('button', { name: MESSAGES[language]['common.close'] }).click();
        await offers.waitFor({ state: 'detached' });
      });
    }
  }
});
