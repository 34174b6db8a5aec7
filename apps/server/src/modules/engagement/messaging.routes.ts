import { z } from 'zod';
import {
  ChannelParams, CreatedWebhookEndpoint, CreateWebhookEndpoint, CustomerMessagesQuery, EmailChannelSettings, EmailChannelView, IdParams,
  MessageDetailView, MessageListQuery, MessagePage, MessagesPerDayQuery, MessagesPerDayView, MessagingPolicy, SendTestMessage, SmsChannelSettings, SmsChannelView, SmsHookParams,
  TestMessageResult, UnsubscribeParams, WebhookEndpointView, NoContent,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import { publicBaseUrl } from '../../platform/config.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import { providerHookLimit } from '../../platform/messaging/provider-hooks.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { messagesPerDay } from './message.metrics.ts';
import * as messaging from './messaging.service.ts';

const audit = (req: FastifyRequest) => ({ actor: req.actor!, ip: req.ip });

/** Form fields (RFC 8058 one-click posts, provider callbacks): small, flat, no NUL. */
const FormBody = z.record(z.string().max(200), z.string().max(4000)).optional();

/** What a delivery report answers; providers read only the status. */
const DeliveryReportReceipt = z.strictObject({ recorded: z.number().int().min(0).describe('messages whose status the report changed') });

/**
 * The public, form-posting routes (unsubscribe links, SMS delivery reports) live in their own
 * encapsulated scope: only here is `application/x-www-form-urlencoded` parsed; the API
 * elsewhere stays JSON-only.
 */
function registerPublicMessagingRoutes(scope: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  const secrets = deps.config;
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const text = String(body);
    if (text.includes('\0') || /%00/.test(text)) return done(new Problem(400, 'validation_failed', {}, [{ field: 'body', code: 'nul_character', message: 'NUL characters are not allowed' }]), undefined);
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });

  scope.get('/u/:token', {
    config: { access: 'public' },
    schema: { tags: ['messaging'], summary: 'The page behind an unsubscribe link: asks to confirm', operationId: 'showUnsubscribePage', params: UnsubscribeParams, produces: ['text/html'] },
  }, async (req, reply) => {
    const target = await messaging.unsubscribeTarget(db, secrets, req.params.token);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(messaging.unsubscribePage(target, req.params.token, 'ask'));
  });

  scope.post('/u/:token', {
    config: { access: 'public' },
    schema: {
      tags: ['messaging'],
      summary: 'One-click unsubscribe (RFC 8058)',
      operationId: 'unsubscribe',
      consumes: ['application/x-www-form-urlencoded'],
      produces: ['text/html'],
      description: 'Mail clients POST `List-Unsubscribe=One-Click` (form-encoded) here; the confirm button of the page does the same. Withdraws consent for the channel the link came by; repeating it changes nothing.',
      params: UnsubscribeParams,
      body: FormBody,
    },
  }, async (req, reply) => {
    const target = await messaging.unsubscribeTarget(db, secrets, req.params.token);
    await deps.database.db.transaction((tx) => messaging.unsubscribe(tx, target));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(messaging.unsubscribePage(target, req.params.token, 'done'));
  });

  scope.post('/hooks/sms/:provider/:token', {
    config: { access: 'public', rateLimit: false },
    preHandler: providerHookLimit(scope),
    schema: {
      tags: ['messaging'],
      summary: "An SMS provider's delivery report",
      operationId: 'receiveSmsDeliveryReport',
      consumes: ['application/x-www-form-urlencoded'],
      description: 'The callback URL the dispatcher gives the provider. Kavenegar posts `messageid` and `status`; Twilio `MessageSid` and `MessageStatus`, signed with X-Twilio-Signature. ' +
        'Answers 200 with how many messages the report changed (0 for an unknown or repeated report); 403 `invalid_signature` for a Twilio report not signed with the workspace\'s auth token; 404 when the token or provider names no workspace\'s SMS channel.',
      params: SmsHookParams,
      body: FormBody,
      problems: [403],
      response: { 200: DeliveryReportReceipt },
    },
  }, async (req, reply) => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) if (typeof value === 'string') params[key] = value;
    Object.assign(params, req.body ?? {});
    const url = `${publicBaseUrl(deps.config)}${req.url}`;
    const recorded = await messaging.receiveDeliveryReport(db, secrets, req.params.provider, req.params.token, { url, headers: req.headers, params });
    return reply.code(200).send({ recorded });
  });
}

