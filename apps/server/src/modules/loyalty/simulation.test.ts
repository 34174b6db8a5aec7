import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';

// The program editor's simulator over HTTP on PostgreSQL: the figure a real order gets for the
// same input, unsaved settings tried before saving, the daily cap of a named customer, refusals
// with stable codes in fa/ar/en, and nothing written.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t);

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

const DAY = 86_400_000;
const baseSettings = {
  spend: { points: 1, per: 10_000, rounding: 'round' },
  categoryMultipliers: { dairy: 200 },
  skuMultipliers: { 'milk-1l': 150 },
  pendingDays: 0,
  // the end of Esfand in the workspace's zone: the same instant for an order now and a simulation now
  expiry: { kind: 'fixed', calendar: 'persian', month: 12 },
};
const lines = [
  { id: '1', sku: 'milk-1l', category: 'dairy', amount: 45_000 }, // ×1.5: 6.75
  { id: '2', sku: 'cheese', category: 'dairy', amount: 12_500 }, // ×2: 2.5
  { id: '3', category: 'bread', amount: 7_501 }, // ×1: 0.7501
];

async function program(ws: TestWorkspace, settings: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه مشتریان', settings: { ...baseSettings, ...settings } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

let serial = 0;
async function order(ws: TestWorkspace, programId: string, customerId: string, orderLines: unknown[]) {
  const res = await call(ws, 'POST', '/api/loyalty/orders', { externalId: `SIM-${++serial}-${Date.now()}`, programId, customerId, lines: orderLines });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Rows the tenant has in every table an order, an award or a member would write. */
async function footprint(ws: TestWorkspace): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['loyalty_members', 'loyalty_accounts', 'loyalty_entries', 'loyalty_postings', 'loyalty_lots', 'loyalty_orders', 'loyalty_awards', 'loyalty_program_versions', 'audit_log', 'idempotency_keys', 'outbox_events']) {
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenantId]).catch(() => ({ rows: [{ n: -1 }] }));
    counts[table] = rows[0].n;
  }
  const { rows } = await t.database.pool.query(`SELECT version, settings FROM loyalty_programs WHERE tenant_id = $1 ORDER BY id`, [ws.tenantId]);
  counts.programs = rows.length;
  counts.versions = rows.reduce((sum, r) => sum + r.version, 0);
  return counts;
}

