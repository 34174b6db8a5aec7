import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { buildSearchText } from './customer.search-text.ts';
import { runCustomerImportCommand } from './customer-import.cli.ts';
import { importCustomers } from './customer-import.service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
const BOM = '\uFEFF';

/** A multipart body as a browser would send it. */
async function form(parts: { file?: { name: string; content: string | Buffer }; fields?: Record<string, string>; fileField?: string }) {
  const data = new FormData();
  for (const [name, value] of Object.entries(parts.fields ?? {})) data.append(name, value);
  if (parts.file) data.append(parts.fileField ?? 'file', new Blob([typeof parts.file.content === 'string' ? parts.file.content : new Uint8Array(parts.file.content)]), parts.file.name);
  const encoded = new Response(data);
  return { payload: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}

async function upload(ws: TestWorkspace, csv: string | Buffer, options: { mapping?: unknown; role?: Role; url?: string; headers?: Record<string, string> } = {}) {
  const body = await form({
    file: { name: 'customers.csv', content: csv },
    fields: options.mapping === undefined ? {} : { mapping: typeof options.mapping === 'string' ? options.mapping : JSON.stringify(options.mapping) },
  });
  return t.app.inject({
    method: 'POST',
    url: options.url ?? '/api/imports/customers',
    headers: { ...t.auth(ws.keys[options.role ?? 'manager']), 'content-type': body.contentType, ...options.headers },
    payload: body.payload,
  });
}

async function waitForImport(ws: TestWorkspace, id: string) {
  for (let i = 0; i < 400; i++) {
    const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: t.auth(ws.keys.manager) });
    expect(res.statusCode, res.body).toBe(200);
    const run = res.json();
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('import did not finish');
}

async function customersOf(ws: TestWorkspace) {
  const { rows } = await t.database.pool.query(
    `SELECT id, external_id, name, phone, email, birthday, birthday_calendar, language, tags, consent, attributes, search_text
     FROM customers WHERE tenant_id = $1 ORDER BY id`,
    [ws.tenantId],
  );
  return rows;
}

async function count(table: string, ws: TestWorkspace): Promise<number> {
  const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenantId]);
  return rows[0].n;
}

