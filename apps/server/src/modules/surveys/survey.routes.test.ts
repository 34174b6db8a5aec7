import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SURVEY_TEMPLATE_KEYS, SurveyDefinition, type Locale } from '@vafa/contracts';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { saveResponse } from './response.service.ts';
import { resolveSurveyToken } from './survey-token.ts';
import { liveSurvey } from './survey-version.ts';
import { surveys, surveyTokens, surveyVersions } from './survey.schema.ts';

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

type Headers = Record<string, string>;
const owner = (w: TestWorkspace = ws): Headers => t.auth(w.keys.owner);

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Headers, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

/** A small valid survey in Persian and English; tests break one thing at a time. */
function draft() {
  return {
    name: 'رضایت مشتریان',
    settings: { languages: ['fa', 'en'], defaultLanguage: 'fa', hiddenFields: ['order'] },
    questions: [
      { id: 'nps', type: 'nps', required: true, title: { fa: 'چقدر احتمال دارد ما را پیشنهاد کنید؟', en: 'How likely are you to recommend us?' } },
      { id: 'why', type: 'text', showIf: { question: 'nps', op: 'lte', value: 6 }, title: { fa: 'چه چیزی خوب نبود؟', en: 'What went wrong?' } },
      {
        id: 'csat', type: 'csat', points: 3, style: 'labels', title: { fa: 'رضایت', en: 'Satisfaction' },
        labels: [{ fa: 'بد', en: 'Bad' }, { fa: 'معمولی', en: 'OK' }, { fa: 'خوب', en: 'Good' }],
      },
      { id: 'pick', type: 'single_choice', options: [{ id: 'a', label: { fa: 'الف', en: 'A' } }, { id: 'b', label: { fa: 'ب', en: 'B' } }], title: { fa: 'کدام؟', en: 'Which?' } },
    ],
  } as { name: string; settings: Record<string, unknown>; questions: Record<string, unknown>[] };
}

async function create(w: TestWorkspace = ws, body: unknown = { definition: draft() }) {
  const res = await call('POST', '/api/surveys', owner(w), body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; publicToken: string; version: number; status: string };
}

