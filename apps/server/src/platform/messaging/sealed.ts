import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';

/** What sealing and link signing need: the instance key. The whole Config satisfies it. */
export type Secrets = Pick<Config, 'secretKey'>;

const SEAL_VERSION = 'v1';

const derived = new WeakMap<Buffer, Map<string, Buffer>>();

/** A sub-key per purpose, so a token signed for one use is worthless for another (derived once per key). */
export function derivedKey(secrets: Secrets, purpose: string): Buffer {
  let keys = derived.get(secrets.secretKey);
  if (!keys) derived.set(secrets.secretKey, (keys = new Map()));
  let key = keys.get(purpose);
  if (!key) keys.set(purpose, (key = Buffer.from(hkdfSync('sha256', secrets.secretKey, Buffer.alloc(0), `vafa:${purpose}`, 32))));
  return key;
}

/**
 * Seals a channel secret (SMTP password, SMS API key, webhook signing secret) with AES-256-GCM
 * under the instance key: `v1.<iv>.<tag>.<ciphertext>`, base64url. Secrets must be usable by
 * the dispatcher, so they are encrypted, not hashed.
 */
export function sealSecret(secrets: Secrets, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derivedKey(secrets, 'seal'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [SEAL_VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export class SealedSecretError extends Error {}

/** Opens what sealSecret sealed; throws SealedSecretError if it was sealed under another key or altered. */
export function openSecret(secrets: Secrets, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== SEAL_VERSION || !iv || !tag || body === undefined) throw new SealedSecretError('not a sealed secret');
  try {
    const decipher = createDecipheriv('aes-256-gcm', derivedKey(secrets, 'seal'), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedSecretError('sealed secret does not open with this instance key (VAFA_SECRET_KEY changed?)');
  }
}

/** HMAC-SHA256 of `data` under the purpose's sub-key, base64url, cut to `bytes`. */
export function signature(secrets: Secrets, purpose: string, data: string, bytes = 16): string {
  return createHmac('sha256', derivedKey(secrets, purpose)).update(data).digest().subarray(0, bytes).toString('base64url');
}
