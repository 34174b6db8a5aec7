import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, memberSessionCookie } from '../../../test/loyalty-kit.ts';

// The member portal's prepaid credit (GET /me/credit): the member's own paid and bonus credit and
// the active packages of active programs; the portal takes no payment, so there is no purchase
// route for members. Over HTTP on a real PostgreSQL. Every workspace's points ledger and its
// credit ledger (by the credit report) are checked after each test.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, {
  verify: true,
  also: async (ws) => {
    const report = await callApi(t, ws, 'GET', '/api/loyalty/credit/report', undefined, { role: 'analyst' });
    expect(report.body, 'credit report').toMatchObject({ ok: true });
  },
});

const session = (ws: TestWorkspace, customerId: string) => memberSessionCookie(t, ws, customerId);

describe('prepaid credit on the member portal', () => {
  it('shows the member\'s own credit and the packages on sale, only active ones of active programs of their workspace', async () => {
    const ws = await workspace();
    const other = await workspace();
    const call = (w: TestWorkspace, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => callApi(t, w, method, url, body, { headers: { 'idempotency-key': randomBytes(8).toString('hex') } });
    const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'اعتبار', settings: { spend: { points: 1, per: 10_000 } } });
    const pkg = (name: string, priceMinor: number, creditMinor: number, w = ws, programId = program.body.id) =>
      call(w, 'POST', `/api/loyalty/programs/${programId}/credit-packages`, { name: { fa: name, ar: name, en: 'Package' }, priceMinor, creditMinor });
    const million = await pkg('بسته‌ی یک میلیونی', 1_000_000, 1_100_000);
    const retired = await pkg('بسته‌ی قدیمی', 500_000, 500_000);
    expect((await call(ws, 'PATCH', `/api/loyalty/programs/${program.body.id}/credit-packages/${retired.body.id}`, { active: false })).status).toBe(200);
    const otherProgram = await call(other, 'POST', '/api/loyalty/programs', { name: 'دیگر', settings: { spend: { points: 1, per: 10_000 } } });
    await pkg('بسته‌ی فضای دیگر', 2_000_000, 2_500_000, other, otherProgram.body.id);

    const customer = await createCustomer(t, ws);
    const cookie = await session(ws, customer.id);
    const read = async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/credit`, headers: { cookie } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await read()).toEqual({
      balance: { currency: 'IRR', paidMinor: 0, bonusMinor: 0, totalMinor: 0 },
      packages: [{ id: million.body.id, name: { fa: 'بسته‌ی یک میلیونی', ar: 'بسته‌ی یک میلیونی', en: 'Package' }, currency: 'IRR', priceMinor: 1_000_000, creditMinor: 1_100_000, bonusMinor: 100_000 }],
    });
    // Bought at the till: the portal shows it.
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/credit/purchases`, { packageId: million.body.id })).status).toBe(201);
    expect((await read()).balance).toEqual({ currency: 'IRR', paidMinor: 1_000_000, bonusMinor: 100_000, totalMinor: 1_100_000 });
    // Signed out: 401; the portal sells nothing (no purchase route for members).
    expect((await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/credit` })).statusCode).toBe(401);
    const buy = await t.app.inject({ method: 'POST', url: `/api/public/loyalty/${ws.slug}/me/credit/purchases`, headers: { cookie }, payload: { packageId: million.body.id } });
    expect(buy.statusCode).toBeGreaterThanOrEqual(400);
    expect(buy.statusCode).toBeLessThan(500);
    expect((await read()).balance.totalMinor).toBe(1_100_000);
  });
});
