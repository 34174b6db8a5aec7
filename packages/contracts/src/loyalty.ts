import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { ExternalRef } from './interactions.ts';

// The loyalty points ledger (REFERENCE.md section 5): an append-only double-entry journal. Each
// operation is one entry; its postings move points between accounts and sum to zero. The server's
// modules/loyalty owns the rules; these are their shapes on the wire.

/** Points in one operation: a whole number, at most a billion. */
export const LOYALTY_POINTS_MAX = 1_000_000_000;
const Points = z.number().int().min(1).max(LOYALTY_POINTS_MAX);
/** Why points moved, as people will read it in the member's history. */
const Reason = z.string().trim().min(1).max(300).regex(NO_CONTROL_CHARACTERS, 'no control characters');

export const LoyaltyEntryKind = z.enum(['earn', 'unlock', 'redeem', 'expire', 'reversal', 'adjust', 'hold', 'capture', 'release', 'donate', 'transfer', 'merge']);
export type LoyaltyEntryKind = z.infer<typeof LoyaltyEntryKind>;
export const LoyaltyAccountKind = z.enum([
  'issuance', 'redemptions', 'breakage', 'charity_payable', 'partner_payable', 'qualifying_issuance', 'pending', 'available', 'qualifying', 'held',
  'write_off', 'owed',
]);
export type LoyaltyAccountKind = z.infer<typeof LoyaltyAccountKind>;

export const LoyaltyCustomerParams = z.strictObject({ customerId: Uuid });
/** Entry ids are whole numbers. */
export const LoyaltyEntryParams = z.strictObject({ id: z.string().regex(/^[1-9][0-9]{0,14}$/, 'an entry id') });

/**
 * Points earned by a customer. Every earn carries an idempotency key: `externalId` (the order or
 * transaction it is for) or the `Idempotency-Key` header; the same key earns once.
 */
export const EarnPoints = z.strictObject({
  points: Points,
  reason: Reason,
  externalId: ExternalRef.optional(),
  /** when these points expire; absent: never */
  expiresAt: IsoInstant.optional(),
  /** the points stay pending (not spendable, reversible as a return) until this instant */
  pendingUntil: IsoInstant.optional(),
  /** the points that count for tiers; default: `points` */
  qualifyingPoints: z.number().int().min(0).max(LOYALTY_POINTS_MAX).optional(),
}).meta({ id: 'EarnPoints' });
export type EarnPoints = z.infer<typeof EarnPoints>;

/** Points spent by a customer, soonest-expiring first. Keyed like an earn. */
export const RedeemPoints = z.strictObject({
  points: Points,
  reason: Reason.optional(),
  externalId: ExternalRef.optional(),
}).meta({ id: 'RedeemPoints' });
export type RedeemPoints = z.infer<typeof RedeemPoints>;

/**
 * Points a member gives another member of the workspace (the sender is in the path). Keyed like
 * a redemption: `externalId` or the `Idempotency-Key` header.
 */
export const TransferPoints = z.strictObject({
  toCustomerId: Uuid,
  points: Points,
  reason: Reason.optional(),
  externalId: ExternalRef.optional(),
}).meta({ id: 'TransferPoints' });
export type TransferPoints = z.infer<typeof TransferPoints>;

/** A transfer: the sender's lots it drew on, and the receiver's lots it credited (one per expiry drawn, the same expiries). */
export const LoyaltyTransferView = z.object({
  entryId: z.number().int(),
  fromCustomerId: Uuid,
  toCustomerId: Uuid,
  points: z.number().int(),
  reason: z.string().nullable(),
  externalId: z.string().nullable(),
  createdAt: IsoInstant,
  draws: z.array(z.object({ lotId: z.number().int(), points: z.number().int(), expiresAt: IsoInstant.nullable() })),
  lots: z.array(z.object({ id: z.number().int(), points: z.number().int(), expiresAt: IsoInstant.nullable() })),
}).meta({ id: 'LoyaltyTransfer' });
export type LoyaltyTransferView = z.infer<typeof LoyaltyTransferView>;

