import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CreateSurveyInvitation, Locale, SurveyInvitationView } from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import { queueMessages, type NewMessage } from '../../platform/messaging/outbox.ts';
import { sealedLinkPayload } from '../../platform/messaging/sealed-link.ts';
import type { Secrets } from '../../platform/messaging/sealed.ts';
import { reachableRecipients, type Reachable } from '../engagement/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { invitationEmail, invitationLocale, invitationSms } from './invitation.message.ts';
import * as repo from './invitation.repo.ts';
import { surveyOpen } from './response.service.ts';
import { claimContacts, recontactCutoff, surveyPolicy } from './survey-policy.ts';
import { newSurveyToken } from './survey-token.ts';
import { liveSurvey, type LiveSurvey } from './survey-version.ts';
import { surveys } from './survey.schema.ts';

/** What issuing links needs from the process: the instance key (to seal links) and the public address. */
export interface IssuerContext {
  database: Database;
  secrets: Secrets;
  /** no trailing slash */
  publicUrl: string;
}

export const surveyLink = (publicUrl: string, token: string) => `${publicUrl}/s/${token}`;

/** 409 unless the survey is live and open: nobody is invited to a draft or a closed survey. */
export async function openSurvey(db: Executor, tenantId: string, surveyId: string, now: Date): Promise<LiveSurvey> {
  const live = await liveSurvey(db, tenantId, surveyId);
  if (!live) {
    if (await surveyExists(db, tenantId, surveyId)) throw new Problem(409, 'survey_not_live');
    throw new Problem(404, 'not_found');
  }
  if (!surveyOpen(live, now)) throw new Problem(409, live.status === 'draft' ? 'survey_not_live' : 'survey_closed');
  return live;
}

export async function surveyExists(db: Executor, tenantId: string, surveyId: string): Promise<boolean> {
  const [row] = await db.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId)));
  return row !== undefined;
}

function checkHidden(live: LiveSurvey, hidden: Record<string, string> | undefined): Record<string, string> {
  const declared = new Set(live.definition.settings.hiddenFields);
  for (const name of Object.keys(hidden ?? {})) {
    if (!declared.has(name)) throw invalidField(`hidden.${name}`, 'unknown_hidden_field', { name });
  }
  return hidden ?? {};
}

/**
 * A personal invitation made by hand (or by an integration). `link` answers with the link, once,
 * for the caller to hand over; the customer counts as asked now. E-mail and SMS are sent like a
 * distribution's, through the outbox, and respect the recontact limit (409 recontact_limit).
 */
