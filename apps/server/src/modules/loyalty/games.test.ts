import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { publishEvents } from '../../platform/events/outbox.ts';

// Challenges, streaks and badges end to end: events published in the outbox, relayed to the games
// subscriber, progress and rewards read over HTTP. The events carry the instant they happened
// (`occurredAt`), which is the test's clock for windows; the member's progress is read `at` it.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 120_000);
afterAll(() => t?.close());


const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

const name = (fa: string, en: string) => ({ fa, ar: fa, en });

async function program(ws: TestWorkspace) {
  const res = await call(ws, 'POST', '/api/loyalty/programs', {
    name: 'باشگاه بازی', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' }, pendingDays: 0, expiry: { kind: 'rolling', days: 365 } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function badge(ws: TestWorkspace, programId: string, icon = 'star') {
  const res = await call(ws, 'POST', `/api/loyalty/programs/${programId}/badges`, { name: { fa: 'قهرمان قهوه', ar: 'بطل القهوة', en: 'Coffee champion' }, icon });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function challenge(ws: TestWorkspace, programId: string, body: Record<string, unknown>) {
  const res = await call(ws, 'POST', `/api/loyalty/programs/${programId}/challenges`, { name: name('چالش', 'Challenge'), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Every event of the workspace relayed and every games job of it done. */
async function delivered(ws: TestWorkspace): Promise<void> {
  await eventually(async () => {
    const { rows: [left] } = await t.database.pool.query(`
      SELECT (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id))
           + (SELECT count(*) FROM pgboss.job WHERE name LIKE 'on.loyalty.%' AND data->>'tenantId' = $1::text
                AND state NOT IN ('completed', 'failed', 'cancelled')) AS n`, [ws.tenantId]);
    return Number(left.n) === 0;
  }, 'the events delivered and handled');
}

async function publish(ws: TestWorkspace, events: { topic: string; payload: Record<string, unknown> }[]) {
  await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, events));
  await delivered(ws);
}

const orderPlaced = (customerId: string, orderId: string, occurredAt: string, amountMinor = 1_000_000) => ({
  topic: 'order.placed', payload: { orderId, customerId, occurredAt, amountMinor, currency: 'IRR', status: 'placed' },
});

const games = async (ws: TestWorkspace, customerId: string, at?: string) => {
  const res = await call(ws, 'GET', `/api/loyalty/members/${customerId}/games${at ? `?at=${encodeURIComponent(at)}` : ''}`, undefined, { role: 'analyst' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

async function challengeAwards(ws: TestWorkspace, customerId: string): Promise<{ source_key: string; points: number }[]> {
  const { rows } = await t.database.pool.query(
    `SELECT source_key, points FROM loyalty_awards WHERE tenant_id = $1 AND customer_id = $2 AND source_key LIKE 'event:challenge.completed:%' ORDER BY source_key`,
    [ws.tenantId, customerId]);
  return rows;
}

async function verifyClean(ws: TestWorkspace) {
  await expectLedgerBalanced(t, ws.tenantId);
  const verify = await call(ws, 'GET', '/api/loyalty/verify', undefined, { role: 'owner' });
  expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);
}

describe('challenges', () => {
  it('counts purchases passing the filter once each, rewards once per month, and a badge once whoever gives it', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const p = await program(ws);
    const b = await badge(ws, p.id, 'trophy');
    const coffee = await challenge(ws, p.id, {
      kind: 'count', topic: 'purchase', filter: { minAmountMinor: 100_000, category: 'coffee' }, target: 2, window: { kind: 'calendar', period: 'month' },
      rewardPoints: 40, badgeId: b.id,
    });
    // a second game giving the same badge: the member still holds it once
    await challenge(ws, p.id, { kind: 'count', topic: 'purchase', target: 1, window: { kind: 'rolling', days: 30 }, badgeId: b.id });
    const customer = await createCustomer(t, ws);
    const buy = async (id: string, lines: Record<string, unknown>[]) => {
      const res = await call(ws, 'POST', '/api/loyalty/orders', { externalId: id, customerId: customer.id, lines }, { role: 'agent' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };

    await buy('G-1', [{ id: '1', category: 'coffee', amount: 150_000 }]);
    // the coffee lines come to less than the minimum (the tea line does not count), and no coffee at all
    await buy('G-2', [{ id: '1', category: 'coffee', amount: 50_000 }, { id: '2', category: 'tea', amount: 500_000 }]);
    await buy('G-3', [{ id: '1', category: 'tea', amount: 900_000 }]);
    await delivered(ws);
    let view = await games(ws, customer.id);
    const progress = () => view.challenges.find((c: { challengeId: string }) => c.challengeId === coffee.id);
    expect(progress()).toMatchObject({ count: 1, target: 2, completedThisPeriod: false, completions: 0 });

    // G-1's event delivered again (a new outbox row with the same payload): counted once
    const { rows: [earned] } = await t.database.pool.query(
      `SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'loyalty.points_earned' AND payload->>'externalId' = 'G-1'`, [ws.tenantId]);
    await publish(ws, [{ topic: 'loyalty.points_earned', payload: earned.payload }]);
    view = await games(ws, customer.id);
    expect(progress()).toMatchObject({ count: 1, completions: 0 });
    expect(await challengeAwards(ws, customer.id)).toEqual([]);

    await buy('G-4', [{ id: '1', category: 'coffee', amount: 100_000 }]);
    await buy('G-5', [{ id: '1', category: 'coffee', amount: 300_000 }]);
    await delivered(ws);
    view = await games(ws, customer.id);
    expect(progress()).toMatchObject({ count: 3, completedThisPeriod: true, completions: 1 });
    expect(view.challenges.find((c: { challengeId: string }) => c.challengeId === coffee.id).windowEndsAt).not.toBeNull();
    const awards = await challengeAwards(ws, customer.id);
    expect(awards).toHaveLength(1);
    expect(awards[0]).toMatchObject({ points: 40 });
    expect(awards[0]!.source_key).toMatch(new RegExp(`^event:challenge\\.completed:${coffee.id}:${customer.id}:m:\\d{4}-\\d{2}$`));
    expect(view.badges).toEqual([{ badgeId: b.id, name: { fa: 'قهرمان قهوه', ar: 'بطل القهوة', en: 'Coffee champion' }, icon: 'trophy', awardedAt: expect.any(String) }]);
    const { rows: held } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_member_badges WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, customer.id]);
    expect(held[0].n).toBe(1);
    // the points are the member's: the orders' own (1 per 10,000) and the challenge's 40
    const balance = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body;
    expect(balance.available + balance.pending).toBe(15 + 55 + 90 + 10 + 30 + 40);
    await verifyClean(ws);
  });

  it('a calendar month ends at midnight in Tehran, a rolling window excludes the instant N days back, and progress reads at the test\'s instant', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const p = await program(ws);
    const monthly = await challenge(ws, p.id, { kind: 'count', topic: 'order.placed', filter: { minAmountMinor: 500_000 }, target: 2, window: { kind: 'calendar', period: 'month' }, rewardPoints: 25 });
    const weekly = await challenge(ws, p.id, { kind: 'count', topic: 'order.placed', target: 2, window: { kind: 'rolling', days: 7 }, rewardPoints: 10 });
    const customer = await createCustomer(t, ws);

    // 30 Esfand 1403, 23:59 in Tehran (UTC+03:30), then 1 Farvardin 1404 at 00:00:30: two Solar Hijri months (one UTC day)
    await publish(ws, [
      orderPlaced(customer.id, 'o-1', '2025-03-20T20:29:00Z'),
      orderPlaced(customer.id, 'o-2', '2025-03-20T20:30:30Z'),
      orderPlaced(customer.id, 'o-small', '2025-03-21T08:00:00Z', 100_000),
    ]);
    let view = await games(ws, customer.id, '2025-03-21T09:00:00Z');
    const monthlyView = () => view.challenges.find((c: { challengeId: string }) => c.challengeId === monthly.id);
    const weeklyView = () => view.challenges.find((c: { challengeId: string }) => c.challengeId === weekly.id);
    expect(monthlyView()).toMatchObject({ count: 1, completions: 0, windowEndsAt: '2025-04-20T20:30:00.000Z' });
    // the rolling window of 7 days holds both orders (the small one counts: this game has no minimum): o-2 completed it
    expect(weeklyView()).toMatchObject({ completions: 1 });

    await publish(ws, [orderPlaced(customer.id, 'o-3', '2025-03-25T10:00:00Z')]);
    view = await games(ws, customer.id, '2025-03-25T11:00:00Z');
    expect(monthlyView()).toMatchObject({ count: 2, completedThisPeriod: true, completions: 1 });
    // as of the last day of Esfand the month held one order and no completion
    view = await games(ws, customer.id, '2025-03-20T20:29:30Z');
    expect(monthlyView()).toMatchObject({ count: 1, completedThisPeriod: false });

    // rolling: after the completion at o-2 (which took o-1 and o-2), o-small and o-3 complete it again; then an order exactly 7 days
    // after o-4 does not share o-4's window, one a second inside it does
    await publish(ws, [orderPlaced(customer.id, 'o-4', '2025-04-10T10:00:00Z')]);
    await publish(ws, [orderPlaced(customer.id, 'o-5', '2025-04-17T10:00:00Z')]);
    const before = (await challengeAwards(ws, customer.id)).filter((a) => a.source_key.includes(weekly.id));
    await publish(ws, [orderPlaced(customer.id, 'o-6', '2025-04-24T09:59:59Z')]);
    const after = (await challengeAwards(ws, customer.id)).filter((a) => a.source_key.includes(weekly.id));
    expect(before.map((a) => a.source_key.split(':').pop())).toEqual(['1', '2']);
    expect(after.map((a) => a.source_key.split(':').pop())).toEqual(['1', '2', '3']);
    expect((await challengeAwards(ws, customer.id)).filter((a) => a.source_key.includes(monthly.id)).map((a) => a.source_key.split(':').slice(-2).join(':')))
      .toEqual(['m:1404-01']);
    await verifyClean(ws);
  });

  it('an event delivered twice at once counts once', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const p = await program(ws);
    const c = await challenge(ws, p.id, { kind: 'count', topic: 'response.submitted', target: 2, window: { kind: 'rolling', days: 30 }, rewardPoints: 5 });
    const customer = await createCustomer(t, ws);
    const answer = { topic: 'response.submitted', payload: { customerId: customer.id, surveyId: '00000000-0000-4000-8000-000000000001', responseId: 'r-1' } };
    await publish(ws, [answer, answer, answer]);
    const view = await games(ws, customer.id);
    expect(view.challenges.find((x: { challengeId: string }) => x.challengeId === c.id)).toMatchObject({ count: 1, completions: 0 });
    expect(await challengeAwards(ws, customer.id)).toEqual([]);
    await verifyClean(ws);
  });
});

describe('streaks', () => {
  it('counts Tehran weeks (Saturday to Friday): Friday 23:30 and Saturday 00:30 are two weeks though one UTC day', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const p = await program(ws);
    const b = await badge(ws, p.id, 'fire');
    const streak = await challenge(ws, p.id, { kind: 'streak', topic: 'order.placed', target: 2, window: { kind: 'calendar', period: 'week' }, rewardPoints: 30, badgeId: b.id });
    const customer = await createCustomer(t, ws);
    // Friday 2025-06-06 23:30 Tehran = 20:00Z; Saturday 2025-06-07 00:30 Tehran = 21:00Z
    await publish(ws, [orderPlaced(customer.id, 's-1', '2025-06-06T20:00:00Z')]);
    let view = await games(ws, customer.id, '2025-06-06T20:10:00Z');
    expect(view.streaks[0]).toMatchObject({ challengeId: streak.id, current: 1, longest: 1, thisPeriodDone: true });
    await publish(ws, [orderPlaced(customer.id, 's-2', '2025-06-06T21:00:00Z')]);
    view = await games(ws, customer.id, '2025-06-06T21:10:00Z');
    expect(view.streaks[0]).toMatchObject({ current: 2, longest: 2, thisPeriodDone: true });
    expect(view.badges.map((x: { badgeId: string }) => x.badgeId)).toEqual([b.id]);
    expect((await challengeAwards(ws, customer.id)).map((a) => a.points)).toEqual([30]);

    // the next week passes without an order: read a week later the streak is still alive (this week not done), two weeks later it is over
    view = await games(ws, customer.id, '2025-06-15T12:00:00Z');
    expect(view.streaks[0]).toMatchObject({ current: 2, longest: 2, thisPeriodDone: false });
    view = await games(ws, customer.id, '2025-06-22T12:00:00Z');
    expect(view.streaks[0]).toMatchObject({ current: 0, longest: 2 });
    // a new run: one week, then the next: a second reward for the new run, the badge still held once
    await publish(ws, [orderPlaced(customer.id, 's-3', '2025-06-22T12:00:00Z'), orderPlaced(customer.id, 's-4', '2025-06-28T12:00:00Z')]);
    view = await games(ws, customer.id, '2025-06-28T13:00:00Z');
    expect(view.streaks[0]).toMatchObject({ current: 2, longest: 2 });
    expect((await challengeAwards(ws, customer.id)).map((a) => a.points)).toEqual([30, 30]);
    expect(view.badges).toHaveLength(1);
    await verifyClean(ws);
  });

  it('a late event joining two runs does not reward the joined run twice', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const p = await program(ws);
    await challenge(ws, p.id, { kind: 'streak', topic: 'order.placed', target: 2, window: { kind: 'calendar', period: 'week' }, rewardPoints: 20 });
    const customer = await createCustomer(t, ws);
    // Tehran weeks starting Saturday 2025-05-03, 05-10, 05-17, 05-24: weeks 3 and 4 (rewarded), then week 1, then week 2 arrives late
    await publish(ws, [orderPlaced(customer.id, 'l-3', '2025-05-18T08:00:00Z'), orderPlaced(customer.id, 'l-4', '2025-05-25T08:00:00Z')]);
    await publish(ws, [orderPlaced(customer.id, 'l-1', '2025-05-04T08:00:00Z')]);
    expect((await challengeAwards(ws, customer.id)).map((a) => a.points)).toEqual([20]);
    await publish(ws, [orderPlaced(customer.id, 'l-2', '2025-05-11T08:00:00Z')]);
    const view = await games(ws, customer.id, '2025-05-25T09:00:00Z');
    expect(view.streaks[0]).toMatchObject({ current: 4, longest: 4 });
    expect((await challengeAwards(ws, customer.id)).map((a) => a.points)).toEqual([20]);
    await verifyClean(ws);
  });
});

describe('refusals and isolation', () => {
  it('refuses garbage, a filter of another topic, no reward and a badge of another program, in the reader\'s language, writing nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const p = await program(ws);
    const other = await program(ws);
    const foreign = await badge(ws, other.id);
    const base = { kind: 'count', name: name('چالش', 'Challenge'), topic: 'order.placed', target: 2, window: { kind: 'rolling', days: 7 }, rewardPoints: 10 };
    const url = `/api/loyalty/programs/${p.id}/challenges`;
    const cases: [unknown, number, string, string?][] = [
      [{ ...base, filter: { category: 'coffee' } }, 422, 'invalid_field', 'game_filter_not_for_topic'],
      [{ ...base, rewardPoints: 0 }, 422, 'invalid_field', 'game_reward_required'],
      [{ ...base, badgeId: foreign.id }, 422, 'invalid_field', 'game_badge_unknown'],
      [{ ...base, target: 0 }, 400, 'validation_failed'],
      [{ ...base, topic: 'anything' }, 400, 'validation_failed'],
      [{ ...base, window: { kind: 'calendar', period: 'decade' } }, 400, 'validation_failed'],
      [{ ...base, kind: 'streak', window: { kind: 'rolling', days: 3 } }, 400, 'validation_failed'],
      [{ ...base, extra: 1 }, 400, 'validation_failed'],
      [[1, 2], 400, 'validation_failed'],
    ];
    for (const [body, status, code, field] of cases) {
      for (const language of ['fa', 'ar', 'en']) {
        const res = await call(ws, 'POST', url, body, { headers: { 'accept-language': language } });
        expect(res.status, JSON.stringify(res.body)).toBe(status);
        expect(res.type).toContain('application/problem+json');
        if (status === 422) {
          expect(res.body.errors?.[0]?.code ?? res.body.code, JSON.stringify(res.body)).toBe(field);
          if (language !== 'en') expect(res.body.detail).not.toMatch(/[A-Za-z]{4,}/);
        } else expect(res.body.code === code || res.body.code === 'invalid_json' || res.body.code === 'invalid_body', JSON.stringify(res.body)).toBe(true);
      }
    }
    const badBadge = await call(ws, 'POST', `/api/loyalty/programs/${p.id}/badges`, { name: name('x', 'x'), icon: 'Not An Icon' });
    expect(badBadge.status).toBe(400);
    expect((await call(ws, 'GET', url)).body.items).toEqual([]);
    // an analyst reads but does not write
    expect((await call(ws, 'POST', url, base, { role: 'analyst' })).status).toBe(403);
  });

  it('keeps one workspace\'s games, badges and members from another', async () => {
    const a = await t.createWorkspace({ country: 'IR' });
    const b = await t.createWorkspace({ country: 'SA' });
    const p = await program(a);
    const bad = await badge(a, p.id);
    const c = await challenge(a, p.id, { kind: 'count', topic: 'order.placed', target: 1, window: { kind: 'rolling', days: 7 }, badgeId: bad.id });
    const customer = await createCustomer(t, a);
    expect((await call(b, 'GET', `/api/loyalty/programs/${p.id}/challenges`)).status).toBe(404);
    expect((await call(b, 'GET', `/api/loyalty/programs/${p.id}/badges`)).status).toBe(404);
    expect((await call(b, 'PATCH', `/api/loyalty/programs/${p.id}/challenges/${c.id}`, { active: false })).status).toBe(404);
    expect((await call(b, 'POST', `/api/loyalty/programs/${p.id}/challenges`, { kind: 'count', name: name('x', 'x'), topic: 'order.placed', target: 1, window: { kind: 'rolling', days: 7 }, rewardPoints: 1 })).status).toBe(404);
    expect((await call(b, 'GET', `/api/loyalty/members/${customer.id}/games`)).status).toBe(404);
    // an event in workspace b naming a's customer counts nowhere
    await publish(b, [orderPlaced(customer.id, 'x-1', new Date().toISOString())]);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_game_events WHERE customer_id = $1`, [customer.id]);
    expect(rows[0].n).toBe(0);
    // while in a it does
    await publish(a, [orderPlaced(customer.id, 'x-1', new Date().toISOString())]);
    expect((await games(a, customer.id)).badges).toHaveLength(1);
    // paused: counts nothing more
    expect((await call(a, 'PATCH', `/api/loyalty/programs/${p.id}/challenges/${c.id}`, { active: false })).body.active).toBe(false);
    await publish(a, [orderPlaced(customer.id, 'x-2', new Date().toISOString())]);
    const { rows: counted } = await t.database.pool.query(`SELECT event_key FROM loyalty_game_events WHERE tenant_id = $1 AND customer_id = $2`, [a.tenantId, customer.id]);
    expect(counted.map((r) => r.event_key)).toEqual(['order.placed:x-1']);
    await verifyClean(a);
  });
});
