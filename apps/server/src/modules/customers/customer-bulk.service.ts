import { sql } from 'drizzle-orm';
import { MAX_CUSTOMER_TAGS, type BulkCustomerAction, type BulkCustomerRequest, type BulkCustomerResult, type CustomerSelection } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { roleAllows, type Actor } from '../../platform/http/access.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { selectedCustomerIds } from './customer-selection.service.ts';
import * as segmentRepo from './segment.repo.ts';

/** Events go to the outbox in slices, so one statement never carries tens of thousands of payloads. */
const EVENT_SLICE = 5_000;

/**
 * Refuses adding tags that would take any chosen customer past the per-customer limit a single
 * edit enforces, before anything is written.
 */
async function refuseTagOverflow(tx: Executor, tenantId: string, ids: string[], add: string[]): Promise<void> {
  const over = await tx.execute<{ id: string }>(sql`
    SELECT id FROM customers
    WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::uuid[]) AND merged_into IS NULL AND erased_at IS NULL
      AND (SELECT count(DISTINCT u.t) FROM unnest(array_cat(tags, ${sql.param(add)}::text[])) AS u(t)) > ${MAX_CUSTOMER_TAGS}
    LIMIT 1`);
  if (over.rows.length > 0) throw new Problem(422, 'bulk_too_many_tags', { max: MAX_CUSTOMER_TAGS }, [{ field: 'action.tags', code: 'bulk_too_many_tags', message: 'bulk_too_many_tags' }]);
}

/** Changes tags on the customers that need it and answers which did, in one statement. */
async function changeTagsOf(tx: Executor, tenantId: string, ids: string[], add: string[], remove: string[]): Promise<string[]> {
  const result = await tx.execute<{ id: string }>(sql`
    UPDATE customers SET
      tags = ARRAY(SELECT u.t FROM unnest(array_cat(tags, ${sql.param(add)}::text[])) WITH ORDINALITY AS u(t, n)
                   WHERE NOT (u.t = ANY(${sql.param(remove)}::text[])) GROUP BY u.t ORDER BY min(u.n)),
      updated_at = now()
    WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::uuid[]) AND merged_into IS NULL AND erased_at IS NULL
      AND (NOT (tags @> ${sql.param(add)}::text[]) OR tags && ${sql.param(remove)}::text[])
    RETURNING id`);
  return result.rows.map((r) => r.id).sort();
}

function describeSelection(selection: CustomerSelection): Record<string, unknown> {
  return 'ids' in selection ? { selection: 'ids' } : { selection: 'filter', filter: selection.filter };
}

const AUDIT_ACTION: Record<BulkCustomerAction['type'], string> = {
  add_tags: 'customers.tags_added',
  remove_tags: 'customers.tags_removed',
  add_to_segment: 'segment.members_added',
  remove_from_segment: 'segment.members_removed',
};

/**
 * One action on a selection, all or nothing, in the caller's transaction. Tag changes publish
 * `customer.updated` (fields: tags) for each customer they change, exactly as a single edit or
 * an automation's add_tag does, so automations see bulk edits too. Audited once, with counts.
 */
export async function applyBulkAction(
  tx: Executor,
  tenantId: string,
  actor: Actor,
  request: BulkCustomerRequest,
  options: { limit: number; ip?: string },
): Promise<BulkCustomerResult> {
  const { action, selection } = request;
  const segmentAction = action.type === 'add_to_segment' || action.type === 'remove_from_segment';
  // The route asks for customers:write; changing a segment's list also needs segments:write.
  if (segmentAction && !roleAllows(actor.role, 'segments:write')) throw new Problem(403, 'forbidden');
  if (segmentAction && !(await segmentRepo.findSegment(tx, tenantId, action.segmentId, { lock: true }))) {
    throw invalidField('action.segmentId', 'unknown_segment');
  }
  const ids = await selectedCustomerIds(tx, tenantId, selection, options.limit);

  let changed: number;
  switch (action.type) {
    case 'add_tags':
    case 'remove_tags': {
      const tags = [...new Set(action.tags)];
      if (action.type === 'add_tags') await refuseTagOverflow(tx, tenantId, ids, tags);
      const changedIds = action.type === 'add_tags' ? await changeTagsOf(tx, tenantId, ids, tags, []) : await changeTagsOf(tx, tenantId, ids, [], tags);
      for (let i = 0; i < changedIds.length; i += EVENT_SLICE) {
        const slice = changedIds.slice(i, i + EVENT_SLICE);
        await publishEvents(tx, tenantId, slice.map((customerId) => ({ topic: 'customer.updated', payload: { customerId, fields: ['tags'] } })));
      }
      changed = changedIds.length;
      break;
    }
    case 'add_to_segment':
      changed = await segmentRepo.insertListedMembers(tx, tenantId, action.segmentId, ids, `${actor.kind}:${actor.id}`);
      break;
    case 'remove_from_segment':
      changed = await segmentRepo.deleteListedMembers(tx, tenantId, action.segmentId, ids);
      break;
  }

  const segment = 'segmentId' in action ? { targetType: 'segment', targetId: action.segmentId } : { targetType: 'customers' };
  await recordAudit(tx, tenantId, actor, {
    action: AUDIT_ACTION[action.type],
    ...segment,
    ip: options.ip,
    details: { selected: ids.length, changed, ...('tags' in action ? { tags: [...new Set(action.tags)] } : {}), ...describeSelection(selection) },
  });
  return { selected: ids.length, changed };
}
