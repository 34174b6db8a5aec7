// SQL of complaint intake: case messages and their Message-IDs, attachments, merges, settings.
import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { complaintAttachments, complaintCaseMerges, complaintCaseMessages, complaintIntakeSettings } from './complaint-intake.schema.ts';
import { complaintCaseEvents, complaintCases } from './complaints.schema.ts';

export type CaseMessageRow = typeof complaintCaseMessages.$inferSelect;
export type NewCaseMessage = typeof complaintCaseMessages.$inferInsert;
export type AttachmentRow = typeof complaintAttachments.$inferSelect;
export type NewAttachment = typeof complaintAttachments.$inferInsert;
export type AttachmentMeta = Omit<AttachmentRow, 'content'>;
export type NewEvent = typeof complaintCaseEvents.$inferInsert;

/** Appends one log line and answers its id (attachments and messages point at it). */
export async function appendEvent(tx: Executor, row: NewEvent): Promise<number> {
  const [inserted] = await tx.insert(complaintCaseEvents).values(row).returning({ id: complaintCaseEvents.id });
  return inserted!.id;
}

/** Records a message unless its Message-ID is already known in this workspace (then false). */
export async function insertMessage(tx: Executor, row: NewCaseMessage): Promise<boolean> {
  const inserted = await tx.insert(complaintCaseMessages).values(row).onConflictDoNothing().returning({ id: complaintCaseMessages.id });
  return inserted.length > 0;
}

export async function setMessageEvent(tx: Executor, tenantId: string, messageId: string, eventId: number): Promise<void> {
  await tx.update(complaintCaseMessages).set({ eventId }).where(and(eq(complaintCaseMessages.tenantId, tenantId), eq(complaintCaseMessages.id, messageId)));
}

/** The case of the first of these Message-IDs we received or sent (ids lower case, no brackets). */
export async function caseByMessageIds(db: Executor, tenantId: string, messageIds: string[]): Promise<string | undefined> {
  if (messageIds.length === 0) return undefined;
  const [row] = await db
    .select({ caseId: complaintCaseMessages.caseId })
    .from(complaintCaseMessages)
    .where(and(eq(complaintCaseMessages.tenantId, tenantId), inArray(complaintCaseMessages.messageIdHeader, messageIds)))
    .orderBy(asc(complaintCaseMessages.at))
    .limit(1);
  return row?.caseId;
}

export async function messageIdKnown(db: Executor, tenantId: string, messageId: string): Promise<boolean> {
  const rows = await db
    .select({ id: complaintCaseMessages.id })
    .from(complaintCaseMessages)
    .where(and(eq(complaintCaseMessages.tenantId, tenantId), eq(complaintCaseMessages.messageIdHeader, messageId)))
    .limit(1);
  return rows.length > 0;
}

/**
 * The case of the sender's latest inbound message since `since`, if that case is open (after
 * following merges: the caller resolves). Uses the sender index; one row.
 */
export async function latestCaseOfSender(db: Executor, tenantId: string, channel: 'email' | 'sms', from: string, since: Date): Promise<string | undefined> {
  const rows = await db
    .select({ caseId: complaintCaseMessages.caseId })
    .from(complaintCaseMessages)
    .where(and(
      eq(complaintCaseMessages.tenantId, tenantId), eq(complaintCaseMessages.channel, channel), eq(complaintCaseMessages.fromAddress, from),
      eq(complaintCaseMessages.direction, 'inbound'), gte(complaintCaseMessages.at, since),
    ))
    .orderBy(desc(complaintCaseMessages.at))
    .limit(1);
  return rows[0]?.caseId;
}

/** An open case of this contact received since `since` (e.g. filed on the form, then followed up by mail). */
export async function latestOpenCaseOfContact(db: Executor, tenantId: string, contact: { email?: string; phone?: string }, since: Date): Promise<string | undefined> {
  const match = contact.email !== undefined ? sql`lower(${complaintCases.contactEmail}) = ${contact.email}` : eq(complaintCases.contactPhone, contact.phone ?? '');
  const rows = await db
    .select({ id: complaintCases.id })
    .from(complaintCases)
    .where(and(eq(complaintCases.tenantId, tenantId), sql`${complaintCases.state} <> 'closed'`, gte(complaintCases.receivedAt, since), match))
    .orderBy(desc(complaintCases.receivedAt))
    .limit(1);
  return rows[0]?.id;
}

export async function messagesOf(db: Executor, tenantId: string, caseIds: string[]): Promise<CaseMessageRow[]> {
  return db
    .select()
    .from(complaintCaseMessages)
    .where(and(eq(complaintCaseMessages.tenantId, tenantId), inArray(complaintCaseMessages.caseId, caseIds)))
    // A mail and its acknowledgement share their instant: the mail first.
    .orderBy(asc(complaintCaseMessages.at), asc(sql`${complaintCaseMessages.direction} = 'outbound'`), asc(complaintCaseMessages.id));
}

export async function insertAttachments(tx: Executor, rows: NewAttachment[]): Promise<void> {
  if (rows.length > 0) await tx.insert(complaintAttachments).values(rows);
}

