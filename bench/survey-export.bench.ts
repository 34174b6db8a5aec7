import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { WORK_DIR, report, treeRssMiB, waitForReady } from './lib.ts';
import { createBenchSurvey, generateResponses } from './survey-data.ts';

// Export of RESPONSES survey responses as CSV over HTTP from a running Vafa: wall time, bytes,
// and the peak memory of the Vafa process (sampled every 100 ms while the download runs).
const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 1_000_000);

const dataDir = path.join(WORK_DIR, 'data-survey-export');
fs.rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
const base = `http://127.0.0.1:${port}`;
await waitForReady(vafa, port);

const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
const { key, tenantId } = await database.db.transaction(async (tx) => {
  const ws = await createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' });
  const owner = await addMember(tx, ws.id, { email: 'bench@example.test', displayName: 'bench', password: 'bench password 123', role: 'owner' });
  const apiKey = await createApiKey(tx, ws.id, { kind: 'user', id: owner.id, tenantId: ws.id, role: 'owner' }, { name: 'bench', role: 'analyst' }, '127.0.0.1');
  return { key: apiKey.secret, tenantId: ws.id };
});
const { surveyId, segments } = await createBenchSurvey(database.db, tenantId);
await generateResponses(database.db, tenantId, surveyId, segments, RESPONSES);
await database.close();

const rssBefore = treeRssMiB(vafa.child.pid!);
let peak = rssBefore;
const sampler = setInterval(() => {
  peak = Math.max(peak, treeRssMiB(vafa.child.pid!));
}, 100);
const t0 = performance.now();
const res = await fetch(`${base}/api/surveys/${surveyId}/export.csv?lang=fa`, { headers: { authorization: `Bearer ${key}` } });
if (res.status !== 200) throw new Error(`export failed: ${res.status} ${await res.text()}`);
let bytes = 0;
let lines = 0;
for await (const chunk of res.body!) {
  bytes += chunk.byteLength;
  for (const b of chunk as Uint8Array) if (b === 10) lines++;
}
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.rmSync(dataDir, { recursive: true, force: true });

report('survey-export', {
  responses: RESPONSES,
  rows: lines - 1,
  megabytes: +(bytes / 1024 / 1024).toFixed(1),
  seconds: +seconds.toFixed(1),
  // the Vafa process alone (the embedded PostgreSQL runs apart from it)
  vafaRssBeforeMiB: rssBefore,
  vafaPeakRssMiB: peak,
});
