import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { memberPortalHistory } from './member-portal.service.ts';

// Actions a shop reports (POST /api/loyalty/events) earning by a program's action rules, end to
// end through the outbox relay and the subscriber: once per external id, the rating condition,
// the daily cap under concurrency, tier multipliers, qualifying or not, and workspaces apart.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'all', env: { VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, role: Role = 'owner', headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method, url, headers: { ...t.auth(ws.keys[role]), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

const balance = async (ws: TestWorkspace, customerId: string) => (await call(ws, 'GET', `/api/loyalty/members/${customerId}`)).body;
const report = (ws: TestWorkspace, body: unknown, role: Role = 'owner', headers: Record<string, string> = {}) => call(ws, 'POST', '/api/loyalty/events', body, role, headers);

/** Every event of the workspace relayed and every action job of it done. */
async function delivered(ws: TestWorkspace): Promise<void> {
  await eventually(async () => {
    const { rows: [left] } = await t.database.pool.query(`
      SELECT (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id))
           + (SELECT count(*) FROM pgboss.job WHERE name = 'on.loyalty.action-events' AND data->>'tenantId' = $1::text
                AND state NOT IN ('completed', 'failed', 'cancelled')) AS n`, [ws.tenantId]);
    return Number(left.n) === 0;
  }, 'the action events delivered and handled');
}

async function awards(ws: TestWorkspace): Promise<{ source_key: string; points: number }[]> {
  const { rows } = await t.database.pool.query(`SELECT source_key, points::int AS points FROM loyalty_awards WHERE tenant_id = $1 ORDER BY source_key`, [ws.tenantId]);
  return rows;
}

async function verifyClean(ws: TestWorkspace) {
  await expectLedgerBalanced(t, ws.tenantId);
  expect((await call(ws, 'GET', '/api/loyalty/verify')).body.ok).toBe(true);
}

const REVIEW_RULE = { type: 'review', points: 20, condition: { attribute: 'rating', op: 'gte', value: 4 } };

