import { z } from 'zod';
import { Channel, Locale, latestToday } from '@vafa/contracts';
import { joinPhoneParts, readBoolean, readCalendar, readDay } from '../../platform/csv/cell-values.ts';
import { joinCells } from '../../platform/csv/column-mapping.ts';
import type { ImportedRow } from '../../platform/csv/import-engine.ts';
import type { RowProblem } from '../../platform/csv/import-runs.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import { toAsciiNumber } from '../../platform/i18n/digits.ts';
import { foldForSearch } from '../../platform/i18n/fold.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import type { AttributeDefinitionRow } from './customer-attribute.service.ts';
import type { CustomerColumns } from './customer-import.mapping.ts';
import { buildSearchText } from './customer.search-text.ts';

export type AttributeValue = string | number | boolean;

/** One customer as a CSV row gives it: null means the row says nothing (the stored value stays). */
export interface CustomerImportRow extends ImportedRow {
  givenId: string | null;
  externalId: string | null;
  name: string | null;
  /** E.164 */
  phone: string | null;
  email: string | null;
  /** Gregorian YYYY-MM-DD */
  birthday: string | null;
  birthdayCalendar: CalendarId | null;
  language: string | null;
  preferredChannel: string | null;
  tags: string[] | null;
  consent: Record<string, boolean> | null;
  attributes: Record<string, AttributeValue> | null;
  searchText: string;
}

export interface CustomerRowContext {
  defaultCountry: string;
  /** the workspace calendar: years below 1700 are read in it (in Solar Hijri when it is Gregorian) */
  localCalendar: CalendarId;
}

// The same limits as the API's CreateCustomer.
const MAX_NAME = 300;
const MAX_EXTERNAL_ID = 200;
const MAX_EMAIL = 254;
const MAX_PHONE = 40;
const MAX_TAG = 64;
const MAX_TAGS = 50;
const MAX_TEXT_ATTRIBUTE = 2000;
const EMAIL = z.regexes.email;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const TAG = /^[^,\u0000-\u001F]+$/;
/** Shops list tags with commas (Shopify: "VIP, wholesale"), Persian and Arabic sheets also with the Arabic comma. */
const TAG_SEPARATORS = /[,;|\u060C]/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

const fold = (text: string) => foldForSearch(text).replace(/[-_]/g, '');
const LANGUAGES = new Map<string, string>([
  ...Locale.options.map((l) => [l, l] as const),
  ...(['farsi', 'persian', 'فارسی', 'پارسی', 'الفارسية', 'فارسي'] as const).map((n) => [fold(n), 'fa'] as const),
  ...(['arabic', 'عربی', 'العربية', 'عربي'] as const).map((n) => [fold(n), 'ar'] as const),
  ...(['english', 'انگلیسی', 'الإنجليزية', 'الانجليزية', 'انجليزي'] as const).map((n) => [fold(n), 'en'] as const),
]);
const CHANNELS = new Map<string, string>([
  ...Channel.options.map((c) => [fold(c), c] as const),
  ...(['text', 'پیامک', 'اس ام اس', 'رسالة', 'رسائل'] as const).map((n) => [fold(n), 'sms'] as const),
  ...(['e-mail', 'ایمیل', 'البريد', 'البريد الإلكتروني'] as const).map((n) => [fold(n), 'email'] as const),
  ...(['واتساپ', 'واتس اپ', 'واتساب'] as const).map((n) => [fold(n), 'whatsapp'] as const),
  ...(['call', 'تماس', 'تلفن', 'اتصال', 'هاتف'] as const).map((n) => [fold(n), 'phone'] as const),
]);

const LANGUAGE_TAG = /^([a-z]{2})[-_][a-z]{2,4}$/;

/** fa, Farsi, فارسی, العربية, fa-IR… → fa | ar | en */
function readLanguage(text: string): string | undefined {
  const region = LANGUAGE_TAG.exec(text.toLowerCase());
  return LANGUAGES.get(region ? region[1]! : fold(text));
}

/**
 * A cell of tags. A tag that cannot be kept (too long, control characters) is left out and so
 * are tags past the fiftieth, each with a warning: one odd tag must not cost the customer.
 */
