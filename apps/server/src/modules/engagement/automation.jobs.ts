import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../platform/db/connect.ts';
import { defineSubscriber } from '../../platform/events/outbox.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import type { BackgroundWorker, ModuleDeps } from '../../platform/module.ts';
import { EVENT_BATCH, executeDueRuns, handleEvent, handleEvents } from './automation.engine.ts';
import { runDatedTriggers } from './automation.triggers.ts';

/**
 * Every domain event goes through the rule engine; rules for other topics cost a map lookup.
 * A fetched batch is evaluated in one transaction per tenant (handleEvents); if that fails,
 * JobQueue runs its events one by one, so a bad event fails and is retried alone.
 */
const engine = defineSubscriber({
  name: 'automation-engine',
  topics: ['*'],
  run: (event, { database, clock }) => handleEvent(database, event, clock.now()),
  runBatch: (events, { database, clock }) => handleEvents(database, events, clock.now()),
});
// Every event passes through here: fetch batches as large as one evaluation transaction
// (pg-boss fetches once per polling interval per worker), with two workers per process.
export const automationSubscriber = { ...engine, job: { ...engine.job, batchSize: EVENT_BATCH, concurrency: 2 } };

/** Birthdays and inactivity, hourly: a birthday rule's `at` is honoured to within the hour. */
export const datedTriggersJob = defineJob({
  name: 'automation.dated-triggers',
  every: '2 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: (_payload, { database, clock }) => runDatedTriggers(database, clock.now()),
});

/**
 * Performs delayed runs as they fall due: a loop polling the partial index on waiting runs
 * every POLL_MS (a minute-granularity cron would make a 1-minute delay up to 2 minutes).
 */
export class DueRunWorker implements BackgroundWorker {
  static POLL_MS = 1_000;
  readonly name = 'automation-due-runs';
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly database: Database, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if ((await executeDueRuns(this.database)) > 0) continue;
      } catch (err) {
        this.log.error({ err }, 'delayed automation runs failed; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DueRunWorker.POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}

export const dueRunWorker = (deps: ModuleDeps): BackgroundWorker => new DueRunWorker(deps.database, deps.log);
