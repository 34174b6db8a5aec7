import { sql } from 'drizzle-orm';
import { bigserial, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

/**
 * A complaint case (ISO 10002): who complained (a customer, or an anonymous contact), about what,
 * how it came in, who works it, and where it stands. `state` is the last transition of its log,
 * written in the same transaction; the log is the record.
 */
export const complaintCases = pgTable(
  'complaint_cases',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** 12 digits, the last a Damm check digit (tracking-code.ts), canonical form; 16 for a code issued before the 12-digit shape */
    trackingCode: text('tracking_code').notNull(),
    customerId: uuid('customer_id'),
    contactName: text('contact_name'),
    /** E.164 */
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    /** the complainant's language for notices and the tracking page; null: the workspace's */
    language: text('language'),
    /** web | widget | email | sms | api | phone | chat | social | in_person */
    channel: text('channel').notNull(),
    category: text('category'),
    product: text('product'),
    /** low | medium | high | critical */
    severity: text('severity').notNull().default('medium'),
    impact: text('impact'),
    remedySought: text('remedy_sought'),
    description: text('description').notNull(),
    assigneeId: uuid('assignee_id'),
    team: text('team'),
    state: text('state').notNull().default('received'),
    /** a root-cause code; required to close, cleared when the case reopens */
    rootCause: text('root_cause'),
    resolutionSummary: text('resolution_summary'),
    /** the survey response that led to the case, when one did */
    relatedResponseId: uuid('related_response_id'),
    /** `user:<id>`, `api_key:<id>`, or `public` for a customer's own filing */
    createdBy: text('created_by'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('complaint_cases_tracking_code_key').on(t.tenantId, t.trackingCode),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    // The queue: open cases oldest first, filtered by state.
    index('complaint_cases_queue_idx').on(t.tenantId, t.receivedAt, t.id).where(sql`state <> 'closed'`),
    index('complaint_cases_state_idx').on(t.tenantId, t.state, t.receivedAt, t.id),
    index('complaint_cases_assignee_idx').on(t.tenantId, t.assigneeId, t.receivedAt, t.id),
    index('complaint_cases_customer_idx').on(t.tenantId, t.customerId, t.receivedAt).where(sql`customer_id IS NOT NULL`),
  ],
);

/**
 * The case's log, append-only: every transition (with who, when, from and to), and responses,
 * notes and customer messages. Rows are only ever inserted; the SLA clock and the case's
 * position (casePositionFromLog) are computed from it.
 */
export const complaintCaseEvents = pgTable(
  'complaint_case_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    caseId: uuid('case_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** transition | response | note | customer_message */
    kind: text('kind').notNull(),
    /** a lifecycle action (case-lifecycle.ts), 'receive' for the first entry, 'assign' for an assignment note */
    action: text('action'),
    fromState: text('from_state'),
    toState: text('to_state'),
    note: text('note'),
    /** agent | supervisor | customer | system */
    actorType: text('actor_type').notNull(),
    /** `user:<id>` or `api_key:<id>`; null for the customer and the system */
    actorId: text('actor_id'),
    /** what the step recorded besides its note: root cause and resolution summary, an assignment */
    details: jsonb('details').notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    index('complaint_case_events_case_idx').on(t.tenantId, t.caseId, t.id),
  ],
);
