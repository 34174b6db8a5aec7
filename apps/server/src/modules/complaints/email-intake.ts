// The SMTP listener of complaint intake: mail to complaints+<workspace slug>@<an intake domain>
// opens or threads a case of that workspace (case-intake.service.ts decides which). Plain SMTP
// without AUTH or STARTTLS: it is meant to sit behind the organisation's MX or relay, which
// forwards the complaints addresses here. Whatever arrives, the process keeps running: parse
// failures and database errors answer the client (5xx/4xx), never throw out of a handler.
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { EmailIntakeConfig } from '../../platform/config.ts';
import type { Database } from '../../platform/db/connect.ts';
import type { BackgroundWorker } from '../../platform/module.ts';
import { findWorkspaceBySlug } from '../workspace/index.ts';
import { messageIdsIn, normaliseMessageId, receiveComplaintMessage, type InboundMessage, type IntakeOutcome } from './case-intake.service.ts';
import { intakeSettings } from './complaint-intake.repo.ts';

/** The local part before the workspace slug: complaints+<slug>@… */
export const INTAKE_LOCAL_PREFIX = 'complaints+';
/** Mails one sender address may send in an hour before being told to try later (450). */
export const MAILS_PER_SENDER_PER_HOUR = 30;
export const MAX_RECIPIENTS = 10;
const HOUR_MS = 3_600_000;
const SENDER_WINDOWS_MAX = 100_000;

/** SMTP replies carry their code on the error. */
const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

/** The workspace slug a recipient address names, when it is an intake address of an accepted domain. */
export function slugOfRecipient(address: string, domains: readonly string[]): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 1) return undefined;
  const local = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  if (domains.length > 0 && !domains.includes(domain)) return undefined;
  if (!local.startsWith(INTAKE_LOCAL_PREFIX)) return undefined;
  const slug = local.slice(INTAKE_LOCAL_PREFIX.length);
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug) ? slug : undefined;
}

/** The addresses a workspace publishes, one per intake domain (none when no domain is configured: any domain then works). */
export function intakeAddresses(slug: string, config: EmailIntakeConfig | undefined): string[] {
  return config ? config.domains.map((domain) => `${INTAKE_LOCAL_PREFIX}${slug}@${domain}`) : [];
}

/** Auto-replies, bounces and list mail: they may join a case, but never open one (no acknowledgement loops). */
function automated(mail: ParsedMail, envelopeFrom: string | undefined): boolean {
  const header = (name: string) => String(mail.headers.get(name) ?? '').toLowerCase();
  const auto = header('auto-submitted');
  if (auto !== '' && auto !== 'no') return true;
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(header('precedence'))) return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || mail.headers.has('list-id')) return true;
  return envelopeFrom === undefined || /^(mailer-daemon|postmaster)@/i.test(envelopeFrom);
}

function firstAddress(field: AddressObject | AddressObject[] | undefined): { address: string; name: string } | undefined {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  for (const group of list) {
    for (const entry of group.value) {
      if (entry.address && /^[^\s@<>]{1,64}@[^\s@<>]{1,253}$/.test(entry.address)) return { address: entry.address.toLowerCase(), name: entry.name ?? '' };
    }
  }
  return undefined;
}

/**
 * The message as intake takes it; undefined without a From header holding an address (binary
 * noise and broken mail have none; answering the envelope sender of such a thing is how
 * backscatter starts).
 */
export function inboundFromMail(mail: ParsedMail, to: string, receivedAt: Date): InboundMessage | undefined {
  const sender = firstAddress(mail.from);
  if (!sender) return undefined;
  const inReplyTo = messageIdsIn(mail.inReplyTo);
  const references = messageIdsIn(mail.references).reverse();
  return {
    channel: 'email',
    from: sender.address,
    fromName: sender.name || undefined,
    to,
    subject: typeof mail.subject === 'string' ? mail.subject : null,
    text: typeof mail.text === 'string' ? mail.text : '',
    messageId: normaliseMessageId(mail.messageId),
    references: [...new Set([...inReplyTo, ...references])].slice(0, 100),
    attachments: mail.attachments.filter((a) => Buffer.isBuffer(a.content)).map((a) => ({ fileName: a.filename, content: a.content })),
    receivedAt,
  };
}

interface Delivery {
  tenantId: string;
  address: string;
}

export interface EmailIntakeDeps {
  database: Database;
  log: Logger;
  config: EmailIntakeConfig;
  /** mails one sender address may send in an hour (default MAILS_PER_SENDER_PER_HOUR) */
  mailsPerSenderPerHour?: number;
}

/** The listener, run by worker processes when VAFA_SMTP_INTAKE_PORT is set (see platform/config.ts). */
export class EmailIntakeListener implements BackgroundWorker {
  readonly name = 'complaints.email-intake';
  private readonly server: SMTPServer;
  private readonly deliveries = new Map<string, Delivery[]>();
  private readonly senders = new Map<string, { count: number; resetAt: number }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** outcomes, for tests and logs */
  onOutcome: ((outcome: IntakeOutcome | { kind: 'refused'; reason: string }) => void) | undefined;

