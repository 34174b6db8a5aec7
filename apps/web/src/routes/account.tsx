// The account's own screens: security (signed in), and the public ones reached from an e-mail
// (accept an invitation, forgot and reset a password).
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { pathOf } from '../app/routes.ts';
import { loadAllMessages } from '../i18n/load.ts';
import { rootRoute } from './root.tsx';

export const accountSecurityRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('accountSecurity'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/team/AccountSecurityPage.tsx')),
});

export const acceptInvitationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('acceptInvitation'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/team/AcceptInvitationPage.tsx')),
});

export const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('forgotPassword'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/team/ForgotPasswordPage.tsx')),
});

export const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('resetPassword'),
  loader: loadAllMessages,
  component: lazyRouteComponent(() => import('../modules/team/ResetPasswordPage.tsx')),
});
