import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, foreignKey, index, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

// The points ledger: an append-only double-entry journal (REFERENCE.md section 5). Each operation
// is one entry whose postings sum to zero per unit; balances are sums of postings. The migration
// adds what drizzle cannot declare: the deferred trigger that refuses an unbalanced entry at
// commit, and the triggers that refuse UPDATE and DELETE of accounts, entries, postings and draws.

/** Workspace accounts: one of each per workspace, never locked or updated by an operation (their balances are sums of postings). */
export const SYSTEM_ACCOUNT_KINDS = ['issuance', 'redemptions', 'breakage', 'charity_payable', 'partner_payable', 'qualifying_issuance'] as const;
/** Accounts of one member (customer): spendable points are pending or available; qualifying points (for tiers) are a unit of their own. */
export const MEMBER_ACCOUNT_KINDS = ['pending', 'available', 'qualifying'] as const;
/** Member accounts opened on first use: `held`, points set aside for a checkout (redemption-holds.service.ts). */
export const MEMBER_ACCOUNT_KINDS_ON_DEMAND = ['held', 'owed'] as const;
/** Workspace accounts opened on first use: `write_off`, returns' points the member had already spent (negative-balance.ts). */
export const SYSTEM_ACCOUNT_KINDS_ON_DEMAND = ['write_off'] as const;
export type AccountKind =
  | (typeof SYSTEM_ACCOUNT_KINDS)[number] | (typeof SYSTEM_ACCOUNT_KINDS_ON_DEMAND)[number] | (typeof MEMBER_ACCOUNT_KINDS)[number] | (typeof MEMBER_ACCOUNT_KINDS_ON_DEMAND)[number];
/** Postings balance per unit: points never turn into qualifying points or back. */
const QUALIFYING_ACCOUNT_KINDS: readonly AccountKind[] = ['qualifying', 'qualifying_issuance'];
const QUALIFYING_KINDS = QUALIFYING_ACCOUNT_KINDS.map((k) => `'${k}'`).join(', ');
export const unitOf = (kind: AccountKind): 'points' | 'qualifying' => (QUALIFYING_ACCOUNT_KINDS.includes(kind) ? 'qualifying' : 'points');

export const ENTRY_KINDS = ['earn', 'unlock', 'redeem', 'expire', 'reversal', 'adjust', 'hold', 'capture', 'release', 'donate', 'transfer', 'merge'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

const quoted = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * A member: a customer with a ledger. The row caches the member's balances (kept by every
 * operation in its transaction, checked against postings and lots by `verify`) and is the lock
 * that serialises the member's operations: every change to a member's balances or lots first
 * locks this row.
 */
export const loyaltyMembers = pgTable(
  'loyalty_members',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    available: bigint('available', { mode: 'number' }).notNull().default(0),
    pending: bigint('pending', { mode: 'number' }).notNull().default(0),
    qualifying: bigint('qualifying', { mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The customer was merged into this survivor and its points moved there (member-merge.service.ts).
     * Kept on the member row, not only on the customer's, because the member row is what a write
     * locks: a write that waited on the merge's lock reads this column as the merge left it.
     */
    mergedInto: uuid('merged_into'),
    /** The customer was erased and its points forfeited (member-erasure.service.ts); as `merged_into`, read under the member's lock. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.customerId] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    // The records merged into a survivor (their program history counts toward its tiers, tiers.service.ts measure).
    index('loyalty_members_merged_idx').on(t.tenantId, t.mergedInto).where(sql`merged_into IS NOT NULL`),
    // No overdraft: a program that allows a negative balance will say so in a later migration.
    check('loyalty_members_not_negative', sql`${t.available} >= 0 AND ${t.pending} >= 0 AND ${t.qualifying} >= 0`),
  ],
);

/** The chart of accounts: the workspace's system accounts and each member's three. Insert only. */
export const loyaltyAccounts = pgTable(
  'loyalty_accounts',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    /** the member's customer id for member accounts, null for system accounts */
    customerId: uuid('customer_id'),
    unit: text('unit').notNull().generatedAlwaysAs(sql.raw(`CASE WHEN kind IN (${QUALIFYING_KINDS}) THEN 'qualifying' ELSE 'points' END`)),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_accounts_system_key').on(t.tenantId, t.kind).where(sql`customer_id IS NULL`),
    uniqueIndex('loyalty_accounts_member_key').on(t.tenantId, t.customerId, t.kind).where(sql`customer_id IS NOT NULL`),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [loyaltyMembers.tenantId, loyaltyMembers.customerId] }),
    check('loyalty_accounts_kind', sql`${t.kind} IN (${quoted([...SYSTEM_ACCOUNT_KINDS, ...SYSTEM_ACCOUNT_KINDS_ON_DEMAND, ...MEMBER_ACCOUNT_KINDS, ...MEMBER_ACCOUNT_KINDS_ON_DEMAND])})`),
    check('loyalty_accounts_holder', sql`(${t.customerId} IS NOT NULL) = (${t.kind} IN (${quoted([...MEMBER_ACCOUNT_KINDS, ...MEMBER_ACCOUNT_KINDS_ON_DEMAND])}))`),
  ],
);

