import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const HOUR = 3600_000;
const NOW = Date.now();
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * HOUR).toISOString();

async function createCustomer(ws: TestWorkspace, body: Record<string, unknown>): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/customers', headers: t.auth(ws.keys.admin), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function batch(ws: TestWorkspace, events: Record<string, unknown>[]) {
  const res = await t.app.inject({ method: 'POST', url: '/api/touchpoints/batch', headers: t.auth(ws.keys.agent), payload: { events } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().created).toBe(events.length);
}

const timelineOf = async (ws: TestWorkspace, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/customers/${id}/timeline?limit=200`, headers: t.auth(ws.keys.analyst) })).json().items as {
    id: string; kind: string; customerId: string; data: Record<string, unknown>; order: { amountMinor: number } | null;
  }[];

const customerView = async (ws: TestWorkspace, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/customers/${id}`, headers: t.auth(ws.keys.analyst) })).json();

describe('customer merge, erasure and export cover the timeline', () => {
  it('a merge moves touchpoints and orders to the surviving customer and recomputes its aggregates', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const target = await createCustomer(ws, { name: 'زهرا احمدی', phone: '09120001111' });
    const source = await createCustomer(ws, { name: 'Zahra Ahmadi', email: 'zahra@example.test' });
    await batch(ws, [
      { customer: { id: target }, kind: 'visit', channel: 'store', stage: 'pre-sale', occurredAt: at(50) },
      { customer: { id: target }, kind: 'order.placed', channel: 'store', stage: 'sale', occurredAt: at(48), order: { externalId: 'T-1', amountMinor: 7000 } },
      { customer: { id: source }, kind: 'chat', channel: 'live_chat', stage: 'after-sale', occurredAt: at(3) },
      { customer: { id: source }, kind: 'order.placed', channel: 'web', stage: 'sale', occurredAt: at(10), order: { externalId: 'S-1', amountMinor: 3000 } },
      { customer: { id: source }, kind: 'order.placed', channel: 'web', stage: 'sale', occurredAt: at(9), order: { externalId: 'S-2', amountMinor: 500 } },
      { customer: { id: source }, kind: 'order.returned', channel: 'web', stage: 'after-sale', occurredAt: at(5), order: { externalId: 'S-2', amountMinor: 500 } },
    ]);
    const before = [...(await timelineOf(ws, target)), ...(await timelineOf(ws, source))].map((i) => i.id).sort();

    const merged = await t.app.inject({ method: 'POST', url: `/api/customers/${target}/merge`, headers: t.auth(ws.keys.admin), payload: { sourceId: source } });
    expect(merged.statusCode, merged.body).toBe(200);

    const after = await timelineOf(ws, target);
    expect(after.map((i) => i.id).sort()).toEqual(before);
    expect(after.every((i) => i.customerId === target)).toBe(true);
    expect(await timelineOf(ws, source)).toEqual([]);
    const orders = (await t.app.inject({ method: 'GET', url: `/api/customers/${target}/orders`, headers: t.auth(ws.keys.analyst) })).json().items;
    expect(orders.map((o: { externalId: string }) => o.externalId).sort()).toEqual(['S-1', 'S-2', 'T-1']);

    expect(await customerView(ws, target)).toMatchObject({
      orderCount: 2, totalSpentMinor: 10_000, firstOrderAt: at(48), lastOrderAt: at(10), lastSeenAt: at(3),
    });

    // Events sent later with the absorbed customer's id, or a key only it held, land on the survivor.
    const second = await createCustomer(ws, { name: 'Z. A.', phone: '09120002222' });
    const absorbed = await t.app.inject({ method: 'POST', url: `/api/customers/${target}/merge`, headers: t.auth(ws.keys.admin), payload: { sourceId: second } });
    expect(absorbed.statusCode, absorbed.body).toBe(200);
    const byOldPhone = await t.app.inject({
      method: 'POST', url: '/api/touchpoints', headers: t.auth(ws.keys.agent),
      payload: { customer: { phone: '09120002222' }, kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: at(2) },
    });
    expect(byOldPhone.statusCode, byOldPhone.body).toBe(201);
    expect(byOldPhone.json().customerId).toBe(target);
    const late = await t.app.inject({
      method: 'POST', url: '/api/touchpoints', headers: t.auth(ws.keys.agent),
      payload: { customer: { id: source }, kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: at(1) },
    });
    expect(late.statusCode).toBe(201);
    expect(late.json().customerId).toBe(target);
  });

  it('erasure strips free text from touchpoint data and keeps kinds, times and amounts; later events are refused', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const id = await createCustomer(ws, { name: 'فهد', phone: '0551234567' });
    await batch(ws, [
      { customer: { id }, kind: 'message', channel: 'whatsapp', stage: 'after-sale', occurredAt: at(4), externalId: 'wa-1', data: { text: 'عنواني: حي النخيل', minutes: 3, answered: true } },
      { customer: { id }, kind: 'order.placed', channel: 'app', stage: 'sale', occurredAt: at(6), order: { externalId: 'SA-1', amountMinor: 15_000 } },
    ]);
    const erased = await t.app.inject({ method: 'POST', url: `/api/customers/${id}/erase`, headers: t.auth(ws.keys.owner) });
    expect(erased.statusCode, erased.body).toBe(200);

    const items = await timelineOf(ws, id);
    expect(items.map((i) => i.kind)).toEqual(['message', 'order.placed']);
    expect(items[0]!.data).toEqual({ minutes: 3, answered: true });
    expect(items[1]!.order!.amountMinor).toBe(15_000);
    expect(await customerView(ws, id)).toMatchObject({ orderCount: 1, totalSpentMinor: 15_000 });

    const refused = await t.app.inject({
      method: 'POST', url: '/api/touchpoints', headers: t.auth(ws.keys.agent),
      payload: { customer: { id }, kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: at(1) },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('customer_erased');
    // a re-send of something recorded before the erasure is still a harmless duplicate
    const resend = await t.app.inject({
      method: 'POST', url: '/api/touchpoints/batch', headers: t.auth(ws.keys.agent),
      payload: { events: [{ customer: { id }, kind: 'message', channel: 'whatsapp', stage: 'after-sale', occurredAt: at(4), externalId: 'wa-1' }] },
    });
    expect(resend.json().results[0]).toMatchObject({ status: 'duplicate', id: items[0]!.id });
  });

  it("a customer's data export includes their touchpoints and orders", async () => {
    const ws = await t.createWorkspace({ country: 'AE' });
    const id = await createCustomer(ws, { name: 'Aisha', email: 'aisha@example.test' });
    await batch(ws, [
      { customer: { id }, kind: 'visit', channel: 'web', stage: 'pre-sale', occurredAt: at(8), data: { page: '/ar/offers' } },
      { customer: { id }, kind: 'order.placed', channel: 'web', stage: 'sale', occurredAt: at(7), order: { externalId: 'AE-7', amountMinor: 2500, promisedDeliveryAt: at(-30) } },
    ]);
    const res = await t.app.inject({ method: 'GET', url: `/api/customers/${id}/export`, headers: t.auth(ws.keys.owner) });
    expect(res.statusCode, res.body).toBe(200);
    const section = res.json().modules.interactions;
    expect(section.touchpoints.map((tp: { kind: string }) => tp.kind)).toEqual(['visit', 'order.placed']);
    expect(section.touchpoints[0].data).toEqual({ page: '/ar/offers' });
    expect(section.orders).toMatchObject([{ externalId: 'AE-7', amountMinor: 2500, currency: 'AED', status: 'placed', promiseKept: null }]);
  });
});
