import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, ProblemView, Uuid } from './common.ts';
import { ExternalRef } from './interactions.ts';
import { LoyaltyReferralSettings } from './loyalty-referrals.ts';
import { LoyaltyActionRule } from './loyalty-actions.ts';

// Loyalty programs and their earning rules (REFERENCE.md section 5): how a purchase or an event
// turns into points, how long the points stay pending, and when they expire. All arithmetic is on
// integers: money in minor units, multipliers in percent, points whole.

const MAX_POINTS = 1_000_000_000;
/** Money in minor units (rial, fils, cents): a whole number, at most 10^15. */
const MinorUnits = z.number().int().min(0).max(1_000_000_000_000_000);
/** A multiplier in percent: 150 is ×1.5, 0 earns nothing; at most ×100. */
const MultiplierPercent = z.number().int().min(0).max(10_000);
const Code = z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, 'no control characters');

export const LOYALTY_ROUNDING_MODES = ['floor', 'round', 'ceil'] as const;
export const LoyaltyRounding = z.enum(LOYALTY_ROUNDING_MODES);
export type LoyaltyRounding = z.infer<typeof LoyaltyRounding>;

/** `points` points for every `per` minor units spent, before multipliers; rounded once per order. */
export const LoyaltySpendRule = z.strictObject({
  points: z.number().int().min(1).max(1_000_000),
  per: z.number().int().min(1).max(1_000_000_000_000),
  rounding: LoyaltyRounding.default('floor'),
});
export type LoyaltySpendRule = z.infer<typeof LoyaltySpendRule>;

/** The custom events a program can reward. */
export const LOYALTY_EVENT_TOPICS = ['response.submitted', 'complaint.goodwill', 'customer.birthday', 'referral.qualified'] as const;
export const LoyaltyEventTopic = z.enum(LOYALTY_EVENT_TOPICS);
export type LoyaltyEventTopic = z.infer<typeof LoyaltyEventTopic>;

/**
 * Points for an event. `points` absent on `complaint.goodwill`: the gesture's own amount (a
 * points gesture; a coupon gesture never earns points, loyalty gives its coupon instead).
 * `surveyIds` limits `response.submitted` to those surveys; a survey with points for answering
 * (its `incentivePoints`) earns those instead of `points` in each program whose rule covers it.
 */
export const LoyaltyEventRule = z.strictObject({
  topic: LoyaltyEventTopic,
  points: z.number().int().min(1).max(1_000_000).optional(),
  surveyIds: z.array(Uuid).min(1).max(100).optional(),
});
export type LoyaltyEventRule = z.infer<typeof LoyaltyEventRule>;

/**
 * When earned points expire: never; `rolling` N days after they are earned; `fixed` at the end of
 * a day of the year in a calendar, in the workspace's time zone (month 12 of `persian` with no day:
 * the end of Esfand); `inactivity`: all of a member's points from this program after N days with
 * no earn or spend.
 */
export const LoyaltyExpiryPolicy = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('never') }),
  z.strictObject({ kind: z.literal('rolling'), days: z.number().int().min(1).max(36_500) }),
  z.strictObject({
    kind: z.literal('fixed'),
    calendar: z.enum(['persian', 'islamic-umalqura', 'gregory']),
    month: z.number().int().min(1).max(12),
    /** absent: the month's last day */
    day: z.number().int().min(1).max(31).optional(),
  }),
  z.strictObject({ kind: z.literal('inactivity'), days: z.number().int().min(1).max(36_500) }),
]);
export type LoyaltyExpiryPolicy = z.infer<typeof LoyaltyExpiryPolicy>;

export const LoyaltyProgramSettings = z.strictObject({
  spend: LoyaltySpendRule.nullable().default(null),
  /** multipliers by product category; a SKU's own multiplier wins over its category's */
  categoryMultipliers: z.record(Code, MultiplierPercent).default({}),
  skuMultipliers: z.record(Code, MultiplierPercent).default({}),
  caps: z.strictObject({
    /** most spend points one order earns */
    perOrder: z.number().int().min(1).max(MAX_POINTS).nullable().default(null),
    /** most spend points a member earns in one day of the workspace's calendar */
    perDay: z.number().int().min(1).max(MAX_POINTS).nullable().default(null),
  }).default({ perOrder: null, perDay: null }),
  /** days an order's points stay pending (returnable) before they can be spent; 0: at once */
  pendingDays: z.number().int().min(0).max(365).default(0),
  expiry: LoyaltyExpiryPolicy.default({ kind: 'never' }),
  events: z.array(LoyaltyEventRule).max(20).default([]),
  /** a notice to the member (preferred channel, with consent) this many days before points of the program expire; null: none */
  expiryNotice: z.strictObject({ daysBefore: z.number().int().min(1).max(90) }).nullable().default(null),
  /** what a referral pays (loyalty-referrals.ts); absent: this program pays none */
  referral: LoyaltyReferralSettings.optional(),
  /** a return of points already spent may take the member's balance negative (owed, repaid by later earnings); absent or false: the shortfall is written off */
  allowNegativeBalance: z.boolean().optional(),
  /** points for actions a shop reports (POST /api/loyalty/events): reviews and the workspace's own actions (loyalty-actions.ts) */
  actions: z.array(LoyaltyActionRule).max(20).optional(),
});
export type LoyaltyProgramSettings = z.infer<typeof LoyaltyProgramSettings>;

