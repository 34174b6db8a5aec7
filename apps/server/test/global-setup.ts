import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { connectDatabase, type Database } from '../src/platform/db/connect.ts';
import { migrateDatabase } from '../src/platform/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: 'embedded' | 'server';
  }
}

/**
 * Starts the database the whole run shares: a fresh embedded PostgreSQL in a temp directory,
 * or the PostgreSQL server on this machine. Each test file makes its own workspaces, so files
 * can share one database without seeing each other's data.
 */
export default async function setup(project: TestProject) {
  const kind = process.env.VAFA_TEST_DB === 'server' ? 'server' : 'embedded';
  const log = pino({ level: 'warn' });
  let database: Database;
  let url: string;
  let dataDir: string | undefined;
  if (kind === 'server') {
    url = process.env.VAFA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    database = await connectDatabase({ databaseUrl: url, dataDir: os.tmpdir(), poolSize: 4, log });
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-test-'));
    database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 4, log });
    const socket = database.connection.host!;
    url = `postgresql://vafa@localhost/vafa?host=${encodeURIComponent(socket)}`;
  }
  await migrateDatabase(database);
  project.provide('databaseUrl', url);
  project.provide('databaseKind', kind);
  return async () => {
    await database.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
