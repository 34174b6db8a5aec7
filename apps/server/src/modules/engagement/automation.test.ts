import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createSegment, defineAttribute } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { eventually } from '../../../test/eventually.ts';
import { publishEvents, relayAgainFrom, type DomainEvent } from '../../platform/events/outbox.ts';
import { toIsoDate } from '../../platform/i18n/calendar.ts';
import { handleEvent, handleEvents } from './automation.engine.ts';
import { runDatedTriggers } from './automation.triggers.ts';

// Role 'all': the outbox relay hands events to the engine's subscriber, and the due-run
// worker performs delayed runs, as in production.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 120_000);
afterAll(() => t?.close());

async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers: t.auth(ws.keys.owner), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null, type: String(res.headers['content-type']) };
}

async function created(ws: TestWorkspace, url: string, payload: unknown) {
  const res = await call(ws, 'POST', url, payload);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function query<T = Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]> {
  return (await t.database.pool.query(text, values)).rows as T[];
}

const runsOf = (ws: TestWorkspace, ruleId: string) =>
  query<{ id: string; customer_id: string; status: string; reason: string | null; trigger_key: string; actions: { type: string; status: string; reason?: string; channel?: string }[] }>(
    'SELECT id, customer_id, status, reason, trigger_key, actions FROM automation_runs WHERE tenant_id = $1 AND rule_id = $2 ORDER BY id', [ws.tenantId, ruleId]);

async function touchpoint(ws: TestWorkspace, body: Record<string, unknown>) {
  return created(ws, '/api/touchpoints', { channel: 'web', stage: 'after-sale', occurredAt: new Date(Date.now() - 60_000).toISOString(), ...body });
}

const thankYou = {
  name: 'Thank you for your order',
  content: {
    fa: { subject: 'سپاس از خرید شما', text: 'سلام {name}، سفارش {orderNumber} به مبلغ {orderAmount} به دستتان رسید.' },
    en: { subject: 'Thank you', text: 'Dear {name}, order {orderNumber} ({orderAmount}) has arrived.' },
  },
};

describe('a delivered order → thank-you after the delay', () => {
  it("queues the message in the customer's language, by the preferred channel, falling back when it lacks consent", async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const template = await created(ws, '/api/templates', thankYou);
    const rule = await created(ws, '/api/automations', {
      name: 'Thank you two days after delivery',
      enabled: true,
      trigger: { type: 'event', topic: 'order.delivered' },
      delay: { days: 2 },
      actions: [{ type: 'send_message', templateId: template.id, channel: 'preferred' }],
    });
    // prefers e-mail but only consented to SMS → SMS, in English
    const fallback = await createCustomer(t, ws, {
      name: 'Sara Rahimi', language: 'en', email: 'sara@example.test', preferredChannel: 'email',
      consent: { email: { granted: false }, sms: { granted: true } },
    });
    // prefers e-mail and consented → e-mail, in Persian
    const byEmail = await createCustomer(t, ws, {
      name: 'علی', language: 'fa', email: 'ali@example.test', preferredChannel: 'email', consent: { email: { granted: true }, sms: { granted: true } },
    });
    // no consent at all → run done, action skipped
    const unreachable = await createCustomer(t, ws, { name: 'Nobody', language: 'en' });

    for (const [i, customer] of [fallback, byEmail, unreachable].entries()) {
      await touchpoint(ws, { kind: 'order.delivered', customer: { id: customer.id }, order: { externalId: `ORD-${i}`, amountMinor: 1_250_000 } });
    }
    const waiting = await eventually(async () => {
      const runs = await runsOf(ws, rule.id);
      return runs.length === 3 && runs;
    }, 'three waiting runs');
    expect(waiting.map((r) => r.status)).toEqual(['waiting', 'waiting', 'waiting']);
    expect((await query('SELECT 1 FROM messages WHERE tenant_id = $1', [ws.tenantId])).length).toBe(0);

    // two days pass
    await t.database.pool.query(`UPDATE automation_runs SET due_at = now() - interval '1 second' WHERE tenant_id = $1 AND rule_id = $2`, [ws.tenantId, rule.id]);
    const done = await eventually(async () => {
      const runs = await runsOf(ws, rule.id);
      return runs.every((r) => r.status === 'done') && runs;
    }, 'runs done');
    const byCustomer = new Map(done.map((r) => [r.customer_id, r]));
    expect(byCustomer.get(unreachable.id)!.actions).toEqual([{ type: 'send_message', status: 'skipped', reason: 'no_reachable_channel' }]);

    const messages = await query<{ customer_id: string; channel: string; recipient: string; locale: string; subject: string | null; body_text: string; body_html: string | null; origin: Record<string, unknown> }>(
      'SELECT customer_id, channel, recipient, locale, subject, body_text, body_html, origin FROM messages WHERE tenant_id = $1', [ws.tenantId]);
    expect(messages).toHaveLength(2);
    const sms = messages.find((m) => m.customer_id === fallback.id)!;
    expect(sms).toMatchObject({ channel: 'sms', recipient: fallback.phone, locale: 'en' });
    expect(sms.body_text).toBe('Dear Sara Rahimi, order ORD-0 (125,000 tomans) has arrived.');
    expect(sms.origin).toEqual({ ruleId: rule.id, runId: Number(byCustomer.get(fallback.id)!.id), templateId: template.id });
    const email = messages.find((m) => m.customer_id === byEmail.id)!;
    expect(email).toMatchObject({ channel: 'email', recipient: 'ali@example.test', locale: 'fa', subject: 'سپاس از خرید شما' });
    expect(email.body_text).toBe('سلام علی، سفارش \u2068ORD-1\u2069 به مبلغ ۱۲۵٬۰۰۰ تومان به دستتان رسید.');
    expect(email.body_html).toContain('<bdi>ORD-1</bdi>');

    // visible through the API
    const page = await call(ws, 'GET', `/api/customers/${fallback.id}/automation-runs`);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0]).toMatchObject({ ruleId: rule.id, status: 'done', triggerKey: expect.stringMatching(/^event:\d+$/) });
  });
});

