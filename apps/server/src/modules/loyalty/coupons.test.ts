import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COUPON_CODE_ALPHABET } from '@vafa/contracts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, postOverSocket, type CallOptions, type Method, type Answer } from '../../../test/loyalty-kit.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { sessionTokenHash } from './member-otp.service.ts';

// Discount-coupon rewards (code pools, generated or uploaded; redemption and cancellation),
// rewards restricted to tiers, and returns into a negative balance, over HTTP on a real
// PostgreSQL. After each test the ledger holds together and `verify` reports no drift.

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const touched = new Set<TestWorkspace>();
afterEach(async () => {
  // Cleared however the checks end: a workspace that failed them fails its own test, not every later one.
  try {
    for (const ws of touched) {
      await expectLedgerBalanced(t, ws.tenantId);
      const verify = await call(ws, 'GET', '/api/loyalty/verify');
      expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);
      // A discount coupon's stock is its free codes.
      const drift = await q(`
        SELECT r.id, r.stock_left, (SELECT count(*) FROM loyalty_coupon_codes c WHERE c.tenant_id = r.tenant_id AND c.reward_id = r.id AND c.status = 'available') AS free
        FROM loyalty_rewards r WHERE r.tenant_id = $1 AND r.kind = 'discount_coupon'
          AND r.stock_left <> (SELECT count(*) FROM loyalty_coupon_codes c WHERE c.tenant_id = r.tenant_id AND c.reward_id = r.id AND c.status = 'available')`, [ws.tenantId]);
      expect(drift, 'coupon stock vs free codes').toEqual([]);
    }
  } finally {
    touched.clear();
  }
});

async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  touched.add(ws);
  return ws;
}


const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

const q = async <R = Record<string, string>>(text: string, params: unknown[]) => (await t.database.pool.query(text, params)).rows as R[];
let serial = 0;
const ext = (what: string) => `${what}-${++serial}`;

async function member(ws: TestWorkspace, points: number) {
  const customer = await createCustomer(t, ws);
  if (points > 0) {
    const res = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points, reason: 'خرید', externalId: ext('order') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return customer;
}

const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;
const systemBalances = async (ws: TestWorkspace) => (await call(ws, 'GET', '/api/loyalty/verify')).body.systemBalances as Record<string, number>;

async function couponReward(ws: TestWorkspace, pointsCost = 50, extra: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: 'کد تخفیف ۲۰٪', en: '20% off' }, pointsCost, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body).toMatchObject({ stock: 0, stockLeft: 0 });
  return res.body.id as string;
}

