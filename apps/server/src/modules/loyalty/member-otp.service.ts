import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Locale, MemberCodeSent, RequestMemberCode, TemplateContent, VerifyMemberCode } from '@vafa/contracts';
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import { signature, type Secrets } from '../../platform/messaging/sealed.ts';
import { queueNotice } from '../engagement/index.ts';
import { findWorkspaceBySlug, recordAudit, workspaceSettings } from '../workspace/index.ts';

// Members sign in to the portal with a one-time code sent by SMS (issue 12). A code is six
// random digits, good for five minutes and five tries, once; only its HMAC under the instance key
// is stored, and the SMS carries it sealed in the outbox (opened by the SMS channel only to send).
// Asking for a code answers the same whether or not the phone is a member's, and the limits count
// every request alike, so neither says who is a member. No strict per-address cap: a carrier's NAT
// puts many members behind one address; the limits are per phone and per workspace instead.

export const CODE_TTL_SECONDS = 300;
export const CODE_MAX_ATTEMPTS = 5;
export const SESSION_DAYS = 30;
/** Codes a phone may ask for: 3 in 15 minutes, 10 a day. */
export const PHONE_LIMITS = [{ seconds: 15 * 60, max: 3 }, { seconds: 24 * 3600, max: 10 }] as const;
/** Codes a workspace sends at most: a flood of numbers (SMS pumping) stops here. */
export const WORKSPACE_LIMITS = [{ seconds: 60, max: 60 }, { seconds: 3600, max: 1000 }] as const;

const CODE_PURPOSE = 'loyalty-member-code';

/** The SMS, in the member's language; `{code}` travels sealed. */
const CODE_SMS: TemplateContent = {
  fa: { text: 'کد ورود شما به باشگاه مشتریان {workspaceName}: {code}\nاین کد تا ۵ دقیقه معتبر است. آن را به کسی ندهید.' },
  ar: { text: 'رمز الدخول إلى نادي عملاء {workspaceName}: {code}\nالرمز صالح لمدة ٥ دقائق. لا تشاركه مع أحد.' },
  en: { text: '{workspaceName} rewards sign-in code: {code}\nIt is good for 5 minutes. Do not share it.' },
};

export interface PortalWorkspace {
  tenantId: string;
  slug: string;
}

/** The workspace named in a portal address; 404 when there is none. */
export async function portalWorkspace(db: Executor, slug: string): Promise<PortalWorkspace> {
  const row = await findWorkspaceBySlug(db, slug);
  if (!row) throw notFound();
  return { tenantId: row.id, slug: row.slug };
}

const codeHash = (secrets: Secrets, tenantId: string, otpId: string, code: string) => signature(secrets, CODE_PURPOSE, `${tenantId}:${otpId}:${code}`, 32);
export const sessionTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

async function memberPhone(db: Executor, tenantId: string, input: string): Promise<string> {
  const settings = await workspaceSettings(db, tenantId);
  const phone = parsePhone(input, settings.defaultCountry);
  if (!phone) throw invalidField('phone', 'invalid_phone');
  return phone.e164;
}

async function countSince(tx: Executor, tenantId: string, phone: string | null, seconds: number, now: Date): Promise<number> {
  const since = new Date(now.getTime() - seconds * 1000).toISOString();
  const { rows } = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM loyalty_member_otps
    WHERE tenant_id = ${tenantId} ${phone === null ? sql`` : sql`AND phone = ${phone}`} AND created_at > ${since}::timestamptz`);
  return rows[0]!.n;
}

/**
 * Sends a sign-in code to the phone if it is a customer's of this workspace (not erased, not
 * merged away); otherwise sends nothing. Either way one request row and the same answer.
 */
export async function requestMemberCode(database: Database, secrets: Secrets, workspace: PortalWorkspace, input: RequestMemberCode, locale: Locale | null, now: Date): Promise<MemberCodeSent> {
  const { tenantId } = workspace;
  const phone = await memberPhone(database.db, tenantId, input.phone);
  return database.db.transaction(async (tx) => {
    // One phone's requests take turns, so its limits count exactly.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`loyalty-member-code:${tenantId}:${phone}`}, 0))`);
    for (const limit of PHONE_LIMITS) {
      if ((await countSince(tx, tenantId, phone, limit.seconds, now)) >= limit.max) throw new Problem(429, 'member_code_too_many');
    }
    for (const limit of WORKSPACE_LIMITS) {
      if ((await countSince(tx, tenantId, null, limit.seconds, now)) >= limit.max) throw new Problem(429, 'member_code_busy');
    }
    const { rows: [customer] } = await tx.execute<{ id: string }>(sql`
      SELECT id FROM customers WHERE tenant_id = ${tenantId} AND phone = ${phone} AND merged_into IS NULL AND erased_at IS NULL LIMIT 1`);
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000);
    const code = customer ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    await tx.execute(sql`
      INSERT INTO loyalty_member_otps (tenant_id, id, phone, customer_id, code_hash, expires_at, created_at)
      VALUES (${tenantId}, ${id}, ${phone}, ${customer?.id ?? null}, ${code === null ? null : codeHash(secrets, tenantId, id, code)},
              ${expiresAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`);
    // Requests older than the longest window count for nothing any more.
    await tx.execute(sql`
      DELETE FROM loyalty_member_otps WHERE tenant_id = ${tenantId} AND phone = ${phone}
        AND created_at < ${new Date(now.getTime() - 2 * 24 * 3600 * 1000).toISOString()}::timestamptz`);
    if (customer && code !== null) {
      await queueNotice(tx, tenantId, {
        // To the phone asked for (the customer's own), whatever their preferred channel.
        to: { contact: { name: null, email: null, phone }, prefer: 'sms' },
        // Asked for, else the reader's browser, else the workspace's language.
        language: input.language ?? locale,
        content: CODE_SMS,
        variables: () => ({}),
        sealedLink: { secrets, url: code, variable: 'code' },
        respectQuietHours: false,
        origin: { kind: 'loyalty_member_code', customerId: customer.id },
        now,
      });
    }
    return { expiresInSeconds: CODE_TTL_SECONDS, phone };
  });
}

