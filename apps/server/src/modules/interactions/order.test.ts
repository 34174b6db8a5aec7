import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { recordOrdersBulk, recordTouchpoint, type OrderRecord } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const HOUR = 3600_000;
const NOW = Date.now();
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * HOUR).toISOString();

async function record(ws: TestWorkspace, event: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/touchpoints', headers: t.auth(ws.keys.agent), payload: event });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

async function customer(ws: TestWorkspace, id: string) {
  const { rows } = await t.database.pool.query(
    'SELECT order_count, total_spent_minor, first_order_at, last_order_at, last_seen_at FROM customers WHERE tenant_id = $1 AND id = $2',
    [ws.tenantId, id],
  );
  const r = rows[0];
  return {
    orderCount: r.order_count,
    totalSpentMinor: Number(r.total_spent_minor),
    firstOrderAt: r.first_order_at?.toISOString() ?? null,
    lastOrderAt: r.last_order_at?.toISOString() ?? null,
    lastSeenAt: r.last_seen_at?.toISOString() ?? null,
  };
}

const get = (ws: TestWorkspace, url: string) => t.app.inject({ method: 'GET', url, headers: t.auth(ws.keys.analyst) });

describe('order lifecycle', () => {
  it('placed → delivered late → returned: status, promiseKept and the customer aggregates follow', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const who = { phone: '09351112233', name: 'رضا' };
    const order = { externalId: 'IR-1001', amountMinor: 4_500_000, items: [{ sku: 'TEA-1', name: 'چای', quantity: 3, unitPriceMinor: 1_500_000 }] };

    const placed = await record(ws, {
      customer: who, kind: 'order.placed', channel: 'web', stage: 'sale', occurredAt: at(72), externalId: 'evt-placed',
      order: { ...order, promisedDeliveryAt: at(24) },
    });
    expect(placed.order).toMatchObject({ status: 'placed', amountMinor: 4_500_000, currency: 'IRR', placedAt: at(72), promisedDeliveryAt: at(24), promiseKept: false });
    const customerId = placed.customerId;
    expect(await customer(ws, customerId)).toEqual({ orderCount: 1, totalSpentMinor: 4_500_000, firstOrderAt: at(72), lastOrderAt: at(72), lastSeenAt: at(72) });

    const delivered = await record(ws, { customer: { id: customerId }, kind: 'order.delivered', channel: 'web', stage: 'after-sale', occurredAt: at(12), order });
    expect(delivered.order).toMatchObject({ id: placed.order.id, status: 'delivered', deliveredAt: at(12), promiseKept: false, amountMinor: 4_500_000 });
    expect(await customer(ws, customerId)).toMatchObject({ orderCount: 1, totalSpentMinor: 4_500_000, lastSeenAt: at(12) });

    const view = await get(ws, `/api/orders/${placed.order.id}`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ status: 'delivered', promiseKept: false, items: [{ sku: 'TEA-1', name: 'چای', quantity: 3, unitPriceMinor: 1_500_000 }] });

    await record(ws, { customer: { id: customerId }, kind: 'order.returned', channel: 'store', stage: 'after-sale', occurredAt: at(2), order });
    expect((await get(ws, `/api/orders/${placed.order.id}`)).json()).toMatchObject({ status: 'returned', returnedAt: at(2), deliveredAt: at(12) });
    expect(await customer(ws, customerId)).toEqual({ orderCount: 0, totalSpentMinor: 0, firstOrderAt: null, lastOrderAt: null, lastSeenAt: at(2) });

    const { rows } = await t.database.pool.query('SELECT topic FROM outbox_events WHERE tenant_id = $1 ORDER BY id', [ws.tenantId]);
    expect(rows.map((r) => r.topic).filter((topic) => topic.startsWith('order.') || topic === 'touchpoint.recorded')).toEqual([
      'touchpoint.recorded', 'order.placed', 'touchpoint.recorded', 'order.delivered', 'touchpoint.recorded', 'order.returned',
    ]);
    const timeline = (await get(ws, `/api/customers/${customerId}/timeline`)).json();
    expect(timeline.items.map((i: { kind: string }) => i.kind)).toEqual(['order.returned', 'order.delivered', 'order.placed']);
    expect(timeline.items.every((i: { order: { id: string } }) => i.order.id === placed.order.id)).toBe(true);
  });

  it('keeps a promise when delivered on time, and says null without a promise', async () => {
    const ws = await t.createWorkspace({ country: 'AE' });
    const who = { email: 'noor@example.test' };
    const kept = { externalId: 'AE-1', amountMinor: 9900, promisedDeliveryAt: at(10) };
    await record(ws, { customer: who, kind: 'order.placed', channel: 'app', stage: 'sale', occurredAt: at(30), order: kept });
    const done = await record(ws, { customer: who, kind: 'order.delivered', channel: 'app', stage: 'after-sale', occurredAt: at(11), order: kept });
    expect(done.order).toMatchObject({ status: 'delivered', promiseKept: true, currency: 'AED' });
    const open = await record(ws, { customer: who, kind: 'order.placed', channel: 'app', stage: 'sale', occurredAt: at(1), order: { externalId: 'AE-2', amountMinor: 100 } });
    expect(open.order.promiseKept).toBeNull();
    const due = await record(ws, { customer: who, kind: 'order.placed', channel: 'app', stage: 'sale', occurredAt: at(1), order: { externalId: 'AE-3', amountMinor: 100, promisedDeliveryAt: new Date(Date.now() + 48 * HOUR).toISOString() } });
    expect(due.order.promiseKept).toBeNull();
    const list = (await get(ws, `/api/customers/${done.customerId}/orders?limit=2`)).json();
    expect(list.items).toHaveLength(2);
    const rest = (await get(ws, `/api/customers/${done.customerId}/orders?limit=2&cursor=${list.nextCursor}`)).json();
    expect([...list.items, ...rest.items].map((o: { externalId: string }) => o.externalId).sort()).toEqual(['AE-1', 'AE-2', 'AE-3']);
    expect(rest.nextCursor).toBeNull();
  });

  it('ends up consistent when delivered arrives before placed, in one batch or in two requests', async () => {
    for (const mode of ['separate', 'batch'] as const) {
      const ws = await t.createWorkspace({ country: 'SA' });
      const who = { externalId: `crm-${mode}` };
      const delivered = { customer: who, kind: 'order.delivered', channel: 'web', stage: 'after-sale', occurredAt: at(5), order: { externalId: 'SA-9', amountMinor: 1 } };
      const placed = {
        customer: who, kind: 'order.placed', channel: 'pos', stage: 'sale', occurredAt: at(50),
        order: { externalId: 'SA-9', amountMinor: 25_000, currency: 'SAR', promisedDeliveryAt: at(20), items: [{ name: 'قهوة', quantity: 1, unitPriceMinor: 25_000 }] },
      };
      if (mode === 'separate') {
        await record(ws, delivered);
        await record(ws, placed);
      } else {
        const res = await t.app.inject({ method: 'POST', url: '/api/touchpoints/batch', headers: t.auth(ws.keys.agent), payload: { events: [delivered, placed] } });
        expect(res.json().created).toBe(2);
      }
      const { rows } = await t.database.pool.query('SELECT id, customer_id FROM orders WHERE tenant_id = $1', [ws.tenantId]);
      expect(rows).toHaveLength(1);
      const order = (await get(ws, `/api/orders/${rows[0].id}`)).json();
      expect(order).toMatchObject({
        status: 'delivered', amountMinor: 25_000, currency: 'SAR', channel: 'pos', placedAt: at(50), deliveredAt: at(5), promisedDeliveryAt: at(20), promiseKept: false,
      });
      expect(await customer(ws, rows[0].customer_id)).toEqual({ orderCount: 1, totalSpentMinor: 25_000, firstOrderAt: at(50), lastOrderAt: at(50), lastSeenAt: at(5) });
      const { rows: linked } = await t.database.pool.query('SELECT count(*)::int AS n FROM touchpoints WHERE tenant_id = $1 AND order_id = $2', [ws.tenantId, rows[0].id]);
      expect(linked[0].n).toBe(2);
    }
  });

  it('counts only orders in the workspace currency in count and spend', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const who = { phone: '09121110000' };
    await record(ws, { customer: who, kind: 'order.placed', channel: 'web', stage: 'sale', occurredAt: at(3), order: { externalId: 'a', amountMinor: 1000 } });
    const usd = await record(ws, { customer: who, kind: 'order.placed', channel: 'web', stage: 'sale', occurredAt: at(1), order: { externalId: 'b', amountMinor: 50, currency: 'USD' } });
    expect(await customer(ws, usd.customerId)).toEqual({ orderCount: 1, totalSpentMinor: 1000, firstOrderAt: at(3), lastOrderAt: at(1), lastSeenAt: at(1) });
  });

  it('GET /api/orders/:id is 404 for unknown ids and for other workspaces', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const placed = await record(ws, { customer: { phone: '09120000001' }, kind: 'order.placed', channel: 'web', stage: 'sale', occurredAt: at(1), order: { externalId: 'x', amountMinor: 1 } });
    expect((await get(ws, `/api/orders/${randomUUID()}`)).statusCode).toBe(404);
    expect((await get(other, `/api/orders/${placed.order.id}`)).statusCode).toBe(404);
    expect((await get(ws, `/api/orders/not-a-uuid`)).statusCode).toBe(400);
  });
});

