import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
const BOM = '\uFEFF';

async function upload(ws: TestWorkspace, csv: string | Buffer, options: { mapping?: unknown; role?: Role } = {}) {
  const data = new FormData();
  if (options.mapping !== undefined) data.append('mapping', JSON.stringify(options.mapping));
  data.append('file', new Blob([typeof csv === 'string' ? csv : new Uint8Array(csv)]), 'orders.csv');
  const encoded = new Response(data);
  return t.app.inject({
    method: 'POST',
    url: '/api/imports/orders',
    headers: { ...t.auth(ws.keys[options.role ?? 'manager']), 'content-type': encoded.headers.get('content-type')! },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

async function waitForImport(ws: TestWorkspace, id: string) {
  for (let i = 0; i < 400; i++) {
    const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: t.auth(ws.keys.manager) });
    const run = res.json();
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('import did not finish');
}

async function importFile(ws: TestWorkspace, csv: string | Buffer, mapping?: unknown) {
  const res = await upload(ws, csv, { mapping });
  expect(res.statusCode, res.body).toBe(202);
  return waitForImport(ws, res.json().id);
}

async function count(table: string, ws: TestWorkspace): Promise<number> {
  const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenantId]);
  return rows[0].n;
}

async function customer(ws: TestWorkspace, phone: string) {
  const { rows } = await t.database.pool.query(
    'SELECT id, name, order_count, total_spent_minor, first_order_at, last_order_at FROM customers WHERE tenant_id = $1 AND phone = $2',
    [ws.tenantId, phone],
  );
  return rows[0];
}

const ORDERS = [
  'شماره سفارش,موبایل,نام مشتری,مبلغ,واحد پول,تاریخ سفارش,وعده تحویل,تاریخ تحویل,تاریخ مرجوعی,وضعیت,کانال',
  'A-1,۰۹۱۲۱۲۳۴۵۶۷,علی رضایی,۱۲۵۰۰۰۰,IRR,1403/01/15 10:30,2024-04-06T12:00:00Z,1403/01/17 09:00,,تحویل شده,web',
  'A-2,09121234567,,"2,000,000",,2024-05-01T08:00:00+03:30,,,,placed,store',
  'A-3,09129876543,مریم,500000,,2024-06-01,,2024-06-03,2024-06-10,returned,',
  'A-4,09121234567,,12.5,,2024-06-01,,,,,',
  'A-5,,,1000,,2024-06-01,,,,,',
  'A-6,09121234567,,1000,,1404/12/30,,,,,',
  'A-7,09121234567,,1000,XYZ,2024-06-01,,,,,',
  'A-8,09121234567,,1000,,2024-06-01,,,,delivered,',
].join('\n');

