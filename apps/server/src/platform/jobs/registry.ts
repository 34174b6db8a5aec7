import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { checkCronExpression, everyRun } from './schedule.ts';

const QUEUE_SETUP_LOCK = 7_011_970_002;

export interface JobContext {
  database: Database;
  log: Logger;
  queue: JobQueue;
  clock: { now(): Date };
}

export interface JobDefinition<P> {
  name: string;
  payload: z.ZodType<P>;
  /** cron expression (UTC) for recurring jobs; the payload of a scheduled run is `{}` */
  every?: string;
  retryLimit?: number;
  /** workers polling this queue in one process */
  concurrency?: number;
  /** jobs fetched per poll */
  batchSize?: number;
  run(payload: P, context: JobContext): Promise<void>;
  /**
   * Optional: handles a whole fetched batch at once (e.g. one transaction for many events). If
   * it throws, every job of the batch is run alone with `run`, so a bad job fails by itself;
   * it must therefore be safe to run again what a failed `runBatch` may have done in part.
   */
  runBatch?(payloads: P[], context: JobContext): Promise<void>;
}

/** Declares a job; its payload is checked with zod when sent and again before `run`. */
export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(definition.name)) throw new Error(`job name ${definition.name} must be domain.action`);
  if (definition.every !== undefined) checkCronExpression(definition.every);
  return definition;
}

/** Something that can run SQL inside the caller's transaction (pg-boss's `db` option). */
export interface SqlRunner {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss on the application database. Every process can send; only worker processes
 * (role worker or all) run jobs, and pg-boss's SKIP LOCKED fetch makes each job run once.
 */
export class JobQueue {
  readonly boss: PgBoss;
  private readonly jobs = new Map<string, JobDefinition<unknown>>();
  /** this process's pg-boss workers, by queue */
  private readonly workers = new Map<string, string[]>();
  /** this process's timers of recurring jobs (schedule.ts) */
  private readonly schedules: { stop(): void }[] = [];
  private started = false;

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
  ) {
    // `schedule: false`: recurring jobs are sent by this process's timers (schedule.ts), not by
    // pg-boss's cron monitor, whose pass over every expression stalled requests.
    this.boss = new PgBoss({ ...(database.connection as PgBoss.DatabaseOptions), max: 4, application_name: 'vafa-jobs', schedule: false });
    this.boss.on('error', (err) => log.error({ err }, 'job queue error'));
  }

  register(definitions: JobDefinition<unknown>[]): void {
    for (const definition of definitions) {
      if (this.jobs.has(definition.name)) throw new Error(`job ${definition.name} is defined twice`);
      this.jobs.set(definition.name, definition);
    }
  }

  async start(options: { work: boolean }): Promise<void> {
    await this.boss.start();
    this.started = true;
    // Processes starting together would deadlock creating the same queues; take turns.
    const client = await this.database.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [QUEUE_SETUP_LOCK]);
      for (const job of this.jobs.values()) {
        await this.boss.createQueue(job.name, { name: job.name, retryLimit: job.retryLimit ?? 5, retryBackoff: true, retryDelay: 2 });
        // A schedule pg-boss kept from before would never fire again (its monitor is off): gone.
        if (job.every) await this.boss.unschedule(job.name);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [QUEUE_SETUP_LOCK]).catch(() => undefined);
      client.release();
    }
    if (!options.work) return;
    for (const job of this.jobs.values()) {
      if (!job.every) continue;
      // Every worker process sends the run; the singleton key of its minute makes it one job.
      this.schedules.push(everyRun(job.every, async (at) => {
        try {
          await this.boss.send(job.name, {}, { singletonKey: `every:${job.name}`, singletonSeconds: 60 });
        } catch (err) {
          this.log.error({ err, job: job.name, at }, 'recurring job not sent');
        }
      }));
    }
    const context: JobContext = { database: this.database, log: this.log, queue: this, clock: { now: () => new Date() } };
    for (const job of this.jobs.values()) {
      // pg-boss waits one polling interval between fetches, so throughput per worker is
      // batchSize / interval: fetch batches, and run `concurrency` workers per queue (`wake`
      // cuts the wait short for jobs this process's relay has just sent).
      for (let worker = 0; worker < (job.concurrency ?? 1); worker++) {
        const workerId = await this.boss.work<unknown>(job.name, { batchSize: job.batchSize ?? 10, pollingIntervalSeconds: 0.5 }, async (batch) => {
          if (job.runBatch && batch.length > 1) {
            const parsed = batch.map((received) => job.payload.safeParse(received.data));
            // A payload that does not parse is failed alone below, with the rest run one by one.
            if (parsed.every((p) => p.success)) {
              try {
                await job.runBatch(parsed.map((p) => p.data!), { ...context, log: this.log.child({ job: job.name, jobs: batch.length }) });
                return;
              } catch (err) {
                this.log.warn({ err, job: job.name, jobs: batch.length }, 'job batch failed; running its jobs one by one');
              }
            }
          }
          for (const received of batch) {
            try {
              const payload = job.payload.parse(received.data);
              await job.run(payload, { ...context, log: this.log.child({ job: job.name, jobId: received.id }) });
            } catch (err) {
              // Fail this job alone (it is retried with backoff); the rest of the batch completes.
              this.log.warn({ err, job: job.name, jobId: received.id }, 'job failed');
              await this.boss.fail(job.name, received.id, { message: (err as Error).message });
            }
          }
        });
        this.workers.set(job.name, [...(this.workers.get(job.name) ?? []), workerId]);
      }
    }
  }

  /**
   * Wakes this process's workers of these queues from their polling wait, so jobs just committed
   * (the outbox relay's) are fetched at once; a worker busy with a batch fetches again right
   * after it. Without it a queue takes at most `batchSize` jobs per polling interval per worker,
   * below the event rate of a few hundred answers a second. Workers of other processes still poll.
   */
  wake(jobNames: Iterable<string>): void {
    for (const name of jobNames) for (const id of this.workers.get(name) ?? []) this.boss.notifyWorker(id);
  }

  /** Sends a job, inside the caller's transaction when `db` is given. */
  async enqueue<P>(job: JobDefinition<P>, payload: P, options: PgBoss.SendOptions & { db?: SqlRunner } = {}): Promise<string | null> {
    const data = job.payload.parse(payload) as object;
    return this.boss.send(job.name, data, options as PgBoss.SendOptions);
  }

  /**
   * Sends many jobs, of any queues, in one statement (pg-boss `insert`), inside the caller's
   * transaction when `db` is given. The outbox relay sends a batch's jobs this way: one round
   * trip per batch instead of one per event and subscriber.
   */
  async enqueueMany(entries: { job: JobDefinition<unknown>; payload: unknown; singletonKey?: string }[], options: { db?: SqlRunner } = {}): Promise<void> {
    if (entries.length === 0) return;
    const jobs = entries.map(({ job, payload, singletonKey }) => ({ name: job.name, data: job.payload.parse(payload) as object, ...(singletonKey ? { singletonKey } : {}) }));
    await this.boss.insert(jobs, options as PgBoss.InsertOptions);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const schedule of this.schedules.splice(0)) schedule.stop();
    // graceful: wait for running jobs to finish; close: false because we own the pool lifetime.
    await this.boss.stop({ graceful: true, wait: true, timeout: 20_000 } as PgBoss.StopOptions);
  }
}
