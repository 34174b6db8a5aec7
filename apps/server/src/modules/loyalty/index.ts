import type { VafaModule } from '../../platform/module.ts';
import { settleDueJob } from './ledger.jobs.ts';
import { registerLoyaltyLedgerRoutes } from './ledger.routes.ts';

/**
 * Loyalty: the points ledger (an append-only double-entry journal with lots, ledger.schema.ts),
 * earning, spending, reversals, the due work (unlocks, expiries) and `verify`. Programs, tiers,
 * rewards, partners and the member portal build on it. This is the only file other modules import.
 */
export const loyaltyModule: VafaModule = {
  name: 'loyalty',
  registerRoutes(app, deps) {
    registerLoyaltyLedgerRoutes(app, deps);
  },
  jobs: [settleDueJob],
};

export { LOYALTY_EVENTS, earnPoints, redeemPoints, reverseEntry, settleDue, settleDueBatch, settleDueEverywhere, type LedgerContext } from './ledger.service.ts';
export { verifyLedger } from './ledger-verify.service.ts';
export { runLoyaltyVerifyCommand } from './ledger-verify.cli.ts';
