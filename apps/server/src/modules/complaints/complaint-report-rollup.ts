// Keeping the complaint reports' rollups (complaint_report_days) true to complaint_case_facts.
//
// Nothing on the write path touches a rollup row: a filing or a transition only changes the facts,
// as before. A job folds, per workspace and local day of its time zone, what the facts say:
// - days before `folded_until` are folded; the current day and any later are read from the facts;
// - a change to a folded day (a case reassigned, an old case reopened, an SLA breach recorded, a
//   policy losing a target) appends that day to complaint_report_dirty_days in its own transaction
//   (triggers, migration 0021); reports read a dirty day from the facts until the next fold
//   recomputes it from the facts and takes the mark, in one transaction;
// - a new local day is folded in two steps: `mark_before` moves to its start, so changes to the
//   day before it are marked from then on; the fold waits until every transaction that could have
//   read the old value (hence left such a change unmarked) has ended, then folds. Writers run in
//   READ COMMITTED, so a trigger reads mark_before as committed when it runs, after its write
//   gave the transaction an id: every such transaction is older than the xmax noted after the move;
// - another time zone in the workspace's settings starts the rollup over (reports read the facts
//   meanwhile, so they are right at once, only slower until the rebuild is done).
// Every step is one transaction that recomputes from the facts, so a fold cut short (kill -9)
// leaves the previous state, and running it again, or twice at once, is harmless.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import { foldSpans, rollupState, takeDirtyDays } from './complaint-report.repo.ts';
import { addDays, spansOfDays } from './complaint-report.shared.ts';

/** Days folded per transaction when catching up (a first build, a rebuild, days missed while no worker ran). */
const FOLD_CHUNK_DAYS = 31;

const lockWorkspace = (tx: Executor, tenantId: string) =>
  tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('complaint-report-rollup'), hashtext(${tenantId}))`);

async function localDay(db: Executor, now: Date, timeZone: string): Promise<string> {
  const { rows: [row] } = await db.execute<{ day: string }>(sql`SELECT (${now.toISOString()}::timestamptz AT TIME ZONE ${timeZone})::date AS day`);
  return row!.day;
}

export interface RollupProgress {
  /** false while a fold waits for older transactions to end, or could not finish */
  settled: boolean;
  foldedUntil: string | null;
  /** days folded by this run */
  foldedDays: number;
}

/** One workspace's rollup brought as far as it can go now. */
export async function maintainReportRollups(database: Database, tenantId: string, now: Date): Promise<RollupProgress> {
  const { db } = database;
  let foldedDays = 0;

  // A first build, or the workspace moved to another time zone: start over, everything read from the facts until folded.
  await db.transaction(async (tx) => {
    await lockWorkspace(tx, tenantId);
    const { zone, state } = await rollupState(tx, tenantId);
    if (state && state.timeZone === zone) return;
    const today = await localDay(tx, now, zone);
    await tx.execute(sql`DELETE FROM complaint_report_days WHERE tenant_id = ${tenantId}`);
    await tx.execute(sql`DELETE FROM complaint_report_dirty_days WHERE tenant_id = ${tenantId}`);
    await tx.execute(sql`
      INSERT INTO complaint_report_rollup_state (tenant_id, time_zone, folded_until, mark_before, advance_to, advance_after_xid)
      VALUES (${tenantId}, ${zone}, NULL, (${today}::date)::timestamp AT TIME ZONE ${zone}, ${today}::date, NULL)
      ON CONFLICT (tenant_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, folded_until = NULL, mark_before = EXCLUDED.mark_before,
        advance_to = EXCLUDED.advance_to, advance_after_xid = NULL`);
  });

  // A new local day: the days before it are to be folded, and changes to them are marked from now on.
  await db.transaction(async (tx) => {
    await lockWorkspace(tx, tenantId);
    const { state } = await rollupState(tx, tenantId);
    if (!state || state.advanceTo !== null) return;
    const today = await localDay(tx, now, state.timeZone);
    if (state.foldedUntil !== null && state.foldedUntil >= today) return;
    await tx.execute(sql`
      UPDATE complaint_report_rollup_state SET mark_before = greatest(mark_before, (${today}::date)::timestamp AT TIME ZONE time_zone), advance_to = ${today}::date
      WHERE tenant_id = ${tenantId}`);
  });

  // The transactions running now, after that commit: any of them may have read the old mark_before.
  await db.execute(sql`
    UPDATE complaint_report_rollup_state SET advance_after_xid = pg_snapshot_xmax(pg_current_snapshot())::text::bigint
    WHERE tenant_id = ${tenantId} AND advance_to IS NOT NULL AND advance_after_xid IS NULL`);

  // Once they have all ended, fold the days up to advance_to, a chunk per transaction.
  let waiting = false;
  for (;;) {
    const more = await db.transaction(async (tx) => {
      await lockWorkspace(tx, tenantId);
      const { state } = await rollupState(tx, tenantId);
      if (!state || state.advanceTo === null || state.advanceAfterXid === null) return false;
      const { rows: [oldest] } = await tx.execute<{ xmin: number }>(sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin`);
      if (Number(oldest!.xmin) < state.advanceAfterXid) {
        waiting = true;
        return false;
      }
      const from = state.foldedUntil ?? (await earliestDay(tx, tenantId, state.timeZone)) ?? state.advanceTo;
      const to = from >= state.advanceTo ? state.advanceTo : [addDays(from, FOLD_CHUNK_DAYS), state.advanceTo].sort()[0]!;
      if (from < to) await foldSpans(tx, tenantId, state.timeZone, [{ from, to }]);
      const done = to === state.advanceTo;
      await tx.execute(sql`
        UPDATE complaint_report_rollup_state SET folded_until = ${to}::date, folded_at = now(),
          advance_to = ${done ? null : state.advanceTo}::date, advance_after_xid = ${done ? null : state.advanceAfterXid}::bigint
        WHERE tenant_id = ${tenantId}`);
      foldedDays += Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000));
      return !done;
    });
    if (!more) break;
  }

  // Days changed since they were folded: folded again from the facts, their marks taken in the
  // same transaction, a chunk of days at a time (a policy losing a target can mark a whole year).
  for (;;) {
    const more = await db.transaction(async (tx) => {
      await lockWorkspace(tx, tenantId);
      const { state } = await rollupState(tx, tenantId);
      if (!state) return false;
      const dirty = await takeDirtyDays(tx, tenantId, FOLD_CHUNK_DAYS);
      // Marks on days not folded yet need nothing: those days are read from the facts, and folded from them later.
      const stale = state.foldedUntil === null ? [] : dirty.filter((day) => day < state.foldedUntil!);
      if (stale.length > 0) {
        await foldSpans(tx, tenantId, state.timeZone, spansOfDays(stale));
        await tx.execute(sql`UPDATE complaint_report_rollup_state SET folded_at = now() WHERE tenant_id = ${tenantId}`);
      }
      foldedDays += stale.length;
      return dirty.length === FOLD_CHUNK_DAYS;
    });
    if (!more) break;
  }

  const { state } = await rollupState(db, tenantId);
  return { settled: !waiting && state?.advanceTo === null, foldedUntil: state?.foldedUntil ?? null, foldedDays };
}

