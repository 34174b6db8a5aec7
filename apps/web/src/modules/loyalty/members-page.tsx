// /loyalty/members: every member with their points, pending points, what expires soon, their tier
// in a chosen program and their last activity; searched by name or phone (the server folds Persian
// and Arabic letters and reads any digits), filtered by tier, sorted and paged on the server.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber, localiseDigits } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { DataTable, SearchIcon, Select, TextField, UserText, UsersIcon, type DataTableColumn } from '../../ui/index.ts';
import { loyaltyApi, loyaltyKeys } from './api.ts';
import { financeApi, financeKeys, type MemberFilter, type MemberRow } from './finance-api.ts';
import { localName } from './loyalty-format.ts';
import { LoyaltyScreensNav } from './loyalty-screens-nav.tsx';
import './loyalty-reports.css';

const NONE = '_none';
const SORTS: MemberFilter['sort'][] = ['-available', 'available', '-lastActivity', 'lastActivity'];

export default function MembersPage() {
  const t = useT();
  const prefs = usePrefs();
  const [q, setQ] = useState('');
  const [programId, setProgramId] = useState<string>(NONE);
  const [tierId, setTierId] = useState<string>(NONE);
  const [sort, setSort] = useState<MemberFilter['sort']>('-available');
  const debouncedQ = useDebounced(q.trim(), 250);

  const programs = useQuery({ queryKey: loyaltyKeys.programs, queryFn: loyaltyApi.programs });
  // The only active program is the one whose tiers to show, until another is chosen.
  useEffect(() => {
    const active = programs.data?.items.filter((p) => p.status === 'active') ?? [];
    if (programId === NONE && active.length === 1) setProgramId(active[0]!.id);
  }, [programs.data]);
  const tiers = useQuery({ queryKey: financeKeys.tiers(programId), queryFn: () => financeApi.tiers(programId), enabled: programId !== NONE });

  const filter: MemberFilter = {
    sort,
    ...(debouncedQ ? { q: debouncedQ } : {}),
    ...(programId !== NONE ? { programId } : {}),
    ...(programId !== NONE && tierId !== NONE ? { tierId } : {}),
  };
  const list = useInfiniteQuery({
    queryKey: financeKeys.members(filter),
    queryFn: ({ pageParam }) => financeApi.members(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const points = (n: number) => formatNumber(n, prefs);

  const columns: DataTableColumn<MemberRow>[] = [
    {
      id: 'name', header: t('loyalty.members.name'), isPrimary: true,
      cell: (m) => <UserText>{m.name ?? t('loyalty.members.noName')}</UserText>,
    },
    { id: 'phone', header: t('loyalty.members.phone'), cell: (m) => (m.phone ? <bdi dir="ltr">{localiseDigits(m.phone, prefs.digits)}</bdi> : t('common.none')) },
    { id: 'available', header: t('loyalty.members.available'), align: 'end', cell: (m) => <span className="num">{points(m.available)}</span> },
    { id: 'pending', header: t('loyalty.members.pending'), align: 'end', cell: (m) => <span className="num">{points(m.pending)}</span> },
    {
      id: 'expiring', header: t('loyalty.members.expiring'), align: 'end',
      cell: (m) => (m.expiringSoon > 0 && m.nextExpiry
        ? t('loyalty.members.expiringOn', { points: points(m.expiringSoon), date: formatInstant(m.nextExpiry, prefs, 'short') })
        : t('common.none')),
    },
    { id: 'tier', header: t('loyalty.members.tier'), cell: (m) => (m.tier ? localName(m.tier.name, prefs.language) : t('common.none')) },
    { id: 'activity', header: t('loyalty.members.lastActivity'), className: 'col-date', cell: (m) => formatInstant(m.lastActivityAt, prefs, 'short') },
  ];

  const programOptions = [{ id: NONE, label: t('common.none') }, ...(programs.data?.items ?? []).map((p) => ({ id: p.id, label: p.name }))];
  const tierOptions = [{ id: NONE, label: t('common.all') }, ...(tiers.data?.items ?? []).map((tier) => ({ id: tier.id, label: localName(tier.name, prefs.language) }))];
  const filtered = Boolean(debouncedQ) || tierId !== NONE;
  return (
    <div className="page loyalty-reports">
      <header className="page-header">
        <div>
          <h1>{t('loyalty.members.title')}</h1>
          <p className="muted page-intro">{t('loyalty.members.intro')}</p>
        </div>
      </header>
      <LoyaltyScreensNav current="members" />
      <section className="filters" aria-label={t('loyalty.members.search')}>
        <div className="search-field">
          <SearchIcon />
          <TextField label={t('loyalty.members.search')} type="search" value={q} onChange={setQ} />
        </div>
        <Select label={t('loyalty.members.program')} value={programId} onChange={(id) => { setProgramId(id); setTierId(NONE); }} options={programOptions} />
        {programId !== NONE && <Select label={t('loyalty.members.tier')} value={tierId} onChange={setTierId} options={tierOptions} />}
        <Select label={t('loyalty.members.sort')} value={sort} onChange={setSort} options={SORTS.map((s) => ({ id: s, label: t(`loyalty.members.sort.${s}`) }))} />
      </section>
      <DataTable
        label={t('loyalty.members.title')}
        columns={columns}
        rows={rows}
        rowKey={(m) => m.customerId}
        rowHref={(m) => `/customers/${m.customerId}`}
        isLoading={list.isPending}
        skeletonRows={8}
        error={list.isError ? { detail: list.error.message, onRetry: () => void list.refetch() } : null}
        empty={filtered
          ? { title: t('loyalty.members.noMatch'), icon: <UsersIcon size={28} /> }
          : { title: t('loyalty.members.empty'), body: t('loyalty.members.emptyBody'), icon: <UsersIcon size={28} /> }}
        loadMore={{ hasMore: list.hasNextPage, onLoadMore: () => void list.fetchNextPage(), isLoadingMore: list.isFetchingNextPage }}
      />
    </div>
  );
}
