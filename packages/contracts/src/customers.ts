import { CalendarDate, GregorianCalendar, IslamicUmalquraCalendar, PersianCalendar, toCalendar } from '@internationalized/date';
import { z } from 'zod';
import { MAX_CUSTOMER_TAGS } from './constants.ts';
import { CalendarId, IsoInstant, Locale, PageQuery, TimeZone, Uuid } from './common.ts';

export const Channel = z.enum(['sms', 'email', 'whatsapp', 'phone', 'push', 'in_app']);
export type Channel = z.infer<typeof Channel>;

/** A day in the calendar the customer gave it in; stored as its Gregorian date plus the calendar. */
export const CalendarDayInput = z.strictObject({
  calendar: CalendarId,
  year: z.number().int().min(1).max(3000),
  month: z.number().int().min(1).max(13),
  day: z.number().int().min(1).max(31),
});

const CALENDAR_OF = { persian: () => new PersianCalendar(), 'islamic-umalqura': () => new IslamicUmalquraCalendar(), gregory: () => new GregorianCalendar() };

/**
 * The Gregorian ISO day (YYYY-MM-DD) of a day given in any supported calendar, or null when that
 * day does not exist there (31 Esfand in a common year, 30 in a 29-day Hijri month).
 */
export function isoOfCalendarDay(day: z.infer<typeof CalendarDayInput>): string | null {
  const date = new CalendarDate(CALENDAR_OF[day.calendar](), day.year, day.month, day.day);
  // CalendarDate constrains out-of-range fields instead of failing; a changed field means invalid.
  if (date.year !== day.year || date.month !== day.month || date.day !== day.day) return null;
  return toCalendar(date, new GregorianCalendar()).toString();
}

/**
 * Today where the date is furthest ahead (UTC+14): a day after it has not begun anywhere, so a
 * birthday there is in the future whatever the customer's time zone.
 */
export function latestToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * A custom issue carries its stable code in `params.code` (the server's field error code, the
 * web's message key), so both sides name the problem the same way.
 */
function issue(code: string, path: string[] = []) {
  return { code: 'custom' as const, message: code, params: { code }, path };
}

/**
 * A birthday that is not in the future. A day that does not exist in its calendar passes here and
 * is refused by the server as 422 `invalid_date` (an API contract older than this check).
 */
export const BirthdayInput = CalendarDayInput.superRefine((day, ctx) => {
  const iso = isoOfCalendarDay(day);
  if (iso && iso > latestToday()) ctx.addIssue(issue('birthday_in_future'));
});

export const CalendarDayView = z.object({ calendar: CalendarId, year: z.number().int(), month: z.number().int(), day: z.number().int(), iso: z.iso.date() });

export const ConsentInput = z.strictObject({ granted: z.boolean(), source: z.string().trim().min(1).max(100).default('api') });
export const ConsentView = z.object({ granted: z.boolean(), at: IsoInstant, source: z.string() });

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const Tag = z.string().trim().min(1).max(64).regex(/^[^,\u0000-\u001F]+$/, 'no commas or control characters');
export const AttributeValue = z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]);
export const AttributeKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);

/** A person's phone as typed: Persian/Arabic digits, spaces, 0-prefixed national or +E.164. */
export const PhoneInput = z.string().trim().min(3).max(40);
/** The country a nationally written phone belongs to, when not the workspace's own (ISO 3166 alpha-2). */
export const PhoneCountry = z.string().regex(/^[A-Z]{2}$/);

export const CreateCustomer = z.strictObject({
  externalId: z.string().trim().min(1).max(200).optional(),
  name: z.string().trim().min(1).max(300).optional(),
  phone: PhoneInput.optional(),
  phoneCountry: PhoneCountry.optional(),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(),
  birthday: BirthdayInput.optional(),
  language: Locale.optional(),
  preferredChannel: Channel.optional(),
  /** for quiet hours and dated automations; absent means the workspace's */
  timeZone: TimeZone.optional(),
  consent: z.partialRecord(Channel, ConsentInput).optional(),
  tags: z.array(Tag).max(MAX_CUSTOMER_TAGS).optional(),
  attributes: z.record(AttributeKey, AttributeValue).optional(),
}).superRefine((customer, ctx) => {
  // A record nobody can name or reach is noise; an external id alone does not reach anyone.
  if (!customer.name && !customer.phone && !customer.email) ctx.addIssue(issue('name_or_contact_required', ['name']));
  // Also when other fields failed, so a form learns every problem at once.
}, { when: (payload) => typeof payload.value === 'object' && payload.value !== null });
export type CreateCustomer = z.infer<typeof CreateCustomer>;

