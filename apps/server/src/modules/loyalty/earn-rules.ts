import { CalendarDate, GregorianCalendar, toCalendar, toZoned } from '@internationalized/date';
import { LOYALTY_POINTS_MAX, type LoyaltyExpiryPolicy, type LoyaltyProgramSettings, type LoyaltyRounding, type LoyaltySpendRule } from '@vafa/contracts';
import { daysInMonth, fromIsoDate, toIsoDate } from '../../platform/i18n/calendar.ts';

// A program's earning rules as pure arithmetic, on integers only: money in minor units,
// multipliers in percent, the exact points of an order a fraction of big integers rounded once.
// No floating point, so nothing drifts and nothing is over-awarded by an accumulated error.

export interface OrderLineInput {
  id: string;
  sku?: string | null;
  category?: string | null;
  amount: number;
}

export interface PricedLine {
  id: string;
  sku: string | null;
  category: string | null;
  amount: number;
  multiplierPercent: number;
}

/** A line's multiplier: its SKU's, else its category's, else 100 % (the most specific wins). */
export function multiplierFor(settings: Pick<LoyaltyProgramSettings, 'skuMultipliers' | 'categoryMultipliers'>, line: OrderLineInput): number {
  if (line.sku != null && Object.hasOwn(settings.skuMultipliers, line.sku)) return settings.skuMultipliers[line.sku]!;
  if (line.category != null && Object.hasOwn(settings.categoryMultipliers, line.category)) return settings.categoryMultipliers[line.category]!;
  return 100;
}

export function priceLines(settings: LoyaltyProgramSettings, lines: OrderLineInput[]): PricedLine[] {
  return lines.map((l) => ({ id: l.id, sku: l.sku ?? null, category: l.category ?? null, amount: l.amount, multiplierPercent: multiplierFor(settings, l) }));
}

/** The order's exact points, numerator over denominator: Σ amount × multiplier% × points / (per × 100). */
export function exactSpendPoints(spend: Pick<LoyaltySpendRule, 'points' | 'per'>, lines: Pick<PricedLine, 'amount' | 'multiplierPercent'>[]): { num: bigint; den: bigint } {
  let num = 0n;
  for (const line of lines) num += BigInt(line.amount) * BigInt(line.multiplierPercent);
  return { num: num * BigInt(spend.points), den: BigInt(spend.per) * 100n };
}

/** A non-negative fraction rounded by the program's mode; `round` takes halves up. */
export function roundFraction(num: bigint, den: bigint, mode: LoyaltyRounding): bigint {
  switch (mode) {
    case 'floor':
      return num / den;
    case 'ceil':
      return (num + den - 1n) / den;
    case 'round':
      return (2n * num + den) / (2n * den);
  }
}

/** The order's spend points before caps, rounded once (never per line) and at most a billion. */
export function spendPoints(spend: LoyaltySpendRule | null, lines: Pick<PricedLine, 'amount' | 'multiplierPercent'>[]): number {
  if (!spend) return 0;
  const { num, den } = exactSpendPoints(spend, lines);
  const rounded = roundFraction(num, den, spend.rounding);
  return rounded > BigInt(LOYALTY_POINTS_MAX) ? LOYALTY_POINTS_MAX : Number(rounded);
}

export interface Capped {
  points: number;
  capped: 'order' | 'day' | null;
}

/** The per-order cap, then what is left of the member's daily cap after what they earned today. */
export function applyCaps(points: number, caps: LoyaltyProgramSettings['caps'], earnedToday: number): Capped {
  let result: Capped = { points, capped: null };
  if (caps.perOrder !== null && result.points > caps.perOrder) result = { points: caps.perOrder, capped: 'order' };
  if (caps.perDay !== null) {
    const left = Math.max(0, caps.perDay - earnedToday);
    if (result.points > left) result = { points: left, capped: 'day' };
  }
  return result;
}

/** The local calendar day (ISO, Gregorian) of an instant in a time zone. */
export function localIsoDay(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The instant a local day (ISO, Gregorian) begins in a time zone. */
export function startOfLocalDay(isoDay: string, timeZone: string): Date {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  return toZoned(new CalendarDate(y, m, d), timeZone).toDate();
}

const DAY_MS = 86_400_000;

/**
 * When points earned at `earnedAt` expire under the policy: null for never and for inactivity
 * (that expiry is decided by the member's activity, not per lot). A fixed date is the end of that
 * day of the year in the policy's calendar and the workspace's time zone (the first such end
 * after the points become spendable); a day past the month's end is its last day (30 Esfand in a
 * common year is 29 Esfand).
 */
export function expiryFor(policy: LoyaltyExpiryPolicy, earnedAt: Date, spendableFrom: Date, timeZone: string): Date | null {
  switch (policy.kind) {
    case 'never':
    case 'inactivity':
      return null;
    case 'rolling':
      return new Date(earnedAt.getTime() + policy.days * DAY_MS);
    case 'fixed': {
      const today = fromIsoDate(localIsoDay(spendableFrom, timeZone), policy.calendar);
      for (let year = today.year; year <= today.year + 2; year++) {
        const day = Math.min(policy.day ?? 31, daysInMonth(policy.calendar, year, policy.month));
        const iso = toIsoDate({ calendar: policy.calendar, year, month: policy.month, day });
        if (!iso) continue;
        const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
        const next = toCalendar(new CalendarDate(y, m, d), new GregorianCalendar()).add({ days: 1 });
        const end = toZoned(next, timeZone).toDate();
        if (end > spendableFrom) return end;
      }
      throw new Error(`no fixed expiry found for ${JSON.stringify(policy)}`);
    }
  }
}
