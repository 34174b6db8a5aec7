import { randomUUID, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  serializerCompiler, validatorCompiler, type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import secureJson from 'secure-json-parse';
import type { Database, Executor } from '../db/connect.ts';
import { negotiateLocale, type Locale } from '../i18n/locale.ts';
import { roleAllows, type Actor, type Authenticator, type RouteAccess } from './access.ts';
import { answerClientError } from './client-error.ts';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth.ts';
import { MULTIPART_LIMITS, routeTakesMultipart } from './multipart.ts';
import { registerOpenApi } from './openapi.ts';
import { forwardedHeaderGuard } from './trust-proxy.ts';
import { Problem, problemBody, sendProblem, toProblem } from './problem.ts';
import { performWrite, type WriteOptions, type WriteOutcome, type WriteResult } from './write.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    locale: Locale;
    /** The tenant of the signed-in user or API key; routes with a permission always have one. */
    tenantId: string;
    write<T>(run: (tx: Executor) => Promise<WriteResult<T>>, options?: WriteOptions<T>): Promise<WriteOutcome<T>>;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** open to a session that must still enrol a second factor (the session itself, sign-out, enrolment) */
    beforeTwoFactor?: boolean;
    /** the route answers "nobody is signed in" itself when no credential at all was presented (no 401 to log) */
    sessionOptional?: boolean;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RegisteredRoute {
  method: string;
  url: string;
  access: RouteAccess;
  /** answers without credentials itself (see FastifyContextConfig.sessionOptional) */
  sessionOptional: boolean;
}

export interface HttpOptions {
  log: Logger;
  database: Database;
  authenticator: Authenticator;
  anonRateLimitPerMinute: number;
  cookieSecure: 'auto' | boolean;
  /** VAFA_TRUST_PROXY: which peers' X-Forwarded-For/-Proto set request.ip and request.protocol */
  trustProxy?: boolean | number | string[];
  bodyLimitBytes?: number;
  /** VAFA_PUBLIC_URL: the server the OpenAPI document names */
  publicUrl?: string;
  isReady: () => boolean;
}

export const SESSION_COOKIE = 'vafa_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Our own documentation pages, registered by @fastify/swagger-ui without route config.
const DOCS_PREFIX = '/api/docs';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether any string or key in a parsed JSON value holds half of a surrogate pair (depth is capped before parsing). */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return /\p{Cs}/u.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, inner]) => /\p{Cs}/u.test(key) || hasLoneSurrogate(inner));
  return false;
}

