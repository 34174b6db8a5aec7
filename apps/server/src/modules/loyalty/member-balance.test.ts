import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces } from '../../../test/loyalty-kit.ts';
import { earnPoints, settleDue } from './ledger.service.ts';
import { sessionTokenHash } from './member-otp.service.ts';

// A member's balance as it stands when it is read (member-balance.service.ts): lots past their
// expiry that the hourly run has not booked yet are expired on the staff API (the member's page and
// the members list) and on the portal,
// pending lots past their pending period are available, and the read writes nothing. Over HTTP on
// a real PostgreSQL; the lots are written through the ledger's service at instants in the past.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({});
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let serial = 0;

async function portal(ws: TestWorkspace, customerId: string, path: string) {
  const token = randomBytes(24).toString('base64url');
  await t.database.pool.query(`INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at) VALUES ($1, $2, $3, now() + interval '1 day', now())`,
    [ws.tenantId, sessionTokenHash(token), customerId]);
  const res = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}${path}`, headers: { cookie: `vafa_member=${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const entriesOf = async (ws: TestWorkspace) => Number((await t.database.pool.query(`SELECT count(*) AS n FROM loyalty_entries WHERE tenant_id = $1`, [ws.tenantId])).rows[0].n);

describe('the balance as it stands when read', () => {
  it('shows points past their expiry as expired and points past their pending period as available before the hourly run, writing nothing', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const now = Date.now();
    const then = new Date(now - 3 * DAY);
    const pastExpiry = new Date(now - HOUR);
    const soon = new Date(now + 2 * DAY);
    const earn = (points: number, extra: { expiresAt?: Date; pendingUntil?: Date }) => t.database.db.transaction((tx) => earnPoints(tx, { tenantId: ws.tenantId, source: 'system:test', now: then }, customer.id, {
      points, reason: 'خرید', externalId: `E-${++serial}`,
      ...(extra.expiresAt ? { expiresAt: extra.expiresAt.toISOString() } : {}), ...(extra.pendingUntil ? { pendingUntil: extra.pendingUntil.toISOString() } : {}),
    }));
    await earn(100, { expiresAt: pastExpiry });
    await earn(50, { expiresAt: soon });
    await earn(30, {});
    await earn(20, { pendingUntil: new Date(now - 2 * HOUR) });
    // Unlocked by now and already past its expiry: straight to expired.
    await earn(15, { pendingUntil: new Date(now - 2 * DAY), expiresAt: new Date(now - DAY) });
    await earn(10, { pendingUntil: new Date(now + DAY) });
    const written = await entriesOf(ws);

    const staff = await callApi(t, ws, 'GET', `/api/loyalty/members/${customer.id}`);
    expect(staff.status).toBe(200);
    expect(staff.body).toEqual({
      customerId: customer.id, available: 100, pending: 10, qualifying: 225,
      expiring: [{ expiresAt: soon.toISOString(), points: 50, lots: 1 }],
      withoutExpiry: 50,
      unlocking: [{ unlocksAt: new Date(now + DAY).toISOString(), points: 10 }],
      expiredUnbooked: [{ expiredAt: new Date(now - DAY).toISOString(), points: 15 }, { expiredAt: pastExpiry.toISOString(), points: 100 }],
    });
    expect((await callApi(t, ws, 'GET', `/api/loyalty/members/${customer.id}/owed`)).body).toEqual({ customerId: customer.id, owed: 0, net: 100 });

    // The staff members list reads the balance the same way, not the booked (cached) 180 available and 45 pending.
    const listed = (await callApi(t, ws, 'GET', '/api/loyalty/members')).body.items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ customerId: customer.id, available: 100, pending: 10, expiringSoon: 50, nextExpiry: soon.toISOString() });

    const me = await portal(ws, customer.id, '/me');
    expect(me.balance).toEqual({ available: 100, pending: 10, qualifying: 225 });
    expect(me.expiring.map((e: { points: number }) => e.points)).toEqual([50]);
    expect(me.expired.map((e: { points: number }) => e.points).reduce((a: number, b: number) => a + b, 0)).toBe(115);
    expect(me.withoutExpiry).toBe(50);
    // Reads wrote nothing: the due work is still the hourly run's.
    expect(await entriesOf(ws)).toBe(written);

    // The run books what the reads showed: the same balance, nothing left unbooked.
    const run = await t.database.db.transaction((tx) => settleDue(tx, { tenantId: ws.tenantId, source: 'system:due-work', now: new Date() }));
    expect(run).toMatchObject({ expiredPoints: 115, unlockedPoints: 35 });
    const after = (await callApi(t, ws, 'GET', `/api/loyalty/members/${customer.id}`)).body;
    expect(after).toMatchObject({ available: 100, pending: 10, withoutExpiry: 50, expiredUnbooked: [] });
    expect(after.expiring).toEqual(staff.body.expiring);
    expect((await portal(ws, customer.id, '/me')).expired).toEqual([]);
    expect((await callApi(t, ws, 'GET', '/api/loyalty/members')).body.items[0]).toMatchObject({ available: 100, pending: 10, expiringSoon: 50 });

    // A spend sees the same 100: 101 refused, 100 taken.
    expect((await callApi(t, ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 101, externalId: `R-${++serial}` })).body.code).toBe('insufficient_points');
    expect((await callApi(t, ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 100, externalId: `R-${++serial}` })).status).toBe(201);
  });

  it('gives a customer who never earned zeros and nothing expired; another workspace\'s customer is 404', async () => {
    const ws = await workspace();
    const other = await workspace();
    const customer = await createCustomer(t, ws);
    expect((await callApi(t, ws, 'GET', `/api/loyalty/members/${customer.id}`)).body).toMatchObject({ available: 0, pending: 0, expiredUnbooked: [] });
    expect((await callApi(t, other, 'GET', `/api/loyalty/members/${customer.id}`)).status).toBe(404);
  });
});
