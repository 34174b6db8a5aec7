import { randomBytes, randomUUID } from 'node:crypto';
import type {
  CreatedWebhookEndpoint, CreateWebhookEndpoint, CustomerMessagesQuery, EmailChannelSettings, EmailChannelView, MessageDetailView, MessageListQuery, MessagePage,
  MessageView, MessagingPolicy, SmsChannelSettings, SmsChannelView, TestMessageResult, WebhookEndpointView,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/connect.ts';
import { forgetWebhookEndpoint, loadChannelSettings, saveChannelSettings, type ChannelSettingsInput } from '../../platform/messaging/channel-settings.ts';
import { recordDeliveryReports, retryMessage, sendTestMessage } from '../../platform/messaging/dispatcher.ts';
import { smsProvider, verifyCallbackToken, type ProviderRequest } from '../../platform/messaging/sms-providers.ts';
import { sealSecret, type Secrets } from '../../platform/messaging/sealed.ts';
import { CONNECT_FAILURES } from '../../platform/messaging/outbound-failure.ts';
import { checkOutboundTarget, OutboundRefused, type OutboundAllowList } from '../../platform/net/index.ts';
import { verifyUnsubscribeToken } from '../../platform/messaging/tokens.ts';
import {
  applyConsent, normalisePhone, registerCustomerDataExporter, registerEraseHook, registerMergeHook, type ConsentState,
} from '../customers/index.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { recordMessageStatus } from './message-timeline.ts';
import * as repo from './messaging.repo.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// Messages hold addresses and contents: they follow a merge, lose both on erasure, and are part of the customer's data export.
registerMergeHook(repo.moveMessages);
registerEraseHook(repo.eraseMessagesOf);
registerCustomerDataExporter('messages', repo.messagesOf);

/** Who changed it and from where, for the audit log. */
export interface AuditContext {
  actor: Actor;
  ip: string;
}

// ---- channels ----

/**
 * Refuses, at save time, a host or URL the outbound guard would refuse at connect time
 * (loopback, private, link-local, metadata...), with a field error naming why. A name that
 * does not resolve from here is accepted: the guard checks again on every connection.
 */
export async function assertOutboundAllowed(field: string, hostOrUrl: string, allow: OutboundAllowList): Promise<void> {
  try {
    await checkOutboundTarget(hostOrUrl, undefined, { allow });
  } catch (err) {
    if (!(err instanceof OutboundRefused)) return;
    const code = `outbound_${err.reason}`;
    throw new Problem(422, 'outbound_refused', {}, [{ field, code, message: code }]);
  }
}

interface StoredEmail {
  host?: string;
  port?: number;
  secure?: boolean;
  user?: string;
  fromName?: string;
  fromAddress?: string;
  replyTo?: string;
}

export async function emailChannel(db: Executor, tenantId: string): Promise<EmailChannelView> {
  const row = await repo.findChannel(db, tenantId, 'email');
  const s = (row?.settings ?? {}) as StoredEmail;
  return {
    channel: 'email',
    configured: row !== undefined,
    host: s.host ?? null,
    port: s.port ?? null,
    secure: s.secure ?? false,
    user: s.user ?? null,
    passwordSet: Boolean(row?.secretSealed),
    fromName: s.fromName ?? null,
    fromAddress: s.fromAddress ?? null,
    replyTo: s.replyTo ?? null,
    enabled: row?.enabled ?? false,
    updatedAt: iso(row?.updatedAt ?? null),
  };
}

/** Leaves out the nulls: the stored settings use absent keys for "none". */
function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}

export async function saveEmailChannel(
  tx: Executor, secrets: Secrets, allow: OutboundAllowList, tenantId: string, input: EmailChannelSettings, audit: AuditContext,
): Promise<EmailChannelView> {
  await assertOutboundAllowed('host', input.host, allow);
  const { password, enabled, ...settings } = input;
  await saveChannelSettings(tx, secrets, tenantId, {
    channel: 'email', provider: 'smtp', settings: compact(settings) as Extract<ChannelSettingsInput, { channel: 'email' }>['settings'], secret: password, enabled,
  });
  await recordAudit(tx, tenantId, audit.actor, {
    action: 'messaging.channel_changed', targetType: 'message_channel', targetId: 'email', ip: audit.ip,
    details: { host: input.host, port: input.port, fromAddress: input.fromAddress, enabled, passwordChanged: password !== undefined },
  });
  return emailChannel(tx, tenantId);
}

