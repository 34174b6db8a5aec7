import pino from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { defineJob, JobQueue } from './registry.ts';
import { everyRun, nextRunAt } from './schedule.ts';

// Recurring jobs run from this process's timers (schedule.ts), not from pg-boss's cron monitor,
// whose pass over every expression every 30 seconds stalled requests.

describe('the next run of a cron expression (UTC)', () => {
  it('is the first instant after the given one that the expression names', () => {
    expect(nextRunAt('41 3 * * *', new Date('2026-12-05T03:40:59.500Z')).toISOString()).toBe('2026-12-05T03:41:00.000Z');
    expect(nextRunAt('41 3 * * *', new Date('2026-12-05T03:41:00.000Z')).toISOString()).toBe('2026-12-06T03:41:00.000Z');
    expect(nextRunAt('*/15 * * * *', new Date('2026-12-05T10:46:10Z')).toISOString()).toBe('2026-12-05T11:00:00.000Z');
    expect(nextRunAt('7 * * * *', new Date('2026-12-31T23:59:00Z')).toISOString()).toBe('2027-01-01T00:07:00.000Z');
  });

  it('refuses a job whose schedule is not a cron expression when it is defined', () => {
    expect(() => defineJob({ name: 'test.bad-schedule', payload: z.object({}), every: 'every hour', run: async () => undefined })).toThrow();
  });

  it('calls at each instant until stopped, and not after', async () => {
    const calls: Date[] = [];
    const schedule = everyRun('* * * * * *', async (at) => { calls.push(at); });
    const deadline = Date.now() + 30_000;
    while (calls.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    schedule.stop();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[1]!.getTime() - calls[0]!.getTime()).toBeGreaterThanOrEqual(1000);
    const stoppedAt = calls.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(calls.length).toBe(stoppedAt);
  });
});

describe('recurring jobs in a worker process', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ role: 'all' });
  }, 120_000);
  afterAll(() => t?.close());

  it('leaves pg-boss no schedule to walk, and runs a recurring job once a minute however many processes send it', async () => {
    const { rows: kept } = await t.database.pool.query('SELECT name FROM pgboss.schedule');
    expect(kept).toEqual([]);

    let runs = 0;
    const job = defineJob({ name: 'test.every-second', payload: z.object({}), every: '* * * * * *', run: async () => { runs += 1; } });
    const log = pino({ level: 'silent' });
    // Two worker processes' queues, each sending the run every second.
    const queues = [new JobQueue(t.database, log), new JobQueue(t.database, log)];
    for (const queue of queues) queue.register([job]);
    try {
      for (const queue of queues) await queue.start({ work: true });
      const deadline = Date.now() + 60_000;
      while (runs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(runs).toBeGreaterThanOrEqual(1);
      // Sent every second by both, for a few seconds more: still the one job of this minute
      // (or one more, when the minute turned meanwhile).
      await new Promise((r) => setTimeout(r, 3000));
      const { rows } = await t.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'test.every-second'`);
      expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
      expect(rows[0]!.n).toBeLessThanOrEqual(2);
    } finally {
      for (const queue of queues) await queue.stop();
    }
  });
});
