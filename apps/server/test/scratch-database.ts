import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pino from 'pino';
import { inject } from 'vitest';
import { connectDatabase } from '../src/platform/db/connect.ts';

export interface ScratchDatabase {
  /** connection URL of the new database (pass as DATABASE_URL) */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on this run's PostgreSQL server, for tests whose background workers
 * (the message dispatcher) must not take other test files' work, nor have theirs taken by
 * the workers other files start on the shared database. The app migrates it on start.
 */
export async function createScratchDatabase(prefix = 'vafa_scratch'): Promise<ScratchDatabase> {
  const base = inject('databaseUrl');
  const admin = await connectDatabase({ databaseUrl: base, dataDir: os.tmpdir(), poolSize: 1, log: pino({ level: 'silent' }) });
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await admin.pool.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}
