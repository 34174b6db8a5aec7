import { AcceptCaseResolution, AddCaseInformation, AnswerCaseSatisfaction, CaseAccess, CustomerCaseView, RejectCaseResolution } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { answerCaseSatisfaction } from './case-csat-answer.ts';
import { acceptCaseResolution, addCaseInformation, rejectCaseResolution, viewCustomerCase } from './case-customer.service.ts';
import { TRACK_TRIES_PER_ADDRESS_PER_MINUTE, limitTriesPerCode } from './tracking-limits.ts';

const PROOF = 'The tracking code and either `verification` (the last 4 digits of the phone, or the whole number, or the e-mail given when filing) or `token` (from the tracking link in a notice). An unknown code and a wrong proof both answer 404 `complaint_not_found`, and nothing is changed; a code with a failing check digit 422 `invalid_tracking_code`. Held to the tracking limits: a few tries a minute per address and an hour per code, counted with tracking.';

/** The public tracking page's actions, on the same proof and the same limits as tracking. */
export function registerCaseCustomerRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  const secrets = deps.config;
  const limits = {
    config: { access: 'public' as const, rateLimit: false as const },
    preHandler: [
      // The same key as tracking's, so guesses spread over these routes count together.
      app.rateLimit({ max: TRACK_TRIES_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req) => `complaint-track:${req.ip}` }),
      limitTriesPerCode,
    ],
  };

  app.post('/api/public/complaints/case', {
    ...limits,
    schema: {
      tags: ['complaints'],
      summary: 'The complaint as its customer sees it',
      operationId: 'viewCustomerComplaint',
      description: `Status and steps in plain words, the customer's own messages, the resolution once communicated, what they can do now and, when a resolution awaits their answer or they rejected it, their next recourse. ${PROOF}`,
      problems: [404, 422],
      body: CaseAccess,
      response: { 200: CustomerCaseView },
    },
  }, async (req) => viewCustomerCase(db, secrets, req.body, req.locale));

  app.post('/api/public/complaints/case/messages', {
    ...limits,
    schema: {
      tags: ['complaints'],
      summary: 'The customer adds information to their complaint',
      operationId: 'addComplaintInformation',
      description: `Logged on the case as the customer's message; a case waiting for the customer resumes. 409 \`closed_case\` on a closed case. ${PROOF}`,
      problems: [404, 409, 422],
      body: AddCaseInformation,
      response: { 200: CustomerCaseView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await addCaseInformation(tx, secrets, req.body, req.locale) }));
    return sendWrite(reply, result);
  });

  app.post('/api/public/complaints/case/accept', {
    ...limits,
    schema: {
      tags: ['complaints'],
      summary: 'The customer accepts the resolution',
      operationId: 'acceptComplaintResolution',
      description: `Records the acceptance (the customer's own transition) and closes the case. 409 \`illegal_transition\` (or \`closed_case\`) unless a resolution awaits the customer's answer. ${PROOF}`,
      problems: [404, 409, 422],
      body: AcceptCaseResolution,
      response: { 200: CustomerCaseView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await acceptCaseResolution(tx, secrets, req.body, req.locale) }));
    return sendWrite(reply, result);
  });

  app.post('/api/public/complaints/case/reject', {
    ...limits,
    schema: {
      tags: ['complaints'],
      summary: 'The customer rejects the resolution',
      operationId: 'rejectComplaintResolution',
      description: `Reopens the case with the customer's reason logged; the answer's \`recourse\` tells them where they can turn next (the workspace's wording or the default). 409 \`illegal_transition\` (or \`closed_case\`) unless a resolution awaits their answer. ${PROOF}`,
      problems: [404, 409, 422],
      body: RejectCaseResolution,
      response: { 200: CustomerCaseView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await rejectCaseResolution(tx, secrets, req.body, req.locale) }));
    return sendWrite(reply, result);
  });

  app.post('/api/public/complaints/case/satisfaction', {
    ...limits,
    schema: {
      tags: ['complaints'],
      summary: 'The complainant answers the satisfaction question after closure',
      operationId: 'answerComplaintSatisfaction',
      description: `For a case filed without a customer record, whose contact was asked after closure (the view's \`satisfaction\` and action \`answer_satisfaction\`): recorded as a response of the workspace's CSAT survey; a bottom-two score reopens the case. Once per closure: 409 \`satisfaction_answered\`; 409 \`satisfaction_not_asked\` when no question is open; 422 for a score off the scale. ${PROOF}`,
      problems: [404, 409, 422],
      body: AnswerCaseSatisfaction,
      response: { 200: CustomerCaseView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await answerCaseSatisfaction(tx, secrets, req.body, req.locale) }));
    return sendWrite(reply, result);
  });
}
