import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '@vafa/contracts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { npsFromCounts } from './metrics/index.ts';
import { seedResponse, seedSurvey } from './results.fixtures.ts';
import { surveysWithNewText } from './themes.service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const QUESTIONS = [
  { id: 'nps', type: 'nps', title: { fa: 'توصیه می‌کنید؟', en: 'Recommend?' } },
  { id: 'csat', type: 'csat', points: 7, title: { en: 'Satisfied?' } },
  { id: 'ces', type: 'ces', title: { en: 'Easy?' } },
  { id: 'pick', type: 'single_choice', allowOther: true, options: [{ id: 'price', label: { en: 'Price' } }, { id: 'speed', label: { en: 'Speed' } }], title: { en: 'Why?' } },
  { id: 'why', type: 'text', title: { en: 'Tell us more' } },
  { id: 'sq1', type: 'servqual', dimension: 'reliability', title: { en: 'On time' } },
  { id: 'sq2', type: 'servqual', dimension: 'reliability', title: { en: 'Right first time' } },
];

async function get(ws: TestWorkspace, url: string, role: keyof TestWorkspace['keys'] = 'analyst') {
  const res = await t.app.inject({ method: 'GET', url, headers: t.auth(ws.keys[role]) });
  return { status: res.statusCode, body: res.json() };
}

const SEG = '44444444-4444-4444-8444-444444444444';

/** n answers with these NPS scores on a day, through a channel, optionally in the segment. */
async function answersOn(ws: TestWorkspace, survey: Awaited<ReturnType<typeof seedSurvey>>, at: string, scores: (number | 'skip')[], extra: Partial<Parameters<typeof seedResponse>[3]> = {}) {
  for (const s of scores) {
    const answers: Record<string, AnswerValue> = { nps: s === 'skip' ? { skipped: true } : { score: s } };
    await seedResponse(t.database.db, ws.tenantId, survey, { submittedAt: new Date(at), answers, ...extra });
  }
}

