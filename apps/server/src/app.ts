import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import { connectDatabase, type Database } from './platform/db/connect.ts';
import { migrateDatabase } from './platform/db/migrate.ts';
import { OutboxRelay, pruneHousekeeping, type Subscriber } from './platform/events/outbox.ts';
import { createHttpServer, type App, type RegisteredRoute } from './platform/http/server.ts';
import { sweepAbandonedUploads } from './platform/csv/csv-upload.ts';
import { registerWebApp } from './platform/http/web-app.ts';
import { JobQueue } from './platform/jobs/registry.ts';
import type { BackgroundWorker, ModuleDeps, VafaModule } from './platform/module.ts';
import { complaintsModule } from './modules/complaints/index.ts';
import { customersModule } from './modules/customers/index.ts';
import { engagementModule } from './modules/engagement/index.ts';
import { interactionsModule } from './modules/interactions/index.ts';
import { loyaltyModule } from './modules/loyalty/index.ts';
import { surveysModule } from './modules/surveys/index.ts';
import { isInstanceAdmin, sessionAuthenticator, teamModule, upsertMember } from './modules/team/index.ts';
import { ApiKeyAuthenticator, workspaceModule } from './modules/workspace/index.ts';

const SHUTDOWN_GRACE_MS = 5_000;

export interface Vafa {
  config: Config;
  database: Database;
  queue: JobQueue;
  /** absent in worker-only processes */
  http: App | undefined;
  routes: RegisteredRoute[];
  relay: OutboxRelay | undefined;
  background: BackgroundWorker[];
  listen(): Promise<string>;
  stop(): Promise<void>;
}

export interface BuildOptions {
  /** extra subscribers (tests use this to observe events) */
  subscribers?: Subscriber[];
}

export function allModules(): VafaModule[] {
  return [
    workspaceModule({ onWorkspaceCreated: (tx, tenantId, accountId) => upsertMember(tx, tenantId, accountId, 'owner'), isInstanceAdmin }),
    teamModule,
    customersModule,
    interactionsModule,
    engagementModule,
    surveysModule,
    complaintsModule,
    loyaltyModule,
  ];
}

/**
 * Composition root: config → database (embedded or DATABASE_URL) → migrations → job queue →
 * modules → HTTP. The role decides what this process does: `api` serves HTTP, `worker` runs
 * jobs and relays events, `all` does both.
 */
export async function buildVafa(config: Config, log: Logger, options: BuildOptions = {}): Promise<Vafa> {
  const database = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize, log });
  try {
    await migrateDatabase(database);
    const queue = new JobQueue(database, log);
    const modules = allModules();
    const deps: ModuleDeps = { config, database, queue, log };
    const subscribers = [...modules.flatMap((m) => m.subscribers ?? []), ...(options.subscribers ?? [])];
    queue.register([pruneHousekeeping, ...modules.flatMap((m) => m.jobs ?? []), ...subscribers.map((s) => s.job)]);

    let ready = false;
    let http: App | undefined;
    let routes: RegisteredRoute[] = [];
    if (config.role !== 'worker') {
      const apiKeys = new ApiKeyAuthenticator(database);
      const built = await createHttpServer({
        log,
        database,
        authenticator: { fromSession: sessionAuthenticator(database), fromApiKey: (token) => apiKeys.authenticate(token) },
        anonRateLimitPerMinute: config.anonRateLimitPerMinute,
        cookieSecure: config.cookieSecure,
        trustProxy: config.trustProxy,
        publicUrl: config.publicUrl,
        bodyLimitBytes: 4 * 1024 * 1024,
        isReady: () => ready,
      });
      http = built.app;
      routes = built.routes;
      // Partial uploads a crash or kill left behind; a live one elsewhere is younger than its idle limit.
      await sweepAbandonedUploads(path.join(config.dataDir, 'imports'), config.uploadIdleTimeoutMs * 2);
      for (const module of modules) await module.registerRoutes?.(http, deps);
      await registerWebApp(http, path.resolve(import.meta.dirname, '../../web/dist'));
      await http.ready();
    }

    const works = config.role !== 'api';
    await queue.start({ work: works });
    const relay = works ? new OutboxRelay(database, queue, subscribers, log) : undefined;
    await relay?.start();
    const background: BackgroundWorker[] = works ? modules.flatMap((m) => m.background?.(deps) ?? []) : [];
    for (const worker of background) await worker.start();
    ready = true;

    let stopping: Promise<void> | undefined;
    return {
      config,
      database,
      queue,
      http,
      routes,
      relay,
      background,
      async listen() {
        if (!http) return '';
        return http.listen({ port: config.port, host: config.host });
      },
      stop() {
        // Order matters: stop taking requests and let in-flight ones finish, then stop jobs,
        // then the database they all write to.
        stopping ??= (async () => {
          ready = false;
          if (http) {
            // In-flight requests get a grace period; keep-alive sockets a client never lets go
            // of (seen with undici after bursts of POSTs) must not hold shutdown hostage.
            const grace = setTimeout(() => http!.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
            await http.close();
            clearTimeout(grace);
          }
          await relay?.stop();
          await Promise.all(background.map((worker) => worker.stop()));
          await queue.stop();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
