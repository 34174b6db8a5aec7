import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { invite, NPS_SURVEY, publishSurvey } from '../../../test/survey-factories.ts';
import { solveChallenge } from './response-abuse.ts';
import { surveyAnswers, surveyResponses } from './survey.schema.ts';

// Role 'all': the outbox relay hands feedback.negative to the automation engine (the closed loop).
let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
  ([] as string[]).concat(setCookie ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));

async function page(url: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

async function post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const value of ([] as string[]).concat(v)) body.append(k, value);
  const res = await t.app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: body.toString() });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

/** What a browser posts from a step page: its hidden inputs and checked choices. */
function formOf(html: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [input] of html.matchAll(/<input [^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1] ?? '';
    if (!name || name === 'website') continue;
    if (/type="hidden"/.test(input) || / checked/.test(input)) form[name] = value.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return form;
}

async function api(method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
}

const responsesOf = (surveyId: string) => t.database.db.select().from(surveyResponses).where(and(eq(surveyResponses.tenantId, ws.tenantId), eq(surveyResponses.surveyId, surveyId)));
const answersOf = (surveyId: string) => t.database.db.select().from(surveyAnswers).where(and(eq(surveyAnswers.tenantId, ws.tenantId), eq(surveyAnswers.surveyId, surveyId)));

const ONE_QUESTION = { name: 'Quick NPS', settings: { languages: ['fa', 'ar', 'en'], defaultLanguage: 'fa' }, questions: [NPS_SURVEY.questions[0]] };

describe('the response page without JavaScript', () => {
  it('renders a one-question survey in Persian (rtl, Persian digits, strict CSP, hashed assets) and takes a plain form post', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, ONE_QUESTION);
    const first = await page(`/s/${survey.token}`, { 'accept-language': 'fa-IR,fa;q=0.9' });
    expect(first.status).toBe(200);
    expect(first.body).toContain('<html lang="fa" dir="rtl">');
    expect(first.body).toContain('>۰</span>');
    expect(first.body).toContain('>۱۰</span>');
    expect(first.headers['content-security-policy']).toContain("script-src 'self'");
    expect(first.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(first.body).not.toMatch(/<script>|style="/);
    const css = /href="(\/s\/assets\/survey\.[\w-]+\.css)"/.exec(first.body)![1]!;
    const asset = await page(css);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const device = cookieOf(first.headers['set-cookie'], 'vafa_device')!;

    const sent = await post(`/s/${survey.token}?lang=fa`, { q: 'nps', step: '0', nps: '۹' }, { cookie: device });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/s/${survey.token}?lang=fa&done=1`);
    const thanks = await page(sent.headers.location as string, { cookie: device });
    expect(thanks.body).toContain('سپاس از پاسخ شما');
    const [row] = await responsesOf(survey.id);
    expect(row).toMatchObject({ status: 'complete', channel: 'link', locale: 'fa' });
    expect((await answersOf(survey.id))[0]!.score).toBe(9);
    // Opening the link again on this device: already answered, with a way to change it.
    const again = await page(`/s/${survey.token}`, { cookie: `${device}; ${cookieOf(sent.headers['set-cookie'], 'vafa_r')}` });
    expect(again.body).toContain('پیش‌تر پاسخ داده‌اید');
    expect(again.body).toContain('edit=1');
  });

  it('walks a multi-step survey form by form, saves each step as partial, resumes from the link, and re-asks a refused answer', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const first = await page(`/s/${survey.token}?lang=en`);
    // Two questions until the score opens the branch.
    expect(first.body).toContain('Question 1 of 2');
    const device = cookieOf(first.headers['set-cookie'], 'vafa_device')!;
    const bad = await post(`/s/${survey.token}?lang=en`, { q: 'nps', step: '0', nps: '11' }, { cookie: device });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('must be between 0 and 10');
    expect(await responsesOf(survey.id)).toEqual([]);

    const step1 = await post(`/s/${survey.token}?lang=en`, { q: 'nps', step: '0', nps: '4' }, { cookie: device });
    expect(step1.status).toBe(303);
    expect(step1.headers.location).toBe(`/s/${survey.token}?lang=en&step=1`);
    const cookies = `${device}; ${cookieOf(step1.headers['set-cookie'], 'vafa_r')}`;
    expect((await responsesOf(survey.id))[0]).toMatchObject({ status: 'partial', step: 1 });
    // Reopening the link (no step) resumes at the first unanswered question: "what went wrong?" (4 ≤ 6).
    const resumed = await page(`/s/${survey.token}?lang=en`, { cookie: cookies });
    expect(resumed.body).toContain('What went wrong?');
    expect(resumed.body).toContain('Question 2 of 3');
    // Passing over a required question is refused on that step.
    const skipped = await post(`/s/${survey.token}?lang=en`, { q: 'why_low', step: '1', why_low: '  ' }, { cookie: cookies });
    expect(skipped.status).toBe(422);
    expect(skipped.body).toContain('Please answer the question');
    await post(`/s/${survey.token}?lang=en`, { q: 'why_low', step: '1', why_low: 'Slow delivery' }, { cookie: cookies });
    const done = await post(`/s/${survey.token}?lang=en`, { q: 'comment', step: '2', comment: '' }, { cookie: cookies });
    expect(done.headers.location).toBe(`/s/${survey.token}?lang=en&done=1`);
    const [row] = await responsesOf(survey.id);
    expect(row!.status).toBe('complete');
    const answers = Object.fromEntries((await answersOf(survey.id)).map((a) => [a.questionId, a]));
    expect(answers.nps!.score).toBe(4);
    expect(answers.why_low!.textValue).toBe('Slow delivery');
    expect(answers.comment!.skipped).toBe(true);
  });

  it('?score=9 (e-mail one-click) saves nothing on the GET a mail scanner makes; the page sends the chosen score, which counts at once', async () => {
    const customer = await createCustomer(t, ws);
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    // What Safe Links or Proofpoint do with every link in a mail: fetch it, and HEAD it.
    const scanned = await page(`/s/${invitation.token}?score=0&lang=fa`);
    expect(scanned.status).toBe(200);
    expect((await t.app.inject({ method: 'HEAD', url: `/s/${invitation.token}?score=0` })).statusCode).toBe(200);
    expect(await responsesOf(survey.id)).toEqual([]);

    const clicked = await page(`/s/${invitation.token}?score=9&lang=fa`);
    expect(clicked.status).toBe(200);
    expect(clicked.body).toContain('<form data-send-now method="post"');
    const form = formOf(clicked.body);
    expect(form).toMatchObject({ q: 'nps', nps: '9', oneclick: '1' });
    expect(await responsesOf(survey.id)).toEqual([]);
    // What the page's script (or the respondent's Send, without script) posts.
    const device = cookieOf(clicked.headers['set-cookie'], 'vafa_device')!;
    const sent = await post(`/s/${invitation.token}?lang=fa`, form, { cookie: device });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/s/${invitation.token}?lang=fa&step=1&edit=1`);
    const [row] = await responsesOf(survey.id);
    // Nothing else is required after a 9, so the score counts at once.
    expect(row).toMatchObject({ status: 'complete', channel: 'email' });
    expect((await answersOf(survey.id))[0]!.score).toBe(9);
    const cookies = `${device}; ${cookieOf(sent.headers['set-cookie'], 'vafa_r')}`;
    const next = await page(sent.headers.location as string, { cookie: cookies });
    expect(next.body).toContain('چیز دیگری هست که بخواهید بگویید؟');
    // Clicking another score in the same mail changes the answer rather than adding one.
    const again = await page(`/s/${invitation.token}?score=10`, { cookie: cookies });
    const changed = formOf(again.body);
    expect(changed).toMatchObject({ nps: '10', oneclick: '1', edit: '1' });
    expect((await post(`/s/${invitation.token}?lang=fa`, changed, { cookie: cookies })).status).toBe(303);
    expect((await answersOf(survey.id)).map((a) => a.score)).toEqual([10]);
    expect(await responsesOf(survey.id)).toHaveLength(1);
  });

  it('a one-click 3 leaves the response partial while "what went wrong?" is required, and sends on to it', async () => {
    const customer = await createCustomer(t, ws);
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    const clicked = await page(`/s/${invitation.token}?score=3&lang=en`);
    const device = cookieOf(clicked.headers['set-cookie'], 'vafa_device')!;
    const sent = await post(`/s/${invitation.token}?lang=en`, formOf(clicked.body), { cookie: device });
    expect(sent.headers.location).toBe(`/s/${invitation.token}?lang=en&step=1`);
    expect((await responsesOf(survey.id))[0]).toMatchObject({ status: 'partial' });
    // A score the scale does not have is shown to be chosen by hand, never sent by the script.
    const wrong = await page(`/s/${invitation.token}?score=99&lang=en`, { cookie: device });
    expect(wrong.body).not.toContain('data-send-now');
  });

  it('keeps the declared hidden fields from the link, and a honeypot post is thanked and forgotten', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, { ...ONE_QUESTION, settings: { ...ONE_QUESTION.settings, hiddenFields: ['store'] } });
    const first = await page(`/s/${survey.token}?store=tehran-3&other=x`);
    expect(first.body).toContain('name="h_store" value="tehran-3"');
    expect(first.body).not.toContain('h_other');
    const device = cookieOf(first.headers['set-cookie'], 'vafa_device')!;
    const bot = await post(`/s/${survey.token}`, { q: 'nps', step: '0', nps: '10', website: 'http://spam.example' }, { cookie: device });
    expect(bot.status).toBe(303);
    expect(await responsesOf(survey.id)).toEqual([]);
    await post(`/s/${survey.token}`, { q: 'nps', step: '0', nps: '10', h_store: 'tehran-3', h_other: 'x' }, { cookie: device });
    expect((await responsesOf(survey.id))[0]!.hidden).toEqual({ store: 'tehran-3' });
  });

  it('clear pages for an unknown token (404), a closed survey, an expired invitation and a used one', async () => {
    const unknown = await page('/s/AAAAAAAAAAAAAAAAAAAAAA', { 'accept-language': 'ar' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('dir="rtl"');
    expect(unknown.body).toContain('لم يُعثر على الاستبيان');
    expect((await page('/s/not-a-token')).status).toBe(404);

    const customer = await createCustomer(t, ws);
    const survey = await publishSurvey(t.database.db, ws.tenantId, ONE_QUESTION);
    const expired = await invite(t.database.db, ws.tenantId, survey.id, customer.id, { expiresAt: new Date(Date.now() - 1000) });
    const e = await page(`/s/${expired.token}?lang=en`);
    expect([e.status, e.body.includes('This link has expired')]).toEqual([410, true]);

    const used = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    await post(`/s/${used.token}`, { q: 'nps', step: '0', nps: '8' });
    const replay = await post(`/s/${used.token}?lang=en`, { q: 'nps', step: '0', nps: '0' });
    expect(replay.status).toBe(409);
    expect(replay.body).toContain('You have already answered');
    expect((await answersOf(survey.id)).map((a) => a.score)).toEqual([8]);

    await t.database.pool.query(`UPDATE surveys SET status = 'closed', closed_reason = 'manual' WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, survey.id]);
    const closed = await page(`/s/${survey.token}?lang=en`);
    expect([closed.status, closed.body.includes('This survey is closed')]).toEqual([410, true]);
  });

  it('answers garbage forms with 4xx and stores nothing', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const raw = async (payload: string, type: string) => (await t.app.inject({ method: 'POST', url: `/s/${survey.token}`, headers: { 'content-type': type }, payload })).statusCode;
    for (const [payload, type] of [
      ['__proto__=a&__proto__=b&q=nps&nps=abc', 'application/x-www-form-urlencoded'],
      ['q=nps&nps=7.5', 'application/x-www-form-urlencoded'],
      ['q=nope&nope=1', 'application/x-www-form-urlencoded'],
      ['q=nps&nps=%00', 'application/x-www-form-urlencoded'],
      [`q=comment&comment=${'x'.repeat(300_000)}`, 'application/x-www-form-urlencoded'],
      ['{"q":"nps","nps":{"a":1}}', 'application/json'],
      ['nps=9', 'text/plain'],
    ] as const) {
      const status = await raw(payload, type);
      expect(status, payload.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(status, payload.slice(0, 40)).toBeLessThan(500);
    }
    expect(await responsesOf(survey.id)).toEqual([]);
  });

  it('dates are entered in the respondent\'s calendar and stored as ISO days', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, {
      name: 'Visit', settings: { languages: ['fa', 'ar', 'en'], defaultLanguage: 'fa' },
      questions: [{ id: 'visited', type: 'date', required: true, title: { fa: 'کی آمدید؟', ar: 'متى زرتنا؟', en: 'When did you visit?' } }],
    });
    const form = await page(`/s/${survey.token}?lang=fa`);
    expect(form.body).toContain('فروردین');
    expect(form.body).toContain('name="visited__cal" value="persian"');
    // 1 Farvardin 1404 = 2025-03-21; 21 Ramadan 1446 too (REFERENCE.md §8).
    await post(`/s/${survey.token}`, { q: 'visited', step: '0', visited__d: '۱', visited__m: '1', visited__y: '1404', visited__cal: 'persian' });
    const device = cookieOf((await page(`/s/${survey.token}`)).headers['set-cookie'], 'vafa_device')!;
    await post(`/s/${survey.token}`, { q: 'visited', step: '0', visited__d: '21', visited__m: '9', visited__y: '1446', visited__cal: 'islamic-umalqura' }, { cookie: device });
    expect((await answersOf(survey.id)).map((a) => a.dateValue)).toEqual(['2025-03-21', '2025-03-21']);
    const bad = await post(`/s/${survey.token}?lang=fa`, { q: 'visited', step: '0', visited__d: '31', visited__m: '12', visited__y: '1403', visited__cal: 'persian' });
    expect(bad.status).toBe(422);
  });
});

describe('the public JSON API', () => {
  const url = (token: string) => `/api/public/surveys/${token}/responses`;

  it('refuses garbage answers with 4xx problems and stores nothing', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const cases: [unknown, number, string][] = [
      [{ answers: { nps: { score: 11 } }, complete: true }, 422, 'answer_out_of_range'],
      [{ answers: { nps: { score: 7.5 } }, complete: true }, 422, 'answer_not_integer'],
      [{ answers: { nope: { score: 1 } }, complete: true }, 422, 'unknown_question'],
      [{ answers: { nps: { score: 3 } }, complete: true }, 422, 'required_answer_missing'],
      [{ answers: { nps: { score: 9 }, why_low: { text: 'x' } }, complete: true }, 422, 'answer_to_hidden_question'],
      [{ answers: { nps: { score: 9 }, comment: { text: 'x'.repeat(501) } }, complete: true }, 422, 'answer_too_long'],
      [{ answers: { nps: { score: '9' } }, complete: true }, 400, 'validation_failed'],
      [{ answers: {}, complete: 'yes' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api('POST', url(survey.token), body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const huge = await t.app.inject({ method: 'POST', url: url(survey.token), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ answers: { nps: { score: 9 }, comment: { text: 'x'.repeat(1024 * 1024) } }, complete: true }) });
    expect(huge.statusCode).toBeGreaterThanOrEqual(400);
    expect(huge.statusCode).toBeLessThan(500);
    expect(await responsesOf(survey.id)).toEqual([]);
    expect((await api('POST', url('AAAAAAAAAAAAAAAAAAAAAA'), { answers: {}, complete: false })).status).toBe(404);
  });

  it('saves a step, continues it from the same device, and an Idempotency-Key replays the first result', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const opened = await api('GET', `/api/public/surveys/${survey.token}?lang=ar`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ id: survey.id, language: 'ar', response: null, challenge: null });
    const device = { 'x-vafa-device': opened.body.device };
    const partial = await api('POST', url(survey.token), { answers: { nps: { score: 5 } }, complete: false }, { ...device, 'idempotency-key': 'k-1' });
    expect(partial.status).toBe(201);
    const replay = await api('POST', url(survey.token), { answers: { nps: { score: 5 } }, complete: false }, { ...device, 'idempotency-key': 'k-1' });
    expect(replay.body.responseId).toBe(partial.body.responseId);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await responsesOf(survey.id)).toHaveLength(1);
    const resumed = await api('GET', `/api/public/surveys/${survey.token}?response=${partial.body.responseId}`, undefined, device);
    expect(resumed.body.response).toMatchObject({ id: partial.body.responseId, status: 'partial', answers: { nps: { score: 5 } } });
    // Another device cannot touch it.
    expect((await api('POST', url(survey.token), { responseId: partial.body.responseId, answers: { why_low: { text: 'x' } }, complete: true })).status).toBe(404);
    const done = await api('POST', url(survey.token), { responseId: partial.body.responseId, answers: { why_low: { text: 'late' } }, complete: true }, device);
    expect(done.body).toMatchObject({ responseId: partial.body.responseId, status: 'complete' });
  });

  it('asks for a proof of work when one device floods a public link, and takes a valid proof', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, ONE_QUESTION);
    const device = { 'x-vafa-device': (await api('GET', `/api/public/surveys/${survey.token}`)).body.device };
    let challenged: { challenge: string; bits: number } | undefined;
    for (let i = 0; i < 10 && !challenged; i++) {
      const res = await api('POST', url(survey.token), { answers: { nps: { score: 9 } }, complete: true }, device);
      if (res.status === 429) challenged = res.body;
      else expect(res.status).toBe(201);
    }
    expect(challenged?.challenge).toBeTruthy();
    const before = (await responsesOf(survey.id)).length;
    const proof = solveChallenge(challenged!.challenge, challenged!.bits);
    const proved = await api('POST', url(survey.token), { answers: { nps: { score: 9 } }, complete: true, proof }, device);
    expect(proved.status).toBe(201);
    // A proof is good once.
    expect((await api('POST', url(survey.token), { answers: { nps: { score: 9 } }, complete: true, proof }, device)).status).toBe(429);
    expect((await responsesOf(survey.id)).length).toBe(before + 1);
  });
});

describe('closing the loop', () => {
  it('a detractor answer through an invitation opens an urgent follow-up for the customer', async () => {
    const customer = await createCustomer(t, ws);
    const survey = await publishSurvey(t.database.db, ws.tenantId, ONE_QUESTION);
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    const sent = await post(`/s/${invitation.token}`, { q: 'nps', step: '0', nps: '2' });
    expect(sent.status).toBe(303);
    const followup = await eventually(async () => {
      const { rows } = await t.database.pool.query(`SELECT priority, reason, source FROM followups WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, customer.id]);
      return rows[0];
    }, 'a follow-up for the detractor');
    expect(followup).toMatchObject({ priority: 'urgent', reason: 'negative_experience' });
    const timeline = await api('GET', `/api/customers/${customer.id}/timeline`, undefined, t.auth(ws.keys.agent));
    expect(JSON.stringify(timeline.body)).toContain('survey.answered');
  });
});

