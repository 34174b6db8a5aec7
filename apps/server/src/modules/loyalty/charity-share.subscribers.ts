import { z } from 'zod';
import { defineSubscriber, type DomainEvent } from '../../platform/events/outbox.ts';
import { giveCharityShare, workspaceHasShares } from './charity-share.service.ts';
import { LOYALTY_EVENTS } from './ledger.service.ts';

const Payload = z.object({
  customerId: z.string(),
  entryId: z.number().int(),
  points: z.number().int(),
  /** points_earned: pending points give their share when they unlock, not now */
  pendingUntil: z.string().nullable().optional(),
  /** points_earned: a purchase carries its order's id; event awards carry none */
  externalId: z.string().nullable().optional(),
}).passthrough();
type Payload = z.infer<typeof Payload>;

/**
 * The automatic share of each purchase: an order's points earned available, or unlocked after
 * their pending period, give the member's chosen share to their charity (charity-share.service.ts).
 * A redelivered event gives nothing more (the donation is keyed by the entry).
 */
export const charityShareSubscriber = defineSubscriber({
  name: 'loyalty.charity-share',
  topics: [LOYALTY_EVENTS.earned, LOYALTY_EVENTS.unlocked],
  payload: Payload,
  accepts: (tenantId, _topic, database) => workspaceHasShares(database.db, tenantId),
  async run(event: DomainEvent<Payload>, { database, clock }) {
    const { customerId, entryId, points, pendingUntil, externalId } = event.payload;
    if (event.topic === LOYALTY_EVENTS.earned && (pendingUntil || !externalId)) return;
    await giveCharityShare(database, { tenantId: event.tenantId, customerId, entryId, points }, clock.now());
  },
});
