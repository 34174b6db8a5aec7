import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type {
  CreateCreditPackage, CreditBalanceView, CreditBonusLotView, CreditEntryView, CreditMemberView, CreditOperationView, CreditPackageList, CreditPackageView, CreditReportView,
  PurchaseCredit, RefundCreditPurchase, SpendCredit, UpdateCreditPackage,
} from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { customers } from '../customers/index.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import {
  BONUS_EXPIRY_DAYS_MAX, CREDIT_MEMBER_ACCOUNT_KINDS, CREDIT_SYSTEM_ACCOUNT_KINDS, loyaltyCreditBalances, loyaltyCreditEntries, loyaltyCreditPackages, type CreditAccountKind,
} from './credit.schema.ts';
import type { LedgerContext } from './ledger.service.ts';
import { drawSoonestExpiring, type LotDraw } from './lot-draws.ts';
import { loyaltyPrograms } from './program.schema.ts';

// Prepaid credit: a member buys a package (pays the price, gets the credit; the difference is
// bonus) and spends credit at a checkout. Each operation is one balanced entry of the credit
// ledger (credit.schema.ts) under the member's balance row lock, keyed by the caller's external
// id or Idempotency-Key, so a retry is the same entry and concurrent spends take turns and never
// take the balance below zero. Paid credit is spent before bonus credit.
//
// Paid credit is the customer's money and never expires. Bonus credit may: each purchase's bonus is
// a lot of its own expiring at the purchase instant plus the package's `bonusExpiryDays` (null:
// never); bonus is spent soonest-expiring first (lots without expiry last), each entry recording
// the lots it drew; the expiry job (credit.jobs.ts) moves what is left of expired lots to the
// workspace's `bonus_expired` account, one entry per member and run. The cached bonus is always the
// sum of the member's open lots and of their bonus postings; creditReport checks both.

type PackageRow = typeof loyaltyCreditPackages.$inferSelect;
type Name = { fa: string; ar: string; en: string };

function presentPackage(row: PackageRow): CreditPackageView {
  return {
    id: row.id, programId: row.programId, name: row.name as Name, currency: row.currency, priceMinor: row.priceMinor, creditMinor: row.creditMinor,
    bonusMinor: row.creditMinor - row.priceMinor, bonusExpiryDays: row.bonusExpiryDays, active: row.active, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

async function requireProgram(db: Executor, tenantId: string, programId: string): Promise<void> {
  const [row] = await db.select({ id: loyaltyPrograms.id }).from(loyaltyPrograms).where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, programId)));
  if (!row) throw notFound();
}

// ---- packages (managers) -----------------------------------------------------------------------

/** Whole days from 1 to 3650, or null (never); anything else is 422 with its field. */
function checkBonusExpiryDays(days: number | null | undefined): void {
  if (days === null || days === undefined) return;
  if (!Number.isInteger(days) || days < 1 || days > BONUS_EXPIRY_DAYS_MAX) {
    throw invalidField('bonusExpiryDays', 'credit_bonus_expiry_days_invalid', { min: 1, max: BONUS_EXPIRY_DAYS_MAX });
  }
}

export async function listPackages(db: Executor, tenantId: string, programId?: string): Promise<CreditPackageList> {
  if (programId) await requireProgram(db, tenantId, programId);
  const rows = await db.select().from(loyaltyCreditPackages)
    .where(and(eq(loyaltyCreditPackages.tenantId, tenantId), programId ? eq(loyaltyCreditPackages.programId, programId) : undefined))
    .orderBy(asc(loyaltyCreditPackages.priceMinor), asc(loyaltyCreditPackages.id));
  return { items: rows.map(presentPackage) };
}

export async function createPackage(tx: Executor, tenantId: string, actor: Actor, programId: string, input: CreateCreditPackage, now: Date): Promise<CreditPackageView> {
  await requireProgram(tx, tenantId, programId);
  if (input.creditMinor < input.priceMinor) throw invalidField('creditMinor', 'credit_below_price');
  checkBonusExpiryDays(input.bonusExpiryDays);
  const { currency } = await workspaceSettings(tx, tenantId);
  const [row] = await tx.insert(loyaltyCreditPackages).values({
    tenantId, programId, name: input.name, currency, priceMinor: input.priceMinor, creditMinor: input.creditMinor, bonusExpiryDays: input.bonusExpiryDays,
    active: input.active, createdAt: now, updatedAt: now,
  }).returning();
  await recordAudit(tx, tenantId, actor, {
    action: 'loyalty_credit_package.created', targetType: 'loyalty_credit_package', targetId: row!.id,
    details: { programId, currency, priceMinor: input.priceMinor, creditMinor: input.creditMinor, bonusExpiryDays: input.bonusExpiryDays },
  });
  return presentPackage(row!);
}

/**
 * Name, bonus expiry and whether it is sold; price and credit stay as sold (a changed offer is a
 * new package). A changed bonus expiry applies to purchases from then on: bonus already bought keeps its date.
 */
export async function updatePackage(tx: Executor, tenantId: string, actor: Actor, programId: string, packageId: string, input: UpdateCreditPackage, now: Date): Promise<CreditPackageView> {
  checkBonusExpiryDays(input.bonusExpiryDays);
  const [row] = await tx.update(loyaltyCreditPackages).set({ ...input, updatedAt: now }).where(and(
    eq(loyaltyCreditPackages.tenantId, tenantId), eq(loyaltyCreditPackages.programId, programId), eq(loyaltyCreditPackages.id, packageId))).returning();
  if (!row) throw notFound();
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_credit_package.changed', targetType: 'loyalty_credit_package', targetId: packageId, details: { programId, ...input } });
  return presentPackage(row);
}

// ---- the credit ledger ---------------------------------------------------------------------------

interface Posting {
  account: CreditAccountKind;
  /** the member whose account it is, or null for the workspace's */
  holder: string | null;
  amount: number;
}

interface BalanceRow {
  paid: number;
  bonus: number;
}

/** The customer must be the workspace's, not erased and not merged into another. */
async function requireHolder(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  const [row] = await tx.select({ mergedInto: customers.mergedInto, erasedAt: customers.erasedAt }).from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  if (!row || row.erasedAt) throw notFound();
  if (row.mergedInto) throw new Problem(409, 'customer_merged');
}

/**
 * Opens the member's balance and accounts in the currency (and the workspace's system accounts)
 * if they are not there, then locks the balance row: the lock every change to this member's
 * credit takes first.
 */