const generate = (ws: TestWorkspace, rewardId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call(ws, 'POST', `/api/loyalty/rewards/${rewardId}/codes/generate`, body, { headers });

function multipart(content: string | Buffer, options: { cut?: boolean } = {}) {
  const boundary = `----vafa${randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="codes.csv"\r\nContent-Type: text/csv\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  let payload = Buffer.concat([Buffer.from(head), Buffer.isBuffer(content) ? content : Buffer.from(content), Buffer.from(tail)]);
  if (options.cut) payload = payload.subarray(0, payload.length - tail.length - 3);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(ws: TestWorkspace, rewardId: string, content: string | Buffer, options: { cut?: boolean; key?: string } = {}): Promise<Answer> {
  const body = multipart(content, options);
  const res = await t.app.inject({
    method: 'POST', url: `/api/loyalty/rewards/${rewardId}/codes/upload`, payload: body.payload,
    headers: { ...t.auth(ws.keys.manager), ...body.headers, ...(options.key ? { 'idempotency-key': options.key } : {}) },
  });
  return { status: res.statusCode, body: res.body ? res.json() : {}, type: String(res.headers['content-type']), text: res.body };
}

const redeem = (ws: TestWorkspace, rewardId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call(ws, 'POST', `/api/loyalty/rewards/${rewardId}/coupon-redemptions`, body, { headers });

/** Over a real socket: concurrent requests race as in production. */
const httpRedeem = (ws: TestWorkspace, rewardId: string, body: Record<string, unknown>) => postOverSocket(t, base, ws, `/api/loyalty/rewards/${rewardId}/coupon-redemptions`, body);

const codeCount = async (ws: TestWorkspace, rewardId?: string) =>
  Number((await q(`SELECT count(*) AS n FROM loyalty_coupon_codes WHERE tenant_id = $1 AND ($2::uuid IS NULL OR reward_id = $2)`, [ws.tenantId, rewardId ?? null]))[0]!.n);

describe('a pool of generated codes', () => {
  it('generates codes from the unambiguous alphabet, unique in the workspace, and the stock follows the pool', async () => {
    const ws = await workspace();
    const first = await couponReward(ws);
    const second = await couponReward(ws);
    const a = await generate(ws, first, { count: 400, length: 6, prefix: 'nowruz-' });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({ added: 400, pool: { available: 400, assigned: 0, void: 0, total: 400 } });
    expect((await generate(ws, first, { count: 300 })).body.added).toBe(300);
    expect((await generate(ws, second, { count: 300, length: 6, prefix: 'NOWRUZ-' })).body.added).toBe(300);

    const codes = await q<{ code: string; code_key: string }>(`SELECT code, code_key FROM loyalty_coupon_codes WHERE tenant_id = $1`, [ws.tenantId]);
    expect(codes).toHaveLength(1_000);
    expect(new Set(codes.map((c) => c.code_key)).size).toBe(1_000);
    const alphabet = new RegExp(`^(NOWRUZ-)?[${COUPON_CODE_ALPHABET}]+$`);
    for (const { code } of codes) expect(code).toMatch(alphabet);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${first}`)).body).toMatchObject({ stock: 700, stockLeft: 700 });
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${second}/codes`)).body).toMatchObject({ available: 300, total: 300 });
    // The stock of a coupon is its pool, not a number to set.
    const set = await call(ws, 'PATCH', `/api/loyalty/rewards/${first}`, { stock: 5 });
    expect([set.status, set.body.code]).toEqual([422, 'coupon_stock_is_pool']);
  });

  it('replays a generation sent again with its Idempotency-Key, and refuses garbage and other kinds of reward', async () => {
    const ws = await workspace();
    const reward = await couponReward(ws);
    const once = await generate(ws, reward, { count: 25 }, { 'idempotency-key': 'gen-1' });
    const again = await generate(ws, reward, { count: 25 }, { 'idempotency-key': 'gen-1' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(once.body);
    expect(await codeCount(ws)).toBe(25);

    const gift = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'لیوان' }, pointsCost: 10 })).body.id;
    const wrongKind = await generate(ws, gift, { count: 5 });
    expect([wrongKind.status, wrongKind.body.code]).toEqual([409, 'reward_not_coupon']);
    for (const body of [{ count: 0 }, { count: 10_001 }, { count: 'ten' }, { count: 5, length: 3 }, { count: 5, prefix: 'نوروز' }, { count: 5, extra: 1 }, {}]) {
      const res = await generate(ws, reward, body, { 'accept-language': 'fa' });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.detail).toMatch(/[\u0600-\u06FF]/);
    }
    expect((await generate(ws, '00000000-0000-4000-8000-000000000000', { count: 5 })).status).toBe(404);
    expect((await generate(ws, 'not-a-uuid', { count: 5 })).status).toBe(400);
    expect((await generate(ws, reward, { count: 5 }, {})).status).toBe(201);
    const agent = await call(ws, 'POST', `/api/loyalty/rewards/${reward}/codes/generate`, { count: 5 }, { role: 'agent' });
    expect(agent.status).toBe(403);
    expect(await codeCount(ws)).toBe(30);
  });
});

describe('a pool of uploaded codes', () => {
  it('reads a CSV with a BOM and Persian and Arabic-Indic digits, and reports empty rows, repeats and codes already in a pool by line', async () => {
    const ws = await workspace();
    const other = await couponReward(ws);
    expect((await upload(ws, other, 'OTHER-1\nOTHER-2\n')).body).toMatchObject({ added: 2, rejected: [] });
    const reward = await couponReward(ws);
    const file = '\uFEFFکد\nABC-۱۲۳۴\nabc-1234\n\nXYZ٩٨٧\n  ,  \nother 1\nبد!\n"QUOTED-9"\n';
    const res = await upload(ws, reward, file, { key: 'upload-1' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ added: 3, rejectedCount: 5, pool: { available: 3, total: 3 } });
    expect(res.body.rejected).toEqual([
      { line: 3, problem: 'duplicate_in_file', code: 'ABC-1234', firstLine: 2 },
      { line: 4, problem: 'empty', code: '' },
      { line: 6, problem: 'empty', code: '' },
      { line: 7, problem: 'already_in_pool', code: 'OTHER 1' },
      { line: 8, problem: 'invalid', code: 'بد!' },
    ]);
    const stored = await q<{ code: string }>(`SELECT code FROM loyalty_coupon_codes WHERE tenant_id = $1 AND reward_id = $2 ORDER BY code`, [ws.tenantId, reward]);
    expect(stored.map((r) => r.code)).toEqual(['ABC-1234', 'QUOTED-9', 'XYZ987']);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}`)).body).toMatchObject({ stock: 3, stockLeft: 3 });

    // The same upload again under its key answers the same; without it, every code is already in the pool.
    const replay = await upload(ws, reward, file, { key: 'upload-1' });
    expect(replay.body).toEqual(res.body);
    const again = await upload(ws, reward, file);
    expect(again.body).toMatchObject({ added: 0, rejectedCount: 8 });
    expect(await codeCount(ws)).toBe(5);
  });

  it('refuses a file cut short, a body cut short, and files that are not CSV, writing nothing', async () => {
    const ws = await workspace();
    const reward = await couponReward(ws);
    const truncated = await upload(ws, reward, 'code\nAAA-1\nBBB-2\n"CCC-3\nDDD-4\n');
    expect([truncated.status, truncated.body.code]).toEqual([422, 'invalid_csv']);
    expect(truncated.type).toContain('application/problem+json');
    const cut = await upload(ws, reward, 'code\nAAA-1\nBBB-2\n', { cut: true });
    expect([cut.status, cut.body.code]).toEqual([400, 'multipart_malformed']);
    const binary = await upload(ws, reward, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0x14, 0]));
    expect([binary.status, binary.body.code]).toEqual([422, 'invalid_csv']);
    const latin1 = await upload(ws, reward, Buffer.from('code\nCAF\xc9-1\nAAA-2\n', 'latin1'));
    expect([latin1.status, latin1.body.code]).toEqual([422, 'invalid_csv']);
    const json = await call(ws, 'POST', `/api/loyalty/rewards/${reward}/codes/upload`, { codes: ['A'] });
    expect([400, 415]).toContain(json.status);
    expect(json.type).toContain('application/problem+json');
    expect(await codeCount(ws)).toBe(0);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}`)).body).toMatchObject({ stock: 0, stockLeft: 0 });
    const audit = await q(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'loyalty.coupon_codes.%'`, [ws.tenantId]);
    expect(audit).toEqual([]);
  });
});

