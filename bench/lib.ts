import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { connectDatabase, type Database } from '../apps/server/src/platform/db/connect.ts';
import { migrateDatabase } from '../apps/server/src/platform/db/migrate.ts';
import type { VafaProcess } from '../apps/server/test/process.ts';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const WORK_DIR = path.join(BENCH_DIR, '.work');
fs.mkdirSync(WORK_DIR, { recursive: true });

/** The database benchmarks run on: the embedded PostgreSQL (the default deployment) unless BENCH_DATABASE_URL is set. */
export async function benchDatabase(name: string): Promise<Database> {
  const log = pino({ level: 'warn' });
  const database = await connectDatabase({
    databaseUrl: process.env.BENCH_DATABASE_URL,
    dataDir: path.join(WORK_DIR, `data-${name}`),
    poolSize: 10,
    log,
    attach: true,
  });
  await migrateDatabase(database);
  return database;
}

/**
 * Waits until a Vafa started with `runVafa` answers /ready on `port`. Throws, with the end of its
 * stderr, if the process exits first or is not ready within `timeoutMs` (start-up migrates and may
 * build the web app, hence the generous default).
 */
export async function waitForReady(vafa: VafaProcess, port: number, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status === 200, () => false)) return;
    if (vafa.child.exitCode !== null) throw new Error(`Vafa exited with ${vafa.child.exitCode}: ${vafa.stderr().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`Vafa was not ready in ${timeoutMs / 1000} s: ${vafa.stderr().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function report(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: name, at: new Date().toISOString(), ...figures })}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Resident memory of a process and its descendants, in MiB. Uses PSS (shared pages split
 * between the processes that share them), so PostgreSQL's shared buffers count once.
 */
export function treeRssMiB(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* exited */
    }
  }
  let total = 0;
  const visit = (pid: number) => {
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      total += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return Math.round(total / 1024);
}

/** RSS of every postgres process serving one data directory (the postmaster is not our child). */
export function postgresRssMiB(pgDir: string): number {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return 0;
  return treeRssMiB(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]));
}

/**
 * Waits until the database has written no WAL for `quietMs` (the relay, the subscribers and the
 * job loops have nothing left of earlier work), at most `maxMs`. Answers how long it waited: the
 * follow-on work of what ran before.
 */
export async function drained(database: Pick<Database, 'pool'>, maxMs = 180_000, quietMs = 3_000): Promise<number> {
  const walPosition = async () => (await database.pool.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0]!.lsn;
  const started = Date.now();
  let last = await walPosition();
  let stillSince = Date.now();
  while (Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await walPosition();
    if (now !== last) [last, stillSince] = [now, Date.now()];
    else if (Date.now() - stillSince >= quietMs) break;
  }
  return Date.now() - started;
}

/**
 * Waits until this database's events are all relayed and their subscribers' jobs all done (what
 * other databases of the cluster do does not count, unlike `drained`), at most `maxMs`. Answers
 * how long it waited.
 */
export async function eventsHandled(database: Pick<Database, 'pool'>, maxMs = 300_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    const { rows: [left] } = await database.pool.query<{ n: string }>(`
      SELECT (SELECT count(*) FROM outbox_events WHERE outbox_event_pending(xid, id))
           + (SELECT count(*) FROM pgboss.job WHERE name LIKE 'on.%' AND state NOT IN ('completed', 'failed', 'cancelled')) AS n`);
    if (Number(left!.n) === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return Date.now() - started;
}
