import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { requireLiveCustomers } from './customer-selection.service.ts';
import * as repo from './segment.repo.ts';

/** Adds live customers to a segment's list (already listed ones stay); returns how many were new. 404 for an unknown segment. */
export async function addListedMembers(tx: Executor, tenantId: string, actor: Actor, segmentId: string, customerIds: string[], ip?: string): Promise<number> {
  if (!(await repo.findSegment(tx, tenantId, segmentId, { lock: true }))) throw notFound();
  const ids = await requireLiveCustomers(tx, tenantId, customerIds, 'customerIds');
  const added = await repo.insertListedMembers(tx, tenantId, segmentId, ids, `${actor.kind}:${actor.id}`);
  await recordAudit(tx, tenantId, actor, { action: 'segment.members_added', targetType: 'segment', targetId: segmentId, ip, details: { selected: ids.length, changed: added } });
  return added;
}

/** Takes one customer off a segment's list. 404 when the segment is unknown or the customer is not listed on it. */
export async function removeListedMember(tx: Executor, tenantId: string, actor: Actor, segmentId: string, customerId: string, ip?: string): Promise<void> {
  if (!(await repo.findSegment(tx, tenantId, segmentId))) throw notFound();
  if ((await repo.deleteListedMembers(tx, tenantId, segmentId, [customerId])) === 0) throw notFound();
  await recordAudit(tx, tenantId, actor, { action: 'segment.member_removed', targetType: 'segment', targetId: segmentId, ip, details: { customerId } });
}
