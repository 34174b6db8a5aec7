// Browser test of the shared chart (apps/web/src/ui/chart.tsx) on its first screen, the
// follow-up metrics: drawn as SVG with the web font; Persian digits and time running right to
// left (y axis on the right) in fa, Latin digits left to right in en; a language switch redraws
// it at once; a tooltip and a data table in the reader's digits; never wider than a phone.
// Screenshots in test-output/screenshots/chart/ (fa, ar, en at 1366 and 390 wide).
// Run: node --import tsx --test e2e/chart.e2e.ts
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, SHOTS, startVafa, waitUntil } from './harness.ts';

type Language = 'fa' | 'ar' | 'en';

let vafa: RunningVafa;
let browser: Browser;

interface DrawnText { text: string; x: number; y: number; font: string }
interface DrawnChart { canvas: { left: number; right: number; width: number }; first: DrawnText; axis: DrawnText[]; texts: DrawnText[] }

/** The chart's SVG text as drawn: the x-axis row (found by the first day's label) and everything else. */
async function drawnChart(page: Page): Promise<DrawnChart | null> {
  return page.evaluate(() => {
    const figure = document.querySelector('[data-testid="followups-per-day"][data-state="drawn"]');
    const canvas = figure?.querySelector('.chart-canvas');
    if (!figure || !canvas) return null;
    const texts = [...canvas.querySelectorAll('svg text')].flatMap((node) => {
      const box = node.getBoundingClientRect();
      // Bidi isolates around right-to-left labels are not part of what a reader sees.
      const text = (node.textContent ?? '').replace(/[\u2066-\u2069]/g, '');
      return box.width > 0 && text ? [{ text, x: box.left + box.width / 2, y: box.top + box.height / 2, font: getComputedStyle(node).fontFamily }] : [];
    });
    const first = texts.find((t) => t.text === figure.getAttribute('data-first-label'));
    if (!first) return null;
    const box = canvas.getBoundingClientRect();
    return { canvas: { left: box.left, right: box.right, width: box.width }, first, axis: texts.filter((t) => Math.abs(t.y - first.y) < 4), texts };
  });
}

