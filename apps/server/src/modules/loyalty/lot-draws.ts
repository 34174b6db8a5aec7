/** An open lot as spending sees it. */
export interface SpendableLot {
  id: number;
  remaining: number;
  /** null: never expires */
  expiresAt: Date | null;
}

export interface LotDraw {
  lotId: number;
  amount: number;
}

/** Spending order: soonest expiry first, lots that never expire last, the older lot first on a tie. */
export function spendingOrder(a: SpendableLot, b: SpendableLot): number {
  if (a.expiresAt && b.expiresAt && a.expiresAt.getTime() !== b.expiresAt.getTime()) return a.expiresAt.getTime() - b.expiresAt.getTime();
  if (a.expiresAt && !b.expiresAt) return -1;
  if (!a.expiresAt && b.expiresAt) return 1;
  return a.id - b.id;
}

/**
 * Which lots a spend of `points` draws on, and how much of each: soonest-expiring first, so the
 * points a member would lose first are the ones they use first. Null when the lots do not cover it.
 */
export function drawSoonestExpiring(lots: readonly SpendableLot[], points: number): LotDraw[] | null {
  const draws: LotDraw[] = [];
  let left = points;
  for (const lot of [...lots].sort(spendingOrder)) {
    if (left === 0) break;
    if (lot.remaining <= 0) continue;
    const amount = Math.min(lot.remaining, left);
    draws.push({ lotId: lot.id, amount });
    left -= amount;
  }
  return left === 0 ? draws : null;
}
