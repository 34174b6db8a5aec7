import type { VafaModule } from '../../platform/module.ts';
import { registerSurveyActionHandler } from '../engagement/index.ts';
import { invitationWorker, reminderWorker } from './distribution.jobs.ts';
import { registerDistributionRoutes } from './distribution.routes.ts';
import { registerKioskRoutes } from './kiosk.routes.ts';
import { registerResponseRoutes } from './response.routes.ts';
import { registerResultsRoutes } from './results.routes.ts';
import { registerRecoveryRoutes } from './recovery.routes.ts';
import { registerResponseTagRoutes } from './response-tags.routes.ts';
import { compactRollupsJob } from './rollup.jobs.ts';
import { computeThemesJob, refreshThemesJob } from './themes.jobs.ts';
import { registerSurveyRoutes } from './survey.routes.ts';
import { registerWidgetRoutes } from './widget.routes.ts';
import { sendSurveyAction } from './send-survey.action.ts';
import { registerInvitationCustomerHooks } from './invitation.hooks.ts';

// Automations' send_survey action creates invitations here; engagement never imports surveys.
registerSurveyActionHandler(sendSurveyAction);
// Invitations follow a customer through a merge, an erasure and a data export.
registerInvitationCustomerHooks();

/**
 * Surveys: the builder and its versions (survey.*), distribution by link, e-mail, SMS and
 * automations (distribution.*, invitation.*), the response page and API (response.*), the
 * widget and kiosks (widget.*, kiosk.*), metrics and rollups (metrics/, rollup.*, results.*).
 * It publishes `response.submitted` and `feedback.negative`; this is the only file other
 * modules import.
 */
export const surveysModule: VafaModule = {
  name: 'surveys',
  registerRoutes(app, deps) {
    registerSurveyRoutes(app, deps);
    registerResponseRoutes(app, deps);
    registerResultsRoutes(app, deps);
    registerRecoveryRoutes(app, deps);
    registerResponseTagRoutes(app, deps);
    registerDistributionRoutes(app, deps);
    registerKioskRoutes(app, deps);
    registerWidgetRoutes(app, deps);
  },
  jobs: [computeThemesJob, refreshThemesJob, compactRollupsJob],
  subscribers: [],
  background: (deps) => [invitationWorker(deps), reminderWorker(deps)],
};
export { seedDemoSurveys, type DemoSurveyCustomer } from './survey.demo.ts';
// CSAT's one definition (top two boxes of the answer's own scale), for other modules' reports.
export { isBottomTwo, isTopTwo } from './metrics/index.ts';
export {
  answerCaseCsat, caseCsatQuestion, createCaseCsatSurvey, inviteAfterCase, surveyExists, type CaseCsatQuestion, type CaseSurveyOutcome,
} from './case-csat.ts';
// The public answer path's abuse defences (device cookie, proof of work), reused by the public complaint form.
export { deviceOf, SubmissionGuard, type Device, type GuardLimits } from './response-abuse.ts';
export { DEVICE_COOKIE, keepDevice } from './response-page.routes.ts';
// The survey of a response, for a complaint case opened by it (response-origin.ts).
export { responseOrigin } from './response-origin.ts';
