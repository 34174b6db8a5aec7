import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { CsvQuery } from '../../platform/csv/query-csv.ts';

export interface CustomerExportRow {
  id: string;
  external_id: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: string | null;
  birthday_calendar: string | null;
  language: string | null;
  preferred_channel: string | null;
  tags: string[];
  consent: Record<string, { granted?: boolean }>;
  attributes: Record<string, string | number | boolean>;
  order_count: number;
  total_spent_minor: number;
  first_order_at: Date | null;
  last_order_at: Date | null;
  created_at: Date;
}

const dialect = new PgDialect();

/**
 * The live customers of the workspace in id order (the primary key walks them without a sort),
 * all of them or those `condition` (a fragment over `customers`) narrows to.
 */
export function customersExportQuery(tenantId: string, condition?: SQL): CsvQuery {
  const query = dialect.sqlToQuery(sql`
    SELECT id, external_id, name, phone, email, birthday, birthday_calendar, language, preferred_channel, tags, consent, attributes,
           order_count, total_spent_minor, first_order_at, last_order_at, created_at
    FROM customers
    WHERE tenant_id = ${tenantId} AND merged_into IS NULL AND erased_at IS NULL${condition ? sql` AND ${condition}` : sql``}
    ORDER BY id`);
  return { text: query.sql, values: query.params };
}
