// /engagement/…: follow-ups, the message log (its filters typed in the URL), automations, templates.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { loadAllMessages } from '../i18n/load.ts';
import { parseMessagesSearch } from '../modules/engagement/messages-search.ts';
import { rootRoute } from './root.tsx';

const FollowupsPage = lazyRouteComponent(() => import('../modules/engagement/FollowupsPage.tsx'));
const AutomationEditPage = lazyRouteComponent(() => import('../modules/engagement/AutomationEditPage.tsx'));
const TemplatesPage = lazyRouteComponent(() => import('../modules/engagement/TemplatesPage.tsx'));

export const followupsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('followups'),
  loader: loadAllMessages,
  component: FollowupsPage,
});

export const followupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('followup'),
  loader: loadAllMessages,
  component: withPage(FollowupScreen, FollowupsPage),
});

function FollowupScreen() {
  const { id } = followupRoute.useParams();
  return <FollowupsPage followupId={id} />;
}

export const messagesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('messages'),
  loader: loadAllMessages,
  validateSearch: parseMessagesSearch,
  component: lazyRouteComponent(() => import('../modules/engagement/MessagesPage.tsx')),
});

export const automationsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('automations'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/engagement/AutomationsPage.tsx')),
});

export const automationNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('automationNew'),
  loader: loadAllMessages,
  component: withPage(() => <AutomationEditPage key="new" />, AutomationEditPage),
});

export const automationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('automation'),
  loader: loadAllMessages,
  component: withPage(AutomationScreen, AutomationEditPage),
});

function AutomationScreen() {
  const { id } = automationRoute.useParams();
  return <AutomationEditPage id={id} key={id} />;
}

export const templatesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('templates'),
  loader: loadAllMessages,
  component: TemplatesPage,
});

export const templateNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('templateNew'),
  loader: loadAllMessages,
  component: withPage(() => <TemplatesPage templateId="new" />, TemplatesPage),
});

export const templateRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('template'),
  loader: loadAllMessages,
  component: withPage(TemplateScreen, TemplatesPage),
});

function TemplateScreen() {
  const { id } = templateRoute.useParams();
  return <TemplatesPage templateId={id} />;
}