describe('at most once per customer per event', () => {
  it('runs a rule once when the same outbox event is delivered again', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const rule = await created(ws, '/api/automations', {
      name: 'Tag buyers', enabled: true, trigger: { type: 'event', topic: 'order.placed' }, actions: [{ type: 'add_tag', tag: 'buyer' }],
    });
    const customer = await createCustomer(t, ws);
    await touchpoint(ws, { kind: 'order.placed', customer: { id: customer.id }, order: { externalId: 'P-1', amountMinor: 5000 } });
    await eventually(async () => (await runsOf(ws, rule.id)).length === 1, 'first run');
    const [row] = await query<{ id: string; topic: string; payload: Record<string, unknown>; created_at: Date }>(
      `SELECT id, topic, payload, created_at FROM outbox_events WHERE tenant_id = $1 AND topic = 'order.placed'`, [ws.tenantId]);
    const event: DomainEvent = { tenantId: ws.tenantId, id: Number(row!.id), topic: row!.topic, payload: row!.payload, occurredAt: row!.created_at.toISOString() };
    // redelivered directly to the engine, and through the relay once more
    await handleEvent(t.database, event);
    expect(await relayAgainFrom(t.database, ws.tenantId, event.id)).toBe(true);
    await eventually(async () => (await query('SELECT 1 FROM outbox_events WHERE tenant_id = $1 AND id = $2 AND NOT outbox_event_pending(xid, id)', [ws.tenantId, event.id])).length === 1, 'relayed again');
    await handleEvent(t.database, event);
    const runs = await runsOf(ws, rule.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'done', trigger_key: `event:${event.id}` });
    const [tags] = await query<{ tags: string[] }>('SELECT tags FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, customer.id]);
    expect(tags!.tags.filter((x) => x === 'buyer')).toHaveLength(1);
  });
});

