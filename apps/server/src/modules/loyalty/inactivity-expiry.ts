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

/** The member's latest earn or spend: the activity an inactivity expiry counts from (by the member's entries index, newest first). */
const lastActivity = (tenantId: string, customerId: string) => sql`
  SELECT id, created_at AS at FROM loyalty_entries WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND kind IN ('earn', 'redeem')
  ORDER BY id DESC LIMIT 1`;

/** The member's latest earn or spend, and the program's available lots it holds (call with the member locked). */
async function memberState(tx: Executor, tenantId: string, programId: string, customerId: string) {
  const { rows: [last] } = await tx.execute<{ id: number | null; at: string | null }>(lastActivity(tenantId, customerId));
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

/**
 * Where the member's points of each inactivity program stand at `now`: the program's available
 * points without an expiry of their own, and when they go: the member's last earn or spend plus the
 * program's days (the daily job takes them at its first run from then). One member's lots and its
 * newest entries, by their indexes. For the portal's expiring points.
 */
export async function inactivityExpiries(db: Executor, tenantId: string, customerId: string, now: Date): Promise<{ programId: string; expiresAt: Date; points: number }[]> {
  const programs = await programsWithInactivityExpiry(db, tenantId);
  if (programs.length === 0) return [];
  const { rows: held } = await db.execute<{ program_id: string; points: number }>(sql`
    SELECT a.program_id, sum(l.remaining) AS points FROM loyalty_lots l
    JOIN loyalty_awards a ON a.tenant_id = l.tenant_id AND a.entry_id = l.entry_id
    WHERE l.tenant_id = ${tenantId} AND l.customer_id = ${customerId} AND l.remaining > 0 AND l.expires_at IS NULL
      AND (l.pending_until IS NULL OR l.unlocked_at IS NOT NULL OR l.pending_until <= ${now.toISOString()}::timestamptz)
      AND a.program_id = ANY(${sql.param(programs.map((p) => p.id))}::uuid[])
    GROUP BY a.program_id`);
  if (held.length === 0) return [];
  const { rows: [last] } = await db.execute<{ at: string | null }>(lastActivity(tenantId, customerId));
  if (!last?.at) return [];
  const lastAt = new Date(last.at).getTime();
  return held.map((h) => {
    const program = programs.find((p) => p.id === h.program_id)!;
    const days = program.settings.expiry.kind === 'inactivity' ? program.settings.expiry.days : 0;
    return { programId: h.program_id, expiresAt: new Date(lastAt + days * DAY_MS), points: Number(h.points) };
  });
}

/**
 * Members whose points of an inactivity program go in (from, to]: each holder of the program's
 * available lots (the open lots, by their partial index, as the job finds them), its last earn or
 * spend read by the member's entries index, plus the program's days. No scan of the entries.
 * For the expiry notices: one row per member with the instant and the points.
 */
export async function inactivityExpiringBetween(db: Executor, tenantId: string, program: Program, from: Date, to: Date): Promise<{ customer_id: string; expires_at: string; points: string }[]> {
  if (program.settings.expiry.kind !== 'inactivity') return [];
  const days = program.settings.expiry.days;
  const { rows } = await db.execute<{ customer_id: string; expires_at: string; points: string }>(sql`
    SELECT h.customer_id, last.at + make_interval(days => ${days}) AS expires_at, h.points
    FROM (
      SELECT l.customer_id, sum(l.remaining) AS points FROM loyalty_lots l
      JOIN loyalty_awards a ON a.tenant_id = l.tenant_id AND a.entry_id = l.entry_id AND a.program_id = ${program.id}
      WHERE l.tenant_id = ${tenantId} AND l.remaining > 0 AND l.expires_at IS NULL AND (l.pending_until IS NULL OR l.unlocked_at IS NOT NULL)
      GROUP BY l.customer_id
    ) h
    CROSS JOIN LATERAL (
      SELECT e.created_at AS at FROM loyalty_entries e WHERE e.tenant_id = ${tenantId} AND e.customer_id = h.customer_id AND e.kind IN ('earn', 'redeem')
      ORDER BY e.id DESC LIMIT 1
    ) last
    WHERE last.at + make_interval(days => ${days}) > ${from.toISOString()}::timestamptz
      AND last.at + make_interval(days => ${days}) <= ${to.toISOString()}::timestamptz
    ORDER BY h.customer_id`);
  return rows;
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
