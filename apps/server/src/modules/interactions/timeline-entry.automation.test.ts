import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { eventually } from '../../../test/eventually.ts';

// Role 'all': the outbox relay hands touchpoint.recorded to the automation engine, as in production.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 120_000);
afterAll(() => t?.close());

describe('rules on interactions and hand-written entries', () => {
  it('"follow up after every interaction" opens a follow-up for a logged call but not for a note', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const session = t.session(ws.users.agent);
    const owner = t.auth(ws.keys.owner);
    const rules = (await t.app.inject({ method: 'GET', url: '/api/automations', headers: owner })).json();
    const rule = rules.items.find((r: { builtin: string | null }) => r.builtin === 'after_interaction');
    expect((await t.app.inject({ method: 'POST', url: `/api/automations/${rule.id}/enable`, headers: owner })).statusCode).toBe(200);

    const customer = await createCustomer(t, ws);
    const note = await t.app.inject({ method: 'POST', url: `/api/customers/${customer.id}/notes`, headers: session, payload: { text: 'فقط یادداشت' } });
    expect(note.statusCode, note.body).toBe(201);
    const logged = await t.app.inject({
      method: 'POST', url: `/api/customers/${customer.id}/touchpoints`, headers: session,
      payload: { kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: new Date(Date.now() - 600_000).toISOString() },
    });
    expect(logged.statusCode, logged.body).toBe(201);

    // The engine records a run for each event the rule heard: skipped for the note, done for the call.
    const runs = await eventually(async () => {
      const { rows } = await t.database.pool.query<{ status: string; reason: string | null; trigger: Record<string, unknown> }>(
        'SELECT status, reason, trigger FROM automation_runs WHERE tenant_id = $1 AND rule_id = $2 ORDER BY id', [ws.tenantId, rule.id]);
      return rows.length === 2 && rows;
    }, 'two runs of the rule');
    expect(runs.map((r) => r.status).sort()).toEqual(['done', 'skipped']);
    expect(runs.find((r) => r.status === 'skipped')!.reason).toMatch(/^condition_failed:1:event$/);
    const { rows: followups } = await t.database.pool.query('SELECT reason, customer_id FROM followups WHERE tenant_id = $1', [ws.tenantId]);
    expect(followups).toEqual([{ reason: 'after_interaction', customer_id: customer.id }]);
  });
});
