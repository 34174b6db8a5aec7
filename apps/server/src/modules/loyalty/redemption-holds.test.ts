import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, postOverSocket, type CallOptions, type Method, type Answer } from '../../../test/loyalty-kit.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { releaseExpiredHolds } from './redemption-holds.service.ts';

// Rewards, checkout holds (hold → capture or release) and their stock, over the API on a real
// PostgreSQL. After each test every touched ledger must hold together: the ledger's own
// invariants, held accounts against open holds, and `verify` reporting no drift.

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const touched = new Set<string>();
afterEach(async () => {
  for (const tenantId of touched) await expectHoldsBalanced(tenantId);
  touched.clear();
});

const workspaces = new Map<string, TestWorkspace>();

async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  touched.add(ws.tenantId);
  workspaces.set(ws.tenantId, ws);
  return ws;
}

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

/** Over a real socket: concurrent requests race as in production. */
const http = (ws: TestWorkspace, url: string, payload: unknown, headers: Record<string, string> = {}) => postOverSocket(t, base, ws, url, payload, headers);

let serial = 0;
const ext = (what: string) => `${what}-${++serial}`;
const inDays = (days: number, from = new Date()) => new Date(from.getTime() + days * 86_400_000);
async function untilPast(instant: Date): Promise<void> {
  while (Date.now() <= instant.getTime() + 20) await new Promise((r) => setTimeout(r, Math.max(10, instant.getTime() + 25 - Date.now())));
}

