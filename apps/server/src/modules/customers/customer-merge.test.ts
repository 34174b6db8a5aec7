import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { registerMergeHook } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const hookCalls: { tenantId: string; sourceId: string; targetId: string; sourceMerged: boolean }[] = [];
const failingTenants = new Set<string>();
// A stand-in for a module that keeps history: it sees the merged rows inside the same transaction.
registerMergeHook(async (tx, tenantId, sourceId, targetId) => {
  const result = await tx.execute<{ merged_into: string | null }>(sql`SELECT merged_into FROM customers WHERE tenant_id = ${tenantId} AND id = ${sourceId}`);
  hookCalls.push({ tenantId, sourceId, targetId, sourceMerged: result.rows[0]?.merged_into === targetId });
  if (failingTenants.has(tenantId)) throw new Error('history could not be moved');
});

function owner(ws: TestWorkspace) {
  const headers = t.auth(ws.keys.owner);
  return {
    post: (url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) }),
    patch: (url: string, payload: object) => t.app.inject({ method: 'PATCH', url, headers, payload }),
    get: (url: string) => t.app.inject({ method: 'GET', url, headers }),
  };
}

async function create(ws: TestWorkspace, payload: Record<string, unknown>) {
  const res = await owner(ws).post('/api/customers', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('merging customers', () => {
  it('fills the target from the source, unites tags and attributes, keeps the latest consent and moves its history', async () => {
    const ws = await t.createWorkspace();
    for (const key of ['city', 'tier']) {
      await owner(ws).post('/api/customer-attributes', { key, type: 'text', label: { fa: key, ar: key, en: key } });
    }
    const target = await create(ws, {
      name: 'Reza Tehrani', email: 'reza@example.com', tags: ['vip', 'web'], attributes: { city: 'Tehran' },
      consent: { sms: { granted: true, source: 'web' } },
    });
    const source = await create(ws, {
      externalId: 'pos-77', name: 'رضا تهرانی', phone: '09121110000', email: 'reza.old@example.com', language: 'fa',
      birthday: { calendar: 'persian', year: 1365, month: 6, day: 15 },
      tags: ['store', 'vip'], attributes: { city: 'Karaj', tier: 'gold' }, consent: { email: { granted: true, source: 'store' } },
    });
    // A later withdrawal on the source must win over the target's older consent.
    await owner(ws).patch(`/api/customers/${source.id}`, { consent: { sms: { granted: false, source: 'sms-stop' } } });

    const res = await owner(ws).post(`/api/customers/${target.id}/merge`, { sourceId: source.id });
    expect(res.statusCode, res.body).toBe(200);
    const merged = res.json();
    expect(merged).toMatchObject({
      id: target.id,
      externalId: 'pos-77',
      name: 'Reza Tehrani',
      phone: '+989121110000',
      email: 'reza@example.com',
      language: 'fa',
      birthday: { calendar: 'persian', year: 1365, month: 6, day: 15 },
      attributes: { city: 'Tehran', tier: 'gold' },
      consent: { sms: { granted: false, source: 'sms-stop' }, email: { granted: true, source: 'store' } },
      mergedInto: null,
    });
    expect(merged.tags).toEqual(['vip', 'web', 'store']);

    const after = (await owner(ws).get(`/api/customers/${source.id}`)).json();
    expect(after.mergedInto).toBe(target.id);
    const { rows: history } = await t.database.pool.query(
      `SELECT customer_id, channel, status FROM consent_events WHERE tenant_id = $1 ORDER BY id`, [ws.tenantId]);
    expect(history.map((h) => h.customer_id)).toEqual([target.id, target.id, target.id]);
    expect(history.map((h) => `${h.channel}:${h.status}`)).toEqual(['sms:granted', 'email:granted', 'sms:withdrawn']);

    // The source's phone now belongs to the target: searching finds the survivor only.
    const found = (await owner(ws).get('/api/customers?q=09121110000')).json().items.map((c: { id: string }) => c.id);
    expect(found).toEqual([target.id]);

    expect(hookCalls).toContainEqual({ tenantId: ws.tenantId, sourceId: source.id, targetId: target.id, sourceMerged: true });
    const { rows: audit } = await t.database.pool.query(`SELECT target_id, details FROM audit_log WHERE tenant_id = $1 AND action = 'customer.merged'`, [ws.tenantId]);
    expect(audit).toEqual([{ target_id: target.id, details: { sourceId: source.id } }]);
    const { rows: events } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'customer.merged'`, [ws.tenantId]);
    expect(events).toEqual([{ payload: { sourceId: source.id, targetId: target.id } }]);
  });

  it('frees the source\'s phone, e-mail and external id for a new customer', async () => {
    const ws = await t.createWorkspace();
    const target = await create(ws, { name: 'Keeper', phone: '09122220000' });
    const source = await create(ws, { name: 'Gone', phone: '09123330000', email: 'gone@example.com', externalId: 'gone-1' });
    expect((await owner(ws).post(`/api/customers/${target.id}/merge`, { sourceId: source.id })).statusCode).toBe(200);
    // the target kept its own phone; the source's phone, e-mail (taken by the target) are now on the target or free
    const reuse = await owner(ws).post('/api/customers', { name: 'New owner of the number', phone: '09123330000' });
    expect(reuse.statusCode, reuse.body).toBe(201);
    const taken = await owner(ws).post('/api/customers', { name: 'Clash', email: 'gone@example.com' });
    expect(taken.statusCode).toBe(409);
  });

  it('refuses to merge a customer into itself, a merged or erased one, or one from another workspace', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const a = await create(ws, { name: 'A' });
    const b = await create(ws, { name: 'B' });
    const c = await create(ws, { name: 'C' });
    const foreign = await create(other, { name: 'Foreign' });

    const self = await owner(ws).post(`/api/customers/${a.id}/merge`, { sourceId: a.id });
    expect(self.statusCode).toBe(422);
    expect(self.json().code).toBe('cannot_merge_self');

    expect((await owner(ws).post(`/api/customers/${a.id}/merge`, { sourceId: b.id })).statusCode).toBe(200);
    const again = await owner(ws).post(`/api/customers/${c.id}/merge`, { sourceId: b.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('customer_merged');
    const intoMerged = await owner(ws).post(`/api/customers/${b.id}/merge`, { sourceId: c.id });
    expect(intoMerged.json().code).toBe('customer_merged');
    expect((await owner(ws).patch(`/api/customers/${b.id}`, { name: 'edit' })).json().code).toBe('customer_merged');

    expect((await owner(ws).post(`/api/customers/${c.id}/erase`)).statusCode).toBe(200);
    const erased = await owner(ws).post(`/api/customers/${a.id}/merge`, { sourceId: c.id });
    expect(erased.statusCode).toBe(409);
    expect(erased.json().code).toBe('customer_erased');

    const cross = await owner(ws).post(`/api/customers/${a.id}/merge`, { sourceId: foreign.id });
    expect(cross.statusCode).toBe(404);
    expect((await owner(other).get(`/api/customers/${foreign.id}`)).json().mergedInto).toBeNull();
  });

  it('rolls the whole merge back when a history hook fails', async () => {
    const ws = await t.createWorkspace();
    const target = await create(ws, { name: 'T' });
    const source = await create(ws, { name: 'S', phone: '09124440000', consent: { sms: { granted: true } } });
    failingTenants.add(ws.tenantId);
    const res = await owner(ws).post(`/api/customers/${target.id}/merge`, { sourceId: source.id });
    failingTenants.delete(ws.tenantId);
    expect(res.statusCode).toBe(500);
    expect((await owner(ws).get(`/api/customers/${source.id}`)).json()).toMatchObject({ mergedInto: null, phone: '+989124440000' });
    expect((await owner(ws).get(`/api/customers/${target.id}`)).json()).toMatchObject({ phone: null, consent: {} });
    const { rows } = await t.database.pool.query(`SELECT customer_id FROM consent_events WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows).toEqual([{ customer_id: source.id }]);
  });
});
