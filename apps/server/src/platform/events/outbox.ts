import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database, Executor } from '../db/connect.ts';
import { PollingLoop } from '../jobs/polling-loop.ts';
import { defineJob, type JobContext, type JobDefinition, type JobQueue } from '../jobs/registry.ts';
import { z as zod } from 'zod';

export interface DomainEvent<P = Record<string, unknown>> {
  tenantId: string;
  id: number;
  topic: string;
  payload: P;
  occurredAt: string;
}

/**
 * Writes domain events in the caller's transaction: they exist if and only if the change
 * that caused them committed. The relay hands them to subscribers afterwards. One statement
 * however many events, because this sits on every ingest path.
 */
export async function publishEvents(tx: Executor, tenantId: string, events: { topic: string; payload: Record<string, unknown> }[]): Promise<void> {
  if (events.length === 0) return;
  await tx.execute(eventsInsert(tenantId, events));
}

/**
 * The statement `publishEvents` runs, for a writer that folds it into a statement of its own
 * (a data-modifying CTE) to save a round trip on a hot path. The same rules apply: the
 * enclosing statement runs in the transaction of the change.
 */
export function eventsInsert(tenantId: string, events: { topic: string; payload: Record<string, unknown> }[]): SQL {
  return sql`
    INSERT INTO outbox_events (tenant_id, topic, payload)
    SELECT ${tenantId}::uuid, e.topic, e.payload
    FROM unnest(${sql.param(events.map((e) => e.topic))}::text[], ${sql.param(events.map((e) => JSON.stringify(e.payload)))}::jsonb[])
         WITH ORDINALITY AS e(topic, payload, n)
    ORDER BY e.n`;
}

export async function publishEvent(tx: Executor, tenantId: string, topic: string, payload: Record<string, unknown>): Promise<void> {
  await publishEvents(tx, tenantId, [{ topic, payload }]);
}

const EventPayload = zod.object({
  tenantId: zod.string().uuid(),
  id: zod.number().int(),
  topic: zod.string(),
  payload: zod.record(zod.string(), zod.unknown()),
  occurredAt: zod.string(),
});

export interface Subscriber {
  name: string;
  /** exact topics, `prefix.*`, or `*` for every topic (the automation engine) */
  topics: string[];
  /** how the relay runs it (run, runBatch, batchSize), and the pg-boss queue an event it fails on is retried in */
  job: JobDefinition<DomainEvent>;
  /**
   * optional: whether a workspace's events of a topic need this subscriber at all (the automation
   * engine: does an enabled rule of the workspace listen to it). Asked by the relay once per
   * workspace and topic in a batch; the event is not handed over when it says no. It must answer as `run`
   * would decide, so a job it saves is one that would have done nothing.
   */
  accepts?(tenantId: string, topic: string, database: Database): Promise<boolean>;
}

/** A handler of domain events, run by the relay; its pg-boss queue retries the events it fails on. */
export function defineSubscriber<P extends z.ZodType<Record<string, unknown>>>(definition: {
  name: string;
  topics: string[];
  payload?: P;
  run(event: DomainEvent<z.infer<P>>, context: JobContext): Promise<void>;
  /** optional: the events of a fetched batch at once; on failure each is retried alone with `run` */
  runBatch?(events: DomainEvent<z.infer<P>>[], context: JobContext): Promise<void>;
  /** optional: see Subscriber.accepts */
  accepts?(tenantId: string, topic: string, database: Database): Promise<boolean>;
}): Subscriber {
  const parse = (event: DomainEvent) =>
    ({ ...event, payload: definition.payload ? definition.payload.parse(event.payload) : event.payload }) as DomainEvent<z.infer<P>>;
  const runBatch = definition.runBatch;
  return {
    name: definition.name,
    topics: definition.topics,
    ...(definition.accepts ? { accepts: definition.accepts } : {}),
    job: defineJob<DomainEvent>({
      name: `on.${definition.name}`,
      payload: EventPayload as unknown as z.ZodType<DomainEvent>,
      run: async (event, context) => {
        await definition.run(parse(event), context);
      },
      ...(runBatch ? { runBatch: (events: DomainEvent[], context: JobContext) => runBatch(events.map(parse), context) } : {}),
    }),
  };
}

