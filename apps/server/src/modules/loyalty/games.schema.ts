import { sql } from 'drizzle-orm';
import { bigint, boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';
import { loyaltyPrograms } from './program.schema.ts';

// Games of a program (REFERENCE.md section 5, "Gamification"): challenges that count filtered
// events in a window, streaks of consecutive weeks or months with a qualifying event, and badges.
// Progress is derived from the events each member's games counted (one row per game, member and
// event key), so an event delivered twice counts once and a reward is keyed by its period.

/** A badge a program can award: a name in each language and the key of its icon. */
export const loyaltyBadges = pgTable(
  'loyalty_badges',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    programId: uuid('program_id').notNull(),
    name: jsonb('name').notNull(),
    icon: text('icon').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
  ],
);

/**
 * A challenge (`count`: `target` qualifying events in a rolling window or a calendar week or
 * month) or a streak (`streak`: consecutive weeks or months with at least one, rewarded at
 * `target` periods). The reward is points through the ledger, a badge, or both.
 */
export const loyaltyChallenges = pgTable(
  'loyalty_challenges',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    programId: uuid('program_id').notNull(),
    kind: text('kind').notNull(),
    name: jsonb('name').notNull(),
    /** which events count: the topic */
    topic: text('topic').notNull(),
    /** and which of them: { minAmountMinor?, category?, surveyIds? } */
    filter: jsonb('filter').notNull(),
    target: integer('target').notNull(),
    /** { kind: 'rolling', days } | { kind: 'calendar', period: 'week' | 'month' } (a streak's: calendar) */
    window: jsonb('window').notNull(),
    rewardPoints: integer('reward_points').notNull().default(0),
    badgeId: uuid('badge_id'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('loyalty_challenges_topic_idx').on(t.tenantId, t.topic).where(sql`active`),
    foreignKey({ columns: [t.tenantId, t.programId], foreignColumns: [loyaltyPrograms.tenantId, loyaltyPrograms.id] }),
    foreignKey({ columns: [t.tenantId, t.badgeId], foreignColumns: [loyaltyBadges.tenantId, loyaltyBadges.id] }),
    check('loyalty_challenges_kind', sql`${t.kind} IN ('count', 'streak')`),
    check('loyalty_challenges_target', sql`${t.target} >= 1`),
    check('loyalty_challenges_reward', sql`${t.rewardPoints} >= 0 AND (${t.rewardPoints} > 0 OR ${t.badgeId} IS NOT NULL)`),
  ],
);

/**
 * An event a member's game counted, once per event key (the response, the order, the entry): a
 * redelivered event finds its row and counts nothing more. `period_key` is its calendar week or
 * month, `period_index` that period's number (consecutive periods differ by one, for streaks).
 */
export const loyaltyGameEvents = pgTable(
  'loyalty_game_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    challengeId: uuid('challenge_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    eventKey: text('event_key').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    periodKey: text('period_key').notNull(),
    periodIndex: integer('period_index').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.challengeId, t.customerId, t.eventKey] }),
    index('loyalty_game_events_window_idx').on(t.tenantId, t.challengeId, t.customerId, t.occurredAt),
    foreignKey({ columns: [t.tenantId, t.challengeId], foreignColumns: [loyaltyChallenges.tenantId, loyaltyChallenges.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
  ],
);

/**
 * A game a member completed in a period: a challenge's calendar period (`m:1404-01`), its n-th
 * rolling completion (`r:2`), or a streak's run (`s:<first period>`). Once per key; the points
 * entry is keyed by it too.
 */
export const loyaltyGameCompletions = pgTable(
  'loyalty_game_completions',
  {
    tenantId: uuid('tenant_id').notNull(),
    challengeId: uuid('challenge_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    periodKey: text('period_key').notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
    points: integer('points').notNull(),
    entryId: bigint('entry_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.challengeId, t.customerId, t.periodKey] }),
    index('loyalty_game_completions_member_idx').on(t.tenantId, t.customerId),
    foreignKey({ columns: [t.tenantId, t.challengeId], foreignColumns: [loyaltyChallenges.tenantId, loyaltyChallenges.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
  ],
);

/** A badge a member holds: once per member and badge, whichever game gave it first. */
export const loyaltyMemberBadges = pgTable(
  'loyalty_member_badges',
  {
    tenantId: uuid('tenant_id').notNull(),
    badgeId: uuid('badge_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    challengeId: uuid('challenge_id'),
    awardedAt: timestamp('awarded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.badgeId, t.customerId] }),
    index('loyalty_member_badges_member_idx').on(t.tenantId, t.customerId),
    foreignKey({ columns: [t.tenantId, t.badgeId], foreignColumns: [loyaltyBadges.tenantId, loyaltyBadges.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
  ],
);
