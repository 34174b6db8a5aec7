import { z } from 'zod';
import { CalendarId, IsoInstant, Locale, Uuid } from './common.ts';
import { LOYALTY_POINTS_MAX, LoyaltyEntryKind } from './loyalty.ts';
import { LoyaltyLocalName, RewardKind } from './loyalty-rewards.ts';

// The member portal (issue 12): a member signs in with a one-time code sent by SMS to their phone
// and sees their own points. Every shape here is about the signed-in member only.

const WorkspaceSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);
export const MemberPortalParams = z.strictObject({ workspaceSlug: WorkspaceSlug });

/** A phone as the member types it (any digits, a leading 0 or +country); normalised to E.164 by the server. */
const MemberPhone = z.string().trim().min(3).max(40);
/** An e-mail address, compared lower-cased as customers' addresses are stored. */
const MemberEmail = z.string().trim().toLowerCase().max(254).pipe(z.email());
/** A referral code as typed or taken from an invite link (`?ref=`): any case and digits, spaces or dashes. */
const MemberInviteCode = z.string().trim().min(1).max(40);

/** Exactly one of phone and e-mail: the address the code goes to (field error `member_address_required` on `phone`). */
function oneAddress(input: { phone?: string | undefined; email?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((input.phone === undefined) === (input.email === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'member_address_required', params: { code: 'member_address_required' }, path: ['phone'] });
  }
}

/**
 * Where to send the code: a phone (by SMS) or an e-mail address (by e-mail), exactly one. With
 * `referralCode` (a friend who came by an invite link), an address no customer has gets a code
 * too, and verifying it makes the friend a customer.
 */
export const RequestMemberCode = z.strictObject({
  phone: MemberPhone.optional(),
  email: MemberEmail.optional(),
  /** the language of the message; else Accept-Language */
  language: Locale.optional(),
  referralCode: MemberInviteCode.optional(),
}).superRefine(oneAddress).meta({ id: 'RequestMemberCode' });
export type RequestMemberCode = z.infer<typeof RequestMemberCode>;

/** The same answer whether or not the address belongs to a member: nothing here says which. */
export const MemberCodeSent = z.object({
  /** the code is good for this many seconds */
  expiresInSeconds: z.number().int(),
  /** the phone as the server read it, E.164 (a code by SMS) */
  phone: z.string().optional(),
  /** the address as the server read it (a code by e-mail) */
  email: z.string().optional(),
}).meta({ id: 'MemberCodeSent' });
export type MemberCodeSent = z.infer<typeof MemberCodeSent>;

/** What a friend joining through an invite gives: a name if they like, and whether they agree to offers on the channel they joined by. */
export const MemberJoin = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  /** marketing consent on the channel of the code (sms or email), recorded as the customers module records consent */
  consent: z.boolean(),
}).meta({ id: 'MemberJoin' });
export type MemberJoin = z.infer<typeof MemberJoin>;

export const VerifyMemberCode = z.strictObject({
  phone: MemberPhone.optional(),
  email: MemberEmail.optional(),
  /** six digits; Persian or Arabic digits are read too */
  code: z.string().trim().min(1).max(20),
  /** used only when the code was a join code (an address no customer had, with an invite) */
  join: MemberJoin.optional(),
}).superRefine(oneAddress).meta({ id: 'VerifyMemberCode' });
export type VerifyMemberCode = z.infer<typeof VerifyMemberCode>;

const TierName = z.object({ fa: z.string(), ar: z.string(), en: z.string() });

/** How the workspace shows dates and numbers, so the portal shows the member's dates in the workspace calendar. */
export const MemberPortalWorkspace = z.object({
  name: z.string(),
  calendar: CalendarId,
  timeZone: z.string(),
  defaultLanguage: Locale,
  /** for a tier on spend */
  currency: z.string(),
  irrDisplay: z.enum(['rial', 'toman']),
});

