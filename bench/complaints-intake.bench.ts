import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { freePort, runVafa, type VafaProcess } from '../apps/server/test/process.ts';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { BENCH_DIR, WORK_DIR, report, waitForReady } from './lib.ts';

// The public complaint form (POST /api/public/complaints) on one running Vafa (all roles,
// embedded PostgreSQL), at 50 connections, each request a different complainant, against the
// bare Fastify route that stores the same body as one row on the same PostgreSQL in the same run.
//
// Fairness: the public route is held to VAFA_ANON_RATE_LIMIT tries a minute per address, and the
// whole load comes from 127.0.0.1, so this run raises that limit to 10^9. The limiter still runs
// on every request (its cost is counted); it just never says no.
//
// Then, without load: the statements one filing sends to PostgreSQL (log_statement = 'all' for a
// moment, read back from the embedded server's log), and durability: Vafa and its PostgreSQL are
// killed with SIGKILL right after a burst of acknowledgements, restarted, and every tracking code
// that was answered 201 is looked up. synchronous_commit is left as configured and reported.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = 50;
const SLUG = 'bench';

const dataDir = path.join(WORK_DIR, 'data-complaints-intake');
fs.rmSync(dataDir, { recursive: true, force: true });
const env = { VAFA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', VAFA_ANON_RATE_LIMIT: '1000000000' };

async function startVafa(): Promise<{ vafa: VafaProcess; base: string }> {
  const port = await freePort();
  const vafa = runVafa(['start'], { ...env, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitForReady(vafa, port);
  return { vafa, base };
}

let { vafa, base } = await startVafa();
const attach = () => connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
let database = await attach();
await database.db.transaction((tx) => createWorkspace(tx, { name: 'Bench', slug: SLUG, defaultLanguage: 'fa', defaultCountry: 'IR' }));
const socket = database.connection.host!;

let seq = 0;
const complaint = () => {
  const n = seq++;
  return JSON.stringify({
    workspace: SLUG,
    name: `مشتری ${n}`,
    phone: `0912${String(n % 10_000_000).padStart(7, '0')}`,
    ...(n % 3 === 0 ? { email: `c${n}@example.test` } : {}),
    category: n % 2 ? 'delivery' : 'billing',
    description: 'سفارش من دیر رسید و بسته آسیب دیده بود؛ لطفاً پیگیری کنید.',
  });
};

async function load(url: string, options: { connections: number; seconds: number; onBody?: (status: number, body: string) => void }) {
  const instance = autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    headers: { 'content-type': 'application/json', 'accept-language': 'fa' },
    requests: [{ setupRequest: (req) => ({ ...req, body: complaint() }), ...(options.onBody ? { onResponse: options.onBody } : {}) }],
  });
  const result = await instance;
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx, total: result.requests.total };
}

// 1. Throughput: the bare baseline first, on the same PostgreSQL while Vafa sits idle.
const barePort = await freePort();
const bare = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'bare-insert-server.ts')], {
  env: { ...process.env, PORT: String(barePort), BENCH_PG_URL: `postgresql://vafa@localhost/vafa?host=${encodeURIComponent(socket)}` },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => bare.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve()));
const baseline = await load(`http://127.0.0.1:${barePort}/responses/complaint`, { connections: CONNECTIONS, seconds: SECONDS });
bare.kill('SIGTERM');
// A short warm-up (JIT, pool, caches), then the measured run.
await load(`${base}/api/public/complaints`, { connections: CONNECTIONS, seconds: 3 });
const intake = await load(`${base}/api/public/complaints`, { connections: CONNECTIONS, seconds: SECONDS });

