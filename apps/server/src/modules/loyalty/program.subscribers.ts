import { z } from 'zod';
import type { LoyaltyEventRule } from '@vafa/contracts';
import type { Database } from '../../platform/db/connect.ts';
import { defineSubscriber, type DomainEvent } from '../../platform/events/outbox.ts';
import type { JobContext } from '../../platform/jobs/registry.ts';
import { Problem } from '../../platform/http/problem.ts';
import { resolveCustomer } from '../customers/index.ts';
import { giftCoupon } from './coupons.service.ts';
import { awardEvent } from './earning.service.ts';
import { programsForEvent, type Program } from './program.service.ts';
import { referralAward } from './referrals.service.ts';

// Points for what customers do elsewhere: answering a survey (`response.submitted`), a complaint's
// goodwill gesture (`complaint.goodwill`), a referral that qualified. Each program with
// a rule for the topic awards once per event key (the response, the gesture's own idempotency
// key, ...), so a redelivered event earns nothing more.
// A survey's "points for answering" (its incentivePoints) is what an answer earns in each active
// program whose response.submitted rule covers the survey, in place of the rule's own points: the
// program's rule says where answers earn, the survey how much. A program without such a rule pays
// nothing for answers, incentive or not (so two programs never pay twice unasked). Anonymous
// answers carry no customer and earn nothing.
// A goodwill gesture of kind `coupon` never earns points: it gives the member one code of the
// discount-coupon reward the complaint settings name (rewardId), once per gesture whatever the
// programs (a coupon is no program's), with or without a program rule for the topic.

const Payload = z.object({
  customerId: z.string().optional(),
  // response.submitted
  surveyId: z.string().optional(),
  responseId: z.string().optional(),
  /** the survey's points for answering, when it sets them */
  incentivePoints: z.number().optional(),
  // complaint.goodwill (its kind and amount say the gesture)
  kind: z.string().optional(),
  amount: z.number().optional(),
  /** a coupon gesture's discount-coupon reward */
  rewardId: z.string().optional(),
  idempotencyKey: z.string().optional(),
  // referral.qualified
  referralId: z.string().optional(),
}).passthrough();
type Payload = z.infer<typeof Payload>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event's key and points under a program's rule; undefined: this rule awards nothing for it. */
export function eventAward(topic: string, payload: Payload, rule: LoyaltyEventRule): { key: string; points: number } | undefined {
  switch (topic) {
    case 'response.submitted': {
      if (!payload.responseId || !payload.surveyId) return undefined;
      if (rule.surveyIds && !rule.surveyIds.includes(payload.surveyId)) return undefined;
      const incentive = Number.isInteger(payload.incentivePoints) && payload.incentivePoints! > 0 ? payload.incentivePoints! : undefined;
      const points = incentive ?? rule.points;
      return points ? { key: payload.responseId, points } : undefined;
    }
    case 'complaint.goodwill': {
      if (!payload.idempotencyKey || payload.kind === 'coupon') return undefined;
      const points = rule.points ?? (payload.kind === 'points' && Number.isInteger(payload.amount) ? payload.amount! : 0);
      return points > 0 ? { key: payload.idempotencyKey, points } : undefined;
    }
    case 'referral.qualified':
      return payload.referralId && rule.points ? { key: payload.referralId, points: rule.points } : undefined;
    default:
      return undefined;
  }
}

// Birthdays have no event: the loyalty.birthday-points job awards them (birthday-points.ts).
const TOPICS = ['response.submitted', 'complaint.goodwill', 'referral.qualified'];

export const programEventsSubscriber = defineSubscriber({
  name: 'loyalty.program-events',
  topics: TOPICS,
  payload: Payload,
  // Only workspaces with a program rewarding the topic get jobs (most answers earn nothing).
  async accepts(tenantId, topic, database) {
    // The workspace's own referrals name their program and points (referrals.service.ts): no rule
    // needed; a goodwill coupon needs none either (and goodwill gestures are few).
    if (topic === 'referral.qualified' || topic === 'complaint.goodwill') return true;
    return (await programsForEvent(database.db, tenantId, topic)).length > 0;
  },
  async run(event: DomainEvent<Payload>, { database, clock, log }) {
    const { customerId } = event.payload;
    if (!customerId || !UUID.test(customerId)) return;
    if (event.topic === 'complaint.goodwill' && event.payload.kind === 'coupon') {
      await giveGoodwillCoupon(database, event, customerId, clock.now(), log);
      return;
    }
    const own = event.topic === 'referral.qualified' ? await referralAward(database.db, event.tenantId, event.payload) : undefined;
    if (own === null) return;
    const programs: Program[] = own ? [own.program] : await programsForEvent(database.db, event.tenantId, event.topic);
    for (const program of programs) {
      const rule = program.settings.events.find((r) => r.topic === event.topic);
      const award = own?.award ?? (rule && eventAward(event.topic, event.payload, rule));
      if (!award) continue;
      const earn = (who: string) => database.db.transaction((tx) =>
        awardEvent(tx, { tenantId: event.tenantId, source: `system:event:${event.topic}`, now: clock.now() }, program, { topic: event.topic, customerId: who, ...award }));
      try {
        await earn(customerId);
      } catch (error) {
        // A customer merged into another since (a referrer whose friend qualified later, an answer sent
        // before the merge): the points go to the record that survived, once (the award is keyed by the event).
        const survivor: { id: string } | null = error instanceof Problem && error.code === 'customer_merged'
          ? await database.db.transaction((tx): Promise<{ id: string }> => resolveCustomer(tx, event.tenantId, { id: customerId }, { createIfMissing: false }))
            .catch((): null => null)
          : null;
        try {
          if (survivor && survivor.id !== customerId) await earn(survivor.id);
          else throw error;
        } catch (failure) {
          // A customer since erased (404), or merged with no live survivor (409), has no points to earn here.
          if (failure instanceof Problem && (failure.status === 404 || failure.status === 409)) continue;
          throw failure;
        }
      }
    }
  },
});

/** One code of the gesture's coupon reward, once per gesture; a reward gone, archived or out of codes gives nothing (logged). */
async function giveGoodwillCoupon(database: Database, event: DomainEvent<Payload>, customerId: string, now: Date, log: JobContext['log']): Promise<void> {
  const { rewardId, idempotencyKey, caseId } = event.payload;
  if (!idempotencyKey) return;
  if (!rewardId || !UUID.test(rewardId)) {
    log.warn({ tenantId: event.tenantId, idempotencyKey }, 'goodwill coupon names no coupon reward: nothing given');
    return;
  }
  try {
    await database.db.transaction((tx) => giftCoupon(tx, { tenantId: event.tenantId, source: `system:event:${event.topic}`, now }, rewardId, {
      customerId, key: idempotencyKey, reason: typeof caseId === 'string' ? `complaint:${caseId}` : null,
    }));
  } catch (error) {
    // Erased (404) or merged (409 member) customers, and a reward no longer a coupon or out of codes (409), get nothing.
    if (error instanceof Problem && (error.status === 404 || error.status === 409)) {
      log.warn({ tenantId: event.tenantId, idempotencyKey, code: error.code }, 'goodwill coupon not given');
      return;
    }
    throw error;
  }
}
