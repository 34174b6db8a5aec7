import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { ExternalRef } from './interactions.ts';
import { LOYALTY_POINTS_MAX, LoyaltyEntryDetailView, LoyaltyEntryView } from './loyalty.ts';
import { LoyaltyLocalName, WINDOW_DISORDERED, windowOrdered } from './loyalty-rewards.ts';

// Coalition partners on the points ledger (issue 12): a partner's catalogue of offers, unlocked
// above a spend threshold; points earned at a partner and offers redeemed there, each billed by
// the partner's model (at earning: the partner pays for the points its customers earn; at
// redemption: the workspace pays the partner for offers redeemed there) at a price per point in
// minor units; monthly caps; and the settlement of what is owed each way.

const Points = z.number().int().min(1).max(LOYALTY_POINTS_MAX);
const Text = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'no control characters');
/** Money in minor units of the workspace currency as a decimal string (a rial amount outgrows a JSON number's exact range). */
export const MinorUnits = z.string().regex(/^(0|[1-9][0-9]{0,17})$/, 'whole minor units, digits only');
const SignedMinor = z.string().regex(/^-?(0|[1-9][0-9]{0,37})$/);
const Cap = Points.nullable().optional();

export const PartnerBillingModel = z.enum(['at_earning', 'at_redemption']);
export type PartnerBillingModel = z.infer<typeof PartnerBillingModel>;

export const PartnerContact = z.strictObject({
  person: Text(200).optional(),
  phone: Text(40).optional(),
  email: z.email().max(254).optional(),
});

const partnerFields = {
  name: LoyaltyLocalName,
  contact: PartnerContact.optional(),
  billingModel: PartnerBillingModel,
  /** what one point is billed at, minor units of the workspace currency */
  pricePerPointMinor: MinorUnits,
  /** points its customers may earn there per calendar month (the workspace's calendar and time zone); null: no cap */
  monthlyEarnCap: Cap,
  /** points members may redeem there per calendar month; null: no cap */
  monthlyRedeemCap: Cap,
  active: z.boolean().optional(),
};

export const CreatePartner = z.strictObject(partnerFields).meta({ id: 'CreateLoyaltyPartner' });
export type CreatePartner = z.infer<typeof CreatePartner>;
export const UpdatePartner = z.strictObject({
  name: partnerFields.name.optional(), contact: partnerFields.contact, billingModel: partnerFields.billingModel.optional(),
  pricePerPointMinor: partnerFields.pricePerPointMinor.optional(), monthlyEarnCap: Cap, monthlyRedeemCap: Cap, active: partnerFields.active,
}).meta({ id: 'UpdateLoyaltyPartner' });
export type UpdatePartner = z.infer<typeof UpdatePartner>;

const LocalNameView = z.object({ fa: z.string().optional(), ar: z.string().optional(), en: z.string().optional() });

