import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, memberSessionCookie, postOverSocket, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { JobContext } from '../../platform/jobs/registry.ts';
import { mergeMemberLoyalty } from './member-merge.service.ts';
import { programEventsSubscriber } from './program.subscribers.ts';

// A customer's life-cycle reaching their loyalty (issue 12): a merge moves the merged record's
// points, lots (with their own expiries), debts and standing to the survivor in balanced `merge`
// entries; an erasure forfeits the points to breakage and takes personal data out of the loyalty
// tables while the amounts stay; the data export has a loyalty section. Every workspace's ledger
// is checked after each test, by SQL and by the API's verify.

let t: TestApp;
let base: string;

beforeAll(async () => {
  // Room for the concurrent requests below to hold their own connections: the races are real.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '30' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);
const query = async <R = Record<string, unknown>>(text: string, values: unknown[]) => (await t.database.pool.query(text, values)).rows as R[];

let serial = 0;
const key = (what: string) => `${what}-${++serial}`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

async function earn(ws: TestWorkspace, customerId: string, points: number, extra: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { points, reason: 'خرید', externalId: key('order'), ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const merge = (ws: TestWorkspace, targetId: string, sourceId: string) => call(ws, 'POST', `/api/customers/${targetId}/merge`, { sourceId }, { headers: { 'idempotency-key': key('merge') } });
// Balances as text, whatever the driver makes of bigint.
const member = async (ws: TestWorkspace, customerId: string) =>
  (await query<{ available: string; pending: string; qualifying: string }>(
    `SELECT available::text, pending::text, qualifying::text FROM loyalty_members WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, customerId]))[0];
const openLots = (ws: TestWorkspace, customerId: string) => query<{ remaining: string; expires_at: Date | null; pending: boolean }>(`
  SELECT remaining, expires_at, pending_until IS NOT NULL AND unlocked_at IS NULL AS pending FROM loyalty_lots
  WHERE tenant_id = $1 AND customer_id = $2 AND remaining > 0 ORDER BY expires_at ASC NULLS LAST, pending, remaining`, [ws.tenantId, customerId]);
const lotShape = (lots: { remaining: string; expires_at: Date | null; pending: boolean }[]) =>
  lots.map((l) => [Number(l.remaining), l.expires_at ? new Date(l.expires_at).toISOString() : null, l.pending]);
const countEntries = async (ws: TestWorkspace) => Number((await query<{ n: string }>(`SELECT count(*) AS n FROM loyalty_entries WHERE tenant_id = $1`, [ws.tenantId]))[0]!.n);

describe('merging customers with points', () => {
  it('moves the source\'s points to the survivor in balanced merge entries, each lot keeping its own expiry and unlock', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const [soon, later, latest, unlock] = [inDays(10), inDays(40), inDays(90), inDays(5)];
    await earn(ws, a, 10, { expiresAt: soon.toISOString() });
    await earn(ws, b, 30, { expiresAt: soon.toISOString() });
    await earn(ws, b, 20, { expiresAt: later.toISOString() });
    await earn(ws, b, 15);
    await earn(ws, b, 7, { expiresAt: later.toISOString() });
    // Pending points sharing an expiry with an available lot: one merge entry cannot hold both lots.
    await earn(ws, b, 25, { pendingUntil: unlock.toISOString(), expiresAt: later.toISOString() });
    await earn(ws, b, 4, { pendingUntil: unlock.toISOString(), expiresAt: latest.toISOString(), qualifyingPoints: 0 });
    const lotsBefore = lotShape([...(await openLots(ws, a)), ...(await openLots(ws, b))]);
    const [ma, mb] = [(await member(ws, a))!, (await member(ws, b))!];
    const breakageBefore = (await call(ws, 'GET', '/api/loyalty/verify')).body.systemBalances;

    const res = await merge(ws, a, b);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    expect(await member(ws, a)).toEqual({
      available: String(Number(ma.available) + Number(mb.available)), pending: String(Number(ma.pending) + Number(mb.pending)),
      qualifying: String(Number(ma.qualifying) + Number(mb.qualifying)),
    });
    expect(Number(mb.available)).toBe(30 + 20 + 15 + 7);
    expect(Number(mb.pending)).toBe(29);
    expect(await member(ws, b)).toEqual({ available: '0', pending: '0', qualifying: '0' });
    // Every lot's points and expiry are the survivor's now, none lengthened: same expiries, same pending points, lots of one expiry joined.
    const after = lotShape(await openLots(ws, a));
    const sum = (lots: (string | number | boolean | null)[][], expiry: string | null, pending: boolean) =>
      lots.filter((l) => l[1] === expiry && l[2] === pending).reduce((n, l) => n + Number(l[0]), 0);
    for (const [expiry, pending] of [[soon, false], [later, false], [null, false], [later, true], [latest, true]] as const) {
      const at = expiry ? expiry.toISOString() : null;
      expect(sum(after, at, pending), `${at} pending ${pending}`).toBe(sum(lotsBefore, at, pending));
    }
    expect(after.reduce((n, l) => n + Number(l[0]), 0)).toBe(10 + 30 + 20 + 15 + 7 + 25 + 4);
    expect(await openLots(ws, b)).toEqual([]);
    // Two merge entries (the pending lot of `later` could not share the first), each summing to zero per unit; nothing issued or broken.
    const entries = await query<{ id: string; idempotency_key: string; customer_id: string; external_id: string; reason: string }>(
      `SELECT id, idempotency_key, customer_id, external_id, reason FROM loyalty_entries WHERE tenant_id = $1 AND kind = 'merge' ORDER BY id`, [ws.tenantId]);
    expect(entries.map((e) => [e.idempotency_key, e.customer_id, e.external_id, e.reason])).toEqual([
      [`merge:${b}`, a, b, 'customer_merged'], [`merge:${b}:1`, a, b, 'customer_merged'],
    ]);
    const sums = await query<{ entry_id: string; unit: string; total: string }>(`
      SELECT p.entry_id, a.unit, sum(p.amount) AS total FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
      WHERE p.tenant_id = $1 AND p.entry_id = ANY($2::bigint[]) GROUP BY 1, 2`, [ws.tenantId, entries.map((e) => e.id)]);
    for (const s of sums) expect(Number(s.total), `entry ${s.entry_id} ${s.unit}`).toBe(0);
    const verify = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(verify.ok, JSON.stringify(verify)).toBe(true);
    expect(verify.systemBalances).toEqual(breakageBefore);
    // The survivor's history says where the points came from.
    const history = (await call(ws, 'GET', `/api/loyalty/members/${a}/entries?limit=50`)).body;
    const merged = history.items.filter((i: { kind: string }) => i.kind === 'merge');
    expect(merged.reduce((n: number, i: { points: { available: number; pending: number } }) => n + i.points.available + i.points.pending, 0)).toBe(72 + 29);
    // The survivor spends them soonest-expiring first, as its own.
    const spent = await call(ws, 'POST', `/api/loyalty/members/${a}/redemptions`, { points: 45, externalId: key('spend') });
    expect(spent.status, JSON.stringify(spent.body)).toBe(201);
    expect(spent.body.draws.map((d: { points: number; expiresAt: string }) => d.expiresAt)).toEqual(expect.arrayContaining([soon.toISOString()]));
  });

  it('is done once: merging the merged record again is refused with nothing written, and running the hook again changes nothing', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, b, 40, { expiresAt: inDays(20).toISOString() });
    expect((await merge(ws, a, b)).status).toBe(200);
    const entries = await countEntries(ws);
    const again = await merge(ws, a, b);
    expect([again.status, again.body.code]).toEqual([409, 'customer_merged']);
    await t.database.db.transaction((tx) => mergeMemberLoyalty(tx, ws.tenantId, b, a));
    expect(await countEntries(ws)).toBe(entries);
    expect(await member(ws, a)).toMatchObject({ available: '40' });
    // The merged record takes no more points: they would be stranded there.
    const late = await call(ws, 'POST', `/api/loyalty/members/${b}/earnings`, { points: 5, reason: 'خرید', externalId: key('order') });
    expect([late.status, late.body.code]).toEqual([409, 'customer_merged']);
  });

  it('loses no point to an earn racing the merge: each earn of the source lands before it (and moves) or is refused', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, a, 50);
    await earn(ws, b, 100, { expiresAt: inDays(30).toISOString() });
    const earns = Array.from({ length: 16 }, (_, n) =>
      postOverSocket(t, base, ws, `/api/loyalty/members/${n % 4 === 0 ? a : b}/earnings`, { points: 10, reason: 'خرید', externalId: `race-${ws.slug}-${n}` }));
    const merged = postOverSocket(t, base, ws, `/api/customers/${a}/merge`, { sourceId: b }, { 'idempotency-key': key('merge') });
    const [answers, mergeAnswer] = [await Promise.all(earns), await merged];
    expect(mergeAnswer.status, JSON.stringify(mergeAnswer.body)).toBe(200);
    let credited = 0;
    for (const [n, r] of answers.entries()) {
      if (n % 4 === 0) expect(r.status, JSON.stringify(r.body)).toBe(201);
      else expect([201, 409], JSON.stringify(r.body)).toContain(r.status);
      if (r.status === 409) expect(r.body.code).toBe('customer_merged');
      if (r.status === 201) credited += 10;
    }
    expect(await member(ws, b)).toMatchObject({ available: '0', pending: '0' });
    expect(Number((await member(ws, a))!.available)).toBe(150 + credited);
  });

  it('releases the source\'s open checkout before moving its points: the checkout can no longer be captured', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, b, 60, { expiresAt: inDays(15).toISOString() });
    const hold = await call(ws, 'POST', '/api/loyalty/holds', { customerId: b, points: 25, externalId: key('checkout') });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    expect((await merge(ws, a, b)).status).toBe(200);
    expect(await member(ws, a)).toMatchObject({ available: '60' });
    const capture = await call(ws, 'POST', `/api/loyalty/holds/${hold.body.id}/capture`, {});
    expect([capture.status, capture.body.code]).toEqual([409, 'hold_released']);
    const { rows } = await t.database.pool.query(`SELECT status FROM loyalty_redemption_holds WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, hold.body.id]);
    expect(rows[0].status).toBe('released');
  });

  it('passes points given back to the merged record after the merge (a redemption reversed, a checkout refunded) on to the survivor, expiry kept', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const expiry = inDays(12);
    await earn(ws, b, 50, { expiresAt: expiry.toISOString() });
    const spent = await call(ws, 'POST', `/api/loyalty/members/${b}/redemptions`, { points: 20, externalId: key('spend') });
    expect(spent.status).toBe(201);
    const hold = await call(ws, 'POST', '/api/loyalty/holds', { customerId: b, points: 10, externalId: key('checkout') });
    expect([200, 201]).toContain((await call(ws, 'POST', `/api/loyalty/holds/${hold.body.id}/capture`, {})).status);
    expect((await merge(ws, a, b)).status).toBe(200);
    expect(await member(ws, a)).toMatchObject({ available: '20' });

    const reversal = await call(ws, 'POST', `/api/loyalty/entries/${spent.body.id}/reversal`, { reason: 'لغو سفارش' });
    expect(reversal.status, JSON.stringify(reversal.body)).toBe(201);
    const refund = await call(ws, 'POST', `/api/loyalty/holds/${hold.body.id}/refund`, {});
    expect([200, 201], JSON.stringify(refund.body)).toContain(refund.status);
    expect(await member(ws, b)).toMatchObject({ available: '0' });
    expect(await member(ws, a)).toMatchObject({ available: '50' });
    expect(lotShape(await openLots(ws, a))).toEqual([[10, expiry.toISOString(), false], [20, expiry.toISOString(), false], [20, expiry.toISOString(), false]]);
    const forwarded = await query<{ idempotency_key: string }>(`SELECT idempotency_key FROM loyalty_entries WHERE tenant_id = $1 AND kind = 'merge' ORDER BY id`, [ws.tenantId]);
    expect(forwarded.map((e) => e.idempotency_key)).toEqual([`merge:${b}`, `merge:${b}:after:${reversal.body.id}`, expect.stringMatching(new RegExp(`^merge:${b}:after:`))]);
  });
  it('gives an event\'s points for a record merged away since (an answer sent before the merge) to the record that survived, once', async () => {
    const ws = await workspace();
    const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه', settings: { events: [{ topic: 'response.submitted', points: 7 }] } });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, b, 5);
    expect((await merge(ws, a, b)).status).toBe(200);
    const event = { tenantId: ws.tenantId, id: 1, topic: 'response.submitted', occurredAt: new Date().toISOString(), payload: { customerId: b, surveyId: randomUUID(), responseId: randomUUID() } };
    const context = { database: t.database, log: pino({ level: 'silent' }), clock: { now: () => new Date() } } as unknown as JobContext;
    // Delivered twice, as the relay may: one award.
    await programEventsSubscriber.job.run(event, context);
    await programEventsSubscriber.job.run(event, context);
    expect(await member(ws, a)).toMatchObject({ available: '12' });
    expect(await member(ws, b)).toMatchObject({ available: '0' });
  });

  it('carries what the source owed as the survivor\'s debt, repaid from the survivor\'s next earning', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await earn(ws, b, 10);
    // A debt as a return of spent points books it (negative-balance.ts): owed −12 against issuance.
    await t.database.db.transaction(async (tx) => {
      const { bookEntry } = await import('./ledger.repo.ts');
      const { shortfallPostings } = await import('./negative-balance.ts');
      const postings = await shortfallPostings(tx, ws.tenantId, b, 12, true);
      await bookEntry(tx, {
        entry: { tenantId: ws.tenantId, kind: 'adjust', idempotencyKey: key('debt'), customerId: b, externalId: null, reason: 'return', source: 'test', at: new Date() },
        customerId: b, postings: [...postings, { account: 'issuance', customerId: null, amount: 12 }], delta: { available: 0, pending: 0, qualifying: 0 },
      });
    });
    expect((await merge(ws, a, b)).status).toBe(200);
    expect((await call(ws, 'GET', `/api/loyalty/members/${a}/owed`)).body).toMatchObject({ owed: 12 });
    // The new lot repays the debt first (5 of 12); the 10 moved stay spendable net of the 7 still owed.
    await earn(ws, a, 5);
    expect((await call(ws, 'GET', `/api/loyalty/members/${a}/owed`)).body).toMatchObject({ owed: 7, net: 3 });
    expect(await member(ws, a)).toMatchObject({ available: '10' });
  });
});

