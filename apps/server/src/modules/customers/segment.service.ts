import { and, eq, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { CreateSegment, SegmentPreview, SegmentRules, SegmentView, UpdateSegment } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { attributeDefinitionsOf } from './customer-attribute.service.ts';
import { presentCustomer } from './customer.present.ts';
import * as customerRepo from './customer.repo.ts';
import { customers } from './customer.schema.ts';
import * as repo from './segment.repo.ts';
import { compileSegmentRules, type SegmentContext } from './segment.rules.ts';

export type SegmentRow = repo.SegmentRow;

export async function segmentContext(db: Executor, tenantId: string): Promise<SegmentContext> {
  const { timeZone, calendar } = await workspaceSettings(db, tenantId);
  return { timeZone, calendar: calendar as CalendarId, attributes: await attributeDefinitionsOf(db, tenantId) };
}

/** The rules alone as a WHERE fragment over `customers` (422 invalid_segment_rule if they do not compile). */
export async function rulesPredicate(db: Executor, tenantId: string, rules: SegmentRules): Promise<SQL> {
  return compileSegmentRules(rules, await segmentContext(db, tenantId));
}

async function savedRules(db: Executor, tenantId: string, segmentId: string): Promise<SegmentRules> {
  const row = await repo.findSegment(db, tenantId, segmentId);
  if (!row) throw notFound();
  return row.rules as SegmentRules;
}

/** A saved segment's rules only, for combining with other list filters. */
export async function savedSegmentRulesPredicate(db: Executor, tenantId: string, segmentId: string): Promise<SQL> {
  return rulesPredicate(db, tenantId, await savedRules(db, tenantId, segmentId));
}

/**
 * The live customers of a saved segment as a WHERE fragment over `customers`, tenant included:
 * `SELECT id FROM customers WHERE ${await segmentPredicate(db, tenantId, segmentId)}`.
 * Evaluated when used, so membership is always current. 404 for an unknown segment.
 */
export async function segmentPredicate(db: Executor, tenantId: string, segmentId: string): Promise<SQL> {
  const rules = await savedSegmentRulesPredicate(db, tenantId, segmentId);
  return and(eq(customers.tenantId, tenantId), customerRepo.isLive, rules)!;
}

export async function isSegmentMember(db: Executor, tenantId: string, segmentId: string, customerId: string): Promise<boolean> {
  const predicate = await segmentPredicate(db, tenantId, segmentId);
  const [row] = await db.select({ one: sql<number>`1` }).from(customers).where(and(predicate, eq(customers.id, customerId)));
  return row !== undefined;
}

export function presentSegment(row: SegmentRow): SegmentView {
  return {
    id: row.id,
    name: row.name,
    rules: row.rules as SegmentRules,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listSegments(db: Executor, tenantId: string): Promise<SegmentRow[]> {
  return repo.listSegments(db, tenantId);
}

export async function getSegment(db: Executor, tenantId: string, id: string): Promise<SegmentRow> {
  const row = await repo.findSegment(db, tenantId, id);
  if (!row) throw notFound();
  return row;
}

export async function createSegment(tx: Executor, tenantId: string, actor: Actor | null, input: CreateSegment): Promise<SegmentRow> {
  await rulesPredicate(tx, tenantId, input.rules);
  const now = new Date();
  return repo.insertSegment(tx, {
    tenantId,
    id: uuidv7(),
    name: input.name,
    rules: input.rules,
    createdBy: actor ? `${actor.kind}:${actor.id}` : null,
    createdAt: now,
    updatedAt: now,
  });
}

export async function updateSegment(tx: Executor, tenantId: string, id: string, input: UpdateSegment): Promise<SegmentRow> {
  if (input.rules) await rulesPredicate(tx, tenantId, input.rules);
  const row = await repo.updateSegmentRow(tx, tenantId, id, {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.rules !== undefined ? { rules: input.rules } : {}),
    updatedAt: new Date(),
  });
  if (!row) throw notFound();
  return row;
}

export async function deleteSegment(tx: Executor, tenantId: string, id: string): Promise<void> {
  if (!(await repo.deleteSegmentRow(tx, tenantId, id))) throw notFound();
}

const SAMPLE_SIZE = 10;

/** How many live customers the rules match right now, and the newest few of them. */
export async function previewSegment(db: Executor, tenantId: string, rules: SegmentRules): Promise<SegmentPreview> {
  const predicate = await rulesPredicate(db, tenantId, rules);
  const count = await customerRepo.countLiveCustomers(db, tenantId, predicate);
  const sample = await customerRepo.listCustomers(db, tenantId, { predicate }, { limit: SAMPLE_SIZE });
  return { count, sample: sample.map(presentCustomer) };
}
