import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, recordOrder } from '../../../test/factories.ts';
import { startTestApp, TEST_PASSWORD, type TestApp, type TestSession, type TestWorkspace } from '../../../test/harness.ts';
import type { DomainEvent } from '../../platform/events/outbox.ts';
import { SESSION_COOKIE } from '../../platform/http/server.ts';
import { addBusinessMinutes } from '../../platform/time/business-hours.ts';
import { addMember, openSession } from '../team/index.ts';
import { escalateOverdueFollowupsJob } from './followup.jobs.ts';
import { handleEvents } from './automation.engine.ts';
import { openFollowup, openFollowups } from './followup.service.ts';

// Role 'all': the outbox relay delivers order.placed to the repurchase subscriber.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 120_000);
afterAll(() => t?.close());

type Headers = Record<string, string>;
const owner = (ws: TestWorkspace): Headers => t.auth(ws.keys.owner);
const as = (user: TestSession): Headers => t.session(user);

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json(), type: String(res.headers['content-type']) };
}

async function open(ws: TestWorkspace, body: Record<string, unknown>) {
  const res = await call('POST', '/api/followups', owner(ws), { reason: 'after_interaction', dueInBusinessHours: 4, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Another signed-in member of the workspace. */
async function addUser(ws: TestWorkspace, role: 'agent' | 'manager'): Promise<TestSession> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.test`;
  return t.database.db.transaction(async (tx) => {
    const account = await addMember(tx, ws.tenantId, { email, displayName: email, password: TEST_PASSWORD, role });
    const session = await openSession(tx, account.id, ws.tenantId);
    return { accountId: account.id, email, password: TEST_PASSWORD, cookie: `${SESSION_COOKIE}=${session.token}`, csrfToken: session.csrfToken };
  });
}

describe('due time in business hours', () => {
  it('skips the Friday weekend and a holiday of an IR workspace, holidays set through PATCH /api/workspace', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const patched = await call('PATCH', '/api/workspace', owner(ws), { holidays: ['2026-11-28', '2026-03-21'] });
    expect(patched.status).toBe(200);
    expect(patched.body.holidays).toEqual(['2026-03-21', '2026-11-28']);
    expect((await call('GET', '/api/workspace', owner(ws))).body.holidays).toEqual(['2026-03-21', '2026-11-28']);

    const customer = await createCustomer(t, ws);
    // Thursday 2026-11-26 15:00 Tehran + 4 business hours: Thursday 15–17, Friday weekend,
    // Saturday a holiday, Sunday 09–11.
    const { id, dueAt } = await t.database.db.transaction((tx) =>
      openFollowup(tx, ws.tenantId, { customerId: customer.id, reason: 'negative_experience', source: {}, dueInBusinessHours: 4 }, new Date('2026-11-26T15:00:00+03:30')));
    expect(dueAt.toISOString()).toBe(new Date('2026-11-29T11:00:00+03:30').toISOString());
    expect((await call('GET', `/api/followups/${id}`, owner(ws))).body.dueAt).toBe(dueAt.toISOString());

    // Without the holiday Saturday counts.
    await call('PATCH', '/api/workspace', owner(ws), { holidays: [] });
    const again = await t.database.db.transaction((tx) =>
      openFollowup(tx, ws.tenantId, { customerId: customer.id, reason: 'x', source: {}, dueInBusinessHours: 4 }, new Date('2026-11-26T15:00:00+03:30')));
    expect(again.dueAt.toISOString()).toBe(new Date('2026-11-28T11:00:00+03:30').toISOString());
  });

  it('computes the due time of a follow-up opened over HTTP in the workspace calendar', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const workspace = (await call('GET', '/api/workspace', owner(ws))).body;
    const customer = await createCustomer(t, ws, { phone: '+966501234567' });
    const created = await open(ws, { customerId: customer.id, dueInBusinessHours: 1.5 });
    const expected = addBusinessMinutes(new Date(created.createdAt), 90, workspace);
    expect(created.dueAt).toBe(expected.toISOString());
  });

  it('refuses bad holidays', async () => {
    const ws = await t.createWorkspace();
    const empty = (await call('GET', '/api/followups/metrics', owner(ws))).body;
    expect(empty.counts).toEqual({ opened: 0, done: 0, open: 0, overdue: 0 });
    expect(empty.waiting.businessMinutes).toEqual({ count: 0, mean: null, p50: null, p90: null });
    expect(empty.churnSave).toEqual({ eligible: 0, repurchased: 0, rate: null });
    for (const holidays of [['2026-02-30'], ['2026-11-28', '2026-11-28'], ['tomorrow'], '2026-11-28']) {
      const res = await call('PATCH', '/api/workspace', owner(ws), { holidays });
      expect(res.status, JSON.stringify(holidays)).toBe(400);
      expect(res.type).toContain('application/problem+json');
    }
  });
});

describe('assignment and the queue', () => {
  it('assigns round-robin among the agents', async () => {
    const ws = await t.createWorkspace();
    const second = await addUser(ws, 'agent');
    const customer = await createCustomer(t, ws);
    const assignees = [];
    for (let i = 0; i < 4; i++) assignees.push((await open(ws, { customerId: customer.id })).assigneeId);
    expect(new Set(assignees.slice(0, 2))).toEqual(new Set([ws.users.agent.accountId, second.accountId]));
    expect(assignees[2]).toBe(assignees[0]);
    expect(assignees[3]).toBe(assignees[1]);
  });

  it("shows an agent their own and unassigned follow-ups, soonest due first, with the customer's contact", async () => {
    const ws = await t.createWorkspace();
    const other = await addUser(ws, 'agent');
    const agent = ws.users.agent;
    const customer = await createCustomer(t, ws, { name: 'رضا', language: 'fa' });
    const mineLater = await open(ws, { customerId: customer.id, assigneeId: agent.accountId, dueInBusinessHours: 20 });
    const unassignedSooner = await open(ws, { customerId: customer.id, assigneeId: null, dueInBusinessHours: 2 });
    const mineSoonest = await open(ws, { customerId: customer.id, assigneeId: agent.accountId, dueInBusinessHours: 1 });
    await open(ws, { customerId: customer.id, assigneeId: other.accountId, dueInBusinessHours: 0.5 });

    const queue = await call('GET', '/api/followups', as(agent));
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((f: { id: string }) => f.id)).toEqual([mineSoonest.id, unassignedSooner.id, mineLater.id]);
    expect(queue.body.items[0].customer).toMatchObject({ id: customer.id, name: 'رضا', language: 'fa', phone: customer.phone });

    const mine = await call('GET', '/api/followups?assignee=me', as(agent));
    expect(mine.body.items.map((f: { id: string }) => f.id)).toEqual([mineSoonest.id, mineLater.id]);

    // keyset pages walk the same order
    const first = await call('GET', '/api/followups?limit=2', as(agent));
    expect(first.body.items).toHaveLength(2);
    const rest = await call('GET', `/api/followups?limit=2&cursor=${first.body.nextCursor}`, as(agent));
    expect(rest.body.items.map((f: { id: string }) => f.id)).toEqual([mineLater.id]);
    expect(rest.body.nextCursor).toBeNull();

    // a manager sees everyone's
    expect((await call('GET', '/api/followups', as(ws.users.manager))).body.items).toHaveLength(4);
    expect((await call('GET', `/api/customers/${customer.id}/followups`, as(agent))).body.items).toHaveLength(4);
    expect((await call('GET', '/api/followups?assignee=unassigned', as(agent))).body.items.map((f: { id: string }) => f.id)).toEqual([unassignedSooner.id]);
  });
});

describe('follow-ups of a batch of events', () => {
  it("opens a batch of detractors' follow-ups together as one event at a time would: one each, round-robin in order, on the timeline, announced", async () => {
    const ws = await t.createWorkspace();
    await addUser(ws, 'agent');
    const customers = [];
    for (let i = 0; i < 5; i++) customers.push(await createCustomer(t, ws));
    // One opened by hand first: the batch continues the rotation from there.
    const byHand = await open(ws, { customerId: customers[0]!.id });
    const at = new Date().toISOString();
    const base = 8_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const batch: DomainEvent[] = customers.map((c, n) => ({
      tenantId: ws.tenantId, id: base + n, topic: 'feedback.negative', occurredAt: at,
      payload: { surveyId: randomUUID(), responseId: randomUUID(), customerId: c.id, reason: 'nps', score: n, channel: 'email', occurredAt: at },
    }));
    await handleEvents(t.database, batch);
    await handleEvents(t.database, batch); // delivered again: nothing twice

    const { rows } = await t.database.pool.query<{ id: string; customer_id: string; assignee_id: string; priority: string; reason: string; source: { eventId: number } }>(
      `SELECT id, customer_id, assignee_id, priority, reason, source FROM followups WHERE tenant_id = $1 AND rule_id IS NOT NULL`, [ws.tenantId]);
    const byCustomer = new Map(rows.map((r) => [r.customer_id, r]));
    expect(rows).toHaveLength(customers.length);
    const assignees = customers.map((c) => byCustomer.get(c.id)!.assignee_id);
    const other = assignees.find((a) => a !== byHand.assigneeId)!;
    expect(assignees).toEqual([other, byHand.assigneeId, other, byHand.assigneeId, other]);
    for (const [n, c] of customers.entries()) {
      expect(byCustomer.get(c.id)).toMatchObject({ priority: 'urgent', reason: 'negative_experience', source: { eventId: base + n } });
    }

    const ids = rows.map((r) => r.id).sort();
    const timeline = await t.database.pool.query(`SELECT customer_id, data FROM touchpoints WHERE tenant_id = $1 AND kind = 'followup.opened'`, [ws.tenantId]);
    expect(timeline.rows.filter((r) => r.data.followupId !== byHand.id).map((r) => [r.data.followupId, r.customer_id]).sort())
      .toEqual(rows.map((r) => [r.id, r.customer_id]).sort());
    const events = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'followup.opened'`, [ws.tenantId]);
    expect(events.rows.map((r) => r.payload.followupId).filter((id) => id !== byHand.id).sort()).toEqual(ids);
    const runs = await t.database.pool.query(`SELECT actions FROM automation_runs WHERE tenant_id = $1 AND status = 'done'`, [ws.tenantId]);
    expect(runs.rows.map((r) => r.actions[0].followupId).sort()).toEqual(ids);
  });

  it('opens none of a batch when one customer cannot have a follow-up, and names the refusal', async () => {
    const ws = await t.createWorkspace();
    const kept = await createCustomer(t, ws);
    const erased = await createCustomer(t, ws);
    await t.database.pool.query('UPDATE customers SET erased_at = now() WHERE tenant_id = $1 AND id = $2', [ws.tenantId, erased.id]);
    const input = (customerId: string) => ({ id: randomUUID(), customerId, reason: 'x', source: {}, dueInBusinessHours: 4 });
    await expect(t.database.db.transaction((tx) => openFollowups(tx, ws.tenantId, [input(kept.id), input(erased.id)])))
      .rejects.toMatchObject({ status: 422, code: 'customer_erased' });
    const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM followups WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows[0].n).toBe(0);
  });
});

