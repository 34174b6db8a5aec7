// A survey's individual responses: newest first, filtered by status, period, segment, journey
// stage, channel, a band of the headline score, "has a comment" and an analyst's tag (the export
// follows the same filters); each opens in a dialog with its answers labelled in the
// reader's language (?response=<id>, so the customer's timeline can link straight to one).
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { SCORED_TYPES, type Question } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import { formatInstant } from '../../lib/format.ts';
import { Badge, DataTable, ErrorState, UserText, type DataTableColumn } from '../../ui/index.ts';
import { AnswerText } from './responses-answer.tsx';
import { useResponses, type ResponseFilter, type ResponseItem } from './responses-api.ts';
import { ResponseDetail } from './responses-detail.tsx';
import { canExportResponses, ExportResponses } from './responses-export.tsx';
import { isFiltered, ResponsesFilters } from './responses-filters.tsx';
import { SurveyHeader } from './survey-tabs.tsx';
import { useSurvey } from './surveys-api.ts';
import './survey-responses.css';

const PATH = '/feedback/surveys/$id/responses';

/** The first thing written in a response (a text answer, else an "other"), for the list. */
function firstText(row: ResponseItem): string | null {
  for (const answer of Object.values(row.answers)) {
    if ('text' in answer && answer.text) return answer.text;
    if ('choices' in answer && answer.other) return answer.other;
  }
  return null;
}

export default function SurveyResponsesPage({ surveyId }: { surveyId: string }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const search = useSearch({ from: PATH });
  const navigate = useNavigate({ from: PATH });
  const survey = useSurvey(surveyId);
  const [filter, setFilter] = useState<ResponseFilter>({ status: 'complete' });
  const responses = useResponses(surveyId, filter);
  const questions: Question[] = survey.data?.questions ?? [];
  const headline = questions.find((q) => (SCORED_TYPES as readonly string[]).includes(q.type));
  const rows = responses.data?.pages.flatMap((p) => p.items) ?? [];
  const open = (responseId: string | undefined) => void navigate({ search: responseId ? { response: responseId } : {}, resetScroll: false });

  const columns: DataTableColumn<ResponseItem>[] = [
    {
      id: 'when',
      header: t('surveys.responses.col.when'),
      isPrimary: true,
      cell: (row) => <time dateTime={row.submittedAt ?? row.startedAt}>{formatInstant(row.submittedAt ?? row.startedAt, prefs)}</time>,
    },
    {
      id: 'customer',
      header: t('surveys.responses.col.customer'),
      cell: (row) => (row.customerId
        ? (row.customerName ? <UserText>{row.customerName}</UserText> : <span className="muted">{t('surveys.responses.unnamed')}</span>)
        : <span className="muted">{t('surveys.responses.anonymous')}</span>),
    },
    { id: 'channel', header: t('surveys.responses.channel'), cell: (row) => t(`surveys.channel.${row.channel}`) },
    ...(headline ? [{
      id: 'score',
      header: t('surveys.responses.col.score'),
      cell: (row: ResponseItem) => <AnswerText question={headline} answer={row.answers[headline.id]} />,
    }] : []),
    {
      id: 'tags',
      header: t('surveys.responses.tags.col'),
      className: 'responses-tags-cell',
      cell: (row) => (row.tags.length > 0 ? row.tags.map((tag) => <Badge key={tag}><UserText>{tag}</UserText></Badge>) : <span className="muted">—</span>),
    },
    {
      id: 'comment',
      header: t('surveys.responses.col.comment'),
      wideInCard: true,
      className: 'responses-comment',
      cell: (row) => {
        const text = firstText(row);
        return text ? <UserText>{text.length > 160 ? `${text.slice(0, 160)}…` : text}</UserText> : <span className="muted">—</span>;
      },
    },
  ];

  const missing = survey.error instanceof ApiError && survey.error.status === 404;
  const filtered = isFiltered(filter);
  return (
    <div className="page survey-responses">
      <SurveyHeader
        survey={survey.data}
        surveyId={surveyId}
        current="responses"
        actions={!missing && canExportResponses(session) ? <ExportResponses surveyId={surveyId} filter={filter} /> : undefined}
      />
      {missing ? <ErrorState detail={t('surveys.builder.notFound')} /> : (
        <>
          <ResponsesFilters filter={filter} onChange={setFilter} headline={headline} />
          <DataTable
            label={t('surveys.responses.label')}
            columns={columns}
            rows={rows}
            rowKey={(row) => row.id}
            rowHref={(row) => `/feedback/surveys/${surveyId}/responses?response=${row.id}`}
            isRowCurrent={(row) => row.id === search.response}
            count={responses.data ? t('surveys.responses.shown', { count: rows.length }) : undefined}
            isLoading={responses.isPending}
            error={responses.isError ? { detail: responses.error.message, onRetry: () => void responses.refetch() } : null}
            empty={{
              title: t('surveys.responses.empty.title'),
              body: t(filtered ? 'surveys.responses.empty.filtered' : 'surveys.responses.empty.body'),
            }}
            loadMore={{ hasMore: Boolean(responses.hasNextPage), onLoadMore: () => void responses.fetchNextPage(), isLoadingMore: responses.isFetchingNextPage }}
          />
        </>
      )}
      <ResponseDetail surveyId={surveyId} responseId={search.response ?? null} onClose={() => open(undefined)} />
    </div>
  );
}
