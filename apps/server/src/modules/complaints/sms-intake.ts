// Complaints by SMS: the provider's inbound messages reach the survey replies first (an answer to
// a pending survey invitation stays a survey answer); what they pass on comes here. When the
// workspace takes complaints by SMS, a message opens a case for that phone (linked to the customer
// with that E.164 number, if any) or joins that number's open case within the thread window.
import type { Database } from '../../platform/db/connect.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import type { InboundSms } from '../../platform/messaging/sms-providers.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { normaliseMessageId, receiveComplaintMessage, type IntakeOutcome } from './case-intake.service.ts';
import { intakeSettings } from './complaint-intake.repo.ts';

/** A text opens a case only when it says something: a bare number or "ok" is a stray survey answer. */
export const opensCase = (text: string) => (text.match(/\p{L}/gu)?.length ?? 0) >= 3;

export async function receiveComplaintSms(database: Database, tenantId: string, sms: InboundSms & { provider: string; receivedAt: Date }): Promise<IntakeOutcome | undefined> {
  const settings = await intakeSettings(database.db, tenantId);
  if (!settings.smsEnabled) return undefined;
  const workspace = await workspaceSettings(database.db, tenantId);
  const phone = parsePhone(sms.from, workspace.defaultCountry);
  if (!phone) return undefined;
  const text = sms.text.slice(0, 5000);
  return database.db.transaction((tx) => receiveComplaintMessage(tx, tenantId, {
    channel: 'sms', from: phone.e164, to: null, subject: null, text, receivedAt: sms.receivedAt,
    // The provider's id makes a resent webhook harmless.
    messageId: sms.providerMessageId ? normaliseMessageId(`sms.${sms.provider}.${sms.providerMessageId}@provider`) : undefined,
  }, { mayOpen: opensCase(text) }));
}

/** For platform/messaging's inbound SMS registry: taken when recorded (opened, threaded, or a resend). */
export async function takeComplaintSms(database: Database, tenantId: string, sms: InboundSms & { provider: string; receivedAt: Date }): Promise<boolean> {
  const outcome = await receiveComplaintSms(database, tenantId, sms);
  return outcome !== undefined && outcome.kind !== 'ignored';
}
