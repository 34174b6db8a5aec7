import { and, eq } from 'drizzle-orm';
import type { Locale } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { createCaseCsatSurvey, inviteAfterCase } from '../surveys/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { complaintCaseSatisfaction, complaintNotices } from './complaint-customer.schema.ts';
import { askContactAfterClosure } from './case-csat-contact.ts';
import { lockComplaintSettings, rememberDefaults } from './complaint-settings.ts';
import * as repo from './complaint.repo.ts';
import { applyStep } from './complaint.service.ts';

// After a resolved case closes, the complainant is asked one question: how satisfied they are with
// how it was handled (ISO 10002 clause 8), a customer by a survey invitation, an anonymous
// complainant through their contact (case-csat-contact.ts). The answer is kept per case for reports
// (complaint_case_satisfaction); a negative one reopens the case, by the system, logged.

/** The post-closure survey: the workspace's choice, else the one made on first use. */
async function csatSurveyOf(tx: Executor, tenantId: string): Promise<string | null> {
  const stored = await lockComplaintSettings(tx, tenantId);
  if (!stored.settings.csat.enabled) return null;
  if (stored.settings.csat.surveyId) return stored.settings.csat.surveyId;
  if (stored.defaultCsatSurveyId) return stored.defaultCsatSurveyId;
  const language = (await workspaceSettings(tx, tenantId)).defaultLanguage as Locale;
  const id = await createCaseCsatSurvey(tx, tenantId, language);
  await rememberDefaults(tx, tenantId, { defaultCsatSurveyId: id });
  return id;
}

/** The survey the workspace asks after closure (whether it exists yet or not): answers to it never open a case. */
export async function isCaseCsatSurvey(db: Executor, tenantId: string, surveyId: string, stored: { settings: { csat: { surveyId: string | null } }; defaultCsatSurveyId: string | null }): Promise<boolean> {
  return surveyId === stored.settings.csat.surveyId || surveyId === stored.defaultCsatSurveyId;
}

/**
 * Asks the complainant of a case just closed after its resolution (once per closure: the notice
 * table's 'csat' row keys it), and notes on the case whether it went. A customer is invited to the
 * survey; a case without one is asked through its contact (case-csat-contact.ts), or, with no
 * contact at all, not asked.
 */
export async function inviteAfterClosure(tx: Executor, tenantId: string, caseId: string, sourceEventId: number, now: Date): Promise<void> {
  const row = await repo.findCase(tx, tenantId, caseId);
  if (!row) return;
  // A contact's question is a notice for the notice worker to write (pending); a customer's invitation is written here.
  const claimed = await tx.insert(complaintNotices).values({ tenantId, caseId, sourceEventId, kind: 'csat', status: row.customerId ? 'queued' : 'pending', issuedAt: row.customerId ? now : null })
    .onConflictDoNothing().returning({ kind: complaintNotices.kind });
  if (claimed.length === 0) return;
  const notice = and(eq(complaintNotices.tenantId, tenantId), eq(complaintNotices.caseId, caseId), eq(complaintNotices.sourceEventId, sourceEventId), eq(complaintNotices.kind, 'csat'));
  const surveyId = await csatSurveyOf(tx, tenantId);
  if (!surveyId) {
    await tx.update(complaintNotices).set({ status: 'skipped', reason: 'csat_disabled' }).where(notice);
    return;
  }
  if (!row.customerId) {
    await askContactAfterClosure(tx, tenantId, row, sourceEventId, surveyId, now);
    return;
  }
  const outcome = await inviteAfterCase(tx, { tenantId, surveyId, customerId: row.customerId, caseId, priorResponseId: row.relatedResponseId, now });
  await tx.update(complaintNotices).set(outcome.status === 'invited' ? { channel: outcome.channel } : { status: 'skipped', reason: outcome.reason }).where(notice);
  await repo.appendEvents(tx, [{
    tenantId, caseId, at: now, kind: 'note', action: 'csat_invited', fromState: null, toState: null, note: null, actorType: 'system', actorId: null,
    details: outcome.status === 'invited' ? { surveyId, invitationId: outcome.invitationId, channel: outcome.channel } : { surveyId, skipped: outcome.reason },
  }]);
}

export interface CaseSurveyAnswer {
  caseId: string;
  responseId: string;
  surveyId: string;
  /** the CSAT answer and its scale, when the response has one */
  score: number | null;
  points: number | null;
  negative: boolean;
  answeredAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Keeps the complainant's answer about a case and, when it is negative and the case is closed,
 * reopens the case (the system's transition, with the answer in its note). `response.submitted`
 * and `feedback.negative` of one response both come here, in either order and as often as they
 * are delivered: the case row's lock orders them and the row's `reopened` flag reopens once.
 */
export async function recordCaseSurveyAnswer(tx: Executor, tenantId: string, answer: CaseSurveyAnswer, now: Date): Promise<void> {
  if (!UUID.test(answer.caseId)) return;
  const row = await repo.findCase(tx, tenantId, answer.caseId, { lock: true });
  if (!row) return;
  const key = and(eq(complaintCaseSatisfaction.tenantId, tenantId), eq(complaintCaseSatisfaction.caseId, row.id), eq(complaintCaseSatisfaction.responseId, answer.responseId));
  const [existing] = await tx.select().from(complaintCaseSatisfaction).where(key);
  const negative = answer.negative || (existing?.negative ?? false);
  const reopen = negative && !existing?.reopened && row.state === 'closed';
  if (existing) {
    await tx.update(complaintCaseSatisfaction).set({
      negative, reopened: existing.reopened || reopen,
      ...(answer.score !== null ? { score: answer.score } : {}),
      ...(answer.points !== null ? { points: answer.points } : {}),
    }).where(key);
  } else {
    await tx.insert(complaintCaseSatisfaction).values({
      tenantId, caseId: row.id, responseId: answer.responseId, surveyId: answer.surveyId, score: answer.score, points: answer.points, negative, reopened: reopen, answeredAt: answer.answeredAt,
    });
  }
  if (!reopen) return;
  const score = answer.score === null ? '' : ` (CSAT ${answer.score}${answer.points === null ? '' : ` of ${answer.points}`})`;
  await applyStep(tx, tenantId, row, { type: 'system', id: null }, { action: 'reopen', note: `post-closure satisfaction answer${score} was negative; response ${answer.responseId}` }, now);
}
