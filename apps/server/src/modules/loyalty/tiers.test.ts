import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { toIsoDate } from '../../platform/i18n/calendar.ts';
import { earnOrder, returnOrder } from './earning.service.ts';
import { getMemberTier, reevaluateTiers } from './tiers.service.ts';

// Tiers on hand-computed scenarios with the clock the test chooses: orders are earned through the
// earning service at chosen instants (the routes use the wall clock), the re-evaluation is the
// job's own function at chosen instants. The workspace is in Asia/Tehran (UTC+03:30, no DST).

let t: TestApp;

beforeAll(async () => {
  // Room for the 20 concurrent orders below to hold a connection each: the race is real.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t);

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const names = (fa: string, ar: string, en: string) => ({ fa, ar, en });
const BRONZE = names('برنزی', 'برونزي', 'Bronze');
const SILVER = names('نقره‌ای', 'فضي', 'Silver');
const GOLD = names('طلایی', 'ذهبي', 'Gold');
const PLATINUM = names('پلاتینی', 'بلاتيني', 'Platinum');

/** A program of 1 point per 1,000 minor units (rounded down), nothing pending, points never expire; with its tiers and settings. */
async function programWithTiers(ws: TestWorkspace, settings: Record<string, unknown>, tiers: [typeof BRONZE, number, number][]) {
  const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' } } });
  expect(program.status, JSON.stringify(program.body)).toBe(201);
  const put = await call(ws, 'PUT', `/api/loyalty/programs/${program.body.id}/tier-settings`, settings);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const ids: string[] = [];
  for (const [name, threshold, multiplierPercent] of tiers) {
    const res = await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/tiers`, { name, threshold, multiplierPercent });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id);
  }
  return { programId: program.body.id as string, tierIds: ids };
}

let serial = 0;
/** An order of `amount` minor units earned at `now`. */
async function orderAt(ws: TestWorkspace, programId: string, customerId: string, amount: number, now: Date, externalId = `T-${++serial}`) {
  return t.database.db.transaction((tx) => earnOrder(tx, { tenantId: ws.tenantId, source: 'system:test', now }, { externalId, customerId, programId, lines: [{ id: '1', amount }] }));
}

const reevaluateAt = (ws: TestWorkspace, programId: string, now: Date) =>
  t.database.db.transaction((tx) => reevaluateTiers(tx, { tenantId: ws.tenantId, source: 'system:test', now }, programId));
const tierAt = (ws: TestWorkspace, programId: string, customerId: string, now: Date) => getMemberTier(t.database.db, ws.tenantId, programId, customerId, now);

async function changesOf(ws: TestWorkspace, customerId: string) {
  const { rows } = await t.database.pool.query(
    `SELECT from_tier_id, to_tier_id, reason, value FROM loyalty_tier_changes WHERE tenant_id = $1 AND customer_id = $2 ORDER BY id`, [ws.tenantId, customerId]);
  return rows.map((r) => ({ from: r.from_tier_id, to: r.to_tier_id, reason: r.reason, value: Number(r.value) }));
}

async function tierEvents(ws: TestWorkspace, customerId: string) {
  const { rows } = await t.database.pool.query(
    `SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'loyalty.tier_changed' AND payload->>'customerId' = $2 ORDER BY id`, [ws.tenantId, customerId]);
  return rows.map((r) => r.payload);
}

/** A local Tehran wall-clock instant (UTC+03:30). */
const tehran = (isoDay: string, hh: number, mm = 0) => new Date(Date.parse(`${isoDay}T00:00:00Z`) + (hh * 60 + mm - 210) * 60_000);

describe('tier upgrades', () => {
  it('happen at once when an order crosses a threshold, recorded and published; the tier multiplier earns the next order and its return', async () => {
    const ws = await workspace();
    const { programId, tierIds: [bronze, silver, gold] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'one_step', graceDays: 0 },
      [[BRONZE, 100, 100], [SILVER, 1_000, 110], [GOLD, 5_000, 150]]);
    const customer = await createCustomer(t, ws);
    const t0 = new Date(Date.now() - 10 * DAY);

    // 150,000 → 150 points: bronze (100).
    expect((await orderAt(ws, programId, customer.id, 150_000, t0)).order.points).toBe(150);
    expect((await tierAt(ws, programId, customer.id, t0)).tier?.id).toBe(bronze);
    // 90,000 → 90 more (bronze earns ×1): 240, still bronze.
    await orderAt(ws, programId, customer.id, 90_000, new Date(t0.getTime() + HOUR));
    // 800,000 → 800: 1,040 crosses 1,000, silver at once.
    await orderAt(ws, programId, customer.id, 800_000, new Date(t0.getTime() + 2 * HOUR));
    const after = await tierAt(ws, programId, customer.id, new Date(t0.getTime() + 2 * HOUR));
    expect(after).toMatchObject({ tier: { id: silver, rank: 2, name: SILVER, multiplierPercent: 110 }, value: 1_040, next: { tier: { id: gold }, needed: 3_960 } });
    // At silver an order earns ×1.1, rounded once with the order: 1,005,000 × 110 / 100,000 = 1,105.5 → 1,105 (floor).
    const silverOrder = await orderAt(ws, programId, customer.id, 1_005_000, new Date(t0.getTime() + 3 * HOUR), 'SILVER-1');
    expect(silverOrder.order.points).toBe(1_105);
    // Returning half of it keeps what the rest earned at silver: 502,500 × 1.1 / 1,000 = 552.75 → 552; 553 taken back.
    const returned = await t.database.db.transaction((tx) =>
      returnOrder(tx, { tenantId: ws.tenantId, source: 'system:test', now: new Date(t0.getTime() + 4 * HOUR) }, 'SILVER-1', { returnId: 'R1', lines: [{ id: '1', amount: 502_500 }] }));
    expect(returned.result.points).toBe(553);

    expect(await changesOf(ws, customer.id)).toEqual([
      { from: null, to: bronze, reason: 'upgrade', value: 150 },
      { from: bronze, to: silver, reason: 'upgrade', value: 1_040 },
    ]);
    const events = await tierEvents(ws, customer.id);
    expect(events.map((e) => [e.fromTierId, e.toTierId, e.reason])).toEqual([[null, bronze, 'upgrade'], [bronze, silver, 'upgrade']]);

    // Staff read it over the API (wall clock: t0 is inside the rolling year): 1,040 + 1,105 − 553 = 1,592.
    const read = await call(ws, 'GET', `/api/loyalty/programs/${programId}/members/${customer.id}/tier`, undefined, { role: 'agent' });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ tier: { id: silver }, basis: 'qualifying_points', value: 1_592, next: { needed: 5_000 - 1_592 }, downgrade: null });
    expect(read.body.changes).toHaveLength(2);
  });

  it('20 concurrent orders crossing a threshold upgrade once, and the orders after it earn at the new tier', async () => {
    const ws = await workspace();
    const { programId, tierIds: [, silver] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'rolling', days: 30 }, downgrade: 'one_step' },
      [[BRONZE, 100, 100], [SILVER, 1_000, 110]]);
    const customer = await createCustomer(t, ws);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(ws, 'POST', '/api/loyalty/orders', { externalId: `RACE-${i}`, programId, customerId: customer.id, lines: [{ id: '1', amount: 100_000 }] })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    // Ten orders of 100 reach 1,000 (bronze on the first, silver on the tenth); the other ten earn 110 each.
    expect(answers.map((a) => a.body.points).sort()).toEqual([...Array(10).fill(100), ...Array(10).fill(110)].sort());
    const changes = await changesOf(ws, customer.id);
    expect(changes.filter((c) => c.to === silver)).toHaveLength(1);
    expect(changes).toHaveLength(2);
    expect((await call(ws, 'GET', `/api/loyalty/programs/${programId}/members/${customer.id}/tier`)).body).toMatchObject({ tier: { id: silver }, value: 2_100 });
  });

  it('count orders or spend when the program says so', async () => {
    const ws = await workspace();
    const { programId, tierIds: [regular] } = await programWithTiers(ws,
      { basis: 'orders', window: { kind: 'rolling', days: 30 }, downgrade: 'none' }, [[SILVER, 3, 100]]);
    const customer = await createCustomer(t, ws);
    const t0 = new Date(Date.now() - DAY);
    await orderAt(ws, programId, customer.id, 1_000, t0);
    await orderAt(ws, programId, customer.id, 1_000, t0);
    expect((await tierAt(ws, programId, customer.id, t0)).tier).toBeNull();
    await orderAt(ws, programId, customer.id, 1_000, t0);
    expect((await tierAt(ws, programId, customer.id, t0)).tier?.id).toBe(regular);

    const spending = await programWithTiers(ws, { basis: 'spend', window: { kind: 'rolling', days: 30 }, downgrade: 'none' }, [[GOLD, 2_500_000, 100]]);
    await orderAt(ws, spending.programId, customer.id, 2_000_000, t0);
    const progress = await tierAt(ws, spending.programId, customer.id, t0);
    expect(progress).toMatchObject({ tier: null, basis: 'spend', value: 2_000_000, next: { needed: 500_000 } });
    await orderAt(ws, spending.programId, customer.id, 500_000, t0);
    expect((await tierAt(ws, spending.programId, customer.id, t0)).tier?.id).toBe(spending.tierIds[0]);
  });
});

describe('tier re-evaluation', () => {
  // Day D: 2026-05-10 in Tehran. Rolling 30 days, re-evaluated at each local midnight.
  const D = '2026-05-10';

  it('downgrades one step only after the grace period, once however often it runs', async () => {
    const ws = await workspace();
    const { programId, tierIds: [bronze, silver, gold] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'rolling', days: 30 }, downgrade: 'one_step', graceDays: 7 },
      [[BRONZE, 100, 100], [SILVER, 1_000, 100], [GOLD, 5_000, 100]]);
    const customer = await createCustomer(t, ws);
    await orderAt(ws, programId, customer.id, 5_000_000, tehran(D, 10));
    expect((await tierAt(ws, programId, customer.id, tehran(D, 10))).tier?.id).toBe(gold);

    // Next morning: the 30 days before midnight hold 5,000: gold kept.
    expect(await reevaluateAt(ws, programId, tehran('2026-05-11', 1))).toEqual({ evaluated: 1, scheduled: 0, downgraded: 0 });
    // 2026-06-10 00:00 is 31 days after D's midnight: the 30 days before it hold nothing. One step down, after 7 days' grace.
    const judged = tehran('2026-06-10', 1);
    expect(await reevaluateAt(ws, programId, judged)).toEqual({ evaluated: 1, scheduled: 1, downgraded: 0 });
    expect(await reevaluateAt(ws, programId, judged)).toEqual({ evaluated: 0, scheduled: 0, downgraded: 0 });
    const waiting = await tierAt(ws, programId, customer.id, judged);
    expect(waiting).toMatchObject({ tier: { id: gold }, downgrade: { tier: { id: silver }, at: tehran('2026-06-17', 0).toISOString() } });
    // Still gold during the grace period, whatever runs.
    await reevaluateAt(ws, programId, tehran('2026-06-16', 23, 59));
    expect((await tierAt(ws, programId, customer.id, tehran('2026-06-16', 23, 59))).tier?.id).toBe(gold);
    // The grace is over: silver (one step, not straight to none).
    const applied = await reevaluateAt(ws, programId, tehran('2026-06-17', 0, 30));
    expect(applied.downgraded).toBe(1);
    expect((await tierAt(ws, programId, customer.id, tehran('2026-06-17', 0, 30))).tier?.id).toBe(silver);
    expect((await reevaluateAt(ws, programId, tehran('2026-06-17', 0, 30))).downgraded).toBe(0);
    expect(await changesOf(ws, customer.id)).toEqual([
      { from: null, to: gold, reason: 'upgrade', value: 5_000 },
      { from: gold, to: silver, reason: 'downgrade_one_step', value: 0 },
    ]);
    expect((await tierEvents(ws, customer.id)).map((e) => e.reason)).toEqual(['upgrade', 'downgrade_one_step']);
    expect(bronze).toBeTruthy();
  });

  it('calls a downgrade off when the member qualifies again within the grace period', async () => {
    const ws = await workspace();
    const { programId, tierIds: [, gold] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'rolling', days: 30 }, downgrade: 'one_step', graceDays: 7 },
      [[SILVER, 1_000, 100], [GOLD, 5_000, 100]]);
    const customer = await createCustomer(t, ws);
    await orderAt(ws, programId, customer.id, 5_000_000, tehran(D, 10));
    await reevaluateAt(ws, programId, tehran('2026-06-10', 1));
    expect((await tierAt(ws, programId, customer.id, tehran('2026-06-10', 1))).downgrade).not.toBeNull();
    await orderAt(ws, programId, customer.id, 5_000_000, tehran('2026-06-12', 10));
    expect((await tierAt(ws, programId, customer.id, tehran('2026-06-12', 10))).downgrade).toBeNull();
    expect((await reevaluateAt(ws, programId, tehran('2026-06-17', 1))).downgraded).toBe(0);
    expect((await tierAt(ws, programId, customer.id, tehran('2026-06-17', 1))).tier?.id).toBe(gold);
  });

  it('keeps the tier under policy none', async () => {
    const ws = await workspace();
    const { programId, tierIds: [gold] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'rolling', days: 30 }, downgrade: 'none' }, [[GOLD, 5_000, 100]]);
    const customer = await createCustomer(t, ws);
    await orderAt(ws, programId, customer.id, 5_000_000, tehran(D, 10));
    for (const day of ['2026-06-10', '2026-07-10', '2027-01-01']) {
      expect((await reevaluateAt(ws, programId, tehran(day, 1))).downgraded).toBe(0);
    }
    expect((await tierAt(ws, programId, customer.id, tehran('2027-01-01', 1))).tier?.id).toBe(gold);
    expect(await changesOf(ws, customer.id)).toHaveLength(1);
  });

  it('recalculates to the tier the period qualifies for, several steps down', async () => {
    const ws = await workspace();
    const { programId, tierIds: [, silver, , platinum] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'rolling', days: 30 }, downgrade: 'recalculate', graceDays: 0 },
      [[BRONZE, 100, 100], [SILVER, 1_000, 100], [GOLD, 5_000, 100], [PLATINUM, 10_000, 100]]);
    const customer = await createCustomer(t, ws);
    await orderAt(ws, programId, customer.id, 10_000_000, tehran(D, 10));
    expect((await tierAt(ws, programId, customer.id, tehran(D, 10))).tier?.id).toBe(platinum);
    // D+20: 1,200 more (platinum earns ×1). At 2026-06-10 00:00 the 30 days before hold only these 1,200: silver.
    await orderAt(ws, programId, customer.id, 1_200_000, tehran('2026-05-30', 10));
    expect(await reevaluateAt(ws, programId, tehran('2026-06-10', 1))).toEqual({ evaluated: 1, scheduled: 0, downgraded: 1 });
    expect(await reevaluateAt(ws, programId, tehran('2026-06-10', 2))).toEqual({ evaluated: 0, scheduled: 0, downgraded: 0 });
    expect((await tierAt(ws, programId, customer.id, tehran('2026-06-10', 2))).tier?.id).toBe(silver);
    expect((await changesOf(ws, customer.id)).at(-1)).toEqual({ from: platinum, to: silver, reason: 'downgrade_recalculated', value: 1_200 });
  });

  it('counts a Solar Hijri year from Nowruz: points of 1403-12-30 and of 1404-01-01 are in different years', async () => {
    // Hand-computed: 1403 is a leap year (30 Esfand = 2025-03-20); Nowruz 1404 is 2025-03-21 and Nowruz 1405 is 2026-03-21.
    expect(toIsoDate({ calendar: 'persian', year: 1403, month: 12, day: 30 })).toBe('2025-03-20');
    expect(toIsoDate({ calendar: 'persian', year: 1404, month: 1, day: 1 })).toBe('2025-03-21');
    expect(toIsoDate({ calendar: 'persian', year: 1405, month: 1, day: 1 })).toBe('2026-03-21');
    const lastNight1403 = tehran('2025-03-20', 23, 30); // 2025-03-20T20:00Z
    const nowruz1404 = tehran('2025-03-21', 0, 30); // 2025-03-20T21:00Z, an hour later
    expect(lastNight1403.toISOString()).toBe('2025-03-20T20:00:00.000Z');

    const ws = await workspace();
    const { programId, tierIds: [silver, gold] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'calendar_year', calendar: 'persian' }, downgrade: 'recalculate' },
      [[SILVER, 1_000, 100], [GOLD, 5_000, 100]]);

    // A: 800 on the last night of 1403, 300 half an hour into 1404: 1,100 together, but no year holds 1,000.
    const a = await createCustomer(t, ws);
    await orderAt(ws, programId, a.id, 800_000, lastNight1403);
    await orderAt(ws, programId, a.id, 300_000, nowruz1404);
    const early = await tierAt(ws, programId, a.id, nowruz1404);
    expect(early).toMatchObject({ tier: null, value: 300, window: { from: '2025-03-20T20:30:00.000Z', to: '2026-03-20T20:30:00.000Z' }, next: { tier: { id: silver }, needed: 700 } });
    await orderAt(ws, programId, a.id, 800_000, tehran('2025-03-22', 12));
    expect((await tierAt(ws, programId, a.id, tehran('2025-03-22', 12)))).toMatchObject({ tier: { id: silver }, value: 1_100 });

    // B: gold on 5,000 earned on the last night of 1403, then 1,200 in 1404.
    const b = await createCustomer(t, ws);
    await orderAt(ws, programId, b.id, 5_000_000, lastNight1403);
    await orderAt(ws, programId, b.id, 1_200_000, nowruz1404);
    expect((await tierAt(ws, programId, b.id, nowruz1404)).tier?.id).toBe(gold);
    // Re-evaluated in the first hour of 1404: 1403 held 5,000, gold kept.
    expect(await reevaluateAt(ws, programId, tehran('2025-03-21', 1))).toMatchObject({ downgraded: 0 });
    expect((await tierAt(ws, programId, b.id, tehran('2025-03-21', 1))).tier?.id).toBe(gold);
    // Re-evaluated after Nowruz 1405: 1404 held 1,200 (the 5,000 of 1403-12-30 not among them): silver. A keeps silver on 1,100.
    const run = await reevaluateAt(ws, programId, tehran('2026-03-21', 1));
    expect(run).toEqual({ evaluated: 2, scheduled: 0, downgraded: 1 });
    expect((await tierAt(ws, programId, b.id, tehran('2026-03-21', 1))).tier?.id).toBe(silver);
    expect((await tierAt(ws, programId, a.id, tehran('2026-03-21', 1))).tier?.id).toBe(silver);
    expect((await changesOf(ws, b.id)).at(-1)).toEqual({ from: gold, to: silver, reason: 'downgrade_recalculated', value: 1_200 });
    expect(await reevaluateAt(ws, programId, tehran('2026-03-21', 1))).toEqual({ evaluated: 0, scheduled: 0, downgraded: 0 });
  });

  it('counts an Umm al-Qura year from 1 Muharram: points of 29 Dhu al-Hijjah 1446 and of 1 Muharram 1447 are in different years', async () => {
    // Hand-computed from the Umm al-Qura calendar (Saudi Arabia's civil Hijri calendar): Dhu al-Hijjah 1446
    // has 29 days, its last 2025-06-25; 1 Muharram 1447 is Thursday 2025-06-26 and 1 Muharram 1448 is 2026-06-16.
    expect(toIsoDate({ calendar: 'islamic-umalqura', year: 1446, month: 12, day: 29 })).toBe('2025-06-25');
    expect(toIsoDate({ calendar: 'islamic-umalqura', year: 1446, month: 12, day: 30 })).toBeNull();
    expect(toIsoDate({ calendar: 'islamic-umalqura', year: 1447, month: 1, day: 1 })).toBe('2025-06-26');
    expect(toIsoDate({ calendar: 'islamic-umalqura', year: 1448, month: 1, day: 1 })).toBe('2026-06-16');
    // The workspace's day (Tehran, UTC+03:30): 1447 begins 2025-06-26 00:00 local = 2025-06-25T20:30Z.
    const lastNight1446 = tehran('2025-06-25', 23, 30); // 2025-06-25T20:00Z
    const muharram1447 = tehran('2025-06-26', 0, 30); // 2025-06-25T21:00Z, an hour later
    expect(lastNight1446.toISOString()).toBe('2025-06-25T20:00:00.000Z');

    const ws = await workspace();
    const { programId, tierIds: [silver, gold] } = await programWithTiers(ws,
      { basis: 'qualifying_points', window: { kind: 'calendar_year', calendar: 'islamic-umalqura' }, downgrade: 'recalculate' },
      [[SILVER, 1_000, 100], [GOLD, 5_000, 100]]);

    // A: 800 on the last night of 1446, 300 half an hour into 1447: 1,100 together, but no year holds 1,000.
    const a = await createCustomer(t, ws);
    await orderAt(ws, programId, a.id, 800_000, lastNight1446);
    await orderAt(ws, programId, a.id, 300_000, muharram1447);
    const early = await tierAt(ws, programId, a.id, muharram1447);
    expect(early).toMatchObject({ tier: null, value: 300, window: { from: '2025-06-25T20:30:00.000Z', to: '2026-06-15T20:30:00.000Z' }, next: { tier: { id: silver }, needed: 700 } });
    await orderAt(ws, programId, a.id, 800_000, tehran('2025-06-27', 12));
    expect((await tierAt(ws, programId, a.id, tehran('2025-06-27', 12)))).toMatchObject({ tier: { id: silver }, value: 1_100 });

    // B: gold on 5,000 earned on the last night of 1446, then 1,200 in 1447.
    const b = await createCustomer(t, ws);
    await orderAt(ws, programId, b.id, 5_000_000, lastNight1446);
    await orderAt(ws, programId, b.id, 1_200_000, muharram1447);
    expect((await tierAt(ws, programId, b.id, muharram1447)).tier?.id).toBe(gold);
    // Re-evaluated in the first hour of 1447: 1446 held 5,000, gold kept.
    expect(await reevaluateAt(ws, programId, tehran('2025-06-26', 1))).toMatchObject({ downgraded: 0 });
    expect((await tierAt(ws, programId, b.id, tehran('2025-06-26', 1))).tier?.id).toBe(gold);
    // An hour before 1 Muharram 1448 the year 1447 is not over: nothing judged yet on it.
    expect(await reevaluateAt(ws, programId, tehran('2026-06-15', 23))).toMatchObject({ downgraded: 0 });
    expect((await tierAt(ws, programId, b.id, tehran('2026-06-15', 23))).tier?.id).toBe(gold);
    // Re-evaluated after 1 Muharram 1448: 1447 held 1,200 (the 5,000 of 29 Dhu al-Hijjah 1446 not among them): silver.
    const run = await reevaluateAt(ws, programId, tehran('2026-06-16', 1));
    expect(run).toEqual({ evaluated: 2, scheduled: 0, downgraded: 1 });
    expect((await tierAt(ws, programId, b.id, tehran('2026-06-16', 1))).tier?.id).toBe(silver);
    expect((await tierAt(ws, programId, a.id, tehran('2026-06-16', 1))).tier?.id).toBe(silver);
    expect((await changesOf(ws, b.id)).at(-1)).toEqual({ from: gold, to: silver, reason: 'downgrade_recalculated', value: 1_200 });
    expect(await reevaluateAt(ws, programId, tehran('2026-06-16', 1))).toEqual({ evaluated: 0, scheduled: 0, downgraded: 0 });
  });
});

describe('tiers over the API', () => {
  it('are listed in order, changed and deleted by managers only, with refusals in fa, ar and en', async () => {
    const ws = await workspace();
    const { programId, tierIds: [silver, bronze] } = await programWithTiers(ws,
      { basis: 'spend', window: { kind: 'calendar_year', calendar: 'islamic-umalqura' }, downgrade: 'one_step', graceDays: 30 },
      [[SILVER, 1_000, 110], [BRONZE, 100, 100]]);
    const list = await call(ws, 'GET', `/api/loyalty/programs/${programId}/tiers`, undefined, { role: 'analyst' });
    expect(list.body.settings).toEqual({ basis: 'spend', window: { kind: 'calendar_year', calendar: 'islamic-umalqura' }, downgrade: 'one_step', graceDays: 30 });
    // Ordered by threshold, whatever the order they were added in.
    expect(list.body.items.map((i: { id: string; rank: number }) => [i.id, i.rank])).toEqual([[bronze, 1], [silver, 2]]);

    const refusals: [string, 'POST' | 'PATCH' | 'PUT' | 'DELETE', string, unknown, number, string][] = [
      ['same threshold', 'POST', `/api/loyalty/programs/${programId}/tiers`, { name: GOLD, threshold: 100 }, 409, 'tier_threshold_taken'],
      ['threshold taken by a change', 'PATCH', `/api/loyalty/programs/${programId}/tiers/${silver}`, { threshold: 100 }, 409, 'tier_threshold_taken'],
      ['no Arabic name', 'POST', `/api/loyalty/programs/${programId}/tiers`, { name: { fa: 'طلایی', en: 'Gold' }, threshold: 9 }, 400, 'validation_failed'],
      ['fractional multiplier', 'POST', `/api/loyalty/programs/${programId}/tiers`, { name: GOLD, threshold: 9, multiplierPercent: 1.5 }, 400, 'validation_failed'],
      ['negative threshold', 'POST', `/api/loyalty/programs/${programId}/tiers`, { name: GOLD, threshold: -1 }, 400, 'validation_failed'],
      ['unknown calendar', 'PUT', `/api/loyalty/programs/${programId}/tier-settings`, { basis: 'spend', window: { kind: 'calendar_year', calendar: 'julian' }, downgrade: 'none' }, 400, 'validation_failed'],
      ['unknown policy', 'PUT', `/api/loyalty/programs/${programId}/tier-settings`, { basis: 'spend', window: { kind: 'rolling', days: 30 }, downgrade: 'two_steps' }, 400, 'validation_failed'],
      ['unknown program', 'POST', `/api/loyalty/programs/00000000-0000-4000-8000-000000000000/tiers`, { name: GOLD, threshold: 9 }, 404, 'not_found'],
    ];
    for (const [what, method, url, body, status, code] of refusals) {
      for (const language of ['fa', 'ar', 'en']) {
        const res = await call(ws, method, url, body, { headers: { 'accept-language': language } });
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
        expect(res.type).toContain('application/problem+json');
        expect(res.body.code).toBe(code);
        if (language !== 'en') expect(res.body.detail, what).toMatch(/[\u0600-\u06FF]/);
      }
    }
    for (const role of ['agent', 'analyst'] as const) {
      expect((await call(ws, 'POST', `/api/loyalty/programs/${programId}/tiers`, { name: GOLD, threshold: 9 }, { role })).status).toBe(403);
      expect((await call(ws, 'DELETE', `/api/loyalty/programs/${programId}/tiers/${silver}`, undefined, { role })).status).toBe(403);
    }

    const changed = await call(ws, 'PATCH', `/api/loyalty/programs/${programId}/tiers/${silver}`, { name: GOLD, multiplierPercent: 125 });
    expect(changed.body).toMatchObject({ id: silver, name: GOLD, multiplierPercent: 125, threshold: 1_000, rank: 2 });

    // A tier a member holds cannot go; one nobody holds can.
    const customer = await createCustomer(t, ws);
    await orderAt(ws, programId, customer.id, 150, new Date());
    const inUse = await call(ws, 'DELETE', `/api/loyalty/programs/${programId}/tiers/${bronze}`, undefined, { headers: { 'accept-language': 'ar' } });
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('tier_in_use');
    expect((await call(ws, 'DELETE', `/api/loyalty/programs/${programId}/tiers/${silver}`)).status).toBe(204);
    expect((await call(ws, 'GET', `/api/loyalty/programs/${programId}/tiers`)).body.items.map((i: { id: string }) => i.id)).toEqual([bronze]);

    const { rows } = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'loyalty_tier%' ORDER BY id`, [ws.tenantId]);
    expect(rows.map((r) => r.action)).toEqual(['loyalty_tier_settings.changed', 'loyalty_tier.created', 'loyalty_tier.created', 'loyalty_tier.changed', 'loyalty_tier.deleted']);
  });

  it('keep each workspace to its own: another workspace\'s program, tier or member is not found', async () => {
    const a = await workspace();
    const b = await workspace();
    const { programId, tierIds: [tier] } = await programWithTiers(a, { basis: 'orders', window: { kind: 'rolling', days: 30 }, downgrade: 'none' }, [[GOLD, 1, 100]]);
    const customer = await createCustomer(t, a);
    await orderAt(a, programId, customer.id, 1_000, new Date());
    expect((await call(a, 'GET', `/api/loyalty/programs/${programId}/members/${customer.id}/tier`)).body.tier.id).toBe(tier);
    for (const [method, url, body] of [
      ['GET', `/api/loyalty/programs/${programId}/tiers`, undefined],
      ['GET', `/api/loyalty/programs/${programId}/members/${customer.id}/tier`, undefined],
      ['PATCH', `/api/loyalty/programs/${programId}/tiers/${tier}`, { threshold: 5 }],
      ['DELETE', `/api/loyalty/programs/${programId}/tiers/${tier}`, undefined],
      ['POST', `/api/loyalty/programs/${programId}/tiers`, { name: SILVER, threshold: 5 }],
      ['PUT', `/api/loyalty/programs/${programId}/tier-settings`, { basis: 'spend', window: { kind: 'rolling', days: 1 }, downgrade: 'none' }],
    ] as const) {
      expect((await call(b, method, url, body)).status, `${method} ${url}`).toBe(404);
    }
    expect((await call(a, 'GET', `/api/loyalty/programs/${programId}/tiers`)).body.items).toMatchObject([{ id: tier, threshold: 1 }]);
  });
});
