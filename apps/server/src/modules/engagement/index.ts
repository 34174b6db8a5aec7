import type { VafaModule } from '../../platform/module.ts';

/**
 * Engagement: the message outbox's HTTP surface and dispatch policy, templates, automations
 * (trigger → conditions → delay → actions) and follow-up tasks. Each part registers its own
 * routes, jobs and subscribers from its files; this is the only file other modules import.
 */
export const engagementModule: VafaModule = {
  name: 'engagement',
  registerRoutes() {},
  jobs: [],
  subscribers: [],
  background: () => [],
};
