import { and, asc, eq, inArray } from 'drizzle-orm';
import type { CustomerFilter, CustomerSelection } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField, type FieldError } from '../../platform/http/problem.ts';
import { criteriaCondition, type CustomerCriteria } from './customer-list.repo.ts';
import { isLive } from './customer.repo.ts';
import { customers } from './customer.schema.ts';
import { customerCriteria } from './customer.service.ts';
import * as segmentRepo from './segment.repo.ts';

/** Field errors named after the first ids that are not there; a thousand would drown the answer. */
const LISTED_ERRORS = 20;

/**
 * The ids, each once, if every one is a live customer of this workspace; otherwise 422
 * `unknown_customers`, with an `unknown_customer` field error for each that is not (another
 * workspace's, merged, erased, made up), so a selection is acted on whole or not at all.
 */
export async function requireLiveCustomers(db: Executor, tenantId: string, ids: string[], field: string): Promise<string[]> {
  const wanted = [...new Set(ids)];
  const found = new Set(
    (await db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, tenantId), inArray(customers.id, wanted), isLive))).map((r) => r.id),
  );
  const errors: FieldError[] = [];
  ids.forEach((id, index) => {
    if (!found.has(id) && errors.length < LISTED_ERRORS) errors.push({ field: `${field}.${index}`, code: 'unknown_customer', message: 'unknown_customer' });
  });
  if (errors.length > 0) throw new Problem(422, 'unknown_customers', {}, errors);
  return wanted.sort();
}

/** A filter's criteria; an unknown segment is a field error here, since it came in a body. */
export async function filterCriteria(db: Executor, tenantId: string, filter: CustomerFilter, field: string): Promise<CustomerCriteria> {
  if (filter.segment !== undefined && !(await segmentRepo.findSegment(db, tenantId, filter.segment))) {
    throw invalidField(`${field}.segment`, 'unknown_segment');
  }
  return customerCriteria(db, tenantId, { ...filter, state: 'live' });
}

/**
 * The live customers a selection covers, in id order. "All matching" is limited to `limit`
 * customers (422 `bulk_selection_too_large` beyond): one bulk action is one transaction, and
 * each changed customer publishes its event like a single edit does.
 */
export async function selectedCustomerIds(db: Executor, tenantId: string, selection: CustomerSelection, limit: number): Promise<string[]> {
  if ('ids' in selection) return requireLiveCustomers(db, tenantId, selection.ids, 'selection.ids');
  const criteria = await filterCriteria(db, tenantId, selection.filter, 'selection.filter');
  const rows = await db.select({ id: customers.id }).from(customers)
    .where(criteriaCondition(tenantId, criteria))
    .orderBy(asc(customers.id))
    .limit(limit + 1);
  if (rows.length > limit) throw new Problem(422, 'bulk_selection_too_large', { max: limit }, [{ field: 'selection.filter', code: 'bulk_selection_too_large', message: 'bulk_selection_too_large' }]);
  return rows.map((r) => r.id);
}
