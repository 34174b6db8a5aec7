import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import type { Executor } from '../db/connect.ts';
import { guardedFetch } from '../net/index.ts';
import { forgetWebhookEndpoint, loadWebhookEndpoint } from './channel-settings.ts';
import type { ChannelSender, ClaimedMessage, SendOutcome } from './dispatch.types.ts';
import type { ChannelContext } from './email.channel.ts';
import { fetchFailureOutcome } from './outbound-failure.ts';
import { sealSecret, type Secrets } from './sealed.ts';

/** A new Standard Webhooks signing secret: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Adds an endpoint with a fresh secret (sealed at rest); returns its id and the secret, shown once. */
export async function createWebhookEndpoint(tx: Executor, secrets: Secrets, tenantId: string, input: { name: string; url: string; secret?: string }): Promise<{ id: string; secret: string }> {
  const id = randomUUID();
  const secret = input.secret ?? newWebhookSecret();
  await tx.execute(sql`
    INSERT INTO webhook_endpoints (tenant_id, id, name, url, secret_sealed) VALUES (${tenantId}, ${id}, ${input.name}, ${input.url}, ${sealSecret(secrets, secret)})`);
  forgetWebhookEndpoint(tenantId, id);
  return { id, secret };
}

/**
 * Webhooks signed per Standard Webhooks: the message id is `webhook-id`, so a receiver can
 * drop a retried delivery it already handled. 2xx is sent, 410 means the endpoint is gone
 * (dead at once), anything else (and timeouts) is retried. The URL goes through the outbound
 * guard: an internal address or a redirect is refused (dead at once, `outbound_refused`).
 */
export class WebhookChannel implements ChannelSender {
  constructor(private readonly context: ChannelContext) {}

  async send(message: ClaimedMessage): Promise<SendOutcome> {
    const endpoint = await loadWebhookEndpoint(this.context.db, this.context.secrets, message.tenantId, message.recipient);
    if (!endpoint?.enabled) return { kind: 'permanent', reason: 'webhook_endpoint_missing' };
    const body = JSON.stringify(message.payload ?? {});
    const at = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Vafa-Webhooks/1',
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(endpoint.secret).sign(message.id, at, body),
    };
    try {
      const response = await guardedFetch(
        endpoint.url,
        { method: 'POST', headers, body, signal: AbortSignal.timeout(this.context.timeoutMs) },
        { allow: this.context.outboundAllow, resolve: this.context.resolve },
      );
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return { kind: 'sent', provider: 'webhook', providerMessageId: null };
      if (response.status === 410) return { kind: 'permanent', reason: 'webhook_410', detail: 'endpoint gone' };
      return { kind: 'retry', reason: `webhook_${response.status}` };
    } catch (err) {
      const outcome = fetchFailureOutcome('webhook', err);
      this.context.log.warn({ tenantId: message.tenantId, messageId: message.id, reason: outcome.kind === 'sent' ? undefined : outcome.reason, err }, 'webhook delivery failed');
      return outcome;
    }
  }

  async close(): Promise<void> {}
}
