import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { listCustomers } from './customer-list.repo.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];

function api(ws: TestWorkspace, role: Role = 'manager') {
  const headers = t.auth(ws.keys[role]);
  return {
    post: (url: string, payload?: unknown, extra: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload: payload as object }) }),
    patch: (url: string, payload: unknown) => t.app.inject({ method: 'PATCH', url, headers, payload: payload as object }),
    get: (url: string) => t.app.inject({ method: 'GET', url, headers }),
    delete: (url: string) => t.app.inject({ method: 'DELETE', url, headers }),
  };
}

async function createCustomer(ws: TestWorkspace, payload: Record<string, unknown>) {
  const res = await api(ws).post('/api/customers', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function rowCount(table: string, tenantId: string): Promise<number> {
  const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  return rows[0].n;
}

async function search(ws: TestWorkspace, q: string): Promise<string[]> {
  const res = await api(ws).get(`/api/customers?q=${encodeURIComponent(q)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((c: { id: string }) => c.id);
}

describe('creating and reading customers', () => {
  it('keeps a customer time zone for quiet hours and dated automations, refuses an unknown one, and clears it', async () => {
    const ws = await t.createWorkspace({ country: 'AE' });
    const created = await createCustomer(ws, { name: 'Sara', timeZone: 'Asia/Riyadh' });
    expect(created.timeZone).toBe('Asia/Riyadh');
    const bad = await api(ws).patch(`/api/customers/${created.id}`, { timeZone: 'Mars/Olympus_Mons' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.timeZone');
    expect((await api(ws).get(`/api/customers/${created.id}`)).json().timeZone).toBe('Asia/Riyadh');
    const cleared = await api(ws).patch(`/api/customers/${created.id}`, { timeZone: null });
    expect(cleared.json().timeZone).toBeNull();
  });

  it('stores the phone as E.164, the birthday in its calendar, consent with its history, and reads it back', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    await api(ws, 'owner').post('/api/customer-attributes', { key: 'city', type: 'text', label: { fa: 'شهر', ar: 'مدينة', en: 'City' } });
    await api(ws, 'owner').post('/api/customer-attributes', { key: 'vip', type: 'boolean', label: { fa: 'ویژه', ar: 'مميز', en: 'VIP' } });
    const created = await createCustomer(ws, {
      externalId: 'shop-1',
      name: 'علی کریمی',
      phone: '۰۹۱۲ ۳۴۵ ۶۷۸۹',
      email: ' Ali.Karimi@Example.COM ',
      birthday: { calendar: 'persian', year: 1370, month: 1, day: 1 },
      language: 'fa',
      preferredChannel: 'sms',
      consent: { sms: { granted: true, source: 'checkout' }, email: { granted: false } },
      tags: ['وفادار', 'vip', 'vip'],
      attributes: { city: 'تهران', vip: true },
    });
    expect(created).toMatchObject({
      externalId: 'shop-1',
      name: 'علی کریمی',
      phone: '+989123456789',
      email: 'ali.karimi@example.com',
      birthday: { calendar: 'persian', year: 1370, month: 1, day: 1, iso: '1991-03-21' },
      language: 'fa',
      preferredChannel: 'sms',
      consent: { sms: { granted: true, source: 'checkout' }, email: { granted: false, source: 'api' } },
      tags: ['وفادار', 'vip'],
      attributes: { city: 'تهران', vip: true },
      orderCount: 0,
      mergedInto: null,
      erasedAt: null,
    });
    // uuid v7: the id starts with the creation time
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);

    const read = await api(ws, 'analyst').get(`/api/customers/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);

    const { rows: events } = await t.database.pool.query(
      `SELECT channel, status, source, actor_id FROM consent_events WHERE tenant_id = $1 AND customer_id = $2 ORDER BY channel`, [ws.tenantId, created.id]);
    expect(events).toEqual([
      { channel: 'email', status: 'withdrawn', source: 'api', actor_id: expect.stringMatching(/^api_key:/) },
      { channel: 'sms', status: 'granted', source: 'checkout', actor_id: expect.stringMatching(/^api_key:/) },
    ]);
    const { rows: [stored] } = await t.database.pool.query(`SELECT search_text FROM customers WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, created.id]);
    expect(stored.search_text).toBe('علیکریمی ali.karimi@example.com 989123456789 09123456789');
    const { rows: outbox } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'customer.created'`, [ws.tenantId]);
    expect(outbox).toEqual([{ payload: { customerId: created.id } }]);
  });

  it('reads phones with the workspace country', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const created = await createCustomer(ws, { name: 'خالد', phone: '٠٥٠ ١٢٣ ٤٥٦٧' });
    expect(created.phone).toBe('+966501234567');
    const uae = await createCustomer(ws, { name: 'Sara', phone: '+971 50 123 4567' });
    expect(uae.phone).toBe('+971501234567');
    const local = await createCustomer(ws, { name: 'Omar', phone: '050 765 4321', phoneCountry: 'AE' });
    expect(local.phone).toBe('+971507654321');
    const moved = await api(ws).patch(`/api/customers/${local.id}`, { phone: '0912 345 6789', phoneCountry: 'IR' });
    expect(moved.json().phone).toBe('+989123456789');
  });

  it('updates with PATCH: absent stays, null clears, attributes merge, consent changes are recorded once', async () => {
    const ws = await t.createWorkspace();
    await api(ws, 'owner').post('/api/customer-attributes', { key: 'city', type: 'text', label: { fa: 'شهر', ar: 'مدينة', en: 'City' } });
    await api(ws, 'owner').post('/api/customer-attributes', { key: 'floor', type: 'number', label: { fa: 'طبقه', ar: 'طابق', en: 'Floor' } });
    const c = await createCustomer(ws, {
      name: 'Sara Ahmadi', phone: '09121111111', email: 'sara@example.com', birthday: { calendar: 'gregory', year: 1990, month: 5, day: 4 },
      consent: { sms: { granted: true } }, tags: ['a'], attributes: { city: 'Shiraz', floor: 3 },
    });
    const res = await api(ws).patch(`/api/customers/${c.id}`, {
      email: null, birthday: null, name: 'سارا احمدی', attributes: { floor: null, city: 'Tabriz' }, tags: ['b', 'c'],
      consent: { sms: { granted: true, source: 'form' }, email: { granted: true, source: 'form' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'سارا احمدی', phone: '+989121111111', email: null, birthday: null, tags: ['b', 'c'], attributes: { city: 'Tabriz' },
      consent: { sms: { granted: true, source: 'api' }, email: { granted: true, source: 'form' } },
    });
    expect(await rowCount('consent_events', ws.tenantId)).toBe(2);
    expect(await search(ws, 'سارا')).toEqual([c.id]);
    expect(await search(ws, 'sara@example')).toEqual([]);

    const withdrawn = await api(ws).patch(`/api/customers/${c.id}`, { consent: { sms: { granted: false, source: 'sms-stop' } } });
    expect(withdrawn.json().consent.sms).toMatchObject({ granted: false, source: 'sms-stop' });
    expect(await rowCount('consent_events', ws.tenantId)).toBe(3);
  });

  it('answers 404 for an unknown customer and for another workspace\'s customer', async () => {
    const a = await t.createWorkspace();
    const b = await t.createWorkspace();
    const c = await createCustomer(a, { name: 'Only in A' });
    for (const res of [
      await api(b).get(`/api/customers/${c.id}`),
      await api(b).patch(`/api/customers/${c.id}`, { name: 'stolen' }),
      await api(a).get('/api/customers/01900000-0000-7000-8000-000000000000'),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
    expect((await api(b).get('/api/customers')).json().items).toEqual([]);
    expect((await api(a).get(`/api/customers/${c.id}`)).json().name).toBe('Only in A');
  });

  it('checks roles: an analyst cannot write, an agent cannot merge, export or erase', async () => {
    const ws = await t.createWorkspace();
    const c = await createCustomer(ws, { name: 'Role check' });
    expect((await api(ws, 'analyst').post('/api/customers', { name: 'x' })).statusCode).toBe(403);
    expect((await api(ws, 'analyst').patch(`/api/customers/${c.id}`, { name: 'x' })).statusCode).toBe(403);
    expect((await api(ws, 'agent').post(`/api/customers/${c.id}/merge`, { sourceId: c.id })).statusCode).toBe(403);
    expect((await api(ws, 'agent').get(`/api/customers/${c.id}/export`)).statusCode).toBe(403);
    expect((await api(ws, 'manager').post(`/api/customers/${c.id}/erase`)).statusCode).toBe(403);
    expect((await api(ws, 'agent').post('/api/customer-attributes', { key: 'k', type: 'text', label: { fa: 'a', ar: 'a', en: 'a' } })).statusCode).toBe(403);
    expect(await rowCount('customers', ws.tenantId)).toBe(1);
  });

  it('creates one customer for a repeated POST with the same Idempotency-Key', async () => {
    const ws = await t.createWorkspace();
    const first = await api(ws).post('/api/customers', { name: 'Once', phone: '09125555555' }, { 'idempotency-key': 'create-once' });
    const again = await api(ws).post('/api/customers', { name: 'Once', phone: '09125555555' }, { 'idempotency-key': 'create-once' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(await rowCount('customers', ws.tenantId)).toBe(1);
  });
});

describe('duplicates and invalid input', () => {
  it('refuses a second live customer with the same phone, e-mail or external id (409), however typed', async () => {
    const ws = await t.createWorkspace();
    const first = await createCustomer(ws, { externalId: 'x-1', name: 'First', phone: '09123456789', email: 'first@example.com' });
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'Phone twin', phone: '+98 912 345 6789' }, 'phone'],
      [{ name: 'Phone twin', phone: '۰۹۱۲۳۴۵۶۷۸۹' }, 'phone'],
      [{ name: 'Mail twin', email: 'FIRST@example.com' }, 'email'],
      [{ name: 'Id twin', externalId: 'x-1' }, 'externalId'],
    ];
    for (const [payload, field] of cases) {
      const res = await api(ws).post('/api/customers', payload);
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'duplicate_customer', errors: [{ field }] });
    }
    const second = await createCustomer(ws, { name: 'Second', phone: '09120000000' });
    const patched = await api(ws).patch(`/api/customers/${second.id}`, { email: 'first@example.com' });
    expect(patched.statusCode).toBe(409);
    expect(patched.json()).toMatchObject({ code: 'duplicate_customer', errors: [{ field: 'email' }] });
    expect((await api(ws).patch(`/api/customers/${first.id}`, { phone: '0912 345 6789' })).statusCode).toBe(200);
    expect(await rowCount('customers', ws.tenantId)).toBe(2);
    expect((await api(ws).get(`/api/customers/${second.id}`)).json().email).toBeNull();
  });

  it('answers 422 for a phone or birthday that does not exist, writing nothing', async () => {
    const ws = await t.createWorkspace();
    const badPhone = await api(ws).post('/api/customers', { name: 'Bad phone', phone: '12345', consent: { sms: { granted: true } } });
    expect(badPhone.statusCode).toBe(422);
    expect(badPhone.json()).toMatchObject({ code: 'invalid_phone', errors: [{ field: 'phone', code: 'invalid_phone' }] });
    const badDay = await api(ws).post('/api/customers', { name: 'Bad day', birthday: { calendar: 'persian', year: 1403, month: 12, day: 31 }, consent: { sms: { granted: true } } });
    expect(badDay.statusCode).toBe(422);
    expect(badDay.json()).toMatchObject({ code: 'invalid_date', errors: [{ field: 'birthday' }] });
    const badFebruary = await api(ws, 'agent').post('/api/customers', { name: 'Bad February', birthday: { calendar: 'gregory', year: 2023, month: 2, day: 29 } });
    expect(badFebruary.json().code).toBe('invalid_date');
    expect(await rowCount('customers', ws.tenantId)).toBe(0);
    expect(await rowCount('consent_events', ws.tenantId)).toBe(0);
    expect(await rowCount('outbox_events', ws.tenantId)).toBe(0);

    const c = await createCustomer(ws, { name: 'Kept', phone: '09121234567' });
    const res = await api(ws).patch(`/api/customers/${c.id}`, { name: 'Changed', phone: 'not a phone' });
    expect(res.json().code).toBe('invalid_phone');
    expect((await api(ws).get(`/api/customers/${c.id}`)).json()).toMatchObject({ name: 'Kept', phone: '+989121234567' });
  });

  it('validates attributes against their definitions', async () => {
    const ws = await t.createWorkspace();
    const owner = api(ws, 'owner');
    expect((await owner.post('/api/customer-attributes', { key: 'size', type: 'choice', label: { fa: 'سایز', ar: 'مقاس', en: 'Size' }, options: ['S', 'M', 'L'] })).statusCode).toBe(201);
    expect((await owner.post('/api/customer-attributes', { key: 'since', type: 'date', label: { fa: 'از', ar: 'منذ', en: 'Since' } })).statusCode).toBe(201);
    expect((await owner.post('/api/customer-attributes', { key: 'points', type: 'number', label: { fa: 'امتیاز', ar: 'نقاط', en: 'Points' } })).statusCode).toBe(201);
    const cases: [Record<string, unknown>, string][] = [
      [{ unknown_key: 'x' }, 'unknown_key'],
      [{ size: 'XXL' }, 'size'],
      [{ since: '2024-02-30' }, 'since'],
      [{ points: '12' }, 'points'],
      [{ points: true }, 'points'],
    ];
    for (const [attributes, key] of cases) {
      const res = await api(ws).post('/api/customers', { name: 'Attr', attributes });
      expect(res.statusCode, JSON.stringify(attributes)).toBe(422);
      expect(res.json()).toMatchObject({ code: 'invalid_attribute', errors: [{ field: `attributes.${key}` }] });
      expect(res.json().detail).toContain(key);
    }
    expect(await rowCount('customers', ws.tenantId)).toBe(0);
    const ok = await createCustomer(ws, { name: 'Attr', attributes: { size: 'M', since: '2024-02-29', points: 12.5 } });
    expect(ok.attributes).toEqual({ size: 'M', since: '2024-02-29', points: 12.5 });
  });
});

