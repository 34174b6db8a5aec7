import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { earnOrder } from './earning.service.ts';
import { sendExpiryNotices } from './expiry-notices.ts';
import { expireInactive } from './inactivity-expiry.ts';
import { memberPortalView } from './member-portal.service.ts';
import { findProgram } from './program.service.ts';

// Points of a program that expires after inactivity have no date of their own: they go at the
// member's last earn or spend plus the program's days. The expiry notice goes out the program's
// notice days before that instant, and the member portal lists them as expiring on that day; both
// move with the next activity, and agree with the job that expires them. The clock is the test's:
// orders are earned through the earning service at chosen instants, notices, the portal and the
// expiry job are called at chosen instants. The workspace is in Asia/Tehran (UTC+03:30).

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);
const DAY = 86_400_000;
const MINUTE = 60_000;

describe('expiry after inactivity', () => {
  it('is announced N days before the last activity plus the program\'s days, and shown expiring on that day in the portal', async () => {
    const ws = await workspace();
    const created = await call(ws, 'POST', '/api/loyalty/programs', {
      name: 'باشگاه فعال', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' }, pendingDays: 0, expiry: { kind: 'inactivity', days: 30 }, expiryNotice: { daysBefore: 7 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const program = (await findProgram(t.database.db, ws.tenantId, created.body.id))!;
    const customer = await createCustomer(t, ws, { email: `idle-${ws.slug}@example.test`, language: 'fa', preferredChannel: 'email', consent: { email: { granted: true } } });
    const orderAt = (amount: number, now: Date, externalId: string) => t.database.db.transaction((tx) =>
      earnOrder(tx, { tenantId: ws.tenantId, source: 'system:test', now }, { externalId, customerId: customer.id, programId: program.id, lines: [{ id: '1', amount }] }));
    const notices = (now: Date) => t.database.db.transaction((tx) => sendExpiryNotices(tx, ws.tenantId, program, now));
    const expire = (now: Date) => t.database.db.transaction((tx) => expireInactive(tx, { tenantId: ws.tenantId, source: 'system:test', now }, program));
    const portal = (now: Date) => memberPortalView(t.database.db, ws.tenantId, customer.id, now);

    // 2026-01-10 12:00 in Tehran: 1,230,000 → 123 points, no expiry of their own.
    const t0 = new Date('2026-01-10T08:30:00Z');
    expect((await orderAt(1_230_000, t0, 'IDLE-1')).order.points).toBe(123);
    // Idle for 30 days from then: they go at 2026-02-09T08:30Z, 12:00 of 9 February (20 Bahman 1404) in Tehran.
    const deadline = new Date('2026-02-09T08:30:00Z');
    expect(deadline.getTime() - t0.getTime()).toBe(30 * DAY);

    // The notice: nothing a minute before 7 days ahead, one at 7 days ahead, once.
    expect(await notices(new Date(deadline.getTime() - 7 * DAY - MINUTE))).toEqual({ queued: 0, skipped: 0 });
    const weekBefore = new Date(deadline.getTime() - 7 * DAY);
    expect(await notices(weekBefore)).toEqual({ queued: 1, skipped: 0 });
    expect(await notices(new Date(weekBefore.getTime() + DAY))).toEqual({ queued: 0, skipped: 0 });
    const { rows: sent } = await t.database.pool.query(`SELECT customer_id, expiry_day::text AS day, points, status FROM loyalty_expiry_notices WHERE tenant_id = $1`, [ws.tenantId]);
    expect(sent).toEqual([{ customer_id: customer.id, day: '2026-02-09', points: 123, status: 'queued' }]);
    const { rows: [message] } = await t.database.pool.query(`SELECT subject, body_text FROM messages WHERE tenant_id = $1`, [ws.tenantId]);
    expect(message.subject).toContain('۱۲۳');
    // The last day in the Solar Hijri calendar: 20 Bahman 1404.
    expect(message.body_text).toContain('۲۰ بهمن ۱۴۰۴');

    // The portal a week before: 123 expiring on 2026-02-09 at the deadline, none without expiry.
    expect(await portal(weekBefore)).toMatchObject({
      balance: { available: 123 }, expiring: [{ date: '2026-02-09', expiresAt: deadline.toISOString(), points: 123 }], withoutExpiry: 0, expired: [],
    });

    // An order three days before the deadline is activity: everything now goes 30 days after it.
    const active = new Date(deadline.getTime() - 3 * DAY);
    expect((await orderAt(100_000, active, 'IDLE-2')).order.points).toBe(10);
    const moved = new Date(active.getTime() + 30 * DAY); // 2026-03-08T08:30Z
    expect(await portal(active)).toMatchObject({ expiring: [{ date: '2026-03-08', expiresAt: moved.toISOString(), points: 133 }], withoutExpiry: 0 });
    // The job agrees: nothing goes at the old deadline; all 133 at the new one.
    expect(await expire(new Date(deadline.getTime() + MINUTE))).toEqual({ members: 0, points: 0 });
    expect(await notices(new Date(moved.getTime() - 7 * DAY))).toEqual({ queued: 1, skipped: 0 });
    expect(await portal(new Date(moved.getTime() + MINUTE))).toMatchObject({ expiring: [], expired: [{ date: '2026-03-08', expiredAt: moved.toISOString(), points: 133 }], withoutExpiry: 0 });
    expect(await expire(new Date(moved.getTime() + MINUTE))).toEqual({ members: 1, points: 133 });
    expect(await portal(new Date(moved.getTime() + 2 * MINUTE))).toMatchObject({ balance: { available: 0 }, expiring: [], expired: [], withoutExpiry: 0 });
  });
});
