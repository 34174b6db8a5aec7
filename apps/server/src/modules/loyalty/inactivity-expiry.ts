import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import * as ledger from './ledger.repo.ts';
import { LOYALTY_EVENTS, type LedgerContext } from './ledger.service.ts';
import { programsWithInactivityExpiry, workspacesWithInactivityExpiry, type Program } from './program.service.ts';

// Expiry after inactivity: a program's points a member holds expire, all at once, once the member
// has neither earned nor spent for the program's days. Each expiry is keyed by the member's last
// activity (its latest earn or redemption), so running twice, or beside another run, expires once;
// a member active again before the lock is taken keeps the points.

const DAY_MS = 86_400_000;
const BATCH = 500;

/** Members holding available points of the program whose last earn or spend is before the cutoff. */
async function inactiveHolders(db: Executor, tenantId: string, programId: string, cutoff: Date, limit: number): Promise<string[]> {
  const { rows } = await db.execute<{ customer_id: string }>(sql`
    SELECT DISTINCT l.customer_id FROM loyalty_lots l
    JOIN loyalty_awards a ON a.tenant_id = l.tenant_id AND a.entry_id = l.entry_id AND a.program_id = ${programId}
    WHERE l.tenant_id = ${tenantId} AND l.remaining > 0 AND (l.pending_until IS NULL OR l.unlocked_at IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM loyalty_entries e WHERE e.tenant_id = l.tenant_id AND e.customer_id = l.customer_id
                      AND e.kind IN ('earn', 'redeem') AND e.created_at > ${cutoff.toISOString()}::timestamptz)
    LIMIT ${limit}`);
  return rows.map((r) => r.customer_id);
}

/** The member's latest earn or spend, and the program's available lots it holds (call with the member locked). */
async function memberState(tx: Executor, tenantId: string, programId: string, customerId: string) {
  const { rows: [last] } = await tx.execute<{ id: number | null; at: string | null }>(sql`
    SELECT id, created_at AS at FROM loyalty_entries WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND kind IN ('earn', 'redeem')
    ORDER BY id DESC LIMIT 1`);
  const { rows: lots } = await tx.execute<{ id: number; remaining: number }>(sql`
    SELECT l.id, l.remaining FROM loyalty_lots l
    JOIN loyalty_awards a ON a.tenant_id = l.tenant_id AND a.entry_id = l.entry_id AND a.program_id = ${programId}
    WHERE l.tenant_id = ${tenantId} AND l.customer_id = ${customerId} AND l.remaining > 0 AND (l.pending_until IS NULL OR l.unlocked_at IS NOT NULL)
    ORDER BY l.id`);
  return {
    lastId: last?.id == null ? null : Number(last.id), lastAt: last?.at ? new Date(last.at) : null,
    lots: lots.map((l) => ({ lotId: Number(l.id), amount: Number(l.remaining) })),
  };
}

export interface InactivityRun {
  members: number;
  points: number;
}

/** One workspace's inactivity expiry for one program, in batches of members, each batch in the caller's transaction. */
export async function expireInactive(tx: Executor, ctx: LedgerContext, program: Program): Promise<InactivityRun> {
  if (program.settings.expiry.kind !== 'inactivity') return { members: 0, points: 0 };
  const cutoff = new Date(ctx.now.getTime() - program.settings.expiry.days * DAY_MS);
  // Takes turns with the due work (unlocks, expiries) of the workspace.
  await ledger.lockDueWork(tx, ctx.tenantId);
  const run: InactivityRun = { members: 0, points: 0 };
  const done = new Set<string>();
  for (;;) {
    const candidates = (await inactiveHolders(tx, ctx.tenantId, program.id, cutoff, BATCH)).filter((c) => !done.has(c));
    if (candidates.length === 0) return run;
    for (const customerId of await ledger.lockMembers(tx, ctx.tenantId, candidates)) {
      done.add(customerId);
      const state = await memberState(tx, ctx.tenantId, program.id, customerId);
      // Active again while we waited for the lock, or nothing left: nothing to expire.
      if ((state.lastAt && state.lastAt > cutoff) || state.lots.length === 0) continue;
      const points = state.lots.reduce((n, l) => n + l.amount, 0);
      const { entryId } = await ledger.bookEntry(tx, {
        entry: {
          tenantId: ctx.tenantId, kind: 'expire', idempotencyKey: `expire:inactivity:${program.id}:${customerId}:${state.lastId ?? 0}`, customerId, externalId: null,
          reason: `${program.name} · inactivity`, source: ctx.source, at: ctx.now,
        },
        customerId,
        postings: [{ account: 'available', customerId, amount: -points }, { account: 'breakage', customerId: null, amount: points }],
        draws: state.lots,
        delta: { available: -points, pending: 0, qualifying: 0 },
      });
      if (entryId === undefined) continue;
      await publishEvents(tx, ctx.tenantId, [{ topic: LOYALTY_EVENTS.expired, payload: { customerId, entryId, points, lots: state.lots.length, programId: program.id, reason: 'inactivity' } }]);
      run.members += 1;
      run.points += points;
    }
  }
}

/** Every workspace's inactivity expiry, one transaction per workspace and program. */
export async function expireInactiveEverywhere(database: Database, now: Date): Promise<InactivityRun> {
  const total: InactivityRun = { members: 0, points: 0 };
  for (const tenantId of await workspacesWithInactivityExpiry(database.db)) {
    for (const program of await programsWithInactivityExpiry(database.db, tenantId)) {
      const run = await database.db.transaction((tx) => expireInactive(tx, { tenantId, source: 'system:inactivity-expiry', now }, program));
      total.members += run.members;
      total.points += run.points;
    }
  }
  return total;
}

/** Daily: points of programs that expire after inactivity. Safe to run twice: each expiry is keyed by the member's last activity. */
export const expireInactiveJob = defineJob({
  name: 'loyalty.expire-inactive',
  every: '23 2 * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const result = await expireInactiveEverywhere(database, clock.now());
    if (result.members > 0) log.info(result, 'loyalty inactivity expiry');
  },
});
