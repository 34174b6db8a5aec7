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
 * Hands committed events to their subscribers, at least once, without writing to the events.
 *
 * Each event carries the id of the transaction that wrote it (`xid`, xid8). The relay keeps a
 * cursor per slot in `outbox_relay_cursors` (a slot is the transaction id modulo the number of
 * slots, so a transaction's events stay together and in order) and reads the events past it in
 * (xid, id) order, but only those of transactions older than the oldest one still running
 * (`pg_snapshot_xmin`): every such transaction has ended, and any transaction that has not can
 * only write events that sort after them. So the cursor never passes an event that is yet to
 * commit, the hole an id cursor has when a transaction that took its id earlier commits later.
 *
 * A slot is claimed with a transaction-scoped advisory lock (SKIP LOCKED's counterpart: another
 * relay tries the next slot). Its subscribers run in this process while the claim is held, and the
 * cursor moves past the batch in the claim's transaction once every subscriber has had it: one row
 * update per batch. A crash before that commit hands the batch out again (subscribers are
 * at-least-once, as they were as pg-boss jobs, and are written to be safe to run twice). The claim
 * writes nothing until then, so it holds no transaction id back from the other relays.
 *
 * Why not a mark per event: the outbox marked each event dispatched with an UPDATE that was never
 * HOT, ~2.5 row versions and ~5 index entries per survey answer (bench/RESULTS.md, "the outbox
 * relay by cursor"). Why in-process and not a pg-boss job per subscriber per event: those jobs were
 * a third of what an answer wrote ("where an answer's cost goes"). pg-boss stays for what it is good
 * at: an event a subscriber fails on becomes a job of that subscriber's queue, sent in the claim's
 * transaction, and is retried there with backoff, alone, while the batch goes on.
 *
 * The cost: a transaction that stays open with a transaction id (anywhere on the PostgreSQL
 * cluster) holds back the delivery of every event written after it began, until it ends. Nothing
 * is lost, only late. It polls (an index probe every POLL_MS) rather than LISTEN/NOTIFY:
 * pg_notify serialises every committing transaction on a global lock, which ingest cannot afford.
 */
/** The advisory-lock namespace of the relay's slots: a slot is claimed by the lock (this, slot). */
const SLOT_LOCK = `hashtext('vafa.outbox-relay')`;
/**
 * The number of slots: the rows of outbox_relay_cursors (migration 0035), spelt as a constant
 * because the index the relay reads by, outbox_events_relay_slot_idx (migration 0042), is led by
 * this expression and an index expression cannot count rows. Changing it takes a migration of both.
 */
const RELAY_SLOTS = 4;
/** The slot of the event `e`: its transaction id modulo the number of slots (as outbox_event_pending says), as the index spells it. */
const SLOT_OF_EVENT = `(e.xid::text::bigint % ${RELAY_SLOTS})::int`;
/** The events `e` past cursor `c`, of `c`'s slot, whose transactions have all ended: what may be handed out. */
const PAST_CURSOR = `(e.xid, e.id) > (c.xid, c.id) AND e.xid < pg_snapshot_xmin(pg_current_snapshot()) AND ${SLOT_OF_EVENT} = c.slot`;

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
    await this.realignCursors();
    for (const loop of this.loops) loop.start();
  }

  /**
   * Transaction ids belong to a cluster: a logical restore (pg_dump) into a cluster whose counter is
   * behind the old one brings cursors and events from ahead of it, and new events would sort behind
   * the cursors and never go out. Seen from here as a cursor at or past the next transaction id to
   * be assigned; then every event is given this transaction's id and each cursor starts just before
   * the oldest event it had not passed, as migration 0035 did (the few passed ones after it go out
   * again: at least once). Done with every slot locked, so with no claim in flight.
   */
  async realignCursors(): Promise<boolean> {
    const client = await this.claims.connect();
    try {
      await client.query('BEGIN');
      const ahead = `SELECT EXISTS (SELECT 1 FROM outbox_relay_cursors WHERE xid >= pg_snapshot_xmax(pg_current_snapshot())) AS ahead`;
      if (!(await client.query<{ ahead: boolean }>(ahead)).rows[0]!.ahead) {
        await client.query('COMMIT');
        return false;
      }
      await client.query(`SELECT pg_advisory_xact_lock(${SLOT_LOCK}, slot) FROM outbox_relay_cursors ORDER BY slot`);
      // Another process starting beside this one may have realigned them while this one waited.
      if (!(await client.query<{ ahead: boolean }>(ahead)).rows[0]!.ahead) {
        await client.query('COMMIT');
        return false;
      }
      const { rows } = await client.query<{ first: number | null; next: number | null }>(
        `SELECT (SELECT min(e.id) FROM outbox_events e WHERE outbox_event_pending(e.xid, e.id)) AS first, (SELECT max(id) + 1 FROM outbox_events) AS next`);
      const from = (rows[0]!.first ?? rows[0]!.next ?? 1) - 1;
      await client.query(`UPDATE outbox_events SET xid = pg_current_xact_id()`);
      await client.query(`UPDATE outbox_relay_cursors SET xid = pg_current_xact_id(), id = $1, moved_at = now()`, [from]);
      await client.query('COMMIT');
      this.log.warn({ from }, 'outbox relay cursors were ahead of this cluster (a logical restore?); realigned, relaying again from the oldest event not yet relayed');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
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

  /** turns the slot a claim tries first, so that the claims in flight start on different ones */
  private turn = 0;

  /** Returns how many events were moved. */
  async relayBatch(limit = 500): Promise<number> {
    const client = await this.claims.connect();
    // A claim is held while subscribers run: a connection dropped then (a restart of PostgreSQL,
    // a terminated backend) fails the claim's next query, and must not also be an uncaught error.
    const dropped = (err: Error) => this.log.warn({ err }, 'relay connection failed during a claim');
    client.on('error', dropped);
    let broken: Error | undefined;
    try {
      // The slots with events to hand out: one probe per slot of the (slot, xid, id) index while idle.
      const { rows: ready } = await client.query<{ slot: number }>(
        `SELECT c.slot FROM outbox_relay_cursors c WHERE EXISTS (SELECT 1 FROM outbox_events e WHERE ${PAST_CURSOR}) ORDER BY c.slot`,
      );
      const first = this.turn++;
      for (let i = 0; i < ready.length; i++) {
        const { slot } = ready[(first + i) % ready.length]!;
        await client.query('BEGIN');
        const moved = await this.relaySlot(client, slot, limit);
        await client.query('COMMIT');
        if (moved === undefined) continue;
        this.queue.wake(moved.retried);
        return moved.events;
      }
      return 0;
    } catch (err) {
      // A connection that cannot even roll back is broken: the pool drops it rather than reuse it.
      broken = await client.query('ROLLBACK').then(() => undefined, (rollbackError: Error) => rollbackError);
      throw err;
    } finally {
      client.off('error', dropped);
      client.release(broken);
    }
  }

  /**
   * Claims a slot in the open transaction, hands its next batch to the subscribers and moves its
   * cursor past the batch. Undefined when another relay holds the slot or it has nothing (any more).
   */
  private async relaySlot(client: pg.PoolClient, slot: number, limit: number): Promise<{ events: number; retried: Set<string> } | undefined> {
    const lock = await client.query<{ held: boolean }>(`SELECT pg_try_advisory_xact_lock(${SLOT_LOCK}, $1) AS held`, [slot]);
    if (!lock.rows[0]!.held) return undefined;
    // A statement after the lock: its snapshot sees the cursor as the slot's last holder committed it.
    const { rows } = await client.query<{ tenant_id: string; id: number; topic: string; payload: Record<string, unknown>; created_at: Date; xid: string; from_xid: string; from_id: number }>(
      `SELECT e.tenant_id, e.id, e.topic, e.payload, e.created_at, e.xid::text AS xid, c.xid::text AS from_xid, c.id AS from_id
       FROM outbox_relay_cursors c
       CROSS JOIN LATERAL (
         SELECT * FROM outbox_events e WHERE ${PAST_CURSOR} ORDER BY e.xid, e.id LIMIT $2) e
       WHERE c.slot = $1`,
      [slot, limit],
    );
    if (rows.length === 0) return undefined;
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
    const last = rows[rows.length - 1]!;
    const moved = await client.query(
      `UPDATE outbox_relay_cursors SET xid = $2::xid8, id = $3, moved_at = now() WHERE slot = $1 AND xid = $4::xid8 AND id = $5`,
      [slot, last.xid, last.id, last.from_xid, last.from_id],
    );
    // Only the lock's holder moves a cursor; anything else is a bug that must not skip events.
    if (moved.rowCount !== 1) throw new Error(`outbox relay cursor ${slot} moved under its claim`);
    return { events: rows.length, retried: new Set(retries.map((j) => j.job.name)) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
    await this.claims.end();
  }
}

/**
 * Hands an event to its subscribers again, with every event of its slot relayed after it: moves
 * the slot's cursor back to just before it (under the slot's lock, so not under a claim in flight).
 * For operators and tests; subscribers are at-least-once, so this is safe. False if the event is gone.
 */
export async function relayAgainFrom(database: Database, tenantId: string, eventId: number): Promise<boolean> {
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ slot: number; xid: string }>(
      `SELECT e.xid::text AS xid, ${SLOT_OF_EVENT} AS slot
       FROM outbox_events e WHERE e.tenant_id = $1 AND e.id = $2`, [tenantId, eventId]);
    const found = rows[0];
    if (found) {
      await client.query(`SELECT pg_advisory_xact_lock(${SLOT_LOCK}, $1)`, [found.slot]);
      await client.query(`UPDATE outbox_relay_cursors SET xid = $2::xid8, id = $3, moved_at = now() WHERE slot = $1`, [found.slot, found.xid, eventId - 1]);
    }
    await client.query('COMMIT');
    return found !== undefined;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Housekeeping: relayed events, old idempotency keys and expired sessions. */
export const pruneHousekeeping = defineJob({
  name: 'platform.prune',
  every: '17 * * * *',
  payload: zod.object({}),
  run: async (_payload, { database }) => {
    // Relayed events (at or behind their slot's cursor) a week old.
    await database.pool.query(`
      DELETE FROM outbox_events e USING outbox_relay_cursors c
      WHERE e.created_at < now() - interval '7 days'
        AND c.slot = ${SLOT_OF_EVENT}
        AND (e.xid, e.id) <= (c.xid, c.id)`);
    await database.pool.query(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
    await database.pool.query(`DELETE FROM sessions WHERE expires_at < now()`);
  },
});
