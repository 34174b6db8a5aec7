import { z } from 'zod';
import { defineSubscriber } from '../../platform/events/outbox.ts';
import { PollingLoop } from '../../platform/jobs/polling-loop.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import type { BackgroundWorker, ModuleDeps } from '../../platform/module.ts';
import { EVENT_BATCH, executeDueRuns, handleEvent, handleEvents, ruleSetFor } from './automation.engine.ts';
import { runDatedTriggers } from './automation.triggers.ts';

/**
 * Every domain event goes through the rule engine; rules for other topics cost a map lookup.
 * A fetched batch is evaluated in one transaction per tenant (handleEvents); if that fails,
 * JobQueue runs its events one by one, so a bad event fails and is retried alone. The relay
 * sends no job for a topic no enabled rule of the workspace listens to (the same cached rule set
 * handleEvents would skip it by): most events (every answer's response.submitted and timeline
 * entry) would only have been fetched and completed.
 */
const engine = defineSubscriber({
  name: 'automation-engine',
  topics: ['*'],
  run: (event, { database, clock }) => handleEvent(database, event, clock.now()),
  runBatch: (events, { database, clock }) => handleEvents(database, events, clock.now()),
  accepts: async (tenantId, topic, database) => ((await ruleSetFor(database.db, tenantId)).byTopic.get(topic)?.length ?? 0) > 0,
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
 * Performs delayed runs as they fall due, polling the partial index on waiting runs every
 * second (a minute-granularity cron would make a 1-minute delay up to 2 minutes).
 */
export function dueRunWorker(deps: ModuleDeps): BackgroundWorker {
  const loop = new PollingLoop({
    intervalMs: 1_000, log: deps.log, failure: 'delayed automation runs failed; retrying', step: async () => (await executeDueRuns(deps.database)) > 0,
  });
  return { name: 'automation-due-runs', start: async () => loop.start(), stop: () => loop.stop() };
}