interface StoredSms {
  baseUrl?: string;
  sender?: string;
  from?: string;
  accountSid?: string;
}

export async function smsChannel(db: Executor, tenantId: string): Promise<SmsChannelView> {
  const row = await repo.findChannel(db, tenantId, 'sms');
  const s = (row?.settings ?? {}) as StoredSms;
  const provider = row?.provider === 'kavenegar' || row?.provider === 'twilio' ? row.provider : null;
  return {
    channel: 'sms',
    configured: row !== undefined,
    provider,
    baseUrl: s.baseUrl ?? null,
    sender: (provider === 'twilio' ? s.from : s.sender) ?? null,
    accountSid: s.accountSid ?? null,
    secretSet: Boolean(row?.secretSealed),
    enabled: row?.enabled ?? false,
    updatedAt: iso(row?.updatedAt ?? null),
  };
}

export async function saveSmsChannel(
  tx: Executor, secrets: Secrets, allow: OutboundAllowList, tenantId: string, input: SmsChannelSettings, audit: AuditContext,
): Promise<SmsChannelView> {
  if (input.baseUrl) await assertOutboundAllowed('baseUrl', input.baseUrl, allow);
  const secret = input.provider === 'kavenegar' ? input.apiKey : input.authToken;
  const current = await repo.findChannel(tx, tenantId, 'sms');
  // A stored key belongs to the provider it was given for: switching providers needs a new one.
  if (secret === undefined && (!current?.secretSealed || current.provider !== input.provider)) {
    const field = input.provider === 'kavenegar' ? 'apiKey' : 'authToken';
    throw new Problem(422, 'channel_secret_required', {}, [{ field, code: 'channel_secret_required', message: 'channel_secret_required' }]);
  }
  const settings: ChannelSettingsInput = input.provider === 'kavenegar'
    ? { channel: 'sms', provider: 'kavenegar', settings: compact({ baseUrl: input.baseUrl, sender: input.sender }) }
    : { channel: 'sms', provider: 'twilio', settings: { ...compact({ baseUrl: input.baseUrl }), accountSid: input.accountSid, from: input.sender } };
  await saveChannelSettings(tx, secrets, tenantId, { ...settings, secret, enabled: input.enabled });
  await recordAudit(tx, tenantId, audit.actor, {
    action: 'messaging.channel_changed', targetType: 'message_channel', targetId: 'sms', ip: audit.ip,
    details: { provider: input.provider, sender: input.sender, enabled: input.enabled, secretChanged: secret !== undefined },
  });
  return smsChannel(tx, tenantId);
}

/** What sending through a workspace's channel needs from the process. */
export interface SendingDeps {
  database: Database;
  secrets: Secrets;
  publicUrl: string;
  log: Logger;
  outboundAllow: OutboundAllowList;
}

