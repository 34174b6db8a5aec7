import type { LoyaltyEntryDetailView, ReverseEntry } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { reverseEntry, type LedgerContext } from './ledger.service.ts';
import { repayOwedFromAvailable } from './negative-balance.ts';
import { forwardToSurvivor } from './member-merge.service.ts';
import * as partners from './partners.repo.ts';
import { monthOf } from './partners.service.ts';

/**
 * A staff reversal (ledger.service.ts reverseEntry) and, when it gave points back (a redemption
 * reversed), the repayment of what the member owes from them at once, in the same transaction:
 * an `adjust` entry keyed by the reversal, as an earn repays from its new lot
 * (negative-balance.ts). Without it the debt waited for the member's next spend.
 *
 * A partner offer's redemption billed to the workspace (at_redemption) is cancelled only while its
 * settlement month (the workspace's calendar and time zone) is open: once the month has ended its
 * bill may be paid, so the refusal (409 `partner_redemption_settled`) points to a partner
 * correction instead, which finance agrees with the partner. A cancellation is audited.
 *
 * Any partner entry reversed (a cancelled redemption, an unbilled one, an earn taken back) frees
 * what it took of the partner's monthly cap in the month it was counted in, so a cancellation in
 * the same month makes room for the next redemption; an earlier month's leaves this one alone.
 */
async function partnerMonthOf(tx: Executor, tenantId: string, at: Date) {
  const settings = await workspaceSettings(tx, tenantId);
  return monthOf(settings.calendar, settings.timeZone, at);
}

export async function reverseEntryRepayingOwed(tx: Executor, ctx: LedgerContext, entryId: number, input: ReverseEntry): Promise<LoyaltyEntryDetailView> {
  const billed = await partners.findPartnerEntry(tx, ctx.tenantId, entryId);
  const cancelsBill = billed?.direction === 'redeem' && billed.billed;
  // The month (workspace calendar and time zone) of a partner's entry: its counter is freed below.
  const month = billed ? await partnerMonthOf(tx, ctx.tenantId, billed.createdAt) : undefined;
  // The partner's row as an earning or redemption reads it (KEY SHARE), before the member's lock as
  // they take it: a change of its caps (FOR UPDATE, recounting the month) waits for this reversal
  // or is waited for, so the recount and the release below never miss each other.
  if (billed) await partners.findPartner(tx, ctx.tenantId, billed.partnerId, 'share');
  if (cancelsBill && month) {
    if (ctx.now >= month.to) {
      throw new Problem(409, 'partner_redemption_settled', {
        partnerId: billed.partnerId, period: `${String(month.year).padStart(4, '0')}-${String(month.month).padStart(2, '0')}`, calendar: month.calendar,
      });
    }
  }
  const reversal = await reverseEntry(tx, ctx, entryId, input);
  if (reversal.points.available > 0 && reversal.customerId !== null) {
    await repayOwedFromAvailable(tx, ctx, reversal.customerId, { kind: 'reversal', entryId: reversal.id });
    // A merged record's points given back go on to its survivor (member-merge.service.ts).
    await forwardToSurvivor(tx, ctx, reversal.customerId, reversal.id);
  }
  // What the entry took of its partner's monthly cap is free again, in its own month; last, as the
  // stripe it goes back to stays locked until commit (a redemption also takes its room last).
  if (billed && month) {
    await partners.releaseCapRoom(tx, { tenantId: ctx.tenantId, partnerId: billed.partnerId, from: month.from, direction: billed.direction as 'earn' | 'redeem' }, billed.points);
  }
  if (cancelsBill) {
    await recordAudit(tx, ctx.tenantId, ctx.actor ?? null, {
      action: 'loyalty.partner_redemption.cancelled', targetType: 'loyalty_entry', targetId: String(entryId),
      details: {
        reversalEntryId: reversal.id, partnerId: billed.partnerId, offerId: billed.offerId, customerId: billed.customerId, points: billed.points,
        amountMinor: billed.amountMinor, currency: billed.currency, reason: input.reason,
      },
    });
  }
  return reversal;
}
