import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../platform/db/connect.ts';
import { defineJob } from '../../platform/jobs/registry.ts';

/** Code requests older than this count for no limit any more (the longest window is a day). */
const CODE_ROWS_KEPT_HOURS = 48;
/** Sessions ended or expired this long ago are of no use; their sign-ins stay in the audit log. */
const SESSIONS_KEPT_HOURS = 24;

/**
 * Deletes what member sign-in no longer needs: code requests past every limit's window (each holds
 * a phone number, a member's or a stranger's, so keeping them would keep personal data for
 * nothing) and sessions ended or expired a day ago. `tenantId` limits it to one workspace.
 */
export async function pruneMemberSignIns(db: Executor, now: Date, tenantId?: string): Promise<{ codes: number; sessions: number }> {
  const inWorkspace = tenantId === undefined ? sql`` : sql`AND tenant_id = ${tenantId}`;
  const codesBefore = new Date(now.getTime() - CODE_ROWS_KEPT_HOURS * 3_600_000).toISOString();
  const sessionsBefore = new Date(now.getTime() - SESSIONS_KEPT_HOURS * 3_600_000).toISOString();
  const codes = await db.execute(sql`DELETE FROM loyalty_member_otps WHERE created_at < ${codesBefore}::timestamptz ${inWorkspace}`);
  const sessions = await db.execute(sql`
    DELETE FROM loyalty_member_sessions
    WHERE (expires_at < ${sessionsBefore}::timestamptz OR ended_at < ${sessionsBefore}::timestamptz) ${inWorkspace}`);
  return { codes: codes.rowCount ?? 0, sessions: sessions.rowCount ?? 0 };
}

/** Daily: member sign-in's old code requests and dead sessions. Safe to run twice. */
export const pruneMemberSignInsJob = defineJob({
  name: 'loyalty.prune-member-sign-ins',
  every: '41 3 * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const pruned = await pruneMemberSignIns(database.db, clock.now());
    if (pruned.codes + pruned.sessions > 0) log.info(pruned, 'member sign-ins pruned');
  },
});
