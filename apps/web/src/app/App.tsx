import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { configureApi } from '../lib/api.ts';
import { initialLanguage } from './prefs.tsx';
import { loadSignIn } from './Root.tsx';
import { router } from './router.ts';
import { mayReadWorkspace, queryClient, sessionQuery, workspaceQuery } from './session.ts';

// Start the first requests while React is still starting: the session, then the workspace
// settings every screen formats with, or the sign-in screen's code for nobody. (The customers
// list, the most common first screen, is asked for by its route's loader.) Nothing that needs a
// session goes out before there is one: asking without one only earns 401s.
configureApi({ language: initialLanguage() });
void queryClient.fetchQuery(sessionQuery).then((session) => {
  if (mayReadWorkspace(session)) void queryClient.prefetchQuery(workspaceQuery);
  else if (!session) void loadSignIn();
}, () => undefined);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
