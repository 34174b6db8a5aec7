import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Locale, MemberCodeSent, MemberJoin, RequestMemberCode, TemplateContent, VerifyMemberCode } from '@vafa/contracts';
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import { signature, type Secrets } from '../../platform/messaging/sealed.ts';
import { createCustomer } from '../customers/index.ts';
import { queueNotice } from '../engagement/index.ts';
import { findWorkspaceBySlug, recordAudit, workspaceSettings } from '../workspace/index.ts';
import { attachReferral, normaliseReferralCode } from './referrals.service.ts';

// Members sign in to the portal with a one-time code sent by SMS to their phone or by e-mail to
// their address (issue 12). A code is six random digits, good for five minutes and five tries,
// once; only its HMAC under the instance key is stored, and the message carries it sealed in the
// outbox (opened by the channel only to send). Asking for a code answers the same whether or not
// the address is a member's, and the limits count every request alike, so neither says who is a
// member. No strict per-address cap: a carrier's NAT puts many members behind one IP address; the
// limits are per phone or e-mail address and per workspace instead.
//
// A friend who came by an invite link (`referralCode`) gets a code even at an address no customer
// has (a join code); verifying it makes them a customer with the consent they gave and attaches
// the referral under the referral rules, in one transaction, once.

export const CODE_TTL_SECONDS = 300;
export const CODE_MAX_ATTEMPTS = 5;
export const SESSION_DAYS = 30;
/** Codes a phone or an e-mail address may ask for: 3 in 15 minutes, 10 a day. */
export const PHONE_LIMITS = [{ seconds: 15 * 60, max: 3 }, { seconds: 24 * 3600, max: 10 }] as const;
/** Codes a workspace sends at most: a flood of numbers (SMS pumping) stops here. */
export const WORKSPACE_LIMITS = [{ seconds: 60, max: 60 }, { seconds: 3600, max: 1000 }] as const;

/**
 * Codes to addresses no customer has, sent because they came with an invite: an invite link is
 * public by design, so each one, and the workspace, sends only so many a day (a shared link must
 * not let anyone make the workspace pay for texts to any number).
 */
export const JOIN_LIMITS = { perInvitePerDay: 10, perWorkspacePerHour: 100 } as const;

const CODE_PURPOSE = 'loyalty-member-code';

/** The SMS, in the member's language; `{code}` travels sealed. */
const CODE_SMS: TemplateContent = {
  fa: { text: 'کد ورود شما به باشگاه مشتریان {workspaceName}: {code}\nاین کد تا ۵ دقیقه معتبر است. آن را به کسی ندهید.' },
  ar: { text: 'رمز الدخول إلى نادي عملاء {workspaceName}: {code}\nالرمز صالح لمدة ٥ دقائق. لا تشاركه مع أحد.' },
  en: { text: '{workspaceName} rewards sign-in code: {code}\nIt is good for 5 minutes. Do not share it.' },
};