describe('follow-up topics', () => {
  it('runs rules on a follow-up completed (with its outcome) and escalated, the topics the catalogue offers', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const resolved = await created(ws, '/api/automations', {
      name: 'Thank resolved', enabled: true, trigger: { type: 'event', topic: 'followup.completed' },
      conditions: [{ type: 'event', field: 'outcome', op: 'eq', value: 'resolved' }], actions: [{ type: 'add_tag', tag: 'resolved' }],
    });
    const escalated = await created(ws, '/api/automations', {
      name: 'Watch escalations', enabled: true, trigger: { type: 'event', topic: 'followup.escalated' }, actions: [{ type: 'add_tag', tag: 'escalated' }],
    });
    const reachedOnly = await createCustomer(t, ws);
    const both = await createCustomer(t, ws);
    const open = async (customerId: string) => (await created(ws, '/api/followups', { customerId, reason: 'after_interaction', dueInBusinessHours: 4 })).id as string;
    const attempt = (id: string, outcome: string) => call(ws, 'POST', `/api/followups/${id}/attempts`, { outcome });
    expect((await attempt(await open(reachedOnly.id), 'reached')).status).toBe(200);
    const second = await open(both.id);
    expect((await attempt(second, 'escalated')).status).toBe(200);
    expect((await attempt(second, 'resolved')).status).toBe(200);

    await eventually(async () => (await runsOf(ws, resolved.id)).some((r) => r.status === 'done'), 'completed rule ran');
    await eventually(async () => (await runsOf(ws, escalated.id)).some((r) => r.status === 'done'), 'escalated rule ran');
    const tagsOf = async (id: string) => (await query<{ tags: string[] }>('SELECT tags FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, id]))[0]!.tags;
    await eventually(async () => (await tagsOf(both.id)).includes('resolved') && (await tagsOf(both.id)).includes('escalated'), 'both tags');
    // "reached" completes the follow-up but is not "resolved": the condition keeps the first rule off this customer.
    const reachedRun = await eventually(async () => (await runsOf(ws, resolved.id)).find((r) => r.customer_id === reachedOnly.id), 'run for reached');
    expect(reachedRun).toMatchObject({ status: 'skipped' });
    expect(await tagsOf(reachedOnly.id)).toEqual([]);
  });
});

describe('complaint SLA topics', () => {
  it('runs a rule on a complaint nearing or missing its deadline, with the deadline as a condition, as the catalogue offers', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const catalogue = await call(ws, 'GET', '/api/automations/catalogue');
    const topics = new Map((catalogue.body.topics as { topic: string; available: boolean; fields: { name: string }[] }[]).map((x) => [x.topic, x]));
    expect(topics.get('complaint.sla_warning')).toMatchObject({ available: true });
    expect(topics.get('complaint.sla_breached')!.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['caseId', 'assigneeId', 'target', 'dueAt']));
    const atRisk = await created(ws, '/api/automations', {
      name: 'Resolve deadline near', enabled: true, trigger: { type: 'event', topic: 'complaint.sla_warning' },
      conditions: [{ type: 'event', field: 'target', op: 'eq', value: 'resolve' }], actions: [{ type: 'add_tag', tag: 'case-at-risk' }],
    });
    const breached = await created(ws, '/api/automations', {
      name: 'Deadline missed', enabled: true, trigger: { type: 'event', topic: 'complaint.sla_breached' }, actions: [{ type: 'add_tag', tag: 'case-breached' }],
    });
    const refused = await call(ws, 'POST', '/api/automations', {
      name: 'No such field', enabled: true, trigger: { type: 'event', topic: 'complaint.sla_warning' },
      conditions: [{ type: 'event', field: 'severity', op: 'eq', value: 'high' }], actions: [{ type: 'add_tag', tag: 'x' }],
    });
    expect(refused.status).toBe(422);
    const [ackOnly, resolveWarned] = [await createCustomer(t, ws), await createCustomer(t, ws)];
    const sla = (customerId: string, target: string) => ({
      caseId: randomUUID(), customerId, assigneeId: null, team: null, target, policyId: null, dueAt: new Date(Date.now() + 3_600_000).toISOString(),
      warningAt: new Date().toISOString(), occurredAt: new Date().toISOString(),
    });
    await t.database.db.transaction((tx) => publishEvents(tx, ws.tenantId, [
      { topic: 'complaint.sla_warning', payload: sla(ackOnly.id, 'acknowledge') },
      { topic: 'complaint.sla_warning', payload: sla(resolveWarned.id, 'resolve') },
      { topic: 'complaint.sla_breached', payload: sla(ackOnly.id, 'acknowledge') },
    ]));
    const tagsOf = async (id: string) => (await query<{ tags: string[] }>('SELECT tags FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, id]))[0]!.tags;
    await eventually(async () => (await tagsOf(resolveWarned.id)).includes('case-at-risk'), 'the resolve warning tagged');
    await eventually(async () => (await tagsOf(ackOnly.id)).includes('case-breached'), 'the breach tagged');
    // The acknowledge warning did not meet the rule's condition.
    const skipped = await eventually(async () => (await runsOf(ws, atRisk.id)).find((r) => r.customer_id === ackOnly.id), 'run for the acknowledge warning');
    expect(skipped).toMatchObject({ status: 'skipped' });
    expect(await tagsOf(ackOnly.id)).not.toContain('case-at-risk');
    expect((await runsOf(ws, breached.id)).map((r) => r.status)).toEqual(['done']);
  });
});

describe('stale events', () => {
  it('ignores a touchpoint that happened 30 days before it was recorded, and acts on one from an hour ago', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const rule = await created(ws, '/api/automations', {
      name: 'Greet visitors', enabled: true, trigger: { type: 'event', topic: 'touchpoint.recorded' }, actions: [{ type: 'add_tag', tag: 'greeted' }],
    });
    const history = await createCustomer(t, ws);
    const fresh = await createCustomer(t, ws);
    await touchpoint(ws, { kind: 'visit', customer: { id: history.id }, occurredAt: new Date(Date.now() - 30 * 86_400_000).toISOString() });
    await touchpoint(ws, { kind: 'visit', customer: { id: fresh.id }, occurredAt: new Date(Date.now() - 3_600_000).toISOString() });
    const runs = await eventually(async () => {
      const found = await runsOf(ws, rule.id);
      return found.length > 0 && found;
    }, 'the fresh touchpoint run');
    // the stale event, handed to the engine once more directly, still records nothing
    const [stale] = await query<{ id: string; topic: string; payload: Record<string, unknown>; created_at: Date }>(
      `SELECT id, topic, payload, created_at FROM outbox_events WHERE tenant_id = $1 AND topic = 'touchpoint.recorded' AND payload->>'customerId' = $2`,
      [ws.tenantId, history.id]);
    await eventually(async () => (await query('SELECT 1 FROM outbox_events WHERE tenant_id = $1 AND id = $2 AND NOT outbox_event_pending(xid, id)', [ws.tenantId, stale!.id])).length === 1, 'stale event relayed');
    await handleEvent(t.database, { tenantId: ws.tenantId, id: Number(stale!.id), topic: stale!.topic, payload: stale!.payload, occurredAt: stale!.created_at.toISOString() });
    expect((await runsOf(ws, rule.id)).map((r) => [r.customer_id, r.status])).toEqual([[fresh.id, 'done']]);
    expect(runs).toHaveLength(1);
    const tags = await query<{ id: string; tags: string[] }>('SELECT id, tags FROM customers WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [ws.tenantId, [history.id, fresh.id]]);
    expect(new Map(tags.map((r) => [r.id, r.tags]))).toEqual(new Map([[history.id, []], [fresh.id, ['greeted']]]));
  });
});

describe('events in batches', () => {
  it('evaluates a batch as one event at a time would: a later event of a customer sees the tags an earlier one set', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const called = await createSegment(t, ws, 'Called', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'called' }] });
    const onTouchpoint = (name: string, conditions: unknown[], tag: string) => created(ws, '/api/automations', {
      name, enabled: true, trigger: { type: 'event', topic: 'touchpoint.recorded' }, conditions, actions: [{ type: 'add_tag', tag }],
    });
    const onCall = await onTouchpoint('on call', [{ type: 'event', field: 'kind', op: 'eq', value: 'call' }], 'called');
    const byTag = await onTouchpoint('tagged', [{ type: 'tag', tag: 'called', present: true }], 'again');
    const bySegment = await onTouchpoint('in segment', [{ type: 'segment', segmentId: called.id, member: true }], 'in-segment');
    const x = await createCustomer(t, ws);
    const y = await createCustomer(t, ws);
    const at = new Date().toISOString();
    const base = 9_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const event = (n: number, customerId: string, kind: string): DomainEvent => ({
      tenantId: ws.tenantId, id: base + n, topic: 'touchpoint.recorded', occurredAt: at,
      payload: { touchpointId: randomUUID(), customerId, kind, channel: 'phone', stage: 'after-sale', occurredAt: at, externalId: null, orderId: null, source: 'api' },
    });
    const batch = [event(1, x.id, 'call'), event(2, x.id, 'visit'), event(3, y.id, 'visit'), event(1, x.id, 'call')];
    await handleEvents(t.database, batch);
    await handleEvents(t.database, batch); // delivered again: nothing twice

    const outcomes = async (ruleId: string) => (await runsOf(ws, ruleId)).map((r) => [r.customer_id, r.trigger_key, r.status, r.reason]);
    expect(await outcomes(onCall.id)).toEqual([
      [x.id, `event:${base + 1}`, 'done', null], [x.id, `event:${base + 2}`, 'skipped', 'condition_failed:1:event'], [y.id, `event:${base + 3}`, 'skipped', 'condition_failed:1:event'],
    ]);
    expect(await outcomes(byTag.id)).toEqual([
      [x.id, `event:${base + 1}`, 'skipped', 'condition_failed:1:tag'], [x.id, `event:${base + 2}`, 'done', null], [y.id, `event:${base + 3}`, 'skipped', 'condition_failed:1:tag'],
    ]);
    expect(await outcomes(bySegment.id)).toEqual([
      [x.id, `event:${base + 1}`, 'skipped', 'condition_failed:1:segment'], [x.id, `event:${base + 2}`, 'done', null], [y.id, `event:${base + 3}`, 'skipped', 'condition_failed:1:segment'],
    ]);
    const tags = await query<{ id: string; tags: string[] }>('SELECT id, tags FROM customers WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [ws.tenantId, [x.id, y.id]]);
    expect(new Map(tags.map((r) => [r.id, r.tags]))).toEqual(new Map([[x.id, ['called', 'again', 'in-segment']], [y.id, []]]));
  });
});

