import type { AddressInfo } from 'node:net';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ProblemView } from '@vafa/contracts';
import type { FastifySchema } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteAccess } from './access.ts';
import type { App } from './server.ts';

/**
 * The OpenAPI 3.1 document, built from the routes themselves so it cannot drift from them.
 * Beyond what @fastify/swagger and the zod transform give, this adds what a client generator
 * needs and the routes do not spell out: an operationId per operation, the problem+json
 * responses each route can give, the Idempotency-Key header on writes, multipart upload
 * bodies, per-route security and the servers.
 */

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The route reads a multipart/form-data upload itself (Fastify does not validate it): one
     * binary `file` part and these text fields, for the document.
     */
    multipart?: { file: string; fields?: Record<string, { description: string; required?: boolean }> };
    /**
     * Problem statuses the route can give beyond those derived from its shape, e.g. 409; on a
     * public route also 401 (a member's session), 403, 404 (a workspace or code named in the
     * body) and 410 (closed or expired).
     */
    problems?: readonly (401 | 403 | 404 | 409 | 410 | 422)[];
    /**
     * A public route that reads the Idempotency-Key header (authenticated writes always offer it):
     * `optional` to make a retry safe, `required` when the route refuses a write without it.
     */
    idempotencyKey?: 'optional' | 'required';
  }
}

export interface OpenApiOptions {
  /** VAFA_PUBLIC_URL: where clients reach this instance; else the listen address */
  publicUrl: string | undefined;
  /** where the docs pages live */
  docsPrefix: string;
  sessionCookie: string;
}

type Json = Record<string, unknown>;
type Operation = Json & { operationId?: string; parameters?: Json[]; responses?: Record<string, Json>; requestBody?: Json; security?: unknown };

interface RouteFacts {
  access: RouteAccess | undefined;
  multipart?: NonNullable<FastifySchema['multipart']>;
  problems: readonly number[];
  idempotencyKey?: FastifySchema['idempotencyKey'];
  /** Media types of a body the route streams itself (CSV, a page, a file), from the schema's `produces`. */
  produces?: readonly string[];
}

const WRITES = new Set(['post', 'put', 'patch', 'delete']);
/** A POST whose last path segment starts with one of these acts on what the path names, rather than creating under it. */
const ACTION_VERBS = new Set([
  'accept', 'cancel', 'close', 'complete', 'confirm', 'disable', 'dry', 'enable', 'erase', 'login', 'logout', 'merge', 'pause', 'preview',
  'publish', 'refresh', 'reopen', 'resend', 'resume', 'retry', 'revoke', 'send', 'start', 'switch', 'test', 'verify',
]);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const PROBLEM_RESPONSES: Record<number, { name: string; description: string }> = {
  400: { name: 'ValidationFailed', description: 'The request is malformed or fails validation (`errors` names the fields)' },
  401: { name: 'Unauthenticated', description: 'No valid API key or session' },
  403: { name: 'Forbidden', description: "The key's or user's role lacks the permission, or the CSRF token is missing" },
  404: { name: 'NotFound', description: 'No such resource in this workspace' },
  409: { name: 'Conflict', description: 'The resource is in a state that forbids this (a duplicate, merged, erased, closed)' },
  410: { name: 'Gone', description: 'It was there and is no longer: closed or expired' },
  413: { name: 'PayloadTooLarge', description: 'The body or upload is larger than allowed' },
  415: { name: 'UnsupportedMediaType', description: 'The body is not of the content type this route reads' },
  422: { name: 'Unprocessable', description: 'Well-formed but refused by the rules, or an Idempotency-Key reused with another request' },
  429: { name: 'RateLimited', description: 'Too many requests from this address; retry after `Retry-After` seconds' },
};

/** OpenAPI's `{id}` for Fastify's `:id`. */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

const isParam = (segment: string) => segment.startsWith('{');
const words = (segment: string) => segment.split(/[^A-Za-z0-9]+/).filter(Boolean);
const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|us|sms)$/.test(word) || !word.endsWith('s')) return word;
  return word.slice(0, -1);
}

/** A JSON response that is a list, or an object whose `items` are (a page). */
function answersList(operation: Operation, schemas: Record<string, Json>): boolean {
  const content = (operation.responses?.['200']?.content as Record<string, { schema?: Json }> | undefined)?.['application/json'];
  let schema = content?.schema;
  const ref = typeof schema?.$ref === 'string' ? schema.$ref.split('/').pop()! : undefined;
  if (ref) schema = schemas[ref];
  if (!schema) return false;
  if (schema.type === 'array') return true;
  const items = (schema.properties as Record<string, Json> | undefined)?.items;
  return items?.type === 'array';
}

