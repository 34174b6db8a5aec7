import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, index, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** A tenant. Its id is the tenant_id that leads every key of every workspace table. */
export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    defaultLanguage: text('default_language').notNull().default('fa'),
    calendar: text('calendar').notNull().default('persian'),
    timeZone: text('time_zone').notNull().default('Asia/Tehran'),
    defaultCountry: text('default_country').notNull().default('IR'),
    weekendDays: smallint('weekend_days').array().notNull().default(sql`'{5}'::smallint[]`),
    businessHours: jsonb('business_hours').notNull(),
    /** ISO dates the business is closed, besides weekends; business-hour clocks skip them */
    holidays: date('holidays').array().notNull().default(sql`'{}'::date[]`),
    currency: text('currency').notNull().default('IRR'),
    irrDisplay: text('irr_display').notNull().default('toman'),
    /** members without a second factor must enrol one before anything else */
    requireTwoFactor: boolean('require_two_factor').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('workspaces_slug_key').on(t.slug)],
);

/** Integration credentials: the secret is shown once and stored as a SHA-256 hash. */
export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Sensitive actions: logins, role changes, key creation, exports, erasures. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    id: bigserial('id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    details: jsonb('details').notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('audit_log_at_idx').on(t.tenantId, t.at)],
);
