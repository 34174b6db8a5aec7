import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { settleDue } from './index.ts';

// The automatic share of each purchase to a charity, end to end with the relay: a purchase's
// points, once spendable, give the member's chosen share as a donation with its receipt, once.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 120_000);
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, role: Role = 'manager') {
  const res = await t.app.inject({ method, url, headers: t.auth(ws.keys[role]), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : {} };
}

/** Every event of the workspace relayed, and every charity-share job of it done. */
async function delivered(ws: TestWorkspace): Promise<void> {
  await eventually(async () => {
    const { rows: [left] } = await t.database.pool.query(`
      SELECT (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id))
           + (SELECT count(*) FROM pgboss.job WHERE name = 'on.loyalty.charity-share' AND data->>'tenantId' = $1::text
                AND state NOT IN ('completed', 'failed', 'cancelled')) AS n`, [ws.tenantId]);
    return Number(left.n) === 0;
  }, 'the events delivered and handled');
}

const donations = async (ws: TestWorkspace) => (await call(ws, 'GET', '/api/loyalty/donations')).body.items as { points: number; receiptNumber: string; customerId: string }[];

describe('automatic share of each purchase', () => {
  it('gives the chosen share of a purchase\'s points when they become spendable, once, and nothing of points that are not a purchase', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const customer = await createCustomer(t, ws);
    const charity = (await call(ws, 'POST', '/api/loyalty/charities', { name: { fa: 'محک' }, ratePoints: 1, rateMinor: 1_000 })).body;
    const url = `/api/loyalty/members/${customer.id}/charity-share`;
    expect((await call(ws, 'GET', url)).body).toEqual({ share: null });
    expect((await call(ws, 'PUT', url, { charityId: charity.id, percent: 10 }, 'analyst')).status).toBe(403);
    expect((await call(ws, 'PUT', url, { charityId: charity.id, percent: 0 })).status).toBe(400);
    const set = await call(ws, 'PUT', url, { charityId: charity.id, percent: 10 }, 'agent');
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.share).toMatchObject({ customerId: customer.id, charityId: charity.id, percent: 10 });

    // A purchase earned available: 10 % of 205, rounded down.
    await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 205, reason: 'خرید', externalId: 'order-1' });
    await eventually(async () => (await donations(ws)).length === 1, 'the first share');
    expect((await donations(ws))[0]).toMatchObject({ points: 20, receiptNumber: 'D-000001', customerId: customer.id });

    // Pending for returns: nothing until the points unlock, then their share.
    const pendingUntil = new Date(Date.now() + 86_400_000);
    await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 50, reason: 'خرید', externalId: 'order-2', pendingUntil: pendingUntil.toISOString() });
    // Not a purchase (no order id): no share.
    const keyed = await t.app.inject({ method: 'POST', url: `/api/loyalty/members/${customer.id}/earnings`, headers: { ...t.auth(ws.keys.manager), 'idempotency-key': 'gift-1' }, payload: { points: 40, reason: 'هدیه' } });
    expect(keyed.statusCode).toBe(201);
    await delivered(ws);
    expect(await donations(ws)).toHaveLength(1);
    await t.database.db.transaction((tx) => settleDue(tx, { tenantId: ws.tenantId, source: 'system:test', now: new Date(pendingUntil.getTime() + 1000) }));
    await eventually(async () => (await donations(ws)).length === 2, 'the unlocked purchase\'s share');
    expect((await donations(ws))[0]).toMatchObject({ points: 5, receiptNumber: 'D-000002' });

    // The same events delivered again give nothing more.
    const { rows } = await t.database.pool.query(`SELECT topic, payload FROM outbox_events WHERE tenant_id = $1 AND topic IN ('loyalty.points_earned', 'loyalty.points_unlocked') ORDER BY id`, [ws.tenantId]);
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, rows.map((r) => ({ topic: r.topic as string, payload: r.payload as Record<string, unknown> }))));
    await delivered(ws);
    expect(await donations(ws)).toHaveLength(2);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body.available).toBe(205 - 20 + 50 - 5 + 40);
    expect((await call(ws, 'GET', `/api/loyalty/charities/${charity.id}`)).body.totals).toEqual({ donations: 2, points: 25, amountMinor: 25_000 });

    // Stopped: the next purchase gives nothing.
    expect((await call(ws, 'DELETE', url)).status).toBe(204);
    await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 100, reason: 'خرید', externalId: 'order-3' });
    await delivered(ws);
    expect(await donations(ws)).toHaveLength(2);
    await expectLedgerBalanced(t, ws.tenantId);
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body).toMatchObject({ ok: true, driftCounts: { charity: 0, held: 0 } });
  });
});
