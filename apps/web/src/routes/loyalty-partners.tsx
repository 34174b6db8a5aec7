// /loyalty/partners: coalition partners, their offers and the month's settlement.
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const PartnersPage = lazyPage(() => import('../modules/loyalty/PartnersPage.tsx'));

export const loyaltyPartnersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyaltyPartners'),
  component: withPage(() => <PartnersPage />, PartnersPage),
});
