import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api, type CustomerFilters } from '../../lib/api.ts';
import { formatInstant, formatMoney, formatNumber, localiseDigits, LANGUAGES } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import {
  Badge, Button, ButtonLink, DownloadIcon, EmptyState, ErrorState, PlusIcon, SearchIcon, Select, Skeleton, TextField, UserText, UsersIcon,
} from '../../ui/index.ts';
import { CHANNELS } from './customer-fields.ts';
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

  // Keep the filters in the address so a reload or a shared link shows the same list.
  useEffect(() => {
    const next = parseCustomersSearch({ ...filters });
    if (JSON.stringify(next) !== JSON.stringify(parseCustomersSearch(search))) void navigate({ search: next, replace: true, resetScroll: false });
  }, [filters.q, filters.tag, filters.segment, filters.consent, filters.language]);

  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const list = useInfiniteQuery({ ...customersQuery(filters), placeholderData: (previous) => previous });
  const customers = list.data?.pages.flatMap((page) => page.items) ?? [];

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

      {list.isPending ? (
        <Skeleton lines={8} />
      ) : list.isError ? (
        <ErrorState detail={list.error.message} onRetry={() => void list.refetch()} />
      ) : customers.length === 0 ? (
        filtered
          ? <EmptyState title={t('customers.noMatchTitle')} icon={<SearchIcon size={28} />}>{t('customers.noMatchBody')}</EmptyState>
          : <EmptyState title={t('customers.emptyTitle')} icon={<UsersIcon size={28} />} action={<ButtonLink href="/customers/new" variant="primary">{t('customers.new')}</ButtonLink>}>{t('customers.emptyBody')}</EmptyState>
      ) : (
        <>
          <div className="table-wrap" aria-busy={list.isFetching}>
            <Table aria-label={t('customers.table')} className="table customers-table">
              <TableHeader>
                <Column isRowHeader className="col-name">{t('customer.name')}</Column>
                <Column>{t('customer.phone')}</Column>
                <Column>{t('customer.email')}</Column>
                <Column>{t('customer.tags')}</Column>
                <Column className="col-num">{t('customer.orders')}</Column>
                <Column className="col-num">{t('customer.totalSpent')}</Column>
                <Column>{t('customer.lastOrder')}</Column>
              </TableHeader>
              {/* React Aria keeps rendered rows until their items change; the display preferences
                  and the language must re-render them too, at once. */}
              <TableBody items={customers} dependencies={[prefs.locale, prefs.currency, prefs.irrDisplay, prefs.timeZone]}>
                {(customer) => (
                  <Row id={customer.id} href={`/customers/${customer.id}`} className="row-link">
                    <Cell><UserText>{customer.name ?? t('customer.unnamed')}</UserText></Cell>
                    <Cell>{customer.phone ? <bdi dir="ltr">{localiseDigits(customer.phone, prefs.digits)}</bdi> : t('common.none')}</Cell>
                    <Cell>{customer.email ? <UserText ltr>{customer.email}</UserText> : t('common.none')}</Cell>
                    <Cell>
                      <span className="tags">{customer.tags.slice(0, 3).map((tagName) => <Badge key={tagName}><UserText>{tagName}</UserText></Badge>)}</span>
                    </Cell>
                    <Cell className="col-num">{formatNumber(customer.orderCount, prefs)}</Cell>
                    <Cell className="col-num">{formatMoney(customer.totalSpentMinor, prefs.currency, prefs, prefs.irrDisplay)}</Cell>
                    <Cell className="col-date">{customer.lastOrderAt ? formatInstant(customer.lastOrderAt, prefs, 'short') : t('common.none')}</Cell>
                  </Row>
                )}
              </TableBody>
            </Table>
          </div>
          <div className="list-footer" ref={sentinel}>
            <p className="muted" aria-live="polite">{t('customers.shown', { count: customers.length })}</p>
            {list.hasNextPage && (
              <Button onPress={() => void list.fetchNextPage()} isPending={list.isFetchingNextPage}>{t('common.loadMore')}</Button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
