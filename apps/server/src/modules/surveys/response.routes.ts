import { and, eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AnswerRateProblem, IdParams, PublicAnswerResult, PublicAnswerSubmission, PublicSurveyQuery, PublicSurveyView, ResponseListQuery, SurveyDefinition,
  SurveyPreviewQuery, SurveyResponseDetail, SurveyResponsePage, SurveyResponseParams, SurveyTokenParams,
} from '@vafa/contracts';
import { Problem, problemBody, requestLocale } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { deleteSurveyResponse, getSurveyResponse, listSurveyResponses } from './response-admin.service.ts';
import { deviceOf, SubmissionGuard } from './response-abuse.ts';
import { loadPageAssets } from './response-assets.ts';
import { LinkReader } from './response-links.ts';
import { renderPreview } from './response-page.ts';
import { DEVICE_COOKIE, keepDevice, registerResponsePageRoutes, sendPage } from './response-page.routes.ts';
import { currentResponse, linkChannel, linkState, respondentLocale } from './response-public.ts';
import { ResponseCoalescer } from './response.coalescer.ts';
import { groupable, openAnswerLink, saveResponse, type AnswerSubmission } from './response.service.ts';
import type { LiveSurvey } from './survey-version.ts';
import { surveys } from './survey.schema.ts';

/**
 * Answering (the page at /s/:token, its JSON twin under /api/public/surveys/:token) and reading
 * answers (the responses screen, the builder's preview). Public routes carry no per-IP limit:
 * the abuse defences are per token and per device (response-abuse.ts).
 */