describe('redeeming a discount coupon', () => {
  it('20 concurrent redemptions of a pool of 10: exactly 10 get a code each, no code twice, points taken only for them', async () => {
    const ws = await workspace();
    const reward = await couponReward(ws, 40);
    await generate(ws, reward, { count: 10 });
    const members = await Promise.all(Array.from({ length: 20 }, () => member(ws, 100)));
    const answers = await Promise.all(members.map((m) => httpRedeem(ws, reward, { customerId: m.id, externalId: ext('checkout') })));
    const won = answers.filter((a) => a.status === 201);
    const lost = answers.filter((a) => a.status !== 201);
    expect(won).toHaveLength(10);
    expect(lost.map((a) => [a.status, a.body.code])).toEqual(Array.from({ length: 10 }, () => [409, 'coupon_pool_empty']));
    expect(new Set(won.map((a) => a.body.code)).size).toBe(10);
    for (const a of won) expect(a.body).toMatchObject({ points: 40, status: 'active', entry: { kind: 'redeem', points: { available: -40 } } });
    for (const [i, m] of members.entries()) {
      expect((await balance(ws, m.id)).available).toBe(answers[i]!.status === 201 ? 60 : 100);
    }
    expect((await systemBalances(ws)).redemptions).toBe(400);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}/codes`)).body).toMatchObject({ available: 0, assigned: 10 });
    const assigned = await q(`SELECT redemption_id FROM loyalty_coupon_codes WHERE tenant_id = $1 AND status = 'assigned'`, [ws.tenantId]);
    expect(new Set(assigned.map((r) => r.redemption_id)).size).toBe(10);
    // Sold out: off the catalogue.
    expect((await call(ws, 'GET', '/api/loyalty/rewards')).body.items.map((r: { id: string }) => r.id)).not.toContain(reward);
  });

  it('refuses with nothing spent: an empty pool, too few points, a limit, a reward not on offer; answers a key again with the same code', async () => {
    const ws = await workspace();
    const reward = await couponReward(ws, 30, { perMemberLimit: 2 });
    const rich = await member(ws, 200);
    const empty = await redeem(ws, reward, { customerId: rich.id, externalId: 'c-0' }, { 'accept-language': 'ar' });
    expect([empty.status, empty.body.code]).toEqual([409, 'coupon_pool_empty']);
    expect(empty.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect((await balance(ws, rich.id)).available).toBe(200);

    await generate(ws, reward, { count: 5 });
    const first = await redeem(ws, reward, { customerId: rich.id, externalId: 'c-1', reason: 'نوروز' });
    expect(first.status).toBe(201);
    const replay = await redeem(ws, reward, { customerId: rich.id, externalId: 'c-1', reason: 'نوروز' });
    expect(replay.status).toBe(200);
    expect(replay.body.code).toBe(first.body.code);
    expect(replay.body.id).toBe(first.body.id);
    const other = await member(ws, 100);
    const stolen = await redeem(ws, reward, { customerId: other.id, externalId: 'c-1' });
    expect([stolen.status, stolen.body.code]).toEqual([409, 'external_id_conflict']);
    const byHeader = await redeem(ws, reward, { customerId: rich.id }, { 'idempotency-key': 'tap-1' });
    const byHeaderAgain = await redeem(ws, reward, { customerId: rich.id }, { 'idempotency-key': 'tap-1' });
    expect(byHeader.status).toBe(201);
    expect(byHeaderAgain.body.code).toBe(byHeader.body.code);
    const noKey = await redeem(ws, reward, { customerId: rich.id });
    expect([noKey.status, noKey.body.code]).toEqual([400, 'idempotency_key_required']);
    const limit = await redeem(ws, reward, { customerId: rich.id, externalId: 'c-3' });
    expect([limit.status, limit.body.code]).toEqual([409, 'coupon_limit_reached']);
    expect((await balance(ws, rich.id)).available).toBe(140);

    const poor = await member(ws, 10);
    const short = await redeem(ws, reward, { customerId: poor.id, externalId: 'c-4' });
    expect([short.status, short.body.code]).toEqual([409, 'insufficient_points']);
    expect((await balance(ws, poor.id)).available).toBe(10);
    await call(ws, 'PATCH', `/api/loyalty/rewards/${reward}`, { active: false });
    const off = await redeem(ws, reward, { customerId: other.id, externalId: 'c-5' });
    expect([off.status, off.body.code]).toEqual([409, 'reward_unavailable']);
    // A coupon is redeemed with its code, never held without one.
    await call(ws, 'PATCH', `/api/loyalty/rewards/${reward}`, { active: true });
    const hold = await call(ws, 'POST', '/api/loyalty/holds', { customerId: other.id, rewardId: reward, externalId: 'h-1' });
    expect([hold.status, hold.body.code]).toEqual([409, 'coupon_needs_redemption']);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}/codes`)).body).toMatchObject({ available: 3, assigned: 2 });
    const list = await call(ws, 'GET', `/api/loyalty/members/${rich.id}/coupons`);
    expect(list.body.items.map((r: { code: string }) => r.code).sort()).toEqual([first.body.code, byHeader.body.code].sort());
  });

  it('hands out one code a redemption whatever plan the database picks: statistics taken before the pool existed', async () => {
    const ws = await workspace();
    const reward = await couponReward(ws, 10);
    // The table analysed before this workspace had a code, as autovacuum may leave it (when it ran
    // is up to the machine's load): the planner expects no code of this workspace. Claiming a code
    // as UPDATE ... FROM (SELECT ... LIMIT 1 FOR UPDATE SKIP LOCKED) then rescanned the subquery
    // per code of the workspace and handed one redemption several codes (the stock fell by one).
    await q('ANALYZE loyalty_coupon_codes', []);
    expect((await generate(ws, reward, { count: 3 })).status).toBe(201);
    const m = await member(ws, 100);
    const first = await redeem(ws, reward, { customerId: m.id, externalId: 'plan-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}/codes`)).body).toMatchObject({ available: 2, assigned: 1 });
    const claimed = await q(`SELECT count(*)::int AS n FROM loyalty_coupon_codes WHERE tenant_id = $1 AND redemption_id = $2`, [ws.tenantId, first.body.id]);
    expect(claimed).toEqual([{ n: 1 }]);
    for (const externalId of ['plan-2', 'plan-3']) {
      const next = await redeem(ws, reward, { customerId: m.id, externalId });
      expect(next.status, JSON.stringify(next.body)).toBe(201);
    }
    expect((await balance(ws, m.id)).available).toBe(70);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}`)).body.stockLeft).toBe(0);
  });

  it('cancelling gives the points back and the code back to the pool unless it was used; a used code is void', async () => {
    const ws = await workspace();
    const reward = await couponReward(ws, 50);
    await generate(ws, reward, { count: 2 });
    const m = await member(ws, 100);
    const a = (await redeem(ws, reward, { customerId: m.id, externalId: 'x-1' })).body;
    const b = (await redeem(ws, reward, { customerId: m.id, externalId: 'x-2' })).body;
    expect((await balance(ws, m.id)).available).toBe(0);

    const used = await call(ws, 'POST', `/api/loyalty/coupon-redemptions/${b.id}/use`);
    expect(used.status).toBe(200);
    expect(used.body.usedAt).not.toBeNull();

    const cancelA = await call(ws, 'POST', `/api/loyalty/coupon-redemptions/${a.id}/cancellation`, { reason: 'سفارش لغو شد' });
    expect(cancelA.status).toBe(201);
    expect(cancelA.body).toMatchObject({ status: 'cancelled', codeReturned: true });
    const again = await call(ws, 'POST', `/api/loyalty/coupon-redemptions/${a.id}/cancellation`, { reason: 'سفارش لغو شد' });
    expect(again.status).toBe(200);
    expect(again.body.cancelEntryId).toBe(cancelA.body.cancelEntryId);
    const cancelB = await call(ws, 'POST', `/api/loyalty/coupon-redemptions/${b.id}/cancellation`, { reason: 'بازگشت' });
    expect(cancelB.body).toMatchObject({ status: 'cancelled', codeReturned: false });
    expect((await balance(ws, m.id)).available).toBe(100);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}/codes`)).body).toMatchObject({ available: 1, assigned: 0, void: 1 });
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}`)).body.stockLeft).toBe(1);
    const useCancelled = await call(ws, 'POST', `/api/loyalty/coupon-redemptions/${a.id}/use`);
    expect([useCancelled.status, useCancelled.body.code]).toEqual([409, 'coupon_redemption_cancelled']);

    // The returned code goes to the next redemption; the void one never.
    const c = await redeem(ws, reward, { customerId: m.id, externalId: 'x-3' });
    expect(c.body.code).toBe(a.code);
    const d = await redeem(ws, reward, { customerId: m.id, externalId: 'x-4' });
    expect([d.status, d.body.code]).toEqual([409, 'coupon_pool_empty']);
    const audit = await q(`SELECT count(*) AS n FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty.coupon_redemption.cancelled'`, [ws.tenantId]);
    expect(Number(audit[0]!.n)).toBe(2);
  });
});

