import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { checkedWorkspaces } from '../../../test/loyalty-kit.ts';
import { BatchTurns } from './orders-batch.service.ts';

// POST /api/loyalty/orders/batch over real HTTP: each order of a batch earns what the single
// route gives it sent alone, in the batch's order (checked against the single route in a twin
// workspace with the same program), a refused order answers its own problem and writes nothing,
// replays earn nothing twice, and the ledger holds together after every scenario.

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '20' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });

type Role = keyof TestWorkspace['keys'];
interface Answer {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers, read as the tests need
  type: string;
  headers: Headers;
}

async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, options: { role?: Role; headers?: Record<string, string>; raw?: string } = {}): Promise<Answer> {
  const body = options.raw ?? (payload === undefined ? undefined : JSON.stringify(payload));
  const res = await fetch(`${base}${url}`, {
    method, body,
    headers: { ...t.auth(ws.keys[options.role ?? 'manager']), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, type: String(res.headers.get('content-type')), headers: res.headers };
}

const batch = (ws: TestWorkspace, orders: unknown[], options: { role?: Role; headers?: Record<string, string> } = {}) =>
  call(ws, 'POST', '/api/loyalty/orders/batch', { orders }, options);

const settings = {
  spend: { points: 1, per: 1_000, rounding: 'floor' },
  categoryMultipliers: { dairy: 200 },
  skuMultipliers: { 'milk-1l': 150 },
  caps: { perOrder: 500, perDay: null },
  pendingDays: 7,
  expiry: { kind: 'rolling', days: 365 },
};

async function program(ws: TestWorkspace, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه مشتریان', settings: { ...settings, ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

let serial = 0;
const ext = () => `B-${++serial}-${Date.now()}`;
const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;

/** What an order earned, without what differs between two workspaces (ids, instants). */
const earned = (o: Record<string, any>) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
  points: o.points, capped: o.capped, lines: o.lines, pending: o.pendingUntil !== null,
  pendingFor: o.pendingUntil === null ? null : Math.round((Date.parse(o.pendingUntil) - Date.parse(o.createdAt)) / 3_600_000),
  expires: o.expiresAt !== null, entry: o.entryId !== null,
});

/**
 * The same orders in two workspaces with the same program and as many customers: one batch in
 * the first, one single request per order in the second. Returns both answers.
 */
async function twins(programSettings: Record<string, unknown>, customers: number, orders: (customer: string[]) => Record<string, unknown>[]) {
  const [a, b] = [await workspace(), await workspace()];
  const [pa, pb] = [await program(a, programSettings), await program(b, programSettings)];
  const ca: string[] = [];
  const cb: string[] = [];
  for (let i = 0; i < customers; i++) {
    ca.push((await createCustomer(t, a)).id);
    cb.push((await createCustomer(t, b)).id);
  }
  const sent = await batch(a, orders(ca).map((o) => ({ ...o, programId: pa })));
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const singles: Answer[] = [];
  for (const o of orders(cb)) singles.push(await call(b, 'POST', '/api/loyalty/orders', { ...o, programId: pb }));
  return { a, b, ca, cb, sent, singles };
}

describe('a batch of orders', () => {
  it('earns each order what the single route gives it, caps and multipliers included, with the same balances and one event per earning order', async () => {
    const lines = [
      [{ id: '1', sku: 'milk-1l', category: 'dairy', amount: 123_456 }, { id: '2', category: 'dairy', amount: 77_700 }],
      [{ id: '1', amount: 999 }],
      [{ id: '1', amount: 2_000_000 }],
      [{ id: 'a', category: 'bread', amount: 45_500 }, { id: 'b', sku: 'milk-1l', amount: 10_001 }],
    ];
    const ids = Array.from({ length: 8 }, () => ext());
    const { a, b, ca, cb, sent, singles } = await twins({}, 3, (c) => ids.map((externalId, i) => ({ externalId, customerId: c[i % 3]!, lines: lines[i % lines.length] })));
    expect(sent.body).toMatchObject({ created: 8, replayed: 0, failed: 0 });
    expect(sent.body.results.map((r: Record<string, unknown>) => [r.index, r.externalId, r.outcome, r.status])).toEqual(ids.map((id, i) => [i, id, 'created', 201]));
    for (const [i, single] of singles.entries()) {
      expect(single.status).toBe(201);
      expect(earned(sent.body.results[i].order), `order ${i}`).toEqual(earned(single.body));
    }
    // The per-order cap bit on the large order; the 999 order earned nothing and has no entry.
    expect(sent.body.results[2].order).toMatchObject({ points: 500, capped: 'order' });
    expect(sent.body.results[1].order).toMatchObject({ points: 0, entryId: null });
    const sums = async (ws: TestWorkspace, c: string) => { const { available, pending, qualifying } = await balance(ws, c); return { available, pending, qualifying }; };
    for (let i = 0; i < 3; i++) expect(await sums(a, ca[i]!)).toEqual(await sums(b, cb[i]!));
    // Each order reads back as the single route wrote it.
    const back = await call(a, 'GET', `/api/loyalty/orders/${ids[0]}`);
    expect(back.body).toEqual(sent.body.results[0].order);
    // Subscribers (tiers, games, referrals, charity) see each earning order, as after single requests.
    const events = async (ws: TestWorkspace) => (await t.database.pool.query(
      `SELECT payload->>'externalId' AS ext, payload->>'points' AS points FROM outbox_events WHERE tenant_id = $1 AND topic = 'loyalty.points_earned' ORDER BY id`, [ws.tenantId],
    )).rows;
    expect(await events(a)).toEqual(await events(b));
    expect((await events(a)).length).toBe(sent.body.results.filter((r: Record<string, any>) => r.order.points > 0).length); // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
  });

  it('counts a member\'s earlier orders of the same batch against the daily cap, as it counts earlier requests', async () => {
    const ids = Array.from({ length: 5 }, () => ext());
    const amounts = [60_000, 60_000, 30_000, 50_000, 10_000];
    const { sent, singles } = await twins({ caps: { perOrder: null, perDay: 150 }, pendingDays: 0 }, 2,
      (c) => ids.map((externalId, i) => ({ externalId, customerId: c[i === 3 ? 1 : 0]!, lines: [{ id: '1', amount: amounts[i] }] })));
    // Customer 0: 60, 60, then 30 of 30 (150 reached), then 0; customer 1 has a day of its own: 50.
    expect(sent.body.results.map((r: Record<string, any>) => [r.order.points, r.order.capped])).toEqual([[60, null], [60, null], [30, null], [50, null], [0, 'day']]); // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
    for (const [i, single] of singles.entries()) expect(earned(sent.body.results[i].order)).toEqual(earned(single.body));
  });

  it('counts what the member earned earlier today by single requests, and a later single request counts the batch', async () => {
    const ws = await workspace();
    const programId = await program(ws, { caps: { perOrder: null, perDay: 100 }, pendingDays: 0 });
    const customer = (await createCustomer(t, ws)).id;
    expect((await call(ws, 'POST', '/api/loyalty/orders', { externalId: ext(), customerId: customer, programId, lines: [{ id: '1', amount: 40_000 }] })).body.points).toBe(40);
    const sent = await batch(ws, [{ externalId: ext(), customerId: customer, programId, lines: [{ id: '1', amount: 50_000 }] }]);
    expect(sent.body.results[0].order.points).toBe(50);
    const after = await call(ws, 'POST', '/api/loyalty/orders', { externalId: ext(), customerId: customer, programId, lines: [{ id: '1', amount: 50_000 }] });
    expect(after.body).toMatchObject({ points: 10, capped: 'day' });
    expect((await balance(ws, customer)).available).toBe(100);
  });

  it('earns a program with tiers order by order: an upgrade mid-batch lifts the next order\'s multiplier, as with single requests', async () => {
    const tiers = async (ws: TestWorkspace, programId: string) => {
      const put = await call(ws, 'PUT', `/api/loyalty/programs/${programId}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'none', graceDays: 0 });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      for (const [name, threshold, multiplierPercent] of [[{ fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, 100, 100], [{ fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, 300, 150]] as const) {
        expect((await call(ws, 'POST', `/api/loyalty/programs/${programId}/tiers`, { name, threshold, multiplierPercent })).status).toBe(201);
      }
    };
    const [a, b] = [await workspace(), await workspace()];
    const tierSettings = { spend: { points: 1, per: 1_000 }, caps: { perOrder: null, perDay: null }, pendingDays: 0, expiry: { kind: 'never' } };
    const [pa, pb] = [await program(a, tierSettings), await program(b, tierSettings)];
    await tiers(a, pa);
    await tiers(b, pb);
    const [ca, cb] = [(await createCustomer(t, a)).id, (await createCustomer(t, b)).id];
    const ids = [ext(), ext(), ext()];
    const amounts = [250_000, 100_000, 100_000];
    const sent = await batch(a, ids.map((externalId, i) => ({ externalId, customerId: ca, programId: pa, lines: [{ id: '1', amount: amounts[i] }] })));
    const singles: Answer[] = [];
    for (const [i, externalId] of ids.entries()) singles.push(await call(b, 'POST', '/api/loyalty/orders', { externalId, customerId: cb, programId: pb, lines: [{ id: '1', amount: amounts[i] }] }));
    // 250 (silver), 100 → 350 (gold), then ×1.5: 150.
    expect(sent.body.results.map((r: Record<string, any>) => r.order.points)).toEqual([250, 100, 150]); // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
    for (const [i, single] of singles.entries()) expect(earned(sent.body.results[i].order)).toEqual(earned(single.body));
    expect((await call(a, 'GET', `/api/loyalty/programs/${pa}/members/${ca}/tier`)).body.tier?.multiplierPercent).toBe(150);
  });
});

describe('replays', () => {
  it('answers a batch sent again with its Idempotency-Key as the first time, and orders already earned as replayed, without points twice', async () => {
    const ws = await workspace();
    const programId = await program(ws, { pendingDays: 0 });
    const [c1, c2] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const first = [ext(), ext()];
    const orders = first.map((externalId, i) => ({ externalId, customerId: i ? c2 : c1, programId, lines: [{ id: '1', amount: 100_000 }] }));
    const key = { 'idempotency-key': `batch-${ext()}` };
    const sent = await batch(ws, orders, { headers: key });
    expect(sent.body).toMatchObject({ created: 2, replayed: 0, failed: 0 });
    const again = await batch(ws, orders, { headers: key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(sent.body);

    // Without the key (or under another): the known orders are replayed with their first answer, the new one earns.
    const fresh = ext();
    const mixed = await batch(ws, [...orders, { externalId: fresh, customerId: c1, programId, lines: [{ id: '1', amount: 30_000 }] }]);
    expect(mixed.body).toMatchObject({ created: 1, replayed: 2, failed: 0 });
    expect(mixed.body.results.map((r: Record<string, unknown>) => r.outcome)).toEqual(['replayed', 'replayed', 'created']);
    expect(mixed.body.results[0].order).toEqual(sent.body.results[0].order);
    // A single request for an order the batch earned replays it too.
    const single = await call(ws, 'POST', '/api/loyalty/orders', orders[1]);
    expect(single.status).toBe(200);
    expect(single.body).toEqual(sent.body.results[1].order);
    expect((await balance(ws, c1)).available).toBe(130);
    expect((await balance(ws, c2)).available).toBe(100);
  });

  it('answers an external id sent twice in one batch once: the same order replayed, another customer 409 external_id_conflict', async () => {
    const ws = await workspace();
    const programId = await program(ws, { pendingDays: 0 });
    const [c1, c2] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const id = ext();
    const order = { externalId: id, customerId: c1, programId, lines: [{ id: '1', amount: 100_000 }] };
    const sent = await batch(ws, [order, order, { ...order, customerId: c2 }, { ...order, lines: [{ id: '1', amount: 1 }] }]);
    expect(sent.body.results.map((r: Record<string, any>) => [r.outcome, r.status, r.problem?.code])).toEqual([ // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
      ['created', 201, undefined], ['replayed', 200, undefined], ['problem', 409, 'external_id_conflict'], ['problem', 409, 'external_id_conflict'],
    ]);
    expect(sent.body.results[1].order).toEqual(sent.body.results[0].order);
    expect((await balance(ws, c1)).available).toBe(100);
    expect((await balance(ws, c2)).available ?? 0).toBe(0);
  });

  it('earns each order once when the same batch arrives several times at once, and overlapping batches do not deadlock', async () => {
    const ws = await workspace();
    const programId = await program(ws, { pendingDays: 0 });
    const customers: string[] = [];
    for (let i = 0; i < 6; i++) customers.push((await createCustomer(t, ws)).id);
    const orders = customers.flatMap((customerId) => [ext(), ext()].map((externalId) => ({ externalId, customerId, programId, lines: [{ id: '1', amount: 10_000 }] })));
    const answers = await Promise.all([batch(ws, orders), batch(ws, [...orders].reverse()), batch(ws, orders), call(ws, 'POST', '/api/loyalty/orders', orders[3])]);
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBeLessThan(300);
    const created = answers.slice(0, 3).reduce((n, a) => n + a.body.created, 0) + (answers[3]!.status === 201 ? 1 : 0);
    expect(created).toBe(orders.length);
    for (const c of customers) expect((await balance(ws, c)).available).toBe(20);
  });
});

describe('member locks', () => {
  it('waits for a member another transaction holds without holding the batch\'s other members meanwhile', async () => {
    const ws = await workspace();
    const programId = await program(ws, { pendingDays: 0 });
    const [first, second] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id].sort();
    const order = (customerId: string) => ({ externalId: ext(), customerId, programId, lines: [{ id: '1', amount: 10_000 }] });
    for (const c of [first!, second!]) expect((await call(ws, 'POST', '/api/loyalty/orders', order(c))).status).toBe(201);
    // Another transaction holds the member that sorts last.
    const holder = await t.database.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM loyalty_members WHERE tenant_id = $1 AND customer_id = $2 FOR NO KEY UPDATE', [ws.tenantId, second]);
      const pending = batch(ws, [order(first!), order(second!)]);
      // The batch is waiting for that member...
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%loyalty_members%FOR NO KEY UPDATE%' AND pid <> pg_backend_pid()`);
        if (rows[0].n > 0) break;
        if (Date.now() > deadline) throw new Error('the batch never waited for the held member');
        await new Promise((r) => setTimeout(r, 20));
      }
      // ...and holds no lock on the other one: a single order for it goes through meanwhile.
      const single = call(ws, 'POST', '/api/loyalty/orders', order(first!));
      const outcome = await Promise.race([single, new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 30_000))]);
      expect(outcome === 'blocked' ? 'blocked' : outcome.status).toBe(201);
      await holder.query('COMMIT');
      expect((await pending).body).toMatchObject({ created: 2, failed: 0 });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    expect((await balance(ws, first!)).available).toBe(30);
    expect((await balance(ws, second!)).available).toBe(20);
  });
});

