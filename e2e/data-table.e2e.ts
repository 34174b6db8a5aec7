// The shared list/table (apps/web/src/ui/data-table.tsx) on the screens that use it, in real
// Chromium against a real server: sorting toggles aria-sort and the order (mouse and keyboard),
// a selection brings up the bulk bar and its action works, "load more" on the audit log brings
// more rows, and on a 390×844 phone in Persian every list is a set of cards and no page is
// wider than the screen. Screenshots in fa, ar and en, desktop and phone, land in
// test-output/screenshots/data-table/.
// Run: node --import tsx --test e2e/data-table.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

type Language = 'fa' | 'ar' | 'en';
const fa = MESSAGES.fa;
// The locale the app formats Persian with (Persian digits), for expected texts.
const FA_LOCALE = 'fa-IR-u-ca-persian-nu-arabext';
const say = (key: keyof typeof fa, values: Record<string, number>) => String(new IntlMessageFormat(fa[key], FA_LOCALE).format(values));

// Distinct names, so the order of the key list is never decided by a tie.
const KEY_NAMES = [
  'انبار مرکزی', 'باشگاه مشتریان', 'پیامک انبوه', 'تارنمای فروشگاه', 'ثبت سفارش', 'جشنواره تابستان', 'چاپخانه', 'حسابداری', 'خزانه',
  'دفتر تهران', 'ذخیره‌ساز', 'رزرو میز', 'زنجیره تأمین', 'ژورنال فروش', 'سامانه صندوق', 'شعبه شیراز', 'صندوق فروشگاه', 'ضمانت کالا',
  'طرح وفاداری', 'ظرفیت انبار', 'عضویت ویژه', 'غرفه نمایشگاه', 'فروشگاه اینترنتی', 'قرعه‌کشی', 'کارت هدیه', 'گزارش شبانه', 'لجستیک',
  'مرکز تماس', 'نظرسنجی', 'واحد پشتیبانی', 'هدیه تولد', 'یادآور سفارش', 'Zapier', 'Shopify', 'WooCommerce',
];

let vafa: RunningVafa;
let browser: Browser;
let csrf = '';
let cookies: Awaited<ReturnType<BrowserContext['cookies']>> = [];
let segmentId = '';
let templateId = '';

