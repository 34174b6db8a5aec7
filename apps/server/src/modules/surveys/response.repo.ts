import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AnswerValue } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { surveyAnswers, surveyInvitations, surveyRespondents, surveyResponses, surveys } from './survey.schema.ts';

export type ResponseRow = typeof surveyResponses.$inferSelect;
type AnswerRow = typeof surveyAnswers.$inferSelect;

export function answerFromRow(row: Pick<AnswerRow, 'skipped' | 'score' | 'choices' | 'otherText' | 'textValue' | 'dateValue' | 'desired' | 'adequate' | 'perceived'>): AnswerValue {
  if (row.skipped) return { skipped: true };
  if (row.score !== null) return { score: row.score };
  if (row.perceived !== null) return { desired: row.desired ?? 0, adequate: row.adequate ?? 0, perceived: row.perceived };
  if (row.choices !== null) return row.otherText ? { choices: row.choices, other: row.otherText } : { choices: row.choices };
  if (row.dateValue !== null) return { date: row.dateValue };
  return { text: row.textValue ?? '' };
}

function answerColumns(answer: AnswerValue) {
  const empty = { skipped: false, score: null, choices: null, otherText: null, textValue: null, dateValue: null, desired: null, adequate: null, perceived: null };
  if ('skipped' in answer) return { ...empty, skipped: true };
  if ('score' in answer) return { ...empty, score: answer.score };
  if ('perceived' in answer) return { ...empty, desired: answer.desired, adequate: answer.adequate, perceived: answer.perceived };
  if ('choices' in answer) return { ...empty, choices: answer.choices, otherText: answer.other ?? null };
  if ('date' in answer) return { ...empty, dateValue: answer.date };
  return { ...empty, textValue: answer.text };
}

export async function lockResponse(db: Executor, tenantId: string, surveyId: string, id: string): Promise<ResponseRow | undefined> {
  const [row] = await db.select().from(surveyResponses)
    .where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.id, id)))
    .for('update');
  return row;
}

/** A kiosk's (or widget's) answer already received under its own reference. */
export async function findByClientRef(db: Executor, tenantId: string, surveyId: string, kioskId: string | undefined, clientRef: string): Promise<ResponseRow | undefined> {
  const [row] = await db.select().from(surveyResponses).where(and(
    eq(surveyResponses.tenantId, tenantId),
    eq(surveyResponses.surveyId, surveyId),
    kioskId ? eq(surveyResponses.kioskId, kioskId) : isNull(surveyResponses.kioskId),
    eq(surveyResponses.clientRef, clientRef),
  ));
  return row;
}

export async function insertResponse(db: Executor, row: typeof surveyResponses.$inferInsert): Promise<boolean> {
  // A kiosk resending an answer races its first send: the unique (kiosk, client_ref) index decides.
  const inserted = await db.insert(surveyResponses).values(row).onConflictDoNothing().returning({ id: surveyResponses.id });
  return inserted.length > 0;
}

export async function updateResponse(db: Executor, tenantId: string, id: string, patch: Partial<typeof surveyResponses.$inferInsert>): Promise<void> {
  await db.update(surveyResponses).set({ ...patch, updatedAt: new Date() }).where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.id, id)));
}

export async function answersOf(db: Executor, tenantId: string, responseId: string): Promise<Record<string, AnswerValue>> {
  const rows = await db.select().from(surveyAnswers).where(and(eq(surveyAnswers.tenantId, tenantId), eq(surveyAnswers.responseId, responseId)));
  return Object.fromEntries(rows.map((r) => [r.questionId, answerFromRow(r)]));
}

export async function upsertAnswers(db: Executor, tenantId: string, surveyId: string, responseId: string, answers: Record<string, AnswerValue>): Promise<void> {
  const entries = Object.entries(answers);
  if (entries.length === 0) return;
  const now = new Date();
  await db.insert(surveyAnswers)
    .values(entries.map(([questionId, answer]) => ({ tenantId, responseId, questionId, surveyId, updatedAt: now, ...answerColumns(answer) })))
    .onConflictDoUpdate({
      target: [surveyAnswers.tenantId, surveyAnswers.responseId, surveyAnswers.questionId],
      set: {
        skipped: sql`excluded.skipped`, score: sql`excluded.score`, choices: sql`excluded.choices`, otherText: sql`excluded.other_text`,
        textValue: sql`excluded.text_value`, dateValue: sql`excluded.date_value`, desired: sql`excluded.desired`,
        adequate: sql`excluded.adequate`, perceived: sql`excluded.perceived`, updatedAt: now,
      },
    });
}

