import fs from 'node:fs';
import path from 'node:path';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { WORK_DIR, postgresRssMiB, report, treeRssMiB, waitForReady } from './lib.ts';

// Idle memory of a fresh `vafa start` (demo workspace seeded) plus its embedded PostgreSQL.
const dataDir = path.join(WORK_DIR, 'data-idle');
fs.rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), VAFA_DEMO: 'true', LOG_LEVEL: 'warn' });
await vafa.waitFor(/Sign in as/, 180_000);
await waitForReady(vafa, port, 60_000);
await new Promise((r) => setTimeout(r, 15_000)); // settle: let start-up garbage be collected
const nodeMiB = treeRssMiB(vafa.child.pid!);
const pgMiB = postgresRssMiB(path.join(dataDir, 'pg'));
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.rmSync(dataDir, { recursive: true, force: true });
report('idle-rss', { serverRssMiB: nodeMiB, postgresRssMiB: pgMiB, totalRssMiB: nodeMiB + pgMiB, note: 'after demo seeding and 15 s idle' });
