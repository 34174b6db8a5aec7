/**
 * DataTable: the one list/table of the app (sorting, selection with bulk actions, load more,
 * loading/empty/error states, row links, cards on phones). Generic over the row type.
 *
 * A semantic <table> with explicit roles, not React Aria's grid: rows re-render with the
 * locale like any React tree (no collection cache to invalidate), the primary cell is a real
 * <a> (middle-click, screen readers), and CSS may turn rows into cards without losing roles.
 * Controls inside are React Aria (Checkbox, Button, Link, Select).
 *
 * Props (see DataTableProps below for types):
 *   label          accessible name of the table.
 *   columns        [{ id, header, cell(row), isPrimary?, sortKey?, firstSortDirection?,
 *                     sortValue?(row), align?: 'start'|'end', hideHeader?, wideInCard?, className? }]
 *                  `header` is text: it is also the label in a phone card and in the sort menu.
 *                  The primary column (default: the first) is the row header and the card title.
 *   rows, rowKey   the rows on screen (all loaded pages) and a stable string key for each.
 *   rowHref        (row) => path: the primary cell becomes a link; the whole row is clickable.
 *   rowProps       (row) => { className?, 'data-…'? } extra attributes on the <tr>.
 *   isRowCurrent   (row) => boolean: the row shown beside the list; its link is aria-current.
 *   sort, onSortChange   controlled { key, direction }, or null for the list's own order (named by unsortedLabel). The caller sorts (on the server, or with
 *                  sortRows() below for a fully loaded list) and may keep it in the URL.
 *   selection      { selected, onChange, total?, actions?(selected), isSelectable?(row) }: checkboxes per row and a
 *                  "select page" checkbox. `selected` is a Set of row keys or 'all' (every row
 *                  matching the caller's query, loaded or not; offered when `total` exceeds the
 *                  rows on screen). A bar shows "N selected", the caller's actions and "clear".
 *   count          a node for the count line ("1,204 customers", "about 50,000"), caller-formatted.
 *   isLoading      skeleton rows under the real headers.
 *   error          { detail?, onRetry? }: an ErrorState with a retry button instead of the rows.
 *   empty          { title, body?, action?, icon? }: an EmptyState when there are no rows.
 *   loadMore       { hasMore, onLoadMore, isLoadingMore? }: a "load more" button for cursor pages.
 *   layout         'cards' (default): below 640px of its own width the rows become cards.
 *                  'scroll': stays a table and scrolls sideways inside its own box.
 *
 * Never wider than its container: a wide table scrolls inside its box (focusable when it does).
 */
import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { Link } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { Button, Checkbox, EmptyState, ErrorState, Select } from './components.tsx';
import './data-table.css';

export type SortDirection = 'ascending' | 'descending';
export interface SortState { key: string; direction: SortDirection }
/** The sort menu's entry for the list's own order. */
const UNSORTED = 'unsorted';
/** Row keys, or 'all': every row that matches the caller's query, including those not loaded. */
export type Selection = ReadonlySet<string> | 'all';

export interface DataTableColumn<Row> {
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  isPrimary?: boolean;
  sortKey?: string;
  /** The first click's direction (newest first for dates, for instance). */
  firstSortDirection?: SortDirection;
  /** The value sortRows() compares, for lists sorted in the browser. */
  sortValue?: (row: Row) => string | number | null | undefined;
  align?: 'start' | 'end';
  /** The header is for screen readers only, and the card shows the cell without a label. */
  hideHeader?: boolean;
  /** Long content (a picker, a paragraph): in a card its label sits above it, full width. */
  wideInCard?: boolean;
  className?: string;
}

export interface DataTableSelectionProps<Row = unknown> {
  selected: Selection;
  onChange: (next: Selection) => void;
  /** How many rows match the query; enables "select all M matching" when more than are loaded. */
  total?: number;
  actions?: (selected: Selection) => ReactNode;
  /** Rows no action applies to (a revoked key) get no checkbox and are left out of "select page". */
  isSelectable?: (row: Row) => boolean;
}

type RowAttributes = { className?: string } & { [data: `data-${string}`]: string | number | boolean | undefined };