describe('attribute definitions', () => {
  it('lists, refuses duplicates and bad definitions, and deleting one removes its values', async () => {
    const ws = await t.createWorkspace();
    const owner = api(ws, 'owner');
    const label = { fa: 'شهر', ar: 'مدينة', en: 'City' };
    const created = await owner.post('/api/customer-attributes', { key: 'city', type: 'text', label });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ key: 'city', type: 'text', label });
    expect((await owner.post('/api/customer-attributes', { key: 'city', type: 'number', label })).statusCode).toBe(409);
    expect((await owner.post('/api/customer-attributes', { key: 'tier', type: 'choice', label })).json().code).toBe('invalid_attribute');
    expect((await owner.post('/api/customer-attributes', { key: 'Bad Key', type: 'text', label })).statusCode).toBe(400);
    const list = await api(ws, 'agent').get('/api/customer-attributes');
    expect(list.json().items.map((d: { key: string }) => d.key)).toEqual(['city']);

    const c = await createCustomer(ws, { name: 'With city', attributes: { city: 'Yazd' } });
    const segment = await owner.post('/api/segments', { name: 'Yazdis', rules: { match: 'all', conditions: [{ field: 'attribute.city', op: 'eq', value: 'Yazd' }] } });
    expect(segment.statusCode).toBe(201);
    const refused = await owner.delete('/api/customer-attributes/city');
    expect(refused.statusCode).toBe(409);
    expect(await owner.delete(`/api/segments/${segment.json().id}`).then((r) => r.statusCode)).toBe(204);
    expect((await owner.delete('/api/customer-attributes/city')).statusCode).toBe(204);
    expect((await owner.delete('/api/customer-attributes/city')).statusCode).toBe(404);
    expect((await api(ws).get(`/api/customers/${c.id}`)).json().attributes).toEqual({});
  });
});

