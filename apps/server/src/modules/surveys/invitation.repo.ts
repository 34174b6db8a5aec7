import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { hashSurveyToken } from './survey-token.ts';
import { surveyInvitations, surveyTokens } from './survey.schema.ts';

export interface NewInvitation {
  id: string;
  surveyId: string;
  customerId: string;
  distributionId: string | null;
  wave: number;
  channel: 'link' | 'email' | 'sms';
  context: Record<string, string>;
  hidden: Record<string, string>;
  /** set at once for a link handed out by hand; e-mail and SMS invitations wait for the issuer */
  sentAt: Date | null;
}

/**
 * Inserts invitations; one already there for the same distribution, wave and customer is left
 * alone (a wave run again). Returns the ids inserted.
 */
export async function insertInvitations(tx: Executor, tenantId: string, rows: NewInvitation[], now: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const column = <T>(pick: (r: NewInvitation) => T) => sql.param(rows.map(pick));
  const result = await tx.execute<{ id: string }>(sql`
    INSERT INTO ${surveyInvitations} (tenant_id, id, survey_id, distribution_id, wave, customer_id, channel, context, hidden, sent_at, created_at)
    SELECT ${tenantId}::uuid, r.id, r.survey_id, r.distribution_id, r.wave, r.customer_id, r.channel, r.context, r.hidden, r.sent_at, ${now.toISOString()}::timestamptz
    FROM unnest(${column((r) => r.id)}::uuid[], ${column((r) => r.surveyId)}::uuid[], ${column((r) => r.distributionId)}::uuid[],
                ${column((r) => r.wave)}::int[], ${column((r) => r.customerId)}::uuid[], ${column((r) => r.channel)}::text[],
                ${column((r) => JSON.stringify(r.context))}::jsonb[], ${column((r) => JSON.stringify(r.hidden))}::jsonb[],
                ${column((r) => r.sentAt?.toISOString() ?? null)}::timestamptz[])
         AS r(id, survey_id, distribution_id, wave, customer_id, channel, context, hidden, sent_at)
    ON CONFLICT (tenant_id, distribution_id, wave, customer_id) WHERE distribution_id IS NOT NULL DO NOTHING
    RETURNING id`);
  return new Set(result.rows.map((r) => r.id));
}

