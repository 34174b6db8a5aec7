// Points for a product review and for a workspace's own action, in the program editor. On a phone
// in Persian a manager creates a program with a review rule (Persian digits: 20 points, rating at
// least 4, once a day) and a custom action (a name, its Latin key), reads the sentence each rule
// says, saves, and finds the rules saved as the API takes them. A review the shop then reports
// through POST /api/loyalty/events earns 20 points, and the customer page's points history names
// it «نوشتن نقد محصول». The editor with both rules passes axe in fa, ar and en at 1366 and 390 px,
// with no Latin word on fa/ar outside the key fields and no sideways scroll.
// Run: node --import tsx --test e2e/loyalty-action-rules.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, latinWordsOnScreen, launchChromium, noSidewaysScroll, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

const fa = MESSAGES.fa;
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrf }, data: body });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return await res.json() as T;
}

describe('loyalty action rules in the program editor', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 2 }), launchChromium()]);
    context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 }, bypassCSP: true });
    page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    await api('PATCH', '/api/me', { language: 'fa' });
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  let programId = '';

  test('a manager adds a review rule and a custom action in Persian on a phone, saves, and a reported review earns and is named in the history', async () => {
    await page.goto('/loyalty/programs/new');
    await page.getByRole('heading', { name: fa['loyalty.editor.newTitle'], level: 1 }).waitFor();
    const form = page.locator('.program-form');
    await form.getByLabel(fa['loyalty.editor.name']).fill('باشگاه نقد');
    await form.getByText(fa['loyalty.editor.spendOn']).click();

    const rules = form.getByTestId('action-rules');
    await rules.getByRole('button', { name: fa['loyalty.actions.add.review'] }).click();
    const review = rules.getByTestId('action-rule-review');
    await review.getByLabel(fa['loyalty.editor.eventPoints'], { exact: true }).fill('۲۰');
    // the defaults of a review rule: rating at least 4, once a day
    assert.equal(await review.getByLabel(fa['loyalty.actions.attribute'], { exact: true }).inputValue(), 'rating');
    assert.equal(await review.getByLabel(fa['loyalty.actions.value'], { exact: true }).inputValue(), '۴');
    const sentence = [
      fill(fa['loyalty.actions.sentence.points'], { points: '۲۰' }), fill(fa['loyalty.actions.sentence.gte'], { attribute: 'rating', value: '۴' }),
      fill(fa['loyalty.actions.sentence.perDay'], { count: '۱' }), fa['loyalty.actions.sentence.qualifying'],
    ].join(fa['loyalty.actions.sentence.joiner']);
    assert.equal(await review.getByTestId('action-rule-sentence').innerText(), sentence);
    // one review rule per program: the button is off once there is one
    assert.equal(await rules.getByRole('button', { name: fa['loyalty.actions.add.review'] }).isDisabled(), true);

    await rules.getByRole('button', { name: fa['loyalty.actions.add.custom'] }).click();
    const custom = rules.getByTestId('action-rule-custom');
    await custom.getByLabel(fa['loyalty.actions.name'], { exact: true }).fill('نصب اپ');
    await custom.getByLabel(fa['loyalty.actions.key'], { exact: true }).fill('App Installed');
    await custom.getByLabel(fa['loyalty.editor.eventPoints'], { exact: true }).fill('۵۰');
    await form.getByRole('button', { name: fa['loyalty.editor.create'] }).click();
    // a key the shop could not send is refused on its field, in Persian
    await custom.getByText(fa['loyalty.actions.error.key']).waitFor();
    await custom.getByLabel(fa['loyalty.actions.key'], { exact: true }).fill('app_installed');

    await expectAccessible(page, 'action rules fa 390');
    assert.deepEqual(await latinWordsOnScreen(page), []);
    await noSidewaysScroll(page, 'action rules fa 390');
    await screenshot(page, 'loyalty/action-rules-new-fa-390', { fullPage: true });

    await form.getByRole('button', { name: fa['loyalty.editor.create'] }).click();
    await page.waitForURL('**/loyalty');
    const { items } = await api<{ items: { id: string; name: string; settings: { actions?: unknown[] } }[] }>('GET', '/api/loyalty/programs');
    const saved = items.find((p) => p.name === 'باشگاه نقد');
    assert.ok(saved);
    programId = saved.id;
    assert.deepEqual(saved.settings.actions, [
      { type: 'review', points: 20, condition: { attribute: 'rating', op: 'gte', value: 4 }, perDay: 1 },
      { type: 'custom', key: 'app_installed', name: 'نصب اپ', points: 50 },
    ]);

    // The shop reports a 5-star review; the points arrive and the history names the review.
    const customer = (await api<{ items: { id: string }[] }>('GET', '/api/customers?limit=1')).items[0]!;
    await api('POST', '/api/loyalty/events', { type: 'review', customerId: customer.id, externalId: 'review-e2e-1', attributes: { rating: 5, sku: 'MUG-1' } });
    await waitUntil('the review\'s points', async () => (await api<{ available: number }>('GET', `/api/loyalty/members/${customer.id}`)).available === 20);
    await page.goto(`/customers/${customer.id}`);
    const history = page.getByTestId('loyalty-history');
    await history.getByTestId('loyalty-entry-cause').filter({ hasText: fa['memberPortal.cause.review'] }).waitFor();
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, 'loyalty/action-review-history-fa-390');
  });

  test('the editor with both rules in fa, ar and en at 1366 and 390 px', async () => {
    assert.ok(programId);
    for (const language of ['fa', 'ar', 'en'] as const) {
      await api('PATCH', '/api/me', { language });
      const m = MESSAGES[language];
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.goto(`/loyalty/programs/${programId}`);
        const rules = page.getByTestId('action-rules');
        await rules.getByText(m['loyalty.actions.type.review'], { exact: true }).waitFor();
        await rules.getByTestId('action-rule-custom').waitFor();
        await rules.scrollIntoViewIfNeeded();
        const name = `action rules ${language} ${width}`;
        await expectAccessible(page, name);
        if (language !== 'en') assert.deepEqual(await latinWordsOnScreen(page), [], name);
        await noSidewaysScroll(page, name);
        await screenshot(page, `loyalty/action-rules-${language}-${width}`);
        await rules.screenshot({ path: `test-output/screenshots/loyalty/action-rules-only-${language}-${width}.png` });
      }
    }
    await api('PATCH', '/api/me', { language: 'fa' });
  });
});