describe('attempts and outcomes', () => {
  it('keeps a follow-up open on no answer, closes it when reached, refuses closing twice', async () => {
    const ws = await t.createWorkspace();
    const agent = ws.users.agent;
    const customer = await createCustomer(t, ws);
    const f = await open(ws, { customerId: customer.id, assigneeId: agent.accountId });

    const noAnswer = await call('POST', `/api/followups/${f.id}/attempts`, as(agent), { outcome: 'no_answer', note: 'زنگ زدم، جواب نداد' });
    expect(noAnswer.status).toBe(200);
    expect(noAnswer.body).toMatchObject({ status: 'open', outcome: 'no_answer', completedAt: null });
    expect(noAnswer.body.firstResponseAt).not.toBeNull();

    const reached = await call('POST', `/api/followups/${f.id}/attempts`, as(agent), { outcome: 'reached' });
    expect(reached.body).toMatchObject({ status: 'done', outcome: 'reached', firstResponseAt: noAnswer.body.firstResponseAt });
    expect(reached.body.completedAt).not.toBeNull();
    expect(reached.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['no_answer', 'reached']);
    expect(reached.body.attempts[0]).toMatchObject({ note: 'زنگ زدم، جواب نداد', actorId: `user:${agent.accountId}` });

    const twice = await call('POST', `/api/followups/${f.id}/attempts`, as(agent), { outcome: 'resolved' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('followup_closed');

    // the customer's timeline shows the follow-up with its latest state
    const timeline = await call('GET', `/api/customers/${customer.id}/timeline`, owner(ws));
    const entry = timeline.body.items.find((i: { kind: string }) => i.kind === 'followup.opened');
    expect(entry).toMatchObject({ externalId: `followup:${f.id}`, data: { status: 'done', outcome: 'reached' } });
    // opening a follow-up is not the customer's activity
    const seen = await call('GET', `/api/customers/${customer.id}`, owner(ws));
    expect(seen.body.lastSeenAt).toBeNull();

    const events = await t.database.pool.query(`SELECT topic FROM outbox_events WHERE tenant_id = $1 AND topic LIKE 'followup.%' ORDER BY id`, [ws.tenantId]);
    expect(events.rows.map((r) => r.topic)).toEqual(['followup.opened', 'followup.attempted', 'followup.attempted', 'followup.completed']);
  });

  it('hands an escalated follow-up to a manager as urgent', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const f = await open(ws, { customerId: customer.id, assigneeId: ws.users.agent.accountId });
    const res = await call('POST', `/api/followups/${f.id}/attempts`, as(ws.users.agent), { outcome: 'escalated', note: 'wants a refund' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'open', outcome: 'escalated', priority: 'urgent', assigneeId: ws.users.manager.accountId });
    expect(res.body.escalatedAt).not.toBeNull();
    // the agent no longer holds it
    const again = await call('POST', `/api/followups/${f.id}/attempts`, as(ws.users.agent), { outcome: 'reached' });
    expect(again.status).toBe(403);
  });

  it("does not let an agent act on another agent's follow-up, but on an unassigned one", async () => {
    const ws = await t.createWorkspace();
    const other = await addUser(ws, 'agent');
    const customer = await createCustomer(t, ws);
    const theirs = await open(ws, { customerId: customer.id, assigneeId: other.accountId });
    const res = await call('POST', `/api/followups/${theirs.id}/attempts`, as(ws.users.agent), { outcome: 'reached' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('followup_not_yours');
    expect(res.type).toContain('application/problem+json');
    expect((await call('GET', `/api/followups/${theirs.id}`, owner(ws))).body).toMatchObject({ status: 'open', firstResponseAt: null, attempts: [] });

    const shared = await open(ws, { customerId: customer.id, assigneeId: null });
    expect((await call('POST', `/api/followups/${shared.id}/attempts`, as(ws.users.agent), { outcome: 'resolved' })).body.status).toBe('done');
    // a manager may act on anyone's
    expect((await call('POST', `/api/followups/${theirs.id}/attempts`, as(ws.users.manager), { outcome: 'reached' })).status).toBe(200);
    // agents cannot reassign
    expect((await call('PATCH', `/api/followups/${shared.id}`, as(ws.users.agent), { priority: 'urgent' })).status).toBe(403);
  });

  it('reassigns through PATCH and audits it', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const f = await open(ws, { customerId: customer.id, assigneeId: ws.users.agent.accountId });
    const res = await call('PATCH', `/api/followups/${f.id}`, as(ws.users.manager), { assigneeId: ws.users.manager.accountId, priority: 'urgent' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ assigneeId: ws.users.manager.accountId, priority: 'urgent' });
    const audit = await call('GET', '/api/audit-log', owner(ws));
    expect(audit.body.items.find((e: { action: string }) => e.action === 'followup.reassigned')).toMatchObject({
      targetId: f.id, details: { from: ws.users.agent.accountId, to: ws.users.manager.accountId },
    });
    const analyst = await call('PATCH', `/api/followups/${f.id}`, owner(ws), { assigneeId: ws.users.analyst.accountId });
    expect(analyst.status).toBe(422);
    expect(analyst.body.code).toBe('invalid_assignee');
  });
});

describe('overdue escalation', () => {
  it('escalates open follow-ups past due once, as urgent, and publishes followup.overdue', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const late = await open(ws, { customerId: customer.id });
    const onTime = await open(ws, { customerId: customer.id, dueInBusinessHours: 40 });
    const closed = await open(ws, { customerId: customer.id });
    const past = new Date(Date.now() - 3_600_000).toISOString();
    for (const f of [late, closed]) expect((await call('PATCH', `/api/followups/${f.id}`, owner(ws), { dueAt: past })).status).toBe(200);
    await call('POST', `/api/followups/${closed.id}/attempts`, owner(ws), { outcome: 'resolved' });

    const context = { database: t.database, log: pino({ level: 'silent' }), queue: t.vafa.queue, clock: { now: () => new Date() } };
    await escalateOverdueFollowupsJob.run({}, context);
    const escalated = (await call('GET', `/api/followups/${late.id}`, owner(ws))).body;
    expect(escalated).toMatchObject({ priority: 'urgent', overdue: true, status: 'open' });
    expect(escalated.escalatedAt).not.toBeNull();
    expect((await call('GET', `/api/followups/${onTime.id}`, owner(ws))).body).toMatchObject({ escalatedAt: null, priority: 'normal' });
    expect((await call('GET', `/api/followups/${closed.id}`, owner(ws))).body.escalatedAt).toBeNull();
    expect((await call('GET', '/api/followups?overdue=true', owner(ws))).body.items.map((f: { id: string }) => f.id)).toEqual([late.id]);

    await escalateOverdueFollowupsJob.run({}, context);
    expect((await call('GET', `/api/followups/${late.id}`, owner(ws))).body.escalatedAt).toBe(escalated.escalatedAt);
    const events = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'followup.overdue'`, [ws.tenantId]);
    expect(events.rows.map((r) => r.payload.followupId)).toEqual([late.id]);
  });
});

describe('repurchase and metrics', () => {
  it('marks a follow-up repurchased when the customer orders again after it, and counts it as saved', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const f = await open(ws, { customerId: customer.id });
    // An order from before the follow-up does not count; one placed after it does.
    await recordOrder(t, ws, customer.id, { placedAt: new Date(Date.now() - 2 * 86_400_000) });
    const placedAt = new Date();
    await recordOrder(t, ws, customer.id, { placedAt });
    let view;
    for (let i = 0; i < 100; i++) {
      view = (await call('GET', `/api/followups/${f.id}`, owner(ws))).body;
      if (view.repurchasedAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(view.repurchasedAt).toBe(placedAt.toISOString());
    const metrics = await call('GET', '/api/followups/metrics', owner(ws));
    expect(metrics.body.churnSave).toEqual({ eligible: 1, repurchased: 1, rate: 1 });
  });

  it('reports counts, first-response and waiting times, outcomes and churn saved as computed by hand', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const customer = await createCustomer(t, ws);
    const agent = ws.users.agent.accountId;
    const manager = ws.users.manager.accountId;
    const f1 = await open(ws, { customerId: customer.id, assigneeId: agent });
    const f2 = await open(ws, { customerId: customer.id, assigneeId: agent });
    const f3 = await open(ws, { customerId: customer.id, assigneeId: manager });
    const outside = await open(ws, { customerId: customer.id, assigneeId: manager });
    // Fixed history (Tehran, Friday weekend, 09:00–17:00):
    // f1 Sun 2026-11-15 10:00 → reached 11:00: first response and wait 60 wall = 60 business minutes.
    // f2 Wed 2026-11-18 16:00 → first response Thu 10:00 (1,080 wall, 120 business) → resolved
    //    Sat 10:00 (3,960 wall; Wed 60 + Thu 480 + Sat 60 = 600 business).
    // f3 opened 2026-07-01, never answered, still open and overdue.
    const set = (id: string, columns: string) => t.database.pool.query(`UPDATE followups SET ${columns} WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, id]);
    await set(f1.id, `created_at = '2026-11-15T06:30:00Z', due_at = '2026-11-15T10:30:00Z', first_response_at = '2026-11-15T07:30:00Z',
      completed_at = '2026-11-15T07:30:00Z', status = 'done', outcome = 'reached', repurchased_at = '2026-11-20T00:00:00Z'`);
    await set(f2.id, `created_at = '2026-11-18T12:30:00Z', due_at = '2026-11-19T08:30:00Z', first_response_at = '2026-11-19T06:30:00Z',
      completed_at = '2026-11-21T06:30:00Z', status = 'done', outcome = 'resolved', repurchased_at = '2026-11-25T00:00:00Z'`);
    await set(f3.id, `created_at = '2026-07-01T06:30:00Z', due_at = '2026-07-01T10:30:00Z'`);
    await set(outside.id, `created_at = '2026-05-01T06:30:00Z'`);

    const res = await call('GET', '/api/followups/metrics?from=2026-06-01T00:00:00Z&to=2026-11-22T00:00:00Z', owner(ws));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const m = res.body;
    expect(m.counts).toEqual({ opened: 3, done: 2, open: 1, overdue: 1 });
    expect(m.firstResponse.wallMinutes.count).toBe(2);
    expect(m.firstResponse.wallMinutes.mean).toBeCloseTo(570, 6);
    expect(m.firstResponse.wallMinutes.p50).toBeCloseTo(570, 6);
    expect(m.firstResponse.wallMinutes.p90).toBeCloseTo(60 + 0.9 * 1020, 6);
    expect(m.firstResponse.businessMinutes.mean).toBeCloseTo(90, 6);
    expect(m.firstResponse.businessMinutes.p50).toBeCloseTo(90, 6);
    expect(m.firstResponse.businessMinutes.p90).toBeCloseTo(114, 6);
    // f3 is still waiting, longer than both: the median is f2's wait.
    expect(m.waiting.wallMinutes.count).toBe(3);
    expect(m.waiting.wallMinutes.p50).toBeCloseTo(3960, 6);
    expect(m.waiting.businessMinutes.p50).toBeCloseTo(600, 6);
    const f3Wait = (Date.now() - Date.parse('2026-07-01T06:30:00Z')) / 60_000;
    expect(m.waiting.wallMinutes.mean).toBeGreaterThan((60 + 3960 + f3Wait - 5) / 3);
    expect(m.outcomes).toEqual({ reached: 1, no_answer: 0, resolved: 1, escalated: 0 });
    expect(m.byAssignee.find((a: { assigneeId: string }) => a.assigneeId === agent)).toEqual({
      assigneeId: agent, opened: 2, done: 2, open: 0, overdue: 0, firstResponseMeanMinutes: 570, waitingMeanMinutes: 2010,
    });
    expect(m.byAssignee.find((a: { assigneeId: string }) => a.assigneeId === manager)).toMatchObject({ opened: 1, open: 1, overdue: 1, firstResponseMeanMinutes: null });
    // f3 is over 90 days old without an order; f1 and f2 bought again.
    expect(m.churnSave.eligible).toBe(3);
    expect(m.churnSave.repurchased).toBe(2);
    expect(m.churnSave.rate).toBeCloseTo(2 / 3, 9);
  });
});

