import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineSubscriber, publishEvent } from '../src/platform/events/outbox.ts';
import { defineJob } from '../src/platform/jobs/registry.ts';
import { TEST_PASSWORD, startTestApp, type TestApp } from './harness.ts';
import { freePort, runVafa, type VafaProcess } from './process.ts';

// Several Vafa processes on one PostgreSQL: API processes share sessions, workers share jobs.
const deliveries: { worker: string; eventId: number }[] = [];
const subscriberFor = (worker: string) =>
  defineSubscriber({ name: 'scale-probe', topics: ['scale.*'], run: async (event) => void deliveries.push({ worker, eventId: event.id }) });

const runs: { worker: string; n: number }[] = [];
const countedJob = (worker: string) =>
  defineJob({ name: 'test.counted', payload: z.object({ n: z.number() }), concurrency: 4, run: async ({ n }) => void runs.push({ worker, n }) });

let owner: TestApp;
let workers: TestApp[] = [];
const processes: VafaProcess[] = [];

beforeAll(async () => {
  owner = await startTestApp({ database: 'scratch' });
  workers = await Promise.all(['w1', 'w2'].map((w) => startTestApp({ role: 'worker', subscribers: [subscriberFor(w)], database: owner.databaseUrl })));
  for (const [i, w] of workers.entries()) {
    const job = countedJob(`w${i + 1}`);
    w.vafa.queue.register([job]);
    await w.vafa.queue.boss.createQueue(job.name);
    await w.vafa.queue.boss.work(job.name, { batchSize: 5, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      for (const j of jobs) await job.run(job.payload.parse(j.data), undefined as never);
    });
  }
});
afterAll(async () => {
  for (const p of processes) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => p.exited));
  // The workers first: the owner's close drops the scratch database they run on (WITH FORCE), and a
  // worker still connected then loses its connections mid-query (an uncaught error in CI at 117ae0d).
  await Promise.all(workers.map((a) => a?.close()));
  await owner?.close();
});

async function until(check: () => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

describe('several processes on one PostgreSQL', () => {
  it('relays every event to its subscriber exactly once across two workers', async () => {
    const ws = await owner.createWorkspace();
    for (let i = 0; i < 60; i++) {
      await owner.database.db.transaction((tx) => publishEvent(tx, ws.tenantId, 'scale.ping', { i }));
    }
    const mine = async () => {
      const { rows } = await owner.database.pool.query(`SELECT id FROM outbox_events WHERE tenant_id = $1`, [ws.tenantId]);
      return new Set(rows.map((r) => Number(r.id)));
    };
    const ids = await mine();
    await until(() => deliveries.filter((d) => ids.has(d.eventId)).length >= 60);
    await new Promise((r) => setTimeout(r, 1000));
    const delivered = deliveries.filter((d) => ids.has(d.eventId));
    expect(delivered).toHaveLength(60);
    expect(new Set(delivered.map((d) => d.eventId)).size).toBe(60);
  });

  it('runs each job once when two workers poll the same queue', async () => {
    const job = countedJob('sender');
    for (let n = 0; n < 40; n++) await workers[0]!.vafa.queue.enqueue(job, { n });
    await until(() => runs.length >= 40);
    await new Promise((r) => setTimeout(r, 1500));
    expect(runs.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    expect(new Set(runs.map((r) => r.worker)).size).toBeGreaterThanOrEqual(1);
  });

  it('holds a session signed in on one API process when used on another', async () => {
    const databaseUrl = owner.databaseUrl;
    const ws = await owner.createWorkspace();
    const [portA, portB] = [await freePort(), await freePort()];
    const env = { DATABASE_URL: databaseUrl, VAFA_ROLE: 'api' };
    const a = runVafa(['start'], { ...env, PORT: String(portA) });
    const b = runVafa(['start', '--role', 'api'], { ...env, PORT: String(portB) });
    processes.push(a, b);
    await Promise.all([a.waitFor(/listening on/), b.waitFor(/listening on/)]);

    const login = await fetch(`http://127.0.0.1:${portA}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ws.users.admin.email, password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const onB = await fetch(`http://127.0.0.1:${portB}/api/auth/session`, { headers: { cookie } });
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { role: string }).role).toBe('admin');
    const logoutOnB = await fetch(`http://127.0.0.1:${portB}/api/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(logoutOnB.status).toBe(204);
    const onA = await fetch(`http://127.0.0.1:${portA}/api/auth/session`, { headers: { cookie } });
    expect(onA.status).toBe(401);
  });
});
