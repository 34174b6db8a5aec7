import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { freePort, runVafa, type VafaProcess } from '../apps/server/test/process.ts';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { BENCH_DIR, WORK_DIR, drained, report, waitForReady } from './lib.ts';

// The public complaint form (POST /api/public/complaints) on one running Vafa (all roles,
// embedded PostgreSQL), at 50 connections, each request a different complainant, against the
// bare Fastify route that stores the same body as one row on the same PostgreSQL in the same run.
//
// Fairness: the public route was held to VAFA_ANON_RATE_LIMIT tries a minute per address (it no
// longer is: its abuse guard counts devices, not addresses), and the whole load comes from
// 127.0.0.1, so this run raises that limit to 10^9. The limiter still runs
// on every request (its cost is counted); it just never says no. The same for the form's abuse
// guard (VAFA_FILING_BURST_LIMIT: cookieless filings a minute before a proof of work is asked).
//
// Then a census of what filings write: a fixed number of filings at the same concurrency, and
// everything they set off afterwards (the outbox relay, the case loop's subscribers, the notices
// and their messages) worked off until the WAL stands still; rows inserted and updated (HOT or
// not) per table from pg_stat_user_tables, and WAL bytes, per filing.
// BENCH_PG_STATEMENTS=1 also loads pg_stat_statements (a restart of the embedded PostgreSQL) and
// reports the statements that took PostgreSQL's time in the census (nested trigger statements too);
// BENCH_CPU_PROF=<dir> runs Vafa with --cpu-prof for the load phases and reports its hottest functions.
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
const env = { VAFA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', VAFA_ANON_RATE_LIMIT: '1000000000', VAFA_FILING_BURST_LIMIT: '1000000000' };
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const CENSUS_FILINGS = Number(process.env.BENCH_CENSUS_FILINGS ?? 2_000);
const loadAverage = () => +os.loadavg()[0]!.toFixed(1);
const loadAverage1m: Record<string, number> = { atStart: loadAverage() };

async function startVafa(options: { profile?: boolean } = {}): Promise<{ vafa: VafaProcess; base: string }> {
  const port = await freePort();
  const vafa = options.profile && CPU_PROF_DIR ? profiledVafa(CPU_PROF_DIR, { ...env, PORT: String(port) }) : runVafa(['start'], { ...env, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitForReady(vafa, port);
  return { vafa, base };
}

let { vafa, base } = await startVafa();
const attach = () => connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
let database = await attach();
if (PG_STATEMENTS || CPU_PROF_DIR) {
  if (PG_STATEMENTS) {
    await database.db.execute(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await database.db.execute(`ALTER SYSTEM SET pg_stat_statements.track = 'all'`);
  }
  await database.close();
  vafa.child.kill('SIGTERM');
  await vafa.exited;
  ({ vafa, base } = await startVafa({ profile: true }));
  database = await attach();
  if (PG_STATEMENTS) await database.db.execute('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}
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

async function load(url: string, options: { connections: number; seconds: number; amount?: number; onBody?: (status: number, body: string) => void }) {
  const instance = autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds }),
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
loadAverage1m.beforeBare = loadAverage();
const baseline = await load(`http://127.0.0.1:${barePort}/responses/complaint`, { connections: CONNECTIONS, seconds: SECONDS });
bare.kill('SIGTERM');
// A short warm-up (JIT, pool, caches), then the measured run.
await load(`${base}/api/public/complaints`, { connections: CONNECTIONS, seconds: 3 });
loadAverage1m.beforeIntake = loadAverage();
const intake = await load(`${base}/api/public/complaints`, { connections: CONNECTIONS, seconds: SECONDS });
loadAverage1m.afterIntake = loadAverage();

// 1b. The census (see the top): drained before and after (lib.ts), so the follow-on work of these
// filings and of no others is counted.
const walPosition = async () => ((await database.db.execute(`SELECT pg_current_wal_insert_lsn()::text AS lsn`)).rows[0] as { lsn: string }).lsn;
type TableCounts = Map<string, { ins: number; upd: number; hot: number; del: number }>;
async function tableCounts(): Promise<TableCounts> {
  const { rows } = await database.pool.query<{ relname: string; ins: string; upd: string; hot: string; del: string }>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del FROM pg_stat_user_tables`);
  return new Map(rows.map((r) => [r.relname, { ins: Number(r.ins), upd: Number(r.upd), hot: Number(r.hot), del: Number(r.del) }]));
}
// Backends publish their counters when idle, at most every second, else 10 s later.
const statsSettle = () => new Promise((r) => setTimeout(r, 11_000));
await drained(database);
await statsSettle();
const countsBefore = await tableCounts();
const walBefore = await walPosition();
if (PG_STATEMENTS) await database.db.execute('SELECT pg_stat_statements_reset()');
const censusLoad = await load(`${base}/api/public/complaints`, { connections: CONNECTIONS, seconds: 0, amount: CENSUS_FILINGS });
const drainMs = await drained(database);
const walBytes = Number(((await database.pool.query<{ b: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn) AS b`, [walBefore])).rows[0]!).b);
await statsSettle();
const countsAfter = await tableCounts();
const censusFilings = censusLoad.total - censusLoad.non2xx;
const perFilingWrites: Record<string, { inserted: number; updated: number; hotUpdated: number; deleted: number }> = {};
let rowVersions = 0;
for (const [table, after] of countsAfter) {
  const before = countsBefore.get(table) ?? { ins: 0, upd: 0, hot: 0, del: 0 };
  const d = { ins: after.ins - before.ins, upd: after.upd - before.upd, hot: after.hot - before.hot, del: after.del - before.del };
  rowVersions += d.ins + d.upd;
  // Tables written less than once in 200 filings (a job's bookkeeping) are left out of the list, not of the sum.
  if (d.ins + d.upd + d.del < censusFilings / 200) continue;
  const per = (n: number) => +(n / censusFilings).toFixed(2);
  perFilingWrites[table] = { inserted: per(d.ins), updated: per(d.upd), hotUpdated: per(d.hot), deleted: per(d.del) };
}
let pgStatements: { calls: number; totalMs: number; rows: number; query: string }[] | undefined;
if (PG_STATEMENTS) {
  const { rows } = await database.pool.query<{ calls: string; total: number; rows: string; query: string }>(`
    SELECT calls, round(total_exec_time::numeric, 1)::float AS total, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_%' AND query NOT ILIKE '%pg_current_wal%' ORDER BY total_exec_time DESC LIMIT 25`);
  pgStatements = rows.map((r) => ({ calls: Number(r.calls), totalMs: r.total, rows: Number(r.rows), query: r.query }));
  if (process.env.BENCH_SHOW_STATEMENTS) for (const r of pgStatements) process.stderr.write(`${String(r.totalMs).padStart(9)} ms ${String(r.calls).padStart(7)} × ${r.query}\n`);
}
const census = {
  filings: censusFilings, drainMs, walBytesPerFiling: Math.round(walBytes / censusFilings), rowVersionsPerFiling: +(rowVersions / censusFilings).toFixed(2), perFilingWrites,
};

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

// Profiled: a clean stop writes the profile; the durability test runs on a Vafa without it.
let cpuProfile: { selfMs: number; fn: string }[] | undefined;
if (CPU_PROF_DIR) {
  await database.close();
  vafa.child.kill('SIGTERM');
  await vafa.exited;
  // The main thread's profile (CPU.<date>.<time>.<pid>.0.<seq>.cpuprofile; tsx's loader thread writes another), the newest.
  const file = fs.readdirSync(CPU_PROF_DIR).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).map((f) => path.join(CPU_PROF_DIR, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (file) cpuProfile = hottestFunctions(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  ({ vafa, base } = await startVafa());
  database = await attach();
}

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
  loadAverage1m: { ...loadAverage1m, atEnd: loadAverage() },
  cpus: os.cpus().length,
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
  census,
  ...(pgStatements ? { pgStatements } : {}),
  ...(cpuProfile ? { cpuProfile } : {}),
  statementsPerFiling: perFiling.length,
  statements: perFiling,
  synchronousCommit,
  killedAfterAcknowledged: killedAfter,
  acknowledgedBeforeKill: acknowledged.length,
  acknowledgedFoundAfterRestart: found,
  acknowledgedLost: acknowledged.length - found,
});

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function of a V8 CPU profile, the 25 hottest (idle and GC by their own names). */
function hottestFunctions(profile: CpuProfile): { selfMs: number; fn: string }[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!;
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules\/)?/, '')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([fn, ms]) => ({ selfMs: Math.round(ms), fn }));
}

/** `vafa start` as runVafa runs it, under --cpu-prof (not allowed in NODE_OPTIONS): the profile is written when it exits. */
function profiledVafa(dir: string, vars: Record<string, string>): VafaProcess {
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: path.join(BENCH_DIR, '..', 'apps', 'server'),
    env: { ...process.env, LOG_LEVEL: 'info', VAFA_DEMO: 'false', HOST: '127.0.0.1', ...vars },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-10_000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => '', stderr: () => err, exited, waitFor: () => Promise.reject(new Error('not for a profiled run')) };
}