async function earn(ws: TestWorkspace, customerId: string, points: number, expiresAt?: Date) {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { points, reason: 'خرید', externalId: ext('order'), ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const hold = (ws: TestWorkspace, body: Record<string, unknown>) => call(ws, 'POST', '/api/loyalty/holds', { externalId: ext('checkout'), ...body });
const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;

async function member(ws: TestWorkspace, points: number) {
  const customer = await createCustomer(t, ws);
  if (points > 0) await earn(ws, customer.id, points);
  return customer;
}

const q = async <R = Record<string, string>>(text: string, params: unknown[]) => (await t.database.pool.query(text, params)).rows as R[];
const systemBalance = async (tenantId: string, kind: string) => Number((await q(`
  SELECT coalesce(sum(p.amount), 0) AS n FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
  WHERE a.tenant_id = $1 AND a.customer_id IS NULL AND a.kind = $2`, [tenantId, kind]))[0]!.n);

/**
 * The ledger's invariants (test/loyalty-ledger.ts), then, with SQL of this test's own: each
 * member's held account equals the points of its holds still held, no held account is negative,
 * every hold has its entry, reward stock left is the total less holds and redemptions; and the
 * API's verify reports no drift of any kind.
 */
async function expectHoldsBalanced(tenantId: string): Promise<void> {
  await expectLedgerBalanced(t, tenantId);
  const held = await q(`
    WITH posted AS (
      SELECT a.customer_id, sum(p.amount) AS posted FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
      WHERE a.tenant_id = $1 AND a.kind = 'held' GROUP BY a.customer_id
    ), open AS (
      SELECT customer_id, sum(points) FILTER (WHERE status = 'held') AS open FROM loyalty_redemption_holds WHERE tenant_id = $1 GROUP BY customer_id
    )
    SELECT coalesce(p.customer_id, o.customer_id) AS customer_id, coalesce(p.posted, 0) AS posted, coalesce(o.open, 0) AS open
    FROM posted p FULL JOIN open o ON o.customer_id = p.customer_id WHERE coalesce(p.posted, 0) <> coalesce(o.open, 0) OR coalesce(p.posted, 0) < 0`, [tenantId]);
  expect(held, 'held accounts against open holds').toEqual([]);
  expect(await q(`SELECT id FROM loyalty_redemption_holds WHERE tenant_id = $1 AND hold_entry_id IS NULL`, [tenantId]), 'holds without an entry').toEqual([]);
  const stock = await q(`
    SELECT r.id, r.stock_total, r.stock_left, (SELECT count(*) FROM loyalty_redemption_holds h WHERE h.tenant_id = r.tenant_id AND h.reward_id = r.id AND h.status IN ('held', 'captured')) AS taken
    FROM loyalty_rewards r WHERE r.tenant_id = $1 AND r.stock_total IS NOT NULL AND r.stock_left <> r.stock_total - (
      SELECT count(*) FROM loyalty_redemption_holds h WHERE h.tenant_id = r.tenant_id AND h.reward_id = r.id AND h.status IN ('held', 'captured'))`, [tenantId]);
  expect(stock, 'reward stock left against holds and redemptions').toEqual([]);
  const verify = await call(workspaces.get(tenantId)!, 'GET', '/api/loyalty/verify');
  expect(verify.body, 'verify').toMatchObject({ ok: true, driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0, held: 0, charity: 0 } });
}

const sum = (items: { amount: number }[]) => items.reduce((n, p) => n + p.amount, 0);

describe('rewards catalogue', () => {
  it('creates, lists, changes and archives rewards with names in fa, ar and en, by role', async () => {
    const ws = await workspace();
    const body = { kind: 'gift', name: { fa: 'فنجان قهوه', ar: 'فنجان قهوة', en: 'Coffee cup' }, pointsCost: 300, stock: 5, perMemberLimit: 1, validUntil: inDays(30).toISOString() };
    expect((await call(ws, 'POST', '/api/loyalty/rewards', body, { role: 'agent' })).status).toBe(403);
    const created = await call(ws, 'POST', '/api/loyalty/rewards', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ kind: 'gift', name: body.name, pointsCost: 300, stock: 5, stockLeft: 5, perMemberLimit: 1, validFrom: null, validUntil: body.validUntil, active: true, archived: false });
    const id = created.body.id as string;
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${id}`, undefined, { role: 'analyst' })).body).toEqual(created.body);
    const unlimited = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'coupon', name: { fa: 'تخفیف ده درصد' }, pointsCost: 100 })).body;
    expect(unlimited).toMatchObject({ stock: null, stockLeft: null, perMemberLimit: null, name: { fa: 'تخفیف ده درصد' } });
    const later = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { en: 'Later' }, pointsCost: 1, validFrom: inDays(3).toISOString() })).body;

    const onOffer = (await call(ws, 'GET', '/api/loyalty/rewards', undefined, { role: 'agent' })).body.items.map((r: { id: string }) => r.id);
    expect(onOffer).toEqual([id, unlimited.id]);
    const changed = await call(ws, 'PATCH', `/api/loyalty/rewards/${id}`, { stock: 8, pointsCost: 250, name: { fa: 'ماگ', en: 'Mug' } });
    expect(changed.body).toMatchObject({ stock: 8, stockLeft: 8, pointsCost: 250, name: { fa: 'ماگ', en: 'Mug' } });
    expect((await call(ws, 'PATCH', `/api/loyalty/rewards/${id}`, { stock: 2 }, { role: 'agent' })).status).toBe(403);

    expect((await call(ws, 'DELETE', `/api/loyalty/rewards/${id}`)).status).toBe(204);
    expect((await call(ws, 'GET', '/api/loyalty/rewards')).body.items.map((r: { id: string }) => r.id)).toEqual([unlimited.id]);
    const all = (await call(ws, 'GET', '/api/loyalty/rewards?all=true')).body.items;
    expect(all.map((r: { id: string; archived: boolean }) => [r.id, r.archived])).toEqual([[id, true], [unlimited.id, false], [later.id, false]]);
    const archivedChange = await call(ws, 'PATCH', `/api/loyalty/rewards/${id}`, { stock: 9 }, { headers: { 'accept-language': 'ar' } });
    expect([archivedChange.status, archivedChange.body.code]).toEqual([409, 'reward_archived']);
    expect(archivedChange.body.detail).toMatch(/[\u0600-\u06FF]/);
    const { rows } = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY id`, [ws.tenantId, id]);
    expect(rows.map((r) => r.action)).toEqual(['loyalty.reward.created', 'loyalty.reward.updated', 'loyalty.reward.archived']);
  });

  it('refuses bad rewards with 4xx problems in the reader\'s language, writing nothing', async () => {
    const ws = await workspace();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ kind: 'gift', name: {}, pointsCost: 10 }, 400, 'name_required'],
      [{ kind: 'gift', name: { fa: 'x' }, pointsCost: 0 }, 400, 'too_small'],
      [{ kind: 'gift', name: { fa: 'x' }, pointsCost: 10, validFrom: inDays(2).toISOString(), validUntil: inDays(1).toISOString() }, 400, 'reward_window_invalid'],
      [{ kind: 'car', name: { fa: 'x' }, pointsCost: 10 }, 400, 'invalid_value'],
      [{ kind: 'gift', name: { fa: 'x' }, pointsCost: 10, stock: -1 }, 400, 'too_small'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(ws, 'POST', '/api/loyalty/rewards', body, { headers: { 'accept-language': 'fa' } });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.type).toContain('application/problem+json');
      expect(JSON.stringify(res.body), JSON.stringify(res.body)).toContain(code);
    }
    const nameless = await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: {}, pointsCost: 10 }, { headers: { 'accept-language': 'fa' } });
    expect(nameless.body.errors[0].message).toMatch(/[\u0600-\u06FF]/);
    expect((await q(`SELECT count(*)::int AS n FROM loyalty_rewards WHERE tenant_id = $1`, [ws.tenantId]))[0]).toEqual({ n: 0 });
    expect((await call(ws, 'GET', '/api/loyalty/rewards/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses new partner-offer and donation rewards (422, pointing to partners and charities, fa/ar/en), writing nothing; old ones stay readable', async () => {
    const ws = await workspace();
    // Each kind's refusal, and a word of where it belongs in each language.
    const where = {
      partner_offer: { code: 'reward_kind_use_partner_offers', en: /partners catalogue/, fa: /شریکان/, ar: /الشركاء/ },
      donation: { code: 'reward_kind_use_charities', en: /charities/, fa: /خیریه‌ها/, ar: /الجمعيات الخيرية/ },
    };
    for (const [kind, expected] of Object.entries(where)) {
      for (const lang of ['fa', 'ar', 'en'] as const) {
        const res = await call(ws, 'POST', '/api/loyalty/rewards', { kind, name: { fa: 'بلیت سینما' }, pointsCost: 10 }, { headers: { 'accept-language': lang, 'idempotency-key': `${kind}-${lang}` } });
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.type).toContain('application/problem+json');
        expect(res.body).toMatchObject({ code: expected.code, errors: [{ field: 'kind', code: expected.code }] });
        expect(res.body.detail).toMatch(expected[lang]);
        if (lang !== 'en') expect(res.body.detail).not.toMatch(/[A-Za-z]/);
      }
    }
    expect((await q(`SELECT count(*)::int AS n FROM loyalty_rewards WHERE tenant_id = $1`, [ws.tenantId]))[0]).toEqual({ n: 0 });
    // A reward of a retired kind from before stays in the catalogue, readable and changeable.
    const [old] = await q<{ id: string }>(`INSERT INTO loyalty_rewards (tenant_id, id, kind, name, points_cost) VALUES ($1, gen_random_uuid(), 'donation', '{"fa": "کمک به مهرانه"}', 25) RETURNING id`, [ws.tenantId]);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${old!.id}`)).body).toMatchObject({ id: old!.id, kind: 'donation', pointsCost: 25 });
    expect((await call(ws, 'GET', '/api/loyalty/rewards?all=true')).body.items.map((r: { kind: string }) => r.kind)).toEqual(['donation']);
    expect((await call(ws, 'PATCH', `/api/loyalty/rewards/${old!.id}`, { pointsCost: 30 })).body).toMatchObject({ kind: 'donation', pointsCost: 30 });
  });
});

describe('holds', () => {
  it('holds points from the soonest-expiring lots into the held account, then captures them to redemptions', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const late = await earn(ws, customer.id, 100, inDays(60));
    const soon = await earn(ws, customer.id, 50, inDays(5));
    await earn(ws, customer.id, 100);
    const held = await hold(ws, { customerId: customer.id, points: 120, reason: 'سبد خرید' });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({ customerId: customer.id, rewardId: null, points: 120, status: 'held', settledAt: null, settleEntry: null });
    const entry = held.body.holdEntry;
    expect(entry).toMatchObject({ kind: 'hold', points: { available: -120, pending: 0, qualifying: 0 } });
    expect(entry.postings).toEqual(expect.arrayContaining([
      { account: 'available', customerId: customer.id, unit: 'points', amount: -120 },
      { account: 'held', customerId: customer.id, unit: 'points', amount: 120 },
    ]));
    expect(sum(entry.postings)).toBe(0);
    expect(entry.draws).toEqual([{ lotId: soon.lot.id, points: 50, expiresAt: soon.lot.expiresAt }, { lotId: late.lot.id, points: 70, expiresAt: late.lot.expiresAt }]);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 130, withoutExpiry: 100, expiring: [{ expiresAt: late.lot.expiresAt, points: 30, lots: 1 }] });
    // The held points are not spendable again: only the 130 left are.
    const spend = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 131, externalId: ext('pos') });
    expect([spend.status, spend.body.code, spend.body.detail]).toEqual([409, 'insufficient_points', expect.stringContaining('130')]);
    expect((await call(ws, 'GET', `/api/loyalty/holds/${held.body.id}`, undefined, { role: 'analyst' })).body).toEqual(held.body);

    const captured = await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/capture`, {});
    expect(captured.status, JSON.stringify(captured.body)).toBe(201);
    expect(captured.body).toMatchObject({ status: 'captured', settledAt: expect.any(String) });
    expect(captured.body.settleEntry.postings).toEqual([
      { account: 'held', customerId: customer.id, unit: 'points', amount: -120 },
      { account: 'redemptions', customerId: null, unit: 'points', amount: 120 },
    ]);
    expect(captured.body.settleEntry.draws).toEqual([]);
    expect((await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/capture`, {})).status).toBe(200);
    const release = await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/release`, {}, { headers: { 'accept-language': 'fa' } });
    expect([release.status, release.body.code]).toEqual([409, 'hold_captured']);
    expect(release.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect(await systemBalance(ws.tenantId, 'redemptions')).toBe(120);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 130 });
    const history = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items.map((e: { kind: string }) => e.kind);
    expect(history.slice(0, 2)).toEqual(['capture', 'hold']);
  });

  it('releases a hold back to exactly the lots it drew on, and gives the reward its stock back', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const a = await earn(ws, customer.id, 40, inDays(3));
    const b = await earn(ws, customer.id, 40, inDays(9));
    const before = await balance(ws, customer.id);
    const reward = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'کیف' }, pointsCost: 70, stock: 1 })).body;
    const held = await hold(ws, { customerId: customer.id, rewardId: reward.id });
    expect(held.body).toMatchObject({ status: 'held', points: 70, rewardId: reward.id });
    expect(held.body.holdEntry.draws).toEqual([{ lotId: a.lot.id, points: 40, expiresAt: a.lot.expiresAt }, { lotId: b.lot.id, points: 30, expiresAt: b.lot.expiresAt }]);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward.id}`)).body.stockLeft).toBe(0);

    const released = await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/release`, { reason: 'سبد رها شد' });
    expect(released.status, JSON.stringify(released.body)).toBe(201);
    expect(released.body.status).toBe('released');
    expect(released.body.settleEntry).toMatchObject({ kind: 'release', points: { available: 70, pending: 0, qualifying: 0 } });
    expect(released.body.settleEntry.draws).toEqual([{ lotId: a.lot.id, points: -40, expiresAt: a.lot.expiresAt }, { lotId: b.lot.id, points: -30, expiresAt: b.lot.expiresAt }]);
    expect(await balance(ws, customer.id)).toEqual(before);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward.id}`)).body.stockLeft).toBe(1);
    expect((await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/release`, {})).status).toBe(200);
    const open = (await hold(ws, { customerId: customer.id, points: 15 })).body;
    const listed = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/holds`, undefined, { role: 'analyst' })).body;
    expect(listed.held).toBe(15);
    expect(listed.items.map((h: { id: string; status: string }) => [h.id, h.status])).toEqual([[open.id, 'held'], [held.body.id, 'released']]);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/holds?status=released`)).body.items.map((h: { id: string }) => h.id)).toEqual([held.body.id]);
    const capture = await call(ws, 'POST', `/api/loyalty/holds/${held.body.id}/capture`, {});
    expect([capture.status, capture.body.code]).toEqual([409, 'hold_released']);
  });

  it('holds once per external id or Idempotency-Key, refuses a key reused for another hold, and needs a key', async () => {
    const ws = await workspace();
    const customer = await member(ws, 100);
    const first = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 30, externalId: 'cart-1' });
    expect(first.status).toBe(201);
    const again = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 30, externalId: 'cart-1' }, { role: 'owner' });
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    const other = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 31, externalId: 'cart-1' });
    expect([other.status, other.body.code]).toEqual([409, 'external_id_conflict']);
    const keyed = () => call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 5 }, { headers: { 'idempotency-key': 'k-1' } });
    const k1 = await keyed();
    expect(k1.status).toBe(201);
    expect((await keyed()).body.id).toBe(k1.body.id);
    const unkeyed = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 5 }, { headers: { 'accept-language': 'ar' } });
    expect([unkeyed.status, unkeyed.body.code]).toEqual([400, 'idempotency_key_required']);
    expect(unkeyed.body.detail).toMatch(/[\u0600-\u06FF]/);
    const both = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, points: 5, rewardId: '00000000-0000-4000-8000-000000000000', externalId: 'x' });
    expect([both.status, JSON.stringify(both.body)]).toEqual([400, expect.stringContaining('points_or_reward_required')]);
    const noReward = await call(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, rewardId: '00000000-0000-4000-8000-000000000000', externalId: 'y' });
    expect([noReward.status, noReward.body.code]).toEqual([422, 'reward_not_found']);
    expect((await balance(ws, customer.id)).available).toBe(65);
  });

  it('never lets another workspace see, capture or release a hold', async () => {
    const ws = await workspace();
    const other = await workspace();
    const customer = await member(ws, 50);
    const held = (await hold(ws, { customerId: customer.id, points: 50 })).body;
    for (const [method, url] of [['GET', `/api/loyalty/holds/${held.id}`], ['POST', `/api/loyalty/holds/${held.id}/capture`], ['POST', `/api/loyalty/holds/${held.id}/release`]] as const) {
      const res = await call(other, method, url, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    const foreign = await hold(other, { customerId: customer.id, points: 1 });
    expect(foreign.status).toBe(404);
    expect((await call(ws, 'GET', `/api/loyalty/holds/${held.id}`)).body.status).toBe('held');
  });
});