async function lockBalance(tx: Executor, tenantId: string, customerId: string, currency: string, open: boolean): Promise<BalanceRow | undefined> {
  if (open) {
    await tx.execute(sql`
      WITH balance AS (
        INSERT INTO loyalty_credit_balances (tenant_id, customer_id, currency) VALUES (${tenantId}, ${customerId}, ${currency})
        ON CONFLICT DO NOTHING RETURNING customer_id
      )
      INSERT INTO loyalty_credit_accounts (tenant_id, kind, currency, customer_id)
      SELECT * FROM (
        SELECT ${tenantId}::uuid, kind, ${currency}::text, NULL::uuid FROM unnest(${sql.param([...CREDIT_SYSTEM_ACCOUNT_KINDS])}::text[]) AS kind
        UNION ALL
        SELECT ${tenantId}::uuid, kind, ${currency}::text, balance.customer_id FROM balance CROSS JOIN unnest(${sql.param([...CREDIT_MEMBER_ACCOUNT_KINDS])}::text[]) AS kind
      ) accounts
      ON CONFLICT DO NOTHING`);
  }
  const { rows } = await tx.execute<{ paid: string; bonus: string }>(sql`
    SELECT paid, bonus FROM loyalty_credit_balances WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND currency = ${currency} FOR NO KEY UPDATE`);
  const row = rows[0];
  return row ? { paid: Number(row.paid), bonus: Number(row.bonus) } : undefined;
}

interface NewCreditEntry {
  kind: 'purchase' | 'spend' | 'refund' | 'expire' | 'merge';
  key: string;
  customerId: string;
  currency: string;
  packageId: string | null;
  externalId: string | null;
  reason: string | null;
  postings: Posting[];
  /** each member's cached balance change (a merge changes two) */
  deltas: (BalanceRow & { customerId: string })[];
  /** the entry's source, when not the context's */
  source?: string;
}

/** Books the entry, its postings and the balances in one statement; undefined when the key was already used (nothing written). */
async function bookCreditEntry(tx: Executor, ctx: LedgerContext, e: NewCreditEntry): Promise<number | undefined> {
  const at = ctx.now.toISOString();
  const { rows } = await tx.execute<{ entry_id: string | null; posted: number; balances: number }>(sql`
    WITH entry AS (
      INSERT INTO loyalty_credit_entries (tenant_id, kind, idempotency_key, customer_id, currency, package_id, external_id, reason, source, created_at)
      VALUES (${ctx.tenantId}, ${e.kind}, ${e.key}, ${e.customerId}, ${e.currency}, ${e.packageId}::uuid, ${e.externalId}, ${e.reason}, ${e.source ?? ctx.source}, ${at}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING id
    ), input AS (
      SELECT * FROM unnest(${sql.param(e.postings.map((p) => p.account))}::text[], ${sql.param(e.postings.map((p) => p.holder))}::uuid[],
                           ${sql.param(e.postings.map((p) => p.amount))}::bigint[]) AS x(kind, holder, amount)
    ), postings AS (
      INSERT INTO loyalty_credit_postings (tenant_id, entry_id, account_id, amount)
      SELECT ${ctx.tenantId}::uuid, entry.id, a.id, x.amount
      FROM entry CROSS JOIN input x
      CROSS JOIN LATERAL (
        SELECT id FROM loyalty_credit_accounts WHERE tenant_id = ${ctx.tenantId} AND kind = x.kind AND currency = ${e.currency} AND customer_id = x.holder
        UNION ALL
        SELECT id FROM loyalty_credit_accounts WHERE tenant_id = ${ctx.tenantId} AND kind = x.kind AND currency = ${e.currency} AND customer_id IS NULL AND x.holder IS NULL
      ) a
      RETURNING 1
    ), balances AS (
      UPDATE loyalty_credit_balances b SET paid = b.paid + d.paid, bonus = b.bonus + d.bonus, updated_at = ${at}::timestamptz
      FROM unnest(${sql.param(e.deltas.map((d) => d.customerId))}::uuid[], ${sql.param(e.deltas.map((d) => d.paid))}::bigint[],
                  ${sql.param(e.deltas.map((d) => d.bonus))}::bigint[]) AS d(customer_id, paid, bonus)
      WHERE b.tenant_id = ${ctx.tenantId} AND b.customer_id = d.customer_id AND b.currency = ${e.currency} AND EXISTS (SELECT 1 FROM entry)
      RETURNING 1
    )
    SELECT (SELECT id FROM entry) AS entry_id, (SELECT count(*) FROM postings)::int AS posted, (SELECT count(*) FROM balances)::int AS balances`);
  const row = rows[0]!;
  if (row.entry_id === null) return undefined;
  if (Number(row.posted) !== e.postings.length) throw new Error(`credit entry ${row.entry_id}: ${e.postings.length} postings, ${row.posted} accounts found`);
  if (Number(row.balances) !== e.deltas.length) throw new Error(`credit entry ${row.entry_id}: ${e.deltas.length} balances to change, ${row.balances} found`);
  return Number(row.entry_id);
}

type EntryRow = typeof loyaltyCreditEntries.$inferSelect;

// ---- bonus lots ----------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

interface BonusLot {
  id: number;
  remaining: number;
  expiresAt: Date | null;
}

/** A purchase's bonus as a lot of its own, expiring `days` after the purchase (null: never). */
async function openBonusLot(tx: Executor, ctx: LedgerContext, customerId: string, currency: string, entryId: number, amount: number, days: number | null): Promise<void> {
  const expiresAt = days === null ? null : new Date(ctx.now.getTime() + days * DAY_MS).toISOString();
  await tx.execute(sql`
    INSERT INTO loyalty_credit_bonus_lots (tenant_id, customer_id, currency, entry_id, amount, remaining, expires_at, created_at)
    VALUES (${ctx.tenantId}, ${customerId}, ${currency}, ${entryId}, ${amount}, ${amount}, ${expiresAt}::timestamptz, ${ctx.now.toISOString()}::timestamptz)`);
}

/** The member's open bonus lots (under their balance lock), or only the ones named. */
async function openBonusLots(tx: Executor, tenantId: string, customerId: string, currency: string): Promise<BonusLot[]> {
  const { rows } = await tx.execute<{ id: string; remaining: string; expires_at: Date | string | null }>(sql`
    SELECT id, remaining, expires_at FROM loyalty_credit_bonus_lots
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND currency = ${currency} AND remaining > 0
    ORDER BY expires_at ASC NULLS LAST, id`);
  return rows.map((r) => ({ id: Number(r.id), remaining: Number(r.remaining), expiresAt: r.expires_at === null ? null : new Date(r.expires_at) }));
}

