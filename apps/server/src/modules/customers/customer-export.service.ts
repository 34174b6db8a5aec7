import type { Readable } from 'node:stream';
import type { SQL } from 'drizzle-orm';
import { CONSENT_CHANNELS } from '@vafa/contracts';
import type { CsvCell } from '../../platform/csv/csv-writer.ts';
import { queryCsvStream } from '../../platform/csv/query-csv.ts';
import type { Database } from '../../platform/db/connect.ts';
import { fromIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import { attributeDefinitionsOf } from './customer-attribute.service.ts';
import { customersExportQuery, type CustomerExportRow } from './customer-export.repo.ts';

/**
 * The columns of a customers export. The first ones carry the importer's default header names,
 * so the file imports back as is (the id column matches each row to its customer); the
 * activity columns after them are for reading and are ignored on import.
 */
const LEADING = ['id', 'external_id', 'name', 'phone', 'email', 'birthday', 'birthday_calendar', 'language', 'preferred_channel', 'tags'] as const;
const CONSENT = CONSENT_CHANNELS.map((c) => `consent_${c}`);
const ACTIVITY = ['order_count', 'total_spent_minor', 'first_order_at', 'last_order_at', 'created_at'] as const;

/** A birthday as the customer gave it: 1370/05/12 in its calendar, ISO for Gregorian days. */
function birthdayCell(iso: string | null, calendar: string | null): string | null {
  if (!iso) return null;
  if (!calendar || calendar === 'gregory') return iso;
  const day = fromIsoDate(iso, calendar as CalendarId);
  return `${day.year}/${String(day.month).padStart(2, '0')}/${String(day.day).padStart(2, '0')}`;
}

const instant = (at: Date | null) => (at ? at.toISOString() : null);

/** The workspace's live customers (or those `condition` narrows to) as CSV (UTF-8 with BOM), streamed from a cursor. */
export async function customersCsv(database: Database, tenantId: string, condition?: SQL): Promise<Readable> {
  const attributeKeys = [...(await attributeDefinitionsOf(database.db, tenantId)).keys()].sort();
  const header = [...LEADING, ...CONSENT, ...attributeKeys.map((k) => `attribute.${k}`), ...ACTIVITY];
  return queryCsvStream<CustomerExportRow>(database.pool, customersExportQuery(tenantId, condition), header, (row) => {
    const cells: CsvCell[] = [
      row.id, row.external_id, row.name, row.phone, row.email, birthdayCell(row.birthday, row.birthday_calendar),
      row.birthday ? row.birthday_calendar : null, row.language, row.preferred_channel, row.tags.join('|'),
    ];
    for (const channel of CONSENT_CHANNELS) {
      const granted = row.consent[channel]?.granted;
      cells.push(granted === undefined ? null : granted);
    }
    for (const key of attributeKeys) cells.push(row.attributes[key] ?? null);
    cells.push(row.order_count, row.total_spent_minor, instant(row.first_order_at), instant(row.last_order_at), instant(row.created_at));
    return [cells];
  });
}
