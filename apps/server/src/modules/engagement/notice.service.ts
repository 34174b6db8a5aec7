import { randomUUID } from 'node:crypto';
import type { Locale, TemplateContent } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { queueMessages } from '../../platform/messaging/outbox.ts';
import { SEALED_LINK_PLACEHOLDER, sealedLinkPayload } from '../../platform/messaging/sealed-link.ts';
import type { Secrets } from '../../platform/messaging/sealed.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { reachableChannel } from './automation.actions.ts';
import * as repo from './automation.repo.ts';
import { quietHoursEnd } from './dispatch-guard.ts';
import { policyOf } from './messaging.repo.ts';
import { createTemplate } from './template.service.ts';
import { pickLanguage, renderMessage, templateVariables, type RenderCustomer } from './template.render.ts';

/**
 * Notices: messages another module decides to send one person about something of theirs (a
 * complaint's acknowledgement, its resolution), written with a workspace template, through the
 * person's preferred channel with consent, in their language. Sent as `transactional` (a notice
 * about the customer's own case is no marketing: frequency caps never drop it), but unless it
 * answers the person's own act just now it waits out the workspace's quiet hours in their time
 * zone. A contact who is not a customer (an anonymous complainant) is written to at the address
 * they gave for it.
 */
export type NoticeRecipient =
  | { customerId: string }
  | { contact: { name: string | null; email: string | null; phone: string | null }; prefer?: 'email' | 'sms' };

export interface NoticeRequest {
  to: NoticeRecipient;
  /** the language asked for (the complainant's); else the customer's, else the workspace's */
  language: string | null;
  content: TemplateContent;
  /** values beyond the standard ones (TEMPLATE_VARIABLES), formatted for the language chosen */
  variables: (language: Locale) => Record<string, string>;
  /** a secret link: `{trackingLink}` renders the placeholder and the link travels sealed */
  /** a link kept sealed in the outbox; a function gets the language the message is written in (a page that opens in it) */
  sealedLink?: { secrets: Secrets; url: string | ((language: Locale) => string); variable: string };
  /** false for an answer to the person's own act just now (it goes at once) */
  respectQuietHours: boolean;
  origin: Record<string, unknown>;
  now: Date;
}

export type NoticeOutcome =
  | { status: 'queued'; messageId: string; channel: 'email' | 'sms'; language: Locale }
  | { status: 'skipped'; reason: 'unknown_customer' | 'customer_erased' | 'customer_merged' | 'no_reachable_channel' };

export async function queueNotice(tx: Executor, tenantId: string, request: NoticeRequest): Promise<NoticeOutcome> {
  const settings = await workspaceSettings(tx, tenantId);
  let customerId: string | null = null;
  let channel: 'email' | 'sms' | null;
  let recipient: string;
  let person: RenderCustomer;
  let personLanguage: string | null = null;
  if ('customerId' in request.to) {
    const customer = await repo.loadCustomer(tx, tenantId, request.to.customerId);
    if (!customer) return { status: 'skipped', reason: 'unknown_customer' };
    if (customer.erasedAt) return { status: 'skipped', reason: 'customer_erased' };
    if (customer.mergedInto) return { status: 'skipped', reason: 'customer_merged' };
    channel = reachableChannel(customer, 'preferred');
    if (!channel) return { status: 'skipped', reason: 'no_reachable_channel' };
    customerId = customer.id;
    recipient = (channel === 'email' ? customer.email : customer.phone)!;
    person = customer;
    personLanguage = customer.language;
  } else {
    const { contact, prefer } = request.to;
    const order: ('email' | 'sms')[] = prefer === 'email' ? ['email', 'sms'] : ['sms', 'email'];
    channel = order.find((c) => (c === 'email' ? contact.email : contact.phone)) ?? null;
    if (!channel) return { status: 'skipped', reason: 'no_reachable_channel' };
    recipient = (channel === 'email' ? contact.email : contact.phone)!;
    person = { name: contact.name, birthday: null, attributes: {}, timeZone: null };
  }
  const wanted = request.language ?? personLanguage;
  const language = pickLanguage(request.content, wanted, settings.defaultLanguage);
  const workspace = { name: settings.name, irrDisplay: settings.irrDisplay, timeZone: settings.timeZone, calendar: settings.calendar };
  const values = { ...templateVariables(language, person, workspace, null, request.now), ...request.variables(language) };
  if (request.sealedLink) values[request.sealedLink.variable] = SEALED_LINK_PLACEHOLDER;
  const message = renderMessage(request.content, language, values);
  let notBefore: Date | undefined;
  if (request.respectQuietHours) {
    const policy = await policyOf(tx, tenantId);
    notBefore = quietHoursEnd(request.now, knownZone(person.timeZone) ?? settings.timeZone, policy.quietFrom, policy.quietTo) ?? undefined;
  }
  const id = randomUUID();
  const isEmail = channel === 'email';
  await queueMessages(tx, tenantId, [{
    id, customerId, channel, recipient, locale: language,
    subject: isEmail ? message.subject : null,
    bodyText: isEmail ? message.text : message.sms,
    bodyHtml: isEmail ? message.html : null,
    payload: request.sealedLink ? sealedLinkPayload(request.sealedLink.secrets, typeof request.sealedLink.url === 'function' ? request.sealedLink.url(language) : request.sealedLink.url) : null,
    purpose: 'transactional',
    ...(notBefore ? { notBefore } : {}),
    origin: request.origin,
  }]);
  return { status: 'queued', messageId: id, channel, language };
}

function knownZone(zone: string | null): string | null {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}

/** A template's content, or undefined when the workspace deleted it. */
export async function noticeTemplateContent(db: Executor, tenantId: string, templateId: string): Promise<TemplateContent | undefined> {
  const row = await repo.findTemplate(db, tenantId, templateId);
  return row ? (row.content as TemplateContent) : undefined;
}

/** Saves a module's default notice wording as an ordinary template the workspace can edit; returns its id. */
export async function createNoticeTemplate(tx: Executor, tenantId: string, name: string, content: TemplateContent): Promise<string> {
  return (await createTemplate(tx, tenantId, null, { name, content })).id;
}
