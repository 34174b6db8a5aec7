import type { CsvQuery } from '../../platform/csv/query-csv.ts';

export interface OrderExportRow {
  external_id: string;
  customer_id: string;
  customer_external_id: string | null;
  customer_phone: string | null;
  customer_email: string | null;
  customer_name: string | null;
  amount_minor: number;
  currency: string;
  status: string;
  channel: string | null;
  items: unknown[];
  placed_at: Date;
  promised_delivery_at: Date | null;
  delivered_at: Date | null;
  returned_at: Date | null;
}

/** Every order of the workspace with its customer's keys, walked in primary-key order (no sort). */
export function ordersExportQuery(tenantId: string): CsvQuery {
  return {
    text: `SELECT o.external_id, o.customer_id, c.external_id AS customer_external_id, c.phone AS customer_phone, c.email AS customer_email,
                  c.name AS customer_name, o.amount_minor, o.currency, o.status, o.channel, o.items, o.placed_at, o.promised_delivery_at,
                  o.delivered_at, o.returned_at
           FROM orders o
           JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
           WHERE o.tenant_id = $1
           ORDER BY o.tenant_id, o.id`,
    values: [tenantId],
  };
}
