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
