import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, postOverSocket, type Answer, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { expectPartnerPayableMatchesBills } from '../../../test/loyalty-ledger.ts';
import { CAP_STRIPES } from './partners.repo.ts';

// A capped partner's monthly room held in stripes (partners.repo.ts takeCapRoom), over HTTP on a
// real PostgreSQL: many redemptions at once against less room than they ask for succeed exactly as
// far as the cap goes, also when the stripes run dry at different times; a cancellation's room is
// taken again; a cap lowered under what was taken and raised again; and a redemption passes a
// stripe another transaction holds instead of waiting for it. After each test the ledger holds
// together, verify reports no drift and partner_payable holds exactly the bills not cancelled.

let t: TestApp;
let base: string;

beforeAll(async () => {
  // 40 concurrent requests beside test connections holding stripes.
  t = await startTestApp({ env: { VAFA_DB_POOL_SIZE: '50' } });
  base = await t.vafa.listen();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true, also: (ws) => expectPartnerPayableMatchesBills(t, ws.tenantId) });
const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);
let serial = 0;
const ext = (what: string) => `${what}-${++serial}`;

async function cappedCinema(ws: TestWorkspace, caps: { monthlyRedeemCap?: number; monthlyEarnCap?: number }, costs: number[] = [40]) {
  const partner = await call(ws, 'POST', '/api/loyalty/partners', { name: { fa: 'سینما آزادی' }, billingModel: 'at_redemption', pricePerPointMinor: '2000', ...caps });
  expect(partner.status, partner.text).toBe(201);
  const offers: string[] = [];
  for (const pointsCost of costs) {
    const offer = await call(ws, 'POST', `/api/loyalty/partners/${partner.body.id}/offers`, { name: { fa: `بلیت ${pointsCost}` }, pointsCost, minSpendMinor: '0', spendWindowDays: 30 });
    expect(offer.status, offer.text).toBe(201);
    offers.push(offer.body.id);
  }
  return { partnerId: partner.body.id as string, offers };
}

async function members(ws: TestWorkspace, count: number, points: number) {
  const made = await Promise.all(Array.from({ length: count }, () => createCustomer(t, ws)));
  for (const m of made) {
    const gift = await call(ws, 'POST', `/api/loyalty/members/${m.id}/earnings`, { points, reason: 'هدیه', externalId: ext('gift') });
    expect(gift.status, gift.text).toBe(201);
  }
  return made.map((m) => m.id as string);
}

/** Over real sockets, all at once: they race as in production. */
const redeemAll = (ws: TestWorkspace, offerId: string, customers: string[]) =>
  Promise.all(customers.map((customerId) => postOverSocket(t, base, ws, `/api/loyalty/partner-offers/${offerId}/redemptions`, { customerId, externalId: ext('ticket') })));
const redeem = (ws: TestWorkspace, offerId: string, customerId: string) =>
  call(ws, 'POST', `/api/loyalty/partner-offers/${offerId}/redemptions`, { customerId, externalId: ext('ticket') });
const cancel = (ws: TestWorkspace, entryId: number) =>
  call(ws, 'POST', `/api/loyalty/entries/${entryId}/reversal`, { reason: 'لغو' }, { headers: { 'idempotency-key': ext('cancel') } });
const thisMonth = async (ws: TestWorkspace, partnerId: string) => (await call(ws, 'GET', `/api/loyalty/partners/${partnerId}`)).body.thisMonth as { earned: number; redeemed: number };

