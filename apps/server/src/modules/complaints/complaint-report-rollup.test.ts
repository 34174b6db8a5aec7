import { ComplaintReportQuery, RootCauseReportQuery } from '@vafa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_A, POLICY_B, generateComplaintCases, mulberry32 } from '../../../test/complaint-report-data.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { maintainReportRollups } from './complaint-report-rollup.ts';
import { HISTOGRAM_ABSOLUTE_ERROR_MINUTES, HISTOGRAM_RELATIVE_ERROR } from './complaint-report.histogram.ts';
import * as raw from './complaint-report.raw.ts';

// The reports over the rollups (complaint-report.service.ts) answer over HTTP what the same
// reports row by row (complaint-report.raw.ts) answer from the facts, on random cases: before
// anything is folded, once folded, after changes to folded days (reassignments, reopenings, late
// closures, recorded breaches, a policy gaining a target, a policy deleted), once those are folded
// again, and across a change of the workspace's time zone. Percentiles agree within the
// histogram's stated error; everything else exactly.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, ws: TestWorkspace, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers: t.auth(ws.keys.owner), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

const QUERIES = [
  `from=${isoDay(-160)}&to=${isoDay(1)}&granularity=month`,
  `from=${isoDay(-100)}&to=${isoDay(0)}&granularity=week&weekStart=saturday`,
  `from=${isoDay(-20)}&to=${isoDay(0)}&granularity=day`,
  `from=${isoDay(-3)}&to=${isoDay(3)}&granularity=day`,
  `from=${isoDay(-160)}&to=${isoDay(0)}&granularity=month&team=north`,
  `from=${isoDay(-120)}&to=${isoDay(-30)}&granularity=week&category=billing&channel=web`,
  `from=${isoDay(-160)}&to=${isoDay(0)}&granularity=month&team=south&channel=email&category=delivery`,
  `from=${isoDay(-60)}&to=${isoDay(0)}&granularity=week&weekStart=sunday&channel=sms`,
  `from=${isoDay(-160)}&to=${isoDay(0)}&team=nobody`,
];

type Durations = { count: number; medianMinutes: number | null; p90Minutes: number | null };

/** Within the histogram's error of the exact figure, both rounded to a tenth of a minute. */
function expectClose(actual: Durations, exact: Durations, what: string) {
  expect(actual.count, what).toBe(exact.count);
  for (const key of ['medianMinutes', 'p90Minutes'] as const) {
    const a = actual[key];
    const e = exact[key];
    if (e === null) {
      expect(a, `${what} ${key}`).toBeNull();
      continue;
    }
    expect(a, `${what} ${key}`).not.toBeNull();
    expect(Math.abs(a! - e), `${what} ${key}: ${a} against ${e}`).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR * Math.abs(e) + HISTOGRAM_ABSOLUTE_ERROR_MINUTES + 0.1 + 1e-9);
  }
}

