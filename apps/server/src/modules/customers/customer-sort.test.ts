import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_SORTS, type CustomerSort } from '@vafa/contracts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { listCustomers } from './customer-list.repo.ts';
import { decodeSortCursor, sortOrder, type SortPosition } from './customer.sort.ts';

let t: TestApp;
let ws: TestWorkspace;

/** Names in Persian alphabetical order, as a reader expects them; the second of a pair sorts with the first. */
const PERSIAN_ORDER = [
  'آرش', 'احمد', 'أمير', 'بهرام', 'پریا', 'تینا', 'جواد', 'چنگیز', 'حسن', 'ژاله', 'سارا', 'سارا', 'سارا', 'کاوه', 'كريم', 'گلاره', 'لیلا',
  'محمدرضا', 'محمد‌رضا', 'مریم', 'وحید', 'هادی', 'یاسر', 'يوسف', 'Adam', 'bob', 'Zoe',
];

interface Made {
  id: string;
  name: string | null;
  orderCount: number;
  totalSpentMinor: number;
  lastOrderAt: string | null;
}
const made: Made[] = [];

function get(url: string, workspace = ws) {
  return t.app.inject({ method: 'GET', url, headers: t.auth(workspace.keys.agent) });
}

/** Every id of the list in `sort`, page by page, checking each page's size. */
async function walk(sort: string, query = '', limit = 4): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const res = await get(`/api/customers?sort=${sort}&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body: { items: { id: string }[]; nextCursor: string | null } = res.json();
    seen.push(...body.items.map((c) => c.id));
    cursor = body.nextCursor;
    if (!cursor) return seen;
    expect(body.items).toHaveLength(limit);
  }
  throw new Error('the list never ended');
}

const byId = (a: Made, b: Made) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The expected order, worked out here without SQL: value then id, empty values last either way. */
function expected(sort: CustomerSort, rows: Made[] = made): string[] {
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const rank = (m: Made): number | string | null => {
    switch (field) {
      case 'name':
        return m.name === null ? null : PERSIAN_ORDER.indexOf(m.name) >= 0 ? PERSIAN_ORDER.indexOf(m.name.replace('\u200C', '')) : null;
      case 'lastOrderAt':
        return m.lastOrderAt;
      case 'orderCount':
        return m.orderCount;
      case 'totalSpent':
        return m.totalSpentMinor;
      default:
        return m.id;
    }
  };
  const withValue = rows.filter((m) => rank(m) !== null).sort((a, b) => {
    const ra = rank(a)!;
    const rb = rank(b)!;
    return ra < rb ? -1 : ra > rb ? 1 : byId(a, b);
  });
  const without = rows.filter((m) => rank(m) === null).sort(byId);
  return [...(descending ? withValue.reverse() : withValue), ...(descending ? without.reverse() : without)].map((m) => m.id);
}

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
  // Created in a shuffled order, so creation order says nothing about name order.
  const names: (string | null)[] = [...PERSIAN_ORDER, null, null, null];
  const shuffled = names.map((name, i) => ({ name, k: (i * 7919) % 31 })).sort((a, b) => a.k - b.k).map((x) => x.name);
  for (const [i, name] of shuffled.entries()) {
    const res = await t.app.inject({
      method: 'POST', url: '/api/customers', headers: t.auth(ws.keys.manager),
      payload: { ...(name ? { name } : {}), phone: `0912${String(5_100_000 + i).padStart(7, '0')}`, tags: i % 2 === 0 ? ['even'] : [] },
    });
    expect(res.statusCode, res.body).toBe(201);
    made.push({ id: res.json().id, name, orderCount: 0, totalSpentMinor: 0, lastOrderAt: null });
  }
  // Order figures with ties, and instants a microsecond apart (a cursor must keep them apart).
  const activity: [number, number, number, string | null][] = [
    [0, 3, 900_000, '2024-03-01T10:00:00.000001Z'],
    [1, 1, 500_000, '2024-03-01T10:00:00.000002Z'],
    [2, 1, 500_000, '2024-03-01T10:00:00.000002Z'],
    [3, 7, 12_000_000, '2023-12-31T23:59:59.999999Z'],
    [4, 2, 500_000, '2024-06-15T08:30:00.000000Z'],
    [5, 1, 0, '2024-03-01T10:00:00.000001Z'],
  ];
  for (const [index, orderCount, totalSpentMinor, lastOrderAt] of activity) {
    const m = made[index]!;
    await t.database.pool.query(
      'UPDATE customers SET order_count = $3, total_spent_minor = $4, last_order_at = $5 WHERE tenant_id = $1 AND id = $2',
      [ws.tenantId, m.id, orderCount, totalSpentMinor, lastOrderAt],
    );
    Object.assign(m, { orderCount, totalSpentMinor, lastOrderAt: lastOrderAt?.replace(/Z$/, '') ?? null });
  }
  // Another workspace's customers never show, whatever the order.
  const other = await t.createWorkspace({ country: 'IR' });
  await t.app.inject({ method: 'POST', url: '/api/customers', headers: t.auth(other.keys.manager), payload: { name: 'آ', phone: '09125999999' } });
}, 120_000);
afterAll(() => t?.close());

describe('sorted customer lists', () => {
  it('return every customer exactly once in each order, across pages of every size', async () => {
    for (const sort of CUSTOMER_SORTS) {
      for (const limit of [1, 4, 50]) {
        expect(await walk(sort, '', limit), `${sort} by ${limit}`).toEqual(expected(sort));
      }
    }
  });

  it('put names in Persian alphabetical order, Arabic letter forms beside their Persian ones, Latin after, nameless last', async () => {
    const res = await get('/api/customers?sort=name&limit=200');
    const names = res.json().items.map((c: { name: string | null }) => c.name);
    expect(names.slice(0, PERSIAN_ORDER.length).map((n: string) => n.replace('\u200C', ''))).toEqual(PERSIAN_ORDER.map((n) => n.replace('\u200C', '')));
    expect(names.slice(PERSIAN_ORDER.length)).toEqual([null, null, null]);
    const reversed = (await get('/api/customers?sort=-name&limit=200')).json().items.map((c: { name: string | null }) => c.name);
    expect(reversed.slice(0, 3)).toEqual(['Zoe', 'bob', 'Adam']);
    expect(reversed.slice(-3)).toEqual([null, null, null]);
  });

  it('keep instants a microsecond apart in order across a page boundary', async () => {
    expect(await walk('lastOrderAt', '', 1)).toEqual(expected('lastOrderAt'));
    expect(await walk('-lastOrderAt', '', 2)).toEqual(expected('-lastOrderAt'));
    const first = (await get('/api/customers?sort=-lastOrderAt&limit=1')).json().items[0];
    expect(first.id).toBe(made[4]!.id);
  });

  it('combine with search and filters, in every order', async () => {
    const even = made.filter((_, i) => i % 2 === 0);
    for (const sort of ['name', '-name', '-totalSpent', 'lastOrderAt', 'createdAt'] as const) {
      expect(await walk(sort, '&tag=even', 2), sort).toEqual(expected(sort, even));
    }
    // Three customers of the same name: ties in id order, reversed with the order.
    const saras = made.filter((m) => m.name === 'سارا');
    expect(await walk('-name', `&q=${encodeURIComponent('سارا')}`, 1)).toEqual(expected('-name', saras));
    // The Arabic kaf finds both spellings, and they sort together.
    const kaf = made.filter((m) => m.name === 'کاوه' || m.name === 'كريم');
    expect(await walk('name', `&q=${encodeURIComponent('ك')}`, 1)).toEqual(expected('name', kaf));
  });

  it('page a filtered, sorted list exactly, whether a page fills within the first window or needs the whole workspace', async () => {
    const even = made.filter((_, i) => i % 2 === 0);
    for (const sort of ['name', '-lastOrderAt', 'orderCount'] as const) {
      const order = sortOrder(sort);
      for (const recentWindow of [1, 3, 10_000]) {
        const seen: string[] = [];
        let after: SortPosition | undefined;
        for (let guard = 0; guard < 50; guard++) {
          const rows = await listCustomers(t.database.db, ws.tenantId, { tag: 'even' }, { sort: order, after, limit: 3, recentWindow });
          seen.push(...rows.map((r) => r.id));
          if (rows.length < 3) break;
          const last = rows[rows.length - 1]!;
          after = { id: last.id, key: last.cursorKey, amongEmpty: last.cursorKey === null };
        }
        expect(seen, `${sort}, window ${recentWindow}`).toEqual(expected(sort, even));
      }
    }
  });

  it('refuse a cursor from another order with 400 cursor_sort_mismatch, and forged cursors with 400 invalid_cursor', async () => {
    const byName = (await get('/api/customers?sort=name&limit=2')).json().nextCursor as string;
    const newest = (await get('/api/customers?limit=2')).json().nextCursor as string;
    for (const [sort, cursor] of [['-name', byName], ['name', newest], ['-createdAt', byName]] as const) {
      const res = await get(`/api/customers?sort=${sort}&cursor=${cursor}`);
      expect(res.statusCode, `${sort}`).toBe(400);
      expect(res.json().code).toBe('cursor_sort_mismatch');
      expect(res.json().errors[0].field).toBe('querystring.cursor');
    }
    const id = made[0]!.id;
    const forged = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const [sort, body] of [
      ['lastOrderAt', { s: 'lastOrderAt', id, k: 'yesterday' }],
      ['lastOrderAt', { s: 'lastOrderAt', id, k: '2024-02-31T00:00:00.000000Z' }],
      ['orderCount', { s: 'orderCount', id, k: '99999999999' }],
      ['orderCount', { s: 'orderCount', id, e: 1 }],
      ['totalSpent', { s: 'totalSpent', id, k: '1; DROP TABLE customers' }],
      ['name', { s: 'name', id, k: 'a\u0000b' }],
      ['name', { s: 'name', id, k: 42 }],
      ['name', { s: 'name', id: 'not-a-uuid', k: 'x' }],
      ['name', [1, 2]],
    ] as const) {
      const res = await get(`/api/customers?sort=${sort}&cursor=${forged(body)}`);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('invalid_cursor');
    }
    const unknownSort = await get('/api/customers?sort=phone');
    expect(unknownSort.statusCode).toBe(400);
  });

  it('still accept the cursors the default order always handed out', () => {
    const id = made[0]!.id;
    const old = Buffer.from(JSON.stringify({ id })).toString('base64url');
    expect(decodeSortCursor(sortOrder('-createdAt'), old)).toEqual({ id, key: null, amongEmpty: false });
  });
});
