import { gunzipSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { NPS_SURVEY, publishSurvey, setSurveyStatus, type PublishedSurvey } from '../../../test/survey-factories.ts';
import { solveChallenge } from './response-abuse.ts';
import { surveyAnswers, surveyLastContact, surveyRespondents, surveyResponses } from './survey.schema.ts';

let t: TestApp;
let ws: TestWorkspace;
let survey: PublishedSurvey;

const SHOP = 'https://shop.example';
const widgetSettings = (extra: Record<string, unknown> = {}) => ({
  ...NPS_SURVEY,
  settings: {
    ...NPS_SURVEY.settings,
    widget: { enabled: true, triggers: [{ type: 'url_match', pattern: '/checkout/*' }, { type: 'event', name: 'paid' }], samplingPercent: 40, origins: [SHOP, 'https://*.brand.example'], ...extra },
  },
});

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
  survey = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
}, 120_000);
afterAll(() => t?.close());

const config = (token: string, query = '', origin: string | undefined = SHOP) =>
  t.app.inject({ method: 'GET', url: `/api/public/widget/${token}${query}`, headers: origin ? { origin } : {} });
const answer = (token: string, payload: unknown, origin: string | undefined = SHOP, device?: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/public/widget/${token}/responses`,
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}), ...(device ? { 'x-vafa-device': device } : {}) },
    payload: JSON.stringify(payload),
  });
const responsesOf = (surveyId: string) =>
  t.database.db.select().from(surveyResponses).where(and(eq(surveyResponses.tenantId, ws.tenantId), eq(surveyResponses.surveyId, surveyId)));

describe('the widget bundle', () => {
  it('is served under its content hash for a year, gzipped, loadable from any site', async () => {
    const redirect = await t.app.inject({ method: 'GET', url: '/widget/v1.js' });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers['cache-control']).toBe('public, max-age=300');
    const location = String(redirect.headers.location);
    expect(location).toMatch(/^\/widget\/v1\/[0-9a-f]{12}\.js$/);

    const plain = await t.app.inject({ method: 'GET', url: location });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(plain.headers['access-control-allow-origin']).toBe('*');
    expect(plain.body).toContain('/api/public/widget/');

    const gzipped = await t.app.inject({ method: 'GET', url: location, headers: { 'accept-encoding': 'gzip, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThanOrEqual(10 * 1024);
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(plain.body);
  });

  it('answers 404 for any other name', async () => {
    for (const url of ['/widget/v1/000000000000.js', '/widget/v1/..%2f..%2fpackage.json', '/widget/v1/manifest.json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });
});

describe('GET /api/public/widget/:token', () => {
  it("gives the first questions in the visitor's language, the triggers and the sampling", async () => {
    const res = await config(survey.token, '?lang=fa-IR');
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const body = res.json();
    expect(body).toMatchObject({
      locale: 'fa',
      dir: 'rtl',
      samplingPercent: 40,
      recontactDays: 30,
      eligible: true,
      triggers: [{ type: 'url_match', pattern: '/checkout/*' }, { type: 'event', name: 'paid' }],
    });
    expect(body.questions.map((q: { id: string }) => q.id)).toEqual(['nps', 'why_low']);
    expect(body.questions[0]).toMatchObject({ type: 'nps', min: 0, max: 10, title: NPS_SURVEY.questions[0]!.title.fa, lowLabel: 'اصلاً احتمال ندارد' });
    expect(body.questions[1].showIf).toEqual({ question: 'nps', op: 'lte', value: 6 });

    const en = (await config(survey.token, '?lang=en-GB')).json();
    expect(en).toMatchObject({ locale: 'en', dir: 'ltr' });
    expect(en.questions[0].title).toBe(NPS_SURVEY.questions[0]!.title.en);
    expect(en.texts.close).toBe('Close');
    // a language the survey lacks: its default
    expect((await config(survey.token, '?lang=de')).json().locale).toBe('fa');
  });

  it('answers a page on an allowed origin, its subdomains by wildcard, and our own pages; refuses others', async () => {
    expect((await config(survey.token, '', 'https://www.brand.example')).statusCode).toBe(200);
    expect((await config(survey.token, '', undefined)).statusCode).toBe(200);
    for (const origin of ['https://evil.example', 'http://shop.example', 'https://brand.example.evil.example', 'https://shop.example.evil.example']) {
      const res = await config(survey.token, '', origin);
      expect(res.statusCode, origin).toBe(403);
      expect(res.json().code).toBe('widget_origin_not_allowed');
    }
  });

  it('is 404 for an unknown token, a survey whose widget is off, a closed survey, a kiosk or invitation token', async () => {
    const off = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, settings: { ...NPS_SURVEY.settings, widget: { enabled: false } } });
    const none = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const closed = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
    await setSurveyStatus(t.database.db, ws.tenantId, closed.id, 'closed');
    for (const token of ['AAAAAAAAAAAAAAAAAAAAAA', 'x', off.token, none.token, closed.token]) {
      const res = await config(token);
      expect(res.statusCode, token).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await config('%00')).statusCode).toBeGreaterThanOrEqual(400);
  });

  it('says an identified customer asked within the recontact limit is not eligible', async () => {
    const externalId = `shop-${Date.now()}`;
    const customer = await createCustomer(t, ws, { externalId });
    expect((await config(survey.token, `?customer=${externalId}`)).json().eligible).toBe(true);
    await t.database.db.insert(surveyLastContact).values({ tenantId: ws.tenantId, customerId: customer.id, at: new Date(Date.now() - 86_400_000) });
    expect((await config(survey.token, `?customer=${externalId}`)).json().eligible).toBe(false);
    // an external id the workspace does not know is an anonymous visitor
    expect((await config(survey.token, '?customer=nobody-here')).json().eligible).toBe(true);
  });
});

describe('POST /api/public/widget/:token/responses', () => {
  it('saves a complete widget response', async () => {
    const s = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
    const res = await answer(s.token, { locale: 'fa', answers: { nps: { score: 9 } } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'complete', device: expect.any(String) });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const [row, ...rest] = await responsesOf(s.id);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ channel: 'widget', status: 'complete', locale: 'fa' });
    const answers = await t.database.db.select().from(surveyAnswers).where(and(eq(surveyAnswers.tenantId, ws.tenantId), eq(surveyAnswers.responseId, row!.id)));
    expect(answers.map((a) => [a.questionId, a.score])).toEqual([['nps', 9]]);
  });

  it('keeps a detractor who closed before the required follow-up as a partial response, and completes with it', async () => {
    const s = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
    expect((await answer(s.token, { locale: 'en', answers: { nps: { score: 3 } } })).json().status).toBe('partial');
    expect((await answer(s.token, { locale: 'en', answers: { nps: { score: 3 }, why_low: { text: 'slow delivery' } } })).json().status).toBe('complete');
    expect((await responsesOf(s.id)).map((r) => r.status).sort()).toEqual(['complete', 'partial']);
  });

  it("records an identified customer's answer and refuses a second within the recontact limit", async () => {
    const s = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
    const externalId = `w-${Date.now()}`;
    const customer = await createCustomer(t, ws, { externalId });
    expect((await answer(s.token, { locale: 'fa', answers: { nps: { score: 10 } }, customer: externalId })).statusCode).toBe(201);
    const [row] = await responsesOf(s.id);
    const [respondent] = await t.database.db.select().from(surveyRespondents).where(and(eq(surveyRespondents.tenantId, ws.tenantId), eq(surveyRespondents.responseId, row!.id)));
    expect(respondent?.customerId).toBe(customer.id);

    const again = await answer(s.token, { locale: 'fa', answers: { nps: { score: 2 } }, customer: externalId });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('recontact_limit');
    expect(await responsesOf(s.id)).toHaveLength(1);
    expect((await config(s.token, `?customer=${externalId}`)).json().eligible).toBe(false);
  });

  it('stores no customer reference for an anonymous survey, whatever the page says', async () => {
    const s = await publishSurvey(t.database.db, ws.tenantId, { ...widgetSettings(), settings: { ...widgetSettings().settings, anonymous: true } });
    const externalId = `anon-${Date.now()}`;
    await createCustomer(t, ws, { externalId });
    expect((await answer(s.token, { locale: 'fa', answers: { nps: { score: 8 } }, customer: externalId })).statusCode).toBe(201);
    const [row] = await responsesOf(s.id);
    expect(await t.database.db.select().from(surveyRespondents).where(and(eq(surveyRespondents.tenantId, ws.tenantId), eq(surveyRespondents.responseId, row!.id)))).toEqual([]);
  });

  it('refuses garbage with 4xx and stores nothing', async () => {
    const s = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
    const cases: [string, () => Promise<{ statusCode: number; json(): { code: string } }>, number, string][] = [
      ['an out-of-range score', () => answer(s.token, { locale: 'fa', answers: { nps: { score: 11 } } }), 422, 'answer_out_of_range'],
      ['a non-integer score', () => answer(s.token, { locale: 'fa', answers: { nps: { score: 8.5 } } }), 422, 'answer_not_integer'],
      ['a question the widget does not ask', () => answer(s.token, { locale: 'fa', answers: { comment: { text: 'hi' } } }), 422, 'unknown_question'],
      ['an unknown question', () => answer(s.token, { locale: 'fa', answers: { nope: { score: 1 } } }), 422, 'unknown_question'],
      ['no answers', () => answer(s.token, { locale: 'fa', answers: {} }), 400, 'validation_failed'],
      ['a 1 MB text', () => answer(s.token, { locale: 'fa', answers: { nps: { score: 2 }, why_low: { text: 'x'.repeat(1_000_000) } } }), 400, 'validation_failed'],
      ['a wrong origin', () => answer(s.token, { locale: 'fa', answers: { nps: { score: 9 } } }, 'https://evil.example'), 403, 'widget_origin_not_allowed'],
      ['an unknown token', () => answer('AAAAAAAAAAAAAAAAAAAAAA', { locale: 'fa', answers: { nps: { score: 9 } } }), 404, 'widget_not_available'],
      ['an unknown locale', () => answer(s.token, { locale: 'de', answers: { nps: { score: 9 } } }), 400, 'validation_failed'],
      ['an extra field', () => answer(s.token, { locale: 'fa', answers: { nps: { score: 9 } }, admin: true }), 400, 'validation_failed'],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      expect(res.statusCode, name).toBe(status);
      expect(res.json().code, name).toBe(code);
    }
    const truncated = await t.app.inject({ method: 'POST', url: `/api/public/widget/${s.token}/responses`, headers: { 'content-type': 'application/json' }, payload: '{"locale":"fa","answers":{"nps":{"sco' });
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().code).toBe('malformed_json');
    expect(await responsesOf(s.id)).toEqual([]);
  });

  it('keeps a device id for the widget, and asks a burst for a proof of work instead of refusing it', async () => {
    const s = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
    const first = (await answer(s.token, { locale: 'fa', answers: { nps: { score: 9 } } })).json();
    const again = (await answer(s.token, { locale: 'fa', answers: { nps: { score: 8 } } }, SHOP, first.device)).json();
    expect(again.device).toBe(first.device);
    const [one, two] = (await responsesOf(s.id)).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    // the id minted with the first answer, sent back with the second: one device
    expect(one!.deviceHash).not.toBeNull();
    expect(two!.deviceHash!.equals(one!.deviceHash!)).toBe(true);

    // Many answers without a device id in a minute look automated: the next must prove work.
    let challenged: { challenge: string; bits: number; code: string } | undefined;
    for (let i = 0; i < 20 && !challenged; i++) {
      const res = await answer(s.token, { locale: 'fa', answers: { nps: { score: 7 } } });
      if (res.statusCode === 429) challenged = res.json();
      else expect(res.statusCode).toBe(201);
    }
    expect(challenged).toMatchObject({ code: 'challenge_required', bits: expect.any(Number) });
    const count = (await responsesOf(s.id)).length;
    const proved = await answer(s.token, { locale: 'fa', answers: { nps: { score: 7 } }, proof: solveChallenge(challenged!.challenge, challenged!.bits) });
    expect(proved.statusCode).toBe(201);
    expect(await responsesOf(s.id)).toHaveLength(count + 1);
    // a spent proof does not buy a second answer
    expect((await answer(s.token, { locale: 'fa', answers: { nps: { score: 7 } }, proof: solveChallenge(challenged!.challenge, challenged!.bits) })).statusCode).toBe(429);
  });

  it('answers for a closed survey with 409 survey_closed', async () => {
    const s = await publishSurvey(t.database.db, ws.tenantId, widgetSettings());
    await setSurveyStatus(t.database.db, ws.tenantId, s.id, 'closed');
    const res = await answer(s.token, { locale: 'fa', answers: { nps: { score: 9 } } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('survey_closed');
  });

  it('answers the browser preflight for a JSON post from another site', async () => {
    const res = await t.app.inject({ method: 'OPTIONS', url: `/api/public/widget/${survey.token}/responses`, headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('POST');
    expect(res.headers['access-control-allow-headers']).toBe('content-type, x-vafa-device');
  });
});

describe('GET /widget/demo', () => {
  it('embeds the widget under a strict policy: nonce and strict-dynamic, no inline style of any kind', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/widget/demo?survey=${survey.token}&lang=ar` });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("style-src-attr 'none'");
    expect(csp).toContain("style-src-elem 'self'");
    expect(csp).not.toContain('unsafe');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(res.body).toContain(`<script nonce="${nonce}" src="`);
    expect(res.body).toContain(`data-survey="${survey.token}"`);
    expect(res.body).toContain('dir="rtl"');
    expect(res.body).not.toMatch(/style=/);
    expect((await t.app.inject({ method: 'GET', url: '/widget/demo?survey=<script>' })).statusCode).toBe(400);
    // the tag-manager variant: the page's own script adds the widget's tag, trusted through 'strict-dynamic'
    const injected = await t.app.inject({ method: 'GET', url: `/widget/demo?survey=${survey.token}&inject=1` });
    expect(String(injected.headers['content-security-policy'])).toContain("'strict-dynamic'");
    expect(injected.body).toContain(`data-survey="${survey.token}"`);
    expect(injected.body).not.toMatch(/<script[^>]+data-survey/);
  });
});
