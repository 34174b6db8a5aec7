// A condition or sample value as the editor holds it (text as typed, a code, a day) and as the
// API takes it (minor units, numbers, codes, ISO instants). Pure: unit tested in
// automation-values.test.ts.
import { parseAbsolute, parseDate, Time, toCalendarDate, toCalendarDateTime, toZoned } from '@internationalized/date';
import type { DisplayPrefs } from '../../lib/format.ts';
import { formatMajorForInput, parseLocalisedNumber, parseMoney, type IrrDisplay } from '../../lib/money.ts';
import type { FieldSpec } from './automation-fields.ts';
import type { ConditionOp } from './automation-model.ts';

export interface MoneyContext {
  currency: string;
  irrDisplay: IrrDisplay;
}

/** What the editor needs besides the draft to turn it into API values and back. */
export interface ValueContext {
  money: MoneyContext;
  /** the workspace's time zone: a day picked for an event time starts and ends there */
  timeZone: string;
  prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>;
}

export type ApiValue = string | number | boolean | (string | number)[];

/** Why a value cannot be sent; each has a message `automations.valueError.<code>`. */
export type ValueError = 'required' | 'choose' | 'chooseSome' | 'chooseDay' | 'not_a_number' | 'negative' | 'too_many_decimals';

export type ValueResult = { value: ApiValue } | { error: ValueError };

/** Values of an "is one of" list typed as text: split on Latin or Arabic commas. */
const LIST_SEPARATOR = /[,،]/;
export const splitList = (text: string) => text.split(LIST_SEPARATOR).map((part) => part.trim()).filter(Boolean);

/** The local day (ISO, Gregorian) an instant falls on in a time zone; the first ten characters of a non-instant. */
export function dayOfInstant(iso: string, timeZone: string): string {
  try {
    return toCalendarDate(parseAbsolute(iso, timeZone)).toString();
  } catch {
    return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : '';
  }
}

/**
 * The instant a day means for a comparison, in the workspace's time zone: "on or after" and
 * "before" a day compare with its first moment, "after" and "on or before" with its last, so
 * each reads as whole days.
 */
export function dayBoundary(day: string, op: ConditionOp, timeZone: string): string {
  const start = toZoned(parseDate(day), timeZone);
  return (op === 'gt' || op === 'lte' ? start.add({ days: 1 }).subtract({ milliseconds: 1 }) : start).toAbsoluteString();
}

/** A sample event's time on a picked day: noon there, safely inside the day whatever the comparison. */
export const middayOf = (day: string, timeZone: string) => toZoned(toCalendarDateTime(parseDate(day), new Time(12)), timeZone).toAbsoluteString();

function number(text: string): ValueResult {
  if (text.trim() === '') return { error: 'required' };
  const value = parseLocalisedNumber(text);
  return value === null ? { error: 'not_a_number' } : { value };
}

function money(text: string, ctx: MoneyContext): ValueResult {
  if (text.trim() === '') return { error: 'required' };
  const parsed = parseMoney(text, ctx.currency, ctx.irrDisplay);
  return 'minor' in parsed ? { value: parsed.minor } : { error: parsed.error };
}

/**
 * A condition's value for the API, by the field's kind: money in minor units, numbers as numbers,
 * a day as the instant the comparison means, `in` as a list.
 */
export function apiValue(spec: FieldSpec, op: ConditionOp, value: string, values: string[], ctx: ValueContext): ValueResult {
  if (op === 'in') {
    if (spec.kind === 'choice') return values.length > 0 ? { value: values } : { error: 'chooseSome' };
    const parts = splitList(value);
    if (parts.length === 0) return { error: 'required' };
    if (spec.kind !== 'number' && spec.kind !== 'money') return { value: parts };
    const numbers: number[] = [];
    for (const part of parts) {
      const one = spec.kind === 'money' ? money(part, ctx.money) : number(part);
      if ('error' in one) return one;
      numbers.push(one.value as number);
    }
    return { value: numbers };
  }
  switch (spec.kind) {
    case 'money': return money(value, ctx.money);
    case 'number': return number(value);
    case 'boolean': return value === 'true' || value === 'false' ? { value: value === 'true' } : { error: 'choose' };
    case 'choice':
    case 'list': return value ? { value } : { error: 'choose' };
    case 'instant': return value ? { value: dayBoundary(value, op, ctx.timeZone) } : { error: 'chooseDay' };
    case 'day': return value ? { value } : { error: 'chooseDay' };
    default: return value.trim() ? { value: value.trim() } : { error: 'required' };
  }
}

/**
 * An error to show while typing: only for something typed that is not a value (`۲۵۰ هزار`),
 * never for a field still empty.
 */
export function typingError(spec: FieldSpec, op: ConditionOp, value: string, ctx: ValueContext): ValueError | undefined {
  if (value.trim() === '' || (spec.kind !== 'money' && spec.kind !== 'number')) return undefined;
  const result = apiValue(spec, op, value, [], ctx);
  return 'error' in result ? result.error : undefined;
}

const listJoiner = (prefs: ValueContext['prefs']) => (prefs.language === 'en' ? ', ' : '، ');

/** A stored condition value as the editor holds it: `{ value, values }`. */
export function draftValue(spec: FieldSpec, op: ConditionOp, stored: unknown, ctx: ValueContext): { value: string; values: string[] } {
  const asText = (v: unknown) => (spec.kind === 'money' && typeof v === 'number'
    ? formatMajorForInput(v, ctx.money.currency, ctx.money.irrDisplay, ctx.prefs)
    : v === null || v === undefined ? '' : String(v));
  // Both forms of a list: the choice widget ticks `values`, a text one shows `value`
  // (attribute definitions may not have loaded yet to say which this is).
  if (Array.isArray(stored)) return { value: stored.map(asText).join(listJoiner(ctx.prefs)), values: stored.map(String) };
  if (op === 'in' && spec.kind === 'choice') return { value: '', values: stored === undefined || stored === null ? [] : [String(stored)] };
  if (spec.kind === 'instant' && typeof stored === 'string') return { value: dayOfInstant(stored, ctx.timeZone), values: [] };
  return { value: asText(stored), values: [] };
}

/**
 * One field of a sample event for the API, or undefined when left empty (the event then lacks
 * it, as a real one might). A time is noon of the picked day; a list is the ticked codes.
 */
export function sampleValue(spec: FieldSpec, value: string, values: string[], ctx: ValueContext): ValueResult | undefined {
  if (spec.kind === 'list') return values.length > 0 ? { value: values } : undefined;
  if (value.trim() === '') return undefined;
  if (spec.kind === 'instant') return { value: middayOf(value, ctx.timeZone) };
  return apiValue(spec, 'eq', value, values, ctx);
}

/** A sample event's field as the form holds it, from a real or made-up payload value. */
export function sampleDraftValue(spec: FieldSpec, stored: unknown, ctx: ValueContext): { value: string; values: string[] } {
  if (spec.kind === 'list') return { value: '', values: Array.isArray(stored) ? stored.map(String) : [] };
  return draftValue(spec, 'eq', stored, ctx);
}