// 2. Statements per filing, on a quiet server: every statement of the backend that wrote the case,
// from its BEGIN to its COMMIT.
const logFile = path.join(dataDir, 'postgres.log');
await database.db.execute(`ALTER SYSTEM SET log_statement = 'all'`);
await database.db.execute(`ALTER SYSTEM SET log_line_prefix = '%m [%p] '`);
await database.db.execute('SELECT pg_reload_conf()');
await new Promise((r) => setTimeout(r, 500));
const logFrom = fs.statSync(logFile).size;
const marker = `statement-count-${process.pid}`;
const one = await fetch(`${base}/api/public/complaints`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ workspace: SLUG, name: marker, phone: '09120000000', description: 'count the statements' }),
});
if (one.status !== 201) throw new Error(`filing for the statement count failed: ${one.status} ${await one.text()}`);
await new Promise((r) => setTimeout(r, 500));
await database.db.execute(`ALTER SYSTEM RESET log_statement`);
await database.db.execute(`ALTER SYSTEM RESET log_line_prefix`);
await database.db.execute('SELECT pg_reload_conf()');
const logged = fs.readFileSync(logFile, 'utf8').slice(logFrom).split('\n');
const statementLine = /^\S+ \S+ \S+ \[(\d+)\] LOG:\s+(?:statement|execute [^:]*):\s*(.*)$/;
const statements: { pid: string; text: string }[] = [];
for (const line of logged) {
  const m = statementLine.exec(line);
  if (m) statements.push({ pid: m[1]!, text: m[2]! });
  else if (statements.length > 0 && /^\s/.test(line)) statements[statements.length - 1]!.text += ` ${line.trim()}`;
}
const writer = statements.findIndex((s) => /insert into "?complaint_cases"?/i.test(s.text));
let perFiling: string[] = [];
if (writer >= 0) {
  const pid = statements[writer]!.pid;
  const ofPid = statements.map((s, i) => ({ ...s, i })).filter((s) => s.pid === pid);
  const at = ofPid.findIndex((s) => s.i === writer);
  let from = at;
  while (from > 0 && !/^begin/i.test(ofPid[from]!.text)) from--;
  let to = at;
  while (to < ofPid.length - 1 && !/^commit/i.test(ofPid[to]!.text)) to++;
  perFiling = ofPid.slice(from, to + 1).map((s) => s.text.replace(/\s+/g, ' ').slice(0, 90));
}
if (process.env.BENCH_SHOW_STATEMENTS) process.stderr.write(`${perFiling.join('\n')}\n`);
const synchronousCommit = ((await database.db.execute('SHOW synchronous_commit')).rows[0] as { synchronous_commit: string }).synchronous_commit;

// 3. Durability: a burst at full load, SIGKILL to Vafa and its PostgreSQL right after, restart,
// and every code that was answered 201 must be there.
await database.close();
const acknowledged: string[] = [];
const burst = load(`${base}/api/public/complaints`, {
  connections: CONNECTIONS, seconds: 3,
  onBody: (status, body) => {
    if (status === 201) acknowledged.push((JSON.parse(body) as { trackingCode: string }).trackingCode);
  },
});
await new Promise((r) => setTimeout(r, 2000));
const postmaster = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
vafa.child.kill('SIGKILL');
process.kill(postmaster, 'SIGKILL');
const killedAfter = acknowledged.length;
await burst;
await vafa.exited;
for (let i = 0; i < 100; i++) {
  try {
    process.kill(postmaster, 0);
    await new Promise((r) => setTimeout(r, 100));
  } catch {
    break;
  }
}
({ vafa, base } = await startVafa());
database = await attach();
const found = (await database.pool.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM complaint_cases c JOIN workspaces w ON w.id = c.tenant_id WHERE w.slug = $1 AND c.tracking_code = ANY($2::text[]) AND c.state = 'acknowledged'`,
  [SLUG, acknowledged],
)).rows[0]!.n;

await database.close();
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.rmSync(dataDir, { recursive: true, force: true });

report('complaints-intake', {
  connections: CONNECTIONS,
  seconds: SECONDS,
  anonRateLimitPerMinute: Number(env.VAFA_ANON_RATE_LIMIT),
  intakeRps: intake.rps,
  intakeP50Ms: intake.p50,
  intakeP99Ms: intake.p99,
  intakeNon2xx: intake.non2xx,
  intakeErrors: intake.errors,
  bareInsertRps: baseline.rps,
  bareInsertP99Ms: baseline.p99,
  intakeVsBare: +(intake.rps / baseline.rps).toFixed(2),
  statementsPerFiling: perFiling.length,
  statements: perFiling,
  synchronousCommit,
  killedAfterAcknowledged: killedAfter,
  acknowledgedBeforeKill: acknowledged.length,
  acknowledgedFoundAfterRestart: found,
  acknowledgedLost: acknowledged.length - found,
});
