import { LoyaltyCustomerEvent, LoyaltyCustomerEventView } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { reportCustomerEvent } from './customer-events.service.ts';
import { ledgerContext } from './ledger.routes.ts';

export function registerLoyaltyCustomerEventRoutes(app: App, _deps: ModuleDeps): void {
  app.post('/api/loyalty/events', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Report a customer\'s action to earn on: a review, or an action the workspace defines', operationId: 'reportLoyaltyCustomerEvent',
      description: 'A shop tells Vafa what a customer did: `type` is `review` (a product review written) or the key of a custom action a program of the workspace defines (else 422 `unknown_event_type`). The customer is `customerId` or the shop\'s own reference `customerRef` (the customer\'s `externalId`), exactly one (422 `event_customer_required`); another workspace\'s or an erased customer is 422 `unknown_customer`, a merged one 409 `customer_merged`. `attributes` (at most 20: `rating`, `sku`, `has_text`…) are what rules may set a condition on. Recorded once per type and `externalId`: the same action again answers the first with 200, the same id for another customer or with other attributes is 409 `external_id_conflict`. Publishes `loyalty.action_reported`; each active program with a rule for the action then earns on it by its rule (points, condition, caps per day and per period, tier multiplier), once per program and action, in the member\'s history as a review or the action\'s name.',
      problems: [409, 422], body: LoyaltyCustomerEvent, response: { 200: LoyaltyCustomerEventView, 201: LoyaltyCustomerEventView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await reportCustomerEvent(tx, ledgerContext(req), req.body);
      return { status: outcome.created ? 201 : 200, body: outcome.event };
    });
    return sendWrite(reply, result);
  });
}
