// Every screen of the app by name and path pattern. App.tsx must render each one (a
// Record<RouteName, …> there makes TypeScript insist), and the browser walk in
// e2e/every-route.e2e.ts visits each one, so a new screen is covered by adding it here.
// Plain data on purpose: the e2e test imports this file in Node.

export interface RouteDef {
  path: string;
  /** reachable without a session (the rest need one) */
  public?: boolean;
}

// Order matters: the first pattern that matches wins, so fixed paths come before `:id` ones.
const TABLE = {
  customers: { path: '/customers' },
  customerNew: { path: '/customers/new' },
  customer: { path: '/customers/:id' },
  import: { path: '/import' },
  segments: { path: '/segments' },
  segmentNew: { path: '/segments/new' },
  segment: { path: '/segments/:id' },
  settings: { path: '/settings' },
  members: { path: '/settings/members' },
  apiKeys: { path: '/settings/api-keys' },
  audit: { path: '/settings/audit-log' },
  messagingSettings: { path: '/settings/messaging' },
  followups: { path: '/engagement/followups' },
  followup: { path: '/engagement/followups/:id' },
  messages: { path: '/engagement/messages' },
  automations: { path: '/engagement/automations' },
  automationNew: { path: '/engagement/automations/new' },
  automation: { path: '/engagement/automations/:id' },
  templates: { path: '/engagement/templates' },
  templateNew: { path: '/engagement/templates/new' },
  template: { path: '/engagement/templates/:id' },
  feedback: { path: '/feedback' },
  complaints: { path: '/complaints' },
  loyalty: { path: '/loyalty' },
  insights: { path: '/insights' },
  acceptInvitation: { path: '/invitations/accept', public: true },
  forgotPassword: { path: '/forgot-password', public: true },
  resetPassword: { path: '/reset-password', public: true },
  accountSecurity: { path: '/account/security' },
} satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof TABLE;
export const ROUTES: Readonly<Record<RouteName, RouteDef>> = TABLE;

/** Paths that only forward somewhere else. */
export const REDIRECTS: Record<string, string> = {
  '/': '/customers',
  '/sign-in': '/customers',
  '/engagement': '/engagement/followups',
};
