import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';
import { loyaltyPrograms } from './program.schema.ts';

// Prepaid credit: money-denominated stored value, a ledger of its own beside the points ledger
// (ledger.schema.ts), built the same way: append-only double entry, each entry's postings sum to
// zero per currency (a deferred trigger), balances cached on a row that is also the member's lock.
// Paid credit and bonus credit are separate accounts, so finance reads each liability.
// Paid credit is the customer's own money: it never expires. Bonus credit may: each purchase's
// bonus is a lot of its own with its own expiry (the package's `bonus_expiry_days`), spent
// soonest-expiring first and expired by a job to the workspace's `bonus_expired` account.

/** System accounts, one per workspace and currency; member accounts, one per member and currency. */
export const CREDIT_SYSTEM_ACCOUNT_KINDS = ['funding', 'bonus_issuance', 'spent_paid', 'spent_bonus', 'bonus_expired'] as const;
export const CREDIT_MEMBER_ACCOUNT_KINDS = ['paid', 'bonus'] as const;
export type CreditAccountKind = (typeof CREDIT_SYSTEM_ACCOUNT_KINDS)[number] | (typeof CREDIT_MEMBER_ACCOUNT_KINDS)[number];
export const CREDIT_ENTRY_KINDS = ['purchase', 'spend', 'refund', 'expire', 'merge'] as const;
/** How long a package's bonus may last, in days (ten years). */
export const BONUS_EXPIRY_DAYS_MAX = 3650;

const quoted = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** A package a member can buy: pays `price_minor`, gets `credit_minor` (the difference is bonus). */
export const loyaltyCreditPackages = pgTable(
  'loyalty_credit_packages',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    programId: uuid('program_id').notNull(),
    name: jsonb('name').notNull(),
    currency: text('currency').notNull(),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    creditMinor: bigint('credit_minor', { mode: 'number' }).notNull(),
    /** days a purchase's bonus lasts from the purchase; null: it never expires (paid credit never does) */
    bonusExpiryDays: integer('bonus_expiry_days'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    check('loyalty_credit_packages_amounts', sql`${t.priceMinor} > 0 AND ${t.creditMinor} >= ${t.priceMinor}`),
    check('loyalty_credit_packages_bonus_expiry', sql`${t.bonusExpiryDays} IS NULL OR ${t.bonusExpiryDays} BETWEEN 1 AND ${sql.raw(String(BONUS_EXPIRY_DAYS_MAX))}`),
  ],
);

/** A member's credit in one currency: the cache of its two accounts and the lock of every change to them. */
export const loyaltyCreditBalances = pgTable(
  'loyalty_credit_balances',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    currency: text('currency').notNull(),
    paid: bigint('paid', { mode: 'number' }).notNull().default(0),
    bonus: bigint('bonus', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.customerId, t.currency] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_credit_balances_not_negative', sql`${t.paid} >= 0 AND ${t.bonus} >= 0`),
  ],
);

/** The chart of credit accounts. Insert only. */
export const loyaltyCreditAccounts = pgTable(
  'loyalty_credit_accounts',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    currency: text('currency').notNull(),
    customerId: uuid('customer_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_credit_accounts_system_key').on(t.tenantId, t.kind, t.currency).where(sql`customer_id IS NULL`),
    uniqueIndex('loyalty_credit_accounts_member_key').on(t.tenantId, t.customerId, t.kind, t.currency).where(sql`customer_id IS NOT NULL`),
    foreignKey({ columns: [t.tenantId, t.customerId, t.currency], foreignColumns: [loyaltyCreditBalances.tenantId, loyaltyCreditBalances.customerId, loyaltyCreditBalances.currency] }),
    check('loyalty_credit_accounts_kind', sql`${t.kind} IN (${quoted([...CREDIT_SYSTEM_ACCOUNT_KINDS, ...CREDIT_MEMBER_ACCOUNT_KINDS])})`),
    check('loyalty_credit_accounts_holder', sql`(${t.customerId} IS NOT NULL) = (${t.kind} IN (${quoted(CREDIT_MEMBER_ACCOUNT_KINDS)}))`),
  ],
);