async function publish(id: string, w: TestWorkspace = ws) {
  const res = await call('POST', `/api/surveys/${id}/publish`, owner(w));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const surveyCount = async (w: TestWorkspace = ws) =>
  Number((await t.database.pool.query('SELECT count(*) FROM surveys WHERE tenant_id = $1', [w.tenantId])).rows[0].count);
const auditActions = async (id: string) =>
  (await t.database.pool.query('SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY at, action', [ws.tenantId, id])).rows.map((r) => r.action);

describe('templates', () => {
  it('every template validates and creates a survey in each language, and all three at once', async () => {
    const list = await call('GET', '/api/survey-templates', { ...owner(), 'accept-language': 'ar' });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { key: string }) => i.key)).toEqual([...SURVEY_TEMPLATE_KEYS]);
    for (const item of list.body.items) {
      expect(item.definition.settings.languages).toEqual(['ar', 'fa', 'en']);
      expect(item.name.fa && item.name.ar && item.name.en && item.description.fa && item.description.ar && item.description.en).toBeTruthy();
    }
    const languageSets: Locale[][] = [['fa'], ['ar'], ['en'], ['fa', 'ar', 'en']];
    for (const key of SURVEY_TEMPLATE_KEYS) {
      for (const languages of languageSets) {
        const res = await call('POST', '/api/surveys', owner(), { template: key, languages });
        expect(res.status, `${key} ${languages.join()}: ${JSON.stringify(res.body)}`).toBe(201);
        expect(res.body.settings.languages).toEqual(languages);
        expect(res.body.settings.defaultLanguage).toBe(languages[0]);
        // only the chosen languages' text is kept
        for (const q of res.body.questions) expect(Object.keys(q.title).sort()).toEqual([...languages].sort());
        const published = await call('POST', `/api/surveys/${res.body.id}/publish`, owner());
        expect(published.status, JSON.stringify(published.body)).toBe(200);
      }
      // a template's listed definition, sent back whole, is a valid draft
      const listed = list.body.items.find((i: { key: string }) => i.key === key);
      expect((await call('POST', '/api/surveys', owner(), { template: key, definition: listed.definition })).status).toBe(201);
    }
  });

  it('without languages a template comes in the workspace language; the contents are what the issue asks', async () => {
    const nps = await call('POST', '/api/surveys', owner(), { template: 'nps' });
    expect(nps.body.settings.languages).toEqual(['fa']);
    const [score, low, high] = nps.body.questions;
    expect(score.type).toBe('nps');
    expect(low.showIf).toEqual({ question: 'nps', op: 'lte', value: 6 });
    expect(high.showIf).toEqual({ question: 'nps', op: 'gte', value: 9 });

    const csat = (await call('POST', '/api/surveys', owner(), { template: 'csat_purchase', languages: ['en'] })).body;
    expect(csat.questions[0]).toMatchObject({ type: 'csat', points: 5, style: 'faces' });
    expect(csat.questions.some((q: { type: string }) => q.type === 'text')).toBe(true);

    const ces = (await call('POST', '/api/surveys', owner(), { template: 'ces_support', languages: ['en'] })).body;
    expect(ces.questions[0].type).toBe('ces');

    const servqual = (await call('POST', '/api/surveys', owner(), { template: 'servqual', languages: ['fa'] })).body;
    expect(servqual.questions).toHaveLength(22);
    expect(servqual.questions.every((q: { type: string }) => q.type === 'servqual')).toBe(true);
    const perDimension = Object.fromEntries(['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'].map((d) => [d, servqual.questions.filter((q: { dimension: string }) => q.dimension === d).length]));
    expect(perDimension).toEqual({ tangibles: 4, reliability: 5, responsiveness: 4, assurance: 4, empathy: 5 });

    const expectations = (await call('POST', '/api/surveys', owner(), { template: 'expectations', languages: ['ar'] })).body;
    expect(expectations.questions.filter((q: { type: string }) => q.type === 'rating')).toHaveLength(7);

    const enps = (await call('POST', '/api/surveys', owner(), { template: 'enps_pulse', languages: ['fa'] })).body;
    expect(enps).toMatchObject({ kind: 'employee', settings: { anonymous: true } });
    expect(enps.questions[0].type).toBe('enps');
  });

  it('refuses an unknown template and a body with neither template nor definition', async () => {
    const before = await surveyCount();
    expect((await call('POST', '/api/surveys', owner(), { template: 'nope' })).status).toBe(400);
    const empty = await call('POST', '/api/surveys', owner(), {});
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('survey_definition_required');
    expect(await surveyCount()).toBe(before);
  });
});