/** The e-mail, in the member's language; `{code}` travels sealed. */
const CODE_EMAIL: TemplateContent = {
  fa: {
    subject: 'کد ورود به باشگاه مشتریان {workspaceName}',
    text: 'کد ورود شما به باشگاه مشتریان {workspaceName}: {code}\nاین کد تا ۵ دقیقه معتبر است. آن را به کسی ندهید.\nاگر شما این کد را نخواسته‌اید، این نامه را نادیده بگیرید.',
  },
  ar: {
    subject: 'رمز الدخول إلى نادي عملاء {workspaceName}',
    text: 'رمز الدخول إلى نادي عملاء {workspaceName}: {code}\nالرمز صالح لمدة ٥ دقائق. لا تشاركه مع أحد.\nإن لم تطلب هذا الرمز فتجاهل هذه الرسالة.',
  },
  en: {
    subject: '{workspaceName} rewards sign-in code',
    text: 'Your {workspaceName} rewards sign-in code: {code}\nIt is good for 5 minutes. Do not share it.\nIf you did not ask for it, ignore this e-mail.',
  },
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

/** Where a code goes: a phone in E.164 (by SMS) or a lower-cased e-mail address. */
type MemberAddress = { channel: 'sms'; phone: string } | { channel: 'email'; email: string };

async function memberAddress(db: Executor, tenantId: string, input: { phone?: string | undefined; email?: string | undefined }): Promise<MemberAddress> {
  if (input.email !== undefined) return { channel: 'email', email: input.email.trim().toLowerCase() };
  const settings = await workspaceSettings(db, tenantId);
  const phone = parsePhone(input.phone ?? '', settings.defaultCountry);
  if (!phone) throw invalidField('phone', 'invalid_phone');
  return { channel: 'sms', phone: phone.e164 };
}

const addressValue = (address: MemberAddress) => (address.channel === 'sms' ? address.phone : address.email);
const addressPredicate = (address: MemberAddress) => (address.channel === 'sms' ? sql`phone = ${address.phone}` : sql`email = ${address.email}`);

async function countSince(tx: Executor, tenantId: string, address: MemberAddress | null, seconds: number, now: Date): Promise<number> {
  const since = new Date(now.getTime() - seconds * 1000).toISOString();
  const { rows } = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM loyalty_member_otps
    WHERE tenant_id = ${tenantId} ${address === null ? sql`` : sql`AND ${addressPredicate(address)}`} AND created_at > ${since}::timestamptz`);
  return rows[0]!.n;
}

/** The live customer (neither erased nor merged away) whose phone or e-mail this is. */
async function customerAt(tx: Executor, tenantId: string, address: MemberAddress): Promise<{ id: string } | undefined> {
  const { rows: [customer] } = await tx.execute<{ id: string }>(sql`
    SELECT id FROM customers WHERE tenant_id = ${tenantId} AND ${addressPredicate(address)} AND merged_into IS NULL AND erased_at IS NULL
    ORDER BY created_at, id LIMIT 1`);
  return customer;
}

/** An invite's code in its stored form, when it is a live member's; 422 `referral_code_unknown` (or `_malformed`) otherwise. */
async function liveInviteCode(tx: Executor, tenantId: string, input: string): Promise<string> {
  const code = normaliseReferralCode(input);
  if (!code) throw invalidField('referralCode', 'referral_code_malformed');
  const { rows: [owner] } = await tx.execute<{ code: string }>(sql`
    SELECT rc.code FROM loyalty_referral_codes rc
    JOIN customers c ON c.tenant_id = rc.tenant_id AND c.id = rc.customer_id AND c.merged_into IS NULL AND c.erased_at IS NULL
    WHERE rc.tenant_id = ${tenantId} AND rc.code = ${code}`);
  if (!owner) throw invalidField('referralCode', 'referral_code_unknown');
  return owner.code;
}

/**
 * Sends a sign-in code to the phone or e-mail address if it is a customer's of this workspace (not
 * erased, not merged away), or to anyone who came with a live invite code; otherwise sends nothing.
 * Either way one request row and the same answer.
 */
export async function requestMemberCode(database: Database, secrets: Secrets, workspace: PortalWorkspace, input: RequestMemberCode, locale: Locale | null, now: Date): Promise<MemberCodeSent> {
  const { tenantId } = workspace;
  const address = await memberAddress(database.db, tenantId, input);
  return database.db.transaction(async (tx) => {
    const invite = input.referralCode === undefined ? null : await liveInviteCode(tx, tenantId, input.referralCode);
    // One address's requests take turns, so its limits count exactly.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`loyalty-member-code:${tenantId}:${addressValue(address)}`}, 0))`);
    for (const limit of PHONE_LIMITS) {
      if ((await countSince(tx, tenantId, address, limit.seconds, now)) >= limit.max) throw new Problem(429, 'member_code_too_many');
    }
    for (const limit of WORKSPACE_LIMITS) {
      if ((await countSince(tx, tenantId, null, limit.seconds, now)) >= limit.max) throw new Problem(429, 'member_code_busy');
    }
    // An invite's limits judge every request through it, a member's too: refusing only strangers
    // would tell anyone holding a spent invite which phones and addresses are members'.
    if (invite !== null) await checkJoinLimits(tx, tenantId, invite, now);
    const customer = await customerAt(tx, tenantId, address);
    // A friend no customer is yet joins by the invite: the code proves the address is theirs.
    const joining = !customer && invite !== null;
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000);
    const code = customer || joining ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    await tx.execute(sql`
      INSERT INTO loyalty_member_otps (tenant_id, id, phone, email, customer_id, referral_code, code_hash, expires_at, created_at)
      VALUES (${tenantId}, ${id}, ${address.channel === 'sms' ? address.phone : null}, ${address.channel === 'email' ? address.email : null},
              ${customer?.id ?? null}, ${joining ? invite : null}, ${code === null ? null : codeHash(secrets, tenantId, id, code)},
              ${expiresAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`);
    // Requests older than the longest window count for nothing any more.
    await tx.execute(sql`
      DELETE FROM loyalty_member_otps WHERE tenant_id = ${tenantId} AND ${addressPredicate(address)}
        AND created_at < ${new Date(now.getTime() - 2 * 24 * 3600 * 1000).toISOString()}::timestamptz`);
    if (code !== null) {
      const sms = address.channel === 'sms';
      await queueNotice(tx, tenantId, {
        // To the address asked for (the customer's own), whatever their preferred channel.
        to: { contact: { name: null, email: sms ? null : address.email, phone: sms ? address.phone : null }, prefer: address.channel },
        // Asked for, else the reader's browser, else the workspace's language.
        language: input.language ?? locale,
        content: sms ? CODE_SMS : CODE_EMAIL,
        variables: () => ({}),
        sealedLink: { secrets, url: code, variable: 'code' },
        respectQuietHours: false,
        origin: customer ? { kind: 'loyalty_member_code', customerId: customer.id } : { kind: 'loyalty_member_join_code' },
        now,
      });
    }
    return address.channel === 'sms' ? { expiresInSeconds: CODE_TTL_SECONDS, phone: address.phone } : { expiresInSeconds: CODE_TTL_SECONDS, email: address.email };
  });
}