describe('conditions', () => {
  it('records skipped runs with the condition that failed, and acts when all pass', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    await defineAttribute(t, ws, 'city');
    const vip = await createSegment(t, ws, 'VIP', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] });
    const onCall = (name: string, conditions: unknown[]) => created(ws, '/api/automations', {
      name, enabled: true, trigger: { type: 'event', topic: 'touchpoint.recorded' }, conditions, actions: [{ type: 'add_tag', tag: `done-${name}` }],
    });
    const bySegment = await onCall('segment', [{ type: 'segment', segmentId: vip.id, member: true }]);
    const byAttribute = await onCall('attribute', [{ type: 'attribute', key: 'city', op: 'eq', value: 'Shiraz' }]);
    const byEvent = await onCall('event', [{ type: 'event', field: 'kind', op: 'eq', value: 'call' }]);
    const byTag = await onCall('tag', [{ type: 'tag', tag: 'vip', present: false }]);

    const plain = await createCustomer(t, ws, { attributes: { city: 'Tehran' } });
    const chosen = await createCustomer(t, ws, { attributes: { city: 'Shiraz' }, tags: ['vip'] });
    await touchpoint(ws, { kind: 'visit', customer: { id: plain.id }, externalId: 'v-1' });
    await touchpoint(ws, { kind: 'call', customer: { id: chosen.id }, externalId: 'c-1' });

    const outcome = async (ruleId: string, customerId: string) => {
      const runs = await eventually(async () => {
        const found = (await runsOf(ws, ruleId)).filter((r) => r.customer_id === customerId);
        return found.length === 1 && found;
      }, `run of ${ruleId}`);
      return [runs[0]!.status, runs[0]!.reason];
    };
    expect(await outcome(bySegment.id, plain.id)).toEqual(['skipped', 'condition_failed:1:segment']);
    expect(await outcome(byAttribute.id, plain.id)).toEqual(['skipped', 'condition_failed:1:attribute']);
    expect(await outcome(byEvent.id, plain.id)).toEqual(['skipped', 'condition_failed:1:event']);
    expect(await outcome(byTag.id, plain.id)).toEqual(['done', null]);
    expect(await outcome(bySegment.id, chosen.id)).toEqual(['done', null]);
    expect(await outcome(byAttribute.id, chosen.id)).toEqual(['done', null]);
    expect(await outcome(byEvent.id, chosen.id)).toEqual(['done', null]);
    expect(await outcome(byTag.id, chosen.id)).toEqual(['skipped', 'condition_failed:1:tag']);
    const [row] = await query<{ tags: string[] }>('SELECT tags FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, chosen.id]);
    expect(row!.tags).toEqual(['vip', 'done-segment', 'done-attribute', 'done-event'].filter((x) => row!.tags.includes(x)));
    expect(row!.tags.sort()).toEqual(['done-attribute', 'done-event', 'done-segment', 'vip']);
  });
});

