// The reward form in the browser. A manager on a phone, in Persian, adds a reward to the catalogue
// (name, cost and stock typed in Persian digits, a per-member limit, only for the gold tier): bad
// input first, refused by the server and its messages shown on the very fields; then the reward
// in the list and as the API holds it. Its days on offer typed in the Solar Hijri calendar, kept as
// the workspace's midnights, shown on its page and in the list, then cleared. The form and the reward page's edit in fa, ar and en at
// 1366 and 390 px: axe, no Latin word on fa/ar, no sideways scroll, screenshots.
// Run: node --import tsx --test e2e/loyalty-rewards-form.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';
import { type Api, checkScreen, forEachStaffScreen, latinWords, noSidewaysScroll, staffApi, until } from './loyalty-e2e.ts';

const fa = MESSAGES.fa;

let vafa: RunningVafa;
let browser: Browser;
let goldId = '';
const staff = (page: Page): Promise<Api> => staffApi(page, vafa);

/** The text box of a field by its label, inside the open dialog, and the field's error under it. */
function field(page: Page, label: string) {
  const box = page.getByRole('textbox', { name: label, exact: true });
  const dialog = page.getByRole('dialog');
  // `has` is matched inside each field, so it is the text box alone, not the dialog's.
  return { input: dialog.getByRole('textbox', { name: label, exact: true }), error: dialog.locator('.field', { has: box }).locator('.field-error') };
}

