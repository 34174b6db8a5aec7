import type { AnswerCaseSatisfaction, CustomerCaseView, Locale } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { Secrets } from '../../platform/messaging/sealed.ts';
import { answerCaseCsat, isBottomTwo } from '../surveys/index.ts';
import { recordCaseSurveyAnswer } from './case-csat.ts';
import { contactSatisfaction } from './case-csat-contact.ts';
import { customerCaseView, verifyCustomerCase } from './case-customer.service.ts';
import * as repo from './complaint.repo.ts';

// The anonymous complainant answers the post-closure satisfaction question on the tracking page,
// proven as every tracking-page action is. The answer is a response of the workspace's CSAT survey
// (surveys' answer path: rollups, `response.submitted`, `feedback.negative`), and is kept on the
// case here at once, as the feedback subscriber would keep it: a bottom-two answer reopens the
// case by the system, logged, exactly as a customer's answer through their invitation does. The
// subscriber, meeting the same response later, finds it kept and reopens nothing twice.

/** Once per closure: 409 `satisfaction_answered` after an answer, `satisfaction_not_asked` when no question is open. */
export async function answerCaseSatisfaction(tx: Executor, secrets: Secrets, input: AnswerCaseSatisfaction, locale: Locale, now = new Date()): Promise<CustomerCaseView> {
  const { tenantId, row } = await verifyCustomerCase(tx, secrets, input, { lock: true });
  const language = input.language ?? locale;
  const asked = await contactSatisfaction(tx, tenantId, row);
  if (asked?.score !== null && asked?.score !== undefined) throw new Problem(409, 'satisfaction_answered');
  if (!asked || row.state !== 'closed') throw new Problem(409, 'satisfaction_not_asked');
  const channel = asked.channel === 'email' || asked.channel === 'sms' ? asked.channel : 'link';
  const saved = await answerCaseCsat(tx, { tenantId, surveyId: asked.surveyId, caseId: row.id, score: input.score, channel, locale: language, now });
  if (!saved) throw new Problem(409, 'satisfaction_not_asked');
  // Bottom two of the scale, as the feedback subscriber reads a CSAT answer.
  await recordCaseSurveyAnswer(tx, tenantId, {
    caseId: row.id, responseId: saved.responseId, surveyId: asked.surveyId, score: input.score, points: saved.points, negative: isBottomTwo(input.score, 1, saved.points), answeredAt: now,
  }, now);
  return customerCaseView(tx, tenantId, (await repo.findCase(tx, tenantId, row.id))!, language);
}
