import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { seedDemoSurveys, type DemoSurveyCustomer } from './index.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

describe('demo surveys', () => {
  it('a live NPS and a CSAT survey with answers over the last 90 days, in the rollups and the list', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const customers: DemoSurveyCustomer[] = [];
    for (let i = 0; i < 12; i++) customers.push({ id: (await createCustomer(t, ws)).id, language: (['fa', 'fa', 'ar', 'en'] as const)[i % 4]! });
    const now = new Date();
    const seeded = await seedDemoSurveys(t.database, ws.tenantId, { customers, responses: 120, now, seed: 7 });
    expect(seeded.responses).toBe(120);

    const list = await t.app.inject({ method: 'GET', url: '/api/surveys', headers: t.auth(ws.keys.owner) });
    const items = list.json().items as { id: string; status: string; responseCount: number; questions: { type: string }[]; publishedAt: string }[];
    expect(items.map((s) => s.status)).toEqual(['live', 'live']);
    expect(items.map((s) => s.questions[0]!.type).sort()).toEqual(['csat', 'nps']);
    expect(items.reduce((sum, s) => sum + s.responseCount, 0)).toBe(120);
    for (const s of items) expect(Date.parse(s.publishedAt)).toBeLessThan(now.getTime() - 90 * 86_400_000);

    const { rows } = await t.database.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT channel)::int AS channels, min(submitted_at) AS first, max(submitted_at) AS last
       FROM survey_responses WHERE tenant_id = $1 AND status = 'complete'`, [ws.tenantId]);
    expect(rows[0].n).toBe(120);
    expect(rows[0].channels).toBeGreaterThanOrEqual(4);
    expect(new Date(rows[0].first).getTime()).toBeGreaterThanOrEqual(now.getTime() - 90 * 86_400_000);
    expect(new Date(rows[0].last).getTime()).toBeLessThanOrEqual(now.getTime());
    const persian = await t.database.pool.query(`SELECT count(*)::int AS n FROM survey_answers WHERE tenant_id = $1 AND text_value ~ '[پچژگی]'`, [ws.tenantId]);
    expect(persian.rows[0].n).toBeGreaterThan(0);
    // answers reach the customers' timelines
    const timeline = await t.database.pool.query(`SELECT count(*)::int AS n FROM touchpoints WHERE tenant_id = $1 AND kind = 'survey.answered'`, [ws.tenantId]);
    expect(timeline.rows[0].n).toBeGreaterThan(0);
  });
});
