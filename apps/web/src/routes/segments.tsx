// /segments…: the list, a new segment, one segment (all one page of the customers module).
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { loadAllMessages } from '../i18n/load.ts';
import { rootRoute } from './root.tsx';

const SegmentsPage = lazyRouteComponent(() => import('../modules/customers/SegmentsPage.tsx'));

export const segmentsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('segments'),
  loader: loadAllMessages,
  component: SegmentsPage,
});

export const segmentNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('segmentNew'),
  loader: loadAllMessages,
  component: withPage(() => <SegmentsPage segmentId="new" />, SegmentsPage),
});

export const segmentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('segment'),
  loader: loadAllMessages,
  component: withPage(SegmentScreen, SegmentsPage),
});

function SegmentScreen() {
  const { id } = segmentRoute.useParams();
  return <SegmentsPage segmentId={id} />;
}
