// Modules on the menu that are not built yet: one "coming soon" page each.
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const ComingSoonPage = lazyPage(() => import('../app/ComingSoonPage.tsx'));

export const insightsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('insights'),
  component: withPage(() => <ComingSoonPage module="insights" />, ComingSoonPage),
});
