import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';

// Games of a loyalty program (REFERENCE.md section 5, "Gamification"): challenges counting filtered
// events in a window, streaks of consecutive weeks or months, badges; and prepaid credit packages
// with bonus credit, a money ledger apart from points.

const Text = z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, 'no control characters');
export const LoyaltyGameName = z.strictObject({ fa: Text, ar: Text, en: Text });
const NameView = z.object({ fa: z.string(), ar: z.string(), en: z.string() });

/** The events a game can count: a purchase earned through a program, an order recorded, a survey answered, a referral qualified. */
export const LOYALTY_GAME_TOPICS = ['purchase', 'order.placed', 'response.submitted', 'referral.qualified'] as const;
export const LoyaltyGameTopic = z.enum(LOYALTY_GAME_TOPICS);
export type LoyaltyGameTopic = z.infer<typeof LoyaltyGameTopic>;

const Code = z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, 'no control characters');
const Minor = z.number().int().min(0).max(1_000_000_000_000_000);

/** Which of the topic's events count: purchases and orders of at least an amount (of a category's lines), answers to chosen surveys. */
export const LoyaltyGameFilter = z.strictObject({
  minAmountMinor: Minor.optional(),
  category: Code.optional(),
  surveyIds: z.array(Uuid).min(1).max(50).optional(),
});
export type LoyaltyGameFilter = z.infer<typeof LoyaltyGameFilter>;

/** `rolling`: the last N days; `calendar`: the current week or month in the workspace's calendar and time zone. */
export const LoyaltyGameWindow = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rolling'), days: z.number().int().min(1).max(366) }),
  z.strictObject({ kind: z.literal('calendar'), period: z.enum(['week', 'month']) }),
]);
export type LoyaltyGameWindow = z.infer<typeof LoyaltyGameWindow>;

const IconKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'an icon key: lower-case letters, digits and dashes');
export const LOYALTY_BADGE_ICONS = ['star', 'trophy', 'medal', 'heart', 'fire', 'crown', 'gem', 'rocket'] as const;

export const CreateLoyaltyBadge = z.strictObject({ name: LoyaltyGameName, icon: IconKey }).meta({ id: 'CreateLoyaltyBadge' });
export type CreateLoyaltyBadge = z.infer<typeof CreateLoyaltyBadge>;
export const UpdateLoyaltyBadge = z.strictObject({ name: LoyaltyGameName.optional(), icon: IconKey.optional() }).meta({ id: 'UpdateLoyaltyBadge' });
export type UpdateLoyaltyBadge = z.infer<typeof UpdateLoyaltyBadge>;

export const LoyaltyBadgeView = z.object({
  id: Uuid, programId: Uuid, name: NameView, icon: z.string(), createdAt: IsoInstant, updatedAt: IsoInstant,
}).meta({ id: 'LoyaltyBadge' });
export type LoyaltyBadgeView = z.infer<typeof LoyaltyBadgeView>;
export const LoyaltyBadgeList = z.object({ items: z.array(LoyaltyBadgeView) }).meta({ id: 'LoyaltyBadgeList' });
export type LoyaltyBadgeList = z.infer<typeof LoyaltyBadgeList>;

const challengeFields = {
  name: LoyaltyGameName,
  topic: LoyaltyGameTopic,
  filter: LoyaltyGameFilter.default({}),
  /** count: the events needed in the window; streak: the consecutive periods that earn the reward */
  target: z.number().int().min(1).max(1_000),
  rewardPoints: z.number().int().min(0).max(1_000_000_000).default(0),
  badgeId: Uuid.nullable().default(null),
  active: z.boolean().default(true),
};

/** `count`: `target` events in the window; `streak`: `target` consecutive calendar weeks or months with at least one. */
export const CreateLoyaltyChallenge = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('count'), ...challengeFields, window: LoyaltyGameWindow }),
  z.strictObject({ kind: z.literal('streak'), ...challengeFields, window: z.strictObject({ kind: z.literal('calendar'), period: z.enum(['week', 'month']) }) }),
]).meta({ id: 'CreateLoyaltyChallenge' });
export type CreateLoyaltyChallenge = z.infer<typeof CreateLoyaltyChallenge>;

/** What may change: names, reward, badge and whether it runs. What counts and how stay as created (progress was counted by them). */
export const UpdateLoyaltyChallenge = z.strictObject({
  name: LoyaltyGameName.optional(),
  rewardPoints: z.number().int().min(0).max(1_000_000_000).optional(),
  badgeId: Uuid.nullable().optional(),
  active: z.boolean().optional(),
}).meta({ id: 'UpdateLoyaltyChallenge' });
export type UpdateLoyaltyChallenge = z.infer<typeof UpdateLoyaltyChallenge>;

