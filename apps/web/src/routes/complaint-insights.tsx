// /complaints/reports, /complaints/prevention, /complaints/settings: the ISO 10002 clause 8
// analysis, the preventive-action board and the complaint settings, each its own chunk.
import { createRoute } from '@tanstack/react-router';
import { lazyPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

export const complaintReportsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaintReports'),
  component: lazyPage(() => import('../modules/complaints/ComplaintReportsPage.tsx')),
});

export const complaintPreventionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaintPrevention'),
  component: lazyPage(() => import('../modules/complaints/PreventiveActionsPage.tsx')),
});

export const complaintSettingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('complaintSettings'),
  component: lazyPage(() => import('../modules/complaints/ComplaintSettingsPage.tsx')),
});
