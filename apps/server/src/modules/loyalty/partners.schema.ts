import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { loyaltyEntries, loyaltyMembers } from './ledger.schema.ts';

// Coalition partners (partners.service.ts). What a partner is owed or owes is on the ledger:
// billed points post to the workspace's partner_payable account (credit: redemptions the
// workspace owes the partner for; debit: earnings the partner owes the workspace for), and
// loyalty_partner_entries says which partner each such entry belongs to, at what price. The
// partner's row is never locked by an earn or a redemption, nor is partner_payable: many members
// redeeming at one partner at once do not queue on it.

// Money is numeric(20,0) / numeric(38,0), read as decimal strings: the driver reads bigint as a JS
// number, and rial prices times points outgrow 2^53.

/** A partner of the coalition. Never deleted: entries point at it; `active` false stops new earnings and redemptions. */
export const loyaltyPartners = pgTable(
  'loyalty_partners',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** { fa?, ar?, en? }, at least one */
    name: jsonb('name').notNull(),
    /** { person?, phone?, email? } */
    contact: jsonb('contact').notNull().default({}),
    /** at_earning: the partner pays for points earned there; at_redemption: the workspace pays the partner for offers redeemed there */
    billingModel: text('billing_model').notNull(),
    pricePerPointMinor: numeric('price_per_point_minor', { precision: 20, scale: 0 }).notNull(),
    monthlyEarnCap: bigint('monthly_earn_cap', { mode: 'number' }),
    monthlyRedeemCap: bigint('monthly_redeem_cap', { mode: 'number' }),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('loyalty_partners_billing', sql`${t.billingModel} IN ('at_earning', 'at_redemption')`),
    check('loyalty_partners_price', sql`${t.pricePerPointMinor} >= 0`),
    check('loyalty_partners_caps', sql`(${t.monthlyEarnCap} IS NULL OR ${t.monthlyEarnCap} > 0) AND (${t.monthlyRedeemCap} IS NULL OR ${t.monthlyRedeemCap} > 0)`),
  ],
);

/** An offer of a partner, redeemable by members whose spend over the window reaches the threshold. */
export const loyaltyPartnerOffers = pgTable(
  'loyalty_partner_offers',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    name: jsonb('name').notNull(),
    pointsCost: bigint('points_cost', { mode: 'number' }).notNull(),
    minSpendMinor: numeric('min_spend_minor', { precision: 20, scale: 0 }).notNull(),
    spendWindowDays: integer('spend_window_days').notNull(),
    /** on offer from this instant (inclusive) and until that one (exclusive); null: no bound */
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    /**
     * How many may be redeemed in all, and how many of those are left; null both: unlimited. A
     * redemption takes one by a conditional update (stock_left > 0), last in its transaction, so
     * concurrent redemptions of a stocked offer queue on its row, as a reward's holds do, and never
     * over-redeem; a reversal gives one back. An unlimited offer's row is never updated by them.
     */
    stockTotal: integer('stock_total'),
    stockLeft: integer('stock_left'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('loyalty_partner_offers_stock', sql`(${t.stockTotal} IS NULL) = (${t.stockLeft} IS NULL) AND ${t.stockLeft} >= 0 AND ${t.stockLeft} <= ${t.stockTotal}`),
    index('loyalty_partner_offers_partner_idx').on(t.tenantId, t.partnerId),
    foreignKey({ columns: [t.tenantId, t.partnerId], foreignColumns: [loyaltyPartners.tenantId, loyaltyPartners.id] }),
    check('loyalty_partner_offers_cost', sql`${t.pointsCost} > 0`),
    check('loyalty_partner_offers_threshold', sql`${t.minSpendMinor} >= 0 AND ${t.spendWindowDays} > 0`),
    check('loyalty_partner_offers_window', sql`${t.validFrom} IS NULL OR ${t.validUntil} IS NULL OR ${t.validUntil} > ${t.validFrom}`),
  ],
);

/**
 * Which partner an earn or redeem entry belongs to, whether it was billed, at what price and for
 * how much money (points × price, fixed when written). One per entry. Insert only.
 */
