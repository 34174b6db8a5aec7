import { and, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Channel, CreateCustomer, CustomerFilter, CustomerSort, UpdateCustomer } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { toIsoDate, type CalendarDay } from '../../platform/i18n/calendar.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { applyAttributes, attributeDefinitionsOf } from './customer-attribute.service.ts';
import { listCustomers, type CustomerCriteria, type CustomerState, type ListedCustomerRow } from './customer-list.repo.ts';
import type { AttributeValues, ConsentState, CustomerRow } from './customer.present.ts';
import * as repo from './customer.repo.ts';
import { buildSearchText, parseCustomerSearch, type CustomerSearch } from './customer.search-text.ts';
import { decodeSortCursor, sortOrder, type SortOrder } from './customer.sort.ts';
import { segmentMatchPredicate } from './segment-match.ts';

/** 422 invalid_phone unless it parses for the workspace's country; returns E.164. */
export function normalisePhone(input: string, defaultCountry: string, field = 'phone'): string {
  const phone = parsePhone(input, defaultCountry);
  if (!phone) throw new Problem(422, 'invalid_phone', {}, [{ field, code: 'invalid_phone', message: 'invalid_phone' }]);
  return phone.e164;
}

/** 422 invalid_date unless the day exists in its calendar; returns the Gregorian ISO day. */
export function normaliseBirthday(day: CalendarDay, field = 'birthday'): string {
  const iso = toIsoDate(day);
  if (!iso) throw new Problem(422, 'invalid_date', {}, [{ field, code: 'invalid_date', message: 'invalid_date' }]);
  return iso;
}

type ConsentChanges = Partial<Record<Channel, { granted: boolean; source: string }>>;

/**
 * The new consent state per channel, and the changes to append to consent_events. Restating the
 * current choice is not a change, so a form that re-sends every channel leaves no noise.
 */
export function applyConsent(current: ConsentState, changes: ConsentChanges, at: Date, customerId: string, actor: Actor | null): { state: ConsentState; events: repo.ConsentEventRow[] } {
  const state: ConsentState = { ...current };
  const events: repo.ConsentEventRow[] = [];
  for (const [channel, change] of Object.entries(changes)) {
    if (!change || state[channel]?.granted === change.granted) continue;
    state[channel] = { granted: change.granted, at: at.toISOString(), source: change.source };
    events.push({ customerId, channel, status: change.granted ? 'granted' : 'withdrawn', source: change.source, at, actorId: actor ? `${actor.kind}:${actor.id}` : null });
  }
  return { state, events };
}

const CONSTRAINT_FIELD: Record<string, repo.IdentityField> = {
  customers_phone_key: 'phone',
  customers_email_key: 'email',
  customers_external_id_key: 'externalId',
};

/** The unique index a statement violated, looking through drizzle's error wrapper. */
export function violatedUniqueIndex(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const candidate = current as { code?: string; constraint?: string; cause?: unknown };
    if (candidate.code === '23505') return candidate.constraint ?? '';
    current = candidate.cause;
  }
  return undefined;
}

/** 409 naming the field and, when known, the customer who already holds it (so a form can link to them). */
export function duplicateCustomer(field: string, existingId?: string): Problem {
  return new Problem(409, 'duplicate_customer', { field }, [{ field, code: 'duplicate_customer', message: 'duplicate_customer', ...(existingId ? { existingId } : {}) }]);
}

/** Which of the keys another live customer already holds, and who that is. */
async function findDuplicate(tx: Executor, tenantId: string, keys: Partial<Record<repo.IdentityField, string | null>>, exceptId?: string): Promise<{ field: repo.IdentityField; id: string } | undefined> {
  for (const field of ['externalId', 'phone', 'email'] as const) {
    const value = keys[field];
    const id = value ? await repo.findLiveIdByField(tx, tenantId, field, value, exceptId) : undefined;
    if (id) return { field, id };
  }
  return undefined;
}