describe('dated triggers', () => {
  it("fires a birthday rule on the customer's local birthday, in the calendar they gave it, once a year", async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const rule = await created(ws, '/api/automations', {
      name: 'Birthday greeting', enabled: true, trigger: { type: 'date', field: 'birthday', at: '00:00' }, actions: [{ type: 'add_tag', tag: 'greeted' }],
    });
    // 23 Rajab: 2027-01-01 this Hijri year; 11 Dey: 2027-01-01 this Jalali year
    const hijri = { calendar: 'islamic-umalqura', year: 1410, month: 7, day: 23 };
    const jalali = { calendar: 'persian', year: 1370, month: 10, day: 11 };
    const riyadh = await createCustomer(t, ws, { birthday: hijri, timeZone: 'Asia/Riyadh', phoneCountry: 'IR' });
    const tehran = await createCustomer(t, ws, { birthday: jalali, timeZone: 'Asia/Tehran', phoneCountry: 'IR' });
    const newYork = await createCustomer(t, ws, { birthday: hijri, timeZone: 'America/New_York', phoneCountry: 'IR' });
    const otherDay = await createCustomer(t, ws, { birthday: { ...hijri, day: 22 }, timeZone: 'Asia/Riyadh', phoneCountry: 'IR' });

    // 21:30 UTC on 31 December: already 1 January in Riyadh and Tehran, not in New York
    const night = new Date('2026-12-31T21:30:00Z');
    await runDatedTriggers(t.database, night);
    await runDatedTriggers(t.database, new Date('2026-12-31T22:30:00Z'));
    const runs = await runsOf(ws, rule.id);
    expect(runs.map((r) => r.customer_id).sort()).toEqual([riyadh.id, tehran.id].sort());
    const keys = new Map(runs.map((r) => [r.customer_id, r.trigger_key]));
    expect(keys.get(riyadh.id)).toBe('birthday:1448');
    expect(keys.get(tehran.id)).toBe('birthday:1405');

    // New York's 1 January comes five hours later
    await runDatedTriggers(t.database, new Date('2027-01-01T05:30:00Z'));
    expect((await runsOf(ws, rule.id)).map((r) => r.customer_id)).toContain(newYork.id);
    expect((await runsOf(ws, rule.id)).map((r) => r.customer_id)).not.toContain(otherDay.id);
    // the Umm al-Qura birthday comes ~11 days earlier next Gregorian year, once for Hijri year 1449
    const next = toIsoDate({ calendar: 'islamic-umalqura', year: 1449, month: 7, day: 23 })!;
    expect(next < '2027-12-31').toBe(true);
    await runDatedTriggers(t.database, new Date(`${next}T09:00:00Z`));
    const later = (await runsOf(ws, rule.id)).filter((r) => r.customer_id === riyadh.id).map((r) => r.trigger_key);
    expect(later).toEqual(['birthday:1448', 'birthday:1449']);
  });

  it('fires an inactivity rule once per spell of inactivity', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const rule = await created(ws, '/api/automations', {
      name: 'Win back', enabled: true, trigger: { type: 'inactivity', days: 90 }, actions: [{ type: 'add_tag', tag: 'winback' }],
    });
    const idle = await createCustomer(t, ws);
    const active = await createCustomer(t, ws);
    await t.database.pool.query(`UPDATE customers SET last_seen_at = now() - interval '100 days' WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, idle.id]);
    await t.database.pool.query(`UPDATE customers SET last_seen_at = now() - interval '10 days' WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, active.id]);
    await runDatedTriggers(t.database);
    await runDatedTriggers(t.database);
    const runs = await runsOf(ws, rule.id);
    expect(runs.map((r) => [r.customer_id, r.status])).toEqual([[idle.id, 'done']]);
    expect(runs[0]!.trigger_key).toMatch(/^inactive:\d+$/);
    const [row] = await query<{ tags: string[] }>('SELECT tags FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, idle.id]);
    expect(row!.tags).toContain('winback');
  });
});

