// The closed loop's read side (the server's recovery.routes): a survey's recovery figures, and the
// loop a response, follow-up or case belongs to. Shapes come from @vafa/contracts as types only.
import { useQuery } from '@tanstack/react-query';
import type { LoopResponseRef, RecoveryMetric, SurveyLoopQuery, SurveyLoopView, SurveyRecoveryView } from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type { LoopResponseRef, RecoveryMetric, SurveyLoopView, SurveyRecoveryView };

const defined = (query: SurveyLoopQuery) => Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string' && v !== '')) as Record<string, string>;

export const recoveryApi = {
  recovery: (surveyId: string) => request<SurveyRecoveryView>('GET', `/api/surveys/${surveyId}/results/recovery`),
  loop: (query: SurveyLoopQuery) => request<SurveyLoopView>('GET', '/api/survey-loops', undefined, defined(query)),
};

export function useRecovery(surveyId: string) {
  // Under the results' key, so deleting a response refreshes it with the rest of the results.
  return useQuery({ queryKey: ['survey-results', surveyId, 'recovery'], queryFn: () => recoveryApi.recovery(surveyId) });
}

export function useSurveyLoop(query: SurveyLoopQuery) {
  const params = defined(query);
  return useQuery({ queryKey: ['survey-loops', params], queryFn: () => recoveryApi.loop(params), enabled: Object.keys(params).length > 0 });
}
