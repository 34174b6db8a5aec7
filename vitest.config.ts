import { defineConfig } from 'vitest/config';

// One run per database: VAFA_TEST_DB=embedded (default) or server (PostgreSQL on 127.0.0.1:5432).
export default defineConfig({
  test: {
    include: ['apps/server/**/*.test.ts', 'packages/**/*.test.ts'],
    globalSetup: ['apps/server/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
