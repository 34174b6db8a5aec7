// What the loyalty browser tests (coupons, games and credit, referrals) share: a signed-in staff
// API on the page's cookies, a patient wait, a member's sign-in to the portal by SMS code, and the
// checks every screen of theirs passes.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { SmsProviderServer } from '../apps/server/test/sms-provider.ts';
import { MESSAGES } from '../apps/web/src/i18n/index.ts';
import type { RunningVafa } from './harness.ts';

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
export const toPersian = (digits: string) => digits.replace(/[0-9]/g, (d) => PERSIAN[Number(d)]!);
export const LANGS = ['fa', 'ar', 'en'] as const;
export const SIZES = [{ width: 1366, height: 900 }, { width: 390, height: 844 }];

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
 */
export async function signInToPortal(page: Page, sms: SmsProviderServer, national: string, e164: string): Promise<void> {
  const fa = MESSAGES.fa;
  await page.getByRole('textbox', { name: fa['memberPortal.phone'] }).fill(toPersian(national));
  const seen = sms.sends.filter((s) => s.params.receptor === e164).length;
  await page.getByRole('button', { name: fa['memberPortal.sendCode'] }).click();
  const send = await until('the SMS', async () => sms.sends.filter((s) => s.params.receptor === e164)[seen]);
  const code = send.params.message!.match(/(?<![0-9])[0-9]{6}(?![0-9])/g)!.pop()!;
  await page.getByRole('textbox', { name: fa['memberPortal.code'] }).fill(toPersian(code));
  await page.getByRole('button', { name: fa['memberPortal.signIn'] }).click();
  await page.getByTestId('member-available').waitFor({ timeout: 60_000 });
}
