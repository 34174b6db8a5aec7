import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { publishSurvey, setSurveyStatus, type PublishedSurvey } from '../../../test/survey-factories.ts';
import { surveyAnswers, surveyKiosks, surveyResponses, surveyTokens } from './survey.schema.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let survey: PublishedSurvey;

const FACES_SURVEY = {
  name: 'Branch CSAT',
  settings: { languages: ['fa', 'en'], defaultLanguage: 'fa' },
  questions: [
    { id: 'csat', type: 'csat', points: 5, style: 'faces', required: true, title: { fa: 'از خدمات امروز چقدر راضی بودید؟', en: 'How satisfied were you today?' } },
    { id: 'why', type: 'text', title: { fa: 'چرا؟', en: 'Why?' } },
  ],
};

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
  other = await t.createWorkspace({ country: 'SA' });
  survey = await publishSurvey(t.database.db, ws.tenantId, FACES_SURVEY);
}, 120_000);
afterAll(() => t?.close());

async function register(surveyId: string, location = 'شعبه‌ی ونک', headers: Record<string, string> = t.auth(ws.keys.manager)) {
  return t.app.inject({ method: 'POST', url: `/api/surveys/${surveyId}/kiosks`, headers, payload: { location } });
}
const sync = (token: string, answers: unknown[]) =>
  t.app.inject({ method: 'POST', url: `/api/public/kiosk/${token}/answers`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ answers }) });
const kioskResponses = (kioskId: string) =>
  t.database.db.select().from(surveyResponses).where(and(eq(surveyResponses.tenantId, ws.tenantId), eq(surveyResponses.kioskId, kioskId)));
let refs = 0;
const ref = () => `ref-${Date.now().toString(36)}-${++refs}`;

describe('registering kiosks', () => {
  it('answers the token and link once, keeps only the hash, and audits', async () => {
    const res = await register(survey.id);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.kiosk).toMatchObject({ surveyId: survey.id, location: 'شعبه‌ی ونک', lastSeenAt: null, revokedAt: null, responseCount: 0 });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.url).toBe(`http://localhost:${t.vafa.config.port}/k/${body.token}`);

    const stored = await t.database.db.select().from(surveyTokens).where(eq(surveyTokens.targetId, body.kiosk.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'kiosk', tenantId: ws.tenantId, surveyId: survey.id });
    expect(stored[0]!.tokenHash.equals(createHash('sha256').update(body.token).digest())).toBe(true);
    const dump = JSON.stringify(await t.database.db.select().from(surveyKiosks).where(eq(surveyKiosks.id, body.kiosk.id)));
    expect(dump).not.toContain(body.token);

    const audit = await t.database.pool.query(`SELECT action, details FROM audit_log WHERE tenant_id = $1 AND action = 'survey.kiosk_registered' AND details->>'kioskId' = $2`, [ws.tenantId, body.kiosk.id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].details.location).toBe('شعبه‌ی ونک');
  });

  it('withholds the token from an idempotent replay', async () => {
    const headers = { ...t.auth(ws.keys.manager), 'idempotency-key': `kiosk-${Date.now()}` };
    const first = await register(survey.id, 'Counter 2', headers);
    const replay = await register(survey.id, 'Counter 2', headers);
    expect(replay.statusCode).toBe(201);
    expect(replay.json().kiosk.id).toBe(first.json().kiosk.id);
    expect(replay.json().token).toBeUndefined();
    expect(replay.json().url).toBeUndefined();
    expect(replay.json().secretWithheld).toBe(true);
  });

  it('refuses analysts and agents, a blank location, and another workspace’s survey', async () => {
    expect((await register(survey.id, 'x', t.auth(ws.keys.analyst))).statusCode).toBe(403);
    expect((await register(survey.id, 'x', t.auth(ws.keys.agent))).statusCode).toBe(403);
    expect((await register(survey.id, '   ')).statusCode).toBe(400);
    const theirs = await register(survey.id, 'x', t.auth(other.keys.owner));
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('survey_not_found');
    expect((await t.app.inject({ method: 'GET', url: `/api/surveys/${survey.id}/kiosks`, headers: t.auth(other.keys.owner) })).statusCode).toBe(404);
  });
});

