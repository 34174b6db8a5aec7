import { IdParams, KioskList, KioskSyncBody, KioskSyncResult, RegisteredKiosk, RegisterKiosk, SurveyKioskParams, WidgetTokenParams } from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { publicBaseUrl } from '../../platform/config.ts';
import { credentialRateLimit } from '../../platform/http/credential-limit.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { Problem } from '../../platform/http/problem.ts';
import { KIOSK_CSP, kioskHtml, kioskUnavailableHtml } from './kiosk.page.ts';
import { kioskByToken, kioskPage, listKiosks, registerKiosk, revokeKiosk, syncKioskAnswers, type KioskIdentity } from './kiosk.service.ts';
import { sendAsset, widgetAssets } from './widget.assets.ts';

/**
 * Kiosks: registered by admins (token shown once, audited), then the tablet opens /k/<token>, a
 * full-screen page that queues answers on the device and posts them to
 * /api/public/kiosk/<token>/answers when it can. The kiosk's token is its credential: no per-IP
 * limit (a shop's kiosks share one address), only a generous cap per kiosk against a leaked token.
 */

const SYNCS_PER_KIOSK_PER_MINUTE = 120;
/** Syncs with a token that names no live kiosk, per address a minute (platform/http/credential-limit.ts). */
export const SYNCS_PER_UNKNOWN_KIOSK_ADDRESS_PER_MINUTE = 120;
const publicRoute = { access: 'public', rateLimit: false } as const;
const ASSETS = '/k/assets/';

export function registerKioskRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;
  /** The kiosk the limit looked up for a sync, so the handler does not ask again. */
  const syncingKiosk = new WeakMap<FastifyRequest, KioskIdentity | undefined>();
  const baseUrl = publicBaseUrl(deps.config);

  app.post('/api/surveys/:id/kiosks', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Register a kiosk (a tablet at a location) for a survey',
      description:
        'Answers the kiosk with its own token and the address to open on the tablet (`url`), both shown this once: only the token\'s ' +
        'hash is kept. The kiosk page shows the survey\'s first question (and the second, when it can be drawn there) once the survey is published. Audited.',
      params: IdParams,
      body: RegisterKiosk,
      response: { 201: RegisteredKiosk },
    },
  }, async (req, reply) => {
    const result = await req.write(
      async (tx) => ({ status: 201, body: await registerKiosk(tx, req.tenantId, req.actor, req.params.id, req.body.location, baseUrl, req.ip) }),
      { secretFields: ['token', 'url'] },
    );
    return sendWrite(reply, result);
  });

  app.get('/api/surveys/:id/kiosks', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['surveys'],
      summary: "A survey's kiosks, active first",
      description: '`responseCount` counts the completed responses each kiosk sent; `lastSeenAt` is when it last loaded its page or sent answers.',
      params: IdParams,
      response: { 200: KioskList },
    },
  }, async (req) => ({ items: await listKiosks(db, req.tenantId, req.params.id) }));

  app.delete('/api/surveys/:id/kiosks/:kioskId', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Revoke a kiosk: its token stops working at once; its answers stay',
      description: 'Revoking a revoked kiosk changes nothing. Audited.',
      params: SurveyKioskParams,
      response: { 204: z.null().describe('Revoked') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await revokeKiosk(tx, req.tenantId, req.actor, req.params.id, req.params.kioskId, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/k/:token', {
    config: publicRoute,
    schema: { hide: true, params: WidgetTokenParams, querystring: z.strictObject({ lang: z.string().max(35).optional() }) },
  }, async (req, reply) => {
    const assets = await widgetAssets();
    const css = `${ASSETS}${assets.manifest.kioskCss}`;
    reply.header('content-security-policy', KIOSK_CSP).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8');
    const kiosk = await kioskByToken(db, req.params.token);
    if (!kiosk) return reply.code(404).send(kioskUnavailableHtml(req.locale, css));
    // The shop chooses the language (?lang=), not the tablet's settings: else the survey's default.
    const page = await kioskPage(db, kiosk, req.params.token, req.query.lang);
    if (page.state === 'unavailable') return reply.code(409).send(kioskUnavailableHtml(page.locale, css));
    return reply.send(kioskHtml(page.config, page.locale, { js: `${ASSETS}${assets.manifest.kiosk}`, css }));
  });

  app.get(`${ASSETS}:file`, { config: publicRoute, schema: { hide: true } }, async (req, reply) => {
    const assets = await widgetAssets();
    const asset = assets.byName.get((req.params as { file: string }).file);
    if (!asset || (req.params as { file: string }).file.startsWith('widget.')) return reply.callNotFound();
    return sendAsset(req, reply, asset);
  });

  app.post('/api/public/kiosk/:token/answers', {
    config: publicRoute,
    preHandler: credentialRateLimit(app, {
      name: 'kiosk', perCredential: SYNCS_PER_KIOSK_PER_MINUTE, perAddress: SYNCS_PER_UNKNOWN_KIOSK_ADDRESS_PER_MINUTE,
      credentialOf: async (req) => {
        const token = (req.params as { token?: string }).token ?? '';
        const kiosk = await kioskByToken(db, token);
        syncingKiosk.set(req, kiosk);
        // The kiosk's id, not its token: the limit's store never holds the credential itself.
        return kiosk?.kioskId;
      },
    }),
    schema: {
      tags: ['surveys'],
      summary: "A kiosk's answers, sent from its queue (public; the kiosk's token authenticates it)",
      description:
        'Up to 50 answers, each with the device\'s `clientRef` and when it was given (`answeredAt`, kept as the response\'s time). Each is ' +
        'saved on its own: `saved`, `duplicate` (this clientRef was saved before: a resend counts once) or `refused` with the reason\'s ' +
        'code (the survey closed, an invalid answer, older than 30 days): the device drops all three. 404 for an unknown or revoked ' +
        `kiosk. No per-IP limit for a kiosk: at most ${SYNCS_PER_KIOSK_PER_MINUTE} requests a minute per kiosk; a token that names no live kiosk, at most ${SYNCS_PER_UNKNOWN_KIOSK_ADDRESS_PER_MINUTE} a minute per address (429).`,
      params: WidgetTokenParams,
      body: KioskSyncBody,
      response: { 200: KioskSyncResult },
    },
  }, async (req) => {
    const kiosk = syncingKiosk.has(req) ? syncingKiosk.get(req) : await kioskByToken(db, req.params.token);
    if (!kiosk) throw new Problem(404, 'kiosk_not_found');
    return syncKioskAnswers(deps.database, kiosk, req.body.answers);
  });
}
