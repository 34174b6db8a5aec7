import { and, asc, count, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { segmentMembers, segments } from './customer.schema.ts';

export type SegmentRow = typeof segments.$inferSelect;
export type CountedSegmentRow = SegmentRow & { listedMembers: number };

export async function listSegments(db: Executor, tenantId: string): Promise<CountedSegmentRow[]> {
  const listed = db.select({ segmentId: segmentMembers.segmentId, n: count().as('n') }).from(segmentMembers)
    .where(eq(segmentMembers.tenantId, tenantId)).groupBy(segmentMembers.segmentId).as('listed');
  const rows = await db.select({ ...getTableColumns(segments), listedMembers: sql<number>`coalesce(${listed.n}, 0)::int` })
    .from(segments)
    .leftJoin(listed, eq(listed.segmentId, segments.id))
    .where(eq(segments.tenantId, tenantId))
    .orderBy(asc(segments.name), asc(segments.id));
  return rows;
}

export async function findSegment(db: Executor, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<SegmentRow | undefined> {
  const query = db.select().from(segments).where(and(eq(segments.tenantId, tenantId), eq(segments.id, id)));
  // A share lock keeps the segment from being deleted while members are added to it.
  const [row] = options.lock ? await query.for('share') : await query;
  return row;
}

export async function insertSegment(db: Executor, row: typeof segments.$inferInsert): Promise<SegmentRow> {
  const [created] = await db.insert(segments).values(row).returning();
  return created!;
}

export async function updateSegmentRow(db: Executor, tenantId: string, id: string, patch: Partial<Pick<SegmentRow, 'name' | 'rules' | 'updatedAt'>>): Promise<SegmentRow | undefined> {
  const [row] = await db.update(segments).set(patch).where(and(eq(segments.tenantId, tenantId), eq(segments.id, id))).returning();
  return row;
}

export async function deleteSegmentRow(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(segments).where(and(eq(segments.tenantId, tenantId), eq(segments.id, id))).returning({ id: segments.id });
  return deleted.length > 0;
}

// ---- listed members (added by hand)

export async function countListedMembers(db: Executor, tenantId: string, segmentId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(segmentMembers)
    .where(and(eq(segmentMembers.tenantId, tenantId), eq(segmentMembers.segmentId, segmentId)));
  return row?.n ?? 0;
}

/** Adds the customers (checked live customers of the workspace); returns how many were not listed yet. */
export async function insertListedMembers(db: Executor, tenantId: string, segmentId: string, customerIds: string[], addedBy: string | null): Promise<number> {
  if (customerIds.length === 0) return 0;
  const result = await db.execute(sql`
    INSERT INTO segment_members (tenant_id, segment_id, customer_id, added_by)
    SELECT ${tenantId}::uuid, ${segmentId}::uuid, c.id, ${addedBy} FROM unnest(${sql.param(customerIds)}::uuid[]) AS c(id)
    ON CONFLICT DO NOTHING`);
  return result.rowCount ?? 0;
}

/** Removes the customers from the segment's list; returns how many were listed. */
export async function deleteListedMembers(db: Executor, tenantId: string, segmentId: string, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const result = await db.execute(sql`
    DELETE FROM segment_members
    WHERE tenant_id = ${tenantId} AND segment_id = ${segmentId} AND customer_id = ANY(${sql.param(customerIds)}::uuid[])`);
  return result.rowCount ?? 0;
}

/** A merge: the survivor takes the source's places on segment lists. */
export async function moveListedMemberships(db: Executor, tenantId: string, fromId: string, toId: string): Promise<void> {
  await db.execute(sql`
    INSERT INTO segment_members (tenant_id, segment_id, customer_id, added_by, added_at)
    SELECT tenant_id, segment_id, ${toId}::uuid, added_by, added_at FROM segment_members
    WHERE tenant_id = ${tenantId} AND customer_id = ${fromId}
    ON CONFLICT DO NOTHING`);
  await db.execute(sql`DELETE FROM segment_members WHERE tenant_id = ${tenantId} AND customer_id = ${fromId}`);
}