/** 422 unless the customer keeps a name or a way to reach them (the create schema checks the same for new ones). */
function assertNameOrContact(customer: { name: string | null; phone: string | null; email: string | null }): void {
  if (!customer.name && !customer.phone && !customer.email) {
    throw new Problem(422, 'name_or_contact_required', {}, [{ field: 'name', code: 'name_or_contact_required', message: 'name_or_contact_required' }]);
  }
}

function distinctTags(tags: string[]): string[] {
  return [...new Set(tags)];
}

export function assertLive(row: CustomerRow): void {
  if (row.mergedInto) throw new Problem(409, 'customer_merged');
  if (row.erasedAt) throw new Problem(409, 'customer_erased');
}

export async function createCustomer(tx: Executor, tenantId: string, actor: Actor | null, input: CreateCustomer): Promise<CustomerRow> {
  const { defaultCountry } = await workspaceSettings(tx, tenantId);
  const phone = input.phone !== undefined ? normalisePhone(input.phone, input.phoneCountry ?? defaultCountry) : null;
  const birthday = input.birthday ? normaliseBirthday(input.birthday) : null;
  const attributes = input.attributes ? applyAttributes(await attributeDefinitionsOf(tx, tenantId), {}, input.attributes) : {};
  const id = uuidv7();
  const now = new Date();
  const consent = applyConsent({}, input.consent ?? {}, now, id, actor);
  const name = input.name ?? null;
  const email = input.email ?? null;
  const created = await repo.insertCustomer(tx, {
    tenantId,
    id,
    externalId: input.externalId ?? null,
    name,
    phone,
    email,
    birthday,
    birthdayCalendar: input.birthday?.calendar ?? null,
    language: input.language ?? null,
    preferredChannel: input.preferredChannel ?? null,
    timeZone: input.timeZone ?? null,
    consent: consent.state,
    tags: distinctTags(input.tags ?? []),
    attributes,
    searchText: buildSearchText({ name, email, phone }, defaultCountry),
    createdAt: now,
    updatedAt: now,
  });
  if (!created) {
    const duplicate = await findDuplicate(tx, tenantId, { externalId: input.externalId, phone, email });
    throw duplicateCustomer(duplicate?.field ?? 'customer', duplicate?.id);
  }
  await repo.insertConsentEvents(tx, tenantId, consent.events);
  await publishEvent(tx, tenantId, 'customer.created', { customerId: id });
  return created;
}

export async function getCustomer(db: Executor, tenantId: string, id: string): Promise<CustomerRow> {
  const row = await repo.findCustomer(db, tenantId, id);
  if (!row) throw notFound();
  return row;
}

/** PATCH: absent fields stay, null clears; attributes merge key by key (null removes one); tags are replaced. */
export async function updateCustomer(tx: Executor, tenantId: string, actor: Actor | null, id: string, input: UpdateCustomer): Promise<CustomerRow> {
  const current = await repo.findCustomer(tx, tenantId, id, { lock: true });
  if (!current) throw notFound();
  assertLive(current);
  const { defaultCountry } = await workspaceSettings(tx, tenantId);
  const now = new Date();
  const patch: repo.CustomerPatch = { updatedAt: now };

  if (input.externalId !== undefined) patch.externalId = input.externalId;
  if (input.name !== undefined) patch.name = input.name;
  if (input.phone !== undefined) patch.phone = input.phone === null ? null : normalisePhone(input.phone, input.phoneCountry ?? defaultCountry);
  if (input.email !== undefined) patch.email = input.email;
  if (input.birthday !== undefined) {
    patch.birthday = input.birthday === null ? null : normaliseBirthday(input.birthday);
    patch.birthdayCalendar = input.birthday?.calendar ?? null;
  }
  if (input.language !== undefined) patch.language = input.language;
  if (input.preferredChannel !== undefined) patch.preferredChannel = input.preferredChannel;
  if (input.timeZone !== undefined) patch.timeZone = input.timeZone;
  if (input.tags !== undefined) patch.tags = distinctTags(input.tags);
  if (input.attributes !== undefined) {
    patch.attributes = applyAttributes(await attributeDefinitionsOf(tx, tenantId), current.attributes as AttributeValues, input.attributes);
  }
  const consent = applyConsent(current.consent as ConsentState, input.consent ?? {}, now, id, actor);
  if (consent.events.length > 0) patch.consent = consent.state;

  const name = patch.name !== undefined ? patch.name : current.name;
  const email = patch.email !== undefined ? patch.email : current.email;
  const phone = patch.phone !== undefined ? patch.phone : current.phone;
  // Only a change to these can take the last of them away (older records may have none yet).
  if (input.name !== undefined || input.phone !== undefined || input.email !== undefined) assertNameOrContact({ name, email, phone });
  patch.searchText = buildSearchText({ name, email, phone }, defaultCountry);

  const duplicate = await findDuplicate(tx, tenantId, { externalId: patch.externalId, phone: patch.phone, email: patch.email }, id);
  if (duplicate) throw duplicateCustomer(duplicate.field, duplicate.id);
  let updated: CustomerRow;
  try {
    updated = await repo.updateCustomerRow(tx, tenantId, id, patch);
  } catch (err) {
    const index = violatedUniqueIndex(err);
    if (index !== undefined) throw duplicateCustomer(CONSTRAINT_FIELD[index] ?? 'customer');
    throw err;
  }
  await repo.insertConsentEvents(tx, tenantId, consent.events);
  await publishEvent(tx, tenantId, 'customer.updated', { customerId: id, fields: Object.keys(input) });
  return updated;
}