export async function createInvitation(
  tx: Executor, publicUrl: string, tenantId: string, surveyId: string, input: CreateSurveyInvitation, now = new Date(),
): Promise<SurveyInvitationView> {
  const live = await openSurvey(tx, tenantId, surveyId, now);
  const hidden = checkHidden(live, input.hidden);
  const context = Object.fromEntries(Object.entries(input.context ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const target = (await reachableRecipients(tx, tenantId, [input.customerId], input.channel === 'link' ? 'preferred' : input.channel)).get(input.customerId)!;
  if (!target.reachable && target.reason !== 'no_reachable_channel') throw invalidField('customerId', 'unknown_customer');
  const id = randomUUID();
  if (input.channel === 'link') {
    await claimContacts(tx, tenantId, [input.customerId], now, now);
    await repo.insertInvitations(tx, tenantId, [{ id, surveyId, customerId: input.customerId, distributionId: null, wave: 1, channel: 'link', context, hidden, sentAt: now }], now);
    const token = newSurveyToken();
    await repo.insertInvitationTokens(tx, [{ token, tenantId, invitationId: id, surveyId }]);
    return { id, surveyId, customerId: input.customerId, channel: 'link', createdAt: now.toISOString(), link: surveyLink(publicUrl, token) };
  }
  if (!target.reachable) throw invalidField('channel', 'customer_unreachable');
  const allowed = await claimContacts(tx, tenantId, [input.customerId], now, recontactCutoff(await surveyPolicy(tx, tenantId), now));
  if (!allowed.has(input.customerId)) throw new Problem(409, 'recontact_limit');
  await repo.insertInvitations(tx, tenantId, [{ id, surveyId, customerId: input.customerId, distributionId: null, wave: 1, channel: target.channel, context, hidden, sentAt: null }], now);
  return { id, surveyId, customerId: input.customerId, channel: target.channel, createdAt: now.toISOString() };
}

/**
 * Issues decided invitations (or reminders of them): a fresh token each, the message in the
 * customer's language with the link sealed, queued in the outbox (purpose `automated`, so the
 * dispatch guard applies consent, quiet hours and caps). Returns the message id per invitation;
 * null when none could go (survey closed meanwhile, customer no longer reachable by that channel).
 */
async function issue(
  tx: Executor, ctx: IssuerContext, tenantId: string, items: repo.PendingInvitation[], reminder: boolean, now: Date,
): Promise<Map<string, string | null>> {
  const outcome = new Map<string, string | null>();
  const settings = await workspaceSettings(tx, tenantId);
  const policy = await surveyPolicy(tx, tenantId);
  const versions = new Map<string, LiveSurvey | undefined>();
  const reach = new Map<string, Reachable>();
  for (const channel of ['email', 'sms'] as const) {
    const ids = [...new Set(items.filter((i) => i.channel === channel).map((i) => i.customerId))];
    for (const [id, r] of await reachableRecipients(tx, tenantId, ids, channel)) if (r.reachable) reach.set(`${channel}:${id}`, r);
  }
  const messages: NewMessage[] = [];
  const tokens: Parameters<typeof repo.insertInvitationTokens>[1] = [];
  for (const item of items) {
    if (!versions.has(item.surveyId)) versions.set(item.surveyId, await liveSurvey(tx, tenantId, item.surveyId));
    const live = versions.get(item.surveyId);
    const to = reach.get(`${item.channel}:${item.customerId}`);
    if (!live || !surveyOpen(live, now) || !to) {
      outcome.set(item.id, null);
      continue;
    }
    const locale: Locale = invitationLocale(live.definition, to.language);
    const token = newSurveyToken();
    tokens.push({ token, tenantId, invitationId: item.id, surveyId: item.surveyId });
    const input = { locale, workspaceName: settings.name, customerName: to.name, survey: live.definition, reminder, smsReplies: policy.smsReplies };
    const messageId = randomUUID();
    const origin = { surveyId: item.surveyId, invitationId: item.id, distributionId: item.distributionId, wave: item.wave, ...(reminder ? { reminder: true } : {}) };
    if (item.channel === 'email') {
      const mail = invitationEmail(input);
      messages.push({
        id: messageId, customerId: item.customerId, channel: 'email', recipient: to.recipient, locale, subject: mail.subject, bodyText: mail.text, bodyHtml: mail.html,
        payload: sealedLinkPayload(ctx.secrets, surveyLink(ctx.publicUrl, token)), purpose: 'automated', origin,
      });
    } else {
      messages.push({
        id: messageId, customerId: item.customerId, channel: 'sms', recipient: to.recipient, locale, bodyText: invitationSms(input),
        payload: sealedLinkPayload(ctx.secrets, surveyLink(ctx.publicUrl, token)), purpose: 'automated', origin,
      });
    }
    outcome.set(item.id, messageId);
  }
  await repo.insertInvitationTokens(tx, tokens);
  await queueMessages(tx, tenantId, messages);
  return outcome;
}

function byTenant<T extends { tenantId: string }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.tenantId, [...(groups.get(item.tenantId) ?? []), item]);
  return groups;
}

/** One batch of decided e-mail and SMS invitations issued; returns how many were claimed. */
export async function issuePendingInvitations(ctx: IssuerContext, now = new Date(), limit = 200): Promise<number> {
  return ctx.database.db.transaction(async (tx) => {
    const pending = await repo.claimPendingInvitations(tx, limit);
    for (const [tenantId, items] of byTenant(pending)) {
      const issued = await issue(tx, ctx, tenantId, items, false, now);
      await repo.markIssued(tx, tenantId, items.map((i) => ({ id: i.id, messageId: issued.get(i.id) ?? null })), now);
    }
    return pending.length;
  });
}

/** One batch of due reminders sent (a fresh link to the same invitation); returns how many were claimed. */
export async function sendDueReminders(ctx: IssuerContext, now = new Date(), limit = 200): Promise<number> {
  return ctx.database.db.transaction(async (tx) => {
    const due = await repo.claimDueReminders(tx, now, limit);
    for (const [tenantId, items] of byTenant(due)) {
      await issue(tx, ctx, tenantId, items, true, now);
      // Counted even when it could not go (survey closed): it is not retried.
      await repo.markReminded(tx, tenantId, items.map((i) => i.id), now);
    }
    return due.length;
  });
}
