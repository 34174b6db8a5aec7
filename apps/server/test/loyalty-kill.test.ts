import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../src/platform/db/connect.ts';
import { migrateDatabase } from '../src/platform/db/migrate.ts';
import { createApiKey, createWorkspace } from '../src/modules/workspace/index.ts';
import { freePort, runVafa, type VafaProcess } from './process.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

/*
 * The points ledger and the prepaid-credit ledger lose nothing and never drift (issue 12): Vafa is
 * killed with SIGKILL in the middle of a mixed load of purchases (earning), spends and returns
 * through the API, with credit top-ups (package purchases) and credit spends among them; after a
 * restart every operation that was answered is there, and `verify` finds balances, postings, lots
 * and draws agreeing in both ledgers. The process gets a database of its own.
 */

const log = pino({ level: 'silent' });
let scratch: ScratchDatabase;
let database: Database;
const processes: VafaProcess[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-loyalty-kill-'));

async function start(port: number): Promise<VafaProcess> {
  const p = runVafa(['start'], { DATABASE_URL: scratch.url, VAFA_DATA_DIR: dataDir, PORT: String(port), VAFA_DB_POOL_SIZE: '8' });
  processes.push(p);
  await p.waitFor(/listening on/, 120_000);
  return p;
}

beforeAll(async () => {
  scratch = await createScratchDatabase('vafa_loyalty_kill');
  database = await connectDatabase({ databaseUrl: scratch.url, dataDir, poolSize: 2, log });
  await migrateDatabase(database);
}, 180_000);

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await database?.close();
  await scratch?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('keeps every answered earn, spend, return, credit top-up and credit spend across kill -9, and verify finds no drift', async () => {
  const slug = `loyalty-kill-${randomBytes(4).toString('hex')}`;
  const { tenantId, key } = await database.db.transaction(async (tx) => {
    const ws = await createWorkspace(tx, { name: 'Loyalty kill', slug, defaultLanguage: 'fa', defaultCountry: 'IR' });
    const created = await createApiKey(tx, ws.id, { kind: 'api_key', id: randomUUID(), tenantId: ws.id } as never, { name: 'POS', role: 'manager' }, '127.0.0.1');
    return { tenantId: ws.id, key: created.secret };
  });
  const customers = Array.from({ length: 20 }, () => randomUUID());
  await database.pool.query(
    `INSERT INTO customers (tenant_id, id, name) SELECT $1, id, 'عضو' FROM unnest($2::uuid[]) AS id`, [tenantId, customers]);

  const port = await freePort();
  const first = await start(port);
  const base = `http://127.0.0.1:${port}`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const post = (url: string, body: unknown, extra: Record<string, string> = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });

  const program = await post('/api/loyalty/programs', { name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 } } });
  expect(program.status).toBe(201);
  const programId = ((await program.json()) as { id: string }).id;
  const pkg = await post(`/api/loyalty/programs/${programId}/credit-packages`, {
    name: { fa: 'بسته اعتبار', ar: 'باقة', en: 'Top-up' }, priceMinor: 100_000, creditMinor: 110_000, bonusExpiryDays: 30,
  });
  expect(pkg.status).toBe(201);
  const packageId = ((await pkg.json()) as { id: string }).id;

  const orders: string[] = [];
  const spends: number[] = [];
  const returns: { order: string; returnId: string }[] = [];
  const creditTopUps: number[] = [];
  const creditSpends: number[] = [];
  let answered = 0;
  let killed = false;
  const KILL_AFTER = 150;
  const acknowledge = () => {
    answered++;
    if (answered >= KILL_AFTER && !killed) {
      killed = true;
      first.child.kill('SIGKILL');
    }
  };
  const operation = async (n: number) => {
    const customerId = customers[n % customers.length]!;
    try {
      const kind = orders.length < 10 ? 0 : n % 6;
      if (kind <= 1) {
        const externalId = `order-${n}`;
        const res = await post('/api/loyalty/orders', { externalId, customerId, lines: [{ id: '1', amount: 50_000 + (n % 7) * 1_000 }] });
        if (res.status !== 201) return;
        orders.push(externalId);
      } else if (kind === 2) {
        const res = await post(`/api/loyalty/members/${customerId}/redemptions`, { points: 5, reason: 'خرید با امتیاز' }, { 'idempotency-key': `spend-${n}` });
        if (res.status !== 201) return;
        spends.push(((await res.json()) as { id: number }).id);
      } else if (kind === 4) {
        const res = await post(`/api/loyalty/members/${customerId}/credit/purchases`, { packageId, externalId: `top-up-${n}` });
        if (res.status !== 201) return;
        creditTopUps.push(((await res.json()) as { entry: { id: number } }).entry.id);
      } else if (kind === 5) {
        // The member of the operation before: its top-ups (of earlier waves) pay; paid first, then bonus.
        const spender = customers[(n - 1) % customers.length]!;
        const res = await post(`/api/loyalty/members/${spender}/credit/spends`, { amountMinor: 40_000 + (n % 5) * 10_000 }, { 'idempotency-key': `credit-spend-${n}` });
        if (res.status !== 201) return;
        creditSpends.push(((await res.json()) as { entry: { id: number } }).entry.id);
      } else {
        const order = orders[n % orders.length]!;
        if (returns.some((r) => r.order === order)) return;
        const returnId = `return-${n}`;
        const res = await post(`/api/loyalty/orders/${order}/returns`, { returnId });
        if (res.status !== 201 && res.status !== 200) return;
        returns.push({ order, returnId });
      }
      acknowledge();
    } catch {
      // the connection died with the process: not answered
    }
  };
  for (let wave = 0; !killed && wave < 200; wave++) await Promise.all(Array.from({ length: 16 }, (_, i) => operation(wave * 16 + i)));
  await first.exited;
  expect(killed).toBe(true);
  expect(orders.length).toBeGreaterThan(10);
  expect(spends.length).toBeGreaterThan(0);
  expect(returns.length).toBeGreaterThan(0);
  expect(creditTopUps.length).toBeGreaterThan(0);
  expect(creditSpends.length).toBeGreaterThan(0);

  // After a restart: every answered operation is there, and the ledger agrees with itself.
  const second = await start(port);
  const get = async <T>(url: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${url}`, { headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  for (const externalId of orders) {
    const { status, body } = await get<{ points: number; entryId: number | null }>(`/api/loyalty/orders/${externalId}`);
    expect(status, externalId).toBe(200);
    expect(body.entryId, externalId).not.toBeNull();
  }
  for (const id of spends) expect((await get(`/api/loyalty/entries/${id}`)).status, `spend ${id}`).toBe(200);
  const stored = await database.pool.query<{ return_id: string }>(
    'SELECT return_id FROM loyalty_order_returns WHERE tenant_id = $1', [tenantId]);
  const storedReturns = new Set(stored.rows.map((r) => r.return_id));
  for (const { order, returnId } of returns) expect(storedReturns.has(returnId), `${order} ${returnId}`).toBe(true);
  const credit = await database.pool.query<{ id: string }>(
    'SELECT id FROM loyalty_credit_entries WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [tenantId, [...creditTopUps, ...creditSpends]]);
  expect(credit.rows.map((r) => Number(r.id)).sort((x, y) => x - y)).toEqual([...creditTopUps, ...creditSpends].sort((x, y) => x - y));
  const verify = await get<{ ok: boolean; driftCounts: Record<string, number>; counts: { entries: number }; creditCounts: { entries: number } }>('/api/loyalty/verify');
  expect(verify.status).toBe(200);
  expect(verify.body.driftCounts).toEqual(Object.fromEntries(Object.keys(verify.body.driftCounts).map((k) => [k, 0])));
  expect(verify.body.ok).toBe(true);
  expect(verify.body.counts.entries).toBeGreaterThanOrEqual(orders.length + spends.length);
  // The credit ledger was part of the check: every answered top-up and spend, and the drift counts above include its own.
  expect(verify.body.driftCounts).toHaveProperty('creditBalances', 0);
  expect(verify.body.creditCounts.entries).toBeGreaterThanOrEqual(creditTopUps.length + creditSpends.length);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 600_000);
