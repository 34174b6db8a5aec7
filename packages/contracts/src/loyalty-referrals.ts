import { z } from 'zod';
import { IsoInstant, Uuid } from './common.ts';

// Loyalty referrals (issue 12): a member's code and link, a friend attached to the member who
// referred them (once, before the friend's first order), and the reward once the friend's first
// qualifying purchase is past its return window. Points are whole numbers, money minor units.

/** The code alphabet: digits and capitals without 0, O, 1 and I, which are misread and misheard. */
export const REFERRAL_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const REFERRAL_CODE_LENGTH = 8;

/**
 * A program's referral rules (in its versioned settings; absent: the program pays no referrals).
 * `reward`: who is paid; `minOrderAmount`: what the friend's order must keep (after returns), in
 * minor units, to qualify; `maxPerReferrerPer30Days`: most referrals one member may have paid in
 * any 30 days (null: no limit): one past it is recorded as refused with the reason.
 */
export const LoyaltyReferralSettings = z.strictObject({
  reward: z.enum(['referrer', 'friend', 'both']),
  referrerPoints: z.number().int().min(0).max(1_000_000).default(0),
  friendPoints: z.number().int().min(0).max(1_000_000).default(0),
  minOrderAmount: z.number().int().min(0).max(1_000_000_000_000_000).default(0),
  maxPerReferrerPer30Days: z.number().int().min(1).max(10_000).nullable().default(null),
})
  .refine((r) => r.reward === 'friend' || r.referrerPoints > 0, { path: ['referrerPoints'], message: 'the referrer is rewarded: give them points' })
  .refine((r) => r.reward === 'referrer' || r.friendPoints > 0, { path: ['friendPoints'], message: 'the friend is rewarded: give them points' })
  .meta({ id: 'LoyaltyReferralSettings' });
export type LoyaltyReferralSettings = z.infer<typeof LoyaltyReferralSettings>;

/** A code as people type it: any case, spaces or dashes between groups; checked against the alphabet by the server. */
export const ReferralCodeInput = z.string().trim().min(1).max(40);

export const LoyaltyReferralCodeView = z.object({
  customerId: Uuid,
  /** eight characters of the alphabet, shown as XXXX-XXXX */
  code: z.string(),
  /** the member portal's address with the code, relative to the server: /c/<workspace>/points?ref=<code> */
  path: z.string(),
  createdAt: IsoInstant,
}).meta({ id: 'LoyaltyReferralCode' });
export type LoyaltyReferralCodeView = z.infer<typeof LoyaltyReferralCodeView>;

/** A friend attached to the member whose code they came with. */
export const AttachReferral = z.strictObject({
  friendId: Uuid,
  code: ReferralCodeInput,
}).meta({ id: 'AttachReferral' });
export type AttachReferral = z.infer<typeof AttachReferral>;

export const LOYALTY_REFERRAL_STATES = ['attached', 'qualified', 'refused'] as const;
export const LoyaltyReferralState = z.enum(LOYALTY_REFERRAL_STATES);
export type LoyaltyReferralState = z.infer<typeof LoyaltyReferralState>;

const Party = z.object({ id: Uuid, name: z.string().nullable() });

export const LoyaltyReferralView = z.object({
  id: Uuid,
  referrer: Party,
  friend: Party,
  code: z.string(),
  /** attached: waiting for the friend's first qualifying purchase; qualified: paid; refused: not paid (see reason) */
  state: LoyaltyReferralState,
  /** why it was refused: `velocity_limit` (the referrer's limit in 30 days was reached) */
  reason: z.string().nullable(),
  programId: Uuid.nullable(),
  /** the friend's order that qualified (or was refused) */
  orderExternalId: z.string().nullable(),
  referrerPoints: z.number().int(),
  friendPoints: z.number().int(),
  attachedAt: IsoInstant,
  decidedAt: IsoInstant.nullable(),
}).meta({ id: 'LoyaltyReferral' });
export type LoyaltyReferralView = z.infer<typeof LoyaltyReferralView>;

export const LoyaltyReferralQuery = z.strictObject({
  state: LoyaltyReferralState.optional(),
  customerId: Uuid.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export type LoyaltyReferralQuery = z.infer<typeof LoyaltyReferralQuery>;

export const LoyaltyReferralPage = z.object({
  items: z.array(LoyaltyReferralView),
  nextCursor: z.string().nullable(),
}).meta({ id: 'LoyaltyReferralPage' });
export type LoyaltyReferralPage = z.infer<typeof LoyaltyReferralPage>;

/** The signed-in member's referral: their code and link (null until asked for) and what a referral earns. */
export const MemberReferralView = z.object({
  code: z.string().nullable(),
  path: z.string().nullable(),
  /** what the workspace's active programs pay for a referral; empty: none pays referrals */
  offers: z.array(z.object({
    program: z.string(),
    reward: z.enum(['referrer', 'friend', 'both']),
    referrerPoints: z.number().int(),
    friendPoints: z.number().int(),
    minOrderAmount: z.number().int(),
  })),
  currency: z.string(),
  irrDisplay: z.enum(['rial', 'toman']),
}).meta({ id: 'MemberReferral' });
export type MemberReferralView = z.infer<typeof MemberReferralView>;

/** The signed-in member names who invited them, by the code in the link. */
export const AttachMemberReferrer = z.strictObject({ code: ReferralCodeInput }).meta({ id: 'AttachMemberReferrer' });
export type AttachMemberReferrer = z.infer<typeof AttachMemberReferrer>;

/** Only the state: the inviting member's name or phone is not the friend's to learn from a code. */
export const MemberReferrerView = z.object({
  state: LoyaltyReferralState,
}).meta({ id: 'MemberReferrer' });
export type MemberReferrerView = z.infer<typeof MemberReferrerView>;
