import { defineConfig } from 'vitest/config';

// The widget's own tests: its size budget (built and gzipped) and its pure logic. No database.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
});
