// /complaints/…: the queue, an agent's intake form and one case; /c/:workspace/…: the customers'
// complaint form and tracking page (public, each its own small chunk).
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const ComplaintPage = lazyPage(() => import('../modules/complaints/ComplaintPage.tsx'));
const PublicComplaintPage = lazyPage(() => import('../modules/complaints/PublicComplaintPage.tsx'));
const PublicTrackPage = lazyPage(() => import('../modules/complaints/PublicTrackPage.tsx'));

export const complaintsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaints'),
  component: lazyPage(() => import('../modules/complaints/ComplaintsPage.tsx')),
});

export const complaintNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaintNew'),
  component: lazyPage(() => import('../modules/complaints/ComplaintNewPage.tsx')),
});

export const complaintRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaint'),
  component: withPage(ComplaintScreen, ComplaintPage),
});

function ComplaintScreen() {
  const { id } = complaintRoute.useParams();
  return <ComplaintPage id={id} key={id} />;
}

export const complaintFormRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaintForm'),
  component: withPage(ComplaintFormScreen, PublicComplaintPage),
});

function ComplaintFormScreen() {
  const { workspace } = complaintFormRoute.useParams();
  return <PublicComplaintPage workspace={workspace} />;
}

export const complaintTrackRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaintTrack'),
  component: withPage(ComplaintTrackScreen, PublicTrackPage),
});

function ComplaintTrackScreen() {
  const { workspace } = complaintTrackRoute.useParams();
  return <PublicTrackPage workspace={workspace} />;
}
