// Golden SLA cases for a team on a split shift, in Asia/Tehran and Asia/Riyadh, end to end over HTTP:
// the team's hours saved through the teams route, cases of the team imported with their own
// instants, each deadline read from the case's SLA route and compared with one computed by hand.
// The team works a morning shift with a lunch break and an evening shift (08:00–12:00, 13:00–15:00,
// 17:00–21:00: ten hours a day); the workspace's default hours (09:00–17:00) would give other
// answers, so a deadline right here is the team's hours at work. Thursday is a half-day (until
// 12:00) and the weekend is the country's (Iran: Friday; Saudi Arabia: Friday–Saturday).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

type Headers = Record<string, string>;
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'owner'): Headers => t.auth(ws.keys[role]);

async function ok(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, headers: Headers, payload?: unknown, status = method === 'POST' ? 201 : 200) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}

const everyDay = (periods: { from: string; to: string }[]) => Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, periods]));
const SPLIT_SHIFT = everyDay([{ from: '08:00', to: '12:00' }, { from: '13:00', to: '15:00' }, { from: '17:00', to: '21:00' }]);
const MORNINGS_ONLY = everyDay([{ from: '08:00', to: '12:00' }, { from: '13:00', to: '15:00' }]);
const OFFICE_HOURS = everyDay([{ from: '09:00', to: '17:00' }]);

const ZONES = [
  { name: 'Asia/Tehran', country: 'IR' as const, offset: '+03:30', weekendDays: [5], firstDayAfterThursday: '2026-11-28' },
  { name: 'Asia/Riyadh', country: 'SA' as const, offset: '+03:00', weekendDays: [5, 6], firstDayAfterThursday: '2026-11-29' },
];

const same = (actual: string | null, expected: string) => expect(actual && new Date(actual).toISOString()).toBe(new Date(expected).toISOString());

