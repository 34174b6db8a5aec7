import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';

// A program's tiers (REFERENCE.md section 5, "Tiers"): members qualify on qualifying points,
// spend (minor units) or order count within a rolling window or a calendar year (Solar Hijri from
// Nowruz, Hijri Umm al-Qura, Gregorian) in the workspace's time zone; upgrades at once, downgrades
// at the re-evaluation after each period by policy, after a grace period.

const Text = z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, 'no control characters');
export const LoyaltyTierName = z.strictObject({ fa: Text, ar: Text, en: Text });

export const LOYALTY_TIER_BASES = ['qualifying_points', 'spend', 'orders'] as const;
export const LOYALTY_TIER_DOWNGRADES = ['none', 'one_step', 'recalculate'] as const;

/** `rolling`: the last `days` days; `calendar_year`: the current year of the calendar (persian begins at Nowruz). */
export const LoyaltyTierWindow = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rolling'), days: z.number().int().min(1).max(3_660) }),
  z.strictObject({ kind: z.literal('calendar_year'), calendar: z.enum(['persian', 'islamic-umalqura', 'gregory']) }),
]);
export type LoyaltyTierWindow = z.infer<typeof LoyaltyTierWindow>;

export const LoyaltyTierSettings = z.strictObject({
  basis: z.enum(LOYALTY_TIER_BASES),
  window: LoyaltyTierWindow,
  downgrade: z.enum(LOYALTY_TIER_DOWNGRADES),
  /** days after a period's end before its downgrade takes effect */
  graceDays: z.number().int().min(0).max(365).default(0),
}).meta({ id: 'LoyaltyTierSettings' });
export type LoyaltyTierSettings = z.infer<typeof LoyaltyTierSettings>;

const Threshold = z.number().int().min(0).max(1_000_000_000_000_000);
const MultiplierPercent = z.number().int().min(0).max(10_000);

export const CreateLoyaltyTier = z.strictObject({
  name: LoyaltyTierName,
  /** what the basis must reach within the window: points, minor units or orders */
  threshold: Threshold,
  /** the earn multiplier of the tier's members on spend points, in percent (100: none) */
  multiplierPercent: MultiplierPercent.default(100),
}).meta({ id: 'CreateLoyaltyTier' });
export type CreateLoyaltyTier = z.infer<typeof CreateLoyaltyTier>;

export const UpdateLoyaltyTier = z.strictObject({
  name: LoyaltyTierName.optional(),
  threshold: Threshold.optional(),
  multiplierPercent: MultiplierPercent.optional(),
}).meta({ id: 'UpdateLoyaltyTier' });
export type UpdateLoyaltyTier = z.infer<typeof UpdateLoyaltyTier>;

export const LoyaltyTierView = z.object({
  id: Uuid,
  programId: Uuid,
  /** 1 for the lowest threshold */
  rank: z.number().int(),
  name: z.object({ fa: z.string(), ar: z.string(), en: z.string() }),
  threshold: z.number().int(),
  multiplierPercent: z.number().int(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'LoyaltyTier' });
export type LoyaltyTierView = z.infer<typeof LoyaltyTierView>;

export const LoyaltyTierList = z.object({
  /** null until set (tiers then qualify on qualifying points over a rolling 365 days, downgrading one step) */
  settings: LoyaltyTierSettings.nullable(),
  items: z.array(LoyaltyTierView),
}).meta({ id: 'LoyaltyTierList' });
export type LoyaltyTierList = z.infer<typeof LoyaltyTierList>;

export const LoyaltyTierParams = z.strictObject({ programId: Uuid, tierId: Uuid });
export const LoyaltyMemberTierParams = z.strictObject({ programId: Uuid, customerId: Uuid });

export const LoyaltyTierChangeView = z.object({
  id: z.number().int(),
  fromTierId: Uuid.nullable(),
  toTierId: Uuid.nullable(),
  reason: z.enum(['upgrade', 'downgrade_one_step', 'downgrade_recalculated']),
  value: z.number().int(),
  entryId: z.number().int().nullable(),
  createdAt: IsoInstant,
});

/** A member's tier and progress in a program: what they have in the current window, and what the next tier needs. */
export const LoyaltyMemberTierView = z.object({
  programId: Uuid,
  customerId: Uuid,
  tier: LoyaltyTierView.nullable(),
  since: IsoInstant.nullable(),
  basis: z.enum(LOYALTY_TIER_BASES),
  window: z.object({ from: IsoInstant, to: IsoInstant }),
  /** the basis's value in the current window */
  value: z.number().int(),
  next: z.object({ tier: LoyaltyTierView, needed: z.number().int() }).nullable(),
  /** a downgrade waiting out its grace period */
  downgrade: z.object({ tier: LoyaltyTierView.nullable(), at: IsoInstant }).nullable(),
  changes: z.array(LoyaltyTierChangeView),
}).meta({ id: 'LoyaltyMemberTier' });
export type LoyaltyMemberTierView = z.infer<typeof LoyaltyMemberTierView>;
