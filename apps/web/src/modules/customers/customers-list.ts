// The customers list's address and its query: the filters live in the URL (?q=…&tag=…) so a
// reload or a shared link shows the same list. Checked by plain functions, not zod: the route
// that validates them is on the first screen, and zod would add about 30 KB to it.
import type { QueryClient } from '@tanstack/react-query';
import type { Customer, CustomerFilters, Page } from '../../lib/api.ts';
import { CHANNELS, CUSTOMER_LANGUAGES } from './customer-fields.ts';
import { customersApi, type CustomerSort } from './customers-bulk-api.ts';

/** The list's search parameters, as the route hands them to the page; absent means "any". */
export interface CustomersSearch {
  q?: string;
  tag?: string;
  segment?: string;
  consent?: (typeof CHANNELS)[number];
  language?: (typeof CUSTOMER_LANGUAGES)[number];
  /** absent: newest first */
  sort?: CustomerSort;
}

// The server's sorts (contracts' CUSTOMER_SORTS), listed here so no schema code reaches the first screen.
const SORTS = ['name', '-name', 'lastOrderAt', '-lastOrderAt', 'orderCount', '-orderCount', 'totalSpent', '-totalSpent', 'createdAt'] as const satisfies readonly CustomerSort[];

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
const oneOf = <T extends string>(allowed: readonly T[], value: unknown): T | undefined =>
  (allowed as readonly unknown[]).includes(value) ? (value as T) : undefined;

/** The route's `validateSearch`: keeps what it understands, drops the rest (an old link still opens). */
export function parseCustomersSearch(raw: Record<string, unknown>): CustomersSearch {
  const search: CustomersSearch = {
    q: text(raw.q),
    tag: text(raw.tag),
    segment: text(raw.segment),
    consent: oneOf(CHANNELS, raw.consent),
    language: oneOf(CUSTOMER_LANGUAGES, raw.language),
    sort: oneOf(SORTS, raw.sort),
  };
  // Every key stays, `undefined` when absent or not understood: the router lays this over the raw
  // parameters, so a dropped key would let the raw value (`?consent=pigeon`) through.
  return search;
}

export const customersQuery = (filters: CustomerFilters, sort?: CustomerSort) => ({
  queryKey: ['customers', filters, sort ?? '-createdAt'],
  queryFn: ({ pageParam }: { pageParam: string | undefined }) => customersApi.page(filters, sort, pageParam),
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (page: Page<Customer>) => page.nextCursor ?? undefined,
});

/** The route's loader calls this so the first page of the list is on its way with the page's code. */
export function prefetchCustomers(client: QueryClient, search: CustomersSearch): void {
  const { sort, ...filters } = search;
  void client.prefetchInfiniteQuery(customersQuery(filters, sort));
}
