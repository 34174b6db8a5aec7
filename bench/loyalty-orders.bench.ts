import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { Pool } from 'undici';
import type { LoyaltyOrder } from '@vafa/contracts';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { earnOrder } from '../apps/server/src/modules/loyalty/earning.service.ts';
import { earnOrderBatch } from '../apps/server/src/modules/loyalty/orders-batch.service.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { BENCH_DIR, eventsHandled, percentile, report, waitForReady } from './lib.ts';

// Purchase events → points through the HTTP API (issue 12), on one running Vafa (all roles) with
// PostgreSQL on 127.0.0.1 (a scratch database on the server at BENCH_PG_ADMIN_URL, dropped after).
//
// 1. 64 clients sending purchase events for 5,000 members: one order per request
//    (POST /api/loyalty/orders), then 50 per request (POST /api/loyalty/orders/batch): events/s and
//    p50/p99 per request, against the bare one-INSERT route at 64 connections in the same run.
// 2. While each earn load runs, 8 more clients redeem: 4 plain redemptions of many members, 4 of
//    many members at one partner's offer (the hot partner): their p50/p99 under the load.
// 3. The cost per order at 1 connection, over HTTP (ms per order, singles and batches of 50) and
//    in SQL (statements the service sends per order, counted on its connection: earnOrder alone,
//    each in its transaction, against earnOrderBatch over 50).
// 4. verify over everything written: no drift.
const CLIENTS = 64;
const REDEEMERS = 4;
const BATCH = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const MEMBERS = 5_000;
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const scratch = `vafa_bench_orders_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${scratch}`;
const databaseUrl = url.toString();

const port = await freePort();
const vafa = runVafa(['start'], { DATABASE_URL: databaseUrl, VAFA_DATA_DIR: path.join(BENCH_DIR, '.work', 'data-loyalty-orders'), PORT: String(port), LOG_LEVEL: 'warn' });
const base = `http://127.0.0.1:${port}`;
await waitForReady(vafa, port);

const database = await connectDatabase({ databaseUrl, dataDir: os.tmpdir(), poolSize: 3, log: pino({ level: 'warn' }) });
const { key, tenantId, ownerId } = await database.db.transaction(async (tx) => {
  const ws = await createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' });
  const owner = await addMember(tx, ws.id, { email: 'bench@example.test', displayName: 'bench', password: 'bench password 123', role: 'owner' });
  const actor = { kind: 'user' as const, id: owner.id, tenantId: ws.id, role: 'owner' as const };
  const created = await createApiKey(tx, ws.id, actor, { name: 'bench', role: 'owner' }, '127.0.0.1');
  return { key: created.secret, tenantId: ws.id, ownerId: owner.id };
});
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const post = async <T>(url: string, body: unknown, status = 201): Promise<T> => {
  const res = await fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (res.status !== status) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

for (let i = 0; i < MEMBERS; i += 1000) {
  const events = Array.from({ length: 1000 }, (_, j) => ({
    externalId: `visit-${i + j}`, customer: { externalId: `member-${i + j}`, phone: `0912${String(2_000_000 + i + j).slice(-7)}` },
    kind: 'visit', channel: 'store', stage: 'pre-sale', occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
  }));
  await post('/api/touchpoints/batch', { events }, 200);
}
const members = (await database.pool.query<{ id: string }>('SELECT id FROM customers WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map((r) => r.id);
if (members.length < MEMBERS) throw new Error(`only ${members.length} customers`);

// A points program as a shop runs one: 1 point per 1,000 spent, dairy ×2, a SKU ×1.5, points spendable at once, a year to expire.
const program = await post<{ id: string }>('/api/loyalty/programs', {
  name: 'باشگاه مشتریان',
  settings: { spend: { points: 1, per: 1_000, rounding: 'floor' }, categoryMultipliers: { dairy: 200 }, skuMultipliers: { 'milk-1l': 150 }, pendingDays: 0, expiry: { kind: 'rolling', days: 365 } },
});
const partner = await post<{ id: string }>('/api/loyalty/partners', { name: { fa: 'سینما' }, billingModel: 'at_redemption', pricePerPointMinor: '2000' });
const offer = await post<{ id: string }>(`/api/loyalty/partners/${partner.id}/offers`, { name: { fa: 'بلیت' }, pointsCost: 5, minSpendMinor: '0', spendWindowDays: 365 });

let seq = 0;
const pick = () => members[Math.floor(Math.random() * members.length)]!;
const CATEGORIES = ['dairy', 'bread', 'produce', 'home'];
const purchase = (customerId = pick()): LoyaltyOrder => ({
  externalId: `pos-${process.pid}-${seq++}`, customerId, programId: program.id,
  lines: Array.from({ length: 1 + (seq % 3) }, (_, i) => ({
    id: String(i + 1), category: CATEGORIES[(seq + i) % CATEGORIES.length], ...(i === 0 && seq % 5 === 0 ? { sku: 'milk-1l' } : {}), amount: 10_000 + ((seq * 7919 + i * 104_729) % 900_000),
  })),
});

// Every member starts with points to spend: one large purchase each, sent in batches.
const seeding = new Pool(base, { connections: 8 });
const seeds = [...members];
await Promise.all(Array.from({ length: 8 }, async () => {
  while (seeds.length > 0) {
    const orders = seeds.splice(0, BATCH).map((m) => ({ ...purchase(m), lines: [{ id: '1', amount: 100_000_000 }] }));
    const res = await seeding.request({ method: 'POST', path: '/api/loyalty/orders/batch', headers, body: JSON.stringify({ orders }) });
    const text = await res.body.text();
    if (res.statusCode !== 200 || !text.includes(`"created":${orders.length}`)) throw new Error(`seeding: ${res.statusCode} ${text.slice(0, 500)}`);
  }
}));
await seeding.close();

type Request = { path: string; body: string; events: number };
interface Outcome {
  seconds: number;
  requests: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
  /** orders a batch answered as refused (should be none) */
  refused: number;
}

/** Keeps `connections` requests in flight for `seconds`, each from `next`. */
async function drive(origin: string, connections: number, seconds: number, next: () => Request): Promise<Outcome> {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let events = 0;
  let refused = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < until) {
      const request = next();
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: request.path, headers, body: request.body });
      const text = await res.body.text();
      latencies.push(performance.now() - t0);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode < 300) events += request.events;
      const failed = /"failed":(\d+)/.exec(text);
      if (failed) refused += Number(failed[1]);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    seconds: +elapsed.toFixed(1), requests: latencies.length, eventsPerSecond: Math.round((events - refused) / elapsed),
    p50Ms: +percentile(latencies, 50).toFixed(1), p99Ms: +percentile(latencies, 99).toFixed(1), statuses, refused,
  };
}