/** One credit operation, the one answer to its idempotency key. Insert only. */
export const loyaltyCreditEntries = pgTable(
  'loyalty_credit_entries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    customerId: uuid('customer_id').notNull(),
    currency: text('currency').notNull(),
    packageId: uuid('package_id'),
    externalId: text('external_id'),
    reason: text('reason'),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_credit_entries_idempotency_key').on(t.tenantId, t.idempotencyKey),
    index('loyalty_credit_entries_member_idx').on(t.tenantId, t.customerId, t.id),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.packageId], foreignColumns: [loyaltyCreditPackages.tenantId, loyaltyCreditPackages.id] }),
    check('loyalty_credit_entries_kind', sql`${t.kind} IN (${quoted(CREDIT_ENTRY_KINDS)})`),
  ],
);

/** What an entry moves, per account: positive credits, negative debits, summing to zero per currency. Insert only. */
export const loyaltyCreditPostings = pgTable(
  'loyalty_credit_postings',
  {
    tenantId: uuid('tenant_id').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entryId, t.accountId] }),
    index('loyalty_credit_postings_account_idx').on(t.tenantId, t.accountId, t.entryId),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyCreditEntries.tenantId, loyaltyCreditEntries.id] }),
    check('loyalty_credit_postings_amount', sql`${t.amount} <> 0`),
  ],
);

/**
 * Bonus credit a member holds, per purchase: the purchase's bonus with its own expiry (null: never).
 * `remaining` is `amount` less its draws; the member's cached bonus is the sum of their lots'
 * `remaining`. A lot without an entry is a member's bonus from before lots (migration 0044), which
 * never expires. Only `remaining` ever changes.
 */
export const loyaltyCreditBonusLots = pgTable(
  'loyalty_credit_bonus_lots',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    customerId: uuid('customer_id').notNull(),
    currency: text('currency').notNull(),
    /** the purchase that credited it; null for the bonus carried over from before lots */
    entryId: bigint('entry_id', { mode: 'number' }),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    remaining: bigint('remaining', { mode: 'number' }).notNull(),
    /** null: never expires */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_credit_bonus_lots_entry_key').on(t.tenantId, t.entryId).where(sql`entry_id IS NOT NULL`),
    // Spending order: soonest expiry first, lots that never expire last (ASC puts NULL last).
    index('loyalty_credit_bonus_lots_open_idx').on(t.tenantId, t.customerId, t.currency, t.expiresAt, t.id).where(sql`remaining > 0`),
    // The expiry job finds what is due without scanning.
    index('loyalty_credit_bonus_lots_expiry_idx').on(t.tenantId, t.expiresAt).where(sql`remaining > 0 AND expires_at IS NOT NULL`),
    foreignKey({ columns: [t.tenantId, t.customerId, t.currency], foreignColumns: [loyaltyCreditBalances.tenantId, loyaltyCreditBalances.customerId, loyaltyCreditBalances.currency] }),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyCreditEntries.tenantId, loyaltyCreditEntries.id] }),
    check('loyalty_credit_bonus_lots_remaining', sql`${t.amount} > 0 AND ${t.remaining} >= 0 AND ${t.remaining} <= ${t.amount}`),
  ],
);

/** Which bonus lots an entry (a spend, a refund, an expiry) took bonus from, and how much. Insert only. */
export const loyaltyCreditBonusDraws = pgTable(
  'loyalty_credit_bonus_draws',
  {
    tenantId: uuid('tenant_id').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    lotId: bigint('lot_id', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entryId, t.lotId] }),
    index('loyalty_credit_bonus_draws_lot_idx').on(t.tenantId, t.lotId),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyCreditEntries.tenantId, loyaltyCreditEntries.id] }),
    foreignKey({ columns: [t.tenantId, t.lotId], foreignColumns: [loyaltyCreditBonusLots.tenantId, loyaltyCreditBonusLots.id] }),
    check('loyalty_credit_bonus_draws_amount', sql`${t.amount} > 0`),
  ],
);
