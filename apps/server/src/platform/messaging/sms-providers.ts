import { createHmac, timingSafeEqual } from 'node:crypto';
import { guardedFetch, type OutboundAllowList, type Resolver } from '../net/index.ts';
import type { SmsChannelConfig, SmsProviderName } from './channel-settings.ts';
import type { ClaimedMessage, SendOutcome } from './dispatch.types.ts';
import { fetchFailureOutcome } from './outbound-failure.ts';
import { callbackToken, verifyCallbackToken } from './tokens.ts';
import type { Secrets } from './sealed.ts';

/** A provider's callback as the HTTP route received it. */
export interface ProviderRequest {
  /** the full URL the provider called, as it knows it: `{publicUrl}{path}?{query}` (Twilio signs it) */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** query string and form body fields, merged (Kavenegar may use either) */
  params: Record<string, string>;
}

/** A text a customer sent to the workspace's number (a reply), as the provider forwarded it. */
export interface InboundSms {
  /** the sender's number as the provider gave it (E.164 or national) */
  from: string;
  text: string;
  providerMessageId: string | null;
}

export interface DeliveryReport {
  providerMessageId: string;
  status: 'delivered' | 'failed';
  reason?: string;
}

export interface SmsSendContext {
  config: SmsChannelConfig;
  /** `{publicUrl}/hooks/sms/{provider}/{callbackToken}` */
  statusCallbackUrl: string;
  timeoutMs: number;
  /** internal hosts the operator allows (a gateway on the office network); none when absent */
  outboundAllow?: OutboundAllowList;
  resolve?: Resolver;
}

/** One SMS provider's documented HTTP API: sending, and reading its delivery reports. */
export interface SmsProviderProfile {
  name: SmsProviderName;
  send(message: ClaimedMessage, context: SmsSendContext): Promise<SendOutcome>;
  /** true if the callback really comes from the provider account configured for the workspace */
  verifyRequest(request: ProviderRequest, config: SmsChannelConfig): boolean;
  /** final delivery states in the callback; interim states (queued, sent) give none */
  parseDeliveryReport(request: ProviderRequest): DeliveryReport[];
  /** an incoming message forwarded to the workspace's inbound URL, or null when the request is not one */
  parseInbound(request: ProviderRequest): InboundSms | null;
}

const inboundField = (value: string | undefined, max: number) => (typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined);

/** The URL providers post delivery reports to; the token names (and authenticates) the workspace. */
export function smsStatusCallbackUrl(publicUrl: string, secrets: Secrets, tenantId: string, provider: SmsProviderName): string {
  return `${publicUrl}/hooks/sms/${provider}/${callbackToken(secrets, tenantId)}`;
}

/** The workspace a callback path token names, or null: the route answers 404 then. */
export { verifyCallbackToken };

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Kavenegar return.status codes (its documented list) that will never succeed as addressed:
 * bad or disabled key, missing or invalid parameters, invalid receptor or sender, no credit,
 * IP not allowed. The operator must act, then retry by hand. Others (409 server busy, 451
 * too many requests, anything unknown) are retried.
 */
const KAVENEGAR_PERMANENT = new Set([400, 401, 403, 404, 405, 406, 407, 411, 412, 413, 414, 415, 416, 417, 418, 419, 422, 424, 426, 428, 431, 432, 501]);
/** Kavenegar delivery statuses: 10 delivered; 6, 11, 13, 14, 100 final failures (others are in transit). */
const KAVENEGAR_FAILED: Record<string, string> = { '6': 'sms_failed', '11': 'sms_undeliverable', '13': 'sms_cancelled', '14': 'sms_blocked', '100': 'sms_unknown_id' };

export const kavenegar: SmsProviderProfile = {
  name: 'kavenegar',
  async send(message, { config, timeoutMs, outboundAllow, resolve }) {
    if (config.provider !== 'kavenegar' || !config.secret) return { kind: 'permanent', reason: 'sms_not_configured' };
    const base = (config.settings.baseUrl ?? 'https://api.kavenegar.com').replace(/\/+$/, '');
    const form = new URLSearchParams({ receptor: message.recipient, message: message.bodyText, localid: message.id });
    if (config.settings.sender) form.set('sender', config.settings.sender);
    let response: Response;
    try {
      response = await guardedFetch(`${base}/v1/${encodeURIComponent(config.secret)}/sms/send.json`, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) }, { allow: outboundAllow, resolve });
    } catch (err) {
      return fetchFailureOutcome('sms', err);
    }
    const json = await readJson(response);
    const ret = json?.return as { status?: number; message?: string } | undefined;
    const status = Number(ret?.status ?? response.status);
    if (status === 200) {
      const entry = (json?.entries as { messageid?: number | string }[] | undefined)?.[0];
      return { kind: 'sent', provider: 'kavenegar', providerMessageId: entry?.messageid === undefined ? null : String(entry.messageid) };
    }
    const detail = ret?.message ?? `HTTP ${response.status}`;
    if (KAVENEGAR_PERMANENT.has(status)) return { kind: 'permanent', reason: `sms_${status}`, detail };
    return { kind: 'retry', reason: `sms_${status}`, detail };
  },
  // The callback URL carries a signed workspace token; Kavenegar signs nothing itself.
  verifyRequest: () => true,
  parseDeliveryReport({ params }) {
    const id = params.messageid;
    const status = params.status;
    if (!id || !status) return [];
    if (status === '10') return [{ providerMessageId: id, status: 'delivered' }];
    const reason = KAVENEGAR_FAILED[status];
    return reason ? [{ providerMessageId: id, status: 'failed', reason }] : [];
  },
  // The panel's "receive URL" forwards each incoming SMS with `from`, `to`, `message` and `messageid`.
  parseInbound({ params }) {
    const from = inboundField(params.from, 40);
    const text = inboundField(params.message, 2000);
    return from && text ? { from, text, providerMessageId: inboundField(params.messageid, 100) ?? null } : null;
  },
};

