// Loyalty at the counter, in the browser (issue 12). An agent on a phone, in Persian, on a customer's
// page: transfers points to another member picked by name (more than the member holds is caught on
// the field; the receiver gets them, and the receiver's history links back to the giver), sells a
// prepaid credit package with the till's payment reference (the same reference again sells nothing
// more), and spends credit at a checkout (more than the customer holds is refused in tomans, nothing
// spent). The finance page's prepaid credit card then shows what was sold and spent and that the
// credit ledger checks out. The dialogs and the card in fa, ar and en at 1366 and 390 px: axe, no
// Latin word on fa/ar, no sideways scroll, screenshots.
// Run: node --import tsx --test e2e/loyalty-counter.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, forEachStaffScreen, staffApi } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
const grouped = (n: number) => new Intl.NumberFormat('fa-IR-u-nu-arabext').format(n);

let vafa: RunningVafa;
let browser: Browser;
let giverId = '';
let receiverId = '';
let shownId = '';
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

describe('loyalty at the counter', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 3 }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    const program = await api('POST', '/api/loyalty/programs', { name: 'باشگاه کتاب', settings: { spend: { points: 1, per: 10_000 }, pendingDays: 0 } });
    await api('POST', `/api/loyalty/programs/${program.id}/credit-packages`, {
      name: { fa: 'بستهٔ یک میلیونی', ar: 'باقة المليون', en: 'One million' }, priceMinor: 1_000_000, creditMinor: 1_100_000, bonusExpiryDays: 90,
    });
    await api('POST', `/api/loyalty/programs/${program.id}/credit-packages`, {
      name: { fa: 'بستهٔ قدیمی', ar: 'باقة قديمة', en: 'Old package' }, priceMinor: 500_000, creditMinor: 500_000, active: false,
    });
    giverId = String((await api('POST', '/api/customers', { name: 'نگار افشار', phone: '+989121110001' })).id);
    receiverId = String((await api('POST', '/api/customers', { name: 'کاوه افشار', phone: '+989121110002' })).id);
    shownId = String((await api('POST', '/api/customers', { name: 'مینا کریمی', phone: '+989121110003' })).id);
    await api('POST', `/api/loyalty/members/${giverId}/earnings`, { points: 300, reason: 'خرید', externalId: 'counter-e2e-earn-1' });
    await api('POST', `/api/loyalty/members/${shownId}/earnings`, { points: 120, reason: 'خرید', externalId: 'counter-e2e-earn-2' });
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('an agent on a phone in Persian transfers points, sells a credit package and spends credit; finance sees it', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.goto(`/customers/${giverId}`);
    const card = page.locator('section[aria-labelledby="loyalty-heading"]');
    await card.getByRole('button', { name: fa['loyalty.transfer.open'] }).click({ timeout: 60_000 });
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: fa['loyalty.transfer.title'] }).waitFor();

    // The receiver by name; more points than the member holds are caught before sending.
    await dialog.getByRole('combobox', { name: fa['loyalty.transfer.receiver'] }).fill('کاوه');
    await page.getByRole('option', { name: /کاوه افشار/ }).click();
    const points = dialog.getByRole('textbox', { name: fa['loyalty.member.points'], exact: true });
    await points.fill('۴۰۰');
    await dialog.getByText(fill(fa['loyalty.member.pointsOver'], { available: '۳۰۰' })).waitFor();
    assert.equal(await dialog.getByRole('button', { name: fa['loyalty.transfer.submit'], exact: true }).isDisabled(), true);
    await points.fill('۱۲۰');
    await dialog.getByRole('textbox', { name: fa['loyalty.transfer.reason'] }).fill('هدیهٔ تولد برادر');
    await screenshot(page, 'loyalty-transfer-filled-fa-390');
    const sent = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/members/${giverId}/transfers`) && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['loyalty.transfer.submit'], exact: true }).click();
    const transfer = await sent;
    assert.equal(transfer.status(), 201, await transfer.text());
    assert.ok(transfer.request().headers()['idempotency-key'], 'the transfer carries an Idempotency-Key');
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(fill(fa['loyalty.transfer.done'], { points: '۱۲۰', name: 'کاوه افشار' })).waitFor();
    assert.equal((await api('GET', `/api/loyalty/members/${giverId}`)).available, 180);
    assert.equal((await api('GET', `/api/loyalty/members/${receiverId}`)).available, 120);
    await page.getByTestId('loyalty-balances').getByText('۱۸۰').waitFor();

    // The receiver's history: the transfer with its reason and a link back to the giver.
    await page.goto(`/customers/${receiverId}`);
    const history = page.getByTestId('loyalty-history');
    const line = history.locator('li', { hasText: 'هدیهٔ تولد برادر' });
    await line.waitFor({ timeout: 60_000 });
    assert.match(await line.innerText(), new RegExp(`${fa['loyalty.kind.transfer']}[\\s\\S]*\\+?۱۲۰`));
    assert.equal(await line.getByTestId('loyalty-transfer-from').getAttribute('href'), `/customers/${giverId}`);

    // A credit package sold at the counter: only the one on sale is offered; the till's reference keys it.
    await page.goto(`/customers/${giverId}`);
    const credit = page.getByTestId('customer-credit');
    await credit.getByRole('button', { name: fa['loyalty.creditSale.open'] }).click({ timeout: 60_000 });
    await dialog.getByRole('heading', { name: fa['loyalty.creditSale.title'] }).waitFor();
    await dialog.getByRole('button', { name: new RegExp(fa['loyalty.creditSale.package']) }).click();
    assert.equal(await page.getByRole('option', { name: 'بستهٔ قدیمی' }).count(), 0, 'a package no longer sold is not offered');
    await page.getByRole('option', { name: 'بستهٔ یک میلیونی' }).click();
    await dialog.getByTestId('credit-sale-summary').getByText(`${grouped(100_000)} تومان`, { exact: false }).waitFor();
    const reference = dialog.getByRole('textbox', { name: fa['loyalty.creditSale.reference'] });
    await reference.fill('رسید ۱۲');
    await dialog.getByText(fa['loyalty.creditSale.referenceInvalid']).waitFor();
    await reference.fill('POS-1001');
    const sold = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/members/${giverId}/credit/purchases`));
    await dialog.getByRole('button', { name: fa['loyalty.creditSale.submit'] }).click();
    assert.equal((await sold).status(), 201);
    await dialog.waitFor({ state: 'detached' });
    await credit.getByText(fill(fa['loyalty.credit.memberBalance'], { total: `${grouped(110_000)} تومان`, bonus: `${grouped(10_000)} تومان` })).waitFor();
    // The same till reference again (the till retrying) sells nothing more.
    const again = await api('POST', `/api/loyalty/members/${giverId}/credit/purchases`, { packageId: (await api('GET', '/api/loyalty/credit-packages')).items.find((p: { active: boolean }) => p.active).id, externalId: 'POS-1001' });
    assert.equal(again.entry.externalId, 'POS-1001');
    assert.equal((await api('GET', `/api/loyalty/members/${giverId}/credit`)).balance.totalMinor, 1_100_000);

    // Spending at a checkout: more than held is refused in tomans; then a part of it.
    await credit.getByRole('button', { name: fa['loyalty.creditSpend.open'] }).click();
    await dialog.getByRole('heading', { name: fa['loyalty.creditSpend.title'] }).waitFor();
    const amount = dialog.getByRole('textbox', { name: fill(fa['loyalty.creditSpend.amount'], { unit: 'تومان' }) });
    await amount.fill('۲۰۰٬۰۰۰');
    await dialog.getByText(fill(fa['loyalty.creditSpend.over'], { amount: `${grouped(110_000)} تومان` })).waitFor();
    await amount.fill('۳۰٬۰۰۰');
    await screenshot(page, 'loyalty-credit-spend-fa-390');
    const spent = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/members/${giverId}/credit/spends`));
    await dialog.getByRole('button', { name: fa['loyalty.creditSpend.submit'], exact: true }).click();
    assert.equal((await spent).status(), 201);
    await dialog.waitFor({ state: 'detached' });
    const after = (await api('GET', `/api/loyalty/members/${giverId}/credit`)).balance;
    // 30,000 tomans = 300,000 rials, paid credit first.
    assert.deepEqual([after.totalMinor, after.paidMinor, after.bonusMinor], [800_000, 700_000, 100_000]);

    // Finance: sold, spent and the credit ledger checked.
    await page.goto('/loyalty/finance');
    const finance = page.getByTestId('finance-credit');
    await finance.getByRole('heading', { name: fa['loyalty.financeCredit.title'] }).waitFor({ timeout: 60_000 });
    const text = await finance.innerText();
    assert.ok(text.includes(`${grouped(100_000)} تومان`), text);
    assert.ok(text.includes(`${grouped(30_000)} تومان`), text);
    await finance.getByText(fa['loyalty.financeCredit.ok']).waitFor();
    assert.equal((await api('GET', '/api/loyalty/credit/report')).ok, true);
    await context.close();
  });

  test('the transfer and sale dialogs and the finance credit card in fa, ar and en at 1366 and 390', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size) => {
      const m = MESSAGES[language];
      await page.goto(`/customers/${shownId}`);
      const card = page.locator('section[aria-labelledby="loyalty-heading"]');
      await card.getByRole('button', { name: m['loyalty.transfer.open'] }).click({ timeout: 60_000 });
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: m['loyalty.transfer.title'] }).waitFor();
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'loyalty-transfer' });
      await dialog.getByRole('button', { name: m['common.cancel'] }).click();
      await dialog.waitFor({ state: 'detached' });

      await page.getByTestId('customer-credit').getByRole('button', { name: m['loyalty.creditSale.open'] }).click();
      await dialog.getByRole('heading', { name: m['loyalty.creditSale.title'] }).waitFor();
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'loyalty-credit-sale' });
      await dialog.getByRole('button', { name: m['common.cancel'] }).click();
      await dialog.waitFor({ state: 'detached' });

      await page.goto('/loyalty/finance');
      const finance = page.getByTestId('finance-credit');
      await finance.getByRole('heading', { name: m['loyalty.financeCredit.title'] }).waitFor({ timeout: 60_000 });
      await checkScreen(page, { language, width: size.width, within: '[data-testid="finance-credit"]', name: 'finance-credit', part: finance });
    });
  });
});
