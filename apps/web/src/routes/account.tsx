// The account's own screens: security (signed in), and the public ones reached from an e-mail
// (accept an invitation, forgot and reset a password).
import { createRoute } from '@tanstack/react-router';
import { lazyPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

export const accountSecurityRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('accountSecurity'),
  component: lazyPage(() => import('../modules/team/AccountSecurityPage.tsx')),
});

export const acceptInvitationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('acceptInvitation'),
  component: lazyPage(() => import('../modules/team/AcceptInvitationPage.tsx')),
});

export const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('forgotPassword'),
  component: lazyPage(() => import('../modules/team/ForgotPasswordPage.tsx')),
});

export const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('resetPassword'),
  component: lazyPage(() => import('../modules/team/ResetPasswordPage.tsx')),
});
