import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method, type Role } from '../../../test/loyalty-kit.ts';
import { ledgerQuery } from './ledger-explorer.repo.ts';
import { memberListQuery } from './members-list.repo.ts';

// The members list and the ledger explorer over HTTP on a real PostgreSQL: balances, expiring
// points, tiers, search in Persian and Arabic letters and any digits, keyset paging through ties,
// the journal with its postings, keys and actors, filters, roles, isolation and garbage; and the
// plans of both pages on 20,000 members use indexes, not a sequential scan.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t);

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

let serial = 0;
const DAY = 86_400_000;

async function earn(ws: TestWorkspace, customerId: string, points: number, extra: Record<string, unknown> = {}, role: Role = 'manager') {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { points, reason: 'خرید', externalId: `order-${++serial}`, ...extra }, { role });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Every page of a list, following nextCursor. */
async function allPages(ws: TestWorkspace, url: string): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API rows
  const items: Record<string, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- API rows
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res = await call(ws, 'GET', `${url}${url.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('no end to the pages');
}

describe('members list', () => {
  it('lists balances, pending and expiring points and tiers; sorts, pages through ties, searches and filters', async () => {
    const ws = await workspace();
    const reza = await createCustomer(t, ws, { name: 'علی رضایی', phone: '09121110001' });
    const sara = await createCustomer(t, ws, { name: 'سارا كريمي', phone: '09121110002' });
    const tied = [await createCustomer(t, ws), await createCustomer(t, ws), await createCustomer(t, ws)];
    await earn(ws, reza.id, 500, { expiresAt: new Date(Date.now() + 10 * DAY).toISOString() });
    await earn(ws, reza.id, 300, { expiresAt: new Date(Date.now() + 60 * DAY).toISOString() });
    await earn(ws, reza.id, 200, { pendingUntil: new Date(Date.now() + 5 * DAY).toISOString() });
    await earn(ws, sara.id, 900);
    for (const c of tied) await earn(ws, c.id, 100);

    const first = await call(ws, 'GET', '/api/loyalty/members');
    expect(first.status).toBe(200);
    expect(first.body.items[0]).toMatchObject({ customerId: sara.id, name: 'سارا كريمي', available: 900, pending: 0, expiringSoon: 0, nextExpiry: null, tier: null });
    expect(first.body.items[1]).toMatchObject({ customerId: reza.id, available: 800, pending: 200, expiringSoon: 500 });
    expect(Date.parse(first.body.items[1].nextExpiry)).toBeGreaterThan(Date.now() + 9 * DAY);
    expect((await call(ws, 'GET', '/api/loyalty/members?expiringDays=90')).body.items[1].expiringSoon).toBe(800);

    // Pages of two through three members tied at 100: each once, in (balance, id) order.
    const paged = await allPages(ws, '/api/loyalty/members');
    expect(paged.map((m) => m.customerId)).toEqual([sara.id, reza.id, ...tied.map((c) => c.id).sort().reverse()]);
    const ascending = await allPages(ws, '/api/loyalty/members?sort=available');
    expect(ascending.map((m) => m.customerId)).toEqual([...tied.map((c) => c.id).sort(), reza.id, sara.id]);
    await earn(ws, tied[0]!.id, 1);
    const byActivity = await allPages(ws, '/api/loyalty/members?sort=-lastActivity');
    expect(byActivity[0]!.customerId).toBe(tied[0]!.id);
    expect(byActivity).toHaveLength(5);

    // Search as the customers list reads it: Arabic ي/ك for Persian ی/ک, a phone in Persian digits or international form.
    expect((await call(ws, 'GET', `/api/loyalty/members?q=${encodeURIComponent('رضايي')}`)).body.items.map((m: { customerId: string }) => m.customerId)).toEqual([reza.id]);
    expect((await call(ws, 'GET', `/api/loyalty/members?q=${encodeURIComponent('سارا کریمی')}`)).body.items.map((m: { customerId: string }) => m.customerId)).toEqual([sara.id]);
    expect((await call(ws, 'GET', `/api/loyalty/members?q=${encodeURIComponent('۰۹۱۲۱۱۱۰۰۰۲')}`)).body.items.map((m: { customerId: string }) => m.customerId)).toEqual([sara.id]);
    expect((await call(ws, 'GET', `/api/loyalty/members?q=${encodeURIComponent('+98 912 111 0001')}`)).body.items.map((m: { customerId: string }) => m.customerId)).toEqual([reza.id]);

    // Tiers of a program: Reza's order lifts him to Gold; the filter keeps Gold's members.
    const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' } } });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const gold = await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/tiers`, { name: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, threshold: 50, multiplierPercent: 100 });
    expect(gold.status, JSON.stringify(gold.body)).toBe(201);
    const order = await call(ws, 'POST', '/api/loyalty/orders', { externalId: `T-${++serial}`, customerId: reza.id, programId: program.body.id, lines: [{ id: '1', amount: 60_000 }] });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const tiered = await call(ws, 'GET', `/api/loyalty/members?programId=${program.body.id}&tierId=${gold.body.id}`);
    expect(tiered.body.items).toHaveLength(1);
    expect(tiered.body.items[0]).toMatchObject({ customerId: reza.id, tier: { id: gold.body.id, name: { fa: 'طلایی' } } });

    // Another workspace sees none of them; every role that reads points may list them.
    const other = await workspace();
    expect((await call(other, 'GET', '/api/loyalty/members')).body.items).toEqual([]);
    expect((await call(other, 'GET', `/api/loyalty/members?programId=${program.body.id}&tierId=${gold.body.id}`)).body.items).toEqual([]);
    for (const role of ['agent', 'analyst', 'finance'] as const) expect((await call(ws, 'GET', '/api/loyalty/members', undefined, { role })).status).toBe(200);
  });

  it('refuses garbage with 400 problem+json', async () => {
    const ws = await workspace();
    for (const query of [
      'sort=name', 'limit=0', 'limit=500', 'limit=abc', 'cursor=!!', `cursor=${Buffer.from('[1]').toString('base64url')}`,
      `cursor=${Buffer.from('["x","y"]').toString('base64url')}`, `sort=-lastActivity&cursor=${Buffer.from('[5,"00000000-0000-4000-8000-000000000000"]').toString('base64url')}`,
      'tierId=00000000-0000-4000-8000-000000000000', 'programId=nope', 'expiringDays=0', 'q=', 'q=%00', 'x=1',
    ]) {
      const res = await call(ws, 'GET', `/api/loyalty/members?${query}`, undefined, { headers: { 'accept-language': 'ar' } });
      expect(res.status, query).toBe(400);
      expect(res.type, query).toContain('application/problem+json');
      expect(res.body.code, query).toBe('validation_failed');
      expect(res.body.detail, query).toMatch(/[\u0600-\u06FF]/);
    }
  });
});

