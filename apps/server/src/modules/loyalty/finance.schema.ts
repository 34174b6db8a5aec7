import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspace/workspace.schema.ts';

/**
 * The workspace's point value for finance: `point_value_points` points are worth
 * `point_value_minor` minor units of the workspace currency. The ledger is one per workspace
 * (every program earns into it), so its liability has one value, not one per program. One row
 * per workspace, written by finance; absent: the report gives points only.
 */
export const loyaltyFinanceSettings = pgTable(
  'loyalty_finance_settings',
  {
    tenantId: uuid('tenant_id').notNull(),
    pointValuePoints: bigint('point_value_points', { mode: 'number' }),
    pointValueMinor: bigint('point_value_minor', { mode: 'number' }),
    /** `user:<id>` or `api_key:<id>` */
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [workspaces.id] }),
    check('loyalty_finance_settings_value', sql`(${t.pointValuePoints} IS NULL) = (${t.pointValueMinor} IS NULL) AND (${t.pointValuePoints} IS NULL OR (${t.pointValuePoints} > 0 AND ${t.pointValueMinor} >= 0))`),
  ],
);
