// API calls of discount-coupon pools, coupon redemptions, rewards restricted to tiers and a member's
// owed points. Shapes come from @vafa/contracts as types only.
import type {
  CouponCodesAdded, CouponPoolView, CouponRedemptionList, CouponRedemptionView, LoyaltyOwedView, LoyaltyTierList, RewardTiersView, RewardView,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type CouponPool = CouponPoolView;
export type CodesAdded = CouponCodesAdded;
export type CouponRedemption = CouponRedemptionView;
export type RewardTiers = RewardTiersView;

export const couponKeys = {
  reward: (rewardId: string) => ['loyalty', 'reward', rewardId] as const,
  pool: (rewardId: string) => ['loyalty', 'coupon-pool', rewardId] as const,
  rewardTiers: (rewardId: string) => ['loyalty', 'reward-tiers', rewardId] as const,
  programTiers: (programId: string) => ['loyalty', 'program-tiers', programId] as const,
  memberCoupons: (customerId: string) => ['loyalty', 'member-coupons', customerId] as const,
  owed: (customerId: string) => ['loyalty', 'owed', customerId] as const,
};

export const couponsApi = {
  reward: (rewardId: string) => request<RewardView>('GET', `/api/loyalty/rewards/${rewardId}`),
  pool: (rewardId: string) => request<CouponPool>('GET', `/api/loyalty/rewards/${rewardId}/codes`),
  /** One Idempotency-Key per press: a retried press never generates twice. */
  generate: (rewardId: string, body: { count: number; length?: number; prefix?: string }, key: string) =>
    request<CodesAdded>('POST', `/api/loyalty/rewards/${rewardId}/codes/generate`, body, undefined, { 'Idempotency-Key': key }),
  upload: (rewardId: string, file: File, key: string) => {
    const form = new FormData();
    form.append('file', file);
    return request<CodesAdded>('POST', `/api/loyalty/rewards/${rewardId}/codes/upload`, form, undefined, { 'Idempotency-Key': key });
  },
  rewardTiers: (rewardId: string) => request<RewardTiers>('GET', `/api/loyalty/rewards/${rewardId}/tiers`),
  setRewardTiers: (rewardId: string, programId: string, tierIds: string[], key: string) =>
    request<RewardTiers>('PUT', `/api/loyalty/rewards/${rewardId}/tiers`, { programId, tierIds }, undefined, { 'Idempotency-Key': key }),
  clearRewardTiers: (rewardId: string, key: string) => request<void>('DELETE', `/api/loyalty/rewards/${rewardId}/tiers`, undefined, undefined, { 'Idempotency-Key': key }),
  programTiers: (programId: string) => request<LoyaltyTierList>('GET', `/api/loyalty/programs/${programId}/tiers`),
  memberCoupons: (customerId: string) => request<CouponRedemptionList>('GET', `/api/loyalty/members/${customerId}/coupons`),
  owed: (customerId: string) => request<LoyaltyOwedView>('GET', `/api/loyalty/members/${customerId}/owed`),
  cancel: (redemptionId: string, reason: string, key: string) =>
    request<CouponRedemption>('POST', `/api/loyalty/coupon-redemptions/${redemptionId}/cancellation`, { reason }, undefined, { 'Idempotency-Key': key }),
  markUsed: (redemptionId: string, key: string) =>
    request<CouponRedemption>('POST', `/api/loyalty/coupon-redemptions/${redemptionId}/use`, undefined, undefined, { 'Idempotency-Key': key }),
};
