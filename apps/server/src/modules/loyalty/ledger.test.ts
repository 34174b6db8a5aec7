import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, postOverSocket, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { runVafa } from '../../../test/process.ts';
import { settleDue, type LedgerContext } from './index.ts';

let t: TestApp;
let base: string;

beforeAll(async () => {
  // Room for every concurrent request below to hold its own connection: the races are real.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

/** Workspaces a test touched: after it, each ledger must hold together. */
const touched = new Set<string>();
afterEach(async () => {
  for (const tenantId of touched) await expectLedgerBalanced(t, tenantId);
  touched.clear();
});

async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  touched.add(ws.tenantId);
  return ws;
}


const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

/** The same over a real socket: concurrent requests race as they would in production. */
const http = (ws: TestWorkspace, url: string, payload: unknown, headers: Record<string, string> = {}) => postOverSocket(t, base, ws, url, payload, headers);

let serial = 0;
const externalId = (what: string) => `${what}-${++serial}`;
const inDays = (days: number, from = new Date()) => new Date(from.getTime() + days * 86_400_000);

/** Waits until the clock has passed `instant` (the server shares it). */
async function untilPast(instant: Date): Promise<void> {
  while (Date.now() <= instant.getTime() + 20) await new Promise((r) => setTimeout(r, Math.max(10, instant.getTime() + 25 - Date.now())));
}

async function earn(ws: TestWorkspace, customerId: string, body: Record<string, unknown>) {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { reason: 'خرید', externalId: externalId('order'), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function redeem(ws: TestWorkspace, customerId: string, body: Record<string, unknown>) {
  return call(ws, 'POST', `/api/loyalty/members/${customerId}/redemptions`, { externalId: externalId('checkout'), ...body });
}

const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;

/** What the workspace's ledger holds, by table. */
async function stored(ws: TestWorkspace) {
  const count = async (table: string) => Number((await t.database.pool.query(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenantId])).rows[0].n);
  return {
    members: await count('loyalty_members'), entries: await count('loyalty_entries'), postings: await count('loyalty_postings'),
    lots: await count('loyalty_lots'), draws: await count('loyalty_draws'),
  };
}

async function events(ws: TestWorkspace, topic: string) {
  const { rows } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = $2 ORDER BY id`, [ws.tenantId, topic]);
  return rows.map((r) => r.payload as Record<string, unknown>);
}

const sum = (items: { amount: number }[]) => items.reduce((n, p) => n + p.amount, 0);
const unitSums = (postings: { unit: string; amount: number }[]) => ({
  points: sum(postings.filter((p) => p.unit === 'points')), qualifying: sum(postings.filter((p) => p.unit === 'qualifying')),
});

describe('earning', () => {
  it('credits a lot to the member, with qualifying points apart, in postings that sum to zero, and publishes it', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const expiresAt = inDays(90).toISOString();
    const entry = await earn(ws, customer.id, { points: 120, expiresAt, reason: 'خرید از شعبه‌ی ونک', externalId: 'order-1001' });
    expect(entry).toMatchObject({
      kind: 'earn', customerId: customer.id, reason: 'خرید از شعبه‌ی ونک', externalId: 'order-1001',
      points: { available: 120, pending: 0, qualifying: 120 }, reversesEntryId: null, reversedByEntryId: null,
      lot: { points: 120, remaining: 120, expiresAt, pendingUntil: null }, draws: [],
    });
    expect(entry.source).toMatch(/^api_key:/);
    expect(unitSums(entry.postings)).toEqual({ points: 0, qualifying: 0 });
    expect(entry.postings).toEqual(expect.arrayContaining([
      { account: 'issuance', customerId: null, unit: 'points', amount: -120 },
      { account: 'available', customerId: customer.id, unit: 'points', amount: 120 },
      { account: 'qualifying_issuance', customerId: null, unit: 'qualifying', amount: -120 },
      { account: 'qualifying', customerId: customer.id, unit: 'qualifying', amount: 120 },
    ]));
    // The answer is what the ledger holds, read back.
    expect((await call(ws, 'GET', `/api/loyalty/entries/${entry.id}`)).body).toEqual(entry);
    expect(await balance(ws, customer.id)).toEqual({
      customerId: customer.id, available: 120, pending: 0, qualifying: 120, expiring: [{ expiresAt, points: 120, lots: 1 }], withoutExpiry: 0, unlocking: [], expiredUnbooked: [],
    });
    expect(await events(ws, 'loyalty.points_earned')).toEqual([expect.objectContaining({ customerId: customer.id, entryId: entry.id, points: 120, expiresAt })]);
  });

  it('earns once for the same external id or the same Idempotency-Key, and refuses a key reused for another earn', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const first = await earn(ws, customer.id, { points: 50, externalId: 'pos-7' });
    // The same purchase event delivered again by another sender (another key): the first entry.
    const again = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 50, reason: 'خرید', externalId: 'pos-7' }, { role: 'owner' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.id);
    const other = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 80, reason: 'خرید', externalId: 'pos-7' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('external_id_conflict');

    const keyed = (points: number) => call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points, reason: 'هدیه' }, { headers: { 'idempotency-key': 'gift-42' } });
    const gift = await keyed(30);
    expect(gift.status).toBe(201);
    expect((await keyed(30)).body.id).toBe(gift.body.id);
    expect((await keyed(31)).body.code).toBe('idempotency_key_reused');

    const unkeyed = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 10, reason: 'بدون کلید' }, { headers: { 'accept-language': 'fa' } });
    expect(unkeyed.status).toBe(400);
    expect(unkeyed.body.code).toBe('idempotency_key_required');
    expect(unkeyed.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect((await balance(ws, customer.id)).available).toBe(80);
    expect((await stored(ws)).entries).toBe(2);
  });

  it('credits exactly 20 × the points for 20 concurrent earns with distinct keys, and once for 20 with one key', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const url = `/api/loyalty/members/${customer.id}/earnings`;
    const distinct = await Promise.all(Array.from({ length: 20 }, (_, n) => http(ws, url, { points: 7, reason: 'هدیه', externalId: `gift-${n}` })));
    expect(distinct.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect((await balance(ws, customer.id)).available).toBe(140);

    const same = await Promise.all(Array.from({ length: 20 }, () => http(ws, url, { points: 5, reason: 'هدیه', externalId: 'gift-once' })));
    for (const res of same) expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
    expect(same.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);

    const keyed = await Promise.all(Array.from({ length: 20 }, () => http(ws, url, { points: 3, reason: 'هدیه' }, { 'idempotency-key': 'one-gift' })));
    for (const res of keyed) expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(new Set(keyed.map((r) => r.body.id)).size).toBe(1);
    expect((await balance(ws, customer.id)).available).toBe(148);
    expect((await stored(ws)).entries).toBe(22);
  });

  it('opens one member for concurrent first earns of new customers in a fresh workspace', async () => {
    const ws = await workspace();
    const customers = await Promise.all(Array.from({ length: 6 }, () => createCustomer(t, ws)));
    const answers = await Promise.all(customers.flatMap((c) => [0, 1, 2].map((n) => http(ws, `/api/loyalty/members/${c.id}/earnings`, { points: 10, reason: 'خوش‌آمد', externalId: `welcome-${c.id}-${n}` }))));
    expect(answers.map((r) => r.status)).toEqual(Array(18).fill(201));
    for (const c of customers) expect((await balance(ws, c.id)).available).toBe(30);
    const { rows } = await t.database.pool.query(`SELECT kind, count(*)::int AS n FROM loyalty_accounts WHERE tenant_id = $1 GROUP BY kind ORDER BY kind`, [ws.tenantId]);
    expect(rows).toEqual([
      { kind: 'available', n: 6 }, { kind: 'breakage', n: 1 }, { kind: 'charity_payable', n: 1 }, { kind: 'issuance', n: 1 }, { kind: 'partner_payable', n: 1 },
      { kind: 'pending', n: 6 }, { kind: 'qualifying', n: 6 }, { kind: 'qualifying_issuance', n: 1 }, { kind: 'redemptions', n: 1 },
    ]);
  });

  it('holds pending points apart until they unlock, then makes them spendable', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const now = new Date();
    const pendingUntil = inDays(14, now).toISOString();
    const entry = await earn(ws, customer.id, { points: 200, pendingUntil, expiresAt: inDays(365, now).toISOString(), qualifyingPoints: 0 });
    expect(entry.points).toEqual({ available: 0, pending: 200, qualifying: 0 });
    expect(entry.postings).toEqual([
      { account: 'issuance', customerId: null, unit: 'points', amount: -200 },
      { account: 'pending', customerId: customer.id, unit: 'points', amount: 200 },
    ]);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 200, expiring: [], unlocking: [{ unlocksAt: pendingUntil, points: 200 }] });
    const early = await redeem(ws, customer.id, { points: 1 });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('insufficient_points');

    // Fifteen days later, by the test's clock: the due work unlocks them.
    const later: LedgerContext = { tenantId: ws.tenantId, source: 'system:test', now: inDays(15, now) };
    const run = await t.database.db.transaction((tx) => settleDue(tx, later));
    expect(run).toEqual({ members: 1, unlockedLots: 1, unlockedPoints: 200, expiredLots: 0, expiredPoints: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 200, pending: 0, unlocking: [] });
    const history = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items;
    expect(history.map((e: { kind: string; points: unknown }) => [e.kind, e.points])).toEqual([
      ['unlock', { available: 200, pending: -200, qualifying: 0 }],
      ['earn', { available: 0, pending: 200, qualifying: 0 }],
    ]);
    expect(await events(ws, 'loyalty.points_unlocked')).toEqual([expect.objectContaining({ customerId: customer.id, points: 200 })]);
  });

  it('refuses expiries in the past and before the pending period ends, writing nothing', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ expiresAt: inDays(-1).toISOString() }, 'expiry_in_past', 'expiresAt'],
      [{ pendingUntil: inDays(-1).toISOString() }, 'pending_until_in_past', 'pendingUntil'],
      [{ pendingUntil: inDays(10).toISOString(), expiresAt: inDays(5).toISOString() }, 'expiry_before_unlock', 'expiresAt'],
    ];
    for (const [body, code, field] of cases) {
      const res = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 10, reason: 'x', externalId: externalId('bad'), ...body });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code, errors: [{ field, code }] });
    }
    expect(await stored(ws)).toEqual({ members: 0, entries: 0, postings: 0, lots: 0, draws: 0 });
  });
});

describe('redeeming', () => {
  it('draws on the lots that expire soonest first, never-expiring lots last, and records which', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const now = new Date();
    const late = await earn(ws, customer.id, { points: 100, expiresAt: inDays(60, now).toISOString() });
    const never = await earn(ws, customer.id, { points: 100 });
    const soon = await earn(ws, customer.id, { points: 100, expiresAt: inDays(10, now).toISOString() });
    expect((await balance(ws, customer.id)).expiring.map((g: { points: number }) => g.points)).toEqual([100, 100]);

    const first = await redeem(ws, customer.id, { points: 130, reason: 'کارت هدیه' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.draws).toEqual([
      { lotId: soon.lot.id, points: 100, expiresAt: soon.lot.expiresAt },
      { lotId: late.lot.id, points: 30, expiresAt: late.lot.expiresAt },
    ]);
    expect(unitSums(first.body.postings)).toEqual({ points: 0, qualifying: 0 });
    expect(first.body.points).toEqual({ available: -130, pending: 0, qualifying: 0 });
    expect((await call(ws, 'GET', `/api/loyalty/entries/${first.body.id}`)).body).toEqual(first.body);

    const second = await redeem(ws, customer.id, { points: 100 });
    expect(second.body.draws).toEqual([
      { lotId: late.lot.id, points: 70, expiresAt: late.lot.expiresAt },
      { lotId: never.lot.id, points: 30, expiresAt: null },
    ]);
    // Every lot in the balance, not only the earliest: what is left of the never-expiring one.
    expect(await balance(ws, customer.id)).toMatchObject({ available: 70, qualifying: 300, expiring: [], withoutExpiry: 70 });
    expect(await events(ws, 'loyalty.points_redeemed')).toEqual([
      expect.objectContaining({ customerId: customer.id, entryId: first.body.id, points: 130 }),
      expect.objectContaining({ customerId: customer.id, entryId: second.body.id, points: 100 }),
    ]);
  });

  it('refuses more than the available points with 409 insufficient_points and writes nothing', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const stranger = await createCustomer(t, ws);
    await earn(ws, customer.id, { points: 40 });
    const before = await stored(ws);
    const res = await redeem(ws, customer.id, { points: 41 });
    expect(res.status).toBe(409);
    expect(res.type).toContain('application/problem+json');
    expect(res.body.code).toBe('insufficient_points');
    expect((await redeem(ws, stranger.id, { points: 1 })).body.code).toBe('insufficient_points');
    expect(await stored(ws)).toEqual(before);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 40 });
  });

  it('lets exactly 10 of 20 concurrent redemptions of 10 points spend a 100-point balance, never below zero', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    await earn(ws, customer.id, { points: 60, expiresAt: inDays(30).toISOString() });
    await earn(ws, customer.id, { points: 40 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) =>
      http(ws, `/api/loyalty/members/${customer.id}/redemptions`, { points: 10, externalId: `basket-${n}` })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect([r.status, r.body.code]).toEqual([409, 'insufficient_points']);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, withoutExpiry: 0, expiring: [] });
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n, coalesce(sum(amount), 0)::int AS drawn FROM loyalty_draws WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].drawn).toBe(100);
  });

  it('serialises one member\'s spends without serialising other members, all through the one issuance account', async () => {
    const ws = await workspace();
    const customers = await Promise.all(Array.from({ length: 5 }, () => createCustomer(t, ws)));
    for (const c of customers) await earn(ws, c.id, { points: 30 });
    // Each member: 4 concurrent spends of 10 against 30, and 2 concurrent earns of 1.
    const answers = await Promise.all(customers.map((c) => Promise.all([
      ...Array.from({ length: 4 }, (_, n) => http(ws, `/api/loyalty/members/${c.id}/redemptions`, { points: 10, externalId: `r-${c.id}-${n}` })),
      ...Array.from({ length: 2 }, (_, n) => http(ws, `/api/loyalty/members/${c.id}/earnings`, { points: 1, reason: 'بازدید', externalId: `e-${c.id}-${n}` })),
    ])));
    for (const [n, c] of customers.entries()) {
      // Whatever the order, the earns never reach another 10: exactly three spends, and the two earned points left.
      expect(answers[n]!.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 409]);
      expect((await balance(ws, c.id)).available).toBe(2);
    }
  });
});

describe('reversing', () => {
  it('refuses to reverse an earn whose points were partly spent, reverses the spend, then the earn, and never twice', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const earned = await earn(ws, customer.id, { points: 100, expiresAt: inDays(30).toISOString(), qualifyingPoints: 40 });
    const spent = (await redeem(ws, customer.id, { points: 30 })).body;

    const refused = await call(ws, 'POST', `/api/loyalty/entries/${earned.id}/reversal`, { reason: 'مرجوعی' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('earned_points_spent');
    expect(refused.body.detail).toContain('30');

    const undoSpend = await call(ws, 'POST', `/api/loyalty/entries/${spent.id}/reversal`, { reason: 'لغو سفارش' });
    expect(undoSpend.status, JSON.stringify(undoSpend.body)).toBe(201);
    expect(undoSpend.body).toMatchObject({
      kind: 'reversal', reversesEntryId: spent.id, points: { available: 30, pending: 0, qualifying: 0 }, draws: [{ lotId: earned.lot.id, points: -30 }],
    });
    expect(unitSums(undoSpend.body.postings)).toEqual({ points: 0, qualifying: 0 });
    expect((await call(ws, 'GET', `/api/loyalty/entries/${spent.id}`)).body.reversedByEntryId).toBe(undoSpend.body.id);
    expect((await call(ws, 'POST', `/api/loyalty/entries/${spent.id}/reversal`, { reason: 'دوباره' })).body.code).toBe('entry_already_reversed');

    const undoEarn = await call(ws, 'POST', `/api/loyalty/entries/${earned.id}/reversal`, { reason: 'مرجوعی' });
    expect(undoEarn.status, JSON.stringify(undoEarn.body)).toBe(201);
    expect(undoEarn.body.points).toEqual({ available: -100, pending: 0, qualifying: -40 });
    expect(unitSums(undoEarn.body.postings)).toEqual({ points: 0, qualifying: 0 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 0, qualifying: 0, expiring: [] });
    expect((await call(ws, 'POST', `/api/loyalty/entries/${undoEarn.body.id}/reversal`, { reason: 'x' })).body.code).toBe('entry_not_reversible');
    // The originals are untouched: the history keeps every line.
    const history = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries?limit=2`)).body;
    expect(history.items.map((e: { kind: string }) => e.kind)).toEqual(['reversal', 'reversal']);
    const rest = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries?limit=2&cursor=${history.nextCursor}`)).body;
    expect(rest.items.map((e: { kind: string; reason: string | null }) => [e.kind, e.reason])).toEqual([['redeem', null], ['earn', 'خرید']]);
    expect(rest.nextCursor).toBeNull();
    expect(await events(ws, 'loyalty.entry_reversed')).toHaveLength(2);
  });

  it('reverses a pending earn from pending', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const earned = await earn(ws, customer.id, { points: 70, pendingUntil: inDays(7).toISOString() });
    const undo = await call(ws, 'POST', `/api/loyalty/entries/${earned.id}/reversal`, { reason: 'کالا برگشت خورد' });
    expect(undo.status).toBe(201);
    expect(undo.body.points).toEqual({ available: 0, pending: -70, qualifying: -70 });
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 0, qualifying: 0, unlocking: [] });
  });

  it('lets concurrent reversals of one entry succeed once', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const earned = await earn(ws, customer.id, { points: 25 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => http(ws, `/api/loyalty/entries/${earned.id}/reversal`, { reason: 'اشتباه' })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of answers.filter((a) => a.status !== 201)) expect(r.body.code).toBe('entry_already_reversed');
  });
});

describe('expiry', () => {
  it('expires what is due once, however often and however concurrently it runs', async () => {
    const ws = await workspace();
    const [a, b] = [await createCustomer(t, ws), await createCustomer(t, ws)];
    const now = new Date();
    await earn(ws, a.id, { points: 100, expiresAt: inDays(10, now).toISOString() });
    await earn(ws, a.id, { points: 50, expiresAt: inDays(40, now).toISOString() });
    await earn(ws, b.id, { points: 80, expiresAt: inDays(20, now).toISOString() });
    await earn(ws, b.id, { points: 5 });
    expect((await redeem(ws, a.id, { points: 30 })).status).toBe(201);

    const at = (days: number): LedgerContext => ({ tenantId: ws.tenantId, source: 'system:test', now: inDays(days, now) });
    const runs = await Promise.all([1, 2, 3, 4].map(() => t.database.db.transaction((tx) => settleDue(tx, at(25)))));
    expect(runs.reduce((n, r) => n + r.expiredPoints, 0)).toBe(150);
    expect(runs.reduce((n, r) => n + r.expiredLots, 0)).toBe(2);
    expect(runs.filter((r) => r.expiredPoints > 0).length).toBeGreaterThanOrEqual(1);
    expect(await t.database.db.transaction((tx) => settleDue(tx, at(25)))).toEqual({ members: 0, unlockedLots: 0, unlockedPoints: 0, expiredLots: 0, expiredPoints: 0 });
    expect(await balance(ws, a.id)).toMatchObject({ available: 50, expiring: [{ points: 50 }] });
    expect(await balance(ws, b.id)).toMatchObject({ available: 5, withoutExpiry: 5, expiring: [] });
    const expired = await events(ws, 'loyalty.points_expired');
    expect(expired.map((e) => [e.customerId, e.points]).sort()).toEqual([[a.id, 70], [b.id, 80]].sort());
    const { rows } = await t.database.pool.query(`
      SELECT a.kind, sum(p.amount)::int AS balance FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
      WHERE p.tenant_id = $1 AND a.customer_id IS NULL GROUP BY a.kind ORDER BY a.kind`, [ws.tenantId]);
    expect(rows).toEqual([
      { kind: 'breakage', balance: 150 }, { kind: 'issuance', balance: -235 }, { kind: 'qualifying_issuance', balance: -235 }, { kind: 'redemptions', balance: 30 },
    ]);
  });

  it('never spends points past their expiry, even before the expiry run books them', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const expiresAt = new Date(Date.now() + 1500);
    await earn(ws, customer.id, { points: 60, expiresAt: expiresAt.toISOString() });
    await earn(ws, customer.id, { points: 10 });
    await untilPast(expiresAt);
    // No run has booked the expiry: the spend still sees only the 10 points that have not expired.
    const refused = await redeem(ws, customer.id, { points: 20 });
    expect([refused.status, refused.body.code]).toEqual([409, 'insufficient_points']);
    expect(refused.body.detail).toContain('10');
    // A spend settles its member's due work first, in its own transaction: this one books the expiry.
    expect((await redeem(ws, customer.id, { points: 10 })).status).toBe(201);
    const history = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items as { kind: string; points: { available: number } }[];
    expect(history.map((e) => [e.kind, e.points.available])).toEqual([['redeem', -10], ['expire', -60], ['earn', 10], ['earn', 60]]);
    expect(await events(ws, 'loyalty.points_expired')).toEqual([expect.objectContaining({ customerId: customer.id, points: 60 })]);
  });

  it('runs over the API: the second run expires nothing', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const expiresAt = new Date(Date.now() + 1000);
    await earn(ws, customer.id, { points: 33, expiresAt: expiresAt.toISOString() });
    await untilPast(expiresAt);
    const first = await call(ws, 'POST', '/api/loyalty/expiry-runs');
    expect([first.status, first.body]).toEqual([200, { members: 1, unlockedLots: 0, unlockedPoints: 0, expiredLots: 1, expiredPoints: 33 }]);
    const [second, third] = await Promise.all([call(ws, 'POST', '/api/loyalty/expiry-runs'), call(ws, 'POST', '/api/loyalty/expiry-runs')]);
    expect(second.body).toEqual({ members: 0, unlockedLots: 0, unlockedPoints: 0, expiredLots: 0, expiredPoints: 0 });
    expect(third.body).toEqual(second.body);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, expiring: [] });
  });
});

describe('verify', () => {
  it('reports no drift on a busy ledger, and reports each kind of drift a direct SQL change makes', async () => {
    const ws = await workspace();
    const [a, b] = [await createCustomer(t, ws), await createCustomer(t, ws)];
    await earn(ws, a.id, { points: 100, expiresAt: inDays(5).toISOString() });
    await earn(ws, a.id, { points: 20, pendingUntil: inDays(3).toISOString() });
    const small = await earn(ws, b.id, { points: 7 });
    const spent = (await redeem(ws, a.id, { points: 45 })).body;
    expect((await call(ws, 'POST', `/api/loyalty/entries/${spent.id}/reversal`, { reason: 'لغو' })).status).toBe(201);
    expect((await redeem(ws, a.id, { points: 10 })).status).toBe(201);
    await t.database.db.transaction((tx) => settleDue(tx, { tenantId: ws.tenantId, source: 'system:test', now: inDays(10) }));

    const clean = await call(ws, 'GET', '/api/loyalty/verify');
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({
      ok: true, driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0 }, balanceDrift: [], unbalancedEntries: [], lotDrift: [], entryLotMismatch: [],
      counts: { members: 2, lots: 3 },
      systemBalances: { issuance: -127, redemptions: 10, breakage: 90, qualifying_issuance: -127, charity_payable: 0, partner_payable: 0 },
    });

    const cli = async () => {
      const run = runVafa(['loyalty', 'verify', '--workspace', ws.slug], { DATABASE_URL: t.databaseUrl, VAFA_DATA_DIR: os.tmpdir(), LOG_LEVEL: 'warn' });
      const code = await run.exited;
      return { code, report: JSON.parse(run.stdout().trim()) as Record<string, unknown>, summary: run.stderr() };
    };
    const cleanCli = await cli();
    expect(cleanCli.code, cleanCli.summary).toBe(0);
    expect(cleanCli.report).toMatchObject({ workspace: ws.slug, ok: true, counts: clean.body.counts, systemBalances: clean.body.systemBalances });
    expect(cleanCli.summary).toContain('no drift');

    // A cached balance changed behind the ledger's back, and a lot's remaining without a draw.
    await t.database.pool.query(`UPDATE loyalty_members SET available = available + 5 WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, b.id]);
    await t.database.pool.query(`UPDATE loyalty_lots SET remaining = remaining - 1 WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, small.lot.id]);
    const drifted = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(drifted).toMatchObject({
      ok: false,
      driftCounts: { balances: 1, entries: 0, lots: 1, entryLots: 0 },
      balanceDrift: [{ customerId: b.id, cached: { available: 12, pending: 0, qualifying: 7 }, posted: { available: 7, pending: 0, qualifying: 7 }, inLots: { available: 6, pending: 0 } }],
      lotDrift: [{ lotId: small.lot.id, customerId: b.id, remaining: 6, expected: 7 }],
    });
    const driftedCli = await cli();
    expect(driftedCli.code).toBe(1);
    expect(driftedCli.report).toMatchObject({ ok: false, driftCounts: drifted.driftCounts, balanceDrift: drifted.balanceDrift, lotDrift: drifted.lotDrift });
    expect(driftedCli.summary).toContain(`DRIFT in 1 of 1 workspace(s): ${ws.slug}`);
    // Put it back, so the ledger holds together again for the after-each check.
    await t.database.pool.query(`UPDATE loyalty_members SET available = available - 5 WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, b.id]);
    await t.database.pool.query(`UPDATE loyalty_lots SET remaining = remaining + 1 WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, small.lot.id]);
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body.ok).toBe(true);
  });
});

describe('the database keeps the journal honest', () => {
  it('refuses updates and deletes of entries and postings, and an entry that does not balance', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const earned = await earn(ws, customer.id, { points: 10 });
    expect((await redeem(ws, customer.id, { points: 3 })).status).toBe(201);
    const refusals = [
      `UPDATE loyalty_postings SET amount = amount * 2 WHERE tenant_id = $1`,
      `DELETE FROM loyalty_postings WHERE tenant_id = $1`,
      `UPDATE loyalty_entries SET reason = 'changed' WHERE tenant_id = $1`,
      `DELETE FROM loyalty_entries WHERE tenant_id = $1`,
      `UPDATE loyalty_lots SET amount = 11 WHERE tenant_id = $1`,
      `DELETE FROM loyalty_draws WHERE tenant_id = $1`,
      `UPDATE loyalty_accounts SET kind = 'breakage' WHERE tenant_id = $1 AND kind = 'issuance'`,
    ];
    for (const statement of refusals) {
      await expect(t.database.pool.query(statement, [ws.tenantId]), statement).rejects.toThrow(/append-only|only remaining/);
    }
    // An entry whose postings do not sum to zero is refused when its transaction commits.
    const client = await t.database.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: [entry] } = await client.query(
        `INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, source) VALUES ($1, 'adjust', 'test:unbalanced', $2, 'test') RETURNING id`,
        [ws.tenantId, customer.id]);
      await client.query(`
        INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
        SELECT $1, $2, id, 1000 FROM loyalty_accounts WHERE tenant_id = $1 AND customer_id = $3 AND kind = 'available'`, [ws.tenantId, entry.id, customer.id]);
      await expect(client.query('COMMIT')).rejects.toThrow(/does not balance/);
      // And an entry with no postings at all.
      await client.query('BEGIN');
      await client.query(`INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, source) VALUES ($1, 'adjust', 'test:empty', $2, 'test')`, [ws.tenantId, customer.id]);
      await expect(client.query('COMMIT')).rejects.toThrow(/no postings/);
    } finally {
      client.release();
    }
    expect((await call(ws, 'GET', `/api/loyalty/entries/${earned.id}`)).body.postings).toHaveLength(4);
    expect(await stored(ws)).toMatchObject({ entries: 2, postings: 6, draws: 1 });
  });

  it('checks an entry written over several statements and savepoints once, at commit, and never lets postings join an entry committed earlier', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const earned = await earn(ws, customer.id, { points: 10 });
    const client = await t.database.pool.connect();
    const account = async (kind: string, holder: string | null) => (await client.query<{ id: string }>(
      `SELECT id FROM loyalty_accounts WHERE tenant_id = $1 AND kind = $2 AND customer_id IS NOT DISTINCT FROM $3::uuid`, [ws.tenantId, kind, holder])).rows[0]!.id;
    const entry = async (key: string) => Number((await client.query<{ id: string }>(
      `INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, source) VALUES ($1, 'adjust', $2, $3, 'test') RETURNING id`,
      [ws.tenantId, key, customer.id])).rows[0]!.id);
    const post = (entryId: number, accountId: string, amount: number) =>
      client.query('INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount) VALUES ($1, $2, $3, $4)', [ws.tenantId, entryId, accountId, amount]);
    try {
      const available = await account('available', customer.id);
      const breakage = await account('breakage', null);
      const issuance = await account('issuance', null);
      const redemptions = await account('redemptions', null);
      // Balanced over three statements, the entry in one savepoint and its postings in others: committed
      // (between system accounts, so the member's balances and lots stay as they were).
      await client.query('BEGIN');
      await client.query('SAVEPOINT a');
      const split = await entry('test:split');
      await client.query('RELEASE SAVEPOINT a');
      await client.query('SAVEPOINT b');
      await post(split, breakage, 4);
      await client.query('RELEASE SAVEPOINT b');
      await post(split, issuance, -4);
      await client.query('COMMIT');
      // Out of balance only over the statements together (each alone could be the first half): refused at commit.
      await client.query('BEGIN');
      const halves = await entry('test:halves');
      await post(halves, available, 4);
      await post(halves, issuance, -3);
      await expect(client.query('COMMIT')).rejects.toThrow(/does not balance/);
      // A posting undone with its savepoint leaves the entry with none: refused at commit.
      await client.query('BEGIN');
      const undone = await entry('test:undone');
      await client.query('SAVEPOINT c');
      await post(undone, available, 1);
      await client.query('ROLLBACK TO SAVEPOINT c');
      await expect(client.query('COMMIT')).rejects.toThrow(/no postings/);
      // Postings that sum to zero, added to an entry an earlier transaction committed: refused at the insert,
      // alone and beside postings of an entry of this transaction.
      for (const beside of [false, true]) {
        await client.query('BEGIN');
        const own = beside ? await entry('test:own') : null;
        await expect(client.query(`
          INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
          SELECT $1, x.entry_id, x.account_id, x.amount FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS x(entry_id, account_id, amount)`,
          [ws.tenantId, [earned.id, earned.id, ...(own ? [own, own] : [])], [breakage, redemptions, ...(own ? [available, issuance] : [])], [1, -1, ...(own ? [2, -2] : [])]],
        )).rejects.toThrow(new RegExp(`entry ${earned.id} was committed earlier`));
        await client.query('ROLLBACK');
      }
    } finally {
      client.release();
    }
    expect((await call(ws, 'GET', `/api/loyalty/entries/${earned.id}`)).body.postings).toHaveLength(4);
    expect(await stored(ws)).toMatchObject({ entries: 2, postings: 6 });
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body.ok).toBe(true);
  });
});

describe('workspaces and roles', () => {
  it("never lets another workspace's key see or move a member's points: 404", async () => {
    const ws = await workspace();
    const other = await workspace();
    const customer = await createCustomer(t, ws);
    const earned = await earn(ws, customer.id, { points: 90 });
    const before = await stored(ws);
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/loyalty/members/${customer.id}`],
      ['GET', `/api/loyalty/members/${customer.id}/entries`],
      ['GET', `/api/loyalty/entries/${earned.id}`],
      ['POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 5, reason: 'x', externalId: 'steal-1' }],
      ['POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 5, externalId: 'steal-2' }],
      ['POST', `/api/loyalty/entries/${earned.id}/reversal`, { reason: 'x' }],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await call(other, method as 'GET', url, payload, { role: 'owner' });
      expect([res.status, res.body.code], `${method} ${url}`).toEqual([404, 'not_found']);
      expect(JSON.stringify(res.body)).not.toContain(customer.id);
    }
    expect(await stored(ws)).toEqual(before);
    expect(await stored(other)).toEqual({ members: 0, entries: 0, postings: 0, lots: 0, draws: 0 });
    expect((await call(other, 'GET', '/api/loyalty/verify', undefined, { role: 'owner' })).body.counts).toEqual({ members: 0, entries: 0, postings: 0, lots: 0 });
  });

  it('lets agents earn and spend, managers correct, analysts read', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const earned = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 10, reason: 'جبران', externalId: 'goodwill-1' }, { role: 'agent' });
    expect(earned.status).toBe(201);
    expect((await call(ws, 'POST', `/api/loyalty/entries/${earned.body.id}/reversal`, { reason: 'x' }, { role: 'agent' })).status).toBe(403);
    expect((await call(ws, 'POST', '/api/loyalty/expiry-runs', undefined, { role: 'agent' })).status).toBe(403);
    expect((await call(ws, 'GET', '/api/loyalty/verify', undefined, { role: 'agent' })).status).toBe(403);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`, undefined, { role: 'analyst' })).status).toBe(200);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 1, externalId: 'r' }, { role: 'analyst' })).status).toBe(403);
  });

  it('answers garbage with 4xx problem+json and writes nothing', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    await earn(ws, customer.id, { points: 10 });
    const before = await stored(ws);
    const bodies: unknown[] = [
      {}, [], { points: '10', reason: 'x', externalId: 'g1' }, { points: 0, reason: 'x', externalId: 'g2' }, { points: -5, reason: 'x', externalId: 'g3' },
      { points: 1.5, reason: 'x', externalId: 'g4' }, { points: 2_000_000_000, reason: 'x', externalId: 'g5' }, { points: 5, reason: '', externalId: 'g6' },
      { points: 5, reason: 'x\u0007', externalId: 'g7' }, { points: 5, reason: 'x', externalId: 'g8', expiresAt: 'tomorrow' },
      { points: 5, reason: 'x', externalId: 'g9', customerId: customer.id }, { points: 5, reason: 'x', externalId: 'a'.repeat(201) },
      { points: 5, reason: 'x', externalId: 'g10', qualifyingPoints: -1 },
    ];
    for (const url of [`/api/loyalty/members/${customer.id}/earnings`, `/api/loyalty/members/${customer.id}/redemptions`]) {
      for (const body of bodies) {
        const res = await call(ws, 'POST', url, body);
        expect([400, 422], `${url} ${JSON.stringify(body)} → ${res.status}`).toContain(res.status);
        expect(res.type).toContain('application/problem+json');
        expect(typeof res.body.code).toBe('string');
      }
    }
    for (const url of ['/api/loyalty/members/not-a-uuid', '/api/loyalty/entries/0', '/api/loyalty/entries/abc', `/api/loyalty/members/${customer.id}/entries?cursor=x`]) {
      const res = await call(ws, 'GET', url);
      expect(res.status, url).toBe(400);
    }
    expect((await call(ws, 'GET', `/api/loyalty/members/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await call(ws, 'POST', '/api/loyalty/entries/999999999999/reversal', { reason: 'x' })).status).toBe(404);
    expect((await call(ws, 'POST', '/api/loyalty/expiry-runs', { unexpected: true })).status).toBe(400);
    expect(await stored(ws)).toEqual(before);
  });
});
