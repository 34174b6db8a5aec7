import { sql } from 'drizzle-orm';
import type { CaseLoyaltyView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import * as ledger from './ledger.repo.ts';
import { memberBalanceAt } from './member-balance.service.ts';

// A member's standing for another module's screen (a complaint case's customer context): the
// balance as the member-balance read gives it, the tier in each active program, and what loyalty
// booked for events another module keyed (a complaint's goodwill gesture), read by those keys.

export type MemberStanding = NonNullable<CaseLoyaltyView['member']>;

/** The member's balance and tiers at `now`; null for a customer unknown here or erased. */
export async function memberStanding(db: Executor, tenantId: string, customerId: string, now: Date): Promise<MemberStanding | null> {
  const standing = await ledger.customerStanding(db, tenantId, customerId);
  if (!standing || standing.erasedAt) return null;
  let balance;
  try {
    balance = await memberBalanceAt(db, tenantId, customerId, now);
  } catch (error) {
    if (error instanceof Problem && error.status === 404) return null;
    throw error;
  }
  const { rows } = await db.execute<{
    program_id: string; program_name: string; tier_id: string | null; tier_name: { fa: string; ar: string; en: string } | null; rank: string | number | null; since: string | Date | null;
  }>(sql`
    SELECT p.id AS program_id, p.name AS program_name, t.id AS tier_id, t.name AS tier_name, m.since,
      (SELECT count(*) FROM loyalty_tiers lower WHERE lower.tenant_id = t.tenant_id AND lower.program_id = t.program_id AND lower.threshold <= t.threshold) AS rank
    FROM loyalty_programs p
    LEFT JOIN loyalty_member_tiers m ON m.tenant_id = p.tenant_id AND m.program_id = p.id AND m.customer_id = ${customerId}
    LEFT JOIN loyalty_tiers t ON t.tenant_id = m.tenant_id AND t.id = m.tier_id
    WHERE p.tenant_id = ${tenantId} AND p.status = 'active'
      AND (m.tier_id IS NOT NULL OR EXISTS (SELECT 1 FROM loyalty_tiers any_tier WHERE any_tier.tenant_id = p.tenant_id AND any_tier.program_id = p.id))
    ORDER BY p.created_at, p.id`);
  const soonest = balance.expiring[0];
  return {
    available: balance.available,
    pending: balance.pending,
    qualifying: balance.qualifying,
    nextExpiry: soonest ? { expiresAt: soonest.expiresAt, points: soonest.points } : null,
    tiers: rows.map((r) => ({
      programId: r.program_id,
      programName: r.program_name,
      tier: r.tier_id && r.tier_name ? { id: r.tier_id, name: r.tier_name, rank: Number(r.rank) } : null,
      since: r.tier_id && r.since ? new Date(r.since).toISOString() : null,
    })),
  };
}

export interface EventBooking {
  /** points credited for the event over every program that paid it */
  points: number;
  /** a coupon given for it: active, cancelled since, or none */
  coupon: 'given' | 'cancelled' | 'none';
}

/**
 * What loyalty booked for events of `topic` keyed `keys` for this member: the programs' awards
 * (loyalty_awards, `event:<topic>:<key>`) and a gift coupon (`coupon:goodwill:<key>`). Points of an
 * award reversed since still count here: the reversal is its own entry in the member's history.
 */
export async function bookedForEvents(db: Executor, tenantId: string, customerId: string, topic: string, keys: string[]): Promise<Map<string, EventBooking>> {
  const out = new Map<string, EventBooking>(keys.map((k) => [k, { points: 0, coupon: 'none' }]));
  if (keys.length === 0) return out;
  const sourceKeys = keys.map((k) => `event:${topic}:${k}`);
  const { rows: awards } = await db.execute<{ source_key: string; points: string | number }>(awardsQuery(tenantId, customerId, sourceKeys));
  for (const a of awards) {
    const key = a.source_key.slice(`event:${topic}:`.length);
    const booking = out.get(key);
    if (booking) booking.points += Number(a.points);
  }
  const giftKeys = keys.map((k) => `coupon:goodwill:${k}`);
  const { rows: gifts } = await db.execute<{ idempotency_key: string; status: string }>(sql`
    SELECT idempotency_key, status FROM loyalty_coupon_redemptions
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND idempotency_key IN (${sql.join(giftKeys.map((k) => sql`${k}`), sql`, `)})`);
  for (const g of gifts) {
    const booking = out.get(g.idempotency_key.slice('coupon:goodwill:'.length));
    if (booking) booking.coupon = g.status === 'cancelled' ? 'cancelled' : 'given';
  }
  return out;
}

/** Looked up through each program's primary key (tenant, program, source key). */
function awardsQuery(tenantId: string, customerId: string, sourceKeys: string[]) {
  return sql`
    SELECT a.source_key, sum(a.points) AS points
    FROM loyalty_programs p
    JOIN loyalty_awards a ON a.tenant_id = p.tenant_id AND a.program_id = p.id
    WHERE p.tenant_id = ${tenantId} AND a.customer_id = ${customerId} AND a.source_key IN (${sql.join(sourceKeys.map((k) => sql`${k}`), sql`, `)})
    GROUP BY a.source_key`;
}
