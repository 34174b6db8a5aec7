import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';
import { loyaltyPrograms } from './program.schema.ts';

// Referrals (referrals.service.ts): a member's code, and a friend attached to the member who
// referred them. One code per member, unique in the workspace; one referrer per friend, fixed once
// set (the friend is the primary key). The referral's state moves once, attached → qualified or
// refused, under the row's lock, so one qualification pays once.

/** A member's referral code: eight characters of an alphabet without 0, O, 1 and I. */
export const loyaltyReferralCodes = pgTable(
  'loyalty_referral_codes',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    code: text('code').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.customerId] }),
    unique('loyalty_referral_codes_code_key').on(t.tenantId, t.code),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    check('loyalty_referral_codes_code', sql`${t.code} ~ '^[2-9A-HJ-NP-Z]{8}$'`),
  ],
);

/** A friend and the member who referred them, and what became of it. */
export const loyaltyReferrals = pgTable(
  'loyalty_referrals',
  {
    tenantId: uuid('tenant_id').notNull(),
    friendId: uuid('friend_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    referrerId: uuid('referrer_id').notNull(),
    code: text('code').notNull(),
    state: text('state').notNull().default('attached'),
    /** why a referral was refused: velocity_limit */
    reason: text('reason'),
    programId: uuid('program_id'),
    orderExternalId: text('order_external_id'),
    referrerPoints: bigint('referrer_points', { mode: 'number' }).notNull().default(0),
    friendPoints: bigint('friend_points', { mode: 'number' }).notNull().default(0),
    /** `user:<id>`, `api_key:<id>` */
    attachedBy: text('attached_by').notNull(),
    attachedAt: timestamp('attached_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.friendId] }),
    unique('loyalty_referrals_id_key').on(t.tenantId, t.id),
    index('loyalty_referrals_referrer_idx').on(t.tenantId, t.referrerId, t.decidedAt),
    index('loyalty_referrals_attached_idx').on(t.tenantId, t.attachedAt),
    foreignKey({ columns: [t.tenantId, t.friendId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.referrerId], foreignColumns: [loyaltyReferralCodes.tenantId, loyaltyReferralCodes.customerId] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    check('loyalty_referrals_state', sql`${t.state} IN ('attached', 'qualified', 'refused')`),
    check('loyalty_referrals_not_self', sql`${t.friendId} <> ${t.referrerId}`),
    check('loyalty_referrals_points', sql`${t.referrerPoints} >= 0 AND ${t.friendPoints} >= 0`),
  ],
);
