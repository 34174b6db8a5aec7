import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { awardEvent } from './earning.service.ts';
import { programForEarning } from './program.service.ts';

// One program using everything at once, end to end with the relay and the subscribers: tiers with
// a multiplier, a challenge (games), a referral, and the member's automatic charity share. One
// order of the friend earns at the tier's multiplier, counts for the challenge, gives the charity
// its share and qualifies the referral; every figure is computed by hand below.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 120_000);
afterAll(() => t?.close());

let serial = 0;
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) =>
  callApi(t, ws, method, url, payload, method === 'GET' ? options : { ...options, headers: { 'idempotency-key': `hybrid-${++serial}`, ...options.headers } });

async function created(ws: TestWorkspace, method: Method, url: string, payload: unknown) {
  const res = await call(ws, method, url, payload);
  expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  return res.body;
}

/** Every event of the workspace relayed, and every loyalty subscriber job of it done. */
async function delivered(ws: TestWorkspace): Promise<void> {
  await eventually(async () => {
    const { rows: [left] } = await t.database.pool.query(`
      SELECT (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id))
           + (SELECT count(*) FROM pgboss.job WHERE name LIKE 'on.loyalty.%' AND data->>'tenantId' = $1::text
                AND state NOT IN ('completed', 'failed', 'cancelled')) AS n`, [ws.tenantId]);
    return Number(left.n) === 0;
  }, 'the events delivered and handled', 60_000);
}

const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;

describe('a hybrid program', () => {
  it('one order at the tier multiplier counts for the challenge, pays the charity share and qualifies the referral; the ledger balances', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    // 1 point per 10,000 rounded down, spendable at once, never expiring; a referral paying both sides.
    const program = await created(ws, 'POST', '/api/loyalty/programs', {
      name: 'باشگاه همه‌چیز',
      settings: {
        spend: { points: 1, per: 10_000, rounding: 'floor' }, pendingDays: 0, expiry: { kind: 'never' },
        referral: { reward: 'both', referrerPoints: 100, friendPoints: 40, minOrderAmount: 100_000 },
      },
    });
    await created(ws, 'PUT', `/api/loyalty/programs/${program.id}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'none', graceDays: 0 });
    const silver = await created(ws, 'POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 50, multiplierPercent: 150 });
    const challenge = await created(ws, 'POST', `/api/loyalty/programs/${program.id}/challenges`, {
      name: { fa: 'اولین خرید', ar: 'أول شراء', en: 'First purchase' }, kind: 'count', topic: 'purchase', target: 1, window: { kind: 'rolling', days: 30 }, rewardPoints: 25,
    });
    const charity = await created(ws, 'POST', '/api/loyalty/charities', { name: { fa: 'محک' }, ratePoints: 1, rateMinor: 1_000 });

    const referrer = await createCustomer(t, ws);
    const friend = await createCustomer(t, ws);
    const { code } = await created(ws, 'POST', `/api/loyalty/members/${referrer.id}/referral-code`, undefined);
    await created(ws, 'POST', '/api/loyalty/referrals', { friendId: friend.id, code });
    await created(ws, 'PUT', `/api/loyalty/members/${friend.id}/charity-share`, { charityId: charity.id, percent: 10 });

    // Before any order, 50 points of a program event (a sign-up) lift the friend to Silver (threshold 50).
    const awarded = await t.database.db.transaction(async (tx) => awardEvent(tx, { tenantId: ws.tenantId, source: 'system:test', now: new Date() },
      await programForEarning(tx, ws.tenantId, program.id), { topic: 'signup', key: `signup:${friend.id}`, customerId: friend.id, points: 50 }));
    expect(awarded).toBe(true);
    await delivered(ws);
    expect((await call(ws, 'GET', `/api/loyalty/programs/${program.id}/members/${friend.id}/tier`)).body).toMatchObject({ tier: { id: silver.id, multiplierPercent: 150 } });

    // The order: 1,230,000 minor units → 123 points at ×1; at Silver ×1.5, rounded once:
    // 1,230,000 × 150 / (10,000 × 100) = 184.5 → 184.
    const order = await call(ws, 'POST', '/api/loyalty/orders', { externalId: 'HYB-1', customerId: friend.id, programId: program.id, lines: [{ id: '1', amount: 1_230_000 }] });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(order.body).toMatchObject({ points: 184, pendingUntil: null });
    await delivered(ws);

    // The charity's share of the purchase's points: 10 % of 184 = 18.4 → 18 (not of the event,
    // the challenge's or the referral's points: they are not a purchase).
    await eventually(async () => (await call(ws, 'GET', '/api/loyalty/donations')).body.items.length === 1, 'the charity share', 60_000);
    await delivered(ws);
    const donations = (await call(ws, 'GET', '/api/loyalty/donations')).body.items;
    expect(donations).toEqual([expect.objectContaining({ customerId: friend.id, charityId: charity.id, points: 18, receiptNumber: 'D-000001' })]);
    // The challenge: one purchase of a target of one, completed once (its count starts again), 25 points.
    const games = (await call(ws, 'GET', `/api/loyalty/members/${friend.id}/games`)).body;
    expect(games.challenges.find((c: { challengeId: string }) => c.challengeId === challenge.id)).toMatchObject({ target: 1, completions: 1 });
    const { rows: awards } = await t.database.pool.query(
      `SELECT points FROM loyalty_awards WHERE tenant_id = $1 AND customer_id = $2 AND source_key LIKE 'event:challenge.completed:%'`, [ws.tenantId, friend.id]);
    expect(awards).toEqual([{ points: 25 }]);
    // The referral: the friend's first order (1,230,000 ≥ 100,000) qualifies it, paying both sides.
    const referral = (await call(ws, 'GET', `/api/loyalty/referrals?customerId=${friend.id}`)).body.items[0];
    expect(referral).toMatchObject({ state: 'qualified', referrerPoints: 100, friendPoints: 40 });

    // The friend: 50 (sign-up) + 184 (order) − 18 (charity) + 25 (challenge) + 40 (referral) = 281;
    // the referrer 100. Issued 50 + 184 + 25 + 40 + 100 = 399; charity_payable 18.
    expect(await balance(ws, friend.id)).toMatchObject({ available: 281, pending: 0 });
    expect(await balance(ws, referrer.id)).toMatchObject({ available: 100, pending: 0 });
    await expectLedgerBalanced(t, ws.tenantId);
    const verify = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(verify).toMatchObject({
      ok: true, driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0, held: 0, charity: 0, partners: 0 },
      systemBalances: { issuance: -399, charity_payable: 18, redemptions: 0 },
    });
  });
});