function matches(topic: string, patterns: string[]): boolean {
  return patterns.some((p) => p === '*' || p === topic || (p.endsWith('.*') && topic.startsWith(p.slice(0, -1))));
}

/**
 * Hands committed events to their subscribers. Each batch is claimed with SKIP LOCKED and its
 * subscribers run in this process while the claim is held; the events are marked dispatched in
 * the claim's transaction once every subscriber has had them. So with several worker processes
 * every event reaches every subscriber once, and a crash before the mark hands the batch out again
 * (subscribers are at-least-once, as they were as pg-boss jobs, and are written to be safe to
 * run twice).
 *
 * Why in-process and not a pg-boss job per subscriber per event: at a few hundred answers a
 * second, those jobs (an insert, a fetch update, a completion update and the archiving, on tables
 * of six indexes each) were a third of what an answer wrote (bench/RESULTS.md, "where an answer's
 * cost goes"). pg-boss stays for what it is good at: an event a subscriber fails on becomes a job
 * of that subscriber's queue, sent in the claim's transaction, and is retried there with backoff,
 * alone, while the batch goes on.
 *
 * It polls (a partial-index probe every POLL_MS) rather than LISTEN/NOTIFY: pg_notify
 * serialises every committing transaction on a global lock, which ingest cannot afford.
 */
export class OutboxRelay {
  static readonly POLL_MS = 250;
  /** claims in flight per process: one batch's subscribers run while the next is claimed */
  static readonly LOOPS = 2;
  private readonly loops: PollingLoop[];
  /**
   * The claims' own connections: a claim is held while subscribers run, and subscribers take
   * connections from the application's pool (sometimes two at once); sharing that pool could
   * leave every connection held by a claim waiting on a subscriber waiting for a connection.
   */
  private readonly claims: pg.Pool;
  private readonly context: JobContext;

  constructor(
    private readonly database: Database,
    private readonly queue: JobQueue,
    private readonly subscribers: Subscriber[],
    private readonly log: Logger,
  ) {
    this.claims = new pg.Pool({ ...database.connection, max: OutboxRelay.LOOPS, application_name: 'vafa-relay' });
    this.claims.on('error', (err) => log.warn({ err }, 'idle relay connection failed'));
    this.context = { database, log, queue, clock: { now: () => new Date() } };
    this.loops = Array.from({ length: OutboxRelay.LOOPS }, () =>
      new PollingLoop({ intervalMs: OutboxRelay.POLL_MS, log, failure: 'outbox relay failed; retrying', step: async () => (await this.relayBatch()) > 0 }));
  }

  async start(): Promise<void> {
    for (const loop of this.loops) loop.start();
  }

  private readonly byTopic = new Map<string, Subscriber[]>();

  /**
   * The subscriber's `accepts`, once per workspace and topic in a batch. A failure to decide
   * hands the event over: the subscriber then decides itself, as it would without `accepts`.
   */
  private accepted(verdicts: Map<string, Promise<boolean>>, subscriber: Subscriber, tenantId: string, topic: string): Promise<boolean> {
    const key = `${subscriber.name}\0${tenantId}\0${topic}`;
    let verdict = verdicts.get(key);
    if (!verdict) {
      verdict = subscriber.accepts!(tenantId, topic, this.database).catch(() => true);
      verdicts.set(key, verdict);
    }
    return verdict;
  }

  /** The subscribers of a topic, matched once per topic. */
  private subscribersOf(topic: string): Subscriber[] {
    let found = this.byTopic.get(topic);
    if (!found) {
      found = this.subscribers.filter((s) => matches(topic, s.topics));
      this.byTopic.set(topic, found);
    }
    return found;
  }

