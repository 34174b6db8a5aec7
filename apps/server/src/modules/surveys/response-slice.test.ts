import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '@vafa/contracts';
import { createCustomer, createSegment } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { publishSurvey, republish } from '../../../test/survey-factories.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { saveResponse } from './response.service.ts';

// The responses list, its export and the themes read one slice the way the results do: segment
// = the customer's segments when the response completed, stage = the survey's journey stage,
// period = days of the workspace's time zone (Tehran here). Responses go through the response
// service, so segments, stage and rollups are what a real answer writes.

let t: TestApp;
let ws: TestWorkspace;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  base = await t.vafa.listen();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

const text = (fa: string, en: string) => ({ fa, en });
const DEFINITION = {
  name: 'Slices',
  settings: { languages: ['fa', 'en'], defaultLanguage: 'fa' },
  questions: [
    { id: 'nps', type: 'nps', title: text('پیشنهاد می‌کنید؟', 'Recommend?') },
    { id: 'why', type: 'text', title: text('چرا؟', 'Why?') },
  ],
};

async function get(url: string, lang = 'fa') {
  const res = await t.app.inject({ method: 'GET', url, headers: { ...t.auth(ws.keys.analyst), 'accept-language': lang } });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body, type: res.headers['content-type'] };
}

let surveyId: string;
let segmentId: string;
const ids: Record<string, string> = {};

async function answer(name: string, customerId: string | undefined, at: string, channel: 'sms' | 'email' | 'link', score: number, why: string) {
  const answers: Record<string, AnswerValue> = { nps: { score }, why: { text: why } };
  const saved = await t.database.db.transaction((tx) => saveResponse(tx, {
    tenantId: ws.tenantId, surveyId, channel, locale: 'fa', answers, complete: true, submittedAt: new Date(at), ...(customerId ? { customerId } : {}),
  }));
  ids[name] = saved.responseId;
}

const setTags = async (customerId: string, tags: string[]) => {
  const res = await t.app.inject({ method: 'PATCH', url: `/api/customers/${customerId}`, headers: t.auth(ws.keys.owner), payload: { tags } });
  expect(res.statusCode, res.body).toBe(200);
};

/** The ids a list query returns, following every cursor with pages of 2. */
async function listed(query: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/api/surveys/${surveyId}/responses?limit=2&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}
const names = (list: string[]) => list.map((id) => Object.keys(ids).find((k) => ids[k] === id) ?? id).sort();