const attachmentMeta = {
  tenantId: complaintAttachments.tenantId, id: complaintAttachments.id, caseId: complaintAttachments.caseId, source: complaintAttachments.source,
  eventId: complaintAttachments.eventId, fileName: complaintAttachments.fileName, contentType: complaintAttachments.contentType,
  sizeBytes: complaintAttachments.sizeBytes, sha256: complaintAttachments.sha256, createdBy: complaintAttachments.createdBy, createdAt: complaintAttachments.createdAt,
};

export async function attachmentsOf(db: Executor, tenantId: string, caseIds: string[]): Promise<AttachmentMeta[]> {
  return db
    .select(attachmentMeta)
    .from(complaintAttachments)
    .where(and(eq(complaintAttachments.tenantId, tenantId), inArray(complaintAttachments.caseId, caseIds)))
    .orderBy(asc(complaintAttachments.createdAt), asc(complaintAttachments.id));
}

export async function countAttachments(db: Executor, tenantId: string, caseId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(complaintAttachments)
    .where(and(eq(complaintAttachments.tenantId, tenantId), eq(complaintAttachments.caseId, caseId)));
  return row?.n ?? 0;
}

/** One attachment with its bytes, if it belongs to one of these cases. */
export async function attachmentContent(db: Executor, tenantId: string, caseIds: string[], id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db
    .select()
    .from(complaintAttachments)
    .where(and(eq(complaintAttachments.tenantId, tenantId), eq(complaintAttachments.id, id), inArray(complaintAttachments.caseId, caseIds)));
  return row;
}

export async function mergeOf(db: Executor, tenantId: string, caseId: string): Promise<{ intoCaseId: string; mergedAt: Date } | undefined> {
  const [row] = await db
    .select({ intoCaseId: complaintCaseMerges.intoCaseId, mergedAt: complaintCaseMerges.mergedAt })
    .from(complaintCaseMerges)
    .where(and(eq(complaintCaseMerges.tenantId, tenantId), eq(complaintCaseMerges.caseId, caseId)));
  return row;
}

/** Cases merged into this one, directly or through cases merged into those, oldest merge first. */
export async function mergedInto(db: Executor, tenantId: string, caseId: string): Promise<{ id: string; trackingCode: string; mergedAt: Date }[]> {
  const { rows } = await db.execute<{ id: string; tracking_code: string; merged_at: Date | string }>(sql`
    WITH RECURSIVE merged AS (
      SELECT case_id, merged_at, 1 AS depth FROM complaint_case_merges WHERE tenant_id = ${tenantId} AND into_case_id = ${caseId}
      UNION ALL
      SELECT m.case_id, m.merged_at, merged.depth + 1 FROM complaint_case_merges m JOIN merged ON m.into_case_id = merged.case_id
      WHERE m.tenant_id = ${tenantId} AND merged.depth < 50
    )
    SELECT c.id, c.tracking_code, merged.merged_at FROM merged
    JOIN complaint_cases c ON c.tenant_id = ${tenantId} AND c.id = merged.case_id
    ORDER BY merged.merged_at, c.id`);
  return rows.map((r) => ({ id: r.id, trackingCode: r.tracking_code, mergedAt: new Date(r.merged_at) }));
}

export async function insertMerge(tx: Executor, row: typeof complaintCaseMerges.$inferInsert): Promise<void> {
  await tx.insert(complaintCaseMerges).values(row);
}

export interface IntakeSettings {
  emailEnabled: boolean;
  smsEnabled: boolean;
  threadWindowHours: number;
  widgetEnabled: boolean;
}
export const DEFAULT_INTAKE_SETTINGS: IntakeSettings = { emailEnabled: true, smsEnabled: false, threadWindowHours: 72, widgetEnabled: false };

export async function intakeSettings(db: Executor, tenantId: string): Promise<IntakeSettings> {
  const [row] = await db
    .select({ emailEnabled: complaintIntakeSettings.emailEnabled, smsEnabled: complaintIntakeSettings.smsEnabled, threadWindowHours: complaintIntakeSettings.threadWindowHours,
      widgetEnabled: complaintIntakeSettings.widgetEnabled })
    .from(complaintIntakeSettings)
    .where(eq(complaintIntakeSettings.tenantId, tenantId));
  return row ?? DEFAULT_INTAKE_SETTINGS;
}

export async function saveIntakeSettings(tx: Executor, tenantId: string, settings: IntakeSettings): Promise<void> {
  await tx
    .insert(complaintIntakeSettings)
    .values({ tenantId, ...settings, updatedAt: new Date() })
    .onConflictDoUpdate({ target: complaintIntakeSettings.tenantId, set: { ...settings, updatedAt: new Date() } });
}

/** The workspace's slug, for its intake addresses. */
export async function workspaceSlug(db: Executor, tenantId: string): Promise<string | undefined> {
  const { rows } = await db.execute<{ slug: string }>(sql`SELECT slug FROM workspaces WHERE id = ${tenantId}`);
  return rows[0]?.slug;
}

/** The case a merged case now lives in (itself when not merged). */
export async function survivingCaseId(db: Executor, tenantId: string, caseId: string): Promise<string> {
  let id = caseId;
  for (let hop = 0; hop < 50; hop++) {
    const merge = await mergeOf(db, tenantId, id);
    if (!merge) return id;
    id = merge.intoCaseId;
  }
  return id;
}
