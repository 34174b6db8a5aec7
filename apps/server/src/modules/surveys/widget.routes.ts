import { AnswerRateProblem, Locale, WidgetTokenParams, WidgetAnswerBody, WidgetAnswerResult, WidgetConfigQuery, WidgetConfigView } from '@vafa/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { publicBaseUrl } from '../../platform/config.ts';
import { credentialRateLimit, rememberedCredentials } from '../../platform/http/credential-limit.ts';
import { Problem, problemBody, requestLocale } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { deviceOf, SubmissionGuard } from './response-abuse.ts';
import { hashSurveyToken, resolveSurveyToken } from './survey-token.ts';
import { sendAsset, widgetAssets } from './widget.assets.ts';
import { DEMO_CSS, DEMO_JS, demoPage } from './widget.demo.ts';
import { submitWidgetAnswer, widgetConfig } from './widget.service.ts';

/**
 * The widget as customers' sites load it:
 *   GET  /widget/v1/<hash>.js           the bundle, immutable (a new build is a new name)
 *   GET  /widget/v1.js                  a short-lived redirect to the current bundle
 *   GET  /api/public/widget/:token      the survey's widget configuration for this visitor
 *   POST /api/public/widget/:token/responses   the visitor's answers
 *   GET  /widget/demo?survey=<token>    a demo page under a strict CSP
 * Public routes carry no per-IP cap (carrier NAT puts a city behind a few addresses). Answers go
 * through the response API's abuse defences (response-abuse.ts): a device id the widget keeps in
 * localStorage and sends as X-Vafa-Device (a third-party page cannot keep our cookie), a cap per
 * device, and a proof of work only when traffic on a survey looks automated; each survey token
 * also has an overall budget, and an identified customer answers once per recontact window.
 * The budget is the token's only once it names a survey's public link (platform/http/credential-limit.ts):
 * keyed on the token as sent, a made-up token per request bought a fresh budget.
 */

const CONFIG_PER_TOKEN_PER_MINUTE = 6000;
const ANSWERS_PER_TOKEN_PER_MINUTE = 600;
/** Requests a minute per address, to each widget route, with a token that names no survey's public link. */
export const WIDGET_UNKNOWN_TOKEN_PER_ADDRESS_PER_MINUTE = 120;
const PREFLIGHT_MAX_AGE = '86400';

const publicRoute = { access: 'public', rateLimit: false } as const;

function requestOrigin(req: FastifyRequest): string | undefined {
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin !== 'null' ? origin : undefined;
}

/**
 * Readable from any page (refusals included, so the widget can tell): these answers carry no
 * credentials (the widget sends none), and which sites may embed a survey is decided by the
 * service from the Origin header, not by the browser's CORS check.
 */
async function openToPages(_req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('access-control-allow-origin', '*');
}

/**
 * The survey whose public link the request's token names, else undefined. Only for keying: the
 * route still checks the survey (published, widget enabled, origin). A token seen live is trusted
 * for a minute, so the config route's traffic does not ask twice per request. The cache and the
 * limit's key hold the token's hash and the survey's id, never the token itself.
 */
function liveWidgetSurvey(db: Executor) {
  const known = rememberedCredentials<string>();
  return async (req: FastifyRequest): Promise<string | undefined> => {
    const token = (req.params as { token?: string }).token ?? '';
    const hash = hashSurveyToken(token).toString('base64');
    const now = Date.now();
    const seen = known.get(hash, now);
    if (seen) return seen;
    const resolved = await resolveSurveyToken(db, token);
    if (resolved?.kind !== 'public') return undefined;
    known.set(hash, resolved.surveyId, now);
    return resolved.surveyId;
  };
}