async function resultsTotal(query: string): Promise<number> {
  const res = await get(`/api/surveys/${surveyId}/results?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.responses.total;
}

async function exported(query: string): Promise<string[]> {
  const res = await fetch(`${base}/api/surveys/${surveyId}/export.csv?lang=en&${query}`, { headers: t.auth(ws.keys.analyst) });
  expect(res.status, await res.clone().text()).toBe(200);
  const rows = parse((await res.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
  return rows.map((r) => r['Response ID']!);
}

describe('a slice of responses: segment, stage and period as the results read them', () => {
  beforeAll(async () => {
    expect((await workspaceSettings(t.database.db, ws.tenantId)).timeZone).toBe('Asia/Tehran');
    const joiner = await createCustomer(t, ws);
    const leaver = await createCustomer(t, ws, { tags: ['vip'] });
    const stranger = await createCustomer(t, ws);
    segmentId = (await createSegment(t, ws, 'VIP', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] })).id;
    surveyId = (await publishSurvey(t.database.db, ws.tenantId, DEFINITION)).id;

    // Version 1: no journey stage. The last second of 29 Esfand 1404 and the first of Nowruz 1405 in Tehran (UTC+03:30).
    await answer('leaverIn', leaver.id, '2026-03-20T20:29:59Z', 'sms', 2, 'ارسال با تاخیر رسید و بسته خراب بود');
    await answer('joinerBefore', joiner.id, '2026-03-20T20:30:00Z', 'email', 9, 'قیمت مناسب بود');
    // Membership changes after those answers: the leaver leaves, the joiner joins.
    await setTags(leaver.id, []);
    await setTags(joiner.id, ['vip']);
    await republish(t.database.db, ws.tenantId, surveyId, { ...DEFINITION, settings: { ...DEFINITION.settings, stage: 'after-sale' } });
    // Version 2: after-sale.
    await answer('joinerAfter', joiner.id, '2026-03-22T09:00:00Z', 'sms', 4, 'ارسال با تاخیر بود');
    await answer('leaverAfter', leaver.id, '2026-03-22T10:00:00Z', 'email', 10, 'قیمت مناسب و کیفیت خوب');
    await answer('anonymousAfter', undefined, '2026-03-23T10:00:00Z', 'link', 8, 'پشتیبانی عالی');
    await answer('strangerAfter', stranger.id, '2026-03-23T11:00:00Z', 'sms', 6, 'قیمت مناسب نبود');
  }, 120_000);

  it('a segment: the customer\'s segments when the response completed, not now; the same responses the results count', async () => {
    expect(names(await listed(`segmentId=${segmentId}`))).toEqual(['joinerAfter', 'leaverIn']);
    expect(await resultsTotal(`segmentId=${segmentId}`)).toBe(2);
    // a segment nobody answered in (or another workspace's id) is an empty slice, not an error
    expect(await listed('segmentId=00000000-0000-4000-8000-000000000001')).toEqual([]);
  });

  it('a stage: the survey version\'s journey stage, `none` for answers about none', async () => {
    expect(names(await listed('stage=after-sale'))).toEqual(['anonymousAfter', 'joinerAfter', 'leaverAfter', 'strangerAfter']);
    expect(names(await listed('stage=none'))).toEqual(['joinerBefore', 'leaverIn']);
    expect(await listed('stage=sale')).toEqual([]);
    expect(await resultsTotal('stage=after-sale')).toBe(4);
    expect(await resultsTotal('stage=none')).toBe(2);
  });

  it('a period: days of Tehran, inclusive; the Nowruz midnight splits the two first answers', async () => {
    expect(names(await listed('to=2026-03-20'))).toEqual(['leaverIn']);
    expect(names(await listed('from=2026-03-21&to=2026-03-21'))).toEqual(['joinerBefore']);
    expect(names(await listed('from=2026-03-21&to=2026-03-22'))).toEqual(['joinerAfter', 'joinerBefore', 'leaverAfter']);
    expect(names(await listed('from=2026-03-23'))).toEqual(['anonymousAfter', 'strangerAfter']);
    for (const [q, n] of [['to=2026-03-20', 1], ['from=2026-03-21&to=2026-03-21', 1], ['from=2026-03-21&to=2026-03-22', 3]] as const) {
      expect(await resultsTotal(q)).toBe(n);
    }
  });

  it('filters combine with channel, score, text and tag, keyset-paged newest first', async () => {
    const all = await listed('');
    expect(all.map((id) => names([id])[0])).toEqual(['strangerAfter', 'anonymousAfter', 'leaverAfter', 'joinerAfter', 'joinerBefore', 'leaverIn']);
    expect(names(await listed('stage=after-sale&channel=sms'))).toEqual(['joinerAfter', 'strangerAfter']);
    expect(names(await listed('stage=after-sale&channel=sms&scoreMin=0&scoreMax=5'))).toEqual(['joinerAfter']);
    expect(names(await listed(`segmentId=${segmentId}&from=2026-03-21`))).toEqual(['joinerAfter']);
    const tag = await t.app.inject({ method: 'POST', url: `/api/surveys/${surveyId}/responses/${ids.strangerAfter}/tags`, headers: t.auth(ws.keys.analyst), payload: { tag: 'قیمت' } });
    expect(tag.statusCode, tag.body).toBeLessThan(300);
    expect(names(await listed(`tag=${encodeURIComponent('قیمت')}&stage=after-sale&from=2026-03-23&to=2026-03-23`))).toEqual(['strangerAfter']);
    expect(await listed(`tag=${encodeURIComponent('قیمت')}&stage=none`)).toEqual([]);
  });

  it('refuses garbage with a 400 problem in the reader\'s language and a stable code', async () => {
    const cases: [string, string][] = [
      ['stage=shopping', 'validation_failed'],
      ['segmentId=vip', 'validation_failed'],
      ['from=yesterday', 'validation_failed'],
      ['from=2026-02-30', 'invalid_period'],
      ['from=2026-03-22&to=2026-03-21', 'invalid_period'],
    ];
    for (const path of [`/api/surveys/${surveyId}/responses`, `/api/surveys/${surveyId}/themes`, `/api/surveys/${surveyId}/export.csv`]) {
      for (const [query, code] of cases) {
        const fa = await get(`${path}?${query}`, 'fa');
        expect(fa.status, `${path}?${query}`).toBe(400);
        expect(fa.type).toContain('application/problem+json');
        expect(fa.body.code, `${path}?${query}`).toBe(code);
        expect(fa.body.detail).toMatch(/[\u0600-\u06FF]/);
        const en = await get(`${path}?${query}`, 'en');
        expect(en.body.code).toBe(code);
        expect(en.body.detail).not.toMatch(/[\u0600-\u06FF]/);
      }
    }
  });

  it('themes per slice: counts and example answers from the slice only', async () => {
    const themesOf = async (query: string) => {
      const res = await get(`/api/surveys/${surveyId}/themes?question=why&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.questions[0].themes as { term: string; count: number; examples: { responseId: string; text: string }[] }[];
    };
    const inSegment = await themesOf(`segmentId=${segmentId}`);
    const late = inSegment.find((th) => th.term.includes('ارسال'));
    expect(late).toMatchObject({ count: 2 });
    expect(late!.examples.map((e) => e.responseId).sort()).toEqual([ids.joinerAfter, ids.leaverIn].sort());
    expect(inSegment.some((th) => th.term.includes('قیمت'))).toBe(false);
    const slice = new Set([ids.joinerAfter, ids.leaverIn]);
    expect(inSegment.flatMap((th) => th.examples).every((e) => slice.has(e.responseId))).toBe(true);

    // after-sale in Tehran's 22–23 March: the price answers (three), not the delivery one of the 20th
    const afterSale = await themesOf('stage=after-sale&from=2026-03-22&to=2026-03-23');
    const price = afterSale.find((th) => th.term.includes('قیمت مناسب'));
    expect(price).toMatchObject({ count: 2 });
    expect(price!.examples.map((e) => e.responseId).sort()).toEqual([ids.leaverAfter, ids.strangerAfter].sort());
    expect(afterSale.some((th) => th.term.includes('بسته'))).toBe(false);
    // channel: SMS answers only
    const sms = await themesOf('channel=sms');
    expect(sms.flatMap((th) => th.examples).every((e) => [ids.leaverIn, ids.joinerAfter, ids.strangerAfter].includes(e.responseId))).toBe(true);
    expect(sms.find((th) => th.term.includes('ارسال'))).toMatchObject({ count: 2 });
    // a slice with no answers has no themes
    expect(await themesOf('stage=sale')).toEqual([]);
  });

  it('the export follows the same filters as the list (what you see is what you export)', async () => {
    const queries = [
      `segmentId=${segmentId}`,
      'stage=after-sale',
      'stage=none',
      'from=2026-03-21&to=2026-03-21',
      'to=2026-03-20',
      'stage=after-sale&channel=sms&scoreMin=0&scoreMax=5',
      `hasText=true&tag=${encodeURIComponent('قیمت')}`,
      `segmentId=${segmentId}&from=2026-03-21`,
    ];
    for (const query of queries) {
      const list = await listed(query);
      expect(list.length, query).toBeGreaterThan(0);
      // the list is newest first, the file oldest first
      expect(await exported(query), query).toEqual([...list].reverse());
    }
    // instants still work as before: [from, to)
    expect(names(await exported('from=2026-03-20T20:30:00Z&to=2026-03-22T09:00:00Z'))).toEqual(['joinerBefore']);
  });
});
