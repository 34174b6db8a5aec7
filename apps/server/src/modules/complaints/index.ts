import { registerInboundSmsHandler } from '../../platform/messaging/inbound-sms.ts';
import type { VafaModule } from '../../platform/module.ts';
import { registerCustomerDataExporter, registerEraseHook, registerMergeHook } from '../customers/index.ts';
import { eraseCustomerCases } from './case-erasure.ts';
import { exportCustomerCases } from './case-export.ts';
import { moveCasesToSurvivor } from './complaint.repo.ts';
import { registerComplaintRoutes } from './complaint.routes.ts';
import { slaRecomputeSubscriber, slaScanJob } from './complaint-sla.jobs.ts';
import { registerComplaintSlaRoutes } from './complaint-sla.routes.ts';
import { registerComplaintInsightRoutes } from './complaint-insights.routes.ts';
import { foldReportRollupsJob } from './complaint-report-rollup.ts';
import { detectRecurringProblemsJob } from './recurrence.ts';
import { registerCaseCustomerRoutes } from './case-customer.routes.ts';
import { registerCaseContextRoutes } from './case-context.routes.ts';
import { caseNoticeWorker } from './case-notices.ts';
import { registerComplaintSettingsRoutes } from './complaint-settings.ts';
import { caseFeedbackSubscriber, caseLoopSubscriber } from './complaint.subscribers.ts';
import { registerComplaintIntakeRoutes } from './complaint-intake.routes.ts';
import { registerComplaintWidgetRoutes } from './complaint-widget.routes.ts';
import { registerPublicAttachmentRoutes } from './public-attachments.routes.ts';
import { EmailIntakeListener } from './email-intake.ts';
import { takeComplaintSms } from './sms-intake.ts';

// Cases follow a customer through a merge, and lose what the customer said when they are erased (case-erasure.ts).
registerMergeHook(moveCasesToSurvivor);
registerEraseHook(eraseCustomerCases);
// A customer's data export includes their cases, internal notes marked as such (case-export.ts).
registerCustomerDataExporter('complaints', exportCustomerCases);
// Inbound SMS that answer no survey may be complaints (sms-intake.ts).
registerInboundSmsHandler('complaints', takeComplaintSms);

/**
 * Complaints: ISO 10002 case handling. Intake by agents and integrations and by customers on the
 * public form, the lifecycle over an append-only case log, assignment, and tracking by code.
 * This is the only file other modules import.
 */
export const complaintsModule: VafaModule = {
  name: 'complaints',
  registerRoutes(app, deps) {
    registerComplaintRoutes(app, deps);
    registerComplaintSlaRoutes(app, deps);
    registerComplaintInsightRoutes(app, deps);
    registerCaseCustomerRoutes(app, deps);
    registerCaseContextRoutes(app, deps);
    registerComplaintSettingsRoutes(app, deps);
    registerComplaintIntakeRoutes(app, deps);
    registerComplaintWidgetRoutes(app, deps);
    registerPublicAttachmentRoutes(app, deps);
  },
  // Recurring-problem detection (recurrence.ts), the SLA scan, the reports' rollups (complaint-report-rollup.ts).
  jobs: [detectRecurringProblemsJob, slaScanJob, foldReportRollupsJob],
  // The closed loop: notices, the post-closure survey, goodwill; survey answers about a case, negative feedback.
  subscribers: [caseLoopSubscriber, caseFeedbackSubscriber, slaRecomputeSubscriber],
  // Writes decided notices into the outbox (it holds the instance key that seals their tracking links); the SMTP listener of e-mail intake, when VAFA_SMTP_INTAKE_PORT is set.
  background: (deps) => [
    caseNoticeWorker(deps),
    ...(deps.config.emailIntake ? [new EmailIntakeListener({ database: deps.database, log: deps.log, config: deps.config.emailIntake })] : []),
  ],
};
// The reports' rollups brought up to date for one workspace (the benchmark's generator folds what it loaded).
export { maintainReportRollups } from './complaint-report-rollup.ts';
// Attachments on a customer's own message (the tracking page's "add information").
export { readAttachmentUpload, storeAttachments, type IncomingFile } from './attachments.service.ts';
// The public filing's abuse defences (device limits, proof of work, honeypot), for every public filing path (a widget's too).
export { filingGuardFor, decoyReceipt, isHoneypotFilled, FILING_LIMITS } from './public-filing-guard.ts';
