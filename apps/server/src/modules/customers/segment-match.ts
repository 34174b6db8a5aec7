import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { SegmentRules } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { attributeDefinitionsOf } from './customer-attribute.service.ts';
import { isLive } from './customer.repo.ts';
import { customers, segmentMembers, segments } from './customer.schema.ts';
import * as repo from './segment.repo.ts';
import { compileSegmentRules, type SegmentContext } from './segment.rules.ts';

// Who is in a segment: every place that asks (the members list, the customer filter, counts,
// bulk actions, automations) builds its condition here, so rules and listed members agree.

export async function segmentContext(db: Executor, tenantId: string): Promise<SegmentContext> {
  const { timeZone, calendar } = await workspaceSettings(db, tenantId);
  return { timeZone, calendar: calendar as CalendarId, attributes: await attributeDefinitionsOf(db, tenantId) };
}

/** The rules alone as a WHERE fragment over `customers` (422 invalid_segment_rule if they do not compile). */
export async function rulesPredicate(db: Executor, tenantId: string, rules: SegmentRules): Promise<SQL> {
  return compileSegmentRules(rules, await segmentContext(db, tenantId));
}

/**
 * The customers added to the segment by hand. An IN over the segment's own rows, which
 * PostgreSQL can hash once per query, rather than a lookup per customer.
 */
export function listedMembersPredicate(tenantId: string, segmentId: string): SQL {
  return sql`${customers.id} IN (SELECT ${segmentMembers.customerId} FROM ${segmentMembers}
    WHERE ${segmentMembers.tenantId} = ${tenantId} AND ${segmentMembers.segmentId} = ${segmentId})`;
}

/** Rules OR listed members, as a WHERE fragment over `customers` (the caller adds tenant and live conditions). */
export function matchPredicate(tenantId: string, segmentId: string, rules: SQL): SQL {
  return sql`(${rules} OR ${listedMembersPredicate(tenantId, segmentId)})`;
}

/** A saved segment's match condition, for combining with other list filters. 404 for an unknown segment. */
export async function segmentMatchPredicate(db: Executor, tenantId: string, segmentId: string): Promise<SQL> {
  const row = await repo.findSegment(db, tenantId, segmentId);
  if (!row) throw notFound();
  return matchPredicate(tenantId, segmentId, await rulesPredicate(db, tenantId, row.rules as SegmentRules));
}

/**
 * The live customers of a saved segment as a WHERE fragment over `customers`, tenant included:
 * `SELECT id FROM customers WHERE ${await segmentPredicate(db, tenantId, segmentId)}`.
 * Evaluated when used, so membership is always current. 404 for an unknown segment.
 */
export async function segmentPredicate(db: Executor, tenantId: string, segmentId: string): Promise<SQL> {
  const match = await segmentMatchPredicate(db, tenantId, segmentId);
  return and(eq(customers.tenantId, tenantId), isLive, match)!;
}

export async function isSegmentMember(db: Executor, tenantId: string, segmentId: string, customerId: string): Promise<boolean> {
  const predicate = await segmentPredicate(db, tenantId, segmentId);
  const [row] = await db.select({ one: sql<number>`1` }).from(customers).where(and(predicate, eq(customers.id, customerId)));
  return row !== undefined;
}

/**
 * The saved segments a customer is in now, decided in one query over that customer's row
 * (one CASE per segment) rather than a query per segment. Surveys snapshot this with each
 * completed answer. A segment whose rules no longer compile (an attribute removed) is left out.
 */
export async function customerSegmentIds(db: Executor, tenantId: string, customerId: string): Promise<string[]> {
  const saved = await db.select({ id: segments.id, rules: segments.rules }).from(segments).where(eq(segments.tenantId, tenantId));
  if (saved.length === 0) return [];
  const context = await segmentContext(db, tenantId);
  const checks: SQL[] = [];
  for (const segment of saved) {
    try {
      const rules = compileSegmentRules(segment.rules as SegmentRules, context);
      checks.push(sql`CASE WHEN ${matchPredicate(tenantId, segment.id, rules)} THEN ${segment.id}::uuid END`);
    } catch {
      continue;
    }
  }
  if (checks.length === 0) return [];
  const [row] = await db.select({ ids: sql<string[]>`array_remove(ARRAY[${sql.join(checks, sql`, `)}]::uuid[], NULL)` })
    .from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId), isLive));
  return row?.ids ?? [];
}

/** `customerSegmentIds` for many customers in one query (a group of survey answers), by customer id; unknown ones are left out. */
export async function customersSegmentIds(db: Executor, tenantId: string, customerIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (customerIds.length === 0) return out;
  const saved = await db.select({ id: segments.id, rules: segments.rules }).from(segments).where(eq(segments.tenantId, tenantId));
  if (saved.length === 0) return out;
  const context = await segmentContext(db, tenantId);
  const checks: SQL[] = [];
  for (const segment of saved) {
    try {
      const rules = compileSegmentRules(segment.rules as SegmentRules, context);
      checks.push(sql`CASE WHEN ${matchPredicate(tenantId, segment.id, rules)} THEN ${segment.id}::uuid END`);
    } catch {
      continue;
    }
  }
  if (checks.length === 0) return out;
  const rows = await db.select({ id: customers.id, ids: sql<string[]>`array_remove(ARRAY[${sql.join(checks, sql`, `)}]::uuid[], NULL)` })
    .from(customers).where(and(eq(customers.tenantId, tenantId), sql`${customers.id} = ANY(${sql.param(customerIds)}::uuid[])`, isLive));
  for (const row of rows) out.set(row.id, row.ids);
  return out;
}
