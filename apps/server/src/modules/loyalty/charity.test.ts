import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, postOverSocket, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { pointsToMinor } from './charity.service.ts';

// The values program over the API on a real PostgreSQL: listed charities, donations of points at
// a conversion rate into charity_payable, totals per charity, numbered receipts.

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const touched = new Map<string, TestWorkspace>();
afterEach(async () => {
  for (const ws of touched.values()) {
    await expectLedgerBalanced(t, ws.tenantId);
    const { rows } = await t.database.pool.query(`
      SELECT (SELECT coalesce(sum(p.amount), 0) FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
              WHERE a.tenant_id = $1 AND a.customer_id IS NULL AND a.kind = 'charity_payable')::int AS payable,
             (SELECT coalesce(sum(points), 0) FROM loyalty_donations WHERE tenant_id = $1)::int AS donated,
             (SELECT count(*) FROM loyalty_donations d WHERE d.tenant_id = $1 AND NOT EXISTS (
                SELECT 1 FROM loyalty_entries e WHERE e.tenant_id = d.tenant_id AND e.id = d.entry_id AND e.kind = 'donate' AND e.customer_id = d.customer_id))::int AS unexplained`, [ws.tenantId]);
    expect(rows[0].payable, 'charity_payable against donations').toBe(rows[0].donated);
    expect(rows[0].unexplained, 'donations without their donate entry').toBe(0);
    const verify = await call(ws, 'GET', '/api/loyalty/verify');
    expect(verify.body).toMatchObject({ ok: true, driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0, held: 0, charity: 0 } });
  }
  touched.clear();
});


async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  touched.set(ws.tenantId, ws);
  return ws;
}

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

const http = (ws: TestWorkspace, url: string, payload: unknown) => postOverSocket(t, base, ws, url, payload);

let serial = 0;
const ext = (what: string) => `${what}-${++serial}`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

async function earn(ws: TestWorkspace, customerId: string, points: number, expiresAt?: Date) {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { points, reason: 'خرید', externalId: ext('order'), ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const charityBody = { name: { fa: 'بنیاد کودک', ar: 'مؤسسة الطفل', en: 'Child Foundation' }, registration: 'ثبت ۱۲۳۴', ratePoints: 10, rateMinor: 5_000 };
const donate = (ws: TestWorkspace, body: Record<string, unknown>) => call(ws, 'POST', '/api/loyalty/donations', { externalId: ext('gift'), ...body });

describe('charities', () => {
  it('lists charities with names in three languages, changes and archives them by role', async () => {
    const ws = await workspace();
    expect((await call(ws, 'POST', '/api/loyalty/charities', charityBody, { role: 'agent' })).status).toBe(403);
    const created = await call(ws, 'POST', '/api/loyalty/charities', charityBody);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ ...charityBody, currency: 'IRR', active: true, archived: false, totals: { donations: 0, points: 0, amountMinor: 0 } });
    const id = created.body.id as string;
    expect((await call(ws, 'GET', `/api/loyalty/charities/${id}`, undefined, { role: 'analyst' })).body).toEqual(created.body);
    const changed = await call(ws, 'PATCH', `/api/loyalty/charities/${id}`, { rateMinor: 6_000 });
    expect(changed.body).toMatchObject({ ratePoints: 10, rateMinor: 6_000 });
    expect((await call(ws, 'DELETE', `/api/loyalty/charities/${id}`)).status).toBe(204);
    expect((await call(ws, 'GET', '/api/loyalty/charities')).body.items).toEqual([expect.objectContaining({ id, archived: true, active: false })]);
    const late = await call(ws, 'PATCH', `/api/loyalty/charities/${id}`, { rateMinor: 1 }, { headers: { 'accept-language': 'fa' } });
    expect([late.status, late.body.code]).toEqual([409, 'charity_archived']);
    expect(late.body.detail).toMatch(/[\u0600-\u06FF]/);
    const bad = await call(ws, 'POST', '/api/loyalty/charities', { ...charityBody, ratePoints: 0 });
    expect([bad.status, bad.type]).toEqual([400, expect.stringContaining('application/problem+json')]);
    const other = await workspace();
    expect((await call(other, 'GET', `/api/loyalty/charities/${id}`)).status).toBe(404);
  });
});

