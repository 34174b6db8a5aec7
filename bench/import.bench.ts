import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { CUSTOMER_HEADER, writeCustomersCsv } from './customers-csv.ts';
import { WORK_DIR, benchDatabase, report } from './lib.ts';

// Customer CSV import of 1,000,000 rows against PostgreSQL COPY of the same file into a bare
// table, on the same embedded database. The import runs as `vafa import` in its own process
// so its peak RSS is its own. The imported workspace is kept for search.bench.ts.
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const file = path.join(WORK_DIR, `customers-${ROWS}.csv`);
await writeCustomersCsv(file, ROWS);
const bytes = fs.statSync(file).size;

const dataDir = path.join(WORK_DIR, 'data-search');
fs.rmSync(dataDir, { recursive: true, force: true });
const database = await benchDatabase('search');

const client = await database.pool.connect();
await client.query(`DROP TABLE IF EXISTS bench_bare_customers`);
await client.query(`CREATE TABLE bench_bare_customers (${CUSTOMER_HEADER.map((c) => `${c} text`).join(', ')})`);
const copyStarted = performance.now();
await pipeline(fs.createReadStream(file), client.query(copyFrom(`COPY bench_bare_customers FROM STDIN WITH (FORMAT csv, HEADER true)`)));
const copySeconds = (performance.now() - copyStarted) / 1000;
await client.query(`DROP TABLE bench_bare_customers`);
client.release();

await database.db.transaction((tx) => createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' }));
await database.pool.query('CHECKPOINT');

const importStarted = performance.now();
const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'import', 'customers', file, '--workspace', 'bench'], {
  cwd: path.resolve(WORK_DIR, '..', '..', 'apps', 'server'),
  env: { ...process.env, VAFA_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let peakKiB = 0;
const sampler = setInterval(() => {
  try {
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  } catch {
    /* exited */
  }
}, 100);
let output = '';
child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
clearInterval(sampler);
const importSeconds = (performance.now() - importStarted) / 1000;
if (code !== 0) throw new Error(`import failed (${code}): ${output.slice(-2000)}`);

const { rows } = await database.pool.query(`SELECT count(*)::int AS n FROM customers c JOIN workspaces w ON w.id = c.tenant_id WHERE w.slug = 'bench'`);
await database.close();

report('import', {
  rows: ROWS,
  fileMiB: +(bytes / 1048576).toFixed(1),
  copyRowsPerSecond: Math.round(ROWS / copySeconds),
  importRowsPerSecond: Math.round(ROWS / importSeconds),
  importVsCopy: +(copySeconds / importSeconds).toFixed(2),
  importPeakRssMiB: Math.round(peakKiB / 1024),
  customersInDatabase: rows[0].n,
  note: 'import = `vafa import customers` as a separate process, including start-up and index maintenance',
});