describe.each(ZONES)('a split-shift team in $name', (zone) => {
  let ws: TestWorkspace;
  let teamId = '';
  const local = (wall: string) => `${wall}:00${zone.offset}`;
  const TEAM = 'evening-desk';

  beforeAll(async () => {
    ws = await t.createWorkspace({ country: zone.country });
    const calendar = await ok('PUT', '/api/complaints/settings/calendar', key(ws), {
      timeZone: null, weekendDays: zone.weekendDays, halfDays: [{ day: 4, endsAt: '12:00' }], defaultHours: OFFICE_HOURS,
      holidayCalendar: 'none', holidayOverrides: [], extraClosures: [], removedHolidays: [],
    });
    expect(calendar.effectiveTimeZone).toBe(zone.name);
    const team = await ok('POST', '/api/complaints/settings/teams', key(ws), { key: TEAM, name: 'میز عصر', hours: SPLIT_SHIFT });
    expect(team.hours).toEqual(SPLIT_SHIFT);
    teamId = team.id;
  });

  async function policy(category: string, targets: Record<string, number>) {
    await ok('POST', '/api/complaints/settings/sla-policies', key(ws), { name: `split ${category}`, category, targets });
  }
  async function teamCase(category: string, receivedAt: string, acknowledgedAt?: string): Promise<string> {
    const history = acknowledgedAt ? [{ kind: 'action', action: 'acknowledge', at: acknowledgedAt }] : [];
    const c = await ok('POST', '/api/complaints/import', key(ws), { channel: 'phone', description: 'split shift', category, team: TEAM, receivedAt, history });
    expect(c.team).toBe(TEAM);
    return c.id as string;
  }
  const slaAt = (id: string, at: string) => ok('GET', `/api/complaints/${id}/sla?at=${encodeURIComponent(at)}`, key(ws, 'agent'));

  it('stops the clock over the lunch break: 20 minutes before it and 40 after it', async () => {
    await policy('s-lunch', { acknowledge: 60 });
    const id = await teamCase('s-lunch', local('2026-11-29T11:40'));
    const atLunch = await slaAt(id, local('2026-11-29T12:30'));
    expect(atLunch.targets.acknowledge).toMatchObject({ state: 'running', usedMinutes: 20 });
    expect(atLunch.ticking).toBe(false);
    // 11:40–12:00 (20), 13:00–13:40 (40). Office hours would have said 12:40.
    same(atLunch.targets.acknowledge.dueAt, local('2026-11-29T13:40'));
  });

  it('stops it between the shifts and takes it up again at the evening shift', async () => {
    await policy('s-gap', { acknowledge: 60 });
    const id = await teamCase('s-gap', local('2026-11-29T14:30'));
    const between = await slaAt(id, local('2026-11-29T16:00'));
    expect(between.targets.acknowledge).toMatchObject({ state: 'running', usedMinutes: 30 });
    expect(between.ticking).toBe(false);
    // 14:30–15:00 (30), 17:00–17:30 (30). Office hours would have said 15:30.
    same(between.targets.acknowledge.dueAt, local('2026-11-29T17:30'));
    const evening = await slaAt(id, local('2026-11-29T17:10'));
    expect(evening.targets.acknowledge.usedMinutes).toBe(40);
    expect(evening.ticking).toBe(true);
  });

  it('starts a case that came in between the shifts, or after the evening shift, at the next opening', async () => {
    await policy('s-closed', { acknowledge: 60 });
    const afternoon = await teamCase('s-closed', local('2026-11-29T16:00'));
    same((await slaAt(afternoon, local('2026-11-29T16:30'))).targets.acknowledge.dueAt, local('2026-11-29T18:00'));
    const night = await teamCase('s-closed', local('2026-11-29T21:30'));
    const sla = await slaAt(night, local('2026-11-29T23:00'));
    expect(sla.targets.acknowledge.usedMinutes).toBe(0);
    // Office hours would open at 09:00 and say 10:00; the team opens at 08:00.
    same(sla.targets.acknowledge.dueAt, local('2026-11-30T09:00'));
  });

  it('counts ten hours a day across both shifts, and a change of the team\'s hours moves the open case\'s deadline', async () => {
    await policy('s-resolve', { resolve: 600 });
    const id = await teamCase('s-resolve', local('2026-11-29T11:30'), local('2026-11-29T11:30'));
    // Sunday: 11:30–12:00 (30), 13:00–15:00 (120), 17:00–18:00 (60) by 18:00.
    const sunday = await slaAt(id, local('2026-11-29T18:00'));
    expect(sunday.targets.resolve.usedMinutes).toBe(210);
    // Sunday 390 in all; Monday 08:00–11:30 the other 210.
    same(sunday.targets.resolve.dueAt, local('2026-11-30T11:30'));

    // Without the evening shift: Sunday 150, Monday 360 (510), Tuesday 08:00–09:30 the last 90.
    await ok('PATCH', `/api/complaints/settings/teams/${teamId}`, key(ws), { hours: MORNINGS_ONLY });
    same((await slaAt(id, local('2026-11-29T18:00'))).targets.resolve.dueAt, local('2026-12-01T09:30'));
    // Back on the workspace's office hours: Sunday 11:30–17:00 (330), Monday 09:00–13:30 (270).
    await ok('PATCH', `/api/complaints/settings/teams/${teamId}`, key(ws), { hours: null });
    same((await slaAt(id, local('2026-11-29T18:00'))).targets.resolve.dueAt, local('2026-11-30T13:30'));
    await ok('PATCH', `/api/complaints/settings/teams/${teamId}`, key(ws), { hours: SPLIT_SHIFT });
    same((await slaAt(id, local('2026-11-29T18:00'))).targets.resolve.dueAt, local('2026-11-30T11:30'));
  });

  it('cuts both afternoon periods on the Thursday half-day, then skips the weekend', async () => {
    await policy('s-half', { firstResponse: 240 });
    const id = await teamCase('s-half', local('2026-11-26T10:00'), local('2026-11-26T10:00'));
    const thursday = await slaAt(id, local('2026-11-26T20:00'));
    // Thursday 10:00–12:00 (120) and nothing after noon, not even the evening shift.
    expect(thursday.targets.firstResponse.usedMinutes).toBe(120);
    expect(thursday.ticking).toBe(false);
    // The other 120 on the first working morning: 08:00–10:00.
    same(thursday.targets.firstResponse.dueAt, local(`${zone.firstDayAfterThursday}T10:00`));
  });
});
