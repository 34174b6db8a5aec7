import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { recordTouchpoint, updateTouchpointData } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

function visit(overrides: Record<string, unknown> = {}) {
  return { customer: { phone: '09121234567', name: 'مریم رضایی' }, kind: 'visit', channel: 'web', stage: 'pre-sale', occurredAt: ago(1), ...overrides };
}

async function post(ws: TestWorkspace, url: string, payload: unknown, headers: Record<string, string> = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return t.app.inject({ method: 'POST', url, headers: { ...t.auth(ws.keys.agent), 'content-type': 'application/json', ...headers }, payload: body });
}

async function count(ws: TestWorkspace, table: 'touchpoints' | 'orders' | 'customers') {
  const { rows } = await t.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenantId]);
  return rows[0]!.n;
}

async function createCustomer(ws: TestWorkspace, body: Record<string, unknown>): Promise<string> {
  const res = await post(ws, '/api/customers', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe('POST /api/touchpoints', () => {
  it('records a touchpoint, creating the customer it names by phone, and moves lastSeenAt', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const occurredAt = ago(2);
    const res = await post(ws, '/api/touchpoints', visit({ occurredAt, externalId: 'web-1', data: { page: '/checkout', seconds: 42, returning: true } }));
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'visit', channel: 'web', stage: 'pre-sale', externalId: 'web-1', occurredAt, order: null, data: { page: '/checkout', seconds: 42, returning: true } });

    const { rows: customers } = await t.database.pool.query('SELECT id, phone, name, last_seen_at FROM customers WHERE tenant_id = $1', [ws.tenantId]);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ id: body.customerId, phone: '+989121234567', name: 'مریم رضایی' });
    expect(customers[0].last_seen_at.toISOString()).toBe(occurredAt);

    const { rows: events } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'touchpoint.recorded'`, [ws.tenantId]);
    expect(events.map((e) => e.payload.touchpointId)).toEqual([body.id]);
  });

  it('finds the same customer by phone typed with Persian digits, and an existing customer by id', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const first = await post(ws, '/api/touchpoints', visit());
    const second = await post(ws, '/api/touchpoints', visit({ customer: { phone: '۰۹۱۲ ۱۲۳ ۴۵۶۷' }, kind: 'call', channel: 'call_center', stage: 'after-sale' }));
    const third = await post(ws, '/api/touchpoints', visit({ customer: { id: first.json().customerId }, kind: 'note', channel: 'other', stage: 'non-sale' }));
    expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([201, 201, 201]);
    expect(new Set([first, second, third].map((r) => r.json().customerId)).size).toBe(1);
    expect(await count(ws, 'customers')).toBe(1);
  });

  it('treats a re-send with the same externalId as harmless: 200 with the first touchpoint, one row', async () => {
    const ws = await t.createWorkspace();
    const event = visit({ externalId: 'pos-77', kind: 'message', channel: 'sms' });
    const first = await post(ws, '/api/touchpoints', event);
    const again = await post(ws, '/api/touchpoints', event);
    const changed = await post(ws, '/api/touchpoints', { ...event, kind: 'chat', channel: 'live_chat' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(changed.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(changed.json().kind).toBe('message');
    expect(await count(ws, 'touchpoints')).toBe(1);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND topic = 'touchpoint.recorded'`, [ws.tenantId]);
    expect(rows[0].n).toBe(1);
  });

  it('rejects an unknown customer id with 422 and writes nothing', async () => {
    const ws = await t.createWorkspace();
    const res = await post(ws, '/api/touchpoints', visit({ customer: { id: randomUUID() } }));
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'not_found', errors: [{ field: 'customer.id' }] });
    expect(await count(ws, 'touchpoints')).toBe(0);
  });

  it('needs interactions:write to record and interactions:read to read', async () => {
    const ws = await t.createWorkspace();
    const single = await t.app.inject({ method: 'POST', url: '/api/touchpoints', headers: t.auth(ws.keys.analyst), payload: visit() });
    const batch = await t.app.inject({ method: 'POST', url: '/api/touchpoints/batch', headers: t.auth(ws.keys.analyst), payload: { events: [visit()] } });
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/touchpoints', payload: visit() });
    expect([single.statusCode, batch.statusCode, anonymous.statusCode]).toEqual([403, 403, 401]);
    expect(await count(ws, 'touchpoints')).toBe(0);
    const created = await post(ws, '/api/touchpoints', visit({ customer: { id: await createCustomer(ws, { name: 'X' }) } }));
    expect(created.statusCode).toBe(201);
    const read = await t.app.inject({ method: 'GET', url: `/api/customers/${created.json().customerId}/timeline`, headers: t.auth(ws.keys.analyst) });
    expect(read.statusCode).toBe(200);
  });

  it('accepts a customer id in upper case', async () => {
    const ws = await t.createWorkspace();
    const id = await createCustomer(ws, { name: 'Upper' });
    const res = await post(ws, '/api/touchpoints/batch', { events: [visit({ customer: { id: id.toUpperCase() } }), visit({ customer: { id: id.toUpperCase(), phone: '09129990000' } })] });
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
    expect(await count(ws, 'customers')).toBe(1);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths;
    for (const path of ['/api/touchpoints', '/api/touchpoints/batch', '/api/customers/{id}/timeline', '/api/customers/{id}/orders', '/api/orders/{id}']) {
      expect(paths[path], path).toBeDefined();
    }
  });

  it('replays the first answer for a repeated Idempotency-Key', async () => {
    const ws = await t.createWorkspace();
    const headers = { 'idempotency-key': 'tp-key-1' };
    const event = visit();
    const first = await post(ws, '/api/touchpoints', event, headers);
    const replay = await post(ws, '/api/touchpoints', event, headers);
    expect(first.statusCode).toBe(201);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(first.json().id);
    expect(await count(ws, 'touchpoints')).toBe(1);
  });

  it('stores SQL and HTML in free text verbatim and inert', async () => {
    const ws = await t.createWorkspace();
    const text = `<script>alert(1)</script>'); DROP TABLE touchpoints; --`;
    const res = await post(ws, '/api/touchpoints', visit({ externalId: `x'); DELETE FROM customers; --`, data: { note: text } }));
    expect(res.statusCode).toBe(201);
    const timeline = await t.app.inject({ method: 'GET', url: `/api/customers/${res.json().customerId}/timeline`, headers: t.auth(ws.keys.analyst) });
    expect(timeline.json().items[0].data.note).toBe(text);
    expect(await count(ws, 'customers')).toBe(1);
  });
});

