#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LevelWithSilent, Logger } from 'pino';
import { createLogger } from './platform/log/logger.ts';
import { buildVafa, type Vafa } from './app.ts';
import { ConfigError, ProcessRole, loadConfig, type Config } from './platform/config.ts';
import { backupDatabase, restoreDatabase } from './platform/db/backup.ts';
import { connectDatabase } from './platform/db/connect.ts';
import { citusDistributionSql, readDistribution } from './platform/db/distribution.ts';
import { migrateDatabase } from './platform/db/migrate.ts';
import { ensureWebBuild } from './platform/http/web-app.ts';
import { StartupError } from './platform/startup-error.ts';
import { seedDemoWorkspace } from './modules/workspace/demo-seed.ts';

const USAGE = `usage: vafa <command>
  start [--role api|worker|all]        serve the API and/or run jobs (default: all)
  migrate                              apply database migrations and exit
  seed-demo                            create the demo workspace if there is none
  import customers|orders FILE.csv [--workspace SLUG] [--map "CSV header=field" ...] [--map "First Name+Last Name=name"]
                                       [--run-automations]  (customers: new customers go through automations)
  export customers|orders FILE.csv [--workspace SLUG]
  loyalty verify [--workspace SLUG]    check the points ledger against itself (every workspace unless one is named); exit 1 on drift
  citus-plan                           print the SQL that distributes this schema on a Citus coordinator
  backup FILE                          write a restorable backup
  restore FILE                         restore a backup into an empty VAFA_DATA_DIR (embedded only)`;

class UsageError extends Error {}

function fail(message: string): never {
  process.stderr.write(`vafa: ${message}\n`);
  process.exit(1);
}

async function start(config: Config, log: Logger): Promise<void> {
  let vafa: Vafa | undefined = undefined; // set once built; a signal during start-up finds it unset
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests and jobs');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    await vafa?.stop().catch((err) => log.error({ err }, 'error during shutdown'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // `npm start` serves the web app; build it when the build is missing or older than its sources.
  if (config.role !== 'worker') await ensureWebBuild(path.resolve(import.meta.dirname, '../../web'), log);
  vafa = await buildVafa(config, log);
  if (config.demo && config.role !== 'worker') {
    const seeded = await seedDemoWorkspace(vafa, log);
    if (seeded) {
      // Printed once, on the run that created it; only its hash is stored.
      process.stdout.write(
        `\n  Demo workspace «${seeded.workspaceName}» is ready with ${seeded.customers} customers.\n` +
          `  Sign in as ${seeded.email} with password ${seeded.password}\n` +
          `  (this password is shown only now; change it after signing in, under «Sign-in and security»)\n\n`,
      );
    }
  }
  try {
    const address = await vafa.listen();
    if (address) log.info({ address, role: config.role }, `Vafa is listening on ${address}`);
    else log.info({ role: config.role }, 'Vafa worker started');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    await vafa.stop();
    if (code === 'EADDRINUSE') throw new StartupError(`port ${config.port} is already in use (set PORT to choose another)`);
    if (code === 'EACCES') throw new StartupError(`not allowed to listen on port ${config.port} (choose a port above 1024 with PORT)`);
    throw err;
  }
}

async function withDatabase<T>(config: Config, log: Logger, run: (db: Awaited<ReturnType<typeof connectDatabase>>) => Promise<T>): Promise<T> {
  const database = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 4, log, attach: true });
  try {
    await migrateDatabase(database);
    return await run(database);
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      workspace: { type: 'string' },
      map: { type: 'string', multiple: true },
      'run-automations': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'start', ...rest] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const role = values.role === undefined ? undefined : ProcessRole.safeParse(values.role);
  if (role && !role.success) throw new UsageError(`--role must be api, worker or all`);
  const config = loadConfig(process.env, role?.success ? { role: role.data } : {});
  // Commands other than start write their results to stdout; logs stay quiet unless asked.
  const log = createLogger(command === 'start' ? config.logLevel : ((process.env.LOG_LEVEL ?? 'warn') as LevelWithSilent));

  switch (command) {
    case 'start':
      return start(config, log);
    case 'migrate':
      await withDatabase(config, log, async () => undefined);
      process.stdout.write('migrations applied\n');
      return;
    case 'seed-demo': {
      const vafa = await buildVafa({ ...config, role: 'api' }, log);
      const seeded = await seedDemoWorkspace(vafa, log).finally(() => vafa.stop());
      process.stdout.write(seeded ? `demo workspace created: sign in as ${seeded.email} with password ${seeded.password}\n` : 'a workspace already exists; nothing to do\n');
      return;
    }
    case 'import':
    case 'export': {
      const [kind, file] = rest;
      if ((kind !== 'customers' && kind !== 'orders') || !file) throw new UsageError(`${command} needs customers|orders and a FILE`);
      const { runImportCommand, runExportCommand } = await import('./cli/transfer.ts');
      await withDatabase(config, log, (database) =>
        command === 'import'
          ? runImportCommand({ database, log, kind, file, workspaceSlug: values.workspace, mapping: values.map ?? [], runAutomations: values['run-automations'] })
          : runExportCommand({ database, log, kind, file, workspaceSlug: values.workspace }),
      );
      return;
    }
    case 'loyalty': {
      if (rest[0] !== 'verify') throw new UsageError(`loyalty needs a subcommand: verify\n${USAGE}`);
      const { runLoyaltyVerifyCommand } = await import('./modules/loyalty/index.ts');
      const clean = await withDatabase(config, log, (database) => runLoyaltyVerifyCommand({ database, workspaceSlug: values.workspace }));
      if (!clean) process.exitCode = 1;
      return;
    }
    case 'backup': {
      const [file] = rest;
      if (!file) throw new UsageError('backup needs a FILE');
      const database = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, log, attach: true });
      try {
        const { bytes, method } = await backupDatabase(database, file, log);
        process.stdout.write(`backup written to ${file} (${(bytes / 1048576).toFixed(1)} MiB, ${method})\n`);
        // Like GitLab's secrets file, the key stays out of the archive: whoever holds a backup
        // should not also hold the means to open the channel passwords sealed inside it.
        const keySource = process.env.VAFA_SECRET_KEY ? 'VAFA_SECRET_KEY' : path.join(config.dataDir, 'instance.key');
        process.stdout.write(`the instance key is not in the backup: keep ${keySource} safe, apart from it, to reopen channel secrets after a restore\n`);
      } finally {
        await database.close();
      }
      return;
    }
    case 'citus-plan': {
      const layout = await withDatabase(config, log, (database) => readDistribution(database.pool));
      process.stdout.write(`${citusDistributionSql(layout).join('\n')}\n`);
      return;
    }
    case 'restore': {
      const [file] = rest;
      if (!file) throw new UsageError('restore needs a FILE');
      if (config.databaseUrl) throw new UsageError('restore is for the embedded database; with DATABASE_URL use pg_restore');
      await restoreDatabase(file, config.dataDir, log);
      process.stdout.write(`restored into ${config.dataDir}; run npm start\n`);
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof StartupError || err instanceof ConfigError || err instanceof UsageError) fail(err.message);
  if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') fail((err as Error).message);
  fail(`unexpected error: ${(err as Error).message ?? String(err)}`);
});
