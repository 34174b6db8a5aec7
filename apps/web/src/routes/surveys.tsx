// /feedback/surveys/…: the survey list, the builder, distribution, results and responses of one survey.
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { parseResponsesSearch } from '../modules/surveys/responses-search.ts';
import { rootRoute } from './root.tsx';

const SurveyBuilderPage = lazyPage(() => import('../modules/surveys/SurveyBuilderPage.tsx'));
const SurveyDistributionPage = lazyPage(() => import('../modules/surveys/SurveyDistributionPage.tsx'));
const SurveyResultsPage = lazyPage(() => import('../modules/surveys/SurveyResultsPage.tsx'));
const SurveyResponsesPage = lazyPage(() => import('../modules/surveys/SurveyResponsesPage.tsx'));

export const surveysRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('surveys'),
  component: lazyPage(() => import('../modules/surveys/SurveysPage.tsx')),
});

export const surveyNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('surveyNew'),
  component: lazyPage(() => import('../modules/surveys/SurveyNewPage.tsx')),
});

export const surveyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('survey'),
  component: withPage(SurveyBuilderScreen, SurveyBuilderPage),
});

function SurveyBuilderScreen() {
  const { id } = surveyRoute.useParams();
  return <SurveyBuilderPage surveyId={id} />;
}

export const surveyDistributeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('surveyDistribute'),
  component: withPage(SurveyDistributionScreen, SurveyDistributionPage),
});

function SurveyDistributionScreen() {
  const { id } = surveyDistributeRoute.useParams();
  return <SurveyDistributionPage surveyId={id} />;
}

export const surveyResultsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('surveyResults'),
  component: withPage(SurveyResultsScreen, SurveyResultsPage),
});

function SurveyResultsScreen() {
  const { id } = surveyResultsRoute.useParams();
  return <SurveyResultsPage surveyId={id} />;
}

export const surveyResponsesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('surveyResponses'),
  validateSearch: parseResponsesSearch,
  component: withPage(SurveyResponsesScreen, SurveyResponsesPage),
});

function SurveyResponsesScreen() {
  const { id } = surveyResponsesRoute.useParams();
  return <SurveyResponsesPage surveyId={id} />;
}
