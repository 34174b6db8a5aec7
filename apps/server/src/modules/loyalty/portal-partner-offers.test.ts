import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, recordOrder } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { sessionTokenHash } from './member-otp.service.ts';

// Partner offers in the member portal's catalogue, over a real socket: only active offers of
// active partners of the member's own workspace, each with its localized names, whether the
// member's spend unlocks it and their points cover it; an offer whose partner's monthly redeem cap
// is used up is left out; nothing of the partner's terms (price, billing, caps, contact, settlement)
// reaches the member. The portal does not redeem them: the partner's counter does
// (POST /api/loyalty/partner-offers/:id/redemptions), and the catalogue follows what it did.

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

let serial = 0;

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
    name: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' }, contact: { person: 'مریم احمدی', phone: '+982188888888', email: 'sales@azadi.example' },
    billingModel: 'at_redemption', pricePerPointMinor: '2345', ...over,
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

/** A signed-in member's session cookie, as `/otp/verify` would set it. */
async function portalSession(ws: TestWorkspace, customerId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await t.database.pool.query(
    `INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at) VALUES ($1, $2, $3, now() + interval '1 day', now())`,
    [ws.tenantId, sessionTokenHash(token), customerId]);
  return `vafa_member=${token}`;
}

interface PortalOffer {
  id: string;
  partnerName: Record<string, string>;
  name: Record<string, string>;
  pointsCost: number;
  minSpendMinor: string;
  spendWindowDays: number;
  currency: string;
  unlocked: boolean;
  enoughPoints: boolean;
}

async function catalogue(ws: TestWorkspace, cookie: string, language = 'fa') {
  const res = await fetch(`${base}/api/public/loyalty/${ws.slug}/me/catalogue`, { headers: { cookie, 'accept-language': language } });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { body: JSON.parse(text) as { partnerOffers: PortalOffer[] }, text };
}

