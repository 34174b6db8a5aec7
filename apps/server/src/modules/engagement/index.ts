import { createMessageDispatcher } from '../../platform/messaging/dispatcher.ts';
import type { VafaModule } from '../../platform/module.ts';
import { automationSubscriber, datedTriggersJob, dueRunWorker } from './automation.jobs.ts';
import { registerAutomationRoutes } from './automation.routes.ts';
import { dispatchGuard } from './dispatch-guard.ts';
import { escalateOverdueFollowupsJob, followupRepurchaseSubscriber } from './followup.jobs.ts';
import { registerFollowupRoutes } from './followup.routes.ts';
import { registerFollowupCustomerHooks } from './followup.service.ts';
import { recordMessageStatus } from './message-timeline.ts';
import { registerMessagingRoutes } from './messaging.routes.ts';
import { registerTemplateRoutes } from './template.routes.ts';

// Follow-ups move with a customer through a merge; erasure drops agents' notes and closes open ones.
registerFollowupCustomerHooks();

/**
 * Engagement: the message outbox's HTTP surface and dispatch policy, templates, automations
 * (trigger → conditions → delay → actions) and follow-up tasks. Each part registers its own
 * routes, jobs and subscribers from its files; this is the only file other modules import.
 */

export { reachableRecipients, type Reachable, type Unreachable } from './message-recipients.ts';
export { createNoticeTemplate, noticeTemplateContent, queueNotice, type NoticeOutcome, type NoticeRecipient, type NoticeRequest } from './notice.service.ts';
// Birthdays in the calendar the customer gave them (loyalty's birthday points use the same days).
export { birthdayCandidates, calendarYear } from './automation.triggers.ts';
export {
  registerSurveyActionHandler, type SurveyActionHandler, type SurveyActionOutcome, type SurveyActionRequest,
} from './survey-action.ts';

export const engagementModule: VafaModule = {
  name: 'engagement',
  registerRoutes(app, deps) {
    registerMessagingRoutes(app, deps);
    registerFollowupRoutes(app, deps);
    registerTemplateRoutes(app, deps);
    registerAutomationRoutes(app, deps);
  },
  jobs: [datedTriggersJob, escalateOverdueFollowupsJob],
  subscribers: [automationSubscriber, followupRepurchaseSubscriber],
  background: (deps) => [
    createMessageDispatcher(deps, { guard: dispatchGuard, onStatus: recordMessageStatus }),
    dueRunWorker(deps),
  ],
};