describe('the responses API', () => {
  it('lists with filters and a keyset cursor, shows one labelled by its version, and managers delete (rollups follow, audited)', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const device = (n: number) => ({ 'x-vafa-device': '' + n });
    const scores = [0, 3, 7, 9, 10];
    for (const score of scores) {
      const answers = score <= 6 ? { nps: { score }, why_low: { text: `text ${score}` } } : { nps: { score } };
      expect((await api('POST', url(survey.token), { answers, complete: true }, device(score))).status).toBe(201);
    }
    const owner = t.auth(ws.keys.owner);
    const all = await api('GET', `/api/surveys/${survey.id}/responses?limit=2`, undefined, owner);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    const rest = await api('GET', `/api/surveys/${survey.id}/responses?limit=10&cursor=${all.body.nextCursor}`, undefined, owner);
    expect(rest.body.items).toHaveLength(3);
    expect(rest.body.nextCursor).toBeNull();
    const detractors = await api('GET', `/api/surveys/${survey.id}/responses?scoreMin=0&scoreMax=6`, undefined, owner);
    expect(detractors.body.items.map((i: { answers: { nps: { score: number } } }) => i.answers.nps.score).sort()).toEqual([0, 3]);
    const withText = await api('GET', `/api/surveys/${survey.id}/responses?hasText=true`, undefined, owner);
    expect(withText.body.items).toHaveLength(2);
    const one = await api('GET', `/api/surveys/${survey.id}/responses/${detractors.body.items[0].id}`, undefined, t.auth(ws.keys.agent));
    expect(one.status).toBe(200);
    expect(one.body.questions.map((q: { id: string }) => q.id)).toEqual(['nps', 'why_low', 'comment']);
    expect((await api('GET', `/api/surveys/${survey.id}/responses?cursor=garbage`, undefined, owner)).status).toBe(400);

    const target = detractors.body.items[0].id;
    const del = (key: string) => t.app.inject({ method: 'DELETE', url: `/api/surveys/${survey.id}/responses/${target}`, headers: t.auth(key) });
    expect((await del(ws.keys.agent)).statusCode).toBe(403);
    expect((await del(ws.keys.analyst)).statusCode).toBe(403);
    expect((await del(ws.keys.manager)).statusCode).toBe(204);
    expect((await del(ws.keys.manager)).statusCode).toBe(404);
    const { rows } = await t.database.pool.query(`SELECT sum(answered)::int AS n, sum(detractors)::int AS d FROM survey_rollups WHERE tenant_id = $1 AND survey_id = $2 AND question_id = 'nps' AND bucket = '' AND segment_id = '00000000-0000-0000-0000-000000000000'`, [ws.tenantId, survey.id]);
    expect(rows[0]).toEqual({ n: 4, d: 1 });
    const audit = await t.database.pool.query(`SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = 'survey_response.deleted' AND target_id = $2`, [ws.tenantId, target]);
    expect(audit.rows).toHaveLength(1);
  });

  const url = (token: string) => `/api/public/surveys/${token}/responses`;

  it('previews the draft as HTML for any role that reads surveys, in the asked language', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const res = await t.app.inject({ method: 'GET', url: `/api/surveys/${survey.id}/preview?lang=ar`, headers: t.auth(ws.keys.analyst) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('dir="rtl"');
    expect(res.body).toContain('ما مدى احتمال أن توصي بنا لأصدقائك؟');
    expect(res.body).toContain('٠');
    const other = await t.createWorkspace();
    expect((await t.app.inject({ method: 'GET', url: `/api/surveys/${survey.id}/preview`, headers: t.auth(other.keys.owner) })).statusCode).toBe(404);
  });
});