/** Tokens of invitation links: only their hashes, in the shared lookup table. */
export async function insertInvitationTokens(tx: Executor, rows: { token: string; tenantId: string; invitationId: string; surveyId: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(surveyTokens).values(rows.map((r) => ({
    tokenHash: hashSurveyToken(r.token), tenantId: r.tenantId, kind: 'invitation', targetId: r.invitationId, surveyId: r.surveyId,
  })));
}

export interface PendingInvitation {
  tenantId: string;
  id: string;
  surveyId: string;
  customerId: string;
  distributionId: string | null;
  wave: number;
  channel: 'email' | 'sms';
}

/** E-mail and SMS invitations still to issue, oldest first, locked; other issuers skip them. */
export async function claimPendingInvitations(tx: Executor, limit: number): Promise<PendingInvitation[]> {
  const result = await tx.execute<{ tenant_id: string; id: string; survey_id: string; customer_id: string; distribution_id: string | null; wave: number; channel: string }>(sql`
    SELECT tenant_id, id, survey_id, customer_id, distribution_id, wave, channel FROM ${surveyInvitations}
    WHERE sent_at IS NULL ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
  return result.rows.map((r) => ({
    tenantId: r.tenant_id, id: r.id, surveyId: r.survey_id, customerId: r.customer_id, distributionId: r.distribution_id, wave: Number(r.wave),
    channel: r.channel === 'sms' ? 'sms' : 'email',
  }));
}

/** Issued: the message that carries the link (null when none could be sent: survey closed, customer unreachable). */
export async function markIssued(tx: Executor, tenantId: string, issued: { id: string; messageId: string | null }[], now: Date): Promise<void> {
  if (issued.length === 0) return;
  await tx.execute(sql`
    UPDATE ${surveyInvitations} i SET sent_at = ${now.toISOString()}::timestamptz, message_id = u.message_id
    FROM unnest(${sql.param(issued.map((r) => r.id))}::uuid[], ${sql.param(issued.map((r) => r.messageId))}::uuid[]) AS u(id, message_id)
    WHERE i.tenant_id = ${tenantId} AND i.id = u.id`);
}

export interface DueReminder extends PendingInvitation {
  reminderCount: number;
}

/**
 * Sent, unanswered invitations of distributions with reminders whose next reminder is due:
 * `afterHours` after the invitation and after each reminder, at most `max`. Paused and
 * cancelled distributions remind nobody. Locked; other workers skip them.
 */
export async function claimDueReminders(tx: Executor, now: Date, limit: number): Promise<DueReminder[]> {
  const result = await tx.execute<{
    tenant_id: string; id: string; survey_id: string; customer_id: string; distribution_id: string; wave: number; channel: string; reminder_count: number;
  }>(sql`
    SELECT i.tenant_id, i.id, i.survey_id, i.customer_id, i.distribution_id, i.wave, i.channel, i.reminder_count
    FROM survey_distributions d
    JOIN ${surveyInvitations} i ON i.tenant_id = d.tenant_id AND i.distribution_id = d.id
    WHERE d.reminder IS NOT NULL AND d.status NOT IN ('paused', 'cancelled')
      AND i.responded_at IS NULL AND i.message_id IS NOT NULL AND i.channel IN ('email', 'sms')
      AND i.reminder_count < (d.reminder->>'max')::int
      AND coalesce(i.reminded_at, i.sent_at) <= ${now.toISOString()}::timestamptz - make_interval(hours => (d.reminder->>'afterHours')::int)
    ORDER BY i.sent_at LIMIT ${limit} FOR UPDATE OF i SKIP LOCKED`);
  return result.rows.map((r) => ({
    tenantId: r.tenant_id, id: r.id, surveyId: r.survey_id, customerId: r.customer_id, distributionId: r.distribution_id, wave: Number(r.wave),
    channel: r.channel === 'sms' ? 'sms' : 'email', reminderCount: Number(r.reminder_count),
  }));
}

export async function markReminded(tx: Executor, tenantId: string, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`
    UPDATE ${surveyInvitations} SET reminded_at = ${now.toISOString()}::timestamptz, reminder_count = reminder_count + 1
    WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(ids)}::uuid[])`);
}

export interface OpenSmsInvitation {
  id: string;
  surveyId: string;
  customerId: string;
  locale: string;
}

/**
 * The latest unanswered SMS invitation to a live customer with this phone, locked: the one a
 * reply from that phone answers.
 */
export async function latestOpenSmsInvitation(tx: Executor, tenantId: string, phone: string): Promise<OpenSmsInvitation | undefined> {
  const result = await tx.execute<{ id: string; survey_id: string; customer_id: string; locale: string }>(sql`
    SELECT i.id, i.survey_id, i.customer_id, m.locale FROM customers c
    JOIN ${surveyInvitations} i ON i.tenant_id = c.tenant_id AND i.customer_id = c.id
    JOIN messages m ON m.tenant_id = i.tenant_id AND m.id = i.message_id
    WHERE c.tenant_id = ${tenantId} AND c.phone = ${phone} AND c.merged_into IS NULL AND c.erased_at IS NULL
      AND i.channel = 'sms' AND i.responded_at IS NULL AND i.sent_at IS NOT NULL
      AND (i.expires_at IS NULL OR i.expires_at > now())
    ORDER BY i.sent_at DESC, i.created_at DESC LIMIT 1
    FOR UPDATE OF i`);
  const row = result.rows[0];
  return row ? { id: row.id, surveyId: row.survey_id, customerId: row.customer_id, locale: row.locale } : undefined;
}

export interface WaveCounts {
  distributionId: string;
  wave: number;
  invited: number;
  sent: number;
  responded: number;
  startedAt: Date;
}

/** Per distribution and wave: invitations, those sent, those answered (the latest `waves` waves of each). */
export async function waveCounts(db: Executor, tenantId: string, distributionIds: string[], waves: number): Promise<WaveCounts[]> {
  if (distributionIds.length === 0) return [];
  const result = await db.execute<{ distribution_id: string; wave: number; invited: string; sent: string; responded: string; started_at: string | Date }>(sql`
    SELECT distribution_id, wave, count(*) AS invited, count(message_id) AS sent, count(responded_at) AS responded, min(created_at) AS started_at
    FROM ${surveyInvitations}
    WHERE tenant_id = ${tenantId} AND distribution_id = ANY(${sql.param(distributionIds)}::uuid[])
    GROUP BY distribution_id, wave`);
  const rows = result.rows.map((r) => ({
    distributionId: r.distribution_id, wave: Number(r.wave), invited: Number(r.invited), sent: Number(r.sent), responded: Number(r.responded),
    startedAt: r.started_at instanceof Date ? r.started_at : new Date(r.started_at),
  }));
  const kept = new Map<string, number>();
  return rows.sort((x, y) => y.wave - x.wave).filter((row) => {
    const seen = kept.get(row.distributionId) ?? 0;
    kept.set(row.distributionId, seen + 1);
    return seen < waves;
  });
}
