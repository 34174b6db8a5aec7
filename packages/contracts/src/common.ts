import { z } from 'zod';

export const Locale = z.enum(['fa', 'ar', 'en']);
export type Locale = z.infer<typeof Locale>;
export const CalendarId = z.enum(['persian', 'islamic-umalqura', 'gregory']);
export type CalendarId = z.infer<typeof CalendarId>;
export const Role = z.enum(['owner', 'admin', 'manager', 'agent', 'analyst', 'finance']);
export type Role = z.infer<typeof Role>;

export const Uuid = z.uuid();
export const IsoInstant = z.iso.datetime({ offset: true });

/**
 * Text without control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F). Written
 * as a range, not as `\P{Cc}`: JSON Schema's interoperable regular expressions have no Unicode
 * properties, and the validators and generators of other languages (Python's `re`, .NET) refuse a
 * document whose patterns use them. Without the `u` flag the class still lets every letter through
 * (an astral character's surrogates are outside the range).
 */
// eslint-disable-next-line no-control-regex -- the control characters are what is refused
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001F\u007F-\u009F]+$/;
/** The same, or empty. */
// eslint-disable-next-line no-control-regex -- the control characters are what is refused
export const NO_CONTROL_CHARACTERS_OR_EMPTY = /^[^\u0000-\u001F\u007F-\u009F]*$/;
/** The same, allowing tab, line feed and carriage return: text of several lines. */
// eslint-disable-next-line no-control-regex -- the control characters are what is refused
export const NO_CONTROL_BUT_LINE_BREAKS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]+$/;

/**
 * A secret shown once, in the answer that created it. An idempotent replay of that request
 * answers the same resource without it and says so with `secretWithheld: true` (and a
 * `Secret-Withheld` header): the idempotency record never keeps the secret.
 */
export const ShownOnce = z.string().optional().describe('Shown once; absent from an idempotent replay (see secretWithheld)');
export const SecretWithheld = z.literal(true).optional().describe('true on an idempotent replay: the secret was shown to the first request only');

export const FieldError = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
  /** the record that already holds this value (e.g. another customer with this phone) */
  existingId: z.string().optional(),
});
export const ProblemView = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(FieldError).optional(),
  })
  .meta({ id: 'Problem' });
export type ProblemView = z.infer<typeof ProblemView>;

/** A 204's body: none. Routes that answer 204 declare it, so the document says 204 rather than a 200 without content. */
export const NoContent = z.null().describe('No content');

/** Keyset pagination: pass `nextCursor` back as `cursor` for the next page. */
export const PageQuery = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const IdParams = z.strictObject({ id: Uuid });

/** An IANA time zone this runtime knows, e.g. Asia/Tehran. */
export const TimeZone = z.string().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');
