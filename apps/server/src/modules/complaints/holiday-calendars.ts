// Public holidays in the calendars people keep them in, turned into the Gregorian ISO dates that
// platform/time/business-hours.ts takes. Pure: no database, no clock.
import { CalendarDate, GregorianCalendar, IslamicUmalquraCalendar, PersianCalendar, toCalendar, type Calendar } from '@internationalized/date';

/**
 * - `persian`: Solar Hijri. @internationalized/date computes it with the 33-year arithmetic rule,
 *   which gives Iran's official (astronomical) Nowruz for current years (1403–1405 checked in the
 *   tests), so fixed Solar Hijri holidays are exact.
 * - `islamic-umalqura`: Hijri lunar months from Saudi Arabia's Umm al-Qura table. Religious holidays
 *   follow a moon sighting (Saudi Supreme Court, Iran's own authorities, the UAE's), which can move
 *   a month's start by a day or two, so every date from this calendar is an ESTIMATE until a
 *   workspace confirms it with an override.
 * - `gregory`: fixed civil dates, exact.
 */
export type HolidayCalendarId = 'persian' | 'islamic-umalqura' | 'gregory';

export interface HolidayRule {
  /** Stable key: overrides and translated names refer to it. */
  id: string;
  /** English name for logs and docs; screens translate by `id`. */
  name: string;
  calendar: HolidayCalendarId;
  month: number;
  /** 'last' for the month's last day, whose number differs year to year (end of Safar: 29 or 30). */
  day: number | 'last';
  /** Days after the anchor the holiday starts: Saudi Eid al-Fitr starts the day after 29 Ramadan. */
  startOffset?: number;
  /** Length in days (default 1). */
  days?: number;
  /** Or the last day in the same calendar year, when the length depends on a month's length. */
  through?: { month: number; day: number };
}

/** A moon sighting or an announcement replacing the estimate of one occurrence. */
export interface OccurrenceOverride {
  holiday: string;
  /** The occurrence's year in the holiday's own calendar (1447 AH): a Hijri holiday can fall twice in one Gregorian year. */
  year: number;
  /** First day, ISO YYYY-MM-DD. */
  from: string;
  /** Length in days; defaults to the rule's. 0 cancels the occurrence. */
  days?: number;
}

/** A workspace's corrections to the tables. Overrides naming a holiday not in the rules are ignored. */
export interface HolidayOverrides {
  occurrences?: readonly OccurrenceOverride[];
  /** Extra days off (a bridge day, a day in lieu, a government announcement). */
  added?: readonly string[];
  /** Days that are not off after all, whatever the tables say. */
  removed?: readonly string[];
}

export interface HolidayOccurrence {
  holiday: string;
  name: string;
  year: number;
  /** Gregorian ISO dates inside the requested years, in order. */
  dates: string[];
  /** True for an Umm al-Qura date nobody has confirmed: show it as "expected". */
  estimated: boolean;
}

/** Inclusive range of Gregorian years. */
export interface YearRange {
  from: number;
  to: number;
}

const lunar = (id: string, name: string, month: number, day: number | 'last', extra: Partial<HolidayRule> = {}): HolidayRule => ({ id, name, calendar: 'islamic-umalqura', month, day, ...extra });
const solar = (id: string, name: string, month: number, day: number, extra: Partial<HolidayRule> = {}): HolidayRule => ({ id, name, calendar: 'persian', month, day, ...extra });
const civil = (id: string, name: string, month: number, day: number, extra: Partial<HolidayRule> = {}): HolidayRule => ({ id, name, calendar: 'gregory', month, day, ...extra });

/**
 * Iran's official holidays. Solar Hijri dates are exact. Lunar dates are Umm al-Qura estimates:
 * Iran fixes its Hijri months by its own sighting, often a day after Saudi Arabia, so a workspace
 * in Iran should confirm each lunar occurrence with an override when it is announced.
 */
