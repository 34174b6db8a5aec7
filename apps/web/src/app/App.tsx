import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { RouterProvider } from 'react-aria-components';
import { ApiError, api, configureApi } from '../lib/api.ts';
import { Skeleton, ToastProvider } from '../ui/index.ts';
import { CustomersPage, prefetchCustomers } from '../modules/customers/CustomersPage.tsx';
import { SignInPage } from '../modules/team/SignInPage.tsx';
import { initialLanguage, PrefsProvider } from './prefs.tsx';
import { matchPath, navigate, useLocation } from './router.ts';
import { REDIRECTS, ROUTES, type RouteDef, type RouteName } from './routes.ts';
import { Shell } from './Shell.tsx';

// Screens other than the customers list load on demand, keeping the first screen small.
const CustomerPage = lazy(() => import('../modules/customers/CustomerPage.tsx'));
const CustomerCreatePage = lazy(() => import('../modules/customers/CustomerCreatePage.tsx'));
const ImportPage = lazy(() => import('../modules/customers/ImportPage.tsx'));
const SegmentsPage = lazy(() => import('../modules/customers/SegmentsPage.tsx'));
const SettingsPage = lazy(() => import('../modules/workspace/SettingsPage.tsx'));
const MembersPage = lazy(() => import('../modules/team/MembersPage.tsx'));
const ApiKeysPage = lazy(() => import('../modules/workspace/ApiKeysPage.tsx'));
const AuditPage = lazy(() => import('../modules/workspace/AuditPage.tsx'));
const AcceptInvitationPage = lazy(() => import('../modules/team/AcceptInvitationPage.tsx'));
const FollowupsPage = lazy(() => import('../modules/engagement/FollowupsPage.tsx'));
const MessagesPage = lazy(() => import('../modules/engagement/MessagesPage.tsx'));
const MessagingSettingsPage = lazy(() => import('../modules/engagement/MessagingSettingsPage.tsx'));
const AutomationsPage = lazy(() => import('../modules/engagement/AutomationsPage.tsx'));
const AutomationEditPage = lazy(() => import('../modules/engagement/AutomationEditPage.tsx'));
const TemplatesPage = lazy(() => import('../modules/engagement/TemplatesPage.tsx'));
const ComingSoonPage = lazy(() => import('./ComingSoonPage.tsx'));
const NotFoundPage = lazy(() => import('./NotFoundPage.tsx'));
const ForgotPasswordPage = lazy(() => import('../modules/team/ForgotPasswordPage.tsx'));
const ResetPasswordPage = lazy(() => import('../modules/team/ResetPasswordPage.tsx'));
const AccountSecurityPage = lazy(() => import('../modules/team/AccountSecurityPage.tsx'));
const EnrolmentGate = lazy(() => import('../modules/team/EnrolmentGate.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

export const SESSION_KEY = ['session'] as const;
export const WORKSPACE_KEY = ['workspace'] as const;

const fetchSession = () => api.session().catch((error: unknown) => {
  if (error instanceof ApiError && error.status === 401) return null;
  throw error;
});

// Start the first requests while React is still starting: the session, and the customers list
// when that is the page being opened (the most common first screen).
configureApi({ language: initialLanguage() });
// The others need a session: asking without one only earns 401s, so they wait for the answer.
void queryClient.fetchQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: Infinity }).then((session) => {
  if (!session || session.mustEnrolTwoFactor) return;
  void queryClient.prefetchQuery({ queryKey: WORKSPACE_KEY, queryFn: api.workspace });
  if (window.location.pathname === '/customers' || window.location.pathname === '/') prefetchCustomers(queryClient, new URLSearchParams(window.location.search));
}, () => undefined);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider navigate={(to) => navigate(String(to))}>
        <Root />
      </RouterProvider>
    </QueryClientProvider>
  );
}