describe('templates', () => {
  it('previews Persian text with Latin values bidi-safe in SMS and HTML, escaped', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const customer = await createCustomer(t, ws, { name: 'Nike <Air> & Co', language: 'fa' });
    const template = await created(ws, '/api/templates', {
      name: 'Shipped', content: { fa: { text: 'سلام {name}، سفارش {orderNumber} ارسال شد.', sms: '{name}: سفارش {orderNumber} ارسال شد' } },
    });
    const res = await call(ws, 'POST', `/api/templates/${template.id}/preview`, { customerId: customer.id, event: { orderExternalId: 'AB-12' } });
    expect(res.status).toBe(200);
    expect(res.body.sms).toBe('\u2068Nike <Air> & Co\u2069: سفارش \u2068AB-12\u2069 ارسال شد');
    expect(res.body.html).toContain('<bdi>Nike &lt;Air&gt; &amp; Co</bdi>');
    expect(res.body.html).toContain('dir="rtl"');
    expect(res.body.html).toContain('lang="fa"');
    expect(res.body.html).not.toContain('<Air>');
  });

  it('never renders "Dear {name}" with an empty name, in a preview of an unsaved template', async () => {
    const ws = await t.createWorkspace({ country: 'AE' });
    const customer = await createCustomer(t, ws, { name: undefined, language: 'en', phoneCountry: 'IR' });
    const res = await call(ws, 'POST', '/api/templates/preview', { customerId: customer.id, content: { en: { text: 'Dear {name}, welcome.' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.text).toBe('Dear valued customer, welcome.');
  });

  it('refuses bad ICU and unknown variables with a field error naming the variable and language', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const bad = await call(ws, 'POST', '/api/templates', { name: 'x', content: { fa: { text: 'سلام {name' }, en: { text: 'Hi {nickname}' } } });
    expect(bad.status).toBe(422);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.body.code).toBe('invalid_template');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['content.fa.text', 'content.en.text']);
    expect(bad.body.errors[1].message).toContain('{nickname}');
    expect(bad.body.errors[1].message).toContain('en');
    const empty = await call(ws, 'POST', '/api/templates', { name: 'x', content: {} });
    expect(empty.status).toBe(400);
  });
});

