import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/platform/db/platform.schema.ts', './src/platform/messaging/*.schema.ts', './src/modules/*/*.schema.ts'],
  out: './src/platform/db/migrations',
});