function readTags(text: string, warn: (code: string) => void): string[] {
  const tags: string[] = [];
  let dropped = false;
  let beyond = false;
  for (const part of text.split(TAG_SEPARATORS)) {
    const tag = part.trim();
    if (tag.length === 0 || tags.includes(tag)) continue;
    if (tag.length > MAX_TAG || !TAG.test(tag)) dropped = true;
    else if (tags.length >= MAX_TAGS) beyond = true;
    else tags.push(tag);
  }
  if (dropped) warn('tag_dropped');
  if (beyond) warn('tags_truncated');
  return tags;
}


function readAttribute(definition: AttributeDefinitionRow, text: string, localCalendar: CalendarId): AttributeValue | undefined {
  switch (definition.type) {
    case 'text':
      return text.length <= MAX_TEXT_ATTRIBUTE ? text : undefined;
    case 'number': {
      const ascii = toAsciiNumber(text);
      return NUMBER.test(ascii) && Number.isFinite(Number(ascii)) ? Number(ascii) : undefined;
    }
    case 'boolean':
      return readBoolean(text);
    case 'date':
      return readDay(text, undefined, localCalendar)?.iso;
    case 'choice':
      return ((definition.options as string[] | null) ?? []).includes(text) ? text : undefined;
    default:
      return undefined;
  }
}

/**
 * Builds the judge of one customers row for the columns of a file. It runs once per row of a
 * million-row file, so it reads only mapped columns, allocates nothing for empty cells, and
 * checks with the API's rules: phone through libphonenumber for the workspace's country
 * (→ E.164), e-mail syntax, birthday in its calendar, language, tags, attributes by type.
 */