/**
 * listCustomers, getCustomer, createCustomer, updateCustomer, deleteCustomer, mergeCustomer:
 * the verb from the method (or the action segment), the nouns from the path, a noun before a
 * path parameter in the singular. Stable as long as the path and method are.
 */
export function deriveOperationId(method: string, path: string, operation: Operation, schemas: Record<string, Json>): string {
  const segments = path.replace(/^\/api\//, '/').split('/').filter(Boolean);
  const nouns: string[] = [];
  segments.forEach((segment, i) => {
    if (isParam(segment)) return;
    const parts = words(segment);
    if (isParam(segments[i + 1] ?? '')) parts[parts.length - 1] = singular(parts[parts.length - 1]!);
    nouns.push(...parts);
  });
  const endsWithParam = isParam(segments[segments.length - 1] ?? '');
  const lastStatic = [...segments].reverse().find((s) => !isParam(s)) ?? '';
  const creates = operation.responses?.['201'] !== undefined;
  let verb: string;
  let object = nouns;
  switch (method) {
    case 'get':
      verb = !endsWithParam && answersList(operation, schemas) ? 'list' : 'get';
      break;
    case 'patch':
      verb = 'update';
      break;
    case 'put':
      verb = 'set';
      break;
    case 'delete':
      verb = 'delete';
      break;
    default: {
      const action = words(lastStatic);
      if (endsWithParam) {
        verb = method;
      } else if (ACTION_VERBS.has(action[0]!) && !creates) {
        // POST /customers/{id}/merge: the last segment is the action.
        verb = action.map((w, i) => (i === 0 ? w : capital(w))).join('');
        object = nouns.slice(0, nouns.length - action.length);
      } else {
        // POST /customers, /followups/{id}/attempts, /auth/password-reset: a new thing under the path.
        verb = 'create';
        object = [...nouns.slice(0, -1), singular(nouns[nouns.length - 1] ?? '')];
      }
    }
  }
  return verb + object.map(capital).join('');
}

function problemComponent(status: number) {
  return { $ref: `#/components/responses/${PROBLEM_RESPONSES[status]!.name}` };
}

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } };

/** A problem response of the shared kind, with the route's own (richer) problem schema. */
function problemResponse(status: number, schema: Json): Json {
  return {
    description: PROBLEM_RESPONSES[status]!.description,
    ...(status === 429 ? { headers: RETRY_AFTER } : {}),
    content: { 'application/problem+json': { schema } },
  };
}

/** The problem statuses a route can give, from what it is: access, parameters, body, method. */
function problemStatuses(method: string, operation: Operation, facts: RouteFacts | undefined): number[] {
  const statuses = new Set<number>(facts?.problems ?? []);
  const access = facts?.access;
  const isPublic = access === 'public';
  const parameters = operation.parameters ?? [];
  const hasBody = operation.requestBody !== undefined;
  const writes = WRITES.has(method);
  if (hasBody || parameters.some((p) => p.in === 'query' || p.in === 'path') || (writes && !isPublic)) statuses.add(400);
  if (!isPublic) statuses.add(401);
  // A role without the permission, a session without its CSRF token or still to enrol a second factor.
  if (!isPublic) statuses.add(403);
  if (parameters.some((p) => p.in === 'path')) statuses.add(404);
  // Every authenticated write goes through req.write: a reused Idempotency-Key is a 422.
  if (writes && !isPublic) statuses.add(422);
  if (hasBody) {
    statuses.add(413);
    statuses.add(415);
  }
  if (isPublic) statuses.add(429);
  return [...statuses].sort();
}

function multipartBody(declared: NonNullable<RouteFacts['multipart']>): Json {
  const properties: Record<string, Json> = { file: { type: 'string', format: 'binary', contentMediaType: 'text/csv', description: declared.file } };
  const required = ['file'];
  for (const [name, field] of Object.entries(declared.fields ?? {})) {
    properties[name] = { type: 'string', description: field.description };
    if (field.required) required.push(name);
  }
  return {
    required: true,
    content: { 'multipart/form-data': { schema: { type: 'object', properties, required }, encoding: { file: { contentType: 'text/csv' } } } },
  };
}

