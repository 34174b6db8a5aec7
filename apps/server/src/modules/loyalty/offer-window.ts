// The days a reward or a partner offer is on offer: `valid_from` (inclusive) and `valid_until`
// (exclusive), either open. One definition for the catalogue, holds, coupons and partner offers.
import { invalidField } from '../../platform/http/problem.ts';

export interface OfferWindow {
  validFrom: Date | null;
  validUntil: Date | null;
}

/** `now` inside the window; an open end is no bound. */
export const insideWindow = (window: OfferWindow, now: Date): boolean =>
  (!window.validFrom || window.validFrom <= now) && (!window.validUntil || window.validUntil > now);

/** An instant of a request: absent stays absent (no change), null clears. */
export const windowInstant = (iso: string | null | undefined): Date | null | undefined =>
  iso === undefined ? undefined : iso === null ? null : new Date(iso);

/**
 * The window a change leaves, each end changed or kept, must end after it starts: one end changed
 * alone is checked against the stored other (422 `reward_window_invalid` on `validUntil`).
 */
export function checkChangedWindow(stored: OfferWindow, change: Partial<OfferWindow>): void {
  const from = change.validFrom === undefined ? stored.validFrom : change.validFrom;
  const until = change.validUntil === undefined ? stored.validUntil : change.validUntil;
  if (from && until && until <= from) throw invalidField('validUntil', 'reward_window_invalid');
}
