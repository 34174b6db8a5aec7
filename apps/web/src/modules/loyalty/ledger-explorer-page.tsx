// /loyalty/ledger: the points journal, newest first. Each entry with the accounts it moved, why
// (its kind, reason and order), its idempotency key and who wrote it; filters by member (?customer=
// in the address, as the customer page links here), account, kind and days of the reader's calendar
// counted in the workspace's time zone. Read-only: corrections are new entries, made elsewhere.
import { toZoned, type CalendarDate } from '@internationalized/date';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-aria-components';
import type { LoyaltyAccountKind, LoyaltyEntryKind } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { DateField } from '../../ui/date-fields.tsx';
import { Button, DataTable, Select, UserText, type DataTableColumn } from '../../ui/index.ts';
import { EntryEventCause, entryNote } from './entry-cause.tsx';
import { financeApi, financeKeys, type LedgerEntry, type LedgerFilter } from './finance-api.ts';
import { signedPoints } from './loyalty-format.ts';
import { LoyaltyScreensNav } from './loyalty-screens-nav.tsx';
import './loyalty-reports.css';

const ANY = '_any';
const KINDS: LoyaltyEntryKind[] = ['earn', 'unlock', 'redeem', 'expire', 'reversal', 'adjust', 'hold', 'capture', 'release', 'donate', 'transfer', 'merge'];
const ACCOUNTS: LoyaltyAccountKind[] = [
  'issuance', 'redemptions', 'breakage', 'charity_payable', 'partner_payable', 'write_off', 'available', 'pending', 'held', 'owed', 'qualifying', 'qualifying_issuance',
];

/** The member in the address (?customer=<id>), when a link brought the reader here for one. */
function customerInAddress(): string | undefined {
  const id = new URLSearchParams(window.location.search).get('customer');
  return id && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
}

