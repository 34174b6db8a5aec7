// The SLA engine over HTTP and the database: a golden case per known helpdesk SLA bug in Tehran and
// Riyadh (hand-computed due instants), the scan's warnings, breaches and escalation exactly once,
// the queue, round-robin, validation and tenant isolation of every settings route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { recomputeWorkspaceSla, runSlaScan } from './complaint-sla.service.ts';

let t: TestApp;

beforeAll(async () => {
  // A database of its own: the scan runs across workspaces, at instants of the tests' choosing.
  t = await startTestApp({ database: 'scratch' });
}, 120_000);
afterAll(() => t?.close());

type Headers = Record<string, string>;
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'owner'): Headers => t.auth(ws.keys[role]);

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Headers, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}
async function ok(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Headers, payload?: unknown, status = method === 'POST' ? 201 : 200) {
  const res = await call(method, url, headers, payload);
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

const HOURS = { from: '08:00', to: '12:00' };
const AFTER_LUNCH = { from: '13:00', to: '17:00' };
const workWeek = Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, [HOURS, AFTER_LUNCH]]));

interface Zone {
  name: string;
  country: 'IR' | 'SA';
  offset: string;
  weekendDays: number[];
}
const ZONES: Zone[] = [
  { name: 'Asia/Tehran', country: 'IR', offset: '+03:30', weekendDays: [5] },
  { name: 'Asia/Riyadh', country: 'SA', offset: '+03:00', weekendDays: [5, 6] },
];

const MIN = 60_000;

async function policy(ws: TestWorkspace, body: Record<string, unknown>) {
  return ok('POST', '/api/complaints/settings/sla-policies', key(ws), { name: `p ${String(body.category ?? '')}`, ...body });
}
async function importCase(ws: TestWorkspace, body: Record<string, unknown>) {
  return ok('POST', '/api/complaints/import', key(ws), { channel: 'phone', description: 'historical', ...body });
}
async function slaAt(ws: TestWorkspace, id: string, at?: string) {
  return ok('GET', `/api/complaints/${id}/sla${at ? `?at=${encodeURIComponent(at)}` : ''}`, key(ws, 'agent'));
}
async function slaEvents(caseId: string) {
  const { rows } = await t.database.pool.query<{ topic: string; payload: Record<string, unknown> }>(
    "SELECT topic, payload FROM outbox_events WHERE topic LIKE 'complaint.sla_%' AND payload->>'caseId' = $1 ORDER BY id", [caseId]);
  return rows;
}
async function caseState(caseId: string) {
  const { rows: [row] } = await t.database.pool.query<{ state: string }>('SELECT state FROM complaint_cases WHERE id = $1', [caseId]);
  return row!.state;
}
const same = (actual: string | null, expected: string) => expect(actual && new Date(actual).toISOString()).toBe(new Date(expected).toISOString());

