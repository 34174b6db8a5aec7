// The values program's charities in the browser (issue 12). A manager on a phone, in Persian, adds a
// charity on /loyalty typing the rate in Persian digits; a rate of zero points is refused by the
// server and its message shown on the very field; the corrected charity is saved as the API holds
// it, then edited. On a customer's page the manager sets the member's automatic share of each
// purchase; a purchase through the API then gives that share as a donation, and the charity's
// donations show its receipt number, donor, points, money and date in the Solar Hijri calendar, with
// the charity's totals. Archived, the charity stops taking donations and the member's card says so.
// The charities card, the charity form, the donations and the customer's share in fa, ar and en at
// 1366 and 390 px: axe, no Latin word on fa/ar, no sideways scroll, screenshots.
// Run: node --import tsx --test e2e/loyalty-charities.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, forEachStaffScreen, latinWords, noSidewaysScroll, staffApi, toPersian, until } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
const grouped = (n: number) => new Intl.NumberFormat('fa-IR-u-nu-arabext').format(n);

let vafa: RunningVafa;
let browser: Browser;
/** the member whose share the manager sets in Persian, and the one the screenshots show */
let memberId = '';
let shownId = '';
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

/** The text box of a field by its label, inside the open dialog, and the field's error under it. */
function field(page: Page, label: string) {
  const box = page.getByRole('textbox', { name: label, exact: true });
  const dialog = page.getByRole('dialog');
  return { input: dialog.getByRole('textbox', { name: label, exact: true }), error: dialog.locator('.field', { has: box }).locator('.field-error') };
}

const charitiesCard = (page: Page) => page.locator('section[aria-labelledby="loyalty-charities"]');

