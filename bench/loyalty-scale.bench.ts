import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { CreateLoyaltyProgram } from '@vafa/contracts';
import type { Executor } from '../apps/server/src/platform/db/connect.ts';
import * as ledger from '../apps/server/src/modules/loyalty/ledger.repo.ts';
import { settleDueEverywhere } from '../apps/server/src/modules/loyalty/ledger.service.ts';
import { charityDrift } from '../apps/server/src/modules/loyalty/charity.repo.ts';
import { runLoyaltyVerifyCommand } from '../apps/server/src/modules/loyalty/ledger-verify.cli.ts';
import * as verifyRepo from '../apps/server/src/modules/loyalty/ledger-verify.repo.ts';
import { VERIFY_WORK_MEM, entryPassSettings } from '../apps/server/src/modules/loyalty/ledger-verify.service.ts';
import { heldDrift } from '../apps/server/src/modules/loyalty/redemption-holds.repo.ts';
import { createProgram } from '../apps/server/src/modules/loyalty/program.service.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { WORK_DIR, benchDatabase, report } from './lib.ts';

// Issue 12's two aims at size: expiry over 10,000,000 lots (under 10 minutes a run, no full scan,
// safe to re-run) and `verify` over 10,000,000 postings (under 60 s).
//
// One workspace with a program and VAFA_BENCH_LOTS lots (10,000,000 by default; 10 per member),
// generated set-based in SQL as the product would have written them: each lot is an earn entry
// with its two postings (issuance → member available), half the members spent 30 points drawn on
// their soonest-expiring lot (a redeem entry, two postings, a draw), and the members' cached
// balances are the sums of it all, so `verify` finds no drift. A tenth of the lots (each member's
// first) are past their expiry. Then, timed:
//   (a) one run of the hourly due-work job's own function (settleDueEverywhere),
//   (b) the same run again right after: it must expire nothing and be quick,
//   (c) `vafa loyalty verify` over the whole ledger (the CLI's function, as the command runs it).
// The plans of the run's statements are taken with EXPLAIN (ANALYZE, BUFFERS) on a first batch
// in a transaction rolled back, and pg_stat_user_tables says whether the real run scanned lots.
const LOTS = Number(process.env.VAFA_BENCH_LOTS ?? 10_000_000);
const LOTS_PER_MEMBER = 10;
const MEMBERS = Math.ceil(LOTS / LOTS_PER_MEMBER);
const NAME = 'loyalty-scale';
/** A smaller try keeps its own data directory, beside a full-size run's. */
const DIR_NAME = LOTS === 10_000_000 ? NAME : `${NAME}-${LOTS}`;
const dataDir = path.join(WORK_DIR, `data-${DIR_NAME}`);

/** VAFA_BENCH_VERIFY_ONLY=1: time verify again on a ledger an earlier run kept (VAFA_BENCH_KEEP=1); verify only reads. */
const VERIFY_ONLY = process.env.VAFA_BENCH_VERIFY_ONLY === '1';
/**
 * VAFA_BENCH_GENERATE_ONLY=1: generate the ledger, keep it and stop (copy the data directory aside
 * to time expiry again on fresh due lots). VAFA_BENCH_REUSE=1: run on a ledger kept that way (or
 * a copy of it put back) instead of generating one.
 */
const GENERATE_ONLY = process.env.VAFA_BENCH_GENERATE_ONLY === '1';
const REUSE = process.env.VAFA_BENCH_REUSE === '1';
if (!VERIFY_ONLY && !REUSE) fs.rmSync(dataDir, { recursive: true, force: true });
const database = await benchDatabase(DIR_NAME);
const { pool } = database;
const now = new Date();

/** The 1-minute load average every 5 s while `work` runs: the machine is shared. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; load: { min: number; mean: number; max: number } }> {
  const samples = [os.loadavg()[0]!];
  const timer = setInterval(() => samples.push(os.loadavg()[0]!), 5_000);
  const started = performance.now();
  try {
    const value = await work();
    samples.push(os.loadavg()[0]!);
    const round = (n: number) => +n.toFixed(2);
    return {
      value, seconds: +((performance.now() - started) / 1000).toFixed(2),
      load: { min: round(Math.min(...samples)), mean: round(samples.reduce((a, b) => a + b, 0) / samples.length), max: round(Math.max(...samples)) },
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * CPU seconds spent so far by this ledger's PostgreSQL (the postmaster, its reaped children such as
 * parallel workers, and its live backends) and by this process: the machine is shared, so the
 * wall time alone says little.
 */