export const ReverseEntry = z.strictObject({ reason: Reason }).meta({ id: 'ReverseLoyaltyEntry' });
export type ReverseEntry = z.infer<typeof ReverseEntry>;

/** What an entry did to the member's balances (signed). */
export const LoyaltyDelta = z.object({ available: z.number().int(), pending: z.number().int(), qualifying: z.number().int() });

/** One line of a member's history. */
export const LoyaltyEntryView = z.object({
  id: z.number().int(),
  kind: LoyaltyEntryKind,
  customerId: Uuid.nullable(),
  reason: z.string().nullable(),
  externalId: z.string().nullable(),
  /** `user:<id>`, `api_key:<id>` or `system:<run>` */
  source: z.string(),
  points: LoyaltyDelta,
  reversesEntryId: z.number().int().nullable(),
  reversedByEntryId: z.number().int().nullable(),
  createdAt: IsoInstant,
}).meta({ id: 'LoyaltyEntry' });
export type LoyaltyEntryView = z.infer<typeof LoyaltyEntryView>;

/** An entry with its postings (which sum to zero per unit) and the lots it drew on or credited. */
export const LoyaltyEntryDetailView = LoyaltyEntryView.extend({
  postings: z.array(z.object({
    account: LoyaltyAccountKind,
    /** the member of a member account; null for the workspace's accounts */
    customerId: Uuid.nullable(),
    unit: z.enum(['points', 'qualifying']),
    amount: z.number().int(),
  })),
  /** lots drawn on (positive) or given back to (negative, a reversed redemption) */
  draws: z.array(z.object({ lotId: z.number().int(), points: z.number().int(), expiresAt: IsoInstant.nullable() })),
  /** the lot this entry credited, if any */
  lot: z.object({ id: z.number().int(), points: z.number().int(), remaining: z.number().int(), expiresAt: IsoInstant.nullable(), pendingUntil: IsoInstant.nullable() }).nullable(),
}).meta({ id: 'LoyaltyEntryDetail' });
export type LoyaltyEntryDetailView = z.infer<typeof LoyaltyEntryDetailView>;

export const LoyaltyEntryPage = z.object({ items: z.array(LoyaltyEntryView), nextCursor: z.string().nullable() }).meta({ id: 'LoyaltyEntryPage' });
export type LoyaltyEntryPage = z.infer<typeof LoyaltyEntryPage>;

