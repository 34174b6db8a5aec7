// The count line over the customer list: exact ("1,204 customers") or, when the server could
// only estimate it, rounded and said as such ("about 1.2 million customers"), in the reader's digits.
import { formatNumber, localeTag, type DisplayPrefs } from '../../lib/format.ts';

type NumberPrefs = Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>;

/** A large number as people say it: 1.2 million, ۱٫۲ میلیون, ١٫٢ مليون. */
export function roundedNumber(value: number, prefs: NumberPrefs): string {
  if (value < 10_000) return formatNumber(value, prefs);
  return new Intl.NumberFormat(localeTag(prefs), { notation: 'compact', compactDisplay: 'long', maximumSignificantDigits: 2 }).format(value);
}

/** The message and its argument for the count line. */
export function countLine(count: { count: number; estimated: boolean }, prefs: NumberPrefs): { id: 'customers.count' | 'customers.countEstimated'; values: { count: number | string } } {
  return count.estimated
    ? { id: 'customers.countEstimated', values: { count: roundedNumber(count.count, prefs) } }
    : { id: 'customers.count', values: { count: count.count } };
}
