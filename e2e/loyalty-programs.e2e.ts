// The loyalty program editor and its simulator in the browser. On a phone-size page in Persian, a
// manager creates a points program through the form (Persian digits in every number, money in the
// workspace's unit, a category multiplier, caps, pending days, expiry at the end of Esfand, a
// birthday rule), works out a sample order in the simulator and sees its points, changes a cap
// without saving and sees the simulation follow, saves and finds the program listed on /loyalty;
// a real order of the same lines earns the figure the simulator gave. Editing it again after
// someone else's change is refused with the conflict said plainly and the latest version a tap
// away; archiving it shows it archived. Both screens pass axe in fa, ar and en at phone and
// desktop size, and a Persian or Arabic screen shows no Latin word.
// Run: node --import tsx --test e2e/loyalty-programs.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa } from './harness.ts';

const fa = MESSAGES.fa;
const persian = (n: number | string) => String(n).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
/** A label with a placeholder ({unit}): matched by the words before it. */
const startingWith = (template: string) => new RegExp(`^${template.split('{')[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

let vafa: RunningVafa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let csrf = '';

interface Program { id: string; name: string; version: number; status: string; settings: Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers, read as the test needs

async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrf, ...headers }, data: body });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return await res.json() as T;
}

/** Words in Latin letters on the page's own text (people's text, in <bdi>, aside). */
async function latinWords(): Promise<string[]> {
  return page.evaluate(() => {
    const words: string[] = [];
    const root = document.querySelector('main') ?? document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('bdi, code, script, style, [aria-hidden="true"]')) continue;
      words.push(...(node.textContent ?? '').match(/[A-Za-z]{2,}/g) ?? []);
    }
    for (const input of document.querySelectorAll('input, textarea')) words.push(...((input as HTMLInputElement).placeholder.match(/[A-Za-z]{2,}/g) ?? []));
    return words;
  });
}

async function choose(label: string, option: string): Promise<void> {
  await page.locator('.program-form').getByRole('button', { name: new RegExp(label) }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('loyalty program editor', { timeout: 900_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 3 }), launchChromium()]);
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

  test('a manager creates a program through the form, simulates an order, saves it and finds it listed, in Persian on a phone', async () => {
    await page.goto('/loyalty');
    await page.getByRole('link', { name: fa['loyalty.programs.new'] }).click();
    await page.waitForURL('**/loyalty/programs/new');
    await page.getByRole('heading', { name: fa['loyalty.editor.newTitle'], level: 1 }).waitFor();
    await expectAccessible(page, 'program editor new fa 390');
    assert.deepEqual(await latinWords(), []);
    await screenshot(page, 'loyalty/program-new-fa-390', { fullPage: true });

    const form = page.locator('.program-form');
    await form.getByLabel(fa['loyalty.editor.name']).fill('باشگاه طلایی');
    await form.locator('.program-spend').getByLabel(fa['loyalty.editor.spendPoints'], { exact: true }).fill('۲');
    await form.getByLabel(startingWith(fa['loyalty.editor.spendPer'])).fill('۱۰۰٬۰۰۰');
    await form.getByRole('button', { name: fa['loyalty.editor.addCategory'] }).click();
    const category = form.locator('.program-row').first();
    await category.getByLabel(fa['loyalty.editor.category'], { exact: true }).fill('لبنیات');
    await category.getByLabel(fa['loyalty.editor.percent'], { exact: true }).fill('۱۵۰');
    await form.getByLabel(fa['loyalty.editor.capOrder'], { exact: true }).fill('۱۰');
    await form.getByLabel(fa['loyalty.editor.pendingDays'], { exact: true }).fill('۷');
    await choose(fa['loyalty.editor.expiryKind'], fa['loyalty.editor.expiryKindName.fixed']);
    // the workspace calendar and the last month come first: the end of Esfand
    await form.getByRole('button', { name: /اسفند/ }).waitFor();
    await form.getByText(fa['loyalty.editor.event.customer.birthday']).click();
    await form.locator('.program-event', { hasText: fa['loyalty.editor.event.customer.birthday'] }).getByLabel(fa['loyalty.editor.eventPoints']).fill('۵۰');

    // The simulator: 250,000 of dairy (×1.5) and 100,000 of bread at 2 points per 100,000 = 7.5 + 2 = 9.5 → 9.
    const sim = page.locator('.program-simulator');
    await sim.getByLabel(startingWith(fa['loyalty.sim.amount'])).fill('۲۵۰٬۰۰۰');
    await sim.getByLabel(fa['loyalty.editor.category'], { exact: true }).fill('لبنیات');
    await sim.getByRole('button', { name: fa['loyalty.sim.addLine'] }).click();
    await sim.locator('.sim-line').nth(1).getByLabel(startingWith(fa['loyalty.sim.amount'])).fill('۱۰۰۰۰۰');
    await sim.getByRole('button', { name: fa['loyalty.sim.run'] }).click();
    const result = sim.getByTestId('loyalty-simulation');
    await result.getByText(fill(fa['loyalty.sim.wouldEarn'], { points: persian(9) })).waitFor();
    const text = await result.innerText();
    assert.match(text, /۹٫۵/, 'the exact points before rounding');
    assert.match(text, /اسفند/, 'expires at the end of Esfand');
    assert.match(text, new RegExp(fill(fa['loyalty.sim.multiplier'], { percent: persian(150) })));
    await expectAccessible(page, 'program editor simulated fa 390');
    assert.deepEqual(await latinWords(), []);
    await screenshot(page, 'loyalty/program-simulated-fa-390', { fullPage: true });
    await sim.screenshot({ path: 'test-output/screenshots/loyalty/simulator-only-fa-390.png' });

    // A cap changed and not saved: the simulation follows the screen.
    await form.getByLabel(fa['loyalty.editor.capOrder'], { exact: true }).fill('۸');
    await sim.getByRole('button', { name: fa['loyalty.sim.run'] }).click();
    await result.getByText(fill(fa['loyalty.sim.wouldEarn'], { points: persian(8) })).waitFor();
    await result.getByText(fa['loyalty.sim.capped.order']).waitFor();
    assert.equal((await api<{ items: Program[] }>('GET', '/api/loyalty/programs')).items.length, 0, 'nothing saved by simulating');

    await form.getByRole('button', { name: fa['loyalty.editor.create'] }).click();
    await page.waitForURL((url) => url.pathname === '/loyalty');
    await page.getByRole('link', { name: 'باشگاه طلایی' }).waitFor();
    const [saved] = (await api<{ items: Program[] }>('GET', '/api/loyalty/programs')).items;
    programId = saved!.id;
    const workspace = await api<{ currency: string; irrDisplay: string }>('GET', '/api/workspace');
    const minorPerMajor = workspace.currency === 'IRR' && workspace.irrDisplay === 'toman' ? 10 : 1;
    assert.deepEqual(saved!.settings, {
      spend: { points: 2, per: 100_000 * minorPerMajor, rounding: 'floor' }, categoryMultipliers: { 'لبنیات': 150 }, skuMultipliers: {},
      caps: { perOrder: 8, perDay: null }, pendingDays: 7, expiry: { kind: 'fixed', calendar: 'persian', month: 12 },
      events: [{ topic: 'customer.birthday', points: 50 }], expiryNotice: null,
    });
    // A real order of the same lines earns what the simulator said.
    const [customer] = (await api<{ items: { id: string }[] }>('GET', '/api/customers?limit=1')).items;
    const order = await api<{ points: number; capped: string }>('POST', '/api/loyalty/orders', {
      externalId: 'e2e-sim-1', customerId: customer!.id, lines: [{ id: '1', category: 'لبنیات', amount: 250_000 * minorPerMajor }, { id: '2', amount: 100_000 * minorPerMajor }],
    });
    assert.deepEqual([order.points, order.capped], [8, 'order']);
    await screenshot(page, 'loyalty/overview-with-program-fa-390', { fullPage: true });
  });

  test('a change after someone else\'s is refused plainly, the latest version loads, and archiving shows it archived', async () => {
    await page.getByRole('link', { name: 'باشگاه طلایی' }).click();
    await page.waitForURL(`**/loyalty/programs/${programId}`);
    const form = page.locator('.program-form');
    await form.getByLabel(fa['loyalty.editor.name']).waitFor();
    assert.equal(await form.getByLabel(fa['loyalty.editor.pendingDays'], { exact: true }).inputValue(), '۷');
    // someone else renames it meanwhile
    await api('PATCH', `/api/loyalty/programs/${programId}`, { version: 1, name: 'باشگاه زرین' });
    await form.getByLabel(fa['loyalty.editor.pendingDays'], { exact: true }).fill('۱۰');
    await form.getByRole('button', { name: fa['loyalty.editor.save'] }).click();
    const conflict = page.locator('.program-conflict');
    await conflict.getByText(fa['loyalty.editor.conflictHint']).waitFor();
    assert.match(await conflict.innerText(), new RegExp(persian(2)), 'names the version now current');
    await expectAccessible(page, 'program editor conflict fa 390');
    await screenshot(page, 'loyalty/program-conflict-fa-390', { fullPage: true });
    await conflict.getByRole('button', { name: fa['loyalty.editor.loadLatest'] }).click();
    await page.getByRole('heading', { name: 'باشگاه زرین', level: 1 }).waitFor();
    assert.equal(await form.getByLabel(fa['loyalty.editor.pendingDays'], { exact: true }).inputValue(), '۷');
    assert.equal((await api<Program>('GET', `/api/loyalty/programs/${programId}`)).settings.pendingDays, 7);

    await form.getByRole('button', { name: fa['loyalty.editor.archive'] }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: fa['loyalty.editor.archive'] }).click();
    await page.waitForURL((url) => url.pathname === '/loyalty');
    await page.locator('tr, li, [role="row"]', { hasText: 'باشگاه زرین' }).getByText(fa['loyalty.programs.state.archived']).first().waitFor();
    assert.equal((await api<Program>('GET', `/api/loyalty/programs/${programId}`)).status, 'archived');
  });

  test('the editor in fa, ar and en, at phone and desktop size, passes axe; Persian and Arabic show no Latin word', async () => {
    const active = await api<Program>('POST', '/api/loyalty/programs', {
      name: 'باشگاه نقره‌ای', settings: { spend: { points: 1, per: 50_000, rounding: 'round' }, skuMultipliers: { 'شیر-۱': 300 }, caps: { perDay: 100 }, expiry: { kind: 'rolling', days: 365 }, expiryNotice: { daysBefore: 14 }, events: [{ topic: 'complaint.goodwill' }] },
    });
    for (const language of ['fa', 'ar', 'en'] as const) {
      await api('PATCH', '/api/me', { language });
      const m = MESSAGES[language];
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        for (const [name, url] of [['new', '/loyalty/programs/new'], ['edit', `/loyalty/programs/${active.id}`]] as const) {
          await page.goto(url);
          const sim = page.locator('.program-simulator');
          await sim.getByLabel(startingWith(m['loyalty.sim.amount'])).fill(language === 'en' ? '120000' : language === 'ar' ? '١٢٠٠٠٠' : '۱۲۰۰۰۰');
          if (name === 'new') {
            await page.locator('.program-spend').getByLabel(startingWith(m['loyalty.editor.spendPer'])).fill('10000');
          }
          await sim.getByRole('button', { name: m['loyalty.sim.run'] }).click();
          await sim.getByTestId('loyalty-simulation').waitFor();
          await expectAccessible(page, `program editor ${name} ${language} ${width}`);
          if (language !== 'en') assert.deepEqual(await latinWords(), [], `${name} ${language} ${width}`);
          await screenshot(page, `loyalty/program-${name}-${language}-${width}`, { fullPage: true });
        }
      }
    }
    await api('PATCH', '/api/me', { language: 'fa' });
  });
});
