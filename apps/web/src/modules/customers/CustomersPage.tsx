import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api, type Customer, type CustomerFilters } from '../../lib/api.ts';
import { formatInstant, formatMoney, formatNumber, localiseDigits, LANGUAGES } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import {
  Badge, Button, ButtonLink, DataTable, DownloadIcon, PlusIcon, SearchIcon, Select, TextField, UserText, UsersIcon, selectionSize,
  type DataTableColumn, type Selection,
} from '../../ui/index.ts';
import { CHANNELS } from './customer-fields.ts';
import { CustomersBulkActions } from './CustomersBulkActions.tsx';
import { customersApi, SORTABLE, sortParam, sortState } from './customers-bulk-api.ts';
import { countLine } from './customers-count.ts';
import { customersQuery, parseCustomersSearch } from './customers-list.ts';

const ANY = '_any';

function filtersFrom(values: { q: string; tag: string; segment: string; consent: string; language: string }): CustomerFilters {
  return {
    q: values.q || undefined,
    tag: values.tag || undefined,
    segment: values.segment === ANY ? undefined : values.segment,
    consent: values.consent === ANY ? undefined : (values.consent as CustomerFilters['consent']),
    language: values.language === ANY ? undefined : (values.language as CustomerFilters['language']),
  };
}

export function CustomersPage() {
  const t = useT();
  const prefs = usePrefs();
  const search = useSearch({ from: '/customers' });
  const navigate = useNavigate({ from: '/customers' });
  const [q, setQ] = useState(search.q ?? '');
  const [tag, setTag] = useState(search.tag ?? '');
  const [segment, setSegment] = useState<string>(search.segment ?? ANY);
  const [consent, setConsent] = useState<string>(search.consent ?? ANY);
  const [language, setLanguage] = useState<string>(search.language ?? ANY);
  const debouncedQ = useDebounced(q.trim(), 250);
  const debouncedTag = useDebounced(tag.trim(), 250);

  const filters = filtersFrom({ q: debouncedQ, tag: debouncedTag, segment, consent, language });
  const filtered = Object.values(filters).some(Boolean);

  // The order is a link's too: clicking a column header changes the address, the list follows it.
  const sort = search.sort;

  // Keep the filters in the address so a reload or a shared link shows the same list.
  useEffect(() => {
    const next = parseCustomersSearch({ ...filters, sort });
    if (JSON.stringify(next) !== JSON.stringify(parseCustomersSearch(search))) void navigate({ search: next, replace: true, resetScroll: false });
  }, [filters.q, filters.tag, filters.segment, filters.consent, filters.language]);

  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const list = useInfiniteQuery({ ...customersQuery(filters, sort), placeholderData: (previous) => previous });
  const customers = list.data?.pages.flatMap((page) => page.items) ?? [];
  const count = useQuery({ queryKey: ['customers-count', filters], queryFn: () => customersApi.count(filters), placeholderData: (previous) => previous });

  // A selection belongs to the list it was made in: another filter or order starts afresh.
  const [selected, setSelected] = useState<Selection>(new Set());
  const listKey = JSON.stringify([filters, sort]);
  useEffect(() => setSelected(new Set()), [listKey]);
  // "Select all matching" only when the count is exact: an estimate is too many to act on at once.
  const total = count.data && !count.data.estimated ? count.data.count : undefined;

  // For bench/web.bench.ts: when the first rows are on screen and can be used.
  const hasRows = customers.length > 0;
  useEffect(() => {
    if (hasRows && performance.getEntriesByName('vafa:customers-interactive').length === 0) performance.mark('vafa:customers-interactive');
  }, [hasRows]);

  // Infinite scroll: load the next page when the sentinel below the table comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = sentinel.current;
    if (!node || !list.hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !list.isFetchingNextPage) void list.fetchNextPage();
    }, { rootMargin: '400px' });
    observer.observe(node);
    return () => observer.disconnect();
  }, [list.hasNextPage, list.isFetchingNextPage, list.fetchNextPage]);

  const clearFilters = () => {
    setQ('');
    setTag('');
    setSegment(ANY);
    setConsent(ANY);
    setLanguage(ANY);
  };

  const columns: DataTableColumn<Customer>[] = [
    { id: 'name', header: t('customer.name'), isPrimary: true, sortKey: 'name', firstSortDirection: SORTABLE.name, className: 'col-name', cell: (c) => <UserText>{c.name ?? t('customer.unnamed')}</UserText> },
    { id: 'phone', header: t('customer.phone'), cell: (c) => (c.phone ? <bdi dir="ltr">{localiseDigits(c.phone, prefs.digits)}</bdi> : t('common.none')) },
    { id: 'email', header: t('customer.email'), cell: (c) => (c.email ? <UserText ltr>{c.email}</UserText> : t('common.none')) },
    {
      id: 'tags', header: t('customer.tags'),
      cell: (c) => <span className="tags">{c.tags.slice(0, 3).map((tagName) => <Badge key={tagName}><UserText>{tagName}</UserText></Badge>)}</span>,
    },
    { id: 'orders', header: t('customer.orders'), sortKey: 'orderCount', firstSortDirection: SORTABLE.orderCount, align: 'end', cell: (c) => formatNumber(c.orderCount, prefs) },
    {
      id: 'spent', header: t('customer.totalSpent'), sortKey: 'totalSpent', firstSortDirection: SORTABLE.totalSpent, align: 'end',
      cell: (c) => formatMoney(c.totalSpentMinor, prefs.currency, prefs, prefs.irrDisplay),
    },
    {
      id: 'lastOrder', header: t('customer.lastOrder'), sortKey: 'lastOrderAt', firstSortDirection: SORTABLE.lastOrderAt, className: 'col-date',
      cell: (c) => (c.lastOrderAt ? formatInstant(c.lastOrderAt, prefs, 'short') : t('common.none')),
    },
  ];
  const counted = count.data ? countLine(count.data, prefs) : null;

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('customers.title')}</h1>
        <div className="page-actions">
          <ButtonLink href="/api/exports/customers.csv" download><DownloadIcon />{t('customers.export')}</ButtonLink>
          <ButtonLink href="/customers/new" variant="primary"><PlusIcon />{t('customers.new')}</ButtonLink>
        </div>
      </header>

      <section className="filters" aria-label={t('customers.filters')}>
        <div className="search-field">
          <SearchIcon />
          <TextField label={t('customers.search')} type="search" value={q} onChange={setQ} description={t('customers.searchHint')} />
        </div>
        <TextField label={t('customers.filterTag')} value={tag} onChange={setTag} />
        <Select
          label={t('customers.filterSegment')}
          value={segment}
          onChange={setSegment}
          options={[{ id: ANY, label: t('common.all') }, ...(segments.data?.items ?? []).map((s) => ({ id: s.id, label: s.name }))]}
        />
        <Select label={t('customers.filterConsent')} value={consent} onChange={setConsent} options={[{ id: ANY, label: t('common.any') }, ...CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) }))]} />
        <Select label={t('customers.filterLanguage')} value={language} onChange={setLanguage} options={[{ id: ANY, label: t('common.all') }, ...LANGUAGES.map((l) => ({ id: l, label: t(`language.${l}`) }))]} />
        {filtered && <Button variant="ghost" onPress={clearFilters}>{t('customers.clearFilters')}</Button>}
      </section>

      <DataTable<Customer>
        label={t('customers.table')}
        className="customers-table"
        columns={columns}
        rows={customers}
        rowKey={(c) => c.id}
        rowHref={(c) => `/customers/${c.id}`}
        sort={sortState(sort)}
        unsortedLabel={t('customers.sortNewest')}
        onSortChange={(next) => void navigate({ search: (previous) => parseCustomersSearch({ ...previous, sort: sortParam(next) }), replace: true, resetScroll: false })}
        count={counted && customers.length > 0 ? <span aria-live="polite">{t(counted.id, counted.values)}</span> : null}
        selection={{
          selected,
          onChange: setSelected,
          total,
          actions: (current) => (
            <CustomersBulkActions selected={current} count={selectionSize(current, total, customers.length)} filters={filters} onDone={() => setSelected(new Set())} />
          ),
        }}
        isLoading={list.isPending}
        skeletonRows={8}
        error={list.isError ? { detail: list.error.message, onRetry: () => void list.refetch() } : null}
        empty={filtered
          ? { title: t('customers.noMatchTitle'), body: t('customers.noMatchBody'), icon: <SearchIcon size={28} /> }
          : { title: t('customers.emptyTitle'), body: t('customers.emptyBody'), icon: <UsersIcon size={28} />, action: <ButtonLink href="/customers/new" variant="primary">{t('customers.new')}</ButtonLink> }}
        loadMore={{ hasMore: list.hasNextPage, onLoadMore: () => void list.fetchNextPage(), isLoadingMore: list.isFetchingNextPage }}
      />
      {/* Scrolling near the end loads the next page, as the button below the table does. */}
      <div ref={sentinel} aria-hidden="true" />
    </div>
  );
}