export default function LedgerExplorerPage() {
  const t = useT();
  const prefs = usePrefs();
  const [customerId, setCustomerId] = useState(customerInAddress);
  const [kind, setKind] = useState<string>(ANY);
  const [account, setAccount] = useState<string>(ANY);
  const [from, setFrom] = useState<CalendarDate | null>(null);
  const [until, setUntil] = useState<CalendarDate | null>(null);

  // Days start at midnight in the workspace's time zone; "until" includes its whole day.
  const filter: LedgerFilter = {
    ...(customerId ? { customerId } : {}),
    ...(kind !== ANY ? { kind } : {}),
    ...(account !== ANY ? { account } : {}),
    ...(from ? { from: toZoned(from, prefs.timeZone).toDate().toISOString() } : {}),
    ...(until ? { to: toZoned(until.add({ days: 1 }), prefs.timeZone).toDate().toISOString() } : {}),
  };
  const badRange = Boolean(filter.from && filter.to && filter.from >= filter.to);
  const list = useInfiniteQuery({
    queryKey: financeKeys.ledger(filter),
    queryFn: ({ pageParam }) => financeApi.ledger(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
    enabled: !badRange,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  const who = (e: LedgerEntry) => {
    if (e.actorName) return <UserText>{e.actorName}</UserText>;
    if (e.source.startsWith('system:')) return t('loyalty.ledger.bySystem');
    return t(e.source.startsWith('api_key:') ? 'loyalty.ledger.byKey' : 'loyalty.ledger.byUser');
  };
  const columns: DataTableColumn<LedgerEntry>[] = [
    {
      id: 'entry', header: t('loyalty.ledger.entry'), isPrimary: true,
      cell: (e) => (
        <span className="ledger-meta">
          <strong>{t(`loyalty.kind.${e.kind}`)}</strong>
          <span className="muted">{t('loyalty.ledger.entryNo', { id: formatNumber(e.id, prefs) })}
            {e.reversesEntryId !== null && <> · {t('loyalty.ledger.reversesNo', { id: formatNumber(e.reversesEntryId, prefs) })}</>}</span>
        </span>
      ),
    },
    { id: 'at', header: t('loyalty.ledger.at'), className: 'col-date', cell: (e) => formatInstant(e.createdAt, prefs) },
    {
      id: 'member', header: t('loyalty.ledger.member'),
      cell: (e) => (e.customerId
        ? <Link href={`/customers/${e.customerId}`}><UserText>{e.customerName ?? t('loyalty.members.noName')}</UserText></Link>
        : t('common.none')),
    },
    {
      id: 'postings', header: t('loyalty.ledger.postings'), wideInCard: true,
      cell: (e) => (
        <ul className="ledger-postings">
          {e.postings.map((p, i) => {
            const name = t(`loyalty.account.${p.account}`);
            return (
              <li key={i}>
                <span>{p.unit === 'qualifying' && !p.account.startsWith('qualifying') ? t('loyalty.ledger.qualifying', { account: name }) : name}</span>
                <bdi className={`ledger-amount${p.amount < 0 ? ' is-negative' : ''}`}>{signedPoints(p.amount, prefs)}</bdi>
              </li>
            );
          })}
        </ul>
      ),
    },
    {
      id: 'why', header: t('loyalty.ledger.reason'), wideInCard: true,
      cell: (e) => (
        <span className="ledger-meta">
          <EntryEventCause source={e.source} />
          {entryNote(e) && <UserText>{entryNote(e)}</UserText>}
          {e.externalId && <span>{t('loyalty.ledger.externalId')}: <bdi dir="ltr" translate="no">{e.externalId}</bdi></span>}
          <span className="ledger-key muted">{t('loyalty.ledger.key')}: <bdi dir="ltr" translate="no">{e.idempotencyKey}</bdi></span>
        </span>
      ),
    },
    { id: 'by', header: t('loyalty.ledger.by'), cell: who },
  ];

  return (
    <div className="page loyalty-reports">
      <header className="page-header">
        <div>
          <h1>{t('loyalty.ledger.title')}</h1>
          <p className="muted page-intro">{t('loyalty.ledger.intro')}</p>
        </div>
      </header>
      <LoyaltyScreensNav current="ledger" />
      <section className="filters" aria-label={t('loyalty.ledger.title')}>
        <Select label={t('loyalty.ledger.kind')} value={kind} onChange={setKind} options={[{ id: ANY, label: t('common.all') }, ...KINDS.map((k) => ({ id: k, label: t(`loyalty.kind.${k}`) }))]} />
        <Select label={t('loyalty.ledger.account')} value={account} onChange={setAccount} options={[{ id: ANY, label: t('common.all') }, ...ACCOUNTS.map((a) => ({ id: a, label: t(`loyalty.account.${a}`) }))]} />
        <DateField label={t('loyalty.ledger.from')} value={from} onChange={setFrom} />
        <DateField label={t('loyalty.ledger.to')} value={until} onChange={setUntil} errorMessage={badRange ? t('loyalty.ledger.empty') : undefined} />
      </section>
      {customerId && (
        <p className="ledger-member-filter">
          {t('loyalty.ledger.memberFilter')}{' '}
          <Button onPress={() => { setCustomerId(undefined); window.history.replaceState(null, '', '/loyalty/ledger'); }}>{t('loyalty.ledger.clearMember')}</Button>
        </p>
      )}
      <DataTable
        label={t('loyalty.ledger.title')}
        columns={columns}
        rows={badRange ? [] : rows}
        rowKey={(e) => String(e.id)}
        isLoading={!badRange && list.isPending}
        skeletonRows={6}
        error={list.isError ? { detail: list.error.message, onRetry: () => void list.refetch() } : null}
        empty={{ title: t('loyalty.ledger.empty') }}
        loadMore={{ hasMore: list.hasNextPage, onLoadMore: () => void list.fetchNextPage(), isLoadingMore: list.isFetchingNextPage }}
      />
    </div>
  );
}