export interface MemberSignIn {
  token: string;
  customerId: string;
  expiresAt: Date;
}

const wrongCode = () => invalidField('code', 'member_code_invalid');

/**
 * Checks a code against the phone's latest one. Each try counts first, in its own statement
 * (the row lock makes concurrent tries take turns), so at most five tries are ever judged; the
 * right code is taken once (`consumed_at`), so a replay fails. Every failure is the same 422.
 */
export async function verifyMemberCode(database: Database, secrets: Secrets, workspace: PortalWorkspace, input: VerifyMemberCode, now: Date, ip: string): Promise<MemberSignIn> {
  const { tenantId } = workspace;
  const phone = await memberPhone(database.db, tenantId, input.phone);
  const code = toAsciiDigits(input.code).replace(/[\s-]/g, '');
  if (!/^[0-9]{6}$/.test(code)) throw invalidField('code', 'member_code_malformed');
  const at = now.toISOString();
  const { rows: [tried] } = await database.db.execute<{ id: string; customer_id: string; code_hash: string; attempts: number }>(sql`
    UPDATE loyalty_member_otps SET attempts = attempts + 1
    WHERE tenant_id = ${tenantId} AND id = (
        SELECT id FROM loyalty_member_otps WHERE tenant_id = ${tenantId} AND phone = ${phone} ORDER BY created_at DESC, id LIMIT 1)
      AND code_hash IS NOT NULL AND consumed_at IS NULL AND expires_at > ${at}::timestamptz AND attempts < ${CODE_MAX_ATTEMPTS}
    RETURNING id, customer_id, code_hash, attempts`);
  if (!tried) throw wrongCode();
  const expected = Buffer.from(tried.code_hash);
  const given = Buffer.from(codeHash(secrets, tenantId, tried.id, code));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    if (tried.attempts >= CODE_MAX_ATTEMPTS) {
      await recordAudit(database.db, tenantId, null, {
        action: 'loyalty.member.code_locked', targetType: 'customer', targetId: tried.customer_id, ip, details: { attempts: tried.attempts },
      });
    }
    throw wrongCode();
  }
  return database.db.transaction(async (tx) => {
    const { rows: [taken] } = await tx.execute<{ customer_id: string }>(sql`
      UPDATE loyalty_member_otps o SET consumed_at = ${at}::timestamptz
      FROM customers c
      WHERE o.tenant_id = ${tenantId} AND o.id = ${tried.id} AND o.consumed_at IS NULL
        AND c.tenant_id = o.tenant_id AND c.id = o.customer_id AND c.merged_into IS NULL AND c.erased_at IS NULL
      RETURNING o.customer_id`);
    if (!taken) throw wrongCode();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_DAYS * 24 * 3600 * 1000);
    await tx.execute(sql`
      INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at)
      VALUES (${tenantId}, ${sessionTokenHash(token)}, ${taken.customer_id}, ${expiresAt.toISOString()}::timestamptz, ${at}::timestamptz)`);
    await recordAudit(tx, tenantId, null, {
      action: 'loyalty.member.signed_in', targetType: 'customer', targetId: taken.customer_id, ip, details: { via: 'sms_code' },
    });
    return { token, customerId: taken.customer_id, expiresAt };
  });
}

/** The member a portal session token belongs to: live, in this workspace, customer neither erased nor merged away. */
export async function memberOfSession(db: Executor, tenantId: string, token: string | undefined, now: Date): Promise<string> {
  if (!token || token.length > 100) throw new Problem(401, 'member_signed_out');
  const { rows: [row] } = await db.execute<{ customer_id: string }>(sql`
    SELECT s.customer_id FROM loyalty_member_sessions s
    JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id
    WHERE s.tenant_id = ${tenantId} AND s.token_hash = ${sessionTokenHash(token)} AND s.ended_at IS NULL
      AND s.expires_at > ${now.toISOString()}::timestamptz AND c.merged_into IS NULL AND c.erased_at IS NULL`);
  if (!row) throw new Problem(401, 'member_signed_out');
  return row.customer_id;
}

/** Ends the session (the cookie is cleared by the route); a session already gone is fine. */
export async function endMemberSession(database: Database, tenantId: string, token: string | undefined, now: Date, ip: string): Promise<void> {
  if (!token || token.length > 100) return;
  await database.db.transaction(async (tx) => {
    const { rows: [ended] } = await tx.execute<{ customer_id: string }>(sql`
      UPDATE loyalty_member_sessions SET ended_at = ${now.toISOString()}::timestamptz
      WHERE tenant_id = ${tenantId} AND token_hash = ${sessionTokenHash(token)} AND ended_at IS NULL RETURNING customer_id`);
    if (ended) await recordAudit(tx, tenantId, null, { action: 'loyalty.member.signed_out', targetType: 'customer', targetId: ended.customer_id, ip });
  });
}
