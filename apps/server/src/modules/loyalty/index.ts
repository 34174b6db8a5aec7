import type { VafaModule } from '../../platform/module.ts';
import { registerCustomerDataExporter, registerEraseHook, registerMergeHook } from '../customers/index.ts';
import { eraseMemberLoyalty } from './member-erasure.service.ts';
import { exportCustomerLoyalty } from './member-export.ts';
import { mergeMemberLoyalty } from './member-merge.service.ts';
import { birthdayPointsJob } from './birthday-points.ts';
import { expiryNoticesJob } from './expiry-notices.ts';
import { expireInactiveJob } from './inactivity-expiry.ts';
import { settleDueJob } from './ledger.jobs.ts';
import { registerLoyaltyLedgerRoutes } from './ledger.routes.ts';
import { registerLoyaltyFinanceRoutes } from './finance.routes.ts';
import { registerLoyaltyListRoutes } from './loyalty-lists.routes.ts';
import { charityShareSubscriber } from './charity-share.subscribers.ts';
import { registerLoyaltyCharityRoutes } from './charity.routes.ts';
import { registerLoyaltyCouponRoutes } from './coupons.routes.ts';
import { pruneMemberSignInsJob } from './member-portal.jobs.ts';
import { registerMemberPortalRoutes } from './member-portal.routes.ts';
import { releaseExpiredHoldsJob } from './redemption-holds.jobs.ts';
import { registerLoyaltyHoldRoutes } from './redemption-holds.routes.ts';
import { registerLoyaltyRewardRoutes } from './rewards.routes.ts';
import { registerLoyaltyProgramRoutes } from './program.routes.ts';
import { programEventsSubscriber } from './program.subscribers.ts';
import { tierReevaluationJob } from './tiers.jobs.ts';
import { registerLoyaltyTierRoutes } from './tiers.routes.ts';
import { registerLoyaltyGameRoutes } from './games.routes.ts';
import { gamesSubscriber } from './games.subscribers.ts';
import { expireBonusCreditJob } from './credit.jobs.ts';
import { registerLoyaltyCreditRoutes } from './credit.routes.ts';
import { registerLoyaltyPartnerRoutes } from './partners.routes.ts';
import { registerLoyaltyReferralRoutes } from './referrals.routes.ts';
import { referralQualificationSubscriber } from './referrals.subscribers.ts';
import { registerLoyaltyTransferRoutes } from './transfers.routes.ts';
import { registerLoyaltyCustomerEventRoutes } from './customer-events.routes.ts';
import { actionEventsSubscriber } from './customer-events.subscribers.ts';

/**
 * Loyalty: the points ledger (an append-only double-entry journal with lots, ledger.schema.ts),
 * earning, spending, reversals, the due work (unlocks, expiries) and `verify`. Programs, tiers,
 * rewards, partners and the member portal build on it. This is the only file other modules import.
 */
// A customer's merge, erasure and data export reach their loyalty, in the customers module's transaction
// (member-merge.service.ts, member-erasure.service.ts, member-export.ts).
registerMergeHook((tx, tenantId, sourceId, targetId) => mergeMemberLoyalty(tx, tenantId, sourceId, targetId));
registerEraseHook((tx, tenantId, customerId, former) => eraseMemberLoyalty(tx, tenantId, customerId, former));
registerCustomerDataExporter('loyalty', exportCustomerLoyalty);

export const loyaltyModule: VafaModule = {
  name: 'loyalty',
  registerRoutes(app, deps) {
    registerLoyaltyLedgerRoutes(app, deps);
    registerLoyaltyRewardRoutes(app, deps);
    registerLoyaltyHoldRoutes(app, deps);
    registerLoyaltyCharityRoutes(app, deps);
    registerLoyaltyProgramRoutes(app, deps);
    registerMemberPortalRoutes(app, deps);
    registerLoyaltyTierRoutes(app, deps);
    registerLoyaltyCouponRoutes(app, deps);
    registerLoyaltyGameRoutes(app, deps);
    registerLoyaltyCreditRoutes(app, deps);
    registerLoyaltyFinanceRoutes(app, deps);
    registerLoyaltyListRoutes(app, deps);
    registerLoyaltyPartnerRoutes(app, deps);
    registerLoyaltyReferralRoutes(app, deps);
    registerLoyaltyTransferRoutes(app, deps);
    registerLoyaltyCustomerEventRoutes(app, deps);
  },
  jobs: [releaseExpiredHoldsJob, settleDueJob, expireInactiveJob, expiryNoticesJob, birthdayPointsJob, tierReevaluationJob, pruneMemberSignInsJob, expireBonusCreditJob],
  // Programs' points for survey answers, complaint goodwill and qualified referrals (program.subscribers.ts).
  subscribers: [programEventsSubscriber, charityShareSubscriber, referralQualificationSubscriber, gamesSubscriber,
    // Points for actions a shop reports: reviews and the workspace's own actions (customer-events.*).
    actionEventsSubscriber],
};

export { LOYALTY_EVENTS, earnPoints, redeemPoints, reverseEntry, settleDue, settleDueBatch, settleDueEverywhere, type LedgerContext } from './ledger.service.ts';
export { verifyLedger } from './ledger-verify.service.ts';
export { isGiftableCoupon } from './coupons.service.ts';
export { runLoyaltyVerifyCommand } from './ledger-verify.cli.ts';
export { TIER_CHANGED } from './tiers.service.ts';
// A member's standing and what events booked, for a complaint case's customer context (member-standing.ts).
export { bookedForEvents, memberStanding } from './member-standing.ts';
