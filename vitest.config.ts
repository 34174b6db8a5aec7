import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const INCLUDE = ['apps/server/**/*.test.ts', 'packages/**/*.test.ts'];

/**
 * Test files that never reach the run's database: vitest's `inject` (the only way to its URL,
 * see test/global-setup.ts) appears neither in the file nor in the test helpers it imports.
 * They give the same result on either database, so the server run leaves them to the embedded
 * run (pure functions, and process tests that start their own embedded PostgreSQL).
 */
function databaseFreeFiles(): string[] {
  const usesDatabase = new Map<string, boolean>();
  const reaches = (file: string): boolean => {
    const known = usesDatabase.get(file);
    if (known !== undefined) return known;
    usesDatabase.set(file, false); // an import cycle adds nothing
    const text = fs.readFileSync(file, 'utf8');
    const helpers = [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)]
      .map((m) => path.resolve(path.dirname(file), m[1]!))
      .filter((dep) => dep.includes(`${path.sep}test${path.sep}`) && fs.existsSync(dep));
    const result = /\binject\b/.test(text) || helpers.some(reaches);
    usesDatabase.set(file, result);
    return result;
  };
  const testFiles = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
  return ['apps/server', 'packages'].flatMap(testFiles).filter((file) => !reaches(path.resolve(file)));
}

// One run per database: VAFA_TEST_DB=embedded (default) or server (PostgreSQL on 127.0.0.1:5432).
export default defineConfig({
  test: {
    include: INCLUDE,
    exclude: ['**/node_modules/**', ...(process.env.VAFA_TEST_DB === 'server' ? databaseFreeFiles() : [])],
    globalSetup: ['apps/server/test/global-setup.ts'],
    // Budgets for a machine shared with much else (CI saw load averages near 10); tests wait on conditions, not times.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    // Each worker loads the server's modules once for all its files, not once per file: that
    // import was 650 s of each run's 1,270 (2026-12-05 CI). Files share nothing that matters:
    // each makes its own workspaces and apps, and module-level caches are keyed by workspace.
    isolate: false,
    reporters: ['default'],
  },
});
