// /settings…: the workspace, its members, API keys, audit log and messaging channels.
import { createRoute } from '@tanstack/react-router';
import { lazyPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

export const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('settings'),
  component: lazyPage(() => import('../modules/workspace/SettingsPage.tsx')),
});

export const membersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('members'),
  component: lazyPage(() => import('../modules/team/MembersPage.tsx')),
});

export const apiKeysRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('apiKeys'),
  component: lazyPage(() => import('../modules/workspace/ApiKeysPage.tsx')),
});

export const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('audit'),
  component: lazyPage(() => import('../modules/workspace/AuditPage.tsx')),
});

export const messagingSettingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('messagingSettings'),
  component: lazyPage(() => import('../modules/engagement/MessagingSettingsPage.tsx')),
});
