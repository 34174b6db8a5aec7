import { LoyaltyCustomerParams, LoyaltyTransferView, TransferPoints } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { ledgerContext, requestKey } from './ledger.routes.ts';
import { transferPoints } from './transfers.service.ts';

export function registerLoyaltyTransferRoutes(app: App, _deps: ModuleDeps): void {
  app.post('/api/loyalty/members/:customerId/transfers', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'],
      summary: 'Give a member\'s points to another member',
      operationId: 'transferLoyaltyPoints',
      description: 'One `transfer` entry: the member\'s available points → the receiver\'s (`toCustomerId`, a customer of this workspace, made a member if need be), drawn from the lots that expire soonest first and recorded. The receiver gets one lot per expiry drawn, with that expiry, so giving points never lengthens or shortens their life. Only spendable points move: qualifying (tier) points stay with whoever earned them, and the transfer counts neither as spend nor as earning for tiers, challenges or charity shares. Keyed like a redemption: `externalId` or the `Idempotency-Key` header (without either, 400 `idempotency_key_required`); the same key again answers the first transfer with 200, used for another, 409 `external_id_conflict`. More than the member\'s available points (net of what it owes): 409 `insufficient_points`, nothing written. Concurrent transfers of one member take turns and never give more than there is; two members giving to each other at once take turns too (locked in one order). To oneself: 422 `transfer_to_self`; points not a whole number from 1: 422. An unknown or erased receiver (another workspace\'s included): 404 `transfer_receiver_not_found`; an unknown or erased sender: 404; a merged sender or receiver: 409 `customer_merged`. What the receiver owes is repaid first from what it receives. Audited. Publishes `loyalty.points_transferred`.',
      problems: [409, 422],
      params: LoyaltyCustomerParams,
      body: TransferPoints,
      response: { 200: LoyaltyTransferView, 201: LoyaltyTransferView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await transferPoints(tx, ledgerContext(req), req.params.customerId, req.body, requestKey(req));
      return { status: outcome.created ? 201 : 200, body: outcome.transfer };
    });
    return sendWrite(reply, result);
  });
}
