import { randomInt } from 'node:crypto';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import {
  REFERRAL_CODE_ALPHABET, REFERRAL_CODE_LENGTH, type AttachReferral, type LoyaltyReferralCodeView, type LoyaltyReferralPage, type LoyaltyReferralQuery,
  type LoyaltyReferralView, type MemberInviteView, type MemberReferralView,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { customers } from '../customers/index.ts';
import { recordAudit, workspaceSettings, workspaces } from '../workspace/index.ts';
import { customerStanding } from './ledger.repo.ts';
import { loyaltyOrders } from './program.schema.ts';
import { findProgram, listPrograms, type Program } from './program.service.ts';
import { loyaltyReferralCodes, loyaltyReferrals } from './referrals.schema.ts';

// Referrals. A member's code (eight characters without 0, O, 1, I; unique in the workspace) and
// its link to the member portal; a friend attached to the member whose code they came with, once
// and before the friend's first order; and the reward.
//
// When a referral pays: once the friend's first qualifying order is past its return window, that
// is when its points unlock (or at once for a program without pending days), so a returned order
// never pays: a whole return leaves the lot empty and it never unlocks, and a partial return must
// still keep `minOrderAmount`. The loyalty.referrals subscriber looks at the friend on every unlock
// and every immediate earn; the program is the qualifying order's, with its current referral
// rules. A referral is decided once (attached → qualified or refused) under its row's lock; the
// referrer's code row is locked too, so concurrent qualifications of one referrer count each
// other against the velocity limit. A qualified referral publishes `referral.qualified` once per
// side paid, with its program and points; the program-events subscriber books each as one earn
// entry keyed by the referral and side, so the same qualification delivered twice pays once.

export const REFERRAL_QUALIFIED = 'referral.qualified';
const WINDOW_MS = 30 * 86_400_000;
const CODE_PATTERN = new RegExp(`^[${REFERRAL_CODE_ALPHABET}]{${REFERRAL_CODE_LENGTH}}$`);

type ReferralRow = typeof loyaltyReferrals.$inferSelect;

export function newReferralCode(): string {
  let code = '';
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i++) code += REFERRAL_CODE_ALPHABET[randomInt(REFERRAL_CODE_ALPHABET.length)];
  return code;
}

/** A code as typed (any case, any digits, spaces or dashes) in its stored form; undefined when it cannot be one. */
export function normaliseReferralCode(input: string): string | undefined {
  const code = toAsciiDigits(input).toUpperCase().replace(/[\s\-‐-―_.]/g, '');
  return CODE_PATTERN.test(code) ? code : undefined;
}

/** XXXX-XXXX, for people to read aloud. */
export const displayCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

async function workspaceSlug(db: Executor, tenantId: string): Promise<string> {
  const [row] = await db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, tenantId));
  if (!row) throw notFound();
  return row.slug;
}

/** A member acting on the portal is audited as the system on their behalf (the audit log's actors are staff, keys and the system). */
const auditActor = (actor: Actor | { kind: 'member'; id: string }) => (actor.kind === 'member' ? { kind: 'system' as const, id: `member:${actor.id}` } : actor);

const portalPath = (slug: string, code: string) => `/c/${slug}/points?ref=${code}`;

function presentCode(row: typeof loyaltyReferralCodes.$inferSelect, slug: string): LoyaltyReferralCodeView {
  return { customerId: row.customerId, code: displayCode(row.code), path: portalPath(slug, row.code), createdAt: row.createdAt.toISOString() };
}

async function findCode(db: Executor, tenantId: string, customerId: string) {
  const [row] = await db.select().from(loyaltyReferralCodes).where(and(eq(loyaltyReferralCodes.tenantId, tenantId), eq(loyaltyReferralCodes.customerId, customerId)));
  return row;
}

async function usableCustomer(db: Executor, tenantId: string, customerId: string, field: string | null): Promise<void> {
  const standing = await customerStanding(db, tenantId, customerId);
  if (!standing || standing.erasedAt) throw field ? invalidField(field, 'unknown_customer') : notFound();
  if (standing.mergedInto) throw new Problem(409, 'customer_merged');
}