describe.each(ZONES)('golden SLA cases in $name', (zone) => {
  let ws: TestWorkspace;
  /** a local wall time of the zone, as an instant */
  const local = (wall: string) => `${wall}:00${zone.offset}`;
  const calendar = {
    timeZone: null, weekendDays: zone.weekendDays, halfDays: [{ day: 4, endsAt: '12:00' }], defaultHours: workWeek,
    holidayCalendar: 'none', holidayOverrides: [], extraClosures: [] as { date: string }[], removedHolidays: [],
  };

  beforeAll(async () => {
    ws = await t.createWorkspace({ country: zone.country });
    const saved = await ok('PUT', '/api/complaints/settings/calendar', key(ws), calendar);
    expect(saved.effectiveTimeZone).toBe(zone.name);
  });

  it('moves the due date of an open case when a holiday is added after it opened (Zammad)', async () => {
    await policy(ws, { category: 'g-holiday', targets: { resolve: 960 } });
    const c = await importCase(ws, { category: 'g-holiday', receivedAt: local('2026-11-01T09:00'), history: [{ kind: 'action', action: 'acknowledge', at: local('2026-11-01T09:00') }] });
    // Sunday 09–12 and 13–17 is 7 h, Monday 8 h: the 16th hour ends Tuesday 09:00.
    same((await slaAt(ws, c.id, local('2026-11-01T10:00'))).targets.resolve.dueAt, local('2026-11-03T09:00'));
    await ok('PUT', '/api/complaints/settings/calendar', key(ws), { ...calendar, extraClosures: [{ date: '2026-11-02', name: 'announced closure' }] });
    // Monday is off now: Sunday 7 h, Tuesday 8 h, the 16th hour ends Wednesday 09:00.
    same((await slaAt(ws, c.id, local('2026-11-01T10:00'))).targets.resolve.dueAt, local('2026-11-04T09:00'));
    await ok('PUT', '/api/complaints/settings/calendar', key(ws), calendar);
  });

  it('applies a policy changed mid-case without losing the paused time (GLPI)', async () => {
    const p = await policy(ws, { category: 'g-policy', targets: { resolve: 960 } });
    const c = await importCase(ws, {
      category: 'g-policy', receivedAt: local('2026-11-08T09:00'), history: [
        { kind: 'action', action: 'acknowledge', at: local('2026-11-08T09:00') },
        { kind: 'action', action: 'wait_for_customer', at: local('2026-11-08T10:00') },
        { kind: 'action', action: 'customer_replied', at: local('2026-11-08T14:00') },
      ],
    });
    // Counted Sunday: 09–10 and 14–17, 4 h; 12 h more: Monday 8 h, Tuesday 08–12.
    const before = await slaAt(ws, c.id, local('2026-11-08T16:00'));
    expect(before.targets.resolve.usedMinutes).toBe(180);
    same(before.targets.resolve.dueAt, local('2026-11-10T12:00'));
    await ok('PATCH', `/api/complaints/settings/sla-policies/${p.id}`, key(ws), { targets: { resolve: 480 } });
    // 4 h counted, 4 h more: Monday 08–12.
    const after = await slaAt(ws, c.id, local('2026-11-08T17:00'));
    expect(after.targets.resolve.usedMinutes).toBe(240);
    expect(after.targets.resolve.remainingMinutes).toBe(240);
    same(after.targets.resolve.dueAt, local('2026-11-09T12:00'));
  });

  it('a deactivated policy breaches nothing, escalates nothing and warns no more (Zammad)', async () => {
    const p = await policy(ws, { category: 'g-off', targets: { resolve: 60 } });
    const c = await importCase(ws, { category: 'g-off', receivedAt: local('2026-11-15T09:00'), history: [{ kind: 'action', action: 'acknowledge', at: local('2026-11-15T09:00') }] });
    expect((await slaAt(ws, c.id)).state).toBe('breached');
    await ok('PATCH', `/api/complaints/settings/sla-policies/${p.id}`, key(ws), { active: false });
    const sla = await slaAt(ws, c.id);
    expect(sla.state).toBe('none');
    expect(sla.targets.resolve).toMatchObject({ state: 'none', dueAt: null, warning: false });
    await recomputeWorkspaceSla(t.database, ws.tenantId, new Date());
    await runSlaScan(t.database, new Date());
    expect(await slaEvents(c.id)).toEqual([]);
    expect(await caseState(c.id)).toBe('acknowledged');
    const queue = await ok('GET', '/api/complaints/queue?sla=breached', key(ws, 'agent'));
    expect(queue.items.map((i: { id: string }) => i.id)).not.toContain(c.id);
  });

  it('pauses across a weekend and a holiday and resumes where it stopped (GLPI, Frappe)', async () => {
    await ok('PUT', '/api/complaints/settings/calendar', key(ws), { ...calendar, extraClosures: [{ date: '2026-11-19' }, { date: '2026-11-23' }] });
    await policy(ws, { category: 'g-pause', targets: { resolve: 960 } });
    const c = await importCase(ws, {
      category: 'g-pause', receivedAt: local('2026-11-18T09:00'), history: [
        { kind: 'action', action: 'acknowledge', at: local('2026-11-18T09:00') },
        { kind: 'action', action: 'wait_for_customer', at: local('2026-11-18T11:00') },
        { kind: 'action', action: 'customer_replied', at: local('2026-11-22T10:00') },
      ],
    });
    const paused = await slaAt(ws, c.id, local('2026-11-22T09:00'));
    expect(paused.state).toBe('paused');
    expect(paused.targets.resolve).toMatchObject({ state: 'paused', usedMinutes: 120, dueAt: null });
    // 2 h before the pause; from Sunday 10:00: Sunday 6 h, Monday a holiday, Tuesday 8 h ends at 17:00.
    same((await slaAt(ws, c.id, local('2026-11-22T11:00'))).targets.resolve.dueAt, local('2026-11-24T17:00'));
    await ok('PUT', '/api/complaints/settings/calendar', key(ws), calendar);
  });

  it('does not count the lunch break', async () => {
    await policy(ws, { category: 'g-lunch', targets: { firstResponse: 120 } });
    const c = await importCase(ws, { category: 'g-lunch', receivedAt: local('2026-11-29T11:00'), history: [{ kind: 'action', action: 'acknowledge', at: local('2026-11-29T11:00') }] });
    const sla = await slaAt(ws, c.id, local('2026-11-29T13:30'));
    expect(sla.targets.firstResponse.usedMinutes).toBe(90);
    same(sla.targets.firstResponse.dueAt, local('2026-11-29T14:00'));
  });

  it('counts a half-day only until it ends', async () => {
    await policy(ws, { category: 'g-half', targets: { resolve: 240 } });
    const c = await importCase(ws, { category: 'g-half', receivedAt: local('2026-11-26T10:00'), history: [{ kind: 'action', action: 'acknowledge', at: local('2026-11-26T10:00') }] });
    // Thursday 10–12 only; then the weekend; 2 h on the first working morning.
    const firstWorkingDay = zone.country === 'IR' ? '2026-11-28' : '2026-11-29';
    same((await slaAt(ws, c.id, local('2026-11-26T11:00'))).targets.resolve.dueAt, local(`${firstWorkingDay}T10:00`));
  });

  it('starts the clock of a case opened outside business hours at the next opening', async () => {
    await policy(ws, { category: 'g-night', targets: { acknowledge: 60 } });
    const c = await importCase(ws, { category: 'g-night', receivedAt: local('2026-11-29T20:00') });
    const sla = await slaAt(ws, c.id, local('2026-11-29T23:00'));
    expect(sla.targets.acknowledge).toMatchObject({ state: 'running', usedMinutes: 0 });
    expect(sla.ticking).toBe(false);
    same(sla.targets.acknowledge.dueAt, local('2026-11-30T09:00'));
  });

  it('keeps the first response when an update follows it (Zammad)', async () => {
    await policy(ws, { category: 'g-reply', targets: { firstResponse: 120 } });
    const c = await importCase(ws, {
      category: 'g-reply', receivedAt: local('2026-11-30T09:00'), history: [
        { kind: 'action', action: 'acknowledge', at: local('2026-11-30T09:00') },
        { kind: 'response', at: local('2026-11-30T10:00') },
        { kind: 'response', at: local('2026-11-30T16:00') },
      ],
    });
    const sla = await slaAt(ws, c.id);
    expect(sla.targets.firstResponse).toMatchObject({ state: 'met', usedMinutes: 60 });
    same(sla.targets.firstResponse.stoppedAt, local('2026-11-30T10:00'));
  });

  it('measures a case imported already closed and never warns about or escalates it', async () => {
    await policy(ws, { category: 'g-closed', targets: { resolve: 480 } });
    const c = await importCase(ws, {
      category: 'g-closed', receivedAt: local('2026-12-01T09:00'), history: [
        { kind: 'action', action: 'acknowledge', at: local('2026-12-01T09:00') },
        { kind: 'action', action: 'assess', at: local('2026-12-01T09:30') },
        { kind: 'action', action: 'propose_resolution', at: local('2026-12-02T09:00'), resolutionSummary: 'Replaced the parcel.' },
        { kind: 'action', action: 'communicate_resolution', at: local('2026-12-02T10:00'), rootCause: 'delivery' },
        { kind: 'action', action: 'customer_accepts', at: local('2026-12-02T11:00') },
      ],
    });
    expect(c.state).toBe('closed');
    same(c.closedAt, local('2026-12-02T11:00'));
    // Tuesday 09–17 less lunch is 7 h, Wednesday 08–10 2 h: 9 h against 8, late by an hour.
    expect(c.sla.targets.resolve).toMatchObject({ state: 'met_late', usedMinutes: 540 });
    same(c.sla.targets.resolve.dueAt, local('2026-12-02T09:00'));
    expect(c.sla.state).toBe('met');
    await runSlaScan(t.database, new Date(Date.now() + 7 * 24 * 60 * MIN));
    expect(await slaEvents(c.id)).toEqual([]);
    expect(await caseState(c.id)).toBe('closed');
    const { rows: published } = await t.database.pool.query("SELECT 1 FROM outbox_events WHERE topic = 'complaint.received' AND payload->>'caseId' = $1", [c.id]);
    expect(published).toEqual([]);
  });
});

