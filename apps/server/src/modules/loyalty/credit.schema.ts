import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';
import { loyaltyPrograms } from './program.schema.ts';

// Prepaid credit: money-denominated stored value, a ledger of its own beside the points ledger
// (ledger.schema.ts), built the same way: append-only double entry, each entry's postings sum to
// zero per currency (a deferred trigger), balances cached on a row that is also the member's lock.
// Paid credit and bonus credit are separate accounts, so finance reads each liability.

/** System accounts, one per workspace and currency; member accounts, one per member and currency. */
export const CREDIT_SYSTEM_ACCOUNT_KINDS = ['funding', 'bonus_issuance', 'spent_paid', 'spent_bonus'] as const;
export const CREDIT_MEMBER_ACCOUNT_KINDS = ['paid', 'bonus'] as const;
export type CreditAccountKind = (typeof CREDIT_SYSTEM_ACCOUNT_KINDS)[number] | (typeof CREDIT_MEMBER_ACCOUNT_KINDS)[number];
export const CREDIT_ENTRY_KINDS = ['purchase', 'spend', 'refund'] as const;

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
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    check('loyalty_credit_packages_amounts', sql`${t.priceMinor} > 0 AND ${t.creditMinor} >= ${t.priceMinor}`),
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
