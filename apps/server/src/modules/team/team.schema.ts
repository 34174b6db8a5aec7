import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
    /** may create workspaces when VAFA_WORKSPACE_CREATION=admins (the default); the first account is one */
    instanceAdmin: boolean('instance_admin').notNull().default(false),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    /** the confirmed TOTP secret, sealed with the instance key (it must be read to verify codes) */
    totpSecretSealed: text('totp_secret_sealed'),
    /** an enrolment started but not yet confirmed by a first valid code, sealed likewise */
    totpPendingSealed: text('totp_pending_sealed'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** the RFC 6238 time step of the last accepted code: a code of this step or earlier is a replay */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
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
  // Unique within the workspace (Citus needs the distribution column in a unique key); the
  // link carries no workspace, so accepting looks the hash up through its own index. Tokens are
  // 256 random bits: two workspaces never draw the same one.
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('invitations_token_key').on(t.tenantId, t.tokenHash),
    index('invitations_token_idx').on(t.tokenHash),
  ],
);

/** Server-side sessions, so any app process can serve any signed-in user. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    tenantId: uuid('tenant_id').notNull().references(() => workspaces.id),
    csrfToken: text('csrf_token').notNull(),
    /** names a session in the account's session list without revealing its token */
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('sessions_expiry_idx').on(t.expiresAt),
    index('sessions_account_idx').on(t.accountId).where(sql`true`),
    uniqueIndex('sessions_id_key').on(t.id),
  ],
);

/** Password reset links: only the token's SHA-256 is stored; a link works once, until it expires. */
export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    ip: text('ip'),
  },
  (t) => [index('password_resets_account_idx').on(t.accountId, t.createdAt)],
);

/** Two-factor recovery codes: SHA-256 of high-entropy codes, each usable once. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.codeHash] })],
);

/**
 * Failed sign-ins per e-mail address (known or not, so throttling does not reveal which
 * accounts exist). Kept in the database so the back-off holds across app processes.
 */
export const loginThrottle = pgTable('login_throttle', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});