async function openFollowups(language: Language, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({
    baseURL: vafa.baseUrl, locale: language === 'en' ? 'en-GB' : language === 'ar' ? 'ar-SA' : 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true,
    viewport: { width, height },
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
  assert.equal(login.status(), 200);
  const { csrfToken } = await login.json() as { csrfToken: string };
  assert.equal((await page.request.patch('/api/me', { data: { language }, headers: { 'x-csrf-token': csrfToken } })).status(), 200);
  await page.goto('/engagement/followups');
  return page;
}

const PERSIAN_DIGIT = /[۰-۹]/;
const LATIN_DIGIT = /[0-9]/;
const ARABIC_INDIC_DIGIT = /[٠-٩]/;

/** x-axis labels of the drawn chart, with the first day's label on the given side of every other. */
async function axisWithFirstDay(page: Page, side: 'right' | 'left', digits: RegExp): Promise<DrawnChart> {
  return waitUntil(`the chart with its first day on the ${side} in ${digits}`, async () => {
    const chart = await drawnChart(page);
    if (!chart || chart.axis.length < 2 || !chart.axis.every((t) => digits.test(t.text))) return null;
    const others = chart.axis.filter((t) => t !== chart.first);
    const onSide = side === 'right' ? others.every((t) => t.x < chart.first.x) : others.every((t) => t.x > chart.first.x);
    return onSide ? chart : null;
  });
}

describe('chart on the follow-up metrics', { timeout: 600_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa({ customers: 20 }), launchChromium()]);
    // Two follow-ups opened today, one of them closed, so both series have a value. Opened here, not
    // taken from the demo's: its follow-ups follow its latest returns, and twenty demo customers
    // have none at some hours of the day (the generator's shop hours shift with the clock).
    const login = await fetch(`${vafa.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: vafa.email, password: vafa.password }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrfToken } = await login.json() as { csrfToken: string };
    const customers = await (await fetch(`${vafa.apiUrl}/api/customers?limit=2`, { headers: { cookie } })).json() as { items: { id: string }[] };
    assert.equal(customers.items.length, 2, 'the demo has customers');
    for (const [n, customer] of customers.items.entries()) {
      const opened = await fetch(`${vafa.apiUrl}/api/followups`, {
        method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json', 'idempotency-key': `chart-${n}` },
        body: JSON.stringify({ customerId: customer.id, reason: 'negative_experience', dueInBusinessHours: 4, priority: 'urgent' }),
      });
      assert.equal(opened.status, 201, await opened.text());
    }
    const queue = await (await fetch(`${vafa.apiUrl}/api/followups?status=open`, { headers: { cookie } })).json() as { items: { id: string }[] };
    assert.ok(queue.items.length > 0, 'the demo has open follow-ups');
    const closed = await fetch(`${vafa.apiUrl}/api/followups/${queue.items[0]!.id}/attempts`, {
      method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'resolved' }),
    });
    assert.equal(closed.status, 200, await closed.text());
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('fa: Persian digits, the first day on the right, the y axis on the right, Vazirmatn; a tooltip and a table in Persian digits', async () => {
    const page = await openFollowups('fa', 1366, 900);
    const chart = await axisWithFirstDay(page, 'right', PERSIAN_DIGIT);
    assert.deepEqual(chart.texts.filter((t) => LATIN_DIGIT.test(t.text)).map((t) => t.text), [], 'no Latin digit anywhere in the chart');
    const yLabels = chart.texts.filter((t) => /^[۰-۹٬]+$/.test(t.text) && Math.abs(t.y - chart.first.y) >= 4);
    assert.ok(yLabels.length >= 2, `y-axis labels: ${JSON.stringify(chart.texts.map((t) => t.text))}`);
    const middle = (chart.canvas.left + chart.canvas.right) / 2;
    assert.ok(yLabels.every((t) => t.x > middle), 'the y axis stands on the right');
    assert.match(chart.first.font, /Vazirmatn/);
    // Legend: the first series (opened) is read first, so it stands right of the second.
    const legend = page.locator('[data-testid="followups-per-day"] .chart-legend li');
    assert.deepEqual(await legend.allTextContents(), [MESSAGES.fa['followups.metrics.opened'], MESSAGES.fa['followups.metrics.done']]);
    assert.ok((await legend.nth(0).boundingBox())!.x > (await legend.nth(1).boundingBox())!.x, 'legend runs right to left');

    // Hovering over the drawing shows a tooltip with a Jalali day in Persian digits.
    const canvas = page.locator('[data-testid="followups-per-day"] .chart-canvas');
    // The chart can start below the fold (the queue above it grows with the demo's follow-ups).
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    // Keep moving over the plot until the tooltip shows: one move can land before the chart
    // has finished its first draw on a busy machine, and echarts only answers the next move.
    let step = 0;
    const tip = await waitUntil('a tooltip', async () => {
      step += 1;
      await page.mouse.move(box.x + box.width * (0.1 + (step % 5) * 0.15), box.y + box.height * 0.6, { steps: 3 });
      const text = await page.evaluate(() => {
        const node = [...document.querySelectorAll('[data-testid="followups-per-day"] .chart-canvas div')].find((d) => d.querySelector('.chart-tip-title') && getComputedStyle(d).display !== 'none' && getComputedStyle(d).opacity !== '0');
        return node?.textContent ?? '';
      });
      return text.includes(MESSAGES.fa['followups.metrics.opened']) ? text : null;
    });
    assert.match(tip, PERSIAN_DIGIT);
    assert.doesNotMatch(tip, LATIN_DIGIT);

    // The numbers behind the drawing, one row a day, as the API reports them.
    const metrics = await (await page.request.get('/api/followups/metrics')).json() as { daily: { day: string; opened: number; done: number }[] };
    await page.getByText(MESSAGES.fa['chart.showNumbers']).click();
    const rows = page.locator('[data-testid="followups-per-day"] tbody tr');
    assert.equal(await rows.count(), metrics.daily.length);
    const today = await rows.last().locator('td').allTextContents();
    const toPersian = (n: number) => n.toLocaleString('fa-IR');
    assert.deepEqual(today, [toPersian(metrics.daily.at(-1)!.opened), toPersian(metrics.daily.at(-1)!.done)]);
    assert.ok(metrics.daily.at(-1)!.opened > 0 && metrics.daily.at(-1)!.done > 0, 'today has follow-ups opened and done');
    const label = await canvas.getAttribute('aria-label');
    assert.ok(label?.startsWith(MESSAGES.fa['followups.metrics.daily']), `aria-label: ${label}`);
    assert.doesNotMatch(label!, LATIN_DIGIT);
    await expectAccessible(page, 'follow-ups with chart (fa)');
    await page.context().close();
  });

  test('en: Latin digits, the first day on the left; switching to Persian redraws it mirrored at once', async () => {
    const page = await openFollowups('en', 1366, 900);
    const chart = await axisWithFirstDay(page, 'left', LATIN_DIGIT);
    assert.deepEqual(chart.texts.filter((t) => PERSIAN_DIGIT.test(t.text) || ARABIC_INDIC_DIGIT.test(t.text)).map((t) => t.text), []);
    const yLabels = chart.texts.filter((t) => /^[0-9,]+$/.test(t.text) && Math.abs(t.y - chart.first.y) >= 4);
    assert.ok(yLabels.length >= 2 && yLabels.every((t) => t.x < (chart.canvas.left + chart.canvas.right) / 2), 'the y axis stands on the left');

    // No navigation: the chart on screen follows the new language.
    await page.getByRole('button', { name: new RegExp(MESSAGES.en['prefs.title']) }).click();
    await page.getByRole('dialog').getByRole('button', { name: new RegExp(MESSAGES.en['prefs.language']) }).click();
    await page.getByRole('option', { name: MESSAGES.en['lang.fa'], exact: true }).click();
    await axisWithFirstDay(page, 'right', PERSIAN_DIGIT);
    await page.context().close();
  });

  test('the message log draws its messages per day, or says there were none', async () => {
    const page = await openFollowups('fa', 390, 844);
    await page.goto('/engagement/messages');
    const perDay = await (await page.request.get('/api/messages/per-day')).json() as { daily: Record<string, number | string>[] };
    const any = perDay.daily.some((d) => Object.values(d).some((v) => typeof v === 'number' && v > 0));
    const chart = page.locator('[data-testid="messages-per-day"]');
    await chart.and(page.locator(any ? '[data-state="drawn"]' : '[data-state="empty"]')).waitFor();
    if (!any) assert.equal((await chart.textContent())?.trim(), MESSAGES.fa['messages.perDayEmpty']);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390);
    await page.context().close();
  });

  test('stays within a phone and looks right in fa, ar and en (screenshots)', async () => {
    const dir = path.join(SHOTS, 'chart');
    mkdirSync(dir, { recursive: true });
    for (const language of ['fa', 'ar', 'en'] as const) {
      for (const [width, height] of [[1366, 900], [390, 844]] as const) {
        const page = await openFollowups(language, width, height);
        const digits = language === 'fa' ? PERSIAN_DIGIT : language === 'ar' ? ARABIC_INDIC_DIGIT : LATIN_DIGIT;
        const chart = await axisWithFirstDay(page, language === 'en' ? 'left' : 'right', digits);
        assert.ok(chart.canvas.width <= width, `${language} ${width}: the chart fits`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= width, `${language} ${width}: page is ${wide}px wide`);
        const figure = page.locator('[data-testid="followups-per-day"]');
        await figure.scrollIntoViewIfNeeded();
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: path.join(dir, `followups-${language}-${width}.png`) });
        await page.context().close();
      }
    }
  });
});
