import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { detectRecurringProblems } from './recurrence.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
const key = (ws: TestWorkspace, role: Role = 'owner') => t.auth(ws.keys[role]);

async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

async function open(ws: TestWorkspace, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/complaints', key(ws, 'agent'), { channel: 'phone', description: 'The parcel arrived broken.', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function act(ws: TestWorkspace, id: string, body: Record<string, unknown>, role: Role = 'agent') {
  return call('POST', `/api/complaints/${id}/actions`, { ...key(ws, role), 'accept-language': 'en' }, body);
}

async function step(ws: TestWorkspace, id: string, body: Record<string, unknown>, role: Role = 'agent') {
  const res = await act(ws, id, body, role);
  expect(res.status, `${String(body.action)}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Receipt to closure by the customer's acceptance, recorded by an agent, with a root cause. */
async function closeWith(ws: TestWorkspace, id: string, rootCause: string) {
  await step(ws, id, { action: 'acknowledge' });
  await step(ws, id, { action: 'assess' });
  await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'Replacement sent' });
  await step(ws, id, { action: 'communicate_resolution', rootCause });
  await step(ws, id, { action: 'customer_accepts' });
}

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
/** A period around today whatever the workspace time zone. */
const around = `from=${isoDay(-2)}&to=${isoDay(2)}`;

const round2 = (v: number) => Math.round(v * 100) / 100;

describe('root-cause taxonomy', () => {
  it('lists the defaults with SERVQUAL dimensions and three languages; only managers edit it, audited', async () => {
    const ws = await t.createWorkspace();
    const list = await call('GET', '/api/complaints/root-causes', key(ws, 'agent'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { code: string }) => c.code)).toEqual([
      'product_quality', 'staff_behaviour', 'process_policy', 'price_billing', 'delivery', 'digital_tech', 'communication', 'facilities',
    ]);
    expect(list.body.items.find((c: { code: string }) => c.code === 'delivery')).toMatchObject({ dimension: 'responsiveness', builtIn: true, archived: false });
    for (const c of list.body.items) expect(Object.keys(c.labels).sort()).toEqual(['ar', 'en', 'fa']);

    const cause = { code: 'courier_damage', parentCode: 'delivery', labels: { fa: 'آسیب در حمل', ar: 'تلف أثناء الشحن', en: 'Damaged by the courier' } };
    expect((await call('POST', '/api/complaints/root-causes', key(ws, 'agent'), cause)).status).toBe(403);
    expect((await call('PATCH', '/api/complaints/root-causes/delivery', key(ws, 'agent'), { archived: true })).status).toBe(403);
    expect((await call('POST', '/api/complaints/root-causes', key(ws, 'analyst'), cause)).status).toBe(403);
    const created = await call('POST', '/api/complaints/root-causes', key(ws, 'manager'), cause);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ code: 'courier_damage', parentCode: 'delivery', dimension: 'responsiveness', builtIn: false });
    expect((await call('POST', '/api/complaints/root-causes', key(ws, 'manager'), cause)).body.code).toBe('root_cause_exists');
    const nested = await call('POST', '/api/complaints/root-causes', key(ws, 'manager'), { ...cause, code: 'too_deep', parentCode: 'courier_damage' });
    expect(nested.status).toBe(422);
    expect(nested.body.code).toBe('root_cause_parent_invalid');

    const stored = await call('GET', '/api/complaints/root-causes', key(ws));
    expect(stored.body.items).toHaveLength(9);
    expect(stored.body.items.every((c: { builtIn: boolean }) => !c.builtIn)).toBe(true);
    const { rows } = await t.database.pool.query(`SELECT action, target_id FROM audit_log WHERE tenant_id = $1 AND action LIKE 'complaint.root_cause.%'`, [ws.tenantId]);
    expect(rows).toEqual([{ action: 'complaint.root_cause.created', target_id: 'courier_damage' }]);

    // Another workspace still has only the defaults.
    const other = await t.createWorkspace();
    expect((await call('GET', '/api/complaints/root-causes', key(other))).body.items).toHaveLength(8);
  });

  it('refuses to close with an unknown or archived cause, in fa, ar and en, writing nothing; accepts an active one', async () => {
    const ws = await t.createWorkspace();
    const id = await open(ws, { category: 'delivery' });
    await step(ws, id, { action: 'acknowledge' });
    await step(ws, id, { action: 'assess' });
    await step(ws, id, { action: 'propose_resolution', resolutionSummary: 'Refund' });

    const unknown = await act(ws, id, { action: 'close', rootCause: 'bad_luck', resolutionSummary: 'Refund' }, 'manager');
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_root_cause');
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'rootCause', code: 'unknown_root_cause' })]);
    for (const language of ['fa', 'ar', 'en']) {
      const res = await call('POST', `/api/complaints/${id}/actions`, { ...key(ws, 'manager'), 'accept-language': language }, { action: 'close', rootCause: 'bad_luck' });
      expect(res.body.detail.length).toBeGreaterThan(10);
      if (language !== 'en') expect(res.body.detail).not.toMatch(/[A-Za-z]/);
    }

    expect((await call('PATCH', '/api/complaints/root-causes/delivery', key(ws, 'manager'), { archived: true })).body).toMatchObject({ archived: true });
    const archived = await act(ws, id, { action: 'close', rootCause: 'delivery', resolutionSummary: 'Refund' }, 'manager');
    expect(archived.status).toBe(422);
    expect(archived.body.code).toBe('root_cause_archived');
    const { rows: [row] } = await t.database.pool.query('SELECT state, root_cause FROM complaint_cases WHERE tenant_id = $1 AND id = $2', [ws.tenantId, id]);
    expect(row).toEqual({ state: 'resolution_proposed', root_cause: null });
    // Archived causes are listed only when asked for.
    expect((await call('GET', '/api/complaints/root-causes', key(ws))).body.items.map((c: { code: string }) => c.code)).not.toContain('delivery');
    expect((await call('GET', '/api/complaints/root-causes?includeArchived=true', key(ws))).body.items.map((c: { code: string }) => c.code)).toContain('delivery');

    const closed = await step(ws, id, { action: 'close', rootCause: 'process_policy', resolutionSummary: 'Refund' }, 'manager');
    expect(closed).toMatchObject({ state: 'closed', rootCause: 'process_policy' });
  });

  it('refuses garbage with 4xx', async () => {
    const ws = await t.createWorkspace();
    const labels = { fa: 'الف', ar: 'أ', en: 'A' };
    for (const body of [{ code: 'Bad Code', labels }, { code: 'ok_code' }, { code: 'ok_code', labels: { en: 'A' } }, { code: 'ok_code', labels, dimension: 'luck' }]) {
      const res = await call('POST', '/api/complaints/root-causes', key(ws), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call('POST', '/api/complaints/root-causes', key(ws), { code: 'ok_code', labels })).status).toBe(422);
    expect((await call('PATCH', '/api/complaints/root-causes/nope_none', key(ws), { archived: true })).status).toBe(404);
    expect((await call('PATCH', '/api/complaints/root-causes/delivery', key(ws), {})).status).toBe(400);
  });
});

describe('reports on hand-made data', () => {
  it('computes the Pareto of root causes with exact shares and cumulative shares, sub-causes under their parent', async () => {
    const ws = await t.createWorkspace();
    await call('POST', '/api/complaints/root-causes', key(ws, 'manager'), { code: 'courier_damage', parentCode: 'delivery', labels: { fa: 'آسیب', ar: 'تلف', en: 'Courier damage' } });
    // delivery 3 (2 + 1 via its sub-cause), price_billing 2, staff_behaviour 1, one still open.
    const plan = ['delivery', 'delivery', 'courier_damage', 'price_billing', 'price_billing', 'staff_behaviour'];
    for (const cause of plan) await closeWith(ws, await open(ws, { category: 'orders' }), cause);
    await open(ws, { category: 'orders' });

    const res = await call('GET', `/api/complaints/reports/root-causes?${around}`, key(ws, 'analyst'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.total).toBe(6);
    expect(res.body.items.map((i: { code: string; count: number; share: number; cumulativeShare: number; dimension: string }) => [i.code, i.count, i.share, i.cumulativeShare, i.dimension])).toEqual([
      ['delivery', 3, 0.5, 0.5, 'responsiveness'],
      ['price_billing', 2, 2 / 6, 5 / 6, 'reliability'],
      ['staff_behaviour', 1, 1 / 6, 1, 'empathy'],
    ]);
    expect(res.body.dimensions).toEqual([
      { dimension: 'responsiveness', count: 3, share: 0.5 },
      { dimension: 'reliability', count: 2, share: 2 / 6 },
      { dimension: 'empathy', count: 1, share: 1 / 6 },
    ]);
    const sub = await call('GET', `/api/complaints/reports/root-causes?${around}&level=sub_cause`, key(ws));
    expect(sub.body.items.map((i: { code: string; count: number }) => [i.code, i.count])).toEqual([['delivery', 2], ['price_billing', 2], ['courier_damage', 1], ['staff_behaviour', 1]]);
    // Filters narrow to the category.
    expect((await call('GET', `/api/complaints/reports/root-causes?${around}&category=other`, key(ws))).body).toMatchObject({ total: 0, items: [] });

    const volume = await call('GET', `/api/complaints/reports/volume?${around}&granularity=day`, key(ws));
    expect(volume.body.totals).toEqual({ received: 7, closed: 6 });
    expect(volume.body.buckets).toHaveLength(5);
    const times = await call('GET', `/api/complaints/reports/handling-times?${around}`, key(ws));
    expect(times.status, JSON.stringify(times.body)).toBe(200);
    expect(times.body.totals.acknowledge.count).toBe(6);
    expect(times.body.totals.resolve.count).toBe(6);
    expect(times.body.totals.resolve.medianMinutes).toBeGreaterThanOrEqual(0);

    // Nothing of it is seen from another workspace.
    const other = await t.createWorkspace();
    expect((await call('GET', `/api/complaints/reports/root-causes?${around}`, key(other))).body.total).toBe(0);
    expect((await call('GET', `/api/complaints/reports/volume?${around}`, key(other))).body.totals).toEqual({ received: 0, closed: 0 });
  });

  it('computes the reopen rate over cases first closed in the period, and SLA compliance per target from the SLA table', async () => {
    const ws = await t.createWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await open(ws);
      await closeWith(ws, id, 'delivery');
      ids.push(id);
    }
    // One reopened after closure and closed again; one rejected before its (only) closure.
    await step(ws, ids[0]!, { action: 'reopen' }, 'manager');
    await step(ws, ids[0]!, { action: 'close', rootCause: 'communication', resolutionSummary: 'Explained again' }, 'manager');
    const rejected = await open(ws);
    await step(ws, rejected, { action: 'acknowledge' });
    await step(ws, rejected, { action: 'assess' });
    await step(ws, rejected, { action: 'propose_resolution', resolutionSummary: 'Voucher' });
    await step(ws, rejected, { action: 'communicate_resolution', rootCause: 'price_billing' });
    await step(ws, rejected, { action: 'customer_rejects' });
    await step(ws, rejected, { action: 'propose_resolution', resolutionSummary: 'Refund' });
    await step(ws, rejected, { action: 'communicate_resolution', rootCause: 'price_billing' });
    await step(ws, rejected, { action: 'customer_accepts' });

    const reopen = await call('GET', `/api/complaints/reports/reopen-rate?${around}`, key(ws));
    expect(reopen.status).toBe(200);
    expect(reopen.body.totals).toEqual({ closed: 5, reopened: 2, rate: 0.4 });
    // The reopened case counts once, under the cause of its last closure.
    const pareto = await call('GET', `/api/complaints/reports/root-causes?${around}`, key(ws));
    expect(pareto.body.items.map((i: { code: string; count: number }) => [i.code, i.count])).toEqual([['delivery', 3], ['communication', 1], ['price_billing', 1]]);

    // SLA outcomes as the SLA engine records them: a policy with acknowledge and resolve targets;
    // a breach of resolve on two cases and of acknowledge on one; the fifth case measured by no policy.
    const policyId = '00000000-0000-4000-8000-0000000000a1';
    await t.database.pool.query(`
      INSERT INTO complaint_sla_policies (tenant_id, id, name, category, acknowledge_minutes, resolve_minutes, pausing_states, warning_share, on_reopen, escalate_on_breach, active)
      VALUES ($1, $2, 'Hand-made', 'hand-made', 60, 1440, '{waiting_for_customer}', 0.8, 'resume', false, true)`, [ws.tenantId, policyId]);
    const published = [['breach:resolve'], ['breach:resolve', 'breach:acknowledge'], [], []];
    for (const [i, id] of ids.entries()) {
      await t.database.pool.query(`
        INSERT INTO complaint_case_sla (tenant_id, case_id, case_state, sla_state, urgency, due_at, policy_id, published, computed_at)
        VALUES ($1, $2, 'closed', 'met', 5, 'infinity', $3, $4, now())
        ON CONFLICT (tenant_id, case_id) DO UPDATE SET policy_id = EXCLUDED.policy_id, published = EXCLUDED.published`, [ws.tenantId, id, policyId, published[i]]);
    }
    await t.database.pool.query('UPDATE complaint_case_sla SET policy_id = NULL WHERE tenant_id = $1 AND case_id = $2', [ws.tenantId, rejected]);
    const sla = await call('GET', `/api/complaints/reports/sla?${around}`, key(ws));
    expect(sla.status, JSON.stringify(sla.body)).toBe(200);
    expect(sla.body.totals).toEqual([
      { target: 'acknowledge', measured: 4, met: 3, metLate: 0, breached: 1, compliance: 0.75 },
      { target: 'firstResponse', measured: 0, met: 0, metLate: 0, breached: 0, compliance: null },
      { target: 'resolve', measured: 4, met: 2, metLate: 0, breached: 2, compliance: 0.5 },
    ]);

    const csat = await call('GET', `/api/complaints/reports/satisfaction?${around}`, key(ws));
    expect(csat.body).toMatchObject({ available: true, totals: { responses: 0, average: null, satisfiedShare: null } });

    // Satisfied is CSAT's one definition, the survey results' too: the top two boxes of each
    // answer's own scale (5 and 4 of 5, 6 of 7), not merely "not negative" (3 of 5 is neither);
    // an answer negative on another scale (score null) counts, as not satisfied.
    const answers: [number | null, number | null, boolean][] = [[5, 5, false], [4, 5, false], [3, 5, false], [1, 5, true], [6, 7, false], [null, null, true]];
    for (const [i, [score, points, negative]] of answers.entries()) {
      await t.database.pool.query(`
        INSERT INTO complaint_case_satisfaction (tenant_id, case_id, response_id, score, points, negative, answered_at)
        VALUES ($1, $2, gen_random_uuid(), $3, $4, $5, now())`, [ws.tenantId, ids[i % ids.length], score, points, negative]);
    }
    const answered = await call('GET', `/api/complaints/reports/satisfaction?${around}`, key(ws));
    expect(answered.body.totals).toEqual({ responses: 6, average: round2((5 + 4 + 3 + 1 + 6) / 5), satisfiedShare: 3 / 6 });
  });

  it('refuses a reversed, too long or malformed period', async () => {
    const ws = await t.createWorkspace();
    const reversed = await call('GET', `/api/complaints/reports/volume?from=${isoDay(1)}&to=${isoDay(-1)}`, key(ws));
    expect(reversed.status).toBe(422);
    expect(reversed.body.code).toBe('period_reversed');
    expect((await call('GET', '/api/complaints/reports/volume?from=2020-01-01&to=2023-01-01', key(ws))).body.code).toBe('report_period_too_long');
    expect((await call('GET', '/api/complaints/reports/volume?from=2024-02-30&to=2024-03-01', key(ws))).status).toBe(422);
    expect((await call('GET', '/api/complaints/reports/volume?from=yesterday&to=today', key(ws))).status).toBe(400);
    expect((await call('GET', `/api/complaints/reports/volume?${around}&granularity=year`, key(ws))).status).toBe(400);
    expect((await call('GET', `/api/complaints/reports/volume?${around}`, {})).status).toBe(401);
  });
});

describe('recurring problems', () => {
  it('raises one alert per pair per window when the threshold is reached, not twice, and links it to a preventive action', async () => {
    const ws = await t.createWorkspace();
    expect((await call('PUT', '/api/complaints/recurrence-settings', key(ws, 'agent'), { enabled: true, threshold: 3, windowDays: 7 })).status).toBe(403);
    expect((await call('PUT', '/api/complaints/recurrence-settings', key(ws, 'manager'), { enabled: true, threshold: 3, windowDays: 7 })).status).toBe(200);
    for (let i = 0; i < 3; i++) await open(ws, { category: 'delivery', product: 'Blender X' });
    await open(ws, { category: 'delivery', product: 'Kettle' });
    await open(ws, { category: 'billing' });

    await detectRecurringProblems(t.database, new Date());
    const alerts = await call('GET', '/api/complaints/recurrence-alerts', key(ws, 'agent'));
    expect(alerts.body.items).toHaveLength(1);
    expect(alerts.body.items[0]).toMatchObject({ category: 'delivery', product: 'Blender X', caseCount: 3, threshold: 3, windowDays: 7, status: 'open', preventiveActionId: null });
    const { rows: events } = await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.recurrence_detected'`, [ws.tenantId]);
    expect(events.map((e) => e.payload.alertId)).toEqual([alerts.body.items[0].id]);

    // Run again: nothing new; two more cases are not three new ones either.
    await detectRecurringProblems(t.database, new Date());
    for (let i = 0; i < 2; i++) await open(ws, { category: 'delivery', product: 'Blender X' });
    await detectRecurringProblems(t.database, new Date());
    expect((await call('GET', '/api/complaints/recurrence-alerts', key(ws))).body.items).toHaveLength(1);

    const alertId = alerts.body.items[0].id as string;
    const action = await call('POST', '/api/complaints/preventive-actions', key(ws, 'manager'), {
      title: 'Stronger packaging for Blender X', ownerId: ws.users.agent.accountId, dueDate: isoDay(14), alertId, category: 'delivery', product: 'Blender X',
    });
    expect(action.status, JSON.stringify(action.body)).toBe(201);
    expect(action.body.alertIds).toEqual([alertId]);
    const acknowledged = await call('PATCH', `/api/complaints/recurrence-alerts/${alertId}`, key(ws, 'manager'), { status: 'acknowledged' });
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', preventiveActionId: action.body.id, decidedBy: expect.stringMatching(/^api_key:/) });
    expect((await call('GET', '/api/complaints/recurrence-alerts?status=open', key(ws))).body.items).toHaveLength(0);
    expect((await call('PATCH', `/api/complaints/recurrence-alerts/${alertId}`, key(ws, 'agent'), { status: 'dismissed' })).status).toBe(403);
    const other = await t.createWorkspace();
    expect((await call('PATCH', `/api/complaints/recurrence-alerts/${alertId}`, key(other), { status: 'dismissed' })).status).toBe(404);
    expect((await call('GET', '/api/complaints/recurrence-alerts', key(other))).body.items).toHaveLength(0);
  });
});

