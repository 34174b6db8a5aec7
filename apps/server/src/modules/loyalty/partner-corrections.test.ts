import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';

// Finance corrects what a partner or the workspace owes (POST /api/loyalty/partners/:id/corrections):
// an adjust entry with no member, partner_payable against issuance or redemptions, priced at the
// partner's price today, with its reason, audited, by finance roles only, counted in the month's
// settlement, never taking a side's debt below zero. Over HTTP on a real PostgreSQL; after each
// test the ledger holds together and verify reports no drift.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options, 'finance');
let serial = 0;

async function partner(ws: TestWorkspace, over: Record<string, unknown>) {
  const res = await call(ws, 'POST', '/api/loyalty/partners', { name: { fa: 'سینما آزادی', en: 'Azadi Cinema' }, billingModel: 'at_redemption', pricePerPointMinor: '2000', ...over }, { role: 'manager' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

const correct = (ws: TestWorkspace, partnerId: string, body: Record<string, unknown>, options: CallOptions = {}) =>
  call(ws, 'POST', `/api/loyalty/partners/${partnerId}/corrections`, body, { headers: { 'idempotency-key': `fix-${++serial}`, 'accept-language': 'fa' }, ...options });

const settlementLine = async (ws: TestWorkspace, partnerId: string) =>
  (await call(ws, 'GET', '/api/loyalty/partner-settlements')).body.items.find((l: { partnerId: string }) => l.partnerId === partnerId);

describe('a partner payable corrected by finance', () => {
  it('books a balanced adjust entry each way, counts it in the settlement and audits it', async () => {
    const ws = await workspace();
    const cinema = await partner(ws, {});
    const shop = await partner(ws, { name: { fa: 'کتاب‌فروشی', en: 'Book shop' }, billingModel: 'at_earning', pricePerPointMinor: '1500' });
    const customer = await createCustomer(t, ws);
    // The shop's members earn 100 there (the shop owes 100 points); a member redeems 40 at the cinema (we owe 40).
    expect((await call(ws, 'POST', `/api/loyalty/partners/${shop.id}/earnings`, { customerId: customer.id, points: 100, externalId: 'shop-1' }, { role: 'manager' })).status).toBe(201);
    const ticket = await call(ws, 'POST', `/api/loyalty/partners/${cinema.id}/offers`, { name: { fa: 'بلیت' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 30 }, { role: 'manager' });
    expect((await call(ws, 'POST', `/api/loyalty/partner-offers/${ticket.body.id}/redemptions`, { customerId: customer.id, externalId: 'cin-1' }, { role: 'manager' })).status).toBe(201);

    // The cinema billed one ticket twice: we owe 40 fewer.
    const fewer = await correct(ws, cinema.id, { side: 'workspace_owes', points: -40, reason: 'بلیت دو بار حساب شده بود' });
    expect(fewer.status, JSON.stringify(fewer.body)).toBe(201);
    expect(fewer.body).toMatchObject({ partnerId: cinema.id, side: 'workspace_owes', points: -40, pricePerPointMinor: '2000', amountMinor: '-80000', currency: 'IRR', reason: 'بلیت دو بار حساب شده بود' });
    const entry = (await call(ws, 'GET', `/api/loyalty/entries/${fewer.body.entryId}`)).body;
    expect(entry).toMatchObject({ kind: 'adjust', customerId: null, reason: 'بلیت دو بار حساب شده بود' });
    expect(entry.postings).toEqual([
      { account: 'partner_payable', customerId: null, unit: 'points', amount: -40 }, { account: 'redemptions', customerId: null, unit: 'points', amount: 40 },
    ]);
    // The shop owes 25 more (a sale it forgot to send).
    const more = await correct(ws, shop.id, { side: 'partner_owes', points: 25, reason: 'فروش جاافتاده' });
    expect(more.body).toMatchObject({ points: 25, amountMinor: '37500' });
    expect((await call(ws, 'GET', `/api/loyalty/entries/${more.body.entryId}`)).body.postings).toEqual([
      { account: 'partner_payable', customerId: null, unit: 'points', amount: -25 }, { account: 'issuance', customerId: null, unit: 'points', amount: 25 },
    ]);

    const cinemaLine = await settlementLine(ws, cinema.id);
    expect(cinemaLine).toMatchObject({
      redeemedPoints: 40, workspaceOwesPoints: 0, workspaceOwesMinor: '0', netMinor: '0', ledgerPoints: 0,
      corrections: { count: 1, workspaceOwesPoints: -40, workspaceOwesMinor: '-80000', partnerOwesPoints: 0, partnerOwesMinor: '0' },
    });
    const shopLine = await settlementLine(ws, shop.id);
    expect(shopLine).toMatchObject({ partnerOwesPoints: 125, partnerOwesMinor: '187500', netMinor: '-187500', ledgerPoints: -125, corrections: { count: 1, partnerOwesPoints: 25 } });
    // The report's ledger sum is the postings' own sum.
    for (const [id, line] of [[cinema.id, cinemaLine], [shop.id, shopLine]] as const) {
      expect(line.workspaceOwesPoints - line.partnerOwesPoints).toBe(line.ledgerPoints);
      const { rows } = await t.database.pool.query(`
        SELECT coalesce(sum(p.amount), 0)::bigint AS n FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id AND a.kind = 'partner_payable'
        WHERE p.tenant_id = $1 AND (p.entry_id IN (SELECT entry_id FROM loyalty_partner_entries WHERE tenant_id = $1 AND partner_id = $2)
                                    OR p.entry_id IN (SELECT entry_id FROM loyalty_partner_corrections WHERE tenant_id = $1 AND partner_id = $2))`, [ws.tenantId, id]);
      expect(Number(rows[0].n)).toBe(line.ledgerPoints);
    }

    const list = await call(ws, 'GET', `/api/loyalty/partners/${cinema.id}/corrections`);
    expect(list.body.items).toEqual([expect.objectContaining({ entryId: fewer.body.entryId, source: expect.stringMatching(/^api_key:/) })]);
    const { rows: audit } = await t.database.pool.query(`SELECT action, details FROM audit_log WHERE tenant_id = $1 AND target_id = $2 AND action = 'loyalty.partner_payable.corrected'`, [ws.tenantId, cinema.id]);
    expect(audit).toEqual([{ action: 'loyalty.partner_payable.corrected', details: expect.objectContaining({ entryId: fewer.body.entryId, points: -40, reason: 'بلیت دو بار حساب شده بود' }) }]);
  });

  it('refuses what would take a side below zero, zero points, other roles and other workspaces; the same key answers once', async () => {
    const ws = await workspace();
    const other = await workspace();
    const cinema = await partner(ws, {});
    const below = await correct(ws, cinema.id, { side: 'workspace_owes', points: -1, reason: 'هیچ بدهی نیست' });
    expect([below.status, below.body.code, below.type]).toEqual([409, 'partner_correction_exceeds_owed', expect.stringContaining('application/problem+json')]);
    expect(below.body.detail).toMatch(/[\u0600-\u06FF]/);
    const zero = await correct(ws, cinema.id, { side: 'workspace_owes', points: 0, reason: 'صفر' });
    expect([zero.status, zero.body.code]).toEqual([422, 'partner_correction_zero']);
    expect((await correct(ws, cinema.id, { side: 'sideways', points: 5, reason: 'نامعتبر' })).status).toBe(400);
    expect((await correct(ws, cinema.id, { side: 'workspace_owes', points: 5, reason: '' })).status).toBe(400);
    for (const role of ['manager', 'agent', 'analyst'] as const) {
      expect((await correct(ws, cinema.id, { side: 'workspace_owes', points: 5, reason: 'نقش دیگر' }, { role })).status).toBe(403);
    }
    expect((await correct(other, cinema.id, { side: 'workspace_owes', points: 5, reason: 'فضای دیگر' })).status).toBe(404);
    expect((await call(other, 'GET', `/api/loyalty/partners/${cinema.id}/corrections`)).status).toBe(404);

    const headers = { 'idempotency-key': 'one-fix' };
    const first = await call(ws, 'POST', `/api/loyalty/partners/${cinema.id}/corrections`, { side: 'workspace_owes', points: 5, reason: 'یک بار' }, { headers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await call(ws, 'POST', `/api/loyalty/partners/${cinema.id}/corrections`, { side: 'workspace_owes', points: 5, reason: 'یک بار' }, { headers });
    expect(again.body.entryId).toBe(first.body.entryId);
    expect((await call(ws, 'GET', `/api/loyalty/partners/${cinema.id}/corrections`)).body.items).toHaveLength(1);
    // 5 owed now: 6 fewer is refused, 5 fewer is allowed.
    expect((await correct(ws, cinema.id, { side: 'workspace_owes', points: -6, reason: 'بیش از بدهی' })).body.code).toBe('partner_correction_exceeds_owed');
    expect((await correct(ws, cinema.id, { side: 'workspace_owes', points: -5, reason: 'برگشت اصلاحیه' })).status).toBe(201);
    expect(await settlementLine(ws, cinema.id)).toMatchObject({ workspaceOwesPoints: 0, ledgerPoints: 0, corrections: { count: 2 } });
  });
});
