import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { toIsoDate } from '../../platform/i18n/calendar.ts';
import { donatePoints } from './charity.service.ts';
import { earnOrder } from './earning.service.ts';
import { periodSpan } from './finance.service.ts';
import { earnPoints, redeemPoints, reverseEntry, settleDue, type LedgerContext } from './ledger.service.ts';
import { placeHold } from './redemption-holds.service.ts';

// The finance report over HTTP on a real PostgreSQL, after a scenario written through the ledger's
// own services at instants the test chooses (the routes use the wall clock): earns before, inside
// and after Aban 1405 in Asia/Tehran, a pending earn unlocked, a redemption, an expiry, a donation,
// a reversed earn, a hold and a tier upgrade. Each figure is checked against the hand-computed
// scenario and against sums of the lots, holds and tiers read with SQL of the test's own.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t);

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options, 'finance');

const at = (iso: string): Date => new Date(iso);
const ctxAt = (ws: TestWorkspace, now: Date): LedgerContext => ({ tenantId: ws.tenantId, source: 'system:test', now });
const inTx = <R>(work: (tx: TestApp['database']['db']) => Promise<R>) => t.database.db.transaction((tx) => work(tx));
let serial = 0;

// Aban 1405 in Asia/Tehran (UTC+03:30): 1 Aban = 2026-10-23, local midnight = 2026-10-22T20:30Z;
// 1 Azar = 2026-11-22, local midnight = 2026-11-21T20:30Z.
const ABAN_FROM = '2026-10-22T20:30:00.000Z';
const ABAN_TO = '2026-11-21T20:30:00.000Z';
const ONE_SECOND = 1000;

describe('periods of the workspace calendar', () => {
  it('starts and ends a period at local midnight of its first and next-first day', () => {
    expect(toIsoDate({ calendar: 'persian', year: 1405, month: 8, day: 1 })).toBe('2026-10-23');
    expect(periodSpan({ period: 'month', year: 1405, index: 8 }, 'persian', 'Asia/Tehran')).toEqual({ from: at(ABAN_FROM), to: at(ABAN_TO) });
    // The last quarter of 1403 ends at Nowruz 1404 (2025-03-21).
    expect(periodSpan({ period: 'quarter', year: 1403, index: 4 }, 'persian', 'Asia/Tehran').to).toEqual(at('2025-03-20T20:30:00.000Z'));
    expect(periodSpan({ period: 'year', year: 2026 }, 'gregory', 'UTC')).toEqual({ from: at('2026-01-01T00:00:00.000Z'), to: at('2027-01-01T00:00:00.000Z') });
    // Umm al-Qura: 1 Ramadan 1447 is 2026-02-18; Riyadh is UTC+3.
    expect(periodSpan({ period: 'month', year: 1447, index: 9 }, 'islamic-umalqura', 'Asia/Riyadh').from).toEqual(at('2026-02-17T21:00:00.000Z'));
  });
});

