import { z } from 'zod';
import { IsoInstant, Uuid } from './common.ts';

export const ImportKind = z.enum(['customers', 'orders']);
export type ImportKind = z.infer<typeof ImportKind>;

/** `failed` also covers a run whose process stopped mid-way (no heartbeat for two minutes). */
export const ImportStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type ImportStatus = z.infer<typeof ImportStatus>;

const DATE_CALENDARS = ['persian', 'islamic-umalqura', 'gregory'] as const;
/** `birthday:persian` reads the column as Solar Hijri dates whatever the year looks like. */
const withCalendars = <F extends string>(field: F) => [field, ...DATE_CALENDARS.map((c) => `${field}:${c}` as const)] as const;

export const CONSENT_CHANNELS = ['sms', 'email', 'whatsapp', 'phone', 'push', 'in_app'] as const;

/**
 * What a CSV column holds in a customers file. `ignore` skips a column; `attribute.<key>` fills a
 * custom attribute the workspace has defined.
 */
export const CUSTOMER_IMPORT_FIELDS = [
  'id', 'external_id', 'name', 'phone', 'email', ...withCalendars('birthday'), 'birthday_calendar', 'language',
  'preferred_channel', 'tags', ...CONSENT_CHANNELS.map((c) => `consent_${c}` as const), 'ignore',
] as const;
export const CustomerImportField = z.union([
  z.enum(CUSTOMER_IMPORT_FIELDS),
  z.string().regex(/^attribute\.[a-z][a-z0-9_]{0,63}$/, 'a known field or attribute.<key>'),
]);
export type CustomerImportField = z.infer<typeof CustomerImportField>;

/** What a CSV column holds in an orders file; dates accept a `:calendar` suffix like customers' birthdays. */
export const ORDER_IMPORT_FIELDS = [
  'external_id', 'customer_id', 'customer_external_id', 'customer_phone', 'customer_email', 'customer_name',
  'amount', 'currency', 'status', 'channel', 'items',
  ...withCalendars('placed_at'), ...withCalendars('promised_delivery_at'), ...withCalendars('delivered_at'), ...withCalendars('returned_at'),
  'ignore',
] as const;
export const OrderImportField = z.enum(ORDER_IMPORT_FIELDS);
export type OrderImportField = z.infer<typeof OrderImportField>;

const ColumnHeader = z.string().trim().min(1).max(200);
const MAX_COLUMNS = 300;

/**
 * Fields several columns may be joined into, in the order given: a name from first and last
 * name (joined with a space), a phone from a country-code column and a number (joined as is).
 */
export const CUSTOMER_JOINABLE_FIELDS = ['name', 'phone'] as const;
export const ORDER_JOINABLE_FIELDS = ['customer_name', 'customer_phone'] as const;
const MAX_JOINED = 5;

const columnsOf = <F extends z.ZodType<string>>(field: F) =>
  z.record(ColumnHeader, field).refine((m) => Object.keys(m).length <= MAX_COLUMNS, `at most ${MAX_COLUMNS} columns`);
const joinsOf = <const F extends readonly [string, ...string[]]>(fields: F) =>
  z.partialRecord(z.enum(fields), z.array(ColumnHeader).min(1).max(MAX_JOINED));

/**
 * How to read a customers file, sent as the `mapping` form field. Either the short form, CSV
 * header → field, or the full form: `columns` (the same), `joins` (field → the headers joined
 * into it, e.g. `{ "name": ["First Name", "Last Name"] }`; when absent, the importer proposes
 * joins itself) and `runAutomations` (whether customers this import creates go through the
 * workspace's automations as new customers; off unless asked). Columns not named are matched
 * by their header (English, Persian or Arabic, the exports of common shops).
 */
export const CustomerImportPlan = z.strictObject({
  columns: columnsOf(CustomerImportField).optional(),
  joins: joinsOf(CUSTOMER_JOINABLE_FIELDS).optional(),
  runAutomations: z.boolean().optional(),
});
export type CustomerImportPlan = z.infer<typeof CustomerImportPlan>;
export const CustomerImportMapping = z.union([CustomerImportPlan, columnsOf(CustomerImportField)]);
export type CustomerImportMapping = z.infer<typeof CustomerImportMapping>;

/** The orders form of the same: old orders never run automations, so there is no such option. */
export const OrderImportPlan = z.strictObject({
  columns: columnsOf(OrderImportField).optional(),
  joins: joinsOf(ORDER_JOINABLE_FIELDS).optional(),
});
export type OrderImportPlan = z.infer<typeof OrderImportPlan>;
export const OrderImportMapping = z.union([OrderImportPlan, columnsOf(OrderImportField)]);
export type OrderImportMapping = z.infer<typeof OrderImportMapping>;

/** Shop exports whose column sets the importer recognises. */
export const IMPORT_PLATFORMS = ['shopify', 'woocommerce', 'salla', 'zid', 'persian_store'] as const;
export const ImportPlatform = z.enum(IMPORT_PLATFORMS);
export type ImportPlatform = z.infer<typeof ImportPlatform>;

export const ProposeImportMapping = z.strictObject({ headers: z.array(z.string().max(200)).min(1).max(MAX_COLUMNS) });
export type ProposeImportMapping = z.infer<typeof ProposeImportMapping>;

/** What the importer would do with a header: the shop it looks like, each header's field, the joins. */
export const ImportMappingProposal = z
  .object({
    platform: ImportPlatform.nullable(),
    /** every header → its field, `ignore` for columns left out; joined headers → the joined field */
    columns: z.record(z.string(), z.string()),
    joins: z.record(z.string(), z.array(z.string())),
  })
  .meta({ id: 'ImportMappingProposal' });
export type ImportMappingProposal = z.infer<typeof ImportMappingProposal>;

export const ImportView = z
  .object({
    id: Uuid,
    kind: ImportKind,
    status: ImportStatus,
    fileName: z.string(),
    /** the mapping used: every header of the file → its field (`ignore` for columns left out) */
    mapping: z.record(z.string(), z.string()),
    /** field → the headers joined into it, in order */
    joins: z.record(z.string(), z.array(z.string())),
    /** the shop export the file was recognised as, if any */
    platform: ImportPlatform.nullable(),
    /** whether customers this import created went through the workspace's automations */
    runAutomations: z.boolean(),
    totalBytes: z.number().int(),
    processedBytes: z.number().int(),
    rowsTotal: z.number().int(),
    rowsInserted: z.number().int(),
    rowsUpdated: z.number().int(),
    rowsFailed: z.number().int(),
    /** rows imported with something left out (say, a tag too long): listed in the report beside the refused ones */
    rowsWarned: z.number().int(),
    error: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: IsoInstant,
    startedAt: IsoInstant.nullable(),
    finishedAt: IsoInstant.nullable(),
  })
  .meta({ id: 'Import' });
export type ImportView = z.infer<typeof ImportView>;

export const ImportPage = z.object({ items: z.array(ImportView), nextCursor: z.string().nullable() }).meta({ id: 'ImportPage' });
export type ImportPage = z.infer<typeof ImportPage>;