  /**
   * Runs one subscriber on its events of a batch, in order: in chunks of the subscriber's batch
   * size through `runBatch` if it has one, else (or when a chunk fails) one by one. Returns the
   * events it failed on, for pg-boss to retry.
   */
  private async deliver(subscriber: Subscriber, events: DomainEvent[]): Promise<DomainEvent[]> {
    const { job } = subscriber;
    const failed: DomainEvent[] = [];
    const size = job.runBatch ? Math.max(1, job.batchSize ?? events.length) : 1;
    for (let i = 0; i < events.length; i += size) {
      const chunk = events.slice(i, i + size);
      if (job.runBatch && chunk.length > 1) {
        try {
          await job.runBatch(chunk, { ...this.context, log: this.log.child({ subscriber: subscriber.name, events: chunk.length }) });
          continue;
        } catch (err) {
          this.log.warn({ err, subscriber: subscriber.name, events: chunk.length }, 'subscriber batch failed; running its events one by one');
        }
      }
      for (const event of chunk) {
        try {
          await job.run(event, { ...this.context, log: this.log.child({ subscriber: subscriber.name, eventId: event.id }) });
        } catch (err) {
          this.log.warn({ err, subscriber: subscriber.name, eventId: event.id }, 'subscriber failed on an event; it is retried as a job');
          failed.push(event);
        }
      }
    }
    return failed;
  }

  /** Returns how many events were moved. */
  async relayBatch(limit = 500): Promise<number> {
    const client = await this.claims.connect();
    // A claim is held while subscribers run: a connection dropped then (a restart of PostgreSQL,
    // a terminated backend) fails the claim's next query, and must not also be an uncaught error.
    const dropped = (err: Error) => this.log.warn({ err }, 'relay connection failed during a claim');
    client.on('error', dropped);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ tenant_id: string; id: number; topic: string; payload: Record<string, unknown>; created_at: Date }>(
        `SELECT tenant_id, id, topic, payload, created_at FROM outbox_events
         WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const work = new Map<Subscriber, DomainEvent[]>();
      const verdicts = new Map<string, Promise<boolean>>();
      for (const row of rows) {
        const event: DomainEvent = { tenantId: row.tenant_id, id: row.id, topic: row.topic, payload: row.payload, occurredAt: row.created_at.toISOString() };
        for (const subscriber of this.subscribersOf(row.topic)) {
          if (subscriber.accepts && !(await this.accepted(verdicts, subscriber, row.tenant_id, row.topic))) continue;
          const events = work.get(subscriber) ?? [];
          events.push(event);
          work.set(subscriber, events);
        }
      }
      // Subscribers are independent of one another: they run side by side, each in event order.
      const failures = await Promise.all([...work].map(async ([subscriber, events]) => ({ subscriber, events: await this.deliver(subscriber, events) })));
      const retries = failures.flatMap(({ subscriber, events }) =>
        events.map((event) => ({ job: subscriber.job as JobDefinition<unknown>, payload: event, singletonKey: `${event.tenantId}:${event.id}` })));
      const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
      await this.queue.enqueueMany(retries, { db });
      await client.query(
        `UPDATE outbox_events SET dispatched_at = now()
         WHERE (tenant_id, id) IN (SELECT * FROM unnest($1::uuid[], $2::bigint[]))`,
        [rows.map((r) => r.tenant_id), rows.map((r) => r.id)],
      );
      await client.query('COMMIT');
      this.queue.wake(new Set(retries.map((j) => j.job.name)));
      return rows.length;
    } catch (err) {
      // A connection that cannot even roll back is broken: the pool drops it rather than reuse it.
      broken = await client.query('ROLLBACK').then(() => undefined, (rollbackError: Error) => rollbackError);
      throw err;
    } finally {
      client.off('error', dropped);
      client.release(broken);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
    await this.claims.end();
  }
}

/** Housekeeping: dispatched events, old idempotency keys and expired sessions. */
export const pruneHousekeeping = defineJob({
  name: 'platform.prune',
  every: '17 * * * *',
  payload: zod.object({}),
  run: async (_payload, { database }) => {
    await database.pool.query(`DELETE FROM outbox_events WHERE dispatched_at < now() - interval '7 days'`);
    await database.pool.query(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
    await database.pool.query(`DELETE FROM sessions WHERE expires_at < now()`);
  },
});