describe('the SLA scan', () => {
  let ws: TestWorkspace;
  const allDay = Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, [{ from: '00:00', to: '24:00' }]]));

  beforeAll(async () => {
    ws = await t.createWorkspace({ country: 'IR' });
    // Around the clock, so business time is wall time and the scan's instants are easy to pick.
    await ok('PUT', '/api/complaints/settings/calendar', key(ws), {
      timeZone: null, weekendDays: [], halfDays: [], defaultHours: allDay, holidayCalendar: 'none', holidayOverrides: [], extraClosures: [], removedHolidays: [],
    });
  });

  it('publishes the warning, then the breach, each once, and escalates once as the system', async () => {
    await policy(ws, { category: 'scan', targets: { resolve: 600 }, warningShare: 0.5 });
    const received = new Date(Date.now() - MIN);
    const c = await importCase(ws, { category: 'scan', receivedAt: received.toISOString(), history: [{ kind: 'action', action: 'acknowledge', at: received.toISOString() }] });
    const at = (minutes: number) => new Date(received.getTime() + minutes * MIN);

    await runSlaScan(t.database, at(100));
    expect(await slaEvents(c.id)).toEqual([]);
    await runSlaScan(t.database, at(301));
    await runSlaScan(t.database, at(302));
    expect((await slaEvents(c.id)).map((e) => [e.topic, e.payload.target])).toEqual([['complaint.sla_warning', 'resolve']]);
    await runSlaScan(t.database, at(601));
    await runSlaScan(t.database, at(700));
    await recomputeWorkspaceSla(t.database, ws.tenantId, at(701));
    const events = await slaEvents(c.id);
    expect(events.map((e) => e.topic)).toEqual(['complaint.sla_warning', 'complaint.sla_breached']);
    same(events[1]!.payload.dueAt as string, at(600).toISOString());
    expect(await caseState(c.id)).toBe('escalated');
    const { rows: log } = await t.database.pool.query('SELECT action, actor_type FROM complaint_case_events WHERE case_id = $1 AND action = $2', [c.id, 'escalate']);
    expect(log).toEqual([{ action: 'escalate', actor_type: 'system' }]);
  });

  it('escalates a breach wave over several batches at once, each case from its own state, with its event and queue row', async () => {
    await policy(ws, { category: 'wave', targets: { resolve: 60 } });
    const received = new Date(Date.now() - MIN);
    const ids: string[] = [];
    for (let n = 0; n < 7; n++) {
      const history = [{ kind: 'action', action: 'acknowledge', at: received.toISOString() }, ...(n % 2 ? [{ kind: 'action', action: 'assess', at: received.toISOString() }] : [])];
      ids.push((await importCase(ws, { category: 'wave', receivedAt: received.toISOString(), history })).id as string);
    }
    const result = await runSlaScan(t.database, new Date(received.getTime() + 24 * 60 * MIN), 3);
    expect(result.escalated).toBeGreaterThanOrEqual(7);
    const { rows: log } = await t.database.pool.query(
      "SELECT case_id, from_state, to_state, actor_type, note FROM complaint_case_events WHERE case_id = ANY($1) AND action = 'escalate'", [ids]);
    expect(log).toHaveLength(7);
    for (const [n, id] of ids.entries()) {
      expect(log.find((e) => e.case_id === id)).toMatchObject({ from_state: n % 2 ? 'assessed' : 'acknowledged', to_state: 'escalated', actor_type: 'system', note: 'SLA breached: resolve' });
      expect(await caseState(id)).toBe('escalated');
    }
    const { rows: published } = await t.database.pool.query(
      "SELECT payload->>'caseId' AS id FROM outbox_events WHERE topic = 'complaint.state_changed' AND payload->>'action' = 'escalate' AND payload->>'caseId' = ANY($1)", [ids]);
    expect(published.map((r) => r.id).sort()).toEqual([...ids].sort());
    const { rows: index } = await t.database.pool.query('SELECT case_state FROM complaint_case_sla WHERE case_id = ANY($1)', [ids]);
    expect(index.map((r) => r.case_state)).toEqual(ids.map(() => 'escalated'));
    // Once is enough: the next scan escalates none of them again.
    await runSlaScan(t.database, new Date(received.getTime() + 25 * 60 * MIN), 3);
    expect((await t.database.pool.query("SELECT 1 FROM complaint_case_events WHERE case_id = ANY($1) AND action = 'escalate'", [ids])).rows).toHaveLength(7);
  });

  it('stops warning and never breaches once the policy is deactivated', async () => {
    const p = await policy(ws, { category: 'scan-off', targets: { resolve: 600 }, warningShare: 0.5 });
    const received = new Date(Date.now() - MIN);
    const c = await importCase(ws, { category: 'scan-off', receivedAt: received.toISOString(), history: [{ kind: 'action', action: 'acknowledge', at: received.toISOString() }] });
    await runSlaScan(t.database, new Date(received.getTime() + 301 * MIN));
    expect((await slaEvents(c.id)).map((e) => e.topic)).toEqual(['complaint.sla_warning']);
    await ok('PATCH', `/api/complaints/settings/sla-policies/${p.id}`, key(ws), { active: false });
    await recomputeWorkspaceSla(t.database, ws.tenantId, new Date(received.getTime() + 302 * MIN));
    await runSlaScan(t.database, new Date(received.getTime() + 900 * MIN));
    expect((await slaEvents(c.id)).map((e) => e.topic)).toEqual(['complaint.sla_warning']);
    expect(await caseState(c.id)).toBe('acknowledged');
  });

  it('orders the queue by urgency, filters it by team and SLA state, and pages it', async () => {
    await policy(ws, { category: 'queue', targets: { resolve: 600 }, warningShare: 0.5 });
    const ago = (minutes: number) => new Date(Date.now() - minutes * MIN).toISOString();
    const open = async (minutesAgo: number) => (await importCase(ws, { category: 'queue', team: 'q-team', receivedAt: ago(minutesAgo), history: [{ kind: 'action', action: 'acknowledge', at: ago(minutesAgo) }] })).id as string;
    const fresh = await open(10);
    const atRisk = await open(400);
    const breached = await open(700);
    const page = await ok('GET', '/api/complaints/queue?team=q-team', key(ws, 'agent'));
    expect(page.items.map((i: { id: string }) => i.id)).toEqual([breached, atRisk, fresh]);
    expect(page.items.map((i: { sla: { state: string } }) => i.sla.state)).toEqual(['breached', 'at_risk', 'ok']);
    expect(page.items[2].sla.targets.resolve.remainingMinutes).toBeGreaterThan(580);
    expect(page.items[2].sla.ticking).toBe(true);
    const risky = await ok('GET', '/api/complaints/queue?team=q-team&sla=at_risk', key(ws, 'agent'));
    expect(risky.items.map((i: { id: string }) => i.id)).toEqual([atRisk]);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const next: { items: { id: string }[]; nextCursor: string | null } = await ok('GET', `/api/complaints/queue?team=q-team&limit=1${cursor ? `&cursor=${cursor}` : ''}`, key(ws, 'agent'));
      walked.push(...next.items.map((i) => i.id));
      cursor = next.nextCursor;
    } while (cursor);
    expect(walked).toEqual([breached, atRisk, fresh]);
    expect((await call('GET', '/api/complaints/queue?cursor=nonsense', key(ws, 'agent'))).body.code).toBe('invalid_cursor');
    const detail = await ok('GET', `/api/complaints/${breached}`, key(ws, 'agent'));
    expect(detail.sla.targets.resolve.state).toBe('breached');
  });
});

