// /segments…: the list, a new segment, one segment (all one page of the customers module).
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const SegmentsPage = lazyPage(() => import('../modules/customers/SegmentsPage.tsx'));

export const segmentsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('segments'),
  component: SegmentsPage,
});

export const segmentNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('segmentNew'),
  component: withPage(() => <SegmentsPage segmentId="new" />, SegmentsPage),
});

export const segmentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('segment'),
  component: withPage(SegmentScreen, SegmentsPage),
});

function SegmentScreen() {
  const { id } = segmentRoute.useParams();
  return <SegmentsPage segmentId={id} />;
}
