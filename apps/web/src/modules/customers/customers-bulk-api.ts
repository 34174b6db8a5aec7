// The customer list's count and sort, and what can be done to a selection of it: tags, a
// segment's hand-picked list, a CSV export. Types only from contracts, as in lib/api.ts.
import type { BulkCustomerAction, BulkCustomerResult, CustomerCount, CustomerSelection, CustomerSort } from '@vafa/contracts';
import { request, type Customer, type CustomerFilters, type Page, type Session } from '../../lib/api.ts';

export type { CustomerSort };
export type BulkAction = BulkCustomerAction;
export type BulkResult = BulkCustomerResult;

/** The sorts a column offers, and the direction its first click takes (most first for figures and dates). */
export const SORTABLE = {
  name: 'ascending',
  orderCount: 'descending',
  totalSpent: 'descending',
  lastOrderAt: 'descending',
} as const;
export type SortKey = keyof typeof SORTABLE;

/** The list's order as the table shows it: none for the default, newest first. */
export function sortState(sort: CustomerSort | undefined): { key: SortKey; direction: 'ascending' | 'descending' } | null {
  if (!sort || sort === '-createdAt' || sort === 'createdAt') return null;
  const key = (sort.startsWith('-') ? sort.slice(1) : sort) as SortKey;
  return { key, direction: sort.startsWith('-') ? 'descending' : 'ascending' };
}

export function sortParam(state: { key: string; direction: 'ascending' | 'descending' } | null): CustomerSort | undefined {
  if (!state || !(state.key in SORTABLE)) return undefined;
  return `${state.direction === 'descending' ? '-' : ''}${state.key}` as CustomerSort;
}

/** Which customers an action covers: the ones ticked, or every one the filters match. */
export function selectionOf(selected: ReadonlySet<string> | 'all', filters: CustomerFilters): CustomerSelection {
  return selected === 'all' ? { filter: filters } : { ids: [...selected] };
}

export const customersApi = {
  page: (filters: CustomerFilters, sort: CustomerSort | undefined, cursor?: string, limit = 50) =>
    request<Page<Customer>>('GET', '/api/customers', undefined, { ...filters, sort, cursor, limit }),
  count: (filters: CustomerFilters) => request<CustomerCount>('GET', '/api/customers/count', undefined, { ...filters }),
  bulk: (selection: CustomerSelection, action: BulkAction) => request<BulkResult>('POST', '/api/customers/bulk', { selection, action }),
  /** The CSV of a selection; ids go in a POST body (a thousand ids do not fit in a link). */
  exportCsv: (selection: CustomerSelection) =>
    'ids' in selection
      ? request<string>('POST', '/api/exports/customers.csv', { ids: selection.ids })
      : request<string>('GET', '/api/exports/customers.csv', undefined, { ...selection.filter }),
  listedMembers: (segmentId: string, cursor?: string) =>
    request<Page<Customer>>('GET', `/api/segments/${segmentId}/members`, undefined, { listed: 'true', cursor, limit: 50 }),
  addMembers: (segmentId: string, customerIds: string[]) => request<{ added: number }>('POST', `/api/segments/${segmentId}/members`, { customerIds }),
  removeMember: (segmentId: string, customerId: string) => request<void>('DELETE', `/api/segments/${segmentId}/members/${customerId}`),
};

type Role = Session['role'];
/** Bulk tags (customers:write). */
export const canEditCustomers = (role: Role) => role !== 'analyst';
/** A segment's hand-picked list from the customer list: customers:write and segments:write. */
export const canListInSegments = (role: Role) => role === 'owner' || role === 'admin' || role === 'manager';
/** A segment's hand-picked list from the segments page (segments:write). */
export const canEditSegments = (role: Role) => role !== 'agent';
/** CSV exports (customers:export). */
export const canExportCustomers = (role: Role) => role !== 'agent';

/** Saves text as a file the browser downloads. */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