/** 429 `member_join_too_many` past an invite's or the workspace's join codes (JOIN_LIMITS); the invite's requests take turns so the count is exact. */
async function checkJoinLimits(tx: Executor, tenantId: string, invite: string, now: Date): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`loyalty-member-join:${tenantId}:${invite}`}, 0))`);
  const since = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
  const { rows: [counts] } = await tx.execute<{ invite: string; workspace: string }>(sql`
    SELECT count(*) FILTER (WHERE referral_code = ${invite} AND created_at > ${since(24 * 3600)}::timestamptz) AS invite,
           count(*) FILTER (WHERE created_at > ${since(3600)}::timestamptz) AS workspace
    FROM loyalty_member_otps WHERE tenant_id = ${tenantId} AND referral_code IS NOT NULL AND created_at > ${since(24 * 3600)}::timestamptz`);
  if (Number(counts?.invite ?? 0) >= JOIN_LIMITS.perInvitePerDay || Number(counts?.workspace ?? 0) >= JOIN_LIMITS.perWorkspacePerHour) {
    throw new Problem(429, 'member_join_too_many');
  }
}

export interface MemberSignIn {
  token: string;
  customerId: string;
  expiresAt: Date;
}

const wrongCode = () => invalidField('code', 'member_code_invalid');

/**
 * Checks a code against the address's latest one. Each try counts first, in its own statement
 * (the row lock makes concurrent tries take turns), so at most five tries are ever judged; the
 * right code is taken once (`consumed_at`), so a replay fails. Every failure is the same 422.
 * A join code makes its friend a customer (or signs in the customer who took the address since)
 * and attaches the invite, under the address's lock, so two verifies make one customer.
 */
export async function verifyMemberCode(database: Database, secrets: Secrets, workspace: PortalWorkspace, input: VerifyMemberCode, now: Date, ip: string): Promise<MemberSignIn> {
  const { tenantId } = workspace;
  const address = await memberAddress(database.db, tenantId, input);
  const code = toAsciiDigits(input.code).replace(/[\s-]/g, '');
  if (!/^[0-9]{6}$/.test(code)) throw invalidField('code', address.channel === 'sms' ? 'member_code_malformed' : 'member_email_code_malformed');
  const at = now.toISOString();
  const { rows: [tried] } = await database.db.execute<{ id: string; customer_id: string | null; code_hash: string; attempts: number }>(sql`
    UPDATE loyalty_member_otps SET attempts = attempts + 1
    WHERE tenant_id = ${tenantId} AND id = (
        SELECT id FROM loyalty_member_otps WHERE tenant_id = ${tenantId} AND ${addressPredicate(address)} ORDER BY created_at DESC, id LIMIT 1)
      AND code_hash IS NOT NULL AND consumed_at IS NULL AND expires_at > ${at}::timestamptz AND attempts < ${CODE_MAX_ATTEMPTS}
    RETURNING id, customer_id, code_hash, attempts`);
  if (!tried) throw wrongCode();
  const expected = Buffer.from(tried.code_hash);
  const given = Buffer.from(codeHash(secrets, tenantId, tried.id, code));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    if (tried.attempts >= CODE_MAX_ATTEMPTS) {
      await recordAudit(database.db, tenantId, null, {
        action: 'loyalty.member.code_locked', ...(tried.customer_id ? { targetType: 'customer', targetId: tried.customer_id } : { targetType: 'loyalty_member_code', targetId: tried.id }), ip, details: { attempts: tried.attempts },
      });
    }
    throw wrongCode();
  }
  return database.db.transaction(async (tx) => {
    let customerId: string;
    let joined = false;
    if (tried.customer_id !== null) {
      const { rows: [taken] } = await tx.execute<{ customer_id: string }>(sql`
        UPDATE loyalty_member_otps o SET consumed_at = ${at}::timestamptz
        FROM customers c
        WHERE o.tenant_id = ${tenantId} AND o.id = ${tried.id} AND o.consumed_at IS NULL
          AND c.tenant_id = o.tenant_id AND c.id = o.customer_id AND c.merged_into IS NULL AND c.erased_at IS NULL
        RETURNING o.customer_id`);
      if (!taken) throw wrongCode();
      customerId = taken.customer_id;
    } else {
      // The address's turn first (the same lock a code request takes), then the code: a second
      // verify of the same code waits here and then finds it taken.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`loyalty-member-code:${tenantId}:${addressValue(address)}`}, 0))`);
      const { rows: [taken] } = await tx.execute<{ referral_code: string }>(sql`
        UPDATE loyalty_member_otps SET consumed_at = ${at}::timestamptz
        WHERE tenant_id = ${tenantId} AND id = ${tried.id} AND consumed_at IS NULL RETURNING referral_code`);
      if (!taken) throw wrongCode();
      const existing = await customerAt(tx, tenantId, address);
      if (existing) {
        // Someone made this address a customer since the code was sent: that is who signs in.
        customerId = existing.id;
      } else {
        customerId = await joinAsCustomer(tx, tenantId, address, input.join, taken.referral_code, now, ip);
        joined = true;
      }
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_DAYS * 24 * 3600 * 1000);
    await tx.execute(sql`
      INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at)
      VALUES (${tenantId}, ${sessionTokenHash(token)}, ${customerId}, ${expiresAt.toISOString()}::timestamptz, ${at}::timestamptz)`);
    await recordAudit(tx, tenantId, null, {
      action: 'loyalty.member.signed_in', targetType: 'customer', targetId: customerId, ip,
      details: { via: address.channel === 'sms' ? 'sms_code' : 'email_code', ...(joined ? { joined: true } : {}) },
    });
    return { token, customerId, expiresAt };
  });
}

