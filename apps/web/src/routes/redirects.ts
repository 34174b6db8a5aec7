// Paths that only forward somewhere else (app/routes.ts lists them), replacing the history entry.
import { createRoute, redirect } from '@tanstack/react-router';
import { REDIRECTS } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

function redirectRoute<P extends keyof typeof REDIRECTS>(path: P) {
  return createRoute({
    getParentRoute: () => rootRoute,
    path,
    // The query string goes along: the SSO callback sends a refused visitor to
    // `/sign-in?sso_error=…`, and the sign-in screen (shown at the new address) reads it there.
    beforeLoad: () => {
      throw redirect({ to: REDIRECTS[path], search: true, replace: true });
    },
  });
}

export const homeRoute = redirectRoute('/');
export const signInRoute = redirectRoute('/sign-in');
export const engagementRoute = redirectRoute('/engagement');
export const feedbackRoute = redirectRoute('/feedback');
