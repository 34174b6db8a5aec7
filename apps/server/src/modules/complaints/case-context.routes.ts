import { CaseLoyaltyView, CaseSurveyOriginView, IdParams } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { caseLoyalty, caseSurveyOrigin } from './case-context.service.ts';

/** A case page's customer context that belongs to other modules: each route holds that module's read permission. */
export function registerCaseContextRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/complaints/:id/loyalty', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['complaints'],
      summary: "The complainant's points, tier and this case's goodwill",
      operationId: 'complaintCaseLoyalty',
      description: "For staff who may read loyalty (and complaints): the linked customer's balance as it stands when read (available, pending, qualifying, the soonest expiry), their tier in each active program with tiers, and each goodwill occasion of the case (filing, resolution) with the gesture decided and what loyalty booked for it (points credited over the programs that pay goodwill; a coupon given, cancelled or not). `member` is null for a case without a customer or a customer erased since. Another workspace's case is 404.",
      params: IdParams,
      response: { 200: CaseLoyaltyView },
    },
  }, async (req) => caseLoyalty(db, req.tenantId, req.actor!, req.params.id, new Date()));

  app.get('/api/complaints/:id/survey-response', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['complaints'],
      summary: 'The survey response that opened the case',
      operationId: 'complaintCaseSurveyOrigin',
      description: 'For a case opened by a negative survey answer (`feedback.negative`): the response, its survey and when it was given, so staff can open it on the survey\'s responses screen. `response` is null when the case names no response or it was deleted since. Another workspace\'s case is 404.',
      params: IdParams,
      response: { 200: CaseSurveyOriginView },
    },
  }, async (req) => caseSurveyOrigin(db, req.tenantId, req.actor!, req.params.id));
}