describe('garbage on the write routes', () => {
  const future = new Date(Date.now() + 3 * 24 * HOUR).toISOString();
  const order = { externalId: 'o-1', amountMinor: 1000 };
  const bad: [string, unknown][] = [
    ['not an object', [1, 2, 3]],
    ['empty body', {}],
    ['unknown top-level field', visit({ admin: true })],
    ['unknown customer field', visit({ customer: { phone: '09121234567', role: 'owner' } })],
    ['no customer identity', visit({ customer: { name: 'Ali' } })],
    ['wrong kind', visit({ kind: 'purchase' })],
    ['kind as a number', visit({ kind: 7 })],
    ['HTML as channel', visit({ channel: '<b>web</b>' })],
    ['SQL as customer id', visit({ customer: { id: "1' OR '1'='1" } })],
    ['stage with SQL', visit({ stage: "sale'; DROP TABLE orders; --" })],
    ['occurredAt not a date', visit({ occurredAt: 'yesterday' })],
    ['occurredAt three days ahead', visit({ occurredAt: future })],
    ['occurredAt in 1900', visit({ occurredAt: '1900-01-01T00:00:00Z' })],
    ['occurredAt without offset', visit({ occurredAt: '2024-01-01T10:00:00' })],
    ['order kind without order', visit({ kind: 'order.placed', stage: 'sale' })],
    ['order on a visit', visit({ order })],
    ['Persian digits in amountMinor', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, amountMinor: '۱۲۰۰۰' } })],
    ['amountMinor as a string', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, amountMinor: '12000' } })],
    ['fractional amountMinor', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, amountMinor: 10.5 } })],
    ['negative amountMinor', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, amountMinor: -1 } })],
    ['unknown currency', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, currency: 'XYZ' } })],
    ['lower-case currency', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, currency: 'irr' } })],
    ['item quantity zero', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, items: [{ name: 'x', quantity: 0, unitPriceMinor: 1 }] } })],
    ['unknown order field', visit({ kind: 'order.placed', stage: 'sale', order: { ...order, discount: 5 } })],
    ['nested data', visit({ data: { nested: { a: 1 } } })],
    ['data key with markup', visit({ data: { '<img src=x>': 'y' } })],
    ['oversized data', visit({ data: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(1500)])) })],
    ['control characters in externalId', visit({ externalId: 'a\u0007b' })],
  ];

  it.each(bad)('POST /api/touchpoints: %s → 400 problem+json, nothing written', async (_name, payload) => {
    const ws = await t.createWorkspace();
    const res = await post(ws, '/api/touchpoints', payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('validation_failed');
    expect(await count(ws, 'touchpoints')).toBe(0);
    expect(await count(ws, 'customers')).toBe(0);
  });

  it('POST /api/touchpoints: an invalid phone → 422 invalid_phone, nothing written', async () => {
    const ws = await t.createWorkspace();
    const res = await post(ws, '/api/touchpoints', visit({ customer: { phone: '12345' } }));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'invalid_phone' });
    expect(await count(ws, 'customers')).toBe(0);
  });

  const badBatches: [string, unknown][] = [
    ['events missing', {}],
    ['events not an array', { events: visit() }],
    ['no events', { events: [] }],
    ['1001 events', { events: Array.from({ length: 1001 }, (_, i) => visit({ externalId: `e${i}` })) }],
    ['an entry that is not an object', { events: [visit(), 'visit'] }],
    ['unknown envelope field', { events: [visit()], atomic: true }],
    ['SQL as the envelope', "'; DROP TABLE touchpoints; --"],
  ];

  it.each(badBatches)('POST /api/touchpoints/batch: %s → 400 problem+json, nothing written', async (_name, payload) => {
    const ws = await t.createWorkspace();
    const res = await post(ws, '/api/touchpoints/batch', payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(['validation_failed', 'malformed_json']).toContain(res.json().code);
    expect(await count(ws, 'touchpoints')).toBe(0);
  });

  it('POST /api/touchpoints/batch: garbage events are rejected one by one, nothing written for them', async () => {
    const ws = await t.createWorkspace();
    const events = bad.filter(([, p]) => typeof p === 'object' && p !== null && !Array.isArray(p)).map(([, p]) => p);
    const res = await post(ws, '/api/touchpoints/batch', { events });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rejected).toBe(events.length);
    for (const result of body.results) expect(result).toMatchObject({ status: 'rejected', error: { code: 'validation_failed' } });
    expect(body.results[0].error.errors.length).toBeGreaterThan(0);
    expect(await count(ws, 'touchpoints')).toBe(0);
    expect(await count(ws, 'customers')).toBe(0);
  });

  it('the process stays up: a plain request still works after all that', async () => {
    const ws = await t.createWorkspace();
    expect((await post(ws, '/api/touchpoints', visit())).statusCode).toBe(201);
  });
});