export const IRAN_HOLIDAYS: readonly HolidayRule[] = [
  solar('nowruz', 'Nowruz', 1, 1, { days: 4 }),
  solar('islamic-republic-day', 'Islamic Republic Day', 1, 12),
  solar('nature-day', 'Nature Day (Sizdah Bedar)', 1, 13),
  solar('khomeini-death', 'Death of Khomeini', 3, 14),
  solar('khordad-15-uprising', '15 Khordad uprising', 3, 15),
  solar('revolution-day', 'Islamic Revolution Day', 11, 22),
  solar('oil-nationalization-day', 'Oil Nationalization Day', 12, 29),
  lunar('tasua-ashura', 'Tasua and Ashura', 1, 9, { days: 2 }),
  lunar('arbaeen', 'Arbaeen', 2, 20),
  lunar('prophet-death', 'Death of the Prophet and martyrdom of Imam Hasan', 2, 28),
  lunar('imam-reza-martyrdom', 'Martyrdom of Imam Reza', 2, 'last'),
  lunar('imam-hasan-askari-martyrdom', 'Martyrdom of Imam Hasan al-Askari', 3, 8),
  lunar('prophet-birthday', 'Birth of the Prophet and Imam Sadiq', 3, 17),
  lunar('fatima-martyrdom', 'Martyrdom of Fatima', 6, 3),
  lunar('imam-ali-birthday', 'Birth of Imam Ali', 7, 13),
  lunar('mabath', "Mab'ath", 7, 27),
  lunar('mahdi-birthday', 'Birth of Imam Mahdi', 8, 15),
  lunar('imam-ali-martyrdom', 'Martyrdom of Imam Ali', 9, 21),
  lunar('eid-al-fitr', 'Eid al-Fitr', 10, 1, { days: 2 }),
  lunar('imam-sadiq-martyrdom', 'Martyrdom of Imam Sadiq', 10, 25),
  lunar('eid-al-adha', 'Eid al-Adha', 12, 10),
  lunar('eid-al-ghadir', 'Eid al-Ghadir', 12, 18),
];

/**
 * Saudi Arabia, private and non-profit sector (the public sector gets longer Eids: add the days).
 * Eid al-Fitr is announced as four days from the end of work on 29 Ramadan, Eid al-Adha as four
 * days from the Day of Arafah; both estimates until the Supreme Court's sighting. A day in lieu
 * when a holiday meets the weekend is announced case by case: add it as an extra day.
 */
export const SAUDI_HOLIDAYS: readonly HolidayRule[] = [
  civil('founding-day', 'Founding Day', 2, 22),
  civil('national-day', 'National Day', 9, 23),
  lunar('eid-al-fitr', 'Eid al-Fitr', 9, 29, { startOffset: 1, days: 4 }),
  lunar('eid-al-adha', 'Eid al-Adha', 12, 9, { days: 4 }),
];

/** United Arab Emirates (public and private sector). Lunar dates are estimates, as above. */
export const UAE_HOLIDAYS: readonly HolidayRule[] = [
  civil('new-year', "New Year's Day", 1, 1),
  lunar('eid-al-fitr', 'Eid al-Fitr', 9, 29, { through: { month: 10, day: 3 } }),
  lunar('arafat-day', 'Arafat Day', 12, 9),
  lunar('eid-al-adha', 'Eid al-Adha', 12, 10, { days: 3 }),
  lunar('hijri-new-year', 'Hijri New Year', 1, 1),
  lunar('prophet-birthday', "Prophet's Birthday", 3, 12),
  civil('commemoration-day', 'Commemoration Day', 12, 1),
  civil('national-day', 'National Day', 12, 2, { days: 2 }),
];

/** The built-in tables by ISO 3166 country code, for a workspace setting to name one. */
export const HOLIDAY_TABLES: Readonly<Record<'IR' | 'SA' | 'AE', readonly HolidayRule[]>> = { IR: IRAN_HOLIDAYS, SA: SAUDI_HOLIDAYS, AE: UAE_HOLIDAYS };

const CALENDARS: Record<HolidayCalendarId, Calendar> = {
  persian: new PersianCalendar(),
  'islamic-umalqura': new IslamicUmalquraCalendar(),
  gregory: new GregorianCalendar(),
};
const GREGORIAN = CALENDARS.gregory;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real day as YYYY-MM-DD, or a RangeError: a typo in a manual date must not silently drop a holiday. */
function parseIsoDate(iso: string): CalendarDate {
  const match = ISO_DATE.exec(iso);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const date = new CalendarDate(y, m, d);
  if (!match || date.month !== m || date.day !== d) throw new RangeError(`not a date: ${iso}`);
  return date;
}

