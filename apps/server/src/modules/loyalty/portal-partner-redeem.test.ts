import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, recordOrder } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, memberSessionCookie, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';

// A member redeems a partner's offer from the portal (POST /me/partner-offers/:id/redemptions):
// the counter's checks (unlocked by spend, the offer's days, points net of owed, the partner's
// monthly cap), the Idempotency-Key making a second tap the same redemption, the partner's payable
// posted by its billing model and counted in the settlement, and nothing of the partner's terms in
// the answer. Over HTTP on a real PostgreSQL; after each test the ledger holds together.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);
let serial = 0;
const DAY = 86_400_000;

async function member(ws: TestWorkspace, points: number) {
  const customer = await createCustomer(t, ws);
  if (points > 0) {
    const res = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points, reason: 'خرید', externalId: `order-${++serial}` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return customer;
}

async function partner(ws: TestWorkspace, over: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', '/api/loyalty/partners', {
    name: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' }, billingModel: 'at_redemption', pricePerPointMinor: '2345', ...over,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

async function offer(ws: TestWorkspace, partnerId: string, over: Record<string, unknown> = {}) {
  const res = await call(ws, 'POST', `/api/loyalty/partners/${partnerId}/offers`, {
    name: { fa: 'بلیت رایگان', ar: 'تذكرة مجانية', en: 'Free ticket' }, pointsCost: 40, minSpendMinor: '0', spendWindowDays: 365, ...over,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

const session = (ws: TestWorkspace, customerId: string) => memberSessionCookie(t, ws, customerId);

async function redeem(ws: TestWorkspace, cookie: string | null, offerId: string, key: string | null, language = 'fa') {
  const res = await t.app.inject({
    method: 'POST', url: `/api/public/loyalty/${ws.slug}/me/partner-offers/${offerId}/redemptions`,
    headers: { 'accept-language': language, ...(cookie ? { cookie } : {}), ...(key ? { 'idempotency-key': key } : {}) },
  });
  return { status: res.statusCode, body: res.body ? res.json() : {}, text: res.body, type: String(res.headers['content-type']) };
}

const available = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body.available as number;
const partnerEntries = async (ws: TestWorkspace) => Number((await t.database.pool.query(`SELECT count(*) AS n FROM loyalty_partner_entries WHERE tenant_id = $1`, [ws.tenantId])).rows[0].n);

describe('a member redeems a partner offer from the portal', () => {
  it('takes the points once per key, posts the partner payable and shows in the settlement; no partner terms in the answer', async () => {
    const ws = await workspace();
    const cinema = await partner(ws);
    const ticket = await offer(ws, cinema.id);
    const popcorn = await offer(ws, cinema.id, { name: { fa: 'ذرت', en: 'Popcorn' }, pointsCost: 10 });
    const customer = await member(ws, 100);
    const cookie = await session(ws, customer.id);

    const first = await redeem(ws, cookie, ticket.id, 'tap-1');
    expect(first.status, first.text).toBe(201);
    expect(first.body).toEqual({
      reference: expect.stringMatching(/^[0-9]+$/), offerId: ticket.id, partnerName: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' },
      offerName: { fa: 'بلیت رایگان', ar: 'تذكرة مجانية', en: 'Free ticket' }, points: 40, at: expect.any(String), available: 60,
    });
    for (const secret of ['2345', 'billing', 'at_redemption', 'amountMinor', 'partnerId']) expect(first.text).not.toContain(secret);
    // A second tap with the same key: the same redemption, the points taken once.
    const again = await redeem(ws, cookie, ticket.id, 'tap-1');
    expect([again.status, again.body.reference]).toEqual([200, first.body.reference]);
    expect(await available(ws, customer.id)).toBe(60);
    // The same key for another offer is refused; no key at all is refused.
    expect([(await redeem(ws, cookie, popcorn.id, 'tap-1')).body.code]).toEqual(['external_id_conflict']);
    const keyless = await redeem(ws, cookie, ticket.id, null);
    expect([keyless.status, keyless.body.code]).toEqual([400, 'idempotency_key_required']);

    // The ledger entry: member available → partner_payable (at_redemption: the workspace owes the partner), by the member.
    const entry = (await call(ws, 'GET', `/api/loyalty/entries/${first.body.reference}`)).body;
    expect(entry).toMatchObject({ kind: 'redeem', customerId: customer.id, source: `member:${customer.id}` });
    expect(entry.postings).toEqual(expect.arrayContaining([
      { account: 'available', customerId: customer.id, unit: 'points', amount: -40 }, { account: 'partner_payable', customerId: null, unit: 'points', amount: 40 },
    ]));
    const report = await call(ws, 'GET', '/api/loyalty/partner-settlements', undefined, { role: 'finance' });
    expect(report.body.items.find((i: { partnerId: string }) => i.partnerId === cinema.id)).toMatchObject({
      redeemedPoints: 40, workspaceOwesPoints: 40, workspaceOwesMinor: String(40 * 2345),
    });
    // The member's history says it was a redemption.
    const history = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/history`, headers: { cookie } });
    expect(history.json().items[0]).toMatchObject({ cause: 'redeemed', points: -40 });
  });

  it('refuses with the counter\'s codes, localised, writing nothing: locked by spend, outside its days, too few points, cap used up', async () => {
    const ws = await workspace();
    const cinema = await partner(ws);
    const premiere = await offer(ws, cinema.id, { name: { fa: 'اکران ویژه', en: 'Premiere' }, minSpendMinor: '5000000', spendWindowDays: 30 });
    const later = await offer(ws, cinema.id, { validFrom: new Date(Date.now() + 2 * DAY).toISOString() });
    const dear = await offer(ws, cinema.id, { pointsCost: 500 });
    const customer = await member(ws, 100);
    const cookie = await session(ws, customer.id);

    const locked = await redeem(ws, cookie, premiere.id, 'k1');
    expect([locked.status, locked.body.code, locked.type]).toEqual([409, 'partner_offer_locked', expect.stringContaining('application/problem+json')]);
    expect(locked.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect((await redeem(ws, cookie, premiere.id, 'k1', 'en')).body.detail).toMatch(/^[^\u0600-\u06FF]+$/);
    expect((await redeem(ws, cookie, later.id, 'k2')).body.code).toBe('partner_offer_unavailable');
    const short = await redeem(ws, cookie, dear.id, 'k3', 'ar');
    expect([short.status, short.body.code]).toEqual([409, 'insufficient_points']);
    expect(short.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect(await partnerEntries(ws)).toBe(0);
    expect(await available(ws, customer.id)).toBe(100);

    // Spend over the window opens the premiere; a refused key is free to use again.
    await recordOrder(t, ws, customer.id, { amountMinor: 6_000_000 });
    const opened = await redeem(ws, cookie, premiere.id, 'k1');
    expect(opened.status, opened.text).toBe(201);

    // The partner's monthly redeem cap: 40 used of 60, the next 40 is refused.
    expect((await call(ws, 'PATCH', `/api/loyalty/partners/${cinema.id}`, { monthlyRedeemCap: 60 })).status).toBe(200);
    const capped = await redeem(ws, cookie, (await offer(ws, cinema.id)).id, 'k4');
    expect([capped.status, capped.body.code]).toEqual([409, 'partner_redeem_cap_reached']);
    expect(await available(ws, customer.id)).toBe(60);
    expect(await partnerEntries(ws)).toBe(1);
  });

  it('an offer whose stock is gone is left off the catalogue and refused, localised, with nothing spent', async () => {
    const ws = await workspace();
    const cinema = await partner(ws);
    const lastSeat = await offer(ws, cinema.id, { name: { fa: 'آخرین صندلی', en: 'Last seat' }, stock: 1 });
    const first = await member(ws, 100);
    const second = await member(ws, 100);
    const [firstCookie, secondCookie] = [await session(ws, first.id), await session(ws, second.id)];
    const listed = async (cookie: string) => (await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/catalogue`, headers: { cookie } }))
      .json().partnerOffers.map((o: { id: string }) => o.id);
    expect(await listed(secondCookie)).toEqual([lastSeat.id]);
    expect((await redeem(ws, firstCookie, lastSeat.id, 'seat-1')).status).toBe(201);
    expect(await listed(secondCookie)).toEqual([]);
    for (const language of ['fa', 'ar', 'en']) {
      const gone = await redeem(ws, secondCookie, lastSeat.id, `seat-${language}`, language);
      expect([gone.status, gone.body.code, gone.type]).toEqual([409, 'partner_offer_out_of_stock', expect.stringContaining('application/problem+json')]);
      expect(gone.body.detail).toMatch(language === 'en' ? /^[^\u0600-\u06FF]+$/ : /[\u0600-\u06FF]/);
    }
    expect(await available(ws, second.id)).toBe(100);
    // The first member's second tap with the same key is still their one redemption.
    expect((await redeem(ws, firstCookie, lastSeat.id, 'seat-1')).status).toBe(200);
    expect(await partnerEntries(ws)).toBe(1);
  });

  it('keeps to the member\'s own workspace and session', async () => {
    const ws = await workspace();
    const other = await workspace();
    const theirs = await offer(other, (await partner(other)).id);
    const customer = await member(ws, 100);
    const cookie = await session(ws, customer.id);
    expect((await redeem(ws, cookie, theirs.id, 'k')).status).toBe(404);
    expect((await redeem(other, cookie, theirs.id, 'k')).status).toBe(401);
    expect((await redeem(ws, null, theirs.id, 'k')).status).toBe(401);
    expect((await redeem(ws, cookie, 'not-a-uuid', 'k')).status).toBe(400);
    expect(await available(ws, customer.id)).toBe(100);
  });

  it('names the partner and offer of each partner line in the history, the portal and the staff API alike, read from the entry', async () => {
    const ws = await workspace();
    const cinema = await partner(ws);
    const ticket = await offer(ws, cinema.id);
    // A partner named in Persian only: every reader gets that name.
    const cafe = await partner(ws, { name: { fa: 'کافه نادری' }, billingModel: 'at_earning', pricePerPointMinor: '1000' });
    const customer = await member(ws, 100);
    const cookie = await session(ws, customer.id);
    const redeemed = await redeem(ws, cookie, ticket.id, 'tap-names');
    expect(redeemed.status, redeemed.text).toBe(201);
    const earned = await call(ws, 'POST', `/api/loyalty/partners/${cafe.id}/earnings`, { customerId: customer.id, points: 15, externalId: 'pos-1' });
    expect(earned.status, JSON.stringify(earned.body)).toBe(201);
    // Staff cancel the ticket: the reversal names what it reverses.
    const redemptionId = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items.find((e: { kind: string }) => e.kind === 'redeem').id;
    const cancelled = await call(ws, 'POST', `/api/loyalty/entries/${redemptionId}/reversal`, { reason: 'لغو' }, { headers: { 'idempotency-key': 'cancel-names' } });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);

    const ticketNames = { partnerName: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' }, offerName: { fa: 'بلیت رایگان', ar: 'تذكرة مجانية', en: 'Free ticket' } };
    const portal = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me/history`, headers: { cookie, 'accept-language': 'fa' } });
    expect(portal.statusCode, portal.body).toBe(200);
    expect(portal.json().items.map((i: { cause: string; points: number; partner: unknown }) => [i.cause, i.points, i.partner])).toEqual([
      ['correction', 40, ticketNames],
      ['order', 15, { partnerName: { fa: 'کافه نادری' }, offerName: null }],
      ['redeemed', -40, ticketNames],
      ['order', 100, null],
    ]);
    for (const secret of [cinema.id, ticket.id, '2345']) expect(portal.body).not.toContain(secret);

    const staff = await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`);
    expect(staff.status).toBe(200);
    expect(staff.body.items.map((e: { kind: string; partner: unknown }) => [e.kind, e.partner])).toEqual([
      ['reversal', { partnerId: cinema.id, offerId: ticket.id, ...ticketNames }],
      ['earn', { partnerId: cafe.id, partnerName: { fa: 'کافه نادری' }, offerId: null, offerName: null }],
      ['redeem', { partnerId: cinema.id, offerId: ticket.id, ...ticketNames }],
      ['earn', null],
    ]);
    // Named as they are named now: a renamed offer reads with its new name on the old lines.
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${ticket.id}`, { name: { fa: 'بلیت ویژه', en: 'VIP ticket' } })).status).toBe(200);
    const renamed = await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`);
    expect(renamed.body.items[2].partner.offerName).toEqual({ fa: 'بلیت ویژه', en: 'VIP ticket' });
  });
});