describe('finance report', () => {
  it('reconciles every figure to the postings of the scenario, with Tehran\'s period boundaries', async () => {
    const ws = await workspace();
    const [a, b, c, d] = [await createCustomer(t, ws), await createCustomer(t, ws), await createCustomer(t, ws), await createCustomer(t, ws)];
    const earn = (customerId: string, points: number, now: Date, extra: Record<string, unknown> = {}) =>
      inTx((tx) => earnPoints(tx, ctxAt(ws, now), customerId, { points, reason: 'خرید', externalId: `E-${++serial}`, ...extra }));

    // Mehr 1405 (before the period): A 1000 that never expire, B 500 that expire on 1 Nov (inside Aban).
    await earn(a.id, 1000, at('2026-10-10T08:00:00Z'));
    await earn(b.id, 500, at('2026-10-10T08:00:00Z'), { expiresAt: '2026-11-01T00:00:00Z' });
    // The boundary in Tehran's time: a second before 1 Aban is still Mehr; midnight is Aban (both are 22 Oct in UTC).
    await earn(c.id, 7, new Date(at(ABAN_FROM).getTime() - ONE_SECOND));
    await earn(c.id, 11, at(ABAN_FROM));
    // Aban: A earns 2000 pending until 28 Oct, unlocked by the due-work run of 29 Oct; spends 700; B's 500 expire.
    await earn(a.id, 2000, at('2026-10-25T09:00:00Z'), { pendingUntil: '2026-10-28T00:00:00Z' });
    expect((await inTx((tx) => settleDue(tx, ctxAt(ws, at('2026-10-29T09:00:00Z'))))).unlockedPoints).toBe(2000);
    await inTx((tx) => redeemPoints(tx, ctxAt(ws, at('2026-10-30T09:00:00Z')), a.id, { points: 700, externalId: `R-${++serial}` }));
    expect((await inTx((tx) => settleDue(tx, ctxAt(ws, at('2026-11-02T09:00:00Z'))))).expiredPoints).toBe(500);
    // A gives 300 to a charity at 10 points = 5,000 minor units.
    const charity = await t.app.inject({ method: 'POST', url: '/api/loyalty/charities', headers: t.auth(ws.keys.manager), payload: { name: { fa: 'بنیاد کودک', ar: 'مؤسسة الطفل', en: 'Child Foundation' }, ratePoints: 10, rateMinor: 5_000 } });
    expect(charity.statusCode, charity.body).toBe(201);
    await inTx((tx) => donatePoints(tx, ctxAt(ws, at('2026-11-05T09:00:00Z')), { customerId: a.id, charityId: charity.json().id, points: 300, externalId: `G-${++serial}` }));
    // An earn of 100 reversed the next day: issued and returned.
    const mistaken = await earn(a.id, 100, at('2026-11-06T09:00:00Z'));
    await inTx((tx) => reverseEntry(tx, ctxAt(ws, at('2026-11-07T09:00:00Z')), mistaken.entry.id, { reason: 'اشتباه' }));
    // D's order through a program with tiers: 1,500 points cross Silver's 1,000 (an upgrade from no tier).
    const program = await t.app.inject({ method: 'POST', url: '/api/loyalty/programs', headers: t.auth(ws.keys.manager), payload: { name: 'باشگاه', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' } } } });
    expect(program.statusCode, program.body).toBe(201);
    const programId = program.json().id as string;
    const tierIds: string[] = [];
    for (const [name, threshold] of [[{ fa: 'برنزی', ar: 'برونزي', en: 'Bronze' }, 500], [{ fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, 1000]] as const) {
      const tier = await t.app.inject({ method: 'POST', url: `/api/loyalty/programs/${programId}/tiers`, headers: t.auth(ws.keys.manager), payload: { name, threshold, multiplierPercent: 100 } });
      expect(tier.statusCode, tier.body).toBe(201);
      tierIds.push(tier.json().id);
    }
    await inTx((tx) => earnOrder(tx, ctxAt(ws, at('2026-11-08T09:00:00Z')), { externalId: `O-${++serial}`, customerId: d.id, programId, lines: [{ id: '1', amount: 1_500_000 }] }));
    // A sets 200 aside for a checkout: still owed, now held.
    await inTx((tx) => placeHold(tx, ctxAt(ws, at('2026-11-09T09:00:00Z')), { customerId: a.id, points: 200, externalId: `H-${++serial}`, ttlSeconds: 3600 }));
    // The last second of Aban counts; 1 Azar's midnight does not; nor does 25 Nov.
    await earn(c.id, 13, new Date(at(ABAN_TO).getTime() - ONE_SECOND));
    await earn(c.id, 17, at(ABAN_TO));
    await earn(a.id, 50, at('2026-11-25T09:00:00Z'));

    const put = await call(ws, 'PUT', '/api/loyalty/finance/settings', { pointValue: { points: 10, minor: 25_000 } }, { headers: { 'idempotency-key': 'pv-1' } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.pointValue).toEqual({ points: 10, minor: 25_000 });

    const res = await call(ws, 'GET', '/api/loyalty/finance/report?period=month&year=1405&index=8');
    expect(res.status, res.text).toBe(200);
    const r = res.body;
    expect(r.period).toMatchObject({ kind: 'month', calendar: 'persian', year: 1405, index: 8, timeZone: 'Asia/Tehran', from: ABAN_FROM, to: ABAN_TO, asOf: ABAN_TO });
    // issued: 11 + 2000 + 100 + 1500 + 13; returned: the reversed 100.
    expect(r.flows).toEqual({ issued: 3624, returned: 100, netIssued: 3524, redeemed: 700, expired: 500, donated: 300, writtenOff: 0 });
    // 500 / 3524 = 14.188…% and 700 / 3524 = 19.863…%, in basis points rounded half up.
    expect(r.breakageRate).toEqual({ numerator: 500, denominator: 3524, basisPoints: 1419 });
    expect(r.redemptionRate).toEqual({ numerator: 700, denominator: 3524, basisPoints: 1986 });
    // As at 1 Azar: A 1000 + 2000 - 700 - 300 = 2000 (200 of it held), B 0, C 7 + 11 + 13, D 1500.
    expect(r.liability).toEqual({ available: 1800 + 31 + 1500, pending: 0, held: 200, points: 3531, minor: String((3531 * 25_000) / 10), owedByMembers: 0 });
    expect(r.payables.charity).toMatchObject({ points: 300, minor: '150000' });
    expect(r.payables.charity.byCharity).toEqual([{ charityId: charity.json().id, name: { fa: 'بنیاد کودک', ar: 'مؤسسة الطفل', en: 'Child Foundation' }, points: 300, minor: '150000' }]);
    expect(r.payables.partner).toEqual({ points: 0, minor: '0' });
    expect(r.tiers).toEqual([{
      programId, programName: 'باشگاه', upgrades: 1, downgrades: 0,
      distribution: [{ tierId: tierIds[0], name: { fa: 'برنزی', ar: 'برونزي', en: 'Bronze' }, members: 0 }, { tierId: tierIds[1], name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, members: 1 }],
      movements: [{ fromTierId: null, toTierId: tierIds[1], count: 1 }],
    }]);

    // Mehr holds the two earns of 10 Oct and the one a second before 1 Aban, not the one at midnight.
    const mehr = (await call(ws, 'GET', '/api/loyalty/finance/report?period=month&year=1405&index=7')).body;
    expect(mehr.flows).toMatchObject({ issued: 1507, returned: 0, redeemed: 0, expired: 0, donated: 0 });
    expect(mehr.liability.points).toBe(1507);
    expect(mehr.tiers[0].distribution.map((x: { members: number }) => x.members)).toEqual([0, 0]);
    // Azar (not over): balances as at now, and its flows are the two earns after the period.
    const azar = (await call(ws, 'GET', '/api/loyalty/finance/report?period=month&year=1405&index=9')).body;
    expect(azar.flows.issued).toBe(67);

    // Independently of the postings: what is owed now is what the open lots and the live holds hold,
    // and the year's flows equal the lots credited and the draws of the year's entries.
    const q = async (text: string) => (await t.database.pool.query(text, [ws.tenantId])).rows[0] as Record<string, string>;
    const owed = await q(`SELECT (SELECT sum(remaining) FROM loyalty_lots WHERE tenant_id = $1) AS lots,
                                 (SELECT coalesce(sum(points), 0) FROM loyalty_redemption_holds WHERE tenant_id = $1 AND status = 'held') AS held`);
    const year = (await call(ws, 'GET', '/api/loyalty/finance/report?period=year&year=1405')).body;
    expect(year.liability.points).toBe(Number(owed.lots) + Number(owed.held));
    expect(year.liability.held).toBe(Number(owed.held));
    const lots = await q(`SELECT sum(l.amount) AS credited FROM loyalty_lots l JOIN loyalty_entries e ON e.tenant_id = l.tenant_id AND e.id = l.entry_id WHERE l.tenant_id = $1 AND e.kind = 'earn'`);
    expect(year.flows.issued).toBe(Number(lots.credited));
    const draws = await q(`SELECT sum(dr.amount) FILTER (WHERE e.kind = 'expire') AS expired, sum(dr.amount) FILTER (WHERE e.kind = 'redeem') AS redeemed,
                                  sum(dr.amount) FILTER (WHERE e.kind = 'donate') AS donated
                           FROM loyalty_draws dr JOIN loyalty_entries e ON e.tenant_id = dr.tenant_id AND e.id = dr.entry_id WHERE dr.tenant_id = $1`);
    expect(year.flows).toMatchObject({ expired: Number(draws.expired), redeemed: Number(draws.redeemed), donated: Number(draws.donated) });
    const tiersNow = await q(`SELECT count(*) AS n FROM loyalty_member_tiers WHERE tenant_id = $1 AND tier_id = '${tierIds[1]}'`);
    expect(year.tiers[0].distribution[1].members).toBe(Number(tiersNow.n));

    // CSV: a BOM, labels in the chosen language, the same figures.
    const csv = await call(ws, 'GET', '/api/loyalty/finance/report.csv?period=month&year=1405&index=8&lang=fa');
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    expect(csv.text).toContain('امتیاز منقضی (بی‌استفاده),500');
    expect(csv.text).toContain('نرخ انقضا (درصد),14.19');
    expect(csv.text).toContain('بدهی امتیازی: مبلغ (واحد خرد),8827500');
    const en = await call(ws, 'GET', '/api/loyalty/finance/report.csv?period=month&year=1405&index=8', undefined, { headers: { 'accept-language': 'en' } });
    expect(en.text).toContain('Points issued,3624');
  });

  it('is for finance, owners and admins only, and shows one workspace its own ledger', async () => {
    const ws = await workspace();
    const other = await workspace();
    const customer = await createCustomer(t, other);
    await t.database.db.transaction((tx) => earnPoints(tx, ctxAt(other, new Date()), customer.id, { points: 40, reason: 'خرید', externalId: 'X-1' }));
    const now = new Date();
    const url = `/api/loyalty/finance/report?period=year&year=${now.getUTCFullYear() - 621}`;
    for (const role of ['finance', 'owner', 'admin'] as const) expect((await call(ws, 'GET', url, undefined, { role })).status, role).toBe(200);
    for (const role of ['manager', 'agent', 'analyst'] as const) {
      const res = await call(ws, 'GET', url, undefined, { role });
      expect(res.status, role).toBe(403);
      expect(res.type).toContain('application/problem+json');
      expect((await call(ws, 'GET', '/api/loyalty/finance/settings', undefined, { role })).status).toBe(403);
      expect((await call(ws, 'PUT', '/api/loyalty/finance/settings', { pointValue: null }, { role })).status).toBe(403);
    }
    const mine = (await call(ws, 'GET', url)).body;
    expect(mine.liability.points).toBe(0);
    expect(mine.flows.issued).toBe(0);
    expect((await call(other, 'GET', url)).body.liability.points).toBe(40);
  });

  it('refuses garbage with 400 problem+json in the reader\'s language', async () => {
    const ws = await workspace();
    for (const query of [
      'period=week&year=1405&index=1', 'period=month&year=1405', 'period=month&year=1405&index=13', 'period=quarter&year=1405&index=5',
      'period=year&year=1405&index=2', 'period=month&year=abc&index=1', 'period=month&year=99999&index=1', 'period=month&year=1405&index=1&x=1',
      'period=month&year=1405&index=1.5', 'period=month&year=1405&index=1&lang=de', 'year=1405',
    ]) {
      const res = await call(ws, 'GET', `/api/loyalty/finance/report?${query}`, undefined, { headers: { 'accept-language': 'fa' } });
      expect(res.status, query).toBe(400);
      expect(res.type, query).toContain('application/problem+json');
      expect(res.body.code, query).toBe('validation_failed');
      expect(res.body.detail, query).toMatch(/[\u0600-\u06FF]/);
    }
    for (const body of [{ pointValue: { points: 0, minor: 5 } }, { pointValue: { points: 1, minor: -1 } }, { pointValue: '10' }, {}]) {
      const res = await call(ws, 'PUT', '/api/loyalty/finance/settings', body, { headers: { 'idempotency-key': `bad-${++serial}` } });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(ws, 'GET', '/api/loyalty/finance/settings')).body.pointValue).toBeNull();
  });
});
