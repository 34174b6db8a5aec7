import fc from 'fast-check';
import { LoyaltyProgramSettings } from '@vafa/contracts';
import { describe, expect, it } from 'vitest';
import { applyCaps, expiryFor, exactSpendPoints, localIsoDay, priceLines, roundFraction, spendPoints } from './earn-rules.ts';

const settings = (over: Record<string, unknown> = {}) => LoyaltyProgramSettings.parse({ spend: { points: 1, per: 10_000, rounding: 'floor' }, ...over });

describe('spend points', () => {
  it('turns an order into points by hand-computed examples', () => {
    // 1 point per 10,000 rial: 125,000 + 37,500 = 162,500 → 16.25 points
    const lines = priceLines(settings(), [{ id: 'a', amount: 125_000 }, { id: 'b', amount: 37_500 }]);
    expect(spendPoints({ points: 1, per: 10_000, rounding: 'floor' }, lines)).toBe(16);
    expect(spendPoints({ points: 1, per: 10_000, rounding: 'round' }, lines)).toBe(16);
    expect(spendPoints({ points: 1, per: 10_000, rounding: 'ceil' }, lines)).toBe(17);
    // halves go up when rounding: 165,000 → 16.5 → 17
    expect(spendPoints({ points: 1, per: 10_000, rounding: 'round' }, [{ amount: 165_000, multiplierPercent: 100 }])).toBe(17);
  });

  it('rounds once per order, not per line', () => {
    // three lines of 0.5 points each: 1.5 points, floor 1 (per line would give 0)
    const lines = [1, 2, 3].map(() => ({ amount: 5_000, multiplierPercent: 100 }));
    expect(spendPoints({ points: 1, per: 10_000, rounding: 'floor' }, lines)).toBe(1);
  });

  it('takes a SKU multiplier over its category\'s, and a category\'s over none', () => {
    const s = settings({ categoryMultipliers: { dairy: 200, bakery: 0 }, skuMultipliers: { 'milk-1l': 150 } });
    const lines = priceLines(s, [
      { id: '1', sku: 'milk-1l', category: 'dairy', amount: 100_000 },
      { id: '2', sku: 'cheese', category: 'dairy', amount: 100_000 },
      { id: '3', category: 'bakery', amount: 100_000 },
      { id: '4', amount: 100_000 },
    ]);
    expect(lines.map((l) => l.multiplierPercent)).toEqual([150, 200, 0, 100]);
    // 15 + 20 + 0 + 10
    expect(spendPoints(s.spend, lines)).toBe(45);
  });

  it('never over-awards against the exact rational: floor ≤ exact, round within a half, ceil under one more', () => {
    const line = fc.record({ amount: fc.integer({ min: 0, max: 1_000_000_000_000 }), multiplierPercent: fc.integer({ min: 0, max: 10_000 }) });
    fc.assert(fc.property(
      fc.array(line, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000_000_000 }),
      (lines, points, per) => {
        const { num, den } = exactSpendPoints({ points, per }, lines);
        const floor = roundFraction(num, den, 'floor');
        const round = roundFraction(num, den, 'round');
        const ceil = roundFraction(num, den, 'ceil');
        // compare as fractions: k ≤ num/den ⇔ k·den ≤ num
        expect(floor * den <= num && num < (floor + 1n) * den).toBe(true);
        expect(2n * round * den <= 2n * num + den && 2n * num < (2n * round + 1n) * den).toBe(true);
        expect(ceil * den >= num && (ceil - 1n) * den < num).toBe(true);
        expect(floor <= round && round <= ceil && ceil - floor <= 1n).toBe(true);
      },
    ), { numRuns: 2_000 });
  });

  it('is monotone: fewer money never earns more (what returns rely on)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ amount: fc.integer({ min: 0, max: 10_000_000 }), multiplierPercent: fc.integer({ min: 0, max: 1_000 }) }), { minLength: 1, maxLength: 10 }),
      fc.nat(), fc.constantFrom('floor' as const, 'round' as const, 'ceil' as const),
      (lines, cut, rounding) => {
        const i = cut % lines.length;
        const less = lines.map((l, j) => (j === i ? { ...l, amount: Math.floor(l.amount / 2) } : l));
        const spend = { points: 3, per: 7_000, rounding };
        expect(spendPoints(spend, less)).toBeLessThanOrEqual(spendPoints(spend, lines));
      },
    ));
  });
});

