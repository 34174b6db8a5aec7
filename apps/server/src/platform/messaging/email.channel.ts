import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Logger } from 'pino';
import type { Executor } from '../db/connect.ts';
import { loadChannelSettings, type EmailChannelConfig } from './channel-settings.ts';
import type { ChannelSender, ClaimedMessage, SendOutcome } from './dispatch.types.ts';
import type { Secrets } from './sealed.ts';
import { unsubscribeToken } from './tokens.ts';

export interface ChannelContext {
  db: Executor;
  secrets: Secrets;
  /** base of links in messages and of provider callbacks, no trailing slash */
  publicUrl: string;
  log: Logger;
  timeoutMs: number;
}

/** SMTP connections each workspace's pool keeps open; several, so sends overlap. */
const SMTP_CONNECTIONS = 5;

/** The RFC 5322 Message-ID a message always carries, so a retried send is recognisable downstream. */
export function messageIdHeader(messageId: string): string {
  return `<${messageId}@vafa>`;
}

/** Whether an SMTP failure will never succeed as addressed (5xx reply) or is worth retrying (4xx, network). */
export function smtpOutcome(err: unknown): SendOutcome {
  const e = err as Error & { responseCode?: number; code?: string; response?: string };
  if (e.responseCode && e.responseCode >= 500) return { kind: 'permanent', reason: `smtp_${e.responseCode}`, detail: e.response ?? e.message };
  if (e.responseCode && e.responseCode >= 400) return { kind: 'retry', reason: `smtp_${e.responseCode}`, detail: e.response ?? e.message };
  return { kind: 'retry', reason: 'smtp_connection', detail: [e.code, e.message].filter(Boolean).join(': ') };
}

/**
 * E-mail over the workspace's SMTP server: a pooled transport per workspace, rebuilt when its
 * settings change (updated_at). Automated mail carries RFC 8058 one-click unsubscribe headers.
 */
export class EmailChannel implements ChannelSender {
  private readonly transports = new Map<string, { updatedAt: number; transport: Transporter<SMTPPool.SentMessageInfo> }>();

  constructor(private readonly context: ChannelContext) {}

  private transportFor(tenantId: string, config: EmailChannelConfig) {
    const cached = this.transports.get(tenantId);
    if (cached && cached.updatedAt === config.updatedAt.getTime()) return cached.transport;
    cached?.transport.close();
    const { host, port, secure, user } = config.settings;
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: SMTP_CONNECTIONS,
      maxMessages: Number.POSITIVE_INFINITY,
      host,
      port,
      secure,
      auth: user ? { user, pass: config.secret ?? '' } : undefined,
      connectionTimeout: this.context.timeoutMs,
      greetingTimeout: this.context.timeoutMs,
      socketTimeout: this.context.timeoutMs,
    });
    this.transports.set(tenantId, { updatedAt: config.updatedAt.getTime(), transport });
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
    try {
      await this.transportFor(message.tenantId, config).sendMail({
        messageId: messageIdHeader(message.id),
        from: fromName ? { name: fromName, address: fromAddress } : fromAddress,
        replyTo,
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.bodyText,
        html: message.bodyHtml ?? undefined,
        headers,
      });
      return { kind: 'sent', provider: 'smtp', providerMessageId: null };
    } catch (err) {
      return smtpOutcome(err);
    }
  }

  async close(): Promise<void> {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }
}