export const LoyaltyHistoryQuery = z.strictObject({
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type LoyaltyHistoryQuery = z.infer<typeof LoyaltyHistoryQuery>;

/** A member's balances, and their open lots grouped by when they expire (every expiry, soonest first). */
export const LoyaltyBalanceView = z.object({
  customerId: Uuid,
  available: z.number().int(),
  pending: z.number().int(),
  qualifying: z.number().int(),
  expiring: z.array(z.object({ expiresAt: IsoInstant, points: z.number().int(), lots: z.number().int() })),
  /** available points that never expire */
  withoutExpiry: z.number().int(),
  /** pending points grouped by when they unlock */
  unlocking: z.array(z.object({ unlocksAt: IsoInstant, points: z.number().int() })),
  /**
   * points past their expiry that the hourly expiry run has not booked yet, by expiry instant:
   * already left out of `available` and `expiring` (the balance is as it stands when read)
   */
  expiredUnbooked: z.array(z.object({ expiredAt: IsoInstant, points: z.number().int() })),
}).meta({ id: 'LoyaltyBalance' });
export type LoyaltyBalanceView = z.infer<typeof LoyaltyBalanceView>;

/** What one run of the due work did: pending points unlocked, lots past their expiry expired. */
export const LoyaltyExpiryRunView = z.object({
  members: z.number().int(),
  unlockedLots: z.number().int(),
  unlockedPoints: z.number().int(),
  expiredLots: z.number().int(),
  expiredPoints: z.number().int(),
}).meta({ id: 'LoyaltyExpiryRun' });
export type LoyaltyExpiryRunView = z.infer<typeof LoyaltyExpiryRunView>;

/** The ledger checked against itself: anything listed here is drift, and there must never be any. */
export const LoyaltyVerifyView = z.object({
  ok: z.boolean(),
  checkedAt: IsoInstant,
  counts: z.object({ members: z.number().int(), entries: z.number().int(), postings: z.number().int(), lots: z.number().int() }),
  /** the prepaid-credit ledger's: members' balance rows (one per currency), entries, postings, bonus lots */
  creditCounts: z.object({ balances: z.number().int(), entries: z.number().int(), postings: z.number().int(), lots: z.number().int() }),
  /** how many of each kind of drift there are (the lists below show at most 100 of each); credit* are the prepaid-credit ledger's */
  driftCounts: z.object({
    balances: z.number().int(), entries: z.number().int(), lots: z.number().int(), entryLots: z.number().int(), held: z.number().int(), charity: z.number().int(), partners: z.number().int(),
    creditBalances: z.number().int(), creditEntries: z.number().int(), creditLots: z.number().int(),
  }),
  /** the workspace accounts' balances, from postings */
  systemBalances: z.record(z.string(), z.number().int()),
  /** members whose cached balance differs from their postings or their open lots */
  balanceDrift: z.array(z.object({
    customerId: Uuid,
    cached: LoyaltyDelta,
    posted: LoyaltyDelta,
    inLots: z.object({ available: z.number().int(), pending: z.number().int() }),
  })),
  /** entries whose postings do not sum to zero (per unit), have none, or post to no known account */
  unbalancedEntries: z.array(z.object({ entryId: z.number().int(), unit: z.string(), sum: z.number().int() })),
  /** lots whose remaining differs from their amount less their draws */
  lotDrift: z.array(z.object({ lotId: z.number().int(), customerId: Uuid, remaining: z.number().int(), expected: z.number().int() })),
  /** entries whose spendable postings differ from the lots they credited less what they drew */
  entryLotMismatch: z.array(z.object({ entryId: z.number().int(), posted: z.number().int(), lots: z.number().int() })),
  /** members whose held account differs from the points of their holds still held (or with a hold never booked) */
  heldDrift: z.array(z.object({ customerId: Uuid, posted: z.number().int(), inHolds: z.number().int() })),
  /** the charity_payable account against the points of the workspace's donations */
  charityDrift: z.array(z.object({ payable: z.number().int(), donated: z.number().int() })),
  /**
   * entries whose postings to partner_payable differ from what their partner rows bill: a billed
   * redemption +points, a billed earning −points, a cancellation the opposite of its original, a
   * correction its signed points (negated when the partner owes); partnerId null when no row names one
   */
  partnerDrift: z.array(z.object({ entryId: z.number().int(), partnerId: Uuid.nullable(), posted: z.number().int(), expected: z.number().int() })),
  /** the prepaid-credit ledger's workspace accounts' balances, from postings, by currency then account kind */
  creditSystemBalances: z.record(z.string(), z.record(z.string(), z.number().int())),
  /** prepaid credit: members whose cached paid or bonus credit (per currency) differs from their postings, or their bonus from their open bonus lots */
  creditBalanceDrift: z.array(z.object({
    ledger: z.literal('credit'),
    customerId: Uuid,
    currency: z.string(),
    cached: z.object({ paid: z.number().int(), bonus: z.number().int() }),
    posted: z.object({ paid: z.number().int(), bonus: z.number().int() }),
    inLots: z.object({ bonus: z.number().int() }),
  })),
  /** prepaid credit: entries whose postings do not sum to zero (`unit` is the currency), have none, or post to no known account; entry ids are the credit ledger's */
  creditUnbalancedEntries: z.array(z.object({ ledger: z.literal('credit'), entryId: z.number().int(), unit: z.string(), sum: z.number().int() })),
  /** prepaid credit: bonus lots whose remaining differs from their amount less their draws */
  creditLotDrift: z.array(z.object({ ledger: z.literal('credit'), lotId: z.number().int(), customerId: Uuid, remaining: z.number().int(), expected: z.number().int() })),
}).meta({ id: 'LoyaltyVerify' });
export type LoyaltyVerifyView = z.infer<typeof LoyaltyVerifyView>;