describe('caps', () => {
  it('hold: per order, then what is left of the day', () => {
    expect(applyCaps(500, { perOrder: 200, perDay: null }, 0)).toEqual({ points: 200, capped: 'order' });
    expect(applyCaps(150, { perOrder: 200, perDay: 300 }, 250)).toEqual({ points: 50, capped: 'day' });
    expect(applyCaps(150, { perOrder: 200, perDay: 300 }, 400)).toEqual({ points: 0, capped: 'day' });
    expect(applyCaps(150, { perOrder: null, perDay: null }, 1e6)).toEqual({ points: 150, capped: null });
  });

  it('never let a day\'s orders together pass the daily cap nor an order its own', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }), fc.option(fc.integer({ min: 1, max: 5_000 })), fc.option(fc.integer({ min: 1, max: 20_000 })),
      (orders, perOrder, perDay) => {
        let today = 0;
        for (const raw of orders) {
          const { points } = applyCaps(raw, { perOrder, perDay }, today);
          expect(points).toBeGreaterThanOrEqual(0);
          expect(points).toBeLessThanOrEqual(raw);
          if (perOrder !== null) expect(points).toBeLessThanOrEqual(perOrder);
          today += points;
          if (perDay !== null) expect(today).toBeLessThanOrEqual(perDay);
        }
      },
    ));
  });
});

describe('expiry', () => {
  const tehran = 'Asia/Tehran';

  it('rolls N days from the earn', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    expect(expiryFor({ kind: 'rolling', days: 30 }, at, at, tehran)?.toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(expiryFor({ kind: 'never' }, at, at, tehran)).toBeNull();
    expect(expiryFor({ kind: 'inactivity', days: 10 }, at, at, tehran)).toBeNull();
  });

  it('ends at the end of Esfand in Tehran: 29 Esfand 1404 is 2026-03-20, so 1 Farvardin 1405 begins 2026-03-21 00:00 +03:30', () => {
    const policy = { kind: 'fixed' as const, calendar: 'persian' as const, month: 12 };
    const earned = new Date('2025-06-01T08:00:00Z');
    expect(expiryFor(policy, earned, earned, tehran)?.toISOString()).toBe('2026-03-20T20:30:00.000Z');
    // the last minute of Esfand 1404 (local): still this year's end
    const lastMinute = new Date('2026-03-20T20:29:00Z');
    expect(expiryFor(policy, lastMinute, lastMinute, tehran)?.toISOString()).toBe('2026-03-20T20:30:00.000Z');
    // on 1 Farvardin 1405: the end of Esfand 1405 (29 Esfand 1405 is 2027-03-20)
    const nowruz = new Date('2026-03-20T20:30:00Z');
    expect(localIsoDay(nowruz, tehran)).toBe('2026-03-21');
    expect(expiryFor(policy, nowruz, nowruz, tehran)?.toISOString()).toBe('2027-03-20T20:30:00.000Z');
  });

  it('counts from when pending points become spendable, and takes the month\'s last day for a day past it', () => {
    const policy = { kind: 'fixed' as const, calendar: 'persian' as const, month: 12, day: 30 };
    // earned mid-Esfand 1404 with 14 days pending: spendable after the year's end, so the next year's
    const earned = new Date('2026-03-10T08:00:00Z');
    const spendable = new Date('2026-03-24T08:00:00Z');
    expect(expiryFor(policy, earned, spendable, tehran)?.toISOString()).toBe('2027-03-20T20:30:00.000Z');
    // 1404 has no 30 Esfand: its 29th; 1403 had one (2025-03-20)
    expect(expiryFor(policy, earned, earned, tehran)?.toISOString()).toBe('2026-03-20T20:30:00.000Z');
    const in1403 = new Date('2024-06-01T08:00:00Z');
    expect(expiryFor(policy, in1403, in1403, tehran)?.toISOString()).toBe('2025-03-20T20:30:00.000Z');
  });
});
