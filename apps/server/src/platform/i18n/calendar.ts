import {
  CalendarDate, GregorianCalendar, IslamicUmalquraCalendar, PersianCalendar, toCalendar, type Calendar,
} from '@internationalized/date';

export const CALENDARS = ['persian', 'islamic-umalqura', 'gregory'] as const;
export type CalendarId = (typeof CALENDARS)[number];

export interface CalendarDay {
  calendar: CalendarId;
  year: number;
  month: number;
  day: number;
}

function calendarOf(id: CalendarId): Calendar {
  switch (id) {
    case 'persian':
      return new PersianCalendar();
    case 'islamic-umalqura':
      return new IslamicUmalquraCalendar();
    case 'gregory':
      return new GregorianCalendar();
  }
}

/**
 * A day given in any supported calendar → ISO YYYY-MM-DD (Gregorian), or null when that day
 * does not exist (31 Esfand, 30 in a 29-day Hijri month, out of range years).
 */
export function toIsoDate(day: CalendarDay): string | null {
  const calendar = calendarOf(day.calendar);
  const date = new CalendarDate(calendar, day.year, day.month, day.day);
  // CalendarDate constrains out-of-range fields instead of failing; a changed field means invalid.
  if (date.year !== day.year || date.month !== day.month || date.day !== day.day) return null;
  const g = toCalendar(date, new GregorianCalendar());
  if (g.year < 1850 || g.year > 2200) return null;
  return `${String(g.year).padStart(4, '0')}-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}`;
}

/** ISO YYYY-MM-DD → the same day in the given calendar. */
export function fromIsoDate(iso: string, calendar: CalendarId): CalendarDay {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const converted = toCalendar(new CalendarDate(y, m, d), calendarOf(calendar));
  return { calendar, year: converted.year, month: converted.month, day: converted.day };
}

/** How many days `month` of `year` has in `calendar` (Esfand 29 or 30, Hijri months 29 or 30). */
export function daysInMonth(calendar: CalendarId, year: number, month: number): number {
  const cal = calendarOf(calendar);
  return cal.getDaysInMonth(new CalendarDate(cal, year, month, 1));
}
