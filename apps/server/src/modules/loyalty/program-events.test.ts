import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { invite, NPS_SURVEY, publishSurvey } from '../../../test/survey-factories.ts';
import { publishEvents } from '../../platform/events/outbox.ts';

// Points for what customers do elsewhere, end to end: the survey and complaint modules publish
// their events, the relay delivers them, the loyalty subscriber awards each once.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'all', env: { VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, role: Role = 'owner') {
  const res = await t.app.inject({ method, url, headers: t.auth(ws.keys[role]), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() };
}

const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;

/** Every event of the workspace relayed, and every loyalty subscriber job of it done. */
async function delivered(ws: TestWorkspace): Promise<void> {
  await eventually(async () => {
    const { rows: [left] } = await t.database.pool.query(`
      SELECT (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id))
           + (SELECT count(*) FROM pgboss.job WHERE name = 'on.loyalty.program-events' AND data->>'tenantId' = $1::text
                AND state NOT IN ('completed', 'failed', 'cancelled')) AS n`, [ws.tenantId]);
    return Number(left.n) === 0;
  }, 'the events delivered and handled');
}

async function verifyClean(ws: TestWorkspace) {
  await expectLedgerBalanced(t, ws.tenantId);
  expect((await call(ws, 'GET', '/api/loyalty/verify')).body.ok).toBe(true);
}