describe('the kiosk page', () => {
  it('is a page of its own files under a strict policy, with the survey in each of its languages', async () => {
    const { token, kiosk } = (await register(survey.id, 'Mall <b>branch</b>')).json();
    const res = await t.app.inject({ method: 'GET', url: `/k/${token}` });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('<html lang="fa" dir="rtl">');
    expect(res.body).not.toContain('<b>branch</b>');
    expect(res.body).not.toMatch(/style=|<style/);

    const json = /<script type="application\/json" id="vafa-kiosk-config">(.*?)<\/script>/s.exec(res.body)![1]!;
    const config = JSON.parse(json);
    expect(config).toMatchObject({ kioskId: kiosk.id, location: 'Mall <b>branch</b>', syncUrl: `/api/public/kiosk/${token}/answers`, defaultLocale: 'fa' });
    expect(config.languages.map((l: { locale: string }) => l.locale)).toEqual(['fa', 'en']);
    expect(config.languages[1].questions[0]).toMatchObject({ id: 'csat', type: 'csat', style: 'faces', min: 1, max: 5, title: 'How satisfied were you today?' });
    expect((await t.app.inject({ method: 'GET', url: `/k/${token}?lang=en` })).body).toContain('<html lang="en" dir="ltr">');

    for (const src of [/<script src="([^"]+)"/.exec(res.body)![1]!, /<link rel="stylesheet" href="([^"]+)"/.exec(res.body)![1]!]) {
      expect(src).toMatch(/^\/k\/assets\/kiosk\.[0-9a-f]{12}\.(js|css)$/);
      const asset = await t.app.inject({ method: 'GET', url: src });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    const [row] = await t.database.db.select().from(surveyKiosks).where(eq(surveyKiosks.id, kiosk.id));
    expect(row!.lastSeenAt).not.toBeNull();
  });

  it('says plainly when the kiosk is unknown or its survey closed', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/k/AAAAAAAAAAAAAAAAAAAAAA', headers: { 'accept-language': 'ar' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('هذا الكشك غير مفعّل');
    const closed = await publishSurvey(t.database.db, ws.tenantId, FACES_SURVEY);
    const { token } = (await register(closed.id)).json();
    await setSurveyStatus(t.database.db, ws.tenantId, closed.id, 'closed');
    const res = await t.app.inject({ method: 'GET', url: `/k/${token}` });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('این کیوسک فعال نیست');
    expect(res.body).toContain('<meta http-equiv="refresh" content="60">');
    // a language nobody offers: the survey's default, never an error
    expect((await t.app.inject({ method: 'GET', url: `/k/${token}?lang=de` })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'GET', url: `/k/AAAAAAAAAAAAAAAAAAAAAA?lang=de` })).statusCode).toBe(404);
    const draft = await t.app.inject({ method: 'POST', url: '/api/surveys', headers: t.auth(ws.keys.manager), payload: { definition: FACES_SURVEY } });
    expect(draft.statusCode).toBe(201);
    const early = (await register(draft.json().id)).json();
    expect((await t.app.inject({ method: 'GET', url: `/k/${early.token}?lang=de` })).statusCode).toBe(409);
  });
});