describe('survey results', () => {
  it('reports NPS over answered responses with its interval, skips apart, per channel and segment', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    // the worked example: 100 promoters, 60 passives, 40 detractors, plus 5 skips
    await answersOn(ws, survey, '2026-03-10T08:00:00Z', [...Array(60).fill(10), ...Array(30).fill(8), ...Array(20).fill(3)], { channel: 'sms', segmentIds: [SEG] });
    await answersOn(ws, survey, '2026-03-11T08:00:00Z', [...Array(40).fill(9), ...Array(30).fill(7), ...Array(20).fill(0), ...Array(5).fill('skip')], { channel: 'email' });

    const res = await get(ws, `/api/surveys/${survey.id}/results`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const nps = res.body.questions.find((q: { questionId: string }) => q.questionId === 'nps');
    expect(nps).toMatchObject({ type: 'nps', n: 200, skipped: 5, promoters: 100, passives: 60, detractors: 40 });
    expect(nps.score.value).toBe(30);
    expect(nps.score.centre).toBeCloseTo(29.6, 1);
    expect(nps.score.margin).toBeCloseTo(10.7, 1);
    expect(nps.distribution.find((d: { value: number }) => d.value === 10).count).toBe(60);
    expect(res.body.responses.total).toBe(205);
    expect(res.body.responses.byChannel).toEqual([{ channel: 'sms', count: 110 }, { channel: 'email', count: 95 }]);
    expect(res.body.calendar).toBe('persian');

    const sms = await get(ws, `/api/surveys/${survey.id}/results?channel=sms`);
    expect(sms.body.questions[0]).toMatchObject({ n: 110, promoters: 60 });
    const seg = await get(ws, `/api/surveys/${survey.id}/results?segmentId=${SEG}`);
    expect(seg.body.questions[0].score.value).toBeCloseTo(npsFromCounts({ promoters: 60, passives: 30, detractors: 20 }).score!.value, 10);
    const day = await get(ws, `/api/surveys/${survey.id}/results?from=2026-03-11&to=2026-03-11`);
    expect(day.body.questions[0]).toMatchObject({ n: 90, skipped: 5 });
    // a question nobody answered has no score, only n = 0
    expect(res.body.questions.find((q: { questionId: string }) => q.questionId === 'csat')).toMatchObject({ n: 0, score: null });
  });

  it('scores CSAT on the question\'s own scale, CES, choices and the SERVQUAL zone per item and dimension', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    const rows: Record<string, AnswerValue>[] = [
      { csat: { score: 7 }, ces: { score: 6 }, pick: { choices: ['price'] }, sq1: { desired: 8, adequate: 5, perceived: 4 }, sq2: { desired: 9, adequate: 6, perceived: 7 } },
      { csat: { score: 6 }, ces: { score: 2 }, pick: { choices: ['speed'], other: 'support' }, sq1: { desired: 8, adequate: 5, perceived: 6 }, sq2: { desired: 7, adequate: 4, perceived: 9 } },
      { csat: { score: 5 }, ces: { score: 5 }, pick: { choices: ['price'] }, sq1: { skipped: true } },
      { csat: { score: 1 }, ces: { skipped: true } },
    ];
    for (const answers of rows) await seedResponse(t.database.db, ws.tenantId, survey, { answers });
    const res = await get(ws, `/api/surveys/${survey.id}/results`);
    const q = (id: string) => res.body.questions.find((x: { questionId: string }) => x.questionId === id);
    // 6 and 7 are the top two of a 7-point scale: 2 of 4
    expect(q('csat')).toMatchObject({ type: 'csat', points: 7, n: 4 });
    expect(q('csat').score.value).toBe(50);
    expect(q('csat').mean.value).toBe(19 / 4);
    expect(q('ces')).toMatchObject({ n: 3, skipped: 1 });
    expect(q('ces').score.value).toBeCloseTo(13 / 3, 10);
    expect(q('ces').agree.value).toBeCloseTo(200 / 3, 10);
    expect(q('pick').options).toEqual([{ id: 'price', label: { en: 'Price' }, count: 2 }, { id: 'speed', label: { en: 'Speed' }, count: 1 }]);
    expect(q('pick').other).toBe(1);
    expect(q('sq1').figures).toMatchObject({ n: 2, skipped: 1, msa: 0, mss: -3, zone: 'within', shares: { below: 50, within: 50, above: 0 } });
    expect(res.body.servqualDimensions).toEqual([expect.objectContaining({ dimension: 'reliability', items: 2, n: 4, shares: { below: 25, within: 50, above: 25 } })]);
    expect(res.body.calendar).toBe('islamic-umalqura');
  });

  it('counts response rates per channel and wave from the invitations sent', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    const customer = await createCustomer(t, ws);
    const invite = (channel: string, wave: number, responded: boolean, sent = true) => t.database.db.execute(sql`
      INSERT INTO survey_invitations (tenant_id, id, survey_id, wave, customer_id, channel, sent_at, responded_at)
      VALUES (${ws.tenantId}, ${randomUUID()}, ${survey.id}, ${wave}, ${customer.id}, ${channel}, ${sent ? sql`now()` : null}, ${responded ? sql`now()` : null})`);
    for (const [channel, wave, responded] of [['email', 1, true], ['email', 1, false], ['email', 2, false], ['sms', 1, true], ['sms', 2, true], ['sms', 2, false]] as const) {
      await invite(channel, wave, responded);
    }
    await invite('sms', 3, false, false); // queued, never sent: asked nobody
    const res = await get(ws, `/api/surveys/${survey.id}/results`);
    expect(res.body.responseRates.total).toEqual({ sent: 6, responded: 3, rate: 50 });
    expect(res.body.responseRates.byChannel).toEqual([
      { channel: 'email', sent: 3, responded: 1, rate: 100 / 3 },
      { channel: 'sms', sent: 3, responded: 2, rate: 200 / 3 },
    ]);
    expect(res.body.responseRates.byWave).toEqual([{ wave: 1, sent: 3, responded: 2, rate: 200 / 3 }, { wave: 2, sent: 3, responded: 1, rate: 100 / 3 }]);
  });

  it('trends by Solar Hijri month in a Persian workspace, with a significance marker against the previous month', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    // 2026-03-20 is 29 Esfand 1404; 2026-03-21 is 1 Farvardin 1405: two months a day apart
    await answersOn(ws, survey, '2026-03-20T08:00:00Z', [...Array(20).fill(10), ...Array(40).fill(2)]);
    await answersOn(ws, survey, '2026-03-21T08:00:00Z', [...Array(45).fill(10), ...Array(15).fill(2)]);
    await answersOn(ws, survey, '2026-04-25T08:00:00Z', [...Array(46).fill(10), ...Array(14).fill(2)]);
    const res = await get(ws, `/api/surveys/${survey.id}/results/trend?question=nps&interval=month&from=2026-03-01&to=2026-05-20`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.points.map((p: { start: string; end: string }) => [p.start, p.end])).toEqual([
      ['2026-02-20', '2026-03-20'], // Esfand 1404 (30 days: 1404 is a leap year)
      ['2026-03-21', '2026-04-20'], // Farvardin 1405
      ['2026-04-21', '2026-05-21'], // Ordibehesht 1405
    ]);
    const [esfand, farvardin, ordibehesht] = res.body.points;
    expect(esfand.n).toBe(60);
    expect(Math.round(esfand.value.value)).toBe(-33);
    expect(esfand.change).toBeNull();
    expect(farvardin.change).toMatchObject({ significant: true, direction: 'up' });
    expect(ordibehesht.change).toMatchObject({ significant: false, direction: 'none' });

    const gregorian = await t.createWorkspace({ country: 'AE' });
    const s2 = await seedSurvey(t.database.db, gregorian.tenantId, QUESTIONS);
    await answersOn(gregorian, s2, '2026-03-20T08:00:00Z', [10]);
    await answersOn(gregorian, s2, '2026-03-21T08:00:00Z', [0]);
    const g = await get(gregorian, `/api/surveys/${s2.id}/results/trend?question=nps&interval=month&from=2026-03-01&to=2026-03-31`);
    expect(g.body.points).toHaveLength(1);
    expect(g.body.points[0]).toMatchObject({ start: '2026-03-01', end: '2026-03-31', n: 2 });
  });

  it('weeks start after the workspace weekend, and days fill with empty buckets', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    await answersOn(ws, survey, '2026-03-13T08:00:00Z', [9]); // a Friday: the last day of an Iranian week
    await answersOn(ws, survey, '2026-03-14T08:00:00Z', [9]); // Saturday: a new week
    const weeks = await get(ws, `/api/surveys/${survey.id}/results/trend?question=nps&interval=week&from=2026-03-13&to=2026-03-14`);
    expect(weeks.body.points.map((p: { start: string; n: number }) => [p.start, p.n])).toEqual([['2026-03-07', 1], ['2026-03-14', 1]]);
    const days = await get(ws, `/api/surveys/${survey.id}/results/trend?question=nps&interval=day&from=2026-03-12&to=2026-03-15`);
    expect(days.body.points.map((p: { n: number }) => p.n)).toEqual([0, 1, 1, 0]);
    expect(days.body.points[0].value).toBeNull();
    // without `from`, the trend starts at the first answer's month rather than a run of empty months
    const months = await get(ws, `/api/surveys/${survey.id}/results/trend?question=nps&interval=month`);
    if (months.body.points[0].start <= '2026-03-13') expect(months.body.points[0]).toMatchObject({ start: '2026-02-20', n: 2 });
  });

  it('breaks a score down by channel, stage and segment, each against the rest', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    await answersOn(ws, survey, '2026-03-10T08:00:00Z', Array(80).fill(10), { channel: 'kiosk', stage: 'sale', segmentIds: [SEG] });
    await answersOn(ws, survey, '2026-03-10T08:00:00Z', Array(80).fill(2), { channel: 'sms' });
    const channel = await get(ws, `/api/surveys/${survey.id}/results/breakdown?question=nps&by=channel`);
    expect(channel.status).toBe(200);
    expect(channel.body.overall).toMatchObject({ n: 160 });
    expect(channel.body.rows.map((r: { key: string; n: number }) => [r.key, r.n]).sort()).toEqual([['kiosk', 80], ['sms', 80]]);
    expect(channel.body.rows.find((r: { key: string }) => r.key === 'kiosk').vsRest).toMatchObject({ significant: true, direction: 'up' });
    const stage = await get(ws, `/api/surveys/${survey.id}/results/breakdown?question=nps&by=stage`);
    expect(stage.body.rows.map((r: { key: string }) => r.key).sort()).toEqual(['none', 'sale']);
    const segment = await get(ws, `/api/surveys/${survey.id}/results/breakdown?question=nps&by=segment`);
    expect(segment.body.rows).toEqual([expect.objectContaining({ key: SEG, n: 80 })]);
  });

  it('refuses unknown or unscored questions and reversed periods, and keeps results to analysts and up of the same workspace', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    expect((await get(ws, `/api/surveys/${survey.id}/results/trend?question=nope`)).body).toMatchObject({ status: 422, code: 'unknown_question' });
    expect((await get(ws, `/api/surveys/${survey.id}/results/trend?question=why`)).body).toMatchObject({ status: 422, code: 'question_not_scored' });
    expect((await get(ws, `/api/surveys/${survey.id}/results?from=2026-03-10&to=2026-03-01`)).body).toMatchObject({ status: 400, code: 'invalid_period' });
    expect((await get(ws, `/api/surveys/${survey.id}/results?from=2026-02-31`)).body).toMatchObject({ status: 400, code: 'invalid_period' });
    expect((await get(ws, `/api/surveys/${survey.id}/results/trend?question=nps&to=9999-99-99`)).body).toMatchObject({ status: 400, code: 'invalid_period' });
    expect((await get(ws, `/api/surveys/${survey.id}/results/trend?question=nps&interval=day&from=2020-01-01&to=2026-01-01`)).body).toMatchObject({ status: 400, code: 'too_many_buckets' });
    expect((await get(ws, `/api/surveys/${survey.id}/results`, 'agent')).status).toBe(403);
    expect((await get(ws, `/api/surveys/${survey.id}/results`, 'manager')).status).toBe(200);
    expect((await get(other, `/api/surveys/${survey.id}/results`)).status).toBe(404);
  });
});

