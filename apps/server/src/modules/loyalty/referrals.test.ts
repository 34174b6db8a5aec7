// Referrals over HTTP on a role-'all' app (the relay and workers deliver the unlock and
// referral.qualified events), PostgreSQL: codes, attaching a friend, qualification once the
// friend's first qualifying order is past its return window, returns, who is paid, self-referral,
// the velocity limit, paying once, isolation and garbage; the member portal's link. After every
// scenario the ledger holds together.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { smsProviderServer, type SmsProviderServer } from '../../../test/sms-provider.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { settleDue } from './index.ts';
import { normaliseReferralCode, qualifyFriend } from './referrals.service.ts';

let t: TestApp;
let sms: SmsProviderServer;
const KAVENEGAR_KEY = 'kv-referral-test-key';

beforeAll(async () => {
  sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } });
  t = await startTestApp({ role: 'all', env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sms?.close();
});

const touched = new Set<TestWorkspace>();
afterEach(async () => {
  for (const ws of touched) {
    await delivered(ws);
    await expectLedgerBalanced(t, ws.tenantId);
    const verify = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(verify.ok, JSON.stringify(verify)).toBe(true);
  }
  touched.clear();
});

async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  touched.add(ws);
  return ws;
}

type Role = keyof TestWorkspace['keys'];
interface Answer {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers, read as the tests need
  type: string;
}
let serial = 0;
async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, options: { role?: Role; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await t.app.inject({
    method, url, headers: { ...t.auth(ws.keys[options.role ?? 'manager']), ...(method === 'GET' ? {} : { 'idempotency-key': `k-${++serial}-${Math.random()}` }), ...options.headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: (res.body ? res.json() : {}) as Answer['body'], type: String(res.headers['content-type']) };
}

const DAY = 86_400_000;
const referral = (over: Record<string, unknown> = {}) => ({ reward: 'both', referrerPoints: 100, friendPoints: 40, minOrderAmount: 100_000, ...over });
async function program(ws: TestWorkspace, over: Record<string, unknown> = {}, pendingDays = 7) {
  const res = await call(ws, 'POST', '/api/loyalty/programs', {
    name: 'باشگاه', settings: { spend: { points: 1, per: 10_000 }, pendingDays, expiry: { kind: 'never' }, referral: referral(over) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const codeOf = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'POST', `/api/loyalty/members/${customerId}/referral-code`)).body.code as string;
const attach = (ws: TestWorkspace, friendId: string, code: string, headers: Record<string, string> = {}) => call(ws, 'POST', '/api/loyalty/referrals', { friendId, code }, { headers });
const order = (ws: TestWorkspace, customerId: string, externalId: string, amount: number) =>
  call(ws, 'POST', '/api/loyalty/orders', { externalId, customerId, lines: [{ id: '1', amount }] });
const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;
const referralOf = async (ws: TestWorkspace, friendId: string) =>
  (await call(ws, 'GET', `/api/loyalty/referrals?customerId=${friendId}`)).body.items.find((r: { friend: { id: string } }) => r.friend.id === friendId);
/** The due work at an instant of the test's choosing (the order's unlock), as the hourly job would do it then. */
const dueWorkAt = (ws: TestWorkspace, now: Date) => t.database.db.transaction((tx) => settleDue(tx, { tenantId: ws.tenantId, source: 'system:test', now }));

/** Every event of the workspace relayed, and every loyalty subscriber job of it done. */
async function delivered(ws: TestWorkspace): Promise<void> {
  await eventually(async () => {
    const { rows: [left] } = await t.database.pool.query(`
      SELECT (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id))
           + (SELECT count(*) FROM pgboss.job WHERE name IN ('on.loyalty.program-events', 'on.loyalty.referrals') AND data->>'tenantId' = $1::text
                AND state NOT IN ('completed', 'failed', 'cancelled')) AS n`, [ws.tenantId]);
    return Number(left.n) === 0;
  }, 'the events delivered and handled', 60_000);
}

/** A referrer with a code and a friend attached with it. */
async function pair(ws: TestWorkspace) {
  const referrer = await createCustomer(t, ws);
  const friend = await createCustomer(t, ws);
  const code = await codeOf(ws, referrer.id);
  const attached = await attach(ws, friend.id, code);
  expect(attached.status, JSON.stringify(attached.body)).toBe(201);
  return { referrer, friend, code };
}

const CODE = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

describe('referral codes', () => {
  it('one per member, eight characters without 0 O 1 I, unique in the workspace, with the portal link', async () => {
    const ws = await workspace();
    const member = await createCustomer(t, ws);
    expect((await call(ws, 'GET', `/api/loyalty/members/${member.id}/referral-code`)).body.code).toBe('referral_code_none');
    const made = await call(ws, 'POST', `/api/loyalty/members/${member.id}/referral-code`);
    expect(made.status).toBe(201);
    expect(made.body.code).toMatch(CODE);
    expect(made.body.path).toBe(`/c/${ws.slug}/points?ref=${made.body.code.replace('-', '')}`);
    const again = await call(ws, 'POST', `/api/loyalty/members/${member.id}/referral-code`);
    expect(again).toMatchObject({ status: 200, body: { code: made.body.code } });
    expect((await call(ws, 'GET', `/api/loyalty/members/${member.id}/referral-code`)).body.code).toBe(made.body.code);
    // concurrent asks for one member get one code; many members, many distinct codes
    const racing = await Promise.all(Array.from({ length: 6 }, () => call(ws, 'POST', `/api/loyalty/members/${(member.id)}/referral-code`)));
    expect(new Set(racing.map((r) => r.body.code))).toEqual(new Set([made.body.code]));
    const others = await Promise.all(Array.from({ length: 25 }, () => createCustomer(t, ws)));
    const codes = await Promise.all(others.map((c) => codeOf(ws, c.id)));
    expect(new Set(codes).size).toBe(25);
    for (const c of codes) expect(c).toMatch(CODE);
    const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM loyalty_referral_codes WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows[0].n).toBe(26);
    const { rows: audit } = await t.database.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty_referral_code.created'`, [ws.tenantId]);
    expect(audit[0].n).toBe(26);
  });

  it('reads a code as people type it: any case, dashes or spaces, Persian digits', () => {
    expect(normaliseReferralCode('k7qm-w2hd')).toBe('K7QMW2HD');
    expect(normaliseReferralCode(' K۷QM W۲HD ')).toBe('K7QMW2HD');
    expect(normaliseReferralCode('K7QM-W2H0')).toBeUndefined();
    expect(normaliseReferralCode('OI10OI10')).toBeUndefined();
    expect(normaliseReferralCode('K7QM')).toBeUndefined();
  });
});

describe('attaching a friend', () => {
  it('once, before the first order, never to oneself or a twin by phone or e-mail, fixed once set', async () => {
    const ws = await workspace();
    await program(ws);
    const referrer = await createCustomer(t, ws, { email: 'Sara@example.com' });
    const code = await codeOf(ws, referrer.id);
    const friend = await createCustomer(t, ws);

    const self = await attach(ws, referrer.id, code, { 'accept-language': 'fa' });
    expect(self).toMatchObject({ status: 422, body: { code: 'self_referral' } });
    expect(self.type).toContain('application/problem+json');
    expect(self.body.detail).toMatch(/[\u0600-\u06FF]/);
    // A twin by e-mail in another case (the customers API lower-cases and refuses duplicates; an older import may not have): still refused.
    const twin = await createCustomer(t, ws);
    await t.database.pool.query(`UPDATE customers SET email = 'SARA@example.com' WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, twin.id]);
    expect((await attach(ws, twin.id, code)).body.code).toBe('self_referral');
    expect((await attach(ws, friend.id, 'K7QM-W2HD')).body.code).toBe('referral_code_unknown');
    expect((await attach(ws, friend.id, 'not a code!')).body.code).toBe('referral_code_malformed');

    const typed = code.toLowerCase().replace('-', ' ');
    const first = await attach(ws, friend.id, typed);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ referrer: { id: referrer.id }, friend: { id: friend.id }, state: 'attached', code, reason: null });
    expect(await attach(ws, friend.id, code)).toMatchObject({ status: 200, body: { id: first.body.id } });
    const someoneElse = await createCustomer(t, ws);
    const otherCode = await codeOf(ws, someoneElse.id);
    expect(await attach(ws, friend.id, otherCode)).toMatchObject({ status: 409, body: { code: 'referral_already_attached' } });

    const buyer = await createCustomer(t, ws);
    expect((await order(ws, buyer.id, 'early-1', 50_000)).status).toBe(201);
    expect(await attach(ws, buyer.id, code)).toMatchObject({ status: 409, body: { code: 'referral_after_first_order' } });

    const { rows } = await t.database.pool.query('SELECT friend_id, referrer_id, state FROM loyalty_referrals WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows).toEqual([{ friend_id: friend.id, referrer_id: referrer.id, state: 'attached' }]);
  });

  it('refuses garbage with a problem and writes nothing', async () => {
    const ws = await workspace();
    const member = await createCustomer(t, ws);
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/loyalty/referrals', { friendId: 'nope', code: 'K7QMW2HD' }, 400],
      ['POST', '/api/loyalty/referrals', { friendId: member.id, code: 'K7QMW2HD', extra: 1 }, 400],
      ['POST', '/api/loyalty/referrals', { friendId: member.id, code: 'x'.repeat(500) }, 400],
      ['POST', '/api/loyalty/referrals', { friendId: member.id, code: 12345678 }, 400],
      ['POST', '/api/loyalty/referrals', { friendId: '00000000-0000-4000-8000-000000000000', code: 'K7QMW2HD' }, 422],
      ['POST', '/api/loyalty/members/not-a-uuid/referral-code', undefined, 400],
      ['POST', '/api/loyalty/members/00000000-0000-4000-8000-000000000000/referral-code', undefined, 404],
      ['GET', '/api/loyalty/referrals?cursor=garbage', undefined, 400],
      ['GET', '/api/loyalty/referrals?state=paid', undefined, 400],
      ['GET', '/api/loyalty/referrals?limit=100000', undefined, 400],
    ];
    for (const [method, url, payload, status] of cases) {
      const res = await call(ws, method as 'GET' | 'POST', url, payload, { headers: { 'accept-language': 'ar' } });
      expect(res.status, `${method} ${url} ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.type).toContain('application/problem+json');
      expect(typeof res.body.code).toBe('string');
    }
    const bad = await call(ws, 'PATCH', `/api/loyalty/programs/${(await program(ws)).id}`, { version: 1, settings: { referral: { reward: 'both', referrerPoints: 0, friendPoints: 10 } } });
    expect(bad.status).toBe(400);
    const { rows } = await t.database.pool.query('SELECT (SELECT count(*) FROM loyalty_referrals WHERE tenant_id = $1)::int AS r, (SELECT count(*) FROM loyalty_referral_codes WHERE tenant_id = $1)::int AS c', [ws.tenantId]);
    expect(rows[0]).toEqual({ r: 0, c: 0 });
  });

  it('is a staff write: an analyst cannot attach or make codes, and another workspace sees nothing', async () => {
    const ws = await workspace();
    const other = await workspace();
    await program(ws);
    const { referrer, friend, code } = await pair(ws);
    const stranger = await createCustomer(t, other);
    expect((await call(ws, 'POST', `/api/loyalty/members/${friend.id}/referral-code`, undefined, { role: 'analyst' })).status).toBe(403);
    expect((await call(other, 'GET', '/api/loyalty/referrals')).body.items).toEqual([]);
    expect((await call(other, 'GET', `/api/loyalty/members/${referrer.id}/referral-code`)).status).toBe(404);
    expect((await attach(other, stranger.id, code)).body.code).toBe('referral_code_unknown');
    expect((await attach(other, friend.id, await codeOf(other, stranger.id))).body.code).toBe('unknown_customer');
    expect((await call(ws, 'GET', '/api/loyalty/referrals')).body.items).toHaveLength(1);
  });
});

describe('qualification', () => {
  it('pays both sides once the friend\'s first qualifying order is past its return window, and once only', async () => {
    const ws = await workspace();
    await program(ws);
    const { referrer, friend } = await pair(ws);
    expect((await order(ws, friend.id, 'small-1', 50_000)).status).toBe(201);
    const big = await order(ws, friend.id, 'big-1', 200_000);
    expect(big.body.points).toBe(20);

    // before the window ends: nothing
    await dueWorkAt(ws, new Date(new Date(big.body.pendingUntil).getTime() - 60_000));
    await delivered(ws);
    expect(await referralOf(ws, friend.id)).toMatchObject({ state: 'attached', referrerPoints: 0, friendPoints: 0 });
    expect(await balance(ws, referrer.id)).toMatchObject({ available: 0 });

    expect(await dueWorkAt(ws, new Date(big.body.pendingUntil))).toMatchObject({ unlockedPoints: 25 });
    await eventually(async () => (await balance(ws, referrer.id)).available === 100, 'the referrer\'s points', 60_000);
    await eventually(async () => (await balance(ws, friend.id)).available === 25 + 40, 'the friend\'s points', 60_000);
    // small-1 (50,000) is under the minimum: the qualifying order is big-1
    expect(await referralOf(ws, friend.id)).toMatchObject({ state: 'qualified', reason: null, orderExternalId: 'big-1', referrerPoints: 100, friendPoints: 40 });

    // The same qualification again pays nothing: the events delivered twice, the friend looked at again.
    await delivered(ws);
    const { rows: events } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'referral.qualified' ORDER BY id`, [ws.tenantId]);
    expect(events.map((e) => [e.payload.side, e.payload.points])).toEqual([['referrer', 100], ['friend', 40]]);
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, events.map((e) => ({ topic: 'referral.qualified', payload: e.payload }))));
    expect(await t.database.db.transaction((tx) => qualifyFriend(tx, ws.tenantId, friend.id, new Date()))).toBeUndefined();
    await delivered(ws);
    expect(await balance(ws, referrer.id)).toMatchObject({ available: 100 });
    expect(await balance(ws, friend.id)).toMatchObject({ available: 65 });
    const { rows: entries } = await t.database.pool.query(`SELECT customer_id, reason FROM loyalty_entries WHERE tenant_id = $1 AND kind = 'earn' AND source = 'system:event:referral.qualified'`, [ws.tenantId]);
    expect(entries).toHaveLength(2);
  });

  it('a returned order never pays; a later order kept above the minimum does', async () => {
    const ws = await workspace();
    await program(ws);
    const { referrer, friend } = await pair(ws);
    const returned = await order(ws, friend.id, 'ret-1', 300_000);
    expect((await call(ws, 'POST', '/api/loyalty/orders/ret-1/returns', { returnId: 'r1' })).status).toBe(201);
    const partly = await order(ws, friend.id, 'part-1', 150_000);
    // returned down to 60,000 of 150,000: under the 100,000 minimum
    expect((await call(ws, 'POST', '/api/loyalty/orders/part-1/returns', { returnId: 'r2', lines: [{ id: '1', amount: 90_000 }] })).status).toBe(201);
    await dueWorkAt(ws, new Date(new Date(partly.body.pendingUntil).getTime() + 1000));
    expect(returned.body.pendingUntil).toBeTruthy();
    await delivered(ws);
    expect(await referralOf(ws, friend.id)).toMatchObject({ state: 'attached' });
    expect(await balance(ws, referrer.id)).toMatchObject({ available: 0, pending: 0 });

    const kept = await order(ws, friend.id, 'kept-1', 120_000);
    await dueWorkAt(ws, new Date(kept.body.pendingUntil));
    await eventually(async () => (await referralOf(ws, friend.id)).state === 'qualified', 'the referral qualified', 60_000);
    expect(await referralOf(ws, friend.id)).toMatchObject({ orderExternalId: 'kept-1' });
    await eventually(async () => (await balance(ws, referrer.id)).available === 100, 'the referrer\'s points', 60_000);
  });

  it('pays only the side the program rewards, at once without pending days', async () => {
    const ws = await workspace();
    await program(ws, { reward: 'friend', referrerPoints: 0, friendPoints: 30 }, 0);
    const { referrer, friend } = await pair(ws);
    expect((await order(ws, friend.id, 'now-1', 100_000)).body.pendingUntil).toBeNull();
    await eventually(async () => (await balance(ws, friend.id)).available === 10 + 30, 'the friend\'s points', 60_000);
    await delivered(ws);
    expect(await balance(ws, referrer.id)).toMatchObject({ available: 0 });
    expect(await referralOf(ws, friend.id)).toMatchObject({ state: 'qualified', referrerPoints: 0, friendPoints: 30 });

    const ws2 = await workspace();
    await program(ws2, { reward: 'referrer', referrerPoints: 70, friendPoints: 30 }, 0);
    const p2 = await pair(ws2);
    await order(ws2, p2.friend.id, 'now-2', 100_000);
    await eventually(async () => (await balance(ws2, p2.referrer.id)).available === 70, 'the referrer\'s points', 60_000);
    await delivered(ws2);
    expect(await balance(ws2, p2.friend.id)).toMatchObject({ available: 10 });
    expect(await referralOf(ws2, p2.friend.id)).toMatchObject({ state: 'qualified', referrerPoints: 70, friendPoints: 0 });
  });

  it('past the referrer\'s limit in 30 days, a referral is refused with the reason, and pays nothing', async () => {
    const ws = await workspace();
    await program(ws, { maxPerReferrerPer30Days: 1 }, 0);
    const referrer = await createCustomer(t, ws);
    const code = await codeOf(ws, referrer.id);
    const friends = [await createCustomer(t, ws), await createCustomer(t, ws)];
    for (const f of friends) expect((await attach(ws, f.id, code)).status).toBe(201);
    await order(ws, friends[0]!.id, 'v-1', 100_000);
    await eventually(async () => (await referralOf(ws, friends[0]!.id)).state === 'qualified', 'the first referral', 60_000);
    await order(ws, friends[1]!.id, 'v-2', 100_000);
    await eventually(async () => (await referralOf(ws, friends[1]!.id)).state === 'refused', 'the second refused', 60_000);
    await delivered(ws);
    expect(await referralOf(ws, friends[1]!.id)).toMatchObject({ reason: 'velocity_limit', referrerPoints: 0, friendPoints: 0, orderExternalId: 'v-2' });
    expect(await balance(ws, referrer.id)).toMatchObject({ available: 100 });
    expect(await balance(ws, friends[1]!.id)).toMatchObject({ available: 10 });
    const refused = (await call(ws, 'GET', '/api/loyalty/referrals?state=refused')).body.items;
    expect(refused.map((r: { friend: { id: string } }) => r.friend.id)).toEqual([friends[1]!.id]);
    // 30 days on, the referrer may be paid again (qualified at the decision's instant)
    const later = await createCustomer(t, ws);
    expect((await attach(ws, later.id, code)).status).toBe(201);
    await order(ws, later.id, 'v-3', 100_000);
    await delivered(ws);
    expect(await referralOf(ws, later.id)).toMatchObject({ state: 'refused' });
    const fresh = await createCustomer(t, ws);
    expect((await attach(ws, fresh.id, code)).status).toBe(201);
    await order(ws, fresh.id, 'v-4', 100_000);
    await delivered(ws);
    const decided = await t.database.db.transaction(async (tx) => {
      await tx.execute(`UPDATE loyalty_referrals SET state = 'attached', decided_at = NULL, reason = NULL WHERE tenant_id = '${ws.tenantId}' AND friend_id = '${fresh.id}'` as never);
      return qualifyFriend(tx, ws.tenantId, fresh.id, new Date(Date.now() + 31 * DAY));
    });
    expect(decided).toMatchObject({ state: 'qualified' });
  });
});

describe('a referral code at the first checkout', () => {
  it('attaches the friend with the order, refuses a bad code with nothing written, and the order then qualifies', async () => {
    const ws = await workspace();
    await program(ws);
    const referrer = await createCustomer(t, ws);
    const friend = await createCustomer(t, ws);
    const code = await codeOf(ws, referrer.id);
    const checkout = (externalId: string, referralCode: string, items: Record<string, unknown>[] = [{ externalId, customerId: friend.id, lines: [{ id: '1', amount: 200_000 }], referralCode }]) =>
      ({ single: () => call(ws, 'POST', '/api/loyalty/orders', items[0]), batch: () => call(ws, 'POST', '/api/loyalty/orders/batch', { orders: items }) });

    // A code that is no one's: refused on the order's own field, and neither the order nor a referral is stored.
    const unknown = await checkout('first', 'ABCD-EFGH').single();
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'referral_code_unknown', errors: [{ field: 'referralCode', code: 'referral_code_unknown' }] });
    expect((await call(ws, 'GET', '/api/loyalty/orders/first')).status).toBe(404);
    expect(await referralOf(ws, friend.id)).toBeUndefined();
    // The referrer's own code on their own order: self-referral.
    const own = await call(ws, 'POST', '/api/loyalty/orders', { externalId: 'own', customerId: referrer.id, lines: [{ id: '1', amount: 200_000 }], referralCode: code });
    expect(own.body).toMatchObject({ code: 'self_referral', errors: [{ field: 'referralCode' }] });

    // The code as the cashier typed it, in Persian digits and lower case.
    const typed = code.toLowerCase().replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    const first = await checkout('first', typed).single();
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await referralOf(ws, friend.id)).toMatchObject({ state: 'attached', referrer: { id: referrer.id } });
    // The POS retries the order: the first answer, the referral as it is.
    expect((await checkout('first', typed).single()).status).toBe(200);

    // Past the return window the order qualifies the referral it came with.
    await dueWorkAt(ws, new Date(first.body.pendingUntil));
    await eventually(async () => (await balance(ws, referrer.id)).available === 100, 'the referrer\'s points', 60_000);
    expect(await referralOf(ws, friend.id)).toMatchObject({ state: 'qualified', orderExternalId: 'first' });

    // In a batch: another member's code for a friend already attached is refused alone; the same code
    // again is the referral as it is; a new friend is attached.
    const other = await createCustomer(t, ws);
    const otherCode = await codeOf(ws, (await createCustomer(t, ws)).id);
    const batch = await checkout('', '', [
      { externalId: 'second', customerId: friend.id, lines: [{ id: '1', amount: 10_000 }], referralCode: otherCode },
      { externalId: 'third', customerId: friend.id, lines: [{ id: '1', amount: 10_000 }], referralCode: code },
      { externalId: 'other-1', customerId: other.id, lines: [{ id: '1', amount: 10_000 }], referralCode: code },
    ]).batch();
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    expect(batch.body.results.map((r: { outcome: string; problem?: { code: string } }) => r.problem?.code ?? r.outcome)).toEqual(['referral_already_attached', 'created', 'created']);
    expect((await call(ws, 'GET', '/api/loyalty/orders/second')).status).toBe(404);
    expect(await referralOf(ws, other.id)).toMatchObject({ state: 'attached', referrer: { id: referrer.id } });
    await delivered(ws);
  });
});

describe('the velocity limit under concurrency', () => {
  it('five friends qualifying at once against a limit of two: two paid, three refused, never more', async () => {
    const ws = await workspace();
    await program(ws, { maxPerReferrerPer30Days: 2 });
    const referrer = await createCustomer(t, ws);
    const code = await codeOf(ws, referrer.id);
    const friends = await Promise.all(Array.from({ length: 5 }, () => createCustomer(t, ws)));
    let unlockAt = 0;
    for (const [i, f] of friends.entries()) {
      expect((await attach(ws, f.id, code)).status).toBe(201);
      unlockAt = Math.max(unlockAt, new Date((await order(ws, f.id, `race-${i}`, 100_000)).body.pendingUntil).getTime());
    }
    // The unlocks' events reach the subscriber while the test decides the same friends itself, all at once.
    await dueWorkAt(ws, new Date(unlockAt));
    await Promise.all(friends.map((f) => t.database.db.transaction((tx) => qualifyFriend(tx, ws.tenantId, f.id, new Date()))));
    await delivered(ws);
    const { rows } = await t.database.pool.query(`SELECT state, count(*)::int AS n FROM loyalty_referrals WHERE tenant_id = $1 GROUP BY state ORDER BY state`, [ws.tenantId]);
    expect(rows).toEqual([{ state: 'qualified', n: 2 }, { state: 'refused', n: 3 }]);
    expect(await balance(ws, referrer.id)).toMatchObject({ available: 200 });
  });
});

describe('the member portal', () => {
  const portal = (ws: TestWorkspace) => `/api/public/loyalty/${ws.slug}`;
  let address = 0;
  const inject = async (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: unknown) => {
    const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), remoteAddress: `10.78.0.${(++address % 250) + 1}` });
    return { status: res.statusCode, body: res.body ? res.json() : null, headers: res.headers, type: String(res.headers['content-type']) };
  };
  async function signIn(ws: TestWorkspace, national: string, e164: string): Promise<string> {
    const seen = sms.sends.filter((s) => s.params.receptor === e164).length;
    expect((await inject('POST', `${portal(ws)}/otp`, {}, { phone: national })).status).toBe(202);
    const send = await eventually(async () => sms.sends.filter((s) => s.params.receptor === e164)[seen], `SMS to ${e164}`, 60_000);
    const code = send.params.message!.match(/(?<![0-9])[0-9]{6}(?![0-9])/g)!.pop()!;
    const res = await inject('POST', `${portal(ws)}/otp/verify`, {}, { phone: national, code });
    expect(res.status).toBe(200);
    return [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('vafa_member='))!.split(';')[0]!;
  }

  it('shows the member their link, made on first ask, the same ever after, and what a referral pays; only to them', async () => {
    const ws = await workspace();
    const owner = (url: string, payload: unknown) => t.app.inject({ method: 'PUT', url, headers: t.auth(ws.keys.owner), payload: payload as object });
    expect((await owner('/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY })).statusCode).toBeLessThan(300);
    expect((await owner('/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 })).statusCode).toBeLessThan(300);
    await program(ws, { reward: 'both', referrerPoints: 200, friendPoints: 50, minOrderAmount: 500_000 });
    const n = String(5_000_000 + Math.floor(Math.random() * 4_000_000)).padStart(7, '0');
    const member = await createCustomer(t, ws, { phone: `0936${n}` });
    const cookie = await signIn(ws, `0936${n}`, `+98936${n}`);

    const before = await inject('GET', `${portal(ws)}/me/referral`, { cookie });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ code: null, path: null, offers: [{ program: 'باشگاه', reward: 'both', referrerPoints: 200, friendPoints: 50, minOrderAmount: 500_000 }], currency: 'IRR' });
    const made = await inject('POST', `${portal(ws)}/me/referral`, { cookie });
    expect(made.status).toBe(200);
    expect(made.body.code).toMatch(CODE);
    expect(made.body.path).toBe(`/c/${ws.slug}/points?ref=${made.body.code.replace('-', '')}`);
    expect((await inject('POST', `${portal(ws)}/me/referral`, { cookie })).body.code).toBe(made.body.code);
    // the staff see the same code for the member
    expect((await call(ws, 'GET', `/api/loyalty/members/${member.id}/referral-code`)).body.code).toBe(made.body.code);

    const signedOut = await inject('GET', `${portal(ws)}/me/referral`, { 'accept-language': 'fa' });
    expect(signedOut.status).toBe(401);
    expect(signedOut.type).toContain('application/problem+json');
    const other = await workspace();
    expect((await inject('POST', `${portal(other)}/me/referral`, { cookie })).status).toBe(401);
    expect((await inject('GET', '/api/public/loyalty/NOT A SLUG/me/referral', { cookie })).status).toBe(400);
  });
});

describe('the invite link', () => {
  it('a friend signed in to the portal with ?ref= names who invited them, by the same rules', async () => {
    const ws = await workspace();
    const owner = (url: string, payload: unknown) => t.app.inject({ method: 'PUT', url, headers: t.auth(ws.keys.owner), payload: payload as object });
    expect((await owner('/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY })).statusCode).toBeLessThan(300);
    expect((await owner('/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 })).statusCode).toBeLessThan(300);
    await program(ws, {}, 0);
    const referrer = await createCustomer(t, ws);
    const code = await codeOf(ws, referrer.id);
    const n = String(1_000_000 + Math.floor(Math.random() * 8_000_000)).padStart(7, '0');
    const friend = await createCustomer(t, ws, { phone: `0937${n}` });
    const seen = sms.sends.filter((s) => s.params.receptor === `+98937${n}`).length;
    const url = `/api/public/loyalty/${ws.slug}`;
    expect((await t.app.inject({ method: 'POST', url: `${url}/otp`, payload: { phone: `0937${n}` } })).statusCode).toBe(202);
    const send = await eventually(async () => sms.sends.filter((s) => s.params.receptor === `+98937${n}`)[seen], 'the SMS', 60_000);
    const verify = await t.app.inject({ method: 'POST', url: `${url}/otp/verify`, payload: { phone: `0937${n}`, code: send.params.message!.match(/(?<![0-9])[0-9]{6}(?![0-9])/g)!.pop()! } });
    const cookie = [verify.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('vafa_member='))!.split(';')[0]!;
    const name = async (body: unknown) => {
      const res = await t.app.inject({ method: 'POST', url: `${url}/me/referrer`, headers: { cookie, 'accept-language': 'fa' }, payload: body as object });
      return { status: res.statusCode, body: res.json(), type: String(res.headers['content-type']) };
    };

    expect(await name({ code: await codeOf(ws, friend.id) })).toMatchObject({ status: 422, body: { code: 'self_referral' } });
    expect(await name({ code: 'zzzz' })).toMatchObject({ status: 422, body: { code: 'referral_code_malformed' } });
    expect(await name({ code: 'K7QM-W2HD' })).toMatchObject({ status: 422, body: { code: 'referral_code_unknown' } });
    expect(await name({ code: 1, extra: true })).toMatchObject({ status: 400 });
    const attached = await name({ code: code.toLowerCase() });
    expect(attached).toEqual({ status: 201, body: { state: 'attached' }, type: expect.stringContaining('json') });
    expect(await name({ code })).toMatchObject({ status: 200, body: { state: 'attached' } });
    expect(await referralOf(ws, friend.id)).toMatchObject({ referrer: { id: referrer.id }, state: 'attached' });
    const { rows } = await t.database.pool.query(`SELECT attached_by FROM loyalty_referrals WHERE tenant_id = $1 AND friend_id = $2`, [ws.tenantId, friend.id]);
    expect(rows[0].attached_by).toBe(`member:${friend.id}`);
    // not signed in: 401; the friend's first order pays as any referral
    expect((await t.app.inject({ method: 'POST', url: `${url}/me/referrer`, payload: { code } })).statusCode).toBe(401);
    await order(ws, friend.id, 'link-1', 100_000);
    await eventually(async () => (await balance(ws, referrer.id)).available === 100, 'the referrer\'s points', 60_000);
  });
});