describe('bad rules', () => {
  it('refuses unknown fields, unknown references, unknown event fields, self-triggering rules and cycles', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const base = { name: 'r', enabled: true, trigger: { type: 'event', topic: 'order.delivered' }, actions: [{ type: 'add_tag', tag: 'x' }] };

    const unknownField = await call(ws, 'POST', '/api/automations', { ...base, colour: 'red' });
    expect([unknownField.status, unknownField.body.code]).toEqual([400, 'validation_failed']);
    const unknownActionField = await call(ws, 'POST', '/api/automations', { ...base, actions: [{ type: 'add_tag', tag: 'x', when: 'now' }] });
    expect(unknownActionField.status).toBe(400);

    const missingTemplate = await call(ws, 'POST', '/api/automations', { ...base, actions: [{ type: 'send_message', templateId: '00000000-0000-4000-8000-000000000000', channel: 'sms' }] });
    expect([missingTemplate.status, missingTemplate.body.code]).toEqual([422, 'invalid_automation']);
    expect(missingTemplate.body.errors).toEqual([expect.objectContaining({ field: 'actions.0.templateId', code: 'unknown_template' })]);

    const wrongField = await call(ws, 'POST', '/api/automations', { ...base, conditions: [{ type: 'event', field: 'score', op: 'lte', value: 6 }] });
    expect(wrongField.body.errors).toEqual([expect.objectContaining({ field: 'conditions.0.field', code: 'unknown_event_field' })]);

    const self = await call(ws, 'POST', '/api/automations', { ...base, name: 'Tag on update', trigger: { type: 'event', topic: 'customer.updated' } });
    expect([self.status, self.body.code]).toEqual([422, 'automation_loop']);
    expect(self.body.detail).toContain('Tag on update');

    const template = await created(ws, '/api/templates', thankYou);
    await created(ws, '/api/automations', { ...base, name: 'Tag when a message is sent', trigger: { type: 'event', topic: 'message.sent' } });
    const cycle = await call(ws, 'POST', '/api/automations', {
      ...base, name: 'Message on update', trigger: { type: 'event', topic: 'customer.updated' }, actions: [{ type: 'send_message', templateId: template.id, channel: 'sms' }],
    });
    expect([cycle.status, cycle.body.code]).toEqual([422, 'automation_loop']);
    expect(cycle.body.detail).toContain('Message on update → Tag when a message is sent → Message on update');
    // saved disabled it is no loop yet; switching it on is refused
    const disabled = await created(ws, '/api/automations', {
      ...base, enabled: false, name: 'Message on update', trigger: { type: 'event', topic: 'customer.updated' }, actions: [{ type: 'send_message', templateId: template.id, channel: 'sms' }],
    });
    const enable = await call(ws, 'POST', `/api/automations/${disabled.id}/enable`);
    expect([enable.status, enable.body.code], JSON.stringify(enable.body)).toEqual([422, 'automation_loop']);
    const audit = await query(`SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = 'automation.created'`, [ws.tenantId]);
    expect(audit).toHaveLength(2);
  });
});