/** Takes the draws from their lots and records them against the entry. */
async function recordDraws(tx: Executor, tenantId: string, entryId: number, draws: LotDraw[]): Promise<void> {
  if (draws.length === 0) return;
  const lotIds = sql.param(draws.map((d) => d.lotId));
  const amounts = sql.param(draws.map((d) => d.amount));
  const { rows } = await tx.execute<{ n: number }>(sql`
    WITH d AS (SELECT * FROM unnest(${lotIds}::bigint[], ${amounts}::bigint[]) AS x(lot_id, amount)), taken AS (
      UPDATE loyalty_credit_bonus_lots l SET remaining = l.remaining - d.amount FROM d
      WHERE l.tenant_id = ${tenantId} AND l.id = d.lot_id AND l.remaining >= d.amount RETURNING 1
    ), drawn AS (
      INSERT INTO loyalty_credit_bonus_draws (tenant_id, entry_id, lot_id, amount) SELECT ${tenantId}::uuid, ${entryId}::bigint, lot_id, amount FROM d RETURNING 1
    )
    SELECT (SELECT count(*) FROM taken)::int AS n`);
  if (Number(rows[0]!.n) !== draws.length) throw new Error(`credit entry ${entryId}: ${draws.length} bonus draws, ${rows[0]!.n} lots had enough`);
}

/** Bonus spent: drawn from the member's lots soonest-expiring first (lots without expiry last). */
async function drawBonus(tx: Executor, tenantId: string, customerId: string, currency: string, entryId: number, amount: number): Promise<void> {
  if (amount <= 0) return;
  const draws = drawSoonestExpiring(await openBonusLots(tx, tenantId, customerId, currency), amount);
  if (!draws) throw new Error(`credit entry ${entryId}: the member's bonus lots do not cover ${amount} (the cached bonus drifted)`);
  await recordDraws(tx, tenantId, entryId, draws);
}

const EXPIRY_SOURCE = 'system:bonus-expiry';

/**
 * Under the member's balance lock: whatever is left of their bonus lots past expiry moves to the
 * workspace's `bonus_expired` account in one balanced `expire` entry drawing each lot to zero.
 * Keyed by the first lot it expires (a lot expires once), so nothing expires twice. Returns the amount.
 */
async function expireDueBonus(tx: Executor, tenantId: string, customerId: string, currency: string, now: Date): Promise<number> {
  const { rows } = await tx.execute<{ id: string; remaining: string }>(sql`
    SELECT id, remaining FROM loyalty_credit_bonus_lots
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND currency = ${currency} AND remaining > 0 AND expires_at <= ${now.toISOString()}::timestamptz
    ORDER BY id`);
  if (rows.length === 0) return 0;
  const draws = rows.map((r) => ({ lotId: Number(r.id), amount: Number(r.remaining) }));
  const total = draws.reduce((n, d) => n + d.amount, 0);
  // Workspaces that sold credit before this account existed have it from migration 0044; this is for any other.
  await tx.execute(sql`
    INSERT INTO loyalty_credit_accounts (tenant_id, kind, currency, customer_id) VALUES (${tenantId}, 'bonus_expired', ${currency}, NULL) ON CONFLICT DO NOTHING`);
  const key = `expire:lot:${draws[0]!.lotId}`;
  const entryId = await bookCreditEntry(tx, { tenantId, source: EXPIRY_SOURCE, now }, {
    kind: 'expire', key, customerId, currency, packageId: null, externalId: null, reason: null,
    postings: [{ account: 'bonus', holder: customerId, amount: -total }, { account: 'bonus_expired', holder: null, amount: total }],
    deltas: [{ customerId, paid: 0, bonus: -total }],
  });
  if (entryId === undefined) throw new Error(`credit key ${key} taken under the member's lock`);
  await recordDraws(tx, tenantId, entryId, draws);
  return total;
}

export interface BonusExpiryResult {
  members: number;
  lots: number;
  expiredMinor: number;
}

/** Members with bonus due to expire are taken this many to a transaction. */
export const BONUS_EXPIRY_BATCH = 500;

/**
 * One workspace's due bonus: a batch of members at a time, each locked (customer, currency order,
 * so concurrent runs queue rather than deadlock) and expired. A second or concurrent run finds
 * the lots already at zero and books nothing.
 */
export async function expireBonusCredit(database: Pick<Database, 'db'>, tenantId: string, now: Date, batch = BONUS_EXPIRY_BATCH): Promise<BonusExpiryResult> {
  const total: BonusExpiryResult = { members: 0, lots: 0, expiredMinor: 0 };
  for (;;) {
    const done = await database.db.transaction(async (tx) => {
      const { rows: due } = await tx.execute<{ customer_id: string; currency: string; lots: number }>(sql`
        SELECT customer_id, currency, count(*)::int AS lots FROM loyalty_credit_bonus_lots
        WHERE tenant_id = ${tenantId} AND remaining > 0 AND expires_at <= ${now.toISOString()}::timestamptz
        GROUP BY customer_id, currency ORDER BY customer_id, currency LIMIT ${batch}`);
      for (const member of due) {
        await lockBalance(tx, tenantId, member.customer_id, member.currency, false);
        const expired = await expireDueBonus(tx, tenantId, member.customer_id, member.currency, now);
        if (expired > 0) {
          total.members += 1;
          total.lots += Number(member.lots);
          total.expiredMinor += expired;
        }
      }
      return due.length < batch;
    });
    if (done) return total;
  }
}

/** The hourly job: every workspace with bonus past its expiry. */
export async function expireBonusCreditEverywhere(database: Pick<Database, 'db'>, now: Date): Promise<BonusExpiryResult & { workspaces: number }> {
  const { rows } = await database.db.execute<{ tenant_id: string }>(sql`
    SELECT DISTINCT tenant_id FROM loyalty_credit_bonus_lots WHERE remaining > 0 AND expires_at <= ${now.toISOString()}::timestamptz`);
  const total = { members: 0, lots: 0, expiredMinor: 0, workspaces: rows.length };
  for (const { tenant_id: tenantId } of rows) {
    const result = await expireBonusCredit(database, tenantId, now);
    total.members += result.members;
    total.lots += result.lots;
    total.expiredMinor += result.expiredMinor;
  }
  return total;
}

