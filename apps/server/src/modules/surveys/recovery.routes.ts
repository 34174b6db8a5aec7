import { IdParams, SurveyLoopQuery, SurveyLoopView, SurveyRecoveryView } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { surveyLoop, surveyRecovery } from './recovery.service.ts';

/** The closed loop's read side (issue 10): recovery figures in the results, and a loop's links. */
export function registerRecoveryRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/surveys/:id/results/recovery', {
    config: { access: 'surveys:results' },
    schema: {
      tags: ['surveys'],
      summary: 'Did fixing it change the score? Earlier and later answers of the customers whose negative feedback was followed up or handled as a case',
      description: 'A survey sent by an automation after a follow-up is completed or a case is closed (or the post-closure CSAT) carries the follow-up or case and the negative answer that opened it. '
        + 'Per scored kind (NPS, CSAT per scale, CES): n pairs (each earlier answer with the customer\'s first later answer of that kind), the metric on each side (NPS −100…100 with the adjusted-Wald interval, CSAT % top-two, CES mean), '
        + '`recovered`: the share of negative earlier answers whose later answer is not negative (NPS ≥ 7, CSAT above the bottom two, CES ≥ 4), `improved`: ending on top (promoter, top two, CES 5–7), '
        + 'and `meanChange`, the mean of each customer\'s later − earlier score with its paired 95 % interval (NPS also `scoreChange`, the NPS points gained). Pairs whose earlier or later answer is to this survey. '
        + 'Earlier answers were picked for being low, so part of any rise is regression to the mean; compare with customers not followed up before crediting the fix.',
      params: IdParams,
      response: { 200: SurveyRecoveryView },
    },
  }, async (req) => surveyRecovery(db, req.tenantId, req.params.id));

  app.get('/api/survey-loops', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['survey responses'],
      summary: 'The closed loop of a response, a follow-up or a case: the earlier (negative) answer and the answers given after it',
      description: 'Give `responseId`, `followupId` or `caseId` (several: their union; a follow-up page names its follow-up and the answer in its source). Only named responses: an anonymous survey\'s answers keep no link. 400 `loop_target_required` with none.',
      querystring: SurveyLoopQuery,
      response: { 200: SurveyLoopView },
    },
  }, async (req) => surveyLoop(db, req.tenantId, req.query));
}
