import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { apiKeys, auditLog, workspaces } from './workspace.schema.ts';

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function findWorkspace(db: Executor, tenantId: string): Promise<WorkspaceRow | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, tenantId));
  return row;
}

export async function findWorkspaceBySlug(db: Executor, slug: string): Promise<WorkspaceRow | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug));
  return row;
}

export async function insertWorkspace(db: Executor, row: typeof workspaces.$inferInsert): Promise<WorkspaceRow> {
  const [created] = await db.insert(workspaces).values(row).returning();
  return created!;
}

export async function updateWorkspace(db: Executor, tenantId: string, patch: Partial<typeof workspaces.$inferInsert>): Promise<WorkspaceRow | undefined> {
  // Holidays are kept in date order so settings read (and diff in the audit log) predictably.
  const holidays = patch.holidays ? { holidays: [...patch.holidays].sort() } : {};
  const [row] = await db.update(workspaces).set({ ...patch, ...holidays, updatedAt: new Date() }).where(eq(workspaces.id, tenantId)).returning();
  return row;
}

export async function countWorkspaces(db: Executor): Promise<number> {
  const result = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM workspaces`);
  return result.rows[0]!.n;
}

export async function insertApiKey(db: Executor, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [created] = await db.insert(apiKeys).values(row).returning();
  return created!;
}

export async function listApiKeys(db: Executor, tenantId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt));
}

export async function findApiKey(db: Executor, tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
  return row;
}

export async function revokeApiKey(db: Executor, tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
    .returning();
  return row;
}

export async function touchApiKey(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
}

export async function listAudit(db: Executor, tenantId: string, before: number | undefined, limit: number) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), before === undefined ? undefined : lt(auditLog.id, before)))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
