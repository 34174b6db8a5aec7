// API calls and query hooks of the results screen (the server's results.routes and themes.routes).
// Shapes come from @vafa/contracts as types only.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BreakdownQuery, QuestionResult, ResultsFilter, SurveyBreakdownView, SurveyResultsView, SurveyThemesView, SurveyTrendView, TrendInterval,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type { MetricDifference, MetricEstimate } from '@vafa/contracts';
export type Results = SurveyResultsView;
export type Trend = SurveyTrendView;
export type Breakdown = SurveyBreakdownView;
export type Themes = SurveyThemesView;
export type { QuestionResult, ResultsFilter, TrendInterval };
export type BreakdownBy = BreakdownQuery['by'];

const query = (filter: ResultsFilter) => Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;

export const resultsApi = {
  results: (id: string, filter: ResultsFilter) => request<Results>('GET', `/api/surveys/${id}/results`, undefined, query(filter)),
  trend: (id: string, question: string, interval: TrendInterval, filter: ResultsFilter) =>
    request<Trend>('GET', `/api/surveys/${id}/results/trend`, undefined, { ...query(filter), question, interval }),
  breakdown: (id: string, question: string, by: BreakdownBy, filter: ResultsFilter) =>
    request<Breakdown>('GET', `/api/surveys/${id}/results/breakdown`, undefined, { ...query(filter), question, by }),
  /** with any filter, the slice's themes computed now (examples from the slice only) */
  themes: (id: string, filter: ResultsFilter = {}) => request<Themes>('GET', `/api/surveys/${id}/themes`, undefined, query(filter)),
  refreshThemes: (id: string) => request<Themes>('POST', `/api/surveys/${id}/themes/refresh`),
};

export const resultsKeys = {
  all: (id: string) => ['survey-results', id] as const,
  results: (id: string, filter: ResultsFilter) => ['survey-results', id, 'summary', filter] as const,
  trend: (id: string, question: string, interval: TrendInterval, filter: ResultsFilter) => ['survey-results', id, 'trend', question, interval, filter] as const,
  breakdown: (id: string, question: string, by: BreakdownBy, filter: ResultsFilter) => ['survey-results', id, 'breakdown', question, by, filter] as const,
  themes: (id: string, filter: ResultsFilter = {}) => ['survey-results', id, 'themes', filter] as const,
};

export function useResults(id: string, filter: ResultsFilter) {
  return useQuery({ queryKey: resultsKeys.results(id, filter), queryFn: () => resultsApi.results(id, filter), placeholderData: (previous) => previous });
}

export function useTrend(id: string, question: string | undefined, interval: TrendInterval, filter: ResultsFilter) {
  return useQuery({
    queryKey: resultsKeys.trend(id, question ?? '', interval, filter),
    queryFn: () => resultsApi.trend(id, question!, interval, filter),
    enabled: Boolean(question),
    placeholderData: (previous) => previous,
  });
}

export function useBreakdown(id: string, question: string | undefined, by: BreakdownBy, filter: ResultsFilter) {
  return useQuery({
    queryKey: resultsKeys.breakdown(id, question ?? '', by, filter),
    queryFn: () => resultsApi.breakdown(id, question!, by, filter),
    enabled: Boolean(question),
    placeholderData: (previous) => previous,
  });
}

export function useThemes(id: string, filter: ResultsFilter = {}) {
  return useQuery({ queryKey: resultsKeys.themes(id, filter), queryFn: () => resultsApi.themes(id, filter), placeholderData: (previous) => previous });
}

export function useRefreshThemes(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => resultsApi.refreshThemes(id),
    onSuccess: (themes) => client.setQueryData(resultsKeys.themes(id, {}), themes),
  });
}

/** Questions whose score can be followed over time and broken down. */
export const SCORED: ReadonlySet<QuestionResult['type']> = new Set(['nps', 'enps', 'csat', 'ces', 'rating']);
