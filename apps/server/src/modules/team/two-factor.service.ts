import { randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';
import { sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem } from '../../platform/http/problem.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { openSecret, sealSecret, signature, type Secrets } from '../../platform/messaging/sealed.ts';
import * as repo from './team.repo.ts';
import { auditAccount, sha256 } from './team.service.ts';

/**
 * TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s, what every authenticator app reads).
 * The secret is sealed with the instance key, since verifying a code needs it; recovery codes
 * are random enough (80 bits) that their SHA-256 is all we keep.
 */
const ISSUER = 'Vafa';
/** codes from the step before and after are accepted too: phone clocks drift */
const TOLERANCE_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
const CHALLENGE_SECONDS = 5 * 60;

const codeError = () => new Problem(422, 'two_factor_code_invalid', {}, [{ field: 'code', code: 'two_factor_code_invalid', message: 'invalid code' }]);

/** Recovery codes as shown: 16 base32 letters in four groups (xxxx-xxxx-xxxx-xxxx). */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  const letters = [...bytes].map((b) => alphabet[b % 32]).join('');
  return letters.match(/.{4}/g)!.join('-');
}

/** What people type, folded: Persian or Arabic digits to ASCII, no spaces or dashes, lower case. */
function normaliseCode(code: string): string {
  return toAsciiDigits(code).replace(/[\s\-‐-‒–—]/g, '').toLowerCase();
}

