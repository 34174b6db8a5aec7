import { loadChannelSettings } from './channel-settings.ts';
import type { ChannelSender, ClaimedMessage, SendOutcome } from './dispatch.types.ts';
import type { ChannelContext } from './email.channel.ts';
import { withSealedLink } from './sealed-link.ts';
import { SMS_PROVIDERS, smsStatusCallbackUrl } from './sms-providers.ts';

/** SMS through the workspace's provider profile (Kavenegar or Twilio), through the outbound guard. */
export class SmsChannel implements ChannelSender {
  constructor(private readonly context: ChannelContext) {}

  async send(message: ClaimedMessage): Promise<SendOutcome> {
    const config = await loadChannelSettings(this.context.db, this.context.secrets, message.tenantId, 'sms');
    if (!config?.enabled) return { kind: 'permanent', reason: 'sms_not_configured' };
    // A personal link (a survey invitation) is kept sealed in the outbox and opened only to send.
    const { text } = withSealedLink(this.context.secrets, { ...message, bodyHtml: null });
    return SMS_PROVIDERS[config.provider].send({ ...message, bodyText: text }, {
      config,
      statusCallbackUrl: smsStatusCallbackUrl(this.context.publicUrl, this.context.secrets, message.tenantId, config.provider),
      timeoutMs: this.context.timeoutMs,
      outboundAllow: this.context.outboundAllow,
      resolve: this.context.resolve,
    });
  }

  async close(): Promise<void> {}
}
