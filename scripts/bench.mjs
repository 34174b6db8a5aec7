#!/usr/bin/env node
// Runs each benchmark in bench/*.bench.ts in its own process, in order, and prints the JSON
// line each one writes. `npm run bench -- import search` runs only those.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve('bench');
const wanted = process.argv.slice(2);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
const selected = wanted.length ? files.filter((f) => wanted.some((w) => f.startsWith(w))) : files;
let failed = false;
for (const file of selected) {
  process.stderr.write(`\n--- ${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
