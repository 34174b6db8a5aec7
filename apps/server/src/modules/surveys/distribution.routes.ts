import {
  CreateDistribution, CreateSurveyInvitation, DistributionList, DistributionParams, DistributionPreview, DistributionPreviewInput, DistributionView,
  IdParams, SmsInboundView, SurveyInvitationView, SurveyPolicy,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import { publicBaseUrl } from '../../platform/config.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import { loadChannelSettings } from '../../platform/messaging/channel-settings.ts';
import { callbackToken } from '../../platform/messaging/tokens.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { changeDistribution, createDistribution, getDistribution, listDistributions, previewDistribution, type DistributionAction } from './distribution.service.ts';
import { createInvitation } from './invitation.service.ts';
import { registerSmsReplyRoutes } from './sms-reply.routes.ts';
import { saveSurveyPolicy, surveyPolicy } from './survey-policy.ts';

const audit = (req: FastifyRequest) => ({ actor: req.actor!, ip: req.ip });

export function registerDistributionRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  const publicUrl = publicBaseUrl(deps.config);

  app.post('/api/surveys/:id/invitations', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'A personal invitation for one customer',
      description: '`channel: link` answers with the personal link (`{publicUrl}/s/<token>`), shown once; only its hash is kept. `email`, `sms` or `preferred` sends it through the outbox like a distribution (consent, quiet hours and caps apply) and respects the recontact limit (409 `recontact_limit`). `hidden` sets the survey\'s hidden fields; `context` ties the answer to a follow-up, case or order. 409 `survey_not_live` / `survey_closed` unless the survey takes answers.',
      problems: [409],
      params: IdParams,
      body: CreateSurveyInvitation,
      response: { 201: SurveyInvitationView },
    },
  }, async (req, reply) => {
    const result = await req.write(
      async (tx) => ({ status: 201, body: await createInvitation(tx, publicUrl, req.tenantId, req.params.id, req.body) }),
      { secretFields: ['link'] },
    );
    return sendWrite(reply, result);
  });

  app.get('/api/surveys/:id/distributions', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['surveys'],
      summary: "A survey's distributions, newest first, with each one's latest waves (invited, sent, answered)",
      params: IdParams,
      response: { 200: DistributionList },
    },
  }, async (req) => ({ items: await listDistributions(db, req.tenantId, req.params.id) }));

  app.post('/api/surveys/:id/distributions', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Send a survey to an audience, once or on a schedule',
      description: 'Each run is a wave: the audience (all customers, a segment, or listed customers) at that moment, less those asked by any survey within the recontact limit and those with no consent or address for the channel, sampled at `samplingPercent`. Recurring schedules follow the workspace calendar and time zone. `reminder` re-sends the link to those who have not answered. Audited.',
      params: IdParams,
      body: CreateDistribution,
      response: { 201: DistributionView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createDistribution(tx, req.tenantId, req.params.id, req.body, audit(req)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/surveys/:id/distributions/preview', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['surveys'],
      summary: 'Who a distribution would reach now, and its SMS cost',
      description: 'Recipients by channel after the recontact limit, consent and sampling; for SMS the text per language with its encoding (GSM-7: 160 characters, 153 per part; UCS-2 for Persian and Arabic: 70, 67 per part) and parts × recipients. Writes nothing.',
      params: IdParams,
      body: DistributionPreviewInput,
      response: { 200: DistributionPreview },
    },
  }, async (req) => previewDistribution(db, publicUrl, req.tenantId, req.params.id, req.body));

  app.get('/api/surveys/:id/distributions/:distributionId', {
    config: { access: 'surveys:read' },
    schema: { tags: ['surveys'], summary: 'One distribution with its latest waves', params: DistributionParams, response: { 200: DistributionView } },
  }, async (req) => getDistribution(db, req.tenantId, req.params.id, req.params.distributionId));

  const actions: Record<DistributionAction, string> = {
    pause: 'Pause a distribution: no waves and no reminders until resumed (audited)',
    resume: 'Resume a paused distribution: a recurring one from its next occurrence (audited)',
    cancel: 'Cancel a distribution for good, reminders included (audited)',
  };
  for (const [action, summary] of Object.entries(actions) as [DistributionAction, string][]) {
    app.post(`/api/surveys/:id/distributions/:distributionId/${action}`, {
      config: { access: 'surveys:write' },
      schema: { tags: ['surveys'], summary, description: 'Any other change of state answers 409 `distribution_state`.', problems: [409], params: DistributionParams, response: { 200: DistributionView } },
    }, async (req, reply) => {
      const result = await req.write(async (tx) => ({
        status: 200, body: await changeDistribution(tx, req.tenantId, req.params.id, req.params.distributionId, action, audit(req)),
      }));
      return sendWrite(reply, result);
    });
  }

  app.get('/api/survey-policy', {
    config: { access: 'surveys:read' },
    schema: { tags: ['surveys'], summary: 'Recontact limit (days between any two surveys to one customer) and SMS replies', response: { 200: SurveyPolicy } },
  }, async (req) => surveyPolicy(db, req.tenantId));

  app.put('/api/survey-policy', {
    config: { access: 'workspace:manage' },
    schema: {
      tags: ['surveys'],
      summary: 'Set the recontact limit and SMS replies (admins; audited)',
      description: '`recontactDays` 0 turns the limit off. `smsReplies` makes SMS invitations ask for a reply with a number: set the inbound URL (GET /api/survey-policy/sms-inbound) in the provider\'s panel first.',
      body: SurveyPolicy,
      response: { 200: SurveyPolicy },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const saved = await saveSurveyPolicy(tx, req.tenantId, req.body);
      await recordAudit(tx, req.tenantId, req.actor!, { action: 'survey.policy_changed', targetType: 'survey_policy', ip: req.ip, details: { ...req.body } });
      return { status: 200, body: saved };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/survey-policy/sms-inbound', {
    config: { access: 'messaging:manage' },
    schema: {
      tags: ['surveys'],
      summary: "Where the SMS provider should forward customers' replies",
      description: "Set this URL as the provider's inbound (receive) URL: Kavenegar's receive URL in its panel, or the messaging webhook of the Twilio number. It names and authenticates the workspace, so it is shown to admins only. Null while no SMS channel is set up.",
      response: { 200: SmsInboundView },
    },
  }, async (req) => {
    const config = await loadChannelSettings(db, deps.config, req.tenantId, 'sms');
    if (!config) return { provider: null, url: null };
    return { provider: config.provider, url: `${publicUrl}/hooks/sms/${config.provider}/${callbackToken(deps.config, req.tenantId)}/inbound` };
  });

  app.register(async (scope) => registerSmsReplyRoutes(scope as unknown as App, deps));
}
