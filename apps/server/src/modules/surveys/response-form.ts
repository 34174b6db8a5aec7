import type { AnswerValue, Question } from '@vafa/contracts';
import { CALENDARS, toIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';

/** A form body as Fastify hands it over: each name once or repeated. */
export type FormBody = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
const many = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]);

/** Parses application/x-www-form-urlencoded into names → values, repeated names kept as lists. */
export function parseForm(body: string): FormBody {
  const out: FormBody = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // Names that would reach an object's prototype are nobody's field.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/** A number typed or picked in any digits (a Persian ۷ is 7); NaN when it is not one. */
function number(text: string): number {
  const ascii = toAsciiDigits(text.trim());
  return /^-?\d+(\.\d+)?$/.test(ascii) ? Number(ascii) : Number.NaN;
}

/**
 * The answer a step's form carries for its question, in the shape the API takes, or undefined
 * when nothing was given (the question was passed over: a skip). Checking (ranges, options,
 * lengths) is saveResponse's; this only reads the fields.
 */
export function answerFromForm(question: Question, form: FormBody): AnswerValue | undefined {
  const id = question.id;
  switch (question.type) {
    case 'single_choice':
    case 'multiple_choice': {
      const picked = many(form[id]);
      const other = one(form[`${id}__other`]).trim();
      const choices = picked.filter((c) => c !== '__other');
      const withOther = picked.includes('__other') || (other !== '' && question.type === 'multiple_choice' && picked.length === 0);
      if (choices.length === 0 && !(withOther && other)) return undefined;
      return withOther && other ? { choices, other } : { choices };
    }
    case 'text': {
      const text = one(form[id]);
      return text.trim() === '' ? undefined : { text };
    }
    case 'date': {
      const [d, m, y] = ['d', 'm', 'y'].map((part) => number(one(form[`${id}__${part}`])));
      if ([d, m, y].every((n) => Number.isNaN(n))) return undefined;
      const calendar = one(form[`${id}__cal`]) as CalendarId;
      if (!(CALENDARS as readonly string[]).includes(calendar) || [d, m, y].some((n) => !Number.isInteger(n))) return { date: '0000-00-00' };
      // A day that does not exist in that calendar becomes an impossible date, refused as answer_invalid_date.
      try {
        return { date: toIsoDate({ calendar, year: y!, month: m!, day: d! }) ?? '0000-00-00' };
      } catch {
        return { date: '0000-00-00' };
      }
    }
    case 'servqual': {
      const parts = (['desired', 'adequate', 'perceived'] as const).map((part) => one(form[`${id}__${part}`]));
      if (parts.every((p) => p === '')) return undefined;
      const [desired, adequate, perceived] = parts.map(number) as [number, number, number];
      return { desired, adequate, perceived };
    }
    default: {
      const raw = one(form[id]);
      return raw === '' ? undefined : { score: number(raw) };
    }
  }
}
