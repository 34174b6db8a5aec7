import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AnswerValue, Locale, Question } from '@vafa/contracts';
import { isLocale, negotiateLocale } from '../../platform/i18n/locale.ts';
import { localise } from '../../platform/i18n/messages.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { deviceOf, type Device, type SubmissionGuard } from './response-abuse.ts';
import type { Asset } from './response-assets.ts';
import { answerFromForm, parseForm, type FormBody } from './response-form.ts';
import { checkAnswer } from './response.validate.ts';
import { pick, renderMessage, renderStep, type MessageKind, type PageAssets, type PageFrame } from './response-page.ts';
import { currentResponse, linkChannel, linkState, resumeIndex, respondentLocale, shownQuestions, type CurrentResponse, type OpenedLink } from './response-public.ts';
import * as repo from './response.repo.ts';
import { openAnswerLink, type AnswerSubmission, type SavedResponse } from './response.service.ts';
import { liveSurvey, type LiveSurvey } from './survey-version.ts';

export const DEVICE_COOKIE = 'vafa_device';
const RESPONSE_COOKIE = 'vafa_r';
const YEAR_SECONDS = 365 * 24 * 3600;

// The page's policy: its own CSS and script files only, forms posted to itself, never framed.
const PAGE_CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const TokenParams = z.strictObject({ token: z.string().min(1).max(64) });
const AssetParams = z.strictObject({ file: z.string().min(1).max(64) });
/** lang, score, step, edit, done, and the survey's hidden fields (any other name is ignored). */
const PageQuery = z.record(z.string().max(60), z.union([z.string().max(500), z.array(z.string().max(500)).max(5)]))
  .refine((q) => Object.keys(q).length <= 40, { message: 'too many parameters' });
/** A step's form; read by response-form.ts. */
const FormSchema = z.record(z.string().max(80), z.union([z.string().max(20_000), z.array(z.string().max(2000)).max(40)]));

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export interface PageDeps {
  deps: ModuleDeps;
  guard: SubmissionGuard;
  assets: { urls: PageAssets; byName: Map<string, Asset> };
  /** saves a submission: a new complete answer in a group (response.coalescer.ts), anything else by itself */
  save(input: AnswerSubmission, live: LiveSurvey): Promise<SavedResponse>;
  /** reads a link's row by its token's hash, with the other requests' at the time (response-links.ts) */
  readLink(tokenHash: Buffer): Promise<repo.LinkRow | undefined>;
}

function sendPage(request: FastifyRequest, reply: FastifyReply, status: number, html: string, options: { frameable?: boolean } = {}): FastifyReply {
  reply.code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', options.frameable ? PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'") : PAGE_CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', options.frameable ? 'SAMEORIGIN' : 'DENY')
    .header('vary', 'accept-encoding, accept-language, cookie');
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(gzipSync(html, { level: 6 }));
  }
  return reply.send(html);
}

export { sendPage };

const secureCookie = (deps: ModuleDeps, request: FastifyRequest) => (deps.config.cookieSecure === 'auto' ? request.protocol === 'https' : deps.config.cookieSecure);

/** The device cookie, set when it was minted on this request. */
export function keepDevice(deps: ModuleDeps, request: FastifyRequest, reply: FastifyReply, device: Device): void {
  if (device.known) return;
  reply.setCookie(DEVICE_COOKIE, device.cookie, { httpOnly: true, sameSite: 'lax', secure: secureCookie(deps, request), path: '/', maxAge: YEAR_SECONDS });
}

function rememberResponse(deps: ModuleDeps, request: FastifyRequest, reply: FastifyReply, token: string, responseId: string): void {
  reply.setCookie(RESPONSE_COOKIE, responseId, { httpOnly: true, sameSite: 'lax', secure: secureCookie(deps, request), path: `/s/${token}`, maxAge: 30 * 24 * 3600 });
}

