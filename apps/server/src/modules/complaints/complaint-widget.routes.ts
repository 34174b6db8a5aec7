import {
  ComplaintWidgetConfigQuery, ComplaintWidgetConfigView, ComplaintWidgetFiling, ComplaintWidgetParams, ComplaintWidgetReceipt, FilingRateProblem,
  type FileComplaint, type Locale,
} from '@vafa/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { publicBaseUrl } from '../../platform/config.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { negotiateLocale } from '../../platform/i18n/locale.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { intakeSettings } from './complaint-intake.repo.ts';
import { listPolicies } from './complaint-sla.repo.ts';
import { COMPLAINT_WIDGET_WORDS } from './complaint-widget.words.ts';
import { decoyReceipt, filingGuardFor, isHoneypotFilled } from './public-filing-guard.ts';
import { PublicFilingCoalescer, workspaceIdBySlug } from './public-filing.ts';

/**
 * The embeddable widget's complaint form (issue 11), for a workspace that switched it on in its
 * intake settings; a site adds `data-complaints="<workspace slug>"` to the widget's script tag.
 *   GET  /api/public/complaint-widget/:workspace   the form's words and categories for the page's language
 *   POST /api/public/complaint-widget/:workspace   a visitor's complaint
 * A filing goes through the public form's path (public-filing.ts: the same checks, group commit and
 * events, so the acknowledgement notice follows) on channel `widget`, behind the same defences
 * (public-filing-guard.ts: honeypot, a cap per device, a proof of work when filings look automated).
 * Filings, like the form's, have no per-address cap (shops, carrier NAT): the guard's device caps and
 * proof of work bound them. A budget per workspace would let one script, counting against the public
 * slug, turn the widget off for every real visitor. The form's words are read at most so often per
 * address, generous for a NAT's pages, and may be cached for a minute.
 */

const CONFIG_PER_ADDRESS_PER_MINUTE = 600;
const PREFLIGHT_MAX_AGE = '86400';
const publicRoute = { access: 'public', rateLimit: false } as const;

/** Readable from any page: nothing here carries credentials, and the widget sends none. */
async function openToPages(_req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('access-control-allow-origin', '*');
}

/** The workspace of a slug whose widget takes complaints; 404 widget_not_available otherwise (unknown and switched off alike). */
async function widgetWorkspace(db: Executor, slug: string): Promise<string> {
  const tenantId = await workspaceIdBySlug(db, slug);
  if (!tenantId || !(await intakeSettings(db, tenantId)).widgetEnabled) throw new Problem(404, 'widget_not_available');
  return tenantId;
}

/** The page's language when Vafa speaks it (fa-IR, ar-SA, en-GB…), else the browser's. */
function visitorLanguage(lang: string | undefined, req: FastifyRequest): Locale {
  return lang ? negotiateLocale(lang) : req.locale;
}

/** The workspace's complaint categories: those its active SLA policies name (the taxonomy cases are routed by). */
async function categoriesOf(db: Executor, tenantId: string): Promise<string[]> {
  const names = (await listPolicies(db, tenantId)).filter((p) => p.active && p.category !== null).map((p) => p.category!);
  return [...new Set(names)];
}

export function registerComplaintWidgetRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  const filings = new PublicFilingCoalescer(deps.database);
  // The form's guard: a device's filings count together wherever it files from.
  const guard = filingGuardFor(deps);
  const base = publicBaseUrl(deps.config);

  app.get('/api/public/complaint-widget/:workspace', {
    config: publicRoute,
    onRequest: openToPages,
    preHandler: app.rateLimit({ max: CONFIG_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req) => `complaint-widget-config:${req.ip}` }),
    schema: {
      tags: ['complaints'],
      summary: "The widget's complaint form for a page (public; used by the widget script)",
      operationId: 'getComplaintWidget',
      description:
        'For a workspace whose intake settings have `widgetEnabled`: the form\'s words in the page\'s language (`lang`, e.g. `fa-IR`; else Accept-Language) ' +
        'and the categories its active SLA policies name. 404 `widget_not_available` for an unknown workspace or one with the widget off. ' +
        `At most ${CONFIG_PER_ADDRESS_PER_MINUTE} a minute per address (a shop or a carrier's NAT loads far fewer pages); cacheable for a minute.`,
      params: ComplaintWidgetParams,
      querystring: ComplaintWidgetConfigQuery,
      response: { 200: ComplaintWidgetConfigView },
    },
  }, async (req, reply) => {
    const tenantId = await widgetWorkspace(db, req.params.workspace);
    const locale = visitorLanguage(req.query.lang, req);
    reply.header('cache-control', 'public, max-age=60');
    // Without `lang` the words follow Accept-Language: a shared cache must keep one copy per language.
    reply.header('vary', 'accept-language');
    return { locale, dir: locale === 'en' ? ('ltr' as const) : ('rtl' as const), categories: await categoriesOf(db, tenantId), texts: COMPLAINT_WIDGET_WORDS[locale] };
  });

  // The widget posts JSON from another origin: the browser asks first.
  app.options('/api/public/complaint-widget/:workspace', { config: { rateLimit: false }, onRequest: openToPages, schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'content-type, x-vafa-device')
      .header('access-control-max-age', PREFLIGHT_MAX_AGE)
      .code(204)
      .send());

  app.post('/api/public/complaint-widget/:workspace', {
    config: publicRoute,
    onRequest: openToPages,
    schema: {
      tags: ['complaints'],
      summary: 'A visitor files a complaint from the widget (public)',
      operationId: 'fileComplaintFromWidget',
      description:
        'Checked and stored as the public complaint form\'s filings are (a phone or an e-mail required, 422 with field errors), on channel `widget`, ' +
        'acknowledged at once. Answers the tracking code in the filing\'s `language` (Persian or Arabic-Indic digits in fa/ar) and the tracking page\'s address. ' +
        '404 `widget_not_available` when the workspace\'s widget is off. Send the `device` of an earlier answer back as `X-Vafa-Device`; 429 `too_many_filings` ' +
        'past a device\'s cap, 429 `filing_challenge_required` (with `challenge` and `bits`) when filings look automated: resend with `proof`. ' +
        'No per-IP limit: the device caps and the proof of work bound filings. No Idempotency-Key: an anonymous write has no actor to key it by.',
      problems: [422],
      params: ComplaintWidgetParams,
      body: ComplaintWidgetFiling,
      response: { 201: ComplaintWidgetReceipt, 429: FilingRateProblem },
    },
  }, async (req, reply) => {
    const slug = req.params.workspace;
    await widgetWorkspace(db, slug);
    const verdict = guard.check(req, reply, { workspace: slug, proof: req.body.proof });
    if (!verdict.ok) return verdict.reply;
    const { language, name, phone, email, category, description } = req.body;
    const input: FileComplaint = { workspace: slug, name: name ?? '', phone, email, category, description, language };
    const receipt = isHoneypotFilled(req.body.website) ? decoyReceipt(language) : await filings.file(input, language, 'widget');
    const trackingUrl = `${base}/c/${slug}/track?code=${receipt.trackingCode}`;
    return reply.code(201).header('cache-control', 'no-store').send({ ...receipt, trackingUrl, device: verdict.device.cookie });
  });
}
