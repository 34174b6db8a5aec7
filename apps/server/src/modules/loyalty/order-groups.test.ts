import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { checkedWorkspaces, postOverSocket, type Answer } from '../../../test/loyalty-kit.ts';
import { OrderGroups } from './order-groups.ts';
import { orderGroupsOf } from './program.routes.ts';

// Single orders that arrive while the route's turns are busy are earned together, in one
// transaction (order-groups.ts), each answering what it would answer alone: its own status, its
// own order or its own problem in its own language. The turns are made busy on purpose: a member
// is locked by the test, two orders of that member take both turns and wait, and the orders sent
// meanwhile queue; then the lock goes and they run.

let t: TestApp;
let base: string;

beforeAll(async () => {
  // A pool of 20: two turns for single orders.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '20' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });

let serial = 0;
const ext = () => `G-${++serial}-${Date.now()}`;

async function program(ws: TestWorkspace): Promise<string> {
  const res = await postOverSocket(t, base, ws, '/api/loyalty/programs', {
    name: 'باشگاه', settings: { spend: { points: 1, per: 1_000, rounding: 'floor' }, pendingDays: 0, expiry: { kind: 'rolling', days: 365 } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/**
 * Both turns taken: `holder` locks two members' loyalty rows and an order of each waits on its
 * lock (two orders of one member would not take two turns). Resolves with the two orders' answers
 * still to come and a release.
 */
async function turnsTaken(ws: TestWorkspace, programId: string): Promise<{ blocked: Promise<Answer[]>; release: () => Promise<void> }> {
  const members = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
  for (const member of members) {
    const first = await postOverSocket(t, base, ws, '/api/loyalty/orders', { externalId: ext(), customerId: member, programId, lines: [{ id: '1', amount: 5_000 }] });
    expect(first.status).toBe(201);
  }
  const holder = new pg.Client({ connectionString: t.databaseUrl });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT 1 FROM loyalty_members WHERE tenant_id = $1 AND customer_id = ANY($2) FOR UPDATE', [ws.tenantId, members]);
  const blocked = Promise.all(members.map((member) => postOverSocket(t, base, ws, '/api/loyalty/orders', { externalId: ext(), customerId: member, programId, lines: [{ id: '1', amount: 7_000 }] })));
  await eventually(async () => orderGroupsOf(t.app)!.counts.running === 2, 'both turns wait on the locked members');
  return {
    blocked,
    release: async () => {
      await holder.query('ROLLBACK');
      await holder.end();
    },
  };
}

/** The transaction each order was written in. */
async function transactionsOf(ws: TestWorkspace, externalIds: string[]): Promise<Map<string, string>> {
  const { rows } = await t.database.pool.query<{ external_id: string; tx: string }>(
    'SELECT external_id, xmin::text AS tx FROM loyalty_orders WHERE tenant_id = $1 AND external_id = ANY($2)', [ws.tenantId, externalIds]);
  return new Map(rows.map((r) => [r.external_id, r.tx]));
}

describe('single orders sent at once', () => {
  it('are earned in one transaction when they wait for a turn, each answering its own order', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const customers = await Promise.all(Array.from({ length: 12 }, () => createCustomer(t, ws)));
    const { blocked, release } = await turnsTaken(ws, programId);
    const before = orderGroupsOf(t.app)!.groupSizes.length;

    const orders = Array.from({ length: 30 }, (_, i) => ({ externalId: ext(), customerId: customers[i % 12]!.id, programId, lines: [{ id: '1', amount: 1_000 * (i + 1) + 999 }] }));
    const answers = Promise.all(orders.map((o) => postOverSocket(t, base, ws, '/api/loyalty/orders', o)));
    await eventually(async () => orderGroupsOf(t.app)!.counts.waiting === 30, 'the 30 orders wait');
    await release();

    for (const answer of await blocked) expect(answer.status).toBe(201);
    const got = await answers;
    for (const [i, answer] of got.entries()) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.body).toMatchObject({ externalId: orders[i]!.externalId, customerId: orders[i]!.customerId, points: i + 1 });
    }
    // One group of 30 after the two blocked orders ran: the 30 share one transaction.
    expect(orderGroupsOf(t.app)!.groupSizes.slice(before)).toContain(30);
    const txs = await transactionsOf(ws, orders.map((o) => o.externalId));
    expect(txs.size).toBe(30);
    expect(new Set(txs.values()).size).toBe(1);
    // Each member's balance is the sum of its orders (the ledger itself is checked after the test).
    const { rows } = await t.database.pool.query<{ available: string }>('SELECT available::text FROM loyalty_members WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, customers[0]!.id]);
    expect(Number(rows[0]!.available)).toBe(1 + 13 + 25);
  });

  it('answers a refused order its own problem in its reader\'s language, a repeat the first answer, and the others still earn', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const [a, b] = [await createCustomer(t, ws), await createCustomer(t, ws)];
    const { blocked, release } = await turnsTaken(ws, programId);

    const twice = { externalId: ext(), customerId: a.id, programId, lines: [{ id: '1', amount: 9_000 }] };
    const good = { externalId: ext(), customerId: b.id, programId, lines: [{ id: '1', amount: 4_000 }] };
    const sent = Promise.all([
      postOverSocket(t, base, ws, '/api/loyalty/orders', { externalId: ext(), customerId: '00000000-0000-4000-8000-000000000001', programId, lines: [{ id: '1', amount: 1_000 }] }, { 'accept-language': 'fa' }),
      postOverSocket(t, base, ws, '/api/loyalty/orders', { externalId: ext(), customerId: b.id, programId, lines: [{ id: '1', amount: 1_000 }, { id: '1', amount: 2_000 }] }, { 'accept-language': 'ar' }),
      postOverSocket(t, base, ws, '/api/loyalty/orders', twice),
      postOverSocket(t, base, ws, '/api/loyalty/orders', twice),
      postOverSocket(t, base, ws, '/api/loyalty/orders', { ...twice, lines: [{ id: '1', amount: 1 }] }),
      postOverSocket(t, base, ws, '/api/loyalty/orders', good),
    ]);
    await eventually(async () => orderGroupsOf(t.app)!.counts.waiting === 6, 'the six orders wait');
    await release();
    await blocked;
    const [unknown, repeated, first, again, conflicting, earned] = await sent;

    expect(unknown!.status).toBe(404);
    expect(unknown!.type).toContain('application/problem+json');
    expect(unknown!.body.code).toBe('not_found');
    expect(unknown!.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect(repeated!.status).toBe(422);
    expect(repeated!.body.code).toBe('order_line_repeated');
    expect(repeated!.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect([first!.status, again!.status].sort()).toEqual([200, 201]);
    expect(again!.body).toEqual(first!.body);
    expect(first!.body).toMatchObject({ points: 9 });
    expect(conflicting!.status).toBe(409);
    expect(conflicting!.body.code).toBe('external_id_conflict');
    expect(earned!.status).toBe(201);
    expect(earned!.body).toMatchObject({ points: 4 });
    // Nothing of the refused orders was written; the accepted ones once.
    const { rows } = await t.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM loyalty_orders WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows[0]!.n).toBe(4 + 2);
  });

  it('keeps workspaces apart: orders of two workspaces waiting at once each land in their own', async () => {
    const [ws, other] = [await workspace(), await workspace()];
    const [pa, pb] = [await program(ws), await program(other)];
    const ca = await createCustomer(t, ws);
    const cb = await createCustomer(t, other);
    const { blocked, release } = await turnsTaken(ws, pa);
    const sent = Promise.all([
      ...Array.from({ length: 5 }, () => postOverSocket(t, base, ws, '/api/loyalty/orders', { externalId: ext(), customerId: ca.id, programId: pa, lines: [{ id: '1', amount: 2_000 }] })),
      ...Array.from({ length: 5 }, () => postOverSocket(t, base, other, '/api/loyalty/orders', { externalId: ext(), customerId: cb.id, programId: pb, lines: [{ id: '1', amount: 3_000 }] })),
      // A customer of the other workspace named in this one is not found here.
      postOverSocket(t, base, ws, '/api/loyalty/orders', { externalId: ext(), customerId: cb.id, programId: pa, lines: [{ id: '1', amount: 3_000 }] }),
    ]);
    await eventually(async () => orderGroupsOf(t.app)!.counts.waiting === 11, 'the eleven orders wait');
    await release();
    await blocked;
    const answers = await sent;
    expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(201), 404]);
    const sums = await t.database.pool.query<{ tenant_id: string; points: number; orders: number }>(
      'SELECT tenant_id, sum(points)::int AS points, count(*)::int AS orders FROM loyalty_orders WHERE tenant_id = ANY($1) GROUP BY tenant_id', [[ws.tenantId, other.tenantId]]);
    const byTenant = new Map(sums.rows.map((r) => [r.tenant_id, r]));
    expect(byTenant.get(ws.tenantId)).toMatchObject({ points: 5 * 2 + 2 * 5 + 2 * 7, orders: 9 });
    expect(byTenant.get(other.tenantId)).toMatchObject({ points: 5 * 3, orders: 5 });
  });

  it('earns an order sent with an Idempotency-Key alone, a concurrent retry replaying the first answer', async () => {
    const ws = await workspace();
    const programId = await program(ws);
    const c = await createCustomer(t, ws);
    const order = { externalId: ext(), customerId: c.id, programId, lines: [{ id: '1', amount: 6_000 }] };
    const [x, y] = await Promise.all([1, 2].map(() => postOverSocket(t, base, ws, '/api/loyalty/orders', order, { 'idempotency-key': `k-${order.externalId}` })));
    expect([x!.status, y!.status]).toEqual([201, 201]);
    expect(x!.body).toEqual(y!.body);
    expect(x!.body).toMatchObject({ points: 6 });
    const { rows } = await t.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM loyalty_orders WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('the groups themselves', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => { resolve = r; });
    return { promise, resolve };
  };

  it('never takes an order whose member a running group holds, and takes it next', async () => {
    const [gate, other] = [deferred(), deferred()];
    const groups: string[][] = [];
    const run = async (items: string[]) => {
      groups.push(items);
      if (items.includes('m1:a')) await gate.promise;
      if (items.includes('x:a')) await other.promise;
      return items;
    };
    const g = new OrderGroups<string, string>({ many: (_key, items) => run(items), one: async (_key, item) => (await run([item]))[0]! }, 2, 50);
    const submit = (item: string) => g.submit('w', item.split(':')[0]!, item);
    const first = submit('m1:a');
    const second = submit('x:a');
    expect(g.counts.running).toBe(2);
    const later = ['m1:b', 'm2:a', 'm3:a', 'm1:c'].map(submit);
    expect(g.counts.waiting).toBe(4);
    other.resolve();
    await eventually(async () => groups.length === 3, 'the free turn took what it could');
    expect(groups[2]).toEqual(['m2:a', 'm3:a']);
    expect(g.counts.waiting).toBe(2);
    gate.resolve();
    expect(await Promise.all([first, second, ...later])).toEqual(['m1:a', 'x:a', 'm1:b', 'm2:a', 'm3:a', 'm1:c']);
    expect(groups[3]).toEqual(['m1:b', 'm1:c']);
  });

  it('earns a failed group\'s orders again one by one, so one bad order fails only itself', async () => {
    const gate = deferred();
    const work = {
      many: async (_key: string, items: string[]) => { if (items.includes('bad')) throw new Error('deadlock'); return items; },
      one: async (_key: string, item: string) => { if (item === 'hold') await gate.promise; if (item === 'bad') throw new Error('bad order'); return item; },
    };
    const g = new OrderGroups<string, string>(work, 1, 50);
    const hold = g.submit('w', 'h', 'hold');
    const results = ['ok1', 'bad', 'ok2'].map((item, i) => g.submit('w', `m${i}`, item).then((r) => `got ${r}`, (e: Error) => `refused: ${e.message}`));
    await eventually(async () => g.counts.waiting === 3, 'three wait');
    gate.resolve();
    await hold;
    expect(await Promise.all(results)).toEqual(['got ok1', 'refused: bad order', 'got ok2']);
  });

  it('caps a group and gives the next turn to another workspace waiting', async () => {
    const gate = deferred();
    const groups: { key: string; items: string[] }[] = [];
    const work = {
      many: async (key: string, items: string[]) => { groups.push({ key, items }); return items; },
      one: async (key: string, item: string) => { groups.push({ key, items: [item] }); if (item === 'hold') await gate.promise; return item; },
    };
    const g = new OrderGroups<string, string>(work, 1, 3);
    const hold = g.submit('a', 'h', 'hold');
    const sent = [
      ...['a1', 'a2', 'a3', 'a4', 'a5'].map((i) => g.submit('a', i, i)),
      ...['b1', 'b2'].map((i) => g.submit('b', i, i)),
    ];
    await eventually(async () => g.counts.waiting === 7, 'seven wait');
    gate.resolve();
    await Promise.all([hold, ...sent]);
    expect(groups.slice(1)).toEqual([
      { key: 'a', items: ['a1', 'a2', 'a3'] },
      { key: 'b', items: ['b1', 'b2'] },
      { key: 'a', items: ['a4', 'a5'] },
    ]);
  });
});
