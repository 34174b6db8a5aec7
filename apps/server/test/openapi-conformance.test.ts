import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicBaseUrl } from '../src/platform/config.ts';
import { twilioSignature } from '../src/platform/messaging/sms-providers.ts';
import { callbackToken } from '../src/platform/messaging/tokens.ts';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';
import { startOidcProvider } from './oidc-provider.ts';

// What the server really answers, checked against what its document says, as a client generated
// from the document (hey-api, orval, swagger-typescript-api, openapi-typescript) reads it: the
// status is one the operation lists, the content type one that status lists, and a JSON body
// valid against that schema. Each case here is one the document once got wrong: a 410, a 404 for a
// workspace named in the body, a 401 of a member's session on a public route, a 204 documented as a
// 200, a CSV documented as nothing, a 429 carrying `challenge` and `bits` that Problem (which
// forbids other properties) refused, single sign-on's redirects documented as 200, SMS callbacks'
// JSON and TwiML documented as nothing, and a request body and its answer typed by two names for one shape.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document

let t: TestApp;
let ws: TestWorkspace;
let doc: Json;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  // A small burst limit, so the third cookieless filing is asked for a proof of work; SMS channels
  // whose provider is local (nothing is sent to it here).
  t = await startTestApp({ env: { VAFA_FILING_BURST_LIMIT: '2', VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  ws = await t.createWorkspace({ country: 'IR' });
  doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  ajv.addSchema({ $id: 'https://vafa.test/openapi.json', components: doc.components });
});
afterAll(() => t?.close());

const deref = (node: Json): Json => (typeof node?.$ref === 'string' ? node.$ref.replace(/^#\//, '').split('/').reduce((n: Json, k: string) => n[k], doc) : node);

/** '' when the answer is what the document says `method path` answers; else what differs. */
function mismatch(method: string, path: string, res: LightMyRequestResponse): string {
  const operation = doc.paths[path]?.[method];
  if (!operation) return `${method} ${path} is not in the document`;
  const where = `${method} ${path} → ${res.statusCode}`;
  const response = operation.responses[String(res.statusCode)];
  if (!response) return `${where}: status not documented (${Object.keys(operation.responses).join(', ')})`;
  const { content } = deref(response);
  const type = (res.headers['content-type'] as string | undefined)?.split(';')[0]?.trim();
  if (!content) return res.body === '' ? '' : `${where}: a ${type} body, none documented`;
  const media = content[type ?? ''] ?? content['*/*'];
  if (!media) return `${where}: ${type} not documented (${Object.keys(content).join(', ')})`;
  if (!type?.endsWith('json')) return '';
  const schema = JSON.stringify(media.schema).replaceAll('"#/components/', '"https://vafa.test/openapi.json#/components/');
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(JSON.parse(schema))));
  return validate(res.json()) ? '' : `${where}: body ${res.body.slice(0, 200)} fails the schema: ${ajv.errorsText(validate.errors)}`;
}

describe('answers as the OpenAPI document describes them', () => {
  it('a closed survey answers 410 to its page and its answers, both documented', async () => {
    const auth = t.auth(ws.keys.manager);
    const created = await t.app.inject({ method: 'POST', url: '/api/surveys', headers: auth, payload: { template: 'nps' } });
    expect(mismatch('post', '/api/surveys', created)).toBe('');
    const survey = created.json();
    const published = await t.app.inject({ method: 'POST', url: `/api/surveys/${survey.id}/publish`, headers: auth });
    expect(mismatch('post', '/api/surveys/{id}/publish', published)).toBe('');
    const token = published.json().publicToken as string;
    const page = await t.app.inject({ method: 'GET', url: `/api/public/surveys/${token}` });
    expect(mismatch('get', '/api/public/surveys/{token}', page)).toBe('');
    const question = page.json().questions.find((q: Json) => q.type === 'nps');
    const answer = (key: string) => t.app.inject({
      method: 'POST', url: `/api/public/surveys/${token}/responses`, headers: { 'idempotency-key': key },
      payload: { answers: { [question.id]: { score: 9 } }, complete: true },
    });
    const answered = await answer('first');
    expect(answered.statusCode).toBe(201);
    expect(mismatch('post', '/api/public/surveys/{token}/responses', answered)).toBe('');

    const csv = await t.app.inject({ method: 'GET', url: `/api/surveys/${survey.id}/export.csv`, headers: auth });
    expect(csv.statusCode).toBe(200);
    expect(mismatch('get', '/api/surveys/{id}/export.csv', csv)).toBe('');

    expect((await t.app.inject({ method: 'POST', url: `/api/surveys/${survey.id}/close`, headers: auth })).statusCode).toBe(200);
    const gone = await t.app.inject({ method: 'GET', url: `/api/public/surveys/${token}` });
    expect(gone.statusCode).toBe(410);
    expect(mismatch('get', '/api/public/surveys/{token}', gone)).toBe('');
    const late = await answer('late');
    expect(late.statusCode).toBe(410);
    expect(mismatch('post', '/api/public/surveys/{token}/responses', late)).toBe('');
  });

  it('deleting a draft survey answers 204, documented as 204', async () => {
    const auth = t.auth(ws.keys.manager);
    const draft = (await t.app.inject({ method: 'POST', url: '/api/surveys', headers: auth, payload: { template: 'csat_purchase' } })).json();
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/surveys/${draft.id}`, headers: auth });
    expect(deleted.statusCode).toBe(204);
    expect(mismatch('delete', '/api/surveys/{id}', deleted)).toBe('');
  });

  it('a complaint to an unknown workspace or code answers a documented 404; a burst, a 429 whose challenge the document describes', async () => {
    const filing = (workspace: string, n: number) => t.app.inject({
      method: 'POST', url: '/api/public/complaints',
      payload: { workspace, name: 'مشتری سند', phone: `0912123${String(n).padStart(4, '0')}`, description: 'سفارش دیر رسید', language: 'fa' },
    });
    const unknown = await filing('no-such-workspace', 1);
    expect(unknown.statusCode).toBe(404);
    expect(mismatch('post', '/api/public/complaints', unknown)).toBe('');

    const filed = await filing(ws.slug, 2);
    expect(filed.statusCode).toBe(201);
    expect(mismatch('post', '/api/public/complaints', filed)).toBe('');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/public/complaints/track', payload: { workspace: ws.slug, code: filed.json().trackingCode, verification: '9999' } });
    expect(wrong.statusCode).toBe(404);
    expect(mismatch('post', '/api/public/complaints/track', wrong)).toBe('');

    let challenged: LightMyRequestResponse | undefined;
    for (let n = 3; n < 20 && !challenged; n++) {
      const res = await filing(ws.slug, n);
      if (res.statusCode === 429) challenged = res;
    }
    expect(challenged?.json()).toMatchObject({ code: 'filing_challenge_required', challenge: expect.any(String), bits: expect.any(Number) });
    expect(mismatch('post', '/api/public/complaints', challenged!)).toBe('');
  });

  it("the member portal without a member's session answers a documented 401", async () => {
    const signedOut = await t.app.inject({ method: 'GET', url: `/api/public/loyalty/${ws.slug}/me` });
    expect(signedOut.statusCode).toBe(401);
    expect(mismatch('get', '/api/public/loyalty/{workspaceSlug}/me', signedOut)).toBe('');
  });

  it('single sign-on answers redirects, as documented, and every status it documents', { timeout: 120_000 }, async () => {
    const provider = await startOidcProvider({ redirectUri: 'http://127.0.0.1:9/api/auth/sso/callback', identities: {} });
    const withSso = await startTestApp({
      env: {
        VAFA_PUBLIC_URL: 'http://127.0.0.1:9', VAFA_OIDC_ISSUER: provider.issuer, VAFA_OIDC_CLIENT_ID: provider.clientId,
        VAFA_OIDC_CLIENT_SECRET: provider.clientSecret, VAFA_OUTBOUND_ALLOW: '127.0.0.1',
      },
    });
    try {
      const answered = { start: [] as LightMyRequestResponse[], callback: [] as LightMyRequestResponse[] };
      answered.start.push(await withSso.app.inject({ method: 'GET', url: '/api/auth/sso/start?returnTo=%2Fcustomers' }));
      expect(answered.start[0]!.statusCode).toBe(302);
      expect(new URL(String(answered.start[0]!.headers.location)).origin).toBe(provider.issuer);
      answered.start.push(await withSso.app.inject({ method: 'GET', url: '/api/auth/sso/start?next=%2F' }));
      // No transaction cookie: refused, back to the sign-in page.
      answered.callback.push(await withSso.app.inject({ method: 'GET', url: '/api/auth/sso/callback?code=x&state=y' }));
      expect(String(answered.callback[0]!.headers.location)).toMatch(/^\/sign-in\?sso_error=/);
      // This instance has no provider.
      answered.start.push(await t.app.inject({ method: 'GET', url: '/api/auth/sso/start' }));
      answered.callback.push(await t.app.inject({ method: 'GET', url: '/api/auth/sso/callback' }));
      for (const [step, responses] of Object.entries(answered)) {
        const path = `/api/auth/sso/${step}`;
        for (const res of responses) expect(mismatch('get', path, res)).toBe('');
        // Every status the document promises (but the rate limit's) is one the route was seen to answer.
        const documented = Object.keys(doc.paths[path].get.responses).filter((status) => status !== '429').sort();
        expect(documented, path).toEqual([...new Set(responses.map((r) => String(r.statusCode)))].sort());
        expect(doc.paths[path].get.responses['302'].headers.Location).toBeDefined();
      }
    } finally {
      await withSso.close();
      await provider.close();
    }
  });

  it("SMS providers' delivery reports and replies answer as documented: JSON, TwiML to Twilio, 403 unsigned, 404 unknown", async () => {
    const kavenegar = await t.createWorkspace({ country: 'IR' });
    const twilio = await t.createWorkspace({ country: 'IR' });
    const authToken = 'twilio-auth-token-conformance';
    const channel = (ws: TestWorkspace, payload: Json) => t.app.inject({ method: 'PUT', url: '/api/messaging/channels/sms', headers: t.auth(ws.keys.owner), payload });
    expect((await channel(kavenegar, { provider: 'kavenegar', baseUrl: 'http://127.0.0.1:9', sender: '10004346', apiKey: 'k-conformance' })).statusCode).toBe(200);
    expect((await channel(twilio, { provider: 'twilio', baseUrl: 'http://127.0.0.1:9', sender: '+15005550006', accountSid: `AC${'0'.repeat(32)}`, authToken })).statusCode).toBe(200);
    const post = (url: string, form: Record<string, string>, headers: Record<string, string> = {}) => t.app.inject({
      method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(form).toString(),
    });
    const report = '/hooks/sms/{provider}/{token}';
    const inbound = '/hooks/sms/{provider}/{token}/inbound';
    const kavenegarHook = `/hooks/sms/kavenegar/${callbackToken(t.vafa.config, kavenegar.tenantId)}`;
    const twilioHook = `/hooks/sms/twilio/${callbackToken(t.vafa.config, twilio.tenantId)}`;

    const reported = await post(kavenegarHook, { messageid: 'unknown-1', status: '10' });
    expect(reported.statusCode).toBe(200);
    expect(reported.json()).toEqual({ recorded: 0 });
    expect(mismatch('post', report, reported)).toBe('');
    const unknown = await post(`/hooks/sms/kavenegar/not-a-token`, { messageid: 'unknown-2', status: '10' });
    expect(unknown.statusCode).toBe(404);
    expect(mismatch('post', report, unknown)).toBe('');
    const unsigned = await post(twilioHook, { MessageSid: 'SM1', MessageStatus: 'delivered' });
    expect(unsigned.statusCode).toBe(403);
    expect(mismatch('post', report, unsigned)).toBe('');

    const replied = await post(`${kavenegarHook}/inbound`, { from: '09121110009', to: '10004346', message: '9', messageid: 'k-1' });
    expect(replied.statusCode).toBe(200);
    expect(replied.json()).toEqual({ recorded: false });
    expect(mismatch('post', inbound, replied)).toBe('');
    const form = { From: '+989121110009', To: '+15005550006', Body: '9', MessageSid: 'SM2' };
    const signature = twilioSignature(authToken, `${publicBaseUrl(t.vafa.config)}${twilioHook}/inbound`, form);
    const twiml = await post(`${twilioHook}/inbound`, form, { 'x-twilio-signature': signature });
    expect(twiml.statusCode).toBe(200);
    expect(twiml.headers['content-type']).toContain('text/xml');
    expect(mismatch('post', inbound, twiml)).toBe('');
    const forged = await post(`${twilioHook}/inbound`, form, { 'x-twilio-signature': 'forged' });
    expect(forged.statusCode).toBe(403);
    expect(mismatch('post', inbound, forged)).toBe('');
  });
});

describe('component schemas', () => {
  it('name each shape a request sends and a response answers once', () => {
    const schemas = doc.components.schemas as Record<string, Json>;
    // The zod transform writes every registered schema as read (`XInput`) and as answered (`X`).
    const twins = Object.keys(schemas).filter((name) => name.endsWith('Input') && schemas[name.slice(0, -'Input'.length)]
      && JSON.stringify(schemas[name]) === JSON.stringify(schemas[name.slice(0, -'Input'.length)]));
    expect(twins).toEqual([]);
    // A body whose shape is also answered refers to the one name: creating a reward sends CreateReward.
    expect(doc.paths['/api/loyalty/rewards'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateReward' });
    const refs = new Set([...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!));
    expect([...refs].filter((name) => !schemas[name])).toEqual([]);
  });
});
