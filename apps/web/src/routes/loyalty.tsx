// /loyalty: programs, rewards, charities and the ledger's self-check, its own chunk.
import { createRoute } from '@tanstack/react-router';
import { lazyPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

export const loyaltyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyalty'),
  component: lazyPage(() => import('../modules/loyalty/LoyaltyPage.tsx')),
});
