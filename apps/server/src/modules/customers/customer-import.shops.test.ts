import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CustomerImportMapping } from '@vafa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { eventually } from '../../../test/eventually.ts';
import { parseMapOptions } from '../../platform/csv/transfer-cli.ts';
import { runCustomerImportCommand } from './customer-import.cli.ts';

// Real-shaped exports of common shops (apps/server/test/fixtures): BOM, CRLF, quoted commas,
// Persian and Arabic-Indic digits, first and last name apart, comma-separated tags and
// yes/no, true/false, 1/0, بله/خیر, نعم/لا consent. Role 'all': the outbox relay hands
// customer.created to the automation engine, as in production.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 120_000);
afterAll(() => t?.close());

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const headerOf = (name: string) => fixture(name).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0]!.split(',');

async function upload(ws: TestWorkspace, content: Buffer | string, mapping?: unknown) {
  const data = new FormData();
  if (mapping !== undefined) data.append('mapping', JSON.stringify(mapping));
  data.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), 'export.csv');
  const encoded = new Response(data);
  return t.app.inject({
    method: 'POST', url: '/api/imports/customers',
    headers: { ...t.auth(ws.keys.manager), 'content-type': encoded.headers.get('content-type')! },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

async function importFile(ws: TestWorkspace, content: Buffer | string, mapping?: unknown) {
  const res = await upload(ws, content, mapping);
  expect(res.statusCode, res.body).toBe(202);
  return eventually(async () => {
    const run = (await t.app.inject({ method: 'GET', url: `/api/imports/${res.json().id}`, headers: t.auth(ws.keys.manager) })).json();
    return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
  }, 'the import to finish');
}

async function propose(ws: TestWorkspace, headers: string[]) {
  const res = await t.app.inject({ method: 'POST', url: '/api/imports/customers/proposal', headers: t.auth(ws.keys.manager), payload: { headers } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

type Row = { id: string; external_id: string | null; name: string | null; phone: string | null; email: string | null; tags: string[]; consent: Record<string, { granted: boolean }> };
async function customersOf(ws: TestWorkspace): Promise<Row[]> {
  const { rows } = await t.database.pool.query<Row>(
    'SELECT id, external_id, name, phone, email, tags, consent FROM customers WHERE tenant_id = $1 ORDER BY created_at, id', [ws.tenantId]);
  return rows;
}
const byEmail = (rows: Row[], email: string) => rows.find((r) => r.email === email);

async function report(ws: TestWorkspace, id: string, language = 'en') {
  const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}/errors.csv`, headers: { ...t.auth(ws.keys.manager), 'accept-language': language } });
  expect(res.statusCode).toBe(200);
  return res.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
}

describe('a Shopify customers export', () => {
  it('is recognised, and imports every row with full names, split tags and consent; a bad tag is dropped with a warning', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const proposal = await propose(ws, headerOf('shopify-customers.csv'));
    expect(proposal.platform).toBe('shopify');
    expect(proposal.joins).toEqual({ name: ['First Name', 'Last Name'] });
    expect(proposal.columns).toMatchObject({
      'Customer ID': 'external_id', 'First Name': 'name', 'Last Name': 'name', Email: 'email', Phone: 'phone', Tags: 'tags',
      'Accepts Email Marketing': 'consent_email', 'Accepts SMS Marketing': 'consent_sms', 'Default Address Phone': 'ignore', 'Total Spent': 'ignore',
    });

    // No mapping sent: the upload applies the same proposal.
    const run = await importFile(ws, fixture('shopify-customers.csv'));
    expect(run).toMatchObject({ status: 'succeeded', rowsTotal: 7, rowsInserted: 7, rowsFailed: 0, rowsWarned: 1, platform: 'shopify', runAutomations: false });
    expect(run.joins).toEqual({ name: ['First Name', 'Last Name'] });

    const rows = await customersOf(ws);
    expect(rows).toHaveLength(7);
    expect(byEmail(rows, 'sara.ahmadi@example.com')).toMatchObject({
      external_id: '7012345678901', name: 'Sara Ahmadi', phone: '+989121110001', tags: ['VIP', 'newsletter', 'تهران'],
      consent: { email: { granted: true }, sms: { granted: true } },
    });
    expect(byEmail(rows, 'maryam.karimi@example.com')).toMatchObject({ name: 'مریم کریمی', phone: '+989122220002', tags: ['wholesale'], consent: { email: { granted: false }, sms: { granted: false } } });
    expect(byEmail(rows, 'reza@example.com')).toMatchObject({ name: 'Reza' });
    expect(byEmail(rows, 'moradi@example.com')).toMatchObject({ name: 'Moradi', tags: ['summer sale'] });
    expect(byEmail(rows, 'omid@example.com')).toMatchObject({ name: 'Omid Jafari', tags: ['loyal', 'summer sale'] });
    expect(byEmail(rows, 'neda@example.com')).toMatchObject({ name: 'Neda Rostami', phone: null });
    expect(rows.find((r) => r.phone === '+989123330007')).toMatchObject({ name: 'Kaveh Shams', email: null, tags: ['sms only', 'VIP'], consent: { sms: { granted: true } } });

    const lines = await report(ws, run.id);
    expect(lines[0]).toBe('row,severity,field,code,problem,original_line');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^6,warning,tags,tag_dropped,The customer was imported without a tag/);
    expect(lines[1]).toContain('omid@example.com');
    expect((await report(ws, run.id, 'fa'))[1]).toContain('مشتری بدون برچسبی');
  });

  it('takes the wizard\'s full mapping: columns, joins in the order given, and no join when asked for none', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const reversed = await importFile(ws, fixture('shopify-customers.csv'), {
      columns: { Email: 'email', Phone: 'phone', Tags: 'tags', 'Total Orders': 'ignore' }, joins: { name: ['Last Name', 'First Name'] },
    });
    expect(reversed).toMatchObject({ status: 'succeeded', rowsInserted: 7, rowsFailed: 0, joins: { name: ['Last Name', 'First Name'] } });
    expect(byEmail(await customersOf(ws), 'sara.ahmadi@example.com')).toMatchObject({ name: 'Ahmadi Sara' });

    const other = await t.createWorkspace({ country: 'IR' });
    const none = await importFile(other, fixture('shopify-customers.csv'), { columns: { 'First Name': 'name' }, joins: {} });
    expect(none).toMatchObject({ status: 'succeeded', rowsFailed: 0, joins: {} });
    expect(none.mapping).toMatchObject({ 'First Name': 'name', 'Last Name': 'ignore' });
    expect(byEmail(await customersOf(other), 'sara.ahmadi@example.com')).toMatchObject({ name: 'Sara' });
  });

  it('refuses a join naming a column the file lacks, or a column mapped elsewhere, and writes nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const missing = await upload(ws, fixture('shopify-customers.csv'), { joins: { name: ['First Name', 'Surname'] } });
    expect(missing.statusCode, missing.body).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'invalid_csv', errors: [{ field: 'joins.name', code: 'unknown_column' }] });
    const clash = await upload(ws, fixture('shopify-customers.csv'), { columns: { Email: 'email' }, joins: { name: ['First Name', 'Email'] } });
    expect(clash.statusCode, clash.body).toBe(422);
    expect(clash.json()).toMatchObject({ code: 'invalid_csv', errors: [{ field: 'joins.name', code: 'duplicate_field' }] });
    const notJoinable = await upload(ws, fixture('shopify-customers.csv'), { joins: { email: ['Email', 'Phone'] } });
    expect(notJoinable.statusCode, notJoinable.body).toBe(400);
    const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM imports WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows[0].n).toBe(0);
  });
});

describe('other shops', () => {
  it('imports a WooCommerce export: first_name + last_name, billing_phone, newsletter 1/0/true/false', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    expect(await propose(ws, headerOf('woocommerce-customers.csv'))).toMatchObject({
      platform: 'woocommerce', joins: { name: ['first_name', 'last_name'] }, columns: { billing_phone: 'phone', email: 'email', billing_email: 'ignore', newsletter: 'consent_email', customer_id: 'external_id' },
    });
    const run = await importFile(ws, fixture('woocommerce-customers.csv'));
    expect(run).toMatchObject({ status: 'succeeded', rowsInserted: 4, rowsFailed: 0, rowsWarned: 0 });
    const rows = await customersOf(ws);
    expect(byEmail(rows, 'ali.hosseini@example.com')).toMatchObject({ name: 'Ali Hosseini', phone: '+989121234501', consent: { email: { granted: true } } });
    expect(byEmail(rows, 'zahra@example.com')).toMatchObject({ name: 'زهرا موسوی', phone: '+989121234502', consent: { email: { granted: false } } });
    expect(byEmail(rows, 'john@example.com')).toMatchObject({ name: 'John Smith', phone: '+447911123456', consent: { email: { granted: true } } });
    expect(byEmail(rows, 'hamid@example.com')).toMatchObject({ consent: { email: { granted: false } } });
  });

  it('imports a Persian store export whose headers use Arabic letters: نام + نام خانوادگی, tags split on ، ; | and ,, بله/خیر', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const proposal = await propose(ws, headerOf('persian-store-customers.csv'));
    expect(proposal).toMatchObject({ platform: 'persian_store', joins: { name: ['نام', 'نام خانوادگي'] }, columns: { 'موبايل': 'phone', 'برچسب‌ها': 'tags', 'عضویت در خبرنامه': 'consent_email' } });
    const run = await importFile(ws, fixture('persian-store-customers.csv'));
    expect(run).toMatchObject({ status: 'succeeded', rowsInserted: 4, rowsFailed: 0 });
    const rows = await customersOf(ws);
    expect(rows.find((r) => r.phone === '+989121234567')).toMatchObject({ name: 'علی رضایی', tags: ['مشتری ویژه', 'تهران'], consent: { email: { granted: true } } });
    expect(rows.find((r) => r.phone === '+989351112233')).toMatchObject({ name: 'فاطمه محمدی', tags: ['vip', 'wholesale', 'حضوری'], consent: { email: { granted: false } } });
    expect(rows.find((r) => r.phone === '+989198887766')).toMatchObject({ name: 'سارا', tags: ['خرید اول', 'شیراز'] });
    expect(rows.find((r) => r.phone === '+989127776655')).toMatchObject({ name: 'محمد حسین کریم‌زاده' });
  });

  it('imports a Salla export: الاسم الأول + اسم العائلة, the dialling code joined before the phone, نعم/لا', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    expect(await propose(ws, headerOf('salla-customers.csv'))).toMatchObject({
      platform: 'salla', joins: { name: ['الاسم الأول', 'اسم العائلة'], phone: ['رمز الدولة', 'الجوال'] }, columns: { 'الوسوم': 'tags', 'النشرة البريدية': 'consent_email' },
    });
    const run = await importFile(ws, fixture('salla-customers.csv'));
    expect(run).toMatchObject({ status: 'succeeded', rowsInserted: 4, rowsFailed: 0 });
    const rows = await customersOf(ws);
    expect(byEmail(rows, 'ahmed@example.sa')).toMatchObject({ name: 'أحمد العتيبي', phone: '+966501234567', tags: ['عميل مميز', 'الرياض'], consent: { email: { granted: true } } });
    expect(byEmail(rows, 'noura@example.sa')).toMatchObject({ name: 'نورة القحطاني', phone: '+966501234568', consent: { email: { granted: false } } });
    expect(byEmail(rows, 'khalid@example.ae')).toMatchObject({ phone: '+971501234569', tags: ['VIP', 'عميل جديد'] });
    expect(rows.find((r) => r.phone === '+966555551234')).toMatchObject({ name: 'ريم' });
  });

  it('imports a Zid export: one name column, Arabic-Indic digits, true/false/1 consent', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    expect(await propose(ws, headerOf('zid-customers.csv'))).toMatchObject({ platform: 'zid', joins: {}, columns: { 'اسم العميل': 'name', 'رقم الجوال': 'phone', 'يقبل التسويق': 'consent_email' } });
    const run = await importFile(ws, fixture('zid-customers.csv'));
    expect(run).toMatchObject({ status: 'succeeded', rowsInserted: 3, rowsFailed: 0 });
    const rows = await customersOf(ws);
    expect(rows.map((r) => [r.name, r.phone, r.consent.email?.granted])).toEqual([
      ['سلمان الدوسري', '+966501110001', true], ['هند الشمري', '+966501110002', false], ['فهد الزهراني', '+966501110003', true],
    ]);
  });

  it('proposes by header whatever its case, spacing and letters, and names no shop for a file of its own', async () => {
    const ws = await t.createWorkspace();
    const proposal = await propose(ws, ['  FIRST_NAME ', 'last-name', 'E-Mail', 'شماره  موبايل', 'Tags']);
    expect(proposal).toEqual({
      platform: null,
      joins: { name: ['  FIRST_NAME ', 'last-name'] },
      columns: { '  FIRST_NAME ': 'name', 'last-name': 'name', 'E-Mail': 'email', 'شماره  موبايل': 'phone', Tags: 'tags' },
    });
    // Headers named like Object internals stay plain keys (a "__proto__" key does not survive the response's JSON; the wizard reads it as skipped).
    const internals = await propose(ws, ['constructor', '__proto__', 'Email']);
    expect(internals.columns).toMatchObject({ constructor: 'ignore', Email: 'email' });
    expect(Object.getPrototypeOf(internals.columns)).toBe(Object.prototype);
    const bad = await t.app.inject({ method: 'POST', url: '/api/imports/customers/proposal', headers: t.auth(ws.keys.manager), payload: { headers: [] } });
    expect(bad.statusCode).toBe(400);
    const agent = await t.app.inject({ method: 'POST', url: '/api/imports/customers/proposal', headers: t.auth(ws.keys.agent), payload: { headers: ['Email'] } });
    expect(agent.statusCode).toBe(403);
  });

  it('joins tags past the fiftieth off with a warning, and keeps a refused row\'s tag warning in its report line', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const many = Array.from({ length: 55 }, (_, i) => `t${i + 1}`).join(', ');
    const run = await importFile(ws, `Email,Tags\r\nmany@example.com,"${many}"\r\nbroken-email,"ok, ${'y'.repeat(80)}"\r\n`);
    expect(run).toMatchObject({ status: 'succeeded', rowsInserted: 1, rowsFailed: 1, rowsWarned: 1 });
    expect(byEmail(await customersOf(ws), 'many@example.com')!.tags).toHaveLength(50);
    const lines = await report(ws, run.id);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['2,warning,tags,tags_truncated', '3,error,email,invalid_email', '3,warning,tags,tag_dropped']);
  });
});

describe('orders from a shop export', () => {
  it('joins the buyer\'s first and last name into the customer it creates', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const csv = '\uFEFForder_id,billing_first_name,billing_last_name,billing_phone,amount,placed_at\r\nW-1,Ali,Hosseini,۰۹۱۲۱۲۳۴۵۰۱,125000,2024-05-01T08:00:00Z\r\n';
    const data = new FormData();
    data.append('file', new Blob([csv]), 'orders.csv');
    const encoded = new Response(data);
    const res = await t.app.inject({
      method: 'POST', url: '/api/imports/orders',
      headers: { ...t.auth(ws.keys.manager), 'content-type': encoded.headers.get('content-type')! }, payload: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().joins).toEqual({ customer_name: ['billing_first_name', 'billing_last_name'] });
    const run = await eventually(async () => {
      const r = (await t.app.inject({ method: 'GET', url: `/api/imports/${res.json().id}`, headers: t.auth(ws.keys.manager) })).json();
      return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
    }, 'the orders import');
    expect(run).toMatchObject({ status: 'succeeded', rowsInserted: 1, rowsFailed: 0 });
    expect((await customersOf(ws)).map((c) => [c.name, c.phone])).toEqual([['Ali Hosseini', '+989121234501']]);
  });
});

describe('automations for imported customers', () => {
  const runsFor = async (ws: TestWorkspace, ruleId: string) =>
    (await t.database.pool.query<{ customer_id: string }>('SELECT customer_id FROM automation_runs WHERE tenant_id = $1 AND rule_id = $2', [ws.tenantId, ruleId])).rows.map((r) => r.customer_id);

  it('leaves them out unless the import asks, and sends them through when it does', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const rule = await t.app.inject({
      method: 'POST', url: '/api/automations', headers: t.auth(ws.keys.owner),
      payload: { name: 'Welcome new customers', enabled: true, trigger: { type: 'event', topic: 'customer.created' }, actions: [{ type: 'add_tag', tag: 'welcomed' }] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const ruleId = rule.json().id;

    const quiet = await importFile(ws, fixture('shopify-customers.csv'));
    expect(quiet).toMatchObject({ status: 'succeeded', rowsInserted: 7, runAutomations: false });
    const quietIds = (await customersOf(ws)).map((c) => c.id);
    const loud = await importFile(ws, fixture('woocommerce-customers.csv'), { runAutomations: true });
    expect(loud).toMatchObject({ status: 'succeeded', rowsInserted: 4, runAutomations: true });
    const loudIds = (await customersOf(ws)).map((c) => c.id).filter((id) => !quietIds.includes(id));
    expect(loudIds).toHaveLength(4);

    // The relay hands events over in order: once the second import's have all run, the first's would have too.
    await eventually(async () => (await runsFor(ws, ruleId)).length >= 4, 'the rule to run for the customers of the second import');
    await eventually(async () => {
      const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id)', [ws.tenantId]);
      return rows[0].n === 0;
    }, 'every event of the workspace to be relayed');
    const ran = await runsFor(ws, ruleId);
    expect(ran.sort()).toEqual([...loudIds].sort());
    const tagged = await eventually(async () => {
      const rows = await customersOf(ws);
      return loudIds.every((id) => rows.find((r) => r.id === id)!.tags.includes('welcomed')) ? rows : undefined;
    }, 'the welcomed tag on the second import\'s customers');
    for (const id of quietIds) expect(tagged.find((r) => r.id === id)!.tags).not.toContain('welcomed');
    const { rows: created } = await t.database.pool.query<{ customer_id: string }>(
      `SELECT payload ->> 'customerId' AS customer_id FROM outbox_events WHERE tenant_id = $1 AND topic = 'customer.created'`, [ws.tenantId]);
    expect(created.map((r) => r.customer_id).sort()).toEqual([...loudIds].sort());
  }, 180_000);
});

describe('the command line --map', () => {
  it('imports a Shopify export with a join given on the command line, and writes the warnings beside the file', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-cli-shop-'));
    const file = path.join(dir, 'customers_export.csv');
    fs.writeFileSync(file, fixture('shopify-customers.csv'));
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await runCustomerImportCommand({ database: t.database, log: pino({ level: 'silent' }), file, workspaceSlug: ws.slug, mapping: ['Last Name+First Name=name'] });
    } finally {
      process.stdout.write = write;
    }
    expect(writes.join('')).toMatch(/7 read, 7 created, 0 updated, 0 refused, 1 with warnings/);
    expect(fs.readFileSync(`${file}.errors.csv`, 'utf8')).toContain('6,warning,tags,tag_dropped');
    expect(byEmail(await customersOf(ws), 'sara.ahmadi@example.com')).toMatchObject({ name: 'Ahmadi Sara' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads "First Name+Last Name=name" as a join and --run-automations as the option', () => {
    expect(parseMapOptions(['Mobile=phone'], CustomerImportMapping, { joinable: ['name', 'phone'] })).toEqual({ Mobile: 'phone' });
    expect(parseMapOptions(['Last Name + First Name=name', 'Mobile=phone'], CustomerImportMapping, { joinable: ['name', 'phone'], runAutomations: true })).toEqual({
      columns: { Mobile: 'phone' }, joins: { name: ['Last Name', 'First Name'] }, runAutomations: true,
    });
    expect(parseMapOptions(['C++=tags'], CustomerImportMapping, { joinable: ['name', 'phone'] })).toEqual({ 'C++': 'tags' });
  });
});