/**
 * Drops the `$id` and `$schema` zod writes into every registered schema. Its `$id`s are JSON
 * pointers ("#/components/schemas/X"), which JSON Schema 2020-12 forbids (an `$id` must not carry a
 * fragment) and which appear twice wherever a schema is also inlined; strict validators and client
 * generators (openapi-spec-validator, the generators built on it) refuse the whole document. The
 * dialect is the document's own (OpenAPI 3.1 means 2020-12), so `$schema` says nothing.
 */
function withoutSchemaIds(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) withoutSchemaIds(item);
  } else if (node && typeof node === 'object') {
    const object = node as Json;
    if (typeof object.$id === 'string' && object.$id.includes('#')) delete object.$id;
    if (object.$schema === 'https://json-schema.org/draft/2020-12/schema') delete object.$schema;
    for (const value of Object.values(object)) withoutSchemaIds(value);
  }
}

/** Every `$ref` in `node` that `renamed` names, pointed at its new target. */
function redirectRefs(node: unknown, renamed: Map<string, string>): void {
  if (Array.isArray(node)) {
    for (const item of node) redirectRefs(item, renamed);
  } else if (node && typeof node === 'object') {
    const object = node as Json;
    if (typeof object.$ref === 'string' && renamed.has(object.$ref)) object.$ref = renamed.get(object.$ref);
    for (const value of Object.values(object)) redirectRefs(value, renamed);
  }
}

/**
 * The zod transform writes each registered schema twice, as read (`XInput`, for request bodies)
 * and as answered (`X`), even when the two are the same: a generated client then had two types for
 * one shape (CreateReward and CreateRewardInput) and a body typed by the name nobody wrote. Where
 * `XInput` is byte for byte `X`, it goes and its references point at `X`. Repeated, since merging
 * the twins a schema refers to can make its own two forms the same. The forms that differ (a
 * default makes a field optional to send, a transform changes its type) stay apart.
 */
function mergeInputTwins(document: Json, registeredIds: Iterable<string>): void {
  const schemas = ((document.components ?? {}) as { schemas?: Record<string, Json> }).schemas ?? {};
  const ids = [...registeredIds];
  for (;;) {
    const renamed = new Map<string, string>();
    for (const id of ids) {
      const input = schemas[`${id}Input`];
      if (input && schemas[id] && JSON.stringify(input) === JSON.stringify(schemas[id])) renamed.set(`#/components/schemas/${id}Input`, `#/components/schemas/${id}`);
    }
    if (renamed.size === 0) return;
    for (const ref of renamed.keys()) delete schemas[ref.slice('#/components/schemas/'.length)];
    redirectRefs(document, renamed);
  }
}

/** A redirect's target, for a client that does not follow it (a generated client, a script). */
const LOCATION = { Location: { description: 'where to go next', schema: { type: 'string' } } };

