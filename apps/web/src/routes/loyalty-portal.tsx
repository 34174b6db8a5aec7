// /c/:workspace/points: a member's own points (public, its own small chunk; the member signs in
// with a code sent by SMS, no staff session).
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const MemberPortalPage = lazyPage(() => import('../modules/loyalty-portal/MemberPortalPage.tsx'));

export const memberPortalRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('memberPortal'),
  component: withPage(MemberPortalScreen, MemberPortalPage),
});

function MemberPortalScreen() {
  const { workspace } = memberPortalRoute.useParams();
  return <MemberPortalPage workspace={workspace} />;
}
