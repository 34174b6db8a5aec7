import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { Problem } from '../../platform/http/problem.ts';
import { resolveCustomer, setCustomerActivity, type CustomerIdentity } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

async function create(ws: TestWorkspace, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/customers', headers: t.auth(ws.keys.owner), payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const resolve = (ws: TestWorkspace, identity: CustomerIdentity, createIfMissing = false) =>
  t.database.db.transaction((tx) => resolveCustomer(tx, ws.tenantId, identity, { createIfMissing }));

async function problemOf(promise: Promise<unknown>): Promise<Problem> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(Problem);
  return error as Problem;
}

describe('resolveCustomer', () => {
  it('finds by id, external id, phone in any digits, or e-mail, in that order', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const a = await create(ws, { externalId: 'ext-a', name: 'A', phone: '09121000000', email: 'a@example.com' });
    const b = await create(ws, { name: 'B', phone: '09122000000', email: 'b@example.com' });
    expect(await resolve(ws, { id: a.id })).toEqual({ id: a.id, created: false });
    expect(await resolve(ws, { externalId: 'ext-a', phone: '09122000000' })).toEqual({ id: a.id, created: false });
    expect(await resolve(ws, { phone: '۰۹۱۲ ۲۰۰ ۰۰۰۰', email: 'a@example.com' })).toEqual({ id: b.id, created: false });
    expect(await resolve(ws, { phone: '+98 912 200 0000' })).toEqual({ id: b.id, created: false });
    expect(await resolve(ws, { email: ' B@Example.com ' })).toEqual({ id: b.id, created: false });
    expect(await resolve(ws, { externalId: 'unknown', email: 'b@example.com' })).toEqual({ id: b.id, created: false });
  });

  it('follows merges to the surviving customer, by id and by the merged record\'s keys', async () => {
    const ws = await t.createWorkspace();
    const target = await create(ws, { name: 'Target', phone: '09123000000' });
    const source = await create(ws, { name: 'Source', phone: '09124000000', externalId: 'old-crm' });
    await t.app.inject({ method: 'POST', url: `/api/customers/${target.id}/merge`, headers: t.auth(ws.keys.owner), payload: { sourceId: source.id } });
    expect(await resolve(ws, { id: source.id })).toEqual({ id: target.id, created: false });
    expect(await resolve(ws, { externalId: 'old-crm' })).toEqual({ id: target.id, created: false });
    expect(await resolve(ws, { phone: '09124000000' })).toEqual({ id: target.id, created: false });
  });

  it('creates a searchable customer when allowed, and only then', async () => {
    const ws = await t.createWorkspace();
    expect((await problemOf(resolve(ws, { phone: '09125000000' }))).status).toBe(404);
    const created = await resolve(ws, { phone: '۰۹۱۲۵۰۰۰۰۰۰', name: 'مریم', email: 'Maryam@Example.com', language: 'fa', externalId: 'pos-1' }, true);
    expect(created.created).toBe(true);
    const view = (await t.app.inject({ method: 'GET', url: `/api/customers/${created.id}`, headers: t.auth(ws.keys.agent) })).json();
    expect(view).toMatchObject({ name: 'مریم', phone: '+989125000000', email: 'maryam@example.com', language: 'fa', externalId: 'pos-1' });
    const found = (await t.app.inject({ method: 'GET', url: '/api/customers?q=مريم', headers: t.auth(ws.keys.agent) })).json();
    expect(found.items.map((c: { id: string }) => c.id)).toEqual([created.id]);
    expect(await resolve(ws, { phone: '09125000000' }, true)).toEqual({ id: created.id, created: false });
  });

  it('throws 404 for an unknown id, 422 for a bad phone or no identity, 409 for an erased customer', async () => {
    const ws = await t.createWorkspace();
    expect((await problemOf(resolve(ws, { id: '01900000-0000-7000-8000-000000000000' }, true))).status).toBe(404);
    expect((await problemOf(resolve(ws, { id: 'not-a-uuid' }, true))).status).toBe(404);
    const badPhone = await problemOf(resolve(ws, { phone: '123' }, true));
    expect([badPhone.status, badPhone.code]).toEqual([422, 'invalid_phone']);
    expect((await problemOf(resolve(ws, { name: 'Nameless' }, true))).status).toBe(422);
    expect((await problemOf(resolve(ws, { email: 'not an email' }, true))).status).toBe(422);
    const c = await create(ws, { name: 'To erase' });
    await t.app.inject({ method: 'POST', url: `/api/customers/${c.id}/erase`, headers: t.auth(ws.keys.owner) });
    expect((await problemOf(resolve(ws, { id: c.id }))).code).toBe('customer_erased');
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].n).toBe(1);
  });
});

describe('setCustomerActivity', () => {
  it('updates the aggregates of many customers at once, in this workspace only', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const a = await create(ws, { name: 'A' });
    const b = await create(ws, { name: 'B' });
    const untouched = await create(ws, { name: 'C' });
    const foreign = await create(other, { name: 'Foreign' });
    const at = new Date('2025-03-21T08:30:00Z');
    await t.database.db.transaction((tx) => setCustomerActivity(tx, ws.tenantId, [
      { customerId: a.id, orderCount: 3, totalSpentMinor: 9_007_199_254_740, firstOrderAt: new Date('2024-01-01T00:00:00Z'), lastOrderAt: at, lastSeenAt: at },
      { customerId: b.id, orderCount: 0, totalSpentMinor: 0, firstOrderAt: null, lastOrderAt: null, lastSeenAt: at },
      { customerId: foreign.id, orderCount: 7, totalSpentMinor: 7, firstOrderAt: at, lastOrderAt: at, lastSeenAt: at },
    ]));
    const get = async (w: TestWorkspace, id: string) => (await t.app.inject({ method: 'GET', url: `/api/customers/${id}`, headers: t.auth(w.keys.agent) })).json();
    expect(await get(ws, a.id)).toMatchObject({ orderCount: 3, totalSpentMinor: 9_007_199_254_740, firstOrderAt: '2024-01-01T00:00:00.000Z', lastOrderAt: at.toISOString(), lastSeenAt: at.toISOString() });
    expect(await get(ws, b.id)).toMatchObject({ orderCount: 0, firstOrderAt: null, lastSeenAt: at.toISOString() });
    expect(await get(ws, untouched.id)).toMatchObject({ orderCount: 0, lastSeenAt: null });
    expect(await get(other, foreign.id)).toMatchObject({ orderCount: 0, lastSeenAt: null });
    await t.database.db.transaction((tx) => setCustomerActivity(tx, ws.tenantId, []));
  });
});
