import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { workspaces } from '../workspace/workspace.schema.ts';
import { byteOrderedText, NAME_KEY_SQL } from './customer.name-key.ts';

/**
 * One record per person across channels. Phone is E.164, e-mail lower-case; both are unique
 * among live (not merged) records so imports and integrations dedupe on them.
 * `search_text` holds the folded name, e-mail and phone forms (see platform/i18n/fold.ts).
 */
export const customers = pgTable(
  'customers',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    id: uuid('id').notNull(),
    externalId: text('external_id'),
    name: text('name'),
    phone: text('phone'),
    email: text('email'),
    birthday: date('birthday'),
    birthdayCalendar: text('birthday_calendar'),
    language: text('language'),
    /** IANA zone for quiet hours and dated automations; null means the workspace's */
    timeZone: text('time_zone'),
    preferredChannel: text('preferred_channel'),
    consent: jsonb('consent').notNull().default({}),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    attributes: jsonb('attributes').notNull().default({}),
    orderCount: integer('order_count').notNull().default(0),
    totalSpentMinor: bigint('total_spent_minor', { mode: 'number' }).notNull().default(0),
    firstOrderAt: timestamp('first_order_at', { withTimezone: true }),
    lastOrderAt: timestamp('last_order_at', { withTimezone: true }),
    // Moves on every touchpoint (each survey answer, each visit), so it is in no index and the
    // table keeps 10 % of each page free (fillfactor 90, migration 0036): the update is then HOT
    // and writes none of the 12 indexes' entries. Inactivity automations scan for it hourly.
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    searchText: text('search_text').notNull().default(''),
    /** the name as a sort key (see customer.name-key.ts); null when there is no name */
    nameKey: byteOrderedText('name_key').generatedAlwaysAs(sql.raw(NAME_KEY_SQL)),
    mergedInto: uuid('merged_into'),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('customers_phone_key').on(t.tenantId, t.phone).where(sql`phone IS NOT NULL AND merged_into IS NULL`),
    uniqueIndex('customers_email_key').on(t.tenantId, t.email).where(sql`email IS NOT NULL AND merged_into IS NULL`),
    uniqueIndex('customers_external_id_key').on(t.tenantId, t.externalId).where(sql`external_id IS NOT NULL AND merged_into IS NULL`),
    index('customers_search_idx').using('gin', t.tenantId, t.searchText.op('gin_trgm_ops')),
    index('customers_tags_idx').using('gin', t.tenantId, t.tags),
    // Sorted lists walk these (id breaks ties); customers_last_order_idx also serves the automations.
    index('customers_last_order_idx').on(t.tenantId, t.lastOrderAt, t.id),
    index('customers_name_key_idx').on(t.tenantId, t.nameKey, t.id),
    index('customers_order_count_idx').on(t.tenantId, t.orderCount, t.id),
    index('customers_total_spent_idx').on(t.tenantId, t.totalSpentMinor, t.id),
    index('customers_birthday_idx').on(t.tenantId, t.birthday).where(sql`birthday IS NOT NULL AND merged_into IS NULL`),
    index('customers_merged_into_idx').on(t.tenantId, t.mergedInto).where(sql`merged_into IS NOT NULL`),
  ],
);

/** Every consent change, with time and source; `customers.consent` holds the current state. */
export const consentEvents = pgTable(
  'consent_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    customerId: uuid('customer_id').notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    source: text('source').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorId: text('actor_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    index('consent_events_customer_idx').on(t.tenantId, t.customerId),
  ],
);

/** Typed custom attributes a workspace defines for its customers. */
export const attributeDefinitions = pgTable(
  'attribute_definitions',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    key: text('key').notNull(),
    type: text('type').notNull(),
    label: jsonb('label').notNull(),
    options: jsonb('options'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/** Saved segments: rules evaluated in SQL on demand, and customers added by hand (segment_members). */
export const segments = pgTable(
  'segments',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    rules: jsonb('rules').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Customers added to a segment by hand: members whatever the segment's rules say. */
export const segmentMembers = pgTable(
  'segment_members',
  {
    tenantId: uuid('tenant_id').notNull(),
    segmentId: uuid('segment_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    addedBy: text('added_by'),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.segmentId, t.customerId] }),
    foreignKey({ columns: [t.tenantId, t.segmentId], foreignColumns: [segments.tenantId, segments.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    index('segment_members_customer_idx').on(t.tenantId, t.customerId),
  ],
);

/** A CSV import run: its progress is readable from any process. */
export const imports = pgTable(
  'imports',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    fileName: text('file_name').notNull(),
    mapping: jsonb('mapping').notNull().default({}),
    totalBytes: bigint('total_bytes', { mode: 'number' }).notNull().default(0),
    processedBytes: bigint('processed_bytes', { mode: 'number' }).notNull().default(0),
    rowsTotal: integer('rows_total').notNull().default(0),
    rowsInserted: integer('rows_inserted').notNull().default(0),
    rowsUpdated: integer('rows_updated').notNull().default(0),
    rowsFailed: integer('rows_failed').notNull().default(0),
    error: text('error'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const importErrors = pgTable(
  'import_errors',
  {
    tenantId: uuid('tenant_id').notNull(),
    importId: uuid('import_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    raw: text('raw').notNull(),
    problems: jsonb('problems').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.importId, t.rowNumber] }),
    foreignKey({ columns: [t.tenantId, t.importId], foreignColumns: [imports.tenantId, imports.id] }).onDelete('cascade'),
  ],
);