export const loyaltyPartnerEntries = pgTable(
  'loyalty_partner_entries',
  {
    tenantId: uuid('tenant_id').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    partnerId: uuid('partner_id').notNull(),
    offerId: uuid('offer_id'),
    customerId: uuid('customer_id').notNull(),
    direction: text('direction').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    billed: boolean('billed').notNull(),
    pricePerPointMinor: numeric('price_per_point_minor', { precision: 20, scale: 0 }).notNull(),
    amountMinor: numeric('amount_minor', { precision: 38, scale: 0 }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entryId] }),
    // The settlement: a partner's entries in a period.
    index('loyalty_partner_entries_period_idx').on(t.tenantId, t.partnerId, t.createdAt),
    // A member's redemptions of an offer.
    index('loyalty_partner_entries_member_idx').on(t.tenantId, t.customerId, t.offerId),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    foreignKey({ columns: [t.tenantId, t.partnerId], foreignColumns: [loyaltyPartners.tenantId, loyaltyPartners.id] }),
    foreignKey({ columns: [t.tenantId, t.offerId], foreignColumns: [loyaltyPartnerOffers.tenantId, loyaltyPartnerOffers.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [loyaltyMembers.tenantId, loyaltyMembers.customerId] }),
    check('loyalty_partner_entries_direction', sql`${t.direction} IN ('earn', 'redeem')`),
    check('loyalty_partner_entries_amounts', sql`${t.points} > 0 AND ${t.pricePerPointMinor} >= 0 AND ${t.amountMinor} >= 0 AND (${t.billed} OR ${t.amountMinor} = 0)`),
    check('loyalty_partner_entries_offer', sql`(${t.direction} = 'redeem') = (${t.offerId} IS NOT NULL)`),
  ],
);

/**
 * A capped partner's room left under one monthly cap (earn or redeem; the month keyed by its
 * first instant in the workspace's calendar and time zone), held as CAP_STRIPES rows whose rooms
 * add up to the cap less what the month's entries not reversed took (partners.repo.ts
 * takeCapRoom). A redemption takes its points from one stripe it can lock without waiting, so
 * redemptions at one partner do not queue on one row; none goes below zero, so together they
 * never pass the cap. Only stripe 0 may go below zero: a cap lowered under what was already
 * taken holds the excess there until reversals or the next month make up for it. Uncapped
 * partners have none.
 */
export const loyaltyPartnerCapStripes = pgTable(
  'loyalty_partner_cap_stripes',
  {
    tenantId: uuid('tenant_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    direction: text('direction').notNull(),
    stripe: smallint('stripe').notNull(),
    room: bigint('room', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.partnerId, t.periodStart, t.direction, t.stripe] }),
    foreignKey({ columns: [t.tenantId, t.partnerId], foreignColumns: [loyaltyPartners.tenantId, loyaltyPartners.id] }),
    check('loyalty_partner_cap_stripes_direction', sql`${t.direction} IN ('earn', 'redeem')`),
    check('loyalty_partner_cap_stripes_room', sql`${t.stripe} >= 0 AND (${t.room} >= 0 OR ${t.stripe} = 0)`),
  ],
);

/**
 * A staff correction of what one side owes the other for a partner (partners.service.ts
 * correctPartnerPayable): an `adjust` entry moving partner_payable against issuance (what the
 * partner owes) or redemptions (what the workspace owes), with its reason and who wrote it.
 * `points` and `amount_minor` are signed: positive, that side owes more. Insert only; a correction
 * is itself corrected by another.
 */
export const loyaltyPartnerCorrections = pgTable(
  'loyalty_partner_corrections',
  {
    tenantId: uuid('tenant_id').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    partnerId: uuid('partner_id').notNull(),
    side: text('side').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    pricePerPointMinor: numeric('price_per_point_minor', { precision: 20, scale: 0 }).notNull(),
    amountMinor: numeric('amount_minor', { precision: 38, scale: 0 }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entryId] }),
    // The settlement: a partner's corrections in a period.
    index('loyalty_partner_corrections_period_idx').on(t.tenantId, t.partnerId, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.entryId], foreignColumns: [loyaltyEntries.tenantId, loyaltyEntries.id] }),
    foreignKey({ columns: [t.tenantId, t.partnerId], foreignColumns: [loyaltyPartners.tenantId, loyaltyPartners.id] }),
    check('loyalty_partner_corrections_side', sql`${t.side} IN ('partner_owes', 'workspace_owes')`),
    check('loyalty_partner_corrections_points', sql`${t.points} <> 0 AND ${t.pricePerPointMinor} >= 0`),
  ],
);
