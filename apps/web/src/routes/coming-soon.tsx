// Modules on the menu that are not built yet: one "coming soon" page each.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { loadAllMessages } from '../i18n/load.ts';
import { rootRoute } from './root.tsx';

const ComingSoonPage = lazyRouteComponent(() => import('../app/ComingSoonPage.tsx'));

export const feedbackRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('feedback'),
  loader: loadAllMessages,
  component: withPage(() => <ComingSoonPage module="feedback" />, ComingSoonPage),
});

export const complaintsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaints'),
  loader: loadAllMessages,
  component: withPage(() => <ComingSoonPage module="complaints" />, ComingSoonPage),
});

export const loyaltyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyalty'),
  loader: loadAllMessages,
  component: withPage(() => <ComingSoonPage module="loyalty" />, ComingSoonPage),
});

export const insightsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('insights'),
  loader: loadAllMessages,
  component: withPage(() => <ComingSoonPage module="insights" />, ComingSoonPage),
});