export interface DataTableProps<Row> {
  label: string;
  columns: readonly DataTableColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowHref?: (row: Row) => string | undefined;
  rowProps?: (row: Row) => RowAttributes;
  /** The row open beside the list (master-detail): its link says aria-current="page". */
  isRowCurrent?: (row: Row) => boolean;
  sort?: SortState | null;
  onSortChange?: (sort: SortState | null) => void;
  /** The order when no column is sorted ("newest first"): offered first in the phone's sort menu. */
  unsortedLabel?: string;
  selection?: DataTableSelectionProps<Row>;
  count?: ReactNode;
  isLoading?: boolean;
  skeletonRows?: number;
  error?: { detail?: string; onRetry?: () => void } | null;
  empty?: { title: string; body?: ReactNode; action?: ReactNode; icon?: ReactNode };
  loadMore?: { hasMore: boolean; onLoadMore: () => void; isLoadingMore?: boolean };
  layout?: 'cards' | 'scroll';
  className?: string;
}

/** The sort after a click on a column's header: the other direction if it is the sorted one. */
export function nextSort(current: SortState | null | undefined, column: Pick<DataTableColumn<unknown>, 'sortKey' | 'firstSortDirection'>): SortState | null {
  if (!column.sortKey) return current ?? null;
  if (current?.key === column.sortKey) return { key: column.sortKey, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key: column.sortKey, direction: column.firstSortDirection ?? 'ascending' };
}

/** A fully loaded list sorted in the browser by the sorted column's sortValue; empty values last. */
export function sortRows<Row>(rows: readonly Row[], columns: readonly DataTableColumn<Row>[], sort: SortState | null | undefined, locale: string): Row[] {
  const column = sort && columns.find((c) => c.sortKey === sort.key);
  if (!sort || !column?.sortValue) return [...rows];
  const value = column.sortValue;
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const xEmpty = x === null || x === undefined || x === '';
    const yEmpty = y === null || y === undefined || y === '';
    if (xEmpty || yEmpty) return xEmpty === yEmpty ? 0 : xEmpty ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * collator.compare(String(x), String(y));
  });
}

/** Whether a row is selected, whichever form the selection takes. */
export const isRowSelected = (selected: Selection, key: string) => selected === 'all' || selected.has(key);
/** How many rows are selected, counting 'all' as every matching row. */
export const selectionSize = (selected: Selection, total: number | undefined, loaded: number) => (selected === 'all' ? total ?? loaded : selected.size);

