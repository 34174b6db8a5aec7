import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { loyaltyFinanceSettings } from './finance.schema.ts';

// SQL of the finance report. Every figure is an aggregate computed in PostgreSQL over the
// ledger's postings (or the insert-only tier changes and donations); nothing is summed in Node
// but the handful of per-kind totals these return. Sums come back as text: a sum of bigints is
// numeric in PostgreSQL and may pass 2^53.

export interface FinanceSettingsRow {
  pointValuePoints: number | null;
  pointValueMinor: number | null;
  updatedAt: Date;
}

export async function findFinanceSettings(db: Executor, tenantId: string): Promise<FinanceSettingsRow | undefined> {
  const { rows } = await db.execute<{ points: string | null; minor: string | null; updated_at: string }>(sql`
    SELECT point_value_points::text AS points, point_value_minor::text AS minor, updated_at FROM loyalty_finance_settings WHERE tenant_id = ${tenantId}`);
  const r = rows[0];
  if (!r) return undefined;
  return { pointValuePoints: r.points === null ? null : Number(r.points), pointValueMinor: r.minor === null ? null : Number(r.minor), updatedAt: new Date(r.updated_at) };
}

export async function saveFinanceSettings(tx: Executor, tenantId: string, value: { points: number; minor: number } | null, by: string, at: Date): Promise<void> {
  const values = { pointValuePoints: value?.points ?? null, pointValueMinor: value?.minor ?? null, updatedBy: by, updatedAt: at };
  await tx.insert(loyaltyFinanceSettings).values({ tenantId, ...values }).onConflictDoUpdate({ target: [loyaltyFinanceSettings.tenantId], set: values });
}

/**
 * Each points account kind's balance as at `asOf`: the sum of the postings of entries made before
 * it, per kind (member kinds summed over every member). `everything`: no entry is after asOf
 * (asOf is now), so the join to the entries' instants is skipped.
 */
export async function balancesByKind(db: Executor, tenantId: string, asOf: Date, everything: boolean): Promise<Map<string, string>> {
  const before = everything
    ? sql``
    : sql`AND EXISTS (SELECT 1 FROM loyalty_entries e WHERE e.tenant_id = p.tenant_id AND e.id = p.entry_id AND e.created_at < ${asOf.toISOString()}::timestamptz)`;
  const { rows } = await db.execute<{ kind: string; total: string }>(sql`
    SELECT a.kind, sum(p.amount)::text AS total
    FROM loyalty_postings p
    JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = ${tenantId} AND a.unit = 'points' ${before}
    GROUP BY a.kind`);
  return new Map(rows.map((r) => [r.kind, r.total]));
}

export interface KindFlow {
  kind: string;
  /** the sum of the positive postings (credits) to the account in the period */
  credits: string;
  /** the sum of the negative postings (debits), as a positive number */
  debits: string;
}

/** What moved in and out of each workspace (system) points account through entries made in [from, to). */
export async function systemFlows(db: Executor, tenantId: string, from: Date, to: Date): Promise<KindFlow[]> {
  const { rows } = await db.execute<{ kind: string; credits: string; debits: string }>(sql`
    SELECT a.kind,
           coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0)::text AS credits,
           coalesce(-sum(p.amount) FILTER (WHERE p.amount < 0), 0)::text AS debits
    FROM loyalty_entries e
    JOIN loyalty_postings p ON p.tenant_id = e.tenant_id AND p.entry_id = e.id
    JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE e.tenant_id = ${tenantId} AND e.created_at >= ${from.toISOString()}::timestamptz AND e.created_at < ${to.toISOString()}::timestamptz
      AND a.customer_id IS NULL AND a.unit = 'points'
    GROUP BY a.kind`);
  return rows;
}

export interface TierRow {
  programId: string;
  programName: string;
  tierId: string;
  name: { fa: string; ar: string; en: string };
}

/** Every tier of every program that has tiers, programs by name, tiers by threshold. */
export async function programTiers(db: Executor, tenantId: string): Promise<TierRow[]> {
  const { rows } = await db.execute<{ program_id: string; program_name: string; tier_id: string; name: TierRow['name'] }>(sql`
    SELECT p.id AS program_id, p.name AS program_name, t.id AS tier_id, t.name
    FROM loyalty_tiers t JOIN loyalty_programs p ON p.tenant_id = t.tenant_id AND p.id = t.program_id
    WHERE t.tenant_id = ${tenantId}
    ORDER BY p.name, p.id, t.threshold`);
  return rows.map((r) => ({ programId: r.program_id, programName: r.program_name, tierId: r.tier_id, name: r.name }));
}

/** Members per tier as at `asOf`: each member's last tier change before it says where they stood. */
export async function tierDistribution(db: Executor, tenantId: string, asOf: Date): Promise<{ programId: string; tierId: string; members: number }[]> {
  const { rows } = await db.execute<{ program_id: string; tier_id: string; members: string }>(sql`
    SELECT program_id, to_tier_id AS tier_id, count(*)::text AS members
    FROM (SELECT DISTINCT ON (program_id, customer_id) program_id, to_tier_id
          FROM loyalty_tier_changes
          WHERE tenant_id = ${tenantId} AND created_at < ${asOf.toISOString()}::timestamptz
          ORDER BY program_id, customer_id, created_at DESC, id DESC) AS last_change
    WHERE to_tier_id IS NOT NULL
    GROUP BY program_id, to_tier_id`);
  return rows.map((r) => ({ programId: r.program_id, tierId: r.tier_id, members: Number(r.members) }));
}

/** Tier changes made in [from, to), per program, from, to and reason. */
export async function tierMovements(db: Executor, tenantId: string, from: Date, to: Date): Promise<{ programId: string; fromTierId: string | null; toTierId: string | null; reason: string; count: number }[]> {
  const { rows } = await db.execute<{ program_id: string; from_tier_id: string | null; to_tier_id: string | null; reason: string; n: string }>(sql`
    SELECT program_id, from_tier_id, to_tier_id, reason, count(*)::text AS n
    FROM loyalty_tier_changes
    WHERE tenant_id = ${tenantId} AND created_at >= ${from.toISOString()}::timestamptz AND created_at < ${to.toISOString()}::timestamptz
    GROUP BY program_id, from_tier_id, to_tier_id, reason
    ORDER BY program_id, count(*) DESC`);
  return rows.map((r) => ({ programId: r.program_id, fromTierId: r.from_tier_id, toTierId: r.to_tier_id, reason: r.reason, count: Number(r.n) }));
}

/** Donated points and their money (at each donation's rate) per charity, donations made before `asOf`. */
export async function donationsByCharity(db: Executor, tenantId: string, asOf: Date): Promise<{ charityId: string; name: TierRow['name']; points: string; minor: string }[]> {
  const { rows } = await db.execute<{ charity_id: string; name: TierRow['name']; points: string; minor: string }>(sql`
    SELECT d.charity_id, c.name, sum(d.points)::text AS points, sum(d.amount_minor)::text AS minor
    FROM loyalty_donations d JOIN loyalty_charities c ON c.tenant_id = d.tenant_id AND c.id = d.charity_id
    WHERE d.tenant_id = ${tenantId} AND d.created_at < ${asOf.toISOString()}::timestamptz
    GROUP BY d.charity_id, c.name
    ORDER BY sum(d.points) DESC, d.charity_id`);
  return rows.map((r) => ({ charityId: r.charity_id, name: r.name, points: r.points, minor: r.minor }));
}
