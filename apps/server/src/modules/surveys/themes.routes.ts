import { IdParams, SurveyThemesView, ThemesQuery } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { computeThemes, listThemes } from './themes.service.ts';

export function registerThemeRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/surveys/:id/themes', {
    config: { access: 'surveys:results' },
    schema: {
      tags: ['surveys'],
      summary: 'Frequent terms and phrases of the free-text answers, with example answers',
      description: 'Per free-text question: words and 2–3-word phrases after Persian, Arabic and English normalisation and stop-word removal, counted once per answer, most frequent first. Recomputed hourly for live surveys with new answers, or on demand with POST …/themes/refresh. With any of the results\' filters (`from`/`to` days of the workspace, `channel`, `segmentId`, `stage`) the themes of that slice are computed at once from its most recent 5,000 answers per question, examples from the slice only.',
      params: IdParams,
      querystring: ThemesQuery,
      response: { 200: SurveyThemesView },
    },
  }, async (req) => listThemes(db, req.tenantId, req.params.id, req.query));

  app.post('/api/surveys/:id/themes/refresh', {
    config: { access: 'surveys:results' },
    schema: {
      tags: ['surveys'],
      summary: 'Recompute the open-text themes now',
      description: 'The same computation as the hourly job, over the most recent 20,000 answers of each free-text question.',
      params: IdParams,
      response: { 200: SurveyThemesView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await computeThemes(tx, req.tenantId, req.params.id);
      return { status: 200, body: await listThemes(tx, req.tenantId, req.params.id) };
    });
    return sendWrite(reply, result);
  });
}
