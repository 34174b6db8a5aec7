import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The message outbox. A message is written in the transaction that decides to send it and
 * dispatched afterwards by the dispatcher; its id is the idempotency key every channel
 * carries (SMTP Message-ID, the SMS provider's local id, the webhook-id header), so a
 * retried send is recognisable downstream.
 *
 * status: queued → sending → sent → delivered, or failed (will retry: attempts < max) →
 * dead (gave up; visible in the UI and retryable by hand), or suppressed (consent, cap,
 * unsubscribed: never sent, with the reason).
 */
export const messages = pgTable(
  'messages',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** null for webhooks that concern no single customer */
    customerId: uuid('customer_id'),
    channel: text('channel').notNull(),
    /** e-mail address, E.164 phone, or webhook endpoint id */
    recipient: text('recipient').notNull(),
    locale: text('locale').notNull(),
    subject: text('subject'),
    bodyText: text('body_text').notNull().default(''),
    bodyHtml: text('body_html'),
    /** webhook body */
    payload: jsonb('payload'),
    /** automated messages count against frequency caps and quiet hours; transactional ones skip caps */
    purpose: text('purpose').notNull().default('automated'),
    status: text('status').notNull().default('queued'),
    /** stable code of why it failed or was suppressed, e.g. no_consent, smtp_550 */
    reason: text('reason'),
    detail: text('detail'),
    attempts: smallint('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** a dispatcher that claimed the message owns it until then; after it, another may retry */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    provider: text('provider'),
    providerMessageId: text('provider_message_id'),
    /** what decided to send it: { ruleId, runId, templateId, followupId, actorId } */
    origin: jsonb('origin').notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('messages_due_idx').on(t.nextAttemptAt).where(sql`status IN ('queued', 'failed', 'sending')`),
    index('messages_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    // The message log (newest first) and its per-day chart read a workspace's messages by creation time.
    index('messages_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('messages_status_idx').on(t.tenantId, t.status, t.updatedAt),
    index('messages_provider_idx').on(t.tenantId, t.providerMessageId).where(sql`provider_message_id IS NOT NULL`),
    index('messages_sent_idx').on(t.tenantId, t.sentAt).where(sql`sent_at IS NOT NULL`),
  ],
);

/**
 * A workspace's e-mail and SMS channels. `settings` holds the non-secret part (host, port,
 * sender, provider profile); `secretSealed` the password or API key, sealed with the
 * instance key (platform/messaging/sealed.ts) because it must be usable, not only checkable.
 */
export const messageChannels = pgTable(
  'message_channels',
  {
    tenantId: uuid('tenant_id').notNull(),
    channel: text('channel').notNull(),
    provider: text('provider').notNull(),
    settings: jsonb('settings').notNull().default({}),
    secretSealed: text('secret_sealed'),
    enabled: boolean('enabled').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel] })],
);

/** Where webhooks go, each signed with its own Standard Webhooks secret (sealed). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    secretSealed: text('secret_sealed').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** How much a workspace may send: quiet hours (local time), a cap per customer, a send rate. */
export const messagingPolicies = pgTable('messaging_policies', {
  tenantId: uuid('tenant_id').primaryKey(),
  quietFrom: text('quiet_from').notNull().default('21:00'),
  quietTo: text('quiet_to').notNull().default('09:00'),
  capCount: integer('cap_count').notNull().default(3),
  capPeriodHours: integer('cap_period_hours').notNull().default(24),
  ratePerMinute: integer('rate_per_minute').notNull().default(6000),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
