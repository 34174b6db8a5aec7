import type { CustomerIdentity } from '@vafa/contracts';
import { v7 as uuidv7 } from 'uuid';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import { buildSearchText, resolveCustomer } from '../customers/index.ts';
import { insertCustomers, lockCustomersById, lockCustomersByIdentity, type ActivityRow, type CustomerMatch } from './touchpoint.repo.ts';

/** A customer a touchpoint will be recorded for. */
export interface ResolvedCustomer {
  id: string;
  /** current activity aggregates, or null when this transaction does not hold the row lock yet */
  activity: ActivityRow | null;
}

export type IdentityOutcome = { customer: ResolvedCustomer } | { problem: Problem };

const NO_ACTIVITY: ActivityRow = { customerId: '', orderCount: 0, totalSpentMinor: 0, firstOrderAt: null, lastOrderAt: null, lastSeenAt: null };

const MAX_MERGE_HOPS = 10;

export function activityOf(row: CustomerMatch): ActivityRow {
  return {
    customerId: row.id,
    orderCount: row.orderCount,
    totalSpentMinor: row.totalSpentMinor,
    firstOrderAt: row.firstOrderAt,
    lastOrderAt: row.lastOrderAt,
    lastSeenAt: row.lastSeenAt,
  };
}

/** The keys an identity without an id is looked up by, in the order they are tried. */
const keysOf = (identity: CustomerIdentity, phone: string | undefined) =>
  [
    identity.externalId !== undefined ? `x:${identity.externalId}` : undefined,
    phone !== undefined ? `p:${phone}` : undefined,
    identity.email !== undefined ? `e:${identity.email}` : undefined,
  ].filter((k): k is string => k !== undefined);

/**
 * Resolves a whole batch of identities the way the customers module's resolveCustomer resolves
 * one (id, else external id, else phone, else e-mail; merges followed to the survivor; erased
 * refused), with one query for those that exist and one insert for those that match nobody. An
 * identity with an `id` is never created: an unknown id is the caller's mistake. A new row that
 * loses a race for its phone or e-mail falls back to resolveCustomer, in a savepoint so a
 * refusal rejects one event, not the batch. `createdCustomerIds` lists the customers inserted
 * here, for the caller to publish customer.created.
 */
