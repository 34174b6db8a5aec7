import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, ListBox, ListBoxItem } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { ApiError, api, type Customer } from '../../lib/api.ts';
import { formatDay, formatInstant, formatMoney, formatNumber, localiseDigits } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import {
  ArrowBack, Badge, Button, ConfirmDialog, Dialog, DownloadIcon, EmptyState, ErrorState, MergeIcon, Skeleton, TextField, TrashIcon,
  UserText, useToast,
} from '../../ui/index.ts';
import { CustomerFollowups, ENGAGEMENT_KINDS, EngagementTimelineDetail } from '../engagement/index.ts';
import { CustomerLoyalty } from '../loyalty/index.ts';
import { SURVEY_KINDS, SurveyTimelineDetail } from '../surveys/index.ts';
import { CHANNELS } from './customer-fields.ts';
import { CustomerForm } from './CustomerForm.tsx';
import { TimelineComposer, TimelineEntryDetail } from './customer-notes.tsx';

export default function CustomerPage({ id }: { id: string }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const customer = useQuery({ queryKey: ['customer', id], queryFn: () => api.customer(id) });
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [erasePending, setErasePending] = useState(false);

  if (customer.isPending) return <div className="page"><Skeleton lines={10} /></div>;
  if (customer.isError) {
    const missing = customer.error instanceof ApiError && customer.error.status === 404;
    return <div className="page"><ErrorState detail={missing ? t('customer.notFound') : customer.error.message} onRetry={missing ? undefined : () => void customer.refetch()} /></div>;
  }
  const c = customer.data;
  const refresh = (updated: Customer) => {
    client.setQueryData(['customer', id], updated);
    void client.invalidateQueries({ queryKey: ['customers'] });
    void client.invalidateQueries({ queryKey: ['timeline', id] });
  };

  const handleExport = async () => {
    try {
      const data = await api.exportCustomer(id);
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `customer-${id}.json`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    }
  };
  const handleErase = async () => {
    setErasePending(true);
    try {
      refresh(await api.eraseCustomer(id));
      toast(t('customer.erasedToast'));
      setErasing(false);
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    } finally {
      setErasePending(false);
    }
  };

  const title = c.name ?? t('customer.unnamed');
  return (
    <div className="page">
      <Link href="/customers" className="back-link"><ArrowBack />{t('customers.title')}</Link>
      <header className="page-header">
        <h1><UserText>{title}</UserText></h1>
        {!c.mergedInto && !c.erasedAt && (
          <div className="page-actions">
            <Button onPress={() => setEditing(true)}>{t('common.edit')}</Button>
            <Button onPress={() => setMerging(true)}><MergeIcon />{t('merge.action')}</Button>
            <Button variant="ghost" onPress={handleExport}><DownloadIcon />{t('customer.exportData')}</Button>
            <Button variant="ghost" onPress={() => setErasing(true)}><TrashIcon />{t('customer.erase')}</Button>
          </div>
        )}
      </header>
      {c.mergedInto && (
        <div className="notice" role="status">
          {t('customer.merged')} <Link href={`/customers/${c.mergedInto}`}>{t('customer.openSurvivor')}</Link>
        </div>
      )}
      {c.erasedAt && <div className="notice" role="status">{t('customer.erased', { date: formatInstant(c.erasedAt, prefs, false) })}</div>}

      <div className="customer-layout">
        <div className="customer-side">
          <section className="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{t('customer.profile')}</h2>
            <dl className="facts">
              <dt>{t('customer.phone')}</dt>
              <dd>{c.phone ? <bdi dir="ltr" data-testid="customer-phone">{localiseDigits(c.phone, prefs.digits)}</bdi> : t('common.none')}</dd>
              <dt>{t('customer.email')}</dt>
              <dd>{c.email ? <UserText ltr>{c.email}</UserText> : t('common.none')}</dd>
              <dt>{t('customer.birthday')}</dt>
              <dd data-testid="customer-birthday">
                {c.birthday ? (
                  <>
                    <span data-testid="birthday-yours">{formatDay(c.birthday.iso, prefs)}</span>
                    {c.birthday.calendar !== prefs.calendar && (
                      <span className="muted small-block">
                        {t('customer.birthdayOwn')}: <span data-testid="birthday-own">{formatDay(c.birthday.iso, { ...prefs, calendar: c.birthday.calendar })}</span> ({t(`calendar.${c.birthday.calendar}`)})
                      </span>
                    )}
                  </>
                ) : t('customer.noBirthday')}
              </dd>
              <dt>{t('customer.language')}</dt>
              <dd>{c.language ? t(`language.${c.language}`) : t('common.none')}</dd>
              <dt>{t('customer.preferredChannel')}</dt>
              <dd>{c.preferredChannel ? t(`channel.${c.preferredChannel}`) : t('common.none')}</dd>
              <dt>{t('customer.timeZone')}</dt>
              <dd>{c.timeZone ? <bdi dir="ltr">{c.timeZone}</bdi> : <span className="muted">{t('customer.timeZoneDefault')}</span>}</dd>
              <dt>{t('customer.tags')}</dt>
              <dd>{c.tags.length ? <span className="tags">{c.tags.map((tag) => <Badge key={tag}><UserText>{tag}</UserText></Badge>)}</span> : t('common.none')}</dd>
              {c.externalId && (<><dt>{t('customer.externalId')}</dt><dd><bdi dir="ltr">{c.externalId}</bdi></dd></>)}
              <dt>{t('customer.createdAt')}</dt>
              <dd>{formatInstant(c.createdAt, prefs, false)}</dd>
            </dl>
          </section>

          <section className="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t('customer.summary')}</h2>
            <dl className="facts">
              <dt>{t('customer.orders')}</dt>
              <dd>{formatNumber(c.orderCount, prefs)}</dd>
              <dt>{t('customer.totalSpent')}</dt>
              <dd>{formatMoney(c.totalSpentMinor, prefs.currency, prefs, prefs.irrDisplay)}</dd>
              <dt>{t('customer.lastOrder')}</dt>
              <dd>{c.lastOrderAt ? formatInstant(c.lastOrderAt, prefs) : t('common.none')}</dd>
            </dl>
          </section>

          <section className="card" aria-labelledby="consent-heading">
            <h2 id="consent-heading">{t('customer.consent')}</h2>
            {/* Narrow screens scroll the table inside its card, never the page. */}
            <div className="scroll-box" tabIndex={0} role="region" aria-labelledby="consent-heading">
            <table className="simple-table">
              <thead>
                <tr><th scope="col">{t('customer.consentChannel')}</th><th scope="col">{t('customer.consentStatus')}</th><th scope="col">{t('customer.consentAt')}</th><th scope="col">{t('customer.consentSource')}</th></tr>
              </thead>
              <tbody>
                {CHANNELS.map((channel) => {
                  const entry = c.consent[channel];
                  return (
                    <tr key={channel}>
                      <th scope="row">{t(`channel.${channel}`)}</th>
                      <td>{entry ? <Badge tone={entry.granted ? 'good' : 'bad'}>{t(entry.granted ? 'customer.consentGranted' : 'customer.consentWithdrawn')}</Badge> : <span className="muted">{t('customer.consentUnknown')}</span>}</td>
                      <td className="col-date">{entry ? formatInstant(entry.at, prefs) : ''}</td>
                      <td>{entry ? <UserText>{entry.source}</UserText> : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            </div>
          </section>

          <CustomerFollowups customerId={id} canCreate={!c.mergedInto && !c.erasedAt} />
          <CustomerLoyalty customerId={id} canChange={!c.mergedInto && !c.erasedAt} />
          <Attributes customer={c} />
        </div>

        <section className="card customer-main" aria-labelledby="timeline-heading">
          <TimelineComposer customerId={id} canWrite={!c.mergedInto && !c.erasedAt} hasOrders={c.orderCount > 0}>
            <h2 id="timeline-heading">{t('customer.timeline')}</h2>
          </TimelineComposer>
          <TimelineList customerId={id} canWrite={!c.mergedInto && !c.erasedAt} />
        </section>
      </div>

      <Dialog title={t('customer.editTitle')} isOpen={editing} onOpenChange={setEditing} size="large">
        {(close) => <CustomerForm customer={c} onCancel={close} onSaved={(updated) => { refresh(updated); toast(t('customer.updated')); close(); }} />}
      </Dialog>
      <MergeDialog target={c} isOpen={merging} onOpenChange={setMerging} onMerged={(updated) => { refresh(updated); toast(t('merge.done')); }} />
      <ConfirmDialog
        title={t('customer.eraseTitle')}
        body={t('customer.eraseBody')}
        confirmLabel={t('customer.erase')}
        isOpen={erasing}
        onOpenChange={setErasing}
        onConfirm={handleErase}
        isPending={erasePending}
        danger
      />
    </div>
  );
}

function Attributes({ customer }: { customer: Customer }) {
  const t = useT();
  const prefs = usePrefs();
  const definitions = useQuery({ queryKey: ['customer-attributes'], queryFn: api.attributes });
  const entries = Object.entries(customer.attributes);
  const labelOf = (key: string) => definitions.data?.items.find((d) => d.key === key)?.label[prefs.language] ?? key;
  const show = (value: unknown) => typeof value === 'boolean' ? t(value ? 'common.yes' : 'common.no') : typeof value === 'number' ? formatNumber(value, prefs) : value === null ? t('common.none') : <UserText>{String(value)}</UserText>;
  return (
    <section className="card" aria-labelledby="attributes-heading">
      <h2 id="attributes-heading">{t('customer.attributes')}</h2>
      {entries.length === 0 ? <p className="muted">{t('customer.noAttributes')}</p> : (
        <dl className="facts">{entries.map(([key, value]) => <div key={key} className="fact-pair"><dt><UserText>{labelOf(key)}</UserText></dt><dd>{show(value)}</dd></div>)}</dl>
      )}
    </section>
  );
}

const TOUCH_CHANNELS = ['web', 'store', 'phone', 'app', 'sms', 'email', 'whatsapp', 'instagram', 'telegram', 'live_chat', 'call_center', 'pos', 'other'];
const KNOWN_KINDS = ['visit', 'call', 'message', 'chat', 'social', 'note', 'order.placed', 'order.delivered', 'order.returned', ...ENGAGEMENT_KINDS, ...SURVEY_KINDS];
// Kinds another module draws itself (its own detail part), rather than as a note or logged contact.
const MODULE_KINDS = [...ENGAGEMENT_KINDS, ...SURVEY_KINDS];

function TimelineList({ customerId, canWrite }: { customerId: string; canWrite: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const timeline = useInfiniteQuery({
    queryKey: ['timeline', customerId],
    queryFn: ({ pageParam }) => api.timeline(customerId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  if (timeline.isPending) return <Skeleton lines={6} />;
  if (timeline.isError) return <ErrorState detail={timeline.error.message} onRetry={() => void timeline.refetch()} />;
  const items = timeline.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <EmptyState title={t('timeline.empty')} />;
  return (
    <>
      <ol className="timeline">
        {items.map((item) => {
          const kind = (KNOWN_KINDS.includes(item.kind) ? `timeline.kind.${item.kind}` : 'timeline.kind.other') as MessageKey;
          const stageKey = `timeline.stage.${item.stage}` as MessageKey;
          const order = item.order;
          return (
            <li key={item.id} className={`timeline-item kind-${item.kind.replace('.', '-')}`}>
              <div className="timeline-dot" aria-hidden="true" />
              <div className="timeline-content">
                <div className="timeline-head">
                  <strong>{t(kind)}</strong>
                  {!ENGAGEMENT_KINDS.includes(item.kind) && item.kind !== 'note' && <span className="muted">{t('timeline.via', { channel: TOUCH_CHANNELS.includes(item.channel) ? t(`touchChannel.${item.channel}` as MessageKey) : item.channel })}</span>}
                  {item.kind !== 'note' && ['pre-sale', 'sale', 'after-sale', 'non-sale'].includes(item.stage) && <Badge tone="info">{t(stageKey)}</Badge>}
                  <time className="muted timeline-time" dateTime={item.occurredAt}>{formatInstant(item.occurredAt, prefs)}</time>
                </div>
                {ENGAGEMENT_KINDS.includes(item.kind) && <EngagementTimelineDetail item={item} />}
                {SURVEY_KINDS.includes(item.kind) && <SurveyTimelineDetail item={item} />}
                {!MODULE_KINDS.includes(item.kind) && <TimelineEntryDetail item={item} customerId={customerId} canWrite={canWrite} />}
                {order && (
                  <div className="order">
                    <div className="order-line">
                      <span>{t('timeline.order', { id: '' }).trim()} <bdi dir="ltr" translate="no">{order.externalId}</bdi></span>
                      <strong>{formatMoney(order.amountMinor, order.currency, prefs, prefs.irrDisplay)}</strong>
                      {order.items.length > 0 && <span className="muted">{t('timeline.items', { count: order.items.length })}</span>}
                      {order.promiseKept === true && <Badge tone="good">{t('timeline.promiseKept')}</Badge>}
                      {order.promiseKept === false && <Badge tone="bad">{t('timeline.promiseLate')}</Badge>}
                      {order.promiseKept === null && order.promisedDeliveryAt && !order.deliveredAt && <Badge tone="warn">{t('timeline.promisePending', { date: formatInstant(order.promisedDeliveryAt, prefs) })}</Badge>}
                    </div>
                    {order.deliveredAt && <div className="muted">{t('timeline.delivered', { date: formatInstant(order.deliveredAt, prefs) })}</div>}
                    {order.items.length > 0 && (
                      <ul className="order-items">
                        {order.items.map((line, i) => (
                          <li key={i}>
                            <UserText>{line.name}</UserText> × {formatNumber(line.quantity, prefs)} — {formatMoney(line.unitPriceMinor, order.currency, prefs, prefs.irrDisplay)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {timeline.hasNextPage && <Button onPress={() => void timeline.fetchNextPage()} isPending={timeline.isFetchingNextPage}>{t('common.loadMore')}</Button>}
    </>
  );
}

function MergeDialog({ target, isOpen, onOpenChange, onMerged }: { target: Customer; isOpen: boolean; onOpenChange: (open: boolean) => void; onMerged: (c: Customer) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<Customer | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const debounced = useDebounced(q.trim(), 250);
  const results = useQuery({
    queryKey: ['customers', { q: debounced, purpose: 'merge' }],
    queryFn: () => api.customers({ q: debounced }, undefined, 10),
    enabled: isOpen && debounced.length > 0,
  });
  const candidates = (results.data?.items ?? []).filter((c) => c.id !== target.id);
  const describe = (c: Customer) => [c.name ?? t('customer.unnamed'), c.phone ? localiseDigits(c.phone, prefs.digits) : null, c.email].filter(Boolean).join(' · ');

  const handleMerge = async (close: () => void) => {
    if (!picked) return;
    setPending(true);
    setError(null);
    try {
      onMerged(await api.mergeCustomer(target.id, picked.id));
      close();
      setPicked(null);
      setQ('');
    } catch (err) {
      setError(err instanceof Error ? err.message : t('common.errorTitle'));
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog title={t('merge.title')} isOpen={isOpen} onOpenChange={onOpenChange} size="large">
      {(close) => (
        <div className="form">
          <TextField label={t('merge.pick')} type="search" value={q} onChange={(v) => { setQ(v); setPicked(null); }} description={t('merge.pickHint')} />
          {candidates.length > 0 && (
            <ListBox
              aria-label={t('merge.pick')}
              className="listbox pick-list"
              selectionMode="single"
              selectedKeys={picked ? [picked.id] : []}
              onSelectionChange={(keys) => {
                const key = keys === 'all' ? undefined : [...keys][0];
                setPicked(candidates.find((c) => c.id === key) ?? null);
              }}
              items={candidates}
            >
              {(c) => <ListBoxItem id={c.id} className="listbox-item" textValue={describe(c)}><bdi dir="auto">{describe(c)}</bdi></ListBoxItem>}
            </ListBox>
          )}
          {picked && (
            <section aria-labelledby="merge-preview" className="merge-preview">
              <h3 id="merge-preview">{t('merge.preview')}</h3>
              <div className="merge-cards">
                <div className="card"><Badge tone="good">{t('merge.keeps')}</Badge><p><bdi dir="auto">{describe(target)}</bdi></p><p className="muted">{t('customer.orders')}: {formatNumber(target.orderCount, prefs)}</p></div>
                <div className="card"><Badge tone="warn">{t('merge.removes')}</Badge><p><bdi dir="auto">{describe(picked)}</bdi></p><p className="muted">{t('customer.orders')}: {formatNumber(picked.orderCount, prefs)}</p></div>
              </div>
              <p>{t('merge.explain', { source: picked.name ?? t('customer.unnamed'), target: target.name ?? t('customer.unnamed') })}</p>
            </section>
          )}
          {error && <p className="form-error" role="alert">{error}</p>}
          <div className="form-actions">
            <Button variant="primary" isDisabled={!picked} isPending={pending} onPress={() => void handleMerge(close)}>{t('merge.confirm')}</Button>
            <Button onPress={close}>{t('common.cancel')}</Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

