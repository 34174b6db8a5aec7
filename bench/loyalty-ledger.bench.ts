import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Pool } from 'undici';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { BENCH_DIR, WORK_DIR, percentile, report, waitForReady } from './lib.ts';

// The points ledger through the HTTP API, on one running Vafa (all roles, embedded PostgreSQL).
//
// 1. Earn + redeem at 50 connections over many members (half earns of 10 points with an expiry
//    1-12 months out, half redemptions of 5 drawn on those lots), each request its own external
//    id: requests/s and p50/p99 per kind, against the bare one-INSERT route in the same run.
// 2. The hot account: every earn posts to the workspace's one issuance account. Earns over many
//    members at 50 connections against earns at 1 connection, and against 50 connections earning
//    for one member (which does serialise, on that member's row, by design). While each runs,
//    pg_stat_activity is sampled for backends waiting on a lock: if the issuance account
//    serialised traffic, the many-member run would wait as the one-member run does.
// 3. verify over what the runs wrote: its time, and no drift.
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const HOT_SECONDS = Math.max(5, Math.round(SECONDS * 2 / 3));
const MEMBERS = 5_000;

const dataDir = path.join(WORK_DIR, 'data-loyalty-ledger');
fs.rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
const base = `http://127.0.0.1:${port}`;
await waitForReady(vafa, port);

const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
// A point-of-sale key (an agent: earns and spends) and the owner's (verify).
const { key, ownerKey, tenantId } = await database.db.transaction(async (tx) => {
  const ws = await createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' });
  const owner = await addMember(tx, ws.id, { email: 'bench@example.test', displayName: 'bench', password: 'bench password 123', role: 'owner' });
  const actor = { kind: 'user' as const, id: owner.id, tenantId: ws.id, role: 'owner' as const };
  const pos = await createApiKey(tx, ws.id, actor, { name: 'pos', role: 'agent' }, '127.0.0.1');
  const admin = await createApiKey(tx, ws.id, actor, { name: 'verify', role: 'owner' }, '127.0.0.1');
  return { key: pos.secret, ownerKey: admin.secret, tenantId: ws.id };
});
const socket = database.connection.host!;
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