export async function deleteAnswers(db: Executor, tenantId: string, responseId: string, questionIds: string[]): Promise<void> {
  if (questionIds.length === 0) return;
  await db.delete(surveyAnswers).where(and(
    eq(surveyAnswers.tenantId, tenantId), eq(surveyAnswers.responseId, responseId),
    sql`${surveyAnswers.questionId} = ANY(${sql.param(questionIds)}::text[])`,
  ));
}

export interface InvitationRow {
  id: string;
  surveyId: string;
  customerId: string;
  context: Record<string, string>;
  hidden: Record<string, string>;
  respondedAt: Date | null;
  expiresAt: Date | null;
}

export async function lockInvitation(db: Executor, tenantId: string, id: string): Promise<InvitationRow | undefined> {
  const [row] = await db.select({
    id: surveyInvitations.id, surveyId: surveyInvitations.surveyId, customerId: surveyInvitations.customerId,
    context: surveyInvitations.context, hidden: surveyInvitations.hidden, respondedAt: surveyInvitations.respondedAt, expiresAt: surveyInvitations.expiresAt,
  }).from(surveyInvitations).where(and(eq(surveyInvitations.tenantId, tenantId), eq(surveyInvitations.id, id))).for('update');
  return row ? { ...row, context: (row.context ?? {}) as Record<string, string>, hidden: (row.hidden ?? {}) as Record<string, string> } : undefined;
}

/**
 * Marks the invitation answered. For an anonymous survey the time is kept to the day only, so
 * the invitation (which names the customer) cannot be matched to a response by its timestamp.
 */
export async function markInvitationResponded(db: Executor, tenantId: string, id: string, anonymous: boolean): Promise<void> {
  await db.update(surveyInvitations)
    .set({ respondedAt: anonymous ? sql`date_trunc('day', now())` : sql`now()` })
    .where(and(eq(surveyInvitations.tenantId, tenantId), eq(surveyInvitations.id, id), isNull(surveyInvitations.respondedAt)));
}

export async function markInvitationOpened(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.update(surveyInvitations)
    .set({ openedAt: sql`now()` })
    .where(and(eq(surveyInvitations.tenantId, tenantId), eq(surveyInvitations.id, id), isNull(surveyInvitations.openedAt)));
}

/** The response already given through an invitation (non-anonymous surveys only keep this link). */
export async function responseOfInvitation(db: Executor, tenantId: string, invitationId: string): Promise<string | undefined> {
  const [row] = await db.select({ responseId: surveyRespondents.responseId }).from(surveyRespondents)
    .where(and(eq(surveyRespondents.tenantId, tenantId), eq(surveyRespondents.invitationId, invitationId)));
  return row?.responseId;
}

export async function respondentOf(db: Executor, tenantId: string, responseId: string): Promise<{ customerId: string; invitationId: string | null } | undefined> {
  const [row] = await db.select({ customerId: surveyRespondents.customerId, invitationId: surveyRespondents.invitationId }).from(surveyRespondents)
    .where(and(eq(surveyRespondents.tenantId, tenantId), eq(surveyRespondents.responseId, responseId)));
  return row;
}

export async function insertRespondent(db: Executor, row: typeof surveyRespondents.$inferInsert): Promise<void> {
  await db.insert(surveyRespondents).values(row);
}

/** Serialises completions of one survey while it counts against a quota (a transaction-scoped advisory lock). */
export async function lockSurveyQuota(db: Executor, tenantId: string, surveyId: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`survey-quota:${tenantId}:${surveyId}`}, 0))`);
}

export async function countComplete(db: Executor, tenantId: string, surveyId: string, segmentId?: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(surveyResponses).where(and(
    eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.status, 'complete'),
    segmentId ? sql`${surveyResponses.segmentIds} @> ARRAY[${segmentId}]::uuid[]` : undefined,
  ));
  return row?.n ?? 0;
}

export async function closeSurveyForQuota(db: Executor, tenantId: string, surveyId: string): Promise<void> {
  await db.update(surveys).set({ status: 'closed', closedReason: 'quota', closedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId), eq(surveys.status, 'live')));
}