export const PartnerView = z.object({
  id: Uuid,
  name: LocalNameView,
  contact: z.object({ person: z.string().optional(), phone: z.string().optional(), email: z.string().optional() }),
  billingModel: PartnerBillingModel,
  pricePerPointMinor: MinorUnits,
  currency: z.string(),
  monthlyEarnCap: z.number().int().nullable(),
  monthlyRedeemCap: z.number().int().nullable(),
  /** points earned and redeemed there in the current calendar month */
  thisMonth: z.object({ earned: z.number().int(), redeemed: z.number().int() }),
  active: z.boolean(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'LoyaltyPartner' });
export type PartnerView = z.infer<typeof PartnerView>;
export const PartnerList = z.object({ items: z.array(PartnerView) }).meta({ id: 'LoyaltyPartnerList' });
export const PartnerParams = z.strictObject({ partnerId: Uuid });

const offerFields = {
  name: LoyaltyLocalName,
  pointsCost: Points,
  /** a member's spend (orders, less returned ones, in minor units) over the window must be at least this to redeem it; "0": open to all */
  minSpendMinor: MinorUnits,
  /** the spend window: the last this many days */
  spendWindowDays: z.number().int().min(1).max(3660),
  /** on offer from this instant; null or absent: from now on */
  validFrom: IsoInstant.nullable().optional(),
  /** no longer on offer from this instant; null or absent: no end */
  validUntil: IsoInstant.nullable().optional(),
  /** how many may be redeemed in all; null or absent: unlimited. A change moves what is left by the same difference (never below what was redeemed). */
  stock: z.number().int().min(0).max(1_000_000_000).nullable().optional(),
  active: z.boolean().optional(),
};
export const CreatePartnerOffer = z.strictObject(offerFields).refine(windowOrdered, WINDOW_DISORDERED).meta({ id: 'CreateLoyaltyPartnerOffer' });
export type CreatePartnerOffer = z.infer<typeof CreatePartnerOffer>;
export const UpdatePartnerOffer = z.strictObject({
  name: offerFields.name.optional(), pointsCost: offerFields.pointsCost.optional(), minSpendMinor: offerFields.minSpendMinor.optional(),
  spendWindowDays: offerFields.spendWindowDays.optional(), validFrom: offerFields.validFrom, validUntil: offerFields.validUntil, stock: offerFields.stock,
  active: offerFields.active,
}).refine(windowOrdered, WINDOW_DISORDERED).meta({ id: 'UpdateLoyaltyPartnerOffer' });
export type UpdatePartnerOffer = z.infer<typeof UpdatePartnerOffer>;

export const PartnerOfferView = z.object({
  id: Uuid,
  partnerId: Uuid,
  name: LocalNameView,
  pointsCost: z.number().int(),
  minSpendMinor: MinorUnits,
  spendWindowDays: z.number().int(),
  validFrom: IsoInstant.nullable(),
  validUntil: IsoInstant.nullable(),
  /** how many may be redeemed in all; null: unlimited */
  stock: z.number().int().nullable(),
  /** how many of the stock are left (redeemed ones taken, reversed ones given back); null: unlimited */
  stockLeft: z.number().int().nullable(),
  active: z.boolean(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'LoyaltyPartnerOffer' });
export type PartnerOfferView = z.infer<typeof PartnerOfferView>;
export const PartnerOfferList = z.object({ items: z.array(PartnerOfferView) }).meta({ id: 'LoyaltyPartnerOfferList' });
export const PartnerOfferParams = z.strictObject({ offerId: Uuid });

/** A member's standing against each active offer on offer now: unlocked when the spend in the offer's window reaches its threshold. */
export const MemberPartnerOfferList = z.object({
  items: z.array(PartnerOfferView.extend({ partnerName: LocalNameView, spendMinor: MinorUnits, unlocked: z.boolean() })),
}).meta({ id: 'LoyaltyMemberPartnerOfferList' });

/** Points earned at a partner, keyed by the partner's transaction id (or the Idempotency-Key header). */
export const PartnerEarn = z.strictObject({
  customerId: Uuid,
  points: Points,
  externalId: ExternalRef.optional(),
  reason: Text(300).optional(),
}).meta({ id: 'LoyaltyPartnerEarn' });
export type PartnerEarn = z.infer<typeof PartnerEarn>;

/** A member redeems a partner offer, keyed by the partner's transaction id (or the Idempotency-Key header). */
export const PartnerRedeem = z.strictObject({
  customerId: Uuid,
  externalId: ExternalRef.optional(),
}).meta({ id: 'LoyaltyPartnerRedeem' });
export type PartnerRedeem = z.infer<typeof PartnerRedeem>;

export const PartnerTransactionView = z.object({
  partnerId: Uuid,
  offerId: Uuid.nullable(),
  customerId: Uuid,
  direction: z.enum(['earn', 'redeem']),
  points: z.number().int(),
  /** billed to the partner (earn) or to the workspace (redeem) by the partner's model */
  billed: z.boolean(),
  pricePerPointMinor: MinorUnits,
  /** points × price when billed, else "0" */
  amountMinor: MinorUnits,
  currency: z.string(),
  entry: LoyaltyEntryDetailView,
  createdAt: IsoInstant,
}).meta({ id: 'LoyaltyPartnerTransaction' });
export type PartnerTransactionView = z.infer<typeof PartnerTransactionView>;

/** A calendar month in the workspace's calendar: "1404-09"; absent: the current month. */
export const SettlementQuery = z.strictObject({
  period: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM').optional(),
  lang: z.enum(['fa', 'ar', 'en']).optional(),
});
export type SettlementQuery = z.infer<typeof SettlementQuery>;

export const SettlementLine = z.object({
  partnerId: Uuid,
  partnerName: LocalNameView,
  billingModel: PartnerBillingModel,
  earnedPoints: z.number().int(),
  redeemedPoints: z.number().int(),
  /** earned points billed to the partner: what the partner owes the workspace, in points and money */
  partnerOwesPoints: z.number().int(),
  partnerOwesMinor: MinorUnits,
  /** redeemed points billed to the workspace: what the workspace owes the partner */
  workspaceOwesPoints: z.number().int(),
  workspaceOwesMinor: MinorUnits,
  /** workspaceOwesMinor − partnerOwesMinor: positive, the workspace pays; negative, the partner pays */
  netMinor: SignedMinor,
  /** the sum of the partner's postings to partner_payable in the period: workspaceOwesPoints − partnerOwesPoints, always */
  ledgerPoints: z.number().int(),
  /** staff corrections in the period, already counted in the owed figures above (signed: positive, that side owes more) */
  corrections: z.object({
    count: z.number().int(),
    partnerOwesPoints: z.number().int(),
    partnerOwesMinor: SignedMinor,
    workspaceOwesPoints: z.number().int(),
    workspaceOwesMinor: SignedMinor,
  }),
  /** redemptions billed to the workspace and cancelled by staff in the period, already taken off what the workspace owes (at each redemption's own price) */
  cancellations: z.object({
    count: z.number().int(),
    points: z.number().int(),
    minor: MinorUnits,
  }),
});
export const SettlementReport = z.object({
  calendar: z.string(),
  period: z.string(),
  from: IsoInstant,
  to: IsoInstant,
  currency: z.string(),
  items: z.array(SettlementLine),
}).meta({ id: 'LoyaltyPartnerSettlement' });
export type SettlementReport = z.infer<typeof SettlementReport>;

/** Which side's debt a correction changes: what the partner owes the workspace, or what the workspace owes the partner. */
export const PartnerCorrectionSide = z.enum(['partner_owes', 'workspace_owes']);

/**
 * A staff correction of a partner's payable: `points` is the change to what `side` owes (positive:
 * owes more; negative: owes less; never 0), priced at the partner's price per point today.
 */
export const CorrectPartnerPayable = z.strictObject({
  side: PartnerCorrectionSide,
  points: z.number().int().min(-LOYALTY_POINTS_MAX).max(LOYALTY_POINTS_MAX),
  reason: z.string().trim().min(3).max(500).regex(NO_CONTROL_CHARACTERS),
}).meta({ id: 'LoyaltyCorrectPartnerPayable' });
export type CorrectPartnerPayable = z.infer<typeof CorrectPartnerPayable>;

export const PartnerCorrectionView = z.object({
  /** the ledger's adjust entry */
  entryId: z.number().int(),
  partnerId: Uuid,
  side: PartnerCorrectionSide,
  points: z.number().int(),
  pricePerPointMinor: MinorUnits,
  amountMinor: SignedMinor,
  currency: z.string(),
  reason: z.string(),
  /** `user:<id>` or `api_key:<id>` */
  source: z.string(),
  createdAt: IsoInstant,
}).meta({ id: 'LoyaltyPartnerCorrection' });
export type PartnerCorrectionView = z.infer<typeof PartnerCorrectionView>;

export const PartnerCorrectionList = z.object({ items: z.array(PartnerCorrectionView) }).meta({ id: 'LoyaltyPartnerCorrectionList' });
export type PartnerCorrectionList = z.infer<typeof PartnerCorrectionList>;

/**
 * The partner, and for a redemption the offer, a ledger entry belongs to: read from its partner
 * entry when the history is read (a reversal's from the entry it reverses), names as they are now.
 */
export const LoyaltyPartnerLink = z.object({
  partnerId: Uuid, partnerName: LoyaltyLocalName, offerId: Uuid.nullable(), offerName: LoyaltyLocalName.nullable(),
}).meta({ id: 'LoyaltyPartnerLink' });
export type LoyaltyPartnerLink = z.infer<typeof LoyaltyPartnerLink>;

/** A member's history as staff read it: each entry with its partner and offer, if any. */
export const LoyaltyHistoryEntry = LoyaltyEntryView.extend({ partner: LoyaltyPartnerLink.nullable() }).meta({ id: 'LoyaltyHistoryEntry' });
export type LoyaltyHistoryEntry = z.infer<typeof LoyaltyHistoryEntry>;
export const LoyaltyHistoryPage = z.object({ items: z.array(LoyaltyHistoryEntry), nextCursor: z.string().nullable() }).meta({ id: 'LoyaltyHistoryPage' });
export type LoyaltyHistoryPage = z.infer<typeof LoyaltyHistoryPage>;
