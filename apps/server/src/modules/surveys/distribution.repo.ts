import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { DistributionAudience } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { segmentPredicate } from '../customers/index.ts';
import { surveyDistributions } from './survey.schema.ts';

export type DistributionRow = typeof surveyDistributions.$inferSelect;

export async function insertDistribution(tx: Executor, row: typeof surveyDistributions.$inferInsert): Promise<DistributionRow> {
  const [inserted] = await tx.insert(surveyDistributions).values(row).returning();
  return inserted!;
}

export async function listDistributions(db: Executor, tenantId: string, surveyId: string): Promise<DistributionRow[]> {
  return db.select().from(surveyDistributions)
    .where(and(eq(surveyDistributions.tenantId, tenantId), eq(surveyDistributions.surveyId, surveyId)))
    .orderBy(desc(surveyDistributions.createdAt), desc(surveyDistributions.id)).limit(200);
}

export async function findDistribution(db: Executor, tenantId: string, surveyId: string, id: string, options: { lock?: boolean } = {}): Promise<DistributionRow | undefined> {
  const query = db.select().from(surveyDistributions)
    .where(and(eq(surveyDistributions.tenantId, tenantId), eq(surveyDistributions.surveyId, surveyId), eq(surveyDistributions.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

export async function updateDistribution(tx: Executor, tenantId: string, id: string, patch: Partial<typeof surveyDistributions.$inferInsert>): Promise<DistributionRow> {
  const [row] = await tx.update(surveyDistributions).set({ ...patch, updatedAt: new Date() })
    .where(and(eq(surveyDistributions.tenantId, tenantId), eq(surveyDistributions.id, id))).returning();
  return row!;
}

/** The next due distribution of any workspace, locked; another runner skips it and takes the next. */
export async function claimDueDistribution(tx: Executor, now: Date): Promise<DistributionRow | undefined> {
  const [row] = await tx.select().from(surveyDistributions)
    .where(sql`${surveyDistributions.status} IN ('scheduled', 'running') AND ${surveyDistributions.nextRunAt} <= ${now.toISOString()}::timestamptz`)
    .orderBy(surveyDistributions.nextRunAt).limit(1).for('update', { skipLocked: true });
  return row;
}

/**
 * The audience as a condition over `customers`, tenant and live customers included. A segment
 * deleted since matches nobody.
 */
export async function audiencePredicate(db: Executor, tenantId: string, audience: DistributionAudience): Promise<SQL> {
  const live = sql`customers.tenant_id = ${tenantId} AND customers.merged_into IS NULL AND customers.erased_at IS NULL`;
  if ('customerIds' in audience) return sql`${live} AND customers.id = ANY(${sql.param(audience.customerIds)}::uuid[])`;
  if ('segmentId' in audience) {
    const predicate = await segmentPredicate(db, tenantId, audience.segmentId).catch(() => null);
    return predicate ? sql`${live} AND ${predicate}` : sql`false`;
  }
  return live;
}

const notContactedSince = (cutoff: Date) => sql`NOT EXISTS (SELECT 1 FROM survey_last_contact l
  WHERE l.tenant_id = customers.tenant_id AND l.customer_id = customers.id AND l.at > ${cutoff.toISOString()}::timestamptz)`;

/**
 * Customers a wave may invite, in a random order that is fixed for the distribution and wave
 * (so a wave run again picks the same sample): in the audience, not asked by any survey since
 * `cutoff`, not yet invited in this wave.
 */
export async function waveCandidates(db: Executor, tenantId: string, audience: SQL, cutoff: Date, distributionId: string, wave: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    SELECT customers.id FROM customers
    WHERE ${audience} AND ${notContactedSince(cutoff)}
      AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.tenant_id = customers.tenant_id AND i.distribution_id = ${distributionId}
                      AND i.wave = ${wave} AND i.customer_id = customers.id)
    ORDER BY md5(${`${distributionId}:${wave}:`} || customers.id::text)`);
  return result.rows.map((r) => r.id);
}

/** For the preview: the audience's size, and its customers not asked since `cutoff` (random order). */
export async function previewCandidates(db: Executor, audience: SQL, cutoff: Date): Promise<{ audience: number; ids: string[] }> {
  const total = await db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM customers WHERE ${audience}`);
  const result = await db.execute<{ id: string }>(sql`
    SELECT customers.id FROM customers WHERE ${audience} AND ${notContactedSince(cutoff)} ORDER BY md5(customers.id::text)`);
  return { audience: Number(total.rows[0]?.n ?? 0), ids: result.rows.map((r) => r.id) };
}

/** Which of `ids` are live customers of the workspace. */
export async function liveCustomerIds(db: Executor, tenantId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const result = await db.execute<{ id: string }>(sql`
    SELECT id FROM customers WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::uuid[]) AND merged_into IS NULL AND erased_at IS NULL`);
  return new Set(result.rows.map((r) => r.id));
}
