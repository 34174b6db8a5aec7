import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { behindTheLedger, expectPartnerPayableMatchesBills } from '../../../test/loyalty-ledger.ts';
import { runVafa } from '../../../test/process.ts';

// verify (API and `vafa loyalty verify`) holds the workspace's partner_payable account to the
// partner entries' bills, their cancellations and finance's corrections, entry by entry: a clean
// ledger reports none, drift made behind the ledger's back (triggers bypassed, as the other verify
// drift tests do) is reported with its entry, partner and both sides.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true, also: (ws) => expectPartnerPayableMatchesBills(t, ws.tenantId) });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

async function created(ws: TestWorkspace, url: string, payload: unknown, options: CallOptions = {}) {
  const res = await call(ws, 'POST', url, payload, options);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('verify: partner_payable against the partner entries, cancellations and corrections', () => {
  it('reports none on a clean ledger, and each entry whose partner_payable postings a direct SQL change put out of line', async () => {
    const ws = await workspace();
    const cinema = await created(ws, '/api/loyalty/partners', { name: { fa: 'سینما آزادی', en: 'Azadi Cinema' }, billingModel: 'at_redemption', pricePerPointMinor: '2000' });
    const shop = await created(ws, '/api/loyalty/partners', { name: { fa: 'کتاب‌فروشی', en: 'Book shop' }, billingModel: 'at_earning', pricePerPointMinor: '1500' });
    const ticket = await created(ws, `/api/loyalty/partners/${cinema.id}/offers`, { name: { fa: 'بلیت' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 30 });
    const customer = await createCustomer(t, ws);
    await created(ws, `/api/loyalty/members/${customer.id}/earnings`, { points: 100, reason: 'خرید', externalId: 'order-1' });
    // The shop bills its 60 (partner_payable −60); two tickets at the cinema (+40 each), one cancelled (−40).
    await created(ws, `/api/loyalty/partners/${shop.id}/earnings`, { customerId: customer.id, points: 60, externalId: 'shop-1' });
    const kept = await created(ws, `/api/loyalty/partner-offers/${ticket.id}/redemptions`, { customerId: customer.id, externalId: 'cin-1' });
    const cancelled = await created(ws, `/api/loyalty/partner-offers/${ticket.id}/redemptions`, { customerId: customer.id, externalId: 'cin-2' });
    const reversal = await created(ws, `/api/loyalty/entries/${cancelled.entry.id}/reversal`, { reason: 'لغو بلیت' });
    // Finance: we owe the cinema 10 fewer (−10), the shop owes 5 more (−5).
    const fix = (partnerId: string, body: Record<string, unknown>, key: string) =>
      created(ws, `/api/loyalty/partners/${partnerId}/corrections`, { ...body, reason: 'اصلاح' }, { role: 'finance', headers: { 'idempotency-key': key } });
    const fewer = await fix(cinema.id, { side: 'workspace_owes', points: -10 }, 'fix-1');
    await fix(shop.id, { side: 'partner_owes', points: 5 }, 'fix-2');

    // −60 + 40 + 40 − 40 − 10 − 5 = −35
    const clean = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(clean).toMatchObject({ ok: true, driftCounts: { partners: 0, balances: 0, entries: 0, lots: 0, entryLots: 0 }, partnerDrift: [], systemBalances: { partner_payable: -35 } });

    // Behind the ledger's back: the kept ticket's partner row now bills 43; the cinema's correction
    // says −12; and an adjust entry moves 7 to partner_payable (balanced against issuance) with no
    // partner row at all.
    const [, , [stray]] = await behindTheLedger(t, [
      ['UPDATE loyalty_partner_entries SET points = points + 3 WHERE tenant_id = $1 AND entry_id = $2', [ws.tenantId, kept.entry.id]],
      ['UPDATE loyalty_partner_corrections SET points = -12 WHERE tenant_id = $1 AND entry_id = $2', [ws.tenantId, fewer.entryId]],
      [`INSERT INTO loyalty_entries (tenant_id, kind, idempotency_key, customer_id, source) VALUES ($1, 'adjust', 'hand-made', NULL, 'test') RETURNING id`, [ws.tenantId]],
    ]) as [unknown, unknown, [{ id: string }]];
    const strayId = Number(stray.id);
    await behindTheLedger(t, [[`
      INSERT INTO loyalty_postings (tenant_id, entry_id, account_id, amount)
      SELECT tenant_id, $2, id, CASE kind WHEN 'partner_payable' THEN 7 ELSE -7 END FROM loyalty_accounts
      WHERE tenant_id = $1 AND customer_id IS NULL AND kind IN ('partner_payable', 'issuance')`, [ws.tenantId, strayId]]]);

    const drifted = (await call(ws, 'GET', '/api/loyalty/verify')).body;
    expect(drifted).toMatchObject({
      ok: false,
      driftCounts: { partners: 3, balances: 0, entries: 0, lots: 0, entryLots: 0, held: 0, charity: 0 },
      partnerDrift: [
        { entryId: kept.entry.id, partnerId: cinema.id, posted: 40, expected: 43 },
        { entryId: fewer.entryId, partnerId: cinema.id, posted: -10, expected: -12 },
        { entryId: strayId, partnerId: null, posted: 7, expected: 0 },
      ],
    });
    // The cancellation stays clean: its original's row is untouched.
    expect(drifted.partnerDrift.map((d: { entryId: number }) => d.entryId)).not.toContain(reversal.id);

    const run = runVafa(['loyalty', 'verify', '--workspace', ws.slug], { DATABASE_URL: t.databaseUrl, VAFA_DATA_DIR: os.tmpdir(), LOG_LEVEL: 'warn' });
    expect(await run.exited, run.stderr()).toBe(1);
    expect(JSON.parse(run.stdout().trim())).toMatchObject({ ok: false, driftCounts: { partners: 3 }, partnerDrift: drifted.partnerDrift });

    // Put it back, so the ledger holds together again for the after-each checks.
    await behindTheLedger(t, [
      ['UPDATE loyalty_partner_entries SET points = points - 3 WHERE tenant_id = $1 AND entry_id = $2', [ws.tenantId, kept.entry.id]],
      ['UPDATE loyalty_partner_corrections SET points = -10 WHERE tenant_id = $1 AND entry_id = $2', [ws.tenantId, fewer.entryId]],
      ['DELETE FROM loyalty_postings WHERE tenant_id = $1 AND entry_id = $2', [ws.tenantId, strayId]],
      ['DELETE FROM loyalty_entries WHERE tenant_id = $1 AND id = $2', [ws.tenantId, strayId]],
    ]);
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body).toMatchObject({ ok: true, driftCounts: { partners: 0 } });
  });
});