describe('ledger explorer', () => {
  it('shows entries newest first with their postings, keys and actors, filtered and paged', async () => {
    const ws = await workspace();
    const [a, b] = [await createCustomer(t, ws, { name: 'مریم' }), await createCustomer(t, ws)];
    const first = await earn(ws, a.id, 100, {}, 'agent');
    const spend = await call(ws, 'POST', `/api/loyalty/members/${a.id}/redemptions`, { points: 40, reason: 'جایزه' }, { headers: { 'idempotency-key': 'spend-1' } });
    expect(spend.status, JSON.stringify(spend.body)).toBe(201);
    await earn(ws, b.id, 70);

    const page = await call(ws, 'GET', '/api/loyalty/ledger');
    expect(page.status).toBe(200);
    expect(page.body.items.map((e: { id: number }) => e.id)).toEqual([page.body.items[0].id, spend.body.id, first.id]);
    const redeem = page.body.items[1];
    expect(redeem).toMatchObject({ kind: 'redeem', customerId: a.id, customerName: 'مریم', reason: 'جایزه', actorName: expect.stringContaining('manager') });
    expect(redeem.idempotencyKey).toContain('spend-1');
    expect(redeem.postings).toEqual(expect.arrayContaining([
      { account: 'available', customerId: a.id, unit: 'points', amount: -40 },
      { account: 'redemptions', customerId: null, unit: 'points', amount: 40 },
    ]));
    expect(page.body.items[2]).toMatchObject({ kind: 'earn', externalId: first.externalId, actorName: expect.stringContaining('agent'), source: expect.stringMatching(/^api_key:/) });
    for (const entry of page.body.items) expect(entry.postings.reduce((sum: number, p: { amount: number; unit: string }) => sum + (p.unit === 'points' ? p.amount : 0), 0)).toBe(0);

    expect((await call(ws, 'GET', `/api/loyalty/ledger?customerId=${a.id}`)).body.items.map((e: { id: number }) => e.id)).toEqual([spend.body.id, first.id]);
    expect((await call(ws, 'GET', '/api/loyalty/ledger?kind=redeem')).body.items.map((e: { id: number }) => e.id)).toEqual([spend.body.id]);
    expect((await call(ws, 'GET', '/api/loyalty/ledger?account=redemptions')).body.items.map((e: { id: number }) => e.id)).toEqual([spend.body.id]);
    expect((await call(ws, 'GET', `/api/loyalty/ledger?customerId=${b.id}&account=available`)).body.items).toHaveLength(1);
    const future = new Date(Date.now() + DAY).toISOString();
    expect((await call(ws, 'GET', `/api/loyalty/ledger?from=${encodeURIComponent(future)}`)).body.items).toEqual([]);
    expect((await call(ws, 'GET', `/api/loyalty/ledger?to=${encodeURIComponent(future)}`)).body.items).toHaveLength(3);
    const all = await allPages(ws, '/api/loyalty/ledger');
    expect(all.map((e) => e.id)).toEqual(page.body.items.map((e: { id: number }) => e.id));

    const other = await workspace();
    expect((await call(other, 'GET', '/api/loyalty/ledger')).body.items).toEqual([]);
    expect((await call(other, 'GET', `/api/loyalty/ledger?customerId=${a.id}`)).body.items).toEqual([]);
  });

  it('refuses garbage with 400 problem+json', async () => {
    const ws = await workspace();
    for (const query of [
      'kind=steal', 'account=wallet', 'customerId=1', 'from=yesterday', 'from=0000-01-01T00:00:00Z', 'to=9999-12-31T00:00:00Z', 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'limit=-1',
      'cursor=%00', `cursor=${Buffer.from('["2026-01-01",1]').toString('base64url')}`, `cursor=${Buffer.from('["2026-02-30T00:00:00.000000Z",1]').toString('base64url')}`, `cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'y=2',
    ]) {
      const res = await call(ws, 'GET', `/api/loyalty/ledger?${query}`, undefined, { headers: { 'accept-language': 'fa' } });
      expect(res.status, query).toBe(400);
      expect(res.type, query).toContain('application/problem+json');
      expect(res.body.detail, query).toMatch(/[\u0600-\u06FF]/);
    }
  });
});

describe('plans on 20,000 members', () => {
  it('reads pages through indexes, never a sequential scan', async () => {
    // 20,000 members inserted bare, with no ledger to check after.
    const ws = await t.createWorkspace({ country: 'IR' });
    await t.database.pool.query(`
      INSERT INTO customers (tenant_id, id, name, search_text)
      SELECT $1, gen_random_uuid(), 'member ' || g, 'member' || g FROM generate_series(1, 20000) g`, [ws.tenantId]);
    await t.database.pool.query(`
      INSERT INTO loyalty_members (tenant_id, customer_id, available, updated_at)
      SELECT tenant_id, id, (random() * 10000)::int, now() - random() * interval '300 days' FROM customers WHERE tenant_id = $1`, [ws.tenantId]);
    await t.database.pool.query('ANALYZE customers; ANALYZE loyalty_members; ANALYZE loyalty_lots; ANALYZE loyalty_entries');
    // The lots and entries of this test database are a few hundred rows, which PostgreSQL rightly
    // reads whole; with sequential scans priced out, a Seq Scan left in the plan means no index
    // can serve that step at all, which is what would hurt on 100k members.
    const plan = (query: ReturnType<typeof memberListQuery>) => t.database.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return JSON.stringify((await tx.execute(sql`EXPLAIN (FORMAT JSON) ${query}`)).rows);
    });
    const base = { now: new Date(), sort: '-available' as const, expiringBefore: new Date(Date.now() + 30 * DAY), limit: 51 };
    for (const criteria of [
      base, { ...base, after: [5000, '00000000-0000-4000-8000-000000000000'] as [number, string] }, { ...base, sort: '-lastActivity' as const },
      { ...base, sort: 'lastActivity' as const, after: ['2026-01-01T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'] as [string, string] },
    ]) {
      const text = await plan(memberListQuery(ws.tenantId, criteria));
      expect(text, JSON.stringify(criteria)).not.toContain('Seq Scan');
    }
    // A whole phone number goes through the customers' phone index, not along every member.
    expect(await plan(memberListQuery(ws.tenantId, { ...base, search: { phone: '+989120000001', needles: [] } }))).toContain('customers_phone_key');
    expect(await plan(ledgerQuery(ws.tenantId, { limit: 51, from: new Date(Date.now() - DAY) }))).not.toContain('Seq Scan');
    expect(await plan(ledgerQuery(ws.tenantId, { limit: 51, after: ['2026-01-01T00:00:00.000000Z', 99] }))).not.toContain('Seq Scan');
  });
});
