import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, recordOrder } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced, expectPartnerPayableMatchesBills } from '../../../test/loyalty-ledger.ts';
import { redeemPartnerOffer } from './partners.service.ts';

// Coalition partners over the API on a real PostgreSQL: billing at earning and at redemption
// through partner_payable, offers unlocked by spend, monthly caps under concurrency, many members
// redeeming at one partner at once, and the settlement against the ledger's own postings.

let t: TestApp;
let base: string;

beforeAll(async () => {
  // 30 concurrent requests and a transaction held open beside them.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '40' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const touched = new Map<string, TestWorkspace>();
afterEach(async () => {
  for (const ws of touched.values()) {
    await expectLedgerBalanced(t, ws.tenantId);
    await expectPartnerPayableMatchesBills(t, ws.tenantId);
    const { rows } = await t.database.pool.query(`
      SELECT count(*)::int AS unexplained FROM loyalty_partner_entries pe WHERE pe.tenant_id = $1 AND NOT EXISTS (
        SELECT 1 FROM loyalty_entries e WHERE e.tenant_id = pe.tenant_id AND e.id = pe.entry_id AND e.kind = pe.direction AND e.customer_id = pe.customer_id)`,
    [ws.tenantId]);
    expect(rows[0].unexplained, 'partner entries without their entry').toBe(0);
    const verify = await call(ws, 'GET', '/api/loyalty/verify');
    expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);
  }
  touched.clear();
});

type Role = keyof TestWorkspace['keys'];
interface Answer {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers, read as the tests need
  type: string;
  text: string;
}

async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  touched.set(ws.tenantId, ws);
  return ws;
}

async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, options: { role?: Role; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await t.app.inject({
    method, url, headers: { ...t.auth(ws.keys[options.role ?? 'manager']), ...options.headers }, ...(payload === undefined ? {} : { payload: payload as object }),
  });
  const json = String(res.headers['content-type']).includes('json');
  return { status: res.statusCode, body: json && res.body ? res.json() : {}, type: String(res.headers['content-type']), text: res.body };
}

