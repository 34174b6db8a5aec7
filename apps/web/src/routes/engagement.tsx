// /engagement/…: follow-ups, the message log (its filters typed in the URL), automations, templates.
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { parseMessagesSearch } from '../modules/engagement/messages-search.ts';
import { rootRoute } from './root.tsx';

const FollowupsPage = lazyPage(() => import('../modules/engagement/FollowupsPage.tsx'));
const AutomationEditPage = lazyPage(() => import('../modules/engagement/AutomationEditPage.tsx'));
const TemplatesPage = lazyPage(() => import('../modules/engagement/TemplatesPage.tsx'));

export const followupsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('followups'),
  component: FollowupsPage,
});

export const followupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('followup'),
  component: withPage(FollowupScreen, FollowupsPage),
});

function FollowupScreen() {
  const { id } = followupRoute.useParams();
  return <FollowupsPage followupId={id} />;
}

export const messagesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('messages'),
  validateSearch: parseMessagesSearch,
  component: lazyPage(() => import('../modules/engagement/MessagesPage.tsx')),
});

export const automationsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('automations'),
  component: lazyPage(() => import('../modules/engagement/AutomationsPage.tsx')),
});

export const automationNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('automationNew'),
  component: withPage(() => <AutomationEditPage key="new" />, AutomationEditPage),
});

export const automationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('automation'),
  component: withPage(AutomationScreen, AutomationEditPage),
});

function AutomationScreen() {
  const { id } = automationRoute.useParams();
  return <AutomationEditPage id={id} key={id} />;
}

export const templatesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('templates'),
  component: TemplatesPage,
});

export const templateNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('templateNew'),
  component: withPage(() => <TemplatesPage templateId="new" />, TemplatesPage),
});

export const templateRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('template'),
  component: withPage(TemplateScreen, TemplatesPage),
});

function TemplateScreen() {
  const { id } = templateRoute.useParams();
  return <TemplatesPage templateId={id} />;
}
