import {
  CalendarDateTime, createCalendar, GregorianCalendar, parseAbsolute, toCalendar, toCalendarDate, toZoned, type CalendarDate, type CalendarIdentifier,
} from '@internationalized/date';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Link, Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useFieldError, useKnownKey, useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import {
  engagementApi, OUTCOMES, type Followup, type FollowupDetail, type FollowupFilters, type FollowupMetrics, type FollowupState, type Outcome, type Priority,
} from './api.ts';
import { formatInstant, formatNumber, localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { formatDuration, formatPercent } from './engagement-format.ts';
import { canManageFollowups, canWorkFollowups } from './engagement-roles.ts';
import { assignable, Due, FollowupReason, FollowupStateBadge, PriorityBadge, useMembers } from './followup-parts.tsx';
import { FollowupsPerDay } from './followups-per-day.tsx';
import './engagement.css';
import {
  ArrowBack, Badge, Button, CheckIcon, Checkbox, DataTable, ErrorState, Select, Skeleton, TextField, UserText, useToast, type DataTableColumn,
} from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { TimeField } from '../../ui/time-field.tsx';
import { SurveyLoopCard } from '../surveys/index.ts';

type Tab = 'mine' | 'unassigned' | 'all';

export default function FollowupsPage({ followupId }: { followupId?: string }) {
  if (followupId) return <FollowupDetailPage id={followupId} key={followupId} />;
  return <QueuePage />;
}

function QueuePage() {
  const t = useT();
  const session = useSession();
  const manager = canManageFollowups(session.role);
  const [tab, setTab] = useState<Tab>(session.role === 'agent' ? 'mine' : manager ? 'all' : 'mine');
  const [state, setState] = useState<FollowupState>('open');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const tabs: Tab[] = manager ? ['mine', 'unassigned', 'all'] : ['mine', 'unassigned'];

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>{t('followups.title')}</h1>
          <p className="muted page-intro">{t('followups.intro')}</p>
        </div>
      </header>
      <Tabs className="queue-tabs" selectedKey={tab} onSelectionChange={(key: Key) => setTab(key as Tab)}>
        <TabList className="tab-list" aria-label={t('followups.queue')}>
          {tabs.map((id) => <Tab key={id} id={id} className="tab">{t(`followups.tab.${id}`)}</Tab>)}
        </TabList>
        <div className="queue-controls">
          <Select
            label={t('followups.show')}
            value={state}
            onChange={setState}
            options={[{ id: 'open', label: t('followups.state.open') }, { id: 'done', label: t('followups.state.done') }]}
          />
          {state === 'open' && <Checkbox isSelected={overdueOnly} onChange={setOverdueOnly}>{t('followups.overdueOnly')}</Checkbox>}
        </div>
        {tabs.map((id) => (
          <TabPanel key={id} id={id}>
            <Queue filters={{ assignee: id === 'mine' ? 'me' : id === 'unassigned' ? 'unassigned' : undefined, status: state, overdue: state === 'open' && overdueOnly ? true : undefined }} showAssignee={id !== 'mine'} />
          </TabPanel>
        ))}
      </Tabs>
      {manager && <MetricsPanel />}
    </div>
  );
}

