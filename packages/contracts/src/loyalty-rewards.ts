import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { ExternalRef } from './interactions.ts';
import { LOYALTY_POINTS_MAX, LoyaltyEntryDetailView } from './loyalty.ts';

// Rewards, checkout holds and charity donations on the points ledger (issue 12). A hold sets a
// member's points aside for a checkout (available → held), a capture spends them (held →
// redemptions), a release gives them back to the very lots they were drawn from. A donation moves
// points to the workspace's charity_payable at the charity's conversion rate, with a receipt.

const Points = z.number().int().min(1).max(LOYALTY_POINTS_MAX);
const custom = (code: string) => ({ message: code, params: { code } });
const NameText = z.string().trim().min(1).max(200).regex(NO_CONTROL_CHARACTERS, 'no control characters');
/** A name in the workspace's languages: at least one of fa, ar, en. */
export const LoyaltyLocalName = z
  .strictObject({ fa: NameText.optional(), ar: NameText.optional(), en: NameText.optional() })
  .refine((n) => Boolean(n.fa ?? n.ar ?? n.en), custom('name_required'));
export type LoyaltyLocalName = z.infer<typeof LoyaltyLocalName>;
const Reason = z.string().trim().min(1).max(300).regex(NO_CONTROL_CHARACTERS, 'no control characters');
const Count = z.number().int().min(1).max(1_000_000_000);

export const RewardKind = z.enum(['gift', 'coupon', 'partner_offer', 'donation', 'discount_coupon']);
export type RewardKind = z.infer<typeof RewardKind>;

const rewardFields = {
  kind: RewardKind,
  name: LoyaltyLocalName,
  pointsCost: Points,
  /** how many can be held or redeemed in all; null or absent: unlimited */
  stock: Count.nullable().optional(),
  /** how many times one member may hold or redeem it; null or absent: no limit */
  perMemberLimit: Count.nullable().optional(),
  validFrom: IsoInstant.nullable().optional(),
  validUntil: IsoInstant.nullable().optional(),
  active: z.boolean().optional(),
};
/** A validity window's end after its start (either may be open); refused as `reward_window_invalid` on `validUntil`. */
export const windowOrdered = (r: { validFrom?: string | null; validUntil?: string | null }) => !r.validFrom || !r.validUntil || Date.parse(r.validUntil) > Date.parse(r.validFrom);

/** How a window that ends before it starts is refused: on `validUntil`. */
export const WINDOW_DISORDERED = { ...custom('reward_window_invalid'), path: ['validUntil'] };

export const CreateReward = z.strictObject(rewardFields).refine(windowOrdered, WINDOW_DISORDERED).meta({ id: 'CreateReward' });
export type CreateReward = z.infer<typeof CreateReward>;
/** Any of the fields; `stock` sets the total, and the stock left moves by the same difference (never below what is held or redeemed). */
export const UpdateReward = z.strictObject({
  name: rewardFields.name.optional(), pointsCost: Points.optional(), stock: rewardFields.stock, perMemberLimit: rewardFields.perMemberLimit,
  validFrom: rewardFields.validFrom, validUntil: rewardFields.validUntil, active: rewardFields.active,
}).refine(windowOrdered, WINDOW_DISORDERED).meta({ id: 'UpdateReward' });
export type UpdateReward = z.infer<typeof UpdateReward>;