const TEST_TEXT = {
  fa: { subject: 'پیام آزمایشی وفا', body: 'این یک پیام آزمایشی از وفا است. اگر آن را می‌بینید، کانال درست کار می‌کند.' },
  ar: { subject: 'رسالة تجريبية من وفا', body: 'هذه رسالة تجريبية من وفا. إذا كنت تراها فالقناة تعمل بشكل صحيح.' },
  en: { subject: 'Vafa test message', body: 'This is a test message from Vafa. If you can read it, the channel works.' },
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Sends a transactional test through the workspace's channel now, outside the outbox, in the
 * workspace's language; the answer says what the server or provider made of it.
 */
export async function sendChannelTest(
  tx: Executor, deps: SendingDeps, tenantId: string, channel: 'email' | 'sms', to: string, audit: AuditContext,
): Promise<TestMessageResult> {
  const settings = await workspaceSettings(tx, tenantId);
  let recipient: string;
  if (channel === 'email') {
    recipient = to.toLowerCase();
    if (!EMAIL.test(recipient)) throw new Problem(422, 'invalid_email', {}, [{ field: 'to', code: 'invalid_email', message: 'invalid_email' }]);
  } else {
    recipient = normalisePhone(to, settings.defaultCountry, 'to');
  }
  const stored = await repo.findChannel(tx, tenantId, channel);
  if (!stored?.enabled) throw new Problem(409, 'channel_not_configured');
  const locale = asLocale(settings.defaultLanguage);
  const text = TEST_TEXT[locale];
  const outcome = await sendTestMessage(deps, tenantId, { channel, recipient, locale, subject: text.subject, bodyText: text.body });
  await recordAudit(tx, tenantId, audit.actor, {
    action: 'messaging.test_sent', targetType: 'message_channel', targetId: channel, ip: audit.ip, details: { outcome: outcome.kind },
  });
  if (outcome.kind === 'sent') return { sent: true, provider: outcome.provider, providerMessageId: outcome.providerMessageId, reason: null, detail: null };
  // The connection failed: say which way, in the user's language. What the remote end said (a
  // banner, an error page) is in the server log only, so this form cannot read internal ports.
  if (CONNECT_FAILURES.has(outcome.reason)) throw connectProblem(channel, outcome.reason, outcome.detail);
  return { sent: false, provider: null, providerMessageId: null, reason: outcome.reason, detail: null };
}

/** The problem for a send that failed to connect: one code per way it failed, never remote text. */
function connectProblem(channel: 'email' | 'sms', reason: string, detail: string | undefined): Problem {
  if (reason === 'outbound_refused') {
    const code = `outbound_${detail ?? 'private'}`;
    return new Problem(422, 'outbound_refused', {}, [{ field: channel === 'email' ? 'host' : 'baseUrl', code, message: code }]);
  }
  if (reason === 'smtp_auth_failed' || reason === 'tls_failed' || reason === 'smtp_protocol' || reason === 'outbound_timeout') return new Problem(422, reason);
  if (reason.endsWith('_timeout')) return new Problem(422, 'outbound_timeout');
  return new Problem(422, 'outbound_unreachable');
}

// ---- webhook endpoints ----

function presentEndpoint(row: repo.WebhookEndpointRow): WebhookEndpointView {
  return { id: row.id, name: row.name, url: row.url, enabled: row.enabled, createdAt: row.createdAt.toISOString() };
}

export async function webhookEndpoints(db: Executor, tenantId: string): Promise<WebhookEndpointView[]> {
  return (await repo.listWebhookEndpoints(db, tenantId)).map(presentEndpoint);
}

/** The signing secret in Standard Webhooks form (`whsec_` + base64 of 24 random bytes), shown once. */
export async function createWebhookEndpoint(
  tx: Executor, secrets: Secrets, allow: OutboundAllowList, tenantId: string, input: CreateWebhookEndpoint, audit: AuditContext,
): Promise<CreatedWebhookEndpoint> {
  await assertOutboundAllowed('url', input.url, allow);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const row = await repo.insertWebhookEndpoint(tx, { tenantId, id: randomUUID(), name: input.name, url: input.url, secretSealed: sealSecret(secrets, secret) });
  await recordAudit(tx, tenantId, audit.actor, {
    action: 'messaging.webhook_created', targetType: 'webhook_endpoint', targetId: row.id, ip: audit.ip, details: { name: input.name, url: input.url },
  });
  return { ...presentEndpoint(row), secret };
}

export async function deleteWebhookEndpoint(tx: Executor, tenantId: string, id: string, audit: AuditContext): Promise<void> {
  const row = await repo.deleteWebhookEndpoint(tx, tenantId, id);
  if (!row) throw notFound();
  forgetWebhookEndpoint(tenantId, id);
  await recordAudit(tx, tenantId, audit.actor, {
    action: 'messaging.webhook_deleted', targetType: 'webhook_endpoint', targetId: id, ip: audit.ip, details: { name: row.name, url: row.url },
  });
}

// ---- policy ----

/** Quiet hours are stored as two local times; equal ones mean none. */
export async function messagingPolicy(db: Executor, tenantId: string): Promise<MessagingPolicy> {
  const row = await repo.policyOf(db, tenantId);
  return {
    quietHours: row.quietFrom === row.quietTo ? null : { from: row.quietFrom, to: row.quietTo },
    frequencyCap: { count: row.capCount, periodHours: row.capPeriodHours },
    ratePerMinute: row.ratePerMinute,
  };
}

export async function saveMessagingPolicy(tx: Executor, tenantId: string, input: MessagingPolicy, audit: AuditContext): Promise<MessagingPolicy> {
  await repo.savePolicy(tx, tenantId, {
    quietFrom: input.quietHours?.from ?? '00:00',
    quietTo: input.quietHours?.to ?? '00:00',
    capCount: input.frequencyCap.count,
    capPeriodHours: input.frequencyCap.periodHours,
    ratePerMinute: input.ratePerMinute,
  }, new Date());
  await recordAudit(tx, tenantId, audit.actor, { action: 'messaging.policy_changed', targetType: 'messaging_policy', ip: audit.ip, details: { ...input } });
  return messagingPolicy(tx, tenantId);
}

// ---- messages ----

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !at || !id || !INSTANT.test(at) || !UUID.test(id) || Number.isNaN(Date.parse(at))) return null;
  return { at, id };
}

