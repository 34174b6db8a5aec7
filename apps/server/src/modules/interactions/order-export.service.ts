import type { Readable } from 'node:stream';
import { queryCsvStream } from '../../platform/csv/query-csv.ts';
import type { Database } from '../../platform/db/connect.ts';
import { ordersExportQuery, type OrderExportRow } from './order-export.repo.ts';

/** The columns of an orders export: the importer's default headers, so the file imports back as is. */
export const ORDER_EXPORT_HEADER = [
  'external_id', 'customer_id', 'customer_external_id', 'customer_phone', 'customer_email', 'customer_name', 'amount', 'currency',
  'status', 'channel', 'items', 'placed_at', 'promised_delivery_at', 'delivered_at', 'returned_at',
] as const;

const instant = (at: Date | null) => (at ? at.toISOString() : null);

/** Items as the importer reads them back: an item without a SKU leaves the key out. */
function itemsCell(items: unknown[]): string | null {
  if (items.length === 0) return null;
  return JSON.stringify(items.map((item) => Object.fromEntries(Object.entries(item as Record<string, unknown>).filter(([, v]) => v !== null))));
}

/** Every order as CSV (UTF-8 with BOM, instants in ISO 8601 UTC), streamed from a cursor. */
export function ordersCsv(database: Database, tenantId: string): Readable {
  return queryCsvStream<OrderExportRow>(database.pool, ordersExportQuery(tenantId), ORDER_EXPORT_HEADER, (o) => [[
    o.external_id, o.customer_id, o.customer_external_id, o.customer_phone, o.customer_email, o.customer_name, o.amount_minor, o.currency,
    o.status, o.channel, itemsCell(o.items), instant(o.placed_at), instant(o.promised_delivery_at),
    instant(o.delivered_at), instant(o.returned_at),
  ]]);
}