async function entryDeltas(db: Executor, tenantId: string, entryIds: number[]): Promise<Map<number, BalanceRow>> {
  if (entryIds.length === 0) return new Map();
  const { rows } = await db.execute<{ entry_id: string; paid: string; bonus: string }>(sql`
    SELECT p.entry_id,
      coalesce(sum(p.amount) FILTER (WHERE a.kind = 'paid'), 0) AS paid, coalesce(sum(p.amount) FILTER (WHERE a.kind = 'bonus'), 0) AS bonus
    FROM loyalty_credit_postings p JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
      JOIN loyalty_credit_entries e ON e.tenant_id = p.tenant_id AND e.id = p.entry_id
    -- The entry's own member's side (a merge posts to two members: what the survivor got).
    WHERE p.tenant_id = ${tenantId} AND p.entry_id = ANY(${sql.param(entryIds)}::bigint[]) AND (a.customer_id IS NULL OR a.customer_id = e.customer_id)
    GROUP BY p.entry_id`);
  return new Map(rows.map((r) => [Number(r.entry_id), { paid: Number(r.paid), bonus: Number(r.bonus) }]));
}

// A refund's key names its purchase: `refund:<purchase>` for the rest of it at once, `refund:<purchase>:<n>` for the n-th part.
const refundKey = (purchaseId: number, part?: number) => (part === undefined ? `refund:${purchaseId}` : `refund:${purchaseId}:${part}`);
const refundedPurchaseOf = (key: string) => Number(key.slice('refund:'.length).split(':')[0]);

function presentEntry(row: EntryRow, delta: BalanceRow | undefined): CreditEntryView {
  return {
    id: row.id, kind: row.kind as CreditEntryView['kind'], customerId: row.customerId, currency: row.currency, packageId: row.packageId,
    externalId: row.externalId, reason: row.reason, paidMinor: delta?.paid ?? 0, bonusMinor: delta?.bonus ?? 0, createdAt: row.createdAt.toISOString(),
    refundsEntryId: row.kind === 'refund' ? refundedPurchaseOf(row.idempotencyKey) : null,
  };
}

async function entryByKey(db: Executor, tenantId: string, key: string): Promise<CreditEntryView | undefined> {
  const [row] = await db.select().from(loyaltyCreditEntries).where(and(eq(loyaltyCreditEntries.tenantId, tenantId), eq(loyaltyCreditEntries.idempotencyKey, key)));
  if (!row) return undefined;
  return presentEntry(row, (await entryDeltas(db, tenantId, [row.id])).get(row.id));
}

export async function creditBalance(db: Executor, tenantId: string, customerId: string, currency?: string): Promise<CreditBalanceView> {
  const cur = currency ?? (await workspaceSettings(db, tenantId)).currency;
  const [row] = await db.select().from(loyaltyCreditBalances)
    .where(and(eq(loyaltyCreditBalances.tenantId, tenantId), eq(loyaltyCreditBalances.customerId, customerId), eq(loyaltyCreditBalances.currency, cur)));
  const paid = row?.paid ?? 0;
  const bonus = row?.bonus ?? 0;
  return { customerId, currency: cur, paidMinor: paid, bonusMinor: bonus, totalMinor: paid + bonus };
}

function creditKey(kind: 'purchase' | 'spend', externalId: string | undefined, requestKey: string | undefined): string {
  if (externalId !== undefined) return `${kind}:ext:${externalId}`;
  if (requestKey !== undefined) return `${kind}:req:${requestKey}`;
  throw new Problem(400, 'idempotency_key_required');
}

/** The first answer to a key used again: the same operation replays; a different one is refused. */
async function replayed(tx: Executor, ctx: LedgerContext, key: string, same: (entry: CreditEntryView) => boolean): Promise<CreditOperationView | undefined> {
  const first = await entryByKey(tx, ctx.tenantId, key);
  if (!first) return undefined;
  if (!same(first)) throw new Problem(409, 'external_id_conflict');
  return { entry: first, balance: await creditBalance(tx, ctx.tenantId, first.customerId, first.currency) };
}

/** A package bought: funding → member paid for the price, bonus issuance → member bonus for the rest, the bonus a lot of its own with the package's expiry. */
export async function purchaseCredit(tx: Executor, ctx: LedgerContext, customerId: string, input: PurchaseCredit, requestKey?: string): Promise<{ created: boolean; result: CreditOperationView }> {
  const key = creditKey('purchase', input.externalId, requestKey);
  await requireHolder(tx, ctx.tenantId, customerId);
  const [pkg] = await tx.select().from(loyaltyCreditPackages).where(and(eq(loyaltyCreditPackages.tenantId, ctx.tenantId), eq(loyaltyCreditPackages.id, input.packageId)));
  if (!pkg) throw invalidField('packageId', 'credit_package_unknown');
  const same = (e: CreditEntryView) => e.kind === 'purchase' && e.customerId === customerId && e.packageId === pkg.id;
  await lockBalance(tx, ctx.tenantId, customerId, pkg.currency, true);
  // Again under the lock: a merge that held it has moved this member's credit away.
  await requireHolder(tx, ctx.tenantId, customerId);
  const again = await replayed(tx, ctx, key, same);
  if (again) return { created: false, result: again };
  if (!pkg.active) throw new Problem(409, 'credit_package_inactive');
  const bonus = pkg.creditMinor - pkg.priceMinor;
  const postings: Posting[] = [{ account: 'funding', holder: null, amount: -pkg.priceMinor }, { account: 'paid', holder: customerId, amount: pkg.priceMinor }];
  if (bonus > 0) postings.push({ account: 'bonus_issuance', holder: null, amount: -bonus }, { account: 'bonus', holder: customerId, amount: bonus });
  const entryId = await bookCreditEntry(tx, ctx, {
    kind: 'purchase', key, customerId, currency: pkg.currency, packageId: pkg.id, externalId: input.externalId ?? null,
    reason: (pkg.name as Name).en, postings, deltas: [{ customerId, paid: pkg.priceMinor, bonus }],
  });
  if (entryId === undefined) throw new Error(`credit key ${key} taken under the member's lock`);
  if (bonus > 0) await openBonusLot(tx, ctx, customerId, pkg.currency, entryId, bonus, pkg.bonusExpiryDays);
  const entry = (await entryByKey(tx, ctx.tenantId, key))!;
  return { created: true, result: { entry, balance: await creditBalance(tx, ctx.tenantId, customerId, pkg.currency) } };
}

