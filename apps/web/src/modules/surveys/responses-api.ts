// API calls and query hooks for a survey's responses (the server's response.routes: the list
// with filters and a keyset cursor, one response with the questions it answered, delete; the
// analyst's tags on one response: response-tags.routes).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ResponseTagsView, ResultsFilter, SurveyChannel, SurveyResponseDetail, SurveyResponsePage } from '@vafa/contracts';
import { request } from '../../lib/api.ts';
import { resultsKeys } from './results-api.ts';

export type ResponseItem = SurveyResponsePage['items'][number];
export type { SurveyResponseDetail };

export interface ResponseFilter {
  status: 'complete' | 'partial';
  channel?: SurveyChannel;
  scoreMin?: number;
  scoreMax?: number;
  hasText?: boolean;
  /** only responses given this tag */
  tag?: string;
  /** the results' slice: workspace days (ISO, inclusive), a segment, a journey stage */
  from?: string;
  to?: string;
  segmentId?: string;
  stage?: ResultsFilter['stage'];
}

/** The list's filters as query parameters (the export takes the same, without the status). */
export function responseFilterQuery(filter: Omit<ResponseFilter, 'status'>): Record<string, string> {
  const query: Record<string, string | number | boolean | undefined> = {
    channel: filter.channel, scoreMin: filter.scoreMin, scoreMax: filter.scoreMax, hasText: filter.hasText, tag: filter.tag,
    segmentId: filter.segmentId, stage: filter.stage, from: filter.from, to: filter.to,
  };
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
}

export const responsesApi = {
  list: (surveyId: string, filter: ResponseFilter, cursor?: string, limit = 50) =>
    request<SurveyResponsePage>('GET', `/api/surveys/${surveyId}/responses`, undefined, { status: filter.status, ...responseFilterQuery(filter), cursor, limit }),
  get: (surveyId: string, responseId: string) => request<SurveyResponseDetail>('GET', `/api/surveys/${surveyId}/responses/${responseId}`),
  remove: (surveyId: string, responseId: string) => request<void>('DELETE', `/api/surveys/${surveyId}/responses/${responseId}`),
  addTag: (surveyId: string, responseId: string, tag: string) =>
    request<ResponseTagsView>('POST', `/api/surveys/${surveyId}/responses/${responseId}/tags`, { tag }),
  removeTag: (surveyId: string, responseId: string, tag: string) =>
    request<ResponseTagsView>('DELETE', `/api/surveys/${surveyId}/responses/${responseId}/tags`, undefined, { tag }),
};

export const responseKeys = {
  all: (surveyId: string) => ['survey-responses', surveyId] as const,
  list: (surveyId: string, filter: ResponseFilter) => ['survey-responses', surveyId, 'list', filter] as const,
  one: (surveyId: string, responseId: string) => ['survey-responses', surveyId, 'one', responseId] as const,
};

export function useResponses(surveyId: string, filter: ResponseFilter) {
  return useInfiniteQuery({
    queryKey: responseKeys.list(surveyId, filter),
    queryFn: ({ pageParam }) => responsesApi.list(surveyId, filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useResponse(surveyId: string, responseId: string | null) {
  return useQuery({
    queryKey: responseKeys.one(surveyId, responseId ?? ''),
    queryFn: () => responsesApi.get(surveyId, responseId!),
    enabled: responseId !== null,
  });
}

export function useDeleteResponse(surveyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (responseId: string) => responsesApi.remove(surveyId, responseId),
    // The list, the results and the survey's count all change.
    onSuccess: () => Promise.all([
      client.invalidateQueries({ queryKey: responseKeys.all(surveyId) }),
      client.invalidateQueries({ queryKey: resultsKeys.all(surveyId) }),
      client.invalidateQueries({ queryKey: ['surveys'] }),
    ]),
  });
}

/** Adds or removes one tag; the dialog shows the tags the server answers, the list fetches again. */
export function useResponseTag(surveyId: string, responseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ tag, remove }: { tag: string; remove?: boolean }) =>
      (remove ? responsesApi.removeTag(surveyId, responseId, tag) : responsesApi.addTag(surveyId, responseId, tag)),
    onSuccess: async ({ tags }) => {
      client.setQueryData<SurveyResponseDetail>(responseKeys.one(surveyId, responseId), (old) => (old ? { ...old, response: { ...old.response, tags } } : old));
      await client.invalidateQueries({ queryKey: [...responseKeys.all(surveyId), 'list'] });
    },
  });
}