/** The signed-in member's points. */
export const MemberPortalView = z.object({
  workspace: MemberPortalWorkspace,
  member: z.object({ name: z.string().nullable(), phone: z.string().nullable() }),
  balance: z.object({
    /** spendable now */
    available: z.number().int(),
    /** earned, not spendable yet (a return period) */
    pending: z.number().int(),
    /** counted for tiers, apart from spendable points */
    qualifying: z.number().int(),
  }),
  /** every upcoming expiry, grouped by the day it falls on in the workspace's time zone, soonest first */
  expiring: z.array(z.object({ date: z.iso.date(), expiresAt: IsoInstant, points: z.number().int() })),
  /** available points that never expire */
  withoutExpiry: z.number().int(),
  /** pending points by the day they become spendable */
  unlocking: z.array(z.object({ date: z.iso.date(), unlocksAt: IsoInstant, points: z.number().int() })),
  /** points whose expiry has passed (left out of `available`), by the day they expired; the hourly run books them soon after */
  expired: z.array(z.object({ date: z.iso.date(), expiredAt: IsoInstant, points: z.number().int() })),
  /** the member's level in each active program that has tiers, and how far the next one is */
  tiers: z.array(z.object({
    program: z.string(),
    /** what counts: qualifying points, spend (minor units) or orders, in the current window */
    basis: z.enum(['qualifying_points', 'spend', 'orders']),
    value: z.number().int(),
    /** a calendar window's end; null for a rolling window (the last `windowDays` days) */
    windowEndsAt: IsoInstant.nullable(),
    windowDays: z.number().int().nullable(),
    current: z.object({ rank: z.number().int(), name: TierName }).nullable(),
    next: z.object({ rank: z.number().int(), name: TierName, threshold: z.number().int(), needed: z.number().int() }).nullable(),
  })),
  /** the member's referral link: null until referrals exist for the workspace */
  referralLink: z.null(),
}).meta({ id: 'MemberPortal' });
export type MemberPortalView = z.infer<typeof MemberPortalView>;

/** Why the member's points changed, in words a member can be shown (never a staff member's id). */
export const MemberEntryCause = z.enum([
  'order', 'order_return', 'survey', 'complaint_goodwill', 'referral', 'birthday', 'program_event', 'granted',
  'unlocked', 'expired', 'redeemed', 'checkout_hold', 'checkout', 'hold_released', 'donation', 'correction',
  // points that repaid what the member owed (negative-balance.ts)
  'owed_repaid',
  // points given to or received from another member (the amount's sign says which)
  'transfer',
  // points of another customer record merged into this one (the record's own expiries kept)
  'merged_record',
  // points for a product review the shop reported (POST /api/loyalty/events)
  'review',
]);
export type MemberEntryCause = z.infer<typeof MemberEntryCause>;

/** Events whose earn entries name a cause of their own; any other program event is `program_event`. */
const EVENT_CAUSES: Readonly<Record<string, MemberEntryCause>> = {
  'response.submitted': 'survey',
  'complaint.goodwill': 'complaint_goodwill',
  'referral.qualified': 'referral',
  'customer.birthday': 'birthday',
  // an award for a review the shop reported (POST /api/loyalty/events)
  review: 'review',
};

/**
 * The cause of an entry the system booked for an event (its source is `system:event:<topic>`),
 * or undefined for any other source. One table for the member portal (server) and the staff
 * history (web), so both say the same words.
 */
export function eventCause(source: string): MemberEntryCause | undefined {
  const event = /^system:event:(.+)$/.exec(source)?.[1];
  if (!event) return undefined;
  return Object.hasOwn(EVENT_CAUSES, event) ? EVENT_CAUSES[event] : 'program_event';
}

export const MemberHistoryItem = z.object({
  id: z.number().int(),
  kind: LoyaltyEntryKind,
  cause: MemberEntryCause,
  /** the order or checkout it is about, as the shop names it */
  reference: z.string().nullable(),
  /** the note written with it (a program's name, a goodwill reason) */
  note: z.string().nullable(),
  /** change to available + pending points */
  points: z.number().int(),
  available: z.number().int(),
  pending: z.number().int(),
  qualifying: z.number().int(),
  at: IsoInstant,
  /** the partner and offer of a partner's earn or offer redeemed (or of the one a correction reverses), to name in the member's language */
  partner: z.object({ partnerName: LoyaltyLocalName, offerName: LoyaltyLocalName.nullable() }).nullable(),
}).meta({ id: 'MemberHistoryItem' });
export type MemberHistoryItem = z.infer<typeof MemberHistoryItem>;

export const MemberHistoryPage = z.object({ items: z.array(MemberHistoryItem), nextCursor: z.string().nullable() }).meta({ id: 'MemberHistoryPage' });
export type MemberHistoryPage = z.infer<typeof MemberHistoryPage>;