describe('POST /api/touchpoints/batch', () => {
  it('reports each event in order: created, rejected (unknown id, invalid), duplicate; the others are written', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const known = await createCustomer(ws, { name: 'سارا', phone: '0501234567' });
    await post(ws, '/api/touchpoints', visit({ customer: { id: known }, externalId: 'sent-before' }));
    const events = [
      visit({ customer: { id: known }, externalId: 'b-0' }),
      visit({ customer: { id: randomUUID() }, externalId: 'b-1' }),
      visit({ customer: { phone: '+966 50 765 4321', name: 'عمر' }, kind: 'social', channel: 'instagram', stage: 'pre-sale' }),
      visit({ customer: { id: known }, kind: 'order.placed', stage: 'sale', order: { externalId: 'ord-1', amountMinor: 12000, currency: 'SAR' } }),
      visit({ customer: { id: known }, externalId: 'sent-before' }),
      visit({ customer: { id: known }, externalId: 'b-0', kind: 'call' }),
      { ...visit(), kind: 'not-a-kind' },
      visit({ customer: { email: 'Omar@Example.test' }, kind: 'message', channel: 'email', stage: 'after-sale' }),
      visit({ customer: { email: 'omar@example.test' }, kind: 'message', channel: 'email', stage: 'after-sale' }),
    ];
    const res = await post(ws, '/api/touchpoints/batch', { events });
    expect(res.statusCode, res.body).toBe(200);
    const { results, created, duplicates, rejected } = res.json();
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      'created', 'rejected', 'created', 'created', 'duplicate', 'duplicate', 'rejected', 'created', 'created',
    ]);
    expect(results.map((r: { index: number }) => r.index)).toEqual(events.map((_, i) => i));
    expect({ created, duplicates, rejected }).toEqual({ created: 5, duplicates: 2, rejected: 2 });
    expect(results[1].error).toMatchObject({ code: 'not_found', errors: [{ field: 'customer.id' }] });
    expect(results[6].error).toMatchObject({ code: 'validation_failed', errors: [{ field: 'kind' }] });
    expect(results[5].id).toBe(results[0].id);

    const { rows } = await t.database.pool.query('SELECT id, customer_id FROM touchpoints WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows).toHaveLength(6);
    const createdIds = results.filter((r: { status: string }) => r.status === 'created').map((r: { id: string }) => r.id);
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(createdIds));
    // the two e-mail events found one new customer; the phone event made another
    expect(await count(ws, 'customers')).toBe(3);
    expect(await count(ws, 'orders')).toBe(1);
    const { rows: createdEvents } = await t.database.pool.query(
      `SELECT payload->>'customerId' AS id FROM outbox_events WHERE tenant_id = $1 AND topic = 'customer.created'`, [ws.tenantId]);
    const newCustomers = [...new Set(rows.filter((r) => r.customer_id !== known).map((r) => r.customer_id))].sort();
    expect(createdEvents.map((e) => e.id).filter((id) => id !== known).sort()).toEqual(newCustomers);
  });

  it('creates one customer per group of new identities that share a key, searchable like any other', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const events = [
      visit({ customer: { externalId: 'crm-1', phone: '09125550001', name: 'علی كريمی' } }),
      visit({ customer: { phone: '۰۹۱۲۵۵۵۰۰۰۱' } }),
      visit({ customer: { email: 'ali@example.test', externalId: 'crm-1' } }),
      visit({ customer: { email: 'ali@example.test' } }),
      visit({ customer: { phone: '09125550002', language: 'en' } }),
    ];
    const res = await post(ws, '/api/touchpoints/batch', { events });
    expect(res.json().created).toBe(5);
    const { rows } = await t.database.pool.query(
      'SELECT t.customer_id, c.name, c.phone, c.external_id, c.email, c.language, c.search_text FROM touchpoints t JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id WHERE t.tenant_id = $1',
      [ws.tenantId],
    );
    // the first four share crm-1 or its phone: one customer built from the first; the e-mail of
    // the third was not on it, so the fourth event made its own customer, as one-by-one sends would
    const ali = rows.find((r) => r.external_id === 'crm-1');
    expect(ali).toMatchObject({ name: 'علی كريمی', phone: '+989125550001', email: null });
    expect(ali.search_text).toContain('989125550001');
    expect(rows.filter((r) => r.customer_id === ali.customer_id)).toHaveLength(3);
    expect(await count(ws, 'customers')).toBe(3);
    const search = await t.app.inject({ method: 'GET', url: `/api/customers?q=${encodeURIComponent('علي كريمي')}`, headers: t.auth(ws.keys.analyst) });
    expect(search.json().items.map((c: { id: string }) => c.id)).toEqual([ali.customer_id]);
  });

  it('records 1,000 events in one request', async () => {
    const ws = await t.createWorkspace();
    const customerIds = await Promise.all([0, 1, 2, 3].map((i) => createCustomer(ws, { name: `c${i}`, externalId: `crm-${i}` })));
    const events = Array.from({ length: 1000 }, (_, i) =>
      i % 10 === 0
        ? visit({ customer: { externalId: `crm-${i % 4}` }, kind: 'order.placed', stage: 'sale', externalId: `k${i}`, occurredAt: ago(i / 10), order: { externalId: `o${i}`, amountMinor: 100 } })
        : visit({ customer: { id: customerIds[i % 4] }, externalId: `k${i}`, occurredAt: ago(i / 10) }),
    );
    const res = await post(ws, '/api/touchpoints/batch', { events });
    expect(res.statusCode).toBe(200);
    expect(res.json().created).toBe(1000);
    expect(await count(ws, 'touchpoints')).toBe(1000);
    const { rows } = await t.database.pool.query('SELECT external_id, order_count, total_spent_minor FROM customers WHERE tenant_id = $1 ORDER BY external_id', [ws.tenantId]);
    expect(rows.map((r) => r.order_count).reduce((a, b) => a + b, 0)).toBe(100);
    expect(rows.map((r) => Number(r.total_spent_minor)).reduce((a, b) => a + b, 0)).toBe(100 * 100);
    const again = await post(ws, '/api/touchpoints/batch', { events });
    expect(again.json()).toMatchObject({ created: 0, duplicates: 1000 });
    expect(await count(ws, 'touchpoints')).toBe(1000);
  });
});