export async function twoFactorStatus(db: Executor, accountId: string) {
  const account = await repo.findAccount(db, accountId);
  const { rows } = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM recovery_codes WHERE account_id = ${accountId}`);
  return { enabled: account?.totpEnabledAt != null, enabledAt: account?.totpEnabledAt?.toISOString() ?? null, recoveryCodesLeft: account?.totpEnabledAt ? rows[0]!.n : 0 };
}

/** Starts (or restarts) an enrolment: a fresh secret, kept sealed until a first code confirms it. */
export async function startEnrolment(tx: Executor, secrets: Secrets, actor: Actor, issuerName: string) {
  const account = await repo.findAccount(tx, actor.id);
  if (!account) throw new Problem(404, 'not_found');
  if (account.totpEnabledAt) throw new Problem(409, 'two_factor_already_enabled');
  const secret = generateSecret();
  await repo.updateAccount(tx, account.id, { totpPendingSealed: sealSecret(secrets, secret) });
  const otpauthUri = generateURI({ issuer: issuerName ? `${ISSUER} (${issuerName})` : ISSUER, label: account.email, secret });
  const svg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/** Confirms the enrolment with a first valid code; answers the recovery codes, shown this once. */
export async function confirmEnrolment(tx: Executor, secrets: Secrets, actor: Actor, code: string, ip: string): Promise<string[]> {
  const account = await repo.findAccount(tx, actor.id);
  if (!account) throw new Problem(404, 'not_found');
  if (account.totpEnabledAt) throw new Problem(409, 'two_factor_already_enabled');
  if (!account.totpPendingSealed) throw new Problem(409, 'two_factor_not_started');
  const secret = openSecret(secrets, account.totpPendingSealed);
  const step = await acceptedStep(secret, normaliseCode(code), null);
  if (step === null) throw codeError();
  await repo.updateAccount(tx, account.id, {
    totpSecretSealed: account.totpPendingSealed, totpPendingSealed: null, totpEnabledAt: new Date(), totpLastStep: step,
  });
  const codes = await replaceRecoveryCodes(tx, account.id);
  await auditAccount(tx, account.id, actor, { action: 'two_factor.enabled', ip });
  return codes;
}

async function replaceRecoveryCodes(tx: Executor, accountId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.execute(sql`DELETE FROM recovery_codes WHERE account_id = ${accountId}`);
  await tx.execute(sql`
    INSERT INTO recovery_codes (account_id, code_hash)
    SELECT ${accountId}::uuid, h FROM unnest(${sql.param(codes.map((c) => sha256(normaliseCode(c))))}::text[]) AS h`);
  return codes;
}

async function assertPassword(tx: Executor, accountId: string, password: string): Promise<void> {
  const account = await repo.findAccount(tx, accountId);
  if (!account || !(await argon2.verify(account.passwordHash, password).catch(() => false))) {
    throw new Problem(422, 'current_password_wrong', {}, [{ field: 'password', code: 'current_password_wrong', message: 'wrong' }]);
  }
}

/** New recovery codes for the signed-in account (the old ones stop working); needs the password. */
export async function regenerateRecoveryCodes(tx: Executor, actor: Actor, password: string, ip: string): Promise<string[]> {
  await assertPassword(tx, actor.id, password);
  const account = await repo.findAccount(tx, actor.id);
  if (!account?.totpEnabledAt) throw new Problem(409, 'two_factor_not_enabled');
  const codes = await replaceRecoveryCodes(tx, actor.id);
  await auditAccount(tx, actor.id, actor, { action: 'two_factor.recovery_codes_replaced', ip });
  return codes;
}

/** Turns the second factor off; needs the password. */
export async function disableTwoFactor(tx: Executor, actor: Actor, password: string, ip: string): Promise<void> {
  await assertPassword(tx, actor.id, password);
  await repo.updateAccount(tx, actor.id, { totpSecretSealed: null, totpPendingSealed: null, totpEnabledAt: null, totpLastStep: null });
  await tx.execute(sql`DELETE FROM recovery_codes WHERE account_id = ${actor.id}`);
  await auditAccount(tx, actor.id, actor, { action: 'two_factor.disabled', ip });
}

/** The time step a code belongs to if it is valid and later than `afterStep`, else null. */
async function acceptedStep(secret: string, code: string, afterStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({ secret, token: code, epochTolerance: TOLERANCE_SECONDS, ...(afterStep === null ? {} : { afterTimeStep: afterStep }) });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/**
 * Checks a sign-in's second factor: a TOTP code not used before (a code, once accepted, and
 * any earlier one are refused: replay), or an unused recovery code, which is then spent.
 */
export async function verifySecondFactor(db: Executor, secrets: Secrets, accountId: string, rawCode: string): Promise<'totp' | 'recovery' | null> {
  const account = await repo.findAccount(db, accountId);
  if (!account?.totpSecretSealed) return null;
  const code = normaliseCode(rawCode);
  if (/^\d{6}$/.test(code)) {
    const step = await acceptedStep(openSecret(secrets, account.totpSecretSealed), code, account.totpLastStep);
    if (step === null) return null;
    // Conditional update: of two requests with the same code, only one moves the step forward.
    const moved = await db.execute(sql`
      UPDATE accounts SET totp_last_step = ${step} WHERE id = ${accountId} AND (totp_last_step IS NULL OR totp_last_step < ${step}) RETURNING 1`);
    return moved.rows.length > 0 ? 'totp' : null;
  }
  const spent = await db.execute(sql`DELETE FROM recovery_codes WHERE account_id = ${accountId} AND code_hash = ${sha256(code)} RETURNING 1`);
  return spent.rows.length > 0 ? 'recovery' : null;
}

/**
 * The token between the password step and the code step of a sign-in: the account, the
 * workspace and an expiry, signed with the instance key. It proves the password was right a
 * few minutes ago, nothing more; the code step is throttled like the password step.
 */
export function issueChallenge(secrets: Secrets, accountId: string, tenantId: string): string {
  const body = Buffer.from(JSON.stringify({ a: accountId, t: tenantId, e: Date.now() + CHALLENGE_SECONDS * 1000 })).toString('base64url');
  return `${body}.${signature(secrets, 'login-challenge', body, 32)}`;
}

export function readChallenge(secrets: Secrets, challenge: string): { accountId: string; tenantId: string } | null {
  const [body, sig] = challenge.split('.');
  if (!body || !sig) return null;
  const expected = Buffer.from(signature(secrets, 'login-challenge', body, 32));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { a: string; t: string; e: number };
    return parsed.e > Date.now() ? { accountId: parsed.a, tenantId: parsed.t } : null;
  } catch {
    return null;
  }
}
