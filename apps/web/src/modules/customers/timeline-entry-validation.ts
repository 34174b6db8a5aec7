// Notes and logged interactions are checked with the server's own schemas (packages/contracts)
// before they are sent, so every problem shows at once and in the same words. Pure; unit tested.
import { CalendarDateTime, GregorianCalendar, parseAbsolute, toCalendar, toCalendarDate, toZoned, type CalendarDate } from '@internationalized/date';
import { AddNote, EditLoggedTouchpoint, LogTouchpoint } from '@vafa/contracts';
import { fieldCodes, type FieldCodes } from '../../lib/field-codes.ts';
import { toLatinDigits } from '../../lib/format.ts';

export type { FieldCodes };

export function noteIssues(text: string): FieldCodes {
  return fieldCodes(AddNote, { text });
}

export function interactionIssues(body: unknown): FieldCodes {
  return fieldCodes(LogTouchpoint, body);
}

export function interactionPatchIssues(patch: unknown): FieldCodes {
  return fieldCodes(EditLoggedTouchpoint, patch);
}

const GREGORIAN = new GregorianCalendar();

/**
 * The instant a day (in any calendar) and a clock time ("14:05", in any digits) name in a time
 * zone, or null when the time is not a time of day.
 */
export function instantOf(day: CalendarDate, time: string, timeZone: string): string | null {
  const clock = /^(\d{1,2}):(\d{2})$/.exec(toLatinDigits(time.trim()));
  if (!clock || Number(clock[1]) > 23 || Number(clock[2]) > 59) return null;
  const g = toCalendar(day, GREGORIAN);
  return toZoned(new CalendarDateTime(g.year, g.month, g.day, Number(clock[1]), Number(clock[2])), timeZone).toDate().toISOString();
}

/** The day (Gregorian; the date field shows it in the user's calendar) and "HH:MM" of an instant in a time zone. */
export function dayAndTimeOf(iso: string, timeZone: string): { day: CalendarDate; time: string } {
  const zoned = parseAbsolute(iso, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { day: toCalendarDate(zoned), time: `${pad(zoned.hour)}:${pad(zoned.minute)}` };
}
