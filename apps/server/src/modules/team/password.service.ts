import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import { sql } from 'drizzle-orm';
import { RESET_LINK_MINUTES } from '@vafa/contracts';
import type { Logger } from 'pino';
import { publicBaseUrl, type Config } from '../../platform/config.ts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { Locale } from '../../platform/i18n/locale.ts';
import { queueMessages } from '../../platform/messaging/outbox.ts';
import { sealedLinkPayload } from '../../platform/messaging/sealed-link.ts';
import { clearLoginFailures } from './login-throttle.ts';
import { passwordResetMail } from './password.mail.ts';
import * as repo from './team.repo.ts';
import { auditAccount, hashPassword, sha256 } from './team.service.ts';

export const RESET_MINUTES = RESET_LINK_MINUTES;
/** reset mails per account per RESET_WINDOW_MINUTES; more requests are answered alike but send nothing */
const RESETS_PER_WINDOW = 3;
const RESET_WINDOW_MINUTES = 15;

/** Changes the signed-in account's password; every other session of the account ends. */
export async function changePassword(tx: Executor, actor: Actor, input: { currentPassword: string; newPassword: string }, ip: string): Promise<void> {
  const account = await repo.findAccount(tx, actor.id);
  if (!account || !(await argon2.verify(account.passwordHash, input.currentPassword).catch(() => false))) {
    throw new Problem(422, 'current_password_wrong', {}, [{ field: 'currentPassword', code: 'current_password_wrong', message: 'wrong' }]);
  }
  await repo.updateAccount(tx, account.id, { passwordHash: await hashPassword(input.newPassword), passwordChangedAt: new Date() });
  const ended = await repo.deleteAccountSessions(tx, account.id, actor.sessionTokenHash);
  await auditAccount(tx, account.id, actor, { action: 'password.changed', ip, details: { otherSessionsEnded: ended } });
}

/**
 * Mails a single-use reset link if the address belongs to an account. The caller answers the
 * same either way, so the endpoint does not tell who has an account. The mail goes out through
 * the e-mail channel of the first of the account's workspaces that has one, in the account's
 * language (else the one the request was made in).
 */
export async function requestPasswordReset(
  tx: Executor,
  config: Pick<Config, 'publicUrl' | 'port' | 'secretKey'>,
  log: Logger,
  input: { email: string; locale: Locale },
  ip: string,
): Promise<void> {
  const account = await repo.findAccountByEmail(tx, input.email);
  if (!account) return;
  // Requests for one account take turns, so concurrent ones cannot all slip under the limit.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`password-reset:${account.id}`}, 0))`);
  const recent = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM password_resets
    WHERE account_id = ${account.id} AND created_at > now() - make_interval(mins => ${RESET_WINDOW_MINUTES})`);
  if (recent.rows[0]!.n >= RESETS_PER_WINDOW) {
    await auditAccount(tx, account.id, null, { action: 'password.reset_throttled', ip });
    return;
  }
  const sender = await tx.execute<{ tenant_id: string }>(sql`
    SELECT m.tenant_id FROM members m
    JOIN message_channels c ON c.tenant_id = m.tenant_id AND c.channel = 'email' AND c.enabled
    WHERE m.account_id = ${account.id} AND m.disabled_at IS NULL
    ORDER BY m.created_at LIMIT 1`);
  const tenantId = sender.rows[0]?.tenant_id;
  if (!tenantId) {
    log.warn({ accountId: account.id }, 'password reset asked for, but none of the account’s workspaces has an e-mail channel');
    await auditAccount(tx, account.id, null, { action: 'password.reset_undeliverable', ip });
    return;
  }
  // Spent and expired links of this account are of no further use; the window above needs only recent rows.
  await tx.execute(sql`DELETE FROM password_resets WHERE account_id = ${account.id} AND expires_at < now() - interval '1 day'`);
  const token = randomBytes(32).toString('base64url');
  await tx.execute(sql`
    INSERT INTO password_resets (token_hash, account_id, expires_at, ip)
    VALUES (${sha256(token)}, ${account.id}, now() + make_interval(mins => ${RESET_MINUTES}), ${ip})`);
  const locale = (account.language as Locale | null) ?? input.locale;
  const mail = passwordResetMail(locale, RESET_MINUTES);
  // The link lives in the fragment, which browsers never send to a server or in a Referer.
  const link = `${publicBaseUrl(config)}/reset-password#${token}`;
  await queueMessages(tx, tenantId, [{
    id: randomUUID(),
    customerId: null,
    channel: 'email',
    recipient: account.email,
    locale,
    subject: mail.subject,
    bodyText: mail.text,
    bodyHtml: mail.html,
    payload: sealedLinkPayload(config, link),
    purpose: 'transactional',
    origin: { kind: 'password_reset', accountId: account.id },
  }]);
  await auditAccount(tx, account.id, null, { action: 'password.reset_requested', ip });
}

/** Sets a new password with a reset link's token: once, before it expires; then every session ends. */
export async function completePasswordReset(tx: Executor, input: { token: string; newPassword: string }, ip: string): Promise<void> {
  const claimed = await tx.execute<{ account_id: string }>(sql`
    UPDATE password_resets SET used_at = now()
    WHERE token_hash = ${sha256(input.token)} AND used_at IS NULL AND expires_at > now()
    RETURNING account_id`);
  const accountId = claimed.rows[0]?.account_id;
  if (!accountId) throw new Problem(410, 'reset_link_invalid');
  const account = (await repo.findAccount(tx, accountId))!;
  await repo.updateAccount(tx, accountId, { passwordHash: await hashPassword(input.newPassword), passwordChangedAt: new Date() });
  // Other links mailed earlier die with this one; so does every session, wherever it was.
  await tx.execute(sql`UPDATE password_resets SET used_at = now() WHERE account_id = ${accountId} AND used_at IS NULL`);
  const ended = await repo.deleteAccountSessions(tx, accountId);
  await clearLoginFailures(tx, account.email);
  await auditAccount(tx, accountId, null, { action: 'password.reset', ip, details: { sessionsEnded: ended } });
}