describe('refunds', () => {
  it('refunds a captured hold once: redemptions back to the very lots, the stock back, concurrent refunds credit once', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const a = await earn(ws, customer.id, 30, inDays(4));
    await earn(ws, customer.id, 70);
    const before = await balance(ws, customer.id);
    const reward = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'چتر' }, pointsCost: 50, stock: 2, perMemberLimit: 1 })).body;
    const held = (await hold(ws, { customerId: customer.id, rewardId: reward.id })).body;
    const early = await call(ws, 'POST', `/api/loyalty/holds/${held.id}/refund`, {});
    expect([early.status, early.body.code]).toEqual([409, 'hold_not_captured']);
    const captured = (await call(ws, 'POST', `/api/loyalty/holds/${held.id}/capture`, {})).body;
    expect((await call(ws, 'POST', `/api/loyalty/holds/${held.id}/refund`, {}, { role: 'agent' })).status).toBe(403);
    const refunds = await Promise.all(Array.from({ length: 10 }, () => http(ws, `/api/loyalty/holds/${held.id}/refund`, { reason: 'سفارش لغو شد' })));
    expect(refunds.filter((r) => r.status === 201)).toHaveLength(1);
    expect(refunds.filter((r) => r.status === 200)).toHaveLength(9);
    const refunded = refunds.find((r) => r.status === 201)!.body;
    expect(refunded).toMatchObject({ status: 'refunded', refundEntry: { kind: 'reversal', reversesEntryId: captured.settleEntry.id, reason: 'سفارش لغو شد', points: { available: 50 } } });
    expect(refunded.refundEntry.draws).toEqual([
      { lotId: a.lot.id, points: -30, expiresAt: a.lot.expiresAt }, { lotId: expect.any(Number), points: -20, expiresAt: null },
    ]);
    expect(await balance(ws, customer.id)).toEqual(before);
    expect(await systemBalance(ws.tenantId, 'redemptions')).toBe(0);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward.id}`)).body.stockLeft).toBe(2);
    // Reversed once whichever way: the capture entry's own reversal is refused.
    expect((await call(ws, 'POST', `/api/loyalty/entries/${captured.settleEntry.id}/reversal`, { reason: 'دوباره' })).status).toBe(409);
    expect((await call(ws, 'GET', `/api/loyalty/entries/${captured.settleEntry.id}`)).body.reversedByEntryId).toBe(refunded.refundEntry.id);
    // The member's limit counts it no more.
    expect((await hold(ws, { customerId: customer.id, rewardId: reward.id })).status).toBe(201);
  });
});

describe('hold expiry', () => {
  it('releases holds past their expiry once however often the job runs, after which they cannot be captured', async () => {
    const ws = await workspace();
    const customer = await member(ws, 100);
    const held = (await hold(ws, { customerId: customer.id, points: 60, ttlSeconds: 60 })).body;
    const kept = (await hold(ws, { customerId: customer.id, points: 10, ttlSeconds: 3600 })).body;
    expect(await releaseExpiredHolds(t.database, ws.tenantId, new Date())).toEqual({ released: 0, points: 0 });
    const later = new Date(Date.now() + 61_000);
    const runs = await Promise.all([releaseExpiredHolds(t.database, ws.tenantId, later), releaseExpiredHolds(t.database, ws.tenantId, later)]);
    expect(runs.reduce((n, r) => n + r.released, 0)).toBe(1);
    expect(await releaseExpiredHolds(t.database, ws.tenantId, later)).toEqual({ released: 0, points: 0 });
    const after = (await call(ws, 'GET', `/api/loyalty/holds/${held.id}`)).body;
    expect(after).toMatchObject({ status: 'expired', settleEntry: { kind: 'release', source: 'system:hold-expiry', points: { available: 60 } } });
    expect((await call(ws, 'GET', `/api/loyalty/holds/${kept.id}`)).body.status).toBe('held');
    const capture = await call(ws, 'POST', `/api/loyalty/holds/${held.id}/capture`, {});
    expect([capture.status, capture.body.code]).toEqual([409, 'hold_expired']);
    expect((await balance(ws, customer.id)).available).toBe(90);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1 AND kind = 'release'`, [ws.tenantId]);
    expect(rows[0].n).toBe(1);
  });

  it('gives a released hold\'s points back to a lot that expired meanwhile, which then expires at once', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const expiresAt = new Date(Date.now() + 1500);
    const lot = await earn(ws, customer.id, 30, expiresAt);
    await earn(ws, customer.id, 20);
    const held = (await hold(ws, { customerId: customer.id, points: 40 })).body;
    expect(held.holdEntry.draws.map((d: { lotId: number; points: number }) => [d.lotId, d.points])).toEqual([[lot.lot.id, 30], [expect.any(Number), 10]]);
    await untilPast(expiresAt);
    const released = await call(ws, 'POST', `/api/loyalty/holds/${held.id}/release`, {});
    expect(released.status).toBe(201);
    // The 30 went back to their lot and expired with it; the 10 are spendable again.
    expect(await balance(ws, customer.id)).toMatchObject({ available: 20, expiring: [], withoutExpiry: 20 });
    expect(await systemBalance(ws.tenantId, 'breakage')).toBe(30);
  });
});