// Customers through the batched touchpoint route (it creates them), then their ids.
for (let i = 0; i < MEMBERS; i += 1000) {
  const events = Array.from({ length: 1000 }, (_, j) => ({
    externalId: `visit-${i + j}`, customer: { externalId: `member-${i + j}`, phone: `0912${String(2_000_000 + i + j).slice(-7)}` },
    kind: 'visit', channel: 'store', stage: 'pre-sale', occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
  }));
  const res = await fetch(`${base}/api/touchpoints/batch`, { method: 'POST', headers, body: JSON.stringify({ events }) });
  if (res.status !== 200) throw new Error(`customers: ${res.status} ${await res.text()}`);
}
const members = (await database.pool.query<{ id: string }>('SELECT id FROM customers WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map((r) => r.id);
if (members.length < MEMBERS) throw new Error(`only ${members.length} customers`);

type Request = { kind: string; path: string; body: string };
interface Outcome {
  seconds: number;
  total: number;
  rps: number;
  byKind: Record<string, { rps: number; p50Ms: number; p99Ms: number; statuses: Record<number, number> }>;
  /** mean backends waiting on a lock, and the share of samples with any waiting */
  lockWaits?: { meanWaiting: number; samplesWithWaits: number };
}

/** Keeps `connections` requests in flight for `seconds`, each from `next`; latencies per kind. */
async function drive(origin: string, connections: number, seconds: number, next: () => Request, sampleLocks = false): Promise<Outcome> {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const latencies = new Map<string, number[]>();
  const statuses = new Map<string, Record<number, number>>();
  const waits: number[] = [];
  let sampling = sampleLocks;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await database.pool.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = 'vafa' AND wait_event_type = 'Lock'`);
      waits.push(rows[0]!.waiting);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < until) {
      const request = next();
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: request.path, headers, body: request.body });
      await res.body.text();
      const ms = performance.now() - t0;
      if (!latencies.has(request.kind)) {
        latencies.set(request.kind, []);
        statuses.set(request.kind, {});
      }
      latencies.get(request.kind)!.push(ms);
      const counts = statuses.get(request.kind)!;
      counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  await pool.close();
  const byKind: Outcome['byKind'] = {};
  let total = 0;
  for (const [kind, values] of latencies) {
    values.sort((a, b) => a - b);
    total += values.length;
    byKind[kind] = { rps: Math.round(values.length / elapsed), p50Ms: +percentile(values, 50).toFixed(1), p99Ms: +percentile(values, 99).toFixed(1), statuses: statuses.get(kind)! };
  }
  return {
    seconds: +elapsed.toFixed(1), total, rps: Math.round(total / elapsed), byKind,
    ...(sampleLocks ? { lockWaits: { meanWaiting: +(waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length)).toFixed(2), samplesWithWaits: +(waits.filter((w) => w > 0).length / Math.max(1, waits.length)).toFixed(3) } } : {}),
  };
}

let seq = 0;
const pick = () => members[Math.floor(Math.random() * members.length)]!;
const earnFor = (customerId: string, points = 10): Request => ({
  kind: 'earn', path: `/api/loyalty/members/${customerId}/earnings`,
  body: JSON.stringify({ points, reason: 'خرید', externalId: `order-${seq++}`, expiresAt: new Date(Date.now() + (30 + (seq % 330)) * 86_400_000).toISOString() }),
});
const redeemFor = (customerId: string): Request => ({
  kind: 'redeem', path: `/api/loyalty/members/${customerId}/redemptions`, body: JSON.stringify({ points: 5, externalId: `checkout-${seq++}` }),
});

// Every member starts with points to spend, in two lots.
const seeding = new Pool(base, { connections: CONNECTIONS });
const seeds = members.flatMap((m) => [earnFor(m, 200), earnFor(m, 200)]);
await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
  for (let request = seeds.pop(); request; request = seeds.pop()) {
    const res = await seeding.request({ method: 'POST', path: request.path, headers, body: request.body });
    if (res.statusCode !== 201) throw new Error(`seeding: ${res.statusCode} ${await res.body.text()}`);
    await res.body.text();
  }
}));
await seeding.close();

// 1. The bare baseline, then earn + redeem.
const barePort = await freePort();
const bare = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'bare-insert-server.ts')], {
  env: { ...process.env, PORT: String(barePort), BENCH_PG_URL: `postgresql://vafa@localhost/vafa?host=${encodeURIComponent(socket)}` },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => bare.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve()));
const baseline = await drive(`http://127.0.0.1:${barePort}`, CONNECTIONS, SECONDS, () => ({ kind: 'insert', path: '/touchpoints', body: JSON.stringify({ externalId: `bare-${seq++}` }) }));
bare.kill('SIGTERM');

await drive(base, CONNECTIONS, 3, () => (seq % 2 ? earnFor(pick()) : redeemFor(pick()))); // warm-up
const mixed = await drive(base, CONNECTIONS, SECONDS, () => (seq % 2 ? earnFor(pick()) : redeemFor(pick())), true);

// 2. The hot account.
const manyMembers = await drive(base, CONNECTIONS, HOT_SECONDS, () => earnFor(pick()), true);
const oneConnection = await drive(base, 1, HOT_SECONDS, () => earnFor(pick()));
const oneMember = members[0]!;
const sameMember = await drive(base, CONNECTIONS, HOT_SECONDS, () => earnFor(oneMember), true);

// 3. verify over everything written.
const started = performance.now();
const verify = await fetch(`${base}/api/loyalty/verify`, { headers: { authorization: `Bearer ${ownerKey}` } });
const verifyMs = Math.round(performance.now() - started);
const verified = (await verify.json()) as { ok: boolean; counts: Record<string, number>; systemBalances: Record<string, number> };

await database.close();
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.rmSync(dataDir, { recursive: true, force: true });

const summary = (o: Outcome) => ({ rps: o.rps, ...Object.fromEntries(Object.entries(o.byKind).map(([k, v]) => [k, v])), ...(o.lockWaits ? { lockWaits: o.lockWaits } : {}) });
report('loyalty-ledger', {
  // the machine is shared: what else was running shows here
  loadAverage1m: +os.loadavg()[0]!.toFixed(1),
  connections: CONNECTIONS,
  seconds: SECONDS,
  members: members.length,
  bareInsert: { rps: baseline.rps, p99Ms: baseline.byKind.insert!.p99Ms },
  earnAndRedeem: summary(mixed),
  hotIssuanceAccount: {
    seconds: HOT_SECONDS,
    earnsOverManyMembers50Connections: summary(manyMembers),
    earnsOverManyMembers1Connection: summary(oneConnection),
    earnsForOneMember50Connections: summary(sameMember),
    manyMembersVsOneConnection: +(manyMembers.rps / oneConnection.rps).toFixed(2),
    manyMembersVsOneMember: +(manyMembers.rps / sameMember.rps).toFixed(2),
  },
  verify: { ms: verifyMs, ok: verified.ok, ...verified.counts, issuance: verified.systemBalances.issuance, redemptions: verified.systemBalances.redemptions },
});
