// The root route's component: who may see what. Public screens show to anyone; the rest need a
// session (signed out, the sign-in screen shows at the same address, so signing in lands there),
// a session held at the two-factor gate sees only the enrolment screen, and a signed-in user sees
// the shell with the route's screen inside it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Outlet, useRouter, useRouterState } from '@tanstack/react-router';
import { lazy, Suspense, useEffect } from 'react';
import { RouterProvider as AriaRouterProvider } from 'react-aria-components';
import { loadAllMessages } from '../i18n/load.ts';
import { configureApi } from '../lib/api.ts';
import { Skeleton, ToastProvider } from '../ui/index.ts';
import { PrefsProvider } from './prefs.tsx';
import { PUBLIC_PATHS } from './routes.ts';
import { mayReadWorkspace, SESSION_KEY, sessionQuery, workspaceQuery } from './session.ts';
import { Shell } from './Shell.tsx';

// Neither is needed by a signed-in reader, so neither is in the first screen's code. The enrolment
// screen's words are not among the first screens' (i18n/first-screen.ts): they come with it.
export const loadSignIn = () => import('../modules/team/SignInPage.tsx');
const SignInPage = lazy(() => loadSignIn().then((module) => ({ default: module.SignInPage })));
const EnrolmentGate = lazy(() => Promise.all([import('../modules/team/EnrolmentGate.tsx'), loadAllMessages()]).then(([module]) => module));

export function Root() {
  const client = useQueryClient();
  const router = useRouter();
  useEffect(() => {
    configureApi({ onUnauthenticated: () => client.setQueryData(SESSION_KEY, null) });
  }, [client]);

  const session = useQuery(sessionQuery);
  // A session that must enrol a second factor first may not read the workspace yet.
  const workspace = useQuery({ ...workspaceQuery, enabled: mayReadWorkspace(session.data) });
  const isPublic = useRouterState({ select: (state) => state.matches.some((match) => PUBLIC_PATHS.has(match.fullPath)) });

  const boot = <div className="boot"><Skeleton lines={4} /></div>;
  let content;
  if (isPublic) content = <Outlet />;
  else if (session.data?.mustEnrolTwoFactor) content = <Suspense fallback={boot}><EnrolmentGate /></Suspense>;
  // Money and dates depend on the workspace settings (currency, rial/toman, time zone): wait for them.
  else if (session.isPending || (session.data && workspace.isPending)) content = boot;
  else if (!session.data) content = <Suspense fallback={boot}><SignInPage /></Suspense>;
  // The shell stays on screen while a screen's code loads: the router shows its pending
  // component (a skeleton) in the Outlet, inside the shell.
  else content = <Shell session={session.data}><Outlet /></Shell>;

  return (
    // Links and rows of React Aria components navigate through the router, without a page load.
    <AriaRouterProvider navigate={(href) => void router.navigate({ href })} useHref={(href) => router.history.createHref(href)}>
      <PrefsProvider session={session.data ?? null} workspace={workspace.data}>
        <ToastProvider>{content}</ToastProvider>
      </PrefsProvider>
    </AriaRouterProvider>
  );
}
