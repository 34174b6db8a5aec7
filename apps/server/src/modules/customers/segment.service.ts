import { v7 as uuidv7 } from 'uuid';
import type { CreateSegment, SegmentPreview, SegmentRules, SegmentView, UpdateSegment } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { invalidField, notFound } from '../../platform/http/problem.ts';
import { countLiveCustomers, listCustomers } from './customer-list.repo.ts';
import { presentCustomer } from './customer.present.ts';
import { matchPredicate, rulesPredicate } from './segment-match.ts';
import * as repo from './segment.repo.ts';

export type SegmentRow = repo.SegmentRow;

export { isSegmentMember, rulesPredicate, segmentPredicate } from './segment-match.ts';

export function presentSegment(row: SegmentRow & { listedMembers: number }): SegmentView {
  return {
    id: row.id,
    name: row.name,
    rules: row.rules as SegmentRules,
    listedMembers: row.listedMembers,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listSegments(db: Executor, tenantId: string): Promise<repo.CountedSegmentRow[]> {
  return repo.listSegments(db, tenantId);
}

export async function getSegment(db: Executor, tenantId: string, id: string): Promise<repo.CountedSegmentRow> {
  const row = await repo.findSegment(db, tenantId, id);
  if (!row) throw notFound();
  return { ...row, listedMembers: await repo.countListedMembers(db, tenantId, id) };
}

export async function createSegment(tx: Executor, tenantId: string, actor: Actor | null, input: CreateSegment): Promise<repo.CountedSegmentRow> {
  await rulesPredicate(tx, tenantId, input.rules);
  const now = new Date();
  const row = await repo.insertSegment(tx, {
    tenantId,
    id: uuidv7(),
    name: input.name,
    rules: input.rules,
    createdBy: actor ? `${actor.kind}:${actor.id}` : null,
    createdAt: now,
    updatedAt: now,
  });
  return { ...row, listedMembers: 0 };
}

export async function updateSegment(tx: Executor, tenantId: string, id: string, input: UpdateSegment): Promise<repo.CountedSegmentRow> {
  if (input.rules) await rulesPredicate(tx, tenantId, input.rules);
  const row = await repo.updateSegmentRow(tx, tenantId, id, {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.rules !== undefined ? { rules: input.rules } : {}),
    updatedAt: new Date(),
  });
  if (!row) throw notFound();
  return { ...row, listedMembers: await repo.countListedMembers(tx, tenantId, id) };
}

export async function deleteSegment(tx: Executor, tenantId: string, id: string): Promise<void> {
  if (!(await repo.deleteSegmentRow(tx, tenantId, id))) throw notFound();
}

const SAMPLE_SIZE = 10;

/**
 * How many live customers the rules match right now, and the newest few of them; with a saved
 * segment's id, its listed members count as well (previewing an edit of that segment).
 */
export async function previewSegment(db: Executor, tenantId: string, rules: SegmentRules, segmentId?: string): Promise<SegmentPreview> {
  let predicate = await rulesPredicate(db, tenantId, rules);
  if (segmentId !== undefined) {
    if (!(await repo.findSegment(db, tenantId, segmentId))) throw invalidField('segmentId', 'unknown_segment');
    predicate = matchPredicate(tenantId, segmentId, predicate);
  }
  const count = await countLiveCustomers(db, tenantId, predicate);
  const sample = await listCustomers(db, tenantId, { predicate }, { limit: SAMPLE_SIZE });
  return { count, sample: sample.map(presentCustomer) };
}