const ProgramName = z.string().trim().min(1).max(120).regex(NO_CONTROL_CHARACTERS, 'no control characters');

export const CreateLoyaltyProgram = z.strictObject({
  name: ProgramName,
  kind: z.enum(['points']).default('points'),
  settings: LoyaltyProgramSettings,
}).meta({ id: 'CreateLoyaltyProgram' });
export type CreateLoyaltyProgram = z.infer<typeof CreateLoyaltyProgram>;

/** A change: the whole settings replace the old ones as a new version; `version` is the one the change was made against. */
export const UpdateLoyaltyProgram = z.strictObject({
  version: z.number().int().min(1),
  name: ProgramName.optional(),
  status: z.enum(['active', 'archived']).optional(),
  settings: LoyaltyProgramSettings.optional(),
}).meta({ id: 'UpdateLoyaltyProgram' });
export type UpdateLoyaltyProgram = z.infer<typeof UpdateLoyaltyProgram>;

export const LoyaltyProgramView = z.object({
  id: Uuid,
  name: z.string(),
  kind: z.enum(['points']),
  status: z.enum(['active', 'archived']),
  version: z.number().int(),
  settings: LoyaltyProgramSettings,
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'LoyaltyProgram' });
export type LoyaltyProgramView = z.infer<typeof LoyaltyProgramView>;

export const LoyaltyProgramList = z.object({ items: z.array(LoyaltyProgramView) }).meta({ id: 'LoyaltyProgramList' });
export type LoyaltyProgramList = z.infer<typeof LoyaltyProgramList>;

export const LoyaltyProgramVersionView = z.object({
  version: z.number().int(),
  name: z.string(),
  status: z.enum(['active', 'archived']),
  settings: LoyaltyProgramSettings,
  changedBy: z.string(),
  changedAt: IsoInstant,
}).meta({ id: 'LoyaltyProgramVersion' });
export const LoyaltyProgramVersionList = z.object({ items: z.array(LoyaltyProgramVersionView) }).meta({ id: 'LoyaltyProgramVersionList' });
export type LoyaltyProgramVersionList = z.infer<typeof LoyaltyProgramVersionList>;

export const LoyaltyProgramParams = z.strictObject({ programId: Uuid });

/** One line of an order: its own id in the order, what was sold, and what it cost after discounts. */
const OrderLine = z.strictObject({
  id: Code,
  sku: Code.optional(),
  category: Code.optional(),
  amount: MinorUnits,
});

/** A purchase at a checkout or point of sale, to earn points on. */
export const LoyaltyOrder = z.strictObject({
  externalId: ExternalRef,
  customerId: Uuid,
  /** absent: the workspace's active points program (when there is exactly one) */
  programId: Uuid.optional(),
  lines: z.array(OrderLine).min(1).max(500),
  /** the code of the member who referred this customer, given at their first checkout */
  referralCode: z.string().trim().min(1).max(40).optional()
    .describe('A friend\'s referral code given at the customer\'s first checkout: attaches the customer to that member before the order earns, as POST /api/loyalty/referrals does (its refusals, with `referralCode` as the field), and the order then counts toward the referral. Ignored when the order is a replay.'),
}).meta({ id: 'LoyaltyOrder' });
export type LoyaltyOrder = z.infer<typeof LoyaltyOrder>;

/** A return: `lines` with the amount returned of each; absent: the whole order. */
export const LoyaltyOrderReturn = z.strictObject({
  returnId: ExternalRef,
  programId: Uuid.optional(),
  lines: z.array(z.strictObject({ id: Code, amount: MinorUnits.optional() })).min(1).max(500).optional(),
}).meta({ id: 'LoyaltyOrderReturn' });
export type LoyaltyOrderReturn = z.infer<typeof LoyaltyOrderReturn>;

export const LoyaltyOrderParams = z.strictObject({ externalId: ExternalRef });

export const LoyaltyOrderView = z.object({
  externalId: z.string(),
  programId: Uuid,
  programVersion: z.number().int(),
  customerId: Uuid,
  /** points the order earned (after caps) */
  points: z.number().int(),
  /** points its returns took back */
  returnedPoints: z.number().int(),
  /** the ledger entry that credited the points; null when the order earned none */
  entryId: z.number().int().nullable(),
  /** until when the points are pending (returnable); null: available at once or none */
  pendingUntil: IsoInstant.nullable(),
  expiresAt: IsoInstant.nullable(),
  /** what capped it, if anything */
  capped: z.enum(['order', 'day']).nullable(),
  lines: z.array(z.object({ id: z.string(), sku: z.string().nullable(), category: z.string().nullable(), amount: z.number().int(), returned: z.number().int(), multiplierPercent: z.number().int() })),
  createdAt: IsoInstant,
}).meta({ id: 'LoyaltyOrderView' });
export type LoyaltyOrderView = z.infer<typeof LoyaltyOrderView>;