describe('creating', () => {
  it('a new survey is a draft with its public link token stored hashed', async () => {
    const survey = await create();
    expect(survey).toMatchObject({ status: 'draft', version: 0, draftChanged: true, responseCount: 0, publishedAt: null });
    const resolved = await resolveSurveyToken(t.database.db, survey.publicToken);
    expect(resolved).toEqual({ tenantId: ws.tenantId, kind: 'public', targetId: survey.id, surveyId: survey.id });
    const stored = await t.database.db.select().from(surveyTokens).where(eq(surveyTokens.surveyId, survey.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash.toString('utf8')).not.toContain(survey.publicToken);
  });

  it('a retry with the same Idempotency-Key replays the first survey', async () => {
    const before = await surveyCount();
    const headers = { ...owner(), 'idempotency-key': `create-${Date.now()}` };
    const first = await call('POST', '/api/surveys', headers, { definition: draft() });
    const second = await call('POST', '/api/surveys', headers, { definition: draft() });
    expect(first.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(await surveyCount()).toBe(before + 1);
  });
});

describe('bad drafts are refused with their code and nothing is written', () => {
  const cases: [string, (d: ReturnType<typeof draft>) => void, string, string][] = [
    ['a duplicate question id', (d) => { d.questions[3]!.id = 'nps'; }, 'duplicate_question_id', 'questions.3.id'],
    ['branching on an unknown question', (d) => { d.questions[1]!.showIf = { question: 'ghost', op: 'lte', value: 6 }; }, 'show_if_unknown_question', 'questions.1.showIf.question'],
    ['branching on a later question', (d) => { d.questions[0]!.showIf = { question: 'pick', op: 'in', value: ['a'] }; }, 'show_if_later_question', 'questions.0.showIf.question'],
    ['branching with an op a score cannot take', (d) => { d.questions[1]!.showIf = { question: 'nps', op: 'in', value: ['a'] }; }, 'show_if_incompatible', 'questions.1.showIf'],
    ['branching on a score off the scale', (d) => { d.questions[1]!.showIf = { question: 'nps', op: 'lte', value: 11 }; }, 'show_if_incompatible', 'questions.1.showIf'],
    ['branching on an unknown option', (d) => { d.questions.push({ id: 'more', type: 'text', showIf: { question: 'pick', op: 'in', value: ['z'] }, title: { fa: 'بیشتر', en: 'More' } }); }, 'show_if_incompatible', 'questions.4.showIf'],
    ['branching on a text answer by value', (d) => { d.questions.push({ id: 'more', type: 'text', showIf: { question: 'why', op: 'eq', value: 1 }, title: { fa: 'بیشتر', en: 'More' } }); }, 'show_if_incompatible', 'questions.4.showIf'],
    ['CSAT labels fewer than its points', (d) => { (d.questions[2]!.labels as unknown[]).pop(); }, 'labels_count_mismatch', 'questions.2.labels'],
    ['a rating whose min is not below its max', (d) => { d.questions.push({ id: 'r', type: 'rating', min: 5, max: 5, title: { fa: 'امتیاز', en: 'Rating' } }); }, 'rating_range_invalid', 'questions.4.max'],
    ['a title missing in a listed language', (d) => { delete (d.questions[1]!.title as Record<string, string>).en; }, 'missing_translation', 'questions.1.title.en'],
    ['an option label missing in a listed language', (d) => { (d.questions[3]!.options as { label: Record<string, string> }[])[1]!.label = { fa: 'ب' }; }, 'missing_translation', 'questions.3.options.1.label.en'],
    ['a blank title in a listed language', (d) => { (d.questions[0]!.title as Record<string, string>).fa = '   '; }, 'missing_translation', 'questions.0.title.fa'],
    ['a default language not listed', (d) => { d.settings.defaultLanguage = 'ar'; }, 'default_language_not_listed', 'settings.defaultLanguage'],
  ];

  it.each(cases)('%s', async (_name, breakIt, code, field) => {
    const broken = draft();
    breakIt(broken);
    const before = await surveyCount();
    const created = await call('POST', '/api/surveys', { ...owner(), 'accept-language': 'fa' }, { definition: broken });
    expect(created.status, JSON.stringify(created.body)).toBe(422);
    expect(created.body.code).toBe(code);
    expect(created.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    // localised for the reader
    expect(created.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect(await surveyCount()).toBe(before);

    const survey = await create();
    const patched = await call('PATCH', `/api/surveys/${survey.id}`, owner(), broken);
    expect(patched.status).toBe(422);
    expect(patched.body.code).toBe(code);
    expect((await call('GET', `/api/surveys/${survey.id}`, owner())).body.questions).toEqual(SurveyDefinition.parse(draft()).questions);
  });

  it('reports every problem at once', async () => {
    const broken = draft();
    broken.questions[3]!.id = 'nps';
    delete (broken.questions[1]!.title as Record<string, string>).en;
    const res = await call('POST', '/api/surveys', owner(), { definition: broken });
    expect(res.body.errors.map((e: { code: string }) => e.code).sort()).toEqual(['duplicate_question_id', 'missing_translation']);
  });

  it('structural garbage is a 400 before any rule runs', async () => {
    const broken = draft();
    broken.questions[0]!.id = 'Not An Id';
    expect((await call('POST', '/api/surveys', owner(), { definition: broken })).status).toBe(400);
    expect((await call('POST', '/api/surveys', owner(), { definition: { ...draft(), questions: [] } })).status).toBe(400);
  });
});

describe('versions', () => {
  it('publishing freezes version n+1; editing a live survey changes only the draft; old versions never change', async () => {
    const survey = await create();
    const v1 = await publish(survey.id);
    expect(v1).toMatchObject({ status: 'live', version: 1, draftChanged: false });
    expect(v1.publishedAt).not.toBeNull();

    const edited = draft();
    (edited.questions[0]!.title as Record<string, string>).en = 'Would you recommend us?';
    edited.questions.push({ id: 'extra', type: 'text', title: { fa: 'چیز دیگری؟', en: 'Anything else?' } });
    const patched = await call('PATCH', `/api/surveys/${survey.id}`, owner(), edited);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'live', version: 1, draftChanged: true });
    expect(patched.body.questions).toHaveLength(5);
    // respondents still answer version 1
    const live = await liveSurvey(t.database.db, ws.tenantId, survey.id);
    expect(live!.version).toBe(1);
    expect(live!.definition.questions).toHaveLength(4);

    const v2 = await publish(survey.id);
    expect(v2).toMatchObject({ version: 2, draftChanged: false });
    const first = await liveSurvey(t.database.db, ws.tenantId, survey.id, 1);
    expect(first!.definition.questions[0]!.title.en).toBe('How likely are you to recommend us?');
    expect((await liveSurvey(t.database.db, ws.tenantId, survey.id))!.definition.questions[0]!.title.en).toBe('Would you recommend us?');

    // publishing an unchanged draft adds no version
    expect((await publish(survey.id)).version).toBe(2);
    const versions = await t.database.db.select().from(surveyVersions).where(and(eq(surveyVersions.tenantId, ws.tenantId), eq(surveyVersions.surveyId, survey.id)));
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect(await auditActions(survey.id)).toEqual(expect.arrayContaining(['survey.created', 'survey.published']));
  });

  it('a published question keeps its type and its scale, even after it was removed for a version', async () => {
    const survey = await create();
    await publish(survey.id);

    const retyped = draft();
    retyped.questions[1] = { id: 'why', type: 'rating', min: 1, max: 5, title: { fa: 'چرا', en: 'Why' } };
    const refused = await call('PATCH', `/api/surveys/${survey.id}`, owner(), retyped);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('question_type_changed');
    expect(refused.body.errors[0].field).toBe('questions.1.type');

    const rescaled = draft();
    rescaled.questions[2] = { id: 'csat', type: 'csat', points: 5, title: { fa: 'رضایت', en: 'Satisfaction' } };
    expect((await call('PATCH', `/api/surveys/${survey.id}`, owner(), rescaled)).body.code).toBe('question_scale_changed');

    // drop `pick` in version 2, then try to bring it back as text in version 3
    const without = draft();
    without.questions.splice(3, 1);
    expect((await call('PATCH', `/api/surveys/${survey.id}`, owner(), without)).status).toBe(200);
    expect((await publish(survey.id)).version).toBe(2);
    const back = draft();
    back.questions[3] = { id: 'pick', type: 'text', title: { fa: 'کدام؟', en: 'Which?' } };
    expect((await call('PATCH', `/api/surveys/${survey.id}`, owner(), back)).body.code).toBe('question_type_changed');
    expect((await call('GET', `/api/surveys/${survey.id}`, owner())).body.questions).toHaveLength(3);
  });

  it('answers keep the version they were given against', async () => {
    const survey = await create();
    await publish(survey.id);
    const { responseId } = await t.database.db.transaction((tx) => saveResponse(tx, { tenantId: ws.tenantId, surveyId: survey.id, channel: 'link', locale: 'fa', answers: { nps: { score: 9 } }, complete: true }));
    const edited = draft();
    edited.questions.push({ id: 'extra', type: 'text', title: { fa: 'چیز دیگری؟', en: 'Anything else?' } });
    await call('PATCH', `/api/surveys/${survey.id}`, owner(), edited);
    await publish(survey.id);
    const { rows } = await t.database.pool.query('SELECT version FROM survey_responses WHERE tenant_id = $1 AND id = $2', [ws.tenantId, responseId]);
    expect(rows[0].version).toBe(1);
    expect((await call('GET', `/api/surveys/${survey.id}`, owner())).body).toMatchObject({ version: 2, responseCount: 1 });
  });
});

describe('closing, reopening and deleting', () => {
  it('a draft cannot be closed; a live survey closes (manual) and reopens, each audited', async () => {
    const survey = await create();
    const early = await call('POST', `/api/surveys/${survey.id}/close`, owner());
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('survey_not_published');
    await publish(survey.id);

    const closed = await call('POST', `/api/surveys/${survey.id}/close`, owner());
    expect(closed.body).toMatchObject({ status: 'closed', version: 1 });
    expect(closed.body.closedAt).not.toBeNull();
    const [row] = await t.database.db.select().from(surveys).where(and(eq(surveys.tenantId, ws.tenantId), eq(surveys.id, survey.id)));
    expect(row!.closedReason).toBe('manual');
    expect((await liveSurvey(t.database.db, ws.tenantId, survey.id))!.status).toBe('closed');
    // closing again changes nothing
    expect((await call('POST', `/api/surveys/${survey.id}/close`, owner())).body.closedAt).toBe(closed.body.closedAt);

    const reopened = await call('POST', `/api/surveys/${survey.id}/reopen`, owner());
    expect(reopened.body).toMatchObject({ status: 'live', version: 1, closedAt: null });
    expect(await auditActions(survey.id)).toEqual(expect.arrayContaining(['survey.closed', 'survey.reopened', 'survey.published']));
  });

  it('a survey with answers is kept (409 survey_has_responses); one without goes, with its link', async () => {
    const answered = await create();
    await publish(answered.id);
    await t.database.db.transaction((tx) => saveResponse(tx, { tenantId: ws.tenantId, surveyId: answered.id, channel: 'link', locale: 'fa', answers: { nps: { score: 3 } }, complete: false }));
    const refused = await call('DELETE', `/api/surveys/${answered.id}`, owner());
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('survey_has_responses');
    expect((await call('GET', `/api/surveys/${answered.id}`, owner())).status).toBe(200);

    const unanswered = await create();
    await publish(unanswered.id);
    expect((await call('DELETE', `/api/surveys/${unanswered.id}`, owner())).status).toBe(204);
    expect((await call('GET', `/api/surveys/${unanswered.id}`, owner())).status).toBe(404);
    expect(await resolveSurveyToken(t.database.db, unanswered.publicToken)).toBeUndefined();
    expect(await auditActions(unanswered.id)).toContain('survey.deleted');
    expect((await t.database.pool.query('SELECT 1 FROM survey_versions WHERE tenant_id = $1 AND survey_id = $2', [ws.tenantId, unanswered.id])).rowCount).toBe(0);
  });

  it('a delete racing the first answer waits for it and keeps the survey; publishing does not hold answers up', async () => {
    const survey = await create();
    await publish(survey.id);
    const answering = await t.database.pool.connect();
    try {
      await answering.query('BEGIN');
      await answering.query(
        `INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale) VALUES ($1, gen_random_uuid(), $2, 1, 'partial', 'link', 'fa')`,
        [ws.tenantId, survey.id],
      );
      // an edit and a publish go through while the answer is still being written
      const edited = draft();
      edited.questions.push({ id: 'extra', type: 'text', title: { fa: 'چیز دیگری؟', en: 'Anything else?' } });
      expect((await call('PATCH', `/api/surveys/${survey.id}`, owner(), edited)).status).toBe(200);
      expect((await publish(survey.id)).version).toBe(2);
      const deleting = call('DELETE', `/api/surveys/${survey.id}`, owner());
      await eventually(async () => (await t.database.pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%from "surveys"%for update%'`,
      )).rowCount, 'the delete to wait for the answer');
      await answering.query('COMMIT');
      const refused = await deleting;
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('survey_has_responses');
    } finally {
      answering.release();
    }
  });

  it('duplicating makes a new draft with the same questions and its own link', async () => {
    const source = await create();
    await publish(source.id);
    const copy = await call('POST', `/api/surveys/${source.id}/duplicate`, { ...owner(), 'accept-language': 'fa' });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ status: 'draft', version: 0, name: 'رضایت مشتریان (رونوشت)' });
    expect(copy.body.id).not.toBe(source.id);
    expect(copy.body.publicToken).not.toBe(source.publicToken);
    expect(copy.body.questions).toEqual(SurveyDefinition.parse(draft()).questions);
  });
});

