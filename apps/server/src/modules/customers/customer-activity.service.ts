import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { workspaceSettings } from '../workspace/index.ts';
import type { CustomerRow } from './customer.present.ts';
import * as repo from './customer.repo.ts';
import { buildSearchText } from './customer.search-text.ts';
import { normalisePhone } from './customer.service.ts';

export interface CustomerIdentity {
  id?: string;
  externalId?: string;
  phone?: string;
  email?: string;
  name?: string;
  language?: 'fa' | 'ar' | 'en';
}

const MAX_MERGE_HOPS = 20;
const Email = z.email();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Follows merged_into to the record that survived. */
async function survivorOf(tx: Executor, tenantId: string, row: CustomerRow): Promise<CustomerRow> {
  let current = row;
  for (let hop = 0; current.mergedInto && hop < MAX_MERGE_HOPS; hop++) {
    const next = await repo.findCustomer(tx, tenantId, current.mergedInto);
    if (!next) break;
    current = next;
  }
  if (current.erasedAt) throw new Problem(409, 'customer_erased');
  return current;
}

/**
 * Finds the customer an integration means — by id, else external id, else phone (read with the
 * workspace's country), else e-mail — following merges to the surviving record. When none
 * matches and `createIfMissing` is set, creates one from the identity. Throws 404 when not found
 * and not allowed to create, 409 customer_erased for an erased customer, 422 for a bad phone.
 */
export async function resolveCustomer(
  tx: Executor,
  tenantId: string,
  identity: CustomerIdentity,
  options: { createIfMissing: boolean },
): Promise<{ id: string; created: boolean }> {
  if (identity.id !== undefined) {
    if (!UUID.test(identity.id)) throw notFound();
    const row = await repo.findCustomer(tx, tenantId, identity.id.toLowerCase());
    if (!row) throw notFound();
    return { id: (await survivorOf(tx, tenantId, row)).id, created: false };
  }

  const externalId = identity.externalId?.trim() || undefined;
  const email = identity.email?.trim().toLowerCase() || undefined;
  if (email !== undefined && !Email.safeParse(email).success) {
    throw new Problem(422, 'validation_failed', {}, [{ field: 'email', code: 'invalid_email', message: 'not an e-mail address' }]);
  }
  let phone: string | undefined;
  const { defaultCountry } = await workspaceSettings(tx, tenantId);
  if (identity.phone !== undefined && identity.phone.trim() !== '') phone = normalisePhone(identity.phone, defaultCountry);
  if (externalId === undefined && phone === undefined && email === undefined) {
    throw new Problem(422, 'validation_failed', {}, [{ field: 'customer', code: 'identity_required', message: 'give an id, externalId, phone or email' }]);
  }

  const keys: [repo.IdentityField, string | undefined][] = [['externalId', externalId], ['phone', phone], ['email', email]];
  const find = async () => {
    for (const [field, value] of keys) {
      if (value === undefined) continue;
      const row = await repo.findByIdentity(tx, tenantId, field, value);
      if (row) return survivorOf(tx, tenantId, row);
    }
    return undefined;
  };
  const found = await find();
  if (found) return { id: found.id, created: false };
  if (!options.createIfMissing) throw notFound();

  const id = uuidv7();
  const now = new Date();
  const name = identity.name?.trim() || null;
  const created = await repo.insertCustomer(tx, {
    tenantId,
    id,
    externalId: externalId ?? null,
    name,
    phone: phone ?? null,
    email: email ?? null,
    language: identity.language ?? null,
    searchText: buildSearchText({ name, email: email ?? null, phone: phone ?? null }, defaultCountry),
    createdAt: now,
    updatedAt: now,
  });
  if (!created) {
    // Someone created it between our look-up and our insert: theirs is the one.
    const raced = await find();
    if (raced) return { id: raced.id, created: false };
    throw new Problem(409, 'conflict');
  }
  await publishEvent(tx, tenantId, 'customer.created', { customerId: id });
  return { id, created: true };
}

export type CustomerActivity = repo.ActivityRow;

/** Writes the order aggregates of many customers in one statement (unnest). */
export async function setCustomerActivity(tx: Executor, tenantId: string, rows: CustomerActivity[]): Promise<void> {
  await repo.updateActivity(tx, tenantId, rows);
}
