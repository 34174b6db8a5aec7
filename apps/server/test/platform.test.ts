import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineSubscriber, publishEvent, type DomainEvent } from '../src/platform/events/outbox.ts';
import { defineJob } from '../src/platform/jobs/registry.ts';
import { startTestApp, type TestApp } from './harness.ts';

let t: TestApp;
const received: DomainEvent[] = [];
const probe = defineSubscriber({
  name: 'test-probe',
  topics: ['test.*'],
  run: async (event) => {
    received.push(event);
  },
});

// A subscriber that wants some topics only: the relay asks it before handing an event over.
const chosen: DomainEvent[] = [];
const choosy = defineSubscriber({
  name: 'test-choosy',
  topics: ['choice.*'],
  accepts: async (_tenantId, topic) => {
    if (topic === 'choice.undecided') throw new Error('cannot tell');
    return topic !== 'choice.unwanted';
  },
  run: async (event) => {
    chosen.push(event);
  },
});

beforeAll(async () => {
  t = await startTestApp({ role: 'all', subscribers: [probe, choosy], env: { VAFA_ANON_RATE_LIMIT: '5' } });
});
afterAll(() => t?.close());

describe('problem+json errors', () => {
  it('answers unknown routes with a localised 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'accept-language': 'ar-SA' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found', detail: 'غير موجود.' });
  });

  it('refuses malformed JSON, broken UTF-8, NUL characters, unknown fields and oversized bodies without writing', async () => {
    const ws = await t.createWorkspace();
    const headers = { ...t.auth(ws.keys.owner), 'content-type': 'application/json' };
    const keysBefore = await t.database.pool.query(`SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1`, [ws.tenantId]);
    const cases: [string | Buffer, number, string][] = [
      ['{"name": "x", "role": ', 400, 'malformed_json'],
      [Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('", "role": "agent"}')]), 400, 'invalid_encoding'],
      ['{"name": "a\\u0000b", "role": "agent"}', 400, 'validation_failed'],
      ['{"name": "x", "role": "agent", "isAdmin": true}', 400, 'validation_failed'],
      ['{"name": 12, "role": "agent"}', 400, 'validation_failed'],
      ['{"name": "x", "role": "god"}', 400, 'validation_failed'],
      ['{"__proto__": {"polluted": 1}, "name": "x", "role": "agent"}', 400, 'malformed_json'],
      [`{"name": "${'x'.repeat(5 * 1024 * 1024)}", "role": "agent"}`, 413, 'body_too_large'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload });
      expect(res.statusCode, String(payload).slice(0, 60)).toBe(status);
      expect(res.json().code).toBe(code);
    }
    const keysAfter = await t.database.pool.query(`SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1`, [ws.tenantId]);
    expect(keysAfter.rows[0].n).toBe(keysBefore.rows[0].n);
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('lists field errors with their paths', async () => {
    const ws = await t.createWorkspace();
    const res = await t.app.inject({ method: 'PATCH', url: '/api/workspace', headers: { ...t.auth(ws.keys.owner), 'accept-language': 'fa' }, payload: { timeZone: 'Mars/Olympus', weekendDays: [9] } });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as { field: string; code: string; message: string }[];
    expect(errors.map((e) => e.field)).toEqual(expect.arrayContaining(['body.timeZone', 'body.weekendDays.0']));
    // Field messages speak the reader's language too, not the validator's English.
    expect(errors.find((e) => e.field === 'body.weekendDays.0')).toMatchObject({ code: 'too_big', message: 'عددی برابر ۶ یا کمتر بنویسید.' });
  });
});

describe('idempotency', () => {
  it('replays the first result for the same key and creates one row', async () => {
    const ws = await t.createWorkspace();
    const headers = { ...t.auth(ws.keys.owner), 'idempotency-key': 'create-pos-key-1' };
    const first = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'POS', role: 'agent' } });
    const second = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'POS', role: 'agent' } });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    // The same key, minus its secret: a replay never shows a secret twice.
    const { secret, ...key } = first.json();
    expect(secret).toMatch(/\S{20,}/);
    expect(second.json()).toEqual({ ...key, secretWithheld: true });
    const rows = await t.database.pool.query(`SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND name = 'POS'`, [ws.tenantId]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('runs concurrent duplicates once', async () => {
    const ws = await t.createWorkspace();
    const headers = { ...t.auth(ws.keys.owner), 'idempotency-key': 'race-1' };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'race', role: 'agent' } })),
    );
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const rows = await t.database.pool.query(`SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND name = 'race'`, [ws.tenantId]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('refuses a key reused with a different body, and a malformed key', async () => {
    const ws = await t.createWorkspace();
    const headers = { ...t.auth(ws.keys.owner), 'idempotency-key': 'k-2' };
    await t.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'one', role: 'agent' } });
    const reused = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'two', role: 'agent' } });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
    const bad = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: { ...t.auth(ws.keys.owner), 'idempotency-key': 'کلید با فاصله' }, payload: { name: 'x', role: 'agent' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('idempotency_key_invalid');
  });

  it('keeps keys per workspace: the same key in two workspaces makes two rows', async () => {
    const a = await t.createWorkspace();
    const b = await t.createWorkspace();
    for (const ws of [a, b]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: { ...t.auth(ws.keys.owner), 'idempotency-key': 'shared' }, payload: { name: 'shared', role: 'agent' } });
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
  });
});

