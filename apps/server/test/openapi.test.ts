import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './harness.ts';

// The document a client generator reads: valid for a third-party validator, every $ref
// resolvable, every operation named and its problems described.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let t: TestApp;
let doc: Json;
let operations: { method: string; path: string; op: Json }[];

beforeAll(async () => {
  t = await startTestApp({ env: { VAFA_PUBLIC_URL: 'https://cx.example.com/' } });
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { host: 'attacker.example' } });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] as Json })),
  );
});
afterAll(() => t?.close());

function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
}

/** Every value of a key of this name, anywhere in the document. */
function valuesOf(node: unknown, name: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => valuesOf(n, name, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === name) found.push(value);
      valuesOf(value, name, found);
    }
  }
  return found;
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  it('passes a third-party OpenAPI validator with no errors', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('holds schemas that are valid JSON Schema 2020-12, as strict generators read them', () => {
    // The OpenAPI validator above does not look inside schemas; openapi-spec-validator (Python) and
    // the generators built on it do, and refused a document whose schemas carried "$id":
    // "#/components/schemas/X" (2020-12 forbids a fragment in $id). The meta-schema says the same.
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schemas: [string, unknown][] = Object.entries(doc.components.schemas as Json).map(([name, schema]) => [`components.schemas.${name}`, schema]);
    for (const { method, path, op } of operations) {
      for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Json)) schemas.push([`${method} ${path} body ${type}`, (media as Json).schema]);
      for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
        for (const [type, media] of Object.entries(((response as Json).content ?? {}) as Json)) schemas.push([`${method} ${path} ${status} ${type}`, (media as Json).schema]);
      }
    }
    expect(schemas.length).toBeGreaterThan(300);
    const invalid = schemas.filter(([, schema]) => !ajv.validateSchema(schema as object)).map(([where]) => `${where}: ${ajv.errorsText()}`);
    expect(invalid).toEqual([]);
  });

  it('writes its patterns in the regular expressions every language reads', () => {
    // No Unicode property escapes (\p{…}): JSON Schema's interoperable subset lacks them, and a
    // Python or .NET validator refuses the whole document over one. Each must compile without the u flag.
    const patterns = valuesOf(doc, 'pattern').filter((p): p is string => typeof p === 'string');
    expect(patterns.length).toBeGreaterThan(50);
    expect(patterns.filter((p) => /\\[pP]\{/.test(p))).toEqual([]);
    expect(patterns.filter((p) => { try { new RegExp(p); return false; } catch { return true; } })).toEqual([]);
  });

  it('holds every schema it refers to: no dangling $ref', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(100);
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(20);
    expect([...new Set(refs)].filter((ref) => resolve(ref) === undefined)).toEqual([]);
  });

  it('names every operation once, with the conventional names where they apply', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const idOf = (method: string, path: string) => doc.paths[path][method].operationId;
    expect(idOf('get', '/api/customers')).toBe('listCustomers');
    expect(idOf('get', '/api/customers/{id}')).toBe('getCustomer');
    expect(idOf('post', '/api/customers')).toBe('createCustomer');
    expect(idOf('patch', '/api/customers/{id}')).toBe('updateCustomer');
    expect(idOf('post', '/api/customers/{id}/merge')).toBe('mergeCustomer');
    // An action on what the path names is that verb, not a "create" (generators name methods after these).
    expect(idOf('post', '/api/surveys/{id}/publish')).toBe('publishSurvey');
    expect(idOf('post', '/api/surveys/{id}/themes/refresh')).toBe('refreshSurveyThemes');
    expect(idOf('post', '/api/surveys/{id}/distributions/{distributionId}/pause')).toBe('pauseSurveyDistribution');
    expect(idOf('post', '/api/surveys/{id}/distributions/{distributionId}/resume')).toBe('resumeSurveyDistribution');
    expect(idOf('delete', '/api/segments/{id}')).toBe('deleteSegment');
    // explicit ids in a route's schema win
    expect(idOf('post', '/api/imports/customers')).toBe('importCustomers');
  });

  it('describes the problem+json answers each route can give', () => {
    expect(resolve('#/components/schemas/Problem')).toMatchObject({ properties: { code: {}, detail: {}, errors: { type: 'array' } } });
    for (const { method, path, op } of operations) {
      const where = `${method} ${path}`;
      const statuses = Object.keys(op.responses);
      const problems = statuses.filter((s) => Number(s) >= 400);
      expect(problems.length, where).toBeGreaterThan(0);
      for (const status of problems) {
        const response = (op.responses[status].$ref ? resolve(op.responses[status].$ref) : op.responses[status]) as Json;
        const schema = response.content['application/problem+json'].schema;
        if (op.responses[status].$ref) expect(schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
        // A route's own problem schema (a 429 with `challenge` and `bits`) holds Problem's fields.
        else expect((resolve(schema.$ref) as Json).required, `${where} ${status}`).toEqual(expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']));
      }
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      // A public route answers 401 only for a session of its own (the loyalty member portal's), and says so.
      expect(statuses.includes('401'), where).toBe(!isPublic || /\b401\b/.test(op.description ?? ''));
      expect(statuses.includes('429'), where).toBe(isPublic);
      if (path.includes('{')) expect(statuses, where).toContain('404');
      if (op.requestBody || (op.parameters ?? []).some((p: Json) => p.in === 'query')) expect(statuses, where).toContain('400');
    }
    expect(Object.keys(doc.paths['/api/customers'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '422']));
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
  });

  it('lists every problem status its description names', () => {
    // Third-party clients type errors by the statuses listed: a 410 or a 404 the description
    // promises but the responses lack reaches the integrator untyped (or as an "unexpected" error).
    const missing = operations.flatMap(({ method, path, op }) =>
      [...new Set(`${op.summary ?? ''} ${op.description ?? ''}`.match(/(?<![\d.\-/])4\d\d(?![\d%])/g) ?? [])]
        .filter((status) => !op.responses[status])
        .map((status) => `${method} ${path} ${status}`));
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths['/api/public/surveys/{token}/responses'].post.responses)).toEqual(expect.arrayContaining(['409', '410', '422', '429']));
    expect(Object.keys(doc.paths['/api/public/complaints'].post.responses)).toContain('404');
    expect(Object.keys(doc.paths['/api/public/complaints/track'].post.responses)).toContain('404');
    expect(Object.keys(doc.paths['/api/public/loyalty/{workspaceSlug}/me'].get.responses)).toContain('401');
  });

  it("keeps a route's own problem schema: the filing and answer challenges carry `challenge` and `bits`", () => {
    // Problem forbids other properties, so the shared 429 would make a validating client refuse the challenge.
    for (const [path, schema] of [['/api/public/complaints', 'FilingRateProblem'], ['/api/public/surveys/{token}/responses', 'AnswerRateProblem']] as const) {
      const tooMany = doc.paths[path].post.responses['429'];
      expect(tooMany.content['application/problem+json'].schema).toEqual({ $ref: `#/components/schemas/${schema}` });
      expect(tooMany.headers['Retry-After']).toBeDefined();
      expect(Object.keys((resolve(`#/components/schemas/${schema}`) as Json).properties)).toEqual(expect.arrayContaining(['code', 'challenge', 'bits']));
    }
  });

  it('says what every success answers: 204 for no body, the media type of a download', () => {
    // A route without a response schema came out as "200, no content": wrong for the DELETEs that
    // answer 204, and for CSV downloads, which generators then parse as JSON.
    const bare = operations.flatMap(({ method, path, op }) =>
      Object.entries(op.responses as Json).filter(([status, response]) => status.startsWith('2') && status !== '204' && !response.$ref && !response.content).map(([status]) => `${method} ${path} ${status}`));
    // The SSO routes document their 302 and the SMS callbacks their JSON (openapi-conformance.test.ts): none is left.
    expect(bare.sort()).toEqual([]);
    for (const path of ['/api/segments/{id}', '/api/surveys/{id}', '/api/loyalty/programs/{programId}/tiers/{tierId}', '/api/complaints/settings/teams/{id}']) {
      expect(Object.keys(doc.paths[path].delete.responses).filter((s) => s.startsWith('2')), path).toEqual(['204']);
    }
    expect(doc.paths['/api/surveys/{id}/export.csv'].get.responses['200'].content).toEqual({ 'text/csv': { schema: { type: 'string' } } });
    expect(doc.paths['/api/loyalty/finance/report.csv'].get.responses['200'].content).toHaveProperty('text/csv');
  });

  it('offers the Idempotency-Key header on every authenticated write', () => {
    for (const { method, path, op } of operations) {
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      const header = (op.parameters ?? []).map((p: Json) => (p.$ref ? resolve(p.$ref) : p)).find((p: Json) => p.in === 'header' && p.name === 'Idempotency-Key');
      if (!isPublic) expect(!!header, `${method} ${path}`).toBe(method !== 'get');
      // A public write that reads the header says so, as a required parameter when it refuses to write without one.
      else if (/Needs an `Idempotency-Key`/.test(op.description ?? '')) expect(header?.required, `${method} ${path}`).toBe(true);
      else expect(!!header, `${method} ${path}`).toBe(/An Idempotency-Key makes/.test(op.description ?? ''));
    }
    for (const path of ['/api/public/loyalty/{workspaceSlug}/me/donations', '/api/public/loyalty/{workspaceSlug}/me/rewards/{rewardId}/coupon']) {
      expect(doc.paths[path].post.parameters, path).toContainEqual({ $ref: '#/components/parameters/IdempotencyKeyRequired' });
    }
    expect(doc.paths['/api/public/surveys/{token}/responses'].post.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
  });

  it('describes the CSV imports as multipart uploads with a binary file part', () => {
    for (const path of ['/api/imports/customers', '/api/imports/orders']) {
      const body = doc.paths[path].post.requestBody;
      const schema = body.content['multipart/form-data'].schema;
      expect(schema.required).toContain('file');
      expect(schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
      expect(schema.properties.mapping).toMatchObject({ type: 'string' });
      expect(Object.keys(doc.paths[path].post.responses)).toEqual(expect.arrayContaining(['202', '413', '415']));
    }
  });

  it('names VAFA_PUBLIC_URL as the server, whatever Host the request carried', async () => {
    expect(doc.servers).toEqual([{ url: 'https://cx.example.com' }]);
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/json', headers: { host: 'attacker.example' } });
    expect(ui.statusCode).toBe(200);
    expect(ui.json().servers).toEqual([{ url: 'https://cx.example.com' }]);
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html');
  });
});