function cpuSeconds(): { postgres: number; bench: number } {
  const ticks = 100;
  const fields = (pid: number | string) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').slice(0).split(') ')[1]!.split(' ');
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  let postgres = 0;
  if (fs.existsSync(pidFile)) {
    const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    const f = fields(postmaster);
    postgres += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const c = fields(entry);
        if (Number(c[1]) === postmaster) postgres += Number(c[11]) + Number(c[12]);
      } catch {
        /* exited */
      }
    }
  }
  const own = process.cpuUsage();
  return { postgres: +(postgres / ticks).toFixed(1), bench: +((own.user + own.system) / 1e6).toFixed(1) };
}
const cpuSince = (from: { postgres: number; bench: number }) => {
  const now = cpuSeconds();
  return { postgresSeconds: +(now.postgres - from.postgres).toFixed(1), benchSeconds: +(now.bench - from.bench).toFixed(1) };
};

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** `vafa loyalty verify` over the workspace as the command runs it, then each of its checks timed alone. */
async function timeVerify(tenantId: string) {
  const lines: string[] = [];
  const cpu0 = cpuSeconds();
  const run = await timed(() => runLoyaltyVerifyCommand({ database, workspaceSlug: NAME, write: (line) => lines.push(line), say: log }));
  const verified = JSON.parse(lines[0]!) as { ok: boolean; counts: Record<string, number>; driftCounts: Record<string, number>; systemBalances: Record<string, number> };
  const cpu = cpuSince(cpu0);
  log(`verify: ${run.seconds} s ok=${verified.ok} cpu ${JSON.stringify(cpu)}`);
  // Where verify's time goes: each of its checks again, timed alone, in one snapshot as the CLI reads it.
  const parts = await database.db.transaction(async (tx) => {
    const seconds: Record<string, number> = {};
    await tx.execute(sql.raw(`SET LOCAL work_mem = '${VERIFY_WORK_MEM}'`));
    const checks: Record<string, (db: Executor, tenantId: string) => Promise<unknown>> = {
      byAccount: verifyRepo.accountPass, byEntry: verifyRepo.entryPass, held: heldDrift, charity: charityDrift,
    };
    for (const [name, check] of Object.entries(checks)) {
      if (name === 'byEntry') await tx.execute(entryPassSettings);
      const t0 = performance.now();
      await check(tx, tenantId);
      seconds[name] = +((performance.now() - t0) / 1000).toFixed(2);
    }
    return seconds;
  }, { isolationLevel: 'repeatable read', accessMode: 'read only' });
  log(`verify parts (s): ${JSON.stringify(parts)}`);
  return {
    seconds: run.seconds, load: run.load, cpu, ok: verified.ok, ...verified.counts, driftCounts: verified.driftCounts,
    breakage: verified.systemBalances.breakage, partsSeconds: parts, workMem: VERIFY_WORK_MEM,
    aim: 'under 60 s over >= 10,000,000 postings', met: run.seconds < 60 && verified.ok,
  };
}

if (VERIFY_ONLY) {
  const { rows: [workspace] } = await pool.query<{ id: string }>('SELECT id FROM workspaces WHERE slug = $1', [NAME]);
  if (!workspace) throw new Error(`no kept ledger in ${dataDir}: run once with VAFA_BENCH_KEEP=1`);
  const verify = await timeVerify(workspace.id);
  await database.close();
  if (process.env.VAFA_BENCH_KEEP !== '1') fs.rmSync(dataDir, { recursive: true, force: true });
  report(`${NAME}-verify`, { cpus: os.cpus().length, verify });
  process.exit(0);
}

// ---- the workspace, its program, and the ledger ------------------------------------------------
const kept = REUSE ? (await pool.query<{ id: string }>('SELECT id FROM workspaces WHERE slug = $1', [NAME])).rows[0] : undefined;
if (REUSE && !kept) throw new Error(`no kept ledger in ${dataDir}: run once with VAFA_BENCH_GENERATE_ONLY=1`);
const { tenantId } = kept ? { tenantId: kept.id } : await database.db.transaction(async (tx) => {
  const ws = await createWorkspace(tx, { name: 'Loyalty scale', slug: NAME, defaultLanguage: 'fa', defaultCountry: 'IR' });
  const owner = await addMember(tx, ws.id, { email: 'bench@example.test', displayName: 'bench', password: 'bench password 123', role: 'owner' });
  const actor = { kind: 'user' as const, id: owner.id, tenantId: ws.id, role: 'owner' as const };
  await createProgram(tx, ws.id, actor, CreateLoyaltyProgram.parse({
    name: 'باشگاه مشتریان', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' }, pendingDays: 0, expiry: { kind: 'rolling', days: 365 } },
  }), now);
  return { tenantId: ws.id };
});

