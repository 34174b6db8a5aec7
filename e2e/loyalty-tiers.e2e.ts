// The tiers section of the program editor in the browser. A manager on a phone, in Persian, sets
// how members qualify (spend over the Solar Hijri year from Nowruz, down to the tier the period
// earned, 30 days of grace), adds two tiers typing Persian digits (thresholds as money in the
// workspace's unit, multipliers in percent), is refused a threshold another tier already has on
// the very field, edits one and removes a third (a tier a member holds is refused); the API then
// holds exactly what was typed. The section and its dialog in fa, ar and en at 1366 and 390 px:
// axe, no Latin word on fa/ar, no sideways scroll, screenshots.
// Run: node --import tsx --test e2e/loyalty-tiers.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, forEachStaffScreen, latinWords, noSidewaysScroll, staffApi, until } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;

let vafa: RunningVafa;
let browser: Browser;
let programId = '';
/** Minor units in one major unit as the workspace types money (tomans are 10 rials). */
let minorPerMajor = 1;
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

/** A field of the scope by its exact label: its text box or select button, and the error under it. */
function field(scope: Locator, label: string) {
  const box = scope.locator('.field', { has: scope.page().getByText(label, { exact: true }) });
  return { box, input: box.getByRole('textbox'), button: box.getByRole('button'), error: box.locator('.field-error') };
}

async function choose(scope: Locator, label: string, option: string): Promise<void> {
  await field(scope, label).button.click();
  await scope.page().getByRole('option', { name: option, exact: true }).click();
}