describe('search', () => {
  it('finds a customer by any part of the name, phone or e-mail, across Persian and Arabic letters and digits', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const ali = await createCustomer(ws, { name: 'علی کریمی', phone: '۰۹۱۲۳۴۵۶۷۸۹', email: 'ali.k@example.com' });
    const arabic = await createCustomer(ws, { name: 'فاطمة الكعبي', phone: '٠٩٣٥١١١٢٢٣٣' });
    const zwnj = await createCustomer(ws, { name: 'محمد\u200Cرضا نوری' });
    const spaced = await createCustomer(ws, { name: 'محمد رضا صدری' });
    await createCustomer(ws, { name: 'Someone Else', phone: '09350000000', email: 'else@example.com' });

    for (const q of ['علي كريمي', 'کریمی', 'كريمي', '٠٩١٢٣٤٥٦٧٨٩', '۰۹۱۲۳۴۵۶۷۸۹', '+98 912 345 6789', '9123456789', '00989123456789', 'ALI.K@example', 'ali.k']) {
      expect(await search(ws, q), q).toEqual([ali.id]);
    }
    for (const q of ['فاطمه الکعبی', 'کعبی', '۰۹۳۵۱۱۱۲۲۳۳', '+989351112233']) {
      expect(await search(ws, q), q).toEqual([arabic.id]);
    }
    for (const q of ['محمد رضا', 'محمد\u200Cرضا', 'محمدرضا']) {
      expect((await search(ws, q)).sort(), q).toEqual([zwnj.id, spaced.id].sort());
    }
    expect(await search(ws, 'نوری محمدرضا')).toEqual([zwnj.id]);
    expect(await search(ws, 'nobody')).toEqual([]);
  });

  it('takes LIKE wildcards and SQL in the query literally', async () => {
    const ws = await t.createWorkspace();
    const percent = await createCustomer(ws, { name: '100% Cotton' });
    await createCustomer(ws, { name: 'Plain' });
    expect(await search(ws, '%')).toEqual([percent.id]);
    expect(await search(ws, '_')).toEqual([]);
    expect(await search(ws, "' OR 1=1 --")).toEqual([]);
    expect(await rowCount('customers', ws.tenantId)).toBe(2);
  });
});

