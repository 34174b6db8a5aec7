import { sql, type SQL } from 'drizzle-orm';
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
  job: JobDefinition<DomainEvent>;
  /**
   * optional: whether a workspace's events of a topic need this subscriber at all (the automation
   * engine: does an enabled rule of the workspace listen to it). Asked by the relay once per
   * workspace and topic in a batch; no job is sent when it says no. It must answer as `run`
   * would decide, so a job it saves is one that would have done nothing.
   */
  accepts?(tenantId: string, topic: string, database: Database): Promise<boolean>;
}

/** A handler of domain events; each becomes a pg-boss queue with its own retries. */
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
 * Moves committed events from the outbox to subscriber jobs. Each batch is claimed with
 * SKIP LOCKED, and its jobs are inserted in the same transaction that marks the events
 * dispatched, so with several worker processes every event reaches every subscriber once.
 * It polls (a partial-index probe every POLL_MS) rather than LISTEN/NOTIFY: pg_notify
 * serialises every committing transaction on a global lock, which ingest cannot afford.
 */
export class OutboxRelay {
  static readonly POLL_MS = 250;
  private readonly loop: PollingLoop;

  constructor(
    private readonly database: Database,
    private readonly queue: JobQueue,
    private readonly subscribers: Subscriber[],
    log: Logger,
  ) {
    this.loop = new PollingLoop({ intervalMs: OutboxRelay.POLL_MS, log, failure: 'outbox relay failed; retrying', step: async () => (await this.relayBatch()) > 0 });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  private readonly byTopic = new Map<string, Subscriber[]>();

  /**
   * The subscriber's `accepts`, once per workspace and topic in a batch. A failure to decide
   * sends the job: the subscriber then decides itself, as it would without `accepts`.
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

  /** Returns how many events were moved. */
  async relayBatch(limit = 200): Promise<number> {
    const client = await this.database.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ tenant_id: string; id: number; topic: string; payload: Record<string, unknown>; created_at: Date }>(
        `SELECT tenant_id, id, topic, payload, created_at FROM outbox_events
         WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
      // Every job of the batch in one insert: sent one by one, at a few hundred answers a second the
      // relay spent its time on round trips and fell 16 s behind (bench/survey-respond.bench.ts).
      const jobs: { job: JobDefinition<unknown>; payload: unknown; singletonKey: string }[] = [];
      const verdicts = new Map<string, Promise<boolean>>();
      for (const row of rows) {
        const event: DomainEvent = { tenantId: row.tenant_id, id: row.id, topic: row.topic, payload: row.payload, occurredAt: row.created_at.toISOString() };
        for (const subscriber of this.subscribersOf(row.topic)) {
          if (subscriber.accepts && !(await this.accepted(verdicts, subscriber, row.tenant_id, row.topic))) continue;
          jobs.push({ job: subscriber.job as JobDefinition<unknown>, payload: event, singletonKey: `${row.tenant_id}:${row.id}` });
        }
      }
      await this.queue.enqueueMany(jobs, { db });
      if (rows.length > 0) {
        await client.query(
          `UPDATE outbox_events SET dispatched_at = now()
           WHERE (tenant_id, id) IN (SELECT * FROM unnest($1::uuid[], $2::bigint[]))`,
          [rows.map((r) => r.tenant_id), rows.map((r) => r.id)],
        );
      }
      await client.query('COMMIT');
      this.queue.wake(new Set(jobs.map((j) => j.job.name)));
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async stop(): Promise<void> {
    await this.loop.stop();
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