describe('GET /api/customers/:id/timeline', () => {
  it('returns every touchpoint exactly once across pages, newest first, ties broken by id', async () => {
    const ws = await t.createWorkspace();
    const id = await createCustomer(ws, { name: 'Leila' });
    const sameInstant = ago(5);
    const events = Array.from({ length: 23 }, (_, i) =>
      visit({ customer: { id }, externalId: `t${i}`, occurredAt: i % 3 === 0 ? sameInstant : ago(i), kind: i % 2 ? 'call' : 'visit' }),
    );
    expect((await post(ws, '/api/touchpoints/batch', { events })).json().created).toBe(23);

    const seen: { id: string; occurredAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/customers/${id}/timeline?limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: t.auth(ws.keys.analyst) });
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((s) => s.id)).size).toBe(23);
    const sorted = [...seen].sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1));
    expect(seen.map((s) => s.id)).toEqual(sorted.map((s) => s.id));

    const calls = await t.app.inject({ method: 'GET', url: `/api/customers/${id}/timeline?kinds=call&limit=200`, headers: t.auth(ws.keys.analyst) });
    expect(calls.json().items).toHaveLength(11);
    expect(calls.json().items.every((i: { kind: string }) => i.kind === 'call')).toBe(true);
  });

  it('keeps microsecond instants apart when paging', async () => {
    const ws = await t.createWorkspace();
    const id = await createCustomer(ws, { name: 'Micro' });
    const base = '2024-05-01T10:00:00.123';
    const events = ['100', '200', '300', '400'].map((us, i) => visit({ customer: { id }, occurredAt: `${base}${us}Z`, externalId: `m${i}` }));
    await post(ws, '/api/touchpoints/batch', { events });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { json(): { items: { externalId: string }[]; nextCursor: string | null } } = await t.app.inject({ method: 'GET', url: `/api/customers/${id}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: t.auth(ws.keys.analyst) });
      ids.push(...res.json().items.map((i: { externalId: string }) => i.externalId));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(ids).toEqual(['m3', 'm2', 'm1', 'm0']);
  });

  it('answers bad cursors and filters with 400, unknown customers with 404, other workspaces with 404', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const id = await createCustomer(ws, { name: 'Hidden' });
    await post(ws, '/api/touchpoints', visit({ customer: { id } }));
    const get = (w: TestWorkspace, url: string) => t.app.inject({ method: 'GET', url, headers: t.auth(w.keys.analyst) });
    expect((await get(ws, `/api/customers/${id}/timeline?cursor=not-a-cursor`)).json().code).toBe('invalid_cursor');
    expect((await get(ws, `/api/customers/${id}/timeline?cursor=${Buffer.from('x|y').toString('base64url')}`)).statusCode).toBe(400);
    expect((await get(ws, `/api/customers/${id}/timeline?kinds=DROP%20TABLE`)).statusCode).toBe(400);
    expect((await get(ws, `/api/customers/${id}/timeline?limit=۱۰`)).statusCode).toBe(400);
    expect((await get(ws, `/api/customers/${randomUUID()}/timeline`)).statusCode).toBe(404);
    expect((await get(other, `/api/customers/${id}/timeline`)).statusCode).toBe(404);
    expect((await get(other, `/api/customers/${id}/orders`)).statusCode).toBe(404);
  });
});

describe('over a real socket', () => {
  it('records and reads back a touchpoint through fetch', async () => {
    const ws = await t.createWorkspace({ country: 'AE' });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = { ...t.auth(ws.keys.agent), 'content-type': 'application/json', 'accept-language': 'ar' };
    const res = await fetch(`${address}/api/touchpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify(visit({ customer: { phone: '0501234567', name: 'خالد' }, channel: 'whatsapp', kind: 'message' })),
    });
    expect(res.status).toBe(201);
    const created = await res.json();
    const timeline = await fetch(`${address}/api/customers/${created.customerId}/timeline`, { headers });
    expect((await timeline.json()).items.map((i: { id: string }) => i.id)).toEqual([created.id]);

    const refused = await fetch(`${address}/api/touchpoints/batch`, { method: 'POST', headers, body: '{"events": [' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem = await refused.json();
    expect(problem.code).toBe('malformed_json');
    expect(problem.detail).toMatch(/[\u0600-\u06FF]/);
  });
});