describe('listing', () => {
  it('returns every customer exactly once across keyset pages, newest first', async () => {
    const ws = await t.createWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await createCustomer(ws, { name: `Customer ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api(ws).get(`/api/customers?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body: { items: { id: string }[]; nextCursor: string | null } = res.json();
      seen.push(...body.items.map((c) => c.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual([...ids].reverse());
  });

  it('pages a filtered list exactly once, whether a page fills among the newest customers or needs the whole workspace', async () => {
    const ws = await t.createWorkspace();
    const tagged: string[] = [];
    for (let i = 0; i < 30; i++) {
      const c = await createCustomer(ws, { name: `Filtered ${i}`, tags: i % 3 === 0 || i > 25 ? ['gold'] : [] });
      if (c.tags.length > 0) tagged.push(c.id);
    }
    for (const recentWindow of [2, 4, 7, 10_000]) {
      const seen: string[] = [];
      let afterId: string | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const after = afterId ? { id: afterId, key: null, amongEmpty: false } : undefined;
        const rows = await listCustomers(t.database.db, ws.tenantId, { tag: 'gold' }, { after, limit: 3, recentWindow });
        seen.push(...rows.map((r) => r.id));
        if (rows.length < 3) break;
        afterId = rows[rows.length - 1]!.id;
      }
      expect(seen, `window ${recentWindow}`).toEqual([...tagged].reverse());
    }
    const searched = await listCustomers(t.database.db, ws.tenantId, { search: { needles: ['filtered2'] } }, { limit: 20, recentWindow: 5 });
    expect(searched.map((r) => r.name).sort()).toEqual(['Filtered 2', 'Filtered 20', 'Filtered 21', 'Filtered 22', 'Filtered 23', 'Filtered 24', 'Filtered 25', 'Filtered 26', 'Filtered 27', 'Filtered 28', 'Filtered 29']);
  });

  it('refuses a cursor it did not hand out', async () => {
    const ws = await t.createWorkspace();
    for (const cursor of ['garbage!', 'eyJpZCI6IjEyMyJ9', Buffer.from('{"id":"x"}').toString('base64url'), 'AAAA']) {
      const res = await api(ws).get(`/api/customers?cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, cursor).toBe(400);
      expect(res.json().code).toBe('invalid_cursor');
    }
  });

  it('filters by tag, language and consent, and hides merged and erased customers unless asked', async () => {
    const ws = await t.createWorkspace();
    const a = await createCustomer(ws, { name: 'A', language: 'fa', tags: ['gold'], consent: { sms: { granted: true } } });
    const b = await createCustomer(ws, { name: 'B', language: 'ar', tags: ['gold', 'new'], consent: { sms: { granted: false } } });
    const c = await createCustomer(ws, { name: 'C', language: 'fa', phone: '09121212121' });
    const d = await createCustomer(ws, { name: 'D' });
    const ids = async (query: string) => (await api(ws).get(`/api/customers?${query}`)).json().items.map((x: { id: string }) => x.id);
    expect(await ids('tag=gold')).toEqual([b.id, a.id]);
    expect(await ids('language=fa')).toEqual([c.id, a.id]);
    expect(await ids('consent=sms')).toEqual([a.id]);
    expect(await ids('tag=gold&language=ar')).toEqual([b.id]);

    expect((await api(ws, 'owner').post(`/api/customers/${a.id}/merge`, { sourceId: c.id })).statusCode).toBe(200);
    expect((await api(ws, 'owner').post(`/api/customers/${d.id}/erase`)).statusCode).toBe(200);
    expect(await ids('')).toEqual([b.id, a.id]);
    expect(await ids('state=merged')).toEqual([c.id]);
    expect(await ids('state=erased')).toEqual([d.id]);
    expect(await ids('state=all')).toEqual([d.id, c.id, b.id, a.id]);
  });
});

describe('documentation', () => {
  it('describes every customers, attributes and segments route in OpenAPI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const path of ['/api/customers', '/api/customers/{id}', '/api/customers/{id}/merge', '/api/customers/{id}/export', '/api/customers/{id}/erase',
      '/api/customer-attributes', '/api/customer-attributes/{key}', '/api/segments', '/api/segments/{id}', '/api/segments/{id}/members', '/api/segments/preview']) {
      expect(paths).toContain(path);
    }
  });
});

describe('garbage input to the write routes', () => {
  it('answers 4xx problem+json and writes nothing', async () => {
    const ws = await t.createWorkspace();
    const existing = await createCustomer(ws, { name: 'Existing', phone: '09127777777' });
    const before = { customers: await rowCount('customers', ws.tenantId), consent: await rowCount('consent_events', ws.tenantId) };
    const m = api(ws, 'owner');
    const attempts = [
      () => m.post('/api/customers', { name: 42 }),
      () => m.post('/api/customers', { name: 'x', isAdmin: true }),
      () => m.post('/api/customers', { name: 'x', phone: '۰۹۱۲' }),
      () => m.post('/api/customers', { name: 'x', phone: "0912'; DROP TABLE customers; --" }),
      () => m.post('/api/customers', { name: 'x', email: '<script>alert(1)</script>' }),
      () => m.post('/api/customers', { name: 'x', birthday: { calendar: 'persian', year: '۱۳۷۰', month: 1, day: 1 } }),
      () => m.post('/api/customers', { name: 'x', birthday: { calendar: 'julian', year: 1370, month: 1, day: 1 } }),
      () => m.post('/api/customers', { name: 'x', consent: { fax: { granted: true } } }),
      () => m.post('/api/customers', { name: 'x', consent: { sms: { granted: 'yes' } } }),
      () => m.post('/api/customers', { name: 'x', tags: ['a,b'] }),
      () => m.post('/api/customers', { name: 'x', tags: 'vip' }),
      () => m.post('/api/customers', { name: 'x', attributes: { 'Bad Key': 1 } }),
      () => m.post('/api/customers', { name: 'x', attributes: { nested: { a: 1 } } }),
      () => m.post('/api/customers', { name: 'x'.repeat(301) }),
      () => m.post('/api/customers', { name: '' }),
      () => m.post('/api/customers', [1, 2, 3]),
      () => t.app.inject({ method: 'POST', url: '/api/customers', headers: { ...t.auth(ws.keys.owner), 'content-type': 'application/json' }, payload: '{"name": "broken' }),
      () => t.app.inject({ method: 'POST', url: '/api/customers', headers: { ...t.auth(ws.keys.owner), 'content-type': 'application/json' }, payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }),
      () => m.patch(`/api/customers/${existing.id}`, { phone: 12345 }),
      () => m.patch(`/api/customers/${existing.id}`, { orderCount: 99 }),
      () => m.patch(`/api/customers/${existing.id}`, { language: 'de' }),
      () => m.patch('/api/customers/not-a-uuid', { name: 'x' }),
      () => m.post(`/api/customers/${existing.id}/merge`, { sourceId: 'x' }),
      () => m.post(`/api/customers/${existing.id}/merge`, { sourceId: existing.id, extra: 1 }),
      () => m.post(`/api/customers/${existing.id}/merge`, {}),
      () => m.post('/api/customers/1 OR 1=1/erase'),
      () => m.post('/api/customer-attributes', { key: 'k', type: 'json', label: { fa: 'a', ar: 'a', en: 'a' } }),
      () => m.post('/api/customer-attributes', { key: 'k', type: 'text', label: { en: 'only english' } }),
      () => m.post('/api/customer-attributes', { key: "k'; --", type: 'text', label: { fa: 'a', ar: 'a', en: 'a' } }),
      () => m.delete('/api/customer-attributes/NOT%20A%20KEY'),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.statusCode, `${res.statusCode} ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(typeof res.json().code).toBe('string');
    }
    expect(await rowCount('customers', ws.tenantId)).toBe(before.customers);
    expect(await rowCount('consent_events', ws.tenantId)).toBe(before.consent);
    expect(await rowCount('attribute_definitions', ws.tenantId)).toBe(0);
    expect((await api(ws).get(`/api/customers/${existing.id}`)).json()).toEqual(existing);
  });

  it('stores SQL and HTML in a name as the text it is', async () => {
    const ws = await t.createWorkspace();
    const name = `Robert'); DROP TABLE customers; -- <b>bold</b>`;
    const c = await createCustomer(ws, { name });
    expect((await api(ws).get(`/api/customers/${c.id}`)).json().name).toBe(name);
    expect(await search(ws, 'DROP TABLE')).toEqual([c.id]);
  });
});
