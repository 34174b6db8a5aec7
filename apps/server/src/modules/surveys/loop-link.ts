import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';

// The closed loop's link (issue 10): an invitation sent after a follow-up or a case carries, besides
// the follow-up or case, the earlier answer that opened it (`priorResponseId`), and its response
// inherits both. Only a named response of the very customer invited is linked: never an anonymous
// survey's response (it has no respondent row), never another customer's, so the link can name
// nobody an answer did not already name.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `responseId` is a complete, named response of `customerId` in the workspace. */
export async function isCustomersResponse(db: Executor, tenantId: string, responseId: string, customerId: string): Promise<boolean> {
  if (!UUID.test(responseId)) return false;
  const { rows } = await db.execute(sql`
    SELECT 1 FROM survey_respondents p JOIN survey_responses r ON r.tenant_id = p.tenant_id AND r.id = p.response_id
    WHERE p.tenant_id = ${tenantId} AND p.response_id = ${responseId} AND p.customer_id = ${customerId} AND r.status = 'complete'`);
  return rows.length > 0;
}

/** The context to store on an invitation to `customerId`: the earlier answer dropped unless it is theirs. */
export async function checkedLoopContext<T extends { priorResponseId?: string }>(db: Executor, tenantId: string, customerId: string, context: T): Promise<T> {
  if (!context.priorResponseId) return context;
  if (await isCustomersResponse(db, tenantId, context.priorResponseId, customerId)) return context;
  const { priorResponseId: _dropped, ...rest } = context;
  return rest as T;
}

/** A stored priorResponseId, if well formed (it is cast to uuid when read). */
export const priorResponseIdOf = (value: unknown): string | undefined => (typeof value === 'string' && UUID.test(value) ? value : undefined);