export const RewardView = z.object({
  id: Uuid,
  kind: RewardKind,
  name: z.object({ fa: z.string().optional(), ar: z.string().optional(), en: z.string().optional() }),
  pointsCost: z.number().int(),
  /** the total; null: unlimited */
  stock: z.number().int().nullable(),
  /** not yet held or redeemed; null: unlimited */
  stockLeft: z.number().int().nullable(),
  perMemberLimit: z.number().int().nullable(),
  validFrom: IsoInstant.nullable(),
  validUntil: IsoInstant.nullable(),
  active: z.boolean(),
  archived: z.boolean(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'Reward' });
export type RewardView = z.infer<typeof RewardView>;

export const RewardParams = z.strictObject({ rewardId: Uuid });
export const RewardListQuery = z.strictObject({
  /** true: also archived and inactive rewards; default only those on offer now */
  all: z.enum(['true', 'false']).optional(),
});
export const RewardList = z.object({ items: z.array(RewardView) }).meta({ id: 'RewardList' });

/** How long a hold lasts when not given: 15 minutes; at most 7 days. */
export const HOLD_TTL_DEFAULT_SECONDS = 900;
export const HOLD_TTL_MAX_SECONDS = 7 * 86_400;

/**
 * Points set aside for a checkout: either `points` or a `rewardId` (its cost, one of its stock).
 * Keyed like an earn: `externalId` (the checkout's transaction id) or the `Idempotency-Key` header.
 */
export const CreateHold = z.strictObject({
  customerId: Uuid,
  points: Points.optional(),
  rewardId: Uuid.optional(),
  externalId: ExternalRef.optional(),
  ttlSeconds: z.number().int().min(10).max(HOLD_TTL_MAX_SECONDS).optional(),
  reason: Reason.optional(),
}).refine((h) => (h.points === undefined) !== (h.rewardId === undefined), { ...custom('points_or_reward_required'), path: ['points'] }).meta({ id: 'CreateLoyaltyHold' });
export type CreateHold = z.infer<typeof CreateHold>;

/** Capture or release: an optional note for the member's history. */
export const SettleHold = z.strictObject({ reason: Reason.optional() }).meta({ id: 'SettleLoyaltyHold' });
export type SettleHold = z.infer<typeof SettleHold>;

export const HoldStatus = z.enum(['held', 'captured', 'released', 'expired', 'refunded']);
export const HoldView = z.object({
  id: Uuid,
  customerId: Uuid,
  rewardId: Uuid.nullable(),
  points: z.number().int(),
  externalId: z.string().nullable(),
  status: HoldStatus,
  expiresAt: IsoInstant,
  createdAt: IsoInstant,
  settledAt: IsoInstant.nullable(),
  /** the hold entry: postings available → held, and the lots drawn */
  holdEntry: LoyaltyEntryDetailView.nullable(),
  /** the capture (held → redemptions) or release (held → available, the same lots given back) */
  settleEntry: LoyaltyEntryDetailView.nullable(),
  /** a refunded hold: the capture's reversal (redemptions → available, the same lots given back) */
  refundEntry: LoyaltyEntryDetailView.nullable(),
}).meta({ id: 'LoyaltyHold' });
export type HoldView = z.infer<typeof HoldView>;
export const HoldParams = z.strictObject({ holdId: Uuid });
export const HoldListQuery = z.strictObject({
  status: HoldStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const HoldList = z.object({
  /** points the member has in holds still held */
  held: z.number().int(),
  items: z.array(HoldView),
}).meta({ id: 'LoyaltyHoldList' });
export const HoldExpiryRunView = z.object({ released: z.number().int(), points: z.number().int() }).meta({ id: 'LoyaltyHoldExpiryRun' });

/** `ratePoints` points are worth `rateMinor` minor units of the workspace currency. */
export const CreateCharity = z.strictObject({
  name: LoyaltyLocalName,
  registration: z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, 'no control characters').nullable().optional(),
  ratePoints: Count,
  rateMinor: Count,
  active: z.boolean().optional(),
}).meta({ id: 'CreateCharity' });
export type CreateCharity = z.infer<typeof CreateCharity>;
export const UpdateCharity = z.strictObject({
  name: LoyaltyLocalName.optional(), registration: CreateCharity.shape.registration, ratePoints: Count.optional(), rateMinor: Count.optional(), active: z.boolean().optional(),
}).meta({ id: 'UpdateCharity' });
export type UpdateCharity = z.infer<typeof UpdateCharity>;

export const CharityTotals = z.object({ donations: z.number().int(), points: z.number().int(), amountMinor: z.number().int() });
export const CharityView = z.object({
  id: Uuid,
  name: RewardView.shape.name,
  registration: z.string().nullable(),
  ratePoints: z.number().int(),
  rateMinor: z.number().int(),
  currency: z.string(),
  active: z.boolean(),
  archived: z.boolean(),
  totals: CharityTotals,
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'Charity' });
export type CharityView = z.infer<typeof CharityView>;
export const CharityParams = z.strictObject({ charityId: Uuid });
export const CharityList = z.object({ items: z.array(CharityView) }).meta({ id: 'CharityList' });

/** Points a member gives to a charity. Keyed by `externalId` or the `Idempotency-Key` header. */
export const CreateDonation = z.strictObject({
  customerId: Uuid,
  charityId: Uuid,
  points: Points,
  externalId: ExternalRef.optional(),
}).meta({ id: 'CreateDonation' });
export type CreateDonation = z.infer<typeof CreateDonation>;

/** A donation with the data its receipt prints. */
export const DonationView = z.object({
  id: Uuid,
  receiptNumber: z.string(),
  charityId: Uuid,
  charityName: RewardView.shape.name,
  charityRegistration: z.string().nullable(),
  customerId: Uuid,
  customerName: z.string().nullable(),
  workspaceName: z.string(),
  points: z.number().int(),
  /** money in minor units of `currency`: points × rateMinor / ratePoints, rounded down */
  amountMinor: z.number().int(),
  currency: z.string(),
  ratePoints: z.number().int(),
  rateMinor: z.number().int(),
  entryId: z.number().int(),
  createdAt: IsoInstant,
}).meta({ id: 'Donation' });
export type DonationView = z.infer<typeof DonationView>;
export const DonationParams = z.strictObject({ donationId: Uuid });
export const DonationListQuery = z.strictObject({
  charityId: Uuid.optional(),
  customerId: Uuid.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const DonationList = z.object({ items: z.array(DonationView) }).meta({ id: 'DonationList' });

/** A member's standing choice: this whole percent of each purchase's points goes to this charity once they are spendable. */
export const SetCharityShare = z.strictObject({ charityId: Uuid, percent: z.number().int().min(1).max(100) }).meta({ id: 'SetCharityShare' });
export type SetCharityShare = z.infer<typeof SetCharityShare>;
export const CharityShareView = z.object({
  share: z.object({ customerId: Uuid, charityId: Uuid, percent: z.number().int(), updatedAt: IsoInstant }).nullable(),
}).meta({ id: 'CharityShare' });
export type CharityShareView = z.infer<typeof CharityShareView>;