/**
 * One operation on the ledger. `idempotency_key` is unique in the workspace and says what the
 * entry is the one answer to: `<kind>:ext:<external id>`, `<kind>:req:<actor>:<Idempotency-Key>`,
 * or a system run's own key; the same key twice is the same entry. Insert only.
 */
export const loyaltyEntries = pgTable(
  'loyalty_entries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** the member the entry is about */
    customerId: uuid('customer_id'),
    /** the external transaction id the caller gave (an order, a checkout), as given */
    externalId: text('external_id'),
    reason: text('reason'),
    /** who or what wrote it: `user:<id>`, `api_key:<id>` or `system:<job>` */
    source: text('source').notNull(),
    /** for a reversal: the entry it reverses (once: a unique key) */
    reversesEntryId: bigint('reverses_entry_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('loyalty_entries_idempotency_key').on(t.tenantId, t.idempotencyKey),
    uniqueIndex('loyalty_entries_reversal_key').on(t.tenantId, t.reversesEntryId).where(sql`reverses_entry_id IS NOT NULL`),
    // A member's history, newest first.
    index('loyalty_entries_member_idx').on(t.tenantId, t.customerId, t.id),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [loyaltyMembers.tenantId, loyaltyMembers.customerId] }),
    foreignKey({ columns: [t.tenantId, t.reversesEntryId], foreignColumns: [t.tenantId, t.id] }),
    check('loyalty_entries_kind', sql`${t.kind} IN (${quoted(ENTRY_KINDS)})`),
    check('loyalty_entries_reversal', sql`(${t.kind} = 'reversal') = (${t.reversesEntryId} IS NOT NULL)`),
  ],
);

/**
 * The amounts an entry moves: positive credits, negative debits, per account; an entry's postings
 * sum to zero per unit (checked at commit by a deferred trigger). No foreign key to the account:
 * its check would lock the issuance account's row (FOR KEY SHARE) in every transaction; the
 * commit-time trigger checks that each account exists instead. Insert only.
 */
export const loyaltyPostings = pgTable(
  'loyalty_postings',
  {
    tenantId: uuid('tenant_id').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entryId, t.accountId] }),
    // An account's balance and statement.
    index('loyalty_postings_account_idx').on(t.tenantId, t.accountId, t.entryId),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    check('loyalty_postings_amount', sql`${t.amount} <> 0`),
  ],
);

/**
 * A credit to a member's spendable points, with its own expiry. `remaining` is what is left of
 * it: `amount` less its draws (checked by `verify`). A lot with `pending_until` is pending until
 * it is unlocked (`unlocked_at`); only `remaining` and `unlocked_at` ever change.
 */
export const loyaltyLots = pgTable(
  'loyalty_lots',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    customerId: uuid('customer_id').notNull(),
    /** the entry that credited it */
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    remaining: bigint('remaining', { mode: 'number' }).notNull(),
    /** null: never expires */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    pendingUntil: timestamp('pending_until', { withTimezone: true }),
    unlockedAt: timestamp('unlocked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // One lot per entry and expiry: an earn credits one; a transfer one per expiry it drew on (transfers.service.ts).
    unique('loyalty_lots_entry_key').on(t.tenantId, t.entryId, t.expiresAt).nullsNotDistinct(),
    // Spending order: soonest expiry first, lots that never expire last (ASC puts NULL last).
    index('loyalty_lots_open_idx').on(t.tenantId, t.customerId, t.expiresAt, t.id).where(sql`remaining > 0`),
    // The expiry and unlock runs find what is due without scanning.
    index('loyalty_lots_expiry_idx').on(t.tenantId, t.expiresAt).where(sql`remaining > 0 AND expires_at IS NOT NULL`),
    index('loyalty_lots_unlock_idx').on(t.tenantId, t.pendingUntil).where(sql`remaining > 0 AND pending_until IS NOT NULL AND unlocked_at IS NULL`),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [loyaltyMembers.tenantId, loyaltyMembers.customerId] }),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    check('loyalty_lots_remaining', sql`${t.amount} > 0 AND ${t.remaining} >= 0 AND ${t.remaining} <= ${t.amount}`),
    check('loyalty_lots_pending', sql`(${t.unlockedAt} IS NULL OR ${t.pendingUntil} IS NOT NULL) AND (${t.pendingUntil} IS NULL OR ${t.expiresAt} IS NULL OR ${t.expiresAt} > ${t.pendingUntil})`),
  ],
);

/** Which lots an entry drew on and how much: positive taken from the lot, negative given back (a reversed redemption). Insert only. */
export const loyaltyDraws = pgTable(
  'loyalty_draws',
  {
    tenantId: uuid('tenant_id').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    lotId: bigint('lot_id', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entryId, t.lotId] }),
    index('loyalty_draws_lot_idx').on(t.tenantId, t.lotId),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    foreignKey({ columns: [t.tenantId, t.lotId], foreignColumns: [loyaltyLots.tenantId, loyaltyLots.id] }),
    check('loyalty_draws_amount', sql`${t.amount} <> 0`),
  ],
);
