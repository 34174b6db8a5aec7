import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';

export const MESSAGE_CHANNELS = ['email', 'sms', 'webhook'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** A message decided on: rendered, addressed, to be dispatched after the caller commits. */
export interface NewMessage {
  id?: string;
  customerId: string | null;
  channel: MessageChannel;
  /** e-mail address, E.164 phone, or webhook endpoint id */
  recipient: string;
  locale: string;
  subject?: string | null;
  bodyText: string;
  bodyHtml?: string | null;
  payload?: Record<string, unknown> | null;
  /** automated messages obey quiet hours and frequency caps; transactional ones only consent */
  purpose?: 'automated' | 'transactional';
  /** not before this instant (a rule's delay) */
  notBefore?: Date;
  /** what decided to send it, for tracing: { ruleId, runId, templateId, followupId, actorId } */
  origin: Record<string, unknown>;
}

/**
 * Writes messages into the outbox in the caller's transaction, so a message exists if and
 * only if the decision to send it committed. Returns their ids, in order.
 */
export async function queueMessages(tx: Executor, tenantId: string, messages: NewMessage[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const ids = messages.map((m) => m.id ?? randomUUID());
  const column = <T>(pick: (m: NewMessage) => T) => sql.param(messages.map(pick));
  await tx.execute(sql`
    INSERT INTO messages (tenant_id, id, customer_id, channel, recipient, locale, subject, body_text, body_html, payload, purpose, next_attempt_at, origin)
    SELECT ${tenantId}::uuid, m.id, m.customer_id, m.channel, m.recipient, m.locale, m.subject, m.body_text, m.body_html, m.payload, m.purpose,
           coalesce(m.not_before, now()), m.origin
    FROM unnest(${sql.param(ids)}::uuid[], ${column((m) => m.customerId)}::uuid[], ${column((m) => m.channel)}::text[],
                ${column((m) => m.recipient)}::text[], ${column((m) => m.locale)}::text[], ${column((m) => m.subject ?? null)}::text[],
                ${column((m) => m.bodyText)}::text[], ${column((m) => m.bodyHtml ?? null)}::text[],
                ${column((m) => (m.payload ? JSON.stringify(m.payload) : null))}::jsonb[], ${column((m) => m.purpose ?? 'automated')}::text[],
                ${column((m) => m.notBefore?.toISOString() ?? null)}::timestamptz[], ${column((m) => JSON.stringify(m.origin))}::jsonb[])
         AS m(id, customer_id, channel, recipient, locale, subject, body_text, body_html, payload, purpose, not_before, origin)`);
  return ids;
}
