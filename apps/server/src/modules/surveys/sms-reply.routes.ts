import { SmsHookParams } from '@vafa/contracts';
import { z } from 'zod';
import { publicBaseUrl } from '../../platform/config.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { providerHookLimit } from '../../platform/messaging/provider-hooks.ts';
import { receiveSmsReply } from './sms-reply.service.ts';

/** Form fields as providers post them: small, flat, no NUL. */
const FormBody = z.record(z.string().max(200), z.string().max(4000)).optional();

/** Twilio reads the answer as TwiML: an empty one sends nothing back to the customer. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** What a provider other than Twilio is answered: whether the reply answered an invitation. */
const SmsReplyReceipt = z.strictObject({ recorded: z.boolean() });

/**
 * Customers' SMS replies, forwarded by the workspace's provider. An encapsulated scope: only here
 * (and in messaging's public scope) is `application/x-www-form-urlencoded` parsed.
 */
export function registerSmsReplyRoutes(scope: App, deps: ModuleDeps): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const text = String(body);
    if (text.includes('\0') || /%00/.test(text)) return done(new Problem(400, 'validation_failed', {}, [{ field: 'body', code: 'nul_character', message: 'NUL characters are not allowed' }]), undefined);
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });

  scope.post('/hooks/sms/:provider/:token/inbound', {
    config: { access: 'public', rateLimit: false },
    preHandler: providerHookLimit(scope),
    schema: {
      tags: ['surveys'],
      summary: "A customer's SMS reply, forwarded by the provider",
      operationId: 'receiveSmsReply',
      consumes: ['application/x-www-form-urlencoded'],
      description: 'The inbound URL of GET /api/survey-policy/sms-inbound. Kavenegar posts `from`, `to`, `message`, `messageid`; Twilio `From`, `To`, `Body`, `MessageSid`, signed with X-Twilio-Signature. A reply that is a number (any digits: ۹, ٩, 9) from the phone of a customer with an unanswered SMS invitation answers its first question. Answered 200 whether or not it was recorded (an empty TwiML `<Response/>` as text/xml for Twilio, JSON for others), so the provider does not resend. ' +
        '403 `invalid_signature` for a Twilio post not signed with the workspace\'s auth token; 404 when the token or provider names no workspace\'s SMS channel; 400 for a post that is not an incoming SMS.',
      params: SmsHookParams,
      body: FormBody,
      problems: [403],
      // Twilio's answer is TwiML; the document's text/xml body is a string (platform/http/openapi.ts).
      produces: ['application/json', 'text/xml'],
      response: { 200: SmsReplyReceipt },
    },
  }, async (req, reply) => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) if (typeof value === 'string') params[key] = value;
    Object.assign(params, req.body ?? {});
    const url = `${publicBaseUrl(deps.config)}${req.url}`;
    const outcome = await receiveSmsReply(deps.database, deps.config, req.params.provider, req.params.token, { url, headers: req.headers, params });
    if (!outcome.recorded) req.log.info({ reason: outcome.reason }, 'sms reply not recorded');
    // A string with its own content type goes out as is, past the JSON serializer; the type provider knows only the JSON answer.
    if (req.params.provider === 'twilio') return reply.code(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML as never);
    return reply.code(200).send({ recorded: outcome.recorded });
  });
}