function queryString(values: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(values).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** Values of the survey's declared hidden fields, from the link's query or the form's `h_` fields. */
function hiddenFrom(link: OpenedLink, source: Record<string, string | string[] | undefined>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of link.live.definition.settings.hiddenFields) {
    const value = first(source[prefix + name]);
    if (value) out[name] = value.slice(0, 200);
  }
  return out;
}

/** A step's answers still to be saved together with the next one (see the note in the POST handler). */
function carried(form: FormBody): Record<string, AnswerValue> {
  const raw = first(form.carry);
  if (!raw || raw.length > 20_000) return {};
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, AnswerValue>) : {};
  } catch {
    return {};
  }
}

export function registerResponsePageRoutes(app: App, { deps, guard, assets, save, readLink }: PageDeps): void {
  const { db } = deps.database;

  const frameOf = (link: OpenedLink | undefined, locale: Locale, keep?: Record<string, string>): PageFrame => ({
    locale,
    languages: link ? link.live.definition.settings.languages : [locale],
    path: link ? `/s/${link.token}` : '/s',
    ...(keep ? { keep } : {}),
    assets: assets.urls,
    title: link?.live.definition.name ?? 'Vafa',
  });

  const message = (request: FastifyRequest, reply: FastifyReply, status: number, link: OpenedLink | undefined, locale: Locale, kind: MessageKind, editHref?: string) => {
    const body = kind === 'thanks' ? link?.live.definition.settings.thankYou : undefined;
    // The language switch of the thank-you page stays on it.
    return sendPage(request, reply, status, renderMessage(frameOf(link, locale, kind === 'thanks' ? { done: '1' } : undefined), kind, { ...(body ? { body } : {}), ...(link ? { fallback: link.live.definition.settings.defaultLanguage } : {}), ...(editHref ? { editHref } : {}) }));
  };

  /** What a refused save shows: the page for the survey's state, or null for an answer to fix. */
  const stateForProblem = (problem: Problem): { status: number; kind: MessageKind } | null => {
    switch (problem.code) {
      case 'already_answered': return { status: 409, kind: 'answered' };
      case 'survey_closed': return { status: 410, kind: 'closed' };
      case 'invitation_expired': return { status: 410, kind: 'expired' };
      case 'quota_reached': return { status: 409, kind: 'quota' };
      case 'survey_not_found':
      case 'invitation_not_found': return { status: 404, kind: 'notFound' };
      default: return null;
    }
  };

  interface StepOptions {
    link: OpenedLink;
    locale: Locale;
    questions: Question[];
    current: CurrentResponse | undefined;
    answers: Record<string, AnswerValue>;
    index: number;
    hidden: Record<string, string>;
    status?: number;
    error?: string;
    challenge?: { value: string; bits: number };
    carry?: Record<string, AnswerValue>;
    editing: boolean;
    /** the e-mail's one-click: the page's script sends the chosen score at once (see oneClick) */
    sendNow?: boolean;
  }

  /** A refusal in the respondent's words, naming the question by its title rather than its id. */
  const explain = (problem: Problem, link: OpenedLink, locale: Locale, questions: Question[]) => {
    const id = problem.fieldErrors[0]?.field.replace(/^answers\./, '');
    const title = pick(questions.find((q) => q.id === id)?.title, locale, link.live.definition.settings.defaultLanguage).text;
    return localise(problem.code, locale, { ...problem.params, question: title || String(problem.params.question ?? '') });
  };

  const step = (request: FastifyRequest, reply: FastifyReply, o: StepOptions) => {
    const shown = shownQuestions(o.questions, o.answers);
    const index = Math.max(0, Math.min(o.index, shown.length - 1));
    const question = shown[index]!;
    const keep = { step: String(index), ...(o.editing ? { edit: '1' } : {}) };
    const back = index > 0 ? `/s/${o.link.token}${queryString({ lang: o.locale, step: index - 1, edit: o.editing ? '1' : undefined })}` : undefined;
    let html = renderStep({
      frame: frameOf(o.link, o.locale, keep),
      fallback: o.link.live.definition.settings.defaultLanguage,
      question, index, total: shown.length, answer: o.answers[question.id], hidden: o.hidden,
      ...(o.error ? { error: o.error } : {}),
      ...(o.current ? { responseId: o.current.row.id } : {}),
      ...(o.challenge ? { challenge: o.challenge } : {}),
      ...(back ? { backHref: back } : {}),
    });
    if (o.carry && Object.keys(o.carry).length > 0) {
      const input = `<input type="hidden" name="carry" value="${JSON.stringify(o.carry).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">`;
      html = html.replace('<input type="hidden" name="pow"', `${input}<input type="hidden" name="pow"`);
    }
    if (o.editing) html = html.replace('<input type="hidden" name="pow"', '<input type="hidden" name="edit" value="1"><input type="hidden" name="pow"');
    if (o.sendNow) html = html.replace('<form method="post"', '<form data-send-now method="post"').replace('<input type="hidden" name="pow"', '<input type="hidden" name="oneclick" value="1"><input type="hidden" name="pow"');
    return sendPage(request, reply, o.status ?? 200, html);
  };

  app.get('/s/assets/:file', {
    config: { access: 'public', rateLimit: false },
    schema: { hide: true, params: AssetParams },
  }, async (req, reply) => {
    const asset = assets.byName.get(req.params.file);
    if (!asset) throw new Problem(404, 'not_found');
    reply.header('content-type', asset.type).header('cache-control', 'public, max-age=31536000, immutable').header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
    return reply.send(asset.body);
  });

  /**
   * Opens the link: the survey, the device, the language. Answers with a page (and null) when
   * the link cannot be answered.
   */
  const open = async (req: FastifyRequest, reply: FastifyReply, token: string, asked: string | undefined) => {
    const link = await openAnswerLink(db, token, readLink);
    if (!link) {
      const locale = asked && isLocale(asked) ? asked : negotiateLocale(req.headers['accept-language'], 'fa');
      return { page: message(req, reply, 404, undefined, locale, 'notFound') };
    }
    const locale = respondentLocale(link, asked, req.headers['accept-language']);
    const device = deviceOf(deps.config, req.cookies[DEVICE_COOKIE]);
    keepDevice(deps, req, reply, device);
    return { link, locale, device };
  };

  /** A proof of work for the page to solve before it sends, when a new answer to a public link comes in a flood. */
  const floodChallenge = (link: OpenedLink, device: Device, current: CurrentResponse | undefined) =>
    !current && link.resolved.kind === 'public' && guard.looksAutomated(link.token, { ...device, known: true })
      ? { value: guard.challenge(link.token), bits: guard.limits.bits } : undefined;

  app.get('/s/:token', {
    config: { access: 'public', rateLimit: false },
    schema: { hide: true, params: TokenParams, querystring: PageQuery },
  }, async (req, reply) => {
    const q = req.query;
    const opened = await open(req, reply, req.params.token, first(q.lang));
    if ('page' in opened) return opened.page;
    const { link, locale, device } = opened;
    if (first(q.done)) return message(req, reply, 200, link, locale, 'thanks');
    const state = linkState(link);
    if (state === 'expired') return message(req, reply, 410, link, locale, 'expired');
    if (state === 'closed') return message(req, reply, 410, link, locale, link.live.closedReason === 'quota' ? 'quota' : 'closed');
    if (link.invitation && !link.invitation.respondedAt) await repo.markInvitationOpened(db, link.resolved.tenantId, link.invitation.id);

    const current = await currentResponse(db, link, device.hash, req.cookies[RESPONSE_COOKIE]);
    const editing = Boolean(first(q.edit)) && current?.row.status === 'complete';
    if (current?.row.status === 'complete' && !editing && first(q.score) === undefined) {
      return message(req, reply, 200, link, locale, 'answered', `/s/${link.token}${queryString({ lang: locale, edit: '1' })}`);
    }
    if (!current && link.invitation?.respondedAt) return message(req, reply, 200, link, locale, 'answered');
    const version = current && current.row.version !== link.live.version ? await liveSurvey(db, link.resolved.tenantId, link.resolved.surveyId, current.row.version) : link.live;
    const questions = (version ?? link.live).definition.questions;
    const answers = current?.answers ?? {};
    const hidden = hiddenFrom(link, q);

    const score = first(q.score);
    if (score !== undefined && questions[0] && ['nps', 'enps', 'csat', 'ces', 'rating'].includes(questions[0].type)) {
      return oneClick(req, reply, { link, locale, device, current, questions, answers, hidden, score, editing: current?.row.status === 'complete' });
    }
    const shown = shownQuestions(questions, answers);
    const resume = editing ? shown.length - 1 : resumeIndex(shown, answers);
    const asked = Number.parseInt(first(q.step) ?? '', 10);
    const index = Number.isInteger(asked) && asked >= 0 ? Math.min(asked, resume) : resume;
    const challenge = floodChallenge(link, device, current);
    return step(req, reply, { link, locale, questions, current, answers, index, hidden, editing, ...(challenge ? { challenge } : {}) });
  });

  /**
   * The e-mail's one-click link (`?score=N`): the first question shown with that score chosen,
   * which the page's script sends at once as a form post; without script the respondent presses
   * Send. The GET itself saves nothing: mail scanners (Safe Links, Proofpoint) and link previews
   * fetch every link in a mail, and a fetched 0 must not become a detractor and a follow-up.
   */
  const oneClick = (req: FastifyRequest, reply: FastifyReply, o: {
    link: OpenedLink; locale: Locale; device: Device; current: CurrentResponse | undefined; questions: Question[];
    answers: Record<string, AnswerValue>; hidden: Record<string, string>; score: string; editing: boolean;
  }) => {
    const question = o.questions[0]!;
    const given = answerFromForm(question, { [question.id]: o.score });
    // A score the scale lacks (a hand-edited link) is not chosen: the respondent picks one.
    const chosen = given && 'value' in checkAnswer(question, given) ? given : undefined;
    const answers = chosen ? { ...o.answers, [question.id]: chosen } : o.answers;
    // A public link clicked in a flood: the script solves the proof of work before it sends.
    const challenge = floodChallenge(o.link, o.device, o.current);
    return step(req, reply, { ...o, answers, index: 0, sendNow: chosen !== undefined, ...(challenge ? { challenge } : {}) });
  };

  /** Whether the one-click's score completes the response: when nothing required is left after it. */
  const oneClickCompletes = (questions: Question[], answers: Record<string, AnswerValue>) =>
    !shownQuestions(questions, answers).some((q, i) => i > 0 && q.required && answers[q.id] === undefined);

  app.register(async (scope) => {
    // Forms post application/x-www-form-urlencoded; only these routes read it.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => {
      done(null, parseForm(body as string));
    });

    (scope as unknown as App).post('/s/:token', {
      config: { access: 'public', rateLimit: false },
      schema: { hide: true, params: TokenParams, querystring: PageQuery, body: FormSchema },
    }, async (req, reply) => {
      const form = req.body as FormBody;
      const opened = await open(req, reply, req.params.token, first(req.query.lang) ?? first(form.lang));
      if ('page' in opened) return opened.page;
      const { link, locale, device } = opened;
      // People never fill the hidden field; a bot that did is thanked and forgotten.
      if (first(form.website)) return reply.code(303).header('location', `/s/${link.token}${queryString({ lang: locale, done: '1' })}`).send();
      const state = linkState(link);
      if (state !== 'open') return message(req, reply, 410, link, locale, state === 'expired' ? 'expired' : link.live.closedReason === 'quota' ? 'quota' : 'closed');

      const current = await currentResponse(db, link, device.hash, req.cookies[RESPONSE_COOKIE]);
      const version = current && current.row.version !== link.live.version ? await liveSurvey(db, link.resolved.tenantId, link.resolved.surveyId, current.row.version) : link.live;
      const questions = (version ?? link.live).definition.questions;
      const question = questions.find((q) => q.id === first(form.q));
      if (!question) return message(req, reply, 400, link, locale, 'notFound');
      const editing = current?.row.status === 'complete';
      if (editing && !first(form.edit)) return message(req, reply, 409, link, locale, 'answered', `/s/${link.token}${queryString({ lang: locale, edit: '1' })}`);
      const hidden = { ...hiddenFrom(link, form, 'h_') };
      const given = { ...carried(form), [question.id]: answerFromForm(question, form) ?? { skipped: true as const } };
      const before = current?.answers ?? {};
      const answers = { ...before, ...given };
      const shown = shownQuestions(questions, answers);
      const index = shown.findIndex((q) => q.id === question.id);
      // The e-mail's one-click score counts at once when nothing required follows it, even if the rest is left.
      const oneClickSent = Boolean(first(form.oneclick)) && index === 0;
      const complete = index === shown.length - 1 || editing || (oneClickSent && oneClickCompletes(questions, answers));
      const base = { link, locale, questions, current, hidden, editing, sendNow: oneClickSent };

      if (!current && link.resolved.kind === 'public') {
        const verdict = guard.check({ token: link.token, kind: 'public', device, proof: first(form.pow) });
        if (!verdict.ok && verdict.reason === 'limited') return message(req, reply, 429, link, locale, 'limited');
        if (!verdict.ok) return step(req, reply, { ...base, answers, index: Math.max(0, index), status: 429, challenge: { value: verdict.challenge, bits: verdict.bits }, carry: given });
      } else if (link.resolved.kind === 'invitation') {
        const verdict = guard.check({ token: link.token, kind: 'invitation', device });
        if (!verdict.ok) return message(req, reply, 429, link, locale, 'limited');
      }

      try {
        const saved = await save({
          tenantId: link.resolved.tenantId, surveyId: link.resolved.surveyId, channel: linkChannel(link), locale, answers: given, hidden, complete,
          ...(current ? { responseId: current.row.id } : {}),
          ...(link.invitation ? { invitationId: link.invitation.id } : {}),
          deviceHash: device.hash, step: index + 1,
        }, link.live);
        rememberResponse(deps, req, reply, link.token, saved.responseId);
        const next = saved.status === 'complete' && (index === shown.length - 1 || (complete && !oneClickSent))
          ? queryString({ lang: locale, done: '1' })
          : queryString({ lang: locale, step: index + 1, edit: editing || saved.status === 'complete' ? '1' : undefined });
        return reply.code(303).header('location', `/s/${link.token}${next}`).header('cache-control', 'no-store').send();
      } catch (error) {
        if (!(error instanceof Problem)) throw error;
        const state2 = stateForProblem(error);
        if (state2) return message(req, reply, state2.status, link, locale, state2.kind);
        if (error.code === 'response_not_found') {
          reply.clearCookie(RESPONSE_COOKIE, { path: `/s/${link.token}` });
          return reply.code(303).header('location', `/s/${link.token}${queryString({ lang: locale })}`).send();
        }
        // The answer to fix may be another question's (a required one passed over): show that
        // one, and carry what was given now so it is saved with it.
        const field = error.fieldErrors[0]?.field.replace(/^answers\./, '');
        const at = shownQuestions(questions, answers).findIndex((q) => q.id === field);
        const target = at >= 0 ? at : Math.max(0, index);
        const carry = at >= 0 && field !== question.id ? given : Object.fromEntries(Object.entries(given).filter(([id]) => id !== field));
        // Shown to be fixed by hand: never sent again by the one-click's script.
        return step(req, reply, { ...base, sendNow: false, answers, index: target, status: error.status, error: explain(error, link, locale, questions), carry });
      }
    });
  });
}
