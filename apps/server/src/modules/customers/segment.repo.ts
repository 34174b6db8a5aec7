import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { segments } from './customer.schema.ts';

export type SegmentRow = typeof segments.$inferSelect;

export async function listSegments(db: Executor, tenantId: string): Promise<SegmentRow[]> {
  return db.select().from(segments).where(eq(segments.tenantId, tenantId)).orderBy(asc(segments.name), asc(segments.id));
}

export async function findSegment(db: Executor, tenantId: string, id: string): Promise<SegmentRow | undefined> {
  const [row] = await db.select().from(segments).where(and(eq(segments.tenantId, tenantId), eq(segments.id, id)));
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