describe('security', () => {
  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('rate-limits anonymous endpoints', async () => {
    const statuses: number[] = [];
    // A new address each time: what refuses the last ones is the per-IP limit, not the per-account back-off.
    const run = Math.random().toString(36).slice(2, 10);
    for (let i = 0; i < 7; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9', payload: { email: `x${i}-${run}@example.test`, password: 'nope' } });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('requires authentication on every non-public route', async () => {
    const guarded = t.vafa.routes.filter((r) => r.access !== 'public');
    for (const route of guarded) {
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      const res = await t.app.inject({ method: route.method as 'GET', url });
      // A session-optional route says "nobody" (204) to no credential at all, and still refuses a bad one.
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(route.sessionOptional ? 204 : 401);
      if (route.sessionOptional) {
        const forged = await t.app.inject({ method: route.method as 'GET', url, headers: { cookie: 'vafa_session=forged' } });
        expect(forged.statusCode, `${route.method} ${route.url} with a forged session`).toBe(401);
      }
    }
    // Only the session probe may answer without credentials.
    expect(guarded.filter((r) => r.sessionOptional).map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/auth/session']);
  });
});

describe('OpenAPI', () => {
  it('documents every API route and serves a docs page', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const route of t.vafa.routes.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json')) {
      const openapiPath = route.url.replace(/:(\w+)/g, '{$1}');
      expect(spec.paths[openapiPath]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('<html');
  });

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).json()).toEqual({ status: 'ready' });
  });
});

describe('outbox and jobs', () => {
  it('delivers an event to its subscriber only if its transaction committed', async () => {
    const ws = await t.createWorkspace();
    await t.database.db.transaction(async (tx) => {
      await publishEvent(tx, ws.tenantId, 'test.committed', { n: 1 });
    });
    await t.database.db
      .transaction(async (tx) => {
        await publishEvent(tx, ws.tenantId, 'test.rolled-back', { n: 2 });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const deadline = Date.now() + 20_000;
    while (!received.some((e) => e.tenantId === ws.tenantId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const mine = received.filter((e) => e.tenantId === ws.tenantId);
    expect(mine.map((e) => e.topic)).toEqual(['test.committed']);
    expect(mine[0]!.payload).toEqual({ n: 1 });
    const pending = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = ${ws.tenantId} AND outbox_event_pending(xid, id)`);
    expect(pending.rows[0]!.n).toBe(0);
  });

  it("hands a subscriber no event whose topic it does not accept, and the event when it cannot tell", async () => {
    const ws = await t.createWorkspace();
    await t.database.db.transaction(async (tx) => {
      for (const topic of ['choice.wanted', 'choice.unwanted', 'choice.undecided']) await publishEvent(tx, ws.tenantId, topic, {});
    });
    // Dispatched means every subscriber has had the batch: what it did not get by then, it never will.
    const pending = async () => Number((await t.database.db.execute(sql`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = ${ws.tenantId} AND outbox_event_pending(xid, id)`)).rows[0]!.n);
    const deadline = Date.now() + 60_000;
    while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await pending()).toBe(0);
    expect(chosen.filter((e) => e.tenantId === ws.tenantId).map((e) => e.topic).sort()).toEqual(['choice.undecided', 'choice.wanted']);
    // Handled in the relay: no pg-boss job for an event a subscriber took without failing.
    const jobs = await t.database.pool.query(`SELECT 1 FROM pgboss.job WHERE name = 'on.test-choosy' AND data->>'tenantId' = $1`, [ws.tenantId]);
    expect(jobs.rows).toHaveLength(0);
  });

  it('validates a job payload before sending it', async () => {
    const job = defineJob({ name: 'test.validated', payload: z.object({ tenantId: z.uuid() }), run: async () => undefined });
    await expect(t.vafa.queue.enqueue(job, { tenantId: 'not-a-uuid' })).rejects.toThrow();
  });
});