describe('reported actions earn by the program\'s rules', () => {
  it('a review earns once per external id, only when its rating meets the condition, and the histories say it was a review', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه', settings: { actions: [REVIEW_RULE], expiry: { kind: 'rolling', days: 365 } } });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    expect(program.body.settings.actions).toEqual([REVIEW_RULE]);
    const customer = await createCustomer(t, ws, { externalId: 'shop-cust-1' });

    const first = await report(ws, { type: 'review', customerId: customer.id, externalId: 'rev-1', attributes: { rating: 5, sku: 'SKU-9', has_text: true } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ type: 'review', customerId: customer.id, externalId: 'rev-1', attributes: { rating: 5, sku: 'SKU-9', has_text: true } });
    // The same review again (by the shop's own customer reference, its attributes in another order) answers the first.
    const again = await report(ws, { type: 'review', customerRef: 'shop-cust-1', externalId: 'rev-1', attributes: { has_text: true, sku: 'SKU-9', rating: 5 } });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual(first.body);
    // A rating of 3 earns nothing; "4" as text meets "at least 4".
    expect((await report(ws, { type: 'review', customerId: customer.id, externalId: 'rev-2', attributes: { rating: 3 } })).status).toBe(201);
    expect((await report(ws, { type: 'review', customerId: customer.id, externalId: 'rev-3', attributes: { rating: '4' } })).status).toBe(201);
    expect((await report(ws, { type: 'review', customerId: customer.id, externalId: 'rev-4' })).status).toBe(201);

    await eventually(async () => (await balance(ws, customer.id)).available === 40 || undefined, 'the reviews\' points');
    await delivered(ws);
    // The event redelivered through the outbox earns nothing more.
    const { rows: [published] } = await t.database.pool.query(
      `SELECT topic, payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'loyalty.action_reported' AND payload->>'externalId' = 'rev-1'`, [ws.tenantId]);
    const { publishEvents } = await import('../../platform/events/outbox.ts');
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, [{ topic: published.topic, payload: published.payload }]));
    await delivered(ws);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 40, pending: 0, qualifying: 40 });
    expect(await awards(ws)).toEqual([
      { source_key: 'action:review:rev-1', points: 20 },
      { source_key: 'action:review:rev-3', points: 20 },
    ]);
    const { rows: [{ n: recorded }] } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_customer_events WHERE tenant_id = $1`, [ws.tenantId]);
    expect(recorded).toBe(4);

    // Staff history: the entry's source says it was a review (the screen names it); the portal's cause is `review`.
    const staff = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/entries`)).body.items;
    expect(staff.filter((e: { kind: string }) => e.kind === 'earn').map((e: { source: string; externalId: string; reason: string }) => [e.source, e.externalId, e.reason]).sort())
      .toEqual([['system:event:review', 'rev-1', 'باشگاه'], ['system:event:review', 'rev-3', 'باشگاه']]);
    const portal = await memberPortalHistory(t.database.db, ws.tenantId, customer.id, { limit: 30 });
    expect(portal.items.map((i) => [i.cause, i.points, i.note])).toEqual([['review', 20, null], ['review', 20, null]]);
    await verifyClean(ws);
  });

  it('the daily cap holds under 20 concurrent reviews of one member; balances equal postings after', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه', settings: { actions: [{ type: 'review', points: 7, perDay: 3 }] } });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const customer = await createCustomer(t, ws);
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => report(ws, { type: 'review', customerId: customer.id, externalId: `r-${i}` })));
    expect(sent.map((s) => s.status)).toEqual(Array(20).fill(201));
    await delivered(ws);
    const got = await awards(ws);
    expect(got).toHaveLength(20);
    expect(got.filter((a) => a.points > 0)).toHaveLength(3);
    expect(got.reduce((n, a) => n + a.points, 0)).toBe(21);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 21, qualifying: 21 });
    await verifyClean(ws);
  });

  it('a custom action earns by its rule (per-period cap, not qualifying), a tier multiplies review points, and an undefined action is refused', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const program = await call(ws, 'POST', '/api/loyalty/programs', {
      name: 'باشگاه',
      settings: {
        actions: [
          { type: 'review', points: 60 },
          { type: 'custom', key: 'app_installed', name: 'نصب اپ', points: 30, perPeriod: { count: 1, days: 30 }, qualifying: false },
        ],
      },
    });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const silver = await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/tiers`, { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 50, multiplierPercent: 150 });
    expect(silver.status, JSON.stringify(silver.body)).toBe(201);
    const customer = await createCustomer(t, ws);

    expect((await report(ws, { type: 'app_installed', customerId: customer.id, externalId: 'i-1' })).status).toBe(201);
    expect((await report(ws, { type: 'app_installed', customerId: customer.id, externalId: 'i-2' })).status).toBe(201);
    await delivered(ws);
    // Spendable only, and once in 30 days.
    expect(await balance(ws, customer.id)).toMatchObject({ available: 30, qualifying: 0 });

    // The first review (60 qualifying points) lifts the member to Silver; the second earns 60 × 1.5.
    expect((await report(ws, { type: 'review', customerId: customer.id, externalId: 'rv-1' })).status).toBe(201);
    await delivered(ws);
    expect((await report(ws, { type: 'review', customerId: customer.id, externalId: 'rv-2' })).status).toBe(201);
    await delivered(ws);
    expect(await balance(ws, customer.id)).toMatchObject({ available: 180, qualifying: 150 });
    // Which of the two installs came first is the relay's order: one earned, the other was capped.
    const got = await awards(ws);
    expect(got.filter((a) => a.source_key.startsWith('action:app_installed:')).map((a) => a.points).sort((x, y) => x - y)).toEqual([0, 30]);
    expect(got.filter((a) => a.source_key.startsWith('action:review:'))).toEqual([
      { source_key: 'action:review:rv-1', points: 60 },
      { source_key: 'action:review:rv-2', points: 90 },
    ]);
    const portal = await memberPortalHistory(t.database.db, ws.tenantId, customer.id, { limit: 30 });
    expect(portal.items.filter((i) => i.kind === 'earn').map((i) => i.cause)).toEqual(['review', 'review', 'program_event']);

    const unknown = await report(ws, { type: 'newsletter_signup', customerId: customer.id, externalId: 'n-1' }, 'owner', { 'accept-language': 'fa' });
    expect(unknown.status).toBe(422);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.body.code).toBe('unknown_event_type');
    expect(unknown.body.detail).toMatch(/newsletter_signup/);
    expect(unknown.body.detail).toMatch(/برنامه/);
    await verifyClean(ws);
  });

  it('caps each action by its own key (an underscore is no wildcard), and an unnamed action\'s entry names the program, not its Latin key', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const program = await call(ws, 'POST', '/api/loyalty/programs', {
      name: 'باشگاه',
      settings: {
        actions: [
          { type: 'custom', key: 'app_installed', points: 30, perPeriod: { count: 1, days: 30 } },
          { type: 'custom', key: 'app1installed', name: 'نصب نسخهٔ یک', points: 10, perPeriod: { count: 1, days: 30 } },
        ],
      },
    });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const customer = await createCustomer(t, ws);
    expect((await report(ws, { type: 'app1installed', customerId: customer.id, externalId: 'w-1' })).status).toBe(201);
    await delivered(ws);
    expect((await report(ws, { type: 'app_installed', customerId: customer.id, externalId: 'w-2' })).status).toBe(201);
    await delivered(ws);
    // app_installed's cap counts only its own awards: `action:app_installed:%` as a LIKE pattern also matched app1installed's.
    expect(await balance(ws, customer.id)).toMatchObject({ available: 40 });
    const { rows } = await t.database.pool.query<{ source: string; reason: string }>(
      `SELECT source, reason FROM loyalty_entries WHERE tenant_id = $1 AND customer_id = $2 AND kind = 'earn' ORDER BY id`, [ws.tenantId, customer.id]);
    expect(rows).toEqual([
      { source: 'system:event:action.app1installed', reason: 'باشگاه · نصب نسخهٔ یک' },
      { source: 'system:event:action.app_installed', reason: 'باشگاه' },
    ]);
    await verifyClean(ws);
  });

  it('refuses garbage, another workspace\'s customer, a conflicting replay and roles without loyalty:write; bad rules are refused when saving', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    await call(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه', settings: { actions: [{ type: 'review', points: 5 }] } });
    const stranger = await createCustomer(t, other, { externalId: 'theirs-1' });
    const mine = await createCustomer(t, ws);

    const foreign = await report(ws, { type: 'review', customerId: stranger.id, externalId: 'x-1' }, 'owner', { 'accept-language': 'ar' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('unknown_customer');
    expect((await report(ws, { type: 'review', customerRef: 'theirs-1', externalId: 'x-2' })).body.code).toBe('unknown_customer');
    const both = await report(ws, { type: 'review', customerId: mine.id, customerRef: 'a', externalId: 'x-3' }, 'owner', { 'accept-language': 'en' });
    expect([both.status, both.body.code]).toEqual([422, 'event_customer_required']);
    const bad = await report(ws, { type: 'Review!', customerId: mine.id, externalId: '', attributes: { rating: { $gt: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(typeof bad.body.code).toBe('string');
    expect((await report(ws, { type: 'review', customerId: mine.id, externalId: 'x-4', occurredAt: '2999-01-01T00:00:00Z' })).status).toBe(400);

    expect((await report(ws, { type: 'review', customerId: mine.id, externalId: 'x-5', attributes: { rating: 5 } })).status).toBe(201);
    const conflict = await report(ws, { type: 'review', customerId: mine.id, externalId: 'x-5', attributes: { rating: 1 } });
    expect([conflict.status, conflict.body.code]).toEqual([409, 'external_id_conflict']);

    expect((await report(ws, { type: 'review', customerId: mine.id, externalId: 'x-6' }, 'analyst')).status).toBe(403);
    expect((await report(ws, { type: 'review', customerId: mine.id, externalId: 'x-7' }, 'agent')).status).toBe(201);

    // With an Idempotency-Key, a replay answers the first.
    const keyed = await report(ws, { type: 'review', customerId: mine.id, externalId: 'x-8' }, 'owner', { 'idempotency-key': 'k-8' });
    const keyedAgain = await report(ws, { type: 'review', customerId: mine.id, externalId: 'x-8' }, 'owner', { 'idempotency-key': 'k-8' });
    expect([keyed.status, keyedAgain.status]).toEqual([201, 201]);
    expect(keyedAgain.body).toEqual(keyed.body);

    const save = (actions: unknown) => call(ws, 'POST', '/api/loyalty/programs', { name: 'دیگر', settings: { actions } }, 'owner', { 'accept-language': 'fa' });
    expect((await save([{ type: 'custom', points: 5 }])).body.code).toBe('action_key_required');
    expect((await save([{ type: 'review', points: 5 }, { type: 'review', points: 6 }])).body.code).toBe('action_rule_repeated');
    expect((await save([{ type: 'review', points: 5, condition: { attribute: 'rating', op: 'gte' } }])).body.code).toBe('action_condition_value_required');
    expect((await save([{ type: 'review', points: 5, condition: { attribute: 'rating', op: 'gte', value: 'high' } }])).body.code).toBe('action_condition_number_required');
    expect((await save([{ type: 'custom', key: 'review', points: 5 }])).body.code).toBe('action_key_reserved');
    expect((await save([{ type: 'review', points: 0 }])).status).toBe(400);
    await delivered(other);
    expect((await call(other, 'GET', `/api/loyalty/members/${stranger.id}`)).status).not.toBe(500);
    const { rows: [{ n }] } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_customer_events WHERE tenant_id = $1`, [other.tenantId]);
    expect(n).toBe(0);
  });
});
