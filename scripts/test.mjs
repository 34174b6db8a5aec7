#!/usr/bin/env node
// Runs every suite once per database: the embedded PostgreSQL, then the PostgreSQL server
// (VAFA_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). In CI both are
// required; on a laptop without the server the second run fails loudly rather than skipping.
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
const runs = [
  { name: 'embedded PostgreSQL', env: { VAFA_TEST_DB: 'embedded' } },
  { name: 'PostgreSQL server', env: { VAFA_TEST_DB: 'server' } },
];
const only = process.env.VAFA_TEST_ONLY;
let failed = false;
for (const run of runs) {
  if (only && run.env.VAFA_TEST_DB !== only) continue;
  process.stdout.write(`\n=== tests on the ${run.name} ===\n`);
  const result = spawnSync('npx', ['vitest', 'run', ...extra], { stdio: 'inherit', env: { ...process.env, ...run.env } });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
