#!/usr/bin/env node
// Every suite: the server suites once per database (the embedded PostgreSQL, then the server
// at VAFA_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test), the web app's
// unit tests, and the browser tests in Debian's Chromium against a server they start. In CI
// all are required; on a laptop a suite that cannot run fails loudly rather than skipping.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const only = process.env.VAFA_TEST_ONLY;
const e2eFiles = fs.readdirSync('e2e').filter((f) => f.endsWith('.e2e.ts')).map((f) => `e2e/${f}`);
const runs = [
  { id: 'embedded', name: 'server suites on the embedded PostgreSQL', cmd: ['npx', 'vitest', 'run'], env: { VAFA_TEST_DB: 'embedded' } },
  { id: 'server', name: 'server suites on the PostgreSQL server', cmd: ['npx', 'vitest', 'run'], env: { VAFA_TEST_DB: 'server' } },
  { id: 'web', name: 'web app unit tests', cmd: ['npx', 'vitest', 'run', '--config', 'apps/web/vitest.config.ts'], env: {} },
  { id: 'e2e', name: 'browser tests (Chromium)', cmd: [process.execPath, '--import', 'tsx', '--test', '--test-concurrency=1', ...e2eFiles], env: {} },
];
const failed = [];
for (const run of runs) {
  if (only && run.id !== only) continue;
  process.stdout.write(`\n=== ${run.name} ===\n`);
  const [bin, ...args] = run.cmd;
  const result = spawnSync(bin, args, { stdio: 'inherit', env: { ...process.env, ...run.env } });
  if (result.status !== 0) failed.push(run.name);
}
if (failed.length) process.stdout.write(`\nfailed: ${failed.join(', ')}\n`);
process.exit(failed.length ? 1 : 0);
