// The survey list: name, status, the live version, responses and the last change, filtered by
// status (kept in the address, ?status=live); an empty workspace is invited to start from a template.
import { usePrefs } from '../../app/prefs.tsx';
import { navigate, useLocation } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { Badge, Button, ButtonLink, ChatIcon, DataTable, PlusIcon, Select, UserText, type DataTableColumn } from '../../ui/index.ts';
import { canWriteSurveys } from './builder-context.tsx';
import { SurveyStatusBadge } from './survey-tabs.tsx';
import { useSurveys, type Survey, type SurveyStatus } from './surveys-api.ts';
import './survey-list.css';

const STATUSES: SurveyStatus[] = ['draft', 'live', 'closed'];
const ALL = 'all';

export default function SurveysPage() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const canWrite = canWriteSurveys(session);
  const { search } = useLocation();
  const asked = search.get('status');
  const status = STATUSES.find((s) => s === asked);
  const surveys = useSurveys({ status });
  const rows = surveys.data?.pages.flatMap((p) => p.items) ?? [];

  const columns: DataTableColumn<Survey>[] = [
    { id: 'name', header: t('surveys.list.name'), isPrimary: true, cell: (s) => <UserText>{s.name}</UserText> },
    {
      id: 'status', header: t('surveys.list.status'),
      cell: (s) => (
        <span className="tags">
          <SurveyStatusBadge status={s.status} />
          {s.version > 0 && s.draftChanged && <Badge tone="warn">{t('surveys.tabs.unpublished')}</Badge>}
        </span>
      ),
    },
    {
      id: 'version', header: t('surveys.list.version'),
      cell: (s) => (s.version > 0 ? t('surveys.list.versionN', { version: formatNumber(s.version, prefs) }) : <span className="muted">{t('surveys.list.notPublished')}</span>),
    },
    { id: 'responses', header: t('surveys.list.responses'), align: 'end', cell: (s) => formatNumber(s.responseCount, prefs) },
    { id: 'updated', header: t('surveys.list.updated'), className: 'col-date', cell: (s) => formatInstant(s.updatedAt, prefs, 'short') },
  ];
  const setStatus = (value: string) => navigate(value === ALL ? '/feedback/surveys' : `/feedback/surveys?status=${value}`, { replace: true });
  const newButton = canWrite ? <Button variant="primary" onPress={() => navigate('/feedback/surveys/new')}><PlusIcon />{t('surveys.list.new')}</Button> : undefined;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>{t('surveys.list.title')}</h1>
          <p className="muted page-intro">{t('surveys.list.intro')}</p>
        </div>
        {newButton && <div className="page-actions">{newButton}</div>}
      </header>
      <div className="survey-filters" role="search" aria-label={t('surveys.list.filters')}>
        <Select label={t('surveys.list.status')} className="field-compact" value={status ?? ALL} onChange={setStatus}
          options={[{ id: ALL, label: t('surveys.list.allStatuses') }, ...STATUSES.map((s) => ({ id: s, label: t(`surveys.status.${s}`) }))]} />
      </div>
      <DataTable
        label={t('surveys.list.title')}
        className="survey-table"
        columns={columns}
        rows={rows}
        rowKey={(s) => s.id}
        rowHref={(s) => `/feedback/surveys/${s.id}`}
        isLoading={surveys.isPending}
        error={surveys.isError ? { detail: surveys.error.message, onRetry: () => void surveys.refetch() } : null}
        empty={status
          ? { title: t('surveys.list.noneWithStatus', { status: t(`surveys.status.${status}`) }), action: <ButtonLink href="/feedback/surveys">{t('surveys.list.showAll')}</ButtonLink> }
          : {
            title: t('surveys.list.emptyTitle'),
            body: t('surveys.list.emptyBody'),
            icon: <ChatIcon size={28} />,
            action: canWrite ? <ButtonLink variant="primary" href="/feedback/surveys/new">{t('surveys.list.startFromTemplate')}</ButtonLink> : undefined,
          }}
        loadMore={{ hasMore: Boolean(surveys.hasNextPage), onLoadMore: () => void surveys.fetchNextPage(), isLoadingMore: surveys.isFetchingNextPage }}
      />
    </div>
  );
}
