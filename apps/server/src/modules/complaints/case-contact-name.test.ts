import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

describe('a case an agent opens for a customer', () => {
  it('is named as the customer, so the queue shows who complained and its search finds them; erasure blanks the name', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const headers = t.auth(ws.keys.agent);
    const customer = await createCustomer(t, ws, { name: 'پریسا نوروزی' });
    const opened = await t.app.inject({ method: 'POST', url: '/api/complaints', headers, payload: { channel: 'phone', customerId: customer.id, description: 'سفارش ناقص رسید.' } });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json().contact.name).toBe('پریسا نوروزی');
    // A name the agent types (the caller is not the customer on record) wins.
    const typed = await t.app.inject({ method: 'POST', url: '/api/complaints', headers, payload: { channel: 'phone', customerId: customer.id, contactName: 'همسر پریسا', description: 'تماس از طرف مشتری.' } });
    expect(typed.json().contact.name).toBe('همسر پریسا');

    const found = await t.app.inject({ method: 'GET', url: `/api/complaints?q=${encodeURIComponent('نوروزی')}`, headers });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items.map((c: { id: string }) => c.id)).toEqual([opened.json().id]);

    const erased = await t.app.inject({ method: 'POST', url: `/api/customers/${customer.id}/erase`, headers: t.auth(ws.keys.owner) });
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    const after = await t.app.inject({ method: 'GET', url: `/api/complaints/${opened.json().id}`, headers });
    expect(after.json().contact.name).toBeNull();
  });
});