/** The current month's stripes of a cap: the room each holds, in stripe order. */
async function stripes(ws: TestWorkspace, partnerId: string, direction: 'earn' | 'redeem' = 'redeem'): Promise<number[]> {
  const { rows } = await t.database.pool.query(
    `SELECT room::int AS room FROM loyalty_partner_cap_stripes WHERE tenant_id = $1 AND partner_id = $2 AND direction = $3
       AND period_start = (SELECT max(period_start) FROM loyalty_partner_cap_stripes WHERE tenant_id = $1 AND partner_id = $2) ORDER BY stripe`,
    [ws.tenantId, partnerId, direction]);
  return rows.map((r) => r.room);
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function expectOnlyCapRefusals(answers: Answer[]) {
  for (const a of answers.filter((r) => r.status !== 201)) {
    expect([a.status, a.body.code, a.type], a.text).toEqual([409, 'partner_redeem_cap_reached', expect.stringContaining('problem+json')]);
  }
}

async function waitUntil(what: string, condition: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether any backend waits for a lock `holder` holds. */
async function blockedBy(holder: PoolClient): Promise<boolean> {
  const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [pid]);
  return rows[0].n > 0;
}

describe("a capped partner's month held in stripes", () => {
  it('40 redemptions at once against room for 25: exactly 25 succeed, the month ends at the cap, never above', async () => {
    const ws = await workspace();
    const { partnerId, offers: [ticket] } = await cappedCinema(ws, { monthlyRedeemCap: 1_000 });
    const who = await members(ws, 40, 50);
    const answers = await redeemAll(ws, ticket!, who);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(25);
    expectOnlyCapRefusals(answers);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed: 1_000 });
    expect(await stripes(ws, partnerId)).toEqual(Array(CAP_STRIPES).fill(0));
    // Each refused member kept their points; each served one spent 40.
    for (const [n, a] of answers.entries()) {
      expect((await call(ws, 'GET', `/api/loyalty/members/${who[n]}`)).body.available, `member ${n}`).toBe(a.status === 201 ? 10 : 50);
    }
    const refused = who[answers.findIndex((a) => a.status !== 201)]!;
    expect((await redeem(ws, ticket!, refused)).body.code).toBe('partner_redeem_cap_reached');
  }, 90_000);

  it('stripes that run dry at different times: the last takings are paid from what is left on several stripes, exactly to the cap', async () => {
    const ws = await workspace();
    const { partnerId, offers: [ticket] } = await cappedCinema(ws, { monthlyRedeemCap: 1_000 });
    const who = await members(ws, 31, 50);
    expect((await redeem(ws, ticket!, who[30]!)).status).toBe(201);
    // 960 left, spread unevenly (the sum kept): 500 pays 12 and leaves 20, 45/85/130 leave 5/5/10,
    // so the 24th taking is paid only from the leftovers of four stripes together.
    const uneven = [500, 0, 45, 85, 0, 130, 200, 0];
    expect(sum(await stripes(ws, partnerId))).toBe(960);
    for (const [stripe, room] of uneven.entries()) {
      await t.database.pool.query(`UPDATE loyalty_partner_cap_stripes SET room = $4 WHERE tenant_id = $1 AND partner_id = $2 AND direction = 'redeem' AND stripe = $3`, [ws.tenantId, partnerId, stripe, room]);
    }
    const answers = await redeemAll(ws, ticket!, who.slice(0, 30));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(24);
    expectOnlyCapRefusals(answers);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed: 1_000 });
    expect(sum(await stripes(ws, partnerId))).toBe(0);
  }, 90_000);

  it('offers of different costs at once: never above the cap, and each refusal left less room than it asked for', async () => {
    const ws = await workspace();
    const { partnerId, offers: [small, large] } = await cappedCinema(ws, { monthlyRedeemCap: 1_010 }, [30, 70]);
    const who = await members(ws, 40, 100);
    const answers = await Promise.all(who.map((customerId, n) =>
      postOverSocket(t, base, ws, `/api/loyalty/partner-offers/${n % 2 ? large : small}/redemptions`, { customerId, externalId: ext('mixed') })));
    expectOnlyCapRefusals(answers);
    const redeemed = sum(answers.map((a, n) => (a.status === 201 ? (n % 2 ? 70 : 30) : 0)));
    expect(redeemed).toBeLessThanOrEqual(1_010);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed });
    expect(sum(await stripes(ws, partnerId))).toBe(1_010 - redeemed);
    // Room only shrank during the race, so a refused redemption was refused for want of room.
    for (const [n, a] of answers.entries()) if (a.status !== 201) expect(1_010 - redeemed, `request ${n}`).toBeLessThan(n % 2 ? 70 : 30);
  }, 90_000);

  it('a cancellation gives its room back: of the next redemptions at once exactly one is accepted', async () => {
    const ws = await workspace();
    const { partnerId, offers: [ticket] } = await cappedCinema(ws, { monthlyRedeemCap: 400 });
    // Enough for two tickets each: whoever was served in the first rush may come again.
    const who = await members(ws, 16, 100);
    const first = await redeemAll(ws, ticket!, who.slice(0, 12));
    const served = first.filter((a) => a.status === 201);
    expect(served).toHaveLength(10);
    expect((await cancel(ws, served[0]!.body.entry.id)).status).toBe(201);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed: 360 });
    expect(sum(await stripes(ws, partnerId))).toBe(40);
    const next = await redeemAll(ws, ticket!, who.slice(10, 16));
    expect(next.filter((a) => a.status === 201)).toHaveLength(1);
    expectOnlyCapRefusals(next);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed: 400 });
  }, 90_000);

  it('a cap lowered under what was taken refuses until reversals make up the shortfall; raised again, exactly the new room is taken', async () => {
    const ws = await workspace();
    const { partnerId, offers: [ticket] } = await cappedCinema(ws, { monthlyRedeemCap: 1_000 });
    const who = await members(ws, 20, 100);
    const first = (await redeemAll(ws, ticket!, who.slice(0, 10))).filter((a) => a.status === 201);
    expect(first).toHaveLength(10);
    const lowered = await call(ws, 'PATCH', `/api/loyalty/partners/${partnerId}`, { monthlyRedeemCap: 300 });
    expect([lowered.status, lowered.body.thisMonth]).toEqual([200, { earned: 0, redeemed: 400 }]);
    expect(sum(await stripes(ws, partnerId))).toBe(-100);
    expect((await redeem(ws, ticket!, who[10]!)).body.code).toBe('partner_redeem_cap_reached');
    // Three cancelled: 280 taken, 20 of room, still less than a ticket.
    for (const a of first.slice(0, 3)) expect((await cancel(ws, a.body.entry.id)).status).toBe(201);
    expect(sum(await stripes(ws, partnerId))).toBe(20);
    expect((await redeem(ws, ticket!, who[10]!)).body.code).toBe('partner_redeem_cap_reached');
    expect((await cancel(ws, first[3]!.body.entry.id)).status).toBe(201);
    const afterFour = await redeemAll(ws, ticket!, who.slice(10, 14));
    expect(afterFour.filter((a) => a.status === 201)).toHaveLength(1);
    expectOnlyCapRefusals(afterFour);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed: 280 });

    const raised = await call(ws, 'PATCH', `/api/loyalty/partners/${partnerId}`, { monthlyRedeemCap: 400 });
    expect(raised.status).toBe(200);
    expect(sum(await stripes(ws, partnerId))).toBe(120);
    const afterRaise = await redeemAll(ws, ticket!, who.slice(14, 20));
    expect(afterRaise.filter((a) => a.status === 201)).toHaveLength(3);
    expectOnlyCapRefusals(afterRaise);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed: 400 });
    // The cap taken away: its stripes go, redemptions are not counted against anything.
    expect((await call(ws, 'PATCH', `/api/loyalty/partners/${partnerId}`, { monthlyRedeemCap: null })).status).toBe(200);
    expect(await stripes(ws, partnerId)).toEqual([]);
    expect((await redeem(ws, ticket!, who[0]!)).status).toBe(201);
  }, 90_000);

  it('earnings at once against the monthly earn cap: exactly as many as it allows', async () => {
    const ws = await workspace();
    const { partnerId } = await cappedCinema(ws, { monthlyEarnCap: 200 }, []);
    const who = await Promise.all(Array.from({ length: 30 }, () => createCustomer(t, ws)));
    const answers = await Promise.all(who.map((m) => postOverSocket(t, base, ws, `/api/loyalty/partners/${partnerId}/earnings`, { customerId: m.id, points: 10, externalId: ext('pos') })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
    for (const a of answers.filter((r) => r.status !== 201)) expect([a.status, a.body.code], a.text).toEqual([409, 'partner_earn_cap_reached']);
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 200, redeemed: 0 });
    expect(sum(await stripes(ws, partnerId, 'earn'))).toBe(0);
  }, 90_000);

  it('a redemption passes stripes another transaction holds instead of waiting for them; with every stripe held it waits', async () => {
    const ws = await workspace();
    const { partnerId, offers: [ticket] } = await cappedCinema(ws, { monthlyRedeemCap: 1_000 });
    const who = await members(ws, 5, 50);
    expect((await redeem(ws, ticket!, who[0]!)).status).toBe(201);
    const rooms = await stripes(ws, partnerId);
    expect(rooms.every((room) => room >= 40), JSON.stringify(rooms)).toBe(true);

    const holder = await t.database.pool.connect();
    const lockStripes = (upTo: number) => holder.query(
      `SELECT stripe FROM loyalty_partner_cap_stripes WHERE tenant_id = $1 AND partner_id = $2 AND direction = 'redeem' AND stripe < $3 FOR UPDATE`, [ws.tenantId, partnerId, upTo]);
    try {
      // Every stripe but the last held open: each redemption must take the last one's room, without waiting.
      await holder.query('BEGIN');
      expect((await lockStripes(CAP_STRIPES - 1)).rowCount).toBe(CAP_STRIPES - 1);
      for (const customerId of who.slice(1, 3)) {
        const pending = redeem(ws, ticket!, customerId);
        let answered = false;
        const answer = pending.finally(() => { answered = true; });
        // Either it answers or it is seen waiting on the held stripes, whichever comes first.
        await waitUntil('the redemption answers or waits', async () => answered || (await blockedBy(holder)));
        expect(answered, 'the redemption waited on a held stripe').toBe(true);
        expect((await answer).status).toBe(201);
      }
      const lastRoom = (await stripes(ws, partnerId))[CAP_STRIPES - 1];
      expect(lastRoom).toBe(rooms[CAP_STRIPES - 1]! - 80);

      // Every stripe held: now it has to wait (the check above would see it), and goes on once they are let go.
      await lockStripes(CAP_STRIPES);
      let answered = false;
      const pending = redeem(ws, ticket!, who[3]!).finally(() => { answered = true; });
      await waitUntil('the redemption waits on the held stripes', () => blockedBy(holder));
      expect(answered).toBe(false);
      await holder.query('COMMIT');
      expect((await pending).status).toBe(201);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    expect(await thisMonth(ws, partnerId)).toEqual({ earned: 0, redeemed: 160 });
    expect(sum(await stripes(ws, partnerId))).toBe(840);
  }, 90_000);
});
