// Walks every screen of the app (the route table in apps/web/src/app/routes.ts, so a new
// screen is covered without editing this file) in Persian, Arabic and English, on a phone
// (390×844) and a desktop (1366×900). On each: no sideways scrolling, no serious or critical
// axe finding, a screenshot in test-output/screenshots/walk/, and on fa/ar screens no
// Latin-script word outside user data, codes and a short allow-list.
// Also: changing language, calendar and digits re-renders the customer table at once, and a
// signed-out visit asks nothing that needs a session (no 401s).
// Run: node --import tsx --test e2e/every-route.e2e.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { REDIRECTS, ROUTES } from '../apps/web/src/app/routes.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, launchChromium, type RunningVafa, screenshot, startVafa, waitUntil } from './harness.ts';

type Language = 'fa' | 'ar' | 'en';
const LANGUAGES: Language[] = ['fa', 'ar', 'en'];
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1366, height: 900 },
] as const;

// Latin-script words a fa/ar screen may show, each for a reason:
const ALLOWED_LATIN = new Set([
  // technical acronyms and format names with no native form in use in Persian or Arabic interfaces
  'CSV', 'SMS', 'API', 'SMTP', 'HTTP', 'HTTPS', 'URL', 'JSON', 'UTF', 'TLS', 'STARTTLS', 'NPS',
  'Google', 'Microsoft', 'Authenticator', 'FreeOTP', // authenticator apps, named as people find them in app stores
  'Vafa', // the product name in the English wordmark
  'IP', // as in "IP address": the usual name in Persian and Arabic interfaces too
  'CSAT', 'CES', 'SERVQUAL', 'eNPS', // survey measures, known by these names beside NPS (the survey templates carry them)
]);

let vafa: RunningVafa;
let browser: Browser;
let csrf = '';

/** Counts the page's requests in flight, so a walk step can wait until the screen has its data. */
function trackRequests(page: Page): () => number {
  let inFlight = 0;
  page.on('request', () => { inFlight++; });
  page.on('requestfinished', () => { inFlight--; });
  page.on('requestfailed', () => { inFlight--; });
  return () => inFlight;
}

/** A screen is ready when nothing loads any more: no skeleton, no request in flight, twice in a row. */
async function settle(page: Page, inFlight: () => number): Promise<void> {
  let quiet = 0;
  await waitUntil(`${page.url()} to settle`, async () => {
    const busy = inFlight() > 0 || await page.evaluate(() => Boolean(document.querySelector('.skeleton')) || !document.querySelector('h1'));
    quiet = busy ? 0 : quiet + 1;
    return quiet >= 3;
  });
}

/** Client-side navigation through the app's own router (no reload: the walk stays fast). */
async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** Latin-script words in what a person sees or hears, outside user data and codes. */
function latinWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // User data (names, e-mails, phone numbers, codes) is marked: UserText renders <bdi>,
    // codes and addresses carry dir="ltr" or translate="no", anything else says data-allow-latin;
    // words in another language say so with lang="…".
    const EXEMPT = 'bdi, [dir="ltr"], [translate="no"], [data-allow-latin], script, style, input, textarea, [data-live-announcer]';
    // (no named helpers in here: tsx would wrap them in a __name() the page does not have)
    const texts: [string, string][] = [[document.title, 'title']];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(EXEMPT) || !parent.checkVisibility()) continue;
      // Text marked as another language (a language picker names each language in itself: <span lang="en">English</span>)
      const marked = parent.closest('[lang]');
      if (marked && marked !== document.documentElement && marked.getAttribute('lang') !== document.documentElement.lang) continue;
      texts.push([node.textContent ?? '', parent.tagName.toLowerCase()]);
    }
    // What fields show by themselves (a time zone, a built-in rule's name); addresses, numbers and
    // typed-in codes are exempt by their type or dir="ltr".
    for (const input of document.body.querySelectorAll<HTMLInputElement>('input:not([type]), input[type="text"], input[type="search"]')) {
      if (!input.closest(EXEMPT.replace(', input, textarea', '')) && input.dir !== 'ltr' && input.checkVisibility()) texts.push([input.value.replace(/\{[^{}]*\}/g, ''), 'input value']); // {name}: a template's variable, a code
    }
    for (const el of document.body.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
      if (el.closest(EXEMPT.replace(', input, textarea', '')) || !(el as HTMLElement).checkVisibility()) continue;
      for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) texts.push([el.getAttribute(attr) ?? '', attr]);
    }
    const found: string[] = [];
    for (const [text, where] of texts) {
      for (const word of text.match(/\p{Script=Latin}{2,}/gu) ?? []) found.push(`${word} (${where}: ${text.trim().slice(0, 60)})`);
    }
    return found;
  });
}

