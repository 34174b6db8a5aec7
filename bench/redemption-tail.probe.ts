import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import pino from 'pino';
import { BENCH_DIR, eventsHandled, percentile, waitForReady } from './lib.ts';

// Not a benchmark (npm run bench skips it): what slow redemptions wait on (issue 12's tail). Starts Vafa as
// loyalty-orders.bench.ts does, on a scratch database of the server at BENCH_PG_ADMIN_URL (dropped after), seeds
// 5,000 members with points, then runs 4 clients of plain redemptions and 4 of one partner's offer (PROBE_KINDS),
// PROBE_SECONDS each, and records:
// - every request's start, end and status (requests-<kind>.json);
// - pg_stat_activity of the scratch database every 5 ms: state, wait event, blocking pids, query (samples.json);
// - from inside the server (bench/probe-preload.mjs): event-loop lag over 20 ms, GC pauses over 10 ms, waits for a
//   pool connection over 20 ms, statements over 40 ms, and what PostgreSQL sends as notices: lock waits over 10 ms
//   (log_lock_waits, deadlock_timeout set on the scratch database only) and, with PROBE_EXPLAIN=1, auto_explain's
//   plans of statements over 60 ms, nested ones (trigger functions) included (server.jsonl);
// - with PROBE_PROFILE=<file>, a CPU profile of the server during the load.
// PROBE_SQL=<file> runs SQL after seeding (e.g. an older version of a function, for before/after on one commit);
// PROBE_ANALYZE=1 runs ANALYZE after seeding, as autovacuum would have on a ledger that grew a while ago.
// Then: node bench/redemption-tail.analyze.mjs <PROBE_DIR>.
const MEMBERS = 5_000;
const SECONDS = Number(process.env.PROBE_SECONDS ?? 20);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = process.env.PROBE_DIR ?? path.join(BENCH_DIR, '.work', 'redemption-tail');
fs.mkdirSync(OUT, { recursive: true });
const serverLog = path.join(OUT, 'server.jsonl');
fs.rmSync(serverLog, { force: true });

