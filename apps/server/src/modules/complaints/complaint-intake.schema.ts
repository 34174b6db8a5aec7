import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { complaintCases } from './complaints.schema.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * E-mails and SMS on a case, in and out: what threading matches a new message against. The
 * Message-ID of every mail we received or sent for a case is kept here (angle brackets off,
 * lower case), so a reply's In-Reply-To/References find their case, and a mail an MTA delivers
 * twice is recorded once.
 */
export const complaintCaseMessages = pgTable(
  'complaint_case_messages',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** email | sms */
    channel: text('channel').notNull(),
    /** inbound | outbound */
    direction: text('direction').notNull(),
    /** RFC 5322 Message-ID without <>, lower case; null for SMS */
    messageIdHeader: text('message_id_header'),
    /** the sender: an e-mail address (lower case) or an E.164 phone */
    fromAddress: text('from_address'),
    toAddress: text('to_address'),
    subject: text('subject'),
    bodyText: text('body_text').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** the case log line it was recorded with */
    eventId: bigint('event_id', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    uniqueIndex('complaint_case_messages_message_id_key').on(t.tenantId, t.messageIdHeader).where(sql`message_id_header IS NOT NULL`),
    // The sender's latest message: the time-window step of threading.
    index('complaint_case_messages_sender_idx').on(t.tenantId, t.channel, t.fromAddress, t.at).where(sql`direction = 'inbound'`),
    index('complaint_case_messages_case_idx').on(t.tenantId, t.caseId, t.at),
  ],
);

/**
 * Files on a case, in PostgreSQL: small (10 MiB each, 5 a message), written in the transaction
 * that records the message they came with, copied by every backup, and distributed with the
 * case by tenant. Never served inline.
 */
export const complaintAttachments = pgTable(
  'complaint_attachments',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** agent | customer | email */
    source: text('source').notNull(),
    eventId: bigint('event_id', { mode: 'number' }),
    fileName: text('file_name').notNull(),
    /** detected from the content, one of COMPLAINT_ATTACHMENT_TYPES */
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    index('complaint_attachments_case_idx').on(t.tenantId, t.caseId, t.createdAt),
  ],
);

/** A duplicate case closed into the case that carries on; its tracking code leads there. */
export const complaintCaseMerges = pgTable(
  'complaint_case_merges',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    intoCaseId: uuid('into_case_id').notNull(),
    mergedAt: timestamp('merged_at', { withTimezone: true }).notNull().defaultNow(),
    mergedBy: text('merged_by'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId] }),
    foreignKey({ columns: [t.tenantId, t.caseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    foreignKey({ columns: [t.tenantId, t.intoCaseId], foreignColumns: [complaintCases.tenantId, complaintCases.id] }),
    index('complaint_case_merges_into_idx').on(t.tenantId, t.intoCaseId),
  ],
);

/** A workspace's intake by e-mail and SMS; no row means the defaults. */
export const complaintIntakeSettings = pgTable('complaint_intake_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  emailEnabled: boolean('email_enabled').notNull().default(true),
  smsEnabled: boolean('sms_enabled').notNull().default(false),
  threadWindowHours: integer('thread_window_hours').notNull().default(72),
  /** the embeddable widget offers a complaint form (the site's script tag names the workspace by slug) */
  widgetEnabled: boolean('widget_enabled').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