/**
 * Credit spent at a checkout: member paid → spent paid first, then member bonus → spent bonus, drawn
 * from bonus lots soonest-expiring first. Refused (nothing written) when the balance does not cover it.
 */
export async function spendCredit(tx: Executor, ctx: LedgerContext, customerId: string, input: SpendCredit, requestKey?: string): Promise<{ created: boolean; result: CreditOperationView }> {
  const key = creditKey('spend', input.externalId, requestKey);
  await requireHolder(tx, ctx.tenantId, customerId);
  const { currency } = await workspaceSettings(tx, ctx.tenantId);
  let balance = await lockBalance(tx, ctx.tenantId, customerId, currency, false);
  // Again under the lock: a merge that held it has moved this member's credit to the survivor.
  if (balance) await requireHolder(tx, ctx.tenantId, customerId);
  const same = (e: CreditEntryView) => e.kind === 'spend' && e.customerId === customerId && e.paidMinor + e.bonusMinor === -input.amountMinor;
  const again = await replayed(tx, ctx, key, same);
  if (again) return { created: false, result: again };
  // Bonus past its expiry is not spendable: expired first, as the job would have.
  if (balance && (await expireDueBonus(tx, ctx.tenantId, customerId, currency, ctx.now)) > 0) balance = await lockBalance(tx, ctx.tenantId, customerId, currency, false);
  const held = balance ? balance.paid + balance.bonus : 0;
  if (!balance || held < input.amountMinor) throw new Problem(409, 'insufficient_credit', { balance: held, amount: input.amountMinor });
  const fromPaid = Math.min(balance.paid, input.amountMinor);
  const fromBonus = input.amountMinor - fromPaid;
  const postings: Posting[] = [];
  if (fromPaid > 0) postings.push({ account: 'paid', holder: customerId, amount: -fromPaid }, { account: 'spent_paid', holder: null, amount: fromPaid });
  if (fromBonus > 0) postings.push({ account: 'bonus', holder: customerId, amount: -fromBonus }, { account: 'spent_bonus', holder: null, amount: fromBonus });
  const entryId = await bookCreditEntry(tx, ctx, {
    kind: 'spend', key, customerId, currency, packageId: null, externalId: input.externalId ?? null, reason: input.reason ?? null,
    postings, deltas: [{ customerId, paid: -fromPaid, bonus: -fromBonus }],
  });
  if (entryId === undefined) throw new Error(`credit key ${key} taken under the member's lock`);
  await drawBonus(tx, ctx.tenantId, customerId, currency, entryId, fromBonus);
  const entry = (await entryByKey(tx, ctx.tenantId, key))!;
  return { created: true, result: { entry, balance: await creditBalance(tx, ctx.tenantId, customerId, currency) } };
}

/**
 * The purchase's refunds so far: how many, and the paid and bonus credit they took back (both ≤ 0).
 * `holders`: the buyer and the records its credit was merged into, whose entries its refunds are.
 */
async function refundsOf(tx: Executor, tenantId: string, purchase: EntryRow, holders: string[]): Promise<{ count: number; taken: BalanceRow }> {
  const rows = await tx.select({ id: loyaltyCreditEntries.id, key: loyaltyCreditEntries.idempotencyKey }).from(loyaltyCreditEntries)
    .where(and(eq(loyaltyCreditEntries.tenantId, tenantId), inArray(loyaltyCreditEntries.customerId, holders), eq(loyaltyCreditEntries.kind, 'refund')));
  const ids = rows.filter((r) => refundedPurchaseOf(r.key) === purchase.id).map((r) => r.id);
  const deltas = await entryDeltas(tx, tenantId, ids);
  const taken = { paid: 0, bonus: 0 };
  for (const d of deltas.values()) {
    taken.paid += d.paid;
    taken.bonus += d.bonus;
  }
  return { count: ids.length, taken };
}

/** How many merges a purchase's credit is followed through (as member-merge.service.ts survivorOf). */
const MAX_MERGE_HOPS = 32;

/**
 * The records a customer's credit has belonged to: the customer, then each record it was merged
 * into (`customers.merged_into`, member or not, as the credit merge is); the last holds it now.
 */
async function creditHolders(tx: Executor, tenantId: string, customerId: string): Promise<string[]> {
  const holders = [customerId];
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const [row] = await tx.select({ mergedInto: customers.mergedInto }).from(customers)
      .where(and(eq(customers.tenantId, tenantId), eq(customers.id, holders[holders.length - 1]!)));
    if (!row?.mergedInto) return holders;
    holders.push(row.mergedInto);
  }
  throw new Error(`merged_into of ${customerId} goes on past ${MAX_MERGE_HOPS} records`);
}

/**
 * The lot a purchase's bonus is withdrawn from: its own, or for a purchase from before lots the
 * buyer's carried-over lot, followed through merges (a merge draws a lot whole into the one lot of
 * the survivor its `merge` entry opened) to the lot of `holder` that has it now; what that lot
 * holds, and how much expired along the way. No lot, or none of the holder's: it holds nothing.
 */
async function purchaseBonusLot(tx: Executor, tenantId: string, purchase: EntryRow, holder: string): Promise<{ id: number | null; remaining: number; expired: number }> {
  const { rows } = await tx.execute<{ id: string; customer_id: string; remaining: string; expired: string }>(sql`
    WITH RECURSIVE start AS (
      SELECT l.id FROM loyalty_credit_bonus_lots l
      WHERE l.tenant_id = ${tenantId} AND l.customer_id = ${purchase.customerId} AND l.currency = ${purchase.currency}
        AND (l.entry_id = ${purchase.id} OR (l.entry_id IS NULL AND NOT EXISTS (
          SELECT 1 FROM loyalty_credit_bonus_lots own WHERE own.tenant_id = ${tenantId} AND own.entry_id = ${purchase.id})))
      ORDER BY l.entry_id NULLS LAST LIMIT 1
    ), chain AS (
      SELECT l.id, l.customer_id, l.remaining, 0 AS hop FROM start JOIN loyalty_credit_bonus_lots l ON l.tenant_id = ${tenantId} AND l.id = start.id
      UNION ALL
      SELECT next.id, next.customer_id, next.remaining, c.hop + 1
      FROM chain c
        JOIN loyalty_credit_bonus_draws d ON d.tenant_id = ${tenantId} AND d.lot_id = c.id
        JOIN loyalty_credit_entries e ON e.tenant_id = d.tenant_id AND e.id = d.entry_id AND e.kind = 'merge'
        JOIN loyalty_credit_bonus_lots next ON next.tenant_id = d.tenant_id AND next.entry_id = e.id
      WHERE c.hop < ${MAX_MERGE_HOPS}
    )
    SELECT c.id, c.customer_id, c.remaining,
      (SELECT coalesce(sum(d.amount), 0) FROM loyalty_credit_bonus_draws d JOIN loyalty_credit_entries e ON e.tenant_id = d.tenant_id AND e.id = d.entry_id
        WHERE d.tenant_id = ${tenantId} AND d.lot_id IN (SELECT id FROM chain) AND e.kind = 'expire') AS expired
    FROM chain c ORDER BY c.hop DESC LIMIT 1`);
  const row = rows[0];
  if (!row) return { id: null, remaining: 0, expired: 0 };
  if (row.customer_id !== holder) return { id: null, remaining: 0, expired: Number(row.expired) };
  return { id: Number(row.id), remaining: Number(row.remaining), expired: Number(row.expired) };
}

