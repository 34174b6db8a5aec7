// /import: the customer import wizard.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { pathOf } from '../app/routes.ts';
import { loadAllMessages } from '../i18n/load.ts';
import { rootRoute } from './root.tsx';

export const importRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('import'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/customers/ImportPage.tsx')),
});