describe('listing', () => {
  it('pages most recently changed first, filters by status and counts completed responses from the rollups', async () => {
    const w = await t.createWorkspace({ country: 'IR', language: 'ar' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(w)).id);
    await publish(ids[0]!, w);
    const customer = await createCustomer(t, w);
    for (const score of [10, 2]) {
      await t.database.db.transaction((tx) => saveResponse(tx, { tenantId: w.tenantId, surveyId: ids[0]!, channel: 'email', locale: 'ar', customerId: customer.id, answers: { nps: { score } }, complete: true }));
    }
    const first = await call('GET', '/api/surveys?limit=3', owner(w));
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual([ids[0], ids[4], ids[3]]);
    expect(first.body.items[0]).toMatchObject({ status: 'live', responseCount: 2 });
    const second = await call('GET', `/api/surveys?limit=3&cursor=${first.body.nextCursor}`, owner(w));
    expect(second.body.items.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    expect(second.body.nextCursor).toBeNull();
    const live = await call('GET', '/api/surveys?status=live', owner(w));
    expect(live.body.items.map((s: { id: string }) => s.id)).toEqual([ids[0]]);
    const forged = await call('GET', '/api/surveys?cursor=bm9wZQ', owner(w));
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('invalid_cursor');
  });
});

describe('roles and isolation', () => {
  it('agents read but do not build; analysts export; managers build', async () => {
    const survey = await create();
    const agent = t.auth(ws.keys.agent);
    expect((await call('GET', '/api/surveys', agent)).status).toBe(200);
    expect((await call('GET', `/api/surveys/${survey.id}`, agent)).status).toBe(200);
    expect((await call('GET', '/api/survey-templates', agent)).status).toBe(200);
    const before = await surveyCount();
    expect((await call('POST', '/api/surveys', agent, { template: 'nps' })).status).toBe(403);
    expect((await call('PATCH', `/api/surveys/${survey.id}`, agent, draft())).status).toBe(403);
    for (const action of ['publish', 'close', 'reopen', 'duplicate']) expect((await call('POST', `/api/surveys/${survey.id}/${action}`, agent)).status).toBe(403);
    expect((await call('DELETE', `/api/surveys/${survey.id}`, agent)).status).toBe(403);
    expect((await call('GET', `/api/surveys/${survey.id}/export.csv`, agent)).status).toBe(403);
    expect((await call('POST', '/api/surveys', t.auth(ws.keys.analyst), { template: 'nps' })).status).toBe(403);
    expect(await surveyCount()).toBe(before);
    expect((await t.app.inject({ method: 'GET', url: `/api/surveys/${survey.id}/export.csv`, headers: t.auth(ws.keys.analyst) })).statusCode).toBe(200);
    expect((await call('POST', '/api/surveys', t.auth(ws.keys.manager), { template: 'nps' })).status).toBe(201);
    // a browser session needs its CSRF token for a write
    expect((await call('POST', '/api/surveys', { cookie: ws.users.manager.cookie }, { template: 'nps' })).status).toBe(403);
    expect((await call('POST', '/api/surveys', t.session(ws.users.manager), { template: 'nps' })).status).toBe(201);
  });

  it('another workspace sees none of it and changes none of it', async () => {
    const survey = await create();
    await publish(survey.id);
    const other = await t.createWorkspace({ country: 'SA' });
    const stranger = owner(other);
    expect((await call('GET', `/api/surveys/${survey.id}`, stranger)).status).toBe(404);
    expect((await call('PATCH', `/api/surveys/${survey.id}`, stranger, draft())).status).toBe(404);
    for (const action of ['publish', 'close', 'reopen', 'duplicate']) expect((await call('POST', `/api/surveys/${survey.id}/${action}`, stranger)).status).toBe(404);
    expect((await call('DELETE', `/api/surveys/${survey.id}`, stranger)).status).toBe(404);
    expect((await call('GET', `/api/surveys/${survey.id}/export.csv`, stranger)).status).toBe(404);
    expect((await call('GET', '/api/surveys', stranger)).body.items).toEqual([]);
    const mine = await call('GET', `/api/surveys/${survey.id}`, owner());
    expect(mine.body).toMatchObject({ status: 'live', version: 1, draftChanged: false });
    expect(await surveyCount(other)).toBe(0);
  });
});