/** Over a real socket: concurrent requests race as in production. */
async function http(ws: TestWorkspace, url: string, payload: unknown): Promise<Answer> {
  const res = await fetch(`${base}${url}`, { method: 'POST', headers: { ...t.auth(ws.keys.manager), 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Answer['body'], type: res.headers.get('content-type') ?? '', text };
}

let serial = 0;
const ext = (what: string) => `${what}-${++serial}`;

async function earn(ws: TestWorkspace, customerId: string, points: number) {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { points, reason: 'خرید', externalId: ext('order') });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function member(ws: TestWorkspace, points: number) {
  const customer = await createCustomer(t, ws);
  if (points > 0) await earn(ws, customer.id, points);
  return customer;
}

const partnerBody = (over: Record<string, unknown> = {}) => ({
  name: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' }, contact: { person: 'مریم احمدی', phone: '+982188888888', email: 'sales@azadi.example' },
  billingModel: 'at_redemption', pricePerPointMinor: '2000', ...over,
});

async function partner(ws: TestWorkspace, over: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', '/api/loyalty/partners', partnerBody(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function offer(ws: TestWorkspace, partnerId: string, over: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', `/api/loyalty/partners/${partnerId}/offers`, { name: { fa: 'بلیت رایگان', en: 'Free ticket' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 365, ...over });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const redeem = (ws: TestWorkspace, offerId: string, customerId: string, externalId = ext('ticket')) =>
  call(ws, 'POST', `/api/loyalty/partner-offers/${offerId}/redemptions`, { customerId, externalId });
const earnAt = (ws: TestWorkspace, partnerId: string, customerId: string, points: number, externalId = ext('receipt')) =>
  call(ws, 'POST', `/api/loyalty/partners/${partnerId}/earnings`, { customerId, points, externalId });

/** The partner's postings to partner_payable in [from, to), summed straight from the ledger's tables. */
async function postedToPartner(tenantId: string, partnerId: string, from: string, to: string): Promise<number> {
  const { rows } = await t.database.pool.query(`
    SELECT coalesce(sum(p.amount), 0)::bigint AS n FROM loyalty_postings p
    JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id AND a.kind = 'partner_payable'
    JOIN loyalty_entries e ON e.tenant_id = p.tenant_id AND e.id = p.entry_id
    WHERE p.tenant_id = $1 AND e.created_at >= $3 AND e.created_at < $4
      AND e.id IN (SELECT entry_id FROM loyalty_partner_entries WHERE tenant_id = $1 AND partner_id = $2)`, [tenantId, partnerId, from, to]);
  return Number(rows[0].n);
}

describe('partners', () => {
  it('keeps a catalogue of partners by role, audited, with garbage refused and other workspaces kept out', async () => {
    const ws = await workspace();
    expect((await call(ws, 'POST', '/api/loyalty/partners', partnerBody(), { role: 'agent' })).status).toBe(403);
    const created = await partner(ws, { monthlyRedeemCap: 500 });
    expect(created).toMatchObject({ ...partnerBody(), currency: 'IRR', monthlyEarnCap: null, monthlyRedeemCap: 500, active: true, thisMonth: { earned: 0, redeemed: 0 } });
    expect((await call(ws, 'GET', `/api/loyalty/partners/${created.id}`, undefined, { role: 'analyst' })).body).toEqual(created);
    // An IRR price past a double's exact range stays exact.
    const changed = await call(ws, 'PATCH', `/api/loyalty/partners/${created.id}`, { pricePerPointMinor: '900000000000000001', monthlyRedeemCap: null });
    expect(changed.body).toMatchObject({ pricePerPointMinor: '900000000000000001', monthlyRedeemCap: null });
    expect((await call(ws, 'PATCH', `/api/loyalty/partners/${created.id}`, { active: false }, { role: 'agent' })).status).toBe(403);
    const { rows } = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY id`, [ws.tenantId, created.id]);
    expect(rows.map((r) => r.action)).toEqual(['loyalty.partner.created', 'loyalty.partner.updated']);

    for (const bad of [
      partnerBody({ pricePerPointMinor: '12.5' }), partnerBody({ pricePerPointMinor: 2000 }), partnerBody({ pricePerPointMinor: '-1' }), partnerBody({ billingModel: 'sometimes' }),
      partnerBody({ monthlyEarnCap: 0 }), partnerBody({ name: {} }), partnerBody({ extra: 1 }), partnerBody({ contact: { email: 'not an address' } }),
    ]) {
      const res = await call(ws, 'POST', '/api/loyalty/partners', bad, { headers: { 'accept-language': 'ar' } });
      expect([res.status, res.type], JSON.stringify(bad)).toEqual([400, expect.stringContaining('application/problem+json')]);
      expect(res.body.detail).toMatch(/[\u0600-\u06FF]/);
    }
    const badOffer = await call(ws, 'POST', `/api/loyalty/partners/${created.id}/offers`, { name: { en: 'x' }, pointsCost: 0, minSpendMinor: 'a lot', spendWindowDays: 0 });
    expect([badOffer.status, badOffer.body.code]).toEqual([400, 'validation_failed']);
    expect((await call(ws, 'GET', '/api/loyalty/partners')).body.items).toHaveLength(1);

    const other = await workspace();
    expect((await call(other, 'GET', `/api/loyalty/partners/${created.id}`)).status).toBe(404);
    expect((await call(other, 'PATCH', `/api/loyalty/partners/${created.id}`, { active: false })).status).toBe(404);
    expect((await call(other, 'GET', '/api/loyalty/partners')).body.items).toEqual([]);
    const stranger = await member(other, 100);
    expect((await earnAt(other, created.id, stranger.id, 10)).status).toBe(404);
    // A customer of another workspace cannot earn at this one's partner.
    expect((await earnAt(ws, created.id, stranger.id, 10)).status).toBe(404);
  });

  it('bills each way by the partner\'s model, and the settlement reconciles to the ledger\'s postings (report and CSV)', async () => {
    const ws = await workspace();
    const buyer = await partner(ws, { name: { fa: 'فروشگاه کتاب', en: 'Book shop' }, billingModel: 'at_earning', pricePerPointMinor: '1500' });
    const cinema = await partner(ws, { billingModel: 'at_redemption', pricePerPointMinor: '2000' });
    const books = await offer(ws, buyer.id, { pointsCost: 30 });
    const ticket = await offer(ws, cinema.id, { pointsCost: 40 });
    const customer = await member(ws, 0);

    const atShop = await earnAt(ws, buyer.id, customer.id, 100);
    expect(atShop.status, JSON.stringify(atShop.body)).toBe(201);
    expect(atShop.body).toMatchObject({ partnerId: buyer.id, direction: 'earn', points: 100, billed: true, pricePerPointMinor: '1500', amountMinor: '150000', currency: 'IRR' });
    expect(atShop.body.entry.postings).toEqual(expect.arrayContaining([
      { account: 'partner_payable', customerId: null, unit: 'points', amount: -100 }, { account: 'available', customerId: customer.id, unit: 'points', amount: 100 },
    ]));
    const atCinema = await earnAt(ws, cinema.id, customer.id, 50);
    expect(atCinema.body).toMatchObject({ billed: false, amountMinor: '0' });
    expect(atCinema.body.entry.postings).toEqual(expect.arrayContaining([{ account: 'issuance', customerId: null, unit: 'points', amount: -50 }]));

    const bookRedeemed = await redeem(ws, books.id, customer.id);
    expect(bookRedeemed.status, JSON.stringify(bookRedeemed.body)).toBe(201);
    expect(bookRedeemed.body).toMatchObject({ direction: 'redeem', offerId: books.id, points: 30, billed: false, amountMinor: '0' });
    expect(bookRedeemed.body.entry.postings).toEqual([
      { account: 'available', customerId: customer.id, unit: 'points', amount: -30 }, { account: 'redemptions', customerId: null, unit: 'points', amount: 30 },
    ]);
    const ticketRedeemed = await redeem(ws, ticket.id, customer.id);
    expect(ticketRedeemed.body).toMatchObject({ billed: true, points: 40, amountMinor: '80000' });
    expect(ticketRedeemed.body.entry).toMatchObject({ kind: 'redeem', points: { available: -40, pending: 0, qualifying: 0 } });
    expect(ticketRedeemed.body.entry.postings).toEqual([
      { account: 'available', customerId: customer.id, unit: 'points', amount: -40 }, { account: 'partner_payable', customerId: null, unit: 'points', amount: 40 },
    ]);
    // A price change applies from now on; what was billed keeps its price.
    await call(ws, 'PATCH', `/api/loyalty/partners/${cinema.id}`, { pricePerPointMinor: '2500' });
    expect((await redeem(ws, ticket.id, customer.id)).body).toMatchObject({ amountMinor: '100000' });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body.available).toBe(40);

    const report = await call(ws, 'GET', '/api/loyalty/partner-settlements', undefined, { role: 'finance' });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body).toMatchObject({ calendar: 'persian', currency: 'IRR', period: expect.stringMatching(/^14\d\d-\d\d$/) });
    const lines = Object.fromEntries(report.body.items.map((l: { partnerId: string }) => [l.partnerId, l]));
    expect(lines[buyer.id]).toMatchObject({
      billingModel: 'at_earning', earnedPoints: 100, redeemedPoints: 30, partnerOwesPoints: 100, partnerOwesMinor: '150000', workspaceOwesPoints: 0, workspaceOwesMinor: '0',
      netMinor: '-150000', ledgerPoints: -100,
    });
    expect(lines[cinema.id]).toMatchObject({
      billingModel: 'at_redemption', earnedPoints: 50, redeemedPoints: 80, partnerOwesPoints: 0, partnerOwesMinor: '0', workspaceOwesPoints: 80, workspaceOwesMinor: '180000',
      netMinor: '180000', ledgerPoints: 80,
    });
    for (const p of [buyer, cinema]) {
      const posted = await postedToPartner(ws.tenantId, p.id, report.body.from, report.body.to);
      expect(lines[p.id].ledgerPoints, 'the report against a sum over the postings').toBe(posted);
      expect(lines[p.id].workspaceOwesPoints - lines[p.id].partnerOwesPoints).toBe(posted);
    }
    // The same month named; another month holds nothing.
    expect((await call(ws, 'GET', `/api/loyalty/partner-settlements?period=${report.body.period}`, undefined, { role: 'finance' })).body).toEqual(report.body);
    const [year, month] = report.body.period.split('-').map(Number);
    const earlier = `${month === 1 ? year - 1 : year}-${String(month === 1 ? 12 : month - 1).padStart(2, '0')}`;
    const before = (await call(ws, 'GET', `/api/loyalty/partner-settlements?period=${earlier}`, undefined, { role: 'finance' })).body;
    expect(before.items.map((l: { ledgerPoints: number; earnedPoints: number }) => [l.ledgerPoints, l.earnedPoints])).toEqual([[0, 0], [0, 0]]);
    expect(before.to).toBe(report.body.from);

    const csv = await call(ws, 'GET', `/api/loyalty/partner-settlements.csv?period=${report.body.period}&lang=fa`, undefined, { role: 'finance' });
    expect([csv.status, csv.type]).toEqual([200, expect.stringContaining('text/csv')]);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const rows = csv.text.slice(1).trim().split(/\r?\n/);
    expect(rows[0]).toContain('بدهی شریک');
    expect(rows).toEqual(expect.arrayContaining([expect.stringContaining('فروشگاه کتاب,هنگام کسب,100,30,100,150000,0,0,0,0,0,-150000,IRR')]));
    expect(rows).toEqual(expect.arrayContaining([expect.stringContaining('سینما آزادی,هنگام خرج,50,80,0,0,80,180000,0,0,0,180000,IRR')]));
    const english = await call(ws, 'GET', `/api/loyalty/partner-settlements.csv?lang=en`, undefined, { role: 'finance' });
    expect(english.text).toContain('Partner owes');
    expect(english.text).toContain('Azadi Cinema');
    expect((await call(ws, 'GET', '/api/loyalty/partner-settlements', undefined, { role: 'agent' })).status).toBe(403);
    for (const period of ['1404-13', '14-01', 'x']) expect((await call(ws, 'GET', `/api/loyalty/partner-settlements?period=${period}`, undefined, { role: 'finance' })).status).toBe(400);
    const nowhere = await call(ws, 'GET', '/api/loyalty/partner-settlements?period=0001-01', undefined, { role: 'finance', headers: { 'accept-language': 'fa' } });
    expect([nowhere.status, nowhere.body.code]).toEqual([422, 'period_invalid']);
  });

  it('unlocks an offer only above the spend threshold over its window', async () => {
    const ws = await workspace();
    const cinema = await partner(ws);
    const gold = await offer(ws, cinema.id, { minSpendMinor: '5000000', spendWindowDays: 365, pointsCost: 20 });
    const customer = await member(ws, 100);
    await recordOrder(t, ws, customer.id, { amountMinor: 3_000_000 });
    // Spend before the window does not count.
    await recordOrder(t, ws, customer.id, { amountMinor: 9_000_000, placedAt: new Date(Date.now() - 400 * 86_400_000) });
    const mine = await call(ws, 'GET', `/api/loyalty/members/${customer.id}/partner-offers`);
    expect(mine.body.items).toEqual([expect.objectContaining({ id: gold.id, spendMinor: '3000000', unlocked: false, partnerName: partnerBody().name })]);
    const locked = await redeem(ws, gold.id, customer.id);
    expect([locked.status, locked.body.code]).toEqual([409, 'partner_offer_locked']);
    // The amounts said as money in the workspace's unit (IRR shown in tomans) and the reader's digits.
    const detail = async (offerId: string, lang: string) =>
      (await call(ws, 'POST', `/api/loyalty/partner-offers/${offerId}/redemptions`, { customerId: customer.id, externalId: 'x1' }, { headers: { 'accept-language': lang } })).body.detail;
    expect(await detail(gold.id, 'fa')).toBe('این پیشنهاد برای اعضایی است که در ۳۶۵ روز گذشته دست‌کم ۵۰۰٬۰۰۰ تومان خرید کرده‌اند؛ خرید این عضو ۳۰۰٬۰۰۰ تومان است. امتیازی خرج نشد.');
    expect(await detail(gold.id, 'ar')).toBe('هذا العرض متاح للأعضاء الذين أنفقوا ٥٠٠٬٠٠٠ تومان على الأقل في آخر ٣٦٥ يومًا؛ أنفق هذا العضو ٣٠٠٬٠٠٠ تومان. لم تُستبدل أي نقاط.');
    expect(await detail(gold.id, 'en')).toBe('This offer opens to members who spent at least 500,000 tomans in the last 365 days; this member spent 300,000 tomans. No points were spent.');
    // A threshold past 2^53 rials keeps every digit (1 toman = 10 rials: a tenth shown).
    const vast = await offer(ws, cinema.id, { minSpendMinor: '123456789012345671', spendWindowDays: 365, pointsCost: 20 });
    expect(await detail(vast.id, 'fa')).toContain('دست‌کم ۱۲٬۳۴۵٬۶۷۸٬۹۰۱٬۲۳۴٬۵۶۷٫۱ تومان');
    expect(await detail(vast.id, 'ar')).toContain('أنفقوا ١٢٬٣٤٥٬٦٧٨٬٩٠١٬٢٣٤٬٥٦٧٫١ تومان');
    await call(ws, 'PATCH', `/api/loyalty/partner-offers/${vast.id}`, { active: false });

    await recordOrder(t, ws, customer.id, { amountMinor: 2_000_000 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/partner-offers`)).body.items[0]).toMatchObject({ spendMinor: '5000000', unlocked: true });
    const open = await redeem(ws, gold.id, customer.id);
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body.available).toBe(80);

    await call(ws, 'PATCH', `/api/loyalty/partner-offers/${gold.id}`, { active: false });
    expect((await redeem(ws, gold.id, customer.id)).body.code).toBe('partner_offer_unavailable');
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/partner-offers`)).body.items).toEqual([]);
    const poor = await member(ws, 0);
    const cheap = await offer(ws, cinema.id, { pointsCost: 10 });
    const broke = await redeem(ws, cheap.id, poor.id);
    expect([broke.status, broke.body.code]).toEqual([409, 'insufficient_points']);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_partner_entries WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].n).toBe(1);
  });

  it('offers an offer only between its first and last instant: members see it, the counter redeems it, nowhere else', async () => {
    const ws = await workspace();
    const cinema = await partner(ws);
    const customer = await member(ws, 200);
    const day = 86_400_000;
    const at = (days: number) => new Date(Date.now() + days * day).toISOString();
    // Garbage and a window the wrong way round are refused, on create and on a change of one end alone.
    const backwards = await call(ws, 'POST', `/api/loyalty/partners/${cinema.id}/offers`, { name: { fa: 'x' }, pointsCost: 5, minSpendMinor: '0', spendWindowDays: 30, validFrom: at(2), validUntil: at(1) });
    expect(backwards.status, backwards.text).toBe(400);
    expect(backwards.text).toContain('reward_window_invalid');
    expect(backwards.text).toContain('validUntil');
    const notADate = await call(ws, 'POST', `/api/loyalty/partners/${cinema.id}/offers`, { name: { fa: 'x' }, pointsCost: 5, minSpendMinor: '0', spendWindowDays: 30, validFrom: 'فردا' });
    expect(notADate.status).toBe(400);

    const festival = { validFrom: at(2), validUntil: at(9) };
    const later = await offer(ws, cinema.id, { name: { fa: 'جشنواره' }, ...festival });
    expect({ validFrom: later.validFrom, validUntil: later.validUntil }).toEqual(festival);
    const over = await offer(ws, cinema.id, { name: { fa: 'تمام‌شده' }, validFrom: at(-9), validUntil: at(-1) });
    const now = await offer(ws, cinema.id, { name: { fa: 'همین حالا' }, validUntil: at(3) });
    const oneEnd = await call(ws, 'PATCH', `/api/loyalty/partner-offers/${now.id}`, { validFrom: at(4) });
    // Each end is well formed; only together with the stored end is the window backwards (422).
    expect(oneEnd.status, oneEnd.text).toBe(422);
    expect(oneEnd.text).toContain('reward_window_invalid');
    expect((await call(ws, 'GET', `/api/loyalty/partner-offers/${now.id}`)).body.validFrom).toBeNull();

    // Only the offer inside its window: in the member's standing and at the counter.
    const mine = await call(ws, 'GET', `/api/loyalty/members/${customer.id}/partner-offers`);
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([now.id]);
    expect(mine.body.items[0].validUntil).toBe(now.validUntil);
    for (const closed of [later, over]) {
      const refused = await redeem(ws, closed.id, customer.id);
      expect([refused.status, refused.body.code]).toEqual([409, 'partner_offer_unavailable']);
    }
    expect((await redeem(ws, now.id, customer.id)).status).toBe(201);
    // The counter as it will be on the festival's third day, and after its last.
    const inside = await t.database.db.transaction((tx) => redeemPartnerOffer(tx, { tenantId: ws.tenantId, source: 'system:test', now: new Date(Date.now() + 3 * day) }, later.id, { customerId: customer.id, externalId: ext('fest') }));
    expect(inside.created).toBe(true);
    await expect(t.database.db.transaction((tx) => redeemPartnerOffer(tx, { tenantId: ws.tenantId, source: 'system:test', now: new Date(Date.now() + 10 * day) }, later.id, { customerId: customer.id, externalId: ext('fest') })))
      .rejects.toMatchObject({ status: 409, code: 'partner_offer_unavailable' });
    // Cleared: on offer from now on, with no end.
    const cleared = await call(ws, 'PATCH', `/api/loyalty/partner-offers/${later.id}`, { validFrom: null, validUntil: null });
    expect([cleared.status, cleared.body.validFrom, cleared.body.validUntil]).toEqual([200, null, null]);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/partner-offers`)).body.items.map((o: { id: string }) => o.id).sort()).toEqual([later.id, now.id].sort());
  });

  it('earns and redeems once per key; conflicts and unkeyed writes are refused with nothing written', async () => {
    const ws = await workspace();
    const shop = await partner(ws, { billingModel: 'at_earning' });
    const gift = await offer(ws, shop.id, { pointsCost: 10 });
    const customer = await member(ws, 0);
    const first = await earnAt(ws, shop.id, customer.id, 70, 'pos-991');
    expect(first.status).toBe(201);
    const again = await call(ws, 'POST', `/api/loyalty/partners/${shop.id}/earnings`, { customerId: customer.id, points: 70, externalId: 'pos-991' }, { role: 'agent' });
    expect([again.status, again.body.entry.id]).toEqual([200, first.body.entry.id]);
    const conflict = await earnAt(ws, shop.id, customer.id, 71, 'pos-991');
    expect([conflict.status, conflict.body.code]).toEqual([409, 'external_id_conflict']);
    const unkeyed = await call(ws, 'POST', `/api/loyalty/partners/${shop.id}/earnings`, { customerId: customer.id, points: 5 });
    expect([unkeyed.status, unkeyed.body.code]).toEqual([400, 'idempotency_key_required']);
    const headerKeyed = await call(ws, 'POST', `/api/loyalty/partners/${shop.id}/earnings`, { customerId: customer.id, points: 5 }, { headers: { 'idempotency-key': 'k-1' } });
    expect(headerKeyed.status).toBe(201);
    const r1 = await redeem(ws, gift.id, customer.id, 'till-7');
    const r2 = await redeem(ws, gift.id, customer.id, 'till-7');
    expect([r1.status, r2.status, r2.body.entry.id]).toEqual([201, 200, r1.body.entry.id]);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}`)).body.available).toBe(65);
    expect((await call(ws, 'GET', `/api/loyalty/partners/${shop.id}`)).body.thisMonth).toEqual({ earned: 75, redeemed: 10 });

    for (const garbage of [{ customerId: customer.id, points: -5, externalId: 'g1' }, { customerId: 'nope', points: 5, externalId: 'g2' }, { customerId: customer.id, points: 1.5, externalId: 'g3' }, ['not', 'an', 'object']]) {
      const res = await call(ws, 'POST', `/api/loyalty/partners/${shop.id}/earnings`, garbage);
      expect([res.status, res.type], JSON.stringify(garbage)).toEqual([400, expect.stringContaining('application/problem+json')]);
    }
    expect((await call(ws, 'POST', `/api/loyalty/partners/${shop.id}/earnings`, { customerId: customer.id, points: 5, externalId: 'g4' }, { role: 'analyst' })).status).toBe(403);
    await call(ws, 'PATCH', `/api/loyalty/partners/${shop.id}`, { active: false });
    const closed = await earnAt(ws, shop.id, customer.id, 5);
    expect([closed.status, closed.body.code]).toEqual([409, 'partner_inactive']);
    // A replay still answers after the partner closed.
    expect((await earnAt(ws, shop.id, customer.id, 70, 'pos-991')).status).toBe(200);
    expect((await redeem(ws, gift.id, customer.id)).body.code).toBe('partner_offer_unavailable');
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_partner_entries WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].n).toBe(3);

    // The generic reversal would take the points of an earn billed to the partner back and leave the
    // partner billed: refused, nothing written. (This partner bills at earning: its offer's redemption
    // was booked against redemptions, no bill, and may be reversed like any other.)
    const entries = async () => Number((await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1`, [ws.tenantId])).rows[0].n);
    const count = await entries();
    for (const entryId of [first.body.entry.id]) {
      const reversed = await call(ws, 'POST', `/api/loyalty/entries/${entryId}/reversal`, { reason: 'mistake' }, { headers: { 'idempotency-key': `rev-${entryId}`, 'accept-language': 'fa' } });
      expect([reversed.status, reversed.body.code], reversed.text).toEqual([409, 'entry_partner_billed']);
      expect(reversed.body.detail ?? reversed.body.title).toMatch(/شریک/);
    }
    expect(await entries()).toBe(count);
  });

  it('holds monthly caps exactly under 20 concurrent requests at the edge, each way', async () => {
    const ws = await workspace();
    const cinema = await partner(ws, { monthlyRedeemCap: 100, monthlyEarnCap: 1_000 });
    const ticket = await offer(ws, cinema.id, { pointsCost: 10 });
    const members = await Promise.all(Array.from({ length: 25 }, () => createCustomer(t, ws)));
    for (const m of members) await earn(ws, m.id, 10);
    for (const m of members.slice(0, 5)) expect((await redeem(ws, ticket.id, m.id)).status).toBe(201);
    // 50 of 100 used: 5 of the 20 fit.
    const racing = await Promise.all(members.slice(5).map((m, n) => http(ws, `/api/loyalty/partner-offers/${ticket.id}/redemptions`, { customerId: m.id, externalId: `race-${n}` })));
    expect(racing.filter((r) => r.status === 201)).toHaveLength(5);
    for (const r of racing.filter((a) => a.status !== 201)) expect([r.status, r.body.code, r.type]).toEqual([409, 'partner_redeem_cap_reached', expect.stringContaining('problem+json')]);
    expect((await call(ws, 'GET', `/api/loyalty/partners/${cinema.id}`)).body.thisMonth.redeemed).toBe(100);

    const earning = await Promise.all(members.slice(0, 20).map((m, n) => http(ws, `/api/loyalty/partners/${cinema.id}/earnings`, { customerId: m.id, points: 60, externalId: `visit-${n}` })));
    expect(earning.filter((r) => r.status === 201)).toHaveLength(16);
    for (const r of earning.filter((a) => a.status !== 201)) expect(r.body.code).toBe('partner_earn_cap_reached');
    const over = await call(ws, 'POST', `/api/loyalty/partners/${cinema.id}/earnings`, { customerId: members[0]!.id, points: 41, externalId: 'one-more' }, { headers: { 'accept-language': 'fa' } });
    expect([over.status, over.body.code]).toEqual([409, 'partner_earn_cap_reached']);
    expect(over.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect((await earnAt(ws, cinema.id, members[0]!.id, 40)).status).toBe(201);

    const { rows } = await t.database.pool.query(`
      SELECT direction, sum(points)::int AS points FROM loyalty_partner_entries WHERE tenant_id = $1 AND partner_id = $2 GROUP BY direction ORDER BY direction`,
    [ws.tenantId, cinema.id]);
    expect(rows).toEqual([{ direction: 'earn', points: 1_000 }, { direction: 'redeem', points: 100 }]);
    // Raising the cap lets more through; a cap set later counts what was earned before it.
    expect((await call(ws, 'PATCH', `/api/loyalty/partners/${cinema.id}`, { monthlyRedeemCap: 110 })).body.monthlyRedeemCap).toBe(110);
    expect((await redeem(ws, ticket.id, members[24]!.id)).status).toBe(201);
    const uncapped = await partner(ws);
    await earnAt(ws, uncapped.id, members[0]!.id, 30);
    await call(ws, 'PATCH', `/api/loyalty/partners/${uncapped.id}`, { monthlyEarnCap: 50 });
    expect((await earnAt(ws, uncapped.id, members[0]!.id, 21)).body.code).toBe('partner_earn_cap_reached');
    expect((await earnAt(ws, uncapped.id, members[0]!.id, 20)).status).toBe(201);
  });

  it('an offer with a stock: 20 concurrent redemptions against 7 left, exactly 7 succeed; a reversal gives one back; staff set it', async () => {
    const ws = await workspace();
    // Billed at earning: its offers' redemptions go to redemptions, so staff may reverse them.
    const shop = await partner(ws, { billingModel: 'at_earning' });
    const created = await offer(ws, shop.id, { pointsCost: 10, stock: 8 });
    expect([created.stock, created.stockLeft]).toEqual([8, 8]);
    const members = await Promise.all(Array.from({ length: 22 }, () => createCustomer(t, ws)));
    for (const m of members) await earn(ws, m.id, 30);
    const first = await redeem(ws, created.id, members[0]!.id);
    expect(first.status, first.text).toBe(201);

    const racing = await Promise.all(members.slice(1, 21).map((m, n) => http(ws, `/api/loyalty/partner-offers/${created.id}/redemptions`, { customerId: m.id, externalId: `stock-race-${n}` })));
    expect(racing.filter((r) => r.status === 201)).toHaveLength(7);
    for (const r of racing.filter((a) => a.status !== 201)) {
      expect([r.status, r.body.code, r.type]).toEqual([409, 'partner_offer_out_of_stock', expect.stringContaining('problem+json')]);
    }
    const redeemedBy = new Set(racing.flatMap((r, n) => (r.status === 201 ? [members[n + 1]!.id] : [])));
    for (const [n, m] of members.slice(1, 21).entries()) {
      expect((await call(ws, 'GET', `/api/loyalty/members/${m.id}`)).body.available, `member ${n}`).toBe(redeemedBy.has(m.id) ? 20 : 30);
    }
    expect((await call(ws, 'GET', `/api/loyalty/partner-offers/${created.id}`)).body).toMatchObject({ stock: 8, stockLeft: 0 });
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_partner_entries WHERE tenant_id = $1 AND offer_id = $2`, [ws.tenantId, created.id]);
    expect(rows[0].n).toBe(8);

    // Gone: refused in each language, nothing spent.
    for (const [language, script] of [['fa', /[\u0600-\u06FF]/], ['ar', /[\u0600-\u06FF]/], ['en', /^[^\u0600-\u06FF]+$/]] as const) {
      const gone = await call(ws, 'POST', `/api/loyalty/partner-offers/${created.id}/redemptions`, { customerId: members[21]!.id, externalId: `gone-${language}` }, { headers: { 'accept-language': language } });
      expect([gone.status, gone.body.code]).toEqual([409, 'partner_offer_out_of_stock']);
      expect(gone.body.detail).toMatch(script);
    }
    expect((await call(ws, 'GET', `/api/loyalty/members/${members[21]!.id}`)).body.available).toBe(30);

    // A reversal gives its unit back, once: the next member redeems it.
    const reversed = await call(ws, 'POST', `/api/loyalty/entries/${first.body.entry.id}/reversal`, { reason: 'cancelled at the till' }, { headers: { 'idempotency-key': 'rev-stock' } });
    expect(reversed.status, reversed.text).toBe(201);
    expect((await call(ws, 'GET', `/api/loyalty/partner-offers/${created.id}`)).body.stockLeft).toBe(1);
    expect((await redeem(ws, created.id, members[21]!.id)).status).toBe(201);
    expect((await redeem(ws, created.id, members[0]!.id)).body.code).toBe('partner_offer_out_of_stock');

    // Staff set the stock: never below what was redeemed and not reversed (8), audited; null is unlimited.
    const below = await call(ws, 'PATCH', `/api/loyalty/partner-offers/${created.id}`, { stock: 7 }, { headers: { 'accept-language': 'fa' } });
    expect([below.status, below.body.code]).toEqual([422, 'stock_below_taken']);
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${created.id}`, { stock: 10 })).body).toMatchObject({ stock: 10, stockLeft: 2 });
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${created.id}`, { stock: 3 }, { role: 'agent' })).status).toBe(403);
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${created.id}`, { stock: -1 })).status).toBe(400);
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${created.id}`, { stock: null })).body).toMatchObject({ stock: null, stockLeft: null });
    // An unlimited offer given a stock counts its redemptions not reversed (8) against it.
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${created.id}`, { stock: 9 })).body).toMatchObject({ stock: 9, stockLeft: 1 });
    const { rows: audit } = await t.database.pool.query(
      `SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty.partner_offer.updated' AND target_id = $2 ORDER BY id`, [ws.tenantId, created.id]);
    expect(audit.map((a) => a.details.stock)).toEqual([{ from: 8, to: 10 }, { from: 10, to: null }, { from: null, to: 9 }]);
  }, 60_000);

  it('30 members redeem one partner\'s offer at once without queueing on the partner, even beside an open redemption', async () => {
    const ws = await workspace();
    const cinema = await partner(ws, { billingModel: 'at_redemption', pricePerPointMinor: '3000' });
    const ticket = await offer(ws, cinema.id, { pointsCost: 25 });
    const members = await Promise.all(Array.from({ length: 31 }, () => createCustomer(t, ws)));
    for (const m of members) await earn(ws, m.id, 50);

    // One redemption booked and left uncommitted: it holds whatever a redemption holds until commit.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let booked = false;
    const held = t.database.db.transaction(async (tx) => {
      await redeemPartnerOffer(tx, { tenantId: ws.tenantId, source: 'system:test', now: new Date() }, ticket.id, { customerId: members[30]!.id, externalId: 'held-open' });
      booked = true;
      await gate;
    });
    const deadline = Date.now() + 30_000;
    while (!booked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(booked).toBe(true);

    try {
      const rush = Promise.all(members.slice(0, 30).map((m, n) => http(ws, `/api/loyalty/partner-offers/${ticket.id}/redemptions`, { customerId: m.id, externalId: `rush-${n}` })));
      // Were they to queue behind the open redemption (on the partner's row or account), none would answer before it commits.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the redemptions waited on the open one')), 30_000); });
      const answers = await Promise.race([rush, stuck]).finally(() => clearTimeout(timer));
      expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
      expect(new Set(answers.map((a) => a.body.entry.id)).size).toBe(30);
    } finally {
      release();
      await held;
    }
    const report = (await call(ws, 'GET', '/api/loyalty/partner-settlements', undefined, { role: 'finance' })).body;
    expect(report.items[0]).toMatchObject({ redeemedPoints: 775, workspaceOwesPoints: 775, workspaceOwesMinor: '2325000', ledgerPoints: 775 });
    expect(await postedToPartner(ws.tenantId, cinema.id, report.from, report.to)).toBe(775);
    expect((await call(ws, 'GET', '/api/loyalty/verify')).body.systemBalances).toMatchObject({ partner_payable: 775 });
  }, 60_000);
});
