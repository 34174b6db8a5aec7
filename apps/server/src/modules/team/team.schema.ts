import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspace/workspace.schema.ts';

/**
 * A person who signs in. Accounts are global (one e-mail, one password) and join
 * workspaces through memberships; in a Citus cluster this is a reference table.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    language: text('language'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('accounts_email_key').on(t.email)],
);

export const members = pgTable(
  'members',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    role: text('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId] }), index('members_account_idx').on(t.accountId)],
);

export const invitations = pgTable(
  'invitations',
  {
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    id: uuid('id').notNull(),
    email: text('email').notNull(),
    role: text('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('invitations_token_key').on(t.tokenHash)],
);

/** Server-side sessions, so any app process can serve any signed-in user. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_expiry_idx').on(t.expiresAt), index('sessions_account_idx').on(t.accountId).where(sql`true`)],
);
