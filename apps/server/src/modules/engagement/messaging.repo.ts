import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { localDaySeries } from '../../platform/time/day-series.ts';
import { messageChannels, messages, messagingPolicies, webhookEndpoints } from '../../platform/messaging/messaging.schema.ts';
import { consentEvents, customers } from '../customers/index.ts';

export interface GuardCustomer {
  id: string;
  consent: unknown;
  timeZone: string | null;
  mergedInto: string | null;
  erasedAt: Date | null;
}

/** The dispatch guard's view of a batch's customers, in one query. */
export async function guardCustomers(db: Executor, tenantId: string, ids: string[]): Promise<Map<string, GuardCustomer>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: customers.id, consent: customers.consent, timeZone: customers.timeZone, mergedInto: customers.mergedInto, erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), inArray(customers.id, ids)));
  return new Map(rows.map((r) => [r.id, r]));
}

export interface PolicyRow {
  quietFrom: string;
  quietTo: string;
  capCount: number;
  capPeriodHours: number;
  ratePerMinute: number;
  updatedAt: Date | null;
}

/** A workspace that never saved a policy has the schema's defaults (21:00–09:00, 3 per 24 h). */
export const DEFAULT_POLICY: PolicyRow = { quietFrom: '21:00', quietTo: '09:00', capCount: 3, capPeriodHours: 24, ratePerMinute: 6000, updatedAt: null };

export async function policyOf(db: Executor, tenantId: string): Promise<PolicyRow> {
  const [row] = await db
    .select({
      quietFrom: messagingPolicies.quietFrom, quietTo: messagingPolicies.quietTo, capCount: messagingPolicies.capCount,
      capPeriodHours: messagingPolicies.capPeriodHours, ratePerMinute: messagingPolicies.ratePerMinute, updatedAt: messagingPolicies.updatedAt,
    })
    .from(messagingPolicies)
    .where(eq(messagingPolicies.tenantId, tenantId));
  return row ?? DEFAULT_POLICY;
}

export async function savePolicy(tx: Executor, tenantId: string, policy: Omit<PolicyRow, 'updatedAt'>, now: Date): Promise<PolicyRow> {
  const values = { ...policy, updatedAt: now };
  await tx.insert(messagingPolicies).values({ tenantId, ...values }).onConflictDoUpdate({ target: messagingPolicies.tenantId, set: values });
  return values;
}

/**
 * Automated messages per customer that went out (or are going out, claimed by another
 * dispatcher) since `since`, leaving out the batch under review.
 */
export async function capCounts(db: Executor, tenantId: string, customerIds: string[], since: Date, excludeIds: string[]): Promise<Map<string, number>> {
  const { rows } = await db.execute<{ customer_id: string; n: string | number }>(sql`
    SELECT customer_id, count(*) AS n FROM messages
    WHERE tenant_id = ${tenantId} AND customer_id = ANY(${sql.param(customerIds)}::uuid[]) AND purpose = 'automated'
      AND status IN ('sending', 'sent', 'delivered') AND coalesce(sent_at, updated_at) >= ${since.toISOString()}::timestamptz
      AND id <> ALL(${sql.param(excludeIds)}::uuid[])
    GROUP BY customer_id`);
  return new Map(rows.map((r) => [r.customer_id, Number(r.n)]));
}

// ---- messages ----

export async function customerExists(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const rows = await db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)));
  return rows.length > 0;
}

export type MessageRow = typeof messages.$inferSelect;

export interface MessageFilter {
  status?: string | undefined;
  channel?: string | undefined;
  customerId?: string | undefined;
}