/** PATCH semantics: absent = unchanged, null = cleared. */
export const UpdateCustomer = z.strictObject({
  externalId: z.string().trim().min(1).max(200).nullable().optional(),
  name: z.string().trim().min(1).max(300).nullable().optional(),
  phone: PhoneInput.nullable().optional(),
  phoneCountry: PhoneCountry.optional(),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()).nullable().optional(),
  birthday: BirthdayInput.nullable().optional(),
  language: Locale.nullable().optional(),
  preferredChannel: Channel.nullable().optional(),
  timeZone: TimeZone.nullable().optional(),
  consent: z.partialRecord(Channel, ConsentInput).optional(),
  tags: z.array(Tag).max(MAX_CUSTOMER_TAGS).optional(),
  attributes: z.record(AttributeKey, AttributeValue).optional(),
});
export type UpdateCustomer = z.infer<typeof UpdateCustomer>;

export const CustomerView = z.object({
  id: Uuid,
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  birthday: CalendarDayView.nullable(),
  language: Locale.nullable(),
  preferredChannel: Channel.nullable(),
  timeZone: z.string().nullable(),
  consent: z.partialRecord(Channel, ConsentView),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), AttributeValue),
  orderCount: z.number().int(),
  totalSpentMinor: z.number().int(),
  firstOrderAt: IsoInstant.nullable(),
  lastOrderAt: IsoInstant.nullable(),
  lastSeenAt: IsoInstant.nullable(),
  mergedInto: Uuid.nullable(),
  erasedAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'Customer' });
export type CustomerView = z.infer<typeof CustomerView>;

export const AttributeType = z.enum(['text', 'number', 'boolean', 'date', 'choice']);
export const AttributeDefinitionInput = z.strictObject({
  key: AttributeKey,
  type: AttributeType,
  label: z.strictObject({ fa: z.string().min(1).max(100), ar: z.string().min(1).max(100), en: z.string().min(1).max(100) }),
  options: z.array(z.string().min(1).max(100)).max(100).optional(),
});
export const AttributeDefinitionView = AttributeDefinitionInput.extend({ createdAt: IsoInstant }).meta({ id: 'AttributeDefinition' });

export const AttributeKeyParams = z.strictObject({ key: AttributeKey });

/** Which records a list shows: live (default) hides merged and erased ones. */
export const CustomerState = z.enum(['live', 'merged', 'erased', 'all']);

/**
 * Which customers a list, a count, an export or a bulk action covers. `q` searches name, e-mail
 * and phone, folding Persian and Arabic letter variants, digits and ZWNJ/space; a query that looks
 * like a phone is normalised first. `segment` matches the segment's rules or its listed members.
 */
export const CustomerFilter = z.strictObject({
  q: z.string().trim().max(200).optional(),
  tag: z.string().trim().min(1).max(64).optional(),
  language: Locale.optional(),
  consent: Channel.optional(),
  segment: Uuid.optional(),
});
export type CustomerFilter = z.infer<typeof CustomerFilter>;

/**
 * The orders a customer list can take: a field, `-` in front for descending. `createdAt` is the
 * id's order (ids are time-ordered). `name` follows the Persian alphabet (Arabic letter forms
 * folded to theirs, Latin after). Customers without a value (no name, never ordered) come last
 * either way; ties are broken by id.
 */
export const CUSTOMER_SORTS = ['-createdAt', 'createdAt', 'name', '-name', 'lastOrderAt', '-lastOrderAt', 'orderCount', '-orderCount', 'totalSpent', '-totalSpent'] as const;
export const CustomerSort = z.enum(CUSTOMER_SORTS);
export type CustomerSort = z.infer<typeof CustomerSort>;

/** Keyset-paginated; a cursor is only good for the sort it came from. */
export const CustomerListQuery = PageQuery.extend({
  ...CustomerFilter.shape,
  // A cursor carries the last row's sort value, and a name can be long.
  cursor: z.string().max(2000).optional(),
  sort: CustomerSort.default('-createdAt'),
  state: CustomerState.default('live'),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;

/** How many customers match; `estimated` when the figure comes from the planner's statistics. */
export const CustomerCount = z.object({
  count: z.number().int().min(0),
  estimated: z.boolean(),
}).meta({ id: 'CustomerCount' });
export type CustomerCount = z.infer<typeof CustomerCount>;

/** Merges `sourceId` into the customer in the path; the source keeps a pointer to the survivor. */
export const MergeCustomers = z.strictObject({ sourceId: Uuid });

export const ConsentEventView = z.object({
  channel: z.string(),
  status: z.enum(['granted', 'withdrawn']),
  source: z.string(),
  at: IsoInstant,
});

/** Everything Vafa holds about one person (data portability); other modules add their sections under `modules`. */
export const CustomerDataExport = z.object({
  exportedAt: IsoInstant,
  customer: CustomerView,
  consentHistory: z.array(ConsentEventView),
  /** records that were merged into this one, with what they still hold */
  mergedRecords: z.array(CustomerView),
  modules: z.record(z.string(), z.unknown()),
}).meta({ id: 'CustomerDataExport' });
export type CustomerDataExport = z.infer<typeof CustomerDataExport>;
