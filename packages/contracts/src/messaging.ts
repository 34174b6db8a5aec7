import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, SecretWithheld, ShownOnce, Uuid } from './common.ts';

/**
 * Messaging: channel settings, webhook endpoints, the sending policy and the message outbox.
 * Secrets (SMTP password, SMS API key or auth token, webhook signing secret) are write-only:
 * views say whether one is set, never what it is.
 */
export const MessageChannelName = z.enum(['email', 'sms', 'webhook']);
export type MessageChannelName = z.infer<typeof MessageChannelName>;
export const MessageStatus = z.enum(['queued', 'sending', 'sent', 'delivered', 'failed', 'dead', 'suppressed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Channels whose settings are managed here (webhooks have endpoints instead). */
export const ConfigurableChannel = z.enum(['email', 'sms']);
export const ChannelParams = z.strictObject({ channel: ConfigurableChannel });

const HostName = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'a host name or IP address');
const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());
// No user:password@ part: such a URL would keep a credential in plain text in settings and the
// audit log, and the outbound guard refuses it anyway. Credentials go in their own sealed fields.
const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return !url.username && !url.password;
    } catch {
      return false;
    }
  }, { message: 'a URL with a user name or password is not accepted', params: { code: 'url_credentials' } });
/** A secret is set by giving it, kept by leaving it out. */
const Secret = z.string().min(1).max(1000).regex(NO_CONTROL_CHARACTERS, 'no control characters');
const Label = z.string().trim().min(1).max(200).regex(NO_CONTROL_CHARACTERS, 'no control characters');

export const EmailChannelSettings = z.strictObject({
  host: HostName,
  port: z.number().int().min(1).max(65535),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it */
  secure: z.boolean().default(false),
  user: z.string().trim().min(1).max(320).nullable().default(null),
  /** write-only; leave out to keep the stored one, null to clear it */
  password: Secret.nullable().optional(),
  fromName: Label.nullable().default(null),
  fromAddress: Email,
  replyTo: Email.nullable().default(null),
  enabled: z.boolean().default(true),
}).meta({ id: 'EmailChannelSettings' });
export type EmailChannelSettings = z.infer<typeof EmailChannelSettings>;

export const EmailChannelView = z.object({
  channel: z.literal('email'),
  configured: z.boolean(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  secure: z.boolean(),
  user: z.string().nullable(),
  passwordSet: z.boolean(),
  fromName: z.string().nullable(),
  fromAddress: z.string().nullable(),
  replyTo: z.string().nullable(),
  enabled: z.boolean(),
  updatedAt: IsoInstant.nullable(),
}).meta({ id: 'EmailChannel' });
export type EmailChannelView = z.infer<typeof EmailChannelView>;

export const SmsProvider = z.enum(['kavenegar', 'twilio']);
export type SmsProvider = z.infer<typeof SmsProvider>;
const Sender = z.string().trim().min(1).max(40).regex(/^\+?[A-Za-z0-9 ]+$/, 'a sender number or name');

/**
 * Kavenegar (Iran) authenticates with an API key in the URL; Twilio with an account SID and an
 * auth token. `baseUrl` points a profile at another host (a test server, a regional endpoint).
 */
export const SmsChannelSettings = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.literal('kavenegar'),
    baseUrl: HttpUrl.nullable().default(null),
    sender: Sender,
    /** write-only; leave out to keep the stored one */
    apiKey: Secret.optional(),
    enabled: z.boolean().default(true),
  }),
  z.strictObject({
    provider: z.literal('twilio'),
    baseUrl: HttpUrl.nullable().default(null),
    sender: Sender,
    accountSid: z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio account SID (AC + 32 hex digits)'),
    /** write-only; leave out to keep the stored one */
    authToken: Secret.optional(),
    enabled: z.boolean().default(true),
  }),
]).meta({ id: 'SmsChannelSettings' });
export type SmsChannelSettings = z.infer<typeof SmsChannelSettings>;

export const SmsChannelView = z.object({
  channel: z.literal('sms'),
  configured: z.boolean(),
  provider: SmsProvider.nullable(),
  baseUrl: z.string().nullable(),
  sender: z.string().nullable(),
  accountSid: z.string().nullable(),
  /** the API key (kavenegar) or auth token (twilio) is stored */
  secretSet: z.boolean(),
  enabled: z.boolean(),
  updatedAt: IsoInstant.nullable(),
}).meta({ id: 'SmsChannel' });
export type SmsChannelView = z.infer<typeof SmsChannelView>;

/** An e-mail address or a phone number, as the channel under test needs. */
export const SendTestMessage = z.strictObject({ to: z.string().trim().min(3).max(320).regex(NO_CONTROL_CHARACTERS, 'no control characters') });
export type SendTestMessage = z.infer<typeof SendTestMessage>;