export function customerRowReader(columns: CustomerColumns, context: CustomerRowContext): (cells: string[], rowNumber: number) => CustomerImportRow | RowProblem[] | null {
  const cell = (cells: string[], index: number | undefined): string | null => {
    if (index === undefined) return null;
    const value = cells[index];
    if (value === undefined || value.length === 0) return null;
    const trimmed = value.trim();
    return trimmed.length === 0 ? null : trimmed;
  };

  return (cells, rowNumber) => {
    let problems: RowProblem[] | null = null;
    const problem = (field: string, code: string) => {
      (problems ??= []).push({ field, code });
    };
    let anything = false;
    let warnings: RowProblem[] | null = null;

    let givenId = cell(cells, columns.id);
    if (givenId !== null) {
      anything = true;
      if (!UUID.test(givenId)) problem('id', 'invalid_id');
      else givenId = givenId.toLowerCase();
    }
    const externalId = cell(cells, columns.externalId);
    if (externalId !== null) {
      anything = true;
      if (externalId.length > MAX_EXTERNAL_ID) problem('external_id', 'too_long');
    }
    const nameParts = columns.joined.get('name');
    const name = nameParts ? joinCells(cells, nameParts, ' ') : cell(cells, columns.name);
    if (name !== null) {
      anything = true;
      if (name.length > MAX_NAME) problem('name', 'too_long');
    }
    let phone: string | null = null;
    const phoneParts = columns.joined.get('phone');
    const phoneText = phoneParts ? joinPhoneParts(phoneParts.map((i) => cells[i] ?? '')) : cell(cells, columns.phone);
    if (phoneText !== null) {
      anything = true;
      const parsed = phoneText.length <= MAX_PHONE ? parsePhone(phoneText, context.defaultCountry) : null;
      if (parsed) phone = parsed.e164;
      else problem('phone', 'invalid_phone');
    }
    let email = cell(cells, columns.email);
    if (email !== null) {
      anything = true;
      email = email.toLowerCase();
      if (email.length > MAX_EMAIL || !EMAIL.test(email)) problem('email', 'invalid_email');
    }

    let birthday: string | null = null;
    let birthdayCalendar: CalendarId | null = null;
    const birthdayText = cell(cells, columns.birthday);
    const calendarText = cell(cells, columns.birthdayCalendar);
    if (birthdayText !== null) {
      anything = true;
      const given = calendarText !== null ? readCalendar(calendarText) : columns.birthdayCalendarFixed;
      if (calendarText !== null && !given) {
        problem('birthday_calendar', 'invalid_calendar');
      } else {
        const day = readDay(birthdayText, given, context.localCalendar);
        if (!day) {
          problem('birthday', 'invalid_date');
        } else if (day.iso > latestToday()) {
          // The same rule as the API's (packages/contracts BirthdayInput).
          problem('birthday', 'birthday_in_future');
        } else {
          birthday = day.iso;
          birthdayCalendar = day.calendar;
        }
      }
    }

    let language: string | null = null;
    const languageText = cell(cells, columns.language);
    if (languageText !== null) {
      anything = true;
      language = readLanguage(languageText) ?? null;
      if (language === null) problem('language', 'invalid_language');
    }
    let preferredChannel: string | null = null;
    const channelText = cell(cells, columns.preferredChannel);
    if (channelText !== null) {
      anything = true;
      preferredChannel = CHANNELS.get(fold(channelText)) ?? null;
      if (preferredChannel === null) problem('preferred_channel', 'invalid_channel');
    }
    let tags: string[] | null = null;
    const tagsText = cell(cells, columns.tags);
    if (tagsText !== null) {
      anything = true;
      const read = readTags(tagsText, (code) => (warnings ??= []).push({ field: 'tags', code, severity: 'warning' }));
      tags = read.length > 0 ? read : null;
    }

    let consent: Record<string, boolean> | null = null;
    for (const { channel, index } of columns.consent) {
      const text = cell(cells, index);
      if (text === null) continue;
      anything = true;
      const granted = readBoolean(text);
      if (granted === undefined) problem(`consent_${channel}`, 'invalid_boolean');
      else (consent ??= {})[channel] = granted;
    }
    let attributes: Record<string, AttributeValue> | null = null;
    for (const { key, index, definition } of columns.attributes) {
      const text = cell(cells, index);
      if (text === null) continue;
      anything = true;
      const value = readAttribute(definition, text, context.localCalendar);
      if (value === undefined) problem(`attribute.${key}`, 'invalid_attribute');
      else (attributes ??= {})[key] = value;
    }

    if (!anything) return null;
    if (problems) return warnings ? [...(problems as RowProblem[]), ...(warnings as RowProblem[])] : problems;
    if (givenId === null && externalId === null && phone === null && email === null && name === null) {
      return [{ field: 'row', code: 'missing_identity' }];
    }
    return {
      rowNumber,
      warnings,
      givenId,
      externalId,
      name,
      phone,
      email,
      birthday,
      birthdayCalendar,
      language,
      preferredChannel,
      tags,
      consent,
      attributes,
      searchText: buildSearchText({ name, email, phone }, context.defaultCountry),
    };
  };
}

/**
 * Two rows of one file about the same person: the later row's values win, tags and attributes
 * add up, as if the later row had been imported after the earlier one.
 */
export function laterRowWins(earlier: CustomerImportRow, later: CustomerImportRow, defaultCountry: string): CustomerImportRow {
  const merged: CustomerImportRow = {
    // Applied in the place of its latest row, should a separate row of the batch reach the same customer.
    rowNumber: later.rowNumber,
    givenId: later.givenId ?? earlier.givenId,
    externalId: later.externalId ?? earlier.externalId,
    name: later.name ?? earlier.name,
    phone: later.phone ?? earlier.phone,
    email: later.email ?? earlier.email,
    birthday: later.birthday ?? earlier.birthday,
    birthdayCalendar: later.birthday ? later.birthdayCalendar : earlier.birthdayCalendar,
    language: later.language ?? earlier.language,
    preferredChannel: later.preferredChannel ?? earlier.preferredChannel,
    tags: earlier.tags && later.tags ? [...new Set([...earlier.tags, ...later.tags])].slice(0, MAX_TAGS) : (later.tags ?? earlier.tags),
    consent: earlier.consent || later.consent ? { ...earlier.consent, ...later.consent } : null,
    attributes: earlier.attributes || later.attributes ? { ...earlier.attributes, ...later.attributes } : null,
    searchText: '',
  };
  merged.searchText = buildSearchText({ name: merged.name, email: merged.email, phone: merged.phone }, defaultCountry);
  return merged;
}
