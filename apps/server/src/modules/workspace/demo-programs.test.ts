import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { generateDemoWorkspace } from './demo-data.ts';
import { seedDemoPrograms, type DemoMember } from './demo-programs.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

describe('the demo workspace\'s loyalty program and complaint cases', () => {
  it('every request succeeds; members earn on their last year\'s orders; the ledger checks out; cases stand in every stage, the closed ones with a root cause', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const headers = t.auth(ws.keys.owner);
    const now = new Date();
    const demo = generateDemoWorkspace({ customers: 40, seed: 1404, now });
    const members: DemoMember[] = [];
    for (const customer of demo.customers) {
      const res = await t.app.inject({
        method: 'POST', url: '/api/customers', headers,
        payload: { externalId: customer.externalId, name: customer.name, phone: customer.phone, phoneCountry: customer.phoneCountry, language: customer.language },
      });
      expect(res.statusCode, res.body).toBe(201);
      members.push({ id: res.json<{ id: string }>().id, customer });
    }
    // Every refusal is logged as a warning and skipped: a demo that seeds with none is the point.
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => void warnings.push(args) } as unknown as Logger;
    const seeded = await seedDemoPrograms(t.app, headers, members, now, log);
    expect(warnings).toEqual([]);

    const since = now.getTime() - 365 * 86_400_000;
    const eligible = demo.customers.flatMap((c) => c.orders).filter((o) => !o.returnedAt && Date.parse(o.placedAt) >= since);
    expect(eligible.length).toBeGreaterThan(0);
    expect(seeded.ordersEarned).toBe(eligible.length);
    expect(seeded.programId).not.toBeNull();

    // The ledger: balances equal their postings; the orders' points are there, less the donations.
    const verify = await t.app.inject({ method: 'GET', url: '/api/loyalty/verify', headers });
    expect(verify.statusCode).toBe(200);
    expect(verify.json().ok).toBe(true);
    const { rows: [orders] } = await t.database.pool.query(
      `SELECT count(*)::int AS n FROM loyalty_orders WHERE tenant_id = $1`, [ws.tenantId]);
    expect(orders.n).toBe(eligible.length);
    const { rows: [donations] } = await t.database.pool.query(
      `SELECT count(*)::int AS n, coalesce(sum(points), 0)::int AS points FROM loyalty_donations WHERE tenant_id = $1`, [ws.tenantId]);
    expect([donations.n, donations.points]).toEqual([4, 10 + 20 + 30 + 40]);
    // The coupon has codes to give; the gift its stock.
    const { rows: [codes] } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_coupon_codes WHERE tenant_id = $1`, [ws.tenantId]);
    expect(codes.n).toBe(100);
    const tiers = await t.app.inject({ method: 'GET', url: `/api/loyalty/programs/${seeded.programId}/tiers`, headers });
    expect(tiers.json().items.map((tier: { name: { fa: string } }) => tier.name.fa)).toEqual(['نقره‌ای', 'طلایی']);

    // Complaints: one case per stage up to a proposed resolution, and three closed with their cause.
    expect(seeded.cases).toBe(8);
    const list = await t.app.inject({ method: 'GET', url: '/api/complaints?state=all&limit=50', headers });
    const cases = list.json().items as { state: string; rootCause: string | null }[];
    const states = cases.map((c) => c.state).sort();
    expect(states).toEqual(['acknowledged', 'assessed', 'closed', 'closed', 'closed', 'received', 'resolution_proposed', 'under_investigation'].sort());
    expect(cases.filter((c) => c.state === 'closed').map((c) => c.rootCause).sort()).toEqual(['delivery', 'digital_tech', 'price_billing']);
  });
});
