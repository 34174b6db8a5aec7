import { z } from 'zod';
import { IsoInstant, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';
import { ExternalRef, PastInstant } from './interactions.ts';

// Customer actions a shop reports (issue 12, earning): a product review written, or an action the
// workspace names itself (`app_installed`, `profile_completed`…). POST /api/loyalty/events records
// one, once per external id, and publishes `loyalty.action_reported`; each active program with a
// rule for the action earns on it by that rule (fixed points, an optional condition on one of the
// event's attributes, caps per day and per period, once per external id).

/** A custom action's key, as a shop sends it: lower-case Latin letters, digits and `_`, from a letter. */
export const LoyaltyActionKey = z.string().trim().min(2).max(40).regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _, from a letter');
export type LoyaltyActionKey = z.infer<typeof LoyaltyActionKey>;

/** An attribute's name in an event (`rating`, `sku`, `has_text`). */
export const LoyaltyActionAttribute = z.string().trim().min(1).max(40).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _, from a letter');

export const LOYALTY_ACTION_CONDITION_OPS = ['gte', 'lte', 'eq', 'present'] as const;

/**
 * When an action earns: its attribute `attribute` is at least (`gte`), at most (`lte`) or equal to
 * (`eq`) `value`, or `present` (given, and not empty, false or 0: "the review has text").
 */
export const LoyaltyActionCondition = z.strictObject({
  attribute: LoyaltyActionAttribute,
  op: z.enum(LOYALTY_ACTION_CONDITION_OPS),
  value: z.union([z.number().min(-1_000_000_000).max(1_000_000_000), z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS)]).optional(),
});
export type LoyaltyActionCondition = z.infer<typeof LoyaltyActionCondition>;

/**
 * A program's points for a reported action: `review` (a product review) or `custom` (the action
 * `key`, with the `name` staff see in the editor). `points` per action, times the member's tier
 * multiplier (rounded down); `perDay`: most actions of the rule one member earns on in one day of
 * the workspace's calendar; `perPeriod`: most in the last `days` days (today included).
 * `qualifying` false: the points are spendable only and do not count for tiers.
 */
export const LoyaltyActionRule = z.strictObject({
  type: z.enum(['review', 'custom']),
  key: LoyaltyActionKey.optional(),
  name: z.string().trim().min(1).max(80).regex(NO_CONTROL_CHARACTERS, 'no control characters').optional(),
  points: z.number().int().min(1).max(1_000_000),
  condition: LoyaltyActionCondition.optional(),
  perDay: z.number().int().min(1).max(1_000).optional(),
  perPeriod: z.strictObject({ count: z.number().int().min(1).max(10_000), days: z.number().int().min(1).max(3_660) }).optional(),
  qualifying: z.boolean().optional(),
});
export type LoyaltyActionRule = z.infer<typeof LoyaltyActionRule>;

const AttributeValue = z.union([
  z.string().max(2_000),
  z.number().min(-1_000_000_000).max(1_000_000_000),
  z.boolean(),
]);

/** A customer's action as a shop reports it. */
export const LoyaltyCustomerEvent = z.strictObject({
  /** `review`, or a custom action's key as a program of the workspace defines it */
  type: LoyaltyActionKey,
  /** the customer: Vafa's id, or the shop's own reference (the customer's `externalId`) */
  customerId: Uuid.optional(),
  customerRef: ExternalRef.optional(),
  /** the shop's id of the action (the review's id): the same id again is the same action */
  externalId: ExternalRef,
  /** when it happened; absent: now. Caps count actions by the day they are awarded, not this one, so backdated reports cannot each claim a day of their own */
  occurredAt: PastInstant.optional(),
  attributes: z.record(LoyaltyActionAttribute, AttributeValue).refine((a) => Object.keys(a).length <= 20, 'at most 20 attributes').optional(),
}).meta({ id: 'LoyaltyCustomerEvent' });
export type LoyaltyCustomerEvent = z.infer<typeof LoyaltyCustomerEvent>;

export const LoyaltyCustomerEventView = z.object({
  type: z.string(),
  customerId: Uuid,
  externalId: z.string(),
  occurredAt: IsoInstant,
  attributes: z.record(z.string(), AttributeValue),
  createdAt: IsoInstant,
}).meta({ id: 'LoyaltyCustomerEventView' });
export type LoyaltyCustomerEventView = z.infer<typeof LoyaltyCustomerEventView>;

/** The topic a reported action is published under. */
export const LOYALTY_ACTION_TOPIC = 'loyalty.action_reported';
