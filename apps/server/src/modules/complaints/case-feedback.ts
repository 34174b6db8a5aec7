import { sql } from 'drizzle-orm';
import type { ComplaintChannel, FeedbackNegativePayload, Locale, SurveyChannel } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { isCaseCsatSurvey } from './case-csat.ts';
import { complaintFeedbackCases } from './complaint-customer.schema.ts';
import { complaintSettingsOf } from './complaint-settings.ts';
import * as repo from './complaint.repo.ts';
import { receiveComplaint } from './complaint.service.ts';

// A negative survey answer opens a case linked to the response, when the workspace chooses so
// (ComplaintSettings.negativeFeedbackOpensCase). One case per response, however often the event
// comes; never for an answer about a case (the post-closure survey reopens that case instead).

const CHANNEL: Record<SurveyChannel, ComplaintChannel> = { link: 'web', email: 'email', sms: 'sms', widget: 'widget', kiosk: 'in_person', api: 'api' };

const SCALE: Record<FeedbackNegativePayload['reason'], string> = { nps: 'NPS', csat: 'CSAT', ces: 'CES' };
const DESCRIPTION: Record<Locale, (scale: string, score: number) => string> = {
  fa: (scale, score) => `پاسخ منفی در نظرسنجی: ${scale} ${score.toLocaleString('fa-IR')}. این پرونده از بازخورد مشتری باز شد.`,
  ar: (scale, score) => `إجابة سلبية في استبيان: ${scale} ${score.toLocaleString('ar-SA')}. فُتح هذا الملف من ملاحظات العميل.`,
  en: (scale, score) => `Negative survey answer: ${scale} ${score}. This case was opened from the customer's feedback.`,
};

export type NegativeFeedback = FeedbackNegativePayload & { context?: { caseId?: string } };

/** Opens the response's case if the workspace wants one and none exists; returns its id, or null. */
export async function openCaseFromFeedback(tx: Executor, tenantId: string, feedback: NegativeFeedback, now: Date): Promise<string | null> {
  if (feedback.context?.caseId) return null;
  const stored = await complaintSettingsOf(tx, tenantId);
  if (!stored.settings.negativeFeedbackOpensCase) return null;
  if (await isCaseCsatSurvey(tx, tenantId, feedback.surveyId, stored)) return null;
  // One opener per response at a time; the mapping row then answers every later delivery.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`complaint-feedback:${tenantId}:${feedback.responseId}`}, 0))`);
  const [known] = await tx.select({ caseId: complaintFeedbackCases.caseId }).from(complaintFeedbackCases)
    .where(sql`${complaintFeedbackCases.tenantId} = ${tenantId} AND ${complaintFeedbackCases.responseId} = ${feedback.responseId}`);
  if (known) return null;
  let customerId = feedback.customerId;
  if (customerId) {
    const customer = await repo.customerState(tx, tenantId, customerId);
    if (!customer || customer.erasedAt) customerId = undefined;
    else if (customer.mergedInto) customerId = customer.mergedInto;
  }
  const language = (await workspaceSettings(tx, tenantId)).defaultLanguage as Locale;
  const row = await receiveComplaint(tx, tenantId, { type: 'system', id: null }, 'feedback', {
    channel: CHANNEL[feedback.channel] ?? 'api',
    customerId,
    description: DESCRIPTION[language](SCALE[feedback.reason], feedback.score),
    relatedResponseId: feedback.responseId,
    category: `survey_${feedback.reason}`,
  }, now);
  await tx.insert(complaintFeedbackCases).values({ tenantId, responseId: feedback.responseId, caseId: row.id, createdAt: now });
  return row.id;
}