describe('partner offers in the member portal catalogue', () => {
  it('lists the active offers of active partners with localized names, unlocked by spend, and whether the points cover them', async () => {
    const ws = await workspace();
    const cinema = await partner(ws);
    const ticket = await offer(ws, cinema.id);
    const popcorn = await offer(ws, cinema.id, { name: { fa: 'ذرت بوداده', en: 'Popcorn' }, pointsCost: 500 });
    const premiere = await offer(ws, cinema.id, { name: { fa: 'اکران ویژه', ar: 'عرض خاص', en: 'Premiere' }, pointsCost: 60, minSpendMinor: '5000000', spendWindowDays: 30 });
    const retired = await offer(ws, cinema.id, { name: { fa: 'قدیمی', en: 'Retired' } });
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${retired.id}`, { active: false })).status).toBe(200);
    const closed = await partner(ws, { name: { fa: 'کافه بسته', en: 'Closed cafe' } });
    await offer(ws, closed.id, { name: { fa: 'قهوه', en: 'Coffee' } });
    expect((await call(ws, 'PATCH', `/api/loyalty/partners/${closed.id}`, { active: false })).status).toBe(200);

    const customer = await member(ws, 100);
    const cookie = await portalSession(ws, customer.id);
    const first = await catalogue(ws, cookie);
    const text = first.text;
    let body = first.body;
    const byId = new Map(body.partnerOffers.map((o) => [o.id, o]));
    expect([...byId.keys()].sort()).toEqual([ticket.id, popcorn.id, premiere.id].sort());
    expect(byId.get(ticket.id)).toEqual({
      id: ticket.id, partnerName: { fa: 'سینما آزادی', ar: 'سينما آزادي', en: 'Azadi Cinema' }, name: { fa: 'بلیت رایگان', ar: 'تذكرة مجانية', en: 'Free ticket' },
      pointsCost: 40, minSpendMinor: '0', spendWindowDays: 365, currency: 'IRR', unlocked: true, enoughPoints: true, validUntil: null,
    });
    expect(byId.get(popcorn.id)).toMatchObject({ unlocked: true, enoughPoints: false });
    expect(byId.get(premiere.id)).toMatchObject({ minSpendMinor: '5000000', spendWindowDays: 30, unlocked: false, enoughPoints: true });
    // Nothing of the partner's terms, contact or settlement.
    for (const secret of ['2345', 'pricePerPoint', 'billing', 'at_redemption', 'monthlyRedeemCap', 'contact', 'مریم', 'azadi.example', '+982188888888', 'partnerId', 'amountMinor']) {
      expect(text, secret).not.toContain(secret);
    }

    // Spend in the window unlocks the premiere; an old order does not count.
    await recordOrder(t, ws, customer.id, { amountMinor: 9_000_000, placedAt: new Date(Date.now() - 60 * 86_400_000) });
    ({ body } = await catalogue(ws, cookie));
    expect(body.partnerOffers.find((o) => o.id === premiere.id)?.unlocked).toBe(false);
    await recordOrder(t, ws, customer.id, { amountMinor: 5_000_000 });
    ({ body } = await catalogue(ws, cookie));
    expect(body.partnerOffers.find((o) => o.id === premiere.id)?.unlocked).toBe(true);

    // Taken off: gone from the portal at once.
    expect((await call(ws, 'PATCH', `/api/loyalty/partner-offers/${premiere.id}`, { active: false })).status).toBe(200);
    ({ body } = await catalogue(ws, cookie));
    expect(body.partnerOffers.map((o) => o.id).sort()).toEqual([ticket.id, popcorn.id].sort());
  });

  it('follows what the partner counter redeemed: points, and an offer left out once the partner\'s monthly cap cannot take it', async () => {
    const ws = await workspace();
    const capped = await partner(ws, { monthlyRedeemCap: 100 });
    const ticket = await offer(ws, capped.id, { pointsCost: 40 });
    const customer = await member(ws, 90);
    const cookie = await portalSession(ws, customer.id);
    expect((await catalogue(ws, cookie)).body.partnerOffers.map((o) => [o.id, o.enoughPoints])).toEqual([[ticket.id, true]]);

    const redeem = (key: string) => call(ws, 'POST', `/api/loyalty/partner-offers/${ticket.id}/redemptions`, { customerId: customer.id }, { headers: { 'idempotency-key': key } });
    const first = await redeem('counter-1');
    expect(first.status).toBe(201);
    // The same key again is the same redemption, not a second one.
    expect((await redeem('counter-1')).body.entry.id).toBe(first.body.entry.id);
    expect((await redeem('counter-2')).status).toBe(201);
    // 80 of the cap's 100 used: another 40 would pass it, so the member is not shown it.
    expect((await catalogue(ws, cookie)).body.partnerOffers).toEqual([]);

    // A bigger cap: shown again, but 10 points left do not cover it, as the counter would also say.
    expect((await call(ws, 'PATCH', `/api/loyalty/partners/${capped.id}`, { monthlyRedeemCap: 1000 })).status).toBe(200);
    expect((await catalogue(ws, cookie)).body.partnerOffers.map((o) => [o.id, o.enoughPoints])).toEqual([[ticket.id, false]]);
    const refused = await redeem('counter-3');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insufficient_points');
  });

  it('counts the points net of what the member owes, as the counter does', async () => {
    const ws = await workspace();
    const ticket = await offer(ws, (await partner(ws)).id, { pointsCost: 40 });
    const club = await call(ws, 'POST', '/api/loyalty/programs', {
      name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' }, allowNegativeBalance: true },
    });
    expect(club.status, JSON.stringify(club.body)).toBe(201);
    const customer = await createCustomer(t, ws);
    const placed = await call(ws, 'POST', '/api/loyalty/orders', { externalId: 'owed-order', customerId: customer.id, programId: club.body.id, lines: [{ id: '1', amount: 500_000 }] });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const small = await call(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 100, externalId: 'owed-spend-1' });
    expect(small.status, JSON.stringify(small.body)).toBe(201);
    expect((await call(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 400, externalId: 'owed-spend-2' })).status).toBe(201);
    expect((await call(ws, 'POST', '/api/loyalty/orders/owed-order/returns', { returnId: 'owed-return' })).status).toBe(201);
    // The first spend reversed while the member owes the returned 500: its 100 repay the debt at once (400 owed, a net of −400).
    const entries = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items as { id: string; kind: string; points: { available: number } }[];
    const first = entries.find((e) => e.kind === 'redeem' && e.points.available === -100)!;
    expect((await call(ws, 'POST', `/api/loyalty/entries/${first.id}/reversal`, { reason: 'اشتباه صندوق' })).status).toBe(201);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/owed`)).body).toMatchObject({ owed: 400, net: -400 });

    const cookie = await portalSession(ws, customer.id);
    expect((await catalogue(ws, cookie)).body.partnerOffers.map((o) => [o.id, o.enoughPoints])).toEqual([[ticket.id, false]]);
    const refused = await call(ws, 'POST', `/api/loyalty/partner-offers/${ticket.id}/redemptions`, { customerId: customer.id }, { headers: { 'idempotency-key': 'owed-counter' } });
    expect(refused.body.code).toBe('insufficient_points');
  });

  it('shows only the member\'s own workspace and needs the member signed in', async () => {
    const mine = await workspace();
    const theirs = await workspace();
    const ours = await offer(mine, (await partner(mine)).id);
    await offer(theirs, (await partner(theirs, { name: { fa: 'رستوران دیگر', en: 'Other restaurant' } })).id, { name: { fa: 'شام', en: 'Dinner' } });
    const me = await member(mine, 10);
    const cookie = await portalSession(mine, me.id);
    const { body, text } = await catalogue(mine, cookie);
    expect(body.partnerOffers.map((o) => o.id)).toEqual([ours.id]);
    expect(text).not.toContain('رستوران دیگر');
    // My session means nothing at their portal; without one, signed out.
    expect((await fetch(`${base}/api/public/loyalty/${theirs.slug}/me/catalogue`, { headers: { cookie } })).status).toBe(401);
    const anonymous = await fetch(`${base}/api/public/loyalty/${mine.slug}/me/catalogue`, { headers: { 'accept-language': 'fa' } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('member_signed_out');
  });
});