export function registerWidgetRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  const ownOrigin = new URL(publicBaseUrl(deps.config)).origin;
  // The widget's own counters (each process limits what it receives, as on the response page).
  const guard = new SubmissionGuard(deps.config);
  // Built (when stale) and read while the server starts, not on the first visitor's request.
  widgetAssets().catch((error: unknown) => deps.log.error({ err: error }, 'the widget bundle could not be built'));
  const credentialOf = liveWidgetSurvey(db);
  const perToken = (name: string, perCredential: number) =>
    credentialRateLimit(app, { name, perCredential, perAddress: WIDGET_UNKNOWN_TOKEN_PER_ADDRESS_PER_MINUTE, credentialOf });

  app.get('/widget/v1/:file', { config: publicRoute, schema: { hide: true } }, async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const assets = await widgetAssets();
    // The widget itself, or its complaint form (an ES module it imports by this content-hashed name).
    const name = file === `${assets.widgetHash}.js` ? assets.manifest.widget : file === assets.manifest.complaintForm ? file : undefined;
    if (!name) return reply.callNotFound();
    // Loaded by <script> or import() on any site: readable cross-origin (also with crossorigin/SRI).
    reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
    return sendAsset(req, reply, assets.byName.get(name)!);
  });

  app.get('/widget/v1.js', { config: publicRoute, schema: { hide: true } }, async (_req, reply) => {
    const assets = await widgetAssets();
    reply.header('cache-control', 'public, max-age=300').header('cross-origin-resource-policy', 'cross-origin');
    return reply.redirect(`/widget/v1/${assets.widgetHash}.js`, 302);
  });

  app.get('/api/public/widget/:token', {
    config: publicRoute,
    onRequest: openToPages,
    preHandler: perToken('widget-config', CONFIG_PER_TOKEN_PER_MINUTE),
    schema: {
      tags: ['surveys'],
      summary: "A survey's widget configuration for one visitor (public; used by the widget script)",
      description:
        'Answers for a published, open survey whose `settings.widget.enabled` is true, asked from an origin in `settings.widget.origins` ' +
        '(any when empty): the first one or two questions in the visitor\'s language (`lang`, else the survey\'s default), triggers, ' +
        'sampling and the recontact window. With `customer` (an external customer id), `eligible` is false when that customer was asked ' +
        'anything within the workspace\'s recontact limit. 404 `widget_not_available`, 403 `widget_origin_not_allowed`. No per-IP limit; ' +
        `at most ${CONFIG_PER_TOKEN_PER_MINUTE} requests a minute per survey token; a token that names no survey, at most ` +
        `${WIDGET_UNKNOWN_TOKEN_PER_ADDRESS_PER_MINUTE} a minute per address (429).`,
      problems: [403],
      params: WidgetTokenParams,
      querystring: WidgetConfigQuery,
      response: { 200: WidgetConfigView },
    },
  }, async (req, reply) => {
    const config = await widgetConfig(db, req.params.token, req.query, requestOrigin(req), ownOrigin);
    reply.header('cache-control', 'private, max-age=60');
    return config;
  });

  // The widget posts JSON from another origin: the browser asks first.
  app.options('/api/public/widget/:token/responses', { config: { rateLimit: false }, onRequest: openToPages, schema: { hide: true } }, async (_req, reply) => {
    return reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type, x-vafa-device')
      .header('access-control-max-age', PREFLIGHT_MAX_AGE)
      .code(204)
      .send();
  });

  app.post('/api/public/widget/:token/responses', {
    config: publicRoute,
    onRequest: openToPages,
    preHandler: perToken('widget-answers', ANSWERS_PER_TOKEN_PER_MINUTE),
    schema: {
      tags: ['surveys'],
      summary: "A visitor's answers from the widget (public)",
      description:
        'One or two answers to the questions the widget asked, saved as one response on the `widget` channel (validated like every ' +
        'answer: 422 with the answer\'s code). `complete` unless a required question the visitor was shown is unanswered. With ' +
        '`customer`, the answer is that customer\'s, and a second one within the recontact limit is 409 `recontact_limit`. ' +
        'Send the `device` of an earlier answer back as `X-Vafa-Device`. 429 `too_many_answers` past a device\'s cap; 429 ' +
        '`challenge_required` carries `challenge` and `bits` when traffic looks automated: resend with `proof` = `<challenge>:<n>` where ' +
        `SHA-256 of it starts with \`bits\` zero bits. No per-IP limit; at most ${ANSWERS_PER_TOKEN_PER_MINUTE} a minute per survey token; a token ` +
        `that names no survey, at most ${WIDGET_UNKNOWN_TOKEN_PER_ADDRESS_PER_MINUTE} a minute per address.`,
      problems: [409, 422],
      params: WidgetTokenParams,
      body: WidgetAnswerBody,
      response: { 201: WidgetAnswerResult, 429: AnswerRateProblem },
    },
  }, async (req, reply) => {
    const presented = req.headers['x-vafa-device'];
    const device = deviceOf(deps.config, typeof presented === 'string' && presented.length <= 100 ? presented : undefined);
    const verdict = guard.check({ token: req.params.token, kind: 'public', device, proof: req.body.proof });
    if (!verdict.ok && verdict.reason === 'limited') {
      reply.header('retry-after', String(verdict.retryAfterSeconds));
      throw new Problem(429, 'too_many_answers');
    }
    if (!verdict.ok) {
      return reply.code(429).type('application/problem+json; charset=utf-8')
        .send({ ...problemBody(new Problem(429, 'challenge_required'), requestLocale(req), req.routeOptions.url), challenge: verdict.challenge, bits: verdict.bits });
    }
    const result = await req.write(async (tx) => ({
      status: 201,
      body: { ...(await submitWidgetAnswer(tx, req.params.token, req.body, requestOrigin(req), ownOrigin, device.hash)), device: device.cookie },
    }));
    return sendWrite(reply, result);
  });

  app.get('/widget/demo', {
    config: publicRoute,
    schema: {
      hide: true,
      querystring: z.strictObject({
        survey: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
        /** a workspace's slug: the page offers its complaint form (data-complaints) */
        complaints: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/).optional(),
        lang: Locale.optional(),
        customer: z.string().max(200).optional(),
        /** `1`: the page's own script adds the widget's tag (as a tag manager would), under 'strict-dynamic' */
        inject: z.enum(['1']).optional(),
      }),
    },
  }, async (req, reply) => {
    if (!req.query.survey && !req.query.complaints) throw new Problem(400, 'validation_failed');
    const assets = await widgetAssets();
    const { html, csp } = demoPage({
      locale: req.query.lang ?? req.locale,
      surveyToken: req.query.survey,
      complaints: req.query.complaints,
      widgetUrl: `${ownOrigin}/widget/v1/${assets.widgetHash}.js`,
      widgetOrigin: ownOrigin,
      customer: req.query.customer,
      inject: req.query.inject === '1',
    });
    return reply.header('content-security-policy', csp).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  });

  app.get('/widget/demo.css', { config: publicRoute, schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('text/css; charset=utf-8').send(DEMO_CSS));
  app.get('/widget/demo.js', { config: publicRoute, schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('text/javascript; charset=utf-8').send(DEMO_JS));
}