/**
 * A package purchase refunded, in full or in part: a reversing `refund` entry, member paid →
 * funding for the money returned and member bonus → bonus issuance for the bonus that came with
 * it, so the money goes back and its bonus is withdrawn. What is left of a purchase is its paid and
 * bonus credit less its earlier refunds.
 *
 * The bonus is withdrawn from the purchase's own bonus lot only, never from another purchase's
 * (a purchase from before lots: from the member's carried-over lot, which holds the pooled bonus of
 * then), and never more than that lot still holds. Bonus past its expiry is expired first.
 * - Without `amountMinor`: all that is left. Paid credit is pooled, so the member must still hold
 *   what is left of it, and none of the purchase's bonus may have been spent (its lot holds what is
 *   left of it but for what expired): otherwise 409 `credit_already_spent`. Bonus that expired
 *   does not stand in the way: the member lost it, so there is only less to withdraw.
 * - With `amountMinor`: that much of the paid money, never more than is left of the purchase nor
 *   than the member holds unspent (409 `credit_refund_exceeds_remainder` with `remaining`); the
 *   bonus withdrawn is the purchase's bonus in the same proportion, rounded up, all of what is
 *   left of it with the last of the money, and never more than its lot still holds.
 * Nothing left: 409 `credit_already_refunded`; only a purchase (409 `credit_entry_not_refundable`);
 * another workspace's entry 404. Under the member's balance lock, so concurrent refunds of one
 * purchase take turns and each sees what the one before left.
 * After the buyer was merged into another record (however many hops), its credit is the
 * survivor's: the refund is the survivor's entry, from the survivor's paid credit and from the
 * survivor's lot the purchase's bonus lot was merged into, by the same rules (refused only when the
 * survivor no longer holds it); earlier refunds of the purchase, the buyer's or the survivor's, count.
 */
export async function refundCreditPurchase(tx: Executor, ctx: LedgerContext, purchaseId: number, input: RefundCreditPurchase): Promise<CreditOperationView> {
  const [purchase] = await tx.select().from(loyaltyCreditEntries).where(and(eq(loyaltyCreditEntries.tenantId, ctx.tenantId), eq(loyaltyCreditEntries.id, purchaseId)));
  if (!purchase) throw notFound();
  if (purchase.kind !== 'purchase') throw new Problem(409, 'credit_entry_not_refundable', { kind: purchase.kind });
  // The credit is refunded from whoever holds it now: the buyer, or the record it was merged into.
  // Read again under that holder's lock: a merge that held it has moved the credit on.
  let holders = await creditHolders(tx, ctx.tenantId, purchase.customerId);
  for (;;) {
    await lockBalance(tx, ctx.tenantId, holders[holders.length - 1]!, purchase.currency, false);
    const current = await creditHolders(tx, ctx.tenantId, purchase.customerId);
    if (current[current.length - 1] === holders[holders.length - 1]) break;
    holders = current;
  }
  const holder = holders[holders.length - 1]!;
  await expireDueBonus(tx, ctx.tenantId, holder, purchase.currency, ctx.now);
  const balance = (await lockBalance(tx, ctx.tenantId, holder, purchase.currency, false))!;
  const bought = (await entryDeltas(tx, ctx.tenantId, [purchaseId])).get(purchaseId)!;
  const lot = await purchaseBonusLot(tx, ctx.tenantId, purchase, holder);
  const earlier = await refundsOf(tx, ctx.tenantId, purchase, holders);
  // The full refund's key is the purchase's own: taken, nothing is left.
  const left = (await entryByKey(tx, ctx.tenantId, refundKey(purchaseId)))
    ? { paid: 0, bonus: 0 }
    : { paid: bought.paid + earlier.taken.paid, bonus: bought.bonus + earlier.taken.bonus };
  if (left.paid <= 0 && left.bonus <= 0) throw new Problem(409, 'credit_already_refunded');
  let refund: BalanceRow;
  if (input.amountMinor === undefined) {
    if (balance.paid < left.paid || lot.remaining + lot.expired < left.bonus) {
      throw new Problem(409, 'credit_already_spent', { held: balance.paid + lot.remaining, needed: left.paid + left.bonus - lot.expired });
    }
    refund = { paid: left.paid, bonus: Math.min(left.bonus, lot.remaining) };
  } else {
    const remaining = Math.min(left.paid, balance.paid);
    if (input.amountMinor > remaining) throw new Problem(409, 'credit_refund_exceeds_remainder', { amount: input.amountMinor, remaining });
    const proportional = input.amountMinor === left.paid ? left.bonus
      : Number((BigInt(input.amountMinor) * BigInt(bought.bonus) + BigInt(bought.paid) - 1n) / BigInt(bought.paid));
    refund = { paid: input.amountMinor, bonus: Math.min(proportional, left.bonus, lot.remaining) };
  }
  const postings: Posting[] = [];
  if (refund.paid > 0) postings.push({ account: 'paid', holder, amount: -refund.paid }, { account: 'funding', holder: null, amount: refund.paid });
  if (refund.bonus > 0) postings.push({ account: 'bonus', holder, amount: -refund.bonus }, { account: 'bonus_issuance', holder: null, amount: refund.bonus });
  const key = input.amountMinor === undefined ? refundKey(purchaseId) : refundKey(purchaseId, earlier.count + 1);
  // The entry is the holder's (its postings move the holder's accounts); its key names the purchase.
  const entryId = await bookCreditEntry(tx, ctx, {
    kind: 'refund', key, customerId: holder, currency: purchase.currency, packageId: purchase.packageId, externalId: purchase.externalId,
    reason: input.reason, postings, deltas: [{ customerId: holder, paid: -refund.paid, bonus: -refund.bonus }],
  });
  if (entryId === undefined) throw new Problem(409, 'credit_already_refunded');
  if (refund.bonus > 0) await recordDraws(tx, ctx.tenantId, entryId, [{ lotId: lot.id!, amount: refund.bonus }]);
  const entry = (await entryByKey(tx, ctx.tenantId, key))!;
  return { entry, balance: await creditBalance(tx, ctx.tenantId, holder, purchase.currency) };
}

