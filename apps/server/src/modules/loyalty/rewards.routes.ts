import { CreateReward, RewardList, RewardListQuery, RewardParams, RewardView, UpdateReward, NoContent } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { archiveReward, createReward, getReward, listRewards, updateReward } from './rewards.service.ts';

export function registerLoyaltyRewardRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/rewards', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'],
      summary: 'The rewards catalogue',
      operationId: 'listLoyaltyRewards',
      description: 'Rewards on offer now (active, inside their window, with stock left), oldest first; `all=true` lists archived, inactive, past and sold-out ones too.',
      querystring: RewardListQuery,
      response: { 200: RewardList },
    },
  }, async (req) => ({ items: await listRewards(db, req.tenantId, req.query.all === 'true', new Date()) }));

  app.post('/api/loyalty/rewards', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Add a reward to the catalogue',
      operationId: 'createLoyaltyReward',
      description: 'A name in fa, ar and/or en, a points cost, an optional stock (absent: unlimited), per-member limit and validity window. The kinds `partner_offer` and `donation` are refused with nothing written (422 `reward_kind_use_partner_offers`: offers belong to their partner, /api/loyalty/partners/{partnerId}/offers; 422 `reward_kind_use_charities`: donations go through /api/loyalty/donations); rewards already of those kinds stay readable.',
      problems: [422],
      body: CreateReward,
      response: { 201: RewardView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createReward(tx, req.tenantId, req.actor, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/rewards/:rewardId', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'One reward', operationId: 'getLoyaltyReward', params: RewardParams, response: { 200: RewardView } },
  }, async (req) => getReward(db, req.tenantId, req.params.rewardId));

  app.patch('/api/loyalty/rewards/:rewardId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Change a reward',
      operationId: 'updateLoyaltyReward',
      description: 'A new `stock` is the new total: the stock left moves by the difference, and a total below what holds and redemptions already took is refused (422 `stock_below_taken`). An archived reward cannot change (409 `reward_archived`).',
      problems: [409, 422],
      params: RewardParams,
      body: UpdateReward,
      response: { 200: RewardView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateReward(tx, req.tenantId, req.actor, req.params.rewardId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/loyalty/rewards/:rewardId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'],
      summary: 'Archive a reward',
      operationId: 'archiveLoyaltyReward',
      description: 'Takes it off the catalogue for good; it stays readable, and holds already made can still be captured or released.',
      params: RewardParams,
      response: { 204: NoContent.describe('Archived') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await archiveReward(tx, req.tenantId, req.actor, req.params.rewardId, new Date());
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });
}
