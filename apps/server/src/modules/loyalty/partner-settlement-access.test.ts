import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { checkedWorkspaces } from '../../../test/loyalty-kit.ts';
import { expectPartnerPayableMatchesBills } from '../../../test/loyalty-ledger.ts';

// The partner settlement is a finance act: the finance role (loyalty:finance, which owners and
// admins hold too) runs and reads it, as JSON and as CSV; the other roles get 403. Every
// workspace's points ledger and partner_payable are checked after each test.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({});
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true, also: (ws) => expectPartnerPayableMatchesBills(t, ws.tenantId) });

type Role = keyof TestWorkspace['keys'];

async function call(ws: TestWorkspace, role: Role, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers: t.auth(ws.keys[role]), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: String(res.headers['content-type']).includes('json') && res.body ? res.json() : {}, text: res.body };
}

describe('partner settlement access', () => {
  it('a finance key settles the month; read-only and other keys get 403', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const shop = await call(ws, 'manager', 'POST', '/api/loyalty/partners', {
      name: { fa: 'کتاب‌فروشی شهر', en: 'City Books' }, billingModel: 'at_earning', pricePerPointMinor: '1500',
    });
    expect(shop.status, JSON.stringify(shop.body)).toBe(201);
    const earned = await call(ws, 'manager', 'POST', `/api/loyalty/partners/${shop.body.id}/earnings`, { customerId: customer.id, points: 120, externalId: 'pos-1' });
    expect(earned.status, JSON.stringify(earned.body)).toBe(201);

    const report = await call(ws, 'finance', 'GET', '/api/loyalty/partner-settlements');
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.items).toEqual([expect.objectContaining({ partnerId: shop.body.id, earnedPoints: 120, partnerOwesPoints: 120, partnerOwesMinor: '180000', ledgerPoints: -120 })]);
    const csv = await call(ws, 'finance', 'GET', `/api/loyalty/partner-settlements.csv?period=${report.body.period}&lang=en`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('City Books');
    for (const role of ['owner', 'admin'] as const) expect((await call(ws, role, 'GET', '/api/loyalty/partner-settlements')).status).toBe(200);

    for (const role of ['analyst', 'agent', 'manager'] as const) {
      const refused = await call(ws, role, 'GET', '/api/loyalty/partner-settlements');
      expect([role, refused.status]).toEqual([role, 403]);
      expect((await call(ws, role, 'GET', '/api/loyalty/partner-settlements.csv')).status).toBe(403);
    }
  });
});
