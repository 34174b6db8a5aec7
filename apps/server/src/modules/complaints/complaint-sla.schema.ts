import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, real, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { complaintCases } from './complaints.schema.ts';

/**
 * The workspace's SLA calendar: the work week (weekend, half-days, default hours), the holiday
 * table and its corrections. No row: the country's presets (complaint-sla.settings.ts).
 */
export const complaintSlaCalendars = pgTable('complaint_sla_calendars', {
  tenantId: uuid('tenant_id').notNull().primaryKey(),
  /** null: the workspace's time zone */
  timeZone: text('time_zone'),
  weekendDays: smallint('weekend_days').array().notNull(),
  /** [{ day, endsAt }] */
  halfDays: jsonb('half_days').notNull().default([]),
  /** { "0": [{ from, to }], … } */
  defaultHours: jsonb('default_hours').notNull(),
  /** IR | SA | AE | none */
  holidayCalendar: text('holiday_calendar').notNull(),
  holidayOverrides: jsonb('holiday_overrides').notNull().default([]),
  extraClosures: jsonb('extra_closures').notNull().default([]),
  removedHolidays: jsonb('removed_holidays').notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** SLA policies per category and severity; the most specific active one applies to a case. */
export const complaintSlaPolicies = pgTable(
  'complaint_sla_policies',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    category: text('category'),
    severity: text('severity'),
    acknowledgeMinutes: integer('acknowledge_minutes'),
    firstResponseMinutes: integer('first_response_minutes'),
    resolveMinutes: integer('resolve_minutes'),
    pausingStates: text('pausing_states').array().notNull(),
    warningShare: real('warning_share').notNull(),
    onReopen: text('on_reopen').notNull(),
    escalateOnBreach: boolean('escalate_on_breach').notNull(),
    active: boolean('active').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // One policy per (category, severity) pair, the default (both null) included.
    uniqueIndex('complaint_sla_policies_match_key').on(t.tenantId, sql`coalesce(${t.category}, '')`, sql`coalesce(${t.severity}, '')`),
  ],
);

/** Teams: the label cases carry, members for round-robin assignment, and their own hours. */
export const complaintTeams = pgTable(
  'complaint_teams',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    members: uuid('members').array().notNull().default(sql`'{}'::uuid[]`),
    /** null: the workspace's default hours */
    hours: jsonb('hours'),
    /** how many cases round-robin has handed out: the next goes to the member after this count */
    roundRobin: integer('round_robin').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('complaint_teams_key').on(t.tenantId, t.key)],
);

/**
 * Each case's SLA as last computed, kept by every change of the case (same transaction) and by
 * the SLA jobs: what the queue sorts and filters on and what the scan wakes on. The clock itself
 * is always computed from the log; this row is its index.
 */
export const complaintCaseSla = pgTable(
  'complaint_case_sla',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** copies of the case's team, assignee and state, for the queue's indexes */
    team: text('team'),
    assigneeId: uuid('assignee_id'),
    caseState: text('case_state').notNull(),
    /** breached | at_risk | ok | paused | met | none */
    slaState: text('sla_state').notNull(),
    /** the queue's order: 0 breached, 1 at risk, 2 ok, 3 paused, 4 none, 5 met */
    urgency: smallint('urgency').notNull(),
    /** the soonest due instant of a running target; 'infinity' when none (keeps the keyset total) */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** when the scan should look again (a warning or breach falls due, or a recompute asked); null: not until the case changes */
    nextChangeAt: timestamp('next_change_at', { withTimezone: true }),
    policyId: uuid('policy_id'),
    /** `warning:<target>` and `breach:<target>` already published, so each is published once */
    published: text('published').array().notNull().default(sql`'{}'::text[]`),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
    /** the case's clocks as computed at computed_at (ComplaintSlaView): the queue brings them forward to now without reading the log */
    clocks: jsonb('clocks'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    // The scan: only rows that are due, across workspaces.
    index('complaint_case_sla_scan_idx').on(t.nextChangeAt).where(sql`next_change_at IS NOT NULL`),
    // The queue: open cases by urgency, whole workspace, per team, per assignee.
    index('complaint_case_sla_queue_idx').on(t.tenantId, t.urgency, t.dueAt, t.caseId).where(sql`case_state <> 'closed'`),
    index('complaint_case_sla_team_idx').on(t.tenantId, t.team, t.urgency, t.dueAt, t.caseId).where(sql`case_state <> 'closed'`),
    index('complaint_case_sla_assignee_idx').on(t.tenantId, t.assigneeId, t.urgency, t.dueAt, t.caseId).where(sql`case_state <> 'closed'`),
  ],
);