/** The most orders one batch may carry. */
export const MAX_ORDERS_PER_BATCH = 500;

/** Purchase events as a point of sale or a shop sends them in bulk: each is earned as POST /api/loyalty/orders would earn it alone. */
export const LoyaltyOrderBatch = z.strictObject({
  orders: z.array(LoyaltyOrder).min(1).max(MAX_ORDERS_PER_BATCH),
}).meta({ id: 'LoyaltyOrderBatch' });
export type LoyaltyOrderBatch = z.infer<typeof LoyaltyOrderBatch>;

/** One order's outcome, in the batch's order: earned now, the first answer again, or refused with the problem the single route would answer. */
export const LoyaltyOrderBatchItem = z.discriminatedUnion('outcome', [
  z.object({ index: z.number().int(), externalId: z.string(), outcome: z.literal('created'), status: z.literal(201), order: LoyaltyOrderView }),
  z.object({ index: z.number().int(), externalId: z.string(), outcome: z.literal('replayed'), status: z.literal(200), order: LoyaltyOrderView }),
  z.object({ index: z.number().int(), externalId: z.string(), outcome: z.literal('problem'), status: z.number().int(), problem: ProblemView }),
]).meta({ id: 'LoyaltyOrderBatchItem' });
export type LoyaltyOrderBatchItem = z.infer<typeof LoyaltyOrderBatchItem>;

export const LoyaltyOrderBatchResult = z.object({
  created: z.number().int(),
  replayed: z.number().int(),
  failed: z.number().int(),
  results: z.array(LoyaltyOrderBatchItem),
}).meta({ id: 'LoyaltyOrderBatchResult' });
export type LoyaltyOrderBatchResult = z.infer<typeof LoyaltyOrderBatchResult>;

export const LoyaltyOrderReturnView = z.object({
  returnId: z.string(),
  externalId: z.string(),
  /** points taken back: from pending first, then available */
  points: z.number().int(),
  fromPending: z.number().int(),
  fromAvailable: z.number().int(),
  /** points that should have been taken back but the member had already spent: owed or written off */
  unrecovered: z.number().int(),
  /** of `unrecovered`: taken below zero (the program allows a negative balance) */
  owed: z.number().int(),
  /** of `unrecovered`: written off as a loss (the program does not allow a negative balance) */
  writtenOff: z.number().int(),
  entryId: z.number().int().nullable(),
  order: LoyaltyOrderView,
}).meta({ id: 'LoyaltyOrderReturnView' });
export type LoyaltyOrderReturnView = z.infer<typeof LoyaltyOrderReturnView>;

/**
 * "This order would earn…": an order as the orders API takes it (no external id: nothing is
 * recorded), earned by the program's saved settings or by `settings` not yet saved. With a
 * customer, the daily cap counts what they already earned today in the program.
 */
export const LoyaltySimulation = z.strictObject({
  customerId: Uuid.optional(),
  lines: z.array(OrderLine).min(1).max(500),
  /** settings to try before saving; absent: the program's saved ones */
  settings: LoyaltyProgramSettings.optional(),
}).meta({ id: 'LoyaltySimulation' });
export type LoyaltySimulation = z.infer<typeof LoyaltySimulation>;

/** Without a program (a program being created): the settings are required. */
export const LoyaltyDraftSimulation = LoyaltySimulation.extend({ settings: LoyaltyProgramSettings }).meta({ id: 'LoyaltyDraftSimulation' });
export type LoyaltyDraftSimulation = z.infer<typeof LoyaltyDraftSimulation>;

export const LoyaltySimulationView = z.object({
  /** null: a program not yet saved */
  programId: Uuid.nullable(),
  /** the saved version simulated; null when the settings were sent */
  programVersion: z.number().int().nullable(),
  lines: z.array(z.object({ id: z.string(), sku: z.string().nullable(), category: z.string().nullable(), amount: z.number().int(), multiplierPercent: z.number().int() })),
  /** the order's exact spend points before rounding, as a fraction of integers (decimal strings) */
  exact: z.object({ numerator: z.string(), denominator: z.string() }),
  rounding: LoyaltyRounding.nullable(),
  /** spend points after rounding, before caps */
  pointsBeforeCaps: z.number().int(),
  /** spend points the customer already earned in the program today (what the daily cap counts); 0 without a customer */
  earnedToday: z.number().int(),
  /** what the order would earn */
  points: z.number().int(),
  capped: z.enum(['order', 'day']).nullable(),
  pendingUntil: IsoInstant.nullable(),
  expiresAt: IsoInstant.nullable(),
  /** the instant the simulation was computed at */
  at: IsoInstant,
}).meta({ id: 'LoyaltySimulationView' });
export type LoyaltySimulationView = z.infer<typeof LoyaltySimulationView>;
