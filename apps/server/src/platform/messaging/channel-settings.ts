import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/connect.ts';
import { openSecret, sealSecret, type Secrets } from './sealed.ts';

/** The non-secret part of a workspace's SMTP channel (`message_channels` channel 'email', provider 'smtp'). */
export const EmailChannelSettings = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** implicit TLS (465); otherwise STARTTLS when the server offers it */
  secure: z.boolean().default(false),
  user: z.string().max(255).optional(),
  fromName: z.string().max(200).optional(),
  fromAddress: z.string().email().max(255),
  replyTo: z.string().email().max(255).optional(),
});
export type EmailChannelSettings = z.infer<typeof EmailChannelSettings>;

export const SMS_PROVIDER_NAMES = ['kavenegar', 'twilio'] as const;
export type SmsProviderName = (typeof SMS_PROVIDER_NAMES)[number];

/** Kavenegar: the API key is the secret; `sender` is the line number. */
export const KavenegarSettings = z.object({
  baseUrl: z.string().url().optional(),
  sender: z.string().max(32).optional(),
});
/** Twilio: the auth token is the secret. */
export const TwilioSettings = z.object({
  baseUrl: z.string().url().optional(),
  accountSid: z.string().min(1).max(64),
  from: z.string().min(1).max(64),
});
export const SMS_SETTINGS = { kavenegar: KavenegarSettings, twilio: TwilioSettings } as const;

export type SmsChannelConfig =
  | { channel: 'sms'; provider: 'kavenegar'; settings: z.infer<typeof KavenegarSettings>; secret: string | null; enabled: boolean; updatedAt: Date }
  | { channel: 'sms'; provider: 'twilio'; settings: z.infer<typeof TwilioSettings>; secret: string | null; enabled: boolean; updatedAt: Date };
export interface EmailChannelConfig {
  channel: 'email';
  provider: 'smtp';
  settings: EmailChannelSettings;
  /** opened password, if any */
  secret: string | null;
  enabled: boolean;
  updatedAt: Date;
}
export type ChannelConfig = EmailChannelConfig | SmsChannelConfig;

export class ChannelSettingsError extends Error {}

const CACHE_MS = 5_000;
const cache = new Map<string, { at: number; value: Promise<ChannelConfig | null> }>();

/**
 * A workspace's settings for a channel with its secret opened, or null if none is stored.
 * Cached for a few seconds per workspace: the dispatcher asks for every message. A stored row
 * that no longer parses throws ChannelSettingsError.
 */