export async function resolveIdentities(
  tx: Executor,
  tenantId: string,
  defaultCountry: string,
  given: CustomerIdentity[],
): Promise<{ outcomes: IdentityOutcome[]; createdCustomerIds: string[] }> {
  const identities = given.map((identity) => (identity.id === undefined ? identity : { ...identity, id: identity.id.toLowerCase() }));
  const outcomes: (IdentityOutcome | undefined)[] = new Array(identities.length);
  const phones: (string | undefined)[] = identities.map((identity, index) => {
    if (identity.phone === undefined) return undefined;
    const parsed = parsePhone(identity.phone, defaultCountry);
    if (!parsed) outcomes[index] = { problem: invalidField('customer.phone', 'invalid_phone') };
    return parsed?.e164;
  });

  const ids = new Set<string>();
  const externalIds = new Set<string>();
  const phoneSet = new Set<string>();
  const emails = new Set<string>();
  identities.forEach((identity, index) => {
    if (outcomes[index]) return;
    if (identity.id !== undefined) {
      ids.add(identity.id);
      return;
    }
    if (identity.externalId !== undefined) externalIds.add(identity.externalId);
    const phone = phones[index];
    if (phone !== undefined) phoneSet.add(phone);
    if (identity.email !== undefined) emails.add(identity.email);
  });
  const needsLookup = ids.size + externalIds.size + phoneSet.size + emails.size > 0;
  const rows = needsLookup
    ? await lockCustomersByIdentity(tx, tenantId, { ids: [...ids], externalIds: [...externalIds], phones: [...phoneSet], emails: [...emails] })
    : [];

  const byId = new Map(rows.map((r) => [r.id, r]));
  // A live record holding the key wins over one merged away (which still answers to its old keys).
  const byKey = new Map<string, CustomerMatch>();
  for (const row of rows) {
    for (const key of [row.externalId && `x:${row.externalId}`, row.phone && `p:${row.phone}`, row.email && `e:${row.email}`]) {
      if (!key) continue;
      const held = byKey.get(key);
      if (!held || (held.mergedInto && !row.mergedInto)) byKey.set(key, row);
    }
  }

  const matched: (CustomerMatch | undefined)[] = identities.map((identity, index) => {
    if (outcomes[index]) return undefined;
    if (identity.id !== undefined) {
      const row = byId.get(identity.id);
      if (!row) outcomes[index] = { problem: invalidField('customer.id', 'not_found') };
      return row;
    }
    for (const key of keysOf(identity, phones[index])) {
      const row = byKey.get(key);
      if (row) return row;
    }
    return undefined;
  });

  // A merged record points at the one that absorbed it; follow the chain to a live record.
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const targets = [...new Set(matched.filter((r) => r?.mergedInto).map((r) => r!.mergedInto!))].filter((id) => !byId.has(id));
    if (targets.length > 0) for (const row of await lockCustomersById(tx, tenantId, targets)) byId.set(row.id, row);
    let pending = false;
    matched.forEach((row, index) => {
      if (!row?.mergedInto) return;
      const next = byId.get(row.mergedInto);
      matched[index] = next;
      if (!next) outcomes[index] = { problem: invalidField('customer.id', 'not_found') };
      else if (next.mergedInto) pending = true;
    });
    if (!pending) break;
  }

  // Identities nobody matched become new customers: one per group of identities sharing a key,
  // built from the group's first identity, so the batch reads as if sent one event at a time.
  const groups: { identity: CustomerIdentity; phone: string | undefined; members: number[] }[] = [];
  const groupByKey = new Map<string, (typeof groups)[number]>();
  for (let index = 0; index < identities.length; index++) {
    if (outcomes[index]) continue;
    const row = matched[index];
    if (row?.mergedInto) {
      outcomes[index] = { problem: new Problem(409, 'customer_merged') };
    } else if (row?.erasedAt) {
      outcomes[index] = { problem: new Problem(409, 'customer_erased') };
    } else if (row) {
      outcomes[index] = { customer: { id: row.id, activity: activityOf(row) } };
    } else {
      const identity = identities[index]!;
      const keys = keysOf(identity, phones[index]);
      const joined = keys.map((k) => groupByKey.get(k)).find((g) => g !== undefined);
      if (joined) {
        joined.members.push(index);
        continue;
      }
      const group = { identity, phone: phones[index], members: [index] };
      groups.push(group);
      for (const key of keys) groupByKey.set(key, group);
    }
  }

  const newRows = groups.map((g) => {
    const name = g.identity.name ?? null;
    const email = g.identity.email ?? null;
    const phone = g.phone ?? null;
    return {
      id: uuidv7(),
      externalId: g.identity.externalId ?? null,
      name,
      phone,
      email,
      language: g.identity.language ?? null,
      searchText: buildSearchText({ name, email, phone }, defaultCountry),
    };
  });
  const inserted = await insertCustomers(tx, tenantId, newRows);
  for (const [i, group] of groups.entries()) {
    const id = newRows[i]!.id;
    const outcome: IdentityOutcome = inserted.has(id)
      ? { customer: { id, activity: { ...NO_ACTIVITY, customerId: id } } }
      : await createCustomerFor(tx, tenantId, group.identity);
    for (const member of group.members) outcomes[member] = outcome;
  }
  return { outcomes: outcomes as IdentityOutcome[], createdCustomerIds: newRows.filter((r) => inserted.has(r.id)).map((r) => r.id) };
}

async function createCustomerFor(tx: Executor, tenantId: string, identity: CustomerIdentity): Promise<IdentityOutcome> {
  try {
    const resolved = await tx.transaction((savepoint) => resolveCustomer(savepoint, tenantId, identity, { createIfMissing: true }));
    // Created by the customers module, which has published customer.created itself.
    const activity: ActivityRow | null = resolved.created ? { ...NO_ACTIVITY, customerId: resolved.id } : null;
    return { customer: { id: resolved.id, activity } };
  } catch (err) {
    if (err instanceof Problem && err.status < 500) return { problem: err };
    throw err;
  }
}
