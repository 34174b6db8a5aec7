import { IntlMessageFormat } from 'intl-messageformat';
import { TEMPLATE_VARIABLES, type RenderedMessage, type TemplateContent, type TemplateLanguageContent } from '@vafa/contracts';
import type { FieldError } from '../../platform/http/problem.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import type { Locale } from '../../platform/i18n/locale.ts';

// Pure rendering of message templates: language choice, variables in the customer's calendar
// and digits, and bidi-safe output (FSI/PDI in plain text, <bdi> in HTML). No I/O here.

const KNOWN = new Set<string>(TEMPLATE_VARIABLES);
const PARTS = ['subject', 'text', 'sms'] as const;
const RTL = new Set<Locale>(['fa', 'ar']);

/** One parse problem or unknown variable per field, e.g. `content.fa.text`. */
export function templateErrors(content: TemplateContent): FieldError[] {
  const errors: FieldError[] = [];
  for (const language of ['fa', 'ar', 'en'] as const) {
    const parts = content[language];
    if (!parts) continue;
    for (const part of PARTS) {
      const source = parts[part];
      if (source === undefined) continue;
      const field = `content.${language}.${part}`;
      let ast: unknown[];
      try {
        ast = new IntlMessageFormat(source, language, undefined, { ignoreTag: true }).getAst() as unknown[];
      } catch (err) {
        errors.push({ field, code: 'invalid_icu', message: `${language} ${part}: ${(err as Error).message}` });
        continue;
      }
      for (const [name, type] of argumentNames(ast)) {
        if (!KNOWN.has(name)) errors.push({ field, code: 'unknown_variable', message: `unknown variable {${name}} in the ${language} ${part}` });
        // values arrive formatted as text; only hasName is a select key
        else if (type !== ARGUMENT && !(name === 'hasName' && type === SELECT)) {
          errors.push({ field, code: 'unsupported_format', message: `{${name}} is inserted as text; write {${name}} without a format in the ${language} ${part}` });
        }
      }
    }
  }
  return errors;
}

const ARGUMENT = 1;
const SELECT = 5;

/** Every argument a message AST refers to, with its element type, walking into select/plural options. */
function argumentNames(elements: unknown[], found = new Map<string, number>()): Map<string, number> {
  for (const element of elements as { type: number; value?: unknown; options?: Record<string, { value: unknown[] }>; children?: unknown[] }[]) {
    // type 0 is literal text and 7 the plural `#`; every other element names an argument
    if (element.type !== 0 && element.type !== 7 && typeof element.value === 'string') {
      const seen = found.get(element.value);
      if (seen === undefined || seen === ARGUMENT) found.set(element.value, element.type);
    }
    for (const option of Object.values(element.options ?? {})) argumentNames(option.value, found);
    if (element.children) argumentNames(element.children, found);
  }
  return found;
}

/** The customer's language if the template has it, else the workspace default, else any it has. */
export function pickLanguage(content: TemplateContent, customerLanguage: string | null, workspaceLanguage: string): Locale {
  for (const candidate of [customerLanguage, workspaceLanguage]) {
    if (candidate && content[candidate as Locale]) return candidate as Locale;
  }
  return (['fa', 'ar', 'en'] as const).find((l) => content[l])!;
}

export interface RenderCustomer {
  name: string | null;
  birthday: string | null;
  attributes: Record<string, unknown>;
  timeZone: string | null;
}

export interface RenderWorkspace {
  name: string;
  timeZone: string;
  calendar: string;
  irrDisplay: 'rial' | 'toman';
}

const DIGITS: Record<Locale, string> = { fa: 'arabext', ar: 'arab', en: 'latn' };
const BASE: Record<Locale, string> = { fa: 'fa-IR', ar: 'ar-SA', en: 'en-GB' };

/**
 * Calendar by message language: fa reads the Solar Hijri calendar; ar the workspace's calendar
 * when it is Umm al-Qura or Gregorian (else Umm al-Qura); en Gregorian.
 */
export function calendarFor(language: Locale, workspaceCalendar: string): CalendarId {
  if (language === 'fa') return 'persian';
  if (language === 'ar') return workspaceCalendar === 'gregory' ? 'gregory' : 'islamic-umalqura';
  return 'gregory';
}

export const localeTag = (language: Locale, calendar: CalendarId) => `${BASE[language]}-u-ca-${calendar}-nu-${DIGITS[language]}`;

/**
 * A polite wording that reads in place of a name, so "Dear {name}" never goes out as "Dear ":
 * fa «مشتری گرامی» / ar «عميلنا العزيز» / en "valued customer". Templates that want other
 * wording use `{hasName, select, yes {…} other {…}}`.
 */
export const NAME_FALLBACK: Record<Locale, string> = { fa: 'مشتری گرامی', ar: 'عميلنا العزيز', en: 'valued customer' };
const TIER_FALLBACK: Record<Locale, string> = { fa: 'عضو', ar: 'عضو', en: 'member' };
const IRR_UNITS: Record<Locale, { rial: string; toman: string }> = {
  fa: { rial: 'ریال', toman: 'تومان' },
  ar: { rial: 'ريال', toman: 'تومان' },
  en: { rial: 'rials', toman: 'tomans' },
};

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatInstantDay(instant: Date, language: Locale, calendar: CalendarId, timeZone: string): string {
  const tag = localeTag(language, calendar);
  return cached(`d|${tag}|${timeZone}`, () => new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone })).format(instant);
}