/** A signed-in page in the given language and window size. */
async function open(language: Language, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  // bypassCSP: axe is injected as an inline script, which the app's CSP rightly refuses.
  const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport, locale: language, bypassCSP: true });
  await context.addCookies(cookies);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error on ${page.url()}: ${error.message}`));
  const res = await page.request.patch('/api/me', { headers: { 'x-csrf-token': csrf }, data: { language } });
  assert.equal(res.status(), 200, await res.text());
  return { context, page };
}

/** The lists on a screen have their rows (or their empty state) and nothing is loading. */
async function listsReady(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor({ timeout: 90_000 });
  await waitUntil(`the lists of ${page.url()}`, () => page.evaluate(() => {
    const tables = [...document.querySelectorAll('.dt')];
    return tables.length > 0 && !document.querySelector('.dt-skeleton-row, .skeleton')
      && tables.every((t) => t.querySelector('.dt-table tbody tr') || t.querySelector('.state'));
  }));
}

const rowNames = (page: Page) => page.locator('.dt-table tbody [role="rowheader"]').allTextContents();
/** Whether each name sorts at or after the one before it, by the collation the app uses for Persian. */
const inOrder = (page: Page, names: string[]) => page.evaluate(([list, locale]) => {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  return list.every((name, i) => i === 0 || collator.compare(list[i - 1]!, name) <= 0);
}, [names, FA_LOCALE] as const);

describe('the shared list/table', { timeout: 1_200_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
    const context = await browser.newContext({ baseURL: vafa.baseUrl });
    const login = await context.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200, await login.text());
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    cookies = await context.cookies();
    const call = async (method: 'POST' | 'PUT' | 'PATCH', url: string, data: unknown) => {
      const res = await context.request.fetch(url, { method, headers: { 'x-csrf-token': csrf }, data });
      assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
      return res.status() === 204 ? null : await res.json();
    };
    // Keys to sort and select; creating each writes an audit entry, so the log has more than a page.
    for (const name of KEY_NAMES) await call('POST', '/api/api-keys', { name, role: 'agent' });
    for (let i = 0; i < 20; i++) await call('POST', '/api/invitations', { email: `colleague${i}@example-shop.ir`, role: 'agent' });
    const segment = await call('POST', '/api/segments', { name: 'مشتریان وفادار', rules: { match: 'all', conditions: [{ field: 'orderCount', op: 'gte', value: 1 }] } });
    segmentId = segment.id;
    // Messages that cannot go out (no e-mail channel yet): the message log has rows to show.
    await call('PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 });
    const template = await call('POST', '/api/templates', { name: 'تشکر پس از بازدید', content: { fa: { subject: 'سپاس {name}', text: 'سلام {name}، از بازدید شما سپاسگزاریم.' } } });
    templateId = template.id;
    await call('POST', '/api/automations', {
      name: 'تشکر پس از بازدید', enabled: true, trigger: { type: 'event', topic: 'touchpoint.recorded' },
      conditions: [{ type: 'tag', tag: 'thanks', present: true }],
      actions: [{ type: 'send_message', templateId: template.id, channel: 'email' }],
    });
    for (const [i, name] of ['نیلوفر احمدی', 'محمدرضا شریعتمداری‌نژاد', 'سارا'].entries()) {
      const customer = await call('POST', '/api/customers', {
        name, email: `visitor${i}.with-a-long-address@example-shop.ir`, language: 'fa', consent: { email: { granted: true, source: 'web' } }, tags: ['thanks'],
      });
      await call('POST', '/api/touchpoints', { customer: { id: customer.id }, kind: 'visit', channel: 'store', stage: 'sale', occurredAt: new Date().toISOString() });
    }
    await waitUntil('messages in the log', async () => ((await (await context.request.get('/api/messages')).json()) as { items: unknown[] }).items.length >= 3);
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('sorting: a header toggles aria-sort and the order, by mouse and by keyboard', async () => {
    const { context, page } = await open('fa', { width: 1366, height: 900 });
    await page.goto('/settings/api-keys');
    await listsReady(page);
    const nameHeader = page.getByRole('columnheader', { name: fa['apiKeys.name'] });
    const createdHeader = page.getByRole('columnheader', { name: fa['apiKeys.created'] });
    // Newest first until asked otherwise.
    assert.equal(await createdHeader.getAttribute('aria-sort'), 'descending');
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'none');

    await nameHeader.getByRole('button').click();
    await waitUntil('sorted by name', async () => await nameHeader.getAttribute('aria-sort') === 'ascending');
    assert.equal(await createdHeader.getAttribute('aria-sort'), 'none');
    const ascending = await rowNames(page);
    assert.ok(ascending.length >= KEY_NAMES.length, `all keys listed (${ascending.length})`);
    assert.ok(await inOrder(page, ascending), `alphabetical: ${ascending.join(' | ')}`);

    await nameHeader.getByRole('button').press('Enter');
    await waitUntil('reverse order', async () => await nameHeader.getAttribute('aria-sort') === 'descending');
    const descending = await rowNames(page);
    assert.deepEqual(descending, [...ascending].reverse());
    await screenshot(page, 'data-table/fa-api-keys-sorted');
    await expectAccessible(page, 'fa API keys, sorted');
    await context.close();
  });

  test('selection: the bulk bar counts in Persian digits, selects the page and revokes the chosen keys', async () => {
    const { context, page } = await open('fa', { width: 1366, height: 900 });
    await page.goto('/settings/api-keys');
    await listsReady(page);
    const bar = page.getByRole('region', { name: new RegExp(fa['dataTable.bulkActions']) });
    assert.equal(await bar.isVisible(), false, 'no bar without a selection');
    // A checkbox is named by its row: "انتخاب <name>". The box is what a person clicks.
    const tick = (name: string) => page.getByRole('checkbox', { name: `${fa['dataTable.selectRow']} ${name}` }).locator('xpath=ancestor::label[1]').click();
    await tick('Zapier');
    await tick('حسابداری');
    await bar.waitFor();
    assert.equal((await bar.getByRole('status').textContent())?.trim(), say('dataTable.selected', { count: 2 }));

    const active = await page.locator('.dt-table tbody .dt-select-cell input[type="checkbox"]').count();
    await page.getByRole('checkbox', { name: fa['dataTable.selectPage'] }).first().locator('xpath=ancestor::label[1]').click();
    await waitUntil('the page selected', async () => (await bar.getByRole('status').textContent())?.trim() === say('dataTable.selected', { count: active }));
    await bar.getByRole('button', { name: fa['dataTable.clearSelection'] }).click();
    await waitUntil('the bar gone', async () => !(await bar.isVisible()));

    await tick('Zapier');
    await tick('حسابداری');
    await screenshot(page, 'data-table/fa-api-keys-selected');
    await expectAccessible(page, 'fa API keys with a selection');
    await bar.getByRole('button', { name: fa['apiKeys.revoke'] }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: fa['apiKeys.revoke'] }).click();
    await waitUntil('the keys revoked', async () => {
      const keys = (await (await page.request.get('/api/api-keys')).json() as { items: { name: string; revokedAt: string | null }[] }).items;
      return keys.filter((k) => k.name === 'Zapier' || k.name === 'حسابداری').every((k) => k.revokedAt);
    });
    await waitUntil('the bar gone after the action', async () => !(await bar.isVisible()));
    // A revoked key has nothing left to select.
    await waitUntil('no checkbox on a revoked key', async () => await page.getByRole('checkbox', { name: `${fa['dataTable.selectRow']} Zapier` }).count() === 0);
    await context.close();
  });

  test('load more: the audit log brings the next page under the first', async () => {
    const { context, page } = await open('fa', { width: 1366, height: 900 });
    await page.goto('/settings/audit-log');
    await listsReady(page);
    const rows = page.locator('.dt-table tbody tr');
    const first = await rows.count();
    assert.equal(first, 50, 'one page of entries');
    const firstEntry = await rows.first().textContent();
    await page.getByRole('button', { name: fa['common.loadMore'] }).click();
    await waitUntil('more entries', async () => await rows.count() > first);
    assert.equal(await rows.first().textContent(), firstEntry, 'the next page comes after the first, not instead of it');
    await context.close();
  });

  const SCREENS = () => [
    ['members', '/settings/members'],
    ['api-keys', '/settings/api-keys'],
    ['audit-log', '/settings/audit-log'],
    ['settings-hours', '/settings'],
    ['followups', '/engagement/followups'],
    ['messages', '/engagement/messages'],
    ['automations', '/engagement/automations'],
    ['templates', `/engagement/templates/${templateId}`],
    ['segments', `/segments/${segmentId}`],
  ] as const;

  test('a phone in Persian: every list is cards, a card can be selected, and no page is wider than the screen', async () => {
    const { context, page } = await open('fa', { width: 390, height: 844 });
    for (const [name, path] of SCREENS()) {
      await page.goto(path);
      await listsReady(page);
      const shapes = await page.evaluate(() => [...document.querySelectorAll('.dt-layout-cards:has(thead)')].map((table) => ({
        head: getComputedStyle(table.querySelector('thead')!).display,
        row: table.querySelector('tbody tr') ? getComputedStyle(table.querySelector('tbody tr')!).display : 'grid',
      })));
      assert.ok(shapes.length > 0, `${name}: a list`);
      for (const shape of shapes) assert.deepEqual(shape, { head: 'none', row: 'grid' }, `${name}: cards, not a table`);
      const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scrollWidth <= innerWidth, `${name}: the page is ${scrollWidth}px wide on a ${innerWidth}px screen`);
    }
    // Selecting from a card: the same checkbox, the same bar.
    await page.goto('/settings/api-keys');
    await listsReady(page);
    await page.getByRole('checkbox', { name: `${fa['dataTable.selectRow']} انبار مرکزی` }).locator('xpath=ancestor::label[1]').click();
    const bar = page.getByRole('region', { name: new RegExp(fa['dataTable.bulkActions']) });
    await bar.waitFor();
    assert.equal((await bar.getByRole('status').textContent())?.trim(), say('dataTable.selected', { count: 1 }));
    // Sorting without headers: the phone's sort menu.
    await page.getByRole('button', { name: new RegExp(fa['dataTable.sortBy']) }).click();
    await page.getByRole('option', { name: fa['dataTable.sortAscending'].replace('{column}', fa['apiKeys.name']) }).click();
    await waitUntil('sorted by name on the phone', async () => inOrder(page, await rowNames(page)));
    await screenshot(page, 'data-table/fa-api-keys-phone-selected');
    await expectAccessible(page, 'fa API keys on a phone');
    await context.close();
  });

  // every-route.e2e.ts already walks each of these screens in fa, ar and en at both sizes with axe
  // on the demo workspace; here the lists hold this test's long names and many rows, where
  // widths and contrast are likeliest to break: Arabic on a phone and English on a desktop
  // (Persian on a phone is the test above).
  test('every screen with a list, full of long names, in Arabic on a phone and English on a desktop: accessible, no wider than the screen, a screenshot', async () => {
    for (const [language, size, viewport] of [['ar', 'phone', { width: 390, height: 844 }], ['en', 'desktop', { width: 1366, height: 900 }]] as const) {
      const { context, page } = await open(language, viewport);
      for (const [name, path] of SCREENS()) {
        await page.goto(path);
        await listsReady(page);
        const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(scrollWidth <= innerWidth, `${language} ${size} ${name}: the page is ${scrollWidth}px wide on a ${innerWidth}px screen`);
        await screenshot(page, `data-table/${language}-${size}-${name}`);
        await expectAccessible(page, `${language} ${size} ${name}`);
      }
      await context.close();
    }
  });
});
