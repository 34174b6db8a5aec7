import { sql } from 'drizzle-orm';
import { bigserial, boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

/**
 * A message template: ICU MessageFormat per language, e.g.
 * `{ fa: { subject, text, sms }, ar: {...}, en: {...} }`; `text` is the e-mail body (HTML is
 * made from it, escaped), `sms` the SMS text.
 */
export const messageTemplates = pgTable(
  'message_templates',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    content: jsonb('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * Trigger → conditions → delay → actions. `builtin` names the rules every workspace has
 * (follow-up after an interaction, after a negative experience) that it can switch on.
 */
export const automationRules = pgTable(
  'automation_rules',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(false),
    builtin: text('builtin'),
    trigger: jsonb('trigger').notNull(),
    conditions: jsonb('conditions').notNull().default([]),
    delay: jsonb('delay'),
    actions: jsonb('actions').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('automation_rules_builtin_key').on(t.tenantId, t.builtin).where(sql`builtin IS NOT NULL`),
  ],
);

/**
 * One run per rule, customer and triggering occurrence (`triggerKey`: `event:<id>`,
 * `birthday:<year in the customer's calendar>`, `inactive:<last seen>`); the unique key is
 * what makes a rule fire at most once for it. status: waiting (delayed) → done | skipped | failed.
 */
export const automationRuns = pgTable(
  'automation_runs',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    ruleId: uuid('rule_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    triggerKey: text('trigger_key').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    trigger: jsonb('trigger').notNull().default({}),
    actions: jsonb('actions').notNull().default([]),
    dueAt: timestamp('due_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('automation_runs_once_key').on(t.tenantId, t.ruleId, t.customerId, t.triggerKey),
    foreignKey({ columns: [t.tenantId, t.ruleId], foreignColumns: [automationRules.tenantId, automationRules.id] }).onDelete('cascade'),
    index('automation_runs_due_idx').on(t.dueAt).where(sql`status = 'waiting'`),
    index('automation_runs_rule_idx').on(t.tenantId, t.ruleId, t.id),
    index('automation_runs_customer_idx').on(t.tenantId, t.customerId, t.id),
  ],
);

/**
 * A follow-up task: call or write to a customer after an interaction. status open → done;
 * outcome reached | no_answer | resolved | escalated. `firstResponseAt` is the first attempt;
 * `repurchasedAt` the first order within 90 days of the follow-up (for the churn-save rate).
 */
export const followups = pgTable(
  'followups',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    customerId: uuid('customer_id').notNull(),
    ruleId: uuid('rule_id'),
    reason: text('reason').notNull(),
    /** the triggering event: { topic, eventId, touchpointId, orderId } */
    source: jsonb('source').notNull().default({}),
    priority: text('priority').notNull().default('normal'),
    assigneeId: uuid('assignee_id'),
    status: text('status').notNull().default('open'),
    outcome: text('outcome'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    repurchasedAt: timestamp('repurchased_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    index('followups_queue_idx').on(t.tenantId, t.status, t.assigneeId, t.dueAt),
    index('followups_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    index('followups_overdue_idx').on(t.dueAt).where(sql`status = 'open' AND escalated_at IS NULL`),
  ],
);

/** Each call or message an agent made for a follow-up, with its outcome and notes. */
export const followupAttempts = pgTable(
  'followup_attempts',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    followupId: uuid('followup_id').notNull(),
    outcome: text('outcome').notNull(),
    note: text('note'),
    actorId: text('actor_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.followupId], foreignColumns: [followups.tenantId, followups.id] }),
    index('followup_attempts_followup_idx').on(t.tenantId, t.followupId, t.id),
  ],
);

/** Round-robin position for assigning follow-ups to agents. */
export const followupAssignment = pgTable('followup_assignment', {
  tenantId: uuid('tenant_id').primaryKey(),
  lastIndex: integer('last_index').notNull().default(-1),
});