describe('touchpoints other modules record about what the business did', () => {
  it('puts them on the timeline without moving lastSeenAt or publishing events, and patches their data later', async () => {
    const ws = await t.createWorkspace();
    const customerId = await createCustomer(ws, { name: 'نرگس' });
    const seenBefore = (await t.database.pool.query('SELECT last_seen_at FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, customerId])).rows[0].last_seen_at;
    const eventsBefore = (await t.database.pool.query('SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1', [ws.tenantId])).rows[0].n;
    await t.database.db.transaction(async (tx) => {
      await recordTouchpoint(tx, ws.tenantId, {
        customer: { id: customerId }, kind: 'message.sms', channel: 'sms', stage: 'non-sale', occurredAt: new Date(), externalId: 'message:m1', data: { status: 'sent' },
      }, { source: 'engagement', activity: false, publishEvents: false });
      await updateTouchpointData(tx, ws.tenantId, [{ externalId: 'message:m1', patch: { status: 'delivered', reason: null } }]);
    });
    const seenAfter = (await t.database.pool.query('SELECT last_seen_at FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, customerId])).rows[0].last_seen_at;
    expect(seenAfter).toEqual(seenBefore);
    const eventsAfter = (await t.database.pool.query('SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1', [ws.tenantId])).rows[0].n;
    expect(eventsAfter).toBe(eventsBefore);
    const timeline = await t.app.inject({ method: 'GET', url: `/api/customers/${customerId}/timeline`, headers: t.auth(ws.keys.agent) });
    expect(timeline.json().items).toEqual([expect.objectContaining({ kind: 'message.sms', data: { status: 'delivered' } })]);
  });
});