function uploadsLeft(ws: TestWorkspace): string[] {
  const dir = path.join(t.vafa.config.dataDir, 'imports', ws.tenantId);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

async function search(ws: TestWorkspace, q: string): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/api/customers?q=${encodeURIComponent(q)}`, headers: t.auth(ws.keys.agent) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((c: { name: string }) => c.name);
}

const PERSIAN_FILE = [
  'نام,موبایل,ایمیل,تاریخ تولد,برچسب‌ها,زبان',
  'علی رضایی,۰۹۱۲۱۲۳۴۵۶۷,Ali@Example.com,۱۳۷۰/۰۵/۱۲,vip|تهران,fa',
  'فاطمة الزهراء,+966501234567,fatima@example.sa,1403/12/30,,العربية',
  'مریم,0912000,maryam@example.com,,,',
  'رضا,09122222222,reza@example.com,1404/12/30,,',
  'سارا,09123333333,not-an-email,,,',
  'علی رضایی,09121234567,,1990-08-03,loyal,',
  'نام جدید,09124444444,EXISTING@example.com,,,en',
].join('\r\n');

describe('importing customers through the API', () => {
  it('imports a Persian file with Persian digits: E.164 phones, ISO birthdays, duplicates updated, bad rows reported', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const existing = await t.app.inject({
      method: 'POST', url: '/api/customers', headers: t.auth(ws.keys.manager), payload: { name: 'Old name', email: 'existing@example.com' },
    });
    expect(existing.statusCode, existing.body).toBe(201);

    const res = await upload(ws, BOM + PERSIAN_FILE);
    expect(res.statusCode, res.body).toBe(202);
    const queued = res.json();
    expect(queued).toMatchObject({ kind: 'customers', fileName: 'customers.csv', totalBytes: Buffer.byteLength(BOM + PERSIAN_FILE) });
    expect(queued.mapping).toMatchObject({ 'نام': 'name', 'موبایل': 'phone', 'ایمیل': 'email', 'تاریخ تولد': 'birthday', 'برچسب‌ها': 'tags', 'زبان': 'language' });

    const run = await waitForImport(ws, queued.id);
    expect(run).toMatchObject({ status: 'succeeded', rowsTotal: 7, rowsInserted: 2, rowsUpdated: 2, rowsFailed: 3, error: null });
    expect(run.processedBytes).toBe(run.totalBytes);
    expect(run.startedAt).not.toBeNull();
    expect(run.finishedAt).not.toBeNull();

    const rows = await customersOf(ws);
    expect(rows).toHaveLength(3);
    const ali = rows.find((r) => r.phone === '+989121234567');
    expect(ali).toMatchObject({ name: 'علی رضایی', email: 'ali@example.com', birthday: '1990-08-03', birthday_calendar: 'gregory', language: 'fa', tags: ['vip', 'تهران', 'loyal'] });
    const fatima = rows.find((r) => r.email === 'fatima@example.sa');
    expect(fatima).toMatchObject({ phone: '+966501234567', birthday: '2025-03-20', birthday_calendar: 'persian', language: 'ar' });
    const updated = rows.find((r) => r.id === existing.json().id);
    expect(updated).toMatchObject({ name: 'نام جدید', phone: '+989124444444', email: 'existing@example.com', language: 'en' });
    for (const row of rows) expect(row.search_text).toBe(buildSearchText({ name: row.name, email: row.email, phone: row.phone }, 'IR'));

    // Saved with Persian letters, found with Arabic ones, and the reverse; digits in any script.
    expect(await search(ws, 'علي رضايي')).toEqual(['علی رضایی']);
    expect(await search(ws, 'فاطمه')).toEqual(['فاطمة الزهراء']);
    expect(await search(ws, '٠٩١٢١٢٣٤٥٦٧')).toEqual(['علی رضایی']);

    const report = await t.app.inject({ method: 'GET', url: `/api/imports/${queued.id}/errors.csv`, headers: t.auth(ws.keys.manager) });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    expect(report.body.startsWith(BOM)).toBe(true);
    const lines = report.body.slice(1).trim().split(/\r?\n/);
    expect(lines[0]).toBe('row,severity,field,code,problem,original_line');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['4,error,phone,invalid_phone', '5,error,birthday,invalid_date', '6,error,email,invalid_email']);
    expect(lines[1]).toContain('مریم,0912000,maryam@example.com');
    expect(uploadsLeft(ws)).toEqual([]);
    expect(await count('outbox_events', ws)).toBeGreaterThan(0);
  });

  it('round-trips: an export imports back without creating anyone, and the export is audited', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const first = await upload(ws, [
      'Name,Mobile,Email,Birthday,Calendar,Tags,consent_sms',
      'نورة القحطاني,0501234567,noura@example.sa,1410/03/05,hijri,vip;wholesale,yes',
      '=1+2,0509999999,,,,,',
      'Nameless Phone,,,,,,',
      '"Smith, John",+971501234567,john@example.ae,1985-02-03,,,no',
    ].join('\n'));
    expect(first.statusCode, first.body).toBe(202);
    expect(await waitForImport(ws, first.json().id)).toMatchObject({ status: 'succeeded', rowsInserted: 4, rowsFailed: 0 });
    const before = await customersOf(ws);
    expect(before.find((c) => c.email === 'noura@example.sa')).toMatchObject({ phone: '+966501234567', birthday_calendar: 'islamic-umalqura', tags: ['vip', 'wholesale'] });

    const exported = await t.app.inject({ method: 'GET', url: '/api/exports/customers.csv', headers: t.auth(ws.keys.analyst) });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body.startsWith(BOM)).toBe(true);
    expect(exported.body).toContain('"Smith, John"');
    expect(exported.body).toContain('1410/03/05');
    // Formula-like cells are neutralised for spreadsheets (and read back unchanged).
    expect(exported.body).toContain("'=1+2");
    const { rows: audit } = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action = 'customers.exported'`, [ws.tenantId]);
    expect(audit).toHaveLength(1);

    const again = await upload(ws, Buffer.from(exported.rawPayload));
    expect(again.statusCode, again.body).toBe(202);
    expect(await waitForImport(ws, again.json().id)).toMatchObject({ status: 'succeeded', rowsTotal: 4, rowsInserted: 0, rowsUpdated: 4, rowsFailed: 0 });
    const after = await customersOf(ws);
    expect(after).toEqual(before.map((c) => ({ ...c })));
  });

  it('shows a run whose process stopped as failed, and lists runs newest first', async () => {
    const ws = await t.createWorkspace();
    await t.database.pool.query(
      `INSERT INTO imports (tenant_id, id, kind, status, file_name, created_at, started_at, heartbeat_at)
       VALUES ($1, '01900000-0000-7000-8000-000000000001', 'customers', 'running', 'big.csv', now() - interval '10 minutes', now() - interval '10 minutes', now() - interval '3 minutes')`,
      [ws.tenantId],
    );
    const stale = await t.app.inject({ method: 'GET', url: '/api/imports/01900000-0000-7000-8000-000000000001', headers: t.auth(ws.keys.admin) });
    expect(stale.json()).toMatchObject({ status: 'failed', error: expect.stringContaining('interrupted') });

    const res = await upload(ws, 'phone\n09121234567\n');
    await waitForImport(ws, res.json().id);
    const list = await t.app.inject({ method: 'GET', url: '/api/imports?limit=1', headers: t.auth(ws.keys.manager) });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([res.json().id]);
    const next = await t.app.inject({ method: 'GET', url: `/api/imports?limit=1&cursor=${list.json().nextCursor}`, headers: t.auth(ws.keys.manager) });
    expect(next.json()).toMatchObject({ items: [{ id: '01900000-0000-7000-8000-000000000001', status: 'failed' }], nextCursor: null });
  });

  it('replays an upload sent twice with one Idempotency-Key', async () => {
    const ws = await t.createWorkspace();
    const headers = { 'idempotency-key': 'import-once' };
    const first = await upload(ws, 'phone\n09121234567\n', { headers });
    const second = await upload(ws, 'phone\n09121234567\n', { headers });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    await waitForImport(ws, first.json().id);
    expect(await count('imports', ws)).toBe(1);
    expect(await count('customers', ws)).toBe(1);
  });
});

