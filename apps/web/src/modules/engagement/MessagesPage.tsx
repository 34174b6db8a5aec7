import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { api, type Customer } from '../../lib/api.ts';
import {
  engagementApi, MESSAGE_CHANNELS, MESSAGE_STATUSES, type Message, type MessageFilters,
} from './api.ts';
import { parseMessagesSearch } from './messages-search.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { AutomationCustomerPicker } from './AutomationCustomerPicker.tsx';
import { canRetryMessages } from './engagement-roles.ts';
import { ChannelLabel, MessageOrigin, MessageStatusBadge, Recipient, useReasonText } from './message-parts.tsx';
import { MessagesPerDay } from './messages-per-day.tsx';
import './engagement.css';
import {
  AlertIcon, Button, DataTable, Dialog, ErrorState, MailIcon, RetryIcon, Select, Skeleton, UserText, useToast, type DataTableColumn,
} from '../../ui/index.ts';

const ALL = 'all';

export default function MessagesPage() {
  const t = useT();
  const search = useSearch({ from: '/engagement/messages' });
  const navigate = useNavigate({ from: '/engagement/messages' });
  const { status, channel, customer: customerId } = search;
  const filters: MessageFilters = { status, channel, customerId };

  const setFilter = (key: 'status' | 'channel' | 'customer', value: string | undefined) => {
    void navigate({ search: (previous) => parseMessagesSearch({ ...previous, [key]: value === ALL ? undefined : value }), replace: true, resetScroll: false });
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>{t('messages.title')}</h1>
          <p className="muted page-intro">{t('messages.intro')}</p>
        </div>
      </header>
      <MessagesPerDay />
      <div className="filters message-filters" role="search" aria-label={t('messages.title')}>
        <Select
          label={t('messages.filter.status')}
          value={status ?? ALL}
          onChange={(v) => setFilter('status', v)}
          options={[{ id: ALL, label: t('messages.filter.all') }, ...MESSAGE_STATUSES.map((s) => ({ id: s, label: t(`messages.status.${s}`) }))]}
        />
        <Select
          label={t('messages.filter.channel')}
          value={channel ?? ALL}
          onChange={(v) => setFilter('channel', v)}
          options={[{ id: ALL, label: t('messages.filter.all') }, ...MESSAGE_CHANNELS.map((c) => ({ id: c, label: t(`messages.channel.${c}`) }))]}
        />
        <CustomerFilter customerId={customerId} onChange={(id) => setFilter('customer', id)} />
        {(status || channel || customerId) && <Button variant="ghost" onPress={() => void navigate({ search: {}, replace: true, resetScroll: false })}>{t('messages.filter.clear')}</Button>}
      </div>
      <DeadLetterNotice viewing={status === 'dead'} onShow={() => setFilter('status', 'dead')} />
      <MessageLog filters={filters} />
    </div>
  );
}

/** Dead letters never go out on their own: say so whenever there are any, and offer to list them. */
function DeadLetterNotice({ viewing, onShow }: { viewing: boolean; onShow: () => void }) {
  const t = useT();
  const dead = useQuery({ queryKey: ['messages', 'dead-exists'], queryFn: () => engagementApi.messages({ status: 'dead' }, undefined, 1) });
  if (viewing) return <div className="notice notice-dead" role="note"><AlertIcon /><span>{t('messages.deadNotice')}</span></div>;
  if (!dead.data || dead.data.items.length === 0) return null;
  return (
    <div className="notice notice-dead" role="note" data-testid="dead-letters-notice">
      <AlertIcon />
      <span>{t('messages.deadExist')}</span>
      <Button onPress={onShow}>{t('messages.showDead')}</Button>
    </div>
  );
}

function CustomerFilter({ customerId, onChange }: { customerId: string | undefined; onChange: (id: string | undefined) => void }) {
  const t = useT();
  const customer = useQuery({ queryKey: ['customer', customerId], queryFn: () => api.customer(customerId!), enabled: Boolean(customerId) });
  if (customerId && customer.isPending) return <Skeleton lines={1} />;
  const value: Customer | null = customerId ? customer.data ?? null : null;
  return <AutomationCustomerPicker key={customerId ?? 'none'} label={t('messages.filter.customer')} value={value} onChange={(c) => onChange(c?.id)} />;
}

