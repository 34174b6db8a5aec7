// The words and numbers a chart shows: axis labels, tooltip titles, the spoken summary. Pure
// (no echarts, no React) so the chart's first paint and its tests need none of the library.
import { formatDay, formatInstant, localeTag, type DisplayPrefs } from '../lib/format.ts';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const dayMonthFormats = new Map<string, Intl.DateTimeFormat>();

/** A compact axis label for a day: day and month in the user's calendar and digits (e.g. ۲۴ آبان). */
export function dayAxisLabel(day: string, prefs: DisplayPrefs): string {
  // A Gregorian YYYY-MM-DD is a calendar day (read at noon UTC); an instant is read in the workspace zone.
  const isDay = ISO_DAY.test(day);
  const timeZone = isDay ? 'UTC' : prefs.timeZone;
  const key = `${localeTag(prefs)}|${timeZone}`;
  let format = dayMonthFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(localeTag(prefs), { day: 'numeric', month: 'short', timeZone });
    dayMonthFormats.set(key, format);
  }
  return format.format(new Date(isDay ? `${day}T12:00:00Z` : day));
}

/** The full date of a day, for tooltips, the data table and the summary. */
export function dayTitle(day: string, prefs: DisplayPrefs): string {
  return ISO_DAY.test(day) ? formatDay(day, prefs, 'medium') : formatInstant(day, prefs, false);
}

/**
 * Right-to-left text inside the chart's SVG: the drawing itself is laid out left to right (so
 * SVG's text-anchor keeps its meaning) and each Persian or Arabic label is isolated as
 * right-to-left, so "۲۴ آبان" keeps its word order.
 */
export function isolate(text: string, rtl: boolean): string {
  return rtl ? `\u2067${text}\u2069` : text;
}

export interface SeriesFigures {
  total: number;
  max: number;
  /** index of the first point holding the maximum, or -1 when there are no numbers */
  maxAt: number;
}

/** Total and highest point of a series (nulls are gaps, not zeros). */
export function seriesFigures(values: readonly (number | null)[]): SeriesFigures {
  let total = 0;
  let max = Number.NEGATIVE_INFINITY;
  let maxAt = -1;
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) return;
    total += value;
    if (value > max) [max, maxAt] = [value, i];
  });
  return { total, max: maxAt === -1 ? 0 : max, maxAt };
}

/** Nothing worth drawing: no points, or every value missing or zero. */
export function isEmptyChart(points: number, series: readonly { values: readonly (number | null)[] }[]): boolean {
  return points === 0 || series.every((s) => s.values.every((v) => v === null || v === 0));
}