describe('recordOrdersBulk (for imports) and recordTouchpoint (for other modules)', () => {
  it('records whole orders as their touchpoints; a second run changes nothing; a later file adds deliveries', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const orders: OrderRecord[] = [
      { externalId: 'F-1', customer: { phone: '09121230001', name: 'پریا' }, amountMinor: 500_000, channel: 'web', placedAt: at(100), promisedDeliveryAt: at(80) },
      { externalId: 'F-2', customer: { phone: '09121230001' }, amountMinor: 200_000, channel: 'store', placedAt: at(90), deliveredAt: at(89), returnedAt: at(60) },
      { externalId: 'F-3', customer: { id: randomUUID() }, amountMinor: 1, channel: 'web', placedAt: at(5) },
    ];
    const first = await t.database.db.transaction((tx) => recordOrdersBulk(tx, ws.tenantId, orders, { source: 'import' }));
    expect(first.map((o) => o.status)).toEqual(['created', 'created', 'rejected']);
    const again = await t.database.db.transaction((tx) => recordOrdersBulk(tx, ws.tenantId, orders, { source: 'import' }));
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'duplicate', 'rejected']);
    const later = await t.database.db.transaction((tx) => recordOrdersBulk(tx, ws.tenantId, [{ ...orders[0]!, deliveredAt: at(70) }], { source: 'import' }));
    expect(later).toEqual([{ status: 'updated', orderId: (first[0] as { orderId: string }).orderId }]);

    const view = (await get(ws, `/api/orders/${(first[0] as { orderId: string }).orderId}`)).json();
    expect(view).toMatchObject({ status: 'delivered', deliveredAt: at(70), promiseKept: false });
    const customerId = view.customerId;
    expect(await customer(ws, customerId)).toMatchObject({ orderCount: 1, totalSpentMinor: 500_000, lastSeenAt: at(60) });
    expect(await count(ws)).toBe(5);
  });

  it('puts another module\'s event on the timeline, once per external id', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const placed = await record(ws, { customer: { phone: '0501112222' }, kind: 'visit', channel: 'web', stage: 'pre-sale', occurredAt: at(10) });
    const input = {
      customer: { id: placed.customerId }, kind: 'survey.answered', channel: 'web', stage: 'after-sale', occurredAt: new Date(NOW - HOUR),
      externalId: 'survey-response:1', data: { nps: 9 },
    };
    const first = await t.database.db.transaction((tx) => recordTouchpoint(tx, ws.tenantId, input, { source: 'surveys' }));
    const second = await t.database.db.transaction((tx) => recordTouchpoint(tx, ws.tenantId, input, { source: 'surveys' }));
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    const items = (await get(ws, `/api/customers/${placed.customerId}/timeline`)).json().items;
    expect(items[0]).toMatchObject({ id: first.id, kind: 'survey.answered', source: 'surveys', data: { nps: 9 } });
    await expect(t.database.db.transaction((tx) => recordTouchpoint(tx, ws.tenantId, { ...input, externalId: undefined, customer: { id: randomUUID() } }, { source: 'surveys' })))
      .rejects.toMatchObject({ code: 'not_found' });
  });
});

async function count(ws: TestWorkspace) {
  const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM touchpoints WHERE tenant_id = $1', [ws.tenantId]);
  return rows[0].n;
}
