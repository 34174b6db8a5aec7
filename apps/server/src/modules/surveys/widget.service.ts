import type { Locale, SurveyDefinition, WidgetAnswerBody, WidgetConfigView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { resolveCustomer } from '../customers/index.ts';
import { saveResponse, surveyOpen } from './response.service.ts';
import { missingRequired } from './response.validate.ts';
import { claimContacts, contactedSince, recontactCutoff, surveyPolicy } from './survey-policy.ts';
import { resolveSurveyToken } from './survey-token.ts';
import { liveSurvey, type LiveSurvey } from './survey-version.ts';
import { directionOf, leadingQuestions, presentQuestion, visitorLocale, widgetTexts } from './widget.present.ts';

/**
 * The widget's server side: its configuration for a page (the survey's first one or two
 * questions in the visitor's language, triggers, sampling, recontact) and its answers. A survey
 * shows in a widget only when published, open, `settings.widget.enabled`, and asked from an
 * origin it allows. The public token is a published address, not a credential: what it opens is
 * limited to those two calls.
 */

interface WidgetSurvey {
  tenantId: string;
  surveyId: string;
  live: LiveSurvey;
  definition: SurveyDefinition;
}

/** `https://shop.example`, `https://shop.example/` and `https://*.shop.example` allow pages on those origins. */
export function originAllowed(allowed: string[], origin: string | undefined, ownOrigin: string): boolean {
  // No Origin: not a cross-site browser request (our own demo page, a server). A browser on
  // another site always sends one with fetch, so the list still binds embedding sites.
  if (!origin || origin === ownOrigin || allowed.length === 0) return true;
  let asked: URL;
  try {
    asked = new URL(origin);
  } catch {
    return false;
  }
  return allowed.some((entry) => {
    const wildcard = /^(https?):\/\/\*\.([^/]+?)\/?$/i.exec(entry.trim());
    if (wildcard) return asked.protocol === `${wildcard[1]!.toLowerCase()}:` && asked.host.endsWith(`.${wildcard[2]!.toLowerCase()}`);
    try {
      return new URL(entry.trim()).origin === asked.origin;
    } catch {
      return false;
    }
  });
}

async function widgetSurvey(db: Executor, token: string, origin: string | undefined, ownOrigin: string, requireOpen: boolean): Promise<WidgetSurvey> {
  const resolved = await resolveSurveyToken(db, token);
  if (!resolved || resolved.kind !== 'public') throw new Problem(404, 'widget_not_available');
  const live = await liveSurvey(db, resolved.tenantId, resolved.surveyId);
  const widget = live?.definition.settings.widget;
  if (!live || !widget?.enabled || leadingQuestions(live.definition).length === 0) throw new Problem(404, 'widget_not_available');
  if (requireOpen && !surveyOpen(live)) throw new Problem(404, 'widget_not_available');
  if (!originAllowed(widget.origins, origin, ownOrigin)) throw new Problem(403, 'widget_origin_not_allowed');
  return { tenantId: resolved.tenantId, surveyId: resolved.surveyId, live, definition: live.definition };
}

/** The customer a page names by external id, if this workspace has them (an unknown id is an anonymous visitor). */
async function identifiedCustomer(db: Executor, tenantId: string, externalId: string | undefined): Promise<string | undefined> {
  if (!externalId) return undefined;
  try {
    return (await resolveCustomer(db, tenantId, { externalId }, { createIfMissing: false })).id;
  } catch (error) {
    if (error instanceof Problem && error.status < 500) return undefined;
    throw error;
  }
}

/** Which allowed origin to name in Access-Control-Allow-Origin (undefined: none, same-origin or not a browser). */
export async function widgetConfig(
  db: Executor,
  token: string,
  query: { lang?: string; customer?: string },
  origin: string | undefined,
  ownOrigin: string,
  now = new Date(),
): Promise<WidgetConfigView> {
  const survey = await widgetSurvey(db, token, origin, ownOrigin, true);
  const { definition } = survey;
  const widget = definition.settings.widget!;
  const locale = visitorLocale(definition, query.lang);
  const policy = await surveyPolicy(db, survey.tenantId);
  let eligible = true;
  if (!definition.settings.anonymous) {
    const customerId = await identifiedCustomer(db, survey.tenantId, query.customer);
    if (customerId) eligible = !(await contactedSince(db, survey.tenantId, customerId, recontactCutoff(policy, now)));
  }
  return {
    version: survey.live.version,
    locale,
    dir: directionOf(locale),
    questions: leadingQuestions(definition).map((q) => presentQuestion(q, locale, definition.settings.defaultLanguage)),
    triggers: widget.triggers,
    samplingPercent: widget.samplingPercent,
    recontactDays: policy.recontactDays,
    eligible,
    texts: widgetTexts(definition, locale),
  };
}

/**
 * Saves the widget's answers as one response (channel `widget`). Complete when nothing the
 * visitor was shown is missing (a first answer given before closing the dialog may leave a
 * required follow-up: then it is kept as a partial response). An identified customer is asked
 * at most once within the recontact limit: the claim is made here, with the answer.
 */
export async function submitWidgetAnswer(
  tx: Executor,
  token: string,
  body: WidgetAnswerBody,
  origin: string | undefined,
  ownOrigin: string,
  deviceHash?: Buffer,
  now = new Date(),
): Promise<{ status: 'partial' | 'complete' }> {
  const survey = await widgetSurvey(tx, token, origin, ownOrigin, false);
  const { definition, tenantId, surveyId } = survey;
  const asked = new Set(leadingQuestions(definition).map((q) => q.id));
  const strays = Object.keys(body.answers).filter((id) => !asked.has(id));
  if (strays.length > 0) {
    throw new Problem(422, 'unknown_question', { question: strays[0]!.slice(0, 60) }, strays.map((id) => ({ field: `answers.${id.slice(0, 60)}`, code: 'unknown_question', message: 'unknown_question' })));
  }
  let customerId: string | undefined;
  if (!definition.settings.anonymous) {
    customerId = await identifiedCustomer(tx, tenantId, body.customer);
    if (customerId) {
      const allowed = await claimContacts(tx, tenantId, [customerId], now, recontactCutoff(await surveyPolicy(tx, tenantId), now));
      if (!allowed.has(customerId)) throw new Problem(409, 'recontact_limit');
    }
  }
  const complete = missingRequired(definition.questions, body.answers).length === 0;
  const saved = await saveResponse(tx, { tenantId, surveyId, channel: 'widget', locale: body.locale as Locale, answers: body.answers, complete, customerId, deviceHash });
  return { status: saved.status };
}
