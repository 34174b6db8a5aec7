// API calls and query hooks of the distribution screen: distributions and their waves, the cost
// preview, personal links, the recontact policy. Shapes come from @vafa/contracts as types only.
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  CreateDistribution, CreateSurveyInvitation, DistributionPreview, DistributionPreviewInput, DistributionView, SmsInboundView, SurveyInvitationView,
  SurveyPolicy,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type Distribution = DistributionView;
export type DistributionInput = z.input<typeof CreateDistribution>;
export type PreviewInput = z.input<typeof DistributionPreviewInput>;
export type Preview = DistributionPreview;
export type Policy = SurveyPolicy;
export type DistributionAction = 'pause' | 'resume' | 'cancel';

export const distributionApi = {
  list: (surveyId: string) => request<{ items: Distribution[] }>('GET', `/api/surveys/${surveyId}/distributions`),
  create: (surveyId: string, body: DistributionInput) => request<Distribution>('POST', `/api/surveys/${surveyId}/distributions`, body),
  preview: (surveyId: string, body: PreviewInput) => request<Preview>('POST', `/api/surveys/${surveyId}/distributions/preview`, body),
  change: (surveyId: string, id: string, action: DistributionAction) => request<Distribution>('POST', `/api/surveys/${surveyId}/distributions/${id}/${action}`),
  /** a personal link (shown once) or a single send by e-mail or SMS */
  invite: (surveyId: string, body: z.input<typeof CreateSurveyInvitation>) => request<SurveyInvitationView>('POST', `/api/surveys/${surveyId}/invitations`, body),
  policy: () => request<Policy>('GET', '/api/survey-policy'),
  savePolicy: (body: Policy) => request<Policy>('PUT', '/api/survey-policy', body),
  smsInbound: () => request<SmsInboundView>('GET', '/api/survey-policy/sms-inbound'),
};

export const distributionKeys = {
  list: (surveyId: string) => ['surveys', 'distributions', surveyId] as const,
  policy: ['survey-policy'] as const,
  smsInbound: ['survey-policy', 'sms-inbound'] as const,
};

/** Distributions of a survey; refreshed while one is about to run or running, so waves' counts move on screen. */
export function useDistributions(surveyId: string) {
  return useQuery({
    queryKey: distributionKeys.list(surveyId),
    queryFn: () => distributionApi.list(surveyId),
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === 'scheduled' || d.status === 'running') ? 15_000 : false),
  });
}

export function useSurveyPolicy() {
  return useQuery({ queryKey: distributionKeys.policy, queryFn: distributionApi.policy });
}
