import { and, arrayContains, inArray, not, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { Channel, Locale, SEGMENT_ATTRIBUTE_PREFIX, type SegmentCondition, type SegmentRules } from '@vafa/contracts';
import { Problem } from '../../platform/http/problem.ts';
import { type CalendarId } from '../../platform/i18n/calendar.ts';
import { umalquraMonthRanges } from './segment.birthday.ts';
import type { AttributeDefinitions } from './customer-attribute.service.ts';
import { isIsoDay } from './customer-attribute.service.ts';
import { customers } from './customer.schema.ts';
import { containsPattern } from './customer.search-text.ts';

/** What a rule needs to know about the workspace to compile. */
export interface SegmentContext {
  /** IANA zone: a YYYY-MM-DD bound is that day's midnight there */
  timeZone: string;
  /** the workspace's calendar: `birthdayMonth` counts months in it (Farvardin is 1 in Solar Hijri) */
  calendar: CalendarId;
  attributes: AttributeDefinitions;
}

type Value = SegmentCondition['value'];

export function invalidRule(reason: string): Problem {
  return new Problem(422, 'invalid_segment_rule', { reason }, [{ field: 'rules', code: 'invalid_segment_rule', message: reason }]);
}

const MAX_DAYS = 36_500;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function describe(condition: SegmentCondition): string {
  return `${condition.field} ${condition.op}`;
}

function integer(condition: SegmentCondition, value: Value, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidRule(`${describe(condition)} needs a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  }
  return value;
}

function text(condition: SegmentCondition, value: Value): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidRule(`${describe(condition)} needs a text value`);
  return value;
}

function list<T>(condition: SegmentCondition, value: Value, item: (v: Value) => T): T[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidRule(`${describe(condition)} needs a non-empty list`);
  return value.map((v) => item(v));
}

function oneOf<T extends string>(condition: SegmentCondition, value: Value, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidRule(`${describe(condition)} needs one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A day (midnight in the workspace zone) or an exact instant, as a timestamptz expression. */
function instant(condition: SegmentCondition, value: Value, timeZone: string): SQL {
  if (typeof value === 'string' && isIsoDay(value)) return sql`(${value}::date::timestamp AT TIME ZONE ${timeZone})`;
  if (typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return sql`${new Date(value).toISOString()}::timestamptz`;
  throw invalidRule(`${describe(condition)} needs a date (YYYY-MM-DD) or an ISO instant`);
}

function unknownOp(condition: SegmentCondition): never {
  throw invalidRule(`unknown operator "${condition.op}" for ${condition.field}`);
}

function compare(condition: SegmentCondition, column: SQLWrapper, value: number, cast: 'int' | 'bigint' | 'numeric'): SQL {
  const bound = sql`${value}::${sql.raw(cast)}`;
  switch (condition.op) {
    case 'eq':
      return sql`${column} = ${bound}`;
    case 'neq':
      return sql`${column} IS DISTINCT FROM ${bound}`;
    case 'gt':
      return sql`${column} > ${bound}`;
    case 'gte':
      return sql`${column} >= ${bound}`;
    case 'lt':
      return sql`${column} < ${bound}`;
    case 'lte':
      return sql`${column} <= ${bound}`;
    default:
      return unknownOp(condition);
  }
}

function amount(condition: SegmentCondition, column: SQLWrapper, cast: 'int' | 'bigint'): SQL {
  if (condition.op === 'between') {
    const [low, high] = list(condition, condition.value, (v) => integer(condition, v));
    if (low === undefined || high === undefined || (condition.value as unknown[]).length !== 2 || low > high) {
      throw invalidRule(`${describe(condition)} needs [min, max] with min ≤ max`);
    }
    return sql`${column} BETWEEN ${low}::${sql.raw(cast)} AND ${high}::${sql.raw(cast)}`;
  }
  if (condition.op === 'neq') return unknownOp(condition);
  return compare(condition, column, integer(condition, condition.value), cast);
}

function moment(condition: SegmentCondition, column: SQLWrapper, timeZone: string): SQL {
  switch (condition.op) {
    case 'before':
      return sql`${column} < ${instant(condition, condition.value, timeZone)}`;
    case 'after':
      return sql`${column} >= ${instant(condition, condition.value, timeZone)}`;
    case 'within_days': {
      const days = integer(condition, condition.value, 1);
      if (days > MAX_DAYS) throw invalidRule(`${describe(condition)} is limited to ${MAX_DAYS} days`);
      return sql`${column} >= now() - make_interval(days => ${days}::int)`;
    }
    case 'not_within_days': {
      const days = integer(condition, condition.value, 1);
      if (days > MAX_DAYS) throw invalidRule(`${describe(condition)} is limited to ${MAX_DAYS} days`);
      // Never having ordered is also "not in the last N days".
      return sql`(${column} IS NULL OR ${column} < now() - make_interval(days => ${days}::int))`;
    }
    default:
      return unknownOp(condition);
  }
}

function month(condition: SegmentCondition, v: Value): number {
  const m = integer(condition, v, 1);
  if (m > 12) throw invalidRule(`${describe(condition)} needs a month from 1 to 12`);
  return m;
}

/**
 * The birthday (stored as its Gregorian day) falls in one of `months` of the workspace's
 * calendar. Solar Hijri months follow from the day number by the same arithmetic
 * @internationalized/date and ICU use (33-year cycle, Farvardin 1 = day 0 of the year); Umm
 * al-Qura months come from its observation table, so they are matched as Gregorian day ranges.
 */
function birthdayInMonths(months: number[], calendar: CalendarId): SQL {
  const day = customers.birthday;
  switch (calendar) {
    case 'gregory':
      return sql`EXTRACT(MONTH FROM ${day})::int IN ${months}`;
    case 'persian': {
      const sinceEpoch = sql`((${day} - DATE '1970-01-01') + 2440588 - 1948320)`;
      const year = sql`(1 + floor((33 * ${sinceEpoch} + 3)::numeric / 12053))`;
      const dayOfYear = sql`(${sinceEpoch} - (365 * (${year} - 1) + floor((8 * ${year} + 21)::numeric / 33)))`;
      const monthOf = sql`(CASE WHEN ${dayOfYear} < 216 THEN floor(${dayOfYear} / 31) ELSE floor((${dayOfYear} - 6) / 30) END + 1)::int`;
      return sql`${monthOf} IN ${months}`;
    }
    case 'islamic-umalqura':
      return sql`${day} <@ ANY(${sql.param(umalquraMonthRanges(months))}::daterange[])`;
  }
}

function attributeCondition(condition: SegmentCondition, context: SegmentContext): SQL {
  const key = condition.field.slice(SEGMENT_ATTRIBUTE_PREFIX.length);
  const definition = context.attributes.get(key);
  if (!definition) throw invalidRule(`unknown attribute "${key}"`);
  const value = sql`(${customers.attributes} -> ${key}::text)`;
  const asText = sql`(${customers.attributes} ->> ${key}::text)`;
  const { op } = condition;
  if (op === 'is_set') {
    const wanted = condition.value ?? true;
    if (typeof wanted !== 'boolean') throw invalidRule(`${describe(condition)} takes true or false`);
    return wanted ? sql`${value} IS NOT NULL` : sql`${value} IS NULL`;
  }
  switch (definition.type) {
    case 'text': {
      const v = text(condition, condition.value);
      if (op === 'eq') return sql`${asText} = ${v}`;
      if (op === 'neq') return sql`${asText} IS DISTINCT FROM ${v}`;
      if (op === 'contains') return sql`${asText} ILIKE ${containsPattern(v)}`;
      return unknownOp(condition);
    }
    case 'number': {
      if (typeof condition.value !== 'number' || !Number.isFinite(condition.value)) throw invalidRule(`${describe(condition)} needs a number`);
      const numeric = sql`(CASE WHEN jsonb_typeof(${value}) = 'number' THEN ${asText}::numeric END)`;
      return compare(condition, numeric, condition.value, 'numeric');
    }
    case 'boolean': {
      if (typeof condition.value !== 'boolean') throw invalidRule(`${describe(condition)} needs true or false`);
      const json = JSON.stringify(condition.value);
      if (op === 'eq') return sql`${value} = ${json}::jsonb`;
      if (op === 'neq') return sql`${value} IS DISTINCT FROM ${json}::jsonb`;
      return unknownOp(condition);
    }
    case 'date': {
      if (typeof condition.value !== 'string' || !isIsoDay(condition.value)) throw invalidRule(`${describe(condition)} needs a date (YYYY-MM-DD)`);
      // ISO days compare correctly as text; only string values are dates.
      const day = sql`(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${asText} END)`;
      const v = condition.value;
      switch (op) {
        case 'eq':
          return sql`${day} = ${v}`;
        case 'neq':
          return sql`${day} IS DISTINCT FROM ${v}`;
        case 'gt':
          return sql`${day} > ${v}`;
        case 'gte':
          return sql`${day} >= ${v}`;
        case 'lt':
          return sql`${day} < ${v}`;
        case 'lte':
          return sql`${day} <= ${v}`;
        default:
          return unknownOp(condition);
      }
    }
    case 'choice': {
      const options = (definition.options as string[] | null) ?? [];
      if (op === 'in') return sql`${asText} IN ${list(condition, condition.value, (v) => oneOf(condition, v, options))}`;
      const v = oneOf(condition, condition.value, options);
      if (op === 'eq') return sql`${asText} = ${v}`;
      if (op === 'neq') return sql`${asText} IS DISTINCT FROM ${v}`;
      return unknownOp(condition);
    }
    default:
      throw invalidRule(`attribute "${key}" has an unsupported type`);
  }
}

function compileCondition(condition: SegmentCondition, context: SegmentContext): SQL {
  const { op, value } = condition;
  switch (condition.field) {
    case 'tag': {
      const tag = text(condition, value);
      if (op === 'has') return arrayContains(customers.tags, [tag]);
      if (op === 'not_has') return not(arrayContains(customers.tags, [tag]));
      return unknownOp(condition);
    }
    case 'language': {
      if (op === 'in') return inArray(customers.language, list(condition, value, (v) => oneOf(condition, v, Locale.options)));
      const language = oneOf(condition, value, Locale.options);
      if (op === 'eq') return sql`${customers.language} = ${language}`;
      if (op === 'neq') return sql`${customers.language} IS DISTINCT FROM ${language}`;
      return unknownOp(condition);
    }
    case 'orderCount':
      return amount(condition, customers.orderCount, 'int');
    case 'totalSpentMinor':
      return amount(condition, customers.totalSpentMinor, 'bigint');
    case 'lastOrderAt':
      return moment(condition, customers.lastOrderAt, context.timeZone);
    case 'createdAt':
      return moment(condition, customers.createdAt, context.timeZone);
    case 'birthdayMonth': {
      let months: number[];
      if (op === 'eq') months = [month(condition, value)];
      else if (op === 'in') months = list(condition, value, (v) => month(condition, v));
      else return unknownOp(condition);
      return birthdayInMonths(months, context.calendar);
    }
    case 'consent': {
      const channel = oneOf(condition, value, Channel.options);
      const granted = sql`(${customers.consent} -> ${channel}::text ->> 'granted') = 'true'`;
      if (op === 'granted') return granted;
      if (op === 'not_granted') return sql`NOT coalesce(${granted}, false)`;
      return unknownOp(condition);
    }
    default:
      if (condition.field.startsWith(SEGMENT_ATTRIBUTE_PREFIX)) return attributeCondition(condition, context);
      throw invalidRule(`unknown field "${condition.field}"`);
  }
}

function combine(match: 'all' | 'any', parts: SQL[]): SQL {
  if (parts.length === 0) return match === 'all' ? sql`TRUE` : sql`FALSE`;
  return sql`(${(match === 'all' ? and(...parts) : or(...parts))!})`;
}

/**
 * Compiles rules to a parameterised WHERE fragment over `customers` (values are bound, never
 * spliced in). Throws 422 invalid_segment_rule with a reason for anything it does not accept.
 * The fragment tests the rules only; callers add the tenant and live-record conditions.
 */
export function compileSegmentRules(rules: SegmentRules, context: SegmentContext): SQL {
  const parts = rules.conditions.map((item) => {
    if ('field' in item) return compileCondition(item, context);
    return combine(item.match, item.conditions.map((c) => compileCondition(c, context)));
  });
  return combine(rules.match, parts);
}
