import { drizzle, type NodePgDatabase, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';

// bigint columns (counts, money in minor units) come back as JS numbers: every amount we
// store fits well inside 2^53, and strings would leak into every API shape.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
// `date` stays a plain YYYY-MM-DD string: it is a calendar day, not an instant.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = NodePgDatabase<Record<string, never>>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  /** pg connection settings, for clients that open their own pool (pg-boss, COPY streams). */
  connection: pg.PoolConfig;
  embedded: EmbeddedPostgres | undefined;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  log: Logger;
  /** for one-off commands: use the PostgreSQL of a Vafa already running on this data dir */
  attach?: boolean;
}

export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  const embedded = options.databaseUrl ? undefined : await startEmbeddedPostgres(options.dataDir, options.log, { attach: options.attach });
  const connection: pg.PoolConfig = embedded ? embedded.connection : { connectionString: options.databaseUrl };
  const pool = new pg.Pool({ ...connection, max: options.poolSize, application_name: 'vafa' });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => options.log.warn({ err }, 'idle database connection failed'));
  try {
    const { rows } = await pool.query<{ server_version_num: string }>('SHOW server_version_num');
    const version = Number(rows[0]?.server_version_num ?? 0);
    if (version < 150000) throw new StartupError(`PostgreSQL 15 or newer is required (found ${Math.floor(version / 10000)})`);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    if (err instanceof StartupError) throw err;
    throw new StartupError(`cannot connect to PostgreSQL: ${(err as Error).message}`);
  }
  return {
    pool,
    db: drizzle(pool),
    connection,
    embedded,
    async close() {
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

/** What repos run SQL on: the pool-backed database or an open transaction. */
export type Executor = PgDatabase<NodePgQueryResultHKT>;
