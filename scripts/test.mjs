#!/usr/bin/env node
// Every suite: the server suites once per database (the embedded PostgreSQL and the server at
// VAFA_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, side by side), the
// web app's unit tests, and the browser tests in Debian's Chromium, two files at a time, each
// against a server of its own (its own embedded PostgreSQL in a temporary directory).
// In CI all are required; on a laptop a suite that cannot run fails loudly rather than skipping.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const only = process.env.VAFA_TEST_ONLY;
// The walk over every route takes longer than any other browser file (about six minutes of
// the browser run's fifteen), so it starts first and the rest share the second slot beside it.
const LONGEST_FIRST = ['every-route.e2e.ts'];
const e2eFiles = fs.readdirSync('e2e').filter((f) => f.endsWith('.e2e.ts'))
  .sort((a, b) => Number(LONGEST_FIRST.includes(b)) - Number(LONGEST_FIRST.includes(a)) || a.localeCompare(b))
  .map((f) => `e2e/${f}`);
const runs = [
  { id: 'embedded', name: 'server suites on the embedded PostgreSQL', cmd: ['npx', 'vitest', 'run'], env: { VAFA_TEST_DB: 'embedded' } },
  { id: 'server', name: 'server suites on the PostgreSQL server', cmd: ['npx', 'vitest', 'run'], env: { VAFA_TEST_DB: 'server' } },
  { id: 'web', name: 'web app unit tests', cmd: ['npx', 'vitest', 'run', '--config', 'apps/web/vitest.config.ts'], env: {} },
  { id: 'widget', name: 'widget: size budget (built and gzipped), CSP rules, triggers and kiosk queue', cmd: ['npx', 'vitest', 'run', '--config', 'apps/widget/vitest.config.ts'], env: {} },
  { id: 'e2e', name: 'browser tests (Chromium)', cmd: [process.execPath, '--import', 'tsx', '--test', '--test-concurrency=2', ...e2eFiles], env: {} },
];
const failed = [];

/**
 * The lines of a suite's output that name what failed (vitest's FAIL and × lines, the browser
 * tests' `not ok`, and any `SomethingError:` or pg's lowercase `error:`), printed again at the very end: CI keeps only the tail of a long log, and a
 * suite that ran side by side prints its whole output long before the end.
 */
function failureLines(text) {
  const plain = stripVTControlCharacters(text);
  const named = plain.split('\n').filter((line) => /^\s*(FAIL\s|×\s|not ok\s)/.test(line) || /^\s*(\w*Error|error):/.test(line));
  return [...new Set(named.map((line) => line.trim().slice(0, 400)))].slice(0, 40);
}
const selected = runs.filter((run) => !only || run.id === only);

/** Runs one suite; when `quiet`, its output is kept and printed whole once it ends, so two suites side by side do not interleave. */
function runSuite(run, quiet) {
  return new Promise((resolve) => {
    const [bin, ...args] = run.cmd;
    const started = Date.now();
    if (!quiet) process.stdout.write(`\n=== ${run.name} ===\n`);
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...run.env } });
    const output = [];
    for (const [stream, sink] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      stream.on('data', (chunk) => {
        output.push(chunk);
        if (!quiet) sink.write(chunk);
      });
    }
    child.on('close', (code) => {
      const text = Buffer.concat(output).toString();
      if (quiet) process.stdout.write(`\n=== ${run.name} ===\n${text}`);
      process.stdout.write(`--- ${run.name}: ${code === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s\n`);
      if (code !== 0) failed.push({ name: run.name, lines: failureLines(text) });
      resolve();
    });
  });
}

// The two database runs spend much of their time waiting on PostgreSQL, so they share the
// machine side by side (each on its own database); the web and browser tests follow, alone.
const databaseRuns = selected.filter((run) => run.id === 'embedded' || run.id === 'server');
// Suites that start `vafa start` build the web app when it is stale; build it once here so two
// runs side by side never write apps/web/dist at the same time.
if (databaseRuns.length > 1) {
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: 'apps/web', stdio: 'inherit' });
  if (build.status !== 0) failed.push({ name: 'web app build', lines: [] });
  // The widget and kiosk bundles likewise (the server builds them when stale, as it does the web app).
  const widget = spawnSync(process.execPath, ['--import', 'tsx', 'apps/widget/build.ts'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (widget.status !== 0) failed.push({ name: 'widget build', lines: [] });
}
await Promise.all(databaseRuns.map((run) => runSuite(run, databaseRuns.length > 1)));
// Every browser file starts its own server on a fresh embedded PostgreSQL; they copy one cluster
// made and migrated here instead of each running initdb and the migrations (see e2e/harness.ts).
const e2eRun = selected.find((run) => run.id === 'e2e');
if (e2eRun) {
  const template = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-e2e-template-'));
  const migrate = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', 'migrate'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VAFA_DATA_DIR: template, LOG_LEVEL: 'warn' },
  });
  if (migrate.status === 0) e2eRun.env = { ...e2eRun.env, VAFA_E2E_TEMPLATE_DIR: template };
  else process.stdout.write('the browser tests\' template cluster could not be made; each server makes its own\n');
  process.on('exit', () => fs.rmSync(template, { recursive: true, force: true }));
}
for (const run of selected.filter((r) => !databaseRuns.includes(r))) await runSuite(run, false);
if (failed.length) {
  for (const { name, lines } of failed) process.stdout.write(`\n=== what failed in ${name} ===\n${lines.join('\n')}\n`);
  process.stdout.write(`\nfailed: ${failed.map((f) => f.name).join(', ')}\n`);
}
process.exit(failed.length ? 1 : 0);
