import {
  CreateLoyaltyTier, LoyaltyMemberTierParams, LoyaltyMemberTierView, LoyaltyProgramParams, LoyaltyTierList, LoyaltyTierParams, LoyaltyTierSettings, LoyaltyTierView,
  UpdateLoyaltyTier, NoContent,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { createTier, deleteTier, getMemberTier, listTiers, putTierSettings, updateTier } from './tiers.service.ts';

const TAGS = ['loyalty'];

export function registerLoyaltyTierRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/programs/:programId/tiers', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: TAGS, summary: 'A program\'s tiers and how members qualify', operationId: 'listLoyaltyTiers',
      description: 'Tiers lowest threshold first (rank 1 the lowest), and the settings: the basis (qualifying points, spend in minor units or order count), the window (rolling N days, or a calendar year: Solar Hijri from Nowruz, Umm al-Qura or Gregorian, in the workspace\'s time zone), the downgrade policy and its grace days.',
      params: LoyaltyProgramParams, response: { 200: LoyaltyTierList },
    },
  }, async (req) => listTiers(db, req.tenantId, req.params.programId));

  app.put('/api/loyalty/programs/:programId/tier-settings', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Set how a program\'s members qualify for tiers and lose them', operationId: 'putLoyaltyTierSettings',
      description: 'Upgrades happen at once when an earn crosses a threshold; downgrades at the re-evaluation after each period (the hourly `loyalty.tier-reevaluation` job): `none` keeps the tier, `one_step` moves one tier down, `recalculate` to the tier the period qualifies for; after `graceDays` days, unless the member qualifies again meanwhile. Applies from the next earn and re-evaluation. Audited.',
      params: LoyaltyProgramParams, body: LoyaltyTierSettings, response: { 200: LoyaltyTierList },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await putTierSettings(tx, req.tenantId, req.actor!, req.params.programId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.post('/api/loyalty/programs/:programId/tiers', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Add a tier', operationId: 'createLoyaltyTier',
      description: 'Names in fa, ar and en, the threshold the basis must reach in the window (unique in the program: 409 `tier_threshold_taken`), and the earn multiplier of its members on spend points in percent (rounded once with the order, by the program\'s mode). Audited.',
      problems: [409], params: LoyaltyProgramParams, body: CreateLoyaltyTier, response: { 201: LoyaltyTierView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createTier(tx, req.tenantId, req.actor!, req.params.programId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/loyalty/programs/:programId/tiers/:tierId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Change a tier', operationId: 'updateLoyaltyTier',
      description: 'Name, threshold (409 `tier_threshold_taken`) or multiplier. Members move by the new thresholds at their next earn (up) or the next re-evaluation (down). Audited.',
      problems: [409], params: LoyaltyTierParams, body: UpdateLoyaltyTier, response: { 200: LoyaltyTierView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateTier(tx, req.tenantId, req.actor!, req.params.programId, req.params.tierId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/loyalty/programs/:programId/tiers/:tierId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: TAGS, summary: 'Delete a tier no member holds', operationId: 'deleteLoyaltyTier',
      description: 'A tier a member holds or is due to move to is 409 `tier_in_use`. Its past changes stay. Audited.',
      problems: [409], params: LoyaltyTierParams,
      response: { 204: NoContent.describe('Deleted') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await deleteTier(tx, req.tenantId, req.actor!, req.params.programId, req.params.tierId);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/programs/:programId/members/:customerId/tier', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: TAGS, summary: 'A member\'s tier and progress to the next', operationId: 'getLoyaltyMemberTier',
      description: 'The tier and since when, the basis\'s value in the current window and the window\'s bounds (a calendar year\'s end, or now for a rolling window), the next tier and what is still needed, a downgrade waiting out its grace period, and the latest 50 changes (from, to, why, when).',
      params: LoyaltyMemberTierParams, response: { 200: LoyaltyMemberTierView },
    },
  }, async (req) => getMemberTier(db, req.tenantId, req.params.programId, req.params.customerId, new Date()));
}
