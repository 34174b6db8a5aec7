import { randomUUID } from 'node:crypto';
import type { Locale, SurveyDefinition } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { reachableRecipients } from '../engagement/index.ts';
import { insertInvitations } from './invitation.repo.ts';
import { checkedLoopContext } from './loop-link.ts';
import { saveResponse, surveyOpen } from './response.service.ts';
import { claimContacts } from './survey-policy.ts';
import { createSurvey, publishSurvey } from './survey.service.ts';
import { liveSurvey } from './survey-version.ts';

// The one-question satisfaction survey after a complaint closes (ISO 10002 clause 8:
// satisfaction with complaint handling), for the complaints module: made on first use, sent
// through the invitation path with the case in its context.

/** One CSAT question in Persian, Arabic and English, not anonymous (the answer must find its case). */
export function caseCsatDefinition(defaultLanguage: 'fa' | 'ar' | 'en'): SurveyDefinition {
  const t = (fa: string, ar: string, en: string) => ({ fa, ar, en });
  return {
    name: 'رضایت از رسیدگی به شکایت · الرضا عن معالجة الشكوى · Complaint handling satisfaction',
    kind: 'customer',
    settings: {
      anonymous: false,
      languages: ['fa', 'ar', 'en'],
      defaultLanguage,
      hiddenFields: [],
      stage: 'after-sale',
      thankYou: t('از پاسخ شما سپاسگزاریم.', 'شكرًا لردّك.', 'Thank you for your answer.'),
    },
    questions: [{
      id: 'csat', type: 'csat', points: 5, style: 'faces', required: true,
      title: t(
        'از نحوهٔ رسیدگی به شکایتتان چقدر راضی هستید؟',
        'ما مدى رضاك عن طريقة معالجة شكواك؟',
        'How satisfied are you with how we handled your complaint?',
      ),
      labels: [
        t('خیلی ناراضی', 'غير راضٍ إطلاقًا', 'Very dissatisfied'),
        t('ناراضی', 'غير راضٍ', 'Dissatisfied'),
        t('نه راضی، نه ناراضی', 'محايد', 'Neither satisfied nor dissatisfied'),
        t('راضی', 'راضٍ', 'Satisfied'),
        t('خیلی راضی', 'راضٍ جدًا', 'Very satisfied'),
      ],
    }],
  } as SurveyDefinition;
}

/** Makes and publishes the default post-closure survey; returns its id. */
export async function createCaseCsatSurvey(tx: Executor, tenantId: string, defaultLanguage: 'fa' | 'ar' | 'en'): Promise<string> {
  const survey = await createSurvey(tx, tenantId, { kind: 'system', id: 'complaints' }, { definition: caseCsatDefinition(defaultLanguage) });
  await publishSurvey(tx, tenantId, { kind: 'system', id: 'complaints' }, survey.id);
  return survey.id;
}

export type CaseSurveyOutcome = { status: 'invited'; invitationId: string; channel: 'email' | 'sms' } | { status: 'skipped'; reason: string };

/**
 * Invites the customer to answer `surveyId` about case `caseId`, by their preferred channel with
 * consent (the invitation worker sends it, sealed link and all). The recontact limit is recorded
 * but not applied: this asks about the customer's own complaint, just closed, and a complaint
 * opened from a low score would otherwise never hear the question.
 */
export async function inviteAfterCase(
  tx: Executor, request: { tenantId: string; surveyId: string; customerId: string; caseId: string; priorResponseId?: string | null; now: Date },
): Promise<CaseSurveyOutcome> {
  const { tenantId, surveyId, customerId, caseId, now } = request;
  const live = await liveSurvey(tx, tenantId, surveyId);
  if (!live) return { status: 'skipped', reason: 'survey_not_live' };
  if (!surveyOpen(live, now)) return { status: 'skipped', reason: 'survey_closed' };
  if (live.definition.settings.anonymous) return { status: 'skipped', reason: 'survey_anonymous' };
  const target = (await reachableRecipients(tx, tenantId, [customerId], 'preferred')).get(customerId)!;
  if (!target.reachable) return { status: 'skipped', reason: target.reason };
  await claimContacts(tx, tenantId, [customerId], now, now);
  const id = randomUUID();
  // The answer the case was opened from, when it is this customer's (loop-link.ts).
  const context = await checkedLoopContext(tx, tenantId, customerId, { caseId, ...(request.priorResponseId ? { priorResponseId: request.priorResponseId } : {}) });
  await insertInvitations(tx, tenantId, [{
    id, surveyId, customerId, distributionId: null, wave: 1, channel: target.channel, context, hidden: {}, sentAt: null,
  }], now);
  return { status: 'invited', invitationId: id, channel: target.channel };
}

/** Whether the survey is one of the workspace's (for a chosen post-closure survey). */
export { surveyExists } from './invitation.service.ts';

export interface CaseCsatQuestion {
  questionId: string;
  points: number;
}

/**
 * The survey's satisfaction question when it can be asked alone (the tracking page of an anonymous
 * case asks only it): the first CSAT question, of a live, open, named survey whose every other
 * question is optional. Undefined otherwise.
 */
export async function caseCsatQuestion(db: Executor, tenantId: string, surveyId: string, now = new Date()): Promise<CaseCsatQuestion | undefined> {
  const live = await liveSurvey(db, tenantId, surveyId);
  if (!live || !surveyOpen(live, now) || live.definition.settings.anonymous) return undefined;
  const question = live.definition.questions.find((q) => q.type === 'csat');
  if (!question || question.type !== 'csat') return undefined;
  if (live.definition.questions.some((q) => q.id !== question.id && 'required' in q && q.required)) return undefined;
  return { questionId: question.id, points: question.points };
}

/**
 * Records the answer a complainant without a customer record gave on their case's tracking page:
 * a complete response with the case in its context, through the ordinary answer path, so its
 * rollups, `response.submitted` and `feedback.negative` are those of an invitation's answer.
 * Throws the answer path's Problems (a score off the scale is a 422).
 */
export async function answerCaseCsat(
  tx: Executor, request: { tenantId: string; surveyId: string; caseId: string; score: number; channel: 'email' | 'sms' | 'link'; locale: Locale; now: Date },
): Promise<{ responseId: string; points: number } | undefined> {
  const question = await caseCsatQuestion(tx, request.tenantId, request.surveyId, request.now);
  if (!question) return undefined;
  const saved = await saveResponse(tx, {
    tenantId: request.tenantId, surveyId: request.surveyId, channel: request.channel, locale: request.locale,
    answers: { [question.questionId]: { score: request.score } }, complete: true, context: { caseId: request.caseId },
  });
  return { responseId: saved.responseId, points: question.points };
}
