// /import: the customer import wizard.
import { createRoute } from '@tanstack/react-router';
import { lazyPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

export const importRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('import'),
  component: lazyPage(() => import('../modules/customers/ImportPage.tsx')),
});
