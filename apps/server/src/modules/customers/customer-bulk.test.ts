import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { customers, isSegmentMember, segmentPredicate } from './index.ts';

let t: TestApp;
type Role = keyof TestWorkspace['keys'];

function as(ws: TestWorkspace, role: Role = 'manager', app?: TestApp) {
  const target = app ?? t;
  const headers = target.auth(ws.keys[role]);
  return {
    get: (url: string) => target.app.inject({ method: 'GET', url, headers }),
    post: (url: string, payload: unknown, extra: Record<string, string> = {}) =>
      target.app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: payload as object }),
    delete: (url: string) => target.app.inject({ method: 'DELETE', url, headers }),
  };
}

async function customer(ws: TestWorkspace, payload: Record<string, unknown>): Promise<string> {
  const res = await as(ws).post('/api/customers', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function segment(ws: TestWorkspace, name: string, rules: unknown): Promise<string> {
  const res = await as(ws).post('/api/segments', { name, rules });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function tagsOf(ws: TestWorkspace, id: string): Promise<string[]> {
  return (await as(ws).get(`/api/customers/${id}`)).json().tags;
}

async function rows<T>(query: string, values: unknown[]): Promise<T[]> {
  return (await t.database.pool.query(query, values)).rows as T[];
}

const audits = (ws: TestWorkspace, action: string) =>
  rows<{ details: Record<string, unknown>; target_id: string | null }>(`SELECT details, target_id FROM audit_log WHERE tenant_id = $1 AND action = $2`, [ws.tenantId, action]);
const tagEvents = async (ws: TestWorkspace) =>
  (await rows<{ id: string }>(`SELECT payload->>'customerId' AS id FROM outbox_events WHERE tenant_id = $1 AND topic = 'customer.updated' AND payload->'fields' = '["tags"]'`, [ws.tenantId]))
    .map((r) => r.id).sort();

async function listIds(ws: TestWorkspace, query: string): Promise<string[]> {
  const res = await as(ws).get(`/api/customers?limit=200&${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((c: { id: string }) => c.id).sort();
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('counting customers', () => {
  it('counts exactly with every filter, never another workspace\'s customers', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    await customer(other, { name: 'مریم غریبه', tags: ['gold'] });
    const gold = await segment(ws, 'gold', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'gold' }] });
    for (let i = 0; i < 7; i++) {
      await customer(ws, {
        name: i < 3 ? `مریم ${i}` : `Sara ${i}`, tags: i % 2 === 0 ? ['gold'] : [], language: i < 4 ? 'fa' : 'en',
        consent: { sms: { granted: i === 1 } },
      });
    }
    const count = async (query: string) => {
      const res = await as(ws, 'analyst').get(`/api/customers/count${query ? `?${query}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await count('')).toEqual({ count: 7, estimated: false });
    expect(await count(`q=${encodeURIComponent('مريم')}`)).toEqual({ count: 3, estimated: false });
    expect(await count('tag=gold')).toEqual({ count: 4, estimated: false });
    expect(await count('language=en&tag=gold')).toEqual({ count: 2, estimated: false });
    expect(await count('consent=sms')).toEqual({ count: 1, estimated: false });
    expect(await count(`segment=${gold}`)).toEqual({ count: 4, estimated: false });
    for (const query of ['', 'tag=gold', `q=${encodeURIComponent('مریم')}`]) {
      expect((await count(query)).count, query).toBe((await listIds(ws, query)).length);
    }
    expect((await as(ws).get('/api/customers/count?language=xx')).statusCode).toBe(400);
    expect((await as(ws).get('/api/customers/count?limit=5')).statusCode).toBe(400);
  });

  it('answers an estimate marked as such above the exact limit, never below what it counted', async () => {
    const small = await startTestApp({ env: { VAFA_COUNT_EXACT_LIMIT: '3' } });
    try {
      const ws = await small.createWorkspace({ country: 'IR' });
      for (let i = 0; i < 6; i++) await as(ws, 'manager', small).post('/api/customers', { name: `تخمین ${i}`, tags: i < 2 ? ['few'] : [] });
      const many = (await as(ws, 'agent', small).get('/api/customers/count')).json();
      expect(many.estimated).toBe(true);
      expect(many.count).toBeGreaterThanOrEqual(4);
      const few = (await as(ws, 'agent', small).get('/api/customers/count?tag=few')).json();
      expect(few).toEqual({ count: 2, estimated: false });
    } finally {
      await small.close();
    }
  });
});

describe('bulk tags', () => {
  it('add tags to chosen customers in one audited, idempotent change, publishing customer.updated for each changed one', async () => {
    const ws = await t.createWorkspace();
    const a = await customer(ws, { name: 'A', tags: ['vip'] });
    const b = await customer(ws, { name: 'B' });
    const c = await customer(ws, { name: 'C' });
    const request = { selection: { ids: [a, b, b] }, action: { type: 'add_tags', tags: ['vip', 'وفادار'] } };
    const first = await as(ws, 'agent').post('/api/customers/bulk', request, { 'idempotency-key': 'bulk-1' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ selected: 2, changed: 2 });
    const replay = await as(ws, 'agent').post('/api/customers/bulk', request, { 'idempotency-key': 'bulk-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual({ selected: 2, changed: 2 });
    expect(await tagsOf(ws, a)).toEqual(['vip', 'وفادار']);
    expect(await tagsOf(ws, b)).toEqual(['vip', 'وفادار']);
    expect(await tagsOf(ws, c)).toEqual([]);
    expect(await tagEvents(ws)).toEqual([a, b].sort());
    const logged = await audits(ws, 'customers.tags_added');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.details).toMatchObject({ selected: 2, changed: 2, tags: ['vip', 'وفادار'], selection: 'ids' });

    // Again: nothing changes, so no event either.
    const again = await as(ws).post('/api/customers/bulk', request);
    expect(again.json()).toEqual({ selected: 2, changed: 0 });
    expect(await tagEvents(ws)).toEqual([a, b].sort());
  });

  it('remove tags from every customer a filter matches, search and segment included', async () => {
    const ws = await t.createWorkspace();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await customer(ws, { name: i < 3 ? `کاوه ${i}` : `Reza ${i}`, tags: ['old', ...(i === 0 ? ['keep'] : [])] }));
    const res = await as(ws).post('/api/customers/bulk', { selection: { filter: { q: 'كاوه' } }, action: { type: 'remove_tags', tags: ['old'] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ selected: 3, changed: 3 });
    expect(await listIds(ws, 'tag=old')).toEqual([ids[3], ids[4]].sort());
    expect(await tagsOf(ws, ids[0]!)).toEqual(['keep']);
    expect((await audits(ws, 'customers.tags_removed'))[0]!.details).toMatchObject({ selection: 'filter', filter: { q: 'كاوه' }, selected: 3 });

    const list = await segment(ws, 'hand-picked', { match: 'any', conditions: [] });
    await as(ws).post(`/api/segments/${list}/members`, { customerIds: [ids[4]] });
    const bySegment = await as(ws).post('/api/customers/bulk', { selection: { filter: { segment: list } }, action: { type: 'add_tags', tags: ['listed'] } });
    expect(bySegment.json()).toEqual({ selected: 1, changed: 1 });
    expect(await listIds(ws, 'tag=listed')).toEqual([ids[4]]);
  });

  it('refuses the whole selection when any id is not a live customer of the workspace, writing nothing', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const mine = await customer(ws, { name: 'mine' });
    const merged = await customer(ws, { name: 'merged away', phone: '09120001111' });
    const survivor = await customer(ws, { name: 'survivor' });
    expect((await as(ws, 'owner').post(`/api/customers/${survivor}/merge`, { sourceId: merged })).statusCode).toBe(200);
    const theirs = await customer(other, { name: 'theirs' });
    for (const ids of [[mine, theirs], [mine, merged], [mine, '00000000-0000-4000-8000-000000000000']]) {
      const res = await as(ws).post('/api/customers/bulk', { selection: { ids }, action: { type: 'add_tags', tags: ['x'] } });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().code).toBe('unknown_customers');
      expect(res.json().errors).toEqual([expect.objectContaining({ field: 'selection.ids.1', code: 'unknown_customer' })]);
    }
    expect(await tagsOf(ws, mine)).toEqual([]);
    expect(await tagsOf(other, theirs)).toEqual([]);
    expect(await tagEvents(ws)).toEqual([]);
    expect(await audits(ws, 'customers.tags_added')).toEqual([]);
  });

  it('answers garbage with 4xx problems and writes nothing', async () => {
    const ws = await t.createWorkspace();
    const id = await customer(ws, { name: 'only one' });
    const tooMany = Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const cases: [unknown, number, string?][] = [
      [{ selection: { ids: tooMany }, action: { type: 'add_tags', tags: ['x'] } }, 400],
      [{ selection: { ids: [] }, action: { type: 'add_tags', tags: ['x'] } }, 400],
      [{ selection: { ids: [id] }, action: { type: 'add_tags', tags: [] } }, 400],
      [{ selection: { ids: [id] }, action: { type: 'add_tags', tags: ['a,b'] } }, 400],
      [{ selection: { ids: [id] }, action: { type: 'paint', tags: ['x'] } }, 400],
      [{ selection: { ids: [id], filter: {} }, action: { type: 'add_tags', tags: ['x'] } }, 400],
      [{ selection: { filter: { tag: 'x', sort: 'name' } }, action: { type: 'add_tags', tags: ['x'] } }, 400],
      [{ selection: { ids: ['not-a-uuid'] }, action: { type: 'add_tags', tags: ['x'] } }, 400],
      [{ action: { type: 'add_tags', tags: ['x'] } }, 400],
      [{ selection: { ids: [id] }, action: { type: 'add_to_segment', segmentId: '00000000-0000-4000-8000-000000000000' } }, 422, 'unknown_segment'],
      [{ selection: { filter: { segment: '00000000-0000-4000-8000-000000000000' } }, action: { type: 'add_tags', tags: ['x'] } }, 422, 'unknown_segment'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await as(ws).post('/api/customers/bulk', payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 120)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (code) expect(res.json().code).toBe(code);
    }
    expect(await tagsOf(ws, id)).toEqual([]);
    expect(await rows(`SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action LIKE 'customers.tags%'`, [ws.tenantId])).toEqual([]);
  });

  it('refuses adding tags that would take a customer past the per-customer limit, writing nothing', async () => {
    const ws = await t.createWorkspace();
    const full = await customer(ws, { name: 'پر', tags: Array.from({ length: 49 }, (_, i) => `t${i}`) });
    const roomy = await customer(ws, { name: 'جادار' });
    const res = await as(ws).post('/api/customers/bulk', { selection: { ids: [roomy, full] }, action: { type: 'add_tags', tags: ['t0', 'new1', 'new2'] } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'bulk_too_many_tags', errors: [expect.objectContaining({ field: 'action.tags', code: 'bulk_too_many_tags' })] });
    expect(res.json().detail).toContain('50');
    expect(await tagsOf(ws, roomy)).toEqual([]);
    expect(await tagsOf(ws, full)).toHaveLength(49);
    expect(await tagEvents(ws)).toEqual([]);
    // A tag it already has counts once: exactly the limit is fine.
    const ok = await as(ws).post('/api/customers/bulk', { selection: { ids: [roomy, full] }, action: { type: 'add_tags', tags: ['t0', 'new1'] } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await tagsOf(ws, full)).toHaveLength(50);
  });

  it('refuses "all matching" beyond the bulk limit with 422 bulk_selection_too_large, writing nothing', async () => {
    const limited = await startTestApp({ env: { VAFA_BULK_LIMIT: '2' } });
    try {
      const ws = await limited.createWorkspace();
      for (let i = 0; i < 3; i++) await as(ws, 'manager', limited).post('/api/customers', { name: `limit ${i}` });
      const res = await as(ws, 'manager', limited).post('/api/customers/bulk', { selection: { filter: {} }, action: { type: 'add_tags', tags: ['many'] } });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().code).toBe('bulk_selection_too_large');
      expect(res.json().detail).toContain('2');
      const narrowed = await as(ws, 'manager', limited).post('/api/customers/bulk', { selection: { filter: { q: 'limit 1' } }, action: { type: 'add_tags', tags: ['many'] } });
      expect(narrowed.json()).toEqual({ selected: 1, changed: 1 });
      const tagged = await limited.database.pool.query(`SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1 AND 'many' = ANY(tags)`, [ws.tenantId]);
      expect(tagged.rows[0].n).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('is open to the roles that may edit customers; segment actions also need segments:write', async () => {
    const ws = await t.createWorkspace();
    const id = await customer(ws, { name: 'roles' });
    const list = await segment(ws, 'roles list', { match: 'any', conditions: [] });
    const tags = { selection: { ids: [id] }, action: { type: 'add_tags', tags: ['r'] } };
    const toSegment = { selection: { ids: [id] }, action: { type: 'add_to_segment', segmentId: list } };
    expect((await as(ws, 'analyst').post('/api/customers/bulk', tags)).statusCode).toBe(403);
    expect((await as(ws, 'agent').post('/api/customers/bulk', tags)).statusCode).toBe(200);
    expect((await as(ws, 'agent').post('/api/customers/bulk', toSegment)).statusCode).toBe(403);
    expect((await as(ws, 'analyst').post('/api/customers/bulk', toSegment)).statusCode).toBe(403);
    expect((await as(ws, 'manager').post('/api/customers/bulk', toSegment)).statusCode).toBe(200);
    expect((await as(ws, 'agent').post(`/api/segments/${list}/members`, { customerIds: [id] })).statusCode).toBe(403);
    expect((await as(ws, 'agent').delete(`/api/segments/${list}/members/${id}`)).statusCode).toBe(403);
    expect((await as(ws, 'agent').post('/api/exports/customers.csv', { ids: [id] })).statusCode).toBe(403);
  });
});

describe('segments with listed members', () => {
  it('match their rules or their listed members everywhere: members list, customer filter, count, preview, automations', async () => {
    const ws = await t.createWorkspace();
    const vip = await customer(ws, { name: 'vip', tags: ['vip'] });
    const picked = await customer(ws, { name: 'picked' });
    const neither = await customer(ws, { name: 'neither' });
    const vips = await segment(ws, 'vips', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] });
    const list = await segment(ws, 'list', { match: 'any', conditions: [] });
    const everyone = await segment(ws, 'everyone', { match: 'all', conditions: [] });

    // Before anyone is listed, empty rules mean what they always meant.
    expect(await listIds(ws, `segment=${list}`)).toEqual([]);
    expect(await listIds(ws, `segment=${everyone}`)).toEqual([vip, picked, neither].sort());

    const add = await as(ws).post('/api/customers/bulk', { selection: { ids: [picked] }, action: { type: 'add_to_segment', segmentId: vips } }, { 'idempotency-key': 'seg-1' });
    expect(add.json()).toEqual({ selected: 1, changed: 1 });
    expect((await as(ws).post(`/api/segments/${list}/members`, { customerIds: [picked, picked] })).json()).toEqual({ added: 1 });
    expect((await as(ws).post(`/api/segments/${list}/members`, { customerIds: [picked] })).json()).toEqual({ added: 0 });

    expect(await listIds(ws, `segment=${vips}`)).toEqual([vip, picked].sort());
    expect(await listIds(ws, `segment=${list}`)).toEqual([picked]);
    const members = (await as(ws).get(`/api/segments/${vips}/members`)).json().items.map((c: { id: string }) => c.id).sort();
    expect(members).toEqual([vip, picked].sort());
    const listed = (await as(ws).get(`/api/segments/${vips}/members?listed=true`)).json().items.map((c: { id: string }) => c.id);
    expect(listed).toEqual([picked]);
    expect((await as(ws).get(`/api/customers/count?segment=${vips}`)).json()).toEqual({ count: 2, estimated: false });
    expect((await as(ws).get(`/api/segments/${vips}`)).json().listedMembers).toBe(1);
    const segmentsList = (await as(ws).get('/api/segments')).json().items;
    expect(Object.fromEntries(segmentsList.map((s: { name: string; listedMembers: number }) => [s.name, s.listedMembers]))).toEqual({ vips: 1, list: 1, everyone: 0 });

    const preview = await as(ws).post('/api/segments/preview', { rules: { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'nobody' }] }, segmentId: vips });
    expect(preview.json().count).toBe(1);
    expect(preview.json().sample.map((c: { id: string }) => c.id)).toEqual([picked]);
    expect((await as(ws).post('/api/segments/preview', { rules: { match: 'any', conditions: [] } })).json().count).toBe(0);

    // Automations ask through segmentPredicate / isSegmentMember.
    expect(await isSegmentMember(t.database.db, ws.tenantId, list, picked)).toBe(true);
    expect(await isSegmentMember(t.database.db, ws.tenantId, list, neither)).toBe(false);
    const inVips = await t.database.db.select({ id: customers.id }).from(customers).where(await segmentPredicate(t.database.db, ws.tenantId, vips));
    expect(inVips.map((r) => r.id).sort()).toEqual([vip, picked].sort());

    // Removing: off the list, still a member by rule where the rules match.
    expect((await as(ws).delete(`/api/segments/${list}/members/${picked}`)).statusCode).toBe(204);
    expect((await as(ws).delete(`/api/segments/${list}/members/${picked}`)).statusCode).toBe(404);
    expect(await listIds(ws, `segment=${list}`)).toEqual([]);
    const off = await as(ws).post('/api/customers/bulk', { selection: { ids: [vip, picked] }, action: { type: 'remove_from_segment', segmentId: vips } });
    expect(off.json()).toEqual({ selected: 2, changed: 1 });
    expect(await listIds(ws, `segment=${vips}`)).toEqual([vip]);
    expect(await audits(ws, 'segment.members_added')).toHaveLength(3);
    const logged = (await as(ws, 'owner').get('/api/audit-log')).json().items.filter((e: { action: string }) => e.action === 'segment.members_added');
    expect(logged.map((e: { targetName: string }) => e.targetName).sort()).toEqual(['list', 'list', 'vips']);
    expect(await audits(ws, 'segment.member_removed')).toHaveLength(1);
    expect(await audits(ws, 'segment.members_removed')).toHaveLength(1);
  });

  it('add everyone a filter matches to a list; a merge moves the listing to the survivor; a deleted segment takes its list along', async () => {
    const ws = await t.createWorkspace();
    const a = await customer(ws, { name: 'a', language: 'ar', phone: '09120002222' });
    const b = await customer(ws, { name: 'b', language: 'ar' });
    await customer(ws, { name: 'c', language: 'fa' });
    const list = await segment(ws, 'arabic speakers', { match: 'any', conditions: [] });
    const res = await as(ws).post('/api/customers/bulk', { selection: { filter: { language: 'ar' } }, action: { type: 'add_to_segment', segmentId: list } });
    expect(res.json()).toEqual({ selected: 2, changed: 2 });
    const survivor = await customer(ws, { name: 'survivor', language: 'fa' });
    expect((await as(ws, 'owner').post(`/api/customers/${survivor}/merge`, { sourceId: a })).statusCode).toBe(200);
    expect(await listIds(ws, `segment=${list}`)).toEqual([b, survivor].sort());
    expect((await as(ws).delete(`/api/segments/${list}`)).statusCode).toBe(204);
    expect(await rows(`SELECT 1 FROM segment_members WHERE tenant_id = $1`, [ws.tenantId])).toEqual([]);
  });

  it('refuse unknown segments, other workspaces\' customers and garbage, writing nothing', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const mine = await customer(ws, { name: 'mine' });
    const theirs = await customer(other, { name: 'theirs' });
    const list = await segment(ws, 'list', { match: 'any', conditions: [] });
    const theirList = await segment(other, 'their list', { match: 'any', conditions: [] });
    expect((await as(ws).post(`/api/segments/${list}/members`, { customerIds: [mine, theirs] })).json().code).toBe('unknown_customers');
    expect((await as(ws).post(`/api/segments/${theirList}/members`, { customerIds: [mine] })).statusCode).toBe(404);
    expect((await as(ws).post(`/api/segments/${list}/members`, { customerIds: [] })).statusCode).toBe(400);
    expect((await as(ws).post(`/api/segments/${list}/members`, { customerIds: ['x'] })).statusCode).toBe(400);
    expect((await as(ws).get(`/api/segments/${theirList}/members?listed=true`)).statusCode).toBe(404);
    expect((await as(ws).post('/api/segments/preview', { rules: { match: 'any', conditions: [] }, segmentId: theirList })).json().code).toBe('unknown_segment');
    expect(await rows(`SELECT 1 FROM segment_members WHERE tenant_id = ANY($1::uuid[])`, [[ws.tenantId, other.tenantId]])).toEqual([]);
  });
});

describe('exporting a selection', () => {
  it('writes the chosen customers, or those a filter matches, in the full export\'s columns, and audits it', async () => {
    const ws = await t.createWorkspace();
    const a = await customer(ws, { name: 'صادرات یک', tags: ['x'] });
    const b = await customer(ws, { name: 'صادرات دو' });
    const c = await customer(ws, { name: 'Export three', tags: ['x'] });
    const lines = (body: string) => body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const chosen = await as(ws).post('/api/exports/customers.csv', { ids: [a, b] });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.headers['content-type']).toContain('text/csv');
    const chosenLines = lines(chosen.body);
    const full = lines((await as(ws).get('/api/exports/customers.csv')).body);
    expect(chosenLines[0]).toBe(full[0]);
    expect(chosenLines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([a, b].sort());
    const filtered = lines((await as(ws).get('/api/exports/customers.csv?tag=x')).body);
    expect(filtered.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([a, c].sort());
    expect(full).toHaveLength(4);
    const logged = await audits(ws, 'customers.exported');
    expect(logged.map((l) => l.details).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { format: 'csv' }, { format: 'csv', count: 2, selection: 'ids' }, { format: 'csv', filter: { tag: 'x' } },
    ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));
    const other = await t.createWorkspace();
    const theirs = await customer(other, { name: 'theirs' });
    const refused = await as(ws).post('/api/exports/customers.csv', { ids: [a, theirs] });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('unknown_customers');
    expect(refused.body).not.toContain('صادرات');
  });
});
