import type { VafaModule } from '../../platform/module.ts';
import { registerMergeHook } from '../customers/index.ts';
import { moveCasesToSurvivor } from './complaint.repo.ts';
import { registerComplaintRoutes } from './complaint.routes.ts';

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
  },
};
