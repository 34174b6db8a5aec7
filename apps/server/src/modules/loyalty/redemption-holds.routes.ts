import { CreateHold, HoldExpiryRunView, HoldList, HoldListQuery, HoldParams, HoldView, LoyaltyCustomerParams, SettleHold } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { captureHold, getHold, listMemberHolds, placeHold, refundHold, releaseExpiredHolds, releaseHold } from './redemption-holds.service.ts';
import { ledgerContext, requestKey } from './ledger.routes.ts';

export function registerLoyaltyHoldRoutes(app: App, deps: ModuleDeps): void {
  const { database } = deps;

  app.post('/api/loyalty/holds', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'],
      summary: 'Hold points for a checkout',
      operationId: 'holdLoyaltyPoints',
      description: 'Moves `points` (or a reward\'s cost, taking one of its stock) from the member\'s available points to held, drawing on the lots that expire soonest first and recording which. Needs `externalId` (the checkout\'s transaction id) or the `Idempotency-Key` header (400 `idempotency_key_required`); the same key again answers the first hold with 200, a key used for another hold 409 `external_id_conflict`. Refused with nothing written: 409 `insufficient_points`, `reward_unavailable`, `reward_out_of_stock`, `reward_limit_reached`; 422 `reward_not_found`. The hold lasts `ttlSeconds` (default 900): then the expiry job releases it. Publishes `loyalty.points_held`.',
      problems: [409, 422],
      body: CreateHold,
      response: { 200: HoldView, 201: HoldView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await placeHold(tx, ledgerContext(req), req.body, requestKey(req));
      return { status: outcome.changed ? 201 : 200, body: outcome.hold };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/holds/:holdId', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'A hold and its entries', operationId: 'getLoyaltyHold', params: HoldParams, response: { 200: HoldView } },
  }, async (req) => getHold(database.db, req.tenantId, req.params.holdId));

  app.get('/api/loyalty/members/:customerId/holds', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'],
      summary: 'A member\'s holds, newest first',
      operationId: 'listLoyaltyMemberHolds',
      description: '`held`: the member\'s points in holds still held (set aside for a checkout, not spendable and not in `available`). Filter by `status`.',
      params: LoyaltyCustomerParams,
      querystring: HoldListQuery,
      response: { 200: HoldList },
    },
  }, async (req) => listMemberHolds(database.db, req.tenantId, req.params.customerId, req.query));

  app.post('/api/loyalty/holds/:holdId/capture', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'],
      summary: 'Capture a hold: the checkout completed',
      operationId: 'captureLoyaltyHold',
      description: 'Moves the held points to redemptions, once: a second capture answers the first (200). A released hold: 409 `hold_released`; one past its expiry: 409 `hold_expired`. Publishes `loyalty.points_redeemed`.',
      problems: [409],
      params: HoldParams,
      body: SettleHold,
      response: { 200: HoldView, 201: HoldView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await captureHold(tx, ledgerContext(req), req.params.holdId, req.body);
      return { status: outcome.changed ? 201 : 200, body: outcome.hold };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/holds/:holdId/release', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'],
      summary: 'Release a hold: the checkout was abandoned',
      operationId: 'releaseLoyaltyHold',
      description: 'Gives the held points back to exactly the lots they were drawn from (a lot that expired meanwhile expires at once) and the reward\'s stock, once: a second release answers the first (200). A captured hold: 409 `hold_captured`. Publishes `loyalty.hold_released`.',
      problems: [409],
      params: HoldParams,
      body: SettleHold,
      response: { 200: HoldView, 201: HoldView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await releaseHold(tx, ledgerContext(req), req.params.holdId, req.body);
      return { status: outcome.changed ? 201 : 200, body: outcome.hold };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/holds/:holdId/refund', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Refund a captured hold: the order was cancelled',
      operationId: 'refundLoyaltyHold',
      description: 'Reverses the capture: the points go from redemptions back to available, to exactly the lots the hold drew on (a lot past its expiry by then expires at once), and the reward gets its stock back. Once: a second refund answers the first (200). A hold not captured: 409 `hold_not_captured` (release it instead). Publishes `loyalty.entry_reversed`.',
      problems: [409],
      params: HoldParams,
      body: SettleHold,
      response: { 200: HoldView, 201: HoldView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await refundHold(tx, ledgerContext(req), req.params.holdId, req.body);
      return { status: outcome.changed ? 201 : 200, body: outcome.hold };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/hold-expiry-runs', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Release the holds past their expiry now',
      operationId: 'runLoyaltyHoldExpiry',
      description: 'What the every-minute job does, for this workspace. Safe to run twice or concurrently: a hold no longer held is left as it is.',
      response: { 200: HoldExpiryRunView },
    },
  }, async (req, reply) => reply.send(await releaseExpiredHolds(database, req.tenantId, new Date())));
}
