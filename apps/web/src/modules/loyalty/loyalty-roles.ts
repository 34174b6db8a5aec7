// What the signed-in role may do with points, mirroring the server's access.ts (loyalty:write
// for owners, admins, managers and agents; loyalty:manage for the first three) so the UI hides
// what would be refused. The server still checks every request.
import type { Session } from '../../lib/api.ts';

type Role = Session['role'];
const MANAGERS: readonly Role[] = ['owner', 'admin', 'manager'];

/** Credit or spend points for the customer in front of you (loyalty:write). */
export const canChangePoints = (role: Role) => MANAGERS.includes(role) || role === 'agent';
/** Reverse entries, run verify, edit programs, rewards and charities (loyalty:manage). */
export const canManageLoyalty = (role: Role) => MANAGERS.includes(role);
