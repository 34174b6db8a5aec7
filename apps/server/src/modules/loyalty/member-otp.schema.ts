import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

/**
 * One request for a member's sign-in code, to a phone or to an e-mail address. Every request is a
 * row, for a member's address or not, so the per-address and per-workspace limits count the same
 * either way (no enumeration by limits). Only a member's row, or a friend's joining through an
 * invite (`referral_code`), has a code: an HMAC of it under the instance key, never the code.
 * A code is good until `expires_at`, for `attempts` < 5 wrong tries, once (`consumed_at`).
 */
export const loyaltyMemberOtps = pgTable(
  'loyalty_member_otps',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** E.164; null for a code by e-mail */
    phone: text('phone'),
    /** lower-cased; null for a code by SMS */
    email: text('email'),
    /** the customer the address belongs to; null: nobody (no code was sent, unless a friend is joining) */
    customerId: uuid('customer_id'),
    /** the invite a friend unknown to the workspace came with: verifying makes them a customer */
    referralCode: text('referral_code'),
    codeHash: text('code_hash'),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // The phone's latest code and its recent requests; the workspace's recent requests.
    index('loyalty_member_otps_phone_idx').on(t.tenantId, t.phone, t.createdAt),
    index('loyalty_member_otps_created_idx').on(t.tenantId, t.createdAt),
    index('loyalty_member_otps_email_idx').on(t.tenantId, t.email, t.createdAt),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_member_otps_code', sql`(${t.customerId} IS NULL AND ${t.referralCode} IS NULL) = (${t.codeHash} IS NULL)`),
    check('loyalty_member_otps_address', sql`(${t.phone} IS NULL) <> (${t.email} IS NULL)`),
  ],
);

/**
 * A member's portal session: the SHA-256 of its token (the token itself lives only in the
 * member's HttpOnly cookie). Ended by signing out (`ended_at`) or by `expires_at`.
 */
export const loyaltyMemberSessions = pgTable(
  'loyalty_member_sessions',
  {
    tenantId: uuid('tenant_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    customerId: uuid('customer_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.tokenHash] }),
    index('loyalty_member_sessions_customer_idx').on(t.tenantId, t.customerId),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
  ],
);
