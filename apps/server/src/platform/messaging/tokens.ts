import { timingSafeEqual } from 'node:crypto';
import { MESSAGE_CHANNELS, type MessageChannel } from './outbox.ts';
import { signature, type Secrets } from './sealed.ts';

/** What an unsubscribe link stands for: this customer, this channel, in this workspace (and which message carried it). */
export interface UnsubscribeClaim {
  tenantId: string;
  customerId: string;
  channel: MessageChannel;
  messageId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

function bytesUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A URL-safe, signed, non-expiring token for `{publicUrl}/u/{token}` (RFC 8058 one-click
 * unsubscribe: a mail client may POST it years later). Ids are packed as bytes to keep the
 * link short: tenant, customer and message ids, the channel's index, then a 128-bit HMAC.
 */
export function unsubscribeToken(secrets: Secrets, claim: UnsubscribeClaim): string {
  const body = Buffer.concat([uuidBytes(claim.tenantId), uuidBytes(claim.customerId), uuidBytes(claim.messageId), Buffer.from([MESSAGE_CHANNELS.indexOf(claim.channel)])]).toString('base64url');
  return `${body}.${signature(secrets, 'unsubscribe', body)}`;
}

/** The claim a token stands for, or null if it is malformed or not signed by this instance. */
export function verifyUnsubscribeToken(secrets: Secrets, token: string): UnsubscribeClaim | null {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined || !same(mac, signature(secrets, 'unsubscribe', body))) return null;
  const bytes = Buffer.from(body, 'base64url');
  const channel = MESSAGE_CHANNELS[bytes[48] ?? -1];
  if (bytes.length !== 49 || !channel) return null;
  return { tenantId: bytesUuid(bytes.subarray(0, 16)), customerId: bytesUuid(bytes.subarray(16, 32)), messageId: bytesUuid(bytes.subarray(32, 48)), channel };
}

/** A signed token naming a workspace, for provider callback URLs (`/hooks/sms/{provider}/{token}`). */
export function callbackToken(secrets: Secrets, tenantId: string): string {
  const body = uuidBytes(tenantId).toString('base64url');
  return `${body}.${signature(secrets, 'callback', body)}`;
}

/** The workspace a callback token names, or null if it is not one this instance signed. */
export function verifyCallbackToken(secrets: Secrets, token: string): string | null {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined || !same(mac, signature(secrets, 'callback', body))) return null;
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length !== 16) return null;
  const id = bytesUuid(bytes);
  return UUID.test(id) ? id : null;
}