describe('customers merged and erased', () => {
  it("moves follow-ups to the surviving customer; on erasure drops agents' notes and closes what was open", async () => {
    const ws = await t.createWorkspace();
    const survivor = await createCustomer(t, ws);
    const duplicate = await createCustomer(t, ws);
    const f = await open(ws, { customerId: duplicate.id, assigneeId: ws.users.agent.accountId });
    await call('POST', `/api/followups/${f.id}/attempts`, as(ws.users.agent), { outcome: 'no_answer', note: 'شماره‌ی دوم را امتحان کن' });
    expect((await call('POST', `/api/customers/${survivor.id}/merge`, owner(ws), { sourceId: duplicate.id })).status).toBe(200);
    const moved = await call('GET', `/api/customers/${survivor.id}/followups`, owner(ws));
    expect(moved.body.items.map((i: { id: string }) => i.id)).toEqual([f.id]);
    expect((await call('GET', `/api/customers/${duplicate.id}/followups`, owner(ws))).body.items).toEqual([]);

    expect((await call('POST', `/api/customers/${survivor.id}/erase`, owner(ws))).status).toBe(200);
    const erased = await call('GET', `/api/followups/${f.id}`, owner(ws));
    expect(erased.body.attempts[0]).toMatchObject({ outcome: 'no_answer', note: null });
    // closed (keeping the last attempt's outcome), so it counts as neither open nor overdue
    expect(erased.body).toMatchObject({ status: 'done' });
    expect(erased.body.completedAt).not.toBeNull();
    // nobody is asked to call an erased customer
    expect((await call('GET', '/api/followups', owner(ws))).body.items).toEqual([]);
  });
});

