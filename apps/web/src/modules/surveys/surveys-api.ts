// API calls and TanStack Query hooks for surveys (the server's survey.routes: list, templates,
// the draft, publish, close, reopen, delete). Shapes come from @vafa/contracts as types only.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Locale, LocalText, SurveyDefinition, SurveyStatus, SurveyView } from '@vafa/contracts';
import { request, type Page } from '../../lib/api.ts';

export type Survey = SurveyView;
export type { SurveyDefinition, SurveyStatus };

export interface SurveyTemplate {
  key: string;
  name: LocalText;
  description: LocalText;
  definition: SurveyDefinition;
}

export interface SurveyFilters {
  status?: SurveyStatus;
}

export const surveysApi = {
  list: (filters: SurveyFilters, cursor?: string, limit = 50) => request<Page<Survey>>('GET', '/api/surveys', undefined, { ...filters, cursor, limit }),
  get: (id: string) => request<Survey>('GET', `/api/surveys/${id}`),
  /** a new draft from a template's key (its texts in `languages`, the first the default), or from a definition (scratch, a copy) */
  create: (body: { template: string; languages?: Locale[] } | { definition: SurveyDefinition }) => request<Survey>('POST', '/api/surveys', body),
  /** the whole draft; respondents keep answering the published version until it is published */
  saveDraft: (id: string, definition: SurveyDefinition) => request<Survey>('PATCH', `/api/surveys/${id}`, definition),
  publish: (id: string) => request<Survey>('POST', `/api/surveys/${id}/publish`),
  close: (id: string) => request<Survey>('POST', `/api/surveys/${id}/close`),
  reopen: (id: string) => request<Survey>('POST', `/api/surveys/${id}/reopen`),
  /** a new draft with the saved draft's questions and settings, its own link and no answers */
  duplicate: (id: string) => request<Survey>('POST', `/api/surveys/${id}/duplicate`),
  /** only a survey nobody has answered (409 survey_has_responses otherwise) */
  remove: (id: string) => request<void>('DELETE', `/api/surveys/${id}`),
  templates: () => request<{ items: SurveyTemplate[] }>('GET', '/api/survey-templates'),
};

/** Plain addresses: the builder's preview (an iframe of the server-rendered page) and the export. */
export const surveyAddresses = {
  preview: (id: string, language: string) => `/api/surveys/${id}/preview?lang=${language}`,
  /** `from`/`to`: instants (ISO), responses submitted in [from, to) */
  /** `filters`: the responses list's, as query parameters (responseFilterQuery) */
  exportCsv: (id: string, language: string, filters: Record<string, string> = {}) =>
    `/api/surveys/${id}/export.csv?${new URLSearchParams({ lang: language, ...filters }).toString()}`,
};

export const surveyKeys = {
  all: ['surveys'] as const,
  list: (filters: SurveyFilters) => ['surveys', 'list', filters] as const,
  one: (id: string) => ['surveys', 'one', id] as const,
  templates: ['survey-templates'] as const,
};

export function useSurveys(filters: SurveyFilters) {
  return useInfiniteQuery({
    queryKey: surveyKeys.list(filters),
    queryFn: ({ pageParam }) => surveysApi.list(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useSurvey(id: string) {
  return useQuery({ queryKey: surveyKeys.one(id), queryFn: () => surveysApi.get(id) });
}

export function useSurveyTemplates() {
  return useQuery({ queryKey: surveyKeys.templates, queryFn: surveysApi.templates, staleTime: Infinity });
}
