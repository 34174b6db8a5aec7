import type { z } from 'zod';
import type { AttributeDefinitionInput, AttributeDefinitionView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import * as repo from './customer-attribute.repo.ts';
import type { AttributeValues } from './customer.present.ts';

export type AttributeDefinitionRow = repo.AttributeDefinitionRow;
export type AttributeDefinitions = Map<string, AttributeDefinitionRow>;

export async function attributeDefinitionsOf(db: Executor, tenantId: string): Promise<AttributeDefinitions> {
  return new Map((await repo.listAttributeDefinitions(db, tenantId)).map((d) => [d.key, d]));
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real Gregorian day written YYYY-MM-DD. */
export function isIsoDay(value: string): boolean {
  if (!ISO_DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function invalidAttribute(key: string): Problem {
  return new Problem(422, 'invalid_attribute', { key }, [{ field: `attributes.${key}`, code: 'invalid_attribute', message: 'invalid_attribute' }]);
}

function fitsDefinition(definition: AttributeDefinitionRow, value: unknown): boolean {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && isIsoDay(value);
    case 'choice':
      return typeof value === 'string' && ((definition.options as string[] | null) ?? []).includes(value);
    default:
      return false;
  }
}

/**
 * Applies attribute changes to `current`: a value sets the key, null removes it. Every key must be
 * defined for the workspace and every value must have its type, else 422 invalid_attribute {key}.
 */
export function applyAttributes(definitions: AttributeDefinitions, current: AttributeValues, changes: Record<string, unknown>): AttributeValues {
  const next: AttributeValues = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const definition = definitions.get(key);
    if (!definition) throw invalidAttribute(key);
    if (value === null) {
      delete next[key];
      continue;
    }
    if (!fitsDefinition(definition, value)) throw invalidAttribute(key);
    next[key] = value as string | number | boolean;
  }
  return next;
}

export function presentAttributeDefinition(row: AttributeDefinitionRow): z.infer<typeof AttributeDefinitionView> {
  return {
    key: row.key,
    type: row.type as z.infer<typeof AttributeDefinitionView>['type'],
    label: row.label as z.infer<typeof AttributeDefinitionView>['label'],
    ...(row.options ? { options: row.options as string[] } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function defineAttribute(tx: Executor, tenantId: string, input: z.infer<typeof AttributeDefinitionInput>): Promise<AttributeDefinitionRow> {
  const options = input.options ? [...new Set(input.options)] : undefined;
  if (input.type === 'choice' && (!options || options.length === 0)) {
    throw new Problem(422, 'invalid_attribute', { key: input.key }, [{ field: 'options', code: 'invalid_attribute', message: 'invalid_attribute' }]);
  }
  if (input.type !== 'choice' && options) {
    throw new Problem(422, 'invalid_attribute', { key: input.key }, [{ field: 'options', code: 'invalid_attribute', message: 'invalid_attribute' }]);
  }
  const created = await repo.insertAttributeDefinition(tx, { tenantId, key: input.key, type: input.type, label: input.label, options: options ?? null });
  if (!created) throw new Problem(409, 'conflict', {}, [{ field: 'key', code: 'taken', message: 'taken' }]);
  return created;
}

/**
 * Deletes a definition and its values on every customer. Refused (409) while a saved segment
 * tests the attribute, since that segment could no longer be evaluated.
 */
export async function deleteAttribute(tx: Executor, tenantId: string, key: string): Promise<void> {
  const users = await repo.segmentsUsingAttribute(tx, tenantId, key);
  if (users.length > 0) throw new Problem(409, 'conflict', {}, [{ field: 'key', code: 'used_by_segment', message: `used by segment ${users[0]}` }]);
  if (!(await repo.deleteAttributeDefinition(tx, tenantId, key))) throw notFound();
  await repo.stripAttributeValues(tx, tenantId, key);
}