function MessageLog({ filters }: { filters: MessageFilters }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const toast = useToast();
  const client = useQueryClient();
  const reasonText = useReasonText();
  const [open, setOpen] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const messages = useInfiniteQuery({
    queryKey: ['messages', filters],
    queryFn: ({ pageParam }) => engagementApi.messages(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const mayRetry = canRetryMessages(session.role);

  const handleRetry = async (message: Message) => {
    setRetrying(message.id);
    try {
      await engagementApi.retryMessage(message.id);
      toast(t('messages.retried'));
      await client.invalidateQueries({ queryKey: ['messages'] });
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    } finally {
      setRetrying(null);
    }
  };

  const items = messages.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(filters.status || filters.channel || filters.customerId);
  const columns: DataTableColumn<Message>[] = [
    { id: 'created', header: t('messages.col.created'), cell: (m) => formatInstant(m.createdAt, prefs) },
    { id: 'channel', header: t('messages.col.channel'), cell: (m) => <ChannelLabel channel={m.channel} /> },
    {
      id: 'recipient', header: t('messages.col.recipient'), isPrimary: true,
      cell: (m) => (
        <>
          {m.customerId ? <Link href={`/customers/${m.customerId}`}><Recipient value={m.recipient} /></Link> : <Recipient value={m.recipient} />}
          {m.subject && <div className="muted small-block"><UserText>{m.subject}</UserText></div>}
        </>
      ),
    },
    {
      id: 'status', header: t('messages.col.status'),
      cell: (m) => {
        const reason = reasonText(m.reason);
        return (
          <>
            <MessageStatusBadge status={m.status} />
            {reason && <div className="message-reason small-block">{reason}</div>}
            {m.status === 'failed' && m.nextAttemptAt && <div className="muted small-block">{t('messages.nextAttempt')}: {formatInstant(m.nextAttemptAt, prefs)}</div>}
          </>
        );
      },
    },
    { id: 'attempts', header: t('messages.col.attempts'), align: 'end', cell: (m) => formatNumber(m.attempts, prefs) },
    { id: 'origin', header: t('messages.col.origin'), cell: (m) => <MessageOrigin origin={m.origin} /> },
    { id: 'updated', header: t('messages.col.updated'), cell: (m) => formatInstant(m.updatedAt, prefs) },
    {
      id: 'actions', header: t('messages.col.actions'), hideHeader: true, className: 'col-actions',
      cell: (m) => (
        <>
          <Button variant="ghost" onPress={() => setOpen(m.id)}>{t('messages.view')}</Button>
          {mayRetry && (m.status === 'failed' || m.status === 'dead') && (
            <Button onPress={() => void handleRetry(m)} isPending={retrying === m.id} aria-label={t('messages.retryLabel', { recipient: m.recipient })}>
              <RetryIcon />{t('messages.retry')}
            </Button>
          )}
        </>
      ),
    },
  ];
  return (
    <>
      <DataTable
        label={t('messages.title')}
        className="message-table"
        columns={columns}
        rows={items}
        rowKey={(m) => m.id}
        rowProps={(m) => ({ className: `message-row row-${m.status}`, 'data-testid': 'message-row', 'data-status': m.status })}
        isLoading={messages.isPending}
        skeletonRows={8}
        error={messages.isError ? { detail: messages.error.message, onRetry: () => void messages.refetch() } : null}
        empty={{ icon: <MailIcon size={28} />, title: filtered ? t('messages.emptyFiltered') : t('messages.emptyTitle'), body: filtered ? null : t('messages.emptyBody') }}
        loadMore={{ hasMore: messages.hasNextPage, onLoadMore: () => void messages.fetchNextPage(), isLoadingMore: messages.isFetchingNextPage }}
      />
      <Dialog title={t('messages.detail')} isOpen={open !== null} onOpenChange={(o) => !o && setOpen(null)} size="large">
        {open && <MessageDetailBody id={open} />}
      </Dialog>
    </>
  );
}

function MessageDetailBody({ id }: { id: string }) {
  const t = useT();
  const prefs = usePrefs();
  const reasonText = useReasonText();
  const message = useQuery({ queryKey: ['message', id], queryFn: () => engagementApi.message(id) });
  if (message.isPending) return <Skeleton lines={6} />;
  if (message.isError) return <ErrorState detail={message.error.message} />;
  const m = message.data;
  return (
    <div className="message-detail">
      <dl className="facts">
        <dt>{t('messages.col.status')}</dt>
        <dd><MessageStatusBadge status={m.status} /> {reasonText(m.reason)}</dd>
        {m.detail && (<><dt>{t('messages.providerSaid')}</dt><dd><UserText>{m.detail}</UserText></dd></>)}
        <dt>{t('messages.col.channel')}</dt>
        <dd><ChannelLabel channel={m.channel} />{m.provider && <> · <bdi>{m.provider}</bdi></>}</dd>
        <dt>{t('messages.col.recipient')}</dt>
        <dd><Recipient value={m.recipient} /></dd>
        <dt>{t('messages.purpose')}</dt>
        <dd>{t(`messages.purpose.${m.purpose}`)}</dd>
        <dt>{t('messages.col.attempts')}</dt>
        <dd>{formatNumber(m.attempts, prefs)}</dd>
        <dt>{t('messages.col.origin')}</dt>
        <dd><MessageOrigin origin={m.origin} /></dd>
        <dt>{t('messages.col.created')}</dt>
        <dd>{formatInstant(m.createdAt, prefs)}</dd>
        {m.sentAt && (<><dt>{t('messages.sentAt')}</dt><dd>{formatInstant(m.sentAt, prefs)}</dd></>)}
        {m.deliveredAt && (<><dt>{t('messages.deliveredAt')}</dt><dd>{formatInstant(m.deliveredAt, prefs)}</dd></>)}
        {(m.status === 'queued' || m.status === 'failed') && m.nextAttemptAt && (<><dt>{t('messages.nextAttempt')}</dt><dd>{formatInstant(m.nextAttemptAt, prefs)}</dd></>)}
        {m.subject && (<><dt>{t('messages.subject')}</dt><dd><UserText>{m.subject}</UserText></dd></>)}
      </dl>
      <h3>{t('messages.body')}</h3>
      <pre className="message-body" dir="auto">{m.bodyText}</pre>
    </div>
  );
}