describe('verify', () => {
  it('reports a held account that no longer matches its holds, and charity_payable that no longer matches the donations', async () => {
    const ws = await workspace();
    const customer = await member(ws, 100);
    const held = (await hold(ws, { customerId: customer.id, points: 30 })).body;
    const charity = (await call(ws, 'POST', '/api/loyalty/charities', { name: { fa: 'مهرانه' }, ratePoints: 1, rateMinor: 10 })).body;
    const donation = (await call(ws, 'POST', '/api/loyalty/donations', { customerId: customer.id, charityId: charity.id, points: 20, externalId: ext('gift') })).body;
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body).toMatchObject({ ok: true, systemBalances: { charity_payable: 20 } });
    // Behind the ledger's back: a hold's points and a donation's points changed without an entry.
    await t.database.pool.query(`UPDATE loyalty_redemption_holds SET points = points + 5 WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, held.id]);
    await t.database.pool.query(`UPDATE loyalty_donations SET points = points - 1 WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, donation.id]);
    const drifted = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(drifted).toMatchObject({
      ok: false, driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0, held: 1, charity: 1 },
      heldDrift: [{ customerId: customer.id, posted: 30, inHolds: 35 }], charityDrift: [{ payable: 20, donated: 19 }],
    });
    await t.database.pool.query(`UPDATE loyalty_redemption_holds SET points = points - 5 WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, held.id]);
    await t.database.pool.query(`UPDATE loyalty_donations SET points = points + 1 WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, donation.id]);
  });
});

