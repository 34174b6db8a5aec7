import { scoreRange, type Locale } from '@vafa/contracts';
import type { Database } from '../../platform/db/connect.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { isLocale } from '../../platform/i18n/locale.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import { loadChannelSettings } from '../../platform/messaging/channel-settings.ts';
import { passOnInboundSms } from '../../platform/messaging/inbound-sms.ts';
import { smsProvider, verifyCallbackToken, type InboundSms, type ProviderRequest } from '../../platform/messaging/sms-providers.ts';
import type { Secrets } from '../../platform/messaging/sealed.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { oneClickQuestion } from './invitation.message.ts';
import { latestOpenSmsInvitation } from './invitation.repo.ts';
import { saveResponse, surveyOpen } from './response.service.ts';
import { missingRequired } from './response.validate.ts';
import { liveSurvey } from './survey-version.ts';

/** Why a reply was not recorded, for the log (the provider is answered 200 either way, so it does not resend). */
export type ReplyOutcome =
  | { recorded: true; responseId: string }
  | { recorded: false; reason: 'not_a_score' | 'unknown_sender' | 'no_open_invitation' | 'not_answerable' | 'refused' }
  /** not a survey answer; another module (complaint intake) took it */
  | { recorded: false; reason: 'passed_on'; takenBy: string };

/**
 * A reply that is only a number: "9", "۹", "٩", " 10 ", "9." — digits of any script, with
 * spaces and a trailing mark around them. Anything else is a conversation, not an answer.
 */
export function replyScore(text: string): number | null {
  const match = /^[\s\u200c\u200f\u200e]*(\d{1,2})[\s.!\u06d4\u200c\u200f\u200e]*$/u.exec(toAsciiDigits(text));
  return match ? Number(match[1]) : null;
}

/**
 * A customer's SMS reply to a survey invitation, forwarded by the workspace's provider to
 * `/hooks/sms/{provider}/{token}/inbound`: the token names (and authenticates) the workspace, the
 * provider must be the one it uses and, when it signs (Twilio), must have signed this request.
 * A number from the phone of a customer with an unanswered SMS invitation answers that
 * invitation's first question (the latest invitation, if several); the response is complete
 * when nothing else is required.
 */
export async function receiveSmsReply(database: Database, secrets: Secrets, providerName: string, token: string, request: ProviderRequest): Promise<ReplyOutcome> {
  const tenantId = verifyCallbackToken(secrets, token);
  const provider = smsProvider(providerName);
  if (!tenantId || !provider) throw notFound();
  const config = await loadChannelSettings(database.db, secrets, tenantId, 'sms');
  if (!config || config.provider !== provider.name) throw notFound();
  if (!provider.verifyRequest(request, config)) throw new Problem(403, 'invalid_signature');
  const inbound = provider.parseInbound(request);
  if (!inbound) throw new Problem(400, 'validation_failed', {}, [{ field: 'body', code: 'not_an_sms', message: 'not an incoming SMS' }]);
  const outcome = await answerInvitation(database, tenantId, inbound);
  if (outcome.recorded) return outcome;
  // Not an answer to a pending survey: the message may still be for someone else (a complaint).
  const takenBy = await passOnInboundSms(database, tenantId, { ...inbound, provider: provider.name, receivedAt: new Date() });
  return takenBy ? { recorded: false, reason: 'passed_on', takenBy } : outcome;
}

/** A number from the phone of a customer with an unanswered SMS invitation answers it. */
async function answerInvitation(database: Database, tenantId: string, inbound: InboundSms): Promise<ReplyOutcome> {
  const score = replyScore(inbound.text);
  if (score === null) return { recorded: false, reason: 'not_a_score' };
  const settings = await workspaceSettings(database.db, tenantId);
  const phone = parsePhone(inbound.from, settings.defaultCountry);
  if (!phone) return { recorded: false, reason: 'unknown_sender' };

  return database.db.transaction(async (tx) => {
    const invitation = await latestOpenSmsInvitation(tx, tenantId, phone.e164);
    if (!invitation) return { recorded: false, reason: 'no_open_invitation' } as const;
    const live = await liveSurvey(tx, tenantId, invitation.surveyId);
    const question = live && surveyOpen(live) ? oneClickQuestion(live.definition) : undefined;
    const range = question ? scoreRange(question) : undefined;
    if (!live || !question || !range || score < range.min || score > range.max) return { recorded: false, reason: 'not_answerable' } as const;
    const answers = { [question.id]: { score } };
    const locale: Locale = isLocale(invitation.locale) ? invitation.locale : live.definition.settings.defaultLanguage;
    try {
      // A savepoint: a refused answer (quota reached, already answered) rolls back to here, whole.
      const saved = await tx.transaction((savepoint) => saveResponse(savepoint, {
        tenantId, surveyId: invitation.surveyId, channel: 'sms', locale, answers, invitationId: invitation.id,
        complete: missingRequired(live.definition.questions, answers).length === 0,
      }));
      return { recorded: true, responseId: saved.responseId } as const;
    } catch (error) {
      if (error instanceof Problem) return { recorded: false, reason: 'refused' } as const;
      throw error;
    }
  });
}