/** The member's code, or undefined when they have none yet. 404 for a customer not in the workspace. */
export async function getReferralCode(db: Executor, tenantId: string, customerId: string): Promise<LoyaltyReferralCodeView | undefined> {
  if (!(await customerStanding(db, tenantId, customerId))) throw notFound();
  const row = await findCode(db, tenantId, customerId);
  return row ? presentCode(row, await workspaceSlug(db, tenantId)) : undefined;
}

/**
 * The member's code, made on first ask: one per member (a concurrent ask gets the same one), a
 * fresh random code again on the rare clash with another member's.
 */
export async function ensureReferralCode(tx: Executor, tenantId: string, actor: Actor | { kind: 'member'; id: string }, customerId: string, now: Date): Promise<{ created: boolean; code: LoyaltyReferralCodeView }> {
  await usableCustomer(tx, tenantId, customerId, null);
  const slug = await workspaceSlug(tx, tenantId);
  for (let attempt = 0; attempt < 8; attempt++) {
    const existing = await findCode(tx, tenantId, customerId);
    if (existing) return { created: false, code: presentCode(existing, slug) };
    const { rows } = await tx.execute<{ customer_id: string }>(sql`
      INSERT INTO loyalty_referral_codes (tenant_id, customer_id, code, created_at)
      VALUES (${tenantId}, ${customerId}, ${newReferralCode()}, ${now.toISOString()}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING customer_id`);
    if (rows.length === 1) {
      const row = (await findCode(tx, tenantId, customerId))!;
      await recordAudit(tx, tenantId, auditActor(actor), {
        action: 'loyalty_referral_code.created', targetType: 'customer', targetId: customerId, details: { code: row.code },
      });
      return { created: true, code: presentCode(row, slug) };
    }
  }
  throw new Error('no free referral code after 8 tries');
}

interface Person { id: string; name: string | null; phone: string | null; email: string | null }

async function people(db: Executor, tenantId: string, ids: string[]): Promise<Map<string, Person>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: customers.id, name: customers.name, phone: customers.phone, email: customers.email }).from(customers)
    .where(and(eq(customers.tenantId, tenantId), sql`${customers.id} = ANY(${sql.param([...new Set(ids)])}::uuid[])`));
  return new Map(rows.map((r) => [r.id, r]));
}

