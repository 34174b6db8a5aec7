// A relay process for outbox.test.ts's kill -9: an OutboxRelay on DATABASE_URL whose one subscriber
// writes down every event it is handed (committed at once, in its own transaction) and takes a
// little time over each, so the test can kill the process while a claim is in flight.
import pino from 'pino';
import { connectDatabase } from '../src/platform/db/connect.ts';
import { defineSubscriber, OutboxRelay } from '../src/platform/events/outbox.ts';
import type { JobQueue } from '../src/platform/jobs/registry.ts';

const log = pino({ level: 'warn' });
const database = await connectDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: '/tmp', poolSize: 4, log });
const witness = defineSubscriber({
  name: 'relay-kill-witness',
  topics: ['kill.*'],
  run: async (event) => {
    await database.pool.query('INSERT INTO relay_kill_seen (event_id) VALUES ($1)', [event.id]);
    await new Promise((resolve) => setTimeout(resolve, 5));
  },
});
// The witness never fails, so nothing is ever retried as a job: no job queue needed.
const noRetries = { enqueueMany: async () => undefined, wake: () => undefined } as unknown as JobQueue;
await new OutboxRelay(database, noRetries, [witness], log).start();
process.stdout.write('relaying\n');