function Root() {
  const client = useQueryClient();
  const { path } = useLocation();
  useEffect(() => {
    configureApi({ onUnauthenticated: () => client.setQueryData(SESSION_KEY, null) });
  }, [client]);

  const session = useQuery({
    queryKey: SESSION_KEY,
    queryFn: fetchSession,
    staleTime: Infinity,
  });
  // A session that must enrol a second factor first may not read the workspace yet.
  const workspace = useQuery({ queryKey: WORKSPACE_KEY, queryFn: api.workspace, enabled: Boolean(session.data && !session.data.mustEnrolTwoFactor) });

  const route = findRoute(path);
  const boot = <div className="boot"><Skeleton lines={4} /></div>;
  let content: ReactNode;
  if (route && ROUTES[route.name].public) content = <Suspense fallback={boot}>{SCREENS[route.name](route.params)}</Suspense>;
  // Money and dates depend on the workspace settings (currency, rial/toman, time zone): wait for them.
  else if (session.data?.mustEnrolTwoFactor) content = <Suspense fallback={boot}><EnrolmentGate /></Suspense>;
  else if (session.isPending || (session.data && workspace.isPending)) content = boot;
  else if (!session.data) content = <SignInPage />;
  // The shell stays on screen while a screen's code loads: the Suspense boundary is inside it.
  else content = <Shell session={session.data}><Suspense fallback={<div className="page"><Skeleton lines={6} /></div>}><Routes path={path} /></Suspense></Shell>;

  return (
    <PrefsProvider session={session.data ?? null} workspace={workspace.data}>
      <ToastProvider>{content}</ToastProvider>
    </PrefsProvider>
  );
}

type Params = Record<string, string>;

// What each route shows; every entry of ROUTES must have one (TypeScript checks the Record).
const SCREENS: Record<RouteName, (params: Params) => ReactNode> = {
  customers: () => <CustomersPage />,
  customerNew: () => <CustomerCreatePage />,
  customer: ({ id }) => <CustomerPage id={id!} key={id} />,
  import: () => <ImportPage />,
  segments: () => <SegmentsPage />,
  segmentNew: () => <SegmentsPage segmentId="new" />,
  segment: ({ id }) => <SegmentsPage segmentId={id} />,
  settings: () => <SettingsPage />,
  members: () => <MembersPage />,
  apiKeys: () => <ApiKeysPage />,
  audit: () => <AuditPage />,
  messagingSettings: () => <MessagingSettingsPage />,
  followups: () => <FollowupsPage />,
  followup: ({ id }) => <FollowupsPage followupId={id} />,
  messages: () => <MessagesPage />,
  automations: () => <AutomationsPage />,
  automationNew: () => <AutomationEditPage key="new" />,
  automation: ({ id }) => <AutomationEditPage id={id} key={id} />,
  templates: () => <TemplatesPage />,
  templateNew: () => <TemplatesPage templateId="new" />,
  template: ({ id }) => <TemplatesPage templateId={id} />,
  feedback: () => <ComingSoonPage module="feedback" />,
  complaints: () => <ComingSoonPage module="complaints" />,
  loyalty: () => <ComingSoonPage module="loyalty" />,
  insights: () => <ComingSoonPage module="insights" />,
  acceptInvitation: () => <AcceptInvitationPage />,
  forgotPassword: () => <ForgotPasswordPage />,
  resetPassword: () => <ResetPasswordPage />,
  accountSecurity: () => <AccountSecurityPage />,
};

/** The route a path shows, with its parameters; null when none matches. */
export function findRoute(path: string): { name: RouteName; params: Params } | null {
  for (const [name, route] of Object.entries(ROUTES) as [RouteName, RouteDef][]) {
    const params = matchPath(route.path, path);
    if (params) return { name, params };
  }
  return null;
}

function Routes({ path }: { path: string }) {
  const target = REDIRECTS[path];
  useEffect(() => {
    if (target) navigate(target, { replace: true });
  }, [target]);
  if (target) return null;
  const route = findRoute(path);
  return route ? SCREENS[route.name](route.params) : <NotFoundPage />;
}
