// /loyalty/programs/new and /loyalty/programs/$id: the program and rules editor with its simulator.
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const ProgramEditorPage = lazyPage(() => import('../modules/loyalty/ProgramEditorPage.tsx'));

export const loyaltyProgramNewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyaltyProgramNew'),
  component: withPage(() => <ProgramEditorPage programId="new" />, ProgramEditorPage),
});

export const loyaltyProgramRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyaltyProgram'),
  component: withPage(ProgramScreen, ProgramEditorPage),
});

function ProgramScreen() {
  const { id } = loyaltyProgramRoute.useParams();
  return <ProgramEditorPage programId={id} />;
}
