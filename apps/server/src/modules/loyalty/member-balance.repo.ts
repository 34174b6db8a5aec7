// SQL of a member's balance as it stands at an instant (member-balance.service.ts): the member's
// open lots, each placed where the due work would put it at that instant, read without writing.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';

export interface LotStateGroup {
  /** where the lot's points are at the instant: pending (not yet unlocked), available, or past its expiry */
  state: 'pending' | 'available' | 'expired';
  /** whether the ledger still books them as pending (the due work has not unlocked them yet) */
  bookedPending: boolean;
  /** the unlock instant for pending points, else the expiry (null: never expires) */
  at: Date | null;
  points: number;
  lots: number;
}

/**
 * The member's open lots grouped by their state at `now`. A pending lot whose pending period is
 * over is available (or expired, past its expiry), as the due work would unlock it, then expire it.
 */
export async function lotStatesAt(db: Executor, tenantId: string, customerId: string, now: Date): Promise<LotStateGroup[]> {
  const at = now.toISOString();
  const { rows } = await db.execute<{ state: LotStateGroup['state']; booked_pending: boolean; at: string | Date | null; points: string | number; lots: string | number }>(sql`
    SELECT state, booked_pending, at, sum(remaining) AS points, count(*) AS lots FROM (
      SELECT remaining, booked_pending,
        CASE WHEN booked_pending AND pending_until > ${at}::timestamptz THEN 'pending'
             WHEN expires_at <= ${at}::timestamptz THEN 'expired'
             ELSE 'available' END AS state,
        CASE WHEN booked_pending AND pending_until > ${at}::timestamptz THEN pending_until ELSE expires_at END AS at
      FROM (
        SELECT remaining, expires_at, pending_until, pending_until IS NOT NULL AND unlocked_at IS NULL AS booked_pending
        FROM loyalty_lots WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND remaining > 0
      ) lot
    ) open
    GROUP BY state, booked_pending, at ORDER BY at ASC NULLS LAST, state, booked_pending`);
  return rows.map((r) => ({
    state: r.state, bookedPending: r.booked_pending, at: r.at === null ? null : new Date(r.at), points: Number(r.points), lots: Number(r.lots),
  }));
}
