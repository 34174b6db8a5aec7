import { sql } from 'drizzle-orm';
import type { SurveyPolicy } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { surveyLastContact, surveyPolicies } from './survey.schema.ts';

/** A workspace without a row has the defaults. */
export const DEFAULT_POLICY: SurveyPolicy = { recontactDays: 30, smsReplies: false };

export async function surveyPolicy(db: Executor, tenantId: string): Promise<SurveyPolicy> {
  const [row] = await db.select({ recontactDays: surveyPolicies.recontactDays, smsReplies: surveyPolicies.smsReplies })
    .from(surveyPolicies).where(sql`${surveyPolicies.tenantId} = ${tenantId}`);
  return row ?? DEFAULT_POLICY;
}

export async function saveSurveyPolicy(tx: Executor, tenantId: string, policy: SurveyPolicy): Promise<SurveyPolicy> {
  await tx.insert(surveyPolicies).values({ tenantId, ...policy, updatedAt: new Date() })
    .onConflictDoUpdate({ target: surveyPolicies.tenantId, set: { ...policy, updatedAt: new Date() } });
  return surveyPolicy(tx, tenantId);
}

/** The instant before which a last contact no longer blocks a new one. */
export function recontactCutoff(policy: SurveyPolicy, now: Date): Date {
  return new Date(now.getTime() - policy.recontactDays * 86_400_000);
}

/**
 * Records that these customers are being asked now, and answers which of them may be: those not
 * asked by any survey since `cutoff`. One upsert decides it, so two sends racing for one customer
 * cannot both pass (the second waits on the row the first wrote, then sees it).
 */
export async function claimContacts(tx: Executor, tenantId: string, customerIds: string[], now: Date, cutoff: Date): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const result = await tx.execute<{ customer_id: string }>(sql`
    INSERT INTO ${surveyLastContact} (tenant_id, customer_id, at)
    SELECT ${tenantId}::uuid, c, ${now.toISOString()}::timestamptz FROM unnest(${sql.param(customerIds)}::uuid[]) AS c
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET at = excluded.at
      WHERE ${surveyLastContact}.at <= ${cutoff.toISOString()}::timestamptz
    RETURNING customer_id`);
  return new Set(result.rows.map((r) => r.customer_id));
}

/** Whether a customer was asked by any survey since `cutoff` (a read, for previews and dry runs). */
export async function contactedSince(db: Executor, tenantId: string, customerId: string, cutoff: Date): Promise<boolean> {
  const result = await db.execute(sql`
    SELECT 1 FROM ${surveyLastContact} WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND at > ${cutoff.toISOString()}::timestamptz`);
  return result.rows.length > 0;
}