const LOADED_TABLES = ['customers', 'loyalty_members', 'loyalty_accounts', 'loyalty_entries', 'loyalty_postings', 'loyalty_lots', 'loyalty_draws'];

const generation = await timed(async () => {
  if (kept) return;
  const client = await pool.connect();
  try {
    const q = async (label: string, text: string, values: unknown[] = []) => {
      const t0 = performance.now();
      const result = await client.query(text, values);
      log(`${label}: ${result.rowCount ?? ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    };
    // Bulk load: the secondary indexes are dropped and built again afterwards (from their own
    // definitions), triggers and foreign-key checks are off; verify checks the result.
    const { rows: indexes } = await client.query<{ name: string; def: string }>(`
      SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`, [LOADED_TABLES]);
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    const bigs = async (seq: string) => Number((await client.query<{ n: string }>(`SELECT nextval(pg_get_serial_sequence($1, 'id')) AS n`, [seq])).rows[0]!.n);
    const [e0, a0, l0] = [await bigs('loyalty_entries'), await bigs('loyalty_accounts'), await bigs('loyalty_lots')];
    const at = now.toISOString();
    // Member m (0-based): customer, member row, accounts a0 + 6 + 3m + (0 pending, 1 available, 2 qualifying).
    await q('customers', `
      CREATE TEMP TABLE gen_members AS
      SELECT m, gen_random_uuid() AS customer_id FROM generate_series(0, $1::int - 1) AS m`, [MEMBERS]);
    await client.query(`ALTER TABLE gen_members ADD PRIMARY KEY (m)`);
    await q('customers', `
      INSERT INTO customers (tenant_id, id, external_id, created_at, updated_at)
      SELECT $1, customer_id, 'member-' || m, $2::timestamptz - interval '500 days', $2::timestamptz - interval '500 days' FROM gen_members`, [tenantId, at]);
    await q('system accounts', `
      INSERT INTO loyalty_accounts (tenant_id, id, kind, customer_id)
      SELECT $1, $2::bigint + o - 1, kind, NULL FROM unnest($3::text[]) WITH ORDINALITY AS k(kind, o)`,
    [tenantId, a0, ['issuance', 'redemptions', 'breakage', 'charity_payable', 'partner_payable', 'qualifying_issuance']]);
    const sys = (kind: string) => `(SELECT id FROM loyalty_accounts WHERE tenant_id = '${tenantId}' AND customer_id IS NULL AND kind = '${kind}')`;
    await q('member accounts', `
      INSERT INTO loyalty_accounts (tenant_id, id, kind, customer_id)
      SELECT $1, $2::bigint + 6 + 3 * m + k, (ARRAY['pending', 'available', 'qualifying'])[k + 1], customer_id
      FROM gen_members CROSS JOIN generate_series(0, 2) AS k ORDER BY m, k`, [tenantId, a0]);
    // Lot k of member m is earn entry e0 + 10m + k and lot l0 + 10m + k. Lot 0 was earned 400
    // days ago and expired 1-30 days ago; lots 1-8 were earned over the last 300 days and expire a
    // year after; lot 9 never expires. Even members spent 30 points 40 days ago, drawn on lot 0
    // (the soonest to expire then): redeem entry e0 + 10M + m.
    await q('lots (plan)', `
      CREATE TEMP TABLE gen_lots AS
      SELECT m, k, customer_id, $1::bigint + 10 * m + k AS entry_id, $2::bigint + 10 * m + k AS lot_id, 100 AS amount,
        CASE WHEN k = 0 AND m % 2 = 0 THEN 70 ELSE 100 END AS remaining,
        CASE WHEN k = 0 THEN $3::timestamptz - interval '400 days' ELSE $3::timestamptz - interval '300 days' + k * interval '30 days' END
          + (m % 1440) * interval '1 minute' AS created_at,
        CASE WHEN k = 0 THEN $3::timestamptz - (1 + m % 30) * interval '1 day' - (m % 1440) * interval '1 minute'
             WHEN k = 9 THEN NULL
             ELSE $3::timestamptz + interval '65 days' + k * interval '30 days' + (m % 1440) * interval '1 minute' END AS expires_at
      FROM gen_members CROSS JOIN generate_series(0, ${LOTS_PER_MEMBER - 1}) AS k
      WHERE 10 * m + k < $4`, [e0, l0, at, LOTS]);
    await q('earn entries', `
      INSERT INTO loyalty_entries (tenant_id, id, kind, idempotency_key, customer_id, external_id, reason, source, created_at)
      SELECT $1, entry_id, 'earn', 'earn:ext:order-' || m || '-' || k, customer_id, 'order-' || m || '-' || k, 'خرید', 'api_key:bench', created_at
      FROM gen_lots ORDER BY entry_id`, [tenantId]);
    await q('earn postings', `
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT $1, entry_id, account_id, amount FROM (
        SELECT entry_id, ${sys('issuance')} AS account_id, -100 AS amount FROM gen_lots
        UNION ALL
        SELECT entry_id, $2::bigint + 6 + 3 * m + 1, 100 FROM gen_lots
      ) p ORDER BY entry_id, account_id`, [tenantId, a0]);
    await q('lots', `
      INSERT INTO loyalty_lots (tenant_id, id, customer_id, entry_id, amount, remaining, expires_at, created_at)
      SELECT $1, lot_id, customer_id, entry_id, amount, remaining, expires_at, created_at FROM gen_lots ORDER BY lot_id`, [tenantId]);
    const redeemBase = e0 + MEMBERS * LOTS_PER_MEMBER;
    await q('redeem entries', `
      INSERT INTO loyalty_entries (tenant_id, id, kind, idempotency_key, customer_id, external_id, reason, source, created_at)
      SELECT $1, $2::bigint + m, 'redeem', 'redeem:ext:checkout-' || m, customer_id, 'checkout-' || m, NULL, 'api_key:bench', $3::timestamptz - interval '40 days'
      FROM gen_members WHERE m % 2 = 0 ORDER BY m`, [tenantId, redeemBase, at]);
    await q('redeem postings', `
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT $1, $2::bigint + m, account_id, amount FROM gen_members
      CROSS JOIN LATERAL (VALUES ($3::bigint + 6 + 3 * m + 1, -30), (${sys('redemptions')}, 30)) p(account_id, amount)
      WHERE m % 2 = 0 ORDER BY m, account_id`, [tenantId, redeemBase, a0]);
    await q('redeem draws', `
      INSERT INTO loyalty_draws (tenant_id, entry_id, lot_id, amount)
      SELECT $1, $2::bigint + m, lot_id, 30 FROM gen_lots WHERE k = 0 AND m % 2 = 0 ORDER BY m`, [tenantId, redeemBase]);
    await q('members', `
      INSERT INTO loyalty_members (tenant_id, customer_id, available, created_at, updated_at)
      SELECT $1, customer_id, sum(remaining), min(created_at), $2::timestamptz - interval '40 days' FROM gen_lots GROUP BY customer_id`, [tenantId, at]);
    await client.query(`SELECT setval(pg_get_serial_sequence('loyalty_entries', 'id'), (SELECT max(id) FROM loyalty_entries))`);
    await client.query(`SELECT setval(pg_get_serial_sequence('loyalty_accounts', 'id'), (SELECT max(id) FROM loyalty_accounts))`);
    await client.query(`SELECT setval(pg_get_serial_sequence('loyalty_lots', 'id'), (SELECT max(id) FROM loyalty_lots))`);
    await client.query(`SET session_replication_role = origin`);
    await client.query(`DROP TABLE gen_lots; DROP TABLE gen_members`);
    for (const index of indexes) await q(`index ${index.name}`, index.def);
    for (const table of LOADED_TABLES) await q(`vacuum ${table}`, `VACUUM (ANALYZE) ${table}`);
    await client.query('CHECKPOINT');
  } finally {
    client.release();
  }
});
log(`generated in ${generation.seconds} s`);
if (GENERATE_ONLY) {
  await database.close();
  report(`${NAME}-generated`, { cpus: os.cpus().length, lots: LOTS, seconds: generation.seconds, load: generation.load, dataDir });
  process.exit(0);
}

const count = async (table: string) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`, [tenantId])).rows[0]!.n);
const due = async () => Number((await pool.query<{ n: string }>(
  `SELECT count(*) AS n FROM loyalty_lots WHERE tenant_id = $1 AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $2`, [tenantId, now])).rows[0]!.n);
const sizeMiB = async () => Math.round(Number((await pool.query<{ b: string }>(`SELECT pg_database_size(current_database()) AS b`)).rows[0]!.b) / 1048576);
const lotScans = async () => {
  const { rows: [r] } = await pool.query<{ seq_scan: string; seq_tup_read: string }>(`SELECT seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE relname = 'loyalty_lots'`);
  return { seqScans: Number(r!.seq_scan), seqTuplesRead: Number(r!.seq_tup_read) };
};
const before = { lots: await count('loyalty_lots'), postings: await count('loyalty_postings'), entries: await count('loyalty_entries'), dueLots: await due(), databaseMiB: await sizeMiB() };
log(`ledger: ${JSON.stringify(before)}`);

// ---- the plans of the run's statements, on its first batch (rolled back) ----------------------
/**
 * An executor that takes each statement's EXPLAIN (ANALYZE, BUFFERS) first, undone with a
 * savepoint, then runs it for real (so a function of several statements goes on as it would).
 */
function explaining(tx: Executor, plans: string[]): Executor {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop !== 'execute') return Reflect.get(target, prop, receiver);
      return async (query: ReturnType<typeof sql>) => {
        await target.execute(sql`SAVEPOINT explain`);
        const result = await target.execute<{ 'QUERY PLAN': string }>(sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`);
        await target.execute(sql`ROLLBACK TO SAVEPOINT explain`);
        plans.push(result.rows.map((r) => r['QUERY PLAN']).join('\n'));
        return target.execute(query);
      };
    },
  });
}
const plans: Record<string, string> = {};
await database.db.transaction(async (tx) => {
  const captured: string[] = [];
  await ledger.workspacesWithDueLots(explaining(tx, captured), now);
  plans.workspacesWithDueLots = captured.pop()!;
  const candidates = await ledger.membersWithDueLots(explaining(tx, captured), tenantId, now, 1_000);
  plans.membersWithDueLots = captured.pop()!;
  await ledger.lockMembers(tx, tenantId, candidates);
  await ledger.expireDueLots(explaining(tx, captured), tenantId, candidates, now, 'explain', 'system:bench');
  captured.forEach((plan, i) => (plans[`expireDueLots-${i + 1}`] = plan));
  tx.rollback();
}).catch((e: unknown) => {
  if (!(e instanceof Error && e.message === 'Rollback')) throw e;
});
const planDir = path.join(WORK_DIR, `${DIR_NAME}-plans`);
fs.mkdirSync(planDir, { recursive: true });
for (const [name, plan] of Object.entries(plans)) fs.writeFileSync(path.join(planDir, `${name}.txt`), plan);
/** Per statement, the tables its plan reads whole (none of the ledger's expected; the job does list the workspaces). */
const seqScanInPlans = Object.fromEntries(Object.entries(plans).map(([name, plan]) => [name, [...new Set([...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!))]]));
log(`plans in ${planDir}; seq scans: ${JSON.stringify(seqScanInPlans)}`);

// ---- (a) one run, (b) the run again, (c) verify ------------------------------------------------
const scans0 = await lotScans();
const cpu0 = cpuSeconds();
const first = await timed(() => settleDueEverywhere(database, now));
const firstCpu = cpuSince(cpu0);
const scans1 = await lotScans();
log(`first run: ${first.seconds} s ${JSON.stringify(first.value)} cpu ${JSON.stringify(firstCpu)}`);
const second = await timed(() => settleDueEverywhere(database, now));
const scans2 = await lotScans();
log(`second run: ${second.seconds} s ${JSON.stringify(second.value)}`);
const dueAfter = await due();

const verify = await timeVerify(tenantId);
const after = { lots: await count('loyalty_lots'), postings: await count('loyalty_postings'), entries: await count('loyalty_entries'), databaseMiB: await sizeMiB() };

await database.close();
if (process.env.VAFA_BENCH_KEEP !== '1') fs.rmSync(dataDir, { recursive: true, force: true });

const minutes = (s: number) => +(s / 60).toFixed(2);
report(NAME, {
  cpus: os.cpus().length,
  lotsAim: LOTS,
  members: MEMBERS,
  generated: { seconds: generation.seconds, load: generation.load },
  before,
  expiryRun: {
    seconds: first.seconds, minutes: minutes(first.seconds), load: first.load, cpu: firstCpu,
    cpuMsPerMember: +(((firstCpu.postgresSeconds + firstCpu.benchSeconds) * 1000) / Math.max(1, first.value.members)).toFixed(3), ...first.value,
    lotSeqScans: scans1.seqScans - scans0.seqScans, lotSeqTuplesRead: scans1.seqTuplesRead - scans0.seqTuplesRead,
    aim: 'under 10 minutes, no full scan', met: first.seconds < 600 && scans1.seqScans === scans0.seqScans && Object.values(seqScanInPlans).every((tables) => !tables.some((t) => t.startsWith('loyalty_'))),
  },
  secondRun: {
    seconds: second.seconds, load: second.load, ...second.value, dueLotsLeft: dueAfter,
    lotSeqScans: scans2.seqScans - scans1.seqScans,
    aim: 'expires nothing more', met: second.value.expiredLots === 0 && dueAfter === 0,
  },
  seqScanInPlans,
  verify,
  after,
});