const isoOf = (date: CalendarDate): string => toCalendar(date, GREGORIAN).toString();

/** The estimate of a rule in one of its own years; null when the anchor day does not exist that year (30 of a 29-day month). */
function estimatedDays(rule: HolidayRule, year: number): CalendarDate[] | null {
  const calendar = CALENDARS[rule.calendar];
  const first = new CalendarDate(calendar, year, rule.month, 1);
  const monthLength = calendar.getDaysInMonth(first);
  const day = rule.day === 'last' ? monthLength : rule.day;
  if (day > monthLength) return null;
  const start = first.add({ days: day - 1 + (rule.startOffset ?? 0) });
  const through = rule.through && new CalendarDate(calendar, year, rule.through.month, rule.through.day);
  const length = through ? calendar.toJulianDay(through) - calendar.toJulianDay(start) + 1 : (rule.days ?? 1);
  return Array.from({ length: Math.max(0, length) }, (_, i) => start.add({ days: i }));
}

function overriddenDays(override: OccurrenceOverride, defaultLength: number): CalendarDate[] {
  const start = parseIsoDate(override.from);
  const length = override.days ?? defaultLength;
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`not a number of days: ${length}`);
  return Array.from({ length }, (_, i) => start.add({ days: i }));
}

/** The rule's own years that can touch the Gregorian range (one more on each side for spans across New Year). */
function ownYears(rule: HolidayRule, years: YearRange): number[] {
  const calendar = CALENDARS[rule.calendar];
  const first = toCalendar(new CalendarDate(years.from, 1, 1), calendar).year - 1;
  const last = toCalendar(new CalendarDate(years.to, 12, 31), calendar).year + 1;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/**
 * Each holiday's occurrences whose days fall in the Gregorian `years`, with the workspace's
 * moved occurrences applied, ordered by first day. For settings screens ("expected" vs confirmed).
 */
export function holidayOccurrences(rules: readonly HolidayRule[], years: YearRange, overrides: HolidayOverrides = {}): HolidayOccurrence[] {
  const inRange = (iso: string) => {
    const year = Number(iso.slice(0, 4));
    return year >= years.from && year <= years.to;
  };
  const moved = new Map((overrides.occurrences ?? []).map((o) => [`${o.holiday}@${o.year}`, o]));
  const occurrences: HolidayOccurrence[] = [];
  for (const rule of rules) {
    for (const year of ownYears(rule, years)) {
      const estimate = estimatedDays(rule, year);
      const override = moved.get(`${rule.id}@${year}`);
      const days = override ? overriddenDays(override, estimate?.length ?? rule.days ?? 1) : estimate;
      const dates = (days ?? []).map(isoOf).filter(inRange);
      if (dates.length === 0) continue;
      occurrences.push({ holiday: rule.id, name: rule.name, year, dates, estimated: !override && rule.calendar === 'islamic-umalqura' });
    }
  }
  return occurrences.sort((a, b) => a.dates[0]!.localeCompare(b.dates[0]!));
}

/**
 * The days off in the Gregorian `years` as sorted, distinct ISO dates: the rules' occurrences
 * (overrides applied), plus `added`, minus `removed`. This is `BusinessCalendar.holidays`. Cover
 * every day a clock will measure: from the oldest open case's receipt to a few years ahead (a due
 * instant is searched up to three years out). Build the calendar once per workspace and reuse it.
 */
export function holidayDates(rules: readonly HolidayRule[], years: YearRange, overrides: HolidayOverrides = {}): string[] {
  const removed = new Set((overrides.removed ?? []).map((iso) => isoOf(parseIsoDate(iso))));
  const dates = new Set(holidayOccurrences(rules, years, overrides).flatMap((o) => o.dates));
  for (const iso of overrides.added ?? []) {
    const date = isoOf(parseIsoDate(iso));
    const year = Number(date.slice(0, 4));
    if (year >= years.from && year <= years.to) dates.add(date);
  }
  return [...dates].filter((iso) => !removed.has(iso)).sort();
}
