import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { queueMessages } from '../../platform/messaging/outbox.ts';

// The default role runs no dispatcher: the statuses set below stay as they are.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

async function get(ws: TestWorkspace, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: t.auth(ws.keys.owner) });
  return { status: res.statusCode, body: res.json(), type: String(res.headers['content-type']) };
}

/** A message created at a fixed instant, in a given status. */
async function messageAt(ws: TestWorkspace, createdAt: string, status: string) {
  const [id] = await queueMessages(t.database.db, ws.tenantId, [{ customerId: null, channel: 'email', recipient: 'a@example.test', locale: 'fa', bodyText: 'x', origin: {} }]);
  await t.database.pool.query('UPDATE messages SET created_at = $3, status = $4 WHERE tenant_id = $1 AND id = $2', [ws.tenantId, id, createdAt, status]);
}

const zero = { queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, dead: 0, suppressed: 0 };

describe('messages per day', () => {
  it('counts messages by status per day of the workspace time zone, every day present', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/workspace', headers: t.auth(ws.keys.owner), payload: { timeZone: 'Asia/Tehran' } });
    expect(patched.statusCode).toBe(200);
    const other = await t.createWorkspace({ country: 'IR' });

    // 20:29Z on the 14th is 23:59 in Tehran; 20:31Z is already the 15th there.
    await messageAt(ws, '2026-11-14T20:29:00Z', 'delivered');
    await messageAt(ws, '2026-11-14T20:31:00Z', 'delivered');
    await messageAt(ws, '2026-11-14T21:00:00Z', 'dead');
    await messageAt(ws, '2026-11-16T12:00:00Z', 'suppressed');
    await messageAt(ws, '2026-11-12T20:29:00Z', 'sent'); // the 12th: before the period
    await messageAt(other, '2026-11-15T08:00:00Z', 'delivered');

    const res = await get(ws, '/api/messages/per-day?from=2026-11-12T20:30:00Z&to=2026-11-16T20:30:00Z');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.daily).toEqual([
      { day: '2026-11-13', ...zero },
      { day: '2026-11-14', ...zero, delivered: 1 },
      { day: '2026-11-15', ...zero, delivered: 1, dead: 1 },
      { day: '2026-11-16', ...zero, suppressed: 1 },
    ]);
    expect(res.body).toMatchObject({ from: '2026-11-12T20:30:00.000Z', to: '2026-11-16T20:30:00.000Z' });
  });

  it('refuses a reversed or too long period with a localised problem', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    for (const query of ['from=2026-11-16T00:00:00Z&to=2026-11-12T00:00:00Z', 'from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z']) {
      const res = await get(ws, `/api/messages/per-day?${query}`);
      expect(res.status).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.code).toBe('invalid_period');
    }
    const recent = await get(ws, '/api/messages/per-day');
    expect(recent.status).toBe(200);
    expect(recent.body.daily.length).toBeGreaterThanOrEqual(30);
  });
});
