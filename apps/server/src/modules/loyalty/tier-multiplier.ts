import type { LoyaltySpendRule } from '@vafa/contracts';

// A tier's earn multiplier folded into the spend ratio: `points × percent` per `per × 100`, so an
// order's points stay one exact fraction rounded once by the program's mode (no second rounding).

export function withTierMultiplier<T extends { spend: LoyaltySpendRule | null }>(settings: T, percent: number): T {
  if (percent === 100 || !settings.spend) return settings;
  return { ...settings, spend: { ...settings.spend, points: settings.spend.points * percent, per: settings.spend.per * 100 } };
}

/** The tier multiplier an order earned under, as its stored lines keep it (100: none). */
export const tierPercentOf = (lines: { tierPercent?: number }[]): number => lines[0]?.tierPercent ?? 100;