describe('refusals', () => {
  it('answers a bad order its own problem, localised, writing nothing for it, while the good ones land', async () => {
    const ws = await workspace();
    const programId = await program(ws, { pendingDays: 0 });
    const good = (await createCustomer(t, ws)).id;
    const untouched = (await createCustomer(t, ws)).id;
    const orders = [
      { externalId: ext(), customerId: good, programId, lines: [{ id: '1', amount: 10_000 }] },
      { externalId: ext(), customerId: untouched, programId, lines: [{ id: '1', amount: 10_000 }, { id: '1', amount: 5_000 }] },
      { externalId: ext(), customerId: '00000000-0000-4000-8000-000000000000', programId, lines: [{ id: '1', amount: 10_000 }] },
      { externalId: ext(), customerId: untouched, programId: '00000000-0000-4000-8000-000000000001', lines: [{ id: '1', amount: 10_000 }] },
      { externalId: ext(), customerId: good, programId, lines: [{ id: '1', amount: 20_000 }] },
    ];
    const sent = await batch(ws, orders, { headers: { 'accept-language': 'fa' } });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ created: 2, replayed: 0, failed: 3 });
    expect(sent.body.results.map((r: Record<string, any>) => [r.outcome, r.status, r.problem?.code])).toEqual([ // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
      ['created', 201, undefined], ['problem', 422, 'order_line_repeated'], ['problem', 404, 'not_found'], ['problem', 422, 'program_not_found'], ['created', 201, undefined],
    ]);
    const repeated = sent.body.results[1].problem;
    expect(repeated).toMatchObject({ status: 422, code: 'order_line_repeated', errors: [{ field: 'lines', code: 'order_line_repeated' }] });
    expect(repeated.detail).toMatch(/[\u0600-\u06FF]/);
    expect((await balance(ws, good)).available).toBe(30);
    const refused = await call(ws, 'GET', `/api/loyalty/members/${untouched}`);
    expect(refused.status === 404 || refused.body.available === 0).toBe(true);
    expect((await call(ws, 'GET', `/api/loyalty/orders/${orders[1]!.externalId}`)).status).toBe(404);
  });

  it('answers a merged customer\'s order 409 customer_merged, as the single route does', async () => {
    const ws = await workspace();
    const programId = await program(ws, { pendingDays: 0 });
    const [kept, merged] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const merge = await call(ws, 'POST', `/api/customers/${kept}/merge`, { sourceId: merged }, { role: 'owner' });
    expect(merge.status, JSON.stringify(merge.body)).toBe(200);
    const order = (customerId: string) => ({ externalId: ext(), customerId, programId, lines: [{ id: '1', amount: 10_000 }] });
    const sent = await batch(ws, [order(merged), order(kept)]);
    const single = await call(ws, 'POST', '/api/loyalty/orders', order(merged));
    expect(sent.body.results.map((r: Record<string, any>) => [r.outcome, r.status, r.problem?.code])).toEqual([['problem', 409, single.body.code], ['created', 201, undefined]]); // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
    expect(single.body.code).toBe('customer_merged');
  });

  it('refuses garbage with a 4xx problem+json: too many orders, none, wrong types, unknown fields, deep nesting, not JSON', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const customerId = (await createCustomer(t, ws)).id;
    const one = { externalId: 'x', customerId, programId, lines: [{ id: '1', amount: 1 }] };
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = { a: deep };
    const cases: [string, unknown, string?][] = [
      ['501 orders', { orders: Array.from({ length: 501 }, (_, i) => ({ ...one, externalId: `x${i}` })) }],
      ['no orders', { orders: [] }],
      ['orders not a list', { orders: 'x' }],
      ['amount a string', { orders: [{ ...one, lines: [{ id: '1', amount: '1' }] }] }],
      ['negative amount', { orders: [{ ...one, lines: [{ id: '1', amount: -5 }] }] }],
      ['customer not a uuid', { orders: [{ ...one, customerId: 'me' }] }],
      ['unknown field', { orders: [one], extra: true }],
      ['deep nesting', { orders: [{ ...one, lines: [{ id: '1', amount: 1, deep }] }] }],
      ['not JSON', undefined, '{"orders": ['],
    ];
    for (const [name, payload, raw] of cases) {
      const res = await call(ws, 'POST', '/api/loyalty/orders/batch', payload, raw === undefined ? {} : { raw });
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expect(res.type, name).toContain('application/problem+json');
      expect(typeof res.body.code, name).toBe('string');
    }
    expect((await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body.available ?? 0).toBe(0);
  });

  it('keeps workspaces apart: another workspace\'s customer or program is unknown here and its ledger is untouched', async () => {
    const [ws, other] = [await workspace(), await workspace()];
    const programId = await program(ws, { pendingDays: 0 });
    const otherProgram = await program(other, { pendingDays: 0 });
    const mine = (await createCustomer(t, ws)).id;
    const theirs = (await createCustomer(t, other)).id;
    const sent = await batch(ws, [
      { externalId: ext(), customerId: theirs, programId, lines: [{ id: '1', amount: 10_000 }] },
      { externalId: ext(), customerId: mine, programId: otherProgram, lines: [{ id: '1', amount: 10_000 }] },
      { externalId: ext(), customerId: mine, programId, lines: [{ id: '1', amount: 10_000 }] },
    ]);
    expect(sent.body.results.map((r: Record<string, any>) => [r.outcome, r.problem?.code])).toEqual([['problem', 'not_found'], ['problem', 'program_not_found'], ['created', undefined]]); // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers
    const count = await t.database.pool.query('SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1', [other.tenantId]);
    expect(count.rows[0].n).toBe(0);
    expect((await call(other, 'GET', `/api/loyalty/members/${theirs}`)).body.available ?? 0).toBe(0);
  });

  it('needs loyalty:write: a read-only key gets 403, no key 401', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const customerId = (await createCustomer(t, ws)).id;
    const orders = [{ externalId: ext(), customerId, programId, lines: [{ id: '1', amount: 10_000 }] }];
    const refused = await batch(ws, orders, { role: 'analyst' });
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    const anonymous = await fetch(`${base}/api/loyalty/orders/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orders }) });
    expect(anonymous.status).toBe(401);
    expect((await batch(ws, orders, { role: 'agent' })).body.created).toBe(1);
  });
});

describe('batch turns', () => {
  it('runs at most its slots of batches at once, each waiting batch in its turn, and frees a slot when a batch fails', async () => {
    const turns = new BatchTurns(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      return { promise, resolve };
    });
    const runs = gates.map((gate, i) => turns.run(async () => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      await gate.promise;
      running--;
      if (i === 1) throw new Error('refused');
      return i;
    }));
    const settled = Promise.allSettled(runs);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    for (const gate of gates) {
      gate.resolve();
      await new Promise((r) => setImmediate(r));
    }
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('gives a free slot to the first waiting batch that shares no member with the batches running, and to one passed over too often whatever it shares', async () => {
    const tick = () => new Promise((r) => setImmediate(r));
    const gated = (turns: BatchTurns, started: string[], name: string, members: string[]) => {
      let open!: () => void;
      const gate = new Promise<void>((r) => { open = r; });
      const done = turns.run(async () => { started.push(name); await gate; return name; }, members);
      return { open, done };
    };
    const turns = new BatchTurns(2);
    const started: string[] = [];
    const a = gated(turns, started, 'a', ['m1', 'm2']);
    const b = gated(turns, started, 'b', ['m3']);
    const c = gated(turns, started, 'c', ['m2', 'm9']);
    const d = gated(turns, started, 'd', ['m4']);
    await tick();
    expect(started).toEqual(['a', 'b']);
    // b's slot: c shares m2 with a, so d, which came after it, goes first.
    b.open();
    await tick();
    expect(started).toEqual(['a', 'b', 'd']);
    expect(turns.counts).toEqual({ running: 2, waiting: 1 });
    // a done: c shares nothing with d.
    a.open();
    await tick();
    expect(started).toEqual(['a', 'b', 'd', 'c']);
    c.open();
    d.open();
    expect(await Promise.all([a.done, b.done, c.done, d.done])).toEqual(['a', 'b', 'c', 'd']);

    // Patience 1: passed over once, a batch takes the next free slot even beside a batch sharing its member.
    const patient = new BatchTurns(2, 1);
    const order: string[] = [];
    const p = gated(patient, order, 'p', ['m1']);
    const q = gated(patient, order, 'q', ['m1']);
    const r = gated(patient, order, 'r', ['m2']);
    const s = gated(patient, order, 's', ['m3']);
    await tick();
    expect(order).toEqual(['p', 'r']);
    r.open();
    await tick();
    expect(order).toEqual(['p', 'r', 'q']);
    p.open();
    q.open();
    s.open();
    await Promise.all([p.done, q.done, r.done, s.done]);
    expect(order).toEqual(['p', 'r', 'q', 's']);
    expect(patient.counts).toEqual({ running: 0, waiting: 0 });
  });
});
