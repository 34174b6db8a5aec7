import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../platform/db/connect.ts';
import { migrateDatabase } from '../../platform/db/migrate.ts';
import { createWorkspace } from '../workspace/index.ts';
import { freePort, runVafa, type VafaProcess } from '../../../test/process.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/scratch-database.ts';

/*
 * No case is lost (issue 11): Vafa is killed with SIGKILL while public filings are in flight,
 * right after acknowledgements came back; every case whose tracking code was answered is there
 * after a restart, acknowledged with its log, and trackable. Filings are group-committed, so this
 * also proves a receipt is sent only after the transaction holding it committed. The process gets
 * a database of its own.
 */

const log = pino({ level: 'silent' });
let scratch: ScratchDatabase;
let database: Database;
const processes: VafaProcess[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-filing-crash-'));

async function start(port: number): Promise<VafaProcess> {
  const p = runVafa(['start'], { DATABASE_URL: scratch.url, VAFA_ROLE: 'api', VAFA_DATA_DIR: dataDir, PORT: String(port), VAFA_DB_POOL_SIZE: '8', VAFA_ANON_RATE_LIMIT: '100000',
    // A burst of cookieless filings is what the guard asks to prove work; here it must land, to be killed mid-way.
    VAFA_FILING_BURST_LIMIT: '100000' });
  processes.push(p);
  await p.waitFor(/listening on/, 120_000);
  return p;
}

beforeAll(async () => {
  scratch = await createScratchDatabase('vafa_filing_crash');
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

it('keeps every acknowledged filing across kill -9 in the middle of a burst', async () => {
  const slug = `crash-${randomBytes(4).toString('hex')}`;
  const tenantId = await database.db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Crash', slug, defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
  const port = await freePort();
  const first = await start(port);
  const base = `http://127.0.0.1:${port}`;

  const acknowledged: string[] = [];
  let killed = false;
  const KILL_AFTER = 40;
  const file = async (n: number) => {
    try {
      const res = await fetch(`${base}/api/public/complaints`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspace: slug, name: `شاکی ${n}`, phone: `0912${String(2_000_000 + n).slice(-7)}`, description: `شکایت ${n}` }),
      });
      if (res.status !== 201) return;
      const { trackingCode } = (await res.json()) as { trackingCode: string };
      acknowledged.push(trackingCode);
      if (acknowledged.length >= KILL_AFTER && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    } catch {
      // the connection died with the process: not acknowledged
    }
  };
  // Waves of concurrent filings until the process is gone.
  for (let wave = 0; !killed && wave < 100; wave++) await Promise.all(Array.from({ length: 25 }, (_, i) => file(wave * 25 + i)));
  await first.exited;
  expect(killed).toBe(true);
  expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);

  // Every answered code is stored, acknowledged, with its two log lines.
  const { rows } = await database.pool.query<{ tracking_code: string; state: string; lines: number }>(
    `SELECT c.tracking_code, c.state, (SELECT count(*)::int FROM complaint_case_events e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id) AS lines
     FROM complaint_cases c WHERE c.tenant_id = $1 AND c.tracking_code = ANY($2::text[])`, [tenantId, acknowledged]);
  expect(rows.map((r) => r.tracking_code).sort()).toEqual([...acknowledged].sort());
  expect(new Set(rows.map((r) => `${r.state}:${r.lines}`))).toEqual(new Set(['acknowledged:2']));

  // After a restart the complainant finds the last acknowledged case on the tracking route.
  const second = await start(port);
  const last = acknowledged.at(-1)!;
  const tracked = await fetch(`${base}/api/public/complaints/track`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspace: slug, code: last, verification: (await database.pool.query('SELECT right(contact_phone, 4) AS v FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [tenantId, last])).rows[0].v }),
  });
  expect(tracked.status).toBe(200);
  expect(((await tracked.json()) as { status: { state: string } }).status.state).toBe('acknowledged');
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 300_000);
