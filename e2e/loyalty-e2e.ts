// What the loyalty browser tests (coupons, games and credit, referrals) share: a signed-in staff
// API on the page's cookies, a patient wait, a member's sign-in to the portal by SMS code, and the
// checks every screen of theirs passes.
import assert from 'node:assert/strict';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import type { SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import { expectAccessible, type RunningVafa, screenshot } from './harness.ts';

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
export const toPersian = (digits: string) => digits.replace(/[0-9]/g, (d) => PERSIAN[Number(d)]!);
export const LANGS = ['fa', 'ar', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const SIZES = [{ width: 1366, height: 900 }, { width: 390, height: 844 }];
export type Size = (typeof SIZES)[number];

export type Api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, data?: unknown) => Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers

/** Signs the page's context in as the demo owner; calls then carry its CSRF token and a fresh Idempotency-Key. */
export async function staffApi(page: Page, vafa: RunningVafa): Promise<Api> {
  const login = await page.request.post('/api/auth/login', { data: { email: vafa.email, password: vafa.password } });
  assert.equal(login.status(), 200, await login.text());
  const { csrfToken } = await login.json() as { csrfToken: string };
  return async (method, url, data) => {
    const res = await page.request.fetch(url, { method, data, headers: { 'x-csrf-token': csrfToken, 'idempotency-key': `e2e-${Math.random()}` } });
    assert.ok(res.status() < 300, `${method} ${url} → ${res.status()} ${await res.text()}`);
    return res.status() === 204 ? {} : res.json();
  };
}

export async function until<T>(what: string, probe: () => Promise<T | false | undefined>): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Latin words a person sees in the element, outside codes, addresses and people's own text. */
export function latinWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const found: string[] = [];
    for (const root of document.querySelectorAll(sel)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement?.closest('bdi, [dir="ltr"], [translate="no"], script, style, input')) continue;
        found.push(...(node.textContent ?? '').match(/\p{Script=Latin}{2,}/gu) ?? []);
      }
    }
    return found;
  }, selector);
}

export async function noSidewaysScroll(page: Page, width: number): Promise<void> {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `no sideways scroll at ${width} (${scroll})`);
}

/**
 * Signs a member in on the portal page already open, in Persian: the phone typed in Persian digits,
 * the six-digit code read from the SMS the provider received for `e164` after this press.
 * `atCodeStep` runs on the code step before the code is typed (screenshots of that step).
 */
export async function signInToPortal(page: Page, sms: SmsProviderServer, national: string, e164: string, atCodeStep?: () => Promise<void>): Promise<void> {
  const fa = MESSAGES.fa;
  await page.getByRole('textbox', { name: fa['memberPortal.phone'] }).fill(toPersian(national));
  const seen = sms.sends.filter((s) => s.params.receptor === e164).length;
  await page.getByRole('button', { name: fa['memberPortal.sendCode'] }).click();
  if (atCodeStep) {
    await page.getByRole('heading', { level: 1, name: fa['memberPortal.codeTitle'] }).waitFor();
    await atCodeStep();
  }
  const send = await until('the SMS', async () => sms.sends.filter((s) => s.params.receptor === e164)[seen]);
  const code = send.params.message!.match(/(?<![0-9])[0-9]{6}(?![0-9])/g)!.pop()!;
  await page.getByRole('textbox', { name: fa['memberPortal.code'] }).fill(toPersian(code));
  await page.getByRole('button', { name: fa['memberPortal.signIn'] }).click();
  await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
}

/**
 * Each screen size in a fresh context signed in as staff, then each language on it (the staff
 * member's language switched through the API before `visit`).
 */
export async function forEachStaffScreen(browser: Browser, vafa: RunningVafa, visit: (page: Page, language: Lang, size: Size, api: Api) => Promise<void>): Promise<void> {
  for (const size of SIZES) {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: size, bypassCSP: true });
    try {
      const page = await context.newPage();
      const api = await staffApi(page, vafa);
      for (const language of LANGS) {
        await api('PATCH', '/api/me', { language });
        await visit(page, language, size, api);
      }
    } finally {
      await context.close();
    }
  }
}

/**
 * Each screen size in a fresh context where the member signs in once on the portal at `path` (in
 * Persian: a phone gets a few codes a quarter hour), then each language by `?lang=` on that session.
 */
export async function forEachPortalScreen(
  browser: Browser, vafa: RunningVafa, path: string, signIn: (page: Page) => Promise<void>,
  visit: (page: Page, language: Lang, size: Size) => Promise<void>, options: BrowserContextOptions = {},
): Promise<void> {
  const sep = path.includes('?') ? '&' : '?';
  for (const size of SIZES) {
    const context = await browser.newContext({ baseURL: vafa.baseUrl, viewport: size, bypassCSP: true, ...options });
    try {
      const page = await context.newPage();
      await page.goto(`${path}${sep}lang=fa`);
      await signIn(page);
      for (const language of LANGS) {
        if (language !== 'fa') {
          await page.goto(`${path}${sep}lang=${language}`);
          await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
        }
        await visit(page, language, size);
      }
    } finally {
      await context.close();
    }
  }
}

/**
 * What every loyalty screen is held to, then its picture: no Latin word a person reads on a
 * Persian or Arabic screen inside `within`, no accessibility violation, no sideways scroll; the
 * screenshot is of `part` when given (scrolled into view), else of the page.
 */
export async function checkScreen(page: Page, o: { language: Lang; width: number; within: string; name: string; part?: Locator; fullPage?: boolean }): Promise<void> {
  if (o.language !== 'en') assert.deepEqual(await latinWords(page, o.within), [], `${o.language} ${o.width} ${o.within}`);
  await expectAccessible(page, `${o.name} ${o.language} ${o.width}`);
  await noSidewaysScroll(page, o.width);
  const file = `${o.name}-${o.language}-${o.width}`;
  if (o.part) {
    await o.part.scrollIntoViewIfNeeded();
    await o.part.screenshot({ path: `test-output/screenshots/${file}.png` });
  } else {
    await screenshot(page, file, { fullPage: o.fullPage });
  }
}