export function DataTable<Row>(props: DataTableProps<Row>) {
  const {
    label, columns, rows, rowKey, rowHref, rowProps, isRowCurrent, sort, onSortChange, unsortedLabel, selection, count, isLoading, skeletonRows = 6,
    error, empty, loadMore, layout = 'cards', className,
  } = props;
  const intl = useIntl();
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const primaryIndex = Math.max(0, columns.findIndex((c) => c.isPrimary));
  const keys = rows.map(rowKey);
  const selectableKeys = selection?.isSelectable ? keys.filter((_, i) => selection.isSelectable!(rows[i]!)) : keys;
  const selected = selection?.selected ?? new Set<string>();
  const selectedOnPage = selectableKeys.filter((k) => isRowSelected(selected, k)).length;
  const pageState = selectableKeys.length > 0 && selectedOnPage === selectableKeys.length ? 'all' : selectedOnPage > 0 ? 'some' : 'none';
  const showTable = !error && (isLoading || rows.length > 0 || !empty);
  const overflows = useOverflows(box, showTable);

  const handleSelectPage = (on: boolean) => {
    if (!selection) return;
    if (!on) return selection.onChange(new Set());
    const next = new Set(selection.selected === 'all' ? [] : selection.selected);
    for (const k of selectableKeys) next.add(k);
    selection.onChange(next);
  };
  const handleSelectRow = (key: string, on: boolean) => {
    if (!selection) return;
    // Leaving 'all' keeps what is on screen, less this row: "all but one" of rows never loaded cannot be named.
    const next = new Set(selection.selected === 'all' ? selectableKeys : selection.selected);
    if (on) next.add(key);
    else next.delete(key);
    selection.onChange(next);
  };

  const sortable = onSortChange ? columns.filter((c) => c.sortKey) : [];
  const sortOptions = [
    ...(sortable.length > 0 && unsortedLabel ? [{ id: UNSORTED, label: unsortedLabel }] : []),
    ...sortable.flatMap((c) => (['ascending', 'descending'] as const).map((direction) => ({
      id: `${direction}:${c.sortKey!}`,
      label: intl.formatMessage({ id: direction === 'ascending' ? 'dataTable.sortAscending' : 'dataTable.sortDescending' }, { column: c.header }),
    }))),
  ];
  const selectLabelId = `${id}-select`;
  const cellId = (key: string) => `${id}-${key}`;

  return (
    <div className={`dt dt-layout-${layout}${selection ? ' dt-selectable' : ''}${className ? ` ${className}` : ''}`}>
      {(count || selection || sortOptions.length > 0) && (
        <div className="dt-toolbar">
          {count ? <div className="dt-count">{count}</div> : null}
          {(selection || sortOptions.length > 0) && rows.length > 0 && !error && (
            <div className="dt-card-tools">
              {selection && (
                <Checkbox isSelected={pageState === 'all'} isIndeterminate={pageState === 'some'} onChange={handleSelectPage}>
                  {intl.formatMessage({ id: 'dataTable.selectPage' })}
                </Checkbox>
              )}
              {sortOptions.length > 0 && (
                <Select
                  className="field-compact dt-sort-select"
                  label={intl.formatMessage({ id: 'dataTable.sortBy' })}
                  options={sortOptions}
                  value={sort ? `${sort.direction}:${sort.key}` : unsortedLabel ? UNSORTED : null}
                  onChange={(value) => {
                    if (value === UNSORTED) return onSortChange?.(null);
                    const [direction, ...key] = value.split(':');
                    onSortChange?.({ key: key.join(':'), direction: direction as SortDirection });
                  }}
                />
              )}
            </div>
          )}
        </div>
      )}
      {error ? (
        <ErrorState detail={error.detail} onRetry={error.onRetry} />
      ) : !showTable && empty ? (
        <EmptyState title={empty.title} icon={empty.icon} action={empty.action}>{empty.body}</EmptyState>
      ) : (
        <div
          ref={box}
          className="dt-box"
          // A box that scrolls must be reachable by keyboard; one that does not is no tab stop.
          tabIndex={overflows ? 0 : undefined}
          role={overflows ? 'region' : undefined}
          aria-label={overflows ? label : undefined}
        >
          <table className="dt-table" role="table" aria-label={label} aria-busy={isLoading || undefined}>
            <thead role="rowgroup">
              <tr role="row">
                {selection && (
                  <th role="columnheader" scope="col" className="dt-select-cell">
                    <Checkbox
                      aria-label={intl.formatMessage({ id: 'dataTable.selectPage' })}
                      isSelected={pageState === 'all'}
                      isIndeterminate={pageState === 'some'}
                      isDisabled={selectableKeys.length === 0}
                      onChange={handleSelectPage}
                    >{null}</Checkbox>
                  </th>
                )}
                {columns.map((column) => {
                  const sorted = sort && column.sortKey && sort.key === column.sortKey ? sort.direction : undefined;
                  const canSort = Boolean(column.sortKey && onSortChange);
                  return (
                    <th
                      key={column.id}
                      role="columnheader"
                      scope="col"
                      aria-sort={canSort ? sorted ?? 'none' : undefined}
                      className={`${column.align === 'end' ? 'dt-end' : ''} ${column.className ?? ''}`.trim() || undefined}
                    >
                      {canSort ? (
                        <button
                          type="button"
                          className="dt-sort"
                          data-sorted={sorted}
                          onClick={() => { const next = nextSort(sort, column); if (next) onSortChange?.(next); }}
                        >
                          <span>{column.header}</span>
                          <SortArrow direction={sorted} />
                        </button>
                      ) : column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody role="rowgroup">
              {isLoading ? Array.from({ length: skeletonRows }, (_, i) => (
                <tr key={i} role="row" className="dt-skeleton-row" aria-hidden="true">
                  {selection && <td className="dt-select-cell" />}
                  {columns.map((column, c) => (
                    <td key={column.id} className={c === primaryIndex ? 'dt-primary' : undefined}>
                      <div className="skeleton-line" style={{ inlineSize: `${85 - ((i * 13 + c * 29) % 45)}%` }} />
                    </td>
                  ))}
                </tr>
              )) : rows.map((row, r) => {
                const key = keys[r]!;
                const href = rowHref?.(row);
                const extra = rowProps?.(row) ?? {};
                const canSelect = Boolean(selection) && (selection?.isSelectable?.(row) ?? true);
                const isSelected = canSelect && isRowSelected(selected, key);
                const isCurrent = isRowCurrent?.(row) ?? false;
                const rowClass = [extra.className, href ? 'dt-linked' : ''].filter(Boolean).join(' ');
                return (
                  <tr key={key} role="row" {...extra} className={rowClass || undefined} data-selected={(selection && isSelected) || undefined} data-current={isCurrent || undefined}>
                    {selection && (
                      <td role="cell" className="dt-select-cell">
                        {canSelect && <Checkbox aria-labelledby={`${selectLabelId} ${cellId(key)}`} isSelected={isSelected} onChange={(on) => handleSelectRow(key, on)}>{null}</Checkbox>}
                      </td>
                    )}
                    {columns.map((column, c) => {
                      const content = column.cell(row);
                      const align = column.align === 'end' ? ' dt-end' : '';
                      if (c === primaryIndex) {
                        return (
                          <th key={column.id} role="rowheader" scope="row" id={cellId(key)} className={`dt-primary${align} ${column.className ?? ''}`.trim()}>
                            {href ? <Link href={href} className="dt-row-link" aria-current={isCurrent ? 'page' : undefined}>{content}</Link> : content}
                          </th>
                        );
                      }
                      return (
                        <td key={column.id} role="cell" className={`${column.hideHeader ? 'dt-unlabelled' : ''}${column.wideInCard ? ' dt-wide' : ''}${align} ${column.className ?? ''}`.trim() || undefined}>
                          {!column.hideHeader && <span className="dt-label">{column.header}</span>}
                          <div className="dt-value">{content}</div>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {isLoading && <span className="visually-hidden" role="status">{intl.formatMessage({ id: 'app.loading' })}</span>}
        </div>
      )}
      {loadMore?.hasMore && !error && !isLoading && (
        <div className="list-footer dt-footer">
          <Button onPress={loadMore.onLoadMore} isPending={loadMore.isLoadingMore}>{intl.formatMessage({ id: 'common.loadMore' })}</Button>
        </div>
      )}
      {selection && <BulkBar selection={selection} loaded={selectableKeys.length} allOnPage={pageState === 'all'} label={label} />}
      {selection && <span id={selectLabelId} hidden>{intl.formatMessage({ id: 'dataTable.selectRow' })}</span>}
    </div>
  );
}

function BulkBar<Row>({ selection, loaded, allOnPage, label }: { selection: DataTableSelectionProps<Row>; loaded: number; allOnPage: boolean; label: string }) {
  const intl = useIntl();
  const { selected, total } = selection;
  const size = selectionSize(selected, total, loaded);
  const offerAll = selected !== 'all' && allOnPage && total !== undefined && total > loaded;
  return (
    // Always in the page, so the live region exists before it has something to say.
    <section className="dt-bulk" aria-label={`${intl.formatMessage({ id: 'dataTable.bulkActions' })}: ${label}`} hidden={size === 0}>
      <span className="dt-bulk-count" role="status">
        {size === 0 ? '' : selected === 'all' ? intl.formatMessage({ id: 'dataTable.allMatchingSelected' }, { count: size }) : intl.formatMessage({ id: 'dataTable.selected' }, { count: size })}
      </span>
      {size > 0 && (
        <>
          {offerAll && <Button variant="ghost" onPress={() => selection.onChange('all')}>{intl.formatMessage({ id: 'dataTable.selectAllMatching' }, { count: total })}</Button>}
          <div className="dt-bulk-actions">{selection.actions?.(selected)}</div>
          <Button variant="ghost" onPress={() => selection.onChange(new Set())}>{intl.formatMessage({ id: 'dataTable.clearSelection' })}</Button>
        </>
      )}
    </section>
  );
}

/** Up for ascending, down for descending, a faint pair when unsorted; vertical, so nothing to mirror. */
function SortArrow({ direction }: { direction: SortDirection | undefined }) {
  return (
    <svg className="icon dt-sort-arrow" width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2.2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {direction === 'ascending' ? <path d="M12 19V5m-6 6 6-6 6 6" /> : direction === 'descending' ? <path d="M12 5v14m-6-6 6 6 6-6" /> : <path d="m8 9 4-4 4 4M8 15l4 4 4-4" />}
    </svg>
  );
}

/** Whether an element is wider inside than its box (so it scrolls sideways); watched while `present`. */
function useOverflows(ref: RefObject<HTMLElement | null>, present: boolean): boolean {
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const measure = () => setOverflows(element.scrollWidth > element.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    measure();
    return () => observer.disconnect();
  }, [ref, present]);
  return overflows;
}
