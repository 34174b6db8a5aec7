// API calls and query hooks for a survey's kiosks (the server's kiosk.routes): list, register
// (the tablet's link is in the answer, once), revoke. Shapes from @vafa/contracts, types only.
import { useQuery } from '@tanstack/react-query';
import type { KioskView, RegisteredKiosk } from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type Kiosk = KioskView;

export const kiosksApi = {
  list: (surveyId: string) => request<{ items: Kiosk[] }>('GET', `/api/surveys/${surveyId}/kiosks`),
  register: (surveyId: string, location: string) => request<RegisteredKiosk>('POST', `/api/surveys/${surveyId}/kiosks`, { location }),
  revoke: (surveyId: string, kioskId: string) => request<void>('DELETE', `/api/surveys/${surveyId}/kiosks/${kioskId}`),
};

export const kioskKeys = { list: (surveyId: string) => ['surveys', 'kiosks', surveyId] as const };

export function useKiosks(surveyId: string) {
  return useQuery({ queryKey: kioskKeys.list(surveyId), queryFn: () => kiosksApi.list(surveyId) });
}
