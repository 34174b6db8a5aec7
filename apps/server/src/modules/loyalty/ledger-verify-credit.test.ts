import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { behindTheLedger } from '../../../test/loyalty-ledger.ts';
import { runVafa } from '../../../test/process.ts';

// verify (API and `vafa loyalty verify`) checks the prepaid-credit ledger as it checks points: each
// member's cached paid and bonus credit against the postings of their accounts and the bonus
// against their open bonus lots, each credit entry's postings summing to zero per currency, each
// bonus lot against its draws. A clean ledger reports none; drift made behind the ledger's back
// (triggers bypassed, as a hand edit would) is reported with its member, entry or lot, each item
// naming the credit ledger, and the points side stays clean.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

async function created(ws: TestWorkspace, url: string, payload: unknown, options: CallOptions = {}) {
  const res = await call(ws, 'POST', url, payload, options);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const cli = async (ws: TestWorkspace) => {
  const run = runVafa(['loyalty', 'verify', '--workspace', ws.slug], { DATABASE_URL: t.databaseUrl, VAFA_DATA_DIR: os.tmpdir(), LOG_LEVEL: 'warn' });
  const code = await run.exited;
  return { code, report: JSON.parse(run.stdout().trim()) as Record<string, unknown>, summary: run.stderr() };
};

describe('verify: the prepaid-credit ledger', () => {
  it('reports none on a clean ledger, and each cached balance, unbalanced entry and bonus lot a direct SQL change put out of line', async () => {
    const ws = await workspace();
    const program = await created(ws, '/api/loyalty/programs', { name: 'اعتبار', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' } } });
    const pkg = await created(ws, `/api/loyalty/programs/${program.id}/credit-packages`, {
      name: { fa: 'بسته ماه', ar: 'باقة', en: 'month' }, priceMinor: 1_000_000, creditMinor: 1_100_000, bonusExpiryDays: 30,
    });
    const [a, b] = [(await createCustomer(t, ws)).id, (await createCustomer(t, ws)).id];
    const buy = (customerId: string, key: string) =>
      created(ws, `/api/loyalty/members/${customerId}/credit/purchases`, { packageId: pkg.id }, { role: 'agent', headers: { 'idempotency-key': key } });
    await buy(a, 'buy-a');
    const bought = await buy(b, 'buy-b');
    // B spends all its paid credit and half its bonus.
    await created(ws, `/api/loyalty/members/${b}/credit/spends`, { amountMinor: 1_050_000 }, { role: 'agent', headers: { 'idempotency-key': 'spend-b' } });

    const clean = await call(ws, 'GET', '/api/loyalty/verify');
    expect(clean.status).toBe(200);
    const currency = bought.balance.currency as string;
    expect(clean.body).toMatchObject({
      ok: true,
      creditCounts: { balances: 2, entries: 3, postings: 12, lots: 2 },
      driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0, creditBalances: 0, creditEntries: 0, creditLots: 0 },
      creditBalanceDrift: [], creditUnbalancedEntries: [], creditLotDrift: [],
    });
    // The workspace's side: its accounts' balances from their postings, the members' 1,150,000 the other side of them.
    expect(clean.body.creditSystemBalances).toEqual({
      [currency]: { funding: -2_000_000, bonus_issuance: -200_000, spent_paid: 1_000_000, spent_bonus: 50_000, bonus_expired: 0 },
    });
    const cleanCli = await cli(ws);
    expect(cleanCli.code, cleanCli.summary).toBe(0);
    expect(cleanCli.report).toMatchObject({ ok: true, driftCounts: clean.body.driftCounts, creditSystemBalances: clean.body.creditSystemBalances });

    // Behind the ledger's back: A's cached paid credit raised by 500; one of B's bonus lot's
    // remaining lowered by 1 without a draw (so B's cached bonus is apart from its lots too); an
    // entry whose postings move 7 out of funding and 5 into spent_paid; an entry with no postings.
    const [lotOfB] = (await t.database.pool.query<{ id: string }>(
      `SELECT id FROM loyalty_credit_bonus_lots WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, b])).rows;
    const [, , [skewed], [bare]] = await behindTheLedger(t, [
      ['UPDATE loyalty_credit_balances SET paid = paid + 500 WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, a]],
      ['UPDATE loyalty_credit_bonus_lots SET remaining = remaining - 1 WHERE tenant_id = $1 AND id = $2', [ws.tenantId, lotOfB!.id]],
      [`INSERT INTO loyalty_credit_entries (tenant_id, kind, idempotency_key, customer_id, currency, source) VALUES ($1, 'spend', 'hand-made-1', $2, $3, 'test') RETURNING id`, [ws.tenantId, a, currency]],
      [`INSERT INTO loyalty_credit_entries (tenant_id, kind, idempotency_key, customer_id, currency, source) VALUES ($1, 'spend', 'hand-made-2', $2, $3, 'test') RETURNING id`, [ws.tenantId, a, currency]],
    ]) as [unknown, unknown, [{ id: string }], [{ id: string }]];
    const [skewedId, bareId] = [Number(skewed.id), Number(bare.id)];
    await behindTheLedger(t, [[`
      INSERT INTO loyalty_credit_postings (tenant_id, entry_id, account_id, amount)
      SELECT tenant_id, $2, id, CASE kind WHEN 'funding' THEN -7 ELSE 5 END FROM loyalty_credit_accounts
      WHERE tenant_id = $1 AND customer_id IS NULL AND kind IN ('funding', 'spent_paid')`, [ws.tenantId, skewedId]]]);

    const drifted = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(drifted).toMatchObject({
      ok: false,
      // The points ledger is untouched and says so.
      driftCounts: { balances: 0, entries: 0, lots: 0, entryLots: 0, held: 0, charity: 0, partners: 0, creditBalances: 2, creditEntries: 2, creditLots: 1 },
      unbalancedEntries: [],
      creditUnbalancedEntries: [
        { ledger: 'credit', entryId: skewedId, unit: currency, sum: -2 },
        { ledger: 'credit', entryId: bareId, unit: 'no postings', sum: 0 },
      ],
      creditLotDrift: [{ ledger: 'credit', lotId: Number(lotOfB!.id), customerId: b, remaining: 49_999, expected: 50_000 }],
    });
    expect([...drifted.creditBalanceDrift].sort((x: { customerId: string }, y: { customerId: string }) => (x.customerId < y.customerId ? -1 : 1))).toEqual([
      { ledger: 'credit', customerId: a, currency, cached: { paid: 1_000_500, bonus: 100_000 }, posted: { paid: 1_000_000, bonus: 100_000 }, inLots: { bonus: 100_000 } },
      { ledger: 'credit', customerId: b, currency, cached: { paid: 0, bonus: 50_000 }, posted: { paid: 0, bonus: 50_000 }, inLots: { bonus: 49_999 } },
    ].sort((x, y) => (x.customerId < y.customerId ? -1 : 1)));

    const driftedCli = await cli(ws);
    expect(driftedCli.code).toBe(1);
    expect(driftedCli.report).toMatchObject({
      ok: false, driftCounts: drifted.driftCounts, creditBalanceDrift: drifted.creditBalanceDrift,
      creditUnbalancedEntries: drifted.creditUnbalancedEntries, creditLotDrift: drifted.creditLotDrift,
    });
    expect(driftedCli.summary).toContain(`DRIFT in 1 of 1 workspace(s): ${ws.slug}`);

    // Put it back, so the ledger holds together again for the after-each checks.
    await behindTheLedger(t, [
      ['UPDATE loyalty_credit_balances SET paid = paid - 500 WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, a]],
      ['UPDATE loyalty_credit_bonus_lots SET remaining = remaining + 1 WHERE tenant_id = $1 AND id = $2', [ws.tenantId, lotOfB!.id]],
      ['DELETE FROM loyalty_credit_postings WHERE tenant_id = $1 AND entry_id = $2', [ws.tenantId, skewedId]],
      ['DELETE FROM loyalty_credit_entries WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [ws.tenantId, [skewedId, bareId]]],
    ]);
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body).toMatchObject({ ok: true, driftCounts: { creditBalances: 0, creditEntries: 0, creditLots: 0 } });
  });

  it('a posting to an account that does not exist is an unbalanced credit entry, not a balance drift', async () => {
    const ws = await workspace();
    const [a] = [(await createCustomer(t, ws)).id];
    const program = await created(ws, '/api/loyalty/programs', { name: 'اعتبار', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' } } });
    const pkg = await created(ws, `/api/loyalty/programs/${program.id}/credit-packages`, {
      name: { fa: 'بسته', ar: 'باقة', en: 'plain' }, priceMinor: 500_000, creditMinor: 500_000, bonusExpiryDays: null,
    });
    const bought = await created(ws, `/api/loyalty/members/${a}/credit/purchases`, { packageId: pkg.id }, { role: 'agent', headers: { 'idempotency-key': 'buy' } });
    const [[entry]] = await behindTheLedger(t, [
      [`INSERT INTO loyalty_credit_entries (tenant_id, kind, idempotency_key, customer_id, currency, source) VALUES ($1, 'spend', 'nowhere', $2, $3, 'test') RETURNING id`, [ws.tenantId, a, bought.balance.currency]],
    ]) as [[{ id: string }]];
    const entryId = Number(entry.id);
    await behindTheLedger(t, [[`INSERT INTO loyalty_credit_postings (tenant_id, entry_id, account_id, amount) VALUES ($1, $2, 999999999999, 3)`, [ws.tenantId, entryId]]]);
    const drifted = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(drifted).toMatchObject({
      ok: false,
      driftCounts: { creditBalances: 0, creditEntries: 1, creditLots: 0 },
      creditUnbalancedEntries: [{ ledger: 'credit', entryId, unit: 'unknown account', sum: 3 }],
    });
    await behindTheLedger(t, [
      ['DELETE FROM loyalty_credit_postings WHERE tenant_id = $1 AND entry_id = $2', [ws.tenantId, entryId]],
      ['DELETE FROM loyalty_credit_entries WHERE tenant_id = $1 AND id = $2', [ws.tenantId, entryId]],
    ]);
  });
});
