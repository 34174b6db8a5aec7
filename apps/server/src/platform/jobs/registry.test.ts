import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { defineSubscriber, publishEvents, type DomainEvent } from '../events/outbox.ts';

// A subscriber with a batch handler: the outbox relay hands it a claimed batch's events at once,
// and when the batch handler throws, runs them one by one so a bad one fails alone; the event it
// fails on becomes a pg-boss job of the subscriber's queue and is retried there.
const batches: number[][] = [];
const handled: number[] = [];
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const failedAlone: number[] = [];
const poison = (event: DomainEvent) => event.payload.poison === true;
const probe = defineSubscriber({
  name: 'test-batch-probe',
  topics: ['batchtest.*'],
  run: async (event) => {
    if (poison(event)) {
      failedAlone.push(event.id);
      throw new Error('poisoned event');
    }
    handled.push(event.id);
  },
  runBatch: async (events) => {
    batches.push(events.map((e) => e.id));
    if (events.some(poison)) throw new Error('poisoned batch');
    handled.push(...events.map((e) => e.id));
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ role: 'all', subscribers: [probe] });
}, 120_000);
afterAll(() => t?.close());

async function publish(tenantId: string, payloads: Record<string, unknown>[]): Promise<number[]> {
  await t.database.db.transaction((tx) => publishEvents(tx, tenantId, payloads.map((payload) => ({ topic: 'batchtest.happened', payload }))));
  const { rows } = await t.database.pool.query<{ id: string }>(`SELECT id FROM outbox_events WHERE tenant_id = $1 AND topic = 'batchtest.happened' ORDER BY id`, [tenantId]);
  return rows.map((r) => Number(r.id)).slice(-payloads.length);
}

async function until(probeFn: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!probeFn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ batches, handled, failedAlone })}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('batch handlers', () => {
  it('hands the events of one claimed batch to the batch handler together, in order', async () => {
    const ws = await t.createWorkspace();
    const ids = await publish(ws.tenantId, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    await until(() => ids.every((id) => handled.includes(id)), 'all four handled');
    expect(batches.find((b) => b.includes(ids[0]!))).toEqual(ids);
    expect(sorted(handled.filter((id) => ids.includes(id)))).toEqual(ids);
  });

  it('runs the events of a failed batch one by one: the good ones once, the bad one fails alone and is retried as a job', async () => {
    const ws = await t.createWorkspace();
    const ids = await publish(ws.tenantId, [{ n: 1 }, { n: 2, poison: true }, { n: 3 }]);
    const [good1, bad, good3] = ids as [number, number, number];
    await until(() => handled.includes(good1) && handled.includes(good3) && failedAlone.includes(bad), 'the batch retried one by one');
    expect(sorted(batches.find((b) => b.includes(bad))!)).toEqual(ids);
    expect(sorted(handled.filter((id) => ids.includes(id)))).toEqual([good1, good3]);
    // Only the bad event became a job, and pg-boss runs it again, alone (it fails again here).
    const jobsOf = async () => {
      const { rows } = await t.database.pool.query<{ state: string; data: { id: number } }>(
        `SELECT state, data FROM pgboss.job WHERE name = 'on.test-batch-probe' AND (data->>'id')::bigint = ANY($1::bigint[]) AND data->>'tenantId' = $2`, [ids, ws.tenantId]);
      return rows;
    };
    // The job is sent in the claim's transaction, committed once the batch is done: wait for it.
    let jobs = await jobsOf();
    for (const deadline = Date.now() + 60_000; jobs.length === 0 && Date.now() < deadline; jobs = await jobsOf()) await new Promise((r) => setTimeout(r, 100));
    expect(jobs.map((j) => j.data.id)).toEqual([bad]);
    expect(['retry', 'failed', 'created', 'active']).toContain(jobs[0]!.state);
    await until(() => failedAlone.filter((id) => id === bad).length >= 2, 'the bad event retried by pg-boss');
    expect(sorted(handled.filter((id) => ids.includes(id)))).toEqual([good1, good3]);
  });
});
