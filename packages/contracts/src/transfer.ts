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

/** CSV header → field. Columns not named here are matched by their header (English, Persian or Arabic). */
export const CustomerImportMapping = z
  .record(ColumnHeader, CustomerImportField)
  .refine((m) => Object.keys(m).length <= MAX_COLUMNS, `at most ${MAX_COLUMNS} columns`);
export type CustomerImportMapping = z.infer<typeof CustomerImportMapping>;

export const OrderImportMapping = z
  .record(ColumnHeader, OrderImportField)
  .refine((m) => Object.keys(m).length <= MAX_COLUMNS, `at most ${MAX_COLUMNS} columns`);
export type OrderImportMapping = z.infer<typeof OrderImportMapping>;

export const ImportView = z
  .object({
    id: Uuid,
    kind: ImportKind,
    status: ImportStatus,
    fileName: z.string(),
    /** the mapping used: every header of the file → its field (`ignore` for columns left out) */
    mapping: z.record(z.string(), z.string()),
    totalBytes: z.number().int(),
    processedBytes: z.number().int(),
    rowsTotal: z.number().int(),
    rowsInserted: z.number().int(),
    rowsUpdated: z.number().int(),
    rowsFailed: z.number().int(),
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