describe('refusing what cannot be imported', () => {
  const garbage: [string, () => Promise<{ payload: Buffer; contentType: string }>, number, string][] = [
    ['a binary file', () => form({ file: { name: 'x.csv', content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0, 0xff, 0xfe]) } }), 422, 'invalid_csv'],
    ['text that is not UTF-8', () => form({ file: { name: 'x.csv', content: Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xe1, 0xed, 0xc7, 0x0a]) } }), 422, 'invalid_csv'],
    ['an empty file', () => form({ file: { name: 'x.csv', content: '' } }), 422, 'invalid_csv'],
    ['a header without rows', () => form({ file: { name: 'x.csv', content: 'name,phone\n' } }), 422, 'invalid_csv'],
    ['a file without any customer column', () => form({ file: { name: 'x.csv', content: 'foo,bar\n1,2\n' } }), 422, 'invalid_csv'],
    ['no file part', () => form({ fields: { mapping: '{}' } }), 400, 'validation_failed'],
    ['a file under another name', () => form({ file: { name: 'x.csv', content: 'phone\n0912\n' }, fileField: 'upload' }), 400, 'validation_failed'],
    ['an unknown form field', () => form({ file: { name: 'x.csv', content: 'phone\n0912\n' }, fields: { drop: 'table' } }), 400, 'validation_failed'],
    ['a mapping that is not JSON', () => form({ file: { name: 'x.csv', content: 'phone\n0912\n' }, fields: { mapping: '{phone' } }), 400, 'validation_failed'],
    ['a mapping to an unknown field', () => form({ file: { name: 'x.csv', content: 'tel\n0912\n' }, fields: { mapping: JSON.stringify({ tel: 'telephone' }) } }), 400, 'validation_failed'],
    ['a mapping with a wrong type', () => form({ file: { name: 'x.csv', content: 'tel\n0912\n' }, fields: { mapping: JSON.stringify({ tel: 5 }) } }), 400, 'validation_failed'],
    ['a mapping naming a column the file lacks', () => form({ file: { name: 'x.csv', content: 'phone\n0912\n' }, fields: { mapping: JSON.stringify({ "<script>alert(1)</script>'; DROP TABLE customers;--": 'email' }) } }), 422, 'invalid_csv'],
    ['headers named like Object internals', () => form({ file: { name: 'x.csv', content: 'constructor,__proto__,toString\n1,2,3\n' } }), 422, 'invalid_csv'],
    ['an attribute the workspace has not defined', () => form({ file: { name: 'x.csv', content: 'phone,attribute.size\n0912,M\n' } }), 422, 'invalid_attribute'],
  ];

  it.each(garbage)('refuses %s with a problem and writes nothing', async (_label, build, status, code) => {
    const ws = await t.createWorkspace();
    const body = await build();
    const res = await t.app.inject({ method: 'POST', url: '/api/imports/customers', headers: { ...t.auth(ws.keys.owner), 'content-type': body.contentType }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
    expect(await count('imports', ws)).toBe(0);
    expect(await count('customers', ws)).toBe(0);
    expect(uploadsLeft(ws)).toEqual([]);
  });

  it.each([
    ['a JSON body with Persian digits', { 'content-type': 'application/json' }, JSON.stringify({ file: '۱۲۳', rows: [{ phone: '۰۹۱۲' }] })],
    ['a bare CSV body', { 'content-type': 'text/csv' }, 'phone\n09121234567\n'],
  ])('refuses %s: uploads are multipart', async (_label, headers, payload) => {
    const ws = await t.createWorkspace();
    const res = await t.app.inject({ method: 'POST', url: '/api/imports/customers', headers: { ...t.auth(ws.keys.owner), ...headers }, payload });
    expect([400, 415]).toContain(res.statusCode);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(['validation_failed', 'unsupported_media_type']).toContain(res.json().code);
    expect(await count('imports', ws)).toBe(0);
    expect(await count('customers', ws)).toBe(0);
  });

  it('keeps imports and exports to the roles allowed, and each workspace to its own runs', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    for (const role of ['agent', 'analyst'] as const) {
      const res = await upload(ws, 'phone\n09121234567\n', { role });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().code).toBe('forbidden');
      const list = await t.app.inject({ method: 'GET', url: '/api/imports', headers: t.auth(ws.keys[role]) });
      expect(list.statusCode).toBe(403);
    }
    const agentExport = await t.app.inject({ method: 'GET', url: '/api/exports/customers.csv', headers: t.auth(ws.keys.agent) });
    expect(agentExport.statusCode).toBe(403);
    expect(await count('imports', ws)).toBe(0);

    const mine = await upload(ws, 'phone\n09121234567\n');
    await waitForImport(ws, mine.json().id);
    for (const url of [`/api/imports/${mine.json().id}`, `/api/imports/${mine.json().id}/errors.csv`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: t.auth(other.keys.owner) });
      expect(res.statusCode, url).toBe(404);
    }
    const theirs = await t.app.inject({ method: 'GET', url: '/api/imports', headers: t.auth(other.keys.owner) });
    expect(theirs.json().items).toEqual([]);
    const theirExport = await t.app.inject({ method: 'GET', url: '/api/exports/customers.csv', headers: t.auth(other.keys.owner) });
    expect(theirExport.body).not.toContain('+989121234567');
  });
});