export interface CustomerListing {
  order: SortOrder;
  rows: ListedCustomerRow[];
}

/** The search, filters and segment of a list query as repo criteria (404 for an unknown segment). */
export async function customerCriteria(db: Executor, tenantId: string, filter: CustomerFilter & { state?: CustomerState }, predicate?: SQL): Promise<CustomerCriteria> {
  let search: CustomerSearch | undefined;
  if (filter.q) {
    const { defaultCountry } = await workspaceSettings(db, tenantId);
    search = parseCustomerSearch(filter.q, defaultCountry);
  }
  const segment = filter.segment ? await segmentMatchPredicate(db, tenantId, filter.segment) : undefined;
  const predicates = [segment, predicate].filter((p): p is SQL => p !== undefined);
  return {
    search,
    tag: filter.tag,
    language: filter.language,
    consent: filter.consent,
    state: filter.state,
    ...(predicates.length > 0 ? { predicate: and(...predicates) } : {}),
  };
}

/** `limit + 1` rows of a list query in its order, after its cursor (see pageFrom). */
export async function listCustomerRows(
  db: Executor,
  tenantId: string,
  query: CustomerFilter & { cursor?: string; limit: number; sort?: CustomerSort; state?: CustomerState },
  predicate?: SQL,
): Promise<CustomerListing> {
  const order = sortOrder(query.sort ?? '-createdAt');
  const after = decodeSortCursor(order, query.cursor);
  const criteria = await customerCriteria(db, tenantId, query, predicate);
  return { order, rows: await listCustomers(db, tenantId, criteria, { sort: order, after, limit: query.limit + 1 }) };
}

/**
 * Adds and removes tags on a live customer (automations' add_tag / remove_tag). Returns false
 * when nothing changed (already tagged, merged or erased) so no customer.updated is published.
 */
export async function changeCustomerTags(tx: Executor, tenantId: string, customerId: string, add: string[], remove: string[]): Promise<boolean> {
  const result = await tx.execute(sql`
    UPDATE customers SET
      tags = ARRAY(SELECT u.t FROM unnest(array_cat(tags, ${sql.param(add)}::text[])) WITH ORDINALITY AS u(t, n)
                   WHERE NOT (u.t = ANY(${sql.param(remove)}::text[])) GROUP BY u.t ORDER BY min(u.n)),
      updated_at = now()
    WHERE tenant_id = ${tenantId} AND id = ${customerId} AND merged_into IS NULL AND erased_at IS NULL
      AND (NOT (tags @> ${sql.param(add)}::text[]) OR tags && ${sql.param(remove)}::text[])`);
  if ((result.rowCount ?? 0) === 0) return false;
  await publishEvent(tx, tenantId, 'customer.updated', { customerId, fields: ['tags'] });
  return true;
}