/**
 * Twilio error codes that will not succeed on retry: invalid/unreachable numbers, opted out,
 * unverified or invalid sender. Other API errors (429, 5xx) are retried.
 */
const TWILIO_PERMANENT_HTTP = new Set([400, 401, 403, 404]);

/** Twilio's request signature: base64 HMAC-SHA1 of the full URL followed by each POST param name and value, sorted by name. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export const twilio: SmsProviderProfile = {
  name: 'twilio',
  async send(message, { config, statusCallbackUrl, timeoutMs, outboundAllow, resolve }) {
    if (config.provider !== 'twilio' || !config.secret) return { kind: 'permanent', reason: 'sms_not_configured' };
    const base = (config.settings.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
    const form = new URLSearchParams({ To: message.recipient, From: config.settings.from, Body: message.bodyText, StatusCallback: statusCallbackUrl });
    const auth = Buffer.from(`${config.settings.accountSid}:${config.secret}`).toString('base64');
    let response: Response;
    try {
      response = await guardedFetch(
        `${base}/2010-04-01/Accounts/${encodeURIComponent(config.settings.accountSid)}/Messages.json`,
        { method: 'POST', headers: { authorization: `Basic ${auth}` }, body: form, signal: AbortSignal.timeout(timeoutMs) },
        { allow: outboundAllow, resolve },
      );
    } catch (err) {
      return fetchFailureOutcome('sms', err);
    }
    const json = await readJson(response);
    if (response.ok && typeof json?.sid === 'string') return { kind: 'sent', provider: 'twilio', providerMessageId: json.sid };
    const code = json?.code ?? json?.error_code ?? response.status;
    const detail = String(json?.message ?? json?.error_message ?? `HTTP ${response.status}`);
    if (TWILIO_PERMANENT_HTTP.has(response.status)) return { kind: 'permanent', reason: `sms_${String(code)}`, detail };
    return { kind: 'retry', reason: `sms_${String(code)}`, detail };
  },
  verifyRequest(request, config) {
    if (config.provider !== 'twilio' || !config.secret) return false;
    const header = request.headers['x-twilio-signature'];
    const given = Array.isArray(header) ? header[0] : header;
    if (!given) return false;
    // The URL Twilio signs has the query string; form fields are the POST params (query ones are not repeated).
    const url = new URL(request.url);
    const body: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.params)) if (!url.searchParams.has(key)) body[key] = value;
    const expected = Buffer.from(twilioSignature(config.secret, request.url, body));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  },
  parseDeliveryReport({ params }) {
    const id = params.MessageSid ?? params.SmsSid;
    const status = params.MessageStatus ?? params.SmsStatus;
    if (!id || !status) return [];
    if (status === 'delivered') return [{ providerMessageId: id, status: 'delivered' }];
    if (status === 'undelivered' || status === 'failed') return [{ providerMessageId: id, status: 'failed', reason: params.ErrorCode ? `sms_${params.ErrorCode}` : `sms_${status}` }];
    return [];
  },
  // A messaging webhook: `From`, `To`, `Body`, `MessageSid`, signed like status callbacks.
  parseInbound({ params }) {
    const from = inboundField(params.From, 40);
    const text = inboundField(params.Body, 2000);
    return from && text ? { from, text, providerMessageId: inboundField(params.MessageSid ?? params.SmsSid, 100) ?? null } : null;
  },
};

export const SMS_PROVIDERS: Record<SmsProviderName, SmsProviderProfile> = { kavenegar, twilio };

/** The profile for a provider name from a URL, or undefined. */
export function smsProvider(name: string): SmsProviderProfile | undefined {
  return Object.hasOwn(SMS_PROVIDERS, name) ? SMS_PROVIDERS[name as SmsProviderName] : undefined;
}
