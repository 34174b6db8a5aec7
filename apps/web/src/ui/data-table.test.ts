// The table's rules (sort toggling, browser-side sorting, selection) and what it renders, as
// markup from React's server renderer (no DOM needed). Browser behaviour: e2e/data-table.e2e.ts.
import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { IntlProvider } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../i18n/index.ts';
import { localeTag, type Language } from '../lib/format.ts';
import { DataTable, nextSort, sortRows, type DataTableColumn, type DataTableProps } from './data-table.tsx';

interface Person { id: string; name: string; visits: number | null }
const people: Person[] = [
  { id: 'a', name: 'یاسمن', visits: 3 },
  { id: 'b', name: 'آرش', visits: null },
  { id: 'c', name: 'بهرام', visits: 12 },
];
const columns: DataTableColumn<Person>[] = [
  { id: 'name', header: 'Name', cell: (p) => p.name, isPrimary: true, sortKey: 'name', sortValue: (p) => p.name },
  { id: 'visits', header: 'Visits', cell: (p) => String(p.visits ?? '-'), sortKey: 'visits', sortValue: (p) => p.visits, firstSortDirection: 'descending', align: 'end' },
  { id: 'actions', header: 'Actions', cell: () => 'x', hideHeader: true },
];

function render(props: Partial<DataTableProps<Person>>, language: Language = 'fa'): string {
  const locale = localeTag({ language, calendar: 'gregory', digits: language === 'fa' ? 'arabext' : 'latn' });
  const table = createElement(DataTable<Person>, { label: 'People', columns, rows: people, rowKey: (p) => p.id, ...props });
  return renderToStaticMarkup(createElement(IntlProvider, { locale, messages: MESSAGES[language], children: table as ReactNode }));
}
const noop = () => undefined;

describe('nextSort', () => {
  it('starts a column in its first direction and flips it on the next click', () => {
    expect(nextSort(null, { sortKey: 'name' })).toEqual({ key: 'name', direction: 'ascending' });
    expect(nextSort(null, { sortKey: 'at', firstSortDirection: 'descending' })).toEqual({ key: 'at', direction: 'descending' });
    expect(nextSort({ key: 'name', direction: 'ascending' }, { sortKey: 'name' })).toEqual({ key: 'name', direction: 'descending' });
    expect(nextSort({ key: 'name', direction: 'descending' }, { sortKey: 'name' })).toEqual({ key: 'name', direction: 'ascending' });
    expect(nextSort({ key: 'name', direction: 'descending' }, { sortKey: 'visits' })).toEqual({ key: 'visits', direction: 'ascending' });
  });
});

describe('sortRows', () => {
  it('orders Persian names by the Persian alphabet', () => {
    expect(sortRows(people, columns, { key: 'name', direction: 'ascending' }, 'fa').map((p) => p.name)).toEqual(['آرش', 'بهرام', 'یاسمن']);
    expect(sortRows(people, columns, { key: 'name', direction: 'descending' }, 'fa').map((p) => p.name)).toEqual(['یاسمن', 'بهرام', 'آرش']);
  });
  it('compares numbers as numbers and keeps empty values last both ways', () => {
    expect(sortRows(people, columns, { key: 'visits', direction: 'ascending' }, 'en').map((p) => p.id)).toEqual(['a', 'c', 'b']);
    expect(sortRows(people, columns, { key: 'visits', direction: 'descending' }, 'en').map((p) => p.id)).toEqual(['c', 'a', 'b']);
  });
  it('leaves the order alone without a sort', () => {
    expect(sortRows(people, columns, null, 'en').map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('DataTable markup', () => {
  it('marks the sorted column with aria-sort and the other sortable ones with none', () => {
    const html = render({ sort: { key: 'visits', direction: 'descending' }, onSortChange: noop });
    expect(html).toMatch(/<th[^>]*aria-sort="none"[^>]*><button[^>]*class="dt-sort"[^>]*><span>Name<\/span>/);
    expect(html).toMatch(/<th[^>]*aria-sort="descending"[^>]*><button[^>]*data-sorted="descending"/);
    expect(render({})).not.toContain('aria-sort');
  });

  it('makes the primary cell a row header holding a real link', () => {
    const html = render({ rowHref: (p) => `/people/${p.id}` });
    expect(html).toMatch(/<th role="rowheader" scope="row"[^>]*><a [^>]*href="\/people\/c"[^>]*>بهرام<\/a><\/th>/);
  });

  it('says which row is open beside the list (master-detail)', () => {
    const html = render({ rowHref: (p) => `/people/${p.id}`, isRowCurrent: (p) => p.id === 'b' });
    expect(html).toMatch(/<tr role="row" data-current="true" class="dt-linked">|<tr role="row" class="dt-linked" data-current="true">/);
    expect(html.match(/aria-current="page"/g)).toHaveLength(1);
    expect(html).toMatch(/aria-current="page"[^>]*>آرش<\/a>|<a [^>]*aria-current="page"[^>]*>آرش/);
  });

  it('labels the other cells for phone cards, except a column whose header is hidden', () => {
    const html = render({});
    expect(html).toContain('<span class="dt-label">Visits</span>');
    expect(html).not.toContain('<span class="dt-label">Actions</span>');
    expect(html).toContain('<span class="visually-hidden">Actions</span>');
  });

  it('hides the bulk bar until something is selected, then counts in the reader’s digits', () => {
    const none = render({ selection: { selected: new Set(), onChange: noop } });
    expect(none).toMatch(/<section class="dt-bulk"[^>]*hidden=""/);
    const two = render({ selection: { selected: new Set(['a', 'c']), onChange: noop, actions: () => createElement('button', null, 'Tag') } });
    expect(two).not.toMatch(/<section class="dt-bulk"[^>]*hidden/);
    expect(two).toContain('۲ مورد انتخاب شده');
    expect(two).toContain('<button>Tag</button>');
    expect(two).toContain(MESSAGES.fa['dataTable.clearSelection']);
    expect(two).not.toContain('منطبق');
  });

  it('offers every matching row once the whole page is selected and more match', () => {
    const page = render({ selection: { selected: new Set(['a', 'b', 'c']), onChange: noop, total: 1204 } }, 'en');
    expect(page).toContain('3 selected');
    expect(page).toContain('Select all 1,204 matching items');
    const all = render({ selection: { selected: 'all', onChange: noop, total: 1204 } }, 'en');
    expect(all).toContain('All 1,204 matching items are selected');
    expect(all).not.toContain('Select all 1,204');
  });

  it('shows skeleton rows under the headers while loading, and the caller’s empty and error states', () => {
    const loading = render({ rows: [], isLoading: true, skeletonRows: 4 });
    expect(loading.match(/dt-skeleton-row/g)).toHaveLength(4);
    expect(loading).toContain('aria-busy="true"');
    const empty = render({ rows: [], empty: { title: 'Nobody yet' } });
    expect(empty).toContain('Nobody yet');
    expect(empty).not.toContain('<table');
    const error = render({ error: { detail: 'It broke', onRetry: noop } });
    expect(error).toContain('role="alert"');
    expect(error).toContain(MESSAGES.fa['common.retry']);
    expect(error).not.toContain('<table');
  });

  it('offers load more only when there is more', () => {
    expect(render({ loadMore: { hasMore: true, onLoadMore: noop } })).toContain(MESSAGES.fa['common.loadMore']);
    expect(render({ loadMore: { hasMore: false, onLoadMore: noop } })).not.toContain(MESSAGES.fa['common.loadMore']);
  });
});
