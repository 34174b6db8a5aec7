import { defineConfig } from 'vitest/config';

// One run per database: VAFA_TEST_DB=embedded (default) or server (PostgreSQL on 127.0.0.1:5432).
export default defineConfig({
  test: {
    include: ['apps/server/**/*.test.ts', 'packages/**/*.test.ts'],
    globalSetup: ['apps/server/test/global-setup.ts'],
    // Budgets for a machine shared with much else (CI saw load averages near 10); tests wait on conditions, not times.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