describe('open-text themes and tags', () => {
  it('computes themes with example answers on demand, and tags responses', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    const texts = ['ارسال دیر بود', 'ارسال دير بود و بسته‌بندی خوب', 'بسته بندی عالی', 'قیمت بالا', 'ارسال دیر'];
    const ids: string[] = [];
    for (const [i, text] of texts.entries()) {
      ids.push((await seedResponse(t.database.db, ws.tenantId, survey, { submittedAt: new Date(Date.UTC(2026, 2, 1 + i)), answers: { why: { text } } })).id);
    }
    const headers = { ...t.auth(ws.keys.analyst) };
    // the hourly job picks surveys with answers newer than their themes
    const due = async () => (await surveysWithNewText(t.database.db, 100_000)).some((s) => s.surveyId === survey.id && s.tenantId === ws.tenantId);
    expect(await due()).toBe(true);
    const refresh = await t.app.inject({ method: 'POST', url: `/api/surveys/${survey.id}/themes/refresh`, headers });
    expect(refresh.statusCode, refresh.body).toBe(200);
    const themes = refresh.json().questions.find((q: { questionId: string }) => q.questionId === 'why').themes;
    const late = themes.find((x: { term: string }) => x.term === 'ارسال دیر');
    expect(late).toMatchObject({ words: 2, count: 3 });
    // most recent first, with the text of each example
    expect(late.examples.map((e: { responseId: string }) => e.responseId)).toEqual([ids[4], ids[1], ids[0]]);
    expect(late.examples[2].text).toBe(texts[0]);
    // «بسته‌بندی» with ZWNJ and «بسته بندی» with a space are one theme
    expect(themes.find((x: { count: number; term: string }) => x.term.startsWith('بسته'))).toMatchObject({ count: 2 });
    expect(await due()).toBe(false);
    const listed = await get(ws, `/api/surveys/${survey.id}/themes?question=why`);
    expect(listed.body.questions).toHaveLength(1);
    expect(listed.body.computedAt).not.toBeNull();

    const tagUrl = `/api/surveys/${survey.id}/responses/${ids[0]}/tags`;
    const add = await t.app.inject({ method: 'POST', url: tagUrl, headers, payload: { tag: '  تأخیر   ارسال ' } });
    expect(add.statusCode, add.body).toBe(200);
    expect(add.json()).toEqual({ responseId: ids[0], tags: ['تأخیر ارسال'] });
    const again = await t.app.inject({ method: 'POST', url: tagUrl, headers, payload: { tag: 'تأخیر ارسال' } });
    expect(again.json().tags).toEqual(['تأخیر ارسال']);
    const removed = await t.app.inject({ method: 'DELETE', url: `${tagUrl}?tag=${encodeURIComponent('تأخیر ارسال')}`, headers });
    expect(removed.json().tags).toEqual([]);
    const stranger = await t.app.inject({ method: 'POST', url: `/api/surveys/${survey.id}/responses/${randomUUID()}/tags`, headers, payload: { tag: 'x' } });
    expect(stranger.statusCode).toBe(404);
    const agent = await t.app.inject({ method: 'POST', url: tagUrl, headers: t.auth(ws.keys.agent), payload: { tag: 'x' } });
    expect(agent.statusCode).toBe(403);
  });

  it('lists only the responses given a tag, page by page, with the other filters', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    const survey = await seedSurvey(t.database.db, ws.tenantId, QUESTIONS);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const answers: Record<string, AnswerValue> = { nps: { score: i } };
      if (i % 2 === 0) answers.why = { text: `پاسخ ${i}` };
      ids.push((await seedResponse(t.database.db, ws.tenantId, survey, { submittedAt: new Date(Date.UTC(2026, 3, 1 + i)), answers })).id);
    }
    const headers = t.auth(ws.keys.analyst);
    const tag = async (responseId: string, value: string) => {
      const res = await t.app.inject({ method: 'POST', url: `/api/surveys/${survey.id}/responses/${responseId}/tags`, headers, payload: { tag: value } });
      expect(res.statusCode, res.body).toBe(200);
    };
    for (const i of [0, 1, 3, 4]) await tag(ids[i]!, 'تأخیر ارسال');
    await tag(ids[2]!, 'قیمت');
    await tag(ids[4]!, 'قیمت');
    // the same tag in another workspace, on its own survey, never shows here
    const theirs = await seedSurvey(t.database.db, other.tenantId, QUESTIONS);
    const theirResponse = await seedResponse(t.database.db, other.tenantId, theirs, { submittedAt: new Date(Date.UTC(2026, 3, 2)), answers: { nps: { score: 9 } } });
    const theirTag = await t.app.inject({ method: 'POST', url: `/api/surveys/${theirs.id}/responses/${theirResponse.id}/tags`, headers: t.auth(other.keys.analyst), payload: { tag: 'تأخیر ارسال' } });
    expect(theirTag.statusCode).toBe(200);

    const list = (query: string) => get(ws, `/api/surveys/${survey.id}/responses?${query}`);
    const late = await list(`tag=${encodeURIComponent('تأخیر ارسال')}`);
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    expect(late.body.items.map((r: { id: string }) => r.id)).toEqual([ids[4], ids[3], ids[1], ids[0]]);
    expect(late.body.items[0].tags).toEqual(['تأخیر ارسال', 'قیمت']);
    // typed with stray spaces and decomposed letters, it finds the tag as stored
    const typed = await list(`tag=${encodeURIComponent('  تأخیر    ارسال '.normalize('NFD'))}`);
    expect(typed.body.items.map((r: { id: string }) => r.id)).toEqual([ids[4], ids[3], ids[1], ids[0]]);
    // page by page, the cursor keeps the filter
    const first = await list(`tag=${encodeURIComponent('تأخیر ارسال')}&limit=3`);
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([ids[4], ids[3], ids[1]]);
    const second = await list(`tag=${encodeURIComponent('تأخیر ارسال')}&limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    // with other filters: written something, a score band
    expect((await list(`tag=${encodeURIComponent('تأخیر ارسال')}&hasText=true`)).body.items.map((r: { id: string }) => r.id)).toEqual([ids[4], ids[0]]);
    expect((await list(`tag=${encodeURIComponent('قیمت')}&question=nps&scoreMin=3&scoreMax=10`)).body.items.map((r: { id: string }) => r.id)).toEqual([ids[4]]);
    // a tag nobody used, and one removed
    expect((await list('tag=unknown')).body.items).toEqual([]);
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/surveys/${survey.id}/responses/${ids[2]}/tags?tag=${encodeURIComponent('قیمت')}`, headers });
    expect(removed.statusCode).toBe(200);
    expect((await list(`tag=${encodeURIComponent('قیمت')}`)).body.items.map((r: { id: string }) => r.id)).toEqual([ids[4]]);
    // garbage: empty, too long
    expect((await list('tag=%20%20')).status).toBe(400);
    expect((await list(`tag=${'x'.repeat(61)}`)).status).toBe(400);
    // another workspace cannot list this survey
    expect((await get(other, `/api/surveys/${survey.id}/responses?tag=${encodeURIComponent('تأخیر ارسال')}`)).status).toBe(404);
  });
});
