import { bigint, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The complaint reports' rollups (complaint-report-rollup.ts): what complaint_case_facts says per
// local day, folded by a job so a year's report reads a row per day instead of a row per case.

/**
 * One row per workspace, local day and combination of team, channel and category, and the same
 * day summed over any of the three (`summed_over`, bits as PostgreSQL's GROUPING(team, channel,
 * category): 4 team, 2 channel, 1 category summed over; 7 is the whole day). A report with any
 * mix of filters reads one row per day. '' stands for a dimension summed over, and for no team
 * or no category (a filter is never empty). Each figure sits on the day of its own instant:
 * received on the day received, acknowledged on the day first acknowledged, the rest on the day
 * first closed, in the workspace's time zone as of the fold (complaint_report_rollup_state).
 */
export const complaintReportDays = pgTable(
  'complaint_report_days',
  {
    tenantId: uuid('tenant_id').notNull(),
    summedOver: smallint('summed_over').notNull(),
    team: text('team').notNull(),
    channel: text('channel').notNull(),
    category: text('category').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    received: integer('received').notNull().default(0),
    acknowledged: integer('acknowledged').notNull().default(0),
    /** minutes from receipt to first acknowledgement: { "<log-scale bucket>": cases } (complaint-report.histogram.ts) */
    ackMinutes: jsonb('ack_minutes').notNull().default({}),
    closed: integer('closed').notNull().default(0),
    /** of the cases first closed that day, those reopened at least once */
    reopened: integer('reopened').notNull().default(0),
    /** minutes from receipt to first closure, as ack_minutes */
    resolveMinutes: jsonb('resolve_minutes').notNull().default({}),
    /** per SLA target, closed cases whose policy has the target, and those whose breach the engine recorded */
    ackSlaMeasured: integer('ack_sla_measured').notNull().default(0),
    ackSlaBreached: integer('ack_sla_breached').notNull().default(0),
    firstResponseSlaMeasured: integer('first_response_sla_measured').notNull().default(0),
    firstResponseSlaBreached: integer('first_response_sla_breached').notNull().default(0),
    resolveSlaMeasured: integer('resolve_sla_measured').notNull().default(0),
    resolveSlaBreached: integer('resolve_sla_breached').notNull().default(0),
    /** closed cases by the root cause of their last closure: { "<code>" or "" (none): cases } */
    rootCauses: jsonb('root_causes').notNull().default({}),
  },
  (t) => [
    // A report: one combination of filters over a range of days.
    primaryKey({ columns: [t.tenantId, t.summedOver, t.team, t.channel, t.category, t.day] }),
    // A fold replaces whole days.
    index('complaint_report_days_day_idx').on(t.tenantId, t.day),
  ],
);

/**
 * Days whose folded figures a change made stale, appended by triggers on the facts, the SLA rows
 * and the policies (migration 0021) and consumed by the next fold; reports read such a day from
 * the facts meanwhile. Only appends, never an update, so concurrent changes never wait on each other.
 */
export const complaintReportDirtyDays = pgTable(
  'complaint_report_dirty_days',
  {
    tenantId: uuid('tenant_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.id] })],
);

/**
 * How far a workspace's rollup goes. Days before `folded_until` are folded (unless marked dirty);
 * later ones are read from the facts. Changes touching an instant before `mark_before` mark its
 * day; later ones are left to the next advance, which moves `mark_before` first and folds only
 * once every transaction that could have read the old value has ended (`advance_after_xid`).
 */
export const complaintReportRollupState = pgTable('complaint_report_rollup_state', {
  tenantId: uuid('tenant_id').primaryKey(),
  /** the time zone the days are in; another in the workspace's settings means a rebuild */
  timeZone: text('time_zone').notNull(),
  /** null: nothing folded yet */
  foldedUntil: date('folded_until', { mode: 'string' }),
  markBefore: timestamp('mark_before', { withTimezone: true }).notNull(),
  /** an advance under way: fold up to this day ... */
  advanceTo: date('advance_to', { mode: 'string' }),
  /** ... once the oldest running transaction id has reached this (pg_current_snapshot's xmax when mark_before moved) */
  advanceAfterXid: bigint('advance_after_xid', { mode: 'number' }),
  foldedAt: timestamp('folded_at', { withTimezone: true }),
});