const scratch = `vafa_probe_redeem_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
// this scratch database's sessions only: lock waits over 10 ms (and, with PROBE_EXPLAIN, plans of statements over 60 ms) come back to the client as notices
const settings: Record<string, string> = { log_lock_waits: 'on', deadlock_timeout: '10ms', client_min_messages: 'log' };
if (process.env.PROBE_EXPLAIN) Object.assign(settings, { session_preload_libraries: 'auto_explain', 'auto_explain.log_min_duration': '60ms', 'auto_explain.log_analyze': 'on', 'auto_explain.log_nested_statements': 'on', 'auto_explain.log_buffers': 'on' });
for (const [name, value] of Object.entries(settings)) await admin.query(`ALTER DATABASE ${scratch} SET "${name}" = '${value}'`);
const url = new URL(ADMIN_URL);
url.pathname = `/${scratch}`;
const databaseUrl = url.toString();
try {
  const port = await freePort();
  const vafa = runVafa(['start'], {
    DATABASE_URL: databaseUrl, VAFA_DATA_DIR: path.join(BENCH_DIR, '.work', 'data-redemption-probe'), PORT: String(port), LOG_LEVEL: 'warn',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${path.join(BENCH_DIR, 'probe-preload.mjs')}`, PROBE_OUT: serverLog,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForReady(vafa, port);
  const database = await connectDatabase({ databaseUrl, dataDir: os.tmpdir(), poolSize: 3, log: pino({ level: 'warn' }) });
  const { key, tenantId } = await database.db.transaction(async (tx) => {
    const ws = await createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' });
    const owner = await addMember(tx, ws.id, { email: 'bench@example.test', displayName: 'bench', password: 'bench password 123', role: 'owner' });
    const actor = { kind: 'user' as const, id: owner.id, tenantId: ws.id, role: 'owner' as const };
    const created = await createApiKey(tx, ws.id, actor, { name: 'bench', role: 'owner' }, '127.0.0.1');
    return { key: created.secret, tenantId: ws.id };
  });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const post = async <T>(u: string, body: unknown, status = 201): Promise<T> => {
    const res = await fetch(`${base}${u}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== status) throw new Error(`${u}: ${res.status} ${await res.text()}`);
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
  const program = await post<{ id: string }>('/api/loyalty/programs', {
    name: 'باشگاه مشتریان',
    settings: { spend: { points: 1, per: 1_000, rounding: 'floor' }, categoryMultipliers: { dairy: 200 }, skuMultipliers: { 'milk-1l': 150 }, pendingDays: 0, expiry: { kind: 'rolling', days: 365 } },
  });
  const partner = await post<{ id: string }>('/api/loyalty/partners', { name: { fa: 'سینما' }, billingModel: 'at_redemption', pricePerPointMinor: '2000' });
  const offer = await post<{ id: string }>(`/api/loyalty/partners/${partner.id}/offers`, { name: { fa: 'بلیت' }, pointsCost: 5, minSpendMinor: '0', spendWindowDays: 365 });
  let seq = 0;
  const seeding = new Pool(base, { connections: 8 });
  const seeds = [...members];
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (seeds.length > 0) {
      const orders = seeds.splice(0, 50).map((m) => ({ externalId: `seed-${seq++}`, customerId: m, programId: program.id, lines: [{ id: '1', amount: 100_000_000 }] }));
      const res = await seeding.request({ method: 'POST', path: '/api/loyalty/orders/batch', headers, body: JSON.stringify({ orders }) });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`seeding: ${res.statusCode} ${text.slice(0, 500)}`);
    }
  }));
  await seeding.close();
  console.error('seeded; drain', await eventsHandled(database));

  if (process.env.PROBE_SQL) await database.pool.query(fs.readFileSync(process.env.PROBE_SQL, 'utf8'));
  // as on a ledger autovacuum has analyzed since it grew (sessions replan the statements they cached)
  if (process.env.PROBE_ANALYZE) await database.pool.query('ANALYZE');
  const pick = () => members[Math.floor(Math.random() * members.length)]!;
  const kinds = {
    plain: () => ({ path: `/api/loyalty/members/${pick()}/redemptions`, body: JSON.stringify({ points: 5, externalId: `checkout-${seq++}` }) }),
    partner: () => ({ path: `/api/loyalty/partner-offers/${offer.id}/redemptions`, body: JSON.stringify({ customerId: pick(), externalId: `ticket-${seq++}` }) }),
  };
  const sampler = new pg.Client({ connectionString: databaseUrl });
  await sampler.connect();
  const samples: unknown[] = [];
  const summary: Record<string, unknown> = {};
  for (const kind of (process.env.PROBE_KINDS ?? 'plain,partner').split(',') as (keyof typeof kinds)[]) {
    const pool = new Pool(base, { connections: 4, pipelining: 1 });
    const requests: { t0: number; t1: number; ms: number; status: number }[] = [];
    let done = false;
    const sampling = (async () => {
      while (!done) {
        const t = Date.now();
        const { rows } = await sampler.query(`SELECT pid, backend_type, state, wait_event_type, wait_event, pg_blocking_pids(pid) AS blocked_by, now() - xact_start AS xact_age, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query
          FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND (state <> 'idle' OR backend_type <> 'client backend')`);
        samples.push({ t, kind, rows: rows.filter((r) => r.state !== 'idle' && r.state !== null) });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    if (process.env.PROBE_PROFILE) fs.writeFileSync(`${process.env.PROBE_PROFILE}.start`, '');
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (performance.now() - started < SECONDS * 1000) {
        const r = kinds[kind]();
        const t0 = Date.now();
        const p0 = performance.now();
        const res = await pool.request({ method: 'POST', path: r.path, headers, body: r.body });
        await res.body.text();
        requests.push({ t0, t1: Date.now(), ms: performance.now() - p0, status: res.statusCode });
      }
    }));
    done = true;
    if (process.env.PROBE_PROFILE) fs.writeFileSync(`${process.env.PROBE_PROFILE}.stop`, '');
    await sampling;
    await pool.close();
    const ms = requests.map((r) => r.ms).sort((a, b) => a - b);
    summary[kind] = { n: ms.length, p50: +percentile(ms, 50).toFixed(1), p99: +percentile(ms, 99).toFixed(1), max: +ms.at(-1)!.toFixed(1), slow: ms.filter((m) => m > 100).length, load1m: os.loadavg()[0] };
    fs.writeFileSync(path.join(OUT, `requests-${kind}.json`), JSON.stringify(requests));
  }
  fs.writeFileSync(path.join(OUT, 'samples.json'), JSON.stringify(samples));
  await sampler.end();
  await database.close();
  vafa.child.kill('SIGTERM');
  await vafa.exited;
  console.log(JSON.stringify(summary));
} finally {
  if (process.env.PROBE_KEEP) console.log(`kept ${databaseUrl}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
}