describe('the simulator', () => {
  it('gives the figure a real order gets for the same input: multipliers, one rounding, caps, pending and expiry', async () => {
    const ws = await workspace();
    const p = await program(ws);
    const customer = await createCustomer(t, ws);
    const sim = await call(ws, 'POST', `/api/loyalty/programs/${p.id}/simulate`, { customerId: customer.id, lines }, { role: 'analyst' });
    expect(sim.status, JSON.stringify(sim.body)).toBe(200);
    const real = await order(ws, p.id, customer.id, lines);
    expect(sim.body).toMatchObject({
      programId: p.id, programVersion: 1, rounding: 'round', pointsBeforeCaps: 10, earnedToday: 0, points: real.points, capped: real.capped,
      pendingUntil: null, expiresAt: real.expiresAt,
    });
    expect(real.points).toBe(10);
    // 6.75 + 2.5 + 0.7501 = 10.0001: Σ amount × multiplier% × points over per × 100
    expect(sim.body.exact).toEqual({ numerator: String(45_000 * 150 + 12_500 * 200 + 7_501 * 100), denominator: String(10_000 * 100) });
    expect(sim.body.lines).toEqual(real.lines.map(({ returned: _returned, ...line }: Record<string, unknown>) => line));
    expect(sim.body.lines.map((l: { multiplierPercent: number }) => l.multiplierPercent)).toEqual([150, 200, 100]);

    // Pending days and a rolling expiry: the same spans from the instant each was computed at.
    const rolling = await program(ws, { pendingDays: 14, expiry: { kind: 'rolling', days: 365 }, spend: { points: 3, per: 10_000, rounding: 'ceil' } });
    const sim2 = (await call(ws, 'POST', `/api/loyalty/programs/${rolling.id}/simulate`, { lines })).body;
    const real2 = await order(ws, rolling.id, customer.id, lines);
    expect(sim2.points).toBe(real2.points);
    expect(sim2.points).toBe(31); // 30.0003 rounded up
    expect(new Date(sim2.pendingUntil).getTime() - new Date(sim2.at).getTime()).toBe(14 * DAY);
    expect(new Date(sim2.expiresAt).getTime() - new Date(sim2.at).getTime()).toBe(365 * DAY);
    expect(new Date(real2.pendingUntil).getTime() - new Date(real2.createdAt).getTime()).toBe(14 * DAY);
  });

  it('counts the named customer\'s day for the daily cap, and the per-order cap, as the real order does', async () => {
    const ws = await workspace();
    const p = await program(ws, { caps: { perOrder: 40, perDay: 100 }, skuMultipliers: {}, categoryMultipliers: {} });
    const customer = await createCustomer(t, ws);
    const other = await createCustomer(t, ws);
    await order(ws, p.id, customer.id, [{ id: 'a', amount: 400_000 }]); // 40
    await order(ws, p.id, customer.id, [{ id: 'a', amount: 300_000 }]); // 30: 70 today
    const big = [{ id: 'x', amount: 1_000_000 }];
    const forCustomer = (await call(ws, 'POST', `/api/loyalty/programs/${p.id}/simulate`, { customerId: customer.id, lines: big })).body;
    expect(forCustomer).toMatchObject({ pointsBeforeCaps: 100, earnedToday: 70, points: 30, capped: 'day' });
    const forOther = (await call(ws, 'POST', `/api/loyalty/programs/${p.id}/simulate`, { customerId: other.id, lines: big })).body;
    expect(forOther).toMatchObject({ earnedToday: 0, points: 40, capped: 'order' });
    const anonymous = (await call(ws, 'POST', `/api/loyalty/programs/${p.id}/simulate`, { lines: big })).body;
    expect(anonymous).toMatchObject({ earnedToday: 0, points: 40, capped: 'order' });
    // and the real orders agree
    expect(await order(ws, p.id, customer.id, big)).toMatchObject({ points: 30, capped: 'day' });
    expect(await order(ws, p.id, other.id, big)).toMatchObject({ points: 40, capped: 'order' });
  });

  it('tries unsaved settings (also for a program not yet created) and writes nothing: no member, order, award, entry, version or audit', async () => {
    const ws = await workspace();
    const p = await program(ws);
    const customer = await createCustomer(t, ws);
    const before = await footprint(ws);
    const draft = { ...baseSettings, spend: { points: 5, per: 10_000, rounding: 'floor' }, skuMultipliers: { 'milk-1l': 300 }, caps: { perOrder: 45, perDay: null } };
    const tried = await call(ws, 'POST', `/api/loyalty/programs/${p.id}/simulate`, { customerId: customer.id, lines, settings: draft });
    expect(tried.status, JSON.stringify(tried.body)).toBe(200);
    // 45,000 × 3 + 12,500 × 2 + 7,501 = 167,501 → ×5 / 10,000 = 83.75 → 83, capped at 45
    expect(tried.body).toMatchObject({ programId: p.id, programVersion: null, rounding: 'floor', pointsBeforeCaps: 83, points: 45, capped: 'order' });
    expect(tried.body.lines.map((l: { multiplierPercent: number }) => l.multiplierPercent)).toEqual([300, 200, 100]);
    const fresh = await call(ws, 'POST', '/api/loyalty/programs/simulate', { lines, settings: draft }, { role: 'agent' });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(fresh.body).toMatchObject({ ...tried.body, programId: null, at: fresh.body.at, expiresAt: fresh.body.expiresAt });
    // with an Idempotency-Key too: a read, nothing kept
    expect((await call(ws, 'POST', `/api/loyalty/programs/${p.id}/simulate`, { lines }, { headers: { 'idempotency-key': 'sim-key-1' } })).status).toBe(200);

    expect(await footprint(ws)).toEqual(before);
    expect((await call(ws, 'GET', `/api/loyalty/programs/${p.id}`)).body).toEqual(p);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).status).not.toBe(500);
  });

  it('refuses garbage with problem+json and stable codes in fa, ar and en, writing nothing; another workspace\'s program is not found', async () => {
    const ws = await workspace();
    const p = await program(ws);
    const otherWs = await workspace();
    const theirs = await program(otherWs);
    const otherCustomer = await createCustomer(t, otherWs);
    const before = await footprint(ws);
    const url = `/api/loyalty/programs/${p.id}/simulate`;
    const attempts: [string, Record<string, unknown>, number, string][] = [
      [url, { lines: [{ id: '1', amount: 10 }, { id: '1', amount: 20 }] }, 422, 'order_line_repeated'],
      [url, { lines, settings: { ...baseSettings, pendingDays: 30, expiry: { kind: 'rolling', days: 30 } } }, 422, 'expiry_within_pending'],
      [url, { lines, settings: { ...baseSettings, events: [{ topic: 'referral.qualified' }] } }, 422, 'event_points_required'],
      [url, { lines, settings: { ...baseSettings, spend: { points: 1, per: 10_000, rounding: 'bankers' } } }, 400, 'validation_failed'],
      [url, { lines: [] }, 400, 'validation_failed'],
      [url, { lines: [{ id: '1', amount: -5 }] }, 400, 'validation_failed'],
      [url, { lines: [{ id: '1', amount: 1.5 }] }, 400, 'validation_failed'],
      [url, { lines, externalId: 'x' }, 400, 'validation_failed'],
      [url, { lines, customerId: otherCustomer.id }, 422, 'unknown_customer'],
      ['/api/loyalty/programs/simulate', { lines }, 400, 'validation_failed'],
      [`/api/loyalty/programs/${theirs.id}/simulate`, { lines }, 404, 'not_found'],
      ['/api/loyalty/programs/not-a-uuid/simulate', { lines }, 400, 'validation_failed'],
    ];
    for (const [target, body, status, code] of attempts) {
      for (const language of ['fa', 'ar', 'en']) {
        const res = await call(ws, 'POST', target, body, { headers: { 'accept-language': language } });
        expect(res.status, `${target} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(status);
        expect(res.type).toContain('application/problem+json');
        expect(res.body.code).toBe(code);
        if (language !== 'en') expect(res.body.detail).toMatch(/[\u0600-\u06FF]/);
        else expect(res.body.detail).not.toMatch(/[\u0600-\u06FF]/);
      }
    }
    expect(await footprint(ws)).toEqual(before);
  });
});