/** A birthday as day and month only (the year is nobody's business in a greeting). */
function formatBirthday(iso: string, language: Locale, calendar: CalendarId): string {
  const tag = localeTag(language, calendar);
  return cached(`b|${tag}`, () => new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', timeZone: 'UTC' })).format(new Date(`${iso}T12:00:00Z`));
}

function formatNumber(value: number, language: Locale): string {
  const tag = localeTag(language, 'gregory');
  return cached(`n|${tag}`, () => new Intl.NumberFormat(tag)).format(value);
}

/** Integer minor units in the order's currency; IRR (no minor unit here) in rials or tomans by workspace setting. */
export function formatMoney(amountMinor: number, currency: string, language: Locale, irrDisplay: 'rial' | 'toman'): string {
  const tag = localeTag(language, 'gregory');
  if (currency === 'IRR') {
    const amount = irrDisplay === 'toman' ? amountMinor / 10 : amountMinor;
    const number = cached(`irr|${tag}|${irrDisplay}`, () => new Intl.NumberFormat(tag, { maximumFractionDigits: irrDisplay === 'toman' ? 1 : 0 })).format(amount);
    return `${number} ${IRR_UNITS[language][irrDisplay]}`;
  }
  const formatter = cached(`m|${tag}|${currency}`, () => new Intl.NumberFormat(tag, { style: 'currency', currency }));
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountMinor / 10 ** digits);
}

function present(value: unknown): value is string | number {
  return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));
}

/** The variables of one message, formatted for its language (select keys stay raw). */
export function templateVariables(
  language: Locale,
  customer: RenderCustomer,
  workspace: RenderWorkspace,
  event: Record<string, unknown> | null,
  now: Date,
): Record<string, string> {
  const calendar = calendarFor(language, workspace.calendar);
  const timeZone = customer.timeZone ?? workspace.timeZone;
  const name = customer.name?.trim() ?? '';
  const tier = customer.attributes.tier;
  const points = customer.attributes.points;
  const values: Record<string, string> = {
    name: name || NAME_FALLBACK[language],
    firstName: name.split(/\s+/)[0] || NAME_FALLBACK[language],
    hasName: name ? 'yes' : 'no',
    tier: present(tier) ? String(tier) : TIER_FALLBACK[language],
    points: formatNumber(typeof points === 'number' ? points : present(points) && Number.isFinite(Number(points)) ? Number(points) : 0, language),
    today: formatInstantDay(now, language, calendar, timeZone),
    birthday: customer.birthday ? formatBirthday(customer.birthday, language, calendar) : '',
    workspaceName: workspace.name,
    orderNumber: '',
    orderAmount: '',
    orderDate: '',
    // A complaint notice fills these (engagement/notice.service.ts); elsewhere they read as nothing.
    trackingCode: '',
    trackingLink: '',
    caseStatus: '',
    resolutionSummary: '',
    recourse: '',
    // A loyalty expiry notice fills these (loyalty/expiry-notices.ts).
    expiresOn: '',
    programName: '',
  };
  if (event) {
    if (present(event.orderExternalId)) values.orderNumber = String(event.orderExternalId);
    if (typeof event.amountMinor === 'number' && typeof event.currency === 'string') {
      values.orderAmount = formatMoney(event.amountMinor, event.currency, language, workspace.irrDisplay);
    }
    const when = [event.placedAt, event.occurredAt].find((v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)));
    if (typeof when === 'string') values.orderDate = formatInstantDay(new Date(when), language, calendar, timeZone);
  }
  return values;
}

const STRONG_LTR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]/;
const FSI = '\u2068';
const PDI = '\u2069';
// Private-use markers stand in for values while the message is formatted, so the literal
// template text and the interpolated values can be escaped and isolated differently.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const SELECT_KEYS = new Set(['hasName']);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function formatWithMarkers(source: string, language: Locale, values: Record<string, string>): { text: string; inserted: string[] } {
  const inserted: string[] = [];
  const marked: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (SELECT_KEYS.has(key)) marked[key] = value;
    else {
      marked[key] = `${OPEN}${inserted.length}${CLOSE}`;
      inserted.push(value);
    }
  }
  const literal = source.replace(/[\uE000\uE001]/g, '');
  return { text: String(new IntlMessageFormat(literal, language, undefined, { ignoreTag: true }).format(marked)), inserted };
}

const MARKER = /\uE000(\d+)\uE001/g;

/** Plain text: in an RTL message, values with left-to-right letters are isolated with FSI…PDI. */
export function renderPlain(source: string, language: Locale, values: Record<string, string>): string {
  const { text, inserted } = formatWithMarkers(source, language, values);
  return text.replace(MARKER, (_, i: string) => {
    const value = inserted[Number(i)] ?? '';
    return RTL.has(language) && STRONG_LTR.test(value) ? `${FSI}${value}${PDI}` : value;
  });
}

/** HTML fragment: everything escaped, every value inside <bdi>, paragraphs from blank lines. */
export function renderHtmlBody(source: string, language: Locale, values: Record<string, string>): string {
  const { text, inserted } = formatWithMarkers(source, language, values);
  const escaped = escapeHtml(text).replace(MARKER, (_, i: string) => `<bdi>${escapeHtml(inserted[Number(i)] ?? '')}</bdi>`);
  return escaped
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

export function renderMessage(content: TemplateContent, language: Locale, values: Record<string, string>): RenderedMessage {
  const parts = content[language] as TemplateLanguageContent;
  const dir = RTL.has(language) ? 'rtl' : 'ltr';
  const subject = parts.subject ? renderPlain(parts.subject, language, values) : values.workspaceName ?? '';
  const text = renderPlain(parts.text, language, values);
  const body = renderHtmlBody(parts.text, language, values);
  const html = `<!doctype html>\n<html lang="${language}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`
    + `<body lang="${language}" dir="${dir}">\n${body}\n</body></html>`;
  const sms = renderPlain(parts.sms ?? parts.text, language, values);
  return { language, subject, text, html, sms };
}