function Queue({ filters, showAssignee }: { filters: FollowupFilters; showAssignee: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const { nameOf } = useMembers();
  const queue = useInfiniteQuery({
    queryKey: ['followups', 'queue', filters],
    queryFn: ({ pageParam }) => engagementApi.followups(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: DataTableColumn<Followup>[] = [
    { id: 'customer', header: t('followups.col.customer'), isPrimary: true, className: 'customer-cell', cell: (f) => <UserText>{f.customer.name ?? t('customer.unnamed')}</UserText> },
    {
      id: 'phone', header: t('followups.col.phone'),
      cell: (f) => (f.customer.phone ? <a href={`tel:${f.customer.phone}`}><bdi dir="ltr">{localiseDigits(f.customer.phone, prefs.digits)}</bdi></a> : t('common.none')),
    },
    { id: 'language', header: t('followups.col.language'), cell: (f) => (f.customer.language ? t(`language.${f.customer.language}`) : t('common.none')) },
    { id: 'reason', header: t('followups.col.reason'), className: 'reason-cell', cell: (f) => <FollowupReason reason={f.reason} /> },
    { id: 'priority', header: t('followups.col.priority'), cell: (f) => <PriorityBadge priority={f.priority} /> },
    { id: 'due', header: t('followups.col.due'), cell: (f) => <Due iso={f.status === 'done' && f.completedAt ? f.completedAt : f.dueAt} /> },
    ...(showAssignee ? [{
      id: 'assignee', header: t('followups.col.assignee'),
      cell: (f: Followup) => (f.assigneeId ? <UserText>{nameOf(f.assigneeId)}</UserText> : <span className="muted">{t('followups.unassigned')}</span>),
    }] : []),
    { id: 'status', header: t('followups.col.status'), cell: (f) => <FollowupStateBadge followup={f} /> },
  ];
  return (
    <DataTable
      label={t('followups.title')}
      className="followup-table"
      columns={columns}
      rows={items}
      rowKey={(f) => f.id}
      rowHref={(f) => `/engagement/followups/${f.id}`}
      rowProps={(f) => ({ className: f.overdue ? 'row-overdue' : undefined, 'data-testid': 'followup-row', 'data-overdue': f.overdue || undefined })}
      isLoading={queue.isPending}
      error={queue.isError ? { detail: queue.error.message, onRetry: () => void queue.refetch() } : null}
      empty={{ icon: <CheckIcon size={28} />, title: t('followups.emptyTitle'), body: t('followups.emptyBody') }}
      loadMore={{ hasMore: queue.hasNextPage, onLoadMore: () => void queue.fetchNextPage(), isLoadingMore: queue.isFetchingNextPage }}
    />
  );
}

function MetricsPanel() {
  const t = useT();
  const metrics = useQuery({ queryKey: ['followups', 'metrics'], queryFn: () => engagementApi.followupMetrics() });
  return (
    <section className="card" aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">{t('followups.metrics')}</h2>
      {metrics.isPending ? <Skeleton lines={4} /> : metrics.isError ? <ErrorState detail={metrics.error.message} onRetry={() => void metrics.refetch()} /> : <Metrics data={metrics.data} />}
    </section>
  );
}

// A component of its own (not declared inside MetricsPanel), so a panel re-render keeps the chart mounted.
function Metrics({ data }: { data: FollowupMetrics }) {
  const t = useT();
  const prefs = usePrefs();
  const n = (v: number) => formatNumber(v, prefs);
  const d = (v: number | null) => (v === null ? t('common.none') : formatDuration(v, prefs));
  const { churnSave } = data;
  return (
    <>
      <div className="metric-cards" data-testid="followup-metrics">
        <div className="metric"><span className="metric-value">{n(data.counts.open)}</span><span className="metric-label">{t('followups.metrics.open')}</span></div>
        <div className={`metric${data.counts.overdue > 0 ? ' metric-bad' : ''}`}><span className="metric-value">{n(data.counts.overdue)}</span><span className="metric-label">{t('followups.metrics.overdue')}</span></div>
        <div className="metric"><span className="metric-value">{n(data.counts.opened)}</span><span className="metric-label">{t('followups.metrics.opened')}</span></div>
        <div className="metric"><span className="metric-value">{n(data.counts.done)}</span><span className="metric-label">{t('followups.metrics.done')}</span></div>
        <div className="metric">
          <span className="metric-value">{churnSave.rate === null ? t('common.none') : formatPercent(churnSave.rate, prefs)}</span>
          <span className="metric-label">{t('followups.metrics.churnSave')}</span>
          <span className="muted">{t('followups.metrics.churnSaveOf', { repurchased: n(churnSave.repurchased), eligible: n(churnSave.eligible) })}</span>
        </div>
      </div>
      <FollowupsPerDay daily={data.daily} />
      <div className="metrics-grid">
        <table className="simple-table">
          <thead>
            <tr><th scope="col">{t('followups.metrics.measure')}</th><th scope="col">{t('followups.metrics.p50')}</th><th scope="col">{t('followups.metrics.p90', { percentile: 90 })}</th></tr>
          </thead>
          <tbody>
            {(['firstResponse', 'waiting'] as const).map((measure) => (['businessMinutes', 'wallMinutes'] as const).map((clock) => (
              <tr key={`${measure}-${clock}`}>
                <th scope="row">{t(`followups.metrics.${measure}`)} · <span className="muted">{t(clock === 'businessMinutes' ? 'followups.metrics.business' : 'followups.metrics.wall')}</span></th>
                <td>{d(data[measure][clock].p50)}</td>
                <td>{d(data[measure][clock].p90)}</td>
              </tr>
            )))}
          </tbody>
        </table>
        <table className="simple-table">
          <thead><tr><th scope="col">{t('followups.metrics.outcomes')}</th><th scope="col" className="col-num">#</th></tr></thead>
          <tbody>
            {OUTCOMES.map((o) => <tr key={o}><th scope="row">{t(`followups.outcome.${o}`)}</th><td className="col-num">{n(data.outcomes[o])}</td></tr>)}
          </tbody>
        </table>
      </div>
    </>
  );
}

function FollowupDetailPage({ id }: { id: string }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const { nameOf } = useMembers();
  const followup = useQuery({ queryKey: ['followups', 'detail', id], queryFn: () => engagementApi.followup(id) });
  const back = <Link href="/engagement/followups" className="back-link"><ArrowBack />{t('followups.back')}</Link>;
  if (followup.isPending) return <div className="page">{back}<Skeleton lines={10} /></div>;
  if (followup.isError) {
    const missing = followup.error instanceof ApiError && followup.error.status === 404;
    return <div className="page">{back}<ErrorState detail={missing ? t('followups.notFound') : followup.error.message} onRetry={missing ? undefined : () => void followup.refetch()} /></div>;
  }
  const f = followup.data;
  const c = f.customer;
  const topic = typeof f.source.topic === 'string' ? f.source.topic : null;
  return (
    <div className="page">
      {back}
      <header className="page-header">
        <h1>{t('followups.detailTitle')}: <UserText>{c.name ?? t('customer.unnamed')}</UserText></h1>
        <span className="header-badges" data-testid="followup-state"><FollowupStateBadge followup={f} /><PriorityBadge priority={f.priority} /></span>
      </header>
      {f.status === 'done' && f.outcome && <p className="notice" role="status">{t('followups.doneNotice', { outcome: t(`followups.outcome.${f.outcome}`) })}</p>}
      <div className="followup-layout">
        <div className="followup-col">
          <section className="card" aria-labelledby="fu-customer">
            <h2 id="fu-customer">{t('followups.customer')}</h2>
            <dl className="facts">
              <dt>{t('customer.name')}</dt>
              <dd><Link href={`/customers/${c.id}`}><UserText>{c.name ?? t('customer.unnamed')}</UserText></Link></dd>
              <dt>{t('customer.phone')}</dt>
              <dd>{c.phone ? <a href={`tel:${c.phone}`}><bdi dir="ltr">{localiseDigits(c.phone, prefs.digits)}</bdi></a> : t('common.none')}</dd>
              <dt>{t('customer.email')}</dt>
              <dd>{c.email ? <a href={`mailto:${c.email}`}><UserText ltr>{c.email}</UserText></a> : t('common.none')}</dd>
              <dt>{t('customer.language')}</dt>
              <dd>{c.language ? t(`language.${c.language}`) : t('common.none')}</dd>
            </dl>
            <p><Link href={`/customers/${c.id}`}>{t('followups.openCustomer')}</Link></p>
          </section>
          <section className="card" aria-labelledby="fu-source">
            <h2 id="fu-source">{t('followups.source')}</h2>
            <dl className="facts">
              <dt>{t('followups.reason')}</dt>
              <dd><FollowupReason reason={f.reason} /></dd>
              <dt>{t('followups.source')}</dt>
              <dd>
                {f.ruleId ? <Link href={`/engagement/automations/${f.ruleId}`}>{t('followups.source.rule')}</Link> : topic ? null : t('followups.source.manual')}
              </dd>
              {topic && (<><dt>{t('followups.topic')}</dt><dd><TopicName topic={topic} /></dd></>)}
              <dt>{t('followups.assignee')}</dt>
              <dd>{f.assigneeId ? <UserText>{nameOf(f.assigneeId)}</UserText> : t('followups.unassigned')}</dd>
              <dt>{t('followups.col.due')}</dt>
              <dd><Due iso={f.dueAt} /></dd>
              <dt>{t('followups.openedAt')}</dt>
              <dd>{formatInstant(f.createdAt, prefs)}</dd>
              {f.firstResponseAt && (<><dt>{t('followups.firstResponseAt')}</dt><dd>{formatInstant(f.firstResponseAt, prefs)}</dd></>)}
              {f.completedAt && (<><dt>{t('followups.completedAt')}</dt><dd>{formatInstant(f.completedAt, prefs)}</dd></>)}
              {f.escalatedAt && (<><dt>{t('followups.escalatedAt')}</dt><dd>{formatInstant(f.escalatedAt, prefs)}</dd></>)}
              {f.repurchasedAt && (<><dt>{t('followups.repurchased')}</dt><dd>{formatInstant(f.repurchasedAt, prefs)}</dd></>)}
            </dl>
          </section>
          <SurveyLoopCard followupId={f.id} responseId={typeof f.source.responseId === 'string' ? f.source.responseId : undefined} />
          {canManageFollowups(session.role) && f.status === 'open' && <ManageForm followup={f} />}
        </div>
        <div className="followup-col">
          {canWorkFollowups(session.role) && f.status === 'open' && <AttemptForm followup={f} />}
          <section className="card" aria-labelledby="fu-attempts">
            <h2 id="fu-attempts">{t('followups.attempts')}</h2>
            {f.attempts.length === 0 ? <p className="muted">{t('followups.noAttempts')}</p> : (
              <ol className="attempts" data-testid="followup-attempts">
                {[...f.attempts].reverse().map((a) => (
                  <li key={a.id} className="attempt">
                    <div className="attempt-head">
                      <Badge tone={a.outcome === 'no_answer' ? 'warn' : a.outcome === 'escalated' ? 'bad' : 'good'}>{t(`followups.outcome.${a.outcome}`)}</Badge>
                      {a.actorId && <UserText>{nameOf(a.actorId.startsWith('user:') ? a.actorId : null) ?? ''}</UserText>}
                      <time className="muted" dateTime={a.at}>{formatInstant(a.at, prefs)}</time>
                    </div>
                    {a.note && <p className="attempt-note"><UserText>{a.note}</UserText></p>}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}

function useSaveFollowup(id: string) {
  const client = useQueryClient();
  return (updated: FollowupDetail) => {
    client.setQueryData(['followups', 'detail', id], updated);
    void client.invalidateQueries({ queryKey: ['followups', 'queue'] });
    void client.invalidateQueries({ queryKey: ['followups', 'metrics'] });
    void client.invalidateQueries({ queryKey: ['customer-followups', updated.customer.id] });
  };
}

/** The event that opened a follow-up in words (feedback.negative is «negative feedback»); an unknown topic shows as the code it is. */
function TopicName({ topic }: { topic: string }) {
  const t = useT();
  const known = useKnownKey();
  const own = `followups.event.${topic}`;
  if (known(own)) return <>{t(own)}</>;
  const trigger = `automations.topic.${topic}`;
  if (known(trigger)) return <>{t(trigger)}</>;
  return <bdi dir="ltr">{topic}</bdi>;
}

function AttemptForm({ followup }: { followup: FollowupDetail }) {
  const t = useT();
  const toast = useToast();
  const save = useSaveFollowup(followup.id);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const fe = useFieldError(error);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) {
      setError(new ApiError(400, { detail: t('common.required'), errors: [{ field: 'outcome', code: 'required', message: t('common.required') }] }));
      return;
    }
    setPending(true);
    setError(null);
    try {
      save(await engagementApi.recordAttempt(followup.id, outcome, note.trim() || undefined));
      toast(t('followups.recorded'));
      setOutcome(null);
      setNote('');
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };
  return (
    <section className="card" aria-labelledby="fu-record">
      <h2 id="fu-record">{t('followups.record')}</h2>
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && !('outcome' in error.fieldErrors) && !('note' in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
        <Select
          label={t('followups.outcome')}
          value={outcome}
          onChange={setOutcome}
          placeholder={t('followups.outcomePick')}
          errorMessage={fe('outcome')}
          options={OUTCOMES.map((o) => ({ id: o, label: t(`followups.outcome.${o}`) }))}
        />
        <TextField label={t('followups.note')} value={note} onChange={setNote} multiline errorMessage={fe('note')} />
        <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('followups.save')}</Button></div>
      </Form>
    </section>
  );
}

const GREGORIAN = new GregorianCalendar();
const UNASSIGNED = 'none';

function ManageForm({ followup }: { followup: FollowupDetail }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const save = useSaveFollowup(followup.id);
  const { members } = useMembers();
  // The due time is edited as a day in the user's calendar and a clock time, both in the workspace's zone.
  const zoned = parseAbsolute(followup.dueAt, prefs.timeZone);
  const [assignee, setAssignee] = useState(followup.assigneeId ?? UNASSIGNED);
  const [priority, setPriority] = useState<Priority>(followup.priority);
  const [day, setDay] = useState<CalendarDate | null>(toCalendar(toCalendarDate(zoned), createCalendar(prefs.calendar as CalendarIdentifier)));
  const [time, setTime] = useState(`${String(zoned.hour).padStart(2, '0')}:${String(zoned.minute).padStart(2, '0')}`);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const fe = useFieldError(error);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const clock = /^(\d{1,2}):(\d{2})$/.exec(toLatinDigits(time.trim()));
    if (!day || !clock || Number(clock[1]) > 23 || Number(clock[2]) > 59) {
      setError(new ApiError(400, { detail: t('fieldError.invalid_format'), errors: [{ field: 'dueAt', code: 'invalid_format', message: t('fieldError.invalid_format') }] }));
      return;
    }
    const g = toCalendar(day, GREGORIAN);
    const dueAt = toZoned(new CalendarDateTime(g.year, g.month, g.day, Number(clock[1]), Number(clock[2])), prefs.timeZone).toDate().toISOString();
    setPending(true);
    try {
      const patch = {
        ...(assignee !== (followup.assigneeId ?? UNASSIGNED) ? { assigneeId: assignee === UNASSIGNED ? null : assignee } : {}),
        ...(priority !== followup.priority ? { priority } : {}),
        ...(dueAt !== new Date(followup.dueAt).toISOString() ? { dueAt } : {}),
      };
      if (Object.keys(patch).length > 0) save(await engagementApi.updateFollowup(followup.id, patch));
      toast(t('followups.updated'));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };
  const people = assignable(members);
  const options = [{ id: UNASSIGNED, label: t('followups.unassigned') }, ...people.map((m) => ({ id: m.accountId, label: m.displayName }))];
  if (followup.assigneeId && !people.some((m) => m.accountId === followup.assigneeId)) options.push({ id: followup.assigneeId, label: t('followups.unknownMember') });
  return (
    <section className="card" aria-labelledby="fu-manage">
      <h2 id="fu-manage">{t('followups.manage')}</h2>
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && !['assigneeId', 'priority', 'dueAt'].some((f) => f in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
        <Select label={t('followups.assignee')} value={assignee} onChange={setAssignee} options={options} errorMessage={fe('assigneeId')} />
        <Select label={t('followups.col.priority')} value={priority} onChange={setPriority} options={[{ id: 'normal', label: t('followups.priority.normal') }, { id: 'urgent', label: t('followups.priority.urgent') }]} />
        <div className="due-row">
          <DatePicker label={t('followups.dueDate')} value={day} onChange={setDay} errorMessage={fe('dueAt')} />
          <TimeField label={t('followups.dueTime')} value={time} onChange={setTime} />
        </div>
        <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('followups.saveChanges')}</Button></div>
      </Form>
    </section>
  );
}