describe('bad input', () => {
  it('answers 4xx problems for garbage and unknown references, writing nothing', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const f = await open(ws, { customerId: customer.id });
    const cases: [string, string, unknown, number, string?][] = [
      ['POST', '/api/followups', { customerId: 'nope', reason: 'x', dueInBusinessHours: 1 }, 400],
      ['POST', '/api/followups', { customerId: customer.id, reason: '', dueInBusinessHours: 1 }, 400],
      ['POST', '/api/followups', { customerId: customer.id, reason: 'x', dueInBusinessHours: -1 }, 400],
      ['POST', '/api/followups', { customerId: customer.id, reason: 'x', dueInBusinessHours: '۱' }, 400],
      ['POST', '/api/followups', { customerId: customer.id, reason: 'x', dueInBusinessHours: 1, extra: 1 }, 400],
      ['POST', '/api/followups', { customerId: '00000000-0000-4000-8000-000000000000', reason: 'x', dueInBusinessHours: 1 }, 422, 'unknown_customer'],
      ['POST', '/api/followups', { customerId: customer.id, reason: 'x', dueInBusinessHours: 1, assigneeId: ws.users.analyst.accountId }, 422, 'invalid_assignee'],
      ['POST', `/api/followups/${f.id}/attempts`, { outcome: 'maybe' }, 400],
      ['POST', `/api/followups/${f.id}/attempts`, [], 400],
      ['POST', '/api/followups/00000000-0000-4000-8000-000000000000/attempts', { outcome: 'reached' }, 404],
      ['PATCH', `/api/followups/${f.id}`, {}, 400],
      ['PATCH', `/api/followups/${f.id}`, { dueAt: 'tomorrow' }, 400],
      ['GET', '/api/followups?cursor=garbage', undefined, 400, 'invalid_cursor'],
      ['GET', '/api/followups?assignee=someone', undefined, 400],
      ['GET', '/api/followups?overdue=yes', undefined, 400],
      ['GET', '/api/followups/metrics?from=2026-11-22T00:00:00Z&to=2026-11-01T00:00:00Z', undefined, 400, 'invalid_period'],
      ['GET', '/api/followups/metrics?from=2020-01-01T00:00:00Z&to=2026-11-01T00:00:00Z', undefined, 400, 'invalid_period'],
      ['GET', '/api/customers/00000000-0000-4000-8000-000000000000/followups', undefined, 404],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const res = await call(method as 'GET', url, owner(ws), payload);
      const label = `${method} ${url} ${JSON.stringify(payload)} → ${res.status} ${JSON.stringify(res.body)}`;
      expect(res.status, label).toBe(status);
      expect(res.type, label).toContain('application/problem+json');
      if (code) expect(res.body.code, label).toBe(code);
    }
    const count = await t.database.pool.query('SELECT count(*)::int AS n FROM followups WHERE tenant_id = $1', [ws.tenantId]);
    expect(count.rows[0].n).toBe(1);
    expect((await call('GET', `/api/followups/${f.id}`, owner(ws))).body.attempts).toEqual([]);
  });
});
