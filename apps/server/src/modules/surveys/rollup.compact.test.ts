import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { compactRollups } from './rollup.compact.ts';
import { rawRollups, storedRollups } from './rollup.raw.ts';
import { deleteResponse, seedResponse, seedSurvey, type SeededResponse } from './results.fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const QUESTIONS = [
  { id: 'nps', type: 'nps', title: { en: 'Recommend?' } },
  { id: 'pick', type: 'multiple_choice', options: [{ id: 'a', label: { en: 'A' } }, { id: 'b', label: { en: 'B' } }], title: { en: 'Pick' } },
];
const SEG = '11111111-1111-4111-8111-111111111111';
const DAY = 86_400_000;

describe('rollup compaction', () => {
  it('folds old days into one shard, keeps the sums, is idempotent, and a later −1 still sums right', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const db = t.database.db;
    const survey = await seedSurvey(db, ws.tenantId, QUESTIONS);
    const now = new Date();
    const rows = async () => Number(((await db.execute(sql`SELECT count(*)::int AS n FROM survey_rollups WHERE tenant_id = ${ws.tenantId} AND survey_id = ${survey.id}`)).rows[0] as { n: number }).n);
    const shardsOf = async (older: boolean) => (await db.execute(sql`
      SELECT DISTINCT shard FROM survey_rollups WHERE tenant_id = ${ws.tenantId} AND survey_id = ${survey.id}
        AND ${older ? sql`day < current_date - 1` : sql`day >= current_date`} ORDER BY shard`)).rows.map((r) => Number((r as { shard: number }).shard));

    const seeded: SeededResponse[] = [];
    // 60 responses on 3 old days (random ids land on every shard), 8 today that must stay sharded
    for (let i = 0; i < 68; i++) {
      const old = i < 60;
      const submittedAt = new Date(now.getTime() - (old ? (5 + (i % 3)) * DAY : 0));
      seeded.push(await db.transaction((tx) => seedResponse(tx, ws.tenantId, survey, {
        submittedAt, channel: i % 2 ? 'sms' : 'link', segmentIds: i % 3 ? [SEG] : [],
        answers: { nps: { score: i % 11 }, pick: { choices: i % 4 ? ['a'] : ['a', 'b'] } },
      })));
    }
    // a response taken back on an old day leaves rows that net to 0 ('b' chosen once on that key)
    const lone = await db.transaction((tx) => seedResponse(tx, ws.tenantId, survey, {
      submittedAt: new Date(now.getTime() - 9 * DAY), channel: 'kiosk', answers: { nps: { score: 3 } },
    }));
    await db.transaction((tx) => deleteResponse(tx, ws.tenantId, survey, lone));

    const raw = await rawRollups(db, ws.tenantId, survey.id);
    expect(await storedRollups(db, ws.tenantId, survey.id)).toEqual(raw);
    expect((await shardsOf(true)).length).toBeGreaterThan(1);
    const before = await rows();

    const first = await compactRollups(db, { before: now });
    expect(first.folded).toBeGreaterThan(0);
    expect(first.emptied).toBeGreaterThan(0);
    expect(await storedRollups(db, ws.tenantId, survey.id)).toEqual(raw);
    expect(await rows()).toBeLessThan(before);
    expect(await shardsOf(true)).toEqual([0]);
    // today's rows are left on their shards
    const todayShards = await shardsOf(false);
    expect(todayShards.length).toBeGreaterThan(1);
    expect((await db.execute(sql`SELECT count(*)::int AS n FROM survey_rollups WHERE tenant_id = ${ws.tenantId} AND survey_id = ${survey.id}
      AND day < current_date - 1 AND answered = 0 AND skipped = 0 AND promoters = 0 AND detractors = 0 AND passives = 0 AND sum = 0`)).rows[0]).toEqual({ n: 0 });

    // a second run changes nothing
    const compacted = await rows();
    const snapshot = await db.execute(sql`SELECT * FROM survey_rollups WHERE tenant_id = ${ws.tenantId} AND survey_id = ${survey.id} ORDER BY 1,2,3,4,5,6,7,8,9`);
    // The run's own counts cover every workspace of the database, which on the shared server
    // database includes other test files' rows; this workspace's rows are what must not change.
    await compactRollups(db, { before: now });
    expect(await rows()).toBe(compacted);
    expect((await db.execute(sql`SELECT * FROM survey_rollups WHERE tenant_id = ${ws.tenantId} AND survey_id = ${survey.id} ORDER BY 1,2,3,4,5,6,7,8,9`)).rows).toEqual(snapshot.rows);

    // deleting old responses after compaction: their −1 lands on their own shard (a new row), sums stay right
    for (const gone of seeded.filter((_, i) => i % 5 === 1 && i < 60)) {
      await db.transaction((tx) => deleteResponse(tx, ws.tenantId, survey, gone));
    }
    const afterDelete = await rawRollups(db, ws.tenantId, survey.id);
    expect(afterDelete).not.toEqual(raw);
    expect(await storedRollups(db, ws.tenantId, survey.id)).toEqual(afterDelete);
    expect((await shardsOf(true)).length).toBeGreaterThan(1);
    // and compacting again folds those back
    await compactRollups(db, { before: now });
    expect(await storedRollups(db, ws.tenantId, survey.id)).toEqual(afterDelete);
    expect(await shardsOf(true)).toEqual([0]);
  });
});