/** What the channel made of the test: sent (accepted by the server or provider), or why not. */
export const TestMessageResult = z.object({
  sent: z.boolean(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  /** stable code, e.g. smtp_535, sms_401, smtp_network */
  reason: z.string().nullable(),
  detail: z.string().nullable(),
}).meta({ id: 'TestMessageResult' });
export type TestMessageResult = z.infer<typeof TestMessageResult>;

export const CreateWebhookEndpoint = z.strictObject({
  name: Label,
  url: HttpUrl,
});
export type CreateWebhookEndpoint = z.infer<typeof CreateWebhookEndpoint>;

export const WebhookEndpointView = z.object({
  id: Uuid,
  name: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  createdAt: IsoInstant,
}).meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointView = z.infer<typeof WebhookEndpointView>;

/** Shown once, when the endpoint is created: the Standard Webhooks signing secret (an idempotent replay withholds it). */
export const CreatedWebhookEndpoint = WebhookEndpointView.extend({ secret: ShownOnce, secretWithheld: SecretWithheld }).meta({ id: 'CreatedWebhookEndpoint' });
export type CreatedWebhookEndpoint = z.infer<typeof CreatedWebhookEndpoint>;

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59');

/**
 * Quiet hours are local to each customer (their time zone, else the workspace's) and may wrap
 * midnight (21:00–09:00); null means none. Automated messages wait until they end; the cap
 * counts automated messages per customer over the period. Transactional messages (a receipt,
 * a test) skip both, never consent.
 */
export const MessagingPolicy = z.strictObject({
  quietHours: z.strictObject({ from: LocalTime, to: LocalTime })
    .refine((q) => q.from !== q.to, 'from and to must differ; send null for no quiet hours')
    .nullable(),
  frequencyCap: z.strictObject({
    count: z.number().int().min(1).max(1000),
    periodHours: z.number().int().min(1).max(24 * 90),
  }),
  ratePerMinute: z.number().int().min(1).max(1_000_000),
}).meta({ id: 'MessagingPolicy' });
export type MessagingPolicy = z.infer<typeof MessagingPolicy>;

export const MessageListQuery = z.strictObject({
  status: MessageStatus.optional(),
  channel: MessageChannelName.optional(),
  customerId: Uuid.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MessageListQuery = z.infer<typeof MessageListQuery>;

export const CustomerMessagesQuery = MessageListQuery.omit({ customerId: true });
export type CustomerMessagesQuery = z.infer<typeof CustomerMessagesQuery>;

export const MessageView = z.object({
  id: Uuid,
  customerId: Uuid.nullable(),
  channel: MessageChannelName,
  recipient: z.string(),
  locale: z.string(),
  subject: z.string().nullable(),
  purpose: z.enum(['automated', 'transactional']),
  status: MessageStatus,
  /** stable code: no_consent, quiet_hours, frequency_cap, unsubscribed, smtp_550, … */
  reason: z.string().nullable(),
  attempts: z.number().int(),
  provider: z.string().nullable(),
  /** what decided to send it: ruleId, runId, templateId, followupId, actorId */
  origin: z.record(z.string(), z.unknown()),
  /** when the dispatcher takes it (again); null when nothing is planned */
  nextAttemptAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  sentAt: IsoInstant.nullable(),
  deliveredAt: IsoInstant.nullable(),
  updatedAt: IsoInstant,
}).meta({ id: 'Message' });
export type MessageView = z.infer<typeof MessageView>;

export const MessageDetailView = MessageView.extend({
  /** the provider's or the dispatcher's own words on the last failure */
  detail: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  bodyText: z.string(),
  bodyHtml: z.string().nullable(),
}).meta({ id: 'MessageDetail' });
export type MessageDetailView = z.infer<typeof MessageDetailView>;

export const MessagePage = z.object({ items: z.array(MessageView), nextCursor: z.string().nullable() }).meta({ id: 'MessagePage' });
export type MessagePage = z.infer<typeof MessagePage>;

/** Defaults: the last 30 days. */
export const MessagesPerDayQuery = z.strictObject({
  from: IsoInstant.optional(),
  to: IsoInstant.optional(),
});
export type MessagesPerDayQuery = z.infer<typeof MessagesPerDayQuery>;

const count = z.number().int();
/** Messages created on one day (Gregorian YYYY-MM-DD in the workspace time zone), by their status now. */
export const MessageDay = z.object({
  day: z.iso.date(),
  queued: count, sending: count, sent: count, delivered: count, failed: count, dead: count, suppressed: count,
});
export type MessageDay = z.infer<typeof MessageDay>;

/** Every day of [from, to), oldest first, zero-filled; the first and last day may be partial. */
export const MessagesPerDayView = z.object({ from: IsoInstant, to: IsoInstant, daily: z.array(MessageDay) }).meta({ id: 'MessagesPerDay' });
export type MessagesPerDayView = z.infer<typeof MessagesPerDayView>;

/** Delivery-report callbacks: the provider profile and the per-workspace token in the URL. */
export const SmsHookParams = z.strictObject({ provider: SmsProvider, token: z.string().min(10).max(500) });
export const UnsubscribeParams = z.strictObject({ token: z.string().min(10).max(1000) });