describe('events earn points', () => {
  it('a survey answer earns the program\'s points once, a redelivered event nothing more, a survey outside the rule nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const other = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, name: 'Other' });
    const program = await call(ws, 'POST', '/api/loyalty/programs', {
      name: 'امتیاز نظرسنجی', settings: { events: [{ topic: 'response.submitted', points: 15, surveyIds: [survey.id] }], expiry: { kind: 'rolling', days: 90 } },
    });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const customer = await createCustomer(t, ws);

    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    const answered = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${invitation.token}/responses`, payload: { answers: { nps: { score: 9 } }, complete: true } });
    expect(answered.statusCode, answered.body).toBeLessThan(300);
    const earned = await eventually(async () => {
      const b = await balance(ws, customer.id);
      return b.available === 15 && b;
    }, 'the survey points');
    expect(earned).toMatchObject({ available: 15, pending: 0, qualifying: 15 });
    expect(earned.expiring).toHaveLength(1);

    // An answer to a survey the rule does not name earns nothing; the same event delivered again earns nothing more.
    const elsewhere = await invite(t.database.db, ws.tenantId, other.id, customer.id);
    const outside = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${elsewhere.token}/responses`, payload: { answers: { nps: { score: 9 } }, complete: true } });
    expect(outside.statusCode, outside.body).toBeLessThan(300);
    const { rows: [submitted] } = await t.database.pool.query(
      `SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'response.submitted' AND payload->>'surveyId' = $2`, [ws.tenantId, survey.id]);
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, [{ topic: 'response.submitted', payload: submitted.payload }]));
    // a marker event after both: once its points arrive, the relay has delivered the ones before
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, [{
      topic: 'response.submitted', payload: { ...submitted.payload, responseId: '00000000-0000-4000-8000-00000000beef' },
    }]));
    await eventually(async () => (await balance(ws, customer.id)).available === 30, 'the marker event\'s points');
    await delivered(ws);
    expect((await balance(ws, customer.id)).available).toBe(30);
    const { rows: awards } = await t.database.pool.query(`SELECT source_key, points FROM loyalty_awards WHERE tenant_id = $1 ORDER BY created_at`, [ws.tenantId]);
    expect(awards).toEqual([
      { source_key: `event:response.submitted:${submitted.payload.responseId}`, points: 15 },
      { source_key: 'event:response.submitted:00000000-0000-4000-8000-00000000beef', points: 15 },
    ]);
    await verifyClean(ws);
  });

  it('a survey\'s points for answering are what an answer earns in each program with a survey rule, once; without them the rule\'s points; anonymous answers nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const rewarded = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, name: 'Rewarded', settings: { ...NPS_SURVEY.settings, incentivePoints: 25 } });
    const plain = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, name: 'Plain' });
    const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'امتیاز نظرسنجی', settings: { events: [{ topic: 'response.submitted', points: 10 }] } });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    // a second active program that does not reward answers: the incentive is not paid there
    const other = await call(ws, 'POST', '/api/loyalty/programs', { name: 'معرفی', settings: { events: [{ topic: 'referral.qualified', points: 7 }] } });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const customer = await createCustomer(t, ws);
    const answer = async (token: string) => {
      const res = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}/responses`, payload: { answers: { nps: { score: 9 } }, complete: true } });
      expect(res.statusCode, res.body).toBeLessThan(300);
    };

    await answer((await invite(t.database.db, ws.tenantId, rewarded.id, customer.id)).token);
    await eventually(async () => (await balance(ws, customer.id)).available === 25, 'the survey\'s incentive points');
    await answer((await invite(t.database.db, ws.tenantId, plain.id, customer.id)).token);
    await eventually(async () => (await balance(ws, customer.id)).available === 35, 'the rule\'s points for a survey without an incentive');
    // an anonymous answer (the public link, no customer) earns nobody anything
    await answer(rewarded.token);

    const { rows: [submitted] } = await t.database.pool.query(
      `SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'response.submitted' AND payload->>'surveyId' = $2 AND payload ? 'customerId'`, [ws.tenantId, rewarded.id]);
    expect(submitted.payload.incentivePoints).toBe(25);
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, [
      { topic: 'response.submitted', payload: submitted.payload },
      { topic: 'response.submitted', payload: { ...submitted.payload, responseId: '00000000-0000-4000-8000-00000000cafe' } },
    ]));
    await eventually(async () => (await balance(ws, customer.id)).available === 60, 'the marker event\'s points');
    await delivered(ws);
    expect((await balance(ws, customer.id)).available).toBe(60);
    const { rows: awards } = await t.database.pool.query(
      `SELECT program_id, customer_id, source_key, points FROM loyalty_awards WHERE tenant_id = $1 ORDER BY created_at, points DESC`, [ws.tenantId]);
    expect(awards.map((a) => [a.program_id, a.customer_id, a.points])).toEqual([
      [program.body.id, customer.id, 25], [program.body.id, customer.id, 10], [program.body.id, customer.id, 25],
    ]);
    expect(awards[0].source_key).toBe(`event:response.submitted:${submitted.payload.responseId}`);
    await verifyClean(ws);
  });

  it('a complaint\'s goodwill gesture in points earns them once', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    await call(ws, 'POST', '/api/loyalty/programs', { name: 'دلجویی', settings: { events: [{ topic: 'complaint.goodwill' }] } });
    const current = (await call(ws, 'GET', '/api/complaint-settings')).body;
    const { defaultRecourse: _d, noticeTemplates: _n, ...editable } = current;
    const saved = await call(ws, 'PUT', '/api/complaint-settings', { ...editable, goodwill: { onFiling: { kind: 'points', amount: 120 }, onResolution: null } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const customer = await createCustomer(t, ws);
    const opened = await call(ws, 'POST', '/api/complaints', { channel: 'phone', customerId: customer.id, description: 'بسته شکسته رسید.' }, 'agent');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);

    await eventually(async () => (await balance(ws, customer.id)).available === 120, 'the goodwill points');
    const { rows: [gesture] } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.goodwill'`, [ws.tenantId]);
    // delivered again, then a marker (a referral) after it: once the marker's points are there, the redelivery has been handled
    await call(ws, 'POST', '/api/loyalty/programs', { name: 'معرفی', settings: { events: [{ topic: 'referral.qualified', points: 7 }] } });
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, [
      { topic: 'complaint.goodwill', payload: gesture.payload },
      { topic: 'referral.qualified', payload: { customerId: customer.id, referralId: 'ref-1' } },
    ]));
    await eventually(async () => (await balance(ws, customer.id)).available === 127, 'the referral points');
    await delivered(ws);
    expect((await balance(ws, customer.id)).available).toBe(127);
    const { rows: entries } = await t.database.pool.query(`SELECT kind, reason FROM loyalty_entries WHERE tenant_id = $1 ORDER BY id`, [ws.tenantId]);
    expect(entries).toEqual([{ kind: 'earn', reason: 'دلجویی · complaint.goodwill' }, { kind: 'earn', reason: 'معرفی · referral.qualified' }]);
    await verifyClean(ws);
  });

  it('a complaint\'s goodwill coupon gives one code of the named coupon reward once, never points, even under a fixed-points rule; a points gesture earns points', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    await call(ws, 'POST', '/api/loyalty/programs', { name: 'دلجویی', settings: { events: [{ topic: 'complaint.goodwill', points: 50 }] } });
    const reward = await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: 'کد تخفیف دلجویی', en: 'Apology discount' }, pointsCost: 500 });
    expect(reward.status, JSON.stringify(reward.body)).toBe(201);
    const generated = await t.app.inject({
      method: 'POST', url: `/api/loyalty/rewards/${reward.body.id}/codes/generate`, headers: { ...t.auth(ws.keys.owner), 'idempotency-key': 'codes-1' }, payload: { count: 3 },
    });
    expect(generated.statusCode, generated.body).toBe(201);
    const gift = await call(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'لیوان' }, pointsCost: 10 });

    const current = (await call(ws, 'GET', '/api/complaint-settings')).body;
    const { defaultRecourse: _d, noticeTemplates: _n, ...editable } = current;
    const save = (onFiling: unknown) => call(ws, 'PUT', '/api/complaint-settings', { ...editable, goodwill: { onFiling, onResolution: null } });
    // a coupon must name a discount-coupon reward of the workspace
    const unnamed = await save({ kind: 'coupon', amount: 500_000, currency: 'IRR' });
    expect(unnamed.status).toBe(422);
    expect(unnamed.body.code).toBe('goodwill_coupon_reward_required');
    const notCoupon = await save({ kind: 'coupon', amount: 500_000, currency: 'IRR', rewardId: gift.body.id });
    expect(notCoupon.status).toBe(422);
    expect(notCoupon.body.code).toBe('reward_not_coupon');
    const saved = await save({ kind: 'coupon', amount: 500_000, currency: 'IRR', rewardId: reward.body.id });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.goodwill.onFiling.rewardId).toBe(reward.body.id);

    const customer = await createCustomer(t, ws);
    const opened = await call(ws, 'POST', '/api/complaints', { channel: 'phone', customerId: customer.id, description: 'بسته شکسته رسید.' }, 'agent');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const coupons = async () => (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/coupons`)).body.items;
    const [given] = await eventually(async () => { const items = await coupons(); return items.length === 1 && items; }, 'the goodwill coupon');
    expect(given).toMatchObject({ rewardId: reward.body.id, points: 0, status: 'active', entryId: null });

    // the gesture delivered again, then a points gesture (the rule's 50) as a marker: once its points are there, the replay has been handled
    const { rows: [gesture] } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.goodwill'`, [ws.tenantId]);
    expect(gesture.payload).toMatchObject({ kind: 'coupon', rewardId: reward.body.id });
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, [
      { topic: 'complaint.goodwill', payload: gesture.payload },
      { topic: 'complaint.goodwill', payload: { ...gesture.payload, kind: 'points', amount: 120, rewardId: undefined, currency: undefined, idempotencyKey: `complaint-goodwill:${opened.body.id}:resolution` } },
    ]));
    await eventually(async () => (await balance(ws, customer.id)).available === 50, 'the points gesture\'s points');
    await delivered(ws);
    expect(await coupons()).toHaveLength(1);
    expect((await balance(ws, customer.id)).available).toBe(50);
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward.body.id}/codes`)).body).toMatchObject({ available: 2, assigned: 1 });
    // the coupon earned nothing in the program: its one award is the points gesture's
    const { rows: awards } = await t.database.pool.query(`SELECT source_key, points FROM loyalty_awards WHERE tenant_id = $1`, [ws.tenantId]);
    expect(awards).toEqual([{ source_key: `event:complaint.goodwill:complaint-goodwill:${opened.body.id}:resolution`, points: 50 }]);

    // cancelling a gift gives no points back (it spent none) and returns the unused code to the pool
    const cancelled = await t.app.inject({
      method: 'POST', url: `/api/loyalty/coupon-redemptions/${given.id}/cancellation`, headers: { ...t.auth(ws.keys.owner), 'idempotency-key': 'cancel-1' }, payload: { reason: 'اشتباه' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', codeReturned: true, cancelEntryId: null, entry: null });
    expect((await call(ws, 'GET', `/api/loyalty/rewards/${reward.body.id}/codes`)).body).toMatchObject({ available: 3 });
    expect((await balance(ws, customer.id)).available).toBe(50);
    await verifyClean(ws);
  });
});