describe('the tiers section of the program editor', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 1 }), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    programId = (await api('POST', '/api/loyalty/programs', { name: 'باشگاه مشتریان', settings: { spend: { points: 1, per: 10_000 }, pendingDays: 0 } })).id;
    const workspace = await api('GET', '/api/workspace');
    minorPerMajor = workspace.currency === 'IRR' ? (workspace.irrDisplay === 'toman' ? 10 : 1) : 100;
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a manager on a phone in Persian sets how members qualify, adds, edits and removes tiers in Persian digits; a taken threshold is refused on its field', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.goto(`/loyalty/programs/${programId}`);
    const section = page.locator('section.tiers-section');
    await section.getByRole('heading', { name: fa['loyalty.tiers.title'], exact: true }).waitFor({ timeout: 60_000 });
    await section.getByTestId('tier-settings-default').waitFor();
    await section.getByText(fa['loyalty.tiers.none']).waitFor();

    // How members qualify: spend in the Solar Hijri year, down to what the period earned, after 30 days.
    const settings = section.locator('form.tier-settings');
    await choose(settings, fa['loyalty.tiers.basis'], fa['loyalty.tiers.basisName.spend']);
    await choose(settings, fa['loyalty.tiers.window'], fa['loyalty.tiers.windowName.calendar_year']);
    await choose(settings, fa['loyalty.tiers.calendar'], fa['loyalty.tiers.calendarName.persian']);
    await choose(settings, fa['loyalty.tiers.downgrade'], fa['loyalty.tiers.downgradeName.recalculate']);
    await field(settings, fa['loyalty.tiers.graceDays']).input.fill('۳۰');
    const put = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/programs/${programId}/tier-settings`) && r.request().method() === 'PUT');
    await settings.getByRole('button', { name: fa['loyalty.tiers.saveSettings'] }).click();
    assert.equal((await put).status(), 200);
    await section.getByTestId('tier-settings-default').waitFor({ state: 'detached' });
    // The form shows what was kept, in Persian digits.
    assert.equal(await field(settings, fa['loyalty.tiers.graceDays']).input.inputValue(), '۳۰');

    const dialog = page.getByRole('dialog');
    const thresholdLabel = fa['loyalty.tiers.thresholdField.spend'].replace('{unit}', (await dialogUnit(page)));
    const addTier = async (names: [string, string, string], threshold: string, multiplier: string) => {
      await section.getByRole('button', { name: fa['loyalty.tiers.add'] }).click();
      await dialog.getByRole('heading', { name: fa['loyalty.tiers.addTitle'] }).waitFor();
      await field(dialog, fa['loyalty.rewards.nameFa']).input.fill(names[0]);
      await field(dialog, fa['loyalty.rewards.nameAr']).input.fill(names[1]);
      await field(dialog, fa['loyalty.rewards.nameEn']).input.fill(names[2]);
      await field(dialog, thresholdLabel).input.fill(threshold);
      await field(dialog, fa['loyalty.tiers.multiplierField']).input.fill(multiplier);
      const posted = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/programs/${programId}/tiers`) && r.request().method() === 'POST');
      await dialog.getByRole('button', { name: fa['common.save'] }).click();
      return posted;
    };

    assert.equal((await (await addTier(['نقره‌ای', 'فضي', 'Silver'], '۵٬۰۰۰٬۰۰۰', '۱۲۰'))).status(), 201);
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await (await addTier(['طلایی', 'ذهبي', 'Gold'], '۲۰۰۰۰۰۰۰', '۱۵۰'))).status(), 201);
    await dialog.waitFor({ state: 'detached' });
    await section.getByTestId('tier-item').nth(1).waitFor();

    // A third at the silver tier's threshold: the server refuses it, said on the threshold field.
    const refused = await addTier(['الماس', 'ماسي', 'Diamond'], '۵٬۰۰۰٬۰۰۰', '');
    assert.equal(refused.status(), 409, await refused.text());
    const threshold = field(dialog, thresholdLabel);
    await threshold.error.waitFor();
    assert.equal(await threshold.error.innerText(), fa['loyalty.tiers.error.thresholdTaken']);
    assert.equal(await threshold.input.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await latinWords(page, '[role="dialog"]'), [], 'the refused dialog in Persian');
    await noSidewaysScroll(page, 390);
    await screenshot(page, 'loyalty-tiers-refused-fa-390');
    // Not a number at all: caught at Save before sending; then a corrected value clears the field.
    await threshold.input.fill('۵۰۰۰ تومن');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    assert.equal(await threshold.error.innerText(), fa['loyalty.tiers.error.amount']);
    await threshold.input.fill('۵۰٬۰۰۰٬۰۰۰');
    await threshold.error.waitFor({ state: 'detached' });
    const posted = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/programs/${programId}/tiers`) && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    assert.equal((await posted).status(), 201);
    await dialog.waitFor({ state: 'detached' });

    // Edit silver: the dialog shows what was typed, in Persian digits; a new threshold and multiplier.
    const silver = section.getByTestId('tier-item').filter({ hasText: 'نقره‌ای' });
    await silver.getByRole('button', { name: fa['loyalty.tiers.editNamed'].replace('{name}', 'نقره‌ای') }).click();
    await dialog.getByRole('heading', { name: fa['loyalty.tiers.editTitle'] }).waitFor();
    assert.equal(await field(dialog, thresholdLabel).input.inputValue(), '۵٬۰۰۰٬۰۰۰');
    assert.equal(await field(dialog, fa['loyalty.tiers.multiplierField']).input.inputValue(), '۱۲۰');
    await field(dialog, thresholdLabel).input.fill('۸٬۰۰۰٬۰۰۰');
    await field(dialog, fa['loyalty.tiers.multiplierField']).input.fill('۱۲۵');
    await expectAccessible(page, 'tier edit fa 390');
    const patched = page.waitForResponse((r) => r.url().includes(`/api/loyalty/programs/${programId}/tiers/`) && r.request().method() === 'PATCH');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    assert.equal((await patched).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    await silver.getByText(/۸٬۰۰۰٬۰۰۰/).waitFor();
    assert.match(await silver.innerText(), /۱٫۲۵/);

    // Remove the diamond tier nobody holds.
    const diamond = section.getByTestId('tier-item').filter({ hasText: 'الماس' });
    await diamond.getByRole('button', { name: fa['loyalty.tiers.removeNamed'].replace('{name}', 'الماس') }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: fa['loyalty.editor.remove'] }).click();
    await confirm.waitFor({ state: 'detached' });
    await diamond.waitFor({ state: 'detached' });

    // A tier a member holds cannot go: an order of 9,000,000 puts a member in silver at once, and
    // removing silver is refused in the dialog, in the server's Persian words.
    const [customer] = (await api('GET', '/api/customers?limit=1')).items;
    await api('POST', '/api/loyalty/orders', { externalId: 'e2e-tiers-1', customerId: customer!.id, lines: [{ id: '1', amount: 9_000_000 * minorPerMajor }] });
    await silver.getByRole('button', { name: fa['loyalty.tiers.removeNamed'].replace('{name}', 'نقره‌ای') }).click();
    await confirm.getByRole('button', { name: fa['loyalty.editor.remove'] }).click();
    const inUse = confirm.getByRole('alert');
    await inUse.waitFor();
    assert.match(await inUse.innerText(), /نمی‌توان آن را حذف کرد/);
    await screenshot(page, 'loyalty-tiers-remove-refused-fa-390');
    await confirm.getByRole('button', { name: fa['common.cancel'] }).click();
    await confirm.waitFor({ state: 'detached' });
    await silver.waitFor();
    await noSidewaysScroll(page, 390);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'loyalty-tiers-list-fa-390', { fullPage: true });

    // The API holds what was typed: money in minor units, Persian digits read as numbers.
    const held = await until('the tiers as typed', async () => {
      const list = await api('GET', `/api/loyalty/programs/${programId}/tiers`);
      return list.items.length === 2 && list;
    });
    assert.deepEqual(held.settings, { basis: 'spend', window: { kind: 'calendar_year', calendar: 'persian' }, downgrade: 'recalculate', graceDays: 30 });
    assert.deepEqual(held.items.map((x: { rank: number; name: object; threshold: number; multiplierPercent: number }) => [x.rank, x.name, x.threshold, x.multiplierPercent]), [
      [1, { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, 8_000_000 * minorPerMajor, 125],
      [2, { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, 20_000_000 * minorPerMajor, 150],
    ]);
    await context.close();
  });

  test('the section and the tier dialog in fa, ar and en at 1366 and 390', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size) => {
      const m = MESSAGES[language];
      await page.goto(`/loyalty/programs/${programId}`);
      const section = page.locator('section.tiers-section');
      await section.getByTestId('tier-item').nth(1).waitFor({ timeout: 60_000 });
      // The whole page from its top: a picture of the section alone would have the sticky top bar over it on a phone.
      await page.evaluate(() => window.scrollTo(0, 0));
      await checkScreen(page, { language, width: size.width, within: 'main', name: 'loyalty-tiers', fullPage: true });
      const first = section.getByTestId('tier-item').first();
      await first.getByRole('button', { name: new RegExp(`^${m['loyalty.tiers.edit']}`) }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: m['loyalty.tiers.editTitle'] }).waitFor();
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'loyalty-tiers-dialog' });
      await dialog.getByRole('button', { name: m['common.cancel'] }).click();
      await dialog.waitFor({ state: 'detached' });
    });
  });
});

/** The unit the threshold field names for spend, as the page's own label says it. */
async function dialogUnit(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const res = await fetch('/api/workspace', { credentials: 'same-origin' });
    const w = await res.json() as { currency: string; irrDisplay: string };
    if (w.currency === 'IRR') return w.irrDisplay === 'toman' ? 'تومان' : 'ریال';
    return new Intl.DisplayNames('fa', { type: 'currency' }).of(w.currency) ?? w.currency;
  });
}
