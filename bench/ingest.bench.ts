import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { BENCH_DIR, WORK_DIR, report, waitForReady } from './lib.ts';

// Touchpoint ingest over HTTP against a bare Fastify route doing one INSERT, on the same
// embedded PostgreSQL, same machine, same load generator.
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CUSTOMERS = 5_000;

const dataDir = path.join(WORK_DIR, 'data-ingest');
fs.rmSync(dataDir, { recursive: true, force: true });
const vafaPort = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(vafaPort), LOG_LEVEL: 'warn', VAFA_ANON_RATE_LIMIT: '1000000' });
await waitForReady(vafa, vafaPort);

// Provision a workspace and an integration key directly in the running Vafa's database.
const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
const key = await database.db.transaction(async (tx) => {
  const ws = await createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' });
  const owner = await addMember(tx, ws.id, { email: 'bench@example.test', displayName: 'bench', password: 'bench password 123', role: 'owner' });
  return (await createApiKey(tx, ws.id, { kind: 'user', id: owner.id, tenantId: ws.id, role: 'owner' }, { name: 'bench', role: 'agent' }, '127.0.0.1')).secret;
});
const socket = database.connection.host!;
await database.close();

const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const base = `http://127.0.0.1:${vafaPort}`;
let seq = 0;
const event = (n: number) => ({
  externalId: `bench-${process.pid}-${n}`,
  customer: { externalId: `cust-${n % CUSTOMERS}`, phone: `0912${String(1_000_000 + (n % CUSTOMERS)).slice(-7)}` },
  kind: 'visit',
  channel: 'store',
  stage: 'pre-sale',
  occurredAt: new Date(Date.now() - (n % 1000) * 60_000).toISOString(),
  data: { branch: 'ونک', note: 'bench' },
});

// Warm-up creates the customers, so the measured single-event path records touchpoints only.
for (let i = 0; i < CUSTOMERS; i += 1000) {
  const res = await fetch(`${base}/api/touchpoints/batch`, { method: 'POST', headers, body: JSON.stringify({ events: Array.from({ length: 1000 }, (_, j) => event(i + j + 10_000_000)) }) });
  if (res.status !== 200) throw new Error(`warm-up failed: ${res.status} ${await res.text()}`);
}

async function load(url: string, body: () => string, connections: number, extraHeaders: Record<string, string> = {}) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: SECONDS,
    headers: { ...headers, ...extraHeaders },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

// Baseline first, on the same PostgreSQL while Vafa sits idle: a bare route doing one INSERT.
const barePort = await freePort();
const bare = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'bare-insert-server.ts')], {
  env: { ...process.env, PORT: String(barePort), BENCH_PG_URL: `postgresql://vafa@localhost/vafa?host=${encodeURIComponent(socket)}` },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => bare.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve()));
const baseline = await load(`http://127.0.0.1:${barePort}/touchpoints`, () => JSON.stringify(event(seq++)), CONNECTIONS);
bare.kill('SIGTERM');

const single = await load(`${base}/api/touchpoints`, () => JSON.stringify(event(seq++)), CONNECTIONS);
const batchSize = 1000;
const batched = await load(`${base}/api/touchpoints/batch`, () => JSON.stringify({ events: Array.from({ length: batchSize }, () => event(seq++)) }), 4);
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.rmSync(dataDir, { recursive: true, force: true });

report('ingest', {
  connections: CONNECTIONS,
  seconds: SECONDS,
  singleRps: Math.round(single.rps),
  singleP99Ms: single.p99,
  singleNon2xx: single.non2xx,
  bareInsertRps: Math.round(baseline.rps),
  bareInsertP99Ms: baseline.p99,
  singleVsBare: +(single.rps / baseline.rps).toFixed(2),
  batchedEventsPerSecond: Math.round(batched.rps * batchSize),
  batchedNon2xx: batched.non2xx,
  batchedVsSingle: +((batched.rps * batchSize) / single.rps).toFixed(1),
});