const MERGE_SOURCE = 'system:customer-merge';

/**
 * Customer B (`sourceId`) merged into customer A (`targetId`), in the merge's transaction: per
 * currency, B's paid credit becomes A's paid credit and B's open bonus lots become A's lots with
 * the same expiry (a merge never lengthens nor shortens a bonus's life), in balanced `merge`
 * entries about A (external id B): B's paid and bonus accounts → A's, each of B's lots drawn whole
 * and recorded against the entry, A's lot opened in the same entry. A bonus lot belongs to one
 * entry (the lots' unique key), so the paid credit and the first expiry go in `merge:<B>:<currency>`
 * and each further expiry in `merge:<B>:<currency>:<n>`. B's bonus already past its expiry is
 * expired first, as B's. Both balance rows locked in customer-id order; B's balance ends at zero,
 * and a spend or purchase that waited on B's lock finds B merged (409 `customer_merged`). A second
 * run finds B's balance at zero and books nothing. Credit has no open checkouts to release.
 */
export async function mergeMemberCredit(tx: Executor, ctx: LedgerContext, sourceId: string, targetId: string): Promise<void> {
  const { tenantId } = ctx;
  const { rows: currencies } = await tx.execute<{ currency: string }>(sql`
    SELECT currency FROM loyalty_credit_balances WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId} ORDER BY currency`);
  for (const { currency } of currencies) {
    await lockBalance(tx, tenantId, targetId, currency, true);
    for (const id of [sourceId, targetId].sort()) await lockBalance(tx, tenantId, id, currency, false);
    await expireDueBonus(tx, tenantId, sourceId, currency, ctx.now);
    const balance = (await lockBalance(tx, tenantId, sourceId, currency, false))!;
    if (balance.paid + balance.bonus === 0) continue;
    const lots = await openBonusLots(tx, tenantId, sourceId, currency);
    const held = lots.reduce((n, l) => n + l.remaining, 0);
    if (held !== balance.bonus) throw new Error(`credit merge of ${sourceId}: its bonus lots hold ${held}, its balance ${balance.bonus}`);
    // One group per expiry: B's lots of one expiry become one lot of A's.
    const groups = new Map<string, { expiresAt: Date | null; draws: LotDraw[]; amount: number }>();
    for (const lot of lots) {
      const k = lot.expiresAt === null ? 'never' : String(lot.expiresAt.getTime());
      const group = groups.get(k) ?? { expiresAt: lot.expiresAt, draws: [], amount: 0 };
      group.draws.push({ lotId: lot.id, amount: lot.remaining });
      group.amount += lot.remaining;
      groups.set(k, group);
    }
    const parts = [...groups.values()];
    const entries = Math.max(1, parts.length);
    for (let n = 0; n < entries; n++) {
      const paid = n === 0 ? balance.paid : 0;
      const group = parts[n];
      const bonus = group?.amount ?? 0;
      const key = n === 0 ? `merge:${sourceId}:${currency}` : `merge:${sourceId}:${currency}:${n}`;
      const entryId = await bookCreditMerge(tx, ctx, { key, sourceId, targetId, currency, paid, bonus });
      if (entryId === undefined) throw new Error(`credit merge of ${sourceId} into ${targetId}: key ${key} taken under both members' locks`);
      if (group) {
        await recordDraws(tx, tenantId, entryId, group.draws);
        await tx.execute(sql`
          INSERT INTO loyalty_credit_bonus_lots (tenant_id, customer_id, currency, entry_id, amount, remaining, expires_at, created_at)
          VALUES (${tenantId}, ${targetId}, ${currency}, ${entryId}, ${bonus}, ${bonus}, ${group.expiresAt?.toISOString() ?? null}::timestamptz, ${ctx.now.toISOString()}::timestamptz)`);
      }
    }
  }
}

/** One `merge` entry: B's paid and bonus → A's accounts and both cached balances; undefined when the key was taken. */
function bookCreditMerge(tx: Executor, ctx: LedgerContext, m: { key: string; sourceId: string; targetId: string; currency: string; paid: number; bonus: number }): Promise<number | undefined> {
  const postings: Posting[] = [];
  for (const account of ['paid', 'bonus'] as const) {
    const amount = m[account];
    if (amount > 0) postings.push({ account, holder: m.sourceId, amount: -amount }, { account, holder: m.targetId, amount });
  }
  return bookCreditEntry(tx, ctx, {
    kind: 'merge', key: m.key, customerId: m.targetId, currency: m.currency, packageId: null, externalId: m.sourceId, reason: 'customer_merged', source: MERGE_SOURCE,
    postings, deltas: [{ customerId: m.sourceId, paid: -m.paid, bonus: -m.bonus }, { customerId: m.targetId, paid: m.paid, bonus: m.bonus }],
  });
}

/** How many of a member's dated bonus lots their credit view lists. */
const EXPIRING_BONUS_SHOWN = 10;

/** The member's bonus that will expire, soonest first: what is left of each lot and when it goes. */
async function expiringBonus(db: Executor, tenantId: string, customerId: string, currency: string, now: Date): Promise<CreditBonusLotView[]> {
  const { rows } = await db.execute<{ id: string; entry_id: string | null; amount: string; remaining: string; expires_at: Date | string }>(sql`
    SELECT id, entry_id, amount, remaining, expires_at FROM loyalty_credit_bonus_lots
    WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND currency = ${currency} AND remaining > 0
      AND expires_at IS NOT NULL AND expires_at > ${now.toISOString()}::timestamptz
    ORDER BY expires_at, id LIMIT ${EXPIRING_BONUS_SHOWN}`);
  return rows.map((r) => ({
    id: Number(r.id), purchaseEntryId: r.entry_id === null ? null : Number(r.entry_id), amountMinor: Number(r.amount), remainingMinor: Number(r.remaining),
    expiresAt: new Date(r.expires_at).toISOString(),
  }));
}

