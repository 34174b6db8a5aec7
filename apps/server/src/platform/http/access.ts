/**
 * Who may do what. Every route declares one permission (or `public`); the HTTP layer refuses
 * to register a route that does not, so no route is reachable without a role check.
 */
export const ROLES = ['owner', 'admin', 'manager', 'agent', 'analyst', 'finance'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'workspace:read', 'workspace:manage', 'members:read', 'members:manage', 'apikeys:manage', 'audit:read',
  'customers:read', 'customers:write', 'customers:merge', 'customers:export', 'customers:erase', 'customers:import',
  'segments:read', 'segments:write', 'interactions:read', 'interactions:write', 'interactions:moderate',
  'automations:read', 'automations:write', 'messages:read', 'messages:retry', 'messaging:manage',
  'followups:read', 'followups:work', 'followups:manage',
  'surveys:read', 'surveys:write', 'surveys:export', 'surveys:results', 'surveys:tag',
  'complaints:read', 'complaints:work', 'complaints:manage',
  'loyalty:read', 'loyalty:write', 'loyalty:manage', 'loyalty:finance',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const everyone: Permission[] = [
  'workspace:read', 'members:read', 'customers:read', 'segments:read', 'interactions:read', 'automations:read', 'messages:read', 'followups:read',
  'surveys:read', 'complaints:read', 'loyalty:read',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS),
  // Managers run engagement (rules, templates, the follow-up queue); channel credentials and
  // sending policy stay with admins.
  manager: new Set([
    ...everyone, 'customers:write', 'customers:merge', 'customers:export', 'customers:import', 'segments:write', 'interactions:write',
    // change or remove other people's notes and logged contacts on a timeline
    'interactions:moderate',
    'automations:write', 'messages:retry', 'followups:work', 'followups:manage',
    // build, publish and close surveys; export their answers
    'surveys:write', 'surveys:export', 'surveys:results', 'surveys:tag',
    // work any complaint case, assign cases; take over escalated ones (case-lifecycle.ts: supervisor)
    'complaints:work', 'complaints:manage',
    // run the points ledger: earn and spend, reverse entries, the expiry run and verify
    'loyalty:write', 'loyalty:manage',
  ]),
  // Agents credit and spend points for the customer in front of them (a goodwill gesture, a
  // counter redemption); corrections (reversals), expiry runs and verify are managers' work.
  agent: new Set([...everyone, 'customers:write', 'interactions:write', 'followups:work', 'complaints:work', 'loyalty:write']),
  // results (scores, trends, themes) and tagging answers are analysis: not an agent's queue work
  analyst: new Set([...everyone, 'segments:write', 'customers:export', 'surveys:export', 'surveys:results', 'surveys:tag']),
  // Finance reads the points liability, breakage and payables and sets the point value; it changes no points.
  finance: new Set([...everyone, 'loyalty:finance']),
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** `public`: anyone, rate limited. `authenticated`: any signed-in user or key of any role. */
export type RouteAccess = Permission | 'public' | 'authenticated';

export interface Actor {
  kind: 'user' | 'api_key';
  /** account id for users, key id for API keys */
  id: string;
  tenantId: string;
  role: Role;
  /** set for cookie sessions: unsafe methods must echo it in X-CSRF-Token */
  csrfToken?: string;
  sessionTokenHash?: string;
  /** the workspace requires a second factor this account lacks: only routes marked `beforeTwoFactor` are open */
  mustEnrolTwoFactor?: boolean;
}

/** Implemented by the team and workspace modules; the HTTP layer only calls it. */
export interface Authenticator {
  fromSession(token: string): Promise<Actor | null>;
  fromApiKey(token: string): Promise<Actor | null>;
}