describe('preventive actions', () => {
  it('creates, lists with filters and keyset pages, shows overdue ones, lets an owner move theirs along, deletes; audited', async () => {
    const ws = await t.createWorkspace();
    const agent = ws.users.agent.accountId;
    const manager = ws.users.manager.accountId;
    const caseId = await open(ws, { category: 'delivery' });
    const late = await call('POST', '/api/complaints/preventive-actions', key(ws, 'manager'), {
      title: 'Retrain couriers', ownerId: agent, dueDate: isoDay(-3), rootCause: 'delivery', caseIds: [caseId],
    });
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    expect(late.body).toMatchObject({ status: 'open', overdue: true, rootCause: 'delivery', caseIds: [caseId], ownerId: agent, completedAt: null });
    const later = await call('POST', '/api/complaints/preventive-actions', key(ws, 'manager'), { title: 'Review refund policy', ownerId: manager, dueDate: isoDay(30), rootCause: 'process_policy' });
    const done = await call('POST', '/api/complaints/preventive-actions', key(ws, 'manager'), { title: 'Fix the app checkout', ownerId: manager, dueDate: isoDay(-10), category: 'app', status: 'done' });
    expect(done.body).toMatchObject({ overdue: false, completedAt: expect.any(String) });

    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);
    expect(ids(await call('GET', '/api/complaints/preventive-actions?overdue=true', key(ws, 'agent')))).toEqual([late.body.id]);
    expect(ids(await call('GET', '/api/complaints/preventive-actions', key(ws)))).toEqual([done.body.id, late.body.id, later.body.id]);
    expect(ids(await call('GET', `/api/complaints/preventive-actions?owner=${manager}&status=open`, key(ws)))).toEqual([later.body.id]);
    const first = await call('GET', '/api/complaints/preventive-actions?limit=2', key(ws));
    expect(ids(first)).toEqual([done.body.id, late.body.id]);
    const second = await call('GET', `/api/complaints/preventive-actions?limit=2&cursor=${first.body.nextCursor}`, key(ws));
    expect(ids(second)).toEqual([later.body.id]);
    expect(second.body.nextCursor).toBeNull();

    // The owner (an agent) may move it along, but nothing else; another agent not at all.
    const agentSession = ws.users.agent;
    const asAgent = { cookie: agentSession.cookie, 'x-csrf-token': agentSession.csrfToken };
    const moved = await call('PATCH', `/api/complaints/preventive-actions/${late.body.id}`, asAgent, { status: 'done' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ status: 'done', overdue: false, completedAt: expect.any(String) });
    expect((await call('PATCH', `/api/complaints/preventive-actions/${late.body.id}`, asAgent, { title: 'Mine now' })).body.code).toBe('preventive_action_not_owner');
    expect((await call('PATCH', `/api/complaints/preventive-actions/${later.body.id}`, asAgent, { status: 'done' })).status).toBe(403);
    expect((await call('POST', '/api/complaints/preventive-actions', key(ws, 'agent'), { title: 'x', ownerId: agent, dueDate: isoDay(1), category: 'a' })).status).toBe(403);
    expect(ids(await call('GET', '/api/complaints/preventive-actions?overdue=true', key(ws)))).toEqual([]);

    const edited = await call('PATCH', `/api/complaints/preventive-actions/${later.body.id}`, key(ws, 'manager'), { rootCause: null, category: 'refunds', caseIds: [caseId], status: 'in_progress' });
    expect(edited.body).toMatchObject({ rootCause: null, category: 'refunds', caseIds: [caseId], status: 'in_progress' });

    // Garbage and strangers.
    const bad = [
      { title: 'No link', ownerId: agent, dueDate: isoDay(1) },
      { title: 'Bad date', ownerId: agent, dueDate: '2024-13-40', category: 'a' },
      { title: 'Bad status', ownerId: agent, dueDate: isoDay(1), category: 'a', status: 'maybe' },
    ];
    for (const body of bad) expect((await call('POST', '/api/complaints/preventive-actions', key(ws), body)).status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
    const other = await t.createWorkspace();
    const stranger = await call('POST', '/api/complaints/preventive-actions', key(ws), { title: 'x', ownerId: other.users.owner.accountId, dueDate: isoDay(1), category: 'a' });
    expect(stranger.body.code).toBe('invalid_preventive_action_owner');
    const foreignCase = await call('POST', '/api/complaints/preventive-actions', key(other), { title: 'x', ownerId: other.users.owner.accountId, dueDate: isoDay(1), caseIds: [caseId] });
    expect(foreignCase.body.code).toBe('unknown_complaint');
    expect((await call('POST', '/api/complaints/preventive-actions', key(ws), { title: 'x', ownerId: agent, dueDate: isoDay(1), rootCause: 'no_such_cause' })).body.code).toBe('unknown_root_cause');
    expect((await call('GET', `/api/complaints/preventive-actions/${late.body.id}`, key(other))).status).toBe(404);
    expect((await call('PATCH', `/api/complaints/preventive-actions/${late.body.id}`, key(other), { status: 'cancelled' })).status).toBe(404);
    expect((await call('GET', '/api/complaints/preventive-actions?cursor=bm9wZQ', key(ws))).status).toBe(400);

    expect((await call('DELETE', `/api/complaints/preventive-actions/${done.body.id}`, key(ws, 'manager'))).status).toBe(204);
    expect((await call('GET', `/api/complaints/preventive-actions/${done.body.id}`, key(ws))).status).toBe(404);
    const { rows } = await t.database.pool.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'complaint.preventive_action.%' ORDER BY id`, [ws.tenantId]);
    expect(rows.map((r) => r.action)).toEqual([
      'complaint.preventive_action.created', 'complaint.preventive_action.created', 'complaint.preventive_action.created',
      'complaint.preventive_action.updated', 'complaint.preventive_action.updated', 'complaint.preventive_action.deleted',
    ]);
  });
});