/**
 * A friend joining by an invite becomes a customer: the address their code went to, the name they
 * gave, their answer on offers by that channel recorded as consent (source `referral_join`), then
 * the invite attached under the referral rules. A refused invite (its member gone since, say) still
 * leaves them a customer, signed in; the refusal is in the audit log.
 */
async function joinAsCustomer(tx: Executor, tenantId: string, address: MemberAddress, join: MemberJoin | undefined, referralCode: string, now: Date, ip: string): Promise<string> {
  const channel = address.channel;
  const customer = await createCustomer(tx, tenantId, null, {
    ...(channel === 'sms' ? { phone: address.phone } : { email: address.email }),
    ...(join?.name ? { name: join.name } : {}),
    consent: channel === 'sms' ? { sms: { granted: join?.consent ?? false, source: 'referral_join' } } : { email: { granted: join?.consent ?? false, source: 'referral_join' } },
  });
  const member = { kind: 'member' as const, id: customer.id };
  await recordAudit(tx, tenantId, { kind: 'system', id: `member:${customer.id}` }, {
    action: 'loyalty.member.joined', targetType: 'customer', targetId: customer.id, ip, details: { via: channel === 'sms' ? 'sms_code' : 'email_code', consent: join?.consent ?? false },
  });
  await tx.execute(sql`SAVEPOINT referral_join`);
  try {
    await attachReferral(tx, tenantId, member, { friendId: customer.id, code: referralCode }, now);
    await tx.execute(sql`RELEASE SAVEPOINT referral_join`);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    await tx.execute(sql`ROLLBACK TO SAVEPOINT referral_join`);
    await recordAudit(tx, tenantId, { kind: 'system', id: `member:${customer.id}` }, {
      action: 'loyalty_referral.refused_at_join', targetType: 'customer', targetId: customer.id, details: { code: referralCode, reason: error.code },
    });
  }
  return customer.id;
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
