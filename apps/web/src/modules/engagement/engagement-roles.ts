// What the signed-in role may do in engagement, mirroring the server's access.ts so the UI
// hides what would be refused. The server still checks every request.
import type { Session } from '../../lib/api.ts';

type Role = Session['role'];
const MANAGERS: readonly Role[] = ['owner', 'admin', 'manager'];

/** Record attempts on follow-ups (followups:work). */
export const canWorkFollowups = (role: Role) => role !== 'analyst';
/** Reassign, reschedule and open follow-ups; see everyone's queue and the metrics (followups:manage). */
export const canManageFollowups = (role: Role) => MANAGERS.includes(role);
/** Retry a failed or dead message (messages:retry). */
export const canRetryMessages = (role: Role) => MANAGERS.includes(role);
/** Channel credentials, webhook endpoints and the sending policy (messaging:manage). */
export const canManageMessaging = (role: Role) => role === 'owner' || role === 'admin';
