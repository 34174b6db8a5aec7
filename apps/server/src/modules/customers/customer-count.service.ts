import { sql } from 'drizzle-orm';
import type { CustomerCount, CustomerFilter } from '@vafa/contracts';
import type { Database } from '../../platform/db/connect.ts';
import { postgresErrorCode } from '../../platform/http/problem.ts';
import { countMatchesUpTo, criteriaCondition, plannedMatches } from './customer-list.repo.ts';
import { customerCriteria } from './customer.service.ts';

/** However small the result, a count that takes longer than this gives way to the estimate. */
const EXACT_COUNT_TIMEOUT_MS = 3_000;

/**
 * How many live customers match the list's filters. Counted exactly up to `exactUpTo` (reading
 * at most that many matches, within EXACT_COUNT_TIMEOUT_MS); beyond it, or when counting runs out
 * of time, the planner's estimate from the table statistics, marked `estimated`. An estimate is
 * never below what was already counted.
 */
export async function countCustomers(database: Database, tenantId: string, filter: CustomerFilter, exactUpTo: number): Promise<CustomerCount> {
  const criteria = await customerCriteria(database.db, tenantId, { ...filter, state: 'live' });
  const condition = criteriaCondition(tenantId, criteria);
  let counted = 0;
  try {
    counted = await database.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${EXACT_COUNT_TIMEOUT_MS}`));
      return countMatchesUpTo(tx, condition, exactUpTo);
    });
    if (counted <= exactUpTo) return { count: counted, estimated: false };
  } catch (err) {
    if (postgresErrorCode(err) !== '57014') throw err;
  }
  return { count: Math.max(await plannedMatches(database.db, condition), counted), estimated: true };
}