const names = (fa: string, ar: string, en: string) => ({ fa, ar, en });

async function programWithTiers(ws: TestWorkspace, extraSettings: Record<string, unknown> = {}) {
  const program = await call(ws, 'POST', '/api/loyalty/programs', {
    name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' }, ...extraSettings },
  });
  expect(program.status, JSON.stringify(program.body)).toBe(201);
  const settings = await call(ws, 'PUT', `/api/loyalty/programs/${program.body.id}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'none' });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  const silver = (await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/tiers`, { name: names('نقره‌ای', 'فضي', 'Silver'), threshold: 100 })).body.id as string;
  const gold = (await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/tiers`, { name: names('طلایی', 'ذهبي', 'Gold'), threshold: 1_000 })).body.id as string;
  return { programId: program.body.id as string, silver, gold };
}

const order = async (ws: TestWorkspace, programId: string, customerId: string, amount: number, externalId = ext('order')) => {
  const res = await call(ws, 'POST', '/api/loyalty/orders', { externalId, customerId, programId, lines: [{ id: '1', amount }] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

async function portalSession(ws: TestWorkspace, customerId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await q(`INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at) VALUES ($1, $2, $3, now() + interval '1 day', now())`,
    [ws.tenantId, sessionTokenHash(token), customerId]);
  return `vafa_member=${token}`;
}

describe('rewards restricted to tiers', () => {
  it('only members of a listed tier redeem or hold it; the portal shows it locked with the tier needed', async () => {
    const ws = await workspace();
    const { programId, silver, gold } = await programWithTiers(ws);
    const reward = await couponReward(ws, 50);
    await generate(ws, reward, { count: 5 });
    const gift = (await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'ساعت' }, pointsCost: 50 })).body.id as string;
    for (const id of [reward, gift]) {
      const set = await call(ws, 'PUT', `/api/loyalty/rewards/${id}/tiers`, { programId, tierIds: [gold] });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(set.body).toMatchObject({ programId, tiers: [{ id: gold, name: { en: 'Gold' }, threshold: 1_000 }] });
    }
    const silverMember = await createCustomer(t, ws);
    await order(ws, programId, silverMember.id, 200_000);
    const goldMember = await createCustomer(t, ws);
    await order(ws, programId, goldMember.id, 1_500_000);

    const refused = await redeem(ws, reward, { customerId: silverMember.id, externalId: 't-1' }, { 'accept-language': 'fa' });
    expect([refused.status, refused.body.code]).toEqual([403, 'reward_tier_required']);
    expect(refused.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect((await balance(ws, silverMember.id)).available).toBe(200);
    const heldRefused = await call(ws, 'POST', '/api/loyalty/holds', { customerId: silverMember.id, rewardId: gift, externalId: 't-2' });
    expect([heldRefused.status, heldRefused.body.code]).toEqual([403, 'reward_tier_required']);
    expect((await redeem(ws, reward, { customerId: goldMember.id, externalId: 't-3' })).status).toBe(201);
    expect((await call(ws, 'POST', '/api/loyalty/holds', { customerId: goldMember.id, rewardId: gift, externalId: 't-4' })).status).toBe(201);

    const cookie = await portalSession(ws, silverMember.id);
    const portal = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/coupons`, headers: { cookie } });
    expect(portal.statusCode, portal.body).toBe(200);
    expect(portal.json().locked).toEqual(expect.arrayContaining([
      { rewardId: reward, tierNeeded: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' } }, { rewardId: gift, tierNeeded: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' } },
    ]));
    const portalRedeem = await t.app.inject({ method: 'POST', url: `/api/public/loyalty/${ws.slug}/me/rewards/${reward}/coupon`, headers: { cookie, 'idempotency-key': 'tap-tap-1' } });
    expect([portalRedeem.statusCode, portalRedeem.json().code]).toEqual([403, 'reward_tier_required']);

    // Silver added: the silver member may; the restriction lifted: everyone may.
    expect((await call(ws, 'PUT', `/api/loyalty/rewards/${reward}/tiers`, { programId, tierIds: [silver, gold] })).body.tiers.map((x: { id: string }) => x.id)).toEqual([silver, gold]);
    const mine = await t.app.inject({ method: 'POST', url: `/api/public/loyalty/${ws.slug}/me/rewards/${reward}/coupon`, headers: { cookie, 'idempotency-key': 'tap-tap-2' } });
    expect(mine.statusCode, mine.body).toBe(201);
    const mineAgain = await t.app.inject({ method: 'POST', url: `/api/public/loyalty/${ws.slug}/me/rewards/${reward}/coupon`, headers: { cookie, 'idempotency-key': 'tap-tap-2' } });
    expect(mineAgain.statusCode).toBe(200);
    expect(mineAgain.json().code).toBe(mine.json().code);
    const seen = (await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/coupons`, headers: { cookie } })).json();
    expect(seen.items).toEqual([expect.objectContaining({ code: mine.json().code, points: 50, usedAt: null })]);
    expect(seen.locked.map((l: { rewardId: string }) => l.rewardId)).toEqual([gift]);
    expect((await call(ws, 'DELETE', `/api/loyalty/rewards/${gift}/tiers`)).status).toBe(204);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${gift}/tiers`)).body).toEqual({ rewardId: gift, programId: null, tiers: [] });

    const other = await programWithTiers(ws);
    const foreign = await call(ws, 'PUT', `/api/loyalty/rewards/${gift}/tiers`, { programId, tierIds: [other.gold] });
    expect([foreign.status, foreign.body.code]).toEqual([422, 'tier_not_in_program']);
    expect((await call(ws, 'PUT', `/api/loyalty/rewards/${gift}/tiers`, { programId, tierIds: [] })).status).toBe(400);
    expect((await call(ws, 'PUT', `/api/loyalty/rewards/${gift}/tiers`, { programId, tierIds: [gold] }, { role: 'agent' })).status).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/coupons` })).statusCode).toBe(401);
  });
});

describe('returns into a negative balance', () => {
  it('without the setting, what was spent is written off in a balanced entry and the balance stays at zero', async () => {
    const ws = await workspace();
    const { programId } = await programWithTiers(ws);
    const customer = await createCustomer(t, ws);
    const placed = await order(ws, programId, customer.id, 500_000);
    expect(placed.points).toBe(500);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 450, externalId: 'spend-1' })).status).toBe(201);
    const ret = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R1' });
    expect(ret.status, JSON.stringify(ret.body)).toBe(201);
    expect(ret.body).toMatchObject({ points: 500, fromPending: 0, fromAvailable: 50, unrecovered: 450, owed: 0, writtenOff: 450 });
    const entry = await call(ws, 'GET', `/api/loyalty/entries/${ret.body.entryId}`);
    expect(entry.body.postings).toEqual(expect.arrayContaining([
      { account: 'write_off', customerId: null, unit: 'points', amount: -450 }, { account: 'issuance', customerId: null, unit: 'points', amount: 500 },
      { account: 'available', customerId: customer.id, unit: 'points', amount: -50 },
    ]));
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0, pending: 0 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/owed`)).body).toEqual({ customerId: customer.id, owed: 0, net: 0 });
    expect(await systemBalances(ws)).toMatchObject({ write_off: -450, issuance: 0, redemptions: 450 });
    const replay = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R1' });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ writtenOff: 450, owed: 0, entryId: ret.body.entryId });
    // A later earning is the member's own.
    await order(ws, programId, customer.id, 30_000);
    expect((await balance(ws, customer.id)).available).toBe(30);
  });

  it('with the setting, the balance goes negative and later earnings repay it first', async () => {
    const ws = await workspace();
    const { programId } = await programWithTiers(ws, { allowNegativeBalance: true });
    const customer = await createCustomer(t, ws);
    const placed = await order(ws, programId, customer.id, 500_000);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 450, externalId: 'spend-1' })).status).toBe(201);
    const ret = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R1' });
    expect(ret.body).toMatchObject({ points: 500, fromAvailable: 50, unrecovered: 450, owed: 450, writtenOff: 0 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/owed`)).body).toEqual({ customerId: customer.id, owed: 450, net: -450 });
    const replay = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R1' });
    expect(replay.body).toMatchObject({ owed: 450, entryId: ret.body.entryId });

    await order(ws, programId, customer.id, 300_000);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 0 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/owed`)).body).toMatchObject({ owed: 150, net: -150 });
    const earned = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 200, reason: 'هدیه', externalId: 'gift-1' });
    expect(earned.status).toBe(201);
    const again = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 200, reason: 'هدیه', externalId: 'gift-1' });
    expect(again.status).toBe(200);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 50 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/owed`)).body).toMatchObject({ owed: 0, net: 50 });
    const history = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items;
    const repaid = history.filter((e: { reason: string | null }) => e.reason === 'negative_balance_repaid');
    expect(repaid.map((e: { kind: string; points: { available: number } }) => [e.kind, e.points.available])).toEqual([['adjust', -150], ['adjust', -300]]);
    expect(await systemBalances(ws)).toMatchObject({ issuance: -500, redemptions: 450 });
  });
});

describe('tenant isolation and garbage', () => {
  it('one workspace never reads or changes another\'s pools, redemptions or restrictions', async () => {
    const mine = await workspace();
    const theirs = await workspace();
    const reward = await couponReward(theirs, 10);
    await generate(theirs, reward, { count: 3 });
    const them = await member(theirs, 100);
    const redemption = (await redeem(theirs, reward, { customerId: them.id, externalId: 'iso-1' })).body;
    const me = await member(mine, 100);
    const attempts: Answer[] = [
      await call(mine, 'GET', `/api/loyalty/rewards/${reward}/codes`),
      await generate(mine, reward, { count: 5 }),
      await upload(mine, reward, 'code\nZZZ-1\nZZZ-2\n'),
      await redeem(mine, reward, { customerId: me.id, externalId: 'iso-2' }),
      await redeem(mine, reward, { customerId: them.id, externalId: 'iso-3' }),
      await call(mine, 'GET', `/api/loyalty/coupon-redemptions/${redemption.id}`),
      await call(mine, 'POST', `/api/loyalty/coupon-redemptions/${redemption.id}/cancellation`, { reason: 'x' }),
      await call(mine, 'POST', `/api/loyalty/coupon-redemptions/${redemption.id}/use`),
      await call(mine, 'GET', `/api/loyalty/members/${them.id}/coupons`),
      await call(mine, 'GET', `/api/loyalty/members/${them.id}/owed`),
      await call(mine, 'GET', `/api/loyalty/rewards/${reward}/tiers`),
      await call(mine, 'DELETE', `/api/loyalty/rewards/${reward}/tiers`),
    ];
    for (const a of attempts) expect(a.status, JSON.stringify(a.body)).toBe(404);
    expect((await balance(mine, me.id)).available).toBe(100);
    expect((await call(theirs, 'GET', `/api/loyalty/coupon-redemptions/${redemption.id}`)).body.status).toBe('active');
    expect(await codeCount(theirs)).toBe(3);
    expect(await codeCount(mine)).toBe(0);
    // Their session cookie means nothing at my portal.
    const cookie = await portalSession(theirs, them.id);
    expect((await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${mine.slug}/me/coupons`, headers: { cookie } })).statusCode).toBe(401);
  });

  it('answers garbage with 4xx problem+json and writes nothing', async () => {
    const ws = await workspace();
    const reward = await couponReward(ws, 10);
    await generate(ws, reward, { count: 2 });
    const m = await member(ws, 100);
    const bodies: unknown[] = [
      {}, { customerId: 'x' }, { customerId: m.id, externalId: '' }, { customerId: m.id, externalId: 'a\u0000b' }, { customerId: m.id, points: 5, externalId: 'g-1' },
      [], 'text', { customerId: m.id, externalId: 'x'.repeat(201) },
    ];
    for (const body of bodies) {
      const res = await redeem(ws, reward, body as Record<string, unknown>, { 'accept-language': 'en' });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(res.type).toContain('application/problem+json');
      expect(typeof res.body.code).toBe('string');
    }
    for (const [method, url, body] of [
      ['POST', '/api/loyalty/coupon-redemptions/not-a-uuid/cancellation', { reason: 'x' }],
      ['POST', `/api/loyalty/coupon-redemptions/00000000-0000-4000-8000-000000000000/cancellation`, { reason: '' }],
      ['PUT', `/api/loyalty/rewards/${reward}/tiers`, { programId: 'nope', tierIds: ['x'] }],
      ['PUT', `/api/loyalty/rewards/${reward}/tiers`, { programId: '00000000-0000-4000-8000-000000000000', tierIds: ['00000000-0000-4000-8000-000000000000'] }],
    ] as const) {
      const res = await call(ws, method, url, body);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(res.status, url).toBeLessThan(500);
      expect(res.type).toContain('application/problem+json');
    }
    expect((await balance(ws, m.id)).available).toBe(100);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward}/codes`)).body).toMatchObject({ available: 2, assigned: 0 });
  });
});
