import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { earnPoints, redeemPoints, settleDueBatch, settleDueEverywhere, verifyLedger, type LedgerContext } from './index.ts';
import { workspacesWithDueLots } from './ledger.repo.ts';

// The expiry run and `verify` as bench/loyalty-scale.bench.ts measures them at 10,000,000 lots,
// here at a size a test can read lot by lot: the run expires exactly the lots past their expiry
// (whatever the batch size), a second run expires nothing, and verify still sees drift.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const DAY_MS = 86_400_000;
const inDays = (days: number, from: Date) => new Date(from.getTime() + days * DAY_MS);

interface Seeded {
  ws: TestWorkspace;
  /** lot id → the points a run at day 10 must take from it */
  due: Map<number, number>;
  /** lot id → remaining, for the lots it must leave alone */
  kept: Map<number, number>;
  customers: string[];
}

/**
 * Members with, each: a lot expiring on day 5 (due at day 10), one on day 20, one that never
 * expires, one pending until day 15; every fourth a lot pending until day 3 that expires on day 8
 * (unlocked, then expired, by the same run); every fifth a second due lot; every third spent 15
 * points, drawn on its soonest-expiring lot.
 */
async function seed(members: number, now: Date): Promise<Seeded> {
  const ws = await t.createWorkspace();
  const ctx: LedgerContext = { tenantId: ws.tenantId, source: 'system:test', now };
  const due = new Map<number, number>();
  const kept = new Map<number, number>();
  const customers: string[] = [];
  for (let i = 0; i < members; i += 1) {
    const customerId = (await createCustomer(t, ws)).id;
    customers.push(customerId);
    await t.database.db.transaction(async (tx) => {
      const earn = async (points: number, extra: { expiresAt?: Date; pendingUntil?: Date }) => (await earnPoints(tx, ctx, customerId, {
        points, reason: 'خرید', externalId: `${customerId}-${points}`,
        ...(extra.expiresAt ? { expiresAt: extra.expiresAt.toISOString() } : {}), ...(extra.pendingUntil ? { pendingUntil: extra.pendingUntil.toISOString() } : {}),
      })).entry.lot!.id;
      const first = await earn(40 + i, { expiresAt: inDays(5, now) });
      due.set(first, 40 + i);
      kept.set(await earn(300 + i, { expiresAt: inDays(20, now) }), 300 + i);
      kept.set(await earn(500 + i, {}), 500 + i);
      kept.set(await earn(700 + i, { pendingUntil: inDays(15, now), expiresAt: inDays(40, now) }), 700 + i);
      if (i % 4 === 0) due.set(await earn(900 + i, { pendingUntil: inDays(3, now), expiresAt: inDays(8, now) }), 900 + i);
      if (i % 5 === 0) due.set(await earn(1_100 + i, { expiresAt: inDays(7, now) }), 1_100 + i);
      if (i % 3 === 0) {
        await redeemPoints(tx, ctx, customerId, { points: 15, externalId: `spend-${customerId}` });
        due.set(first, 40 + i - 15);
      }
    });
  }
  return { ws, due, kept, customers };
}

async function lots(tenantId: string): Promise<Map<number, number>> {
  const { rows } = await t.database.pool.query<{ id: string; remaining: string }>('SELECT id, remaining FROM loyalty_lots WHERE tenant_id = $1', [tenantId]);
  return new Map(rows.map((r) => [Number(r.id), Number(r.remaining)]));
}

/** What the expiry entries drew, per lot. */
async function expired(tenantId: string): Promise<Map<number, number>> {
  const { rows } = await t.database.pool.query<{ lot_id: string; taken: string }>(`
    SELECT d.lot_id, sum(d.amount) AS taken FROM loyalty_draws d JOIN loyalty_entries e ON e.tenant_id = d.tenant_id AND e.id = d.entry_id
    WHERE d.tenant_id = $1 AND e.kind = 'expire' GROUP BY d.lot_id`, [tenantId]);
  return new Map(rows.map((r) => [Number(r.lot_id), Number(r.taken)]));
}

/**
 * The hourly job's run (settleDueEverywhere) for one workspace: a transaction per batch until a
 * batch finds nothing. (The job itself would also settle the other test files' workspaces in a
 * shared database, at an instant of our choosing.)
 */
