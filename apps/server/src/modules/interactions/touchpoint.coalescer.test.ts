import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('group commit of single-event ingest', () => {
  it('gives each of many concurrent requests its own outcome', async () => {
    const ws = await t.createWorkspace();
    const headers = t.auth(ws.keys.agent);
    const event = (n: number, extra: Record<string, unknown> = {}) => ({
      externalId: `co-${n}`,
      customer: { phone: `0912555${String(n % 7).padStart(4, '0')}` },
      kind: 'call',
      channel: 'call_center',
      stage: 'after-sale',
      occurredAt: new Date(Date.now() - n * 1000).toISOString(),
      ...extra,
    });
    const payloads = [
      ...Array.from({ length: 60 }, (_, n) => event(n)),
      event(5), // the same external id as another request in flight: recorded once
      event(1000, { customer: { phone: '123456' } }), // an invalid phone fails alone
    ];
    const responses = await Promise.all(payloads.map((payload) => t.app.inject({ method: 'POST', url: '/api/touchpoints', headers, payload })));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(60);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(responses.at(-1)!.statusCode).toBe(422);
    expect(responses.at(-1)!.json().code).toBe('invalid_phone');
    const ids = responses.slice(0, 61).map((r) => r.json().id);
    expect(new Set(ids).size).toBe(60);
    expect(responses[60]!.json().id).toBe(responses[5]!.json().id);

    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n, count(DISTINCT customer_id)::int AS customers FROM touchpoints WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0]).toEqual({ n: 60, customers: 7 });
    const events = await t.database.pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND topic = 'touchpoint.recorded'`, [ws.tenantId]);
    expect(events.rows[0].n).toBe(60);
  });
});
