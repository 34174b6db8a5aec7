// /complaints: the agent queue. Ordered by SLA urgency when the server has the SLA queue (else
// oldest received first), filtered on the server by state, assignee, team, severity, SLA state,
// channel and a search (a tracking code typed in any digits, or the complainant's name, phone or
// e-mail). Live SLA timers.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { Button, ButtonLink, CheckIcon, DataTable, PlusIcon, Select, TextField, UserText, type DataTableColumn } from '../../ui/index.ts';
import { useMembers } from './complaint-hooks.ts';
import { CHANNELS, complaintsApi, SEVERITIES, SLA_FILTERS, STATES, type Channel, type QueueFilters, type QueueItem, type Severity, type SlaFilter } from './api.ts';
import { queueSearch } from './complaint-format.ts';
import { ComplaintTabs } from './complaint-tabs.tsx';
import { canWorkComplaints, ChannelName, SeverityBadge, SlaTimer, StateBadge, TrackingCode, useNow } from './complaint-parts.tsx';
import './complaints.css';

const ANY = 'any';
type StateChoice = NonNullable<QueueFilters['state']>;

export default function ComplaintsPage() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const now = useNow();
  const { members, nameOf } = useMembers();
  const [state, setState] = useState<StateChoice>('open');
  const [assignee, setAssignee] = useState<string>(session.role === 'agent' ? 'me' : ANY);
  const [team, setTeam] = useState('');
  const [severity, setSeverity] = useState<Severity | typeof ANY>(ANY);
  const [channel, setChannel] = useState<Channel | typeof ANY>(ANY);
  const [sla, setSla] = useState<SlaFilter | typeof ANY>(ANY);
  const [code, setCode] = useState('');
  const [moreFilters, setMoreFilters] = useState(false);
  const teamText = useDebounced(team.trim(), 300);
  const search = queueSearch(useDebounced(code, 300));
  const searchTooShort = code.trim() !== '' && queueSearch(code) === undefined;
  const teams = useQuery({ queryKey: ['complaints', 'teams'], queryFn: complaintsApi.teams, staleTime: 300_000 });

  const filters: QueueFilters = {
    state,
    assignee: assignee === ANY ? undefined : assignee,
    team: teamText || undefined,
    severity: severity === ANY ? undefined : severity,
    sla: sla === ANY ? undefined : sla,
    channel: channel === ANY ? undefined : channel,
    q: search,
  };
  const queue = useInfiniteQuery({
    queryKey: ['complaints', 'queue', filters],
    queryFn: ({ pageParam }) => complaintsApi.queue(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // The timers tick here; the server's figures (and the order) are renewed every minute.
    refetchInterval: 60_000,
  });
  const bySla = queue.data?.pages[0]?.bySla ?? complaintsApi.hasSlaQueue();
  const loaded = queue.data?.pages.flatMap((p) => p.items) ?? [];
  const rows = loaded;
  const narrowed = search !== undefined || channel !== ANY;

  const columns: DataTableColumn<QueueItem>[] = [
    { id: 'code', header: t('complaints.col.code'), isPrimary: true, className: 'code-cell', cell: (c) => <TrackingCode code={c.trackingCode} /> },
    {
      id: 'who', header: t('complaints.col.complainant'), className: 'who-cell',
      cell: (c) => (c.contact.name ? <UserText>{c.contact.name}</UserText> : <span className="muted">{c.customerId ? t('complaints.linkedCustomer') : t('complaints.anonymous')}</span>),
    },
    { id: 'category', header: t('complaints.col.category'), cell: (c) => (c.category ? <UserText>{c.category}</UserText> : <span className="muted">{t('common.none')}</span>) },
    { id: 'severity', header: t('complaints.col.severity'), cell: (c) => <SeverityBadge severity={c.severity} /> },
    { id: 'state', header: t('complaints.col.state'), cell: (c) => <StateBadge state={c.state} /> },
    ...(bySla ? [{ id: 'sla', header: t('complaints.col.sla'), cell: (c: QueueItem) => (c.sla ? <SlaTimer sla={c.sla} now={now} compact /> : null) }] : []),
    { id: 'channel', header: t('complaints.col.channel'), cell: (c) => <ChannelName channel={c.channel} /> },
    {
      id: 'assignee', header: t('complaints.col.assignee'),
      cell: (c) => (c.assigneeId ? <UserText>{nameOf(c.assigneeId)}</UserText> : <span className="muted">{t('complaints.unassigned')}</span>),
    },
    { id: 'received', header: t('complaints.col.received'), cell: (c) => <time dateTime={c.receivedAt}>{formatInstant(c.receivedAt, prefs)}</time> },
  ];
  const teamOptions = teams.data?.items ?? null;

  return (
    <div className="page complaints-page">
      <header className="page-header">
        <div>
          <h1>{t('complaints.title')}</h1>
          <p className="muted page-intro">{bySla ? t('complaints.introSla') : t('complaints.intro')}</p>
        </div>
        {canWorkComplaints(session.role) && <ButtonLink variant="primary" href="/complaints/new"><PlusIcon />{t('complaints.new')}</ButtonLink>}
      </header>
      <ComplaintTabs current="queue" />
      <div className="complaint-filters" role="search" aria-label={t('complaints.filters')}>
        <TextField
          label={t('complaints.searchCode')}
          value={code}
          onChange={setCode}
          type="search"
          placeholder={t('complaints.searchCodeHint')}
          description={searchTooShort ? t('complaints.searchTooShort') : undefined}
        />
        <Select
          label={t('complaints.col.state')}
          value={state}
          onChange={setState}
          options={[
            { id: 'open', label: t('complaints.filter.open') },
            { id: 'all', label: t('complaints.filter.all') },
            ...STATES.map((s) => ({ id: s, label: t(`complaints.state.${s}`) })),
          ]}
        />
        <Button className="more-filters-toggle" variant="ghost" aria-expanded={moreFilters} onPress={() => setMoreFilters((v) => !v)}>
          {t(moreFilters ? 'complaints.fewerFilters' : 'complaints.moreFilters')}
        </Button>
        <div className="more-filters" data-open={moreFilters || undefined}>
        <Select
          label={t('complaints.col.assignee')}
          value={assignee}
          onChange={setAssignee}
          options={[
            { id: ANY, label: t('complaints.filter.anyone') },
            { id: 'me', label: t('complaints.filter.mine') },
            { id: 'unassigned', label: t('complaints.unassigned') },
            ...members.filter((m) => !m.disabled && m.role !== 'analyst').map((m) => ({ id: m.accountId, label: m.displayName })),
          ]}
        />
        {teamOptions ? (
          <Select
            label={t('complaints.col.team')}
            value={team || ANY}
            onChange={(v) => setTeam(v === ANY ? '' : v)}
            options={[{ id: ANY, label: t('complaints.filter.anyTeam') }, ...teamOptions.map((tm) => ({ id: tm.key, label: tm.name }))]}
          />
        ) : (
          <TextField label={t('complaints.col.team')} value={team} onChange={setTeam} />
        )}
        <Select
          label={t('complaints.col.severity')}
          value={severity}
          onChange={setSeverity}
          options={[{ id: ANY, label: t('complaints.filter.any') }, ...SEVERITIES.map((s) => ({ id: s, label: t(`complaints.severity.${s}`) }))]}
        />
        <Select
          label={t('complaints.col.channel')}
          value={channel}
          onChange={setChannel}
          options={[{ id: ANY, label: t('complaints.filter.any') }, ...CHANNELS.map((c) => ({ id: c, label: t(`complaints.channel.${c}`) }))]}
        />
        {bySla && (
          <Select
            label={t('complaints.col.sla')}
            value={sla}
            onChange={setSla}
            options={[{ id: ANY, label: t('complaints.filter.any') }, ...SLA_FILTERS.map((s) => ({ id: s, label: t(`complaints.sla.${s}`) }))]}
          />
        )}
        </div>
      </div>
      <DataTable
        label={t('complaints.title')}
        className="complaint-table"
        columns={columns}
        rows={rows}
        rowKey={(c) => c.id}
        rowHref={(c) => `/complaints/${c.id}`}
        rowProps={(c) => ({ 'data-testid': 'complaint-row', 'data-state': c.state, className: c.sla?.state === 'breached' ? 'row-breached' : c.sla?.state === 'at_risk' ? 'row-at-risk' : undefined })}
        isLoading={queue.isPending}
        error={queue.isError ? { detail: queue.error.message, onRetry: () => void queue.refetch() } : null}
        empty={{ icon: <CheckIcon size={28} />, title: t('complaints.emptyTitle'), body: narrowed ? t('complaints.emptyNarrowed') : t('complaints.emptyBody') }}
        loadMore={{ hasMore: queue.hasNextPage, onLoadMore: () => void queue.fetchNextPage(), isLoadingMore: queue.isFetchingNextPage }}
      />
    </div>
  );
}