const single = (): Request => ({ path: '/api/loyalty/orders', body: JSON.stringify(purchase()), events: 1 });
const batch = (): Request => ({ path: '/api/loyalty/orders/batch', body: JSON.stringify({ orders: Array.from({ length: BATCH }, () => purchase()) }), events: BATCH });
const plainRedemption = (): Request => ({ path: `/api/loyalty/members/${pick()}/redemptions`, body: JSON.stringify({ points: 5, externalId: `checkout-${seq++}` }), events: 1 });
const partnerRedemption = (): Request => ({ path: `/api/loyalty/partner-offers/${offer.id}/redemptions`, body: JSON.stringify({ customerId: pick(), externalId: `ticket-${seq++}` }), events: 1 });

/**
 * What Vafa's database connections do meanwhile, sampled every 100 ms: on average how many run a
 * statement, and how many of those wait for a lock another transaction holds (a member's row
 * mostly), with the load average at the end.
 */
async function sampleBackends(until: () => boolean) {
  let samples = 0;
  let active = 0;
  let lockWaits = 0;
  while (!until()) {
    const { rows: [r] } = await database.pool.query<{ active: number; lock_waits: number }>(`
      SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')::int AS lock_waits
      FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
    samples++;
    active += r!.active;
    lockWaits += r!.lock_waits;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { samples, activeMean: +(active / Math.max(1, samples)).toFixed(2), waitingForLockMean: +(lockWaits / Math.max(1, samples)).toFixed(2), loadAverage1m: +os.loadavg()[0]!.toFixed(1) };
}

/** An earn load with the redeemers running beside it for the same time. */
async function earnWithRedemptions(next: () => Request) {
  let done = false;
  const sampling = sampleBackends(() => done);
  const [earn, plain, partnerOffer] = await Promise.all([
    drive(base, CLIENTS, SECONDS, next), drive(base, REDEEMERS, SECONDS, plainRedemption), drive(base, REDEEMERS, SECONDS, partnerRedemption),
  ]);
  done = true;
  const backends = await sampling;
  return { earn, redemptionsBeside: { plain: { rps: plain.eventsPerSecond, p50Ms: plain.p50Ms, p99Ms: plain.p99Ms, statuses: plain.statuses }, onePartnersOffer: { rps: partnerOffer.eventsPerSecond, p50Ms: partnerOffer.p50Ms, p99Ms: partnerOffer.p99Ms, statuses: partnerOffer.statuses } }, backends };
}

// 1 and 2. The bare baseline, then singles and batches, each with the redeemers beside it.
const barePort = await freePort();
const bare = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'bare-insert-server.ts')], {
  env: { ...process.env, PORT: String(barePort), BENCH_PG_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => bare.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve()));
const baseline = await drive(`http://127.0.0.1:${barePort}`, CLIENTS, SECONDS, () => ({ path: '/touchpoints', body: JSON.stringify({ externalId: `bare-${seq++}` }), events: 1 }));
bare.kill('SIGTERM');

await drive(base, CLIENTS, 3, () => (seq % 2 ? single() : batch())); // warm-up
// Each phase starts with the follow-on work of the one before done (its events relayed and their
// subscribers' jobs run: games, tiers, charity, referrals), and how long that took is reported as
// that phase's drain.
const drainMs: Record<string, number> = { seedingAndWarmUp: await eventsHandled(database) };
const loadBefore = +os.loadavg()[0]!.toFixed(1);
const singles = await earnWithRedemptions(single);
drainMs.afterSingles = await eventsHandled(database);
const batches = await earnWithRedemptions(batch);
drainMs.afterBatches = await eventsHandled(database);
const redemptionsAlone = await drive(base, REDEEMERS, Math.max(5, SECONDS / 3), partnerRedemption);
const plainAlone = await drive(base, REDEEMERS, Math.max(5, SECONDS / 3), plainRedemption);
drainMs.afterRedemptions = await eventsHandled(database);

// 3. The cost per order at one connection: over HTTP, and in statements the service sends.
const oneSingles = await drive(base, 1, Math.max(5, SECONDS / 3), single);
const oneBatches = await drive(base, 1, Math.max(5, SECONDS / 3), batch);
let statements = 0;
let timing: { sql: string; ms: number }[] | null = null;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  const result = (query as (...a: unknown[]) => unknown).apply(this, args);
  const log = timing;
  if (log && result instanceof Promise) {
    const t0 = performance.now();
    const first = args[0] as string | { text?: string };
    const text = (typeof first === 'string' ? first : first?.text ?? '').replace(/\s+/g, ' ').trim();
    void result.then(() => log.push({ sql: text.slice(0, 60), ms: performance.now() - t0 }), () => undefined);
  }
  return result;
} as typeof query;
const ctx = () => ({ tenantId, source: `user:${ownerId}`, now: new Date() });
const counted = async (run: () => Promise<unknown>) => {
  statements = 0;
  await run();
  return statements;
};
const singleStatements = await counted(async () => {
  for (let i = 0; i < BATCH; i++) await database.db.transaction((tx) => earnOrder(tx, ctx(), purchase()));
});
const batchStatements = await counted(() => database.db.transaction((tx) => earnOrderBatch(tx, ctx(), Array.from({ length: BATCH }, () => purchase()))));
// Where a batch's time goes, in process (no HTTP): each statement's round trip, over 10 batches.
timing = [];
const batchStarted = performance.now();
for (let i = 0; i < 10; i++) await database.db.transaction((tx) => earnOrderBatch(tx, ctx(), Array.from({ length: BATCH }, () => purchase())));
const batchInProcessMs = (performance.now() - batchStarted) / 10;
const bySql = new Map<string, number>();
for (const { sql, ms } of timing) bySql.set(sql, (bySql.get(sql) ?? 0) + ms / 10);
const batchStatementMs = [...bySql].sort((a, b) => b[1] - a[1]).map(([sql, ms]) => ({ sql, ms: +ms.toFixed(1) }));
timing = null;
pg.Client.prototype.query = query;

// 4. verify.
const started = performance.now();
const verify = (await (await fetch(`${base}/api/loyalty/verify`, { headers })).json()) as { ok: boolean; counts: Record<string, number> };
const verifyMs = Math.round(performance.now() - started);

await database.close();
vafa.child.kill('SIGTERM');
await vafa.exited;
await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
await admin.end();

report('loyalty-orders', {
  // the machine is shared: what else was running shows here
  loadAverage1m: { beforeEarnLoads: loadBefore, atEnd: +os.loadavg()[0]!.toFixed(1) },
  cpus: os.cpus().length,
  database: 'PostgreSQL server on 127.0.0.1 (scratch database)',
  clients: CLIENTS,
  redeemersBeside: { plain: REDEEMERS, onePartnersOffer: REDEEMERS },
  seconds: SECONDS,
  members: members.length,
  batchSize: BATCH,
  bareInsert: { rps: baseline.eventsPerSecond, p99Ms: baseline.p99Ms },
  singles,
  batches,
  drainMs,
  singlesVsBare: +(singles.earn.eventsPerSecond / baseline.eventsPerSecond).toFixed(2),
  batchesVsBare: +(batches.earn.eventsPerSecond / baseline.eventsPerSecond).toFixed(2),
  batchesVsSingles: +(batches.earn.eventsPerSecond / singles.earn.eventsPerSecond).toFixed(2),
  partnerRedemptionsWithoutEarnLoad: { rps: redemptionsAlone.eventsPerSecond, p50Ms: redemptionsAlone.p50Ms, p99Ms: redemptionsAlone.p99Ms },
  plainRedemptionsWithoutEarnLoad: { rps: plainAlone.eventsPerSecond, p50Ms: plainAlone.p50Ms, p99Ms: plainAlone.p99Ms },
  oneConnection: {
    singleMsPerOrder: +(1000 / Math.max(1, oneSingles.eventsPerSecond)).toFixed(2),
    batchMsPerOrder: +(1000 / Math.max(1, oneBatches.eventsPerSecond)).toFixed(2),
    singleRequestP50Ms: oneSingles.p50Ms,
    batchRequestP50Ms: oneBatches.p50Ms,
    serviceStatementsPerOrder: { single: +(singleStatements / BATCH).toFixed(1), batchOf50: +(batchStatements / BATCH).toFixed(2), batchOf50Total: batchStatements },
    batchOf50InProcessMs: +batchInProcessMs.toFixed(1),
    batchOf50StatementMs: batchStatementMs,
  },
  verify: { ms: verifyMs, ok: verify.ok, ...verify.counts },
});
