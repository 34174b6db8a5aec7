import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Logger } from 'pino';
import type { Executor } from '../db/connect.ts';
import { checkOutboundTarget, EMPTY_ALLOW_LIST, type OutboundAllowList, type Resolver } from '../net/index.ts';
import { loadChannelSettings, type EmailChannelConfig } from './channel-settings.ts';
import type { ChannelSender, ClaimedMessage, SendOutcome } from './dispatch.types.ts';
import { errorCode, smtpConnectionOutcome } from './outbound-failure.ts';
import type { Secrets } from './sealed.ts';
import { withSealedLink } from './sealed-link.ts';
import { unsubscribeToken } from './tokens.ts';

export interface ChannelContext {
  db: Executor;
  secrets: Secrets;
  /** base of links in messages and of provider callbacks, no trailing slash */
  publicUrl: string;
  log: Logger;
  timeoutMs: number;
  /** internal hosts the operator lets channels reach (config.outboundAllow); none when absent */
  outboundAllow?: OutboundAllowList;
  /** for tests: a resolver standing in for DNS */
  resolve?: Resolver;
}

/** SMTP connections each workspace's pool keeps open; several, so sends overlap. */
const SMTP_CONNECTIONS = 5;
/** How long a pool keeps the address it checked before resolving the host again. */
const RECHECK_MS = 10 * 60_000;
/** nodemailer codes for failures to log in or secure the connection, whatever reply code they carry */
const LOGIN_CODES = new Set(['EAUTH', 'ENOAUTH', 'ETLS']);

/** The RFC 5322 Message-ID a message always carries, so a retried send is recognisable downstream. */
export function messageIdHeader(messageId: string): string {
  return `<${messageId}@vafa>`;
}

/**
 * Whether an SMTP failure will never succeed as addressed (5xx reply) or is worth retrying (4xx,
 * network). A reply about the message keeps the server's words for the message log; a failure
 * to connect or log in keeps only codes (see outbound-failure.ts).
 */
export function smtpOutcome(err: unknown): SendOutcome {
  const e = err as Error & { responseCode?: number; code?: string; response?: string };
  const code = errorCode(err);
  if (!e.responseCode || e.responseCode < 400 || (code !== undefined && LOGIN_CODES.has(code)) || /greeting/i.test(e.message ?? '')) return smtpConnectionOutcome(err);
  if (e.responseCode >= 500) return { kind: 'permanent', reason: `smtp_${e.responseCode}`, detail: e.response ?? e.message };
  return { kind: 'retry', reason: `smtp_${e.responseCode}`, detail: e.response ?? e.message };
}

/**
 * Transport options that connect to the address the outbound guard checked: the IP as host,
 * the name the user gave as TLS server name, so certificates are verified against it.
 */
export async function checkedSmtpOptions(
  settings: { host: string; port: number; secure: boolean },
  options: { allow?: OutboundAllowList; resolve?: Resolver },
): Promise<{ host: string; port: number; secure: boolean; tls?: { servername: string } }> {
  const target = await checkOutboundTarget(settings.host, settings.port, { allow: options.allow ?? EMPTY_ALLOW_LIST, resolve: options.resolve });
  const address = target.addresses[0]!.address;
  return { host: address, port: settings.port, secure: settings.secure, ...(target.literal ? {} : { tls: { servername: target.host } }) };
}

/**
 * E-mail over the workspace's SMTP server: a pooled transport per workspace, rebuilt when its
 * settings change (updated_at). Automated mail carries RFC 8058 one-click unsubscribe headers.
 */
export class EmailChannel implements ChannelSender {
  private readonly transports = new Map<string, { updatedAt: number; checkedAt: number; transport: Transporter<SMTPPool.SentMessageInfo> }>();

  constructor(private readonly context: ChannelContext) {}

  private async transportFor(tenantId: string, config: EmailChannelConfig) {
    const cached = this.transports.get(tenantId);
    if (cached && cached.updatedAt === config.updatedAt.getTime() && Date.now() - cached.checkedAt < RECHECK_MS) return cached.transport;
    cached?.transport.close();
    this.transports.delete(tenantId);
    const { user } = config.settings;
    const target = await checkedSmtpOptions(config.settings, { allow: this.context.outboundAllow, resolve: this.context.resolve });
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: SMTP_CONNECTIONS,
      maxMessages: Number.POSITIVE_INFINITY,
      ...target,
      auth: user ? { user, pass: config.secret ?? '' } : undefined,
      connectionTimeout: this.context.timeoutMs,
      greetingTimeout: this.context.timeoutMs,
      socketTimeout: this.context.timeoutMs,
    });
    this.transports.set(tenantId, { updatedAt: config.updatedAt.getTime(), checkedAt: Date.now(), transport });
    return transport;
  }

  async send(message: ClaimedMessage): Promise<SendOutcome> {
    const config = await loadChannelSettings(this.context.db, this.context.secrets, message.tenantId, 'email');
    if (!config?.enabled) return { kind: 'permanent', reason: 'email_not_configured' };
    const { fromName, fromAddress, replyTo } = config.settings;
    const headers: Record<string, string> = {};
    if (message.purpose === 'automated' && message.customerId) {
      const token = unsubscribeToken(this.context.secrets, { tenantId: message.tenantId, customerId: message.customerId, channel: 'email', messageId: message.id });
      headers['List-Unsubscribe'] = `<${this.context.publicUrl}/u/${token}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    const body = withSealedLink(this.context.secrets, message);
    try {
      const transport = await this.transportFor(message.tenantId, config);
      await transport.sendMail({
        messageId: messageIdHeader(message.id),
        from: fromName ? { name: fromName, address: fromAddress } : fromAddress,
        replyTo,
        to: message.recipient,
        subject: message.subject ?? '',
        text: body.text,
        html: body.html ?? undefined,
        headers,
      });
      return { kind: 'sent', provider: 'smtp', providerMessageId: null };
    } catch (err) {
      const outcome = smtpOutcome(err);
      // The server's own words (a banner, a reply) stay in the log, not in what users see.
      this.context.log.warn({ tenantId: message.tenantId, messageId: message.id, reason: outcome.kind === 'sent' ? undefined : outcome.reason, err }, 'smtp send failed');
      return outcome;
    }
  }

  async close(): Promise<void> {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }
}