/** Every report and query over HTTP against the same report row by row. */
async function expectReportsMatchFacts(ws: TestWorkspace, phase: string) {
  const db = t.database.db;
  for (const q of QUERIES) {
    const query = ComplaintReportQuery.parse(Object.fromEntries(new URLSearchParams(q)));
    const get = async (report: string, extra = '') => {
      const res = await call('GET', `/api/complaints/reports/${report}?${q}${extra}`, ws);
      expect(res.status, `${phase} ${report}?${q}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };
    const exact = (value: unknown) => JSON.parse(JSON.stringify(value));
    expect(await get('volume'), `${phase} volume ${q}`).toEqual(exact(await raw.volumeReport(db, ws.tenantId, query)));
    expect(await get('reopen-rate'), `${phase} reopen ${q}`).toEqual(exact(await raw.reopenReport(db, ws.tenantId, query)));
    expect(await get('sla'), `${phase} sla ${q}`).toEqual(exact(await raw.slaReport(db, ws.tenantId, query)));
    for (const level of ['cause', 'sub_cause'] as const) {
      const rootCauses = await raw.rootCauseReport(db, ws.tenantId, RootCauseReportQuery.parse({ ...Object.fromEntries(new URLSearchParams(q)), level }));
      expect(await get('root-causes', `&level=${level}`), `${phase} root causes ${level} ${q}`).toEqual(exact(rootCauses));
    }
    const times = await get('handling-times');
    const reference = await raw.handlingTimeReport(db, ws.tenantId, query);
    expect(times.period).toEqual(reference.period);
    expect(times.buckets.map((b: { start: string }) => b.start)).toEqual(reference.buckets.map((b) => b.start));
    for (const target of ['acknowledge', 'resolve'] as const) {
      expectClose(times.totals[target], reference.totals[target], `${phase} ${target} total ${q}`);
      reference.buckets.forEach((b, i) => expectClose(times.buckets[i][target], b[target], `${phase} ${target} ${b.start} ${q}`));
    }
  }
}

async function rollupOf(tenantId: string) {
  const { rows: [state] } = await t.database.pool.query(`SELECT time_zone, folded_until::text AS folded_until, advance_to FROM complaint_report_rollup_state WHERE tenant_id = $1`, [tenantId]);
  const { rows: [counts] } = await t.database.pool.query(`
    SELECT (SELECT count(*)::int FROM complaint_report_days WHERE tenant_id = $1) AS days,
           (SELECT count(DISTINCT day)::int FROM complaint_report_dirty_days WHERE tenant_id = $1) AS dirty`, [tenantId]);
  return { state, days: counts.days as number, dirty: counts.dirty as number };
}

const localToday = async (tenantId: string) =>
  (await t.database.pool.query(`SELECT (now() AT TIME ZONE time_zone)::date::text AS day FROM workspaces WHERE id = $1`, [tenantId])).rows[0].day as string;

/** Runs the fold until nothing is left to do (it may have to wait for older transactions to end). */
const foldUntilSettled = (tenantId: string) =>
  eventually(async () => (await maintainReportRollups(t.database, tenantId, new Date())).settled, 'the report rollup fold to settle');

describe('complaint report rollups', () => {
  it('answer what the facts answer row by row, before and after folds, changes to folded days, and a time zone change', async () => {
    const seed = Number(process.env.VAFA_ROLLUP_SEED ?? Date.now() % 1_000_000);
    const rand = mulberry32(seed);
    const ws = await t.createWorkspace();
    expect((await call('POST', '/api/complaints/root-causes', ws, { code: 'courier_damage', parentCode: 'delivery', labels: { fa: 'آسیب', ar: 'تلف', en: 'Courier damage' } })).status).toBe(201);
    const cases = await generateComplaintCases(t.database.pool, ws.tenantId, 700, rand);

    // Nothing folded yet: every day from the facts.
    expect((await rollupOf(ws.tenantId)).state).toBeUndefined();
    await expectReportsMatchFacts(ws, `seed ${seed}, unfolded`);

    await foldUntilSettled(ws.tenantId);
    const folded = await rollupOf(ws.tenantId);
    expect(folded.state).toMatchObject({ time_zone: 'Asia/Tehran', folded_until: await localToday(ws.tenantId), advance_to: null });
    expect(folded.days).toBeGreaterThan(150);
    expect(folded.dirty).toBe(0);
    await expectReportsMatchFacts(ws, `seed ${seed}, folded`);

    // A folded day is read from its row: a row changed behind the fold's back shows, until that day is folded again.
    const { rows: [whole] } = await t.database.pool.query(`
      SELECT day::text AS day, received FROM complaint_report_days WHERE tenant_id = $1 AND summed_over = 7 AND received > 0 ORDER BY day LIMIT 1`, [ws.tenantId]);
    await t.database.pool.query(`UPDATE complaint_report_days SET received = received + 1000 WHERE tenant_id = $1 AND summed_over = 7 AND day = $2`, [ws.tenantId, whole.day]);
    const around = `from=${whole.day}&to=${whole.day}&granularity=day`;
    expect((await call('GET', `/api/complaints/reports/volume?${around}`, ws)).body.totals.received).toBe(whole.received + 1000);
    await t.database.pool.query(`INSERT INTO complaint_report_dirty_days (tenant_id, day) VALUES ($1, $2)`, [ws.tenantId, whole.day]);
    expect((await call('GET', `/api/complaints/reports/volume?${around}`, ws)).body.totals.received).toBe(whole.received);
    await foldUntilSettled(ws.tenantId);
    expect((await call('GET', `/api/complaints/reports/volume?${around}`, ws)).body.totals.received).toBe(whole.received);

    // Changes to folded days, as the case paths make them (the log, the SLA row, the policies), one
    // kind at a time: each marks the days it moves, which are read from the facts until folded again.
    // Old cases closed for the first time today move only today's figures, read from the facts anyway: nothing to mark.
    const pool = t.database.pool;
    const old = cases.filter((c) => c.receivedAt < Date.now() - 12 * DAY).sort(() => rand() - 0.5);
    const oldClosed = old.filter((c) => c.closed).map((c) => c.id);
    const oldNeverClosed = old.filter((c) => c.lastClosedAt === null).map((c) => c.id);
    const steps: [string, () => Promise<unknown>, { marks: boolean }?][] = [
      ['reassigned', async () => {
        const ids = old.slice(0, 30).map((c) => c.id);
        await pool.query(`UPDATE complaint_cases SET team = 'east', category = CASE WHEN category = 'billing' THEN 'product' ELSE category END WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [ws.tenantId, ids]);
        await pool.query(`
          INSERT INTO complaint_case_events (tenant_id, case_id, kind, action, actor_type, details)
          SELECT $1, id, 'note', 'assign', 'supervisor', '{"team":"east"}' FROM unnest($2::uuid[]) AS id`, [ws.tenantId, ids]);
      }],
      ['reopened', async () => {
        const ids = oldClosed.slice(0, 20);
        await pool.query(`UPDATE complaint_cases SET state = 'reopened' WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [ws.tenantId, ids]);
        await pool.query(`
          INSERT INTO complaint_case_events (tenant_id, case_id, kind, action, from_state, to_state, actor_type)
          SELECT $1, id, 'transition', 'reopen', 'closed', 'reopened', 'supervisor' FROM unnest($2::uuid[]) AS id`, [ws.tenantId, ids]);
      }],
      ['closed again with another cause', async () => {
        const ids = oldClosed.slice(0, 10);
        await pool.query(`UPDATE complaint_cases SET state = 'closed', root_cause = 'communication' WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [ws.tenantId, ids]);
        await pool.query(`
          INSERT INTO complaint_case_events (tenant_id, case_id, kind, action, from_state, to_state, actor_type, details)
          SELECT $1, id, 'transition', 'close', 'reopened', 'closed', 'supervisor', '{"rootCause":"communication"}' FROM unnest($2::uuid[]) AS id`, [ws.tenantId, ids]);
      }],
      ['reopened over the API', async () => {
        const res = await call('POST', `/api/complaints/${oldClosed[25]}/actions`, ws, { action: 'reopen' });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }],
      ['closed late', async () => {
        const ids = oldNeverClosed.slice(0, 10);
        await pool.query(`UPDATE complaint_cases SET state = 'closed', root_cause = 'facilities' WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [ws.tenantId, ids]);
        await pool.query(`
          INSERT INTO complaint_case_events (tenant_id, case_id, kind, action, from_state, to_state, actor_type, details)
          SELECT $1, id, 'transition', 'close', 'under_investigation', 'closed', 'supervisor', '{"rootCause":"facilities"}' FROM unnest($2::uuid[]) AS id`, [ws.tenantId, ids]);
      }, { marks: false }],
      ['breaches recorded', async () => {
        await pool.query(`
          UPDATE complaint_case_sla SET published = array_append(published, 'breach:resolve'), policy_id = coalesce(policy_id, $3)
          WHERE tenant_id = $1 AND case_id = ANY($2::uuid[]) AND NOT 'breach:resolve' = ANY(published)`, [ws.tenantId, oldClosed.slice(30, 50), POLICY_A]);
      }],
      ['a policy gaining a target', () => pool.query(`UPDATE complaint_sla_policies SET acknowledge_minutes = 30 WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, POLICY_B])],
      ['a policy deleted', () => pool.query(`DELETE FROM complaint_sla_policies WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, POLICY_A])],
    ];
    for (const [name, change, { marks } = { marks: true }] of steps) {
      await change();
      if (marks) expect((await rollupOf(ws.tenantId)).dirty, name).toBeGreaterThan(0);
      else expect((await rollupOf(ws.tenantId)).dirty, name).toBe(0);
      await expectReportsMatchFacts(ws, `seed ${seed}, ${name}`);
      await foldUntilSettled(ws.tenantId);
      expect((await rollupOf(ws.tenantId)).dirty, name).toBe(0);
      await expectReportsMatchFacts(ws, `seed ${seed}, ${name}, folded again`);
    }

    // Another time zone: days cut elsewhere. The reports read the facts until the rollup is rebuilt in it.
    expect((await call('PATCH', '/api/workspace', ws, { timeZone: 'America/Los_Angeles' })).status).toBe(200);
    expect((await rollupOf(ws.tenantId)).state.time_zone).toBe('Asia/Tehran');
    await expectReportsMatchFacts(ws, `seed ${seed}, new time zone, not rebuilt`);
    await foldUntilSettled(ws.tenantId);
    const rebuilt = await rollupOf(ws.tenantId);
    expect(rebuilt.state).toMatchObject({ time_zone: 'America/Los_Angeles', folded_until: await localToday(ws.tenantId) });
    expect(rebuilt.days).toBeGreaterThan(150);
    await expectReportsMatchFacts(ws, `seed ${seed}, rebuilt in the new time zone`);
  });

  it('leaves intake and today alone, and lets changes to the same folded day proceed side by side', async () => {
    const ws = await t.createWorkspace();
    await generateComplaintCases(t.database.pool, ws.tenantId, 300, mulberry32(7));
    await foldUntilSettled(ws.tenantId);
    const before = await t.database.pool.query(`SELECT * FROM complaint_report_days WHERE tenant_id = $1 ORDER BY summed_over, team, channel, category, day`, [ws.tenantId]);

    // A filing today touches no rollup row and marks nothing: today is read from the facts.
    const filed = await t.app.inject({ method: 'POST', url: '/api/complaints', headers: t.auth(ws.keys.agent), payload: { channel: 'phone', description: 'The parcel arrived broken.' } });
    expect(filed.statusCode, filed.body).toBe(201);
    const after = await t.database.pool.query(`SELECT * FROM complaint_report_days WHERE tenant_id = $1 ORDER BY summed_over, team, channel, category, day`, [ws.tenantId]);
    expect(after.rows).toEqual(before.rows);
    expect((await rollupOf(ws.tenantId)).dirty).toBe(0);
    const today = `from=${isoDay(-1)}&to=${isoDay(1)}&granularity=day`;
    const volume = (await call('GET', `/api/complaints/reports/volume?${today}`, ws)).body;
    expect(volume).toEqual(JSON.parse(JSON.stringify(await raw.volumeReport(t.database.db, ws.tenantId, ComplaintReportQuery.parse(Object.fromEntries(new URLSearchParams(today)))))));

    // Two transactions changing cases of one folded day: the second does not wait for the first.
    const { rows: [pair] } = await t.database.pool.query(`
      SELECT ids[1] AS a, ids[2] AS b FROM (
        SELECT array_agg(case_id) AS ids FROM complaint_case_facts
        WHERE tenant_id = $1 AND received_at < now() - interval '3 days'
        GROUP BY (received_at AT TIME ZONE 'Asia/Tehran')::date HAVING count(*) > 1 LIMIT 1) d`, [ws.tenantId]);
    const ids = [pair.a as string, pair.b as string];
    const first = await t.database.pool.connect();
    const second = await t.database.pool.connect();
    try {
      await first.query('BEGIN');
      await first.query(`UPDATE complaint_case_facts SET team = 'first' WHERE tenant_id = $1 AND case_id = $2`, [ws.tenantId, ids[0]]);
      await second.query('BEGIN');
      // Were the mark a row both had to update, this would wait for `first` and fail on the timeout.
      await second.query(`SET LOCAL lock_timeout = '10s'`);
      await second.query(`UPDATE complaint_case_facts SET team = 'second' WHERE tenant_id = $1 AND case_id = $2`, [ws.tenantId, ids[1]]);
      await second.query('COMMIT');
      await first.query('COMMIT');
    } finally {
      await first.query('ROLLBACK').catch(() => undefined);
      first.release();
      second.release();
    }
    expect((await rollupOf(ws.tenantId)).dirty).toBeGreaterThan(0);
    await expectReportsMatchFacts(ws, 'side by side, unfolded');
    await foldUntilSettled(ws.tenantId);
    await expectReportsMatchFacts(ws, 'side by side, folded');
  });

  it('folds a new local day only once the transactions that could have missed marking it have ended', async () => {
    const ws = await t.createWorkspace();
    await generateComplaintCases(t.database.pool, ws.tenantId, 300, mulberry32(13));
    // Folded as of five days ago: the days since are read from the facts, and changes to them are not marked.
    const then = new Date(Date.now() - 5 * DAY);
    await eventually(async () => (await maintainReportRollups(t.database, ws.tenantId, then)).settled, 'the fold as of five days ago');
    const { state } = await rollupOf(ws.tenantId);
    const { rows: [recent] } = await t.database.pool.query(`
      SELECT case_id FROM complaint_case_facts
      WHERE tenant_id = $1 AND received_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Tehran' AND received_at < now() - interval '1 day'
      ORDER BY received_at LIMIT 1`, [ws.tenantId, state.folded_until]);
    expect(recent, 'a case received since the fold').toBeDefined();

    // A change to such a day, left unmarked as it should be, still in flight when the next day's fold starts.
    const writer = await t.database.pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`UPDATE complaint_case_facts SET team = 'late' WHERE tenant_id = $1 AND case_id = $2`, [ws.tenantId, recent.case_id]);
      const waiting = await maintainReportRollups(t.database, ws.tenantId, new Date());
      expect(waiting.settled).toBe(false);
      expect((await rollupOf(ws.tenantId)).state).toMatchObject({ folded_until: state.folded_until, advance_to: await localToday(ws.tenantId) });
      await writer.query('COMMIT');
    } finally {
      await writer.query('ROLLBACK').catch(() => undefined);
      writer.release();
    }
    expect((await rollupOf(ws.tenantId)).dirty).toBe(0);
    await foldUntilSettled(ws.tenantId);
    expect((await rollupOf(ws.tenantId)).state).toMatchObject({ folded_until: await localToday(ws.tenantId), advance_to: null });
    await expectReportsMatchFacts(ws, 'a new day folded after the change in flight');
  });
});
