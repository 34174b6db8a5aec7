// The case page's customer context that other modules own: the complainant's loyalty standing with
// this case's goodwill, and the survey response that opened the case. Types from @vafa/contracts.
import type { CaseLoyaltyView, CaseSurveyOriginView } from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type CaseLoyalty = CaseLoyaltyView;
export type CaseSurveyOrigin = CaseSurveyOriginView;

export const caseContextKeys = {
  loyalty: (caseId: string) => ['complaints', 'context', 'loyalty', caseId] as const,
  surveyOrigin: (caseId: string) => ['complaints', 'context', 'survey-response', caseId] as const,
};

export const caseContextApi = {
  loyalty: (caseId: string) => request<CaseLoyaltyView>('GET', `/api/complaints/${caseId}/loyalty`),
  surveyOrigin: (caseId: string) => request<CaseSurveyOriginView>('GET', `/api/complaints/${caseId}/survey-response`),
};
