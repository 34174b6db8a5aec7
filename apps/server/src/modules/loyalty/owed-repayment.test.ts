import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type Answer } from '../../../test/loyalty-kit.ts';
import { settleDue } from './index.ts';
import { sessionTokenHash } from './member-otp.service.ts';

// Points a member owes (a return of points already spent, in a program that allows a negative
// balance) are repaid by points that become available later: pending points when they unlock, a
// checkout hold's points when it is released or refunded. A spend counts only the balance net of
// what is owed. Over HTTP on a real PostgreSQL; after each test the ledger holds together and
// `verify` reports no drift.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({});
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });

const call = (ws: TestWorkspace, method: 'GET' | 'POST', url: string, payload?: unknown) => callApi(t, ws, method, url, payload);

let serial = 0;
const ext = (what: string) => `${what}-${++serial}`;
const DAY = 86_400_000;

/** A program that allows a negative balance, points available at once: 1 point per 1,000. */
async function program(ws: TestWorkspace): Promise<string> {
  const res = await call(ws, 'POST', '/api/loyalty/programs', {
    name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' }, allowNegativeBalance: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function order(ws: TestWorkspace, programId: string, customerId: string, amount: number) {
  const res = await call(ws, 'POST', '/api/loyalty/orders', { externalId: ext('order'), customerId, programId, lines: [{ id: '1', amount }] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { externalId: string; points: number };
}

async function returnOrder(ws: TestWorkspace, externalId: string) {
  const res = await call(ws, 'POST', `/api/loyalty/orders/${externalId}/returns`, { returnId: ext('return') });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function redeem(ws: TestWorkspace, customerId: string, points: number): Promise<Answer> {
  return call(ws, 'POST', `/api/loyalty/members/${customerId}/redemptions`, { points, externalId: ext('spend') });
}

async function earn(ws: TestWorkspace, customerId: string, points: number, pendingUntil?: Date) {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, {
    points, reason: 'هدیه', externalId: ext('gift'), ...(pendingUntil ? { pendingUntil: pendingUntil.toISOString() } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const owed = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}/owed`)).body;
const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;

interface HistoryItem { id: number; kind: string; reason: string | null; points: { available: number; pending: number } }
const repayments = async (ws: TestWorkspace, customerId: string): Promise<HistoryItem[]> =>
  ((await call(ws, 'GET', `/api/loyalty/members/${customerId}/entries?limit=100`)).body.items as HistoryItem[]).filter((e) => e.reason === 'negative_balance_repaid');

/** What the member sees on the portal: a session of theirs, made as sign-in would. */
async function portalHistory(ws: TestWorkspace, customerId: string) {
  const token = randomBytes(24).toString('base64url');
  await t.database.pool.query(`INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at) VALUES ($1, $2, $3, now() + interval '1 day', now())`,
    [ws.tenantId, sessionTokenHash(token), customerId]);
  const res = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/history`, headers: { cookie: `vafa_member=${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { cause: string; note: string | null; points: number }[];
}

/** The workspace's due work (what the hourly job does), at an instant of the test's choosing. */
const runDueWork = (ws: TestWorkspace, now: Date) => t.database.db.transaction((tx) => settleDue(tx, { tenantId: ws.tenantId, source: 'system:due-work', now }));

/** A member who owes `debt`: an order's points spent, then the order returned. */
async function memberInDebt(ws: TestWorkspace, programId: string, points: number, spend: number) {
  const customer = await createCustomer(t, ws);
  const placed = await order(ws, programId, customer.id, points * 1_000);
  expect((await redeem(ws, customer.id, spend)).status).toBe(201);
  return { customer, placed };
}

describe('owed points are repaid by points that become available', () => {
  it('pending points repay the debt when they unlock, once however often the due work runs', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const { customer, placed } = await memberInDebt(ws, programId, 500, 450);
    // Earned before the debt, still pending when the order comes back.
    await earn(ws, customer.id, 300, new Date(Date.now() + DAY));
    const ret = await returnOrder(ws, placed.externalId);
    expect(ret).toMatchObject({ points: 500, fromAvailable: 50, owed: 450 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 300 });

    const run = await runDueWork(ws, new Date(Date.now() + 2 * DAY));
    expect(run).toMatchObject({ unlockedLots: 1, unlockedPoints: 300 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 0 });
    expect(await owed(ws, customer.id)).toEqual({ customerId: customer.id, owed: 150, net: -150 });
    const [repaid] = await repayments(ws, customer.id);
    expect(repaid).toMatchObject({ kind: 'adjust', points: { available: -300, pending: 0 } });
    const entry = (await call(ws, 'GET', `/api/loyalty/entries/${repaid!.id}`)).body;
    expect(entry.postings).toEqual(expect.arrayContaining([
      { account: 'available', customerId: customer.id, unit: 'points', amount: -300 }, { account: 'owed', customerId: customer.id, unit: 'points', amount: 300 },
    ]));
    expect(entry.draws.map((d: { points: number }) => d.points)).toEqual([300]);
    // The member sees it as a repayment, in words of their language, not as a code.
    expect((await portalHistory(ws, customer.id)).find((i) => i.cause === 'owed_repaid')).toEqual(expect.objectContaining({ note: null, points: -300 }));

    // The job again (and again, at once): nothing is due, nothing is repaid twice.
    expect(await runDueWork(ws, new Date(Date.now() + 2 * DAY))).toMatchObject({ unlockedLots: 0 });
    await Promise.all([runDueWork(ws, new Date(Date.now() + 3 * DAY)), runDueWork(ws, new Date(Date.now() + 3 * DAY))]);
    expect(await repayments(ws, customer.id)).toHaveLength(1);
    expect(await owed(ws, customer.id)).toMatchObject({ owed: 150 });

    // Points earned while owing repay the rest (pending: from the new lot at once), and what is left
    // unlocks to the member's own balance.
    await earn(ws, customer.id, 200, new Date(Date.now() + DAY));
    expect(await owed(ws, customer.id)).toMatchObject({ owed: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 50 });
    await runDueWork(ws, new Date(Date.now() + 2 * DAY));
    expect(await balance(ws, customer.id)).toMatchObject({ available: 50, pending: 0 });
    expect((await repayments(ws, customer.id)).map((e) => e.points.available + e.points.pending)).toEqual([-150, -300]);
    expect(await owed(ws, customer.id)).toEqual({ customerId: customer.id, owed: 0, net: 50 });
  });

  it('a released checkout hold repays the debt first, and so does a refunded capture', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const customer = await createCustomer(t, ws);
    const placed = await order(ws, programId, customer.id, 500_000);
    const held = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 200, externalId: ext('checkout') });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const captured = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 100, externalId: ext('checkout') });
    expect((await call(ws, 'POST', `/api/loyalty/holds/${captured.body.id}/capture`, {})).status).toBe(201);
    expect((await redeem(ws, customer.id, 200)).status).toBe(201);
    expect(await returnOrder(ws, placed.externalId)).toMatchObject({ fromAvailable: 0, owed: 500 });

    const released = await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/release`, {});
    expect(released.status, JSON.stringify(released.body)).toBe(201);
    expect(released.body).toMatchObject({ status: 'released' });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });
    expect(await owed(ws, customer.id)).toEqual({ customerId: customer.id, owed: 300, net: -300 });
    // Released again: the same answer, no second repayment.
    expect((await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/release`, {})).status).toBe(200);
    expect((await repayments(ws, customer.id)).map((e) => e.points.available)).toEqual([-200]);

    const refunded = await call(ws, 'POST', `/api/loyalty/holds/${captured.body.id}/refund`, {});
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });
    expect(await owed(ws, customer.id)).toMatchObject({ owed: 200, net: -200 });
    expect((await repayments(ws, customer.id)).map((e) => e.points.available)).toEqual([-100, -200]);
  });
});

describe('a spend counts only the balance net of what is owed', () => {
  it('refuses a redemption or a hold beyond the net balance with insufficient_points, and allows one within it', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const { customer, placed } = await memberInDebt(ws, programId, 500, 100);
    expect((await redeem(ws, customer.id, 400)).status).toBe(201);
    const spend = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items.find((e: HistoryItem) => e.kind === 'redeem' && e.points.available === -100);
    expect(await returnOrder(ws, placed.externalId)).toMatchObject({ fromAvailable: 0, owed: 500 });
    // A redemption reversed while the member owes: its 100 points repay the debt at once (400 owed, a net of −400).
    expect((await call(ws, 'POST', `/api/loyalty/entries/${spend.id}/reversal`, { reason: 'اشتباه صندوق' })).status).toBe(201);
    expect(await owed(ws, customer.id)).toMatchObject({ owed: 400, net: -400 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });

    const refused = await redeem(ws, customer.id, 50);
    expect(refused.status).toBe(409);
    // The detail names the spendable points: the net, not the 100 available.
    expect(refused.body).toMatchObject({ code: 'insufficient_points', detail: expect.stringContaining('0 available, 50 asked') });
    const hold = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 50, externalId: ext('checkout') });
    expect(hold.status).toBe(409);
    expect(hold.body).toMatchObject({ code: 'insufficient_points', detail: expect.stringContaining('0 available, 50 asked') });
    // A refusal writes nothing.
    expect((await repayments(ws, customer.id)).map((e) => e.points.available)).toEqual([-100]);
    expect(await owed(ws, customer.id)).toMatchObject({ owed: 400, net: -400 });

    // 450 earned: 400 repays from the new lot, leaving nothing owed and 50 available, a net of 50.
    await earn(ws, customer.id, 450);
    expect(await owed(ws, customer.id)).toMatchObject({ owed: 0, net: 50 });
    const over = await redeem(ws, customer.id, 60);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'insufficient_points', detail: expect.stringContaining('50 available, 60 asked') });
    const within = await redeem(ws, customer.id, 50);
    expect(within.status, JSON.stringify(within.body)).toBe(201);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });
    expect(await owed(ws, customer.id)).toEqual({ customerId: customer.id, owed: 0, net: 0 });
    // The debt was repaid by the reversal and then by the earn, each in its own entry.
    const repaid = await repayments(ws, customer.id);
    expect(repaid.map((e) => e.points.available)).toEqual([-400, -100]);
  });
});

describe('points given back repay what is owed at once', () => {
  it('a reversed redemption repays the debt in the same request, keyed by the reversal, and the member sees it', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const { customer, placed } = await memberInDebt(ws, programId, 500, 300);
    const spend = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items.find((e: HistoryItem) => e.kind === 'redeem');
    // 200 left are taken back by the return, 300 are owed.
    expect(await returnOrder(ws, placed.externalId)).toMatchObject({ fromAvailable: 200, owed: 300 });
    const reversed = await call(ws, 'POST', `/api/loyalty/entries/${spend.id}/reversal`, { reason: 'اشتباه صندوق' });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    // The reversal itself gives the 300 back; its repayment takes them for the debt, before any spend.
    expect(reversed.body.points).toMatchObject({ available: 300 });
    expect(await owed(ws, customer.id)).toEqual({ customerId: customer.id, owed: 0, net: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });
    const [repaid] = await repayments(ws, customer.id);
    expect(repaid).toMatchObject({ kind: 'adjust', points: { available: -300, pending: 0 } });
    const entry = (await call(ws, 'GET', `/api/loyalty/entries/${repaid!.id}`)).body;
    expect(entry.postings).toEqual(expect.arrayContaining([
      { account: 'available', customerId: customer.id, unit: 'points', amount: -300 }, { account: 'owed', customerId: customer.id, unit: 'points', amount: 300 },
    ]));
    const stored = await t.database.pool.query(`SELECT idempotency_key FROM loyalty_entries WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, repaid!.id]);
    expect(stored.rows[0].idempotency_key).toBe(`repay:reversal:${reversed.body.id}`);
    expect((await portalHistory(ws, customer.id)).filter((i) => i.cause === 'owed_repaid')).toEqual([expect.objectContaining({ points: -300, note: null })]);
    // A second reversal is refused and repays nothing more.
    expect((await call(ws, 'POST', `/api/loyalty/entries/${spend.id}/reversal`, { reason: 'دوباره' })).body.code).toBe('entry_already_reversed');
    expect(await repayments(ws, customer.id)).toHaveLength(1);
  });

  it('a reversed redemption of a member who owes nothing repays nothing', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const customer = await createCustomer(t, ws);
    await order(ws, programId, customer.id, 100_000);
    const spent = await redeem(ws, customer.id, 40);
    expect((await call(ws, 'POST', `/api/loyalty/entries/${spent.body.id}/reversal`, { reason: 'اشتباه' })).status).toBe(201);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 100 });
    expect(await repayments(ws, customer.id)).toEqual([]);
  });

  it('a cancelled coupon redemption repays the debt at once, more than it owes left available', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const customer = await createCustomer(t, ws);
    const placed = await order(ws, programId, customer.id, 500_000);
    const reward = await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: 'کد تخفیف', en: 'Discount' }, pointsCost: 400 });
    expect(reward.status, JSON.stringify(reward.body)).toBe(201);
    expect((await call(ws, 'POST', `/api/loyalty/rewards/${reward.body.id}/codes/generate`, { count: 2 })).body.added).toBe(2);
    const coupon = await call(ws, 'POST', `/api/loyalty/rewards/${reward.body.id}/coupon-redemptions`, { customerId: customer.id, externalId: ext('coupon') });
    expect(coupon.status, JSON.stringify(coupon.body)).toBe(201);
    // 100 left are taken back by the return; 400 owed. Then 150 earned repay 150: 250 owed.
    expect(await returnOrder(ws, placed.externalId)).toMatchObject({ fromAvailable: 100, owed: 400 });
    await earn(ws, customer.id, 150);
    expect(await owed(ws, customer.id)).toMatchObject({ owed: 250, net: -250 });

    const cancelled = await call(ws, 'POST', `/api/loyalty/coupon-redemptions/${coupon.body.id}/cancellation`, { reason: 'سفارش لغو شد' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);
    // 400 back: 250 repay the debt at once, 150 are the member's.
    expect(await owed(ws, customer.id)).toEqual({ customerId: customer.id, owed: 0, net: 150 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 150 });
    const repaid = await repayments(ws, customer.id);
    expect(repaid.map((e) => e.points.available)).toEqual([-250, -150]);
    const stored = await t.database.pool.query(`SELECT idempotency_key FROM loyalty_entries WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, repaid[0]!.id]);
    expect(stored.rows[0].idempotency_key).toBe(`repay:cancel:${cancelled.body.cancelEntryId}`);
    // Cancelled again: the same answer, no second repayment.
    expect((await call(ws, 'POST', `/api/loyalty/coupon-redemptions/${coupon.body.id}/cancellation`, { reason: 'سفارش لغو شد' })).status).toBe(200);
    expect(await repayments(ws, customer.id)).toHaveLength(2);
  });
});