export async function createHttpServer(options: HttpOptions): Promise<{ app: App; routes: RegisteredRoute[] }> {
  const routes: RegisteredRoute[] = [];
  const app = Fastify({
    loggerInstance: options.log,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Off by default: forwarded headers from an untrusted peer would let anyone pick their own
    // address (and rate-limit bucket) or claim https.
    trustProxy: options.trustProxy ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    disableRequestLogging: true,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
    // A path Fastify cannot decode (bad percent-encoding) is answered before any route or hook runs.
    frameworkErrors: (error, request, reply) => {
      const problem = error.code === 'FST_ERR_BAD_URL' ? new Problem(400, 'invalid_url') : toProblem(error);
      void (reply as unknown as FastifyReply).code(problem.status).type('application/problem+json; charset=utf-8').send(problemBody(problem, negotiateLocale(request.headers['accept-language'])));
    },
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  // First of all hooks: later ones (and cookies) read request.protocol.
  const forwardedGuard = forwardedHeaderGuard(options.trustProxy);
  if (forwardedGuard) app.addHook('onRequest', forwardedGuard);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON must be valid UTF-8 and must not carry NUL, which PostgreSQL text cannot hold.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      done(new Problem(400, 'invalid_encoding'), undefined);
      return;
    }
    if (text.trim().length === 0) return done(null, undefined);
    if (/\\u0000/i.test(text)) return done(new Problem(400, 'validation_failed', {}, [{ field: 'body', code: 'nul_character', message: 'NUL characters are not allowed' }]), undefined);
    if (jsonNestsDeeperThan(text)) return done(new Problem(400, 'json_too_deep', { max: MAX_JSON_DEPTH }), undefined);
    let parsed: unknown;
    try {
      parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return done(new Problem(400, 'malformed_json'), undefined);
    }
    // "\ud800" is valid JSON but no character: stored, it would silently become U+FFFD.
    if (hasLoneSurrogate(parsed)) return done(new Problem(400, 'invalid_encoding'), undefined);
    done(null, parsed);
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('locale', 'en');
  app.decorateRequest('tenantId', '');
  app.decorateRequest('write', function write<T>(this: FastifyRequest, run: (tx: Executor) => Promise<WriteResult<T>>, writeOptions?: WriteOptions<T>) {
    return performWrite(options.database, this, run, writeOptions);
  });

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'HEAD' || m === 'OPTIONS')) return;
    let access = route.config?.access;
    if (!access && route.url.startsWith(DOCS_PREFIX)) {
      access = 'public';
      route.config = { ...route.config, access };
    }
    if (!access) throw new Error(`route ${methods.join(',')} ${route.url} declares no access; every route needs one`);
    // Static files of the web app opt out (`rateLimit: false`): one page load fetches many.
    if (access === 'public' && (route.config as { rateLimit?: unknown } | undefined)?.rateLimit !== false) {
      route.config = { ...route.config, rateLimit: { max: options.anonRateLimitPerMinute, timeWindow: '1 minute' } } as typeof route.config;
    }
    const sessionOptional = route.config?.sessionOptional === true;
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url, access, sessionOptional });
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(multipart, { limits: MULTIPART_LIMITS });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new Problem(429, 'rate_limited'),
  });

  app.addHook('onRequest', async (request, reply) => {
    request.locale = negotiateLocale(request.headers['accept-language']);
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return;

    const bearer = bearerToken(request);
    const session = bearer ? undefined : request.cookies[SESSION_COOKIE];
    if (!bearer && !session && request.routeOptions.config?.sessionOptional) return;
    const actor = bearer
      ? await options.authenticator.fromApiKey(bearer)
      : session
        ? await options.authenticator.fromSession(session)
        : null;
    if (!actor) return sendProblem(request, reply, new Problem(401, 'unauthenticated'));

    // Cookie sessions are CSRF-prone; API keys travel in a header a browser never adds.
    if (actor.csrfToken && UNSAFE.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, actor.csrfToken)) {
        return sendProblem(request, reply, new Problem(403, 'csrf_failed'));
      }
    }
    if (actor.mustEnrolTwoFactor && !request.routeOptions.config?.beforeTwoFactor) {
      return sendProblem(request, reply, new Problem(403, 'two_factor_enrolment_required'));
    }
    if (access !== 'authenticated' && !roleAllows(actor.role, access)) {
      return sendProblem(request, reply, new Problem(403, 'forbidden'));
    }
    request.actor = actor;
    request.tenantId = actor.tenantId;
  });

  // A route that declares no body takes none: a stray body is a client bug, not something to ignore.
  app.addHook('preValidation', async (request) => {
    // `{}` is what many generated clients send with every POST; it says nothing, so it passes.
    const emptyObject = typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body) && Object.keys(request.body).length === 0;
    if (request.body !== undefined && request.body !== null && !emptyObject && !request.routeOptions.schema?.body && !request.isMultipart()) {
      throw new Problem(400, 'validation_failed', {}, [{ field: 'body', code: 'unexpected_body', message: 'this route takes no body' }]);
    }
    // Multipart bodies are read by the routes that upload (`consumes`); anywhere else they would go unread.
    if (request.isMultipart() && !routeTakesMultipart(request)) throw new Problem(415, 'unsupported_media_type');
  });

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500) request.log.error({ url: request.url, status: reply.statusCode }, 'request failed');
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
    // Refused before its body was read (an upload cut off, idle or over a limit): the rest is not worth reading.
    if (request.raw.complete === false) reply.header('connection', 'close');
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: options.anonRateLimitPerMinute * 10, timeWindow: '1 minute' }) }, (request, reply) =>
    sendProblem(request, reply, new Problem(404, 'not_found')),
  );

  await registerOpenApi(app, { publicUrl: options.publicUrl, docsPrefix: DOCS_PREFIX, sessionCookie: SESSION_COOKIE });
  app.get('/health', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    if (!options.isReady()) return reply.code(503).send({ status: 'starting' });
    try {
      await options.database.pool.query('SELECT 1');
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });

  return { app, routes };
}
