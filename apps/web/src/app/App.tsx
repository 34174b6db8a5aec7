import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { RouterProvider } from 'react-aria-components';
import { ApiError, api, configureApi } from '../lib/api.ts';
import { Skeleton, ToastProvider } from '../ui/index.ts';
import { CustomersPage, prefetchCustomers } from '../pages/CustomersPage.tsx';
import { SignInPage } from '../pages/SignInPage.tsx';
import { initialLanguage, PrefsProvider } from './prefs.tsx';
import { matchPath, navigate, useLocation } from './router.ts';
import { Shell } from './Shell.tsx';

// Screens other than the customers list load on demand, keeping the first screen small.
const CustomerPage = lazy(() => import('../pages/CustomerPage.tsx'));
const CustomerCreatePage = lazy(() => import('../pages/CustomerCreatePage.tsx'));
const ImportPage = lazy(() => import('../pages/ImportPage.tsx'));
const SegmentsPage = lazy(() => import('../pages/SegmentsPage.tsx'));
const SettingsPage = lazy(() => import('../pages/SettingsPage.tsx'));
const MembersPage = lazy(() => import('../pages/MembersPage.tsx'));
const ApiKeysPage = lazy(() => import('../pages/ApiKeysPage.tsx'));
const AuditPage = lazy(() => import('../pages/AuditPage.tsx'));
const AcceptInvitationPage = lazy(() => import('../pages/AcceptInvitationPage.tsx'));
const FollowupsPage = lazy(() => import('../pages/FollowupsPage.tsx'));
const MessagesPage = lazy(() => import('../pages/MessagesPage.tsx'));
const MessagingSettingsPage = lazy(() => import('../pages/MessagingSettingsPage.tsx'));
const AutomationsPage = lazy(() => import('../pages/AutomationsPage.tsx'));
const AutomationEditPage = lazy(() => import('../pages/AutomationEditPage.tsx'));
const TemplatesPage = lazy(() => import('../pages/TemplatesPage.tsx'));
const ComingSoonPage = lazy(() => import('../pages/ComingSoonPage.tsx'));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage.tsx'));

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
void queryClient.prefetchQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: Infinity });
void queryClient.prefetchQuery({ queryKey: WORKSPACE_KEY, queryFn: api.workspace });
if (window.location.pathname === '/customers' || window.location.pathname === '/') prefetchCustomers(queryClient, new URLSearchParams(window.location.search));

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
  const workspace = useQuery({ queryKey: WORKSPACE_KEY, queryFn: api.workspace, enabled: Boolean(session.data) });

  const publicPage = path === '/invitations/accept';
  let content: ReactNode;
  if (publicPage) content = <AcceptInvitationPage />;
  // Money and dates depend on the workspace settings (currency, rial/toman, time zone): wait for them.
  else if (session.isPending || (session.data && workspace.isPending)) content = <div className="boot"><Skeleton lines={4} /></div>;
  else if (!session.data) content = <SignInPage />;
  else content = <Shell session={session.data}><Routes path={path} /></Shell>;

  return (
    <PrefsProvider session={session.data ?? null} workspace={workspace.data}>
      <ToastProvider>
        <Suspense fallback={<div className="boot"><Skeleton lines={4} /></div>}>{content}</Suspense>
      </ToastProvider>
    </PrefsProvider>
  );
}

const SOON = ['feedback', 'complaints', 'loyalty', 'insights'] as const;

function Routes({ path }: { path: string }) {
  useEffect(() => {
    if (path === '/' || path === '/sign-in') navigate('/customers', { replace: true });
    if (path === '/engagement') navigate('/engagement/followups', { replace: true });
  }, [path]);
  if (path === '/' || path === '/sign-in' || path === '/customers') return <CustomersPage />;
  if (path === '/customers/new') return <CustomerCreatePage />;
  const customer = matchPath('/customers/:id', path);
  if (customer) return <CustomerPage id={customer.id!} key={customer.id} />;
  if (path === '/import') return <ImportPage />;
  if (path === '/segments') return <SegmentsPage />;
  const segment = matchPath('/segments/:id', path);
  if (segment) return <SegmentsPage segmentId={segment.id} />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/settings/members') return <MembersPage />;
  if (path === '/settings/api-keys') return <ApiKeysPage />;
  if (path === '/settings/audit-log') return <AuditPage />;
  if (path === '/engagement' || path === '/engagement/followups') return <FollowupsPage />;
  const followup = matchPath('/engagement/followups/:id', path);
  if (followup) return <FollowupsPage followupId={followup.id} />;
  if (path === '/engagement/messages') return <MessagesPage />;
  if (path === '/settings/messaging') return <MessagingSettingsPage />;
  if (path === '/engagement/automations') return <AutomationsPage />;
  if (path === '/engagement/automations/new') return <AutomationEditPage key="new" />;
  const automation = matchPath('/engagement/automations/:id', path);
  if (automation) return <AutomationEditPage id={automation.id} key={automation.id} />;
  if (path === '/engagement/templates') return <TemplatesPage />;
  const template = matchPath('/engagement/templates/:id', path);
  if (template) return <TemplatesPage templateId={template.id} />;
  const soon = SOON.find((name) => path === `/${name}`);
  if (soon) return <ComingSoonPage module={soon} />;
  return <NotFoundPage />;
}