export const LoyaltyChallengeView = z.object({
  id: Uuid, programId: Uuid, kind: z.enum(['count', 'streak']), name: NameView, topic: LoyaltyGameTopic, filter: LoyaltyGameFilter,
  target: z.number().int(), window: LoyaltyGameWindow, rewardPoints: z.number().int(), badgeId: Uuid.nullable(), active: z.boolean(),
  createdAt: IsoInstant, updatedAt: IsoInstant,
}).meta({ id: 'LoyaltyChallenge' });
export type LoyaltyChallengeView = z.infer<typeof LoyaltyChallengeView>;
export const LoyaltyChallengeList = z.object({ items: z.array(LoyaltyChallengeView) }).meta({ id: 'LoyaltyChallengeList' });
export type LoyaltyChallengeList = z.infer<typeof LoyaltyChallengeList>;

/** `at`: progress as of this instant (default now), to read a window as it stood or will stand. */
export const LoyaltyMemberGamesQuery = z.strictObject({ at: IsoInstant.optional() });

export const LoyaltyBadgeParams = z.strictObject({ programId: Uuid, badgeId: Uuid });
export const LoyaltyChallengeParams = z.strictObject({ programId: Uuid, challengeId: Uuid });

/** A member's games: badges held, each active challenge's progress in its current window, each streak. */
export const LoyaltyMemberGamesView = z.object({
  badges: z.array(z.object({ badgeId: Uuid, name: NameView, icon: z.string(), awardedAt: IsoInstant })),
  challenges: z.array(z.object({
    challengeId: Uuid, programId: Uuid, name: NameView, topic: LoyaltyGameTopic, target: z.number().int(), window: LoyaltyGameWindow,
    /** qualifying events counted in the current window */
    count: z.number().int(),
    /** the current window's end: a calendar period's end; null for a rolling window */
    windowEndsAt: IsoInstant.nullable(),
    completedThisPeriod: z.boolean(),
    completions: z.number().int(),
    rewardPoints: z.number().int(),
    badgeId: Uuid.nullable(),
  })),
  streaks: z.array(z.object({
    challengeId: Uuid, programId: Uuid, name: NameView, period: z.enum(['week', 'month']), target: z.number().int(),
    /** consecutive periods up to this one or the last (0 when the last one with an event is older) */
    current: z.number().int(),
    longest: z.number().int(),
    /** whether this period already has a qualifying event */
    thisPeriodDone: z.boolean(),
    rewardPoints: z.number().int(),
    badgeId: Uuid.nullable(),
  })),
}).meta({ id: 'LoyaltyMemberGames' });
export type LoyaltyMemberGamesView = z.infer<typeof LoyaltyMemberGamesView>;

// Prepaid credit

const MoneyMinor = z.number().int().min(1).max(1_000_000_000_000_000);

/**
 * How many days each purchase's bonus credit lasts from the purchase, a whole number from 1 to
 * 3650; null: it never expires. Paid credit is the customer's money and never expires. Any number
 * is taken here and checked by the server, so one out of range or not whole is 422
 * `credit_bonus_expiry_days_invalid` with its field.
 */
const BonusExpiryDays = z.number().nullable().meta({ description: 'Days a purchase\'s bonus credit lasts (1 to 3650); null: never. Paid credit never expires.' });

export const CreateCreditPackage = z.strictObject({
  name: LoyaltyGameName,
  /** what the member pays, in the workspace currency's minor units */
  priceMinor: MoneyMinor,
  /** the credit it gives, at least the price: the difference is bonus credit */
  creditMinor: MoneyMinor,
  bonusExpiryDays: BonusExpiryDays.default(null),
  active: z.boolean().default(true),
}).meta({ id: 'CreateCreditPackage' });
export type CreateCreditPackage = z.infer<typeof CreateCreditPackage>;

/** A new bonus expiry applies to purchases from then on; bonus already bought keeps its date. */
export const UpdateCreditPackage = z.strictObject({ name: LoyaltyGameName.optional(), bonusExpiryDays: BonusExpiryDays.optional(), active: z.boolean().optional() })
  .meta({ id: 'UpdateCreditPackage' });
export type UpdateCreditPackage = z.infer<typeof UpdateCreditPackage>;

export const CreditPackageView = z.object({
  id: Uuid, programId: Uuid, name: NameView, currency: z.string(), priceMinor: z.number().int(), creditMinor: z.number().int(),
  bonusMinor: z.number().int(),
  /** days each purchase's bonus lasts; null: never */
  bonusExpiryDays: z.number().int().nullable(),
  active: z.boolean(), createdAt: IsoInstant, updatedAt: IsoInstant,
}).meta({ id: 'CreditPackage' });
export type CreditPackageView = z.infer<typeof CreditPackageView>;
export const CreditPackageList = z.object({ items: z.array(CreditPackageView) }).meta({ id: 'CreditPackageList' });
export type CreditPackageList = z.infer<typeof CreditPackageList>;
export const CreditPackageParams = z.strictObject({ programId: Uuid, packageId: Uuid });

