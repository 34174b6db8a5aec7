import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { openSecret, sealSecret, SealedSecretError } from './sealed.ts';
import { callbackToken, unsubscribeToken, verifyCallbackToken, verifyUnsubscribeToken } from './tokens.ts';

const secrets = { secretKey: randomBytes(32) };
const otherInstance = { secretKey: randomBytes(32) };

describe('sealed secrets', () => {
  it('open with the key that sealed them and with no other; tampering is detected', () => {
    const sealed = sealSecret(secrets, 'گذرواژه SMTP');
    expect(sealed).not.toContain('SMTP');
    expect(sealSecret(secrets, 'گذرواژه SMTP')).not.toBe(sealed);
    expect(openSecret(secrets, sealed)).toBe('گذرواژه SMTP');
    expect(() => openSecret(otherInstance, sealed)).toThrow(SealedSecretError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x'.repeat(10)).toString('base64url');
    expect(() => openSecret(secrets, parts.join('.'))).toThrow(SealedSecretError);
    expect(() => openSecret(secrets, 'plain')).toThrow(SealedSecretError);
  });
});

describe('link tokens', () => {
  it('an unsubscribe token round-trips, is URL-safe, and is refused when altered or from another instance', () => {
    const claim = { tenantId: randomUUID(), customerId: randomUUID(), channel: 'sms' as const, messageId: randomUUID() };
    const token = unsubscribeToken(secrets, claim);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(secrets, token)).toEqual(claim);
    expect(verifyUnsubscribeToken(otherInstance, token)).toBeNull();
    const [body, mac] = token.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[20] = flipped[20]! ^ 1;
    expect(verifyUnsubscribeToken(secrets, `${flipped.toString('base64url')}.${mac}`)).toBeNull();
    expect(verifyUnsubscribeToken(secrets, 'garbage')).toBeNull();
    // A callback token is not an unsubscribe token, even though both are signed by this instance.
    expect(verifyUnsubscribeToken(secrets, callbackToken(secrets, claim.tenantId))).toBeNull();
  });

  it('a callback token names its workspace', () => {
    const tenantId = randomUUID();
    expect(verifyCallbackToken(secrets, callbackToken(secrets, tenantId))).toBe(tenantId);
    expect(verifyCallbackToken(otherInstance, callbackToken(secrets, tenantId))).toBeNull();
  });
});

describe('instance key', () => {
  it('is created once in the data dir (0600) and shared; VAFA_SECRET_KEY takes precedence and is validated', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-key-'));
    try {
      const a = loadConfig({ VAFA_DATA_DIR: dataDir });
      const b = loadConfig({ VAFA_DATA_DIR: dataDir });
      expect(a.secretKey).toHaveLength(32);
      expect(b.secretKey.equals(a.secretKey)).toBe(true);
      expect(fs.statSync(path.join(dataDir, 'instance.key')).mode & 0o777).toBe(0o600);
      const key = randomBytes(32);
      expect(loadConfig({ VAFA_DATA_DIR: dataDir, VAFA_SECRET_KEY: key.toString('base64') }).secretKey.equals(key)).toBe(true);
      expect(() => loadConfig({ VAFA_DATA_DIR: dataDir, VAFA_SECRET_KEY: 'c2hvcnQ=' })).toThrow(/VAFA_SECRET_KEY/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