/** Real ids from the demo workspace for each `$id` route (created when the demo has none). */
async function idsFor(page: Page): Promise<Record<string, string>> {
  const get = async <T>(url: string) => {
    const res = await page.request.get(url);
    assert.equal(res.status(), 200, `${url}: ${await res.text()}`);
    return await res.json() as T;
  };
  const first = async (url: string) => (await get<{ items: { id: string }[] }>(url)).items[0]?.id;
  let segment = await first('/api/segments');
  if (!segment) {
    const res = await page.request.post('/api/segments', {
      headers: { 'x-csrf-token': csrf },
      data: { name: 'مشتریان وفادار', rules: { match: 'all', conditions: [{ field: 'orderCount', op: 'gte', value: 2 }] } },
    });
    assert.equal(res.status(), 201, await res.text());
    segment = (await res.json() as { id: string }).id;
  }
  let survey = await first('/api/surveys?limit=1');
  if (!survey) {
    const res = await page.request.post('/api/surveys', { headers: { 'x-csrf-token': csrf }, data: { template: 'nps', languages: ['fa', 'ar', 'en'] } });
    assert.equal(res.status(), 201, await res.text());
    survey = (await res.json() as { id: string }).id;
  }
  let complaint = await first('/api/complaints?state=all&limit=1');
  if (!complaint) {
    const res = await page.request.post('/api/complaints', {
      headers: { 'x-csrf-token': csrf },
      data: { channel: 'phone', contactName: 'مریم شاکی', contactPhone: '09123456789', description: 'کالا شکسته رسید.', severity: 'high' },
    });
    assert.equal(res.status(), 201, await res.text());
    complaint = (await res.json() as { id: string }).id;
  }
  let loyaltyProgram = await first('/api/loyalty/programs');
  if (!loyaltyProgram) {
    const res = await page.request.post('/api/loyalty/programs', {
      headers: { 'x-csrf-token': csrf },
      data: { name: 'باشگاه مشتریان', settings: { spend: { points: 1, per: 100_000 }, categoryMultipliers: { 'لبنیات': 200 }, pendingDays: 7, expiry: { kind: 'fixed', calendar: 'persian', month: 12 } } },
    });
    assert.equal(res.status(), 201, await res.text());
    loyaltyProgram = (await res.json() as { id: string }).id;
  }
  let loyaltyReward = await first('/api/loyalty/rewards?all=true');
  if (!loyaltyReward) {
    const res = await page.request.post('/api/loyalty/rewards', {
      headers: { 'x-csrf-token': csrf, 'idempotency-key': `walk-reward-${Date.now()}` },
      data: { kind: 'discount_coupon', name: { fa: 'کد تخفیف نوروزی', ar: 'قسيمة النوروز', en: 'Nowruz discount' }, pointsCost: 100 },
    });
    assert.equal(res.status(), 201, await res.text());
    loyaltyReward = (await res.json() as { id: string }).id;
  }
  const { slug } = await get<{ slug: string }>('/api/workspace');
  const ids: Record<string, string | undefined> = {
    // the richest screen: a customer with orders, a timeline and consent entries
    '/customers/$id': (await get<{ items: { id: string; lastOrderAt: string | null }[] }>('/api/customers?limit=100')).items.find((c) => c.lastOrderAt)?.id,
    '/segments/$id': segment,
    '/engagement/followups/$id': await first('/api/followups?limit=1'),
    '/engagement/automations/$id': await first('/api/automations'),
    '/engagement/templates/$id': await first('/api/templates'),
    '/feedback/surveys/$id': survey,
    '/feedback/surveys/$id/distribute': survey,
    '/feedback/surveys/$id/results': survey,
    '/feedback/surveys/$id/responses': survey,
    '/complaints/$id': complaint,
    '/loyalty/programs/$id': loyaltyProgram,
    '/loyalty/rewards/$id': loyaltyReward,
    // the customers' complaint pages name the workspace
    '/c/$workspace/complaint': slug,
    '/c/$workspace/track': slug,
    '/c/$workspace/points': slug,
  };
  for (const [pattern, id] of Object.entries(ids)) assert.ok(id, `the demo workspace has something for ${pattern}`);
  return ids as Record<string, string>;
}

