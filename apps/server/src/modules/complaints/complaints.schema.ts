import { sql, type SQL } from 'drizzle-orm';
import { bigserial, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

// platform/i18n/fold.ts in SQL, for the contact's search key: letter variants to one letter,
// Persian and Arabic-Indic digits to ASCII, then harakat, tatweel, ZWNJ, direction marks and
// spaces dropped (translate drops the characters of FROM past the end of TO). Written as U&''
// escapes so the migration reads in ASCII.
const u = (codes: number[]) => codes.map((c) => `\\${c.toString(16).padStart(4, '0')}`).join('');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const FOLD_FROM = [0x064a, 0x0649, 0x0626, 0x0643, 0x06c0, 0x06c1, 0x0629, 0x0623, 0x0625, 0x0622, 0x0671, 0x0624, ...range(0x06f0, 0x06f9), ...range(0x0660, 0x0669)];
const FOLD_TO = [0x06cc, 0x06cc, 0x06cc, 0x06a9, 0x0647, 0x0647, 0x0647, 0x0627, 0x0627, 0x0627, 0x0627, 0x0648, ...range(0x30, 0x39), ...range(0x30, 0x39)];
const FOLD_DROP = [...range(0x064b, 0x065f), 0x0670, 0x0640, 0x200c, 0x200d, 0x200e, 0x200f, ...range(0x2066, 0x2069), 0x20, 0x09, 0x0a, 0x0d, 0xa0];

/**
 * What a queue search matches a case's contact against: the folded name, the e-mail in lower
 * case and the E.164 phone, space-separated (a folded needle has no space, so it never matches
 * across two of them). Indexed by complaint_cases_contact_search_idx (trigram): a query must use
 * this very expression.
 */
export function contactSearchKey(t: { contactName: AnyPgColumn; contactEmail: AnyPgColumn; contactPhone: AnyPgColumn }): SQL {
  return sql`(translate(lower(coalesce(${t.contactName}, '')), U&'${sql.raw(u([...FOLD_FROM, ...FOLD_DROP]))}', U&'${sql.raw(u(FOLD_TO))}') || ' ' || lower(coalesce(${t.contactEmail}, '')) || ' ' || coalesce(${t.contactPhone}, ''))`;
}

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
    // The queue's channel filter: a rare channel (social, SMS) would otherwise be found by reading every case of the workspace.
    index('complaint_cases_channel_idx').on(t.tenantId, t.channel, t.receivedAt, t.id),
    // The queue's search by contact (case-search.ts): words anywhere in the name, e-mail or phone.
    index('complaint_cases_contact_search_idx').using('gin', t.tenantId, sql`${contactSearchKey(t)} gin_trgm_ops`),
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
