import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { attributeDefinitions, customers, segments } from './customer.schema.ts';

export type AttributeDefinitionRow = typeof attributeDefinitions.$inferSelect;

export async function listAttributeDefinitions(db: Executor, tenantId: string): Promise<AttributeDefinitionRow[]> {
  return db.select().from(attributeDefinitions).where(eq(attributeDefinitions.tenantId, tenantId)).orderBy(asc(attributeDefinitions.key));
}

/** undefined when the key is already defined */
export async function insertAttributeDefinition(db: Executor, row: typeof attributeDefinitions.$inferInsert): Promise<AttributeDefinitionRow | undefined> {
  const [created] = await db.insert(attributeDefinitions).values(row).onConflictDoNothing().returning();
  return created;
}

export async function deleteAttributeDefinition(db: Executor, tenantId: string, key: string): Promise<boolean> {
  const deleted = await db.delete(attributeDefinitions)
    .where(and(eq(attributeDefinitions.tenantId, tenantId), eq(attributeDefinitions.key, key)))
    .returning({ key: attributeDefinitions.key });
  return deleted.length > 0;
}

/** Removes the values of a deleted attribute from every customer of the workspace. */
export async function stripAttributeValues(db: Executor, tenantId: string, key: string): Promise<void> {
  await db.update(customers)
    .set({ attributes: sql`${customers.attributes} - ${key}::text` })
    .where(and(eq(customers.tenantId, tenantId), sql`${customers.attributes} ? ${key}::text`));
}

/** Names of saved segments whose rules test this attribute. */
export async function segmentsUsingAttribute(db: Executor, tenantId: string, key: string): Promise<string[]> {
  const rows = await db.select({ name: segments.name }).from(segments)
    .where(and(eq(segments.tenantId, tenantId), sql`jsonb_path_exists(${segments.rules}, '$.** ? (@.field == $field)', jsonb_build_object('field', ${`attribute.${key}`}::text))`));
  return rows.map((r) => r.name);
}
