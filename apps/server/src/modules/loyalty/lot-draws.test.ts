import { describe, expect, it } from 'vitest';
import { drawSoonestExpiring } from './lot-draws.ts';

const day = (n: number) => new Date(Date.UTC(2026, 2, 20 + n));

describe('drawing a spend from lots', () => {
  const lots = [
    { id: 1, remaining: 50, expiresAt: null },
    { id: 2, remaining: 30, expiresAt: day(40) },
    { id: 3, remaining: 20, expiresAt: day(5) },
    { id: 4, remaining: 10, expiresAt: day(5) },
  ];

  it('takes the soonest expiry first (the older lot first on a tie), never-expiring lots last', () => {
    expect(drawSoonestExpiring(lots, 25)).toEqual([{ lotId: 3, amount: 20 }, { lotId: 4, amount: 5 }]);
    expect(drawSoonestExpiring(lots, 70)).toEqual([{ lotId: 3, amount: 20 }, { lotId: 4, amount: 10 }, { lotId: 2, amount: 30 }, { lotId: 1, amount: 10 }]);
  });

  it('draws exactly the points asked, across every lot if it must', () => {
    const draws = drawSoonestExpiring(lots, 110)!;
    expect(draws.reduce((n, d) => n + d.amount, 0)).toBe(110);
    expect(draws.map((d) => d.lotId)).toEqual([3, 4, 2, 1]);
  });

  it('answers null when the lots do not cover the spend, and skips empty lots', () => {
    expect(drawSoonestExpiring(lots, 111)).toBeNull();
    expect(drawSoonestExpiring([{ id: 9, remaining: 0, expiresAt: day(1) }, { id: 8, remaining: 5, expiresAt: day(2) }], 5)).toEqual([{ lotId: 8, amount: 5 }]);
    expect(drawSoonestExpiring([], 1)).toBeNull();
  });
});
