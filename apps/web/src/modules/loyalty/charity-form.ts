// The charity form's arithmetic, kept apart from React so it is unit tested (charity-form.test.ts):
// a conversion rate as a manager types it (so many points are worth so much money, in the
// workspace's unit and any digits) to the API's `ratePoints` and `rateMinor`, what a number of
// points gives at a rate (rounded down, as the server's pointsToMinor), and a charity's state.
import { toLatinDigits } from '../../lib/format.ts';
import { parseMoney, type IrrDisplay } from '../../lib/money.ts';

/** A whole number typed in any digits, with or without group separators; empty → null; anything else → NaN (as the reward form's, without loading that form). */
export function parseWhole(text: string): number | null {
  const plain = toLatinDigits(text).replace(/[\s,٬،]/g, '');
  if (plain === '') return null;
  return /^[0-9]{1,12}$/.test(plain) ? Number(plain) : Number.NaN;
}

export type RateError = 'required' | 'not_whole' | 'not_an_amount' | 'not_positive' | 'too_many_decimals';

export interface RateParse {
  ratePoints: number | null;
  rateMinor: number | null;
  /** what the form itself says on each field before anything is sent; the server's rules (at least one point) come back as problems */
  errors: { ratePoints?: RateError; rateMinor?: RateError };
}

/** "100" points worth "1,000" (tomans, riyals…) to the API's whole numbers, or why not. */
export function parseRate(pointsText: string, moneyText: string, currency: string, irrDisplay: IrrDisplay): RateParse {
  const errors: RateParse['errors'] = {};
  const points = parseWhole(pointsText);
  if (points === null) errors.ratePoints = 'required';
  else if (Number.isNaN(points)) errors.ratePoints = 'not_whole';
  let rateMinor: number | null = null;
  if (moneyText.trim() === '') errors.rateMinor = 'required';
  else {
    const money = parseMoney(moneyText, currency, irrDisplay);
    if ('error' in money) errors.rateMinor = money.error === 'too_many_decimals' ? 'too_many_decimals' : money.error === 'negative' ? 'not_positive' : 'not_an_amount';
    else if (money.minor < 1) errors.rateMinor = 'not_positive';
    else rateMinor = money.minor;
  }
  return { ratePoints: points === null || Number.isNaN(points) ? null : points, rateMinor, errors };
}

/** Minor units `points` are worth at a rate, rounded down (the member never gives more than the points are worth); null without a usable rate. */
export function donationWorth(points: number, ratePoints: number | null, rateMinor: number | null): number | null {
  if (!ratePoints || ratePoints < 1 || rateMinor === null || rateMinor < 0) return null;
  const minor = (BigInt(points) * BigInt(rateMinor)) / BigInt(ratePoints);
  return minor > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(minor);
}

export type CharityState = 'archived' | 'paused' | 'active';

/** Archived first (it takes nothing and cannot change), then paused (not taking donations now). */
export function charityState(charity: { archived: boolean; active: boolean }): CharityState {
  if (charity.archived) return 'archived';
  return charity.active ? 'active' : 'paused';
}

/** The charities a member's share may go to: those taking donations now, and the one already chosen (shown, even if closed since). */
export function shareChoices<C extends { id: string; archived: boolean; active: boolean }>(charities: C[], chosenId: string | null): C[] {
  return charities.filter((c) => charityState(c) === 'active' || c.id === chosenId);
}