/** Newest first; `before` is the (created_at as PostgreSQL printed it, id) of the last row seen. */
export async function listMessages(
  db: Executor, tenantId: string, filter: MessageFilter, before: { at: string; id: string } | undefined, limit: number,
): Promise<(MessageRow & { cursorAt: string })[]> {
  const conditions: SQL[] = [eq(messages.tenantId, tenantId)];
  if (filter.status) conditions.push(eq(messages.status, filter.status));
  if (filter.channel) conditions.push(eq(messages.channel, filter.channel));
  if (filter.customerId) conditions.push(eq(messages.customerId, filter.customerId));
  if (before) conditions.push(sql`(${messages.createdAt}, ${messages.id}) < (${before.at}::timestamptz, ${before.id}::uuid)`);
  return db
    .select({ ...messageColumns, cursorAt: sql<string>`to_char(${messages.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
}

const messageColumns = {
  tenantId: messages.tenantId, id: messages.id, customerId: messages.customerId, channel: messages.channel, recipient: messages.recipient,
  locale: messages.locale, subject: messages.subject, bodyText: messages.bodyText, bodyHtml: messages.bodyHtml, payload: messages.payload,
  purpose: messages.purpose, status: messages.status, reason: messages.reason, detail: messages.detail, attempts: messages.attempts,
  nextAttemptAt: messages.nextAttemptAt, leaseUntil: messages.leaseUntil, provider: messages.provider, providerMessageId: messages.providerMessageId,
  origin: messages.origin, createdAt: messages.createdAt, sentAt: messages.sentAt, deliveredAt: messages.deliveredAt, updatedAt: messages.updatedAt,
};

export async function findMessage(db: Executor, tenantId: string, id: string): Promise<MessageRow | undefined> {
  const [row] = await db.select().from(messages).where(and(eq(messages.tenantId, tenantId), eq(messages.id, id)));
  return row;
}

// ---- channels ----

export type ChannelRow = typeof messageChannels.$inferSelect;

export async function findChannel(db: Executor, tenantId: string, channel: string): Promise<ChannelRow | undefined> {
  const [row] = await db.select().from(messageChannels).where(and(eq(messageChannels.tenantId, tenantId), eq(messageChannels.channel, channel)));
  return row;
}

export async function saveChannel(tx: Executor, row: Omit<ChannelRow, 'updatedAt'>, now: Date): Promise<ChannelRow> {
  const values = { ...row, updatedAt: now };
  const [saved] = await tx
    .insert(messageChannels)
    .values(values)
    .onConflictDoUpdate({
      target: [messageChannels.tenantId, messageChannels.channel],
      set: { provider: row.provider, settings: row.settings, secretSealed: row.secretSealed, enabled: row.enabled, updatedAt: now },
    })
    .returning();
  return saved!;
}

// ---- webhook endpoints ----

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export async function listWebhookEndpoints(db: Executor, tenantId: string): Promise<WebhookEndpointRow[]> {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenantId)).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

export async function insertWebhookEndpoint(tx: Executor, row: Omit<WebhookEndpointRow, 'createdAt' | 'enabled'>): Promise<WebhookEndpointRow> {
  const [saved] = await tx.insert(webhookEndpoints).values(row).returning();
  return saved!;
}

export async function deleteWebhookEndpoint(tx: Executor, tenantId: string, id: string): Promise<WebhookEndpointRow | undefined> {
  const [row] = await tx.delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id))).returning();
  return row;
}

// ---- unsubscribe ----

export interface ConsentHolder {
  id: string;
  consent: Record<string, { granted: boolean; at: string; source: string }>;
  mergedInto: string | null;
  erasedAt: Date | null;
}

/** Locks the customer row the consent change is written to. */
export async function lockConsentHolder(tx: Executor, tenantId: string, id: string): Promise<ConsentHolder | undefined> {
  const [row] = await tx
    .select({ id: customers.id, consent: customers.consent, mergedInto: customers.mergedInto, erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)))
    .for('update');
  return row as ConsentHolder | undefined;
}

export async function writeConsent(
  tx: Executor, tenantId: string, customerId: string, consent: ConsentHolder['consent'],
  events: { customerId: string; channel: string; status: 'granted' | 'withdrawn'; source: string; at: Date; actorId: string | null }[], now: Date,
): Promise<void> {
  await tx.update(customers).set({ consent, updatedAt: now }).where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  if (events.length > 0) await tx.insert(consentEvents).values(events.map((e) => ({ tenantId, ...e })));
}

// ---- privacy ----

/** An erased customer's messages keep their status and times; addresses and contents go. */
export async function eraseMessagesOf(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE messages SET recipient = 'erased', subject = NULL, body_text = '', body_html = NULL, payload = NULL, detail = NULL,
      status = CASE WHEN status IN ('queued', 'failed') THEN 'suppressed' ELSE status END,
      reason = CASE WHEN status IN ('queued', 'failed') THEN 'customer_erased' ELSE reason END,
      updated_at = clock_timestamp()
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
}

/** A merged customer's messages follow them; queued ones are then reviewed against the survivor's consent. */
export async function moveMessages(tx: Executor, tenantId: string, fromId: string, toId: string): Promise<void> {
  await tx.update(messages).set({ customerId: toId }).where(and(eq(messages.tenantId, tenantId), eq(messages.customerId, fromId)));
}

export async function messagesOf(db: Executor, tenantId: string, customerId: string) {
  return db
    .select({
      id: messages.id, channel: messages.channel, recipient: messages.recipient, subject: messages.subject, bodyText: messages.bodyText,
      status: messages.status, reason: messages.reason, createdAt: messages.createdAt, sentAt: messages.sentAt, deliveredAt: messages.deliveredAt,
    })
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.customerId, customerId)))
    .orderBy(messages.createdAt, messages.id);
}

/** Messages created on each day of [from, to) in the time zone, counted by status; quiet days are {}. */
export async function messagesPerDay(db: Executor, tenantId: string, from: Date, to: Date, timeZone: string): Promise<{ day: string; counts: Record<string, number> }[]> {
  const { rows } = await db.execute<{ day: string; counts: Record<string, number> }>(sql`
    WITH days AS (${localDaySeries(from, to, timeZone)}), counted AS (
      SELECT (created_at AT TIME ZONE ${timeZone})::date AS day, status, count(*)::int AS n
      FROM messages
      WHERE tenant_id = ${tenantId} AND created_at >= ${from.toISOString()} AND created_at < ${to.toISOString()}
      GROUP BY 1, 2
    )
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
           coalesce(jsonb_object_agg(counted.status, counted.n) FILTER (WHERE counted.status IS NOT NULL), '{}'::jsonb) AS counts
    FROM days LEFT JOIN counted USING (day)
    GROUP BY days.day
    ORDER BY days.day`);
  return rows.map((r) => ({ day: r.day, counts: r.counts }));
}