/** Every route as a concrete path; a new `$id` route without a source of ids fails here. */
function concretePaths(ids: Record<string, string>): string[] {
  return Object.values(ROUTES).map((route) => {
    if (!route.path.includes('$')) return route.path;
    const id = ids[route.path];
    assert.ok(id, `no demo id for ${route.path}: add one to idsFor() in e2e/every-route.e2e.ts`);
    return route.path.replace(/\$[^/]+/, id);
  });
}

async function setLanguage(page: Page, language: Language): Promise<void> {
  const res = await page.request.patch('/api/me', { headers: { 'x-csrf-token': csrf }, data: { language } });
  assert.equal(res.status(), 200, await res.text());
}

describe('every route', { timeout: 1_800_000 }, () => {
  before(async () => {
    [vafa, browser] = await Promise.all([startVafa(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await vafa?.stop();
  });

  test('a signed-out visit asks for nothing that needs a session', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR' });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('response', (response) => { if (response.status() === 401) refused.push(response.url()); });
    for (const path of ['/', '/customers', '/settings/audit-log']) {
      await page.goto(path);
      await page.getByRole('button', { name: MESSAGES.fa['auth.signIn'] }).waitFor();
      await page.waitForLoadState('networkidle');
    }
    assert.deepEqual(refused, []);
    await context.close();
  });

  test('the shell stays on screen while a screen loads for the first time', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    assert.equal((await page.request.patch('/api/me', { headers: { 'x-csrf-token': (await login.json() as { csrfToken: string }).csrfToken }, data: { language: 'fa' } })).status(), 200);
    await page.goto('/customers');
    await page.getByRole('table').first().waitFor();
    // A slow network: the next screen's code is held back until the checks below are done.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    await page.route('**/assets/**', async (route) => { await held; await route.continue(); });
    await page.getByRole('navigation', { name: MESSAGES.fa['nav.menu'] }).getByRole('link', { name: MESSAGES.fa['nav.audit'] }).click();
    await page.locator('main .skeleton').waitFor();
    assert.ok(await page.getByRole('navigation', { name: MESSAGES.fa['nav.menu'] }).isVisible(), 'the menu stays');
    assert.ok(await page.locator('.topbar').isVisible(), 'the top bar stays');
    release();
    await page.getByRole('heading', { level: 1, name: MESSAGES.fa['audit.title'] }).waitFor();
    await context.close();
  });

  test('changing language, digits and calendar re-renders the customer table at once', async () => {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    const token = (await login.json() as { csrfToken: string }).csrfToken;
    assert.equal((await page.request.patch('/api/me', { headers: { 'x-csrf-token': token }, data: { language: 'fa' } })).status(), 200);
    const unnamed = await page.request.post('/api/customers', { headers: { 'x-csrf-token': token }, data: { email: 'no-name-yet@example.com' } });
    assert.equal(unnamed.status(), 201, await unnamed.text());
    const customers = await (await page.request.get('/api/customers?limit=100')).json() as { items: { email: string | null; lastOrderAt: string | null }[] };
    const dated = customers.items.find((c) => c.lastOrderAt && c.email)!;
    assert.ok(dated, 'a demo customer with an order');
    const { timeZone } = await (await page.request.get('/api/workspace')).json() as { timeZone: string };

    await page.goto('/customers');
    const row = (email: string) => page.getByRole('row').filter({ hasText: email });
    const cells = (email: string) => row(email).locator('td .dt-value').allTextContents();
    // Columns: name (row header), phone, e-mail, tags, orders, total spent, last order.
    const nameOf = async (email: string) => (await row(email).getByRole('rowheader').textContent())?.trim();
    await row('no-name-yet@example.com').waitFor();
    assert.equal(await nameOf('no-name-yet@example.com'), MESSAGES.fa['customer.unnamed']);

    const choose = async (field: string, option: string) => {
      await page.getByRole('dialog').getByRole('button', { name: new RegExp(field) }).click();
      await page.getByRole('option', { name: option, exact: true }).click();
    };
    await page.getByRole('button', { name: new RegExp(MESSAGES.fa['prefs.title']) }).click();
    await choose(MESSAGES.fa['prefs.language'], MESSAGES.fa['lang.en']);
    // No navigation: the rows already on screen must follow.
    await waitUntil('the unnamed customer in English', async () => await nameOf('no-name-yet@example.com') === MESSAGES.en['customer.unnamed']);
    await waitUntil('Latin digits', async () => (await cells('no-name-yet@example.com'))[3]?.trim() === '0');
    const dayIn = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone }).format(new Date(dated.lastOrderAt!));
    await waitUntil('a Gregorian last order day', async () => (await cells(dated.email!))[5]?.trim() === dayIn('en-GB-u-ca-gregory-nu-latn'));

    await choose(MESSAGES.en['prefs.digits'], MESSAGES.en['digits.arab']);
    await waitUntil('Arabic-Indic digits', async () => (await cells('no-name-yet@example.com'))[3]?.trim() === '٠');
    await choose(MESSAGES.en['prefs.calendar'], MESSAGES.en['calendar.persian']);
    await waitUntil('a Jalali last order day', async () => (await cells(dated.email!))[5]?.trim() === dayIn('en-GB-u-ca-persian-nu-arab'));
    await context.close();
  });

  test('walks every route in fa, ar and en on a phone and a desktop', async () => {
    // axe runs as an inline script, which the app's CSP rightly forbids.
    const context = await browser.newContext({ baseURL: vafa.baseUrl, locale: 'fa-IR', timezoneId: 'Asia/Tehran', bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const inFlight = trackRequests(page);
    const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
    assert.equal(login.status(), 200);
    csrf = (await login.json() as { csrfToken: string }).csrfToken;
    const paths = concretePaths(await idsFor(page));
    assert.ok(paths.length >= 20, `the route table lists the screens (${paths.length})`);

    const failures: string[] = [];
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      for (const language of LANGUAGES) {
        await setLanguage(page, language);
        await page.goto('/customers');
        await page.evaluate(() => { localStorage.removeItem('vafa.calendar'); localStorage.removeItem('vafa.digits'); });
        await page.reload();
        await settle(page, inFlight);
        if (viewport.name === 'phone') {
          // Phones: no sidebar taking the first screen; the menu opens as a drawer and a link in it navigates and closes it.
          assert.equal(await page.locator('.sidebar').isVisible(), false, 'no sidebar on a phone');
          await page.getByRole('button', { name: MESSAGES[language]['nav.menu'], exact: true }).click();
          const drawer = page.getByRole('dialog', { name: MESSAGES[language]['nav.menu'] });
          await drawer.waitFor();
          await screenshot(page, `walk/${language}-phone-menu`);
          await expectAccessible(page, `${language} phone menu`).catch((err: Error) => failures.push(err.message));
          await drawer.getByRole('link', { name: MESSAGES[language]['nav.segments'] }).click();
          await page.waitForURL(/\/segments$/);
          await drawer.waitFor({ state: 'detached' });
        }
        for (const path of [...paths, ...Object.keys(REDIRECTS)]) {
          const name = `${language}-${viewport.name}${path.replace(/[/:]+/g, '-').replace(/-[0-9a-f-]{36}/, '-id')}`;
          errors.length = 0;
          await go(page, path);
          const settled = await settle(page, inFlight).then(() => true, () => false);
          if (!settled || errors.length) {
            failures.push(`${name}: ${settled ? '' : 'never finished loading; '}${errors.join('; ')}`);
            await screenshot(page, `walk/${name}`);
            // A crashed screen takes the app down with it: start afresh for the next route.
            await page.goto('/customers');
            await settle(page, inFlight);
            continue;
          }
          assert.equal(await page.evaluate(() => document.documentElement.lang), language);
          // A screen that only says "something went wrong" is a failure even if it looks tidy.
          const broken = await page.locator('.state-error').allTextContents();
          if (broken.length) failures.push(`${name}: shows an error: ${broken.join(' | ').slice(0, 200)}`);
          const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
          if (width.scroll > width.view) failures.push(`${name}: page is ${width.scroll - width.view}px wider than the viewport`);
          await screenshot(page, `walk/${name}`, { fullPage: viewport.name === 'phone' });
          await expectAccessible(page, name).catch((err: Error) => failures.push(err.message));
          if (language !== 'en') {
            const words = (await latinWords(page)).filter((w) => !ALLOWED_LATIN.has(w.split(' ')[0]!));
            if (words.length) failures.push(`${name}: Latin words ${[...new Set(words)].slice(0, 8).join('; ')}`);
          }
        }
      }
    }
    await context.close();
    assert.deepEqual(failures, []);
  });
});