async function runJob(tenantId: string, at: Date, batch?: number, lane?: { index: number; of: number }) {
  const total = { batches: 0, members: 0, unlockedLots: 0, expiredLots: 0, expiredPoints: 0 };
  const ctx: LedgerContext = { tenantId, source: 'system:due-work', now: at };
  for (;;) {
    const { seen, result } = await t.database.db.transaction((tx) => settleDueBatch(tx, ctx, batch, lane));
    if (seen === 0) return total;
    total.batches += 1;
    total.members += result.members;
    total.unlockedLots += result.unlockedLots;
    total.expiredLots += result.expiredLots;
    total.expiredPoints += result.expiredPoints;
  }
}

const entryCount = async (tenantId: string) => Number((await t.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM loyalty_entries WHERE tenant_id = $1', [tenantId])).rows[0]!.n);

const verify = (tenantId: string, now: Date) =>
  t.database.db.transaction((tx) => verifyLedger(tx, tenantId, now), { isolationLevel: 'repeatable read', accessMode: 'read only' });

describe('expiry at size, small', () => {
  it('the hourly run expires exactly the lots past their expiry, a second run expires nothing, and verify finds the ledger clean', async () => {
    const now = new Date();
    const { ws, due, kept } = await seed(12, now);
    const at = inDays(10, now);

    expect(await workspacesWithDueLots(t.database.db, at)).toContain(ws.tenantId);
    expect(await workspacesWithDueLots(t.database.db, inDays(2, now))).not.toContain(ws.tenantId); // first due: an unlock on day 3
    const first = await runJob(ws.tenantId, at);
    expect(first.expiredLots).toBe(due.size);
    expect(first.expiredPoints).toBe([...due.values()].reduce((a, b) => a + b, 0));
    expect(first.unlockedLots).toBe(3); // the lots pending until day 3, of members 0, 4 and 8
    expect(await expired(ws.tenantId)).toEqual(due);
    const after = await lots(ws.tenantId);
    for (const id of due.keys()) expect(after.get(id), `due lot ${id}`).toBe(0);
    for (const [id, remaining] of kept) expect(after.get(id), `lot ${id} not due`).toBe(remaining);
    await expectLedgerBalanced(t, ws.tenantId);

    // Safe to re-run: nothing left to expire, nothing written.
    const entries = await entryCount(ws.tenantId);
    expect(await workspacesWithDueLots(t.database.db, at)).not.toContain(ws.tenantId);
    const second = await runJob(ws.tenantId, at);
    expect(second).toMatchObject({ batches: 0, members: 0, expiredLots: 0, expiredPoints: 0, unlockedLots: 0 });
    expect(await entryCount(ws.tenantId)).toBe(entries);
    expect(await lots(ws.tenantId)).toEqual(after);

    const report = await verify(ws.tenantId, at);
    expect(report).toMatchObject({ ok: true, driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0, held: 0, charity: 0 } });
    expect(report.systemBalances.breakage).toBe(first.expiredPoints);
  });

  it('in batches smaller than the due work, the runs expire the same lots, each once', async () => {
    const now = new Date();
    const { ws, due } = await seed(10, now);
    const { batches, expiredLots } = await runJob(ws.tenantId, inDays(10, now), 3);
    expect(batches).toBeGreaterThan(2);
    expect(expiredLots).toBe(due.size);
    expect(await expired(ws.tenantId)).toEqual(due);
    expect((await runJob(ws.tenantId, inDays(10, now), 3)).batches).toBe(0);
    await expectLedgerBalanced(t, ws.tenantId);
  });

  it('verify still sees drift after an expiry run: a lot or a balance changed behind the ledger', async () => {
    const now = new Date();
    const { ws, due, customers } = await seed(4, now);
    const at = inDays(10, now);
    await runJob(ws.tenantId, at);
    expect((await verify(ws.tenantId, at)).ok).toBe(true);

    // An expired lot given its points back without an entry, and a member's balance raised.
    const [lotId] = [...due.keys()];
    await t.database.pool.query('UPDATE loyalty_lots SET remaining = 5 WHERE tenant_id = $1 AND id = $2', [ws.tenantId, lotId]);
    await t.database.pool.query('UPDATE loyalty_members SET available = available + 3 WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, customers[3]]);
    const drifted = await verify(ws.tenantId, at);
    expect(drifted.ok).toBe(false);
    expect(drifted.driftCounts).toMatchObject({ lots: 1, balances: 2, entries: 0 });
    expect(drifted.lotDrift).toEqual([expect.objectContaining({ lotId, remaining: 5, expected: 0 })]);
    expect(drifted.balanceDrift.map((d) => d.customerId).sort()).toEqual([customers[0], customers[3]].sort());

    await t.database.pool.query('UPDATE loyalty_lots SET remaining = 0 WHERE tenant_id = $1 AND id = $2', [ws.tenantId, lotId]);
    await t.database.pool.query('UPDATE loyalty_members SET available = available - 3 WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, customers[3]]);
    expect((await verify(ws.tenantId, at)).ok).toBe(true);

    // A draw written behind the ledger (the lot's remaining kept in step): the expiry entry now
    // moved 2 more points out of lots than its postings say.
    const q = async (text: string, values: unknown[]) => (await t.database.pool.query<{ id: string; points?: string }>(text, values)).rows[0]!;
    const entry = await q(`SELECT e.id, -sum(p.amount) AS points FROM loyalty_entries e JOIN loyalty_postings p ON p.tenant_id = e.tenant_id AND p.entry_id = e.id
      JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id AND a.kind = 'available'
      WHERE e.tenant_id = $1 AND e.kind = 'expire' AND e.customer_id = $2 GROUP BY e.id`, [ws.tenantId, customers[1]]);
    const lot = await q('SELECT id FROM loyalty_lots WHERE tenant_id = $1 AND customer_id = $2 AND remaining > 0 ORDER BY id LIMIT 1', [ws.tenantId, customers[1]]);
    await t.database.pool.query('INSERT INTO loyalty_draws (tenant_id, entry_id, lot_id, amount) VALUES ($1, $2, $3, 2)', [ws.tenantId, entry.id, lot.id]);
    await t.database.pool.query('UPDATE loyalty_lots SET remaining = remaining - 2 WHERE tenant_id = $1 AND id = $2', [ws.tenantId, lot.id]);
    const moved = await verify(ws.tenantId, at);
    expect(moved.driftCounts).toMatchObject({ entryLots: 1, lots: 0, entries: 0 });
    expect(moved.entryLotMismatch).toEqual([{ entryId: Number(entry.id), posted: -Number(entry.points), lots: -Number(entry.points) - 2 }]);
  });
});

describe('expiry in lanes', () => {
  it('two lanes at once (the hourly job) expire exactly the due lots, each once, beside a whole-workspace run', async () => {
    const now = new Date();
    const { ws, due, kept } = await seed(16, now);
    const at = inDays(10, now);
    // The two lanes of the job, each in batches of 2, and the API's whole-workspace run, all at once.
    const [lane0, lane1, whole] = await Promise.all([
      runJob(ws.tenantId, at, 2, { index: 0, of: 2 }), runJob(ws.tenantId, at, 2, { index: 1, of: 2 }), runJob(ws.tenantId, at, 2),
    ]);
    expect(lane0.expiredLots + lane1.expiredLots + whole.expiredLots).toBe(due.size);
    expect(await expired(ws.tenantId)).toEqual(due);
    const after = await lots(ws.tenantId);
    for (const [id, remaining] of kept) expect(after.get(id), `lot ${id} not due`).toBe(remaining);
    await expectLedgerBalanced(t, ws.tenantId);
    // Each lane keeps to its own members: its run alone leaves the other's due lots alone.
    const other = await seed(8, now);
    const only0 = await runJob(other.ws.tenantId, at, 2, { index: 0, of: 2 });
    const left = await runJob(other.ws.tenantId, at, 2, { index: 1, of: 2 });
    expect(only0.expiredLots).toBeGreaterThan(0);
    expect(left.expiredLots).toBeGreaterThan(0);
    expect(only0.expiredLots + left.expiredLots).toBe(other.due.size);
    expect((await runJob(other.ws.tenantId, at, 2, { index: 0, of: 2 })).batches + (await runJob(other.ws.tenantId, at, 2, { index: 1, of: 2 })).batches).toBe(0);
  });

  it('the hourly job settles every workspace in lanes, and run twice expires nothing the second time', async () => {
    // The job settles the whole database: a ledger in 1999, so that only this workspace has
    // anything due by then (the other files' lots are earned now).
    const now = new Date(Date.UTC(1999, 0, 1));
    const { ws, due } = await seed(6, now);
    const at = inDays(10, now);
    const first = await settleDueEverywhere(t.database, at, 2);
    expect(first).toMatchObject({ workspaces: 1, expiredLots: due.size });
    expect(await expired(ws.tenantId)).toEqual(due);
    const entries = await entryCount(ws.tenantId);
    const second = await settleDueEverywhere(t.database, at, 2);
    expect(second).toMatchObject({ members: 0, expiredLots: 0, unlockedLots: 0 });
    expect(await entryCount(ws.tenantId)).toBe(entries);
    await expectLedgerBalanced(t, ws.tenantId);
  });
});

describe('verify reports entries the database would have refused', () => {
  it('an entry out of balance per unit, one posting to no account, one without postings: each reported', async () => {
    const now = new Date();
    const { ws, customers } = await seed(2, now);
    expect((await verify(ws.tenantId, now)).ok).toBe(true);
    // Written with the ledger's triggers off (as a restore or a hand edit could), then taken out again.
    const client = await t.database.pool.connect();
    const account = async (kind: string) => (await client.query<{ id: string }>(
      'SELECT id FROM loyalty_accounts WHERE tenant_id = $1 AND customer_id = $2 AND kind = $3', [ws.tenantId, customers[0], kind])).rows[0]!.id;
    const bad: number[] = [];
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      const entry = async (key: string) => {
        const { rows: [e] } = await client.query<{ id: string }>(
          `INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, source) VALUES ($1, 'adjust', $2, $3, 'test') RETURNING id`,
          [ws.tenantId, key, customers[0]]);
        bad.push(Number(e!.id));
        return Number(e!.id);
      };
      const post = (entryId: number, accountId: string | number, amount: number) =>
        client.query('INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount) VALUES ($1, $2, $3, $4)', [ws.tenantId, entryId, accountId, amount]);
      // 5 points credited against 5 qualifying points taken: zero in all, out of balance in each unit.
      const units = await entry('test:units');
      await post(units, await account('available'), 5);
      await post(units, await account('qualifying'), -5);
      await client.query('UPDATE loyalty_members SET available = available + 5, qualifying = qualifying - 5 WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, customers[0]]);
      // A posting to an account that does not exist, balanced by one to the member's pending.
      const nowhere = await entry('test:nowhere');
      await post(nowhere, 999_999_999_999, 3);
      await post(nowhere, await account('pending'), -3);
      const empty = await entry('test:empty');
      await client.query('COMMIT');

      const report = await verify(ws.tenantId, now);
      expect(report.ok).toBe(false);
      expect(report.driftCounts.entries).toBe(5);
      expect(report.unbalancedEntries).toEqual([
        { entryId: units, unit: 'points', sum: 5 },
        { entryId: units, unit: 'qualifying', sum: -5 },
        { entryId: nowhere, unit: 'points', sum: -3 },
        { entryId: nowhere, unit: 'unknown account', sum: 3 },
        { entryId: empty, unit: 'no postings', sum: 0 },
      ]);
      // The spendable postings with no lot behind them are reported against the lots too.
      expect(report.driftCounts.entryLots).toBe(2);
      expect(report.entryLotMismatch).toEqual([{ entryId: units, posted: 5, lots: 0 }, { entryId: nowhere, posted: -3, lots: 0 }]);
      expect(report.counts.postings).toBe((await verify(ws.tenantId, now)).counts.postings);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query('DELETE FROM loyalty_postings WHERE tenant_id = $1 AND entry_id = ANY($2::bigint[])', [ws.tenantId, bad]);
      await client.query('DELETE FROM loyalty_entries WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [ws.tenantId, bad]);
      await client.query('UPDATE loyalty_members SET available = available - 5, qualifying = qualifying + 5 WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, customers[0]]);
      await client.query('COMMIT');
      client.release();
    }
    const clean = await verify(ws.tenantId, now);
    expect(clean.ok).toBe(true);
    await expectLedgerBalanced(t, ws.tenantId);
  });
});
