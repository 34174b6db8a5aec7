import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ComplaintReportQuery, RootCauseReportQuery } from '@vafa/contracts';
import pino from 'pino';
import { afterAll, beforeAll, expect, it, inject } from 'vitest';
import { generateComplaintCases, mulberry32 } from '../../../test/complaint-report-data.ts';
import { eventually } from '../../../test/eventually.ts';
import { connectDatabase, type Database } from '../../platform/db/connect.ts';
import { createWorkspace } from '../workspace/index.ts';
import { maintainReportRollups } from './complaint-report-rollup.ts';
import * as raw from './complaint-report.raw.ts';
import * as reports from './complaint-report.service.ts';

/*
 * kill -9 loses nothing (issue 11's reports): a process folding a workspace's changed days is
 * killed with SIGKILL in the middle of its transaction, its rollup rows already replaced but not
 * committed. Nothing of it shows: the rollup and the dirty days are as before, the reports still
 * agree with the facts, and the next fold does the work.
 */

const APP_NAME = 'vafa-report-fold-crash';
const HERE = path.dirname(fileURLToPath(import.meta.url));
let database: Database;

beforeAll(async () => {
  database = await connectDatabase({ databaseUrl: inject('databaseUrl'), dataDir: os.tmpdir(), poolSize: 4, log: pino({ level: 'silent' }) });
}, 120_000);
afterAll(() => database?.close());

/** What a report reader and a folder can see of the workspace's rollup. */
async function rollup(tenantId: string) {
  const days = await database.pool.query(`SELECT * FROM complaint_report_days WHERE tenant_id = $1 ORDER BY summed_over, team, channel, category, day`, [tenantId]);
  const dirty = await database.pool.query(`SELECT day::text AS day FROM complaint_report_dirty_days WHERE tenant_id = $1 ORDER BY day, id`, [tenantId]);
  const state = await database.pool.query(`SELECT * FROM complaint_report_rollup_state WHERE tenant_id = $1`, [tenantId]);
  return { days: days.rows, dirty: dirty.rows.map((r) => r.day as string), state: state.rows };
}

async function expectReportsMatchFacts(tenantId: string) {
  const q = { from: new Date(Date.now() - 160 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10), granularity: 'week' };
  const query = ComplaintReportQuery.parse(q);
  const json = (v: unknown) => JSON.parse(JSON.stringify(v));
  expect(json(await reports.volumeReport(database.db, tenantId, query))).toEqual(json(await raw.volumeReport(database.db, tenantId, query)));
  expect(json(await reports.reopenReport(database.db, tenantId, query))).toEqual(json(await raw.reopenReport(database.db, tenantId, query)));
  expect(json(await reports.slaReport(database.db, tenantId, query))).toEqual(json(await raw.slaReport(database.db, tenantId, query)));
  const causes = RootCauseReportQuery.parse({ ...q, level: 'sub_cause' });
  expect(json(await reports.rootCauseReport(database.db, tenantId, causes))).toEqual(json(await raw.rootCauseReport(database.db, tenantId, causes)));
}

it('keeps the rollup and its dirty days as they were when a fold is killed mid-transaction, and folds them next time', async () => {
  const tenantId = await database.db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Fold crash', slug: `fold-crash-${Date.now()}`, defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
  const cases = await generateComplaintCases(database.pool, tenantId, 300, mulberry32(11));
  await eventually(async () => (await maintainReportRollups(database, tenantId, new Date())).settled, 'the first fold');

  // Old closed cases reopened: their days are dirty.
  const reopened = cases.filter((c) => c.closed && c.receivedAt < Date.now() - 30 * 86_400_000).slice(0, 15).map((c) => c.id);
  await database.pool.query(`UPDATE complaint_cases SET state = 'reopened' WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, reopened]);
  await database.pool.query(`
    INSERT INTO complaint_case_events (tenant_id, case_id, kind, action, from_state, to_state, actor_type)
    SELECT $1, id, 'transition', 'reopen', 'closed', 'reopened', 'supervisor' FROM unnest($2::uuid[]) AS id`, [tenantId, reopened]);
  const before = await rollup(tenantId);
  expect(before.dirty.length).toBeGreaterThan(0);
  await expectReportsMatchFacts(tenantId);

  // Hold the state row, which a fold updates last: the folder stops there, its work done but not committed.
  const holder = await database.pool.connect();
  const url = new URL(inject('databaseUrl'));
  url.searchParams.set('application_name', APP_NAME);
  const code = `
    import pino from 'pino';
    import { connectDatabase } from ${JSON.stringify(path.resolve(HERE, '../../platform/db/connect.ts'))};
    import { maintainReportRollups } from ${JSON.stringify(path.resolve(HERE, 'complaint-report-rollup.ts'))};
    const database = await connectDatabase({ databaseUrl: process.env.FOLD_DATABASE_URL, dataDir: process.env.TMPDIR ?? '/tmp', poolSize: 2, log: pino({ level: 'silent' }) });
    await maintainReportRollups(database, process.env.FOLD_TENANT, new Date());
    process.stdout.write('folded\\n');
    await database.close();`;
  let child: ReturnType<typeof spawn> | undefined;
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM complaint_report_rollup_state WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
    child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: path.resolve(HERE, '../../..'),
      env: { ...process.env, FOLD_DATABASE_URL: url.toString(), FOLD_TENANT: tenantId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => child!.on('exit', () => resolve()));

    const waiting = await eventually(async () => {
      if (child!.exitCode !== null) throw new Error(`the folder exited early: ${output}`);
      const { rows } = await database.pool.query(`
        SELECT pid, query FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND query ILIKE '%complaint_report_rollup_state%'`, [APP_NAME]);
      return rows[0] as { pid: number; query: string } | undefined;
    }, 'the folder to wait on the held state row');
    expect(waiting.query).toMatch(/^\s*UPDATE complaint_report_rollup_state SET folded_at/);

    child.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('folded');
    await holder.query('ROLLBACK');
    // The orphaned backend finds its client gone once it has the row, and rolls back.
    await eventually(async () => (await database.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [waiting.pid])).rows.length === 0, 'the killed folder\'s backend to end');
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await holder.query('ROLLBACK').catch(() => undefined);
    holder.release();
  }

  expect(await rollup(tenantId)).toEqual(before);
  await expectReportsMatchFacts(tenantId);

  await eventually(async () => (await maintainReportRollups(database, tenantId, new Date())).settled, 'the next fold');
  const after = await rollup(tenantId);
  expect(after.dirty).toEqual([]);
  expect(after.days).not.toEqual(before.days);
  await expectReportsMatchFacts(tenantId);
});
