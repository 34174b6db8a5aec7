import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '@vafa/contracts';
import { createCustomer, createSegment } from '../../../test/factories.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { publishSurvey } from '../../../test/survey-factories.ts';
import { deleteSurveyResponse } from './response-admin.service.ts';
import { planCompletion, saveCompletions, saveResponse } from './response.service.ts';
import { rawRollups, storedRollups } from './rollup.raw.ts';
import { applyToRollups, ALL_SEGMENTS, responseIdOnShard, rollupShard, ROLLUP_SHARDS } from './rollup.repo.ts';
import { liveSurvey } from './survey-version.ts';
import { deleteResponse, editResponse, seedResponse, seedSurvey, type SeededResponse } from './results.fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const QUESTIONS = [
  { id: 'nps', type: 'nps', title: { en: 'Recommend?' } },
  { id: 'csat', type: 'csat', points: 7, title: { en: 'Satisfied?' } },
  { id: 'ces', type: 'ces', title: { en: 'Easy?' } },
  { id: 'rate', type: 'rating', min: 0, max: 4, title: { en: 'Rate' } },
  { id: 'pick', type: 'multiple_choice', allowOther: true, options: [{ id: 'a', label: { en: 'A' } }, { id: 'b', label: { en: 'B' } }, { id: 'c', label: { en: 'C' } }], title: { en: 'Pick' } },
  { id: 'why', type: 'text', title: { en: 'Why?' } },
  { id: 'when', type: 'date', title: { en: 'When?' } },
  { id: 'sq', type: 'servqual', dimension: 'reliability', title: { en: 'On time' } },
];