describe('charities', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 5 }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    const customers = (await api('GET', '/api/customers?limit=2')).items as { id: string }[];
    [memberId, shownId] = [customers[0]!.id, customers[1]!.id];
    // A charity with a donation and a member giving it a share, for the screenshots in every language.
    const children = await api('POST', '/api/loyalty/charities', { name: { fa: 'خیریهٔ کودکان', ar: 'جمعية الأطفال', en: 'Children\'s charity' }, registration: '۴۵۶۷', ratePoints: 10, rateMinor: 1_000 });
    await api('POST', `/api/loyalty/members/${shownId}/earnings`, { points: 500, reason: 'خرید' });
    await api('POST', '/api/loyalty/donations', { customerId: shownId, charityId: children.id, points: 50 });
    await api('PUT', `/api/loyalty/members/${shownId}/charity-share`, { charityId: children.id, percent: 5 });
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a manager on a phone in Persian adds a charity, is refused a rate of zero points on the field, edits it, sets a member\'s share; a purchase gives it, with a receipt; then archives it', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.goto('/loyalty');
    const card = charitiesCard(page);
    await card.getByRole('heading', { name: fa['loyalty.charities.title'], exact: true }).waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: fa['loyalty.charities.new'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: fa['loyalty.charities.newTitle'] }).waitFor();

    // Zero points for a thousand tomans: the server's rule, its words on the points field.
    const points = field(page, fa['loyalty.charities.ratePoints']);
    const money = field(page, fill(fa['loyalty.charities.rateMoney'], { unit: 'تومان' }));
    await field(page, fa['loyalty.rewards.nameFa']).input.fill('بنیاد محک');
    await field(page, fa['loyalty.rewards.nameEn']).input.fill('MAHAK');
    await field(page, fa['loyalty.charities.registration']).input.fill('۱۲۳۴۵');
    await points.input.fill('۰');
    await money.input.fill('۱٬۰۰۰');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/loyalty/charities') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    const refusal = await refused;
    assert.equal(refusal.status(), 400, await refusal.text());
    await points.error.waitFor();
    assert.equal(await points.error.innerText(), 'عددی برابر ۱ یا بیشتر بنویسید.');
    assert.equal(await points.input.getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'charities-form-refused-fa-390');
    // What the form itself catches before sending: money that is not an amount.
    await money.input.fill('هزار');
    assert.equal(await money.error.innerText(), fa['loyalty.charities.error.amount']);
    await money.input.fill('۱٬۰۰۰');
    await points.input.fill('۱۰');
    // A corrected field no longer says what was wrong with the value sent; the preview says what 100 points give.
    await points.error.waitFor({ state: 'detached' });
    await dialog.getByText(fill(fa['loyalty.charities.ratePreview'], { points: '۱۰۰', amount: `${grouped(10_000)} تومان` })).waitFor();
    assert.deepEqual(await latinWords(page, '[role="dialog"]'), [], 'fa 390 charity form');
    await expectAccessible(page, 'charity form fa 390');
    await noSidewaysScroll(page, 390);
    await screenshot(page, 'charities-form-filled-fa-390');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/loyalty/charities') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    assert.equal((await saved).status(), 201);
    await dialog.waitFor({ state: 'detached' });
    await card.getByText('بنیاد محک').first().waitFor();
    const created = (await api('GET', '/api/loyalty/charities')).items.find((c: { name: { fa?: string } }) => c.name.fa === 'بنیاد محک');
    assert.ok(created, 'the charity is listed');
    // A thousand tomans are ten thousand rials, the currency's minor unit.
    assert.deepEqual([created.name, created.registration, created.ratePoints, created.rateMinor, created.active, created.archived],
      [{ fa: 'بنیاد محک', en: 'MAHAK' }, '۱۲۳۴۵', 10, 10_000, true, false]);

    // Edited: twenty points for the same thousand tomans, from now on.
    await card.getByRole('button', { name: fill(fa['loyalty.charities.editOf'], { name: 'بنیاد محک' }) }).click();
    await dialog.getByRole('heading', { name: fa['loyalty.charities.editTitle'] }).waitFor();
    assert.equal(await points.input.inputValue(), '۱۰');
    assert.equal(await money.input.inputValue(), '۱٬۰۰۰');
    await points.input.fill('۲۰');
    const patched = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/charities/${created.id}`) && r.request().method() === 'PATCH');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    assert.equal((await patched).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    await card.getByRole('row', { name: /بنیاد محک/ }).getByText(fill(fa['loyalty.charities.rateText'], { points: '۲۰', amount: `${grouped(1_000)} تومان` })).waitFor();
    assert.equal((await api('GET', `/api/loyalty/charities/${created.id}`)).ratePoints, 20);

    // The member's share of each purchase, set on the customer's page.
    await page.goto(`/customers/${memberId}`);
    const share = page.getByTestId('charity-share');
    await share.getByText(fa['loyalty.share.none']).waitFor({ timeout: 60_000 });
    await share.getByRole('button', { name: fa['loyalty.share.set'] }).click();
    await dialog.getByRole('heading', { name: fa['loyalty.share.setTitle'] }).waitFor();
    await dialog.getByRole('button', { name: fa['loyalty.share.charity'] }).click();
    await page.getByRole('option', { name: 'بنیاد محک' }).click();
    const percent = field(page, fa['loyalty.share.percent']);
    await percent.input.fill('۱۵۰');
    await percent.error.getByText(fill(fa['loyalty.share.percentInvalid'], { min: '۱', max: '۱۰۰' })).waitFor();
    await percent.input.fill('۱۰');
    await percent.error.waitFor({ state: 'detached' });
    await screenshot(page, 'charities-share-dialog-fa-390');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await share.getByText(fill(fa['loyalty.share.current'], { percent: '۱۰', charity: '\u2068بنیاد محک\u2069' })).waitFor();
    const chosen = (await api('GET', `/api/loyalty/members/${memberId}/charity-share`)).share;
    assert.deepEqual([chosen.charityId, chosen.percent], [created.id, 10]);

    // A purchase through the API: 10 % of its 205 points, rounded down, given once they are spendable.
    await api('POST', `/api/loyalty/members/${memberId}/earnings`, { points: 205, reason: 'خرید', externalId: 'e2e-charity-order-1' });
    const donation = await until('the share given', async () => (await api('GET', `/api/loyalty/donations?charityId=${created.id}`)).items[0]);
    // 20 points at 20 points for 10,000 rials.
    assert.deepEqual([donation.points, donation.amountMinor, donation.customerId], [20, 10_000, memberId]);

    // The charity's donations: the receipt, donor, points, money and date in the Solar Hijri calendar; the totals.
    await page.goto('/loyalty');
    await card.getByRole('button', { name: fill(fa['loyalty.charities.donationsOf'], { name: 'بنیاد محک' }) }).click();
    const donations = page.getByTestId('charity-donations');
    const receipt = toPersian(donation.receiptNumber);
    const line = donations.getByRole('row', { name: new RegExp(receipt) });
    await line.waitFor();
    const text = await line.innerText();
    assert.ok(text.includes('۲۰'), text);
    assert.ok(text.includes(`${grouped(1_000)} تومان`), text);
    const year = new Intl.DateTimeFormat('fa-IR-u-ca-persian-nu-arabext', { year: 'numeric', timeZone: 'Asia/Tehran' }).format(new Date()).replace(/[^۰-۹]/g, '');
    assert.ok(text.includes(year), `the Solar Hijri year ${year} in ${text}`);
    if (donation.customerName) assert.ok(text.includes(donation.customerName), text);
    const totals = page.getByTestId('charity-totals');
    assert.match(await totals.innerText(), new RegExp(`${grouped(1_000)} تومان`));
    assert.deepEqual(await latinWords(page, '[role="dialog"]'), [], 'fa 390 donations');
    await expectAccessible(page, 'charity donations fa 390');
    await noSidewaysScroll(page, 390);
    await screenshot(page, 'charities-donations-fa-390');
    await dialog.getByRole('button', { name: fa['common.close'], exact: true }).first().click();
    await dialog.waitFor({ state: 'detached' });

    // Archived: no longer taking donations, no edit; the member's card says nothing is given.
    await card.getByRole('button', { name: fill(fa['loyalty.charities.archiveOf'], { name: 'بنیاد محک' }) }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('heading', { name: fa['loyalty.charities.archiveTitle'] }).waitFor();
    await confirm.getByRole('button', { name: fa['loyalty.charities.archive'] }).click();
    await confirm.waitFor({ state: 'detached' });
    const row = card.getByRole('row', { name: /بنیاد محک/ });
    await row.getByText(fa['loyalty.charities.state.archived']).waitFor();
    assert.equal(await card.getByRole('button', { name: fill(fa['loyalty.charities.editOf'], { name: 'بنیاد محک' }) }).count(), 0);
    assert.equal((await api('GET', `/api/loyalty/charities/${created.id}`)).archived, true);
    await page.goto(`/customers/${memberId}`);
    await share.getByText(fa['loyalty.share.closed']).waitFor({ timeout: 60_000 });
    await context.close();
  });

  test('the charities card, the form, the donations and the customer\'s share in fa, ar and en at 1366 and 390', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size) => {
      const m = MESSAGES[language];
      const name = { fa: 'خیریهٔ کودکان', ar: 'جمعية الأطفال', en: 'Children\'s charity' }[language];
      await page.goto('/loyalty');
      const card = charitiesCard(page);
      await card.getByRole('row', { name: new RegExp(name) }).waitFor({ timeout: 60_000 });
      await checkScreen(page, { language, width: size.width, within: 'section[aria-labelledby="loyalty-charities"]', name: 'charities-card', part: card });

      await card.getByRole('button', { name: m['loyalty.charities.new'] }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: m['loyalty.charities.newTitle'] }).waitFor();
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'charities-form' });
      await dialog.getByRole('button', { name: m['common.cancel'] }).click();
      await dialog.waitFor({ state: 'detached' });

      await card.getByRole('button', { name: fill(m['loyalty.charities.donationsOf'], { name }) }).click();
      await page.getByTestId('charity-donations').locator('.charity-receipt').first().waitFor();
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'charities-donations' });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      await page.goto(`/customers/${shownId}`);
      const share = page.getByTestId('charity-share');
      await share.getByRole('button', { name: m['loyalty.share.change'] }).waitFor({ timeout: 60_000 });
      await checkScreen(page, { language, width: size.width, within: '[data-testid="charity-share"]', name: 'charities-share', part: share });
      await share.getByRole('button', { name: m['loyalty.share.change'] }).click();
      await dialog.getByRole('heading', { name: m['loyalty.share.changeTitle'] }).waitFor();
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'charities-share-dialog' });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });
  });
});