export function registerResponseRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  const links = new LinkReader(db);
  /** The link a respondent may answer through: 404 unknown, 410 expired or closed. */
  const answerableLink = async (token: string) => {
    const link = await openAnswerLink(db, token, links.read);
    if (!link) throw new Problem(404, 'survey_not_found');
    const state = linkState(link);
    if (state === 'expired') throw new Problem(410, 'invitation_expired');
    if (state === 'closed') throw new Problem(410, 'survey_closed');
    return link;
  };
  /** The respondent's device: the cookie on our own pages, the `X-Vafa-Device` header from a widget or app; renewed on the reply. */
  const respondentDevice = (req: FastifyRequest, reply: FastifyReply) => {
    const device = deviceOf(deps.config, req.cookies[DEVICE_COOKIE] ?? headerDevice(req.headers['x-vafa-device']));
    keepDevice(deps, req, reply, device);
    return device;
  };
  const guard = new SubmissionGuard(deps.config);
  const assets = loadPageAssets();
  const coalescer = new ResponseCoalescer(deps.database);
  /** A new complete answer is written in a group with others arriving at once; anything else by itself. */
  const save = (input: AnswerSubmission, live: LiveSurvey) => (groupable(input, live) ? coalescer.save(input, live) : db.transaction((tx) => saveResponse(tx, input)));
  registerResponsePageRoutes(app, { deps, guard, assets, save, readLink: links.read });

  app.get('/api/public/surveys/:token', {
    config: { access: 'public', rateLimit: false },
    schema: {
      tags: ['survey responses'],
      summary: 'A survey as its respondent sees it (public link or personal invitation token)',
      description: 'The questions in every language of the survey and the language picked for this respondent (`lang`, else Accept-Language, else the survey\'s default), the response this device or invitation already has, and a proof-of-work challenge when traffic on this link looks automated. A widget on another site keeps `device` and sends it back as `X-Vafa-Device`. Closed and expired surveys answer 410.',
      problems: [410],
      params: SurveyTokenParams,
      querystring: PublicSurveyQuery,
      response: { 200: PublicSurveyView },
    },
  }, async (req, reply) => {
    const link = await answerableLink(req.params.token);
    const device = respondentDevice(req, reply);
    const current = await currentResponse(db, link, device.hash, req.query.response);
    const { definition } = link.live;
    const challenge = !current && link.resolved.kind === 'public' && guard.looksAutomated(link.token, { ...device, known: true })
      ? { value: guard.challenge(link.token), bits: guard.limits.bits } : null;
    reply.header('cache-control', 'no-store');
    return {
      id: link.live.id,
      name: definition.name,
      status: link.live.status,
      language: respondentLocale(link, req.query.lang, req.headers['accept-language']),
      languages: definition.settings.languages,
      anonymous: definition.settings.anonymous,
      hiddenFields: definition.settings.hiddenFields,
      thankYou: definition.settings.thankYou ?? null,
      questions: definition.questions,
      response: current ? { id: current.row.id, status: current.row.status as 'partial' | 'complete', answers: current.answers, step: current.row.step } : null,
      challenge,
      device: device.cookie,
    };
  });

  app.post('/api/public/surveys/:token/responses', {
    config: { access: 'public', rateLimit: false },
    schema: {
      tags: ['survey responses'],
      summary: 'Answer a survey (a step, or the whole of it)',
      description: 'Saves answers against the live version. `complete: false` saves a step (resumable with `responseId` from the same device or invitation); `complete: true` checks required questions and counts the response. 422 names the refused answer (`answer_out_of_range`, `answer_not_integer`, `unknown_question`, `required_answer_missing`, …); 409 `already_answered` for a used invitation; 410 when closed or expired; 429 `challenge_required` carries `challenge` and `bits`: send `proof` = `<challenge>:<n>` where SHA-256 of it starts with `bits` zero bits. An Idempotency-Key makes a retried first submission return the first result.',
      problems: [409, 410, 422],
      idempotencyKey: 'optional',
      params: SurveyTokenParams,
      body: PublicAnswerSubmission,
      response: { 200: PublicAnswerResult, 201: PublicAnswerResult, 429: AnswerRateProblem },
    },
  }, async (req, reply) => {
    const link = await answerableLink(req.params.token);
    const device = respondentDevice(req, reply);
    const body = req.body;
    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : undefined;
    if (idempotencyKey !== undefined && !/^[\x21-\x7E]{1,200}$/.test(idempotencyKey)) throw new Problem(400, 'idempotency_key_invalid');
    if (!body.responseId) {
      const verdict = guard.check({ token: link.token, kind: link.resolved.kind, device, proof: body.proof });
      if (!verdict.ok && verdict.reason === 'limited') {
        reply.header('retry-after', String(verdict.retryAfterSeconds));
        throw new Problem(429, 'too_many_answers');
      }
      if (!verdict.ok) {
        const problem = new Problem(429, 'challenge_required');
        return reply.code(429).type('application/problem+json; charset=utf-8')
          .send({ ...problemBody(problem, requestLocale(req), req.routeOptions.url), challenge: verdict.challenge, bits: verdict.bits });
      }
    }
    const locale = body.locale && (link.live.definition.settings.languages as string[]).includes(body.locale) ? body.locale : respondentLocale(link, undefined, req.headers['accept-language']);
    const saved = await save({
      tenantId: link.resolved.tenantId, surveyId: link.resolved.surveyId, channel: link.invitation ? linkChannel(link) : 'api',
      locale, answers: body.answers, complete: body.complete, ...(body.hidden ? { hidden: body.hidden } : {}),
      ...(body.responseId ? { responseId: body.responseId } : {}),
      ...(link.invitation ? { invitationId: link.invitation.id } : {}),
      ...(idempotencyKey && !body.responseId ? { clientRef: `idempotency:${idempotencyKey}` } : {}),
      deviceHash: device.hash, ...(body.step !== undefined ? { step: body.step } : {}),
    }, link.live);
    if (!saved.created && idempotencyKey && !body.responseId) reply.header('idempotent-replayed', 'true');
    return reply.code(saved.created || (idempotencyKey && !body.responseId) ? 201 : 200).header('cache-control', 'no-store')
      .send({ responseId: saved.responseId, status: saved.status, device: device.cookie });
  });

  app.get('/api/surveys/:id/responses', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['survey responses'],
      summary: "A survey's responses, newest first",
      description: 'Complete responses by submission time (or partial ones by start time) with their answers. Filters: `channel`, a score range on `question` (default: the first scored question), `hasText`, `tag` (responses given that tag), `segmentId` (the customer was in the segment when the response completed, as the results count it), `stage` (the survey\'s journey stage, `none` for none) and `from`/`to` (days of the workspace\'s time zone, inclusive, as the results; 400 `invalid_period` for a day that does not exist or a reversed period). Pass `nextCursor` back as `cursor`.',
      params: IdParams,
      querystring: ResponseListQuery,
      response: { 200: SurveyResponsePage },
    },
  }, async (req) => listSurveyResponses(db, req.tenantId, req.params.id, req.query));

  app.get('/api/surveys/:id/responses/:responseId', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['survey responses'],
      summary: 'One response, with the questions of the version it answered',
      params: SurveyResponseParams,
      response: { 200: SurveyResponseDetail },
    },
  }, async (req) => getSurveyResponse(db, req.tenantId, req.params.id, req.params.responseId));

  app.delete('/api/surveys/:id/responses/:responseId', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['survey responses'],
      summary: 'Delete a response',
      description: 'Its answers are taken out of the results (rollups) in the same transaction. Audited.',
      params: SurveyResponseParams,
      response: { 204: z.null().describe('Deleted') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await deleteSurveyResponse(tx, req.tenantId, req.actor!, req.params.id, req.params.responseId);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/surveys/:id/preview', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['surveys'],
      summary: 'The draft as respondents would see it (HTML)',
      description: 'Every question of the draft on one page, rendered by the response page\'s own renderer, in `lang` (default: the survey\'s default language). Nothing is saved; for the builder\'s phone and desktop frames.',
      params: IdParams,
      querystring: SurveyPreviewQuery,
      produces: ['text/html'],
    },
  }, async (req, reply) => {
    const [row] = await db.select({ draft: surveys.draft }).from(surveys).where(and(eq(surveys.tenantId, req.tenantId), eq(surveys.id, req.params.id)));
    if (!row) throw new Problem(404, 'not_found');
    const parsed = SurveyDefinition.safeParse(row.draft);
    if (!parsed.success) throw new Problem(422, 'validation_failed');
    const definition = parsed.data;
    const locale = req.query.lang ?? definition.settings.defaultLanguage;
    return sendPage(req, reply, 200, renderPreview({
      locale, languages: definition.settings.languages, path: `/api/surveys/${req.params.id}/preview`, assets: assets.urls, title: definition.name,
    }, definition), { frameable: true });
  });

}

function headerDevice(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length <= 100 ? value : undefined;
}
