import { z } from 'zod';
import { CalendarId, IsoInstant, Locale, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { LoyaltyAccountKind, LoyaltyEntryKind } from './loyalty.ts';

// Read-only views over the points ledger: the finance report (liability, breakage, redemption,
// tiers, payables) for a period of the workspace calendar, the members list and the ledger
// explorer. Every figure of the finance report is a sum over postings (or tier changes) in SQL.

/** Minor units of money as a decimal string: sums of points × a rate can pass 2^53. */
const MinorString = z.string().regex(/^-?\d+$/);

/** What one point is worth: `points` points are `minor` minor units of the workspace currency. */
export const LoyaltyPointValue = z.strictObject({
  points: z.number().int().min(1).max(1_000_000_000),
  minor: z.number().int().min(0).max(1_000_000_000_000),
}).meta({ id: 'LoyaltyPointValue' });
export type LoyaltyPointValue = z.infer<typeof LoyaltyPointValue>;

export const LoyaltyFinanceSettingsView = z.object({
  /** null: not set yet; the report then gives the liability in points only */
  pointValue: LoyaltyPointValue.nullable(),
  currency: z.string(),
  updatedAt: IsoInstant.nullable(),
}).meta({ id: 'LoyaltyFinanceSettings' });
export type LoyaltyFinanceSettingsView = z.infer<typeof LoyaltyFinanceSettingsView>;

export const UpdateLoyaltyFinanceSettings = z.strictObject({ pointValue: LoyaltyPointValue.nullable() }).meta({ id: 'UpdateLoyaltyFinanceSettings' });
export type UpdateLoyaltyFinanceSettings = z.infer<typeof UpdateLoyaltyFinanceSettings>;

export const LOYALTY_PERIOD_KINDS = ['month', 'quarter', 'year'] as const;

const QueryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * A period of the workspace calendar: a month (`index` 1–12), a quarter (`index` 1–4: months
 * 1–3, 4–6, 7–9, 10–12) or a year of `year` in that calendar, from local midnight of its first
 * day to local midnight after its last, in the workspace's time zone.
 */
export const LoyaltyPeriodQuery = z.strictObject({
  period: z.enum(LOYALTY_PERIOD_KINDS),
  year: QueryInt(1200, 2200),
  index: QueryInt(1, 12).optional(),
  /** the language of the CSV's labels; default: the request's Accept-Language */
  lang: Locale.optional(),
}).superRefine((q, ctx) => {
  if (q.period === 'year' && q.index !== undefined) ctx.addIssue({ code: 'custom', path: ['index'], message: 'a year has no index' });
  if (q.period !== 'year' && q.index === undefined) ctx.addIssue({ code: 'custom', path: ['index'], message: 'required for a month or a quarter' });
  if (q.period === 'quarter' && q.index !== undefined && q.index > 4) ctx.addIssue({ code: 'custom', path: ['index'], message: 'a quarter is 1 to 4' });
});
export type LoyaltyPeriodQuery = z.infer<typeof LoyaltyPeriodQuery>;

/** A ratio of two point figures, and the ratio itself in basis points (1/100 of a percent, rounded half up); null when the denominator is 0. */
const Rate = z.object({ numerator: z.number().int(), denominator: z.number().int(), basisPoints: z.number().int().nullable() });

export const LoyaltyFinanceReport = z.object({
  period: z.object({
    kind: z.enum(LOYALTY_PERIOD_KINDS),
    calendar: CalendarId,
    year: z.number().int(),
    index: z.number().int().nullable(),
    timeZone: z.string(),
    from: IsoInstant,
    to: IsoInstant,
    /** balances are as at this instant: the period's end, or now for a period not yet over */
    asOf: IsoInstant,
  }),
  currency: z.string(),
  pointValue: LoyaltyPointValue.nullable(),
  /** what members hold as at `asOf`: the sums of the postings to their accounts */
  liability: z.object({
    available: z.number().int(),
    pending: z.number().int(),
    /** set aside for a checkout, not yet captured or released: still the members' */
    held: z.number().int(),
    points: z.number().int(),
    /** points × the point value, minor units rounded half up; null without a point value */
    minor: MinorString.nullable(),
    /** what members owe (returns of points they had spent, where the program allows a negative balance): not netted against the liability */
    owedByMembers: z.number().int(),
  }),
  /** flows within the period, from the postings of the workspace accounts */
  flows: z.object({
    /** points credited to members out of issuance (earns) */
    issued: z.number().int(),
    /** points given back to issuance (returns, reversed earns) */
    returned: z.number().int(),
    /** issued less returned: the denominator of both rates */
    netIssued: z.number().int(),
    /** into redemptions, less reversed redemptions */
    redeemed: z.number().int(),
    /** into breakage: expired points */
    expired: z.number().int(),
    /** into charity payable: donated points */
    donated: z.number().int(),
    /** into write_off: returned points the member had already spent and did not owe (a loss) */
    writtenOff: z.number().int(),
  }),
  breakageRate: Rate,
  redemptionRate: Rate,
  tiers: z.array(z.object({
    programId: Uuid,
    programName: z.string(),
    /** members per tier as at `asOf`, by each member's last tier change; tiers in threshold order */
    distribution: z.array(z.object({ tierId: Uuid, name: z.object({ fa: z.string(), ar: z.string(), en: z.string() }), members: z.number().int() })),
    upgrades: z.number().int(),
    downgrades: z.number().int(),
    /** tier changes in the period, per from → to (from null: a first tier) */
    movements: z.array(z.object({ fromTierId: Uuid.nullable(), toTierId: Uuid.nullable(), count: z.number().int() })),
  })),
  payables: z.object({
    /** the charity_payable account's balance as at `asOf`, and per charity from its donations (money at each charity's rate) */
    charity: z.object({
      points: z.number().int(),
      minor: MinorString,
      byCharity: z.array(z.object({ charityId: Uuid, name: z.object({ fa: z.string(), ar: z.string(), en: z.string() }), points: z.number().int(), minor: MinorString })),
    }),
    /** the partner_payable account's balance as at `asOf` */
    partner: z.object({ points: z.number().int(), minor: MinorString.nullable() }),
  }),
}).meta({ id: 'LoyaltyFinanceReport' });
export type LoyaltyFinanceReport = z.infer<typeof LoyaltyFinanceReport>;

const Cursor = z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous page');
const Limit = QueryInt(1, 200).default(50);

export const LOYALTY_MEMBER_SORTS = ['-available', 'available', '-lastActivity', 'lastActivity'] as const;

export const LoyaltyMemberListQuery = z.strictObject({
  /** whose tiers to show (and filter by) */
  programId: Uuid.optional(),
  tierId: Uuid.optional(),
  /** a name or a phone number, in any digits */
  q: z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, 'no control characters').optional(),
  sort: z.enum(LOYALTY_MEMBER_SORTS).default('-available'),
  /** "expiring soon": available points expiring within this many days */
  expiringDays: QueryInt(1, 365).default(30),
  cursor: Cursor.optional(),
  limit: Limit,
}).refine((q) => q.tierId === undefined || q.programId !== undefined, { path: ['tierId'], message: 'needs programId' });
export type LoyaltyMemberListQuery = z.infer<typeof LoyaltyMemberListQuery>;

