// The root of the route tree: every other route file hangs its routes here.
import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, lazyRouteComponent } from '@tanstack/react-router';
import { Root } from '../app/Root.tsx';

export interface RouterContext {
  queryClient: QueryClient;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Root,
  // Unknown paths: shown inside the shell (or behind sign-in), like any other screen.
  notFoundComponent: lazyRouteComponent(() => import('../app/NotFoundPage.tsx')),
});