const ExternalRef = z.string().trim().min(1).max(200).regex(/^[\x21-\x7E]+$/, 'printable ASCII without spaces');

/** A member bought a package (paid at the till or online): the payment's reference keys it, or the Idempotency-Key. */
export const PurchaseCredit = z.strictObject({ packageId: Uuid, externalId: ExternalRef.optional() }).meta({ id: 'PurchaseCredit' });
export type PurchaseCredit = z.infer<typeof PurchaseCredit>;

/** Credit spent at a checkout: paid credit first, then bonus. */
export const SpendCredit = z.strictObject({
  amountMinor: MoneyMinor,
  externalId: ExternalRef.optional(),
  reason: z.string().trim().min(1).max(200).regex(NO_CONTROL_CHARACTERS).optional(),
}).meta({ id: 'SpendCredit' });
export type SpendCredit = z.infer<typeof SpendCredit>;

export const CreditBalanceView = z.object({
  customerId: Uuid,
  currency: z.string(),
  paidMinor: z.number().int(),
  bonusMinor: z.number().int(),
  totalMinor: z.number().int(),
}).meta({ id: 'CreditBalance' });
export type CreditBalanceView = z.infer<typeof CreditBalanceView>;

export const CreditEntryView = z.object({
  id: z.number().int(), kind: z.enum(['purchase', 'spend', 'refund', 'expire', 'merge']), customerId: Uuid, currency: z.string(), packageId: Uuid.nullable(), externalId: z.string().nullable(),
  reason: z.string().nullable(),
  /** what it did to the member's paid and bonus credit (negative: spent) */
  paidMinor: z.number().int(), bonusMinor: z.number().int(), createdAt: IsoInstant,
  /** a refund: the purchase it refunds */
  refundsEntryId: z.number().int().nullable(),
}).meta({ id: 'CreditEntry' });
export type CreditEntryView = z.infer<typeof CreditEntryView>;

export const CreditOperationView = z.object({ entry: CreditEntryView, balance: CreditBalanceView }).meta({ id: 'CreditOperation' });
export type CreditOperationView = z.infer<typeof CreditOperationView>;

/**
 * A package purchase refunded: why (kept on the entry and in the audit log), and optionally how
 * much of its paid money (minor units); absent: all of the purchase that is left.
 */
export const RefundCreditPurchase = z.strictObject({
  reason: z.string().trim().min(3).max(500).regex(NO_CONTROL_CHARACTERS),
  amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
}).meta({ id: 'RefundCreditPurchase' });
export type RefundCreditPurchase = z.infer<typeof RefundCreditPurchase>;
export const CreditEntryParams = z.strictObject({ entryId: z.string().regex(/^[1-9][0-9]{0,14}$/, 'an entry id') });

/** Bonus credit of one purchase still held, and when it expires. */
export const CreditBonusLotView = z.object({
  id: z.number().int(),
  /** the purchase it came with */
  purchaseEntryId: z.number().int().nullable(),
  amountMinor: z.number().int(),
  remainingMinor: z.number().int(),
  expiresAt: IsoInstant,
}).meta({ id: 'CreditBonusLot' });
export type CreditBonusLotView = z.infer<typeof CreditBonusLotView>;

export const CreditMemberView = z.object({
  balance: CreditBalanceView,
  /** bonus credit held that will expire, soonest first (at most 10); bonus without an expiry is not listed */
  expiringBonus: z.array(CreditBonusLotView),
  entries: z.array(CreditEntryView),
}).meta({ id: 'CreditMember' });
export type CreditMemberView = z.infer<typeof CreditMemberView>;

/** The workspace's credit: what members hold (the liability, paid and bonus apart), what was sold and spent, and any drift (there must be none). */
export const CreditReportView = z.object({
  currency: z.string(),
  paidLiabilityMinor: z.number().int(), bonusLiabilityMinor: z.number().int(),
  soldMinor: z.number().int(), bonusIssuedMinor: z.number().int(), spentPaidMinor: z.number().int(), spentBonusMinor: z.number().int(),
  /** bonus credit that expired unspent */
  bonusExpiredMinor: z.number().int(),
  ok: z.boolean(), unbalancedEntries: z.number().int(), driftedBalances: z.number().int(),
  /** members whose cached bonus differs from what their bonus lots hold */
  bonusLotsApartFromBalances: z.number().int(),
  /** members whose bonus postings sum to other than what their bonus lots hold */
  bonusLotsApartFromPostings: z.number().int(),
  /** bonus lots whose remaining differs from their amount less their draws */
  driftedBonusLots: z.number().int(),
}).meta({ id: 'CreditReport' });
export type CreditReportView = z.infer<typeof CreditReportView>;

export const MemberPortalGamesView = z.object({ games: LoyaltyMemberGamesView, credit: CreditBalanceView.nullable() }).meta({ id: 'MemberPortalGames' });
export type MemberPortalGamesView = z.infer<typeof MemberPortalGamesView>;