describe('importing orders', () => {
  it('creates orders, their touchpoints and customers, updates aggregates, and re-imports harmlessly', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const run = await importFile(ws, BOM + ORDERS);
    expect(run).toMatchObject({ kind: 'orders', status: 'succeeded', rowsTotal: 8, rowsInserted: 3, rowsUpdated: 0, rowsFailed: 5 });
    expect(run.mapping).toMatchObject({ 'شماره سفارش': 'external_id', 'موبایل': 'customer_phone', 'مبلغ': 'amount', 'تاریخ سفارش': 'placed_at', 'وضعیت': 'status' });

    const { rows: orders } = await t.database.pool.query(
      'SELECT external_id, status, amount_minor, currency, channel, placed_at, promised_delivery_at, delivered_at, returned_at FROM orders WHERE tenant_id = $1 ORDER BY external_id',
      [ws.tenantId],
    );
    expect(orders.map((o) => [o.external_id, o.status, o.amount_minor, o.currency, o.channel])).toEqual([
      ['A-1', 'delivered', 1250000, 'IRR', 'web'],
      ['A-2', 'placed', 2000000, 'IRR', 'store'],
      ['A-3', 'returned', 500000, 'IRR', 'other'],
    ]);
    // 1403/01/15 10:30 in Tehran (UTC+03:30) is 2024-04-03T07:00Z.
    expect(orders[0].placed_at.toISOString()).toBe('2024-04-03T07:00:00.000Z');
    expect(orders[0].delivered_at.toISOString()).toBe('2024-04-05T05:30:00.000Z');
    expect(orders[0].promised_delivery_at.toISOString()).toBe('2024-04-06T12:00:00.000Z');
    expect(orders[1].placed_at.toISOString()).toBe('2024-05-01T04:30:00.000Z');

    const ali = await customer(ws, '+989121234567');
    expect(ali).toMatchObject({ name: 'علی رضایی', order_count: 2, total_spent_minor: 3250000 });
    expect(ali.last_order_at.toISOString()).toBe('2024-05-01T04:30:00.000Z');
    const maryam = await customer(ws, '+989129876543');
    // A returned order counts neither as an order nor as spend.
    expect(maryam).toMatchObject({ name: 'مریم', order_count: 0, total_spent_minor: 0 });
    expect(await count('touchpoints', ws)).toBe(6);
    const { rows: ids } = await t.database.pool.query('SELECT external_id FROM touchpoints WHERE tenant_id = $1 ORDER BY external_id', [ws.tenantId]);
    expect(ids.map((r) => r.external_id)).toContain('order:A-1:placed');

    const { rows: errors } = await t.database.pool.query('SELECT row_number, problems FROM import_errors WHERE tenant_id = $1 ORDER BY row_number', [ws.tenantId]);
    expect(errors).toEqual([
      { row_number: 5, problems: [{ field: 'amount', code: 'invalid_amount' }] },
      { row_number: 6, problems: [{ field: 'customer', code: 'missing_customer' }] },
      { row_number: 7, problems: [{ field: 'placed_at', code: 'invalid_date' }] },
      { row_number: 8, problems: [{ field: 'currency', code: 'invalid_currency' }] },
      { row_number: 9, problems: [{ field: 'delivered_at', code: 'required' }] },
    ]);

    const again = await importFile(ws, ORDERS);
    expect(again).toMatchObject({ status: 'succeeded', rowsInserted: 0, rowsUpdated: 3, rowsFailed: 5 });
    expect(await count('orders', ws)).toBe(3);
    expect(await count('touchpoints', ws)).toBe(6);
    expect(await customer(ws, '+989121234567')).toMatchObject({ order_count: 2, total_spent_minor: 3250000 });
    // Old orders are history: importing publishes no per-order events.
    const { rows: events } = await t.database.pool.query(`SELECT topic FROM outbox_events WHERE tenant_id = $1 AND topic LIKE 'order.%'`, [ws.tenantId]);
    expect(events).toEqual([]);
  });

  it('exports orders as CSV that imports back without changing anything', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    await importFile(ws, [
      'order id,phone,customer name,total,order date,delivered at,items',
      `S-1,0501234567,نورة,150000,2024-02-01T10:00:00Z,2024-02-03T10:00:00Z,"${JSON.stringify([{ name: 'عباية', quantity: 1, unitPriceMinor: 150000 }]).replace(/"/g, '""')}"`,
      'S-2,0501234567,,99000,2024-03-01T10:00:00Z,,',
    ].join('\n'));
    const exported = await t.app.inject({ method: 'GET', url: '/api/exports/orders.csv', headers: t.auth(ws.keys.analyst) });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body.startsWith(BOM)).toBe(true);
    expect(exported.body).toContain('S-1');
    expect(exported.body).toContain('عباية');
    const { rows: audit } = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action = 'orders.exported'`, [ws.tenantId]);
    expect(audit).toHaveLength(1);

    const before = await t.database.pool.query('SELECT * FROM orders WHERE tenant_id = $1 ORDER BY external_id', [ws.tenantId]);
    const again = await importFile(ws, Buffer.from(exported.rawPayload));
    expect(again).toMatchObject({ status: 'succeeded', rowsTotal: 2, rowsInserted: 0, rowsFailed: 0 });
    const after = await t.database.pool.query('SELECT * FROM orders WHERE tenant_id = $1 ORDER BY external_id', [ws.tenantId]);
    expect(after.rows).toEqual(before.rows);
    expect(await count('customers', ws)).toBe(1);
  });

  it('refuses files that cannot be orders, and roles that may not import', async () => {
    const ws = await t.createWorkspace();
    const noAmount = await upload(ws, 'order id,phone,order date\nX-1,09121234567,2024-01-01\n');
    expect(noAmount.statusCode).toBe(422);
    expect(noAmount.json()).toMatchObject({ code: 'invalid_csv' });
    const badField = await upload(ws, 'order id,phone,order date,sum\nX-1,09121234567,2024-01-01,5\n', { mapping: { sum: 'total_amount' } });
    expect(badField.statusCode).toBe(400);
    expect(badField.json()).toMatchObject({ code: 'validation_failed' });
    const binary = await upload(ws, Buffer.from([0x00, 0x01, 0x02, 0xff]));
    expect(binary.statusCode).toBe(422);
    const agent = await upload(ws, 'order id,phone,amount,order date\nX-1,09121234567,5,2024-01-01\n', { role: 'agent' });
    expect(agent.statusCode).toBe(403);
    const agentExport = await t.app.inject({ method: 'GET', url: '/api/exports/orders.csv', headers: t.auth(ws.keys.agent) });
    expect(agentExport.statusCode).toBe(403);
    expect(await count('imports', ws)).toBe(0);
    expect(await count('orders', ws)).toBe(0);
  });
});
