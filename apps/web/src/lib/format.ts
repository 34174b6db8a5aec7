// Display-only conversions: calendars, digits and money (DESIGN.md rule 4). Pure functions,
// unit tested in format.test.ts.
export type Language = 'fa' | 'ar' | 'en';
export type CalendarId = 'persian' | 'islamic-umalqura' | 'gregory';
export type Digits = 'arabext' | 'arab' | 'latn';

export interface DisplayPrefs {
  language: Language;
  calendar: CalendarId;
  digits: Digits;
  timeZone: string;
}

export const LANGUAGES: Language[] = ['fa', 'ar', 'en'];
export const CALENDARS: CalendarId[] = ['persian', 'islamic-umalqura', 'gregory'];
export const DIGITS: Digits[] = ['arabext', 'arab', 'latn'];

export const DEFAULT_CALENDAR: Record<Language, CalendarId> = { fa: 'persian', ar: 'islamic-umalqura', en: 'gregory' };
export const DEFAULT_DIGITS: Record<Language, Digits> = { fa: 'arabext', ar: 'arab', en: 'latn' };

export const isRtl = (language: Language) => language !== 'en';

/** A BCP 47 tag carrying the calendar and numbering system, e.g. `fa-IR-u-ca-persian-nu-arabext`. */
export function localeTag(prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>): string {
  const base = prefs.language === 'fa' ? 'fa-IR' : prefs.language === 'ar' ? 'ar-SA' : 'en-GB';
  return `${base}-u-ca-${prefs.calendar}-nu-${prefs.digits}`;
}

const PERSIAN_ZERO = 0x06f0;
const ARABIC_ZERO = 0x0660;

/** Persian and Arabic-Indic digits to ASCII (for parsing what people type). */
export function toLatinDigits(text: string): string {
  return text.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => {
    const code = d.charCodeAt(0);
    return String(code >= PERSIAN_ZERO ? code - PERSIAN_ZERO : code - ARABIC_ZERO);
  });
}

/** ASCII digits in a string (a phone number, an id) shown in the chosen digits. */
export function localiseDigits(text: string, digits: Digits): string {
  if (digits === 'latn') return toLatinDigits(text);
  const zero = digits === 'arabext' ? PERSIAN_ZERO : ARABIC_ZERO;
  return toLatinDigits(text).replace(/[0-9]/g, (d) => String.fromCharCode(zero + Number(d)));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormatter(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(tag, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

/** A calendar day (stored as its Gregorian ISO date) in the chosen calendar, e.g. ۲۹ اسفند ۱۳۶۹. */
export function formatDay(isoDate: string, prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>, style: 'long' | 'medium' | 'short' = 'long'): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  return dateFormatter(localeTag(prefs), { dateStyle: style, timeZone: 'UTC' }).format(date);
}

/** An instant in the workspace's time zone and the user's calendar (`short`: numeric date, for dense lists). */
export function formatInstant(iso: string, prefs: DisplayPrefs, withTime: boolean | 'short' = true): string {
  const options: Intl.DateTimeFormatOptions = withTime === 'short'
    ? { dateStyle: 'short', timeZone: prefs.timeZone }
    : withTime
      ? { dateStyle: 'medium', timeStyle: 'short', timeZone: prefs.timeZone }
      : { dateStyle: 'medium', timeZone: prefs.timeZone };
  return dateFormatter(localeTag(prefs), options).format(new Date(iso));
}

export function formatNumber(value: number, prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>): string {
  return new Intl.NumberFormat(localeTag(prefs)).format(value);
}

/** How IRR amounts are named in each language, by the workspace's rial/toman setting. */
export const IRR_UNITS: Record<Language, { rial: string; toman: string }> = {
  fa: { rial: 'ریال', toman: 'تومان' },
  ar: { rial: 'ريال', toman: 'تومان' },
  en: { rial: 'rials', toman: 'tomans' },
};

/**
 * Money stored as integer minor units. IRR has no minor unit; it is shown in rials or, by the
 * workspace setting, in tomans (1 toman = 10 rials), always with the unit named.
 */
export function formatMoney(
  amountMinor: number,
  currency: string,
  prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>,
  irrDisplay: 'rial' | 'toman' = 'rial',
): string {
  const tag = localeTag(prefs);
  if (currency === 'IRR') {
    const amount = irrDisplay === 'toman' ? amountMinor / 10 : amountMinor;
    const number = new Intl.NumberFormat(tag, { maximumFractionDigits: irrDisplay === 'toman' ? 1 : 0 }).format(amount);
    return `${number} ${IRR_UNITS[prefs.language][irrDisplay]}`;
  }
  const formatter = new Intl.NumberFormat(tag, { style: 'currency', currency });
  const fraction = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountMinor / 10 ** fraction);
}

/** Calendar ids as React Aria's @internationalized/date names them. */
export function calendarFromIdentifier(identifier: string): CalendarId | undefined {
  if (identifier === 'persian') return 'persian';
  if (identifier === 'islamic-umalqura') return 'islamic-umalqura';
  if (identifier === 'gregory') return 'gregory';
  return undefined;
}
