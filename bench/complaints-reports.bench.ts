import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { maintainReportRollups } from '../apps/server/src/modules/complaints/index.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { benchDatabase, percentile, report, WORK_DIR, waitForReady } from './lib.ts';

// The complaint reports (ISO 10002 clause 8) over HTTP on a workspace with CASES complaints spread
// over a year: 6 teams, 9 channels, 8 categories, 40 products; ~92 % closed (8 % of those reopened
// and closed again), each case with its log (receive, acknowledge, close, reopen, close) and an SLA
// row. Generated once, set-based, into bench/.work/data-complaints-reports and reused. The reports'
// rollups are folded from the facts as the job folds them (a first build; later runs find them
// built and fold only days changed or a new day begun since).
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const SLUG = 'complaints-reports-bench';

const database = await benchDatabase('complaints-reports');
const { db } = database;

async function existing(): Promise<string | undefined> {
  const { rows } = await database.pool.query(`SELECT w.id, (SELECT count(*)::int FROM complaint_cases c WHERE c.tenant_id = w.id) AS n FROM workspaces w WHERE slug = $1`, [SLUG]);
  return rows[0] && rows[0].n === CASES ? (rows[0].id as string) : undefined;
}

async function generate(): Promise<{ tenantId: string; seconds: number }> {
  const started = performance.now();
  const client = await database.pool.connect();
  try {
    await client.query(`DELETE FROM workspaces WHERE slug = $1`, [SLUG]).catch(() => undefined);
    const tenantId = await db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Complaint reports bench', slug: `${SLUG}`, defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
    // Bulk load: triggers (the facts and SLA rows) off, filled set-based below from the same data.
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`
      CREATE TEMP TABLE gen AS
      SELECT gen_random_uuid() AS id, i,
        (ARRAY['web','widget','email','sms','api','phone','chat','social','in_person'])[1 + floor(power(random(), 1.6) * 9)::int] AS channel,
        (ARRAY['delivery','billing','product','staff','app','store','returns','warranty'])[1 + floor(power(random(), 1.8) * 8)::int] AS category,
        'product-' || floor(power(random(), 2) * 40)::int AS product,
        'team-' || floor(random() * 6)::int AS team,
        (ARRAY['product_quality','delivery','price_billing','staff_behaviour','process_policy','digital_tech','communication','facilities'])[1 + floor(power(random(), 2.2) * 8)::int] AS root_cause,
        now() - interval '365 days' + random() * interval '365 days' AS received_at,
        random() AS r_ack, random() AS r_close, random() AS r_reopen
      FROM generate_series(1, ${CASES}) AS i`);
    await client.query(`
      CREATE TEMP TABLE gen2 AS
      SELECT g.*, received_at + power(r_ack, 3) * interval '48 hours' AS ack_at,
        CASE WHEN r_close < 0.92 THEN received_at + interval '1 hour' + power(r_close, 2) * interval '20 days' END AS closed_at,
        CASE WHEN r_close < 0.92 AND r_reopen < 0.08 THEN received_at + interval '1 hour' + power(r_close, 2) * interval '20 days' + interval '3 days' END AS reopened_at,
        CASE WHEN r_close < 0.92 AND r_reopen < 0.08 THEN received_at + interval '1 hour' + power(r_close, 2) * interval '20 days' + interval '6 days' END AS reclosed_at
      FROM gen g`);
    await client.query(`
      INSERT INTO complaint_cases (tenant_id, id, tracking_code, channel, category, product, severity, description, team, state, root_cause, resolution_summary, created_by, received_at, closed_at, created_at, updated_at)
      SELECT $1, id, lpad(i::text, 12, '0'), channel, category, product, 'medium', 'Generated complaint', team,
        CASE WHEN reclosed_at IS NOT NULL OR (closed_at IS NOT NULL AND reopened_at IS NULL) THEN 'closed' ELSE 'under_investigation' END,
        CASE WHEN closed_at IS NOT NULL THEN root_cause END, CASE WHEN closed_at IS NOT NULL THEN 'Done' END, 'bench', received_at,
        coalesce(reclosed_at, closed_at), received_at, coalesce(reclosed_at, closed_at, ack_at)
      FROM gen2`, [tenantId]);
    await client.query(`
      INSERT INTO complaint_case_events (tenant_id, case_id, at, kind, action, from_state, to_state, actor_type, details)
      SELECT $1, id, at, 'transition', action, from_state, to_state, 'agent', details FROM (
        SELECT id, received_at AS at, 'receive' AS action, NULL AS from_state, 'received' AS to_state, '{}'::jsonb AS details, 1 AS o FROM gen2
        UNION ALL SELECT id, ack_at, 'acknowledge', 'received', 'acknowledged', '{}'::jsonb, 2 FROM gen2
        UNION ALL SELECT id, closed_at, 'close', 'resolution_communicated', 'closed', jsonb_build_object('rootCause', root_cause), 3 FROM gen2 WHERE closed_at IS NOT NULL
        UNION ALL SELECT id, reopened_at, 'reopen', 'closed', 'reopened', '{}'::jsonb, 4 FROM gen2 WHERE reopened_at IS NOT NULL
        UNION ALL SELECT id, reclosed_at, 'close', 'reopened', 'closed', jsonb_build_object('rootCause', root_cause), 5 FROM gen2 WHERE reclosed_at IS NOT NULL
      ) e ORDER BY id, o`, [tenantId]);
    // What the log trigger keeps, from the same data.
    await client.query(`
      INSERT INTO complaint_case_facts (tenant_id, case_id, received_at, channel, category, product, team, acknowledged_at, first_closed_at, last_closed_at, reopened_at, root_cause)
      SELECT $1, id, received_at, channel, category, product, team, ack_at, closed_at, coalesce(reclosed_at, closed_at), reopened_at, CASE WHEN closed_at IS NOT NULL THEN root_cause END
      FROM gen2`, [tenantId]);
    const policy = await client.query(`
      INSERT INTO complaint_sla_policies (tenant_id, id, name, category, acknowledge_minutes, resolve_minutes, pausing_states, warning_share, on_reopen, escalate_on_breach, active)
      VALUES ($1, gen_random_uuid(), 'Bench', 'bench-only', 240, 7200, '{waiting_for_customer}', 0.8, 'resume', false, true) RETURNING id`, [tenantId]);
    await client.query(`DELETE FROM complaint_case_sla WHERE tenant_id = $1`, [tenantId]);
    await client.query(`
      INSERT INTO complaint_case_sla (tenant_id, case_id, team, case_state, sla_state, urgency, due_at, policy_id, published, computed_at)
      SELECT $1, id, team, CASE WHEN closed_at IS NULL THEN 'under_investigation' ELSE 'closed' END, 'met', 5, 'infinity', $2,
        array_remove(ARRAY[CASE WHEN ack_at > received_at + interval '4 hours' THEN 'breach:acknowledge' END,
                           CASE WHEN closed_at > received_at + interval '5 days' THEN 'breach:resolve' END], NULL), now()
      FROM gen2`, [tenantId, policy.rows[0].id]);
    await client.query(`SET session_replication_role = origin`);
    await client.query(`DROP TABLE gen; DROP TABLE gen2`);
    await client.query(`VACUUM ANALYZE complaint_case_facts`);
    await client.query(`VACUUM ANALYZE complaint_case_sla`);
    await client.query(`ANALYZE complaint_cases`);
    return { tenantId, seconds: Math.round((performance.now() - started) / 1000) };
  } finally {
    client.release();
  }
}

