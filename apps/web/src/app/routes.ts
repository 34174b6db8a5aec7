// Every screen of the app by name and path pattern (TanStack Router syntax: `$id` is a parameter).
// The route tree (app/route-tree.ts) must give each one a route file in routes/ (a
// Record<RouteName, …> there makes TypeScript insist, and routes/route-tree.test.ts checks the
// paths), and the browser walk in e2e/every-route.e2e.ts visits each one, so a new screen is
// covered by adding it here. Plain data on purpose: the e2e test imports this file in Node.

export interface RouteDef {
  path: string;
  /** reachable without a session (the rest need one) */
  public?: boolean;
}

const TABLE = {
  customers: { path: '/customers' },
  customerNew: { path: '/customers/new' },
  customer: { path: '/customers/$id' },
  import: { path: '/import' },
  segments: { path: '/segments' },
  segmentNew: { path: '/segments/new' },
  segment: { path: '/segments/$id' },
  settings: { path: '/settings' },
  members: { path: '/settings/members' },
  apiKeys: { path: '/settings/api-keys' },
  audit: { path: '/settings/audit-log' },
  messagingSettings: { path: '/settings/messaging' },
  followups: { path: '/engagement/followups' },
  followup: { path: '/engagement/followups/$id' },
  messages: { path: '/engagement/messages' },
  automations: { path: '/engagement/automations' },
  automationNew: { path: '/engagement/automations/new' },
  automation: { path: '/engagement/automations/$id' },
  templates: { path: '/engagement/templates' },
  templateNew: { path: '/engagement/templates/new' },
  template: { path: '/engagement/templates/$id' },
  surveys: { path: '/feedback/surveys' },
  surveyNew: { path: '/feedback/surveys/new' },
  survey: { path: '/feedback/surveys/$id' },
  surveyDistribute: { path: '/feedback/surveys/$id/distribute' },
  surveyResults: { path: '/feedback/surveys/$id/results' },
  surveyResponses: { path: '/feedback/surveys/$id/responses' },
  complaints: { path: '/complaints' },
  complaintNew: { path: '/complaints/new' },
  complaintReports: { path: '/complaints/reports' },
  complaintPrevention: { path: '/complaints/prevention' },
  complaintSettings: { path: '/complaints/settings' },
  complaint: { path: '/complaints/$id' },
  complaintForm: { path: '/c/$workspace/complaint', public: true },
  complaintTrack: { path: '/c/$workspace/track', public: true },
  memberPortal: { path: '/c/$workspace/points', public: true },
  loyalty: { path: '/loyalty' },
  loyaltyProgramNew: { path: '/loyalty/programs/new' },
  loyaltyProgram: { path: '/loyalty/programs/$id' },
  loyaltyReward: { path: '/loyalty/rewards/$id' },
  loyaltyMembers: { path: '/loyalty/members' },
  loyaltyLedger: { path: '/loyalty/ledger' },
  loyaltyFinance: { path: '/loyalty/finance' },
  loyaltyPartners: { path: '/loyalty/partners' },
  insights: { path: '/insights' },
  acceptInvitation: { path: '/invitations/accept', public: true },
  forgotPassword: { path: '/forgot-password', public: true },
  resetPassword: { path: '/reset-password', public: true },
  accountSecurity: { path: '/account/security' },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof TABLE;
export const ROUTES: Readonly<Record<RouteName, RouteDef>> = TABLE;

/** A route's path pattern with its literal type, so the route built from it is typed. */
export function pathOf<N extends RouteName>(name: N): (typeof TABLE)[N]['path'] {
  return TABLE[name].path;
}

/** A route's path pattern: '/customers', '/customers/$id'… */
export type RoutePath = (typeof TABLE)[RouteName]['path'] | keyof typeof REDIRECTS;

/** Path patterns reachable without a session. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(Object.values(ROUTES).filter((route) => route.public).map((route) => route.path));

/** Paths that only forward somewhere else. */
export const REDIRECTS = {
  '/': '/customers',
  '/sign-in': '/customers',
  '/engagement': '/engagement/followups',
  '/feedback': '/feedback/surveys',
} as const;