describe('the API description', () => {
  it('documents the import and export routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const route of ['/api/imports/customers', '/api/imports/customers/proposal', '/api/imports/orders', '/api/imports', '/api/imports/{id}', '/api/imports/{id}/errors.csv', '/api/exports/customers.csv', '/api/exports/orders.csv']) {
      expect(paths).toContain(route);
    }
  });
});

describe('the import service', () => {
  const source = (text: string) => Readable.from([Buffer.from(text)]);
  const actor = { kind: 'user', id: 'tester' };

  it('applies rows in file order across batches, with consent, attributes and conflicts', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const define = await t.app.inject({
      method: 'POST', url: '/api/customer-attributes', headers: t.auth(ws.keys.owner),
      payload: { key: 'size', type: 'choice', label: { fa: 'سایز', ar: 'المقاس', en: 'Size' }, options: ['S', 'M', 'L'] },
    });
    expect(define.statusCode, define.body).toBe(201);
    const lina = await t.app.inject({ method: 'POST', url: '/api/customers', headers: t.auth(ws.keys.manager), payload: { name: 'Lina', email: 'lina@example.com' } });

    const file = [
      'external_id;name;phone;email;consent_sms;attribute.size;tags',
      'C-1;Sam;09125550001;sam@example.com;بله;M;a',
      'C-2;Ziba;09125550002;;no;XL;',
      'C-3;;09125550003;;maybe;;',
      ';;۰۹۱۲۵۵۵۰۰۰۱;sam2@example.com;;L;b',
      'C-1;;;lina@example.com;;;',
      ';Ziba Z;09125550002;;yes;;',
    ].join('\n');
    const seen: number[] = [];
    const result = await importCustomers({
      database: t.database, tenantId: ws.tenantId, actor, source: source(file), fileName: 'f.csv', totalBytes: Buffer.byteLength(file),
      mapping: {}, batchSize: 2, onProgress: (p) => seen.push(p.rowsTotal),
    });
    expect(result.progress).toMatchObject({ rowsTotal: 6, rowsInserted: 2, rowsUpdated: 1, rowsFailed: 3 });
    expect(seen).toEqual([2, 4, 6, 6]);

    const rows = await customersOf(ws);
    const sam = rows.find((r) => r.external_id === 'C-1');
    // Row 5 named no one: Sam keeps his name, and his search text still holds it.
    expect(sam).toMatchObject({ name: 'Sam', phone: '+989125550001', email: 'sam2@example.com', tags: ['a', 'b'], attributes: { size: 'L' } });
    expect(sam.consent.sms).toMatchObject({ granted: true, source: 'import' });
    expect(sam.search_text).toBe(buildSearchText({ name: 'Sam', email: 'sam2@example.com', phone: '+989125550001' }, 'IR'));
    expect(rows.find((r) => r.id === lina.json().id)).toMatchObject({ name: 'Lina', external_id: null });
    const { rows: consent } = await t.database.pool.query(`SELECT channel, status, source, actor_id FROM consent_events WHERE tenant_id = $1`, [ws.tenantId]);
    expect(consent).toEqual([
      { channel: 'sms', status: 'granted', source: 'import', actor_id: 'user:tester' },
      { channel: 'sms', status: 'granted', source: 'import', actor_id: 'user:tester' },
    ]);
    expect(rows.find((r) => r.phone === '+989125550002')).toMatchObject({ name: 'Ziba Z', external_id: null });

    const { rows: errors } = await t.database.pool.query(`SELECT row_number, problems FROM import_errors WHERE tenant_id = $1 ORDER BY row_number`, [ws.tenantId]);
    expect(errors).toEqual([
      { row_number: 3, problems: [{ field: 'attribute.size', code: 'invalid_attribute' }] },
      { row_number: 4, problems: [{ field: 'consent_sms', code: 'invalid_boolean' }] },
      { row_number: 6, problems: [{ field: 'email', code: 'duplicate_customer' }] },
    ]);
  });

  it('applies two rows about one stored customer one after the other', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const stored = await t.app.inject({
      method: 'POST', url: '/api/customers', headers: t.auth(ws.keys.manager), payload: { name: 'Old', phone: '09121230000', email: 'x@example.com', tags: ['t0'] },
    });
    const file = 'phone,email,name,tags\n09121230000,,,t1\n,x@example.com,New Name,t2\n09121230000,,,t3\n';
    const result = await importCustomers({
      database: t.database, tenantId: ws.tenantId, actor, source: source(file), fileName: 'f.csv', totalBytes: file.length, mapping: {},
    });
    expect(result.progress).toMatchObject({ rowsTotal: 3, rowsInserted: 0, rowsUpdated: 3, rowsFailed: 0 });
    const [row] = await customersOf(ws);
    expect(row).toMatchObject({ id: stored.json().id, name: 'New Name', phone: '+989121230000', email: 'x@example.com', tags: ['t0', 't2', 't1', 't3'] });
    expect(row.search_text).toBe(buildSearchText({ name: 'New Name', email: 'x@example.com', phone: '+989121230000' }, 'IR'));
  });

  it('stops between batches when told to, keeping whole batches and marking the run interrupted', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const file = ['phone', ...Array.from({ length: 6 }, (_, i) => `0912000000${i}`)].join('\n');
    const controller = new AbortController();
    await expect(importCustomers({
      database: t.database, tenantId: ws.tenantId, actor, source: source(file), fileName: 'f.csv', totalBytes: file.length, mapping: {},
      batchSize: 2, signal: controller.signal, onProgress: () => controller.abort(),
    })).rejects.toThrow(/interrupted/);
    expect(await count('customers', ws)).toBe(2);
    const { rows } = await t.database.pool.query('SELECT status, error, rows_total FROM imports WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows).toEqual([{ status: 'failed', error: expect.stringContaining('interrupted'), rows_total: 2 }]);
  });

  it('runs from the command line with a mapping and writes the error report beside the file', async () => {
    const ws = await t.createWorkspace({ country: 'AE' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-cli-import-'));
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, 'Full Name,Cell No\nAhmed,0501234567\nBroken,12\n');
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await runCustomerImportCommand({ database: t.database, log: pino({ level: 'silent' }), file, workspaceSlug: ws.slug, mapping: ['Cell No=phone'] });
    } finally {
      process.stdout.write = write;
    }
    expect(writes.join('')).toMatch(/2 read, 1 created, 0 updated, 1 refused, 0 with warnings/);
    expect(writes.join('')).toMatch(/peak RSS: \d+ MiB/);
    const report = fs.readFileSync(`${file}.errors.csv`, 'utf8');
    expect(report.startsWith(BOM)).toBe(true);
    expect(report).toContain('3,error,phone,invalid_phone');
    expect((await customersOf(ws)).map((c) => [c.name, c.phone])).toEqual([['Ahmed', '+971501234567']]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
