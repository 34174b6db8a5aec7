import { createContext, useContext } from 'react';
import type { Session } from '../lib/api.ts';

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only used inside the shell, where there always is one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}

export const canManageWorkspace = (session: Session) => session.role === 'owner' || session.role === 'admin';
