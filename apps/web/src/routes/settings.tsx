// /settings…: the workspace, its members, API keys, audit log and messaging channels.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { pathOf } from '../app/routes.ts';
import { loadAllMessages } from '../i18n/load.ts';
import { rootRoute } from './root.tsx';

export const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('settings'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/workspace/SettingsPage.tsx')),
});

export const membersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('members'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/team/MembersPage.tsx')),
});

export const apiKeysRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('apiKeys'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/workspace/ApiKeysPage.tsx')),
});

export const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('audit'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/workspace/AuditPage.tsx')),
});

export const messagingSettingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('messagingSettings'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/engagement/MessagingSettingsPage.tsx')),
});