export function loadChannelSettings(db: Executor, secrets: Secrets, tenantId: string, channel: 'email'): Promise<EmailChannelConfig | null>;
export function loadChannelSettings(db: Executor, secrets: Secrets, tenantId: string, channel: 'sms'): Promise<SmsChannelConfig | null>;
export function loadChannelSettings(db: Executor, secrets: Secrets, tenantId: string, channel: 'email' | 'sms'): Promise<ChannelConfig | null>;
export function loadChannelSettings(db: Executor, secrets: Secrets, tenantId: string, channel: 'email' | 'sms'): Promise<ChannelConfig | null> {
  const key = `${tenantId}:${channel}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = readChannelSettings(db, secrets, tenantId, channel);
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

/** Drops cached settings (after a change in this process; other processes see it within CACHE_MS). */
export function forgetChannelSettings(tenantId: string): void {
  for (const channel of ['email', 'sms']) cache.delete(`${tenantId}:${channel}`);
}

async function readChannelSettings(db: Executor, secrets: Secrets, tenantId: string, channel: 'email' | 'sms'): Promise<ChannelConfig | null> {
  const { rows } = await db.execute<{ provider: string; settings: unknown; secret_sealed: string | null; enabled: boolean; updated_at: Date | string }>(sql`
    SELECT provider, settings, secret_sealed, enabled, updated_at FROM message_channels WHERE tenant_id = ${tenantId} AND channel = ${channel}`);
  const row = rows[0];
  if (!row) return null;
  const secret = row.secret_sealed ? openSecret(secrets, row.secret_sealed) : null;
  const base = { secret, enabled: row.enabled, updatedAt: new Date(row.updated_at) };
  if (channel === 'email') {
    const settings = EmailChannelSettings.safeParse(row.settings);
    if (row.provider !== 'smtp' || !settings.success) throw new ChannelSettingsError(`stored e-mail settings do not parse (provider ${row.provider})`);
    return { channel, provider: 'smtp', settings: settings.data, ...base };
  }
  if (row.provider === 'kavenegar' || row.provider === 'twilio') {
    const settings = SMS_SETTINGS[row.provider].safeParse(row.settings);
    if (settings.success) return { channel, provider: row.provider, settings: settings.data, ...base } as SmsChannelConfig;
  }
  throw new ChannelSettingsError(`stored SMS settings do not parse (provider ${row.provider})`);
}

export type ChannelSettingsInput =
  | { channel: 'email'; provider: 'smtp'; settings: EmailChannelSettings }
  | { channel: 'sms'; provider: 'kavenegar'; settings: z.infer<typeof KavenegarSettings> }
  | { channel: 'sms'; provider: 'twilio'; settings: z.infer<typeof TwilioSettings> };

/**
 * Stores a workspace's channel settings. `secret`: a string seals and stores it, null clears
 * it, undefined keeps the stored one (so a form can save without re-entering the password).
 */
export async function saveChannelSettings(
  tx: Executor,
  secrets: Secrets,
  tenantId: string,
  input: ChannelSettingsInput & { secret?: string | null; enabled?: boolean },
): Promise<void> {
  const sealed = input.secret === undefined ? undefined : input.secret === null ? null : sealSecret(secrets, input.secret);
  await tx.execute(sql`
    INSERT INTO message_channels (tenant_id, channel, provider, settings, secret_sealed, enabled, updated_at)
    VALUES (${tenantId}, ${input.channel}, ${input.provider}, ${JSON.stringify(input.settings)}::jsonb, ${sealed ?? null}, ${input.enabled ?? true}, clock_timestamp())
    ON CONFLICT (tenant_id, channel) DO UPDATE SET
      provider = excluded.provider, settings = excluded.settings, enabled = excluded.enabled, updated_at = excluded.updated_at,
      secret_sealed = ${sealed === undefined ? sql`message_channels.secret_sealed` : sql`excluded.secret_sealed`}`);
  forgetChannelSettings(tenantId);
}

/** A webhook endpoint with its signing secret opened (`whsec_…`). */
export interface WebhookEndpointConfig {
  id: string;
  url: string;
  secret: string;
  enabled: boolean;
}

const endpointCache = new Map<string, { at: number; value: Promise<WebhookEndpointConfig | null> }>();

/** A webhook endpoint of the workspace, cached briefly like channel settings. */
export function loadWebhookEndpoint(db: Executor, secrets: Secrets, tenantId: string, endpointId: string): Promise<WebhookEndpointConfig | null> {
  const key = `${tenantId}:${endpointId}`;
  const hit = endpointCache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = (async () => {
    if (!/^[0-9a-f-]{36}$/i.test(endpointId)) return null;
    const { rows } = await db.execute<{ id: string; url: string; secret_sealed: string; enabled: boolean }>(sql`
      SELECT id, url, secret_sealed, enabled FROM webhook_endpoints WHERE tenant_id = ${tenantId} AND id = ${endpointId}`);
    const row = rows[0];
    return row ? { id: row.id, url: row.url, secret: openSecret(secrets, row.secret_sealed), enabled: row.enabled } : null;
  })();
  endpointCache.set(key, { at: Date.now(), value });
  value.catch(() => endpointCache.delete(key));
  return value;
}

/** Drops a cached endpoint after it changed in this process. */
export function forgetWebhookEndpoint(tenantId: string, endpointId: string): void {
  endpointCache.delete(`${tenantId}:${endpointId}`);
}
