import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { fromIsoDate } from '../../platform/i18n/calendar.ts';
import { awardBirthdayPoints } from './birthday-points.ts';
import { localIsoDay } from './earn-rules.ts';
import { sendExpiryNotices } from './expiry-notices.ts';
import { expireInactive } from './inactivity-expiry.ts';
import { settleDue } from './index.ts';
import { findProgram, programsWithInactivityExpiry } from './program.service.ts';

let t: TestApp;
let base: string;

beforeAll(async () => {
  // Room for the concurrent orders below to hold a connection each: the race is real.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

const DAY = 86_400_000;
const baseSettings = {
  spend: { points: 1, per: 10_000, rounding: 'floor' },
  categoryMultipliers: { dairy: 200 },
  skuMultipliers: { 'milk-1l': 150 },
  pendingDays: 14,
  expiry: { kind: 'rolling', days: 365 },
};

async function program(ws: TestWorkspace, settings: Record<string, unknown> = {}, name = 'باشگاه مشتریان') {
  const res = await call(ws, 'POST', '/api/loyalty/programs', { name, settings: { ...baseSettings, ...settings } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

let serial = 0;
const orderId = () => `POS-${++serial}-${Date.now()}`;

async function order(ws: TestWorkspace, customerId: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return call(ws, 'POST', '/api/loyalty/orders', { externalId: orderId(), customerId, lines, ...extra });
}

const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;
const entriesOf = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}/entries`)).body.items as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers

/** The workspace's due work at an instant the test chooses (the hourly job's run). */
async function dueWorkAt(ws: TestWorkspace, now: Date) {
  return t.database.db.transaction((tx) => settleDue(tx, { tenantId: ws.tenantId, source: 'system:test', now }));
}

describe('programs', () => {
  it('are created, read, changed against their version, versioned, archived and audited; managers write, staff read', async () => {
    const ws = await workspace();
    const created = await program(ws);
    expect(created).toMatchObject({ name: 'باشگاه مشتریان', kind: 'points', status: 'active', version: 1 });
    expect(created.settings).toMatchObject({ ...baseSettings, caps: { perOrder: null, perDay: null }, events: [] });

    for (const role of ['agent', 'analyst'] as const) {
      const refused = await call(ws, 'POST', '/api/loyalty/programs', { name: 'x', settings: baseSettings }, { role });
      expect(refused.status).toBe(403);
      expect((await call(ws, 'PATCH', `/api/loyalty/programs/${created.id}`, { version: 1, name: 'y' }, { role })).status).toBe(403);
      const read = await call(ws, 'GET', `/api/loyalty/programs/${created.id}`, undefined, { role });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created);
    }

    const changed = await call(ws, 'PATCH', `/api/loyalty/programs/${created.id}`, { version: 1, settings: { ...baseSettings, caps: { perOrder: 500 } } }, { role: 'admin' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ version: 2, settings: { caps: { perOrder: 500, perDay: null } } });
    // A change against the version before is refused, in the reader's language, and changes nothing.
    const stale = await call(ws, 'PATCH', `/api/loyalty/programs/${created.id}`, { version: 1, name: 'دیر' }, { headers: { 'accept-language': 'fa' } });
    expect(stale.status).toBe(409);
    expect(stale.type).toContain('application/problem+json');
    expect(stale.body).toMatchObject({ code: 'program_version_conflict' });
    expect(stale.body.detail).toMatch(/[\u0600-\u06FF]/);

    const versions = (await call(ws, 'GET', `/api/loyalty/programs/${created.id}/versions`, undefined, { role: 'analyst' })).body.items;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions[1].settings.caps.perOrder).toBeNull();
    expect(versions[0].changedBy).toMatch(/^api_key:/);

    const archived = await call(ws, 'DELETE', `/api/loyalty/programs/${created.id}`);
    expect(archived.body).toMatchObject({ status: 'archived', version: 3 });
    expect((await call(ws, 'GET', '/api/loyalty/programs', undefined, { role: 'agent' })).body.items).toEqual([archived.body]);

    const { rows } = await t.database.pool.query(`SELECT action, target_id FROM audit_log WHERE tenant_id = $1 AND target_type = 'loyalty_program' ORDER BY id`, [ws.tenantId]);
    expect(rows.map((r) => r.action)).toEqual(['loyalty_program.created', 'loyalty_program.updated', 'loyalty_program.archived']);
  });

  it('refuse bad settings with stable codes, in fa, ar and en, and write nothing', async () => {
    const ws = await workspace();
    const attempts: [Record<string, unknown>, number, string][] = [
      [{ ...baseSettings, pendingDays: 30, expiry: { kind: 'rolling', days: 30 } }, 422, 'expiry_within_pending'],
      [{ ...baseSettings, events: [{ topic: 'response.submitted', points: 5 }, { topic: 'response.submitted', points: 6 }] }, 422, 'event_rule_repeated'],
      [{ ...baseSettings, events: [{ topic: 'referral.qualified' }] }, 422, 'event_points_required'],
      [{ ...baseSettings, spend: { points: 1, per: 10_000, rounding: 'bankers' } }, 400, 'validation_failed'],
      [{ ...baseSettings, skuMultipliers: { a: 1.5 } }, 400, 'validation_failed'],
      [{ ...baseSettings, expiry: { kind: 'fixed', calendar: 'persian', month: 13 } }, 400, 'validation_failed'],
    ];
    for (const [settings, status, code] of attempts) {
      for (const language of ['fa', 'ar', 'en']) {
        const res = await call(ws, 'POST', '/api/loyalty/programs', { name: 'طرح', settings }, { headers: { 'accept-language': language } });
        expect(res.status, JSON.stringify(res.body)).toBe(status);
        expect(res.type).toContain('application/problem+json');
        expect(res.body.code).toBe(code);
        if (language !== 'en') expect(res.body.detail).toMatch(/[\u0600-\u06FF]/);
      }
    }
    expect((await call(ws, 'GET', '/api/loyalty/programs')).body.items).toEqual([]);
  });
});

describe('orders', () => {
  it('earn by the rules: SKU over category multipliers, one rounding per order, pending for the return window, expiring by the policy', async () => {
    const ws = await workspace();
    const p = await program(ws, { spend: { points: 1, per: 10_000, rounding: 'round' } });
    const customer = await createCustomer(t, ws);
    const before = Date.now();
    const res = await order(ws, customer.id, [
      { id: '1', sku: 'milk-1l', category: 'dairy', amount: 45_000 }, // ×1.5: 6.75
      { id: '2', sku: 'cheese', category: 'dairy', amount: 12_500 }, // ×2: 2.5
      { id: '3', category: 'bread', amount: 7_500 }, // ×1: 0.75
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 6.75 + 2.5 + 0.75 = 10 exactly; per-line rounding would have given 7 + 3 + 1 = 11
    expect(res.body).toMatchObject({ programId: p.id, programVersion: 1, customerId: customer.id, points: 10, returnedPoints: 0, capped: null });
    expect(res.body.lines.map((l: { multiplierPercent: number }) => l.multiplierPercent)).toEqual([150, 200, 100]);
    const pendingUntil = new Date(res.body.pendingUntil).getTime();
    expect(pendingUntil).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(pendingUntil).toBeLessThanOrEqual(Date.now() + 14 * DAY);
    expect(new Date(res.body.expiresAt).getTime() - new Date(res.body.createdAt).getTime()).toBe(365 * DAY);

    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 10, qualifying: 10, unlocking: [{ unlocksAt: res.body.pendingUntil, points: 10 }] });
    const [entry] = await entriesOf(ws, customer.id);
    expect(entry).toMatchObject({ id: res.body.entryId, kind: 'earn', externalId: res.body.externalId, reason: 'باشگاه مشتریان', points: { available: 0, pending: 10, qualifying: 10 } });
    expect((await call(ws, 'GET', `/api/loyalty/orders/${res.body.externalId}`, undefined, { role: 'analyst' })).body).toEqual(res.body);
  });

  it('unlock after the pending days by the due work, and not before', async () => {
    const ws = await workspace();
    await program(ws, { pendingDays: 7 });
    const customer = await createCustomer(t, ws);
    const res = await order(ws, customer.id, [{ id: '1', amount: 250_000 }]);
    expect(res.body.points).toBe(25);
    const unlocksAt = new Date(res.body.pendingUntil);
    expect(await dueWorkAt(ws, new Date(unlocksAt.getTime() - 1000))).toMatchObject({ unlockedPoints: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 25 });
    expect(await dueWorkAt(ws, unlocksAt)).toMatchObject({ unlockedLots: 1, unlockedPoints: 25 });
    expect(await dueWorkAt(ws, unlocksAt)).toMatchObject({ unlockedPoints: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 25, pending: 0, qualifying: 25 });
  });

  it('hold the caps: per order, and per member and day across orders', async () => {
    const ws = await workspace();
    await program(ws, { caps: { perOrder: 40, perDay: 100 }, pendingDays: 0 });
    const customer = await createCustomer(t, ws);
    const other = await createCustomer(t, ws);
    const results = [];
    for (const amount of [1_000_000, 300_000, 1_000_000, 500_000]) results.push((await order(ws, customer.id, [{ id: 'x', amount }])).body);
    expect(results.map((r) => [r.points, r.capped])).toEqual([[40, 'order'], [30, null], [30, 'day'], [0, 'day']]);
    // an order that earns nothing is recorded, without a ledger entry
    expect(results[3]).toMatchObject({ entryId: null, pendingUntil: null, expiresAt: null });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 100, pending: 0 });
    // another member's day is their own
    expect((await order(ws, other.id, [{ id: 'x', amount: 1_000_000 }])).body.points).toBe(40);
  });

  it('earn once per external id: sent again it answers the first; twenty at once make one entry; another customer or other lines are refused', async () => {
    const ws = await workspace();
    await program(ws);
    const customer = await createCustomer(t, ws);
    const body = { externalId: 'POS-7-000123', customerId: customer.id, lines: [{ id: '1', category: 'dairy', amount: 100_000 }] };
    const first = await call(ws, 'POST', '/api/loyalty/orders', body);
    expect(first.status).toBe(201);
    const again = await call(ws, 'POST', '/api/loyalty/orders', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const racing = { ...body, externalId: 'POS-7-000124' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${base}/api/loyalty/orders`, {
      method: 'POST', headers: { ...t.auth(ws.keys.agent), 'content-type': 'application/json' }, body: JSON.stringify(racing),
    }).then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }))));
    expect(answers.map((a) => a.status).sort((a, b) => b - a)).toEqual([201, ...Array(19).fill(200)]);
    expect(new Set(answers.map((a) => a.body.entryId)).size).toBe(1);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1 AND external_id = $2`, [ws.tenantId, racing.externalId]);
    expect(rows[0].n).toBe(1);
    expect(await balance(ws, customer.id)).toMatchObject({ pending: 40, qualifying: 40 });

    const stranger = await createCustomer(t, ws);
    const conflict = await call(ws, 'POST', '/api/loyalty/orders', { ...body, customerId: stranger.id });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('external_id_conflict');
    const otherLines = await call(ws, 'POST', '/api/loyalty/orders', { ...body, lines: [{ id: '1', category: 'dairy', amount: 100_001 }] });
    expect(otherLines.body.code).toBe('external_id_conflict');
    expect(await balance(ws, stranger.id)).toMatchObject({ pending: 0, available: 0 });
  });

  it('refuse bad input with stable codes and write nothing', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const line = [{ id: '1', amount: 10_000 }];
    expect((await order(ws, customer.id, line)).body.code).toBe('no_active_program');
    const p = await program(ws);
    const cases: [Record<string, unknown>, number, string | null][] = [
      [{ externalId: 'a-1', customerId: customer.id, lines: [{ id: '1', amount: 1 }, { id: '1', amount: 2 }] }, 422, 'order_line_repeated'],
      [{ externalId: 'a-2', customerId: '00000000-0000-4000-8000-000000000000', lines: line }, 404, 'not_found'],
      [{ externalId: 'a-3', customerId: customer.id, programId: '00000000-0000-4000-8000-000000000000', lines: line }, 422, 'program_not_found'],
      [{ externalId: 'a-4', customerId: customer.id, lines: [] }, 400, null],
      [{ externalId: 'a-5', customerId: customer.id, lines: [{ id: '1', amount: -5 }] }, 400, null],
      [{ externalId: 'a-6', customerId: customer.id, lines: [{ id: '1', amount: 1.5 }] }, 400, null],
      [{ externalId: '', customerId: customer.id, lines: line }, 400, null],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(ws, 'POST', '/api/loyalty/orders', body, { headers: { 'accept-language': 'ar' } });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.type).toContain('application/problem+json');
      if (code) expect(res.body.code).toBe(code);
      expect(res.body.detail).toMatch(/[\u0600-\u06FF]/);
    }
    await program(ws, {}, 'دوم');
    expect((await order(ws, customer.id, line)).body.code).toBe('program_required');
    expect((await order(ws, customer.id, line, { programId: p.id })).status).toBe(201);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_orders WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].n).toBe(1);
  });
});

describe('returns', () => {
  it('take back a returned line\'s points from pending first, then available, by the rules the order earned under', async () => {
    const ws = await workspace();
    const p = await program(ws, { pendingDays: 10 });
    const customer = await createCustomer(t, ws);
    const placed = await order(ws, customer.id, [
      { id: 'a', category: 'dairy', amount: 100_000 }, // 20
      { id: 'b', amount: 55_000 }, // 5.5
      { id: 'c', amount: 44_000 }, // 4.4 → 29.9 → 29
    ]);
    expect(placed.body.points).toBe(29);
    const externalId = placed.body.externalId as string;
    // the program changes afterwards: the return still goes by version 1's multipliers
    await call(ws, 'PATCH', `/api/loyalty/programs/${p.id}`, { version: 1, settings: { ...baseSettings, pendingDays: 10, categoryMultipliers: {} } });

    const partial = await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, { returnId: 'R1', lines: [{ id: 'b' }] });
    expect(partial.status, JSON.stringify(partial.body)).toBe(201);
    // kept: 20 + 4.4 = 24.4 → 24; taken back 5, all from pending
    expect(partial.body).toMatchObject({ points: 5, fromPending: 5, fromAvailable: 0, unrecovered: 0, order: { points: 29, returnedPoints: 5 } });
    expect(await balance(ws, customer.id)).toMatchObject({ pending: 24, available: 0, qualifying: 24 });
    // the same return again answers the first; other lines under its id are refused
    const again = await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, { returnId: 'R1', lines: [{ id: 'b' }] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(partial.body);
    expect((await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, { returnId: 'R1', lines: [{ id: 'c' }] })).body.code).toBe('return_id_conflict');

    // unlocked, then half of line a returned: taken from available (the order's own lot)
    await dueWorkAt(ws, new Date(placed.body.pendingUntil));
    const half = await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, { returnId: 'R2', lines: [{ id: 'a', amount: 50_000 }] });
    // kept: 10 + 4.4 = 14.4 → 14; taken back 24 - 14 = 10
    expect(half.body).toMatchObject({ points: 10, fromPending: 0, fromAvailable: 10, unrecovered: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ pending: 0, available: 14, qualifying: 14 });

    const bad = [
      [{ returnId: 'R3', lines: [{ id: 'zz' }] }, 'order_line_unknown'],
      [{ returnId: 'R3', lines: [{ id: 'a', amount: 50_001 }] }, 'return_exceeds_line'],
      [{ returnId: 'R3', lines: [{ id: 'b' }] }, 'return_exceeds_line'],
    ] as const;
    for (const [body, code] of bad) {
      const res = await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.code).toBe(code);
    }
    expect((await call(ws, 'POST', '/api/loyalty/orders/no-such-order/returns', { returnId: 'R' })).status).toBe(404);

    const rest = await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, { returnId: 'R4' });
    expect(rest.body).toMatchObject({ points: 14, fromAvailable: 14, order: { returnedPoints: 29 } });
    expect((await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, { returnId: 'R5' })).body.code).toBe('nothing_to_return');
    expect(await balance(ws, customer.id)).toMatchObject({ pending: 0, available: 0, qualifying: 0 });
  });

  it('never take the balance below zero: points already spent are reported unrecovered', async () => {
    const ws = await workspace();
    await program(ws, { pendingDays: 0 });
    const customer = await createCustomer(t, ws);
    const placed = await order(ws, customer.id, [{ id: '1', amount: 500_000 }]);
    expect(placed.body.points).toBe(50);
    const spent = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 45, externalId: 'checkout-1' });
    expect(spent.status).toBe(201);
    const res = await call(ws, 'POST', `/api/loyalty/orders/${placed.body.externalId}/returns`, { returnId: 'R1' });
    expect(res.body).toMatchObject({ points: 50, fromPending: 0, fromAvailable: 5, unrecovered: 45 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 0, qualifying: 0 });
  });
});

describe('expiry', () => {
  it('at the end of Esfand in the workspace\'s calendar and time zone; the run twice expires once', async () => {
    const ws = await workspace();
    await program(ws, { pendingDays: 0, expiry: { kind: 'fixed', calendar: 'persian', month: 12 } });
    const customer = await createCustomer(t, ws);
    const placed = await order(ws, customer.id, [{ id: '1', amount: 120_000 }]);
    // hand-computed: 29 Esfand 1404 is 2026-03-20, 29 Esfand 1405 is 2027-03-20; the year's end is the next 1 Farvardin at 00:00 in Tehran (+03:30)
    const ends = ['2026-03-20T20:30:00.000Z', '2027-03-20T20:30:00.000Z', '2028-03-19T20:30:00.000Z'];
    const expected = ends.find((e) => new Date(e).getTime() > Date.now())!;
    expect(placed.body.expiresAt).toBe(expected);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 12, expiring: [{ expiresAt: expected, points: 12 }] });

    const end = new Date(expected);
    expect(await dueWorkAt(ws, new Date(end.getTime() - 1))).toMatchObject({ expiredPoints: 0 });
    expect(await dueWorkAt(ws, end)).toMatchObject({ expiredLots: 1, expiredPoints: 12 });
    expect(await dueWorkAt(ws, end)).toMatchObject({ expiredPoints: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });
    const kinds = (await entriesOf(ws, customer.id)).map((e) => e.kind);
    expect(kinds).toEqual(['expire', 'earn']);
  });

  it('after inactivity: a program\'s points go once the member neither earned nor spent for its days, once however often it runs', async () => {
    const ws = await workspace();
    const expiring = await program(ws, { pendingDays: 0, expiry: { kind: 'inactivity', days: 30 } }, 'فعال بمانید');
    const other = await program(ws, { pendingDays: 0, expiry: { kind: 'never' } }, 'همیشگی');
    const sleeper = await createCustomer(t, ws);
    const spender = await createCustomer(t, ws);
    for (const [customer, amount, programId] of [[sleeper, 100_000, expiring.id], [sleeper, 70_000, other.id], [spender, 100_000, expiring.id]] as const) {
      expect((await order(ws, customer.id, [{ id: '1', amount }], { programId })).status).toBe(201);
    }
    const [inactivity] = await programsWithInactivityExpiry(t.database.db, ws.tenantId);
    const run = (now: Date) => t.database.db.transaction((tx) => expireInactive(tx, { tenantId: ws.tenantId, source: 'system:test', now }, inactivity!));

    expect(await run(new Date(Date.now() + 29 * DAY))).toEqual({ members: 0, points: 0 });
    // the spender spends a point now (an act: the 29-day run above changed nothing either way)
    const spent = await call(ws, 'POST', `/api/loyalty/members/${spender.id}/redemptions`, { points: 1, externalId: 'keep-alive' });
    expect(spent.status, JSON.stringify(spent.body)).toBe(201);
    const later = new Date(Date.now() + 30 * DAY + 60_000);
    // 30 days on both have been idle for 30 days: each loses what is left of this program's points, never the other program's
    expect(await run(later)).toEqual({ members: 2, points: 10 + 9 });
    expect(await run(later)).toEqual({ members: 0, points: 0 });
    expect(await balance(ws, sleeper.id)).toMatchObject({ available: 7 });
    expect(await balance(ws, spender.id)).toMatchObject({ available: 0 });
    const sleeperEntries = await entriesOf(ws, sleeper.id);
    expect(sleeperEntries[0]).toMatchObject({ kind: 'expire', reason: 'فعال بمانید · inactivity', points: { available: -10, pending: 0, qualifying: 0 } });
  });

  it('after inactivity spares a member who acted within the days', async () => {
    const ws = await workspace();
    await program(ws, { pendingDays: 0, expiry: { kind: 'inactivity', days: 30 } });
    const customer = await createCustomer(t, ws);
    await order(ws, customer.id, [{ id: '1', amount: 100_000 }]);
    const [inactivity] = await programsWithInactivityExpiry(t.database.db, ws.tenantId);
    // 29 days after the order it is still active; the run changes nothing
    const run = await t.database.db.transaction((tx) => expireInactive(tx, { tenantId: ws.tenantId, source: 'system:test', now: new Date(Date.now() + 29 * DAY) }, inactivity!));
    expect(run).toEqual({ members: 0, points: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 10 });
  });
});

describe('expiry notices', () => {
  it('tell each member once, in their language through their consented channel, before a program\'s points expire', async () => {
    const ws = await workspace();
    const p = await program(ws, { pendingDays: 0, expiry: { kind: 'rolling', days: 10 }, expiryNotice: { daysBefore: 7 } }, 'باشگاه وفا');
    const reader = await createCustomer(t, ws, { email: `points-${ws.slug}@example.test`, language: 'fa', preferredChannel: 'email', consent: { email: { granted: true } } });
    const silent = await createCustomer(t, ws, { email: `quiet-${ws.slug}@example.test`, language: 'fa' });
    for (const customer of [reader, silent]) {
      expect((await order(ws, customer.id, [{ id: '1', amount: 12_340_000 }])).status).toBe(201);
      expect((await order(ws, customer.id, [{ id: '2', amount: 10_000 }])).status).toBe(201);
    }
    const notifying = (await findProgram(t.database.db, ws.tenantId, p.id))!;
    const send = (at: Date) => t.database.db.transaction((tx) => sendExpiryNotices(tx, ws.tenantId, notifying, at));

    // 2 days in, the expiry is 8 days away: not yet
    expect(await send(new Date(Date.now() + 2 * DAY))).toEqual({ queued: 0, skipped: 0 });
    const fourDaysOn = new Date(Date.now() + 4 * DAY);
    expect(await send(fourDaysOn)).toEqual({ queued: 1, skipped: 1 });
    expect(await send(fourDaysOn)).toEqual({ queued: 0, skipped: 0 });

    const { rows: messages } = await t.database.pool.query(`SELECT customer_id, channel, locale, purpose, subject, body_text, origin FROM messages WHERE tenant_id = $1`, [ws.tenantId]);
    expect(messages).toHaveLength(1);
    // 1,234 + 1 points, in Persian digits, with the program's name and the last day in the Solar Hijri calendar
    expect(messages[0]).toMatchObject({ customer_id: reader.id, channel: 'email', locale: 'fa', purpose: 'transactional', origin: { kind: 'loyalty.expiry_notice', programId: p.id } });
    expect(messages[0].subject).toContain('۱٬۲۳۵');
    expect(messages[0].subject).toContain('باشگاه وفا');
    expect(messages[0].body_text).toMatch(/۱۴۰[۵-۶]/);
    const { rows: notices } = await t.database.pool.query(`SELECT customer_id, points, status, reason FROM loyalty_expiry_notices WHERE tenant_id = $1 ORDER BY status`, [ws.tenantId]);
    expect(notices).toEqual([
      { customer_id: reader.id, points: 1235, status: 'queued', reason: null },
      { customer_id: silent.id, points: 1235, status: 'skipped', reason: 'no_reachable_channel' },
    ]);
  });
});

describe('birthday points', () => {
  it('go to a customer on their birthday in the calendar they gave it, once a year however often the job runs', async () => {
    const ws = await workspace();
    await program(ws, { events: [{ topic: 'customer.birthday', points: 250 }] }, 'تولدت مبارک');
    // the job's clock: 15 June 2026, 11:30 in Tehran, which is 25 Khordad 1405
    const now = new Date('2026-06-15T08:00:00Z');
    const today = fromIsoDate(localIsoDay(now, 'Asia/Tehran'), 'persian');
    expect(today).toMatchObject({ year: 1405, month: 3, day: 25 });
    const celebrating = await createCustomer(t, ws, { birthday: { calendar: 'persian', year: 1370, month: 3, day: 25 } });
    const otherDay = await createCustomer(t, ws, { birthday: { calendar: 'persian', year: 1370, month: 3, day: 26 } });
    // a birthday given in the Gregorian calendar: 15 June is today too
    const gregorian = await createCustomer(t, ws, { birthday: { calendar: 'gregory', year: 1988, month: 6, day: 15 } });
    expect(await awardBirthdayPoints(t.database, ws.tenantId, now)).toEqual({ awarded: 2 });
    expect(await awardBirthdayPoints(t.database, ws.tenantId, new Date(now.getTime() + 60_000))).toEqual({ awarded: 0 });
    expect(await balance(ws, celebrating.id)).toMatchObject({ available: 250, qualifying: 250 });
    expect(await balance(ws, otherDay.id)).toMatchObject({ available: 0 });
    expect(await balance(ws, gregorian.id)).toMatchObject({ available: 250 });
    expect((await entriesOf(ws, celebrating.id))[0]).toMatchObject({ kind: 'earn', reason: 'تولدت مبارک · customer.birthday' });
  });
});
