import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { caseCsatQuestion } from '../surveys/index.ts';
import { complaintCaseSatisfaction, complaintNotices } from './complaint-customer.schema.ts';
import * as repo from './complaint.repo.ts';
import { complaintCaseEvents } from './complaints.schema.ts';

// The post-closure satisfaction question for a complainant without a customer record: a survey
// invitation needs a customer, so the question goes as a notice to the case's contact, in the
// case's channel as every notice does (case-notices.ts: e-mail for a case that came by mail, else
// SMS when there is a phone), and is answered on the tracking page its sealed link opens
// (case-csat-answer.ts), as a response of the workspace's CSAT survey with the case in its context.
// A case with neither e-mail nor phone is asked nothing, and its log says so.

/**
 * Decides the question for the anonymous case just closed, whose 'csat' notice row the caller has
 * claimed (pending): left pending for the notice worker, or skipped with the reason. Logged on the case.
 */
export async function askContactAfterClosure(tx: Executor, tenantId: string, row: repo.CaseRow, sourceEventId: number, surveyId: string, now: Date): Promise<void> {
  const reason = !row.contactEmail && !row.contactPhone ? 'no_contact'
    : !(await caseCsatQuestion(tx, tenantId, surveyId, now)) ? 'survey_unsuitable' : null;
  if (reason) {
    await tx.update(complaintNotices).set({ status: 'skipped', reason, issuedAt: now })
      .where(and(eq(complaintNotices.tenantId, tenantId), eq(complaintNotices.caseId, row.id), eq(complaintNotices.sourceEventId, sourceEventId), eq(complaintNotices.kind, 'csat')));
  }
  await repo.appendEvents(tx, [{
    tenantId, caseId: row.id, at: now, kind: 'note', action: 'csat_invited', fromState: null, toState: null, note: null, actorType: 'system', actorId: null,
    details: reason ? { surveyId, skipped: reason } : { surveyId, via: 'contact' },
  }]);
}

export interface ContactSatisfaction {
  surveyId: string;
  /** the channel the question went by; null while it waits (quiet hours) */
  channel: string | null;
  points: number;
  /** the answer given since the question was asked; null before */
  score: number | null;
}

/**
 * The question asked of an anonymous case's contact at its latest closure, if one was (and its
 * survey can still take the answer), with the answer given since. Null for a case with a customer.
 */
export async function contactSatisfaction(db: Executor, tenantId: string, row: repo.CaseRow): Promise<ContactSatisfaction | null> {
  if (row.customerId) return null;
  const [asked] = await db.select({ channel: complaintNotices.channel, createdAt: complaintNotices.createdAt }).from(complaintNotices)
    .where(and(eq(complaintNotices.tenantId, tenantId), eq(complaintNotices.caseId, row.id), eq(complaintNotices.kind, 'csat'), inArray(complaintNotices.status, ['pending', 'queued'])))
    .orderBy(desc(complaintNotices.createdAt)).limit(1);
  if (!asked) return null;
  const [line] = await db.select({ surveyId: sql<string | null>`${complaintCaseEvents.details}->>'surveyId'` }).from(complaintCaseEvents)
    .where(and(eq(complaintCaseEvents.tenantId, tenantId), eq(complaintCaseEvents.caseId, row.id), eq(complaintCaseEvents.action, 'csat_invited'), sql`${complaintCaseEvents.details}->>'via' = 'contact'`))
    .orderBy(desc(complaintCaseEvents.id)).limit(1);
  if (!line?.surveyId) return null;
  const question = await caseCsatQuestion(db, tenantId, line.surveyId);
  if (!question) return null;
  const [answer] = await db.select({ score: complaintCaseSatisfaction.score }).from(complaintCaseSatisfaction)
    .where(and(eq(complaintCaseSatisfaction.tenantId, tenantId), eq(complaintCaseSatisfaction.caseId, row.id), gte(complaintCaseSatisfaction.answeredAt, asked.createdAt)))
    .orderBy(desc(complaintCaseSatisfaction.answeredAt)).limit(1);
  return { surveyId: line.surveyId, channel: asked.channel, points: question.points, score: answer ? answer.score : null };
}
