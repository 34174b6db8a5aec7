import type { VafaModule } from '../../platform/module.ts';
import { registerMergeHook } from '../customers/index.ts';
import { moveCasesToSurvivor } from './complaint.repo.ts';
import { registerComplaintRoutes } from './complaint.routes.ts';
import { registerCaseCustomerRoutes } from './case-customer.routes.ts';
import { caseNoticeWorker } from './case-notices.ts';
import { registerComplaintSettingsRoutes } from './complaint-settings.ts';
import { caseFeedbackSubscriber, caseLoopSubscriber } from './complaint.subscribers.ts';

// Cases follow a customer through a merge.
registerMergeHook(moveCasesToSurvivor);

/**
 * Complaints: ISO 10002 case handling. Intake by agents and integrations and by customers on the
 * public form, the lifecycle over an append-only case log, assignment, and tracking by code.
 * This is the only file other modules import.
 */
export const complaintsModule: VafaModule = {
  name: 'complaints',
  registerRoutes(app, deps) {
    registerComplaintRoutes(app, deps);
    registerCaseCustomerRoutes(app, deps);
    registerComplaintSettingsRoutes(app, deps);
  },
  // The closed loop: notices, the post-closure survey, goodwill; survey answers about a case, negative feedback.
  subscribers: [caseLoopSubscriber, caseFeedbackSubscriber],
  // Writes decided notices into the outbox (it holds the instance key that seals their tracking links).
  background: (deps) => [caseNoticeWorker(deps)],
};
