import { QueryClient, queryOptions } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { ApiError, api, type Session } from '../lib/api.ts';

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only used inside the shell, where there always is one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}

export const canManageWorkspace = (session: Session) => session.role === 'owner' || session.role === 'admin';

export const queryClient = new QueryClient({
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

/** Who is signed in: null for nobody (the server answers 204 to a browser without a session). */
export const sessionQuery = queryOptions({
  queryKey: SESSION_KEY,
  queryFn: () => api.session().catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }),
  staleTime: Infinity,
});

export const workspaceQuery = queryOptions({ queryKey: WORKSPACE_KEY, queryFn: api.workspace });

/** A session that may read workspace data: signed in, and not held at the two-factor enrolment gate. */
export const mayReadWorkspace = (session: Session | null | undefined): session is Session => Boolean(session && !session.mustEnrolTwoFactor);

/**
 * For loaders that prefetch: waits for the session (asked once at boot) and says whether requests
 * that need one may go out; asking without one only earns 401s.
 */
export async function signedIn(client: QueryClient): Promise<boolean> {
  const session = await client.ensureQueryData(sessionQuery).catch(() => null);
  return mayReadWorkspace(session);
}