function presentReferral(row: ReferralRow, names: Map<string, Person>): LoyaltyReferralView {
  return {
    id: row.id,
    referrer: { id: row.referrerId, name: names.get(row.referrerId)?.name ?? null },
    friend: { id: row.friendId, name: names.get(row.friendId)?.name ?? null },
    code: displayCode(row.code), state: row.state as LoyaltyReferralView['state'], reason: row.reason, programId: row.programId, orderExternalId: row.orderExternalId,
    referrerPoints: row.referrerPoints, friendPoints: row.friendPoints, attachedAt: row.attachedAt.toISOString(), decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}

const sameAddress = (a: string | null, b: string | null) => a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Attaches a friend to the member whose code they came with. Refused: an unknown code (422
 * `referral_code_unknown`), the member's own code or one of a customer with the friend's phone or
 * e-mail (422 `self_referral`), a friend who already ordered (409 `referral_after_first_order`) or
 * who came with someone else's code (409 `referral_already_attached`). The same code again answers
 * the referral as it is.
 */
export async function attachReferral(tx: Executor, tenantId: string, actor: Actor | { kind: 'member'; id: string }, input: AttachReferral, now: Date): Promise<{ created: boolean; referral: LoyaltyReferralView }> {
  const code = normaliseReferralCode(input.code);
  if (!code) throw invalidField('code', 'referral_code_malformed');
  await usableCustomer(tx, tenantId, input.friendId, 'friendId');
  const [owner] = await tx.select().from(loyaltyReferralCodes).where(and(eq(loyaltyReferralCodes.tenantId, tenantId), eq(loyaltyReferralCodes.code, code)));
  if (!owner) throw invalidField('code', 'referral_code_unknown');
  // The friend's row first: two attaches of one friend take turns on it (the primary key), and an order for them waits on nothing here.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`referral:${tenantId}:${input.friendId}`}, 0))`);
  const [earlier] = await tx.select().from(loyaltyReferrals).where(and(eq(loyaltyReferrals.tenantId, tenantId), eq(loyaltyReferrals.friendId, input.friendId)));
  if (earlier) {
    if (earlier.referrerId !== owner.customerId) throw new Problem(409, 'referral_already_attached');
    return { created: false, referral: presentReferral(earlier, await people(tx, tenantId, [earlier.referrerId, earlier.friendId])) };
  }
  const names = await people(tx, tenantId, [owner.customerId, input.friendId]);
  const referrer = names.get(owner.customerId)!;
  const friend = names.get(input.friendId)!;
  if (referrer.id === friend.id || sameAddress(referrer.phone, friend.phone) || sameAddress(referrer.email, friend.email)) {
    throw invalidField('code', 'self_referral');
  }
  const [ordered] = await tx.select({ id: loyaltyOrders.externalId }).from(loyaltyOrders)
    .where(and(eq(loyaltyOrders.tenantId, tenantId), eq(loyaltyOrders.customerId, input.friendId))).limit(1);
  if (ordered) throw new Problem(409, 'referral_after_first_order');
  const [row] = await tx.insert(loyaltyReferrals).values({
    tenantId, friendId: input.friendId, referrerId: owner.customerId, code, state: 'attached', attachedBy: `${actor.kind}:${actor.id}`, attachedAt: now,
  }).returning();
  await recordAudit(tx, tenantId, auditActor(actor), {
    action: 'loyalty_referral.attached', targetType: 'customer', targetId: input.friendId, details: { referralId: row!.id, referrerId: owner.customerId },
  });
  return { created: true, referral: presentReferral(row!, names) };
}

/**
 * A referral code given with an order at the customer's first checkout: attached as
 * `attachReferral` attaches it, in the name of whoever sent the order, before the order earns
 * (so the order is the friend's first and counts toward the referral). Its refusals name the
 * order's `referralCode` field.
 */
export async function attachAtCheckout(tx: Executor, ctx: { tenantId: string; now: Date; actor?: Actor }, friendId: string, code: string): Promise<void> {
  if (!ctx.actor) throw new Error('a referral code at checkout needs the actor who sent the order');
  try {
    await attachReferral(tx, ctx.tenantId, ctx.actor, { friendId, code }, ctx.now);
  } catch (error) {
    if (error instanceof Problem && error.fieldErrors.some((e) => e.field === 'code')) {
      throw new Problem(error.status, error.code, error.params, error.fieldErrors.map((e) => (e.field === 'code' ? { ...e, field: 'referralCode' } : e)));
    }
    throw error;
  }
}

export async function listReferrals(db: Executor, tenantId: string, query: LoyaltyReferralQuery): Promise<LoyaltyReferralPage> {
  let cursor: { at: Date; id: string } | undefined;
  if (query.cursor !== undefined) {
    const match = /^(\d{13})~([0-9a-f-]{36})$/.exec(query.cursor);
    if (!match) throw new Problem(400, 'invalid_cursor');
    cursor = { at: new Date(Number(match[1])), id: match[2]! };
  }
  const rows = await db.select().from(loyaltyReferrals).where(and(
    eq(loyaltyReferrals.tenantId, tenantId),
    ...(query.state ? [eq(loyaltyReferrals.state, query.state)] : []),
    ...(query.customerId ? [or(eq(loyaltyReferrals.referrerId, query.customerId), eq(loyaltyReferrals.friendId, query.customerId))!] : []),
    ...(cursor ? [or(lt(loyaltyReferrals.attachedAt, cursor.at), and(eq(loyaltyReferrals.attachedAt, cursor.at), lt(loyaltyReferrals.id, cursor.id)))!] : []),
  )).orderBy(desc(loyaltyReferrals.attachedAt), desc(loyaltyReferrals.id)).limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const names = await people(db, tenantId, page.flatMap((r) => [r.referrerId, r.friendId]));
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentReferral(r, names)),
    nextCursor: rows.length > query.limit && last ? `${last.attachedAt.getTime()}~${last.id}` : null,
  };
}

/** Whether the workspace has a referral waiting for its friend's purchase (the subscriber's filter). */
export async function hasAttachedReferrals(db: Executor, tenantId: string): Promise<boolean> {
  const { rows } = await db.execute(sql`SELECT 1 FROM loyalty_referrals WHERE tenant_id = ${tenantId} AND state = 'attached' LIMIT 1`);
  return rows.length > 0;
}

/**
 * The friend's first order past its return window that keeps at least the program's minimum, in
 * an active program that pays referrals: its points unlocked (or never pending). Oldest first.
 */