export const MemberHistoryQuery = z.strictObject({
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export type MemberHistoryQuery = z.infer<typeof MemberHistoryQuery>;

/** Rewards on offer and the charities a member can give points to. */
export const MemberCatalogueView = z.object({
  rewards: z.array(z.object({
    id: Uuid, kind: RewardKind, name: LoyaltyLocalName, pointsCost: z.number().int(), stockLeft: z.number().int().nullable(), validUntil: IsoInstant.nullable(),
  })),
  charities: z.array(z.object({ id: Uuid, name: LoyaltyLocalName, ratePoints: z.number().int(), rateMinor: z.number().int(), currency: z.string() })),
  /**
   * Offers of active partners the member can use at the partner's counter (the partner takes the
   * points there): `unlocked` when the member's spend over the last `spendWindowDays` days reaches
   * `minSpendMinor` (minor units of `currency`, a decimal string), `enoughPoints` when their
   * available points cover the cost. An offer whose partner has no room left this month, or
   * whose stock is all redeemed, is not listed.
   */
  partnerOffers: z.array(z.object({
    id: Uuid, partnerName: LoyaltyLocalName, name: LoyaltyLocalName, pointsCost: z.number().int(),
    minSpendMinor: z.string(), spendWindowDays: z.number().int(), currency: z.string(), unlocked: z.boolean(), enoughPoints: z.boolean(),
    /** the last instant's end on offer (exclusive); null: no end */
    validUntil: IsoInstant.nullable(),
  })),
}).meta({ id: 'MemberCatalogue' });
export type MemberCatalogueView = z.infer<typeof MemberCatalogueView>;

/** The signed-in member gives points to a charity. Needs an `Idempotency-Key` header (a second tap replays the first). */
export const MemberDonate = z.strictObject({
  charityId: Uuid,
  points: z.number().int().min(1).max(LOYALTY_POINTS_MAX),
}).meta({ id: 'MemberDonate' });
export type MemberDonate = z.infer<typeof MemberDonate>;

export const MemberDonationReceipt = z.object({
  receiptNumber: z.string(),
  charityName: LoyaltyLocalName,
  points: z.number().int(),
  amountMinor: z.number().int(),
  currency: z.string(),
  at: IsoInstant,
  /** available points after the gift */
  available: z.number().int(),
}).meta({ id: 'MemberDonationReceipt' });
export type MemberDonationReceipt = z.infer<typeof MemberDonationReceipt>;

export const MemberPartnerOfferParams = z.strictObject({ workspaceSlug: MemberPortalParams.shape.workspaceSlug, offerId: Uuid });

/**
 * The signed-in member redeems a partner's offer: the points are taken at once and the member
 * shows the reference at the partner's counter. Never shows the partner's price or billing.
 */
export const MemberPartnerRedemption = z.object({
  /** the member shows this at the partner's counter (the ledger entry of the redemption) */
  reference: z.string(),
  offerId: Uuid,
  partnerName: LoyaltyLocalName,
  offerName: LoyaltyLocalName,
  points: z.number().int(),
  at: IsoInstant,
  /** available points after it, as they stand now */
  available: z.number().int(),
}).meta({ id: 'MemberPartnerRedemption' });
export type MemberPartnerRedemption = z.infer<typeof MemberPartnerRedemption>;

/**
 * The signed-in member's prepaid credit and the packages on sale. The portal takes no payment
 * (Vafa has no payment provider): a package is bought where the shop takes money, and staff or the
 * shop's till record it (POST /api/loyalty/members/:id/credit/purchases).
 */
export const MemberCreditView = z.object({
  balance: z.object({ currency: z.string(), paidMinor: z.number().int(), bonusMinor: z.number().int(), totalMinor: z.number().int() }),
  packages: z.array(z.object({
    id: Uuid, name: LoyaltyLocalName, currency: z.string(), priceMinor: z.number().int(), creditMinor: z.number().int(), bonusMinor: z.number().int(),
  })),
}).meta({ id: 'MemberPortalCredit' });
export type MemberCreditView = z.infer<typeof MemberCreditView>;

export const MemberInviteParams = z.strictObject({ workspaceSlug: MemberPortalParams.shape.workspaceSlug, code: MemberInviteCode });

/** An invite link as a signed-out visitor sees it: who invited them (a first name only) and what joining earns. */
export const MemberInviteView = z.object({
  workspace: z.object({ name: z.string(), defaultLanguage: Locale }),
  /** the inviting member's first name; null: they have none on record (say the workspace invites) */
  inviterFirstName: z.string().nullable(),
  /** the code as shown, XXXX-XXXX */
  code: z.string(),
  /** what the friend earns in each active program that pays referrals */
  offers: z.array(z.object({ program: z.string(), friendPoints: z.number().int(), minOrderAmount: z.number().int() })),
  currency: z.string(),
  irrDisplay: z.enum(['rial', 'toman']),
}).meta({ id: 'MemberInvite' });
export type MemberInviteView = z.infer<typeof MemberInviteView>;