describe('erasing a member', () => {
  it('forfeits the points to breakage, writes nothing over the ledger, and leaves no personal data in the loyalty tables', async () => {
    const ws = await workspace();
    const email = `erase-${ws.slug}@example.com`;
    const person = await createCustomer(t, ws, { name: 'نگار فراموش‌شده', email });
    const phone = person.phone!;
    await earn(ws, person.id, 80, { expiresAt: inDays(20).toISOString() });
    await earn(ws, person.id, 30, { pendingUntil: inDays(3).toISOString() });
    const hold = await call(ws, 'POST', '/api/loyalty/holds', { customerId: person.id, points: 15, externalId: key('checkout') });
    expect(hold.status).toBe(201);
    const cookie = await memberSessionCookie(t, ws, person.id);
    // Sign-in codes asked for the person's phone and e-mail (one without a customer: an invite before joining).
    await query(`INSERT INTO loyalty_member_otps (tenant_id, id, phone, customer_id, code_hash, expires_at, created_at)
      VALUES ($1, gen_random_uuid(), $2, $3, 'h', now() + interval '5 minutes', now())`, [ws.tenantId, phone, person.id]);
    await query(`INSERT INTO loyalty_member_otps (tenant_id, id, email, customer_id, code_hash, referral_code, expires_at, created_at)
      VALUES ($1, gen_random_uuid(), $2, NULL, 'h', 'ABCDEFGH', now() + interval '5 minutes', now())`, [ws.tenantId, email]);
    // A review the shop reported, its text signed with the person's name.
    await query(`INSERT INTO loyalty_customer_events (tenant_id, type, external_id, customer_id, occurred_at, attributes, source)
      VALUES ($1, 'review', 'rev-erase-1', $2, now(), $3::jsonb, 'api_key:test')`, [ws.tenantId, person.id, JSON.stringify({ rating: 5, text: 'عالی بود، نگار' })]);
    const postingsBefore = Number((await query<{ n: string }>(`SELECT count(*) AS n FROM loyalty_postings WHERE tenant_id = $1`, [ws.tenantId]))[0]!.n);
    const before = (await call(ws, 'GET', '/api/loyalty/verify')).body.systemBalances;

    const res = await call(ws, 'POST', `/api/customers/${person.id}/erase`, {}, { role: 'owner', headers: { 'idempotency-key': key('erase') } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    expect(await member(ws, person.id)).toEqual({ available: '0', pending: '0', qualifying: '0' });
    const after = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(after.ok, JSON.stringify(after)).toBe(true);
    // The liability fell by exactly the points forfeited (80 available, the hold's 15 given back first, and 30 pending).
    expect(after.systemBalances.breakage - (before.breakage ?? 0)).toBe(110);
    expect(after.systemBalances.qualifying_issuance - before.qualifying_issuance).toBe(110);
    // Nothing of the ledger was removed: the postings are all there, and more.
    const postingsAfter = Number((await query<{ n: string }>(`SELECT count(*) AS n FROM loyalty_postings WHERE tenant_id = $1`, [ws.tenantId]))[0]!.n);
    expect(postingsAfter).toBeGreaterThan(postingsBefore);
    const forfeit = await query<{ kind: string; reason: string }>(`SELECT kind, reason FROM loyalty_entries WHERE tenant_id = $1 AND idempotency_key = $2`, [ws.tenantId, `erase:${person.id}`]);
    expect(forfeit).toEqual([{ kind: 'expire', reason: 'customer_erased' }]);
    // No loyalty table holds the name, phone or e-mail any more (every text and JSON column searched).
    const columns = await query<{ table_name: string; column_name: string }>(`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name LIKE 'loyalty\\_%' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'character')`, []);
    expect(columns.length).toBeGreaterThan(10);
    for (const { table_name: table, column_name: column } of columns) {
      const found = await query<{ n: string }>(
        `SELECT count(*) AS n FROM "${table}" WHERE tenant_id = $1 AND ("${column}"::text LIKE $2 OR "${column}"::text LIKE $3 OR "${column}"::text LIKE $4)`,
        [ws.tenantId, `%${phone}%`, `%${email}%`, '%نگار%']);
      expect(Number(found[0]!.n), `${table}.${column}`).toBe(0);
    }
    expect(await query(`SELECT 1 FROM loyalty_member_otps WHERE tenant_id = $1`, [ws.tenantId])).toEqual([]);
    // The review keeps its key, so a replay earns nothing again, and loses its words.
    expect(await query(`SELECT external_id, attributes FROM loyalty_customer_events WHERE tenant_id = $1`, [ws.tenantId])).toEqual([{ external_id: 'rev-erase-1', attributes: {} }]);
    // The portal session ended: the member is signed out.
    const portal = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me`, headers: { cookie } });
    expect(portal.statusCode).toBe(401);
    expect(await query(`SELECT 1 FROM loyalty_member_sessions WHERE tenant_id = $1 AND customer_id = $2 AND ended_at IS NULL`, [ws.tenantId, person.id])).toEqual([]);
    // Nothing more can be booked to the erased member; erasing again changes nothing.
    const late = await call(ws, 'POST', `/api/loyalty/members/${person.id}/earnings`, { points: 5, reason: 'خرید', externalId: key('order') });
    expect(late.status).toBe(404);
    const entries = await countEntries(ws);
    expect((await call(ws, 'POST', `/api/customers/${person.id}/erase`, {}, { role: 'owner', headers: { 'idempotency-key': key('erase') } })).status).toBe(200);
    expect(await countEntries(ws)).toBe(entries);
  });

  it('writes off what the erased member owed', async () => {
    const ws = await workspace();
    const person = (await createCustomer(t, ws)).id;
    await earn(ws, person, 4);
    await t.database.db.transaction(async (tx) => {
      const { bookEntry } = await import('./ledger.repo.ts');
      const { shortfallPostings } = await import('./negative-balance.ts');
      const postings = await shortfallPostings(tx, ws.tenantId, person, 9, true);
      await bookEntry(tx, {
        entry: { tenantId: ws.tenantId, kind: 'adjust', idempotencyKey: key('debt'), customerId: person, externalId: null, reason: 'return', source: 'test', at: new Date() },
        customerId: person, postings: [...postings, { account: 'issuance', customerId: null, amount: 9 }], delta: { available: 0, pending: 0, qualifying: 0 },
      });
    });
    expect((await call(ws, 'POST', `/api/customers/${person}/erase`, {}, { role: 'owner', headers: { 'idempotency-key': key('erase') } })).status).toBe(200);
    const { systemBalances } = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(systemBalances.write_off).toBe(-9);
    const owed = await query<{ balance: string }>(`
      SELECT coalesce(sum(p.amount), 0) AS balance FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
      WHERE a.tenant_id = $1 AND a.customer_id = $2 AND a.kind = 'owed'`, [ws.tenantId, person]);
    expect(Number(owed[0]!.balance)).toBe(0);
  });
});

describe('the data export', () => {
  it('has a loyalty section: balances, lots with expiry, history with reasons, tiers, coupons, referrals, donations, the merged record\'s too', async () => {
    const ws = await workspace();
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const expiry = inDays(25);
    await earn(ws, a, 12, { reason: 'خرید حضوری' });
    await earn(ws, b, 30, { expiresAt: expiry.toISOString(), reason: 'خرید آنلاین' });
    const code = await call(ws, 'POST', `/api/loyalty/members/${a}/referral-code`, {});
    await query(`INSERT INTO loyalty_customer_events (tenant_id, type, external_id, customer_id, occurred_at, attributes, source)
      VALUES ($1, 'review', 'rev-export-1', $2, '2026-11-30T10:00:00Z', $3::jsonb, 'api_key:test')`, [ws.tenantId, b, JSON.stringify({ rating: 4, sku: 'KT-10' })]);
    expect((await merge(ws, a, b)).status).toBe(200);
    const res = await call(ws, 'GET', `/api/customers/${a}/export`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const loyalty = res.body.modules.loyalty;
    expect(loyalty).toMatchObject({ member: true, records: [a, b], balances: { available: 42, pending: 0, qualifying: 42, held: 0, owed: 0 } });
    expect(loyalty.lots.map((l: { remaining: number; expiresAt: string | null }) => [l.remaining, l.expiresAt])).toEqual([[30, expiry.toISOString()], [12, null]]);
    const reasons = loyalty.history.map((h: { record: string; kind: string; reason: string | null; available: number }) => [h.record, h.kind, h.reason, h.available]);
    expect(reasons).toEqual(expect.arrayContaining([
      [a, 'earn', 'خرید حضوری', 12], [b, 'earn', 'خرید آنلاین', 30], [b, 'merge', 'customer_merged', -30], [a, 'merge', 'customer_merged', 30],
    ]));
    for (const section of ['tiers', 'tierChanges', 'coupons', 'holds', 'donations']) expect(Array.isArray(loyalty[section]), section).toBe(true);
    if (code.status === 200 || code.status === 201) expect(loyalty.referrals.codes).toEqual([{ record: a, code: expect.any(String) }]);
    expect(loyalty.referrals).toMatchObject({ referredBy: [], friends: [] });
    // What the shop reported of the merged record, with its attributes.
    expect(loyalty.actions).toEqual([{ record: b, type: 'review', externalId: 'rev-export-1', occurredAt: '2026-11-30T10:00:00.000Z', attributes: { rating: 4, sku: 'KT-10' } }]);
  });
});