describe('donations', () => {
  it('gives points to a charity at its rate: a donate entry to charity_payable, totals per charity and a numbered receipt', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws, { name: 'زهرا کریمی' });
    const soon = await earn(ws, customer.id, 30, inDays(5));
    const never = await earn(ws, customer.id, 100);
    const child = (await call(ws, 'POST', '/api/loyalty/charities', charityBody)).body;
    const trees = (await call(ws, 'POST', '/api/loyalty/charities', { name: { fa: 'درخت‌کاری' }, ratePoints: 3, rateMinor: 1_000 })).body;

    const first = await donate(ws, { customerId: customer.id, charityId: child.id, points: 45 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      receiptNumber: 'D-000001', charityId: child.id, charityName: charityBody.name, charityRegistration: 'ثبت ۱۲۳۴', customerId: customer.id, customerName: 'زهرا کریمی',
      points: 45, amountMinor: 22_500, currency: 'IRR', ratePoints: 10, rateMinor: 5_000,
    });
    const entry = (await call(ws, 'GET', `/api/loyalty/entries/${first.body.entryId}`)).body;
    expect(entry).toMatchObject({ kind: 'donate', points: { available: -45, pending: 0, qualifying: 0 } });
    expect(entry.postings).toEqual([
      { account: 'available', customerId: customer.id, unit: 'points', amount: -45 },
      { account: 'charity_payable', customerId: null, unit: 'points', amount: 45 },
    ]);
    expect(entry.draws).toEqual([{ lotId: soon.lot.id, points: 30, expiresAt: soon.lot.expiresAt }, { lotId: never.lot.id, points: 15, expiresAt: null }]);

    // 10 points at 3 points = 1,000: 3,333.33… rounded down.
    const second = (await donate(ws, { customerId: customer.id, charityId: trees.id, points: 10 })).body;
    expect(second).toMatchObject({ receiptNumber: 'D-000002', amountMinor: 3_333 });
    const third = (await donate(ws, { customerId: customer.id, charityId: child.id, points: 5 })).body;
    expect(third).toMatchObject({ receiptNumber: 'D-000003', amountMinor: 2_500 });

    const receipt = await call(ws, 'GET', `/api/loyalty/donations/${first.body.id}`, undefined, { role: 'analyst' });
    expect(receipt.body).toEqual(first.body);
    expect(receipt.body.workspaceName).toEqual(expect.any(String));
    const totals = Object.fromEntries((await call(ws, 'GET', '/api/loyalty/charities')).body.items.map((c: { id: string; totals: unknown }) => [c.id, c.totals]));
    expect(totals).toEqual({ [child.id]: { donations: 2, points: 50, amountMinor: 25_000 }, [trees.id]: { donations: 1, points: 10, amountMinor: 3_333 } });
    expect((await call(ws, 'GET', `/api/loyalty/donations?charityId=${child.id}`)).body.items.map((d: { receiptNumber: string }) => d.receiptNumber)).toEqual(['D-000003', 'D-000001']);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body).toMatchObject({ available: 70 });
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body.systemBalances).toMatchObject({ charity_payable: 60 });
    const { rows } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'loyalty.points_donated' ORDER BY id`, [ws.tenantId]);
    expect(rows.map((r) => r.payload.receiptNumber)).toEqual(['D-000001', 'D-000002', 'D-000003']);
  });

  it('donates once per key, and refuses what it cannot give with nothing written', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    await earn(ws, customer.id, 50);
    const charity = (await call(ws, 'POST', '/api/loyalty/charities', { name: { en: 'Water' }, ratePoints: 100, rateMinor: 1 })).body;
    const once = await donate(ws, { customerId: customer.id, charityId: charity.id, points: 100 });
    expect([once.status, once.body.code]).toEqual([409, 'insufficient_points']);
    const keyed = { customerId: customer.id, charityId: charity.id, points: 20, externalId: 'portal-tap-1' };
    expect((await donate(ws, { ...keyed, points: 50 })).body.code).toBe('donation_too_small');
    const small = await donate(ws, { ...keyed, points: 50 }).then(() => call(ws, 'POST', '/api/loyalty/donations', { ...keyed, points: 99 }, { headers: { 'accept-language': 'fa' } }));
    expect([small.status, small.body.code]).toEqual([422, 'donation_too_small']);
    expect(small.body.detail).toMatch(/[\u0600-\u06FF]/);
    await call(ws, 'PATCH', `/api/loyalty/charities/${charity.id}`, { ratePoints: 1, rateMinor: 100 });
    const first = await call(ws, 'POST', '/api/loyalty/donations', keyed);
    expect(first.status).toBe(201);
    const again = await call(ws, 'POST', '/api/loyalty/donations', keyed, { role: 'owner' });
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    const conflict = await call(ws, 'POST', '/api/loyalty/donations', { ...keyed, points: 21 });
    expect([conflict.status, conflict.body.code]).toEqual([409, 'external_id_conflict']);
    const unkeyed = await call(ws, 'POST', '/api/loyalty/donations', { customerId: customer.id, charityId: charity.id, points: 1 });
    expect([unkeyed.status, unkeyed.body.code]).toEqual([400, 'idempotency_key_required']);
    const missing = await donate(ws, { customerId: customer.id, charityId: '00000000-0000-4000-8000-000000000000', points: 1 });
    expect([missing.status, missing.body.code]).toEqual([422, 'charity_not_found']);
    await call(ws, 'PATCH', `/api/loyalty/charities/${charity.id}`, { active: false });
    const closed = await donate(ws, { customerId: customer.id, charityId: charity.id, points: 1 });
    expect([closed.status, closed.body.code]).toEqual([409, 'charity_unavailable']);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body.available).toBe(30);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_donations WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].n).toBe(1);
  });

  it('20 concurrent donations of 100 from a 100-point account: one is given, charity_payable holds 100, receipts have no gaps', async () => {
    const ws = await workspace();
    const charity = (await call(ws, 'POST', '/api/loyalty/charities', charityBody)).body;
    const rich = await createCustomer(t, ws);
    await earn(ws, rich.id, 100);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => http(ws, '/api/loyalty/donations', { customerId: rich.id, charityId: charity.id, points: 100, externalId: `tap-${n}` })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of answers.filter((a) => a.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'insufficient_points']);
    // Many members at once: every receipt number once, none skipped.
    const members = await Promise.all(Array.from({ length: 12 }, () => createCustomer(t, ws)));
    for (const m of members) await earn(ws, m.id, 10);
    const many = await Promise.all(members.map((m, n) => http(ws, '/api/loyalty/donations', { customerId: m.id, charityId: charity.id, points: 10, externalId: `many-${n}` })));
    expect(many.map((r) => r.status)).toEqual(Array(12).fill(201));
    const numbers = [...answers.filter((r) => r.status === 201), ...many].map((r) => r.body.receiptNumber as string).sort();
    expect(numbers).toEqual(Array.from({ length: 13 }, (_, n) => `D-${String(n + 1).padStart(6, '0')}`));
    expect((await call(ws, 'GET', `/api/loyalty/charities/${charity.id}`)).body.totals).toEqual({ donations: 13, points: 220, amountMinor: 110_000 });
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body.systemBalances).toMatchObject({ charity_payable: 220 });
  });

  it('converts points to money in integer minor units, rounding down, without floating point', () => {
    expect(pointsToMinor(45, 10, 5_000)).toBe(22_500);
    expect(pointsToMinor(10, 3, 1_000)).toBe(3_333);
    expect(pointsToMinor(999_999_999, 7, 1_000)).toBe(142_857_142_714);
    expect(pointsToMinor(999_999_999, 1, 9_000_000)).toBe(8_999_999_991_000_000);
    expect(pointsToMinor(999_999_999, 1, 999_999_999)).toBeNull();
    expect(pointsToMinor(1, 100, 1)).toBe(0);
  });
});
