import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import type { Subscriber } from './events/outbox.ts';
import type { App } from './http/server.ts';
import type { JobDefinition, JobQueue } from './jobs/registry.ts';

export interface ModuleDeps {
  config: Config;
  database: Database;
  queue: JobQueue;
  log: Logger;
}

/** What a domain module hands the composition root through its index.ts. */
export interface VafaModule {
  name: string;
  registerRoutes?(app: App, deps: ModuleDeps): void | Promise<void>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job has its own payload type
  jobs?: JobDefinition<any>[];
  subscribers?: Subscriber[];
  /** long-running loops (e.g. the message dispatcher) that worker processes run beside jobs */
  background?(deps: ModuleDeps): BackgroundWorker[];
}

export interface BackgroundWorker {
  name: string;
  start(): Promise<void>;
  /** finishes what it has in hand, then resolves */
  stop(): Promise<void>;
}