export function presentMessage(row: repo.MessageRow): MessageView {
  return {
    id: row.id,
    customerId: row.customerId,
    channel: row.channel as MessageView['channel'],
    recipient: row.recipient,
    locale: row.locale,
    subject: row.subject,
    purpose: row.purpose as MessageView['purpose'],
    status: row.status as MessageView['status'],
    reason: row.reason,
    attempts: row.attempts,
    provider: row.provider,
    origin: row.origin as Record<string, unknown>,
    // A failure the provider reported is final for that send: its next attempt is 'infinity'.
    nextAttemptAt: Number.isFinite(row.nextAttemptAt.getTime()) ? row.nextAttemptAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    sentAt: iso(row.sentAt),
    deliveredAt: iso(row.deliveredAt),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listMessages(db: Executor, tenantId: string, query: MessageListQuery): Promise<MessagePage> {
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (before === null) throw new Problem(400, 'invalid_cursor');
  const rows = await repo.listMessages(db, tenantId, query, before, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page.map(presentMessage), nextCursor: rows.length > query.limit && last ? encodeCursor(last.cursorAt, last.id) : null };
}

/** 404 unless the customer is in this workspace (a merged or erased one keeps its messages). */
export async function customerMessages(db: Executor, tenantId: string, customerId: string, query: CustomerMessagesQuery): Promise<MessagePage> {
  if (!(await repo.customerExists(db, tenantId, customerId))) throw notFound();
  return listMessages(db, tenantId, { ...query, customerId });
}

export async function getMessage(db: Executor, tenantId: string, id: string): Promise<MessageDetailView> {
  const row = await repo.findMessage(db, tenantId, id);
  if (!row) throw notFound();
  return { ...presentMessage(row), detail: row.detail, providerMessageId: row.providerMessageId, bodyText: row.bodyText, bodyHtml: row.bodyHtml };
}

/** Back in the queue to go now: only a failed or dead message (409 otherwise). */
export async function retry(tx: Executor, tenantId: string, id: string): Promise<MessageDetailView> {
  const row = await repo.findMessage(tx, tenantId, id);
  if (!row) throw notFound();
  if (!(await retryMessage(tx, tenantId, id))) throw new Problem(409, 'message_not_retryable', { status: row.status });
  return getMessage(tx, tenantId, id);
}

// ---- delivery reports ----

/**
 * An SMS provider's delivery report: the path token names (and authenticates) the workspace,
 * the provider must be the one the workspace uses, and a provider that signs its callbacks
 * (Twilio) must have signed this one. Forged or misdirected reports write nothing.
 */
export async function receiveDeliveryReport(db: Executor, secrets: Secrets, providerName: string, token: string, request: ProviderRequest): Promise<number> {
  const tenantId = verifyCallbackToken(secrets, token);
  const provider = smsProvider(providerName);
  if (!tenantId || !provider) throw notFound();
  const config = await loadChannelSettings(db, secrets, tenantId, 'sms');
  if (!config || config.provider !== provider.name) throw notFound();
  if (!provider.verifyRequest(request, config)) throw new Problem(403, 'invalid_signature');
  return recordDeliveryReports(db, tenantId, provider.parseDeliveryReport(request), recordMessageStatus);
}

// ---- unsubscribe ----

export interface UnsubscribeTarget {
  tenantId: string;
  customerId: string;
  channel: string;
  messageId: string;
  locale: 'fa' | 'ar' | 'en';
}

const asLocale = (value: string | null | undefined): UnsubscribeTarget['locale'] => (value === 'fa' || value === 'ar' ? value : value === 'en' ? 'en' : 'fa');

/** What a link stands for, with the language of the message that carried it; 404 for a forged or unknown link. */
export async function unsubscribeTarget(db: Executor, secrets: Secrets, token: string): Promise<UnsubscribeTarget> {
  const claim = verifyUnsubscribeToken(secrets, token);
  if (!claim) throw notFound();
  const message = await repo.findMessage(db, claim.tenantId, claim.messageId);
  // A link is only valid for the customer the message was addressed to.
  if (!message || message.customerId !== claim.customerId) throw notFound();
  return { ...claim, locale: asLocale(message.locale.slice(0, 2)) };
}

/**
 * One-click unsubscribe (RFC 8058): withdraws consent for the link's channel with source
 * 'unsubscribe', recorded in the consent history. Idempotent: a second click changes nothing.
 * A customer merged since has their choice applied to the survivor; an erased one needs none.
 */
export async function unsubscribe(tx: Executor, target: UnsubscribeTarget): Promise<void> {
  let holder = await repo.lockConsentHolder(tx, target.tenantId, target.customerId);
  for (let hops = 0; holder?.mergedInto && hops < 5; hops++) holder = await repo.lockConsentHolder(tx, target.tenantId, holder.mergedInto);
  if (!holder || holder.erasedAt || holder.mergedInto) return;
  const now = new Date();
  const { state, events } = applyConsent(holder.consent as ConsentState, { [target.channel]: { granted: false, source: 'unsubscribe' } }, now, holder.id, null);
  if (events.length === 0) return;
  await repo.writeConsent(tx, target.tenantId, holder.id, state as repo.ConsentHolder['consent'], events, now);
  await publishEvent(tx, target.tenantId, 'customer.updated', { customerId: holder.id, fields: ['consent'] });
}

const UNSUBSCRIBE_TEXT = {
  fa: {
    title: 'لغو اشتراک',
    ask: { email: 'دیگر ایمیلی از ما نمی‌خواهید؟', sms: 'دیگر پیامکی از ما نمی‌خواهید؟', webhook: 'دیگر پیامی از ما نمی‌خواهید؟' },
    confirm: 'بله، لغو اشتراک',
    done: { email: 'اشتراک ایمیل شما لغو شد. دیگر ایمیلی برایتان نمی‌فرستیم.', sms: 'اشتراک پیامک شما لغو شد. دیگر پیامکی برایتان نمی‌فرستیم.', webhook: 'اشتراک شما لغو شد.' },
  },
  ar: {
    title: 'إلغاء الاشتراك',
    ask: { email: 'ألا تريد تلقي رسائل بريد إلكتروني منا بعد الآن؟', sms: 'ألا تريد تلقي رسائل نصية منا بعد الآن؟', webhook: 'ألا تريد تلقي رسائل منا بعد الآن؟' },
    confirm: 'نعم، ألغِ الاشتراك',
    done: { email: 'تم إلغاء اشتراكك في البريد الإلكتروني. لن نرسل إليك رسائل بعد الآن.', sms: 'تم إلغاء اشتراكك في الرسائل النصية. لن نرسل إليك رسائل بعد الآن.', webhook: 'تم إلغاء اشتراكك.' },
  },
  en: {
    title: 'Unsubscribe',
    ask: { email: 'Stop receiving e-mail from us?', sms: 'Stop receiving text messages from us?', webhook: 'Stop receiving messages from us?' },
    confirm: 'Yes, unsubscribe',
    done: { email: 'You are unsubscribed from our e-mail. We will not write to you again.', sms: 'You are unsubscribed from our text messages. We will not text you again.', webhook: 'You are unsubscribed.' },
  },
} as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The page behind an unsubscribe link: a question with a confirm button (a GET must not
 * unsubscribe, mail scanners follow links), or the confirmation after the POST. No script,
 * inline style only, so the strict CSP holds.
 */
export function unsubscribePage(target: UnsubscribeTarget, token: string, state: 'ask' | 'done'): string {
  const t = UNSUBSCRIBE_TEXT[target.locale];
  const channel = (target.channel === 'sms' || target.channel === 'webhook' ? target.channel : 'email') as 'email' | 'sms' | 'webhook';
  const dir = target.locale === 'en' ? 'ltr' : 'rtl';
  const body = state === 'ask'
    ? `<p>${escapeHtml(t.ask[channel])}</p>
<form method="post" action="/u/${encodeURIComponent(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(t.confirm)}</button>
</form>`
    : `<p>${escapeHtml(t.done[channel])}</p>`;
  return `<!doctype html>
<html lang="${target.locale}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(t.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.6}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style>
</head>
<body><main><h1>${escapeHtml(t.title)}</h1>
${body}
</main></body></html>`;
}