describe('concurrency', () => {
  it('holds exactly 10 of a reward with 10 in stock for 50 concurrent holds, and never oversells', async () => {
    const ws = await workspace();
    const reward = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'بلیت کنسرت', en: 'Concert ticket' }, pointsCost: 50, stock: 10 })).body;
    const members = await Promise.all(Array.from({ length: 50 }, () => createCustomer(t, ws)));
    for (const m of members) await earn(ws, m.id, 100);
    const answers = await Promise.all(members.map((m, n) => http(ws, '/api/loyalty/holds', { customerId: m.id, rewardId: reward.id, externalId: `ticket-${n}` })));
    const won = answers.filter((r) => r.status === 201);
    expect(won).toHaveLength(10);
    for (const r of answers.filter((a) => a.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'reward_out_of_stock']);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward.id}`)).body).toMatchObject({ stock: 10, stockLeft: 0 });
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n, coalesce(sum(points), 0)::int AS points FROM loyalty_redemption_holds WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0]).toEqual({ n: 10, points: 500 });
    // Losers kept every point; a release frees one ticket for the next buyer.
    const loser = members[answers.findIndex((r) => r.status !== 201)]!;
    expect((await balance(ws, loser.id)).available).toBe(100);
    await call(ws, 'POST', `/api/loyalty/holds/${won[0]!.body.id}/release`, {});
    expect((await hold(ws, { customerId: loser.id, rewardId: reward.id })).status).toBe(201);
    const captures = await Promise.all(won.slice(1).map((w) => http(ws, `/api/loyalty/holds/${w.body.id}/capture`, {})));
    expect(captures.map((c) => c.status)).toEqual(Array(9).fill(201));
    expect(await systemBalance(ws.tenantId, 'redemptions')).toBe(450);
  });

  it('counts the holds in flight when an unlimited reward is given a stock, so it is never oversold', async () => {
    const ws = await workspace();
    const reward = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { en: 'Cinema' }, pointsCost: 10 })).body;
    const members = await Promise.all(Array.from({ length: 24 }, () => createCustomer(t, ws)));
    for (const m of members) await earn(ws, m.id, 10);
    const holds = members.map((m, n) => http(ws, '/api/loyalty/holds', { customerId: m.id, rewardId: reward.id, externalId: `cinema-${n}` }));
    const stocked = new Promise<Answer>((resolve) => setTimeout(() => resolve(call(ws, 'PATCH', `/api/loyalty/rewards/${reward.id}`, { stock: 20 })), 5));
    const [answers, patch] = await Promise.all([Promise.all(holds), stocked]);
    const won = answers.filter((r) => r.status === 201).length;
    for (const r of answers.filter((a) => a.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'reward_out_of_stock']);
    // Whatever the order: holds before the change count against the new stock (or it is refused), never more than 20 in all.
    if (patch.status === 200) {
      expect(won).toBeLessThanOrEqual(20);
      expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward.id}`)).body.stockLeft).toBe(20 - won);
    } else {
      expect([patch.status, patch.body.code]).toEqual([422, 'stock_below_taken']);
    }
  });

  it('keeps a reward\'s per-member limit under concurrent holds by one member', async () => {
    const ws = await workspace();
    const customer = await member(ws, 1000);
    const reward = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'coupon', name: { ar: 'قسيمة' }, pointsCost: 10, perMemberLimit: 2 })).body;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, n) => http(ws, '/api/loyalty/holds', { customerId: customer.id, rewardId: reward.id, externalId: `c-${n}` })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(2);
    for (const r of answers.filter((a) => a.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'reward_limit_reached']);
    expect((await balance(ws, customer.id)).available).toBe(980);
  });

  it('20 concurrent holds of 100 from a 100-point account: one holds, and 20 concurrent captures of it redeem 100, not 2,000', async () => {
    const ws = await workspace();
    const customer = await member(ws, 100);
    const holds = await Promise.all(Array.from({ length: 20 }, (_, n) => http(ws, '/api/loyalty/holds', { customerId: customer.id, points: 100, externalId: `gift-${n}` })));
    const won = holds.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    for (const r of holds.filter((a) => a.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'insufficient_points']);
    const id = won[0]!.body.id as string;
    const captures = await Promise.all(Array.from({ length: 20 }, () => http(ws, `/api/loyalty/holds/${id}/capture`, {})));
    expect(captures.filter((c) => c.status === 201)).toHaveLength(1);
    expect(captures.filter((c) => c.status === 200)).toHaveLength(19);
    expect(await systemBalance(ws.tenantId, 'redemptions')).toBe(100);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });
    const { rows } = await t.database.pool.query(`SELECT kind, count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1 GROUP BY kind ORDER BY kind`, [ws.tenantId]);
    expect(rows).toEqual([{ kind: 'capture', n: 1 }, { kind: 'earn', n: 1 }, { kind: 'hold', n: 1 }]);
  });

  it('20 concurrent releases, or releases racing captures, give a hold\'s points back once, never twice', async () => {
    const ws = await workspace();
    const customer = await member(ws, 100);
    const first = (await hold(ws, { customerId: customer.id, points: 100 })).body;
    const releases = await Promise.all(Array.from({ length: 20 }, () => http(ws, `/api/loyalty/holds/${first.id}/release`, {})));
    expect(releases.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 100 });
    const second = (await hold(ws, { customerId: customer.id, points: 100 })).body;
    const race = await Promise.all(Array.from({ length: 20 }, (_, n) => http(ws, `/api/loyalty/holds/${second.id}/${n % 2 ? 'capture' : 'release'}`, {})));
    expect(race.filter((r) => r.status === 201)).toHaveLength(1);
    const outcome = (await call(ws, 'GET', `/api/loyalty/holds/${second.id}`)).body.status as string;
    expect(await balance(ws, customer.id)).toMatchObject({ available: outcome === 'released' ? 100 : 0 });
    expect(await systemBalance(ws.tenantId, 'redemptions')).toBe(outcome === 'captured' ? 100 : 0);
  });

  it('never holds points the lots do not hold: a balance still counting expired points is not spent from nothing', async () => {
    const ws = await workspace();
    const customer = await createCustomer(t, ws);
    const expiresAt = new Date(Date.now() + 1500);
    await earn(ws, customer.id, 100, expiresAt);
    await untilPast(expiresAt);
    // The cached balance still says 100 (nothing has expired the lot yet); the lots hold nothing spendable.
    expect((await q(`SELECT available FROM loyalty_members WHERE tenant_id = $1`, [ws.tenantId]))[0]).toEqual({ available: 100 });
    const answers = await Promise.all(Array.from({ length: 5 }, (_, n) => http(ws, '/api/loyalty/holds', { customerId: customer.id, points: 100, externalId: `late-${n}` })));
    for (const r of answers) expect([r.status, r.body.code]).toEqual([409, 'insufficient_points']);
    expect(await q(`SELECT id FROM loyalty_redemption_holds WHERE tenant_id = $1`, [ws.tenantId])).toEqual([]);
    expect(await systemBalance(ws.tenantId, 'redemptions')).toBe(0);
    // Every point taken by any hold is drawn from a lot: the postings to available equal the draws.
    const { rows } = await t.database.pool.query(`
      SELECT e.id FROM loyalty_entries e WHERE e.tenant_id = $1 AND e.kind IN ('hold', 'release') AND
        (SELECT coalesce(sum(amount), 0) FROM loyalty_draws d WHERE d.tenant_id = e.tenant_id AND d.entry_id = e.id) <>
        -(SELECT coalesce(sum(p.amount), 0) FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
          WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND a.kind = 'available')`, [ws.tenantId]);
    expect(rows).toEqual([]);
  });
});
