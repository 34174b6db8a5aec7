import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, memberSessionCookie, postOverSocket, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { bookEntry, openMember } from './ledger.repo.ts';
import { owedOf, shortfallPostings } from './negative-balance.ts';

// Points given by one member to another (issue 12): one balanced `transfer` entry, never more than
// the sender has however many are sent at once, the receiver's lots keeping the expiries drawn.
// Every workspace's ledger is checked after each test, by SQL and by the API's verify.

let t: TestApp;
let base: string;

beforeAll(async () => {
  // Room for every concurrent request below to hold its own connection: the races are real.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);
const http = (ws: TestWorkspace, url: string, payload: unknown, headers: Record<string, string> = {}) => postOverSocket(t, base, ws, url, payload, headers);

let serial = 0;
const key = (what: string) => `${what}-${++serial}`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

async function earn(ws: TestWorkspace, customerId: string, points: number, extra: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { points, reason: 'خرید', externalId: key('order'), ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const transfer = (ws: TestWorkspace, from: string, body: Record<string, unknown>, options: CallOptions = {}) =>
  call(ws, 'POST', `/api/loyalty/members/${from}/transfers`, body, options);
const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;
const entries = async (ws: TestWorkspace) =>
  Number((await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1`, [ws.tenantId])).rows[0].n);

describe('transfers under concurrency', () => {
  it('lets exactly 10 of 20 concurrent gifts of 10 from a 100-point member through, to 20 receivers', async () => {
    const ws = await workspace();
    const sender = (await createCustomer(t, ws)).id;
    const receivers = await Promise.all(Array.from({ length: 20 }, async () => (await createCustomer(t, ws)).id));
    await earn(ws, sender, 60, { expiresAt: inDays(30).toISOString() });
    await earn(ws, sender, 40);
    const answers = await Promise.all(receivers.map((to, n) => http(ws, `/api/loyalty/members/${sender}/transfers`, { toCustomerId: to, points: 10, externalId: `gift-${n}` })));
    const given = answers.filter((r) => r.status === 201);
    expect(given).toHaveLength(10);
    for (const r of answers.filter((a) => a.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'insufficient_points']);
    expect(await balance(ws, sender)).toMatchObject({ available: 0, expiring: [], withoutExpiry: 0 });
    let received = 0;
    for (const [n, to] of receivers.entries()) {
      const { available } = await balance(ws, to);
      expect(available).toBe(answers[n]!.status === 201 ? 10 : 0);
      received += available;
    }
    expect(received).toBe(100);
  });

  it('credits one receiver exactly what 20 concurrent gifts from a 100-point member could give: 100, not 2,000', async () => {
    const ws = await workspace();
    const [sender, receiver] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, sender, 100);
    await earn(ws, receiver, 5);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) =>
      http(ws, `/api/loyalty/members/${sender}/transfers`, { toCustomerId: receiver, points: 10 }, { 'idempotency-key': `gift-${n}` })));
    expect(answers.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), ...Array(10).fill(409)]);
    expect((await balance(ws, sender)).available).toBe(0);
    expect((await balance(ws, receiver)).available).toBe(105);
    const { rows } = await t.database.pool.query(
      `SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1 AND kind = 'transfer'`, [ws.tenantId]);
    expect(rows[0].n).toBe(10);
  });

  it('lets two members give to each other concurrently many times without a deadlock, their sum kept', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, a, 50, { expiresAt: inDays(20).toISOString() });
    await earn(ws, b, 50);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => {
      const [from, to] = n % 2 === 0 ? [a, b] : [b, a];
      return http(ws, `/api/loyalty/members/${from}/transfers`, { toCustomerId: to, points: 7, externalId: `swap-${n}` });
    }));
    // Every answer is a transfer or a refusal for want of points: no deadlock (a 500), nothing else.
    for (const r of answers) expect([201, 409], JSON.stringify(r.body)).toContain(r.status);
    for (const r of answers.filter((x) => x.status === 409)) expect(r.body.code).toBe('insufficient_points');
    const [ba, bb] = [await balance(ws, a), await balance(ws, b)];
    expect(ba.available + bb.available).toBe(100);
    const moved = answers.map((r, n) => (r.status === 201 ? (n % 2 === 0 ? -7 : 7) : 0)).reduce((x: number, y) => x + y, 0);
    expect(ba.available).toBe(50 + moved);
  });
});

describe('a transfer', () => {
  it('keeps the expiries of the lots it drew on: one receiver lot per expiry, soonest-expiring drawn first; qualifying points stay', async () => {
    const ws = await workspace();
    const [sender, receiver] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const [soon, later] = [inDays(10), inDays(40)];
    await earn(ws, sender, 50);
    await earn(ws, sender, 20, { expiresAt: later.toISOString() });
    await earn(ws, sender, 30, { expiresAt: soon.toISOString() });
    await earn(ws, sender, 5, { expiresAt: soon.toISOString() });
    const res = await transfer(ws, sender, { toCustomerId: receiver, points: 65, reason: 'هدیه تولد', externalId: 'birthday-gift' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ fromCustomerId: sender, toCustomerId: receiver, points: 65, reason: 'هدیه تولد', externalId: 'birthday-gift' });
    expect(res.body.draws.map((d: { points: number; expiresAt: string | null }) => [d.points, d.expiresAt])).toEqual([
      [30, soon.toISOString()], [5, soon.toISOString()], [20, later.toISOString()], [10, null],
    ]);
    expect(res.body.lots.map((l: { points: number; expiresAt: string | null }) => [l.points, l.expiresAt])).toEqual([[35, soon.toISOString()], [20, later.toISOString()], [10, null]]);

    const got = await balance(ws, receiver);
    expect(got).toMatchObject({ available: 65, qualifying: 0, withoutExpiry: 10 });
    expect(got.expiring.map((e: { points: number; expiresAt: string }) => [e.points, e.expiresAt])).toEqual([[35, soon.toISOString()], [20, later.toISOString()]]);
    expect(await balance(ws, sender)).toMatchObject({ available: 40, qualifying: 105, withoutExpiry: 40, expiring: [] });

    // Its own event, not an earning or a redemption: tiers, challenges and charity shares do not count it.
    const { rows } = await t.database.pool.query(
      `SELECT topic, payload FROM outbox_events WHERE tenant_id = $1 AND topic LIKE 'loyalty.%' AND (topic = 'loyalty.points_transferred' OR payload->>'customerId' = $2) ORDER BY id`, [ws.tenantId, receiver]);
    expect(rows.map((r) => r.topic)).toEqual(['loyalty.points_transferred']);
    expect(rows[0].payload).toMatchObject({ customerId: sender, toCustomerId: receiver, points: 65, entryId: res.body.entryId });

    // Both histories hold the transfer, each with what it did to that member.
    const history = async (customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}/entries?limit=2`)).body;
    expect((await history(receiver)).items.map((e: { id: number; kind: string; points: { available: number } }) => [e.id, e.kind, e.points.available]))
      .toEqual([[res.body.entryId, 'transfer', 65]]);
    const sent = await history(sender);
    expect([sent.items[0].id, sent.items[0].kind, sent.items[0].points.available]).toEqual([res.body.entryId, 'transfer', -65]);
    expect(sent.nextCursor).not.toBeNull();

    // And each member's portal history names it, with its own sign.
    for (const [member, points] of [[receiver, 65], [sender, -65]] as const) {
      const portal = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/history?limit=1`, headers: { cookie: await memberSessionCookie(t, ws, member) } });
      expect(portal.statusCode, portal.body).toBe(200);
      expect(portal.json().items[0]).toMatchObject({ id: res.body.entryId, kind: 'transfer', cause: 'transfer', points });
    }

    const entry = (await call(ws, 'GET', `/api/loyalty/entries/${res.body.entryId}`)).body;
    expect(entry.kind).toBe('transfer');
    expect(entry.postings.map((p: { account: string; customerId: string; amount: number }) => [p.account, p.customerId, p.amount]).sort()).toEqual([
      ['available', receiver, 65], ['available', sender, -65],
    ].sort());
  });

  it('never lengthens the life of points past their expiry: the sender\'s expired lot is expired, not given', async () => {
    const ws = await workspace();
    const [sender, receiver] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const soon = new Date(Date.now() + 1_500);
    await earn(ws, sender, 30, { expiresAt: soon.toISOString() });
    await earn(ws, sender, 10);
    while (Date.now() <= soon.getTime() + 20) await new Promise((r) => setTimeout(r, 50));
    const refused = await transfer(ws, sender, { toCustomerId: receiver, points: 20, externalId: 'late-gift' });
    expect([refused.status, refused.body.code]).toEqual([409, 'insufficient_points']);
    const res = await transfer(ws, sender, { toCustomerId: receiver, points: 10, externalId: 'late-gift-2' });
    expect(res.status).toBe(201);
    expect(res.body.lots).toEqual([expect.objectContaining({ points: 10, expiresAt: null })]);
  });

  it('answers a replay by key with the first transfer and moves the points once; another use of the key is refused', async () => {
    const ws = await workspace();
    const [sender, receiver, other] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, sender, 100);
    const headers = { 'idempotency-key': 'gift-once' };
    const first = await transfer(ws, sender, { toCustomerId: receiver, points: 30 }, { headers });
    expect(first.status).toBe(201);
    // The same Idempotency-Key again: the first answer, as every write replays.
    const again = await transfer(ws, sender, { toCustomerId: receiver, points: 30 }, { headers });
    expect([again.status, again.body]).toEqual([201, first.body]);

    const byId = await transfer(ws, sender, { toCustomerId: receiver, points: 20, externalId: 'shop-gift-7' });
    const byIdAgain = await transfer(ws, sender, { toCustomerId: receiver, points: 20, externalId: 'shop-gift-7' }, { headers: { 'idempotency-key': 'other-key' } });
    expect([byId.status, byIdAgain.status]).toEqual([201, 200]);
    expect(byIdAgain.body).toEqual(byId.body);
    const conflict = await transfer(ws, sender, { toCustomerId: other, points: 20, externalId: 'shop-gift-7' });
    expect([conflict.status, conflict.body.code]).toEqual([409, 'external_id_conflict']);
    expect((await balance(ws, sender)).available).toBe(50);
    expect((await balance(ws, receiver)).available).toBe(50);
    expect((await balance(ws, other)).available).toBe(0);

    // The sender spent the rest: the first key still answers its transfer, not insufficient points.
    expect((await call(ws, 'POST', `/api/loyalty/members/${sender}/redemptions`, { points: 50, externalId: 'all-gone' })).status).toBe(201);
    const late = await transfer(ws, sender, { toCustomerId: receiver, points: 30 }, { headers });
    expect(late.body.entryId).toBe(first.body.entryId);
    const lateById = await transfer(ws, sender, { toCustomerId: receiver, points: 20, externalId: 'shop-gift-7' });
    expect([lateById.status, lateById.body.entryId]).toEqual([200, byId.body.entryId]);
  });

  it('refuses garbage (400), itself (422), an unknown, erased or merged receiver and too many points, writing nothing', async () => {
    const ws = await workspace();
    const [sender, receiver, merged, erased] = (await Promise.all(Array.from({ length: 4 }, () => createCustomer(t, ws)))).map((c) => c.id) as [string, string, string, string];
    await earn(ws, sender, 40);
    expect((await call(ws, 'POST', `/api/customers/${receiver}/merge`, { sourceId: merged }, { role: 'owner' })).status).toBe(200);
    expect((await call(ws, 'POST', `/api/customers/${erased}/erase`, undefined, { role: 'owner' })).status).toBe(200);
    const before = await entries(ws);
    const cases: [Record<string, unknown>, number, string?][] = [
      [{ toCustomerId: sender, points: 10, externalId: 'self' }, 422, 'transfer_to_self'],
      [{ toCustomerId: receiver, points: 0, externalId: 'zero' }, 400, 'validation_failed'],
      [{ toCustomerId: receiver, points: -5, externalId: 'negative' }, 400, 'validation_failed'],
      [{ toCustomerId: receiver, points: 1.5, externalId: 'fraction' }, 400, 'validation_failed'],
      [{ toCustomerId: receiver, points: '10', externalId: 'text' }, 400, 'validation_failed'],
      [{ toCustomerId: receiver, points: 1e12, externalId: 'huge' }, 400, 'validation_failed'],
      [{ toCustomerId: 'not-a-customer', points: 10, externalId: 'garbage' }, 400, 'validation_failed'],
      [{ points: 10, externalId: 'nobody' }, 400, 'validation_failed'],
      [{ toCustomerId: receiver, points: 10, externalId: 'extra', from: sender }, 400, 'validation_failed'],
      [{ toCustomerId: receiver, points: 10 }, 400, 'idempotency_key_required'],
      [{ toCustomerId: '01900000-0000-7000-8000-000000000000', points: 10, externalId: 'unknown' }, 404, 'transfer_receiver_not_found'],
      [{ toCustomerId: erased, points: 10, externalId: 'erased' }, 404, 'transfer_receiver_not_found'],
      [{ toCustomerId: merged, points: 10, externalId: 'merged' }, 409, 'customer_merged'],
      [{ toCustomerId: receiver, points: 41, externalId: 'too-many' }, 409, 'insufficient_points'],
    ];
    for (const [body, status, code] of cases) {
      const res = await transfer(ws, sender, body);
      expect(res.status, JSON.stringify([body, res.body])).toBe(status);
      expect(res.type).toContain('application/problem+json');
      if (code) expect(res.body.code).toBe(code);
    }
    const persian = await transfer(ws, sender, { toCustomerId: sender, points: 10, externalId: 'self-fa' }, { headers: { 'accept-language': 'fa' } });
    expect(persian.body.detail).toMatch(/[\u0600-\u06FF]/);
    const unknownSender = await transfer(ws, '01900000-0000-7000-8000-000000000001', { toCustomerId: receiver, points: 1, externalId: 'ghost' });
    expect(unknownSender.status).toBe(404);
    const mergedSender = await transfer(ws, merged, { toCustomerId: receiver, points: 1, externalId: 'from-merged' });
    expect([mergedSender.status, mergedSender.body.code]).toEqual([409, 'customer_merged']);
    expect(await entries(ws)).toBe(before);
    expect((await balance(ws, sender)).available).toBe(40);
    // An analyst may not move points.
    expect((await transfer(ws, sender, { toCustomerId: receiver, points: 1, externalId: 'analyst' }, { role: 'analyst' })).status).toBe(403);
  });

  it('never reaches a customer of another workspace: 404, nothing written in either', async () => {
    const [ws, elsewhere] = [await workspace(), await workspace()];
    const sender = (await createCustomer(t, ws)).id;
    const stranger = (await createCustomer(t, elsewhere)).id;
    await earn(ws, sender, 40);
    await earn(elsewhere, stranger, 5);
    const [beforeHere, beforeThere] = [await entries(ws), await entries(elsewhere)];
    const res = await transfer(ws, sender, { toCustomerId: stranger, points: 10, externalId: 'across' });
    expect([res.status, res.body.code]).toEqual([404, 'transfer_receiver_not_found']);
    // The stranger's workspace cannot spend from this one's member either.
    const back = await transfer(elsewhere, sender, { toCustomerId: stranger, points: 10, externalId: 'across-back' });
    expect(back.status).toBe(404);
    expect([await entries(ws), await entries(elsewhere)]).toEqual([beforeHere, beforeThere]);
    expect((await balance(ws, sender)).available).toBe(40);
    expect((await balance(elsewhere, stranger)).available).toBe(5);
  });

  it('repays what the receiver owes from what it receives, and gives only what the sender has net of its own debt', async () => {
    const ws = await workspace();
    const [sender, receiver] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, sender, 30);
    // The receiver owes 8: booked directly, as a return the program allowed to go negative would.
    await t.database.db.transaction(async (tx) => {
      await openMember(tx, ws.tenantId, receiver);
      const postings = await shortfallPostings(tx, ws.tenantId, receiver, 8, true);
      await bookEntry(tx, {
        entry: { tenantId: ws.tenantId, kind: 'adjust', idempotencyKey: 'test-owed', customerId: receiver, externalId: null, reason: 'test', source: 'system:test', at: new Date() },
        customerId: receiver, postings: [...postings, { account: 'issuance', customerId: null, amount: 8 }], delta: { available: 0, pending: 0, qualifying: 0 },
      });
    });
    expect(await owedOf(t.database.db, ws.tenantId, receiver)).toBe(8);
    const res = await transfer(ws, sender, { toCustomerId: receiver, points: 20, externalId: 'pay-debt' });
    expect(res.status).toBe(201);
    expect(await owedOf(t.database.db, ws.tenantId, receiver)).toBe(0);
    expect((await balance(ws, receiver)).available).toBe(12);
    expect((await balance(ws, sender)).available).toBe(10);
  });
});