describe('dry run and built-in rules', () => {
  it('shows conditions, channel and the rendered message, and writes nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const template = await created(ws, '/api/templates', thankYou);
    const rule = await created(ws, '/api/automations', {
      name: 'Thanks for big orders', enabled: true, trigger: { type: 'event', topic: 'order.delivered' },
      conditions: [{ type: 'event', field: 'amountMinor', op: 'gte', value: 1_000_000 }],
      actions: [{ type: 'send_message', templateId: template.id, channel: 'preferred' }, { type: 'create_followup', dueInBusinessHours: 8 }],
    });
    const customer = await createCustomer(t, ws, { name: 'مریم', language: 'fa', consent: { sms: { granted: true } } });
    const count = async () => (await query<{ n: string }>(
      `SELECT (SELECT count(*) FROM automation_runs WHERE tenant_id = $1) + (SELECT count(*) FROM messages WHERE tenant_id = $1)
            + (SELECT count(*) FROM followups WHERE tenant_id = $1) + (SELECT count(*) FROM outbox_events WHERE tenant_id = $1) AS n`, [ws.tenantId]))[0]!.n;
    const before = await count();
    const dry = await call(ws, 'POST', `/api/automations/${rule.id}/dry-run`, { customerId: customer.id, event: { orderExternalId: 'D-9', amountMinor: 2_000_000, currency: 'IRR' } });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.matched).toBe(true);
    expect(dry.body.conditions).toEqual([expect.objectContaining({ index: 0, type: 'event', passed: true })]);
    expect(dry.body.actions[0]).toMatchObject({ type: 'send_message', wouldRun: true, channel: 'sms', recipient: customer.phone });
    expect(dry.body.actions[0].message.sms).toBe('سلام مریم، سفارش \u2068D-9\u2069 به مبلغ ۲۰۰٬۰۰۰ تومان به دستتان رسید.');
    expect(dry.body.actions[1]).toMatchObject({ type: 'create_followup', wouldRun: true });

    const small = await call(ws, 'POST', '/api/automations/dry-run', {
      rule: { name: 'unsaved', trigger: { type: 'event', topic: 'order.delivered' }, conditions: [{ type: 'event', field: 'amountMinor', op: 'gte', value: 1_000_000 }], actions: [{ type: 'send_message', templateId: template.id, channel: 'email' }] },
      customerId: customer.id,
      event: { amountMinor: 10 },
    });
    expect(small.status, JSON.stringify(small.body)).toBe(200);
    expect(small.body).toMatchObject({ matched: false, reason: 'condition_failed:1:event' });
    expect(small.body.actions[0]).toMatchObject({ wouldRun: false, reason: 'no_reachable_channel' });
    expect(await count()).toBe(before);
  });

  it('has the built-in follow-up rules, switchable, and follows up at once after a return', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const list = await call(ws, 'GET', '/api/automations');
    const builtins = new Map<string, { id: string; enabled: boolean }>(list.body.items.filter((r: { builtin: string | null }) => r.builtin).map((r: { builtin: string }) => [r.builtin, r]));
    expect(builtins.get('after_interaction')!.enabled).toBe(false);
    expect(builtins.get('negative_experience.return')!.enabled).toBe(true);
    expect((await call(ws, 'DELETE', `/api/automations/${builtins.get('after_interaction')!.id}`)).status).toBe(409);
    const on = await call(ws, 'POST', `/api/automations/${builtins.get('after_interaction')!.id}/enable`);
    expect(on.body.enabled).toBe(true);

    const customer = await createCustomer(t, ws);
    await touchpoint(ws, { kind: 'order.returned', customer: { id: customer.id }, order: { externalId: 'R-1', amountMinor: 1000 } });
    await touchpoint(ws, { kind: 'call', customer: { id: customer.id }, externalId: 'call-1' });
    const followups = await eventually(async () => {
      const rows = await query<{ priority: string; reason: string }>('SELECT priority, reason FROM followups WHERE tenant_id = $1 ORDER BY priority', [ws.tenantId]);
      return rows.length === 2 && rows;
    }, 'two follow-ups');
    expect(followups).toEqual([{ priority: 'normal', reason: 'after_interaction' }, { priority: 'urgent', reason: 'negative_experience' }]);
    const catalogue = await call(ws, 'GET', '/api/automations/catalogue');
    const negative = catalogue.body.topics.find((x: { topic: string }) => x.topic === 'feedback.negative');
    expect(negative.available).toBe(true);
    expect(negative.fields).toEqual(expect.arrayContaining([{ name: 'score', type: 'number' }, { name: 'reason', type: 'string' }]));
    expect(catalogue.body.topics.find((x: { topic: string }) => x.topic === 'survey.responded').available).toBe(false);
  });

  it('one built-in rule on feedback.negative replaces the per-scale survey rules, which older workspaces lose', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    // A workspace from before: the three per-scale rules on survey.responded.
    for (const key of ['negative_experience.nps', 'negative_experience.csat', 'negative_experience.ces']) {
      await t.database.pool.query(
        `INSERT INTO automation_rules (tenant_id, id, name, enabled, builtin, trigger, conditions, actions, created_by)
         VALUES ($1, gen_random_uuid(), $2, true, $2, '{"type":"event","topic":"survey.responded"}', '[]', '[{"type":"create_followup","dueInBusinessHours":4,"priority":"urgent"}]', 'system')`,
        [ws.tenantId, key]);
    }
    const list = await call(ws, 'GET', '/api/automations');
    expect(list.status).toBe(200);
    const keys = list.body.items.map((r: { builtin: string | null }) => r.builtin).filter(Boolean);
    expect(keys).toContain('negative_experience.survey');
    expect(keys.filter((k: string) => /nps|csat|ces/.test(k))).toEqual([]);
    const rule = list.body.items.find((r: { builtin: string | null }) => r.builtin === 'negative_experience.survey');
    expect(rule).toMatchObject({ enabled: true, trigger: { type: 'event', topic: 'feedback.negative' } });
  });
});