/** The reports' rollups, by the job's own fold (complaint-report-rollup.ts): set-based, a month of days per transaction. */
async function foldRollups(tenantId: string): Promise<number> {
  const started = performance.now();
  while (!(await maintainReportRollups(database, tenantId, new Date())).settled) await new Promise((r) => setTimeout(r, 200));
  await database.pool.query(`VACUUM ANALYZE complaint_report_days`);
  return Math.round((performance.now() - started) / 1000);
}

const found = await existing();
const data = found ? { tenantId: found, seconds: 0 } : await generate();
const rollupSeconds = await foldRollups(data.tenantId);
await database.close();

const port = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: path.join(WORK_DIR, 'data-complaints-reports'), PORT: String(port), LOG_LEVEL: 'warn', VAFA_ROLE: 'api' });
await waitForReady(vafa, port);
// Vafa owns the data directory now; attach to it for a key, as large-workspace.ts does.
const attached = await connectDatabase({ databaseUrl: undefined, dataDir: path.join(WORK_DIR, 'data-complaints-reports'), poolSize: 2, log: pino({ level: 'warn' }), attach: true });
const key = await attached.db.transaction(async (tx) => {
  const owner = await addMember(tx, data.tenantId, { email: `reports-${Date.now()}@example.test`, displayName: 'bench', password: 'bench password 123', role: 'owner' });
  return (await createApiKey(tx, data.tenantId, { kind: 'user', id: owner.id, tenantId: data.tenantId, role: 'owner' }, { name: 'reports bench', role: 'analyst' }, '127.0.0.1')).secret;
});
await attached.close();

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const periods = {
  month: `from=${day(-30)}&to=${day(0)}&granularity=day`,
  quarter: `from=${day(-91)}&to=${day(0)}&granularity=week`,
  year: `from=${day(-365)}&to=${day(0)}&granularity=month`,
  yearTeam: `from=${day(-365)}&to=${day(0)}&granularity=month&team=team-2`,
};
const endpoints = ['volume', 'reopen-rate', 'handling-times', 'sla', 'satisfaction', 'root-causes'];
const figures: Record<string, { p50: number; p95: number }> = {};
for (const endpoint of endpoints) {
  for (const [name, query] of Object.entries(periods)) {
    const url = `http://127.0.0.1:${port}/api/complaints/reports/${endpoint}?${query}`;
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      if (i >= 2) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    figures[`${endpoint}:${name}`] = { p50: Math.round(percentile(times, 50) * 10) / 10, p95: Math.round(percentile(times, 95) * 10) / 10 };
  }
}
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.mkdirSync(WORK_DIR, { recursive: true });
report('complaints-reports', { cases: CASES, generatedInSeconds: data.seconds, rollupsFoldedInSeconds: rollupSeconds, runs: RUNS, ms: figures, aimP95Ms: 200 });