describe("a kiosk's answers", () => {
  it('counts a resend once and keeps the time each answer was given', async () => {
    const { token, kiosk } = (await register(survey.id)).json();
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const batch = [
      { clientRef: ref(), locale: 'fa', answers: { csat: { score: 5 } }, answeredAt: hourAgo },
      { clientRef: ref(), locale: 'en', answers: { csat: { score: 2 }, why: { text: 'long queue' } }, answeredAt: new Date().toISOString() },
    ];
    const first = await sync(token, batch);
    expect(first.statusCode).toBe(200);
    expect(first.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['saved', 'saved']);
    // the same batch again (the answer to the first send was lost), and both at once
    const again = await Promise.all([sync(token, batch), sync(token, batch)]);
    for (const res of again) expect(res.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['duplicate', 'duplicate']);

    const rows = await kioskResponses(kiosk.id);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.channel === 'kiosk' && r.status === 'complete')).toBe(true);
    const early = rows.find((r) => r.clientRef === batch[0]!.clientRef)!;
    expect(early.submittedAt!.toISOString()).toBe(hourAgo);
    const answers = await t.database.db.select().from(surveyAnswers).where(and(eq(surveyAnswers.tenantId, ws.tenantId), eq(surveyAnswers.responseId, early.id)));
    expect(answers.map((a) => a.score)).toEqual([5]);

    const list = await t.app.inject({ method: 'GET', url: `/api/surveys/${survey.id}/kiosks`, headers: t.auth(ws.keys.analyst) });
    expect(list.json().items.find((k: { id: string }) => k.id === kiosk.id).responseCount).toBe(2);
  });

  it('refuses a bad answer on its own and saves the rest of the batch', async () => {
    const { token, kiosk } = (await register(survey.id)).json();
    const results = (await sync(token, [
      { clientRef: ref(), locale: 'fa', answers: { csat: { score: 6 } }, answeredAt: new Date().toISOString() },
      { clientRef: ref(), locale: 'fa', answers: { csat: { score: 4 } }, answeredAt: new Date(Date.now() - 40 * 86_400_000).toISOString() },
      { clientRef: ref(), locale: 'fa', answers: { nope: { score: 4 } }, answeredAt: new Date().toISOString() },
      { clientRef: ref(), locale: 'fa', answers: { csat: { score: 4 } }, answeredAt: new Date().toISOString() },
    ])).json().results;
    expect(results.map((r: { outcome: string; code?: string }) => [r.outcome, r.code])).toEqual([
      ['refused', 'answer_out_of_range'],
      ['refused', 'kiosk_answer_too_old'],
      ['refused', 'unknown_question'],
      ['saved', undefined],
    ]);
    expect(await kioskResponses(kiosk.id)).toHaveLength(1);
  });

  it('takes a device clock ahead of ours as now', async () => {
    const { token, kiosk } = (await register(survey.id)).json();
    await sync(token, [{ clientRef: ref(), locale: 'fa', answers: { csat: { score: 3 } }, answeredAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }]);
    const [row] = await kioskResponses(kiosk.id);
    expect(row!.submittedAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('refuses garbage with 4xx', async () => {
    const { token } = (await register(survey.id)).json();
    const post = (payload: string) => t.app.inject({ method: 'POST', url: `/api/public/kiosk/${token}/answers`, headers: { 'content-type': 'application/json' }, payload });
    expect((await post('{"answers":[{"clientRef":"abc')).statusCode).toBe(400);
    expect((await post(JSON.stringify({ answers: [] }))).statusCode).toBe(400);
    expect((await post(JSON.stringify({ answers: Array.from({ length: 51 }, () => ({ clientRef: ref(), locale: 'fa', answers: { csat: { score: 3 } }, answeredAt: new Date().toISOString() })) }))).statusCode).toBe(400);
    expect((await post(JSON.stringify({ answers: [{ clientRef: 'short', locale: 'fa', answers: { csat: { score: 3 } }, answeredAt: new Date().toISOString() }] }))).statusCode).toBe(400);
    expect((await post(JSON.stringify({ answers: [{ clientRef: ref(), locale: 'fa', answers: { csat: { score: 3 } }, answeredAt: 'yesterday' }] }))).statusCode).toBe(400);
    const unknown = await sync('AAAAAAAAAAAAAAAAAAAAAA', [{ clientRef: ref(), locale: 'fa', answers: { csat: { score: 3 } }, answeredAt: new Date().toISOString() }]);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('kiosk_not_found');
    // the survey's public link token is not a kiosk's
    expect((await sync(survey.token, [{ clientRef: ref(), locale: 'fa', answers: { csat: { score: 3 } }, answeredAt: new Date().toISOString() }])).statusCode).toBe(404);
  });
});

describe('revoking a kiosk', () => {
  it('stops its token at once, keeps its answers, and audits', async () => {
    const { token, kiosk } = (await register(survey.id)).json();
    await sync(token, [{ clientRef: ref(), locale: 'fa', answers: { csat: { score: 4 } }, answeredAt: new Date().toISOString() }]);
    const del = () => t.app.inject({ method: 'DELETE', url: `/api/surveys/${survey.id}/kiosks/${kiosk.id}`, headers: t.auth(ws.keys.manager) });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/surveys/${survey.id}/kiosks/${kiosk.id}`, headers: t.auth(ws.keys.analyst) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/surveys/${survey.id}/kiosks/${kiosk.id}`, headers: t.auth(other.keys.owner) })).statusCode).toBe(404);
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/k/${token}` })).statusCode).toBe(404);
    expect((await sync(token, [{ clientRef: ref(), locale: 'fa', answers: { csat: { score: 4 } }, answeredAt: new Date().toISOString() }])).statusCode).toBe(404);
    expect(await kioskResponses(kiosk.id)).toHaveLength(1);
    expect(await t.database.db.select().from(surveyTokens).where(eq(surveyTokens.targetId, kiosk.id))).toEqual([]);

    const listed = (await t.app.inject({ method: 'GET', url: `/api/surveys/${survey.id}/kiosks`, headers: t.auth(ws.keys.manager) })).json().items;
    expect(listed.find((k: { id: string }) => k.id === kiosk.id).revokedAt).not.toBeNull();
    const audit = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = ${ws.tenantId} AND action = 'survey.kiosk_revoked' AND details->>'kioskId' = ${kiosk.id}`);
    expect(audit.rows[0]!.n).toBe(1);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/surveys/${survey.id}/kiosks/00000000-0000-4000-8000-000000000000`, headers: t.auth(ws.keys.manager) })).json().code).toBe('kiosk_not_found');
  });
});
