import type { LoyaltyEntryDetailView, ReverseEntry } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { reverseEntry, type LedgerContext } from './ledger.service.ts';
import { repayOwedFromAvailable } from './negative-balance.ts';

/**
 * A staff reversal (ledger.service.ts reverseEntry) and, when it gave points back (a redemption
 * reversed), the repayment of what the member owes from them at once, in the same transaction:
 * an `adjust` entry keyed by the reversal, as an earn repays from its new lot
 * (negative-balance.ts). Without it the debt waited for the member's next spend.
 */
export async function reverseEntryRepayingOwed(tx: Executor, ctx: LedgerContext, entryId: number, input: ReverseEntry): Promise<LoyaltyEntryDetailView> {
  const reversal = await reverseEntry(tx, ctx, entryId, input);
  if (reversal.points.available > 0 && reversal.customerId !== null) {
    await repayOwedFromAvailable(tx, ctx, reversal.customerId, { kind: 'reversal', entryId: reversal.id });
  }
  return reversal;
}
