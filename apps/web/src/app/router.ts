// The app's router (TanStack Router): typed routes and search parameters, each screen's code
// loaded on demand. `navigate()` and `useLocation()` are kept for pages written before it; new
// code uses the router's own `Link`, `useNavigate` and `useSearch`, which check paths and
// parameters against the route tree.
import { createElement } from 'react';
import { createRouter, useRouterState } from '@tanstack/react-router';
import { ErrorState, Skeleton } from '../ui/index.ts';
import { routeTree } from './route-tree.ts';
import type { RoutePath } from './routes.ts';
import { queryClient } from './session.ts';

/**
 * Search parameters are plain `key=value` text, as before (`?tag=vip`, not `?tag=%22vip%22`):
 * links already shared keep working, and each route's `validateSearch` gives them their types.
 */
function parseSearch(text: string): Record<string, unknown> {
  return Object.fromEntries(new URLSearchParams(text));
}

function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const router = createRouter({
  routeTree,
  context: { queryClient },
  parseSearch,
  stringifySearch,
  // A link's screen starts loading when the pointer rests on it or it gets focus.
  defaultPreload: 'intent',
  // Loaders only prefetch into TanStack Query, which decides what is fresh.
  defaultPreloadStaleTime: 0,
  // While a screen's code loads, the current screen stays a moment, then a skeleton shows in the shell.
  defaultPendingMs: 150,
  defaultPendingMinMs: 200,
  defaultPendingComponent: () => createElement('div', { className: 'page' }, createElement(Skeleton, { lines: 6 })),
  defaultErrorComponent: ({ error, reset }) => createElement('div', { className: 'page' }, createElement(ErrorState, { detail: error instanceof Error ? error.message : undefined, onRetry: reset })),
  // New screens open at the top; back and forward return to where the reader was.
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

type Concrete<P extends string> = P extends `${infer Head}$${string}/${infer Tail}`
  ? `${Head}${string}/${Concrete<Tail>}`
  : P extends `${infer Head}$${string}` ? `${Head}${string}` : P;

/** An address inside the app: a route's path with its parameters filled in, and perhaps a query. */
export type AppHref = Concrete<RoutePath> | `${Concrete<RoutePath>}?${string}`;

/** Goes to an address inside the app (typed: a mistyped path does not compile). */
export function navigate(to: AppHref, options: { replace?: boolean } = {}): void {
  void router.navigate({ href: to, replace: options.replace });
}

/** The current path (no trailing slash) and its search parameters as text. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const { pathname, searchStr } = useRouterState({ select: (state) => state.location });
  return { path: pathname.replace(/\/+$/, '') || '/', search: new URLSearchParams(searchStr) };
}
