import { sql } from 'drizzle-orm';
import { bigint, boolean, foreignKey, index, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { complaintCases } from './complaints.schema.ts';

// The closed loop around a case: the workspace's settings, the notices to the complainant, the
// complainant's satisfaction after closure, cases opened from negative feedback, goodwill given.

/** A workspace's closed-loop settings (ComplaintSettings); a workspace without a row has the defaults. */
export const complaintSettings = pgTable('complaint_settings', {
  tenantId: uuid('tenant_id').notNull().primaryKey(),
  settings: jsonb('settings').notNull().default({}),
  /** the post-closure CSAT survey made on first use (the settings' own surveyId wins when set) */
  defaultCsatSurveyId: uuid('default_csat_survey_id'),
  /** notice kind → engagement message template id, made on first use */
  noticeTemplates: jsonb('notice_templates').notNull().default({}),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A notice to the complainant, decided by the subscriber from a case's transition (one per
 * transition and kind: a redelivered event decides nothing twice) and issued by a worker loop,
 * which holds the instance key that seals the tracking link. pending → queued (message_id) or
 * skipped (reason: no contact, no reachable channel, turned off).
 */
export const complaintNotices = pgTable(
  'complaint_notices',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** the outbox event of the transition; for a staff reply (kind `reply`), the reply's case log line */
    sourceEventId: bigint('source_event_id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull().default('pending'),
    reason: text('reason'),
    messageId: uuid('message_id'),
    channel: text('channel'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId, t.sourceEventId, t.kind] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    index('complaint_notices_pending_idx').on(t.createdAt).where(sql`status = 'pending'`),
  ],
);

/**
 * The complainant's satisfaction with how the case was handled (ISO 10002 clause 8): one row per
 * answered post-closure survey response. For reports, a case's satisfaction is its latest row
 * (answered_at); `score` on a 1..`points` scale, `negative` = bottom two.
 */
export const complaintCaseSatisfaction = pgTable(
  'complaint_case_satisfaction',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    responseId: uuid('response_id').notNull(),
    surveyId: uuid('survey_id'),
    /** the CSAT answer; null when the response was negative on another scale (NPS, CES) */
    score: smallint('score'),
    points: smallint('points'),
    negative: boolean('negative').notNull(),
    /** this answer reopened the case */
    reopened: boolean('reopened').notNull().default(false),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId, t.responseId] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    index('complaint_case_satisfaction_case_idx').on(t.tenantId, t.caseId, t.answeredAt),
  ],
);

/** The case a negative survey response opened: at most one per response, however often the event is delivered. */
export const complaintFeedbackCases = pgTable(
  'complaint_feedback_cases',
  {
    tenantId: uuid('tenant_id').notNull(),
    responseId: uuid('response_id').notNull(),
    caseId: uuid('case_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.responseId] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
  ],
);

/** Goodwill given for a case, once per occasion (filing, resolution): the key of `complaint.goodwill`. */
export const complaintGoodwill = pgTable(
  'complaint_goodwill',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** filing | resolution */
    occasion: text('occasion').notNull(),
    customerId: uuid('customer_id').notNull(),
    /** points | coupon */
    kind: text('kind').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency'),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId, t.occasion] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    uniqueIndex('complaint_goodwill_key').on(t.tenantId, t.idempotencyKey),
  ],
);
