// A message from a complainant, by e-mail or SMS: thread it onto its case, or open a new case and
// acknowledge it at once. One transaction per message, serialised per sender, so a mail and its
// sender's own follow-up arriving together cannot open two cases.
import { randomUUID } from 'node:crypto';
import { COMPLAINT_ATTACHMENT_MAX_FILES, COMPLAINT_DESCRIPTION_MAX, type Locale } from '@vafa/contracts';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { messageIdHeader } from '../../platform/messaging/email.channel.ts';
import { queueMessages } from '../../platform/messaging/outbox.ts';
import { customers } from '../customers/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { storeAttachments, type IncomingFile } from './attachments.service.ts';
import { applyStep, receiveComplaint } from './complaint.service.ts';
import * as repo from './complaint.repo.ts';
import * as intake from './complaint-intake.repo.ts';
import { survivingCaseId } from './complaint-intake.repo.ts';
import { ACK_WORDS, languageOfText } from './intake.words.ts';
import { formatTrackingCodeFor, parseTrackingCode, type TrackingCode } from './tracking-code.ts';

export interface InboundMessage {
  channel: 'email' | 'sms';
  /** the sender: an e-mail address (lower case) or an E.164 phone */
  from: string;
  to: string | null;
  fromName?: string | undefined;
  subject: string | null;
  text: string;
  /** this mail's Message-ID, normalised (normaliseMessageId) */
  messageId?: string | undefined;
  /** In-Reply-To then References, normalised, most recent first */
  references?: string[];
  attachments?: IncomingFile[];
  receivedAt: Date;
}

export type ThreadedBy = 'headers' | 'code' | 'sender';
export type IntakeOutcome =
  | { kind: 'opened'; caseId: string; trackingCode: string }
  | { kind: 'threaded'; caseId: string; by: ThreadedBy }
  | { kind: 'duplicate'; caseId: string }
  | { kind: 'ignored'; reason: 'empty' | 'automated' };

/** `<Abc@Host>` → `abc@host`; undefined when it is not one. */
export function normaliseMessageId(value: string | undefined | null): string | undefined {
  const text = (value ?? '').trim().replace(/^<|>$/g, '').trim().toLowerCase();
  if (text.length === 0 || text.length > 500 || /[\s<>]/.test(text)) return undefined;
  return text;
}

/** Message-IDs in an In-Reply-To or References header, in order. */
export function messageIdsIn(header: string | string[] | undefined | null): string[] {
  const text = Array.isArray(header) ? header.join(' ') : (header ?? '');
  const ids = [...text.slice(0, 20_000).matchAll(/<([^<>\s]{1,500})>/g)].map((m) => normaliseMessageId(m[1])).filter((id): id is string => id !== undefined);
  return ids.length > 0 ? ids : text.split(/\s+/).map(normaliseMessageId).filter((id): id is string => id !== undefined && id.includes('@'));
}

/**
 * Tracking codes in a subject, in any digit system and grouping ("۱۲۳۴-۵۶۷۸ …", "#1234 5678…"):
 * every run of digits joined by spaces, dashes or dots that parses as a code (check digit and all).
 */
export function trackingCodesIn(subject: string | null): TrackingCode[] {
  const text = toAsciiDigits((subject ?? '').slice(0, 2000)).replace(/\p{Cf}/gu, '');
  const codes: TrackingCode[] = [];
  for (const [run] of text.matchAll(/\d(?:[\d\s.\-\u2010-\u2015]{0,60}\d)?/g)) {
    const parsed = parseTrackingCode(run);
    if (parsed.ok && !codes.includes(parsed.code)) codes.push(parsed.code);
  }
  return codes;
}

async function matchingCustomer(tx: Executor, tenantId: string, message: InboundMessage): Promise<string | undefined> {
  const byContact = message.channel === 'email' ? eq(customers.email, message.from) : eq(customers.phone, message.from);
  const [row] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), byContact, isNull(customers.mergedInto), isNull(customers.erasedAt)))
    .limit(1);
  return row?.id;
}

