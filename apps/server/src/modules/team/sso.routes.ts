import { Locale, SsoProviders } from '@vafa/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../platform/http/access.ts';
import { Problem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { clientOf, setSessionCookie } from './http-helpers.ts';
import { SingleSignOn, SSO_COOKIE, SSO_COOKIE_PATH, SsoRefused, TRANSACTION_SECONDS, type SsoFailure, type SsoSignIn } from './sso.service.ts';
import * as team from './team.service.ts';

/** Back to the sign-in page, which shows the reason in the reader's language. */
const signInPage = (reason: SsoFailure) => `/sign-in?sso_error=${reason}`;

/** Both steps answer only with a redirect (Fastify's default 302): a browser navigation, no body to read. */
const SSO_REDIRECT = z.null().describe('A redirect: follow `Location`');

/** The query string exactly as the provider sent it: state, code and iss are checked as given. */
const rawQuery = (request: FastifyRequest) => {
  const at = request.url.indexOf('?');
  return at === -1 ? '' : request.url.slice(at + 1);
};

export function registerSsoRoutes(app: App, deps: ModuleDeps): void {
  const sso = deps.config.oidc ? new SingleSignOn(deps.config.oidc, deps.config, deps.log) : undefined;
  const secure = (request: FastifyRequest) => (deps.config.cookieSecure === 'auto' ? request.protocol === 'https' : deps.config.cookieSecure);
  const refused = (reply: FastifyReply, err: unknown) => {
    if (err instanceof SsoRefused) return reply.redirect(signInPage(err.reason));
    throw err;
  };

  app.get('/api/auth/sso', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Single sign-on providers, for the sign-in page', response: { 200: SsoProviders } },
  }, async () => ({
    items: sso ? [{ id: 'oidc', name: sso.provider.name ?? null, startUrl: '/api/auth/sso/start' }] : [],
  }));

  app.get('/api/auth/sso/start', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Sign in through the OpenID Connect provider (a browser navigation; redirects to the provider)',
      description: 'Answers a redirect, never a body: to the provider, or to the sign-in page with `sso_error` when the provider cannot be reached. 404 `sso_not_configured` when this instance has no provider.',
      querystring: z.strictObject({ returnTo: z.string().max(1000).optional(), lang: Locale.optional() }),
      problems: [404],
      response: { 302: SSO_REDIRECT },
    },
  }, async (req, reply) => {
    if (!sso) throw new Problem(404, 'sso_not_configured');
    // Each answer carries a one-time transaction or session: no cache may keep or replay it.
    reply.header('cache-control', 'no-store');
    try {
      const { authorizationUrl, sealed } = await sso.begin(req.query.returnTo ?? '/', req.query.lang);
      reply.setCookie(SSO_COOKIE, sealed, { httpOnly: true, sameSite: 'lax', secure: secure(req), path: SSO_COOKIE_PATH, maxAge: TRANSACTION_SECONDS });
      return reply.redirect(authorizationUrl.href);
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.get('/api/auth/sso/callback', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Where the provider sends the browser back; signs in and redirects into the app',
      description: 'Answers a redirect, never a body: into the app (`returnTo` of the start) with a session, or to the sign-in page with `sso_error`. 404 `sso_not_configured` when this instance has no provider.',
      problems: [404],
      response: { 302: SSO_REDIRECT },
    },
  }, async (req, reply) => {
    if (!sso) throw new Problem(404, 'sso_not_configured');
    reply.header('cache-control', 'no-store');
    const sealed = req.cookies[SSO_COOKIE];
    // One transaction, one try: the cookie goes whatever the outcome, so a callback cannot be replayed.
    reply.clearCookie(SSO_COOKIE, { path: SSO_COOKIE_PATH });
    let signIn: SsoSignIn;
    try {
      signIn = await sso.complete(deps.database.db, rawQuery(req), sealed, req.ip);
    } catch (err) {
      return refused(reply, err);
    }
    await deps.database.db.transaction(async (tx) => {
      const session = await team.openSession(tx, signIn.accountId, signIn.tenantId, clientOf(req));
      setSessionCookie(req, reply, deps, session);
      const actor = { kind: 'user' as const, id: signIn.accountId, tenantId: signIn.tenantId, role: signIn.role as Role };
      await recordAudit(tx, signIn.tenantId, actor, {
        action: 'login.sso', targetType: 'account', targetId: signIn.accountId, ip: req.ip, details: { issuer: sso.provider.issuer, subject: signIn.subject },
      });
    });
    return reply.redirect(signIn.returnTo);
  });
}