export function registerMessagingRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  const secrets = deps.config;
  const allow = deps.config.outboundAllow;
  const sending = { database: deps.database, secrets, publicUrl: publicBaseUrl(deps.config), log: deps.log, outboundAllow: allow };

  app.get('/api/messaging/channels/email', {
    config: { access: 'messaging:manage' },
    schema: { tags: ['messaging'], summary: "The workspace's e-mail (SMTP) channel; the password is never shown", response: { 200: EmailChannelView } },
  }, async (req) => messaging.emailChannel(db, req.tenantId));

  app.put('/api/messaging/channels/email', {
    config: { access: 'messaging:manage' },
    schema: {
      tags: ['messaging'],
      summary: 'Set the e-mail (SMTP) channel',
      description: '`password` is write-only: leave it out to keep the stored one, null to clear it. Audited.',
      body: EmailChannelSettings,
      response: { 200: EmailChannelView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await messaging.saveEmailChannel(tx, secrets, allow, req.tenantId, req.body, audit(req)) }));
    return sendWrite(reply, result);
  });

  app.get('/api/messaging/channels/sms', {
    config: { access: 'messaging:manage' },
    schema: { tags: ['messaging'], summary: "The workspace's SMS channel; the API key or auth token is never shown", response: { 200: SmsChannelView } },
  }, async (req) => messaging.smsChannel(db, req.tenantId));

  app.put('/api/messaging/channels/sms', {
    config: { access: 'messaging:manage' },
    schema: {
      tags: ['messaging'],
      summary: 'Set the SMS channel (Kavenegar or Twilio)',
      description: '`apiKey` (Kavenegar) or `authToken` (Twilio) is write-only: leave it out to keep the stored one; switching provider needs a new one. Audited.',
      body: SmsChannelSettings,
      response: { 200: SmsChannelView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await messaging.saveSmsChannel(tx, secrets, allow, req.tenantId, req.body, audit(req)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/messaging/channels/:channel/test', {
    config: { access: 'messaging:manage' },
    schema: {
      tags: ['messaging'],
      summary: 'Send a test message through a channel now',
      description: '`to` is an e-mail address or a phone number. The answer says whether the server or provider accepted it, and if not, why.',
      params: ChannelParams,
      body: SendTestMessage,
      response: { 200: TestMessageResult },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 200, body: await messaging.sendChannelTest(tx, sending, req.tenantId, req.params.channel, req.body.to, audit(req)),
    }));
    return sendWrite(reply, result);
  });

  app.get('/api/webhooks', {
    config: { access: 'automations:read' },
    schema: { tags: ['messaging'], summary: 'Webhook endpoints (names and addresses; readable by whoever edits automations)', response: { 200: z.object({ items: z.array(WebhookEndpointView) }) } },
  }, async (req) => ({ items: await messaging.webhookEndpoints(db, req.tenantId) }));

  app.post('/api/webhooks', {
    config: { access: 'messaging:manage' },
    schema: {
      tags: ['messaging'],
      summary: 'Add a webhook endpoint',
      description: 'Answers with the Standard Webhooks signing secret (`whsec_…`) once; it cannot be read again. Audited.',
      body: CreateWebhookEndpoint,
      response: { 201: CreatedWebhookEndpoint },
    },
  }, async (req, reply) => {
    const result = await req.write(
      async (tx) => ({ status: 201, body: await messaging.createWebhookEndpoint(tx, secrets, allow, req.tenantId, req.body, audit(req)) }),
      { secretFields: ['secret'] },
    );
    return sendWrite(reply, result);
  });

  app.delete('/api/webhooks/:id', {
    config: { access: 'messaging:manage' },
    schema: { tags: ['messaging'], summary: 'Remove a webhook endpoint (audited)', params: IdParams, response: { 204: NoContent.describe('Deleted') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await messaging.deleteWebhookEndpoint(tx, req.tenantId, req.params.id, audit(req));
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/messaging/policy', {
    config: { access: 'messages:read' },
    schema: { tags: ['messaging'], summary: 'Quiet hours, frequency cap and send rate', response: { 200: MessagingPolicy } },
  }, async (req) => messaging.messagingPolicy(db, req.tenantId));

  app.put('/api/messaging/policy', {
    config: { access: 'messaging:manage' },
    schema: {
      tags: ['messaging'],
      summary: 'Set quiet hours, frequency cap and send rate',
      description: 'Quiet hours are local to each customer (their time zone, else the workspace\'s) and may wrap midnight; automated messages wait until they end. The cap counts automated messages per customer over `periodHours`. Transactional messages skip both. Audited.',
      body: MessagingPolicy,
      response: { 200: MessagingPolicy },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await messaging.saveMessagingPolicy(tx, req.tenantId, req.body, audit(req)) }));
    return sendWrite(reply, result);
  });

  app.get('/api/messages', {
    config: { access: 'messages:read' },
    schema: {
      tags: ['messaging'],
      summary: 'Messages, newest first',
      description: 'Filter by `status` (queued, sending, sent, delivered, failed, dead, suppressed), `channel` and `customerId`; pass `nextCursor` back as `cursor`.',
      querystring: MessageListQuery,
      response: { 200: MessagePage },
    },
  }, async (req) => messaging.listMessages(db, req.tenantId, req.query));

  app.get('/api/messages/per-day', {
    config: { access: 'messages:read' },
    schema: {
      tags: ['messaging'],
      summary: 'Messages created per day, by status now',
      description: 'Every day of [from, to) (default: the last 30 days, at most 400) in the workspace time zone, oldest first, zero-filled.',
      querystring: MessagesPerDayQuery,
      response: { 200: MessagesPerDayView },
    },
  }, async (req) => messagesPerDay(db, req.tenantId, req.query));

  app.get('/api/messages/:id', {
    config: { access: 'messages:read' },
    schema: { tags: ['messaging'], summary: 'One message: content, origin (rule, template), attempts and why it failed or was suppressed', params: IdParams, response: { 200: MessageDetailView } },
  }, async (req) => messaging.getMessage(db, req.tenantId, req.params.id));

  app.post('/api/messages/:id/retry', {
    config: { access: 'messages:retry' },
    schema: {
      tags: ['messaging'],
      summary: 'Send a failed or dead message again now',
      description: 'Attempts start over. Any other status answers 409 `message_not_retryable`.',
      problems: [409],
      params: IdParams,
      response: { 200: MessageDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await messaging.retry(tx, req.tenantId, req.params.id) }));
    return sendWrite(reply, result);
  });

  app.get('/api/customers/:id/messages', {
    config: { access: 'messages:read' },
    schema: { tags: ['messaging'], summary: "A customer's messages, newest first", params: IdParams, querystring: CustomerMessagesQuery, response: { 200: MessagePage } },
  }, async (req) => messaging.customerMessages(db, req.tenantId, req.params.id, req.query));

  app.register(async (scope) => registerPublicMessagingRoutes(scope as unknown as App, deps));
}