describe('the reward form', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const api = await staff(await context.newPage());
    const program = await api('POST', '/api/loyalty/programs', { name: 'باشگاه سینما', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0 } });
    await api('PUT', `/api/loyalty/programs/${program.id}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'none' });
    await api('POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 100 });
    goldId = (await api('POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, threshold: 5_000 })).id;
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a manager on a phone in Persian adds a reward for gold members; bad input is refused on its fields', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    await page.goto('/loyalty');
    await page.getByRole('heading', { name: fa['loyalty.rewards.title'], exact: true }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: fa['loyalty.rewards.new'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: fa['loyalty.rewards.newTitle'] }).waitFor();
    // The kinds on offer: no partner offer nor donation (those are made with the partners and the charities).
    await dialog.getByRole('button', { name: fa['loyalty.rewards.kind'] }).click();
    assert.deepEqual(await page.getByRole('option').allInnerTexts(),
      [fa['loyalty.rewards.kindName.gift'], fa['loyalty.rewards.kindName.discount_coupon'], fa['loyalty.rewards.kindName.coupon']]);
    await screenshot(page, 'rewards-form-kinds-fa-390');
    await page.getByRole('option', { name: fa['loyalty.rewards.kindName.gift'] }).click();

    // No name and a cost of zero: the server's rules, its words on the fields.
    const cost = field(page, fa['loyalty.rewards.costField']);
    const nameFa = field(page, fa['loyalty.rewards.nameFa']);
    await cost.input.fill('۰');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/loyalty/rewards') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    const refusal = await refused;
    assert.equal(refusal.status(), 400, await refusal.text());
    await cost.error.waitFor();
    assert.equal(await cost.error.innerText(), 'عددی برابر ۱ یا بیشتر بنویسید.');
    assert.equal(await cost.input.getAttribute('aria-invalid'), 'true');
    assert.match(await nameFa.error.innerText(), /دست‌کم به یک زبان/);
    await screenshot(page, 'rewards-form-refused-fa-390');
    // A typo the form itself catches: not a whole number.
    await cost.input.fill('۱۲x');
    assert.equal(await cost.error.innerText(), fa['loyalty.rewards.wholeNumber']);

    await nameFa.input.fill('بلیت سینما');
    await cost.input.fill('۱۲۰');
    // A corrected field no longer says what was wrong with the value sent.
    await cost.error.waitFor({ state: 'detached' });
    await nameFa.error.waitFor({ state: 'detached' });
    await field(page, fa['loyalty.rewards.stockField']).input.fill('۵۰');
    await field(page, fa['loyalty.rewards.limitField']).input.fill('۲');
    await dialog.getByRole('button', { name: fa['loyalty.rewards.who'] }).click();
    await page.getByRole('option', { name: fa['loyalty.rewards.onlyTiers'] }).click();
    await dialog.getByRole('button', { name: fa['loyalty.coupons.program'] }).click();
    await page.getByRole('option', { name: 'باشگاه سینما' }).click();
    await dialog.locator('label.checkbox', { hasText: 'طلایی' }).click();
    await screenshot(page, 'rewards-form-filled-fa-390');
    await expectAccessible(page, 'reward form fa 390');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/loyalty/rewards') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    const answer = await saved;
    assert.equal(answer.status(), 201, await answer.text());
    await dialog.waitFor({ state: 'detached' });
    const rewards = page.locator('section[aria-labelledby="loyalty-rewards"]');
    await rewards.getByText('بلیت سینما').first().waitFor();

    const created = (await api('GET', '/api/loyalty/rewards?all=true')).items.find((r: { name: { fa?: string } }) => r.name.fa === 'بلیت سینما');
    assert.ok(created, 'the reward is in the catalogue');
    assert.deepEqual([created.kind, created.pointsCost, created.stock, created.stockLeft, created.perMemberLimit, created.active], ['gift', 120, 50, 50, 2, true]);
    const tiers = await until('the tier restriction', async () => {
      const found = await api('GET', `/api/loyalty/rewards/${created.id}/tiers`);
      return found.tiers.length > 0 && found;
    });
    assert.deepEqual(tiers.tiers.map((x: { id: string }) => x.id), [goldId]);
    await context.close();
  });

  test('on a phone in Persian, the days on offer are typed in the Solar Hijri calendar and kept as the workspace\'s midnights', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    const api = await staff(page);
    await api('PATCH', '/api/me', { language: 'fa' });
    const reward = (await api('GET', '/api/loyalty/rewards?all=true')).items.find((r: { name: { fa?: string } }) => r.name.fa === 'بلیت سینما');
    await page.goto(`/loyalty/rewards/${reward.id}`);
    await page.getByRole('button', { name: fa['loyalty.rewards.edit'] }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: fa['loyalty.rewards.editTitle'] }).waitFor({ timeout: 60_000 });
    const typeDay = async (label: string, [year, month, day]: string[]) => {
      const group = dialog.getByRole('group', { name: label, exact: true });
      await group.locator('[data-type="year"]').click();
      await page.keyboard.type(year!);
      await group.locator('[data-type="month"]').click();
      await page.keyboard.type(month!);
      await group.locator('[data-type="day"]').click();
      await page.keyboard.type(day!);
    };
    // Nowruz 1406: a last day before the first is caught on the field, and nothing can be saved.
    await typeDay(fa['loyalty.rewards.firstDay'], ['۱۴۰۶', '۰۱', '۱۳']);
    await typeDay(fa['loyalty.rewards.lastDay'], ['۱۴۰۶', '۰۱', '۰۱']);
    await dialog.getByText(fa['loyalty.rewards.windowBackwards']).waitFor();
    assert.equal(await dialog.getByRole('button', { name: fa['common.save'] }).isDisabled(), true);
    await typeDay(fa['loyalty.rewards.firstDay'], ['۱۴۰۶', '۰۱', '۰۱']);
    await typeDay(fa['loyalty.rewards.lastDay'], ['۱۴۰۶', '۰۱', '۱۳']);
    await dialog.getByText(fa['loyalty.rewards.windowBackwards']).waitFor({ state: 'detached' });
    assert.deepEqual(await latinWords(page, '[role="dialog"]'), [], 'fa 390 reward window');
    await noSidewaysScroll(page, 390);
    await screenshot(page, 'rewards-window-fa-390');
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/loyalty/rewards/${reward.id}`) && r.request().method() === 'PATCH');
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    assert.equal((await saved).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    // 1 Farvardin 1406 is 21 March 2027; midnight in Tehran (UTC+3:30) to the midnight after 13 Farvardin.
    const stored = await api('GET', `/api/loyalty/rewards/${reward.id}`);
    assert.deepEqual([stored.validFrom, stored.validUntil], ['2027-03-20T20:30:00.000Z', '2027-04-02T20:30:00.000Z']);
    // Not on offer yet: the page and the list say from when, in the reader's calendar.
    const state = page.locator('.reward-page-state');
    await state.getByText(/۱ فروردین ۱۴۰۶/).first().waitFor();
    assert.match(await state.innerText(), /۱۳ فروردین ۱۴۰۶/);
    await page.goto('/loyalty');
    const row = page.locator('section[aria-labelledby="loyalty-rewards"]').getByRole('row', { name: /بلیت سینما/ });
    await row.getByText(/از ۱ فروردین ۱۴۰۶/).waitFor({ timeout: 60_000 });
    // Emptied again: on offer from now on, with no end.
    await page.goto(`/loyalty/rewards/${reward.id}`);
    await page.getByRole('button', { name: fa['loyalty.rewards.edit'] }).click();
    await dialog.getByRole('heading', { name: fa['loyalty.rewards.editTitle'] }).waitFor({ timeout: 60_000 });
    for (const label of [fa['loyalty.rewards.firstDay'], fa['loyalty.rewards.lastDay']]) {
      const group = dialog.getByRole('group', { name: label, exact: true });
      for (const part of ['day', 'month', 'year']) {
        await group.locator(`[data-type="${part}"]`).click();
        await page.keyboard.press('Backspace');
        await page.keyboard.press('Backspace');
        await page.keyboard.press('Backspace');
        await page.keyboard.press('Backspace');
      }
    }
    await dialog.getByRole('button', { name: fa['common.save'] }).click();
    await dialog.waitFor({ state: 'detached' });
    await until('the window cleared', async () => {
      const now = await api('GET', `/api/loyalty/rewards/${reward.id}`);
      return now.validFrom === null && now.validUntil === null;
    });
    await context.close();
  });

  test('the form and the reward page\'s edit in fa, ar and en at 1366 and 390', async () => {
    await forEachStaffScreen(browser, vafa, async (page, language, size, api) => {
      const m = MESSAGES[language];
      await page.goto('/loyalty');
      await page.getByRole('button', { name: m['loyalty.rewards.new'] }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: m['loyalty.rewards.newTitle'] }).waitFor({ timeout: 60_000 });
      await dialog.getByRole('button', { name: m['loyalty.rewards.who'] }).click();
      await page.getByRole('option', { name: m['loyalty.rewards.onlyTiers'] }).click();
      await dialog.getByRole('button', { name: m['loyalty.coupons.program'] }).click();
      await page.getByRole('option', { name: 'باشگاه سینما' }).click();
      await dialog.locator('label.checkbox').first().waitFor();
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'rewards-form' });
      await dialog.getByRole('button', { name: m['common.cancel'] }).click();
      await dialog.waitFor({ state: 'detached' });

      // Edit from the reward's page: the cost changes, the header says so.
      const reward = (await api('GET', '/api/loyalty/rewards?all=true')).items.find((r: { name: { fa?: string } }) => r.name.fa === 'بلیت سینما');
      await page.goto(`/loyalty/rewards/${reward.id}`);
      await page.getByRole('button', { name: m['loyalty.rewards.edit'] }).click();
      await dialog.getByRole('heading', { name: m['loyalty.rewards.editTitle'] }).waitFor({ timeout: 60_000 });
      const cost = field(page, m['loyalty.rewards.costField']);
      const next = reward.pointsCost + 5;
      await cost.input.fill(String(next));
      await checkScreen(page, { language, width: size.width, within: '[role="dialog"]', name: 'rewards-edit' });
      await dialog.getByRole('button', { name: m['common.save'] }).click();
      await dialog.waitFor({ state: 'detached' });
      await until('the new cost', async () => (await api('GET', `/api/loyalty/rewards/${reward.id}`)).pointsCost === next);
      await noSidewaysScroll(page, size.width);
    });
  });
});