/** Whether the sender is the case's complainant (its own contact, or its customer's). */
async function senderOwnsCase(tx: Executor, tenantId: string, row: repo.CaseRow, message: InboundMessage): Promise<boolean> {
  const own = message.channel === 'email' ? row.contactEmail?.toLowerCase() : row.contactPhone;
  if (own === message.from) return true;
  if (!row.customerId) return false;
  const contact = await repo.customerContact(tx, tenantId, row.customerId);
  return (message.channel === 'email' ? contact?.email?.toLowerCase() : contact?.phone) === message.from;
}

/** The case this message continues, and how it was found; undefined for a new complaint. */
async function findThread(tx: Executor, tenantId: string, message: InboundMessage, windowHours: number): Promise<{ row: repo.CaseRow; by: ThreadedBy } | undefined> {
  const resolve = async (caseId: string | undefined) => (caseId ? repo.findCase(tx, tenantId, await survivingCaseId(tx, tenantId, caseId), { lock: true }) : undefined);
  // 1. Headers: a reply to anything we sent or received for a case, the sender's own first mail included.
  const byHeaders = await resolve(await intake.caseByMessageIds(tx, tenantId, message.references ?? []));
  if (byHeaders) return { row: byHeaders, by: 'headers' };
  // 2. A tracking code in the subject, from the case's own complainant (a code alone is not enough).
  for (const code of trackingCodesIn(message.subject ?? (message.channel === 'sms' ? message.text : null))) {
    const coded = await repo.findCaseByCode(tx, tenantId, code);
    if (!coded) continue;
    const row = await resolve(coded.id);
    if (row && (await senderOwnsCase(tx, tenantId, coded, message))) return { row, by: 'code' };
  }
  // 3. The same sender lately, on a case still open.
  const since = new Date(message.receivedAt.getTime() - windowHours * 3_600_000);
  const recent = (await intake.latestCaseOfSender(tx, tenantId, message.channel, message.from, since))
    ?? (await intake.latestOpenCaseOfContact(tx, tenantId, message.channel === 'email' ? { email: message.from } : { phone: message.from }, since));
  const row = await resolve(recent);
  if (row && row.state !== 'closed') return { row, by: 'sender' };
  return undefined;
}

/** Where a mail client starts quoting the message replied to: "On … wrote:", its fa/ar forms, "-----Original Message-----", "> " lines. */
const QUOTE_START = /^(?:(?:On|Le|El|Am) .{1,300}(?:wrote|a écrit|escribió|schrieb):|.{0,300}(?:نوشت|كتب|كتبت)(?:\s[^:]{0,300})?:\s*$|-{2,}\s*(?:Original Message|Forwarded message|پیام اصلی|الرسالة الأصلية)\s*-{2,}|>)/u;

/**
 * The new part of a reply, without the quoted history below it (the log line shows what the
 * customer added; the message row keeps the whole text). The whole text when nothing precedes the quote.
 */
export function withoutQuotedReply(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => QUOTE_START.test(line.trim()));
  if (start <= 0) return text;
  const fresh = lines.slice(0, start).join('\n').trim();
  return fresh === '' ? text : fresh;
}

// eslint-disable-next-line no-control-regex -- control characters are what is removed
const cleanText = (text: string, max: number) => text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim().slice(0, max);

/**
 * Records one message from a complainant in the caller's transaction: threads it onto its case
 * (a customer_message log line; a case waiting for the customer resumes) or opens a case with
 * channel email/sms, acknowledged at once, and queues the acknowledgement whose Message-ID (for
 * e-mail) is remembered so a reply to it threads by headers.
 */
