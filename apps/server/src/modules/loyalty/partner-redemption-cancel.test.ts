import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, postOverSocket, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { expectPartnerPayableMatchesBills } from '../../../test/loyalty-ledger.ts';
import { redeemPartnerOffer } from './partners.service.ts';

// Staff cancel a partner offer's redemption billed to the workspace (the partner bills at
// redemption): one reversal entry gives the member's points back to the lots they came from (owed
// points repaid first) and reverses the bill on partner_payable; the settlement shows it as a
// cancellation; a stock unit comes back; audited; once the redemption's month has closed it is
// refused and finance corrects the payable instead. Over HTTP on a real PostgreSQL; after each
// test the ledger holds together, verify reports no drift and partner_payable holds exactly the
// billed entries not cancelled.

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, {
  verify: true,
  also: (ws) => expectPartnerPayableMatchesBills(t, ws.tenantId),
});
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);
let serial = 0;
const ext = (what: string) => `${what}-${++serial}`;

async function cinemaWithTicket(ws: TestWorkspace, stock: number | null) {
  const partner = await call(ws, 'POST', '/api/loyalty/partners', { name: { fa: 'سینما آزادی', en: 'Azadi Cinema' }, billingModel: 'at_redemption', pricePerPointMinor: '2000' });
  expect(partner.status, JSON.stringify(partner.body)).toBe(201);
  const offer = await call(ws, 'POST', `/api/loyalty/partners/${partner.body.id}/offers`, {
    name: { fa: 'بلیت رایگان', en: 'Free ticket' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 30, ...(stock === null ? {} : { stock }),
  });
  expect(offer.status, JSON.stringify(offer.body)).toBe(201);
  return { partnerId: partner.body.id as string, offerId: offer.body.id as string };
}

const cancel = (ws: TestWorkspace, entryId: number, options: CallOptions = {}) =>
  call(ws, 'POST', `/api/loyalty/entries/${entryId}/reversal`, { reason: 'مشتری بلیت را پس داد' }, { headers: { 'idempotency-key': ext('cancel'), 'accept-language': 'fa' }, ...options });

const stockLeft = async (ws: TestWorkspace, offerId: string) => (await call(ws, 'GET', `/api/loyalty/partner-offers/${offerId}`)).body.stockLeft;
const settlementLine = async (ws: TestWorkspace, partnerId: string) =>
  (await call(ws, 'GET', '/api/loyalty/partner-settlements', undefined, { role: 'finance' })).body.items.find((l: { partnerId: string }) => l.partnerId === partnerId);

describe('cancelling a partner redemption billed to the workspace', () => {
  it('gives the points back to their lots, repays what is owed first, reverses the bill, returns the stock, shows in the settlement and is audited', async () => {
    const ws = await workspace();
    const program = await call(ws, 'POST', '/api/loyalty/programs', {
      name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' }, allowNegativeBalance: true },
    });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const { partnerId, offerId } = await cinemaWithTicket(ws, 2);
    const customer = await createCustomer(t, ws);
    const gift = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 30, reason: 'هدیه', externalId: ext('gift') });
    expect(gift.status).toBe(201);
    const order = await call(ws, 'POST', '/api/loyalty/orders', { externalId: ext('order'), customerId: customer.id, programId: program.body.id, lines: [{ id: '1', amount: 20_000 }] });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    // 30 + 20 = 50; the ticket draws 40 over both lots.
    const redeemed = await call(ws, 'POST', `/api/loyalty/partner-offers/${offerId}/redemptions`, { customerId: customer.id, externalId: ext('ticket') });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
    const redemptionId = redeemed.body.entry.id as number;
    const redemption = (await call(ws, 'GET', `/api/loyalty/entries/${redemptionId}`)).body;
    expect(await stockLeft(ws, offerId)).toBe(1);
    // The order is returned: its 20 points go, 10 from what is available and 10 owed.
    const returned = await call(ws, 'POST', `/api/loyalty/orders/${order.body.externalId}/returns`, { returnId: ext('return') });
    expect(returned.body).toMatchObject({ fromAvailable: 10, owed: 10 });

    // Not by an analyst or an agent; the manager's key may.
    for (const role of ['analyst', 'agent'] as const) expect((await cancel(ws, redemptionId, { role })).status).toBe(403);
    const key = ext('cancel');
    const cancelled = await cancel(ws, redemptionId, { headers: { 'idempotency-key': key } });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);
    expect(cancelled.body).toMatchObject({ kind: 'reversal', reversesEntryId: redemptionId, customerId: customer.id, points: { available: 40 } });
    expect(cancelled.body.postings).toEqual(expect.arrayContaining([
      { account: 'available', customerId: customer.id, unit: 'points', amount: 40 }, { account: 'partner_payable', customerId: null, unit: 'points', amount: -40 },
    ]));
    expect(cancelled.body.postings).toHaveLength(2);
    // Back to the very lots the ticket drew on.
    const back = cancelled.body.draws.map((d: { lotId: number; points: number }) => [d.lotId, -d.points]).sort();
    expect(back).toEqual(redemption.draws.map((d: { lotId: number; points: number }) => [d.lotId, d.points]).sort());
    // The same key answers the same; another request is refused with its reason in Persian.
    const replay = await cancel(ws, redemptionId, { headers: { 'idempotency-key': key } });
    expect([replay.status, replay.body.id]).toEqual([201, cancelled.body.id]);
    const again = await cancel(ws, redemptionId);
    expect([again.status, again.body.code]).toEqual([409, 'entry_already_reversed']);
    expect(again.body.detail).toMatch(/برگردانده/);

    // The 10 owed were repaid first from the 40 back: 30 available, nothing owed.
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/owed`)).body).toMatchObject({ owed: 0 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body).toMatchObject({ available: 30 });
    expect(await stockLeft(ws, offerId)).toBe(2);

    const line = await settlementLine(ws, partnerId);
    expect(line).toMatchObject({
      redeemedPoints: 40, workspaceOwesPoints: 0, workspaceOwesMinor: '0', netMinor: '0', ledgerPoints: 0, cancellations: { count: 1, points: 40, minor: '80000' },
    });
    // The CSV says the same figures, the cancellations in columns of their own headed in the reader's language.
    const report = (await call(ws, 'GET', '/api/loyalty/partner-settlements', undefined, { role: 'finance' })).body;
    const headers = {
      fa: ['خرج‌های لغوشده', 'امتیاز لغوشده', 'لغوشده (کم‌شده از بدهی ما)', 'بدهی ما', 'خالص (پرداخت ما)'],
      ar: ['الاستبدالات الملغاة', 'النقاط الملغاة', 'الملغى (مخصوم مما علينا)', 'مستحق علينا', 'الصافي (ندفعه)'],
      en: ['Redemptions cancelled', 'Points cancelled', 'Cancelled (off what we owe)', 'We owe', 'Net (we pay)'],
    } as const;
    for (const lang of ['fa', 'ar', 'en'] as const) {
      const csv = await call(ws, 'GET', `/api/loyalty/partner-settlements.csv?period=${report.period}&lang=${lang}`, undefined, { role: 'finance' });
      expect(csv.status).toBe(200);
      const [head, ...body] = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((r: string) => r.split(','));
      const cinema = body.find((r: string[]) => r[0] === (lang === 'en' ? 'Azadi Cinema' : 'سینما آزادی'))!;
      const cell = (name: string) => cinema[head!.indexOf(name)];
      const [count, points, minor, owes, net] = headers[lang];
      expect([cell(count), cell(points), cell(minor)]).toEqual([String(line.cancellations.count), String(line.cancellations.points), line.cancellations.minor]);
      expect([cell(owes), cell(net)]).toEqual([line.workspaceOwesMinor, line.netMinor]);
      // Reconciles: what was billed to us less what was cancelled is what we owe.
      expect(BigInt(cell(owes)!) + BigInt(cell(minor)!)).toBe(80_000n);
    }

    const { rows } = await t.database.pool.query(`SELECT action, target_id, details FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty.partner_redemption.cancelled'`, [ws.tenantId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ target_id: String(redemptionId), details: { reversalEntryId: cancelled.body.id, partnerId, offerId, points: 40, amountMinor: '80000' } });
  });

  it('two cancels at once: exactly one succeeds, one stock unit comes back', async () => {
    const ws = await workspace();
    const { offerId } = await cinemaWithTicket(ws, 3);
    const customer = await createCustomer(t, ws);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 100, reason: 'هدیه', externalId: ext('gift') })).status).toBe(201);
    const redeemed = await call(ws, 'POST', `/api/loyalty/partner-offers/${offerId}/redemptions`, { customerId: customer.id, externalId: ext('ticket') });
    expect(redeemed.status).toBe(201);
    const url = `/api/loyalty/entries/${redeemed.body.entry.id}/reversal`;
    const answers = await Promise.all([1, 2].map((n) => postOverSocket(t, base, ws, url, { reason: 'لغو' }, { 'idempotency-key': `race-${n}` })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('entry_already_reversed');
    expect(await stockLeft(ws, offerId)).toBe(3);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body).toMatchObject({ available: 100 });
  });

  it('refuses one whose settlement month has closed and points to a partner correction, writing nothing', async () => {
    const ws = await workspace();
    const { offerId } = await cinemaWithTicket(ws, null);
    const customer = await createCustomer(t, ws);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 100, reason: 'هدیه', externalId: ext('gift') })).status).toBe(201);
    // Redeemed 40 days ago: in a month (of any calendar) that has ended.
    const then = new Date(Date.now() - 40 * 86_400_000);
    const old = await t.database.db.transaction((tx) => redeemPartnerOffer(tx, { tenantId: ws.tenantId, source: 'system:test', now: then }, offerId, { customerId: customer.id, externalId: ext('ticket') }));
    const entries = async () => Number((await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1`, [ws.tenantId])).rows[0].n);
    const before = await entries();
    const refused = await cancel(ws, old.transaction.entry.id);
    expect([refused.status, refused.body.code], refused.text).toEqual([409, 'partner_redemption_settled']);
    expect(refused.body.detail).toMatch(/اصلاحیه/);
    expect(await entries()).toBe(before);
    for (const lang of ['ar', 'en']) {
      const localised = await cancel(ws, old.transaction.entry.id, { headers: { 'idempotency-key': ext('cancel'), 'accept-language': lang } });
      expect(localised.body.detail).toMatch(lang === 'ar' ? /تصحيح/ : /correction/);
    }
  });

  it("frees the partner's monthly redeem cap in the month cancelled: the next redemption is accepted and the partner's month shows less redeemed", async () => {
    const ws = await workspace();
    const partner = await call(ws, 'POST', '/api/loyalty/partners', {
      name: { fa: 'سینما آزادی', en: 'Azadi Cinema' }, billingModel: 'at_redemption', pricePerPointMinor: '2000', monthlyRedeemCap: 80,
    });
    expect(partner.status, JSON.stringify(partner.body)).toBe(201);
    const offer = await call(ws, 'POST', `/api/loyalty/partners/${partner.body.id}/offers`, { name: { fa: 'بلیت رایگان' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 30 });
    const customer = await createCustomer(t, ws);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 500, reason: 'هدیه', externalId: ext('gift') })).status).toBe(201);
    const redeem = () => call(ws, 'POST', `/api/loyalty/partner-offers/${offer.body.id}/redemptions`, { customerId: customer.id, externalId: ext('ticket') });
    const thisMonth = async () => (await call(ws, 'GET', `/api/loyalty/partners/${partner.body.id}`)).body.thisMonth;
    const first = await redeem();
    expect((await redeem()).status).toBe(201);
    expect(await thisMonth()).toEqual({ earned: 0, redeemed: 80 });
    const refused = await redeem();
    expect([refused.status, refused.body.code]).toEqual([409, 'partner_redeem_cap_reached']);

    expect((await cancel(ws, first.body.entry.id)).status).toBe(201);
    expect(await thisMonth()).toEqual({ earned: 0, redeemed: 40 });
    const next = await redeem();
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(await thisMonth()).toEqual({ earned: 0, redeemed: 80 });
    expect((await redeem()).body.code).toBe('partner_redeem_cap_reached');
    // A change of terms recounts the month from the entries: the cancelled one still does not count.
    expect((await call(ws, 'PATCH', `/api/loyalty/partners/${partner.body.id}`, { monthlyRedeemCap: 80 })).status).toBe(200);
    expect((await redeem()).body.code).toBe('partner_redeem_cap_reached');
    expect(await thisMonth()).toEqual({ earned: 0, redeemed: 80 });
  });

  it("a cancellation of an earlier month's redemption leaves this month's counter alone", async () => {
    const ws = await workspace();
    // Billed at earning: its redemptions are not billed, so one of an ended month may still be reversed.
    const partner = await call(ws, 'POST', '/api/loyalty/partners', {
      name: { fa: 'کافه نادری' }, billingModel: 'at_earning', pricePerPointMinor: '1000', monthlyRedeemCap: 80,
    });
    expect(partner.status, JSON.stringify(partner.body)).toBe(201);
    const offer = await call(ws, 'POST', `/api/loyalty/partners/${partner.body.id}/offers`, { name: { fa: 'قهوه' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 30 });
    const customer = await createCustomer(t, ws);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 500, reason: 'هدیه', externalId: ext('gift') })).status).toBe(201);
    const then = new Date(Date.now() - 40 * 86_400_000);
    const old = await t.database.db.transaction((tx) => redeemPartnerOffer(tx, { tenantId: ws.tenantId, source: 'system:test', now: then }, offer.body.id, { customerId: customer.id, externalId: ext('coffee') }));
    const redeem = () => call(ws, 'POST', `/api/loyalty/partner-offers/${offer.body.id}/redemptions`, { customerId: customer.id, externalId: ext('coffee') });
    expect((await redeem()).status).toBe(201);
    expect((await redeem()).status).toBe(201);
    // What each month's room under the cap (80) says was redeemed.
    const counters = async () => (await t.database.pool.query(
      `SELECT 80 - sum(room)::int AS redeemed FROM loyalty_partner_cap_stripes WHERE tenant_id = $1 AND partner_id = $2 AND direction = 'redeem' GROUP BY period_start ORDER BY period_start`,
      [ws.tenantId, partner.body.id],
    )).rows.map((r) => r.redeemed);
    expect(await counters()).toEqual([40, 80]);

    expect((await cancel(ws, old.transaction.entry.id)).status).toBe(201);
    // The old month's counter gives its 40 back; this month's stays full.
    expect(await counters()).toEqual([0, 80]);
    expect((await call(ws, 'GET', `/api/loyalty/partners/${partner.body.id}`)).body.thisMonth).toEqual({ earned: 0, redeemed: 80 });
    expect((await redeem()).body.code).toBe('partner_redeem_cap_reached');
  });

  it("an earn at a partner taken back frees the partner's monthly earn cap too", async () => {
    const ws = await workspace();
    // Billed at redemption: its earns are the workspace's own, so staff may take one back.
    const partner = await call(ws, 'POST', '/api/loyalty/partners', { name: { fa: 'سینما آزادی' }, billingModel: 'at_redemption', pricePerPointMinor: '2000', monthlyEarnCap: 50 });
    expect(partner.status, JSON.stringify(partner.body)).toBe(201);
    const customer = await createCustomer(t, ws);
    const earn = (points: number) => call(ws, 'POST', `/api/loyalty/partners/${partner.body.id}/earnings`, { customerId: customer.id, points, externalId: ext('pos') });
    const first = await earn(50);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await earn(10)).body.code).toBe('partner_earn_cap_reached');
    const reversed = await call(ws, 'POST', `/api/loyalty/entries/${first.body.entry.id}/reversal`, { reason: 'ثبت اشتباه' }, { headers: { 'idempotency-key': ext('undo') } });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    expect((await call(ws, 'GET', `/api/loyalty/partners/${partner.body.id}`)).body.thisMonth).toEqual({ earned: 0, redeemed: 0 });
    expect((await earn(10)).status).toBe(201);
  });
});

