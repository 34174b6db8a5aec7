import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const owner = (ws: TestWorkspace) => t.auth(ws.keys.owner);

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, ws: TestWorkspace, payload?: object) {
  const res = await t.app.inject({ method, url, headers: owner(ws), ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
}

/** A follow-up opened (and maybe closed) at fixed instants. */
async function followupAt(ws: TestWorkspace, customerId: string, createdAt: string, completedAt?: string) {
  const res = await call('POST', '/api/followups', ws, { customerId, reason: 'after_interaction', dueInBusinessHours: 4 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await t.database.pool.query(
    `UPDATE followups SET created_at = $3, due_at = $3, completed_at = $4, status = CASE WHEN $4::timestamptz IS NULL THEN 'open' ELSE 'done' END
     WHERE tenant_id = $1 AND id = $2`,
    [ws.tenantId, res.body.id, createdAt, completedAt ?? null],
  );
}

describe('follow-ups per day', () => {
  it('counts opened and done per day of the workspace time zone, every day present', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    expect((await call('PATCH', '/api/workspace', ws, { timeZone: 'Asia/Tehran' })).status).toBe(200);
    const other = await t.createWorkspace({ country: 'IR' });
    const customer = await createCustomer(t, ws);
    const stranger = await createCustomer(t, other);

    // Tehran is UTC+03:30: 20:29Z is 23:59 on the 14th there, 20:31Z is 00:01 on the 15th,
    // though both are the 14th in UTC.
    await followupAt(ws, customer.id, '2026-11-14T20:29:00Z');
    await followupAt(ws, customer.id, '2026-11-14T20:31:00Z', '2026-11-16T10:00:00Z');
    await followupAt(ws, customer.id, '2026-11-15T08:00:00Z', '2026-11-16T20:35:00Z'); // done 00:05 on the 17th
    // Opened before the period, closed inside it: a day's work done, not a day's opening.
    await followupAt(ws, customer.id, '2026-11-01T08:00:00Z', '2026-11-13T06:00:00Z');
    // Outside the period on both sides.
    await followupAt(ws, customer.id, '2026-11-12T20:29:00Z', '2026-11-17T20:31:00Z');
    // Another workspace's follow-up on a counted day.
    await followupAt(other, stranger.id, '2026-11-15T08:00:00Z', '2026-11-15T09:00:00Z');

    // Midnight to midnight in Tehran, 13th to 17th.
    const res = await call('GET', '/api/followups/metrics?from=2026-11-12T20:30:00Z&to=2026-11-17T20:30:00Z', ws);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.daily).toEqual([
      { day: '2026-11-13', opened: 0, done: 1 },
      { day: '2026-11-14', opened: 1, done: 0 },
      { day: '2026-11-15', opened: 2, done: 0 },
      { day: '2026-11-16', opened: 0, done: 1 },
      { day: '2026-11-17', opened: 0, done: 1 },
    ]);
    expect(res.body.counts.opened).toBe(3);

    // The same instants in a workspace on UTC fall on other days.
    expect((await call('PATCH', '/api/workspace', ws, { timeZone: 'UTC' })).status).toBe(200);
    const utc = await call('GET', '/api/followups/metrics?from=2026-11-13T00:00:00Z&to=2026-11-16T00:00:00Z', ws);
    expect(utc.body.daily).toEqual([
      { day: '2026-11-13', opened: 0, done: 1 },
      { day: '2026-11-14', opened: 2, done: 0 },
      { day: '2026-11-15', opened: 1, done: 0 },
    ]);
  });

  it('gives a partial first and last day when the period does not start at midnight, and zeros for an empty workspace', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    expect((await call('PATCH', '/api/workspace', ws, { timeZone: 'Asia/Tehran' })).status).toBe(200);
    // 12:00 on the 1st to 12:00 on the 3rd in Tehran: three days, nothing in them.
    const res = await call('GET', '/api/followups/metrics?from=2026-03-01T08:30:00Z&to=2026-03-03T08:30:00Z', ws);
    expect(res.status).toBe(200);
    expect(res.body.daily).toEqual([
      { day: '2026-03-01', opened: 0, done: 0 },
      { day: '2026-03-02', opened: 0, done: 0 },
      { day: '2026-03-03', opened: 0, done: 0 },
    ]);

    // The default period, the last 30 days, ends today in the workspace's time zone.
    const recent = await call('GET', '/api/followups/metrics', ws);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date());
    expect(recent.body.daily.length).toBeGreaterThanOrEqual(30);
    expect(recent.body.daily.at(-1)).toEqual({ day: today, opened: 0, done: 0 });
  });
});