async function qualifyingOrder(tx: Executor, tenantId: string, friendId: string): Promise<{ program: Program; externalId: string } | undefined> {
  const { rows } = await tx.execute<{ program_id: string; external_id: string; kept: string }>(sql`
    SELECT o.program_id, o.external_id,
      (SELECT coalesce(sum((l->>'amount')::bigint - coalesce((l->>'returned')::bigint, 0)), 0) FROM jsonb_array_elements(o.lines) l) AS kept
    FROM loyalty_orders o
    JOIN loyalty_lots lot ON lot.tenant_id = o.tenant_id AND lot.entry_id = o.entry_id
    WHERE o.tenant_id = ${tenantId} AND o.customer_id = ${friendId}
      AND (lot.pending_until IS NULL OR lot.unlocked_at IS NOT NULL)
    ORDER BY o.created_at, o.external_id`);
  const programs = new Map<string, Program | undefined>();
  for (const row of rows) {
    if (!programs.has(row.program_id)) programs.set(row.program_id, await findProgram(tx, tenantId, row.program_id));
    const program = programs.get(row.program_id);
    const rules = program?.status === 'active' ? program.settings.referral : undefined;
    if (!rules) continue;
    const kept = Number(row.kept);
    if (kept > 0 && kept >= rules.minOrderAmount) return { program: program!, externalId: row.external_id };
  }
  return undefined;
}

/**
 * Decides the friend's referral when their first qualifying purchase is done: pays the sides the
 * program rewards (`referral.qualified` per side, with its points), or refuses it past the
 * referrer's velocity limit (recorded with the reason). Does nothing for a friend with no referral
 * waiting or no qualifying order yet; a referral already decided stays as it is.
 */
export async function qualifyFriend(tx: Executor, tenantId: string, friendId: string, now: Date): Promise<ReferralRow | undefined> {
  const [waiting] = await tx.select({ referrerId: loyaltyReferrals.referrerId }).from(loyaltyReferrals)
    .where(and(eq(loyaltyReferrals.tenantId, tenantId), eq(loyaltyReferrals.friendId, friendId), eq(loyaltyReferrals.state, 'attached')));
  if (!waiting) return undefined;
  // The referrer's code row, then the referral's: every qualification of one referrer takes turns, so the limit counts them all.
  // NO KEY UPDATE: a friend being attached with the code (a foreign key's KEY SHARE on the row) does not wait for it.
  await tx.select({ c: loyaltyReferralCodes.customerId }).from(loyaltyReferralCodes)
    .where(and(eq(loyaltyReferralCodes.tenantId, tenantId), eq(loyaltyReferralCodes.customerId, waiting.referrerId))).for('no key update');
  const [referral] = await tx.select().from(loyaltyReferrals)
    .where(and(eq(loyaltyReferrals.tenantId, tenantId), eq(loyaltyReferrals.friendId, friendId))).for('update');
  if (!referral || referral.state !== 'attached') return undefined;
  const found = await qualifyingOrder(tx, tenantId, friendId);
  if (!found) return undefined;
  const rules = found.program.settings.referral!;
  const where = and(eq(loyaltyReferrals.tenantId, tenantId), eq(loyaltyReferrals.friendId, friendId));

  if (rules.maxPerReferrerPer30Days !== null) {
    const [{ paid }] = (await tx.execute<{ paid: string }>(sql`
      SELECT count(*) AS paid FROM loyalty_referrals
      WHERE tenant_id = ${tenantId} AND referrer_id = ${referral.referrerId} AND state = 'qualified'
        AND decided_at > ${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`)).rows as [{ paid: string }];
    if (Number(paid) >= rules.maxPerReferrerPer30Days) {
      const [refused] = await tx.update(loyaltyReferrals).set({
        state: 'refused', reason: 'velocity_limit', programId: found.program.id, orderExternalId: found.externalId, decidedAt: now,
      }).where(where).returning();
      await recordAudit(tx, tenantId, { kind: 'system', id: 'loyalty.referrals' }, {
        action: 'loyalty_referral.refused', targetType: 'customer', targetId: friendId, details: { referralId: referral.id, reason: 'velocity_limit', limit: rules.maxPerReferrerPer30Days },
      });
      return refused;
    }
  }
  const referrerPoints = rules.reward === 'friend' ? 0 : rules.referrerPoints;
  const friendPoints = rules.reward === 'referrer' ? 0 : rules.friendPoints;
  const [qualified] = await tx.update(loyaltyReferrals).set({
    state: 'qualified', programId: found.program.id, orderExternalId: found.externalId, referrerPoints, friendPoints, decidedAt: now,
  }).where(where).returning();
  const sides = [
    { side: 'referrer', customerId: referral.referrerId, points: referrerPoints },
    { side: 'friend', customerId: friendId, points: friendPoints },
  ].filter((s) => s.points > 0);
  await publishEvents(tx, tenantId, sides.map((s) => ({
    topic: REFERRAL_QUALIFIED,
    payload: {
      customerId: s.customerId, referralId: `${referral.id}:${s.side}`, side: s.side, programId: found.program.id, points: s.points,
      referrerId: referral.referrerId, friendId, orderExternalId: found.externalId,
    },
  })));
  return qualified;
}

