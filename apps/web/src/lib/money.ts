// Money as people type and read it: major units (tomans, rials, riyals) in their own digits and
// separators, converted to the integer minor units the API stores (DESIGN.md rule 4) only when
// sent. Pure functions, unit tested in money.test.ts.
import { IRR_UNITS, localeTag, toLatinDigits, type DisplayPrefs } from './format.ts';

export type IrrDisplay = 'rial' | 'toman';

/** Separators, spaces and direction marks people paste or type between digit groups. */
const GROUPING = /[\s,\u060C\u066C'\u2019\u00A0\u202F\u2009\u200C\u200E\u200F\u061C\u2066-\u2069]/g;
/** Decimal separators: Latin point, Arabic decimal separator, and the slash Persian writers use. */
const DECIMAL = /[.\u066B/]/;

/**
 * A number typed in Persian, Arabic-Indic or Latin digits, with any thousands separators
 * (`۲۵۰٬۰۰۰`, `250,000`, `٢٥٠ ٠٠٠`) and `.`, `٫` or `/` as the decimal point; null when it is
 * not one number.
 */
export function parseLocalisedNumber(text: string): number | null {
  let latin = toLatinDigits(text).replace(GROUPING, '').replace(/^[\u2212\u2013]/, '-');
  const parts = latin.split(DECIMAL);
  if (parts.length > 2) return null;
  latin = parts.join('.');
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(latin)) return null;
  const value = Number(latin);
  return Number.isFinite(value) ? value : null;
}

/** Digits after the decimal point a currency's major unit has (IRR 0, SAR 2, KWD 3). */
export function currencyFractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Minor units in one major unit as the workspace shows it. IRR is stored in rials; a workspace
 * that shows tomans types tomans, 10 rials each.
 */
export function minorPerMajor(currency: string, irrDisplay: IrrDisplay = 'rial'): number {
  if (currency === 'IRR') return irrDisplay === 'toman' ? 10 : 1;
  return 10 ** currencyFractionDigits(currency);
}

/** Decimals a typed amount may have: none for rials, one for tomans (5 rials), the currency's for others. */
export function majorFractionDigits(currency: string, irrDisplay: IrrDisplay = 'rial'): number {
  return Math.round(Math.log10(minorPerMajor(currency, irrDisplay)));
}

export const toMajorUnits = (minor: number, currency: string, irrDisplay: IrrDisplay = 'rial') => minor / minorPerMajor(currency, irrDisplay);

/** Whole minor units of a major amount; rounding only removes floating-point noise (0.1 + 0.2). */
export const toMinorUnits = (major: number, currency: string, irrDisplay: IrrDisplay = 'rial') =>
  Math.round(major * minorPerMajor(currency, irrDisplay));

export type MoneyParse = { minor: number } | { error: 'not_a_number' | 'negative' | 'too_many_decimals' };

/** An amount as typed (major units, any digits) to minor units, or why it is not one. */
export function parseMoney(text: string, currency: string, irrDisplay: IrrDisplay = 'rial'): MoneyParse {
  const value = parseLocalisedNumber(text);
  if (value === null) return { error: 'not_a_number' };
  if (value < 0) return { error: 'negative' };
  const decimals = toLatinDigits(text).replace(GROUPING, '').split(DECIMAL)[1]?.replace(/0+$/, '').length ?? 0;
  if (decimals > majorFractionDigits(currency, irrDisplay)) return { error: 'too_many_decimals' };
  return { minor: toMinorUnits(value, currency, irrDisplay) };
}

/** Minor units as the major amount to put in a text box: grouped, in the user's digits, no unit. */
export function formatMajorForInput(minor: number, currency: string, irrDisplay: IrrDisplay, prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>): string {
  return new Intl.NumberFormat(localeTag(prefs), { maximumFractionDigits: majorFractionDigits(currency, irrDisplay), useGrouping: true })
    .format(toMajorUnits(minor, currency, irrDisplay));
}

/** A typed number regrouped in the user's digits (`250000` → `۲۵۰٬۰۰۰`), or the text as typed when it is not one. */
export function regroupNumber(text: string, prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>, maximumFractionDigits = 20): string {
  const value = parseLocalisedNumber(text);
  if (value === null) return text;
  return new Intl.NumberFormat(localeTag(prefs), { maximumFractionDigits, useGrouping: true }).format(value);
}

/** The unit typed amounts are in, named in the reader's language: تومان, ريال سعودي, US dollars. */
export function moneyUnitName(currency: string, irrDisplay: IrrDisplay, language: DisplayPrefs['language']): string {
  if (currency === 'IRR') return IRR_UNITS[language][irrDisplay];
  try {
    return new Intl.DisplayNames(language, { type: 'currency' }).of(currency) ?? currency;
  } catch {
    return currency;
  }
}
