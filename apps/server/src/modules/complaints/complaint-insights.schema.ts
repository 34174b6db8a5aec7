import { sql } from 'drizzle-orm';
import { boolean, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { complaintCases } from './complaints.schema.ts';

/**
 * A workspace's root-cause taxonomy. No rows means the built-in defaults (root-cause.defaults.ts);
 * the first change stores them. A cause is archived, never deleted: closed cases keep its code.
 * A sub-cause names its parent (one level).
 */
export const complaintRootCauses = pgTable(
  'complaint_root_causes',
  {
    tenantId: uuid('tenant_id').notNull(),
    code: text('code').notNull(),
    parentCode: text('parent_code'),
    /** tangibles | reliability | responsiveness | assurance | empathy */
    dimension: text('dimension').notNull(),
    /** { fa, ar, en } */
    labels: jsonb('labels').notNull(),
    position: integer('position').notNull().default(0),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.code] }),
    foreignKey({ columns: [t.tenantId, t.parentCode], foreignColumns: [t.tenantId, t.code] }),
  ],
);

/** Recurring-problem detection per workspace; no row means RECURRENCE_DEFAULTS. */
export const complaintInsightSettings = pgTable('complaint_insight_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  recurrenceEnabled: boolean('recurrence_enabled').notNull().default(true),
  recurrenceThreshold: integer('recurrence_threshold').notNull().default(5),
  recurrenceWindowDays: integer('recurrence_window_days').notNull().default(7),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** ISO 10002 continual improvement: what is done so the same complaint does not come back. */
export const complaintPreventiveActions = pgTable(
  'complaint_preventive_actions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    /** a member's account id */
    ownerId: uuid('owner_id').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** open | in_progress | done | cancelled */
    status: text('status').notNull().default('open'),
    rootCause: text('root_cause'),
    category: text('category'),
    product: text('product'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.rootCause], foreignColumns: [complaintRootCauses.tenantId, complaintRootCauses.code] }),
    // The board, earliest due first; keyset on (due_date, id).
    index('complaint_preventive_actions_due_idx').on(t.tenantId, t.dueDate, t.id),
    index('complaint_preventive_actions_status_idx').on(t.tenantId, t.status, t.dueDate, t.id),
    index('complaint_preventive_actions_owner_idx').on(t.tenantId, t.ownerId, t.dueDate, t.id),
    // Overdue ones: still to do, by due day.
    index('complaint_preventive_actions_pending_idx').on(t.tenantId, t.dueDate, t.id).where(sql`status IN ('open', 'in_progress')`),
  ],
);

export const complaintPreventiveActionCases = pgTable(
  'complaint_preventive_action_cases',
  {
    tenantId: uuid('tenant_id').notNull(),
    actionId: uuid('action_id').notNull(),
    caseId: uuid('case_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.actionId, t.caseId] }),
    foreignKey({ columns: [t.tenantId, t.actionId], foreignColumns: [complaintPreventiveActions.tenantId, complaintPreventiveActions.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    index('complaint_preventive_action_cases_case_idx').on(t.tenantId, t.caseId),
  ],
);

/**
 * A (category, product) pair that reached the threshold within the window. One alert per pair per
 * window: the next one counts only cases received after this one's window end.
 */
export const complaintRecurrenceAlerts = pgTable(
  'complaint_recurrence_alerts',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    category: text('category').notNull(),
    product: text('product'),
    /** product or '' : the pair's key (a NULL would never be equal in the unique index) */
    productKey: text('product_key').notNull(),
    caseCount: integer('case_count').notNull(),
    threshold: integer('threshold').notNull(),
    windowDays: integer('window_days').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    /** open | acknowledged | dismissed */
    status: text('status').notNull().default('open'),
    preventiveActionId: uuid('preventive_action_id'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.preventiveActionId], foreignColumns: [complaintPreventiveActions.tenantId, complaintPreventiveActions.id] }),
    uniqueIndex('complaint_recurrence_alerts_pair_window_key').on(t.tenantId, t.category, t.productKey, t.windowEnd),
    index('complaint_recurrence_alerts_list_idx').on(t.tenantId, t.raisedAt, t.id),
    index('complaint_recurrence_alerts_action_idx').on(t.tenantId, t.preventiveActionId).where(sql`preventive_action_id IS NOT NULL`),
  ],
);

/**
 * One row per case with what the reports read: when it was received, first acknowledged, first
 * and last closed, first reopened, and the root cause of its last closure, with the case's
 * category, product, channel and team as of its last log line. Kept by a trigger on
 * complaint_case_events (migration 0016), so every path that writes the log (intake, lifecycle,
 * import, merge) keeps it in the same transaction; reports read it through covering indexes.
 */
export const complaintCaseFacts = pgTable(
  'complaint_case_facts',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    channel: text('channel').notNull(),
    category: text('category'),
    product: text('product'),
    team: text('team'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    firstClosedAt: timestamp('first_closed_at', { withTimezone: true }),
    lastClosedAt: timestamp('last_closed_at', { withTimezone: true }),
    reopenedAt: timestamp('reopened_at', { withTimezone: true }),
    rootCause: text('root_cause'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    // The covering indexes the reports and the recurrence job read (received, acknowledged, first
    // closed, each INCLUDE-ing the filter columns) are in the migration's SQL: drizzle has no INCLUDE.
  ],
);
