import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { mergeCustomers } from '../customers/customer-merge.service.ts';
import { mergeMemberLoyalty } from './member-merge.service.ts';

// A customer merge and what the survivor inherits beyond points: the merged-away record's prepaid
// credit (its paid money and its bonus lots, each keeping its expiry) and the returns of orders it
// earned on before the merge, which take the points back from the survivor; refunds of its credit
// purchases, which the survivor pays from the credit it now holds. Every workspace's points and
// credit ledgers are verified after each test; the credit report is checked in the tests.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '20' } });
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);
const q = async <R = Record<string, unknown>>(text: string, values: unknown[]) => (await t.database.pool.query(text, values)).rows as R[];

let serial = 0;
const key = (what: string) => `${what}-${++serial}-${Date.now()}`;
const names = (en: string) => ({ fa: `بسته ${en}`, ar: `باقة ${en}`, en });

const merge = (ws: TestWorkspace, targetId: string, sourceId: string) => call(ws, 'POST', `/api/customers/${targetId}/merge`, { sourceId }, { headers: { 'idempotency-key': key('merge') } });

async function creditProgram(ws: TestWorkspace) {
  const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'اعتبار', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' } } });
  expect(program.status, JSON.stringify(program.body)).toBe(201);
  const pkg = async (en: string, bonusExpiryDays: number | null, priceMinor = 1_000_000, creditMinor = 1_100_000) => {
    const res = await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/credit-packages`, { name: names(en), priceMinor, creditMinor, bonusExpiryDays });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  return { pkg };
}
const buy = async (ws: TestWorkspace, customerId: string, packageId: string) => {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/credit/purchases`, { packageId }, { role: 'agent', headers: { 'idempotency-key': key('buy') } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const spend = (ws: TestWorkspace, customerId: string, amountMinor: number) =>
  call(ws, 'POST', `/api/loyalty/members/${customerId}/credit/spends`, { amountMinor }, { role: 'agent', headers: { 'idempotency-key': key('spend') } });
const balance = async (ws: TestWorkspace, customerId: string) =>
  (await q<{ paid: string; bonus: string }>(`SELECT paid::text, bonus::text FROM loyalty_credit_balances WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, customerId]))[0];
const openBonusLots = (ws: TestWorkspace, customerId: string) => q<{ remaining: string; expires_at: Date | null }>(`
  SELECT remaining::text, expires_at FROM loyalty_credit_bonus_lots WHERE tenant_id = $1 AND customer_id = $2 AND remaining > 0 ORDER BY expires_at NULLS LAST, id`,
[ws.tenantId, customerId]);
const lotShape = (lots: { remaining: string; expires_at: Date | null }[]) => lots.map((l) => [Number(l.remaining), l.expires_at ? new Date(l.expires_at).toISOString() : null]);
const creditEntries = async (ws: TestWorkspace) => Number((await q<{ n: string }>(`SELECT count(*) AS n FROM loyalty_credit_entries WHERE tenant_id = $1`, [ws.tenantId]))[0]!.n);

/** The credit ledger checked against itself: the report and the same checks by hand. */
async function creditConsistent(ws: TestWorkspace) {
  expect(await q(`
    SELECT b.customer_id FROM loyalty_credit_balances b WHERE b.tenant_id = $1 AND (
      b.bonus <> (SELECT coalesce(sum(remaining), 0) FROM loyalty_credit_bonus_lots l WHERE l.tenant_id = b.tenant_id AND l.customer_id = b.customer_id AND l.currency = b.currency)
      OR b.paid <> (SELECT coalesce(sum(p.amount), 0) FROM loyalty_credit_postings p JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE a.tenant_id = b.tenant_id AND a.customer_id = b.customer_id AND a.currency = b.currency AND a.kind = 'paid'))`, [ws.tenantId])).toEqual([]);
  const report = await call(ws, 'GET', '/api/loyalty/credit/report', undefined, { role: 'analyst' });
  expect(report.status).toBe(200);
  expect(report.body).toMatchObject({ ok: true, unbalancedEntries: 0, driftedBalances: 0, bonusLotsApartFromBalances: 0, bonusLotsApartFromPostings: 0, driftedBonusLots: 0 });
  return report.body;
}

describe('merging customers with prepaid credit', () => {
  it('moves the source\'s paid credit and bonus lots to the survivor, each lot keeping its expiry; the source cannot spend, the survivor can', async () => {
    const ws = await workspace();
    const { pkg } = await creditProgram(ws);
    const [month, never] = [await pkg('month', 30), await pkg('never', null, 2_000_000, 2_500_000)];
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await buy(ws, a, month);
    await buy(ws, b, month);
    await buy(ws, b, never);
    // Some of B's bonus spent first: paid first, then the soonest-expiring bonus.
    expect((await spend(ws, b, 3_000_000 + 40_000)).status).toBe(201);
    const lotsBefore = lotShape([...(await openBonusLots(ws, a)), ...(await openBonusLots(ws, b))]);
    expect(await balance(ws, b)).toEqual({ paid: '0', bonus: String(60_000 + 500_000) });
    const reportBefore = await creditConsistent(ws);

    const res = await merge(ws, a, b);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    expect(await balance(ws, a)).toEqual({ paid: '1000000', bonus: String(100_000 + 60_000 + 500_000) });
    expect(await balance(ws, b)).toEqual({ paid: '0', bonus: '0' });
    // The same lots, the same expiries, now A's: none lengthened nor shortened.
    expect(lotShape(await openBonusLots(ws, a)).sort()).toEqual(lotsBefore.sort());
    expect(await openBonusLots(ws, b)).toEqual([]);
    // The liability is unchanged: nothing sold, spent or expired by a merge.
    const reportAfter = await creditConsistent(ws);
    expect(reportAfter).toEqual(reportBefore);
    // A's history shows what came from B, B's own entries stay B's.
    const view = (await call(ws, 'GET', `/api/loyalty/members/${a}/credit`, undefined, { role: 'analyst' })).body;
    const merged = view.entries.filter((e: { kind: string }) => e.kind === 'merge');
    expect(merged.map((e: { externalId: string }) => e.externalId)).toEqual([b, b]);
    expect(merged.reduce((n: number, e: { paidMinor: number }) => n + e.paidMinor, 0)).toBe(0);
    expect(merged.reduce((n: number, e: { bonusMinor: number }) => n + e.bonusMinor, 0)).toBe(560_000);
    expect(view.expiringBonus.map((l: { remainingMinor: number }) => l.remainingMinor).sort((x: number, y: number) => x - y)).toEqual([60_000, 100_000]);

    const refused = await spend(ws, b, 1);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('customer_merged');
    // A spends it all: paid, then bonus soonest-expiring first.
    const spent = await spend(ws, a, 1_660_000);
    expect(spent.status, JSON.stringify(spent.body)).toBe(201);
    expect(await balance(ws, a)).toEqual({ paid: '0', bonus: '0' });
    await creditConsistent(ws);
  });

  it('the merge hook run again changes nothing', async () => {
    const ws = await workspace();
    const { pkg } = await creditProgram(ws);
    const month = await pkg('month', 30);
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await buy(ws, b, month);
    expect((await merge(ws, a, b)).status).toBe(200);
    const entries = await creditEntries(ws);
    const [ba, lots] = [await balance(ws, a), lotShape(await openBonusLots(ws, a))];
    await t.database.db.transaction((tx) => mergeMemberLoyalty(tx, ws.tenantId, b, a));
    await t.database.db.transaction((tx) => mergeMemberLoyalty(tx, ws.tenantId, b, a));
    expect(await creditEntries(ws)).toBe(entries);
    expect(await balance(ws, a)).toEqual(ba);
    expect(lotShape(await openBonusLots(ws, a))).toEqual(lots);
    expect(ba).toEqual({ paid: '1000000', bonus: '100000' });
    await creditConsistent(ws);
  });

  it('a source\'s bonus already past its expiry is expired as the source\'s, not carried', async () => {
    const ws = await workspace();
    const { pkg } = await creditProgram(ws);
    const month = await pkg('month', 30);
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await buy(ws, b, month);
    // The merge hook run a month and a day later, before the expiry job.
    await t.database.db.transaction((tx) => mergeMemberLoyalty(tx, ws.tenantId, b, a, new Date(Date.now() + 31 * 86_400_000)));
    expect(await balance(ws, a)).toEqual({ paid: '1000000', bonus: '0' });
    const report = await creditConsistent(ws);
    expect(report.bonusExpiredMinor).toBe(100_000);
  });

  it('a spend of the source waiting on its lock while the merge runs is refused with customer_merged, not taken from the source', async () => {
    const ws = await workspace();
    const { pkg } = await creditProgram(ws);
    const month = await pkg('month', 30);
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await buy(ws, b, month);
    let pending: Promise<Awaited<ReturnType<typeof spend>>> | undefined;
    await t.database.db.transaction(async (tx) => {
      await mergeCustomers(tx, ws.tenantId, null, a, b);
      pending = spend(ws, b, 500_000);
      // The spend is queued on B's balance row, held by this merge.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [waiting] = await q<{ n: string }>(`
          SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%loyalty_credit_balances%'`, []);
        if (Number(waiting!.n) > 0) break;
        if (Date.now() > deadline) throw new Error('the spend never waited on the merge');
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    const res = await pending!;
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('customer_merged');
    expect(await balance(ws, a)).toEqual({ paid: '1000000', bonus: '100000' });
    expect(await balance(ws, b)).toEqual({ paid: '0', bonus: '0' });
    await creditConsistent(ws);
  });
});

describe('refunds of a merged-away customer\'s credit purchases', () => {
  const refund = (ws: TestWorkspace, entryId: number, body: Record<string, unknown> = {}) =>
    call(ws, 'POST', `/api/loyalty/credit-entries/${entryId}/refund`, { reason: 'بازگشت وجه', ...body }, { headers: { 'idempotency-key': key('refund') } });

  it('refunds from the survivor, who holds the credit, balances equal to the sum of entries; a refund more than the survivor holds is refused', async () => {
    const ws = await workspace();
    const { pkg } = await creditProgram(ws);
    const month = await pkg('month', 30);
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await buy(ws, a, month);
    const first = (await buy(ws, b, month)).entry.id as number;
    const second = (await buy(ws, b, month)).entry.id as number;
    expect((await merge(ws, a, b)).status).toBe(200);
    expect(await balance(ws, a)).toEqual({ paid: '3000000', bonus: '300000' });

    // All of B's first purchase back, from A: its paid money and the bonus that came with it.
    const full = await refund(ws, first);
    expect(full.status, JSON.stringify(full.body)).toBe(201);
    expect(full.body.entry).toMatchObject({ kind: 'refund', customerId: a, refundsEntryId: first, paidMinor: -1_000_000, bonusMinor: -100_000 });
    expect(full.body.balance).toMatchObject({ customerId: a, paidMinor: 2_000_000, bonusMinor: 200_000 });
    expect(await balance(ws, a)).toEqual({ paid: '2000000', bonus: '200000' });
    expect(await balance(ws, b)).toEqual({ paid: '0', bonus: '0' });
    expect((await refund(ws, first)).body.code).toBe('credit_already_refunded');
    await creditConsistent(ws);

    // A spends until it holds less than B's second purchase: the full refund and a part larger
    // than A's paid credit are refused with nothing written; a part A holds goes through.
    expect((await spend(ws, a, 1_600_000)).status).toBe(201);
    expect(await balance(ws, a)).toEqual({ paid: '400000', bonus: '200000' });
    const entries = await creditEntries(ws);
    const refused = await refund(ws, second);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('credit_already_spent');
    const over = await refund(ws, second, { amountMinor: 400_001 });
    expect(over.status, JSON.stringify(over.body)).toBe(409);
    expect(over.body.code).toBe('credit_refund_exceeds_remainder');
    expect(await creditEntries(ws)).toBe(entries);
    expect(await balance(ws, a)).toEqual({ paid: '400000', bonus: '200000' });

    const part = await refund(ws, second, { amountMinor: 400_000 });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    // The purchase's bonus in proportion (40 % of 100,000), from the survivor's lot B's lot went to.
    expect(part.body.entry).toMatchObject({ customerId: a, refundsEntryId: second, paidMinor: -400_000, bonusMinor: -40_000 });
    expect(await balance(ws, a)).toEqual({ paid: '0', bonus: '160000' });
    // What is left of the purchase (600,000 paid) is more than A holds now.
    const rest = await refund(ws, second, { amountMinor: 1 });
    expect([rest.status, rest.body.code]).toEqual([409, 'credit_refund_exceeds_remainder']);

    const report = await creditConsistent(ws);
    // Three sold, 1,400,000 returned: the funding account says so.
    expect(report).toMatchObject({ soldMinor: 3_000_000 - 1_400_000, paidLiabilityMinor: 0, bonusLiabilityMinor: 160_000 });
    const verify = await call(ws, 'GET', '/api/loyalty/verify');
    expect(verify.body).toMatchObject({ ok: true, driftCounts: { creditBalances: 0, creditEntries: 0, creditLots: 0 } });
  });

  it('refunds from the last survivor through several merges, and counts a refund the buyer made before its merge', async () => {
    const ws = await workspace();
    const { pkg } = await creditProgram(ws);
    const month = await pkg('month', 30);
    const [a, b, c] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const bought = (await buy(ws, b, month)).entry.id as number;
    // Half of it refunded while B still held it.
    const before = await refund(ws, bought, { amountMinor: 500_000 });
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    expect(before.body.entry).toMatchObject({ customerId: b, paidMinor: -500_000, bonusMinor: -50_000 });
    expect((await merge(ws, a, b)).status).toBe(200);
    expect((await merge(ws, c, a)).status).toBe(200);
    expect(await balance(ws, c)).toEqual({ paid: '500000', bonus: '50000' });

    // The rest, from C: what B's earlier refund took is not taken twice.
    const rest = await refund(ws, bought);
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(rest.body.entry).toMatchObject({ customerId: c, refundsEntryId: bought, paidMinor: -500_000, bonusMinor: -50_000 });
    expect(await balance(ws, c)).toEqual({ paid: '0', bonus: '0' });
    expect((await refund(ws, bought)).body.code).toBe('credit_already_refunded');
    await creditConsistent(ws);
  });
});

describe('returns of a merged-away customer\'s orders', () => {
  async function program(ws: TestWorkspace, pendingDays: number) {
    const res = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays, expiry: { kind: 'never' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }
  const order = async (ws: TestWorkspace, programId: string, customerId: string, amount: number) => {
    const res = await call(ws, 'POST', '/api/loyalty/orders', { externalId: key('order'), customerId, programId, lines: [{ id: '1', amount }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { externalId: string; points: number };
  };
  const points = async (ws: TestWorkspace, customerId: string) =>
    (await q<{ available: string; pending: string }>(`SELECT available::text, pending::text FROM loyalty_members WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, customerId]))[0];

  it('takes the order\'s pending points back from the survivor', async () => {
    const ws = await workspace();
    const programId = await program(ws, 14);
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    await order(ws, programId, a, 50_000);
    const placed = await order(ws, programId, b, 120_000);
    expect(placed.points).toBe(120);
    expect((await merge(ws, a, b)).status).toBe(200);
    expect(await points(ws, a)).toEqual({ available: '0', pending: '170' });

    const ret = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R1' });
    expect(ret.status, JSON.stringify(ret.body)).toBe(201);
    expect(ret.body).toMatchObject({ points: 120, fromPending: 120, fromAvailable: 0, unrecovered: 0 });
    expect(await points(ws, a)).toEqual({ available: '0', pending: '50' });
    expect(await points(ws, b)).toEqual({ available: '0', pending: '0' });
    const [entry] = await q<{ customer_id: string }>(`SELECT customer_id FROM loyalty_entries WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, ret.body.entryId]);
    expect(entry!.customer_id).toBe(a);
    // The same return again answers the first.
    const replay = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R1' });
    expect(replay.status).toBe(200);
    expect(await points(ws, a)).toEqual({ available: '0', pending: '50' });
  });

  it('takes available points from the survivor through several merges, and part of an order by lines', async () => {
    const ws = await workspace();
    const programId = await program(ws, 0);
    const [a, b, c] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const placed = await order(ws, programId, b, 80_000);
    await order(ws, programId, c, 10_000);
    expect((await merge(ws, a, b)).status).toBe(200);
    expect((await merge(ws, c, a)).status).toBe(200);
    expect(await points(ws, c)).toEqual({ available: '90', pending: '0' });

    const ret = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R1', lines: [{ id: '1', amount: 30_000 }] });
    expect(ret.status, JSON.stringify(ret.body)).toBe(201);
    expect(ret.body).toMatchObject({ points: 30, fromPending: 0, fromAvailable: 30, unrecovered: 0 });
    expect(await points(ws, c)).toEqual({ available: '60', pending: '0' });
    const rest = await call(ws, 'POST', `/api/loyalty/orders/${placed.externalId}/returns`, { returnId: 'R2' });
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(rest.body).toMatchObject({ points: 50, fromAvailable: 50 });
    expect(await points(ws, c)).toEqual({ available: '10', pending: '0' });
    const verify = await call(ws, 'GET', '/api/loyalty/verify');
    expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);
  });
});
