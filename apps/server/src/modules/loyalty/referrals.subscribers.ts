import { z } from 'zod';
import { defineSubscriber } from '../../platform/events/outbox.ts';
import { LOYALTY_EVENTS } from './ledger.service.ts';
import { hasAttachedReferrals, qualifyFriend } from './referrals.service.ts';

// A friend's purchase is past its return window when its points unlock (loyalty.points_unlocked),
// or at once when the program holds nothing pending (an order's loyalty.points_earned without
// `pendingUntil`): then the friend's referral, if one waits, is decided (referrals.service.ts).

const Payload = z.object({
  customerId: z.string().uuid().optional(),
  pendingUntil: z.string().nullable().optional(),
  externalId: z.string().nullable().optional(),
}).passthrough();

export const referralQualificationSubscriber = defineSubscriber({
  name: 'loyalty.referrals',
  topics: [LOYALTY_EVENTS.unlocked, LOYALTY_EVENTS.earned],
  payload: Payload,
  // Only workspaces with a referral waiting get jobs: most unlocks are nobody's friend's.
  async accepts(tenantId, _topic, database) {
    return hasAttachedReferrals(database.db, tenantId);
  },
  async run(event, { database, clock }) {
    const { customerId } = event.payload;
    if (!customerId) return;
    if (event.topic === LOYALTY_EVENTS.earned && (event.payload.pendingUntil || !event.payload.externalId)) return;
    await database.db.transaction((tx) => qualifyFriend(tx, event.tenantId, customerId, clock.now()));
  },
});