/** A seeded pseudo-random stream, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomAnswers(r: () => number): Record<string, AnswerValue> {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const maybe = (a: AnswerValue): AnswerValue | undefined => {
    const x = r();
    return x < 0.1 ? { skipped: true } : x < 0.15 ? undefined : a;
  };
  const sq = () => 1 + Math.floor(r() * 9);
  const out: Record<string, AnswerValue | undefined> = {
    nps: maybe({ score: Math.floor(r() * 11) }),
    csat: maybe({ score: 1 + Math.floor(r() * 7) }),
    ces: maybe({ score: 1 + Math.floor(r() * 7) }),
    rate: maybe({ score: Math.floor(r() * 5) }),
    pick: maybe({ choices: ['a', 'b', 'c'].filter(() => r() < 0.5), ...(r() < 0.3 ? { other: pick(['cheaper', ' ', 'faster']) } : {}) }),
    why: maybe({ text: pick(['خیلی خوب بود', '', 'slow delivery', '  ']) }),
    when: maybe({ date: pick(['2026-03-20', '2026-03-21']) }),
    sq: maybe({ desired: sq(), adequate: sq(), perceived: sq() }),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Record<string, AnswerValue>;
}

describe('survey rollups', () => {
  it('equal the raw aggregate after a stream of responses, edits and deletions', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const db = t.database.db;
    const survey = await seedSurvey(db, ws.tenantId, QUESTIONS);
    const segA = '11111111-1111-4111-8111-111111111111';
    const segB = '22222222-2222-4222-8222-222222222222';
    const r = rng(20260320);
    const live: SeededResponse[] = [];
    for (let i = 0; i < 120; i++) {
      // around Tehran midnight (20:30Z) so the workspace day differs from the UTC day
      const submittedAt = new Date(Date.parse('2026-03-18T19:00:00Z') + Math.floor(r() * 4 * 86_400_000));
      const segmentIds = [segA, segB].filter(() => r() < 0.5);
      const response = await db.transaction((tx) =>
        seedResponse(tx, ws.tenantId, survey, { submittedAt, segmentIds, channel: (['link', 'sms', 'kiosk'] as const)[i % 3], stage: i % 4 === 0 ? 'after-sale' : null, answers: randomAnswers(r) }));
      live.push(response);
      if (i % 7 === 3) {
        const k = Math.floor(r() * live.length);
        live[k] = await db.transaction((tx) => editResponse(tx, ws.tenantId, survey, live[k]!, randomAnswers(r)));
      }
      if (i % 11 === 5) {
        const [gone] = live.splice(Math.floor(r() * live.length), 1);
        await db.transaction((tx) => deleteResponse(tx, ws.tenantId, survey, gone!));
      }
    }
    const stored = await storedRollups(db, ws.tenantId, survey.id);
    const raw = await rawRollups(db, ws.tenantId, survey.id);
    expect(raw.length).toBeGreaterThan(100);
    expect(stored).toEqual(raw);
    // the response-level rows count what is left
    const total = stored.filter((x) => x.questionId === '' && x.segmentId === ALL_SEGMENTS).reduce((s, x) => s + x.counters.answered, 0);
    expect(total).toBe(live.length);
  }, 120_000);

  it('dates a response by the workspace time zone', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const db = t.database.db;
    const survey = await seedSurvey(db, ws.tenantId, [QUESTIONS[0]]);
    // 21:00Z on the 19th is 00:30 on the 20th in Tehran (UTC+03:30)
    await seedResponse(db, ws.tenantId, survey, { submittedAt: new Date('2026-03-19T21:00:00Z'), answers: { nps: { score: 10 } } });
    const rows = await storedRollups(db, ws.tenantId, survey.id);
    expect(new Set(rows.map((x) => x.day))).toEqual(new Set(['2026-03-20']));
    expect(rows.find((x) => x.questionId === 'nps' && x.bucket === '' && x.segmentId === ALL_SEGMENTS)?.counters).toMatchObject({ answered: 1, promoters: 1, sum: 10, sum_sq: 100 });
  });

  it('refuses a score that is no integer of the scale, writing nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const db = t.database.db;
    const survey = await seedSurvey(db, ws.tenantId, [QUESTIONS[0]]);
    for (const score of [7.5, 11, -1]) {
      await expect(applyToRollups(db, ws.tenantId, {
        surveyId: survey.id, responseId: '33333333-3333-4333-8333-333333333333', submittedAt: new Date(), channel: 'link', stage: null, segmentIds: [],
        questions: survey.questions, answers: { nps: { score } },
      }, 1)).rejects.toThrow(RangeError);
    }
    expect(await storedRollups(db, ws.tenantId, survey.id)).toEqual([]);
  });

  it('equal the raw aggregate after responses, edits and deletions through the response service', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const db = t.database.db;
    const survey = await publishSurvey(db, ws.tenantId, { name: 'Through the service', settings: { languages: ['en'], defaultLanguage: 'en', stage: 'after-sale' }, questions: QUESTIONS });
    const vip = await createSegment(t, ws, 'VIP', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] });
    const customers = [await createCustomer(t, ws, { tags: ['vip'] }), await createCustomer(t, ws), await createCustomer(t, ws, { tags: ['vip'] })];
    const r = rng(7);
    const owner = { kind: 'user' as const, id: ws.users.owner.accountId, tenantId: ws.tenantId, role: 'owner' as const };
    const saved: { id: string; device: Buffer }[] = [];
    for (let i = 0; i < 45; i++) {
      const device = Buffer.alloc(32, i);
      const answers = randomAnswers(r);
      delete answers.why; // blank text is refused by the service; text is covered above
      const { responseId } = await db.transaction((tx) => saveResponse(tx, {
        tenantId: ws.tenantId, surveyId: survey.id, channel: i % 2 ? 'sms' : 'link', locale: 'en', answers, complete: true, deviceHash: device,
        customerId: customers[i % 3]!.id, submittedAt: new Date(Date.now() - Math.floor(r() * 5) * 86_400_000),
      }));
      saved.push({ id: responseId, device });
      if (i % 5 === 4) {
        const k = saved[Math.floor(r() * saved.length)]!;
        const edit = randomAnswers(r);
        delete edit.why;
        await db.transaction((tx) => saveResponse(tx, { tenantId: ws.tenantId, surveyId: survey.id, channel: 'link', locale: 'en', answers: edit, complete: true, responseId: k.id, deviceHash: k.device }));
      }
      if (i % 9 === 8) {
        const [gone] = saved.splice(Math.floor(r() * saved.length), 1);
        await db.transaction((tx) => deleteSurveyResponse(tx, ws.tenantId, owner, survey.id, gone!.id));
      }
    }
    const stored = await storedRollups(db, ws.tenantId, survey.id);
    expect(stored).toEqual(await rawRollups(db, ws.tenantId, survey.id));
    // the segment and stage rows exist and count only the VIP customers' responses
    const vipRows = stored.filter((x) => x.questionId === '' && x.segmentId === vip.id);
    const vipTotal = vipRows.reduce((s, x) => s + x.counters.answered, 0);
    expect(vipTotal).toBeGreaterThan(0);
    expect(vipTotal).toBeLessThan(saved.length);
    expect(new Set(stored.map((x) => x.stage))).toEqual(new Set(['after-sale']));
  }, 120_000);

  it('equal the raw aggregate after a group of answers written on one shard, then edited and deleted one by one', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const db = t.database.db;
    const survey = await publishSurvey(db, ws.tenantId, { name: 'A group', settings: { languages: ['en'], defaultLanguage: 'en' }, questions: QUESTIONS });
    const live = (await liveSurvey(db, ws.tenantId, survey.id))!;
    const customers = [await createCustomer(t, ws), await createCustomer(t, ws)];
    const r = rng(11);
    const group = Array.from({ length: 12 }, (_, i) => {
      const answers = randomAnswers(r);
      delete answers.why;
      return planCompletion({
        tenantId: ws.tenantId, surveyId: survey.id, channel: 'link', locale: 'en', answers, complete: true, deviceHash: Buffer.alloc(32, i), customerId: customers[i % 2]!.id,
      }, live);
    });
    const outcomes = await db.transaction((tx) => saveCompletions(tx, ws.tenantId, group, { shard: 5 }));
    const ids = outcomes.map((o) => ('saved' in o ? o.saved.responseId : ''));
    expect(ids.map(rollupShard)).toEqual(ids.map(() => 5));
    const shards = await t.database.pool.query('SELECT DISTINCT shard FROM survey_rollups WHERE tenant_id = $1 AND survey_id = $2', [ws.tenantId, survey.id]);
    expect(shards.rows).toEqual([{ shard: 5 }]);

    const owner = { kind: 'user' as const, id: ws.users.owner.accountId, tenantId: ws.tenantId, role: 'owner' as const };
    for (const [n, id] of ids.slice(0, 4).entries()) {
      const edit = randomAnswers(r);
      delete edit.why;
      await db.transaction((tx) => saveResponse(tx, { tenantId: ws.tenantId, surveyId: survey.id, channel: 'link', locale: 'en', answers: edit, complete: true, responseId: id, deviceHash: Buffer.alloc(32, n) }));
    }
    for (const id of ids.slice(3, 6)) await db.transaction((tx) => deleteSurveyResponse(tx, ws.tenantId, owner, survey.id, id));
    expect(await storedRollups(db, ws.tenantId, survey.id)).toEqual(await rawRollups(db, ws.tenantId, survey.id));
  });

  it('gives new response ids on the asked shard, still random UUIDs', () => {
    for (let shard = 0; shard < ROLLUP_SHARDS; shard++) {
      const ids = Array.from({ length: 200 }, () => responseIdOnShard(shard));
      expect(new Set(ids.map(rollupShard))).toEqual(new Set([shard]));
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
