// How results figures are written: NPS as a whole signed number, shares as percents, means with
// one decimal, intervals as "± margin", all in the reader's digits.
import type { LocalText } from '@vafa/contracts';
import { localeTag, type DisplayPrefs } from '../../lib/format.ts';

type Prefs = Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>;
export type Metric = 'nps' | 'csat' | 'ces' | 'mean';

const number = (prefs: Prefs, options: Intl.NumberFormatOptions) => new Intl.NumberFormat(localeTag(prefs), options);

/**
 * A signed number kept left to right inside Persian or Arabic text (LRI … PDI): without it the
 * bidi algorithm shows "+4.3" as "4.3+" in a right-to-left sentence.
 */
const signed = (text: string) => `\u2066${text}\u2069`;

/** The figure as reported: NPS a whole number with its sign, CSAT a whole percent, means one decimal. */
export function formatMetric(value: number, metric: Metric, prefs: Prefs): string {
  if (metric === 'nps') return signed(number(prefs, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(Math.round(value)));
  if (metric === 'csat') return number(prefs, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
  return number(prefs, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

/** The margin of a 95 % interval: one decimal (NPS points, percent points or scale points). */
export function formatMargin(margin: number, prefs: Prefs): string {
  return number(prefs, { maximumFractionDigits: 1 }).format(margin);
}

export const formatPercent = (value: number, prefs: Prefs) => number(prefs, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
export const formatSigned = (value: number, prefs: Prefs, digits = 1) => signed(number(prefs, { maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(value));

/** A question's text in the reader's language, else the first the survey has. */
export function localText(text: LocalText, language: DisplayPrefs['language']): string {
  return text[language]?.trim() || text.fa?.trim() || text.ar?.trim() || text.en?.trim() || '';
}

/** The label of a trend bucket: a month of the workspace calendar, or the first day of a week or the day. */
export function bucketLabel(start: string, interval: 'day' | 'week' | 'month', calendar: DisplayPrefs['calendar'], prefs: Prefs, long = false): string {
  const date = new Date(`${start}T12:00:00Z`);
  // A month is the workspace calendar's month, named in it even when the reader uses another.
  const tag = localeTag({ ...prefs, calendar: interval === 'month' ? calendar : prefs.calendar });
  const options: Intl.DateTimeFormatOptions = interval === 'month'
    ? { month: long ? 'long' : 'short', year: 'numeric', timeZone: 'UTC' }
    : { day: 'numeric', month: long ? 'long' : 'short', ...(long ? { year: 'numeric' } : {}), timeZone: 'UTC' };
  return new Intl.DateTimeFormat(tag, options).format(date);
}
