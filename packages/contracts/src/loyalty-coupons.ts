import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { ExternalRef } from './interactions.ts';
import { LoyaltyEntryDetailView } from './loyalty.ts';
import { LoyaltyLocalName } from './loyalty-rewards.ts';

// Discount-coupon rewards (a pool of codes, generated or uploaded as CSV, one given per
// redemption), rewards restricted to tiers, and a member's negative balance (issue 12).

const Reason = z.string().trim().min(1).max(300).regex(NO_CONTROL_CHARACTERS, 'no control characters');

/** The pool's counts: `available` is the reward's stock. */
export const CouponPoolView = z.object({
  rewardId: Uuid,
  available: z.number().int(),
  assigned: z.number().int(),
  /** given out, used, and then cancelled: never handed out again */
  void: z.number().int(),
  total: z.number().int(),
}).meta({ id: 'CouponPool' });
export type CouponPoolView = z.infer<typeof CouponPoolView>;

/** Generated codes: letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L, 2/Z, 5/S, 8/B). */
export const COUPON_CODE_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
export const GenerateCouponCodes = z.strictObject({
  count: z.number().int().min(1).max(10_000),
  /** characters after the prefix; default 10 */
  length: z.number().int().min(6).max(24).optional(),
  /** written before each code, e.g. NOWRUZ- ; letters, digits and dashes */
  prefix: z.string().trim().max(16).regex(/^[A-Za-z0-9-]*$/, 'letters, digits and dashes').optional(),
}).meta({ id: 'GenerateCouponCodes' });
export type GenerateCouponCodes = z.infer<typeof GenerateCouponCodes>;

export const COUPON_LINE_PROBLEMS = ['empty', 'invalid', 'duplicate_in_file', 'already_in_pool'] as const;
export const CouponCodeRejection = z.object({
  /** the line of the file (1 is the first) */
  line: z.number().int(),
  problem: z.enum(COUPON_LINE_PROBLEMS),
  /** the code as read (digits folded), empty for an empty row */
  code: z.string(),
  /** for a duplicate in the file: the line that had it first */
  firstLine: z.number().int().optional(),
}).meta({ id: 'CouponCodeRejection' });

export const CouponCodesAdded = z.object({
  added: z.number().int(),
  /** rows not added, each with its line; at most 1,000 listed */
  rejected: z.array(CouponCodeRejection),
  rejectedCount: z.number().int(),
  pool: CouponPoolView,
}).meta({ id: 'CouponCodesAdded' });
export type CouponCodesAdded = z.infer<typeof CouponCodesAdded>;

export const RedeemCoupon = z.strictObject({
  customerId: Uuid,
  /** the checkout's transaction id: the key of this redemption (else the Idempotency-Key header) */
  externalId: ExternalRef.optional(),
  reason: Reason.optional(),
}).meta({ id: 'RedeemCoupon' });
export type RedeemCoupon = z.infer<typeof RedeemCoupon>;

export const CancelCouponRedemption = z.strictObject({ reason: Reason }).meta({ id: 'CancelCouponRedemption' });
export type CancelCouponRedemption = z.infer<typeof CancelCouponRedemption>;

export const CouponRedemptionView = z.object({
  id: Uuid,
  rewardId: Uuid,
  rewardName: z.object({ fa: z.string().optional(), ar: z.string().optional(), en: z.string().optional() }),
  customerId: Uuid,
  code: z.string(),
  points: z.number().int(),
  externalId: z.string().nullable(),
  status: z.enum(['active', 'cancelled']),
  usedAt: IsoInstant.nullable(),
  /** on a cancelled redemption: whether the code went back to the pool (false: it had been used) */
  codeReturned: z.boolean().nullable(),
  /** null: a gift (a complaint's goodwill coupon), which spent no points */
  entryId: z.number().int().nullable(),
  cancelEntryId: z.number().int().nullable(),
  createdAt: IsoInstant,
  cancelledAt: IsoInstant.nullable(),
}).meta({ id: 'CouponRedemption' });
export type CouponRedemptionView = z.infer<typeof CouponRedemptionView>;

export const CouponRedemptionWithEntry = CouponRedemptionView.extend({ entry: LoyaltyEntryDetailView.nullable() }).meta({ id: 'CouponRedemptionWithEntry' });
export type CouponRedemptionWithEntry = z.infer<typeof CouponRedemptionWithEntry>;
export const CouponRedemptionList = z.object({ items: z.array(CouponRedemptionView) }).meta({ id: 'CouponRedemptionList' });
export type CouponRedemptionList = z.infer<typeof CouponRedemptionList>;
export const CouponRedemptionParams = z.strictObject({ redemptionId: Uuid });

/** Who may redeem a reward: members holding one of `tierIds` in the program; none listed: everyone. */
export const SetRewardTiers = z.strictObject({
  programId: Uuid,
  tierIds: z.array(Uuid).min(1).max(50),
}).meta({ id: 'SetRewardTiers' });
export type SetRewardTiers = z.infer<typeof SetRewardTiers>;

export const RewardTiersView = z.object({
  rewardId: Uuid,
  /** null: open to every member */
  programId: Uuid.nullable(),
  tiers: z.array(z.object({ id: Uuid, name: LoyaltyLocalName, threshold: z.number().int() })),
}).meta({ id: 'RewardTiers' });
export type RewardTiersView = z.infer<typeof RewardTiersView>;

/** A member's negative balance: points owed by returns of orders whose points were already spent; later earnings repay it first. */
export const LoyaltyOwedView = z.object({
  customerId: Uuid,
  owed: z.number().int(),
  /** available less owed: what the member's balance reads, negative while owed exceeds it */
  net: z.number().int(),
}).meta({ id: 'LoyaltyOwed' });
export type LoyaltyOwedView = z.infer<typeof LoyaltyOwedView>;

/** The member portal's coupons: the member's codes, and the rewards on offer they may not redeem yet. */
export const MemberCouponsView = z.object({
  /** points the member owes (a negative balance), repaid by their next earnings */
  owed: z.number().int(),
  items: z.array(z.object({
    id: Uuid,
    rewardName: z.object({ fa: z.string().optional(), ar: z.string().optional(), en: z.string().optional() }),
    code: z.string(),
    points: z.number().int(),
    usedAt: IsoInstant.nullable(),
    createdAt: IsoInstant,
  })),
  locked: z.array(z.object({
    rewardId: Uuid,
    /** the lowest tier that may redeem it; null: no tier listed exists any more */
    tierNeeded: z.object({ fa: z.string().optional(), ar: z.string().optional(), en: z.string().optional() }).nullable(),
  })),
}).meta({ id: 'MemberCoupons' });
export type MemberCouponsView = z.infer<typeof MemberCouponsView>;
