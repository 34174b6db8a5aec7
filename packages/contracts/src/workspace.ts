import { z } from 'zod';
import { CalendarId, IsoInstant, Locale, Role, SecretWithheld, ShownOnce, TimeZone, Uuid } from './common.ts';

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
/** Opening hours per weekday (0 = Sunday); an empty list means closed that day. */
export const BusinessHours = z.record(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.array(z.strictObject({ from: TimeOfDay, to: TimeOfDay })).max(4));

/** Days the business is closed besides weekends (ISO dates, sorted, unique); business-hour clocks skip them. */
export const Holidays = z.array(z.iso.date()).max(1000).refine((days) => new Set(days).size === days.length, 'each date once');

export const WorkspaceView = z.object({
  id: Uuid,
  slug: z.string(),
  name: z.string(),
  defaultLanguage: Locale,
  calendar: CalendarId,
  timeZone: z.string(),
  defaultCountry: z.string(),
  weekendDays: z.array(z.number().int().min(0).max(6)),
  businessHours: BusinessHours,
  holidays: z.array(z.iso.date()),
  currency: z.string(),
  irrDisplay: z.enum(['rial', 'toman']),
  /** members must sign in with a second factor; changed by owners only */
  requireTwoFactor: z.boolean(),
}).meta({ id: 'Workspace' });
export type WorkspaceView = z.infer<typeof WorkspaceView>;

export const UpdateWorkspace = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  defaultLanguage: Locale.optional(),
  calendar: CalendarId.optional(),
  timeZone: TimeZone.optional(),
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
  weekendDays: z.array(z.number().int().min(0).max(6)).max(7).optional(),
  businessHours: BusinessHours.optional(),
  holidays: Holidays.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  irrDisplay: z.enum(['rial', 'toman']).optional(),
  requireTwoFactor: z.boolean().optional(),
});

export const CreateWorkspace = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
  defaultLanguage: Locale.default('fa'),
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).default('IR'),
});

export const ApiKeyView = z.object({
  id: Uuid,
  name: z.string(),
  role: Role,
  createdAt: IsoInstant,
  lastUsedAt: IsoInstant.nullable(),
  revokedAt: IsoInstant.nullable(),
}).meta({ id: 'ApiKey' });
export const CreateApiKey = z.strictObject({ name: z.string().trim().min(1).max(100), role: Role.exclude(['owner']) });
/** The only time the secret is ever shown (an idempotent replay withholds it). */
export const CreatedApiKey = ApiKeyView.extend({ secret: ShownOnce, secretWithheld: SecretWithheld }).meta({ id: 'CreatedApiKey' });

export const AuditEntryView = z.object({
  id: z.number().int(),
  at: IsoInstant,
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  /** today's name of the acting member or API key, when it still exists */
  actorName: z.string().nullable().optional(),
  /** today's name of the subject (customer, rule, member…), when it still exists */
  targetName: z.string().nullable().optional(),
}).meta({ id: 'AuditEntry' });
