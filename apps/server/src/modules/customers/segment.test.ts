import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { customers, isSegmentMember, segmentPredicate, setCustomerActivity } from './index.ts';

let t: TestApp;
let ws: TestWorkspace;
const ids: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

function as(role: keyof TestWorkspace['keys'] = 'manager', workspace = ws) {
  const headers = t.auth(workspace.keys[role]);
  return {
    post: (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers, payload: payload as object }),
    patch: (url: string, payload: unknown) => t.app.inject({ method: 'PATCH', url, headers, payload: payload as object }),
    get: (url: string) => t.app.inject({ method: 'GET', url, headers }),
    delete: (url: string) => t.app.inject({ method: 'DELETE', url, headers }),
  };
}

async function create(payload: Record<string, unknown>): Promise<string> {
  const res = await as().post('/api/customers', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
  const label = (en: string) => ({ fa: en, ar: en, en });
  for (const [key, type, options] of [['city', 'text'], ['points', 'number'], ['member', 'boolean'], ['since', 'date'], ['tier', 'choice', ['gold', 'silver', 'bronze']]] as const) {
    const res = await as('owner').post('/api/customer-attributes', { key, type, label: label(key), ...(options ? { options } : {}) });
    expect(res.statusCode, res.body).toBe(201);
  }
  ids.a = await create({
    name: 'A', language: 'fa', tags: ['vip'], birthday: { calendar: 'gregory', year: 1990, month: 3, day: 15 },
    consent: { sms: { granted: true } }, attributes: { city: 'Tehran', points: 150, member: true, since: '2020-05-01', tier: 'gold' },
  });
  ids.b = await create({
    name: 'B', language: 'ar', tags: ['new'], birthday: { calendar: 'persian', year: 1370, month: 1, day: 1 },
    consent: { sms: { granted: false } }, attributes: { city: 'Mashhad', points: 20, member: false, tier: 'silver' },
  });
  ids.c = await create({ name: 'C', language: 'en' });
  ids.d = await create({
    name: 'D', language: 'fa', tags: ['vip', 'new'], birthday: { calendar: 'gregory', year: 1985, month: 12, day: 1 },
    consent: { email: { granted: true } }, attributes: { city: 'tehran pars', points: 1000 },
  });
  await t.database.db.transaction((tx) => setCustomerActivity(tx, ws.tenantId, [
    { customerId: ids.a, orderCount: 5, totalSpentMinor: 5_000_000, firstOrderAt: daysAgo(300), lastOrderAt: daysAgo(10), lastSeenAt: daysAgo(1) },
    { customerId: ids.b, orderCount: 1, totalSpentMinor: 200_000, firstOrderAt: daysAgo(200), lastOrderAt: daysAgo(200), lastSeenAt: null },
    { customerId: ids.d, orderCount: 12, totalSpentMinor: 50_000_000, firstOrderAt: daysAgo(900), lastOrderAt: daysAgo(400), lastSeenAt: null },
  ]));
  await t.database.pool.query(`UPDATE customers SET created_at = '2020-01-01T00:00:00Z' WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, ids.c]);
});
afterAll(() => t?.close());

type Condition = { field: string; op: string; value?: unknown } | { match: 'all' | 'any'; conditions: Condition[] };

async function preview(conditions: Condition[], match: 'all' | 'any' = 'all') {
  const res = await as('analyst').post('/api/segments/preview', { rules: { match, conditions } });
  return res;
}

async function members(conditions: Condition[], match: 'all' | 'any' = 'all'): Promise<string[]> {
  const res = await preview(conditions, match);
  expect(res.statusCode, res.body).toBe(200);
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  const names = res.json().sample.map((c: { id: string }) => byId[c.id]).sort();
  expect(res.json().count).toBe(names.length);
  return names;
}

describe('segment rules', () => {
  it('evaluate tags, language, order figures, dates, birthday month and consent', async () => {
    const cases: [Condition[], string[], ('all' | 'any')?][] = [
      [[{ field: 'tag', op: 'has', value: 'vip' }], ['a', 'd']],
      [[{ field: 'tag', op: 'not_has', value: 'vip' }], ['b', 'c']],
      [[{ field: 'language', op: 'in', value: ['fa', 'ar'] }], ['a', 'b', 'd']],
      [[{ field: 'language', op: 'neq', value: 'fa' }], ['b', 'c']],
      [[{ field: 'orderCount', op: 'gte', value: 5 }], ['a', 'd']],
      [[{ field: 'orderCount', op: 'between', value: [1, 5] }], ['a', 'b']],
      [[{ field: 'orderCount', op: 'eq', value: 0 }], ['c']],
      [[{ field: 'totalSpentMinor', op: 'gt', value: 1_000_000 }], ['a', 'd']],
      [[{ field: 'totalSpentMinor', op: 'lte', value: 200_000 }], ['b', 'c']],
      [[{ field: 'lastOrderAt', op: 'within_days', value: 30 }], ['a']],
      [[{ field: 'lastOrderAt', op: 'not_within_days', value: 90 }], ['b', 'c', 'd']],
      [[{ field: 'lastOrderAt', op: 'before', value: daysAgo(300).toISOString().slice(0, 10) }], ['d']],
      [[{ field: 'lastOrderAt', op: 'after', value: daysAgo(250).toISOString() }], ['a', 'b']],
      [[{ field: 'createdAt', op: 'before', value: '2021-01-01' }], ['c']],
      [[{ field: 'createdAt', op: 'within_days', value: 1 }], ['a', 'b', 'd']],
      // Months of the workspace's calendar (Solar Hijri here): 1990-03-15 is 24 Esfand 1368,
      // 1 Farvardin 1370 is 1991-03-21, 1985-12-01 is 10 Azar 1364.
      [[{ field: 'birthdayMonth', op: 'eq', value: 1 }], ['b']],
      [[{ field: 'birthdayMonth', op: 'in', value: [12, 9] }], ['a', 'd']],
      [[{ field: 'consent', op: 'granted', value: 'sms' }], ['a']],
      [[{ field: 'consent', op: 'not_granted', value: 'sms' }], ['b', 'c', 'd']],
      [[{ field: 'tag', op: 'has', value: 'vip' }, { field: 'language', op: 'eq', value: 'ar' }], ['a', 'b', 'd'], 'any'],
      [[{ field: 'tag', op: 'has', value: 'new' }, { match: 'all', conditions: [{ field: 'language', op: 'eq', value: 'fa' }, { field: 'orderCount', op: 'lt', value: 6 }] }], ['a', 'b', 'd'], 'any'],
      [[{ field: 'tag', op: 'has', value: 'vip' }, { match: 'any', conditions: [{ field: 'orderCount', op: 'gt', value: 10 }, { field: 'consent', op: 'granted', value: 'sms' }] }], ['a', 'd']],
      [[], ['a', 'b', 'c', 'd']],
      [[], [], 'any'],
    ];
    for (const [conditions, expected, match] of cases) {
      expect(await members(conditions, match), JSON.stringify(conditions)).toEqual(expected);
    }
  });

  it('evaluate typed custom attributes', async () => {
    const cases: [Condition[], string[]][] = [
      [[{ field: 'attribute.city', op: 'eq', value: 'Tehran' }], ['a']],
      [[{ field: 'attribute.city', op: 'contains', value: 'TEHRAN' }], ['a', 'd']],
      [[{ field: 'attribute.city', op: 'neq', value: 'Tehran' }], ['b', 'c', 'd']],
      [[{ field: 'attribute.points', op: 'gt', value: 100 }], ['a', 'd']],
      [[{ field: 'attribute.points', op: 'lt', value: 100.5 }], ['b']],
      [[{ field: 'attribute.member', op: 'eq', value: true }], ['a']],
      [[{ field: 'attribute.member', op: 'neq', value: true }], ['b', 'c', 'd']],
      [[{ field: 'attribute.since', op: 'lt', value: '2021-01-01' }], ['a']],
      [[{ field: 'attribute.since', op: 'is_set' }], ['a']],
      [[{ field: 'attribute.since', op: 'is_set', value: false }], ['b', 'c', 'd']],
      [[{ field: 'attribute.tier', op: 'in', value: ['gold', 'silver'] }], ['a', 'b']],
      [[{ field: 'attribute.tier', op: 'eq', value: 'bronze' }], []],
    ];
    for (const [conditions, expected] of cases) {
      expect(await members(conditions), JSON.stringify(conditions)).toEqual(expected);
    }
  });

  it('reject rules they cannot evaluate with 422 invalid_segment_rule and a reason', async () => {
    const bad: Condition[] = [
      { field: 'favouriteColour', op: 'eq', value: 'red' },
      { field: 'tag', op: 'eq', value: 'vip' },
      { field: 'tag', op: 'has', value: 5 },
      { field: 'orderCount', op: 'gt', value: 'five' },
      { field: 'orderCount', op: 'gt', value: '۵' },
      { field: 'orderCount', op: 'gt', value: 1.5 },
      { field: 'orderCount', op: 'between', value: [5, 1] },
      { field: 'orderCount', op: 'between', value: [1, 2, 3] },
      { field: 'totalSpentMinor', op: 'gte', value: -1 },
      { field: 'language', op: 'eq', value: 'de' },
      { field: 'language', op: 'in', value: [] },
      { field: 'lastOrderAt', op: 'within_days', value: 0 },
      { field: 'lastOrderAt', op: 'before', value: '2024-13-01' },
      { field: 'lastOrderAt', op: 'before', value: "2024-01-01'; DROP TABLE customers; --" },
      { field: 'createdAt', op: 'after', value: 20240101 },
      { field: 'birthdayMonth', op: 'eq', value: 13 },
      { field: 'consent', op: 'granted', value: 'fax' },
      { field: 'attribute.nope', op: 'eq', value: 'x' },
      { field: 'attribute.points', op: 'gt', value: '100' },
      { field: 'attribute.points', op: 'contains', value: 1 },
      { field: 'attribute.member', op: 'eq', value: 'true' },
      { field: 'attribute.since', op: 'gt', value: '01/02/2020' },
      { field: 'attribute.tier', op: 'eq', value: 'platinum' },
      { field: 'attribute.city', op: 'is_set', value: 'yes' },
    ];
    for (const condition of bad) {
      const res = await preview([condition]);
      expect(res.statusCode, JSON.stringify(condition)).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('invalid_segment_rule');
      expect(res.json().detail.length).toBeGreaterThan('The segment rule is invalid: '.length);
    }
    const nested = await preview([{ match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'x' }, { field: 'nope', op: 'eq', value: 1 }] }]);
    expect(nested.json().code).toBe('invalid_segment_rule');
  });
});

describe('saved segments', () => {
  it('are created, listed, read, changed and deleted; invalid changes leave them as they were', async () => {
    const rules = { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] };
    const created = await as().post('/api/segments', { name: 'VIPs', rules });
    expect(created.statusCode, created.body).toBe(201);
    const segment = created.json();
    expect(segment).toMatchObject({ name: 'VIPs', rules, createdBy: expect.stringMatching(/^api_key:/) });

    expect((await as('agent').get('/api/segments')).json().items.map((s: { id: string }) => s.id)).toContain(segment.id);
    expect((await as('agent').get(`/api/segments/${segment.id}`)).json()).toEqual(segment);

    const renamed = await as().patch(`/api/segments/${segment.id}`, { name: 'Big spenders', rules: { match: 'all', conditions: [{ field: 'totalSpentMinor', op: 'gte', value: 1_000_000 }] } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Big spenders');
    const refused = await as().patch(`/api/segments/${segment.id}`, { name: 'Broken', rules: { match: 'all', conditions: [{ field: 'orderCount', op: 'gt', value: 'many' }] } });
    expect(refused.statusCode).toBe(422);
    expect((await as().get(`/api/segments/${segment.id}`)).json().name).toBe('Big spenders');

    expect((await as('agent').post('/api/segments', { name: 'x', rules })).statusCode).toBe(403);
    expect((await as().delete(`/api/segments/${segment.id}`)).statusCode).toBe(204);
    expect((await as().get(`/api/segments/${segment.id}`)).statusCode).toBe(404);
    expect((await as().delete(`/api/segments/${segment.id}`)).statusCode).toBe(404);
  });

  it('list their live members with keyset pages, and filter the customer list', async () => {
    const other = await t.createWorkspace();
    const created = await as().post('/api/segments', { name: 'Persian speakers', rules: { match: 'all', conditions: [{ field: 'language', op: 'eq', value: 'fa' }] } });
    const segmentId = created.json().id;
    const extra = await create({ name: 'E', language: 'fa', phone: '09127770000' });
    const merged = await create({ name: 'F', language: 'fa' });
    expect((await as('owner').post(`/api/customers/${extra}/merge`, { sourceId: merged })).statusCode).toBe(200);

    const first = await as('agent').get(`/api/segments/${segmentId}/members?limit=2`);
    expect(first.statusCode, first.body).toBe(200);
    const second = await as('agent').get(`/api/segments/${segmentId}/members?limit=2&cursor=${first.json().nextCursor}`);
    const all = [...first.json().items, ...second.json().items].map((c: { id: string }) => c.id);
    expect(all).toEqual([extra, ids.d, ids.a]);
    expect(second.json().nextCursor).toBeNull();

    const filtered = await as('agent').get(`/api/customers?segment=${segmentId}&tag=vip`);
    expect(filtered.json().items.map((c: { id: string }) => c.id)).toEqual([ids.d, ids.a]);

    const predicate = await segmentPredicate(t.database.db, ws.tenantId, segmentId);
    const rows = await t.database.db.select({ id: customers.id }).from(customers).where(predicate);
    expect(rows.map((r) => r.id).sort()).toEqual([extra, ids.a, ids.d].sort());
    expect(await isSegmentMember(t.database.db, ws.tenantId, segmentId, ids.a)).toBe(true);
    expect(await isSegmentMember(t.database.db, ws.tenantId, segmentId, merged)).toBe(false);
    const count = await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM customers WHERE ${predicate}`);
    expect(count.rows[0]!.n).toBe(3);

    expect((await as('agent', other).get(`/api/segments/${segmentId}/members`)).statusCode).toBe(404);
    expect((await as('agent', other).get(`/api/customers?segment=${segmentId}`)).statusCode).toBe(404);
    expect((await as('manager', other).patch(`/api/segments/${segmentId}`, { name: 'stolen' })).statusCode).toBe(404);
    expect((await as('agent').get(`/api/segments/${segmentId}/members?cursor=bogus`)).json().code).toBe('invalid_cursor');
  });

  it('answer garbage with 4xx problem+json and save nothing', async () => {
    const fresh = await t.createWorkspace();
    const m = as('manager', fresh);
    const attempts = [
      () => m.post('/api/segments', { name: 'x' }),
      () => m.post('/api/segments', { name: '', rules: { match: 'all', conditions: [] } }),
      () => m.post('/api/segments', { name: 'x', rules: { match: 'some', conditions: [] } }),
      () => m.post('/api/segments', { name: 'x', rules: { match: 'all', conditions: [], sql: 'DROP TABLE customers' } }),
      () => m.post('/api/segments', { name: 'x', rules: { match: 'all', conditions: [{ field: 'tag', op: 'has', value: { $ne: 1 } }] } }),
      () => m.post('/api/segments', { name: 'x', rules: { match: 'all', conditions: [{ match: 'any', conditions: [{ match: 'all', conditions: [] }] }] } }),
      () => m.post('/api/segments', { name: 'x', rules: { match: 'all', conditions: [{ field: "tag' OR 1=1 --", op: 'has', value: 'x' }] } }),
      () => m.post('/api/segments', { name: 'x', rules: { match: 'all', conditions: Array.from({ length: 51 }, () => ({ field: 'tag', op: 'has', value: 'x' })) } }),
      () => m.post('/api/segments', 'not json at all'),
      () => m.post('/api/segments/preview', { rules: 'tag = vip' }),
      () => m.patch('/api/segments/01900000-0000-7000-8000-000000000000', { name: 'ghost' }),
      () => m.patch('/api/segments/not-a-uuid', { name: 'x' }),
      () => m.delete('/api/segments/not-a-uuid'),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM segments WHERE tenant_id = $1`, [fresh.tenantId]);
    expect(rows[0].n).toBe(0);
  });
});
