import { z } from 'zod';
import { LOYALTY_ACTION_TOPIC } from '@vafa/contracts';
import { defineSubscriber, type DomainEvent } from '../../platform/events/outbox.ts';
import { Problem } from '../../platform/http/problem.ts';
import { awardAction, programsForAction, ruleMatches, type ActionPayload } from './customer-events.service.ts';

// A reported action (a review, a workspace's own action) earns in each active program with a rule
// for it, each program in its own transaction (customer-events.service.ts).

const Payload = z.object({
  type: z.string(),
  externalId: z.string(),
  customerId: z.string(),
  occurredAt: z.string(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

export const actionEventsSubscriber = defineSubscriber({
  name: 'loyalty.action-events',
  topics: [LOYALTY_ACTION_TOPIC],
  payload: Payload,
  async run(event: DomainEvent<ActionPayload>, { database, clock }) {
    const programs = await programsForAction(database.db, event.tenantId, event.payload.type);
    for (const program of programs) {
      const rule = (program.settings.actions ?? []).find((r) => ruleMatches(r, event.payload.type));
      if (!rule) continue;
      try {
        await database.db.transaction((tx) =>
          awardAction(tx, { tenantId: event.tenantId, source: `system:event:${LOYALTY_ACTION_TOPIC}`, now: clock.now() }, program, rule, event.payload));
      } catch (error) {
        // A customer since erased (404) or merged into another (409) has no points to earn here.
        if (error instanceof Problem && (error.status === 404 || error.status === 409)) continue;
        throw error;
      }
    }
  },
});