export async function memberCredit(db: Executor, tenantId: string, customerId: string, now = new Date()): Promise<CreditMemberView> {
  const [customer] = await db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  if (!customer) throw notFound();
  const rows = await db.select().from(loyaltyCreditEntries).where(and(eq(loyaltyCreditEntries.tenantId, tenantId), eq(loyaltyCreditEntries.customerId, customerId)))
    .orderBy(desc(loyaltyCreditEntries.id)).limit(50);
  const deltas = await entryDeltas(db, tenantId, rows.map((r) => r.id));
  const balance = await creditBalance(db, tenantId, customerId);
  return { balance, expiringBonus: await expiringBonus(db, tenantId, customerId, balance.currency, now), entries: rows.map((r) => presentEntry(r, deltas.get(r.id))) };
}

/**
 * The workspace's credit in its currency: the liability (paid and bonus credit members hold),
 * what was sold, issued as bonus, spent and expired, and the ledger checked against itself: entries
 * that do not balance, balances that differ from their accounts' postings, and bonus lots apart
 * from the cached bonus, from the bonus postings or from their own draws.
 */
export async function creditReport(db: Executor, tenantId: string): Promise<CreditReportView> {
  const { currency } = await workspaceSettings(db, tenantId);
  const { rows: sums } = await db.execute<{ kind: string; member: boolean; total: string }>(sql`
    SELECT a.kind, a.customer_id IS NOT NULL AS member, coalesce(sum(p.amount), 0) AS total
    FROM loyalty_credit_accounts a LEFT JOIN loyalty_credit_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
    WHERE a.tenant_id = ${tenantId} AND a.currency = ${currency} GROUP BY a.kind, member`);
  const total = (kind: string) => Number(sums.find((s) => s.kind === kind)?.total ?? 0);
  const { rows: [unbalanced] } = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM (
      SELECT p.entry_id FROM loyalty_credit_postings p LEFT JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
      WHERE p.tenant_id = ${tenantId} GROUP BY p.entry_id, a.currency HAVING sum(p.amount) <> 0 OR a.currency IS NULL
      UNION ALL
      SELECT e.id FROM loyalty_credit_entries e WHERE e.tenant_id = ${tenantId}
        AND NOT EXISTS (SELECT 1 FROM loyalty_credit_postings p WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id)
    ) problems`);
  const { rows: [drifted] } = await db.execute<{ n: number }>(sql`
    WITH posted AS (
      SELECT a.customer_id, a.currency,
        coalesce(sum(p.amount) FILTER (WHERE a.kind = 'paid'), 0) AS paid, coalesce(sum(p.amount) FILTER (WHERE a.kind = 'bonus'), 0) AS bonus
      FROM loyalty_credit_accounts a LEFT JOIN loyalty_credit_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
      WHERE a.tenant_id = ${tenantId} AND a.customer_id IS NOT NULL GROUP BY a.customer_id, a.currency
    )
    SELECT count(*)::int AS n FROM loyalty_credit_balances b LEFT JOIN posted p ON p.customer_id = b.customer_id AND p.currency = b.currency
    WHERE b.tenant_id = ${tenantId} AND (b.paid <> coalesce(p.paid, 0) OR b.bonus <> coalesce(p.bonus, 0))`);
  // The bonus three ways: each member's cached bonus, what their bonus lots hold, and their bonus
  // postings; and each lot's remaining against its amount less its draws.
  const { rows: [bonus] } = await db.execute<{ apart_cache: number; apart_postings: number; lots: number }>(sql`
    WITH held AS (
      SELECT customer_id, currency, sum(remaining) AS bonus FROM loyalty_credit_bonus_lots WHERE tenant_id = ${tenantId} AND remaining > 0 GROUP BY customer_id, currency
    ), posted AS (
      SELECT a.customer_id, a.currency, coalesce(sum(p.amount), 0) AS bonus
      FROM loyalty_credit_accounts a LEFT JOIN loyalty_credit_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
      WHERE a.tenant_id = ${tenantId} AND a.kind = 'bonus' GROUP BY a.customer_id, a.currency
    ), drawn AS (
      SELECT lot_id, sum(amount) AS drawn FROM loyalty_credit_bonus_draws WHERE tenant_id = ${tenantId} GROUP BY lot_id
    )
    SELECT
      (SELECT count(*) FROM loyalty_credit_balances b LEFT JOIN held h ON h.customer_id = b.customer_id AND h.currency = b.currency
        WHERE b.tenant_id = ${tenantId} AND b.bonus <> coalesce(h.bonus, 0))::int AS apart_cache,
      (SELECT count(*) FROM posted p FULL JOIN held h ON h.customer_id = p.customer_id AND h.currency = p.currency
        WHERE coalesce(p.bonus, 0) <> coalesce(h.bonus, 0))::int AS apart_postings,
      (SELECT count(*) FROM loyalty_credit_bonus_lots l LEFT JOIN drawn d ON d.lot_id = l.id
        WHERE l.tenant_id = ${tenantId} AND l.remaining <> l.amount - coalesce(d.drawn, 0))::int AS lots`);
  const unbalancedEntries = Number(unbalanced?.n ?? 0);
  const driftedBalances = Number(drifted?.n ?? 0);
  const bonusLotsApartFromBalances = Number(bonus?.apart_cache ?? 0);
  const bonusLotsApartFromPostings = Number(bonus?.apart_postings ?? 0);
  const driftedBonusLots = Number(bonus?.lots ?? 0);
  return {
    currency,
    paidLiabilityMinor: total('paid'), bonusLiabilityMinor: total('bonus'),
    soldMinor: -total('funding'), bonusIssuedMinor: -total('bonus_issuance'), spentPaidMinor: total('spent_paid'), spentBonusMinor: total('spent_bonus'),
    bonusExpiredMinor: total('bonus_expired'),
    ok: unbalancedEntries + driftedBalances + bonusLotsApartFromBalances + bonusLotsApartFromPostings + driftedBonusLots === 0,
    unbalancedEntries, driftedBalances, bonusLotsApartFromBalances, bonusLotsApartFromPostings, driftedBonusLots,
  };
}
