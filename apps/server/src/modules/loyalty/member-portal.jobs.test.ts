// Member sign-in's housekeeping on PostgreSQL: code requests past every limit's window and dead
// sessions go, what a limit or a signed-in member still needs stays, and other workspaces' rows
// are not touched by a workspace's run.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { pruneMemberSignIns } from './member-portal.jobs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const HOUR = 3_600_000;

it('deletes code requests older than two days and sessions dead for a day, and nothing else', async () => {
  const now = new Date();
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  const seed = async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const customer = await createCustomer(t, ws, { phone: '09351234567' });
    const code = (hoursAgo: number) => t.database.pool.query(
      `INSERT INTO loyalty_member_otps (tenant_id, id, phone, customer_id, code_hash, expires_at, created_at) VALUES ($1, $2, '+989351234567', NULL, NULL, $3, $3)`,
      [ws.tenantId, randomUUID(), at(hoursAgo)]);
    const session = (expiresHoursAgo: number, endedHoursAgo: number | null) => t.database.pool.query(
      `INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, ended_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [ws.tenantId, randomBytes(16).toString('hex'), customer.id, at(expiresHoursAgo), endedHoursAgo === null ? null : at(endedHoursAgo), at(24 * 40)]);
    await code(72); // past every window: goes
    await code(49); // goes
    await code(23); // inside the day's limit: stays
    await session(-24 * 29, null); // live: stays
    await session(30, null); // expired 30 h ago: goes
    await session(2, null); // expired 2 h ago: stays (a day's grace)
    await session(-24 * 10, 25); // signed out 25 h ago: goes
    return ws.tenantId;
  };
  const mine = await seed();
  const other = await seed();
  const counts = async (tenantId: string) => ({
    codes: (await t.database.pool.query('SELECT count(*)::int AS n FROM loyalty_member_otps WHERE tenant_id = $1', [tenantId])).rows[0].n,
    sessions: (await t.database.pool.query('SELECT count(*)::int AS n FROM loyalty_member_sessions WHERE tenant_id = $1', [tenantId])).rows[0].n,
  });

  expect(await pruneMemberSignIns(t.database.db, now, mine)).toEqual({ codes: 2, sessions: 2 });
  expect(await counts(mine)).toEqual({ codes: 1, sessions: 2 });
  expect(await counts(other)).toEqual({ codes: 3, sessions: 4 });
  // A second run finds nothing more.
  expect(await pruneMemberSignIns(t.database.db, now, mine)).toEqual({ codes: 0, sessions: 0 });
});