export const LoyaltyMemberRow = z.object({
  customerId: Uuid,
  name: z.string().nullable(),
  phone: z.string().nullable(),
  available: z.number().int(),
  pending: z.number().int(),
  expiringSoon: z.number().int(),
  /** the soonest expiry among those points */
  nextExpiry: IsoInstant.nullable(),
  tier: z.object({ id: Uuid, name: z.object({ fa: z.string(), ar: z.string(), en: z.string() }) }).nullable(),
  /** the last change to the member's points */
  lastActivityAt: IsoInstant,
}).meta({ id: 'LoyaltyMemberRow' });
export type LoyaltyMemberRow = z.infer<typeof LoyaltyMemberRow>;

export const LoyaltyMemberList = z.object({ items: z.array(LoyaltyMemberRow), nextCursor: z.string().nullable() }).meta({ id: 'LoyaltyMemberList' });
export type LoyaltyMemberList = z.infer<typeof LoyaltyMemberList>;

/** An instant PostgreSQL and the calendars can hold: 1900 to 2200. */
const QueryInstant = IsoInstant.refine((v) => Date.parse(v) >= Date.UTC(1900, 0, 1) && Date.parse(v) < Date.UTC(2200, 0, 1), 'between 1900 and 2200');

export const LoyaltyLedgerQuery = z.strictObject({
  customerId: Uuid.optional(),
  account: LoyaltyAccountKind.optional(),
  kind: LoyaltyEntryKind.optional(),
  /** entries at or after this instant */
  from: QueryInstant.optional(),
  /** entries before this instant */
  to: QueryInstant.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
}).refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'after from' });
export type LoyaltyLedgerQuery = z.infer<typeof LoyaltyLedgerQuery>;

export const LoyaltyLedgerEntry = z.object({
  id: z.number().int(),
  kind: LoyaltyEntryKind,
  createdAt: IsoInstant,
  customerId: Uuid.nullable(),
  customerName: z.string().nullable(),
  reason: z.string().nullable(),
  externalId: z.string().nullable(),
  idempotencyKey: z.string(),
  /** `user:<id>`, `api_key:<id>` or `system:<run>` */
  source: z.string(),
  /** the person or key behind `source`, when it is one of the workspace's */
  actorName: z.string().nullable(),
  reversesEntryId: z.number().int().nullable(),
  postings: z.array(z.object({ account: LoyaltyAccountKind, customerId: Uuid.nullable(), unit: z.enum(['points', 'qualifying']), amount: z.number().int() })),
}).meta({ id: 'LoyaltyLedgerEntry' });
export type LoyaltyLedgerEntry = z.infer<typeof LoyaltyLedgerEntry>;

export const LoyaltyLedgerPage = z.object({ items: z.array(LoyaltyLedgerEntry), nextCursor: z.string().nullable() }).meta({ id: 'LoyaltyLedgerPage' });
export type LoyaltyLedgerPage = z.infer<typeof LoyaltyLedgerPage>;
