import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { registerCustomerDataExporter, registerEraseHook, setCustomerActivity } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const erasedByHook: string[] = [];
registerEraseHook(async (tx, tenantId, customerId) => {
  // runs before commit: the row is already stripped in this transaction
  const result = await tx.execute<{ name: string | null }>(sql`SELECT name FROM customers WHERE tenant_id = ${tenantId} AND id = ${customerId}`);
  if (result.rows[0]?.name === null) erasedByHook.push(customerId);
});
registerCustomerDataExporter('loyaltyTest', async (_db, _tenantId, customerId) => ({ points: 120, customerId }));

function as(ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'owner') {
  const headers = t.auth(ws.keys[role]);
  return {
    post: (url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) }),
    patch: (url: string, payload: object) => t.app.inject({ method: 'PATCH', url, headers, payload }),
    get: (url: string) => t.app.inject({ method: 'GET', url, headers }),
  };
}

async function create(ws: TestWorkspace, payload: Record<string, unknown>) {
  const res = await as(ws).post('/api/customers', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function auditActions(tenantId: string, action: string) {
  const { rows } = await t.database.pool.query(`SELECT target_id FROM audit_log WHERE tenant_id = $1 AND action = $2`, [tenantId, action]);
  return rows.map((r) => r.target_id);
}

describe('exporting a customer\'s data', () => {
  it('returns the profile, the consent history, merged records and other modules\' sections, and audits it', async () => {
    const ws = await t.createWorkspace();
    const c = await create(ws, { name: 'Leila Moradi', phone: '09125550000', consent: { sms: { granted: true, source: 'web' } } });
    await as(ws).patch(`/api/customers/${c.id}`, { consent: { sms: { granted: false, source: 'sms-stop' }, email: { granted: true, source: 'web' } } });
    const old = await create(ws, { name: 'L. Moradi', email: 'leila@example.com' });
    await as(ws).post(`/api/customers/${c.id}/merge`, { sourceId: old.id });

    const res = await as(ws, 'analyst').get(`/api/customers/${c.id}/export`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="customer-${c.id}.json"`);
    const document = res.json();
    expect(document.customer).toMatchObject({ id: c.id, name: 'Leila Moradi', phone: '+989125550000', email: 'leila@example.com' });
    expect(document.consentHistory.map((e: { channel: string; status: string; source: string }) => `${e.channel}:${e.status}:${e.source}`))
      .toEqual(['sms:granted:web', 'sms:withdrawn:sms-stop', 'email:granted:web']);
    expect(document.consentHistory[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(document.mergedRecords.map((r: { id: string; name: string }) => [r.id, r.name])).toEqual([[old.id, 'L. Moradi']]);
    expect(document.modules.loyaltyTest).toEqual({ points: 120, customerId: c.id });
    expect(await auditActions(ws.tenantId, 'customer.exported')).toEqual([c.id]);
  });

  it('answers 404 for an unknown or foreign customer without auditing', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const foreign = await create(other, { name: 'Foreign' });
    expect((await as(ws).get(`/api/customers/${foreign.id}/export`)).statusCode).toBe(404);
    expect(await auditActions(ws.tenantId, 'customer.exported')).toEqual([]);
  });
});

describe('erasing a customer', () => {
  it('removes personal data, keeps aggregates and bare consent history, and is idempotent', async () => {
    const ws = await t.createWorkspace();
    await as(ws).post('/api/customer-attributes', { key: 'city', type: 'text', label: { fa: 'شهر', ar: 'مدينة', en: 'City' } });
    const c = await create(ws, {
      externalId: 'crm-9', name: 'نگار صالحی', phone: '09126660000', email: 'negar@example.com', language: 'fa',
      birthday: { calendar: 'persian', year: 1372, month: 2, day: 2 }, tags: ['vip'], attributes: { city: 'Rasht' },
      consent: { sms: { granted: true, source: 'store' } },
    });
    const old = await create(ws, { name: 'Negar S.', email: 'negar.old@example.com' });
    expect((await as(ws).post(`/api/customers/${c.id}/merge`, { sourceId: old.id })).statusCode).toBe(200);
    await t.database.db.transaction((tx) => setCustomerActivity(tx, ws.tenantId, [
      { customerId: c.id, orderCount: 4, totalSpentMinor: 12_500_000, firstOrderAt: new Date('2024-01-01T10:00:00Z'), lastOrderAt: new Date('2025-01-01T10:00:00Z'), lastSeenAt: null },
    ]));

    const res = await as(ws).post(`/api/customers/${c.id}/erase`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: c.id, externalId: null, name: null, phone: null, email: null, birthday: null, tags: [], attributes: {}, consent: {},
      orderCount: 4, totalSpentMinor: 12_500_000, lastOrderAt: '2025-01-01T10:00:00.000Z', language: 'fa',
    });
    expect(res.json().erasedAt).not.toBeNull();

    const { rows: [row] } = await t.database.pool.query(`SELECT search_text, erased_at FROM customers WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, c.id]);
    expect(row.search_text).toBe('');
    const { rows: mergedRow } = await t.database.pool.query(`SELECT name, email, erased_at FROM customers WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, old.id]);
    expect(mergedRow[0]).toMatchObject({ name: null, email: null });
    expect(mergedRow[0].erased_at).not.toBeNull();
    const { rows: consent } = await t.database.pool.query(`SELECT channel, status, source, actor_id FROM consent_events WHERE tenant_id = $1`, [ws.tenantId]);
    expect(consent).toEqual([{ channel: 'sms', status: 'granted', source: 'erased', actor_id: null }]);
    expect(erasedByHook).toEqual(expect.arrayContaining([c.id, old.id]));

    expect((await as(ws).get('/api/customers?q=negar')).json().items).toEqual([]);
    expect((await as(ws).get('/api/customers?q=09126660000')).json().items).toEqual([]);
    // the number and e-mail may belong to someone new
    expect((await as(ws).post('/api/customers', { name: 'New', phone: '09126660000', email: 'negar@example.com', externalId: 'crm-9' })).statusCode).toBe(201);
    expect((await as(ws).patch(`/api/customers/${c.id}`, { name: 'back' })).json().code).toBe('customer_erased');

    const again = await as(ws).post(`/api/customers/${c.id}/erase`);
    expect(again.statusCode).toBe(200);
    expect(again.json().erasedAt).toBe(res.json().erasedAt);
    expect(await auditActions(ws.tenantId, 'customer.erased')).toEqual([c.id]);
    const { rows: events } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'customer.erased'`, [ws.tenantId]);
    expect(events).toHaveLength(1);
    expect(events[0].payload.customerId).toBe(c.id);

    const exported = (await as(ws).get(`/api/customers/${c.id}/export`)).json();
    expect(exported.customer).toMatchObject({ name: null, phone: null, orderCount: 4 });
  });

  it('answers 404 for an unknown customer and writes nothing', async () => {
    const ws = await t.createWorkspace();
    const res = await as(ws).post('/api/customers/01900000-0000-7000-8000-000000000000/erase');
    expect(res.statusCode).toBe(404);
    expect(await auditActions(ws.tenantId, 'customer.erased')).toEqual([]);
  });
});