describe('round-robin assignment', () => {
  it('hands a team\'s new cases to its members in turn, fairly under concurrent intake', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const members = [ws.users.agent.accountId, ws.users.manager.accountId];
    await ok('POST', '/api/complaints/settings/teams', key(ws), { key: 'rr', name: 'Round robin', members });
    const assigned: string[] = [];
    for (let i = 0; i < 4; i++) assigned.push((await ok('POST', '/api/complaints', key(ws, 'agent'), { channel: 'phone', description: 'late', team: 'rr' })).assigneeId);
    expect(assigned).toEqual([members[0], members[1], members[0], members[1]]);
    const racing = await Promise.all(Array.from({ length: 6 }, () => ok('POST', '/api/complaints', key(ws, 'agent'), { channel: 'phone', description: 'late', team: 'rr' })));
    const counts = new Map<string, number>();
    for (const c of racing) counts.set(c.assigneeId, (counts.get(c.assigneeId) ?? 0) + 1);
    expect([...counts.entries()].sort()).toEqual(members.map((m) => [m, 3]).sort());
    const mine = await ok('GET', '/api/complaints/queue?assignee=me', t.session(ws.users.agent));
    expect(mine.items).toHaveLength(5);
  });
});

describe('settings', () => {
  it('starts from the country\'s presets and a default policy', async () => {
    const ir = await t.createWorkspace({ country: 'IR' });
    const calendar = await ok('GET', '/api/complaints/settings/calendar', key(ir, 'analyst'));
    expect(calendar).toMatchObject({ saved: false, weekendDays: [5], halfDays: [{ day: 4, endsAt: '12:00' }], holidayCalendar: 'IR', effectiveTimeZone: 'Asia/Tehran' });
    const ae = await t.createWorkspace({ country: 'AE' });
    expect(await ok('GET', '/api/complaints/settings/calendar', key(ae))).toMatchObject({ weekendDays: [0, 6], halfDays: [{ day: 5, endsAt: '12:00' }], holidayCalendar: 'AE' });
    const policies = await ok('GET', '/api/complaints/settings/sla-policies', key(ir));
    expect(policies.items).toMatchObject([{ isDefault: true, active: true, targets: { acknowledge: 60, firstResponse: 480, resolve: 2400 } }]);
    expect((await call('DELETE', `/api/complaints/settings/sla-policies/${policies.items[0].id}`, key(ir))).body.code).toBe('default_sla_policy_required');
    const holidays = await ok('GET', '/api/complaints/settings/holidays?year=2026', key(ir));
    expect(holidays.daysOff).toContain('2026-03-21');
    const nowruz = holidays.occurrences.find((o: { holiday: string }) => o.holiday === 'nowruz');
    expect(nowruz).toMatchObject({ estimated: false, overridden: false });
  });

  it('refuses bad settings with a stable code and a message in the reader\'s language', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const base = { timeZone: null, weekendDays: [5], halfDays: [], defaultHours: {}, holidayCalendar: 'IR', holidayOverrides: [], extraClosures: [], removedHolidays: [] };
    const fa = { ...key(ws), 'accept-language': 'fa' };
    const cases: [Record<string, unknown>, string][] = [
      [{ defaultHours: { 0: [{ from: '09:00', to: '08:00' }] } }, 'backward_period'],
      [{ defaultHours: { 0: [{ from: '08:00', to: '12:00' }, { from: '11:00', to: '17:00' }] } }, 'overlapping_periods'],
      [{ timeZone: 'Asia/Atlantis' }, 'unknown_time_zone'],
      [{ halfDays: [{ day: 5, endsAt: '12:00' }] }, 'half_day_on_weekend'],
    ];
    for (const [patch, code] of cases) {
      const res = await call('PUT', '/api/complaints/settings/calendar', fa, { ...base, ...patch });
      expect(res.status, code).toBe(400);
      const error = res.body.errors.find((e: { code: string }) => e.code === code);
      expect(error, JSON.stringify(res.body)).toBeTruthy();
      expect(error.message).toMatch(/[\u0600-\u06FF]/);
    }
    const override = await call('PUT', '/api/complaints/settings/calendar', fa, { ...base, holidayOverrides: [{ holiday: 'no-such-day', year: 1447, from: '2026-03-20' }] });
    expect([override.status, override.body.code]).toEqual([422, 'unknown_holiday']);
    const badPolicies: [Record<string, unknown>, string][] = [
      [{ targets: { resolve: 0 } }, 'sla_target_not_positive'],
      [{ targets: { resolve: -5 } }, 'sla_target_not_positive'],
      [{ targets: {} }, 'sla_target_required'],
      [{ targets: { resolve: 60 }, pausingStates: ['on_holiday'] }, 'unknown_complaint_state'],
    ];
    for (const [body, code] of badPolicies) {
      const res = await call('POST', '/api/complaints/settings/sla-policies', key(ws), { name: 'bad', category: 'x', ...body });
      expect(res.status, code).toBe(400);
      expect(res.body.errors.map((e: { code: string }) => e.code)).toContain(code);
    }
    await policy(ws, { category: 'dup', targets: { resolve: 60 } });
    const dup = await call('POST', '/api/complaints/settings/sla-policies', key(ws), { name: 'again', category: 'dup', targets: { resolve: 90 } });
    expect([dup.status, dup.body.code]).toEqual([409, 'sla_policy_conflict']);
    const stranger = await call('POST', '/api/complaints/settings/teams', key(ws), { key: 'x', name: 'x', members: [ws.users.analyst.accountId] });
    expect([stranger.status, stranger.body.code]).toEqual([422, 'invalid_team_member']);
    const { rows: audit } = await t.database.pool.query("SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'complaint_sla.%'", [ws.tenantId]);
    expect(audit.map((r) => r.action)).toEqual(['complaint_sla.policy_created']);
  });

  it('keeps every settings route to its own workspace and role', async () => {
    const a = await t.createWorkspace({ country: 'IR' });
    const b = await t.createWorkspace({ country: 'SA' });
    const p = await policy(a, { category: 'mine', targets: { resolve: 60 } });
    const team = await ok('POST', '/api/complaints/settings/teams', key(a), { key: 'mine', name: 'Mine', members: [a.users.agent.accountId] });
    const c = await ok('POST', '/api/complaints', key(a, 'agent'), { channel: 'phone', description: 'x', team: 'mine' });
    await ok('PUT', '/api/complaints/settings/calendar', key(a), { ...(await ok('GET', '/api/complaints/settings/calendar', key(a))), effectiveTimeZone: undefined, saved: undefined, updatedAt: undefined, extraClosures: [{ date: '2026-12-24' }] });

    expect((await ok('GET', '/api/complaints/settings/sla-policies', key(b))).items.map((i: { id: string }) => i.id)).not.toContain(p.id);
    expect((await ok('GET', '/api/complaints/settings/teams', key(b))).items).toEqual([]);
    expect((await ok('GET', '/api/complaints/settings/calendar', key(b))).extraClosures).toEqual([]);
    expect((await ok('GET', '/api/complaints/queue', key(b))).items).toEqual([]);
    expect((await call('PATCH', `/api/complaints/settings/sla-policies/${p.id}`, key(b), { active: false })).status).toBe(404);
    expect((await call('DELETE', `/api/complaints/settings/sla-policies/${p.id}`, key(b))).status).toBe(404);
    expect((await call('PATCH', `/api/complaints/settings/teams/${team.id}`, key(b), { name: 'taken' })).status).toBe(404);
    expect((await call('DELETE', `/api/complaints/settings/teams/${team.id}`, key(b))).status).toBe(404);
    expect((await call('GET', `/api/complaints/${c.id}/sla`, key(b))).status).toBe(404);
    expect((await ok('GET', `/api/complaints/settings/sla-policies`, key(a))).items.find((i: { id: string }) => i.id === p.id).active).toBe(true);

    for (const [method, url, body] of [
      ['POST', '/api/complaints/settings/sla-policies', { name: 'n', targets: { resolve: 1 } }],
      ['PATCH', `/api/complaints/settings/sla-policies/${p.id}`, { active: false }],
      ['POST', '/api/complaints/settings/teams', { key: 'k', name: 'n' }],
      ['PUT', '/api/complaints/settings/calendar', {}],
      ['POST', '/api/complaints/import', { channel: 'phone', description: 'x', receivedAt: new Date().toISOString() }],
    ] as const) {
      expect((await call(method, url, key(a, 'agent'), body)).status, `${method} ${url}`).toBe(403);
    }
    expect((await call('GET', '/api/complaints/settings/calendar', key(a, 'analyst'))).status).toBe(200);
    // Each accepted change asks for a recompute of the workspace's open cases (the subscriber's event), and only A's.
    const changes = async (ws: TestWorkspace) => (await t.database.pool.query("SELECT payload->>'what' AS what FROM outbox_events WHERE tenant_id = $1 AND topic = 'complaint.sla_settings_changed' ORDER BY id", [ws.tenantId])).rows.map((r) => r.what);
    expect(await changes(a)).toEqual(['complaint_sla_policy', 'complaint_team', 'complaint_sla_calendar']);
    expect(await changes(b)).toEqual([]);
  });
});
