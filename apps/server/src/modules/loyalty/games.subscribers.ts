import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { LoyaltyGameTopic } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { defineSubscriber, type DomainEvent } from '../../platform/events/outbox.ts';
import { countGameEvent, gamesForTopic, workspaceCountsTopic, type GameEvent } from './games.service.ts';
import { LOYALTY_EVENTS } from './ledger.service.ts';
import { loyaltyOrders } from './program.schema.ts';

// Progress of challenges and streaks from the events loyalty already consumes: a purchase earned
// through a program (`loyalty.points_earned` of an order, read with its lines for amounts and
// categories), an order recorded (`order.placed`), a survey answered, a referral qualified. Each
// game counts an event once by the event's own key (the order, the response), however often and
// under whatever outbox id it is delivered.

const Payload = z.object({
  customerId: z.string().optional(),
  occurredAt: z.string().optional(),
  // loyalty.points_earned
  externalId: z.string().nullable().optional(),
  programId: z.string().optional(),
  // order.placed
  orderId: z.string().optional(),
  amountMinor: z.number().optional(),
  // response.submitted
  surveyId: z.string().optional(),
  responseId: z.string().optional(),
  // referral.qualified
  referralId: z.string().optional(),
}).passthrough();
type Payload = z.infer<typeof Payload>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GAME_TOPIC_OF: Record<string, LoyaltyGameTopic> = {
  [LOYALTY_EVENTS.earned]: 'purchase',
  'order.placed': 'order.placed',
  'response.submitted': 'response.submitted',
  'referral.qualified': 'referral.qualified',
};

function instant(value: string | undefined, fallback: string): Date {
  const at = value === undefined ? new Date(fallback) : new Date(value);
  return Number.isNaN(at.getTime()) ? new Date(fallback) : at;
}

/** The event as games see it; undefined when it is nothing a game counts (an earn that is not a purchase, a payload without its key). */
export async function gameEventOf(db: Executor, event: DomainEvent<Payload>): Promise<GameEvent | undefined> {
  const topic = GAME_TOPIC_OF[event.topic];
  const { customerId } = event.payload;
  if (!topic || !customerId || !UUID.test(customerId)) return undefined;
  const at = instant(event.payload.occurredAt, event.occurredAt);
  switch (topic) {
    case 'purchase': {
      const { externalId, programId } = event.payload;
      if (!externalId || !programId || !UUID.test(programId)) return undefined;
      const [order] = await db.select({ lines: loyaltyOrders.lines, createdAt: loyaltyOrders.createdAt }).from(loyaltyOrders).where(and(
        eq(loyaltyOrders.tenantId, event.tenantId), eq(loyaltyOrders.programId, programId), eq(loyaltyOrders.externalId, externalId)));
      if (!order) return undefined;
      const lines = order.lines as { category: string | null; amount: number }[];
      const amountByCategory: Record<string, number> = {};
      for (const line of lines) if (line.category) amountByCategory[line.category] = (amountByCategory[line.category] ?? 0) + Number(line.amount);
      return {
        topic, customerId, key: `${programId}:${externalId}`, at: event.payload.occurredAt ? at : order.createdAt,
        amountMinor: lines.reduce((sum, l) => sum + Number(l.amount), 0), amountByCategory,
      };
    }
    case 'order.placed':
      return event.payload.orderId ? { topic, customerId, key: event.payload.orderId, at, ...(event.payload.amountMinor === undefined ? {} : { amountMinor: event.payload.amountMinor }) } : undefined;
    case 'response.submitted':
      return event.payload.responseId ? { topic, customerId, key: event.payload.responseId, at, ...(event.payload.surveyId ? { surveyId: event.payload.surveyId } : {}) } : undefined;
    case 'referral.qualified':
      return event.payload.referralId ? { topic, customerId, key: event.payload.referralId, at } : undefined;
    default:
      return undefined;
  }
}

export const gamesSubscriber = defineSubscriber({
  name: 'loyalty.games',
  topics: Object.keys(GAME_TOPIC_OF),
  payload: Payload,
  // Only workspaces with an active game counting the topic get jobs.
  accepts: (tenantId, topic, database) => workspaceCountsTopic(database.db, tenantId, GAME_TOPIC_OF[topic] ?? topic),
  async run(event: DomainEvent<Payload>, { database, clock }) {
    const gameEvent = await gameEventOf(database.db, event);
    if (!gameEvent) return;
    for (const game of await gamesForTopic(database.db, event.tenantId, gameEvent.topic)) {
      await database.db.transaction((tx) => countGameEvent(tx, event.tenantId, game, gameEvent, clock.now()));
    }
  },
});