function completeDocument(document: Json, facts: Map<string, RouteFacts>): Json {
  withoutSchemaIds(document.components);
  withoutSchemaIds(document.paths);
  mergeInputTwins(document, z.globalRegistry._idmap.keys());
  const components = (document.components ?? {}) as Record<string, Record<string, Json>>;
  const schemas = components.schemas ?? {};
  components.responses = Object.fromEntries(
    Object.values(PROBLEM_RESPONSES).map(({ name, description }) => [
      name,
      {
        description,
        ...(name === 'RateLimited' ? { headers: RETRY_AFTER } : {}),
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );
  components.parameters = {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Any unique printable string (1–255 characters). A retry with the same key and request replays the first result; with another request it is refused (422).',
      schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
    },
    IdempotencyKeyRequired: {
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Any unique printable string (1–255 characters), required: without it the write is refused (400 `idempotency_key_required`). A retry with the same key answers the first result.',
      schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
    },
  };

  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  const operations: { method: string; path: string; operation: Operation }[] = [];
  for (const path of Object.keys(paths).sort()) {
    for (const method of HTTP_METHODS) {
      const operation = paths[path]![method];
      if (operation) operations.push({ method, path, operation });
    }
  }

  const taken = new Set(operations.map((o) => o.operation.operationId).filter((id): id is string => !!id));
  for (const { method, path, operation } of operations) {
    const routeFacts = facts.get(`${method} ${path}`);
    if (!operation.operationId) {
      const base = deriveOperationId(method, path, operation, schemas);
      let id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
      taken.add(id);
      operation.operationId = id;
    }
    if (routeFacts?.multipart) operation.requestBody = multipartBody(routeFacts.multipart);
    if (routeFacts?.access === 'public') operation.security = [];
    const idempotency = WRITES.has(method) && routeFacts?.access !== 'public' ? 'optional' : routeFacts?.idempotencyKey;
    if (idempotency) {
      const parameter = idempotency === 'required' ? 'IdempotencyKeyRequired' : 'IdempotencyKey';
      operation.parameters = [...(operation.parameters ?? []), { $ref: `#/components/parameters/${parameter}` }];
    }
    const responses = (operation.responses ??= {});
    for (const [status, response] of Object.entries(responses)) {
      if (response.description === 'Default Response') response.description = Number(status) < 300 ? 'Success' : 'Problem';
      // A route that sends a CSV, a page or a file declares no response schema, only `produces`: say
      // what the body is, or generators read it as JSON (or as nothing).
      const bodyOf = (type: string) => ({ schema: type.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' } });
      if (status.startsWith('2') && status !== '204' && !response.content && routeFacts?.produces?.length) {
        response.content = Object.fromEntries(routeFacts.produces.map((type) => [type, bodyOf(type)]));
      }
      // A route answering JSON or another type (TwiML to Twilio) lists both in `produces`, and
      // @fastify/swagger gives each the JSON schema: the other type's body is text (or bytes).
      const content = response.content as Record<string, Json> | undefined;
      if (status.startsWith('2') && content && routeFacts?.produces?.length) {
        for (const type of Object.keys(content)) if (!type.endsWith('json')) content[type] = bodyOf(type);
      }
      if (/^3\d\d$/.test(status)) response.headers = { ...LOCATION, ...(response.headers as Json | undefined) };
    }
    for (const status of problemStatuses(method, operation, routeFacts)) {
      // A route that answers a problem with more than Problem's fields (a 429 carrying `challenge`
      // and `bits`) declares its schema; keep that schema rather than the shared response, whose
      // Problem forbids additional properties.
      const declared = (responses[String(status)]?.content as Record<string, { schema?: Json }> | undefined)?.['application/json']?.schema;
      responses[String(status)] = declared ? problemResponse(status, declared) : problemComponent(status);
    }
  }
  return { ...document, components };
}

function listenUrl(app: App): string | undefined {
  const address = app.server.address() as AddressInfo | string | null;
  if (!address || typeof address === 'string') return undefined;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * VAFA_PUBLIC_URL, else the address this process listens on, else relative to the document.
 * Never the request's Host header: a client must not be able to steer where others send keys.
 */
function servers(app: App, publicUrl: string | undefined): Json[] {
  const url = publicUrl?.replace(/\/+$/, '') ?? listenUrl(app);
  return [url ? { url } : { url: '/', description: 'this server' }];
}

export async function registerOpenApi(app: App, options: OpenApiOptions): Promise<void> {
  const facts = new Map<string, RouteFacts>();
  const zodTransform = createJsonSchemaTransform({});
  const zodTransformObject = createJsonSchemaTransformObject({});
  // The problem body every error response refers to; importing registers it with its id.
  void ProblemView;

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vafa API',
        version: '1.0.0',
        description:
          'Customer experience platform. Authenticate integrations with `Authorization: Bearer <API key>`. ' +
          'Every write accepts an `Idempotency-Key` header; a replay returns the first result. Errors are RFC 9457 problem+json ' +
          'with a stable `code` and a `detail` localised by `Accept-Language` (fa, ar, en).',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created under Settings → API keys' },
          session: { type: 'apiKey', in: 'cookie', name: options.sessionCookie },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: (input) => {
      const { route } = input;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        facts.set(`${method.toLowerCase()} ${openApiPath(input.url)}`, {
          access: route.config?.access,
          multipart: route.schema?.multipart,
          problems: route.schema?.problems ?? [],
          idempotencyKey: route.schema?.idempotencyKey,
          produces: (route.schema as { produces?: readonly string[] } | undefined)?.produces,
        });
      }
      return zodTransform(input);
    },
    transformObject: (input) => completeDocument(zodTransformObject(input) as Json, facts) as ReturnType<typeof zodTransformObject>,
  });

  const withServers = (document: Json) => ({ ...document, servers: servers(app, options.publicUrl) });
  await app.register(swaggerUi, {
    routePrefix: options.docsPrefix,
    staticCSP: true,
    transformSpecification: (document) => withServers(document as Json),
  });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => withServers(app.swagger() as unknown as Json));
}