/** The local day of the workspace's earliest receipt, acknowledgement or first closure (each an index's first entry). */
async function earliestDay(db: Executor, tenantId: string, timeZone: string): Promise<string | null> {
  const { rows: [row] } = await db.execute<{ day: string | null }>(sql`
    SELECT (least(
      (SELECT min(received_at) FROM complaint_case_facts WHERE tenant_id = ${tenantId}),
      (SELECT min(acknowledged_at) FROM complaint_case_facts WHERE tenant_id = ${tenantId} AND acknowledged_at IS NOT NULL),
      (SELECT min(first_closed_at) FROM complaint_case_facts WHERE tenant_id = ${tenantId} AND first_closed_at IS NOT NULL)
    ) AT TIME ZONE ${timeZone})::date AS day`);
  return row?.day ?? null;
}

/**
 * Every workspace whose rollup has something to do: complaints and no rollup yet, another time
 * zone, a new local day, an advance under way, or dirty days. One workspace failing does not stop
 * the others; it is tried again on the next run.
 */
export async function foldReportRollups(database: Database, now: Date, onError: (tenantId: string, err: unknown) => void): Promise<{ workspaces: number; foldedDays: number }> {
  const { rows } = await database.db.execute<{ id: string }>(sql`
    SELECT w.id FROM workspaces w
    LEFT JOIN complaint_report_rollup_state s ON s.tenant_id = w.id
    WHERE CASE WHEN s.tenant_id IS NULL THEN EXISTS (SELECT 1 FROM complaint_case_facts f WHERE f.tenant_id = w.id)
               ELSE s.time_zone <> w.time_zone OR s.advance_to IS NOT NULL OR s.folded_until IS NULL
                    OR s.folded_until < (${now.toISOString()}::timestamptz AT TIME ZONE w.time_zone)::date
                    OR EXISTS (SELECT 1 FROM complaint_report_dirty_days d WHERE d.tenant_id = w.id) END`);
  let foldedDays = 0;
  for (const { id } of rows) {
    try {
      foldedDays += (await maintainReportRollups(database, id, now)).foldedDays;
    } catch (err) {
      onError(id, err);
    }
  }
  return { workspaces: rows.length, foldedDays };
}

/** Every minute: the reports' rollups folded up to yesterday, and days changed since folded again. */
export const foldReportRollupsJob = defineJob({
  name: 'complaints.fold-report-rollups',
  every: '* * * * *',
  payload: z.object({}),
  retryLimit: 1,
  run: async (_payload, { database, clock, log }) => {
    const result = await foldReportRollups(database, clock.now(), (tenantId, err) => log.warn({ err, tenantId }, 'complaint report rollup fold failed'));
    if (result.foldedDays > 0) log.info(result, 'complaint report rollups folded');
  },
});
