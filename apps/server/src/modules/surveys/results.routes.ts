import { BreakdownQuery, IdParams, ResultsFilter, SurveyBreakdownView, SurveyResultsView, SurveyTrendView, TrendQuery } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { surveyBreakdown, surveyResults, surveyTrend } from './results.service.ts';
import { registerThemeRoutes } from './themes.routes.ts';

export function registerResultsRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/surveys/:id/results', {
    config: { access: 'surveys:results' },
    schema: {
      tags: ['surveys'],
      summary: 'A survey\'s results: per question NPS, CSAT, CES, ratings, choices and SERVQUAL gaps, with 95 % intervals',
      description: 'Read from rollups, never from individual answers. NPS is %promoters − %detractors of answered responses (skips counted apart) with the adjusted-Wald interval; CSAT % is the top two boxes of the question\'s own scale; CES 2.0 is the mean agreement and % agree (5–7); SERVQUAL gives MSA = P − A, MSS = P − D and the shares below, within and above the zone, per item and per dimension. `from`/`to` are days of the workspace time zone (inclusive). Response rates count personal invitations sent in the period.',
      params: IdParams,
      querystring: ResultsFilter,
      response: { 200: SurveyResultsView },
    },
  }, async (req) => surveyResults(db, req.tenantId, req.params.id, req.query));

  app.get('/api/surveys/:id/results/trend', {
    config: { access: 'surveys:results' },
    schema: {
      tags: ['surveys'],
      summary: 'A scored question\'s figure per day, week or month, with intervals and significance against the previous bucket',
      description: 'NPS/eNPS, CSAT %, CES mean or a rating\'s mean per bucket. Weeks start the day after the workspace\'s weekend; months are months of the workspace calendar (Solar Hijri in a Persian workspace). Without `from`/`to`: the last 30 days, 12 weeks or 12 months.',
      params: IdParams,
      querystring: TrendQuery,
      response: { 200: SurveyTrendView },
    },
  }, async (req) => surveyTrend(db, req.tenantId, req.params.id, req.query));

  app.get('/api/surveys/:id/results/breakdown', {
    config: { access: 'surveys:results' },
    schema: {
      tags: ['surveys'],
      summary: 'A scored question\'s figure per channel, segment or journey stage, each against the rest',
      params: IdParams,
      querystring: BreakdownQuery,
      response: { 200: SurveyBreakdownView },
    },
  }, async (req) => surveyBreakdown(db, req.tenantId, req.params.id, req.query));

  registerThemeRoutes(app, deps);
}