  constructor(private readonly deps: EmailIntakeDeps) {
    const { config } = deps;
    this.server = new SMTPServer({
      banner: 'Vafa complaint intake',
      size: config.maxMessageBytes,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideSTARTTLS: true,
      logger: false,
      maxClients: 100,
      socketTimeout: 60_000,
      closeTimeout: 10_000,
      onConnect: (session, callback) => {
        this.deliveries.set(session.id, []);
        callback();
      },
      onClose: (session) => {
        this.deliveries.delete(session.id);
      },
      onMailFrom: (address, session, callback) => {
        this.deliveries.set(session.id, []);
        callback(this.allowSender(address.address) ? null : smtpError(450, '4.7.1 Too many messages from this sender, try again later'));
      },
      onRcptTo: (address, session, callback) => {
        this.track(this.acceptRecipient(address, session)).then(() => callback(), (err: Error) => callback(err));
      },
      onData: (stream, session, callback) => {
        this.track(this.receive(stream, session)).then(() => callback(), (err: Error) => callback(err));
      },
    });
    this.server.on('error', (err) => deps.log.warn({ err }, 'complaint e-mail intake: connection error'));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** A fixed hourly window per sender address; the map is bounded. */
  private allowSender(address: string): boolean {
    const now = Date.now();
    const key = address.toLowerCase();
    let window = this.senders.get(key);
    if (!window || window.resetAt <= now) {
      if (this.senders.size >= SENDER_WINDOWS_MAX) {
        for (const [k, w] of this.senders) if (w.resetAt <= now) this.senders.delete(k);
        if (this.senders.size >= SENDER_WINDOWS_MAX) this.senders.clear();
      }
      window = { count: 0, resetAt: now + HOUR_MS };
      this.senders.set(key, window);
    }
    window.count++;
    return window.count <= (this.deps.mailsPerSenderPerHour ?? MAILS_PER_SENDER_PER_HOUR);
  }

  /** Unknown workspaces and workspaces that take no complaints by mail are refused here, before the message is sent. */
  private async acceptRecipient(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const slug = slugOfRecipient(address.address, this.deps.config.domains);
    const list = this.deliveries.get(session.id) ?? [];
    if (list.length >= MAX_RECIPIENTS) throw smtpError(452, '4.5.3 Too many recipients');
    if (!slug) throw smtpError(550, '5.1.1 No such mailbox');
    let workspace;
    try {
      workspace = await findWorkspaceBySlug(this.deps.database.db, slug);
      if (workspace && !(await intakeSettings(this.deps.database.db, workspace.id)).emailEnabled) workspace = undefined;
    } catch (err) {
      this.deps.log.error({ err }, 'complaint e-mail intake: recipient lookup failed');
      throw smtpError(451, '4.3.0 Temporary failure, try again later');
    }
    if (!workspace) throw smtpError(550, '5.1.1 No such mailbox');
    if (!list.some((d) => d.tenantId === workspace.id)) list.push({ tenantId: workspace.id, address: address.address.toLowerCase() });
    this.deliveries.set(session.id, list);
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const limit = this.deps.config.maxMessageBytes;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
    }
    if (stream.sizeExceeded || bytes > limit) {
      this.onOutcome?.({ kind: 'refused', reason: 'too_large' });
      throw smtpError(552, '5.3.4 Message too big');
    }
    let mail: ParsedMail;
    try {
      mail = await simpleParser(Buffer.concat(chunks), { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
    } catch (err) {
      this.deps.log.info({ err }, 'complaint e-mail intake: unparseable message refused');
      this.onOutcome?.({ kind: 'refused', reason: 'unparseable' });
      throw smtpError(554, '5.6.0 Message could not be parsed');
    }
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() || undefined : undefined;
    const isAutomated = automated(mail, envelopeFrom);
    const receivedAt = new Date();
    if (!inboundFromMail(mail, '', receivedAt)) {
      this.onOutcome?.({ kind: 'refused', reason: 'no_sender' });
      throw smtpError(550, '5.6.0 A From header with an address is required');
    }
    for (const delivery of this.deliveries.get(session.id) ?? []) {
      const message = inboundFromMail(mail, delivery.address, receivedAt)!;
      try {
        const outcome = await this.deps.database.db.transaction((tx) => receiveComplaintMessage(tx, delivery.tenantId, message, { mayOpen: !isAutomated }));
        this.deps.log.info({ tenantId: delivery.tenantId, outcome: outcome.kind, caseId: 'caseId' in outcome ? outcome.caseId : undefined }, 'complaint e-mail received');
        this.onOutcome?.(outcome);
      } catch (err) {
        this.deps.log.error({ err, tenantId: delivery.tenantId }, 'complaint e-mail intake: recording failed');
        throw smtpError(451, '4.3.0 Temporary failure, try again later');
      }
    }
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => reject(err);
      this.server.server.once('error', failed);
      this.server.listen(this.deps.config.port, this.deps.config.host, () => {
        this.server.server.off('error', failed);
        resolve();
      });
    });
    this.deps.log.info({ port: this.port, host: this.deps.config.host }, 'complaint e-mail intake listening');
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
  }
}