export async function receiveComplaintMessage(tx: Executor, tenantId: string, message: InboundMessage, options: { mayOpen?: boolean } = {}): Promise<IntakeOutcome> {
  // One sender at a time per workspace: their first mail and its follow-up must not both open a case.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`complaint-intake:${tenantId}:${message.channel}:${message.from}`}, 0))`);
  if (message.messageId && (await intake.messageIdKnown(tx, tenantId, message.messageId))) {
    const caseId = await intake.caseByMessageIds(tx, tenantId, [message.messageId]);
    return { kind: 'duplicate', caseId: caseId! };
  }
  const text = cleanText(message.text, COMPLAINT_DESCRIPTION_MAX);
  const subject = message.subject === null ? null : cleanText(message.subject, 500) || null;
  const files = (message.attachments ?? []).slice(0, COMPLAINT_ATTACHMENT_MAX_FILES);
  if (!text && !subject && files.length === 0) return { kind: 'ignored', reason: 'empty' };
  const settings = await intake.intakeSettings(tx, tenantId);
  const now = message.receivedAt;
  const messageRowId = randomUUID();
  const messageRow = {
    tenantId, id: messageRowId, channel: message.channel, direction: 'inbound', messageIdHeader: message.messageId ?? null, fromAddress: message.from,
    toAddress: message.to, subject, bodyText: text, at: now,
  };

  const thread = await findThread(tx, tenantId, message, settings.threadWindowHours);
  if (thread) {
    const { row, by } = thread;
    await intake.insertMessage(tx, { ...messageRow, caseId: row.id });
    const eventId = await intake.appendEvent(tx, {
      tenantId, caseId: row.id, at: now, kind: 'customer_message', action: null, fromState: null, toState: null, note: withoutQuotedReply(text) || subject,
      actorType: 'customer', actorId: null, details: { channel: message.channel, messageId: messageRowId, subject, threadedBy: by, attachments: files.length },
    });
    await intake.setMessageEvent(tx, tenantId, messageRowId, eventId);
    await storeAttachments(tx, tenantId, row.id, files, { source: 'email', eventId, createdBy: null, skipRefused: true });
    await publishEvents(tx, tenantId, [{ topic: 'complaint.customer_message', payload: { caseId: row.id, customerId: row.customerId, channel: message.channel, occurredAt: now.toISOString() } }]);
    if (row.state === 'waiting_for_customer') {
      await applyStep(tx, tenantId, row, { type: 'system', id: null }, { action: 'customer_replied', note: null }, now);
    } else {
      await repo.updateCase(tx, tenantId, row.id, {}, now);
    }
    return { kind: 'threaded', caseId: row.id, by };
  }
  // Auto-replies and bounces never open a case: acknowledging them could start a loop.
  if (options.mayOpen === false) return { kind: 'ignored', reason: 'automated' };

  const workspace = await workspaceSettings(tx, tenantId);
  const language = languageOfText(`${subject ?? ''} ${text}`, workspace.defaultLanguage as Locale);
  const description = (text || subject || files.map((f) => f.fileName ?? '').join(', ') || '-').slice(0, COMPLAINT_DESCRIPTION_MAX);
  const customerId = await matchingCustomer(tx, tenantId, message);
  const row = await receiveComplaint(tx, tenantId, { type: 'customer', id: null }, `${message.channel}:${message.from}`, {
    channel: message.channel, customerId, description, language,
    contactName: message.fromName ? cleanText(message.fromName, 300) || undefined : undefined,
    ...(message.channel === 'email' ? { contactEmail: message.from } : { contactPhone: message.from }),
  }, now);
  await intake.insertMessage(tx, { ...messageRow, caseId: row.id });
  await storeAttachments(tx, tenantId, row.id, files, { source: 'email', eventId: null, createdBy: null, skipRefused: true });
  await applyStep(tx, tenantId, row, { type: 'system', id: null }, { action: 'acknowledge' }, now);

  const code = row.trackingCode as TrackingCode;
  const display = formatTrackingCodeFor(code, language);
  const words = ACK_WORDS[language];
  const ackId = randomUUID();
  const ack = message.channel === 'email'
    ? { subject: subject ? `${words.subject(display)} (${subject.slice(0, 150)})` : words.subject(display), bodyText: words.body(display) }
    : { subject: null, bodyText: words.sms(display) };
  await queueMessages(tx, tenantId, [{
    id: ackId, customerId: customerId ?? null, channel: message.channel, recipient: message.from, locale: language, ...ack,
    purpose: 'transactional', origin: { complaintCaseId: row.id, kind: 'complaint_acknowledgement' },
  }]);
  await intake.insertMessage(tx, {
    tenantId, id: ackId, caseId: row.id, channel: message.channel, direction: 'outbound',
    messageIdHeader: message.channel === 'email' ? normaliseMessageId(messageIdHeader(ackId)) ?? null : null,
    fromAddress: message.to, toAddress: message.from, subject: ack.subject, bodyText: ack.bodyText, at: now,
  });
  return { kind: 'opened', caseId: row.id, trackingCode: row.trackingCode };
}