/**
 * What the program-events subscriber pays for a `referral.qualified` this module published (it names
 * its program and points); undefined for one from elsewhere, which the programs' event rules pay.
 */
export async function referralAward(db: Executor, tenantId: string, payload: Record<string, unknown>): Promise<{ program: Program; award: { key: string; points: number } } | undefined | null> {
  const { programId, points, referralId } = payload;
  if (typeof programId !== 'string' || typeof points !== 'number' || typeof referralId !== 'string') return undefined;
  if (!/^[0-9a-f-]{36}$/i.test(programId) || !Number.isInteger(points) || points <= 0) return null;
  const program = await findProgram(db, tenantId, programId);
  // An archived program pays nothing more (as with every other event).
  return program && program.status === 'active' ? { program, award: { key: referralId, points } } : null;
}

/** The signed-in member's code and link, and what the workspace's programs pay for a referral. */
export async function memberReferral(db: Executor, tenantId: string, customerId: string): Promise<MemberReferralView> {
  const settings = await workspaceSettings(db, tenantId);
  const code = await getReferralCode(db, tenantId, customerId);
  const offers = (await listPrograms(db, tenantId)).items
    .filter((p) => p.status === 'active' && p.settings.referral)
    .map((p) => {
      const r = p.settings.referral!;
      return {
        program: p.name, reward: r.reward, referrerPoints: r.reward === 'friend' ? 0 : r.referrerPoints, friendPoints: r.reward === 'referrer' ? 0 : r.friendPoints,
        minOrderAmount: r.minOrderAmount,
      };
    });
  return { code: code?.code ?? null, path: code?.path ?? null, offers, currency: settings.currency, irrDisplay: settings.irrDisplay };
}

/**
 * An invite link as a signed-out visitor sees it: the workspace, the inviting member's first name
 * only (nothing else of theirs), and what the friend earns. 404 `referral_code_unknown` for a code
 * that is not a live member's.
 */
export async function memberInvite(db: Executor, tenantId: string, input: string): Promise<MemberInviteView> {
  const code = normaliseReferralCode(input);
  const { rows: [owner] } = code === undefined ? { rows: [] } : await db.execute<{ name: string | null }>(sql`
    SELECT c.name FROM loyalty_referral_codes rc
    JOIN customers c ON c.tenant_id = rc.tenant_id AND c.id = rc.customer_id AND c.merged_into IS NULL AND c.erased_at IS NULL
    WHERE rc.tenant_id = ${tenantId} AND rc.code = ${code}`);
  if (!owner || code === undefined) throw new Problem(404, 'referral_code_unknown');
  const settings = await workspaceSettings(db, tenantId);
  const offers = (await listPrograms(db, tenantId)).items
    .filter((p) => p.status === 'active' && p.settings.referral)
    .map((p) => {
      const r = p.settings.referral!;
      return { program: p.name, friendPoints: r.reward === 'referrer' ? 0 : r.friendPoints, minOrderAmount: r.minOrderAmount };
    });
  return {
    workspace: { name: settings.name, defaultLanguage: (['fa', 'ar', 'en'] as const).find((l) => l === settings.defaultLanguage) ?? 'en' },
    inviterFirstName: owner.name?.trim().split(/\s+/u)[0] || null,
    code: displayCode(code),
    offers, currency: settings.currency, irrDisplay: settings.irrDisplay,
  };
}
